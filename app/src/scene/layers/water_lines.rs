//! Derived water-hazard lines (RULES.md "Water lines", "Fault pillar"): 探水线 (exploration
//! lines), 警戒线 (warning lines) and 断层防隔水煤柱 (fault pillars), taken from the mine's
//! assessment ([`derived::layers`]: the same polygons `minehaz derive` writes, with the mine's
//! parameter overrides) and drawn as outlines (lines only, every ring), with 积水线 (the
//! boundary of each water-logged goaf). The three water lines are styled as the mines' CAD plans
//! draw them ([`style::water_line_pattern`]): 积水线 black and solid, 探水线 red and dashed,
//! 警戒线 blue and dash-dotted, the dashes a 300th of the lines' extent.
//!
//! The lines are 2D; each is drawn at one elevation, its source's level as near to the seam as
//! the data allow: the workings' mean elevation (the seam level) clamped to the source's own
//! z range (`z_floor..z_roof` of goaf, anomalies, water bodies and collapse columns, open bounds
//! unbounded; the trace's elevations for faults). With no workings, the middle of the source's
//! known range, else the middle of the scene.

use super::geom::{self, Legend};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::record::{Geom, Value};
use minehaz_core::model::{Survey, ZRange};
use minehaz_core::rules::derived;

pub struct WaterLinesVisualizer;

/// The elevation span of a water source (None = open on that side), by its kind and id.
fn source_span(s: &Survey, kind: &str, id: &str) -> ZRange {
    let l = &s.layers;
    let z = match kind {
        "goaf" => l.goaf.iter().find(|g| g.id == id).map(|g| g.z),
        "anomaly" => l.anomalies.iter().find(|a| a.id == id).map(|a| a.z),
        "water_body" => l.water_bodies.iter().find(|b| b.id == id).map(|b| b.z),
        "collapse_column" => l.collapse_columns.iter().find(|c| c.id == id).map(|c| c.z),
        "fault" => l.faults.iter().find(|f| f.id == id).and_then(|f| {
            let zs = f.trace.iter().map(|p| p[2]).filter(|z| z.is_finite());
            let (lo, hi) = zs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), z| (lo.min(z), hi.max(z)));
            (lo <= hi).then_some(ZRange { floor_m: Some(lo), roof_m: Some(hi) })
        }),
        _ => None,
    };
    z.unwrap_or_default()
}

/// The drawing elevation of a line whose source spans `span`, given the seam level.
fn level(span: ZRange, seam_z: Option<f64>, scene_mid: f64) -> f64 {
    match (seam_z, span.floor_m, span.roof_m) {
        (Some(z), lo, hi) => z.max(lo.unwrap_or(f64::NEG_INFINITY)).min(hi.unwrap_or(f64::INFINITY)),
        (None, Some(lo), Some(hi)) => (lo + hi) / 2.0,
        (None, Some(z), None) | (None, None, Some(z)) => z,
        (None, None, None) => scene_mid,
    }
}

fn text<'a>(r: &'a minehaz_core::model::record::Record, k: &str) -> &'a str {
    match r.get(k) {
        Some(Value::Text(s)) => s,
        _ => "",
    }
}

impl Visualizer for WaterLinesVisualizer {
    fn name(&self) -> &'static str {
        "water_lines"
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let s = input.survey;
        let derived = derived::layers(input.assessment?);
        let zs: Vec<f64> =
            s.layers.workings.iter().flat_map(|w| w.line.iter().map(|p| p[2])).filter(|z| z.is_finite()).collect();
        let seam_z = (!zs.is_empty()).then(|| zs.iter().sum::<f64>() / zs.len() as f64);
        let scene_mid = (input.z_range[0] + input.z_range[1]) / 2.0;
        let mut l =
            SceneLayer {
                name: "water_lines".into(), name_zh: "探水线/警戒线/断层煤柱".into(), ..Default::default()
            };
        let mut legend = Legend::default();
        // The pattern unit: a 300th of the lines' extent (a 3 km mine: 10 m), so that a plan of
        // any size shows the same dashes.
        let ext = minehaz_core::index::box_of(derived.iter().flat_map(|d| &d.records).flat_map(|r| match &r.geom {
            Some(Geom::Polygon(p)) => p.exterior().0.iter().map(|c| [c.x, c.y]).collect(),
            _ => Vec::new(),
        }));
        let extent = (ext[2] - ext[0]).max(ext[3] - ext[1]);
        let u = if extent.is_finite() { (extent / 300.0).clamp(1.0, 50.0) as f32 } else { 5.0 };
        // 积水线: the boundary of every water-logged goaf, at its drawing level.
        let logging = style::water_logging_line();
        for g in s.layers.goaf.iter().filter(|g| g.water == Some(true)) {
            let z = level(g.z, seam_z, scene_mid);
            let solid = style::water_line_pattern(style::WaterLine::Logging, u);
            geom::outline_patterned(input, &mut l.lines, &g.outline, z, logging, &solid);
            legend.add(logging, "积水线（积水区边界）", "water-logging line (flooded area boundary)");
        }
        for d in &derived {
            if d.name == "heading_cover" {
                // Allowed advance of covered headings: from the face along the heading.
                let color = [0.05, 0.65, 0.25, 1.0];
                for r in &d.records {
                    let Some(Geom::Line { coords, .. }) = &r.geom else { continue };
                    if coords.len() == 2 && coords[0] != coords[1] {
                        l.lines.push(crate::scene::LineVertex { pos: input.local(coords[0]), color });
                        l.lines.push(crate::scene::LineVertex { pos: input.local(coords[1]), color });
                        legend.add(color, "允许掘进距离", "allowed advance");
                    }
                }
                continue;
            }
            let (color, zh, en, lengths) = match d.name.as_str() {
                "boundary_pillar" => ([0.55, 0.25, 0.65, 1.0], "境界煤柱", "boundary pillar", Vec::new()),
                "exploration_lines" => (
                    style::exploration_line(),
                    "探水线",
                    "exploration line",
                    style::water_line_pattern(style::WaterLine::Exploration, u),
                ),
                "warning_lines" => (
                    style::warning_line(),
                    "警戒线",
                    "warning line",
                    style::water_line_pattern(style::WaterLine::Warning, u),
                ),
                "fault_pillars" => (style::fault_pillar(), "断层防隔水煤柱", "fault pillar", Vec::new()),
                _ => continue,
            };
            for r in &d.records {
                let Some(Geom::Polygon(p)) = &r.geom else { continue };
                let span = match d.name.as_str() {
                    "fault_pillars" => source_span(s, "fault", text(r, "fault_id")),
                    "boundary_pillar" => ZRange::default(),
                    _ => source_span(s, text(r, "source_kind"), text(r, "source_id")),
                };
                let n = l.lines.len();
                geom::outline_patterned(input, &mut l.lines, p, level(span, seam_z, scene_mid), color, &lengths);
                if l.lines.len() > n {
                    legend.add(color, zh, en);
                }
            }
        }
        l.legend = legend.into_entries();
        (!l.lines.is_empty()).then_some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use geo_types::polygon;
    use minehaz_core::model::{Goaf, Working, WorkingKind, WorkingStatus};

    #[test]
    fn level_is_the_seam_clamped_to_the_source() {
        let span = ZRange { floor_m: Some(900.0), roof_m: Some(905.0) };
        assert_eq!(level(span, Some(902.0), 0.0), 902.0);
        assert_eq!(level(span, Some(950.0), 0.0), 905.0);
        assert_eq!(level(span, None, 0.0), 902.5);
        assert_eq!(level(ZRange { floor_m: None, roof_m: Some(700.0) }, Some(900.0), 0.0), 700.0);
        assert_eq!(level(ZRange::default(), Some(900.0), 0.0), 900.0);
        assert_eq!(level(ZRange::default(), None, 33.0), 33.0);
    }

    #[test]
    fn goaf_with_water_gets_both_lines_at_seam_level() {
        let mut s = survey();
        s.layers.goaf = vec![Goaf {
            id: "G1".into(),
            name: None,
            seam: None,
            outline: polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)],
            z: minehaz_core::model::ZRange { floor_m: Some(895.0), roof_m: Some(905.0) },
            water: Some(true),
            water_level_m: None,
            water_m3: None,
            reliable: Some(true),
            source: None,
        }];
        s.layers.workings = vec![Working {
            id: "H1".into(),
            name: None,
            kind: WorkingKind::Heading,
            status: WorkingStatus::Active,
            seam: None,
            declared: None,
            updated: None,
            line: vec![[300.0, 0.0, 900.0], [250.0, 0.0, 902.0]],
        }];
        let opts = Default::default();
        let a =
            minehaz_core::rules::Assessment::new(s.clone(), chrono::NaiveDate::from_ymd_opt(2026, 5, 1).expect("d"))
                .expect("assess");
        let mut inp = input(&s, [0.0; 3], [800.0, 1000.0], &opts);
        assert!(WaterLinesVisualizer.prepare(&inp).is_none(), "no assessment, no lines");
        inp.assessment = Some(&a);
        let l = WaterLinesVisualizer.prepare(&inp).expect("layer");
        let en: Vec<_> = l.legend.iter().map(|e| e.en.as_str()).collect();
        assert_eq!(en, ["water-logging line (flooded area boundary)", "exploration line", "warning line"]);
        assert!(l.lines.iter().all(|v| v.pos[2] == 901.0));
        // 积水线 solid along the goaf's 400 m boundary; 探水线 dashed 6:3, 警戒线 dash-dot
        // 9:5 drawn of their rings.
        let drawn = |c| -> f32 {
            l.lines
                .chunks_exact(2)
                .filter(|s| s[0].color == c)
                .map(|s| geom::length(geom::sub(s[1].pos, s[0].pos)))
                .sum()
        };
        assert!((drawn(style::water_logging_line()) - 400.0).abs() < 1e-3);
        let perimeter = |name: &str| -> f32 {
            let d = derived::layers(&a);
            let r = d.iter().find(|d| d.name == name).and_then(|d| d.records.first()).expect(name);
            let Some(Geom::Polygon(p)) = &r.geom else { panic!("{name} is a polygon") };
            geo::Length::length(&geo::Euclidean, p.exterior()) as f32
        };
        // Whole periods drawn 6/9 and 9/14, within one period's rounding.
        let e = drawn(style::exploration_line()) / perimeter("exploration_lines");
        assert!((e - 6.0 / 9.0).abs() < 0.04, "exploration line drawn {e:.3} of its ring");
        let w = drawn(style::warning_line()) / perimeter("warning_lines");
        assert!((w - 9.0 / 14.0).abs() < 0.04, "warning line drawn {w:.3} of its ring");
        // The exploration line lies outside the goaf, the warning line outside that.
        let reach = |c| l.lines.iter().filter(|v| v.color == c).map(|v| v.pos[0]).fold(0.0, f32::max);
        let (e, w) = (reach(style::exploration_line()), reach(style::warning_line()));
        assert!(100.0 < e && e < w, "{e} {w}");
        assert!(l.translucent.vertices.is_empty() && l.opaque.vertices.is_empty());
    }
}
