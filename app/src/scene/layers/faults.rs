//! 断层 (faults): each trace drawn as a line at its elevation (the source Z, or `z_ref`) and a
//! dipping surface from the trace down to the scene's bottom (`z_range[0]`): a quad per trace
//! segment whose lower edge is offset horizontally towards `dip_dir_deg` (clockwise from grid
//! north) by depth / tan(dip). Unknown dip or dip direction → a vertical surface; dips below
//! [`MIN_DIP_DEG`] are drawn at that dip (a flatter surface would run off the scene).
//! Translucent ([`style::FAULT_ALPHA`]); water-conducting faults in their own colour.
//!
//! The trace carries the map symbol of a fault: short dip ticks ([`dip_ticks`]) on the side it
//! dips to, and a label at the middle vertex with the id, the throw and the dip as a plan is
//! annotated (`F2 H=15m ∠60°`).

use super::geom::{self, Legend, V3};
use crate::scene::style;
use crate::scene::{priority, Input, Label, MeshVertex, SceneLayer, Visualizer};
use minehaz_core::model::{Fault, LayerKind};

/// The flattest dip drawn, degrees.
pub const MIN_DIP_DEG: f64 = 5.0;

pub struct FaultsVisualizer;

/// Dip ticks along a trace (world coordinates): every `spacing` m of trace length, a horizontal
/// tick of `length` m towards the dip direction, starting on the trace. None without a dip
/// direction, or for a vertical fault (no side to mark).
pub fn dip_ticks(f: &Fault, spacing: f64, length: f64) -> Vec<[[f64; 3]; 2]> {
    let (Some(dir), dip) = (f.dip_dir_deg, f.dip_deg.unwrap_or(60.0)) else { return Vec::new() };
    if !(dir.is_finite() && dip < 89.5 && spacing > 0.0) {
        return Vec::new();
    }
    let (dx, dy) = (dir.to_radians().sin() * length, dir.to_radians().cos() * length);
    let mut out = Vec::new();
    // The first tick half a spacing in, so short traces get one in the middle.
    let mut next = spacing / 2.0;
    let mut run = 0.0;
    for w in f.trace.windows(2) {
        let (a, b) = (w[0], w[1]);
        let seg = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
        if !seg.is_finite() {
            continue;
        }
        while seg > 0.0 && next <= run + seg {
            let t = (next - run) / seg;
            let p = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
            out.push([p, [p[0] + dx, p[1] + dy, p[2]]]);
            next += spacing;
        }
        run += seg;
    }
    out
}

/// The plan annotation of a fault: id, throw and dip as known (`F2 H=15m ∠60°`).
pub fn annotation(f: &Fault, lang: minehaz_core::i18n::Lang) -> String {
    let mut t = f.id.clone();
    if let Some(h) = f.throw_m.filter(|h| h.is_finite()) {
        let h = crate::render::overlay::fmt_value(h as f32);
        t.push_str(&match lang {
            minehaz_core::i18n::Lang::Zh => format!(" H={h}m"),
            minehaz_core::i18n::Lang::En => format!(" throw {h} m"),
        });
    }
    if let Some(d) = f.dip_deg.filter(|d| d.is_finite()) {
        t.push_str(&format!(" ∠{d:.0}°"));
    }
    t
}

/// Trace length in plan, m.
fn plan_length(f: &Fault) -> f64 {
    f.trace
        .windows(2)
        .map(|w| ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt())
        .filter(|d| d.is_finite())
        .sum()
}

/// The world position where the fault surface through trace vertex `p` meets elevation `z`.
pub fn down_dip(f: &Fault, p: [f64; 3], z: f64) -> [f64; 3] {
    let depth = p[2] - z;
    match (f.dip_deg, f.dip_dir_deg) {
        (Some(dip), Some(dir)) if dip < 90.0 => {
            let run = depth / dip.max(MIN_DIP_DEG).to_radians().tan();
            let a = dir.to_radians();
            [p[0] + run * a.sin(), p[1] + run * a.cos(), z]
        }
        _ => [p[0], p[1], z],
    }
}

/// The dipping fault surfaces, a layer of their own that plan views leave out (seen from above
/// a dipping surface is a wide band that hides what is under it; the plan has the trace).
pub struct FaultSurfacesVisualizer;

impl Visualizer for FaultsVisualizer {
    fn name(&self) -> &'static str {
        Fault::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let mut l = SceneLayer { name: Fault::NAME.into(), name_zh: Fault::NAME_ZH.into(), ..Default::default() };
        let mut legend = Legend::default();
        for f in &input.survey.layers.faults {
            let color = style::fault(f.water_conducting);
            let top: Vec<V3> = f.trace.iter().map(|p| input.local(*p)).collect();
            geom::polyline(&mut l.lines, &top, color);
            // Ticks scale with the trace (a 3 km fault: 40 m ticks every 200 m).
            let tick = (plan_length(f) / 75.0).clamp(8.0, 60.0);
            for [a, b] in dip_ticks(f, tick * 5.0, tick) {
                geom::segment(&mut l.lines, input.local(a), input.local(b), color);
            }
            if let Some(&mid) = top.get(top.len() / 2) {
                l.labels.push(Label {
                    pos: geom::add(mid, [0.0, 0.0, 10.0]),
                    text: minehaz_core::i18n::Text {
                        zh: annotation(f, minehaz_core::i18n::Lang::Zh),
                        en: annotation(f, minehaz_core::i18n::Lang::En),
                    },
                    color,
                    priority: priority::FEATURE,
                });
            }
            match f.water_conducting {
                Some(true) => legend.add(color, "导水断层", "water-conducting fault"),
                _ => legend.add(color, "断层", "fault"),
            }
        }
        l.legend = legend.into_entries();
        (!l.lines.is_empty()).then_some(l)
    }
}

impl Visualizer for FaultSurfacesVisualizer {
    fn name(&self) -> &'static str {
        "fault_surfaces"
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let mut l = SceneLayer {
            name: "fault_surfaces".into(),
            name_zh: "断层面".into(),
            hidden: crate::scene::HiddenIn { plan: true, section: false },
            ..Default::default()
        };
        let bottom = input.z_range[0];
        for f in &input.survey.layers.faults {
            let color = style::fault(f.water_conducting);
            let fill = style::with_alpha(color, style::FAULT_ALPHA);
            let top: Vec<V3> = f.trace.iter().map(|p| input.local(*p)).collect();
            let bot: Vec<V3> = f.trace.iter().map(|p| input.local(down_dip(f, *p, bottom))).collect();
            for (i, w) in f.trace.windows(2).enumerate() {
                // Only where the trace lies above the scene's bottom.
                if w[0][2] <= bottom && w[1][2] <= bottom {
                    continue;
                }
                let (a, b, c, d) = (top[i], top[i + 1], bot[i + 1], bot[i]);
                let Some(mut normal) = geom::normalize(geom::cross(geom::sub(b, a), geom::sub(d, a)))
                    .or_else(|| geom::normalize(geom::cross(geom::sub(c, b), geom::sub(d, a))))
                else {
                    continue;
                };
                // Face the hanging-wall side (up), or east/north for a vertical surface.
                if normal[2] < -1e-4 || (normal[2].abs() <= 1e-4 && normal[0] + normal[1] * 1e-3 < 0.0) {
                    normal = geom::scale(normal, -1.0);
                }
                let base = l.translucent.vertices.len() as u32;
                for pos in [a, b, c, d] {
                    l.translucent.vertices.push(MeshVertex { pos, normal, color: fill });
                }
                let face = geom::cross(geom::sub(b, a), geom::sub(c, a));
                if geom::dot(face, normal) >= 0.0 {
                    l.translucent.indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
                } else {
                    l.translucent.indices.extend([base, base + 2, base + 1, base, base + 3, base + 2]);
                }
                geom::segment(&mut l.lines, d, c, style::darker(color));
            }
        }
        (!l.translucent.vertices.is_empty()).then_some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use approx::assert_abs_diff_eq;

    fn fault(dip: Option<f64>, dir: Option<f64>) -> Fault {
        Fault {
            id: "F1".into(),
            name: None,
            trace: vec![[0.0, 0.0, 1000.0], [0.0, 100.0, 1000.0], [0.0, 200.0, 1000.0]],
            throw_m: None,
            dip_deg: dip,
            dip_dir_deg: dir,
            z_ref_m: Some(1000.0),
            water_conducting: None,
            pressure_mpa: None,
            pillar_m: None,
        }
    }

    #[test]
    fn surface_goes_down_dip() {
        let mut s = survey();
        s.layers.faults = vec![fault(Some(45.0), Some(90.0))];
        let opts = Default::default();
        let inp = input(&s, [0.0, 0.0, 900.0], [800.0, 1000.0], &opts);
        let l = FaultSurfacesVisualizer.prepare(&inp).expect("layer");
        assert!(l.hidden.plan, "a dipping surface seen from above hides the plan");
        assert_eq!(l.translucent.vertices.len(), 2 * 4);
        assert_eq!(l.translucent.indices.len(), 2 * 6);
        // dip_dir 90 (east), dip 45: 200 m deeper is 200 m further east (+x).
        let deepest = l.translucent.vertices.iter().filter(|v| v.pos[2] < -99.0).collect::<Vec<_>>();
        assert_eq!(deepest.len(), 4);
        for v in deepest {
            assert_abs_diff_eq!(v.pos[0], 200.0, epsilon = 1e-3);
            assert_abs_diff_eq!(v.pos[2], -100.0, epsilon = 1e-3);
        }
        // x grows as depth grows, on every vertex.
        for v in &l.translucent.vertices {
            assert_abs_diff_eq!(v.pos[0], 100.0 - v.pos[2], epsilon = 1e-3);
            assert_abs_diff_eq!(geom::length(v.normal), 1.0, epsilon = 1e-5);
            assert!(v.normal[2] > 0.0, "faces the hanging wall");
            assert_eq!(v.color[3], style::FAULT_ALPHA);
        }
        // The trace layer carries the label and no surface.
        let trace = FaultsVisualizer.prepare(&inp).expect("layer");
        assert!(trace.translucent.vertices.is_empty() && !trace.hidden.plan);
        assert!(trace.labels[0].text.zh.starts_with("F1 ∠45°"));
    }

    #[test]
    fn unknown_dip_is_vertical_and_water_conducting_is_distinct() {
        let mut s = survey();
        let mut f = fault(None, Some(90.0));
        f.water_conducting = Some(true);
        s.layers.faults = vec![f];
        let opts = Default::default();
        let inp = input(&s, [0.0; 3], [800.0, 1000.0], &opts);
        let l = FaultSurfacesVisualizer.prepare(&inp).expect("layer");
        assert!(l.translucent.vertices.iter().all(|v| v.pos[0] == 0.0));
        let trace = FaultsVisualizer.prepare(&inp).expect("layer");
        assert_eq!(trace.legend[0].en, "water-conducting fault");
        assert_ne!(style::fault(Some(true)), style::fault(None));
        assert!(trace.lines.iter().any(|v| v.color == style::fault(Some(true))));
        assert_eq!(trace.legend[0].color, style::fault(Some(true)), "the legend swatch is the trace's colour");
    }

    #[test]
    fn ticks_point_down_dip_at_even_spacing_and_labels_carry_throw_and_dip() {
        // A 200 m trace north–south dipping east (90°): ticks every 50 m from 25 m, 10 m east.
        let f = fault(Some(45.0), Some(90.0));
        let t = dip_ticks(&f, 50.0, 10.0);
        assert_eq!(t.len(), 4);
        for (k, [a, b]) in t.iter().enumerate() {
            assert_abs_diff_eq!(a[1], 25.0 + 50.0 * k as f64, epsilon = 1e-9);
            assert_abs_diff_eq!(b[0] - a[0], 10.0, epsilon = 1e-9);
            assert_abs_diff_eq!(b[1] - a[1], 0.0, epsilon = 1e-9);
            assert_eq!(a[2], 1000.0);
        }
        // West-dipping: ticks to the west. No dip direction or vertical: no side, no ticks.
        assert!(dip_ticks(&fault(Some(60.0), Some(270.0)), 50.0, 10.0).iter().all(|[a, b]| b[0] < a[0]));
        assert!(dip_ticks(&fault(Some(60.0), None), 50.0, 10.0).is_empty());
        assert!(dip_ticks(&fault(Some(90.0), Some(90.0)), 50.0, 10.0).is_empty());
        let mut f = fault(Some(60.0), Some(90.0));
        f.throw_m = Some(15.0);
        use minehaz_core::i18n::Lang;
        assert_eq!(annotation(&f, Lang::Zh), "F1 H=15m ∠60°");
        assert_eq!(annotation(&f, Lang::En), "F1 throw 15 m ∠60°");
        assert_eq!(annotation(&fault(None, None), Lang::Zh), "F1");
    }

    #[test]
    fn down_dip_directions() {
        let f = fault(Some(60.0), Some(180.0));
        let p = down_dip(&f, [0.0, 0.0, 0.0], -100.0);
        assert_abs_diff_eq!(p[1], -100.0 / 60f64.to_radians().tan(), epsilon = 1e-9);
        assert_abs_diff_eq!(p[0], 0.0, epsilon = 1e-9);
    }
}
