//! Measuring: plan distance along clicked points and the area they enclose, and the 3D distance
//! between two picked points (feature vertices or cursor-plane points).

use geo::Area;

/// Plan length of the polyline through `points` (world x, y), m.
pub fn plan_length(points: &[[f64; 3]]) -> f64 {
    points.windows(2).map(|s| (s[1][0] - s[0][0]).hypot(s[1][1] - s[0][1])).sum()
}

/// Plan area of the polygon through `points` (closed implicitly), m²; 0 under three points.
pub fn plan_area(points: &[[f64; 3]]) -> f64 {
    if points.len() < 3 {
        return 0.0;
    }
    let xy: Vec<[f64; 2]> = points.iter().map(|p| [p[0], p[1]]).collect();
    super::pick::polygon(&xy).unsigned_area()
}

/// 3D distance, plan distance and height difference (b − a) between two points, m.
pub fn distance_3d(a: [f64; 3], b: [f64; 3]) -> (f64, f64, f64) {
    let (dx, dy, dz) = (b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    ((dx * dx + dy * dy + dz * dz).sqrt(), dx.hypot(dy), dz)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn length_area_and_3d_distance() {
        let sq = [[0.0, 0.0, 0.0], [30.0, 0.0, 0.0], [30.0, 40.0, 0.0], [0.0, 40.0, 0.0]];
        assert_abs_diff_eq!(plan_length(&sq[..3]), 70.0);
        assert_abs_diff_eq!(plan_area(&sq), 1200.0);
        assert_abs_diff_eq!(plan_area(&sq[..2]), 0.0);
        let (d, h, dz) = distance_3d([0.0, 0.0, 10.0], [3.0, 4.0, -2.0]);
        assert_abs_diff_eq!(d, 13.0);
        assert_abs_diff_eq!(h, 5.0);
        assert_abs_diff_eq!(dz, -12.0);
    }
}
