//! 断层 (faults): each trace drawn as a line at its elevation (the source Z, or `z_ref`) and a
//! dipping surface from the trace down to the scene's bottom (`z_range[0]`): a quad per trace
//! segment whose lower edge is offset horizontally towards `dip_dir_deg` (clockwise from grid
//! north) by depth / tan(dip). Unknown dip or dip direction → a vertical surface; dips below
//! [`MIN_DIP_DEG`] are drawn at that dip (a flatter surface would run off the scene).
//! Translucent ([`style::FAULT_ALPHA`]); water-conducting faults in their own colour. A label
//! with the fault id sits at the middle trace vertex.

use super::geom::{self, Legend, V3};
use crate::scene::style;
use crate::scene::{priority, Input, Label, MeshVertex, SceneLayer, Visualizer};
use minehaz_core::model::{Fault, LayerKind};

/// The flattest dip drawn, degrees.
pub const MIN_DIP_DEG: f64 = 5.0;

pub struct FaultsVisualizer;

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

impl Visualizer for FaultsVisualizer {
    fn name(&self) -> &'static str {
        Fault::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let mut l = SceneLayer { name: Fault::NAME.into(), name_zh: Fault::NAME_ZH.into(), ..Default::default() };
        let mut legend = Legend::default();
        let bottom = input.z_range[0];
        for f in &input.survey.layers.faults {
            let color = style::fault(f.water_conducting);
            let fill = style::with_alpha(color, style::FAULT_ALPHA);
            let top: Vec<V3> = f.trace.iter().map(|p| input.local(*p)).collect();
            let bot: Vec<V3> = f.trace.iter().map(|p| input.local(down_dip(f, *p, bottom))).collect();
            geom::polyline(&mut l.lines, &top, color);
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
            if let Some(&mid) = top.get(top.len() / 2) {
                l.labels.push(Label {
                    pos: geom::add(mid, [0.0, 0.0, 10.0]),
                    text: f.id.clone(),
                    color,
                    priority: priority::FEATURE,
                });
            }
            match f.water_conducting {
                Some(true) => legend.add(fill, "导水断层", "water-conducting fault"),
                _ => legend.add(fill, "断层", "fault"),
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
        let l = FaultsVisualizer.prepare(&input(&s, [0.0, 0.0, 900.0], [800.0, 1000.0], &opts)).expect("layer");
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
        assert_eq!(l.labels[0].text, "F1");
    }

    #[test]
    fn unknown_dip_is_vertical_and_water_conducting_is_distinct() {
        let mut s = survey();
        let mut f = fault(None, Some(90.0));
        f.water_conducting = Some(true);
        s.layers.faults = vec![f];
        let opts = Default::default();
        let l = FaultsVisualizer.prepare(&input(&s, [0.0; 3], [800.0, 1000.0], &opts)).expect("layer");
        assert!(l.translucent.vertices.iter().all(|v| v.pos[0] == 0.0));
        assert_eq!(l.legend[0].en, "water-conducting fault");
        assert_ne!(style::fault(Some(true)), style::fault(None));
        assert!(l.lines.iter().any(|v| v.color == style::fault(Some(true))));
    }

    #[test]
    fn down_dip_directions() {
        let f = fault(Some(60.0), Some(180.0));
        let p = down_dip(&f, [0.0, 0.0, 0.0], -100.0);
        assert_abs_diff_eq!(p[1], -100.0 / 60f64.to_radians().tan(), epsilon = 1e-9);
        assert_abs_diff_eq!(p[0], 0.0, epsilon = 1e-9);
    }
}
