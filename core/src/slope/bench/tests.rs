use super::*;
use crate::test_rng::Rng;
use geo_types::polygon;

/// A benched wall as z(s), s downslope from the top: a flat top of `top` m at `z_top`, then
/// `n` benches of height `h` at face angle `deg` with berms `w` between them, then a floor.
fn wall(s: f64, z_top: f64, top: f64, n: usize, h: f64, deg: f64, w: f64) -> f64 {
    let run = h / deg.to_radians().tan();
    let mut x = s - top;
    let mut z = z_top;
    if x <= 0.0 {
        return z;
    }
    for k in 0..n {
        if x <= run {
            return z - x * h / run;
        }
        x -= run;
        z -= h;
        if k + 1 < n {
            if x <= w {
                return z;
            }
            x -= w;
        }
    }
    z
}

fn samples(len: f64, step: f64, mut f: impl FnMut(f64) -> f64) -> Vec<f64> {
    (0..=((len / step).round() as usize)).map(|i| f(i as f64 * step)).collect()
}

#[test]
fn a_perfect_bench_profile_measures_within_5_cm_and_half_a_degree() {
    let p = BenchParams::default();
    let z = samples(100.0, p.step_m, |s| wall(s, 1150.0, 10.0, 4, 15.0, 70.0, 8.0));
    let m = measure_profile(&z, p.step_m, &p);
    assert_eq!(m.benches.len(), 4, "{m:#?}");
    assert_eq!(m.berms.len(), 3);
    for b in &m.benches {
        assert!((b.height_m - 15.0).abs() < 0.05, "{b:?}");
        assert!((b.face_angle_deg - 70.0).abs() < 0.5, "{b:?}");
    }
    // Berms within 10 cm, not 5: a sample up to w/2·(1 − tan 35°/tan 70°) = 0.37 m past a corner
    // still has a face angle over its window although it lies on the berm, and SLOPES.md puts
    // it in the face run's line (corners off the 0.25 m grid: here 15.46, 29.92, 44.38 m).
    for b in &m.berms {
        assert!((b.width_m - 8.0).abs() < 0.1, "{b:?}");
    }
    // The first crest is where the top meets the first face: s = 10, z = 1150.
    assert!((m.benches[0].crest.s - 10.0).abs() < 0.05 && (m.benches[0].crest.z - 1150.0).abs() < 0.05);
    // Overall: 60 m down over 4 faces' runs and 3 berms.
    let run = 15.0 / 70f64.to_radians().tan();
    let want = (60.0 / (4.0 * run + 3.0 * 8.0)).atan().to_degrees();
    let (o, hi) = m.overall.expect("overall");
    assert!((o - want).abs() < 0.5, "{o} vs {want}");
    assert_eq!(hi, 0);
}

#[test]
fn noise_of_5_cm_stays_within_30_cm_and_2_degrees() {
    let p = BenchParams::default();
    let mut rng = Rng::new(7);
    for trial in 0..20 {
        let z = samples(100.0, p.step_m, |s| wall(s, 1150.0, 10.0, 4, 15.0, 70.0, 8.0) + 0.05 * rng.normal());
        let m = measure_profile(&z, p.step_m, &p);
        assert_eq!(m.benches.len(), 4, "trial {trial}: {:?}", m.benches);
        let w = m.worst();
        assert!((w.bench_height.expect("value").0 - 15.0).abs() < 0.3, "trial {trial}: {w:?}");
        assert!((w.bench_angle.expect("value").0 - 70.0).abs() < 2.0, "trial {trial}: {w:?}");
        assert!((w.berm_width.expect("value").0 - 8.0).abs() < 0.3, "trial {trial}: {w:?}");
    }
}

#[test]
fn a_double_bench_is_one_face_and_no_berm() {
    let p = BenchParams::default();
    // Two 15 m benches with the berm between mined away: one 30 m face.
    let z = samples(80.0, p.step_m, |s| wall(s, 1150.0, 10.0, 1, 30.0, 70.0, 0.0));
    let m = measure_profile(&z, p.step_m, &p);
    assert_eq!(m.benches.len(), 1);
    assert!((m.benches[0].height_m - 30.0).abs() < 0.05);
    assert!(m.berms.is_empty());
}

#[test]
fn low_steps_and_gentle_ground_are_not_benches() {
    let p = BenchParams::default();
    // A 1.5 m step (below slope_min_bench_m = 2) on flat ground, then 20° ground (transition).
    let z = samples(60.0, p.step_m, |s| {
        if s < 20.0 {
            100.0
        } else if s < 21.0 {
            100.0 - 1.5 * (s - 20.0)
        } else if s < 40.0 {
            98.5
        } else {
            98.5 - (s - 40.0) * 20f64.to_radians().tan()
        }
    });
    let m = measure_profile(&z, p.step_m, &p);
    assert!(m.benches.is_empty(), "{m:#?}");
    assert!(m.overall.is_none());
    let classes = classify(&z, p.step_m, &p);
    assert_eq!(classes[(50.0 / p.step_m) as usize], Class::Transition);
    assert_eq!(classes[(10.0 / p.step_m) as usize], Class::Flat);
    assert_eq!(classes[(20.5 / p.step_m) as usize], Class::Face);
}

#[test]
fn gaps_break_runs() {
    let p = BenchParams::default();
    let mut z = samples(60.0, p.step_m, |s| wall(s, 1150.0, 10.0, 2, 15.0, 60.0, 10.0));
    let c = classify(&z, p.step_m, &p);
    assert!(c.iter().all(|c| *c != Class::Gap));
    for v in &mut z[..20] {
        *v = f64::NAN;
    }
    let c = classify(&z, p.step_m, &p);
    assert!(c[..22].iter().all(|c| *c == Class::Gap), "{:?}", &c[..24]);
}

#[test]
fn percentiles_interpolate_like_numpy() {
    let v: Vec<(f64, usize)> = [10.0, 20.0, 30.0, 40.0, 50.0].iter().enumerate().map(|(i, &x)| (x, i)).collect();
    // numpy.percentile([10,20,30,40,50], 90) = 46.0; the nearest rank is the 5th (index 4).
    assert_eq!(percentile(&v, 90.0), Some((46.0, 4)));
    assert_eq!(percentile(&v, 10.0), Some((14.0, 0)));
    assert_eq!(percentile(&v, 50.0), Some((30.0, 2)));
    assert_eq!(percentile(&v, 100.0), Some((50.0, 4)));
    assert_eq!(percentile(&[(7.0, 3)], 90.0), Some((7.0, 3)));
    assert_eq!(percentile(&[], 90.0), None);
    // Unsorted input; the index returned is the caller's.
    let u = [(3.0, 9), (1.0, 8), (2.0, 7)];
    // Rank 1.5 lies halfway: the lower rank's profile (value 2, index 7) is `at`.
    assert_eq!(percentile(&u, 75.0), Some((2.5, 7)));
}

#[test]
fn line_intervals_through_a_polygon_with_a_hole() {
    let poly = Polygon::new(
        geo_types::LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]),
        vec![geo_types::LineString::from(vec![(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0)])],
    );
    let iv = line_intervals(&poly, [-5.0, 5.0], [1.0, 0.0]);
    assert_eq!(iv.len(), 2);
    assert!((iv[0].0 - 5.0).abs() < 1e-9 && (iv[0].1 - 9.0).abs() < 1e-9);
    assert!((iv[1].0 - 11.0).abs() < 1e-9 && (iv[1].1 - 15.0).abs() < 1e-9);
    assert!(line_intervals(&poly, [-5.0, 20.0], [1.0, 0.0]).is_empty());
}

/// A DEM of a straight benched wall dipping toward azimuth `az` (0 = north, 90 = east), cell
/// 0.5 m, around (x0, y0).
fn wall_dem(x0: f64, y0: f64, az: f64, f: impl Fn(f64) -> f64) -> (Dem, Polygon<f64>) {
    let mut d = Dem::empty([x0 - 60.0, y0 - 60.0, x0 + 60.0, y0 + 60.0], 0.5);
    let dir = [az.to_radians().sin(), az.to_radians().cos()];
    for j in 0..d.ny {
        for i in 0..d.nx {
            let c = d.centre(i, j);
            // s = 0 at 50 m upslope of the centre.
            let s = (c[0] - x0) * dir[0] + (c[1] - y0) * dir[1] + 50.0;
            d.z[j * d.nx + i] = f(s) as f32;
        }
    }
    let poly = polygon![(x: x0 - 40.0, y: y0 - 40.0), (x: x0 + 40.0, y: y0 - 40.0), (x: x0 + 40.0, y: y0 + 40.0), (x: x0 - 40.0, y: y0 + 40.0)];
    (d, poly)
}

#[test]
fn a_sector_measures_its_wall_and_the_dip() {
    let p = BenchParams::default();
    let (d, poly) = wall_dem(38_483_000.0, 4_525_000.0, 90.0, |s| wall(s, 1150.0, 20.0, 5, 15.0, 65.0, 9.0));
    let m = measure_sector(&d, &poly, &p);
    assert!((m.dip_azimuth_deg.expect("value") - 90.0).abs() < 0.5, "{:?}", m.dip_azimuth_deg);
    // Profiles 5 m apart across 80 m: 17.
    assert_eq!(m.profiles.len(), 17);
    assert_eq!(m.with_benches, 17);
    let bh = m.bench_height.expect("value");
    assert!((bh.value - 15.0).abs() < 0.1, "{bh:?}");
    assert!((m.bench_angle.expect("value").value - 65.0).abs() < 0.5);
    assert!((m.berm_width.expect("value").value - 9.0).abs() < 0.1, "{:?}", m.berm_width);
    // `at` is a crest on the wall: on a bench edge z = 1150 − 15k.
    let z = bh.at[2];
    assert!(((1150.0 - z) / 15.0 - ((1150.0 - z) / 15.0).round()).abs() < 0.01, "{z}");
}

#[test]
fn rotating_the_pit_by_axis_aligned_angles_changes_nothing() {
    let p = BenchParams::default();
    let f = |s: f64| wall(s, 1150.0, 20.0, 5, 15.0, 62.0, 8.5);
    let base =
        measure_sector(&wall_dem(500_000.0, 4_000_000.0, 0.0, f).0, &wall_dem(500_000.0, 4_000_000.0, 0.0, f).1, &p);
    for az in [90.0, 180.0, 270.0] {
        let (d, poly) = wall_dem(500_000.0, 4_000_000.0, az, f);
        let m = measure_sector(&d, &poly, &p);
        assert!((m.dip_azimuth_deg.expect("value") - az).abs() < 0.5, "{az}: {:?}", m.dip_azimuth_deg);
        for (a, b, tol) in [
            (m.bench_height, base.bench_height, 0.05),
            (m.bench_angle, base.bench_angle, 0.5),
            (m.overall_angle, base.overall_angle, 0.5),
            (m.berm_width, base.berm_width, 0.05),
        ] {
            let (a, b) = (a.expect("value").value, b.expect("value").value);
            assert!((a - b).abs() < tol, "azimuth {az}: {a} vs {b}");
        }
    }
}

#[test]
fn a_wall_facing_the_other_way_measures_the_same() {
    let p = BenchParams::default();
    let down = samples(100.0, p.step_m, |s| wall(s, 1150.0, 10.0, 4, 15.0, 65.0, 9.0));
    let up: Vec<f64> = down.iter().rev().copied().collect();
    let (a, b) = (measure_profile(&down, p.step_m, &p), measure_profile(&up, p.step_m, &p));
    assert_eq!(a.benches.len(), b.benches.len());
    for (x, y) in a.worst_values().iter().zip(b.worst_values()) {
        assert!((x - y).abs() < 0.05, "{:?} vs {:?}", a.worst_values(), b.worst_values());
    }
    assert!(b.benches.iter().all(|x| x.height_m > 0.0 && x.crest.z > x.toe.z));
}
