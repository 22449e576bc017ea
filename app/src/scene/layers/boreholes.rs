//! 钻孔 (boreholes): each hole's desurveyed trajectory (minimum curvature,
//! [`Borehole::trajectory`]) as a thin grey line from the collar to the bottom, and over it one
//! thin tube ([`RADIUS_M`], [`SIDES`] facets) per logged interval, coloured by lithology
//! ([`style::lithology`]; seam intervals are coal, black), sampled at most [`STEP_M`] apart
//! along the hole so curved holes stay curved. A label with the hole id sits above the collar.

use super::geom::{self, Legend, V3};
use crate::scene::style;
use crate::scene::{priority, Input, Label, SceneLayer, Visualizer};
use minehaz_core::borehole::{Borehole, Trajectory};

/// Radius of an interval tube, m.
pub const RADIUS_M: f32 = 2.0;
/// Facets of an interval tube.
pub const SIDES: usize = 6;
/// Largest step between tube rings along the hole, m.
pub const STEP_M: f64 = 10.0;

pub struct BoreholesVisualizer;

/// Local positions along the trajectory from measured depth `from` to `to`, at most `STEP_M`
/// apart.
fn sample(input: &Input<'_>, t: &Trajectory, from: f64, to: f64) -> Vec<V3> {
    let n = (((to - from) / STEP_M).ceil() as usize).clamp(1, 10_000);
    (0..=n).map(|i| input.local(t.position_at(from + (to - from) * i as f64 / n as f64))).collect()
}

/// The bottom of a hole: its trajectory's end or its deepest interval.
fn bottom_md(b: &Borehole, t: &Trajectory) -> f64 {
    b.intervals.iter().map(|i| i.to_m).filter(|d| d.is_finite()).fold(t.length(), f64::max)
}

impl Visualizer for BoreholesVisualizer {
    fn name(&self) -> &'static str {
        "boreholes"
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let mut l = SceneLayer { name: "boreholes".into(), name_zh: "钻孔".into(), ..Default::default() };
        let mut legend = Legend::default();
        let unknown = style::lithology(None, false);
        for b in &input.survey.boreholes {
            let c = &b.collar;
            if ![c.x, c.y, c.z].iter().all(|v| v.is_finite()) {
                continue;
            }
            let t = b.trajectory();
            let depth = bottom_md(b, &t);
            if depth > 0.0 {
                geom::polyline(&mut l.lines, &sample(input, &t, 0.0, depth), unknown.color);
            }
            for i in &b.intervals {
                if !(i.from_m.is_finite() && i.to_m.is_finite() && i.to_m > i.from_m && i.from_m >= 0.0) {
                    continue;
                }
                let lith = style::lithology(i.lithology.as_deref(), i.seam.is_some());
                if geom::tube(&mut l.opaque, &sample(input, &t, i.from_m, i.to_m), RADIUS_M, SIDES, lith.color) {
                    legend.add(lith.color, lith.zh, lith.en);
                }
            }
            let collar = input.local([c.x, c.y, c.z]);
            l.labels.push(Label {
                pos: geom::add(collar, [0.0, 0.0, 8.0]),
                text: minehaz_core::i18n::Text::same(c.id.as_str()),
                color: style::label(),
                priority: priority::LINE,
            });
        }
        l.legend = legend.into_entries();
        (!l.labels.is_empty()).then_some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use approx::assert_abs_diff_eq;
    use minehaz_core::borehole::{Collar, Interval, Station};

    #[test]
    fn intervals_follow_the_trajectory_and_lithology() {
        let mut s = survey();
        let iv = |from: f64, to: f64, lith: &str, seam: Option<&str>| Interval {
            from_m: from,
            to_m: to,
            lithology: Some(lith.into()),
            seam: seam.map(String::from),
            ..Default::default()
        };
        s.boreholes = vec![Borehole {
            collar: Collar {
                id: "ZK1".into(),
                x: 1000.0,
                y: 2000.0,
                z: 1200.0,
                depth_m: Some(100.0),
                drilled_at: None,
            },
            stations: vec![Station { depth_m: 0.0, azimuth_deg: 90.0, dip_deg: -60.0 }],
            intervals: vec![
                iv(0.0, 40.0, "砂岩", None),
                iv(40.0, 45.0, "泥岩", Some("3")),
                iv(45.0, 100.0, "灰岩", None),
            ],
        }];
        let opts = Default::default();
        let l =
            BoreholesVisualizer.prepare(&input(&s, [1000.0, 2000.0, 1200.0], [1000.0, 1200.0], &opts)).expect("layer");
        assert_eq!(l.labels[0].text.zh, "ZK1");
        let en: Vec<_> = l.legend.iter().map(|e| e.en.as_str()).collect();
        assert_eq!(en, ["sandstone", "coal", "limestone"]);
        // 40 m = 4 steps (5 rings), 5 m = 1 step (2 rings), 55 m = 6 steps (7 rings).
        assert_eq!(l.opaque.vertices.len(), (5 + 2 + 7) * SIDES);
        // The seam interval is coal black and lies 40..45 m down a hole dipping 60° to the east.
        let coal = style::lithology(None, true).color;
        let ring: Vec<_> = l.opaque.vertices.iter().filter(|v| v.color == coal).collect();
        let cz = ring.iter().map(|v| v.pos[2]).sum::<f32>() / ring.len() as f32;
        let cx = ring.iter().map(|v| v.pos[0]).sum::<f32>() / ring.len() as f32;
        assert_abs_diff_eq!(cz, -42.5 * 60f32.to_radians().sin(), epsilon = 1e-2);
        assert_abs_diff_eq!(cx, 42.5 * 60f32.to_radians().cos(), epsilon = 1e-2);
        // The trajectory line reaches the bottom.
        let (lo, _) = bounds(l.lines.iter().map(|v| v.pos));
        assert_abs_diff_eq!(lo[2], -100.0 * 60f32.to_radians().sin(), epsilon = 1e-2);
    }
}
