//! Minimum curvature desurvey: down-hole survey stations (measured depth, azimuth, dip) into a
//! 3D trajectory in the mine CRS.
//!
//! Between two stations with unit tangents t1, t2 the hole is a circular arc; with the dogleg
//! β = acos(t1·t2) and the ratio factor RF = (2/β)·tan(β/2) (1 when β → 0), the displacement over
//! a course length ΔMD is ΔMD/2 · (t1 + t2) · RF. Above the first station the hole keeps the
//! first station's direction; below the last it keeps the last one's. No stations = vertical.
//!
//! Units: metres (or feet, consistently); azimuth clockwise from grid north; dip negative
//! downward (-90 = vertically down), x = easting, y = northing, z = elevation (up).
//!
//! ```
//! use minehaz_core::borehole::{Collar, Station, desurvey};
//! let collar = Collar { id: "ZK1".into(), x: 500000.0, y: 4000000.0, z: 1200.0, depth_m: Some(100.0), drilled_at: None };
//! let t = desurvey(&collar, &[Station { depth_m: 0.0, azimuth_deg: 0.0, dip_deg: -90.0 }]);
//! let p = t.position_at(100.0);
//! assert!((p[2] - 1100.0).abs() < 1e-9);
//! ```

use super::{Collar, Station};

/// A desurveyed hole: positions at measured depths, from the collar (md 0) down.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    /// (measured depth, [x, y, z], unit tangent) at the collar, each station and the hole end.
    pub points: Vec<(f64, [f64; 3], [f64; 3])>,
}

/// Unit tangent (east, north, up) of a hole with this azimuth and dip (negative down).
pub fn tangent(azimuth_deg: f64, dip_deg: f64) -> [f64; 3] {
    let (az, dip) = (azimuth_deg.to_radians(), dip_deg.to_radians());
    [dip.cos() * az.sin(), dip.cos() * az.cos(), dip.sin()]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn normalize(a: [f64; 3]) -> [f64; 3] {
    let n = dot(a, a).sqrt();
    if n == 0.0 {
        a
    } else {
        [a[0] / n, a[1] / n, a[2] / n]
    }
}

/// Displacement along a minimum-curvature arc of length `len` from tangent `t1` to `t2`.
fn arc_step(len: f64, t1: [f64; 3], t2: [f64; 3]) -> [f64; 3] {
    let beta = dot(t1, t2).clamp(-1.0, 1.0).acos();
    let rf = if beta < 1e-9 { 1.0 } else { 2.0 / beta * (beta / 2.0).tan() };
    let h = len / 2.0 * rf;
    [h * (t1[0] + t2[0]), h * (t1[1] + t2[1]), h * (t1[2] + t2[2])]
}

/// Tangent a fraction `f` of the way along the arc from `t1` to `t2` (spherical interpolation).
fn slerp(t1: [f64; 3], t2: [f64; 3], f: f64) -> [f64; 3] {
    let beta = dot(t1, t2).clamp(-1.0, 1.0).acos();
    if beta < 1e-9 {
        return t1;
    }
    let (a, b) = (((1.0 - f) * beta).sin() / beta.sin(), (f * beta).sin() / beta.sin());
    normalize([a * t1[0] + b * t2[0], a * t1[1] + b * t2[1], a * t1[2] + b * t2[2]])
}

/// Desurvey a hole by minimum curvature. `stations` need not be sorted; stations at equal
/// depth keep the last. The trajectory reaches the collar's depth (or the last station).
pub fn desurvey(collar: &Collar, stations: &[Station]) -> Trajectory {
    let mut st: Vec<Station> = stations.iter().copied().filter(|s| s.depth_m >= 0.0).collect();
    st.sort_by(|a, b| a.depth_m.total_cmp(&b.depth_m));
    st.dedup_by(|b, a| {
        if a.depth_m == b.depth_m {
            *a = *b;
            true
        } else {
            false
        }
    });
    let vertical = tangent(0.0, -90.0);
    let first_t = st.first().map_or(vertical, |s| tangent(s.azimuth_deg, s.dip_deg));
    let mut points = vec![(0.0, [collar.x, collar.y, collar.z], first_t)];
    for s in &st {
        let t2 = tangent(s.azimuth_deg, s.dip_deg);
        let &(md1, p1, t1) = points.last().unwrap_or(&(0.0, [collar.x, collar.y, collar.z], first_t));
        if s.depth_m == md1 {
            if let Some(last) = points.last_mut() {
                last.2 = t2;
            }
            continue;
        }
        let d = arc_step(s.depth_m - md1, t1, t2);
        points.push((s.depth_m, [p1[0] + d[0], p1[1] + d[1], p1[2] + d[2]], t2));
    }
    if let (Some(depth), Some(&(md, p, t))) = (collar.depth_m, points.last()) {
        if depth > md {
            let l = depth - md;
            points.push((depth, [p[0] + l * t[0], p[1] + l * t[1], p[2] + l * t[2]], t));
        }
    }
    Trajectory { points }
}

impl Trajectory {
    /// Total measured depth of the trajectory.
    pub fn length(&self) -> f64 {
        self.points.last().map_or(0.0, |p| p.0)
    }

    /// Position at measured depth `md` (along the arcs; beyond the end, straight on).
    pub fn position_at(&self, md: f64) -> [f64; 3] {
        let Some(first) = self.points.first() else {
            return [f64::NAN; 3];
        };
        if md <= first.0 {
            let (_, p, t) = *first;
            let l = md - first.0;
            return [p[0] + l * t[0], p[1] + l * t[1], p[2] + l * t[2]];
        }
        for w in self.points.windows(2) {
            let ((md1, p1, t1), (md2, _, t2)) = (w[0], w[1]);
            if md <= md2 {
                let len = md - md1;
                let f = if md2 > md1 { len / (md2 - md1) } else { 0.0 };
                let ts = slerp(t1, t2, f);
                let d = arc_step(len, t1, ts);
                return [p1[0] + d[0], p1[1] + d[1], p1[2] + d[2]];
            }
        }
        let &(mdl, p, t) = self.points.last().unwrap_or(first);
        let l = md - mdl;
        [p[0] + l * t[0], p[1] + l * t[1], p[2] + l * t[2]]
    }

    /// Vertices of the trajectory sampled at most `step` apart along the hole (for display and
    /// for writing as a 3D line).
    pub fn polyline(&self, step: f64) -> Vec<[f64; 3]> {
        let mut out = Vec::new();
        for w in self.points.windows(2) {
            let (md1, md2) = (w[0].0, w[1].0);
            let n = (((md2 - md1) / step).ceil() as usize).max(1);
            for i in 0..n {
                out.push(self.position_at(md1 + (md2 - md1) * i as f64 / n as f64));
            }
        }
        if let Some(&(_, p, _)) = self.points.last() {
            out.push(p);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    fn collar(depth: Option<f64>) -> Collar {
        Collar { id: "T".into(), x: 0.0, y: 0.0, z: 0.0, depth_m: depth, drilled_at: None }
    }

    #[test]
    fn vertical_hole_without_stations() {
        let t = desurvey(&collar(Some(250.0)), &[]);
        let p = t.position_at(250.0);
        assert_abs_diff_eq!(p[0], 0.0, epsilon = 1e-9);
        assert_abs_diff_eq!(p[2], -250.0, epsilon = 1e-9);
    }

    #[test]
    fn straight_inclined_hole() {
        let s = [
            Station { depth_m: 0.0, azimuth_deg: 90.0, dip_deg: -30.0 },
            Station { depth_m: 100.0, azimuth_deg: 90.0, dip_deg: -30.0 },
        ];
        let p = desurvey(&collar(None), &s).position_at(100.0);
        assert_abs_diff_eq!(p[0], 100.0 * 30f64.to_radians().cos(), epsilon = 1e-9);
        assert_abs_diff_eq!(p[1], 0.0, epsilon = 1e-9);
        assert_abs_diff_eq!(p[2], -50.0, epsilon = 1e-9);
    }

    #[test]
    fn quarter_circle_build_is_an_exact_arc() {
        // From vertical to horizontal (east) over MD = π/2 · R: the arc ends at (R, 0, -R).
        let r = 200.0;
        let md = std::f64::consts::FRAC_PI_2 * r;
        let s = [
            Station { depth_m: 0.0, azimuth_deg: 90.0, dip_deg: -90.0 },
            Station { depth_m: md, azimuth_deg: 90.0, dip_deg: 0.0 },
        ];
        let t = desurvey(&collar(None), &s);
        let p = t.position_at(md);
        assert_abs_diff_eq!(p[0], r, epsilon = 1e-6);
        assert_abs_diff_eq!(p[2], -r, epsilon = 1e-6);
        // Half-way along the arc lies on the same circle.
        let h = t.position_at(md / 2.0);
        assert_abs_diff_eq!(((h[0] - r).powi(2) + h[2].powi(2)).sqrt(), r, epsilon = 1e-6);
    }
}
