//! Ground reference (layer `ground`): a faint square grid of lines over the plan extent of the
//! data (5 % margin) at the highest borehole collar (the best ground elevation the survey has)
//! or, without boreholes, at the top of the scene. Lines fall on round world coordinates
//! (1, 2 or 5 × 10ⁿ m apart, about [`TARGET_LINES`] across the larger side).

use super::geom;
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::Survey;

/// About how many grid lines span the larger side.
pub const TARGET_LINES: f64 = 12.0;

pub struct GroundVisualizer;

/// Plan extent [min_x, min_y, max_x, max_y] of everything in the survey, world coordinates.
pub fn plan_extent(s: &Survey) -> Option<[f64; 4]> {
    let mut e = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    let mut grow = |x: f64, y: f64| {
        if x.is_finite() && y.is_finite() {
            e = [e[0].min(x), e[1].min(y), e[2].max(x), e[3].max(y)];
        }
    };
    for l in s.layers.summaries() {
        if let Some(b) = l.bounds {
            grow(b[0], b[1]);
            grow(b[3], b[4]);
        }
    }
    for b in &s.boreholes {
        grow(b.collar.x, b.collar.y);
    }
    for p in &s.point_clouds {
        grow(p.header.bounds[0], p.header.bounds[1]);
        grow(p.header.bounds[3], p.header.bounds[4]);
    }
    for g in &s.grids {
        let b = g.bounds();
        grow(b[0], b[1]);
        grow(b[2], b[3]);
    }
    (e[0] <= e[2]).then_some(e)
}

/// A round spacing (1, 2 or 5 × 10ⁿ) near `span / TARGET_LINES`.
pub fn spacing(span: f64) -> f64 {
    let raw = (span / TARGET_LINES).max(1.0);
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|s| *s >= raw).unwrap_or(10.0 * p)
}

impl Visualizer for GroundVisualizer {
    fn name(&self) -> &'static str {
        "ground"
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let e = plan_extent(input.survey)?;
        let z = input
            .survey
            .boreholes
            .iter()
            .map(|b| b.collar.z)
            .filter(|z| z.is_finite())
            .fold(None, |m: Option<f64>, z| Some(m.map_or(z, |m| m.max(z))));
        let z = z.unwrap_or(input.z_range[1]);
        let span = (e[2] - e[0]).max(e[3] - e[1]).max(1.0);
        let margin = span * 0.05;
        let step = spacing(span + 2.0 * margin);
        let lo = [((e[0] - margin) / step).floor() * step, ((e[1] - margin) / step).floor() * step];
        let hi = [((e[2] + margin) / step).ceil() * step, ((e[3] + margin) / step).ceil() * step];
        let color = style::ground();
        let mut l = SceneLayer { name: "ground".into(), name_zh: "地面参考网格".into(), ..Default::default() };
        let n = [((hi[0] - lo[0]) / step).round() as usize, ((hi[1] - lo[1]) / step).round() as usize];
        for i in 0..=n[0] {
            let x = lo[0] + i as f64 * step;
            geom::segment(&mut l.lines, input.local([x, lo[1], z]), input.local([x, hi[1], z]), color);
        }
        for j in 0..=n[1] {
            let y = lo[1] + j as f64 * step;
            geom::segment(&mut l.lines, input.local([lo[0], y, z]), input.local([hi[0], y, z]), color);
        }
        Some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use minehaz_core::borehole::{Borehole, Collar};

    #[test]
    fn spacing_is_round() {
        assert_eq!(spacing(1200.0), 100.0);
        assert_eq!(spacing(3000.0), 500.0);
        assert_eq!(spacing(2000.0), 200.0);
        assert_eq!(spacing(5.0), 1.0);
    }

    #[test]
    fn grid_at_highest_collar() {
        let mut s = survey();
        let collar = |id: &str, x: f64, z: f64| Borehole {
            collar: Collar { id: id.into(), x, y: 0.0, z, depth_m: None, drilled_at: None },
            stations: Vec::new(),
            intervals: Vec::new(),
        };
        s.boreholes = vec![collar("A", 0.0, 1200.0), collar("B", 1000.0, 1250.0)];
        let opts = Default::default();
        let l = GroundVisualizer.prepare(&input(&s, [500.0, 0.0, 1000.0], [800.0, 1300.0], &opts)).expect("layer");
        assert!(l.lines.iter().all(|v| v.pos[2] == 250.0));
        let (lo, hi) = bounds(l.lines.iter().map(|v| v.pos));
        assert!(lo[0] <= -500.0 && hi[0] >= 500.0);
        // Lines on round world coordinates.
        assert!(l
            .lines
            .iter()
            .all(|v| (f64::from(v.pos[0]) + 500.0) % 100.0 == 0.0 || v.pos[0] == lo[0] || v.pos[0] == hi[0]));
    }
}
