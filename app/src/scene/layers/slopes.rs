//! 边坡实测 (SLOPES.md): the DEM of the measured epoch as a shaded surface coloured by
//! elevation, each slope-design sector outlined on it in its compliance colour (violation red,
//! compliant green, not measured grey) with its measured values as a label, and the crest and
//! toe lines joined across the profiles. Drawn from the assessment's slope measurement.
//!
//! Coloured by change (`render --point-colour change`, the viewer's colouring combo), the DEM is
//! coloured by the DEM of difference to the previous dated epoch instead (SLOPES.md's DoD: this
//! epoch's DEM minus the previous one's on the same grid), on the points' signed ramp, grey
//! where the previous scan has no cell.

use crate::scene::style;
use crate::scene::{priority, Input, Label, LegendEntry, LineVertex, MeshVertex, RampLegend, SceneLayer, Visualizer};
use minehaz_core::slope::{self, dem::Dem};

/// Most DEM vertices drawn (the DEM is averaged in k×k blocks past it).
pub const MAX_VERTICES: usize = 600_000;

pub struct SlopesVisualizer;

pub fn violation() -> style::Rgba {
    style::hex(0xe31a1c)
}
pub fn compliant() -> style::Rgba {
    style::hex(0x1a9850)
}
pub fn unmeasured() -> style::Rgba {
    style::hex(0x8c8c8c)
}
pub fn crest() -> style::Rgba {
    style::hex(0x252525)
}
pub fn toe() -> style::Rgba {
    style::hex(0x2166ac)
}

/// The block means of a DEM: (k, columns, rows, values).
fn blocks(d: &Dem) -> (usize, usize, usize, Vec<f32>) {
    let mut k = 1;
    while (d.nx.div_ceil(k)) * (d.ny.div_ceil(k)) > MAX_VERTICES {
        k += 1;
    }
    let (bx, by) = (d.nx.div_ceil(k), d.ny.div_ceil(k));
    let mut v = vec![f32::NAN; bx * by];
    for (bj, row) in v.chunks_mut(bx).enumerate() {
        for (bi, out) in row.iter_mut().enumerate() {
            let (mut s, mut n) = (0.0f64, 0u32);
            for j in bj * k..((bj + 1) * k).min(d.ny) {
                for i in bi * k..((bi + 1) * k).min(d.nx) {
                    let z = d.z[j * d.nx + i];
                    if !z.is_nan() {
                        s += f64::from(z);
                        n += 1;
                    }
                }
            }
            if n > 0 {
                *out = (s / f64::from(n)) as f32;
            }
        }
    }
    (k, bx, by, v)
}

/// The DEM of difference of the measured epoch `epoch` (DEM `d`) to the dated epoch before it,
/// on `d`'s grid, with that epoch's name; None without an earlier epoch, or when it cannot be
/// read (said in the scene's problems).
fn difference(input: &Input<'_>, epoch: &str, d: &Dem) -> Option<(Dem, String)> {
    let dated = slope::dated_epochs(input.survey);
    let at = dated.iter().position(|(_, s)| s.epoch == epoch)?;
    let (_, prev) = dated.get(at.checked_sub(1)?)?;
    match Dem::from_file(&prev.path, d.cell, Some(d.bounds())) {
        Ok(older) => Some((d.minus(&older), prev.epoch.clone())),
        Err(e) => {
            input.problems.borrow_mut().push(format!(
                "{} {}: {e}",
                minehaz_core::i18n::tr("上一期点云无法读取", "the previous epoch is unreadable"),
                prev.path.display()
            ));
            None
        }
    }
}

impl Visualizer for SlopesVisualizer {
    fn name(&self) -> &'static str {
        "slopes"
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let a = input.assessment?;
        let mut l = SceneLayer { name: "slopes".into(), name_zh: "边坡实测".into(), ..Default::default() };
        monitoring_points(input, a, &mut l);
        let Some(m) = a.slopes() else { return (!l.labels.is_empty()).then_some(l) };
        let d = &m.dem;
        // The surface: a vertex at each block centre, two triangles per square of valid ones.
        let (k, bx, by, z) = blocks(d);
        let (lo, hi) =
            z.iter().filter(|v| !v.is_nan()).fold((f32::INFINITY, f32::NEG_INFINITY), |a, &v| (a.0.min(v), a.1.max(v)));
        let step = d.cell * k as f64;
        let centre = |bi: usize, bj: usize| [d.x0 + (bi as f64 + 0.5) * step, d.y1 - (bj as f64 + 0.5) * step];
        let at = |bi: isize, bj: isize| -> f32 {
            if bi < 0 || bj < 0 || bi as usize >= bx || bj as usize >= by {
                return f32::NAN;
            }
            z[bj as usize * bx + bi as usize]
        };
        // Coloured by the DEM of difference when asked for and there is an earlier epoch.
        let change = (input.options.point_colour == super::pointcloud::PointColour::Change)
            .then(|| difference(input, &m.epoch, d))
            .flatten();
        let colour_at: Box<dyn Fn([f64; 2], f32) -> style::Rgba> = match &change {
            Some((dod, before)) => {
                let mut abs: Vec<f32> = dod.z.iter().filter(|v| v.is_finite()).map(|v| v.abs()).collect();
                let span = super::pointcloud::change_span(&mut abs);
                l.ramp = Some(super::pointcloud::change_legend(&m.epoch, before, span));
                Box::new(move |c, _| {
                    let v = dod.sample(c[0], c[1]);
                    if v.is_finite() {
                        super::pointcloud::change_ramp(v as f32 / span)
                    } else {
                        super::pointcloud::no_change_data()
                    }
                })
            }
            None => Box::new(|_, v| style::ramp(style::normalize(v, lo, hi))),
        };
        let mut index = vec![u32::MAX; bx * by];
        for bj in 0..by {
            for bi in 0..bx {
                let v = z[bj * bx + bi];
                if v.is_nan() {
                    continue;
                }
                let (i, j) = (bi as isize, bj as isize);
                let dx = |a: f32, b: f32| if a.is_nan() || b.is_nan() { 0.0 } else { b - a };
                // Rows run south: +j is −y.
                let gx = dx(at(i - 1, j), at(i + 1, j)) / (2.0 * step as f32);
                let gy = -dx(at(i, j - 1), at(i, j + 1)) / (2.0 * step as f32);
                let n = [-gx, -gy, 1.0];
                let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
                let c = centre(bi, bj);
                index[bj * bx + bi] = l.opaque.vertices.len() as u32;
                l.opaque.vertices.push(MeshVertex {
                    pos: input.local([c[0], c[1], f64::from(v)]),
                    normal: [n[0] / len, n[1] / len, n[2] / len],
                    color: colour_at(c, v),
                });
            }
        }
        for bj in 0..by.saturating_sub(1) {
            for bi in 0..bx.saturating_sub(1) {
                let q = [
                    index[bj * bx + bi],
                    index[bj * bx + bi + 1],
                    index[(bj + 1) * bx + bi + 1],
                    index[(bj + 1) * bx + bi],
                ];
                if q.contains(&u32::MAX) {
                    continue;
                }
                // (bi, bj) → (bi+1, bj) → (bi+1, bj+1) runs clockwise seen from above (rows run
                // south): wind the other way so the triangles face up.
                l.opaque.indices.extend([q[0], q[2], q[1], q[0], q[3], q[2]]);
            }
        }
        if lo.is_finite() && change.is_none() {
            l.ramp =
                Some(RampLegend::elevation(format!("数字高程模型 {}", m.epoch), format!("DEM {}", m.epoch), lo, hi));
        }
        // Sectors and bench lines.
        let report = input.report;
        let bad = |id: &str| {
            report.is_some_and(|r| {
                r.findings.iter().any(|f| f.feature.as_deref() == Some(id) && slope::MEASURED_RULES.contains(&f.rule))
            })
        };
        let lift = 0.5;
        let line = |a: [f64; 3], b: [f64; 3], color: style::Rgba, lines: &mut Vec<LineVertex>| {
            if a[2].is_nan() || b[2].is_nan() {
                return;
            }
            lines.push(LineVertex { pos: input.local(a), color });
            lines.push(LineVertex { pos: input.local(b), color });
        };
        for (design, sec) in input.survey.layers.slope_design.iter().zip(&m.sectors) {
            let measured = sec.measure.with_benches > 0;
            let color = if !measured {
                unmeasured()
            } else if bad(&design.id) {
                violation()
            } else {
                compliant()
            };
            let ring: Vec<[f64; 3]> =
                design.outline.exterior().coords().map(|c| [c.x, c.y, d.sample(c.x, c.y) + lift]).collect();
            for w in ring.windows(2) {
                line(w[0], w[1], color, &mut l.lines);
            }
            for (pick, c) in [(true, crest()), (false, toe())] {
                let ls = slope::output::bench_lines(&sec.measure.profiles, 2.0, |b| if pick { b.crest } else { b.toe });
                for pl in ls {
                    for w in pl.windows(2) {
                        line([w[0][0], w[0][1], w[0][2] + 0.2], [w[1][0], w[1][1], w[1][2] + 0.2], c, &mut l.lines);
                    }
                }
            }
            let fmt = |v: Option<slope::bench::Measured>, unit: &str| {
                v.map_or("—".into(), |v| format!("{:.1}{unit}", v.value))
            };
            let sm = &sec.measure;
            let (h, b, a, o) = (
                fmt(sm.bench_height, " m"),
                fmt(sm.berm_width, " m"),
                fmt(sm.bench_angle, "°"),
                fmt(sm.overall_angle, "°"),
            );
            let text = minehaz_core::text!(
                "{} 台阶 {} 平台 {} 坡面 {} 总体 {}",
                "{} bench {} berm {} face {} overall {}",
                design.id,
                h,
                b,
                a,
                o
            );
            if let Some(c) = geo::Centroid::centroid(&design.outline) {
                let z = d.sample(c.x(), c.y());
                let z = if z.is_nan() { f64::from(hi) } else { z + 5.0 };
                l.labels.push(Label { pos: input.local([c.x(), c.y(), z]), text, color, priority: priority::FEATURE });
            }
        }
        l.legend.splice(
            0..0,
            [
                LegendEntry {
                    color: violation(),
                    zh: "边坡分区：超设计".into(),
                    en: "sector beyond its design".into(),
                },
                LegendEntry {
                    color: compliant(),
                    zh: "边坡分区：符合设计".into(),
                    en: "sector within its design".into(),
                },
                LegendEntry {
                    color: unmeasured(), zh: "边坡分区：未实测".into(), en: "sector not measured".into()
                },
                LegendEntry { color: crest(), zh: "坡顶线".into(), en: "crest line".into() },
                LegendEntry { color: toe(), zh: "坡底线".into(), en: "toe line".into() },
            ],
        );
        Some(l)
    }
}

/// A monitoring point's colour by its velocity: at or above the alarm rate red, at or above
/// the warning rate orange, else green (the map and the viewer's panel).
pub fn rate_color(v: Option<f64>, p: &minehaz_core::rules::Params) -> style::Rgba {
    match v {
        Some(v) if v >= p.get("slope_rate_alarm_mm_d") => style::hex(0xe31a1c),
        Some(v) if v >= p.get("slope_rate_warn_mm_d") => style::hex(0xff7f00),
        _ => style::hex(0x1a9850),
    }
}

/// The monitoring points at their last position as of the assessment: a marker coloured by
/// their velocity (alarm red, warning orange, else green) and a label with it.
fn monitoring_points(input: &Input<'_>, a: &minehaz_core::rules::Assessment, l: &mut SceneLayer) {
    let s = a.survey();
    if s.slope_points.is_empty() {
        return;
    }
    let p = a.params();
    let at = minehaz_core::rules::slope::as_of_instant(s, a.as_of());
    let (warn, alarm) = (p.get("slope_rate_warn_mm_d"), p.get("slope_rate_alarm_mm_d"));
    let (w, o, g) = (rate_color(Some(alarm), p), rate_color(Some(warn), p), rate_color(None, p));
    for st in slope::monitor::states(&s.slope_points, at, p.get("slope_rate_window_h")) {
        let v = st.velocity_mm_d;
        let color = rate_color(v, p);
        let c = input.local(st.last_pos);
        super::geom::octahedron(&mut l.opaque, c, 4.0, color);
        let rate = v.map_or("—".into(), |v| format!("{v:.1} mm/d"));
        l.labels.push(Label {
            pos: [c[0], c[1], c[2] + 6.0],
            text: minehaz_core::i18n::Text::same(format!("{} {rate}", st.point_id)),
            color,
            priority: priority::FEATURE,
        });
    }
    l.legend.extend([
        LegendEntry {
            color: w, zh: format!("监测点 ≥ {alarm} mm/d"), en: format!("monitoring point ≥ {alarm} mm/d")
        },
        LegendEntry {
            color: o, zh: format!("监测点 ≥ {warn} mm/d"), en: format!("monitoring point ≥ {warn} mm/d")
        },
        LegendEntry { color: g, zh: "监测点".into(), en: "monitoring point".into() },
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The open-pit sample as of its monitoring date: the DEM drawn facing up, SD-E red and the
    /// others green, the five prisms coloured by their rates.
    #[test]
    fn the_open_pit_sample_is_drawn_by_compliance() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/open-pit");
        assert!(dir.join("pointclouds/2026-09-15.laz").exists(), "run scripts/samples.sh");
        let s = minehaz_core::io::open(&dir).expect("sample");
        let a = minehaz_core::rules::Assessment::new(s, "2026-09-19".parse().expect("date")).expect("assess");
        let report = a.report();
        let opts = crate::scene::SceneOptions::default();
        let mut input =
            super::super::test_util::input(a.survey(), [38_484_000.0, 4_525_800.0, 1000.0], [950.0, 1200.0], &opts);
        input.assessment = Some(&a);
        input.report = Some(&report);
        let l = SlopesVisualizer.prepare(&input).expect("layer");
        assert!(l.opaque.indices.len() > 100_000, "{}", l.opaque.indices.len());
        // The five prisms' octahedra come first (24 vertices each); every DEM triangle faces up.
        let v = &l.opaque.vertices;
        for t in l.opaque.indices.chunks_exact(3).filter(|t| t[0] >= 5 * 24) {
            let [a, b, c] = [0, 1, 2].map(|k| v[t[k] as usize].pos);
            let z = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
            assert!(z > 0.0, "a DEM triangle faces down");
        }
        assert!(v[5 * 24..].iter().all(|v| v.normal[2] > 0.0));
        let label = |p: &str| l.labels.iter().find(|x| x.text.zh.starts_with(p)).unwrap_or_else(|| panic!("{p}")).color;
        assert_eq!(label("SD-E "), violation());
        for id in ["SD-N ", "SD-S ", "SD-W "] {
            assert_eq!(label(id), compliant(), "{id}");
        }
        assert_eq!(label("E1 "), style::hex(0xe31a1c));
        assert_eq!(label("W1 "), style::hex(0xff7f00));
        assert_eq!(label("N1 "), style::hex(0x1a9850));
        assert!(l.lines.len() > 1000, "crest and toe lines: {}", l.lines.len());
    }

    /// Coloured by change, the DEM shows the sump cut 15 m into the west floor between the
    /// sample's epochs as cut (blue) and the untouched east floor as no change (white), on a
    /// ramp named by both epochs.
    #[test]
    fn coloured_by_change_the_dem_shows_the_cut() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/open-pit");
        assert!(dir.join("pointclouds/2026-03-15.laz").exists(), "run scripts/samples.sh");
        let s = minehaz_core::io::open(&dir).expect("sample");
        let a = minehaz_core::rules::Assessment::new(s, "2026-09-19".parse().expect("date")).expect("assess");
        let report = a.report();
        let opts = crate::scene::SceneOptions {
            point_colour: super::super::pointcloud::PointColour::Change,
            ..Default::default()
        };
        let origin = [38_484_000.0, 4_525_800.0, 1000.0];
        let mut input = super::super::test_util::input(a.survey(), origin, [950.0, 1200.0], &opts);
        input.assessment = Some(&a);
        input.report = Some(&report);
        let l = SlopesVisualizer.prepare(&input).expect("layer");
        assert!(input.problems.borrow().is_empty());
        let ramp = l.ramp.as_ref().expect("a change ramp");
        assert_eq!(ramp.title_en, "elevation change 2026-09-15 − 2026-03-15");
        assert!(ramp.min < 0.0 && (ramp.min + ramp.max).abs() < 1e-6, "symmetric: {} {}", ramp.min, ramp.max);
        // The DEM vertex nearest a world point (after the five monitoring prisms).
        let near = |x: f64, y: f64| {
            let p = [(x - origin[0]) as f32, (y - origin[1]) as f32];
            l.opaque.vertices[5 * 24..]
                .iter()
                .min_by(|a, b| {
                    let d = |v: &MeshVertex| (v.pos[0] - p[0]).hypot(v.pos[1] - p[1]);
                    d(a).total_cmp(&d(b))
                })
                .expect("vertices")
                .color
        };
        let sump = near(38_483_640.0, 4_525_800.0);
        assert!(sump[2] > sump[0] + 0.3, "the sump is cut (blue): {sump:?}");
        let east = near(38_484_200.0, 4_525_800.0);
        assert!(east.iter().take(3).all(|c| *c > 0.75), "the east floor did not change (white): {east:?}");
    }

    #[test]
    fn blocks_average_and_bound_the_vertices() {
        let mut d = Dem::empty([0.0, 0.0, 999.9, 999.9], 0.5);
        for (k, v) in d.z.iter_mut().enumerate() {
            *v = if k % 7 == 0 { f32::NAN } else { 1000.0 + (k % 2000) as f32 * 0.01 };
        }
        let (k, bx, by, z) = blocks(&d);
        assert!(bx * by <= MAX_VERTICES, "{bx}×{by}");
        assert_eq!(k, 3);
        assert!(z.iter().all(|v| !v.is_nan() && *v >= 1000.0 && *v <= 1020.0));
    }
}
