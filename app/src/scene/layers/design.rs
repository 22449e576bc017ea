//! 探放水设计 (PLANNING.md): the designed fans from each face — planned holes dashed, the end of
//! each coloured by whether a drilled hole matches it (`water.drilling_incomplete`'s matching),
//! drilled holes themselves solid (the `drillholes` layer) — the protected corridor (帮距 either
//! side of the axis, out to the holes' reach) and the stop line at the allowed advance, with the
//! stop point marked.

use super::geom::{self, Legend, V3};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::{DrillPurpose, LayerKind, PlannedDrillhole};

pub struct DesignVisualizer;

/// Planned holes.
pub fn planned() -> style::Rgba {
    style::hex(0x1f5fff)
}
/// A planned end that a drilled hole matches.
pub fn matched() -> style::Rgba {
    style::hex(0x1a9850)
}
/// A planned end no drilled hole matches.
pub fn unmatched() -> style::Rgba {
    style::hex(0xe31a1c)
}
/// The protected corridor (超前距 / 帮距).
pub fn corridor() -> style::Rgba {
    style::hex(0x66bd63)
}
/// The stop line and point.
pub fn stop() -> style::Rgba {
    style::hex(0xd7301f)
}

impl Visualizer for DesignVisualizer {
    fn name(&self) -> &'static str {
        PlannedDrillhole::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let s = input.survey;
        if s.layers.planned_drillholes.is_empty() && s.layers.stop_points.is_empty() {
            return None;
        }
        let mut l = SceneLayer {
            name: PlannedDrillhole::NAME.into(),
            name_zh: PlannedDrillhole::NAME_ZH.into(),
            ..Default::default()
        };
        let mut legend = Legend::default();
        // The assessment's own matching (`water.drilling_incomplete`'s): map and check agree.
        let a = input.assessment?;
        let size = 1.2f32;
        for heading in a.designed_headings() {
            let (holes, ok) = a.design_of(heading);
            for (h, ok) in holes.iter().zip(ok) {
                let pts: Vec<V3> = h.line.iter().map(|p| input.local(*p)).collect();
                for d in geom::dashes(&pts, 4.0, 3.0) {
                    geom::polyline(&mut l.lines, &d, planned());
                }
                if let Some(e) = h.end() {
                    let c = if ok { matched() } else { unmatched() };
                    geom::octahedron(&mut l.opaque, input.local(e), size, c);
                    if ok {
                        legend.add(c, "设计终孔（已按设计施工）", "designed end, drilled as designed");
                    } else {
                        legend.add(c, "设计终孔（未按设计施工）", "designed end, not drilled");
                    }
                }
            }
            legend.add(planned(), "设计钻孔", "designed hole");
            // The corridor and stop line need the face and direction: active headings only.
            let Some(cover) = input.assessment.and_then(|a| a.cover(heading)) else { continue };
            let (f, d) = (cover.face, cover.dir);
            if d == [0.0, 0.0] {
                continue;
            }
            let n = [-d[1], d[0]];
            let proj = |p: [f64; 3]| (p[0] - f[0]) * d[0] + (p[1] - f[1]) * d[1];
            let lat = |p: [f64; 3]| (p[0] - f[0]) * n[0] + (p[1] - f[1]) * n[1];
            let exploration: Vec<[f64; 3]> =
                holes.iter().filter(|h| h.purpose != Some(DrillPurpose::Drainage)).filter_map(|h| h.end()).collect();
            if exploration.is_empty() {
                continue;
            }
            let reach = exploration.iter().map(|e| proj(*e)).fold(0.0, f64::max);
            let guard = exploration.iter().map(|e| lat(*e).abs()).fold(0.0, f64::max);
            let at = |a: f64, b: f64| input.local([f[0] + a * d[0] + b * n[0], f[1] + a * d[1] + b * n[1], f[2]]);
            let ring = [at(0.0, -guard), at(reach, -guard), at(reach, guard), at(0.0, guard), at(0.0, -guard)];
            for dsh in geom::dashes(&ring, 6.0, 3.0) {
                geom::polyline(&mut l.lines, &dsh, corridor());
            }
            legend.add(corridor(), "超前距 / 帮距掩护范围", "protected corridor (advance and lateral cover)");
        }
        for sp in &s.layers.stop_points {
            let c = input.local(sp.pos);
            geom::octahedron(&mut l.opaque, c, size * 2.0, stop());
            if let Some(cover) = sp.heading_id.as_deref().and_then(|h| input.assessment.and_then(|a| a.cover(h))) {
                let guard = input.assessment.map_or(30.0, |a| a.params().get("lateral_guard_m")) as f32;
                let n = [-cover.dir[1] as f32, cover.dir[0] as f32, 0.0];
                geom::segment(
                    &mut l.lines,
                    geom::add(c, geom::scale(n, -guard)),
                    geom::add(c, geom::scale(n, guard)),
                    stop(),
                );
            }
            legend.add(stop(), "停掘线（允许掘进至此）", "stop line (allowed advance)");
            if let Some(a) = sp.allowed_advance_m {
                l.labels.push(crate::scene::Label {
                    pos: c,
                    text: minehaz_core::text!(
                        "{} 停 {:.0} m",
                        "{} stop {:.0} m",
                        sp.heading_id.as_deref().unwrap_or(&sp.id),
                        a
                    ),
                    color: stop(),
                    priority: crate::scene::priority::LINE,
                });
            }
        }
        l.legend = legend.into_entries();
        Some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::layers::test_util;
    use crate::scene::SceneOptions;
    use minehaz_core::model::{Drillhole, StopPoint};

    fn hole(id: &str, end: [f64; 3], purpose: DrillPurpose) -> PlannedDrillhole {
        PlannedDrillhole {
            id: id.into(),
            heading_id: Some("H1".into()),
            fan: Some("H1-F1".into()),
            hole: Some(1),
            purpose: Some(purpose),
            azimuth_deg: None,
            inclination_deg: None,
            length_m: None,
            casing_m: None,
            sources: None,
            line: vec![[0.0, 0.0, 0.0], end],
        }
    }

    #[test]
    fn planned_ends_are_coloured_by_match() {
        let mut s = test_util::survey();
        s.layers.planned_drillholes = vec![
            hole("A", [80.0, 0.0, 0.0], DrillPurpose::WaterExploration),
            hole("B", [80.0, 30.0, 0.0], DrillPurpose::WaterExploration),
        ];
        s.layers.drillholes.push(Drillhole {
            id: "D1".into(),
            heading_id: Some("H1".into()),
            purpose: Some(DrillPurpose::WaterExploration),
            drilled_at: None,
            water_found: None,
            inflow_m3h: None,
            line: vec![[0.0, 0.0, 0.0], [80.5, 0.5, 0.0]],
        });
        s.layers.stop_points.push(StopPoint {
            id: "H1-F1".into(),
            heading_id: Some("H1".into()),
            fan: Some("H1-F1".into()),
            allowed_advance_m: Some(50.0),
            drain_first: Some(false),
            pos: [50.0, 0.0, 0.0],
        });
        let opts = SceneOptions::default();
        let a = minehaz_core::rules::Assessment::with_params(
            s.clone(),
            minehaz_core::rules::Params::default(),
            Vec::new(),
            chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"),
        );
        let mut input = test_util::input(&s, [0.0; 3], [-10.0, 10.0], &opts);
        input.assessment = Some(&a);
        let l = DesignVisualizer.prepare(&input).expect("layer");
        // Two ends (24 vertices each, one matched, one not) and the stop point.
        let colours: Vec<[f32; 4]> = l.opaque.vertices.iter().step_by(24).map(|v| v.color).collect();
        assert_eq!(colours, vec![matched(), unmatched(), stop()]);
        assert!(!l.lines.is_empty(), "dashed holes");
        assert_eq!(l.labels.len(), 1);
        assert!(l.legend.iter().any(|e| e.en.contains("not drilled")));
        assert!(l.legend.iter().any(|e| e.en.contains("drilled as designed")));
    }
}
