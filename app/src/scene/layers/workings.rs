//! 井巷工程 (workings): a tube along each 3D line ([`SIDES`] facets, [`RADIUS_M`]), coloured by
//! status (existing grey, active orange, planned light blue drawn as dashes), opaque. Active
//! faces are marked in [`style::face`]: a cone at an active heading's last vertex pointing along
//! its last segment, a thicker tube over an active longwall's last segment (its face). Active
//! workings carry a label with their id at the last vertex.

use super::geom::{self, Legend, V3};
use crate::scene::style;
use crate::scene::{priority, Input, Label, SceneLayer, Visualizer};
use minehaz_core::model::{LayerKind, Working, WorkingKind, WorkingStatus};

/// Tube radius of a working, m.
pub const RADIUS_M: f32 = 3.0;
/// Facets of a working tube.
pub const SIDES: usize = 6;
/// Dash and gap lengths of planned workings, m.
pub const DASH_M: f32 = 12.0;
pub const GAP_M: f32 = 8.0;

pub struct WorkingsVisualizer;

/// The local polyline of a working.
pub fn local_line(input: &Input<'_>, w: &Working) -> Vec<V3> {
    w.line.iter().map(|p| input.local(*p)).collect()
}

impl Visualizer for WorkingsVisualizer {
    fn name(&self) -> &'static str {
        Working::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let mut l = SceneLayer { name: Working::NAME.into(), name_zh: Working::NAME_ZH.into(), ..Default::default() };
        let mut legend = Legend::default();
        for w in &input.survey.layers.workings {
            let color = style::working(w.status);
            let pts = local_line(input, w);
            let drawn = match w.status {
                WorkingStatus::Planned => geom::dashes(&pts, DASH_M, GAP_M)
                    .iter()
                    .fold(false, |any, d| geom::tube(&mut l.opaque, d, RADIUS_M, SIDES, color) | any),
                _ => geom::tube(&mut l.opaque, &pts, RADIUS_M, SIDES, color),
            };
            if !drawn {
                continue;
            }
            match w.status {
                WorkingStatus::Existing => legend.add(color, "现有巷道/工作面", "existing working"),
                WorkingStatus::Active => legend.add(color, "在掘/在采", "active working"),
                WorkingStatus::Planned => legend.add(color, "设计巷道/工作面", "planned working"),
            }
            if w.status != WorkingStatus::Active {
                continue;
            }
            let (Some(&last), Some(&prev)) = (pts.last(), pts.iter().rev().find(|p| **p != pts[pts.len() - 1])) else {
                continue;
            };
            l.labels.push(Label {
                pos: geom::add(last, [0.0, 0.0, RADIUS_M + 4.0]),
                text: minehaz_core::i18n::Text::same(w.id.as_str()),
                color,
                priority: priority::WORKING,
            });
            match w.kind {
                WorkingKind::Heading => {
                    if let Some(dir) = geom::normalize(geom::sub(last, prev)) {
                        let apex = geom::add(last, geom::scale(dir, 4.0 * RADIUS_M));
                        geom::cone(&mut l.opaque, last, apex, 1.8 * RADIUS_M, 12, style::face());
                        legend.add(style::face(), "工作面位置", "face");
                    }
                }
                WorkingKind::Longwall => {
                    geom::tube(&mut l.opaque, &[prev, last], 1.5 * RADIUS_M, SIDES, style::face());
                    legend.add(style::face(), "工作面位置", "face");
                }
                WorkingKind::Roadway | WorkingKind::Bench => {}
            }
        }
        l.legend = legend.into_entries();
        (!l.opaque.indices.is_empty()).then_some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use approx::assert_abs_diff_eq;

    pub fn working(id: &str, kind: WorkingKind, status: WorkingStatus, line: Vec<[f64; 3]>) -> Working {
        Working { id: id.into(), name: None, kind, status, seam: None, declared: None, updated: None, line }
    }

    #[test]
    fn tube_counts_for_a_three_vertex_line() {
        let mut s = survey();
        let line = vec![[0.0, 0.0, 0.0], [100.0, 0.0, 0.0], [100.0, 100.0, 10.0]];
        s.layers.workings = vec![working("R1", WorkingKind::Roadway, WorkingStatus::Existing, line)];
        let opts = Default::default();
        let l = WorkingsVisualizer.prepare(&input(&s, [0.0; 3], [0.0, 10.0], &opts)).expect("layer");
        assert_eq!(l.opaque.vertices.len(), 3 * SIDES);
        assert_eq!(l.opaque.indices.len(), 2 * SIDES * 6);
        assert!(l.opaque.vertices.iter().all(|v| v.color == style::working(WorkingStatus::Existing)));
        assert!(l.labels.is_empty(), "only active workings are labelled");
        for (i, v) in l.opaque.vertices.iter().enumerate() {
            assert_abs_diff_eq!(geom::length(v.normal), 1.0, epsilon = 1e-5);
            // Every ring vertex lies RADIUS_M from its centre, along its normal.
            let c = [[0.0, 0.0, 0.0], [100.0, 0.0, 0.0], [100.0, 100.0, 10.0]][i / SIDES];
            let d = geom::sub(v.pos, c);
            assert_abs_diff_eq!(geom::length(d), RADIUS_M, epsilon = 1e-3);
            assert_abs_diff_eq!(geom::dot(d, v.normal), RADIUS_M, epsilon = 1e-3);
        }
        // Triangles wind outwards.
        for t in l.opaque.indices.chunks_exact(3) {
            let [a, b, c] = [0, 1, 2].map(|k| l.opaque.vertices[t[k] as usize]);
            let n = geom::cross(geom::sub(b.pos, a.pos), geom::sub(c.pos, a.pos));
            assert!(geom::dot(n, a.normal) > 0.0);
        }
    }

    #[test]
    fn status_colours_faces_and_labels() {
        let mut s = survey();
        let line = |y: f64| vec![[0.0, y, 0.0], [50.0, y, 0.0], [100.0, y, 0.0]];
        s.layers.workings = vec![
            working("H1", WorkingKind::Heading, WorkingStatus::Active, line(0.0)),
            working("LW1", WorkingKind::Longwall, WorkingStatus::Active, line(100.0)),
            working("P1", WorkingKind::Roadway, WorkingStatus::Planned, line(200.0)),
        ];
        let opts = Default::default();
        let l = WorkingsVisualizer.prepare(&input(&s, [0.0; 3], [0.0, 10.0], &opts)).expect("layer");
        let labels: Vec<_> = l.labels.iter().map(|x| x.text.zh.as_str()).collect();
        assert_eq!(labels, ["H1", "LW1"]);
        assert_abs_diff_eq!(l.labels[0].pos[0], 100.0);
        let colors: Vec<_> = l.legend.iter().map(|e| e.color).collect();
        assert!(colors.contains(&style::working(WorkingStatus::Active)));
        assert!(colors.contains(&style::working(WorkingStatus::Planned)));
        assert!(colors.contains(&style::face()));
        // The heading's face cone reaches beyond the last vertex along +x.
        let face_x =
            l.opaque.vertices.iter().filter(|v| v.color == style::face()).map(|v| v.pos[0]).fold(0.0, f32::max);
        assert_abs_diff_eq!(face_x, 100.0 + 4.0 * RADIUS_M, epsilon = 1e-3);
        // Planned: 100 m as dashes of 12 m with 8 m gaps = 5 dashes.
        let planned = l.opaque.vertices.iter().filter(|v| v.color == style::working(WorkingStatus::Planned));
        let xs: Vec<f32> = planned.map(|v| v.pos[0]).collect();
        assert!(xs.iter().all(|x| !(12.5..19.5).contains(x)), "a gap after the first dash");
    }

    #[test]
    fn origin_shift_keeps_millimetres_at_gauss_krueger_scale() {
        let x = 39_500_123.456;
        let y = 4_321_987.654;
        let mut s = survey();
        s.layers.workings =
            vec![working("H1", WorkingKind::Heading, WorkingStatus::Active, vec![[x - 50.0, y, 900.0], [x, y, 900.0]])];
        let origin = [39_500_000.0, 4_322_000.0, 900.0];
        let opts = Default::default();
        let input = input(&s, origin, [800.0, 1000.0], &opts);
        let l = WorkingsVisualizer.prepare(&input).expect("layer");
        // The label sits on the last vertex: back to world through f64.
        let p = l.labels[0].pos;
        assert!((origin[0] + f64::from(p[0]) - x).abs() < 1e-3);
        assert!((origin[1] + f64::from(p[1]) - y).abs() < 1e-3);
        // The centre of the last tube ring too.
        let ring = &l.opaque.vertices[SIDES..2 * SIDES];
        let cx = ring.iter().map(|v| f64::from(v.pos[0])).sum::<f64>() / SIDES as f64;
        assert!((origin[0] + cx - x).abs() < 1e-3, "{}", origin[0] + cx - x);
        // A naive f32 cast of the world coordinate loses the millimetres (and more).
        assert!((f64::from(x as f32) - x).abs() > 1e-3);
        assert!((f64::from(x as f32 - origin[0] as f32) - (x - origin[0])).abs() > 1e-3);
    }
}
