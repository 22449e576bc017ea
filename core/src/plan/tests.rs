//! The planner against PLANNING.md, with numbers worked by hand, and property tests over random
//! headings and sources.

use super::*;
use crate::model::{Drillhole, Goaf, Survey, WaterBody, Working, WorkingStatus, ZRange};
use crate::rules::pillars::testkit::{params, square, working};
use crate::rules::{Assessment, Finding};
use crate::test_rng::Rng;
use approx::assert_abs_diff_eq;

fn date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
}

/// An active heading whose last segment runs along `azimuth_deg` (clockwise from north), 100 m
/// long, ending at `face`.
fn heading_towards(id: &str, face: [f64; 3], azimuth_deg: f64) -> Working {
    let (s, c) = azimuth_deg.to_radians().sin_cos();
    let start = [face[0] - 100.0 * s, face[1] - 100.0 * c, face[2]];
    working(id, WorkingKind::Heading, WorkingStatus::Active, &[start, face])
}

fn water_goaf(id: &str, outline: geo_types::Polygon<f64>, reliable: bool, water_m3: Option<f64>) -> Goaf {
    Goaf {
        id: id.into(),
        name: None,
        seam: None,
        outline,
        z: ZRange { floor_m: Some(-20.0), roof_m: Some(5.0) },
        water: Some(true),
        water_level_m: None,
        water_m3,
        reliable: Some(reliable),
        source: None,
    }
}

fn water_body(id: &str, outline: geo_types::Polygon<f64>, pressure_mpa: Option<f64>) -> WaterBody {
    WaterBody { id: id.into(), name: None, kind: None, outline, z: ZRange::default(), head_m: None, pressure_mpa }
}

fn close3(a: [f64; 3], b: [f64; 3]) -> bool {
    crate::geometry::dist3(a, b) < 1e-9
}

fn assess(s: &Survey, overrides: &[(&str, f64)]) -> Assessment {
    Assessment::with_params(s.clone(), params(overrides), Vec::new(), date())
}

fn plan_of(s: &Survey, overrides: &[(&str, f64)], named: &[&str]) -> Plan {
    let named: Vec<String> = named.iter().map(|s| s.to_string()).collect();
    plan(&assess(s, overrides), &named).expect("plan")
}

/// A heading driven east with its face at the origin, and a reliable water goaf whose west edge
/// is 20 m ahead (inside its 30 m exploration line), well off the axis to the north so that the
/// axis ray misses it.
fn east_heading_beside_goaf() -> Survey {
    let mut s = Survey::default();
    s.layers.workings.push(heading_towards("H1", [0.0, 0.0, 0.0], 90.0));
    s.layers.goaf.push(water_goaf("G1", square(20.0, 10.0, 120.0, 110.0), true, None));
    s
}

#[test]
fn clear_case_five_holes_across_the_guard_at_the_reach() {
    let p = plan_of(&east_heading_beside_goaf(), &[], &[]);
    assert_eq!(p.fans.len(), 1);
    let f = &p.fans[0];
    assert_eq!((f.id.as_str(), f.heading.as_str(), f.case), ("H1-F1", "H1", Case::Clear));
    assert_eq!(f.sources, vec!["G1".to_string()]);
    assert_eq!(f.reasons, vec![Reason::ExplorationRequired]);
    // Heading east: d = (1, 0), n = (0, 1); ends at x = 80, y = −30 … 30 (−L first).
    let ends: Vec<[f64; 3]> = f.holes.iter().map(|h| h.end).collect();
    let want = [-30.0, -15.0, 0.0, 15.0, 30.0];
    assert_eq!(ends.len(), 5);
    for (e, y) in ends.iter().zip(want) {
        assert_abs_diff_eq!(e[0], 80.0, epsilon = 1e-9);
        // The outermost ends sit GUARD_INSET_M (0.1 mm) inside ±L, so that they count as cover.
        assert_abs_diff_eq!(e[1], y, epsilon = GUARD_INSET_M + 1e-9);
        assert!(e[1].abs() <= 30.0);
        assert_abs_diff_eq!(e[2], 0.0, epsilon = 1e-9);
    }
    let mid = &f.holes[2];
    assert_eq!(mid.id, "H1-F1-03");
    assert_abs_diff_eq!(mid.azimuth_deg, 90.0, epsilon = 1e-9);
    assert_abs_diff_eq!(mid.inclination_deg, 0.0, epsilon = 1e-9);
    assert_abs_diff_eq!(mid.length_m, 80.0, epsilon = 1e-9);
    // The −L hole: collar 1.499 m to the right (south) of the face, end 30 m right at 80 m.
    let h = &f.holes[0];
    assert_abs_diff_eq!(h.collar[1], -1.499, epsilon = 1e-5);
    assert_abs_diff_eq!(h.length_m, (80.0f64.powi(2) + 28.501f64.powi(2)).sqrt(), epsilon = 1e-3);
    assert_abs_diff_eq!(h.azimuth_deg, 90.0 + (28.501f64 / 80.0).atan().to_degrees(), epsilon = 1e-3);
    for h in &f.holes {
        assert!(h.collar[0].hypot(h.collar[1]) <= 1.5 && h.collar[2] == 0.0);
        assert_eq!(h.casing_m, 10.0);
    }
    // Allowed advance: R − A0 = 80 − 30; the stop point 50 m ahead at the face's z.
    assert_abs_diff_eq!(f.allowed_advance_m, 50.0, epsilon = 1e-9);
    assert!(close3(f.stop_at, [50.0, 0.0, 0.0]), "{:?}", f.stop_at);
    assert!(!f.drain_first && !f.requires_bulkhead);
}

#[test]
fn a_heading_along_a_known_azimuth() {
    // Azimuth 30°: d = (sin 30°, cos 30°) = (0.5, 0.866); n = (−0.866, 0.5).
    let mut s = Survey::default();
    s.layers.workings.push(heading_towards("H1", [1000.0, 2000.0, 500.0], 30.0));
    s.layers.water_bodies.push(water_body("B1", square(1020.0, 2050.0, 1100.0, 2150.0), Some(0.5)));
    let p = plan_of(&s, &[], &[]);
    let f = &p.fans[0];
    assert_eq!(f.holes.len(), 5);
    let (d, n) = ([0.5, 3f64.sqrt() / 2.0], [-(3f64.sqrt()) / 2.0, 0.5]);
    for (h, lat) in f.holes.iter().zip([-30.0, -15.0, 0.0, 15.0, 30.0]) {
        let want = [1000.0 + 80.0 * d[0] + lat * n[0], 2000.0 + 80.0 * d[1] + lat * n[1]];
        assert_abs_diff_eq!(h.end[0], want[0], epsilon = 1e-3);
        assert_abs_diff_eq!(h.end[1], want[1], epsilon = 1e-3);
        assert_abs_diff_eq!(h.projection_m, 80.0, epsilon = 1e-3);
        assert_abs_diff_eq!(h.lateral_m, lat, epsilon = 1e-3);
        let back = end_of(h.collar, h.azimuth_deg, h.inclination_deg, h.length_m);
        assert!(crate::geometry::dist3(back, h.end) < 0.05);
    }
    assert_abs_diff_eq!(f.holes[2].azimuth_deg, 30.0, epsilon = 1e-3);
    // p = 0.5 MPa: c = 5 m, raised to casing_min_m = 10.
    assert_eq!(f.holes[0].casing_m, 10.0);
}

#[test]
fn unclear_case_ends_at_most_three_metres_apart() {
    let mut s = east_heading_beside_goaf();
    s.layers.goaf[0].reliable = Some(false);
    let p = plan_of(&s, &[], &[]);
    let f = &p.fans[0];
    assert_eq!(f.case, Case::Unclear);
    // 2L / 3 = 20 gaps: 21 holes at 3 m.
    assert_eq!(f.holes.len(), 21);
    assert_abs_diff_eq!(f.holes[0].lateral_m, -30.0, epsilon = GUARD_INSET_M + 1e-9);
    assert_abs_diff_eq!(f.holes[20].lateral_m, 30.0, epsilon = GUARD_INSET_M + 1e-9);
    for w in f.holes.windows(2) {
        let gap = crate::geometry::dist3(w[0].end, w[1].end);
        assert!(gap <= 3.0 + 1e-9 && gap > 2.9, "{gap}");
    }
    // A guard not a multiple of the spacing: L = 32 → ceil(64 / 3) = 22 gaps, 23 holes.
    let p = plan_of(&s, &[("lateral_guard_m", 32.0)], &[]);
    assert_eq!(p.fans[0].holes.len(), 23);
}

#[test]
fn thick_seam_rows_for_m_4() {
    let p = plan_of(&east_heading_beside_goaf(), &[("seam_thickness_m", 4.0)], &[]);
    let f = &p.fans[0];
    // M = 4 ≥ 3.5: rows from −2 to +2 at most 1.5 apart → ceil(4 / 1.5) = 3 gaps, 4 rows.
    assert_eq!(f.rows, 4);
    assert_eq!(f.holes.len(), 20);
    let zs: Vec<f64> = f.holes.iter().step_by(5).map(|h| h.end[2]).collect();
    for (z, want) in zs.iter().zip([-2.0, -2.0 / 3.0, 2.0 / 3.0, 2.0]) {
        assert_abs_diff_eq!(*z, want, epsilon = 1e-3);
    }
    // Rows lowest first, laterals −L first within a row; collars at the face's z.
    assert!(f.holes[0].end[2] < f.holes[5].end[2] && f.holes[0].lateral_m < f.holes[1].lateral_m);
    assert!(f.holes.iter().all(|h| h.collar[2] == 0.0));
    assert!(f.holes[0].inclination_deg < 0.0 && f.holes[19].inclination_deg > 0.0);
    // A thin seam (the default M = 3): one row at the face's z.
    assert_eq!(plan_of(&east_heading_beside_goaf(), &[], &[]).fans[0].rows, 1);
}

#[test]
fn casing_by_water_pressure() {
    let pp = PlanParams::new(&params(&[])).expect("params");
    let got: Vec<f64> = [0.5, 1.5, 2.5, 3.5].iter().map(|&p| casing_m(&pp, p)).collect();
    assert_eq!(got, vec![10.0, 10.0, 15.0, 20.0]);
    let low = PlanParams::new(&params(&[("casing_min_m", 0.0)])).expect("params");
    let got: Vec<f64> = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5].iter().map(|&p| casing_m(&low, p)).collect();
    assert_eq!(got, vec![5.0, 10.0, 10.0, 15.0, 15.0, 20.0, 20.0]);
    // In a fan: the largest pressure of the sources.
    let mut s = east_heading_beside_goaf();
    s.layers.water_bodies.push(water_body("B1", square(20.0, -110.0, 120.0, -10.0), Some(2.5)));
    let f = &plan_of(&s, &[], &[]).fans[0];
    assert_eq!(f.sources, vec!["G1".to_string(), "B1".to_string()]);
    assert_eq!(f.pressure_mpa, 2.5);
    assert!(f.holes.iter().all(|h| h.casing_m == 15.0));
}

#[test]
fn bulkhead_above_one_mpa() {
    let mut s = east_heading_beside_goaf();
    s.layers.water_bodies.push(water_body("B1", square(20.0, -110.0, 120.0, -10.0), Some(1.2)));
    let p = plan_of(&s, &[], &[]);
    assert!(p.fans[0].requires_bulkhead);
    assert_eq!(p.fans[0].holes.len(), 5, "the fan is still designed");
    assert_eq!(p.warnings.iter().map(|w| w.rule).collect::<Vec<_>>(), vec!["plan.bulkhead_required"]);
    s.layers.water_bodies[0].pressure_mpa = Some(1.0);
    let p = plan_of(&s, &[], &[]);
    assert!(!p.fans[0].requires_bulkhead && p.warnings.is_empty());
}

#[test]
fn allowed_advance_never_into_water() {
    // A water body straight ahead, 40 m from the face: the axis enters it at 40 m, so the
    // allowed advance is 40 − 30 = 10 (not 50), drain first.
    let mut s = Survey::default();
    s.layers.workings.push(heading_towards("H1", [0.0, 0.0, 0.0], 90.0));
    s.layers.water_bodies.push(water_body("B1", square(40.0, -50.0, 140.0, 50.0), None));
    let f = &plan_of(&s, &[], &[]).fans[0];
    assert_abs_diff_eq!(f.water_entry_m.expect("entry"), 40.0, epsilon = 1e-9);
    assert_abs_diff_eq!(f.allowed_advance_m, 10.0, epsilon = 1e-9);
    assert!(f.drain_first);
    assert!(close3(f.stop_at, [10.0, 0.0, 0.0]), "{:?}", f.stop_at);
    // 20 m ahead: 20 − 30 < 0, floored at 0; the stop point is the face.
    s.layers.water_bodies[0].outline = square(20.0, -50.0, 140.0, 50.0);
    let f = &plan_of(&s, &[], &[]).fans[0];
    assert_eq!((f.allowed_advance_m, f.drain_first), (0.0, true));
    assert!(close3(f.stop_at, [0.0, 0.0, 0.0]));
    // An anomaly ahead is not water-bearing: no cap.
    let mut s = Survey::default();
    s.layers.workings.push(heading_towards("H1", [0.0, 0.0, 0.0], 90.0));
    s.layers.anomalies.push(crate::model::Anomaly {
        id: "A1".into(),
        method: None,
        interpretation: Some(crate::model::Interpretation::Water),
        outline: square(40.0, -50.0, 140.0, 50.0),
        z: ZRange::default(),
        verified: Some(false),
    });
    let f = &plan_of(&s, &[], &[]).fans[0];
    assert_eq!((f.case, f.drain_first), (Case::Unclear, false));
    assert_abs_diff_eq!(f.allowed_advance_m, 50.0, epsilon = 1e-9);
}

#[test]
fn drainage_holes_days_and_the_pump_check() {
    let mut s = east_heading_beside_goaf();
    s.layers.goaf[0].water_m3 = Some(100_000.0);
    let p = plan_of(&s, &[], &[]);
    let d = &p.drainage[0];
    // ceil(100 000 / (30 · 24 · 30)) = ceil(4.63) = 5 holes; 100 000 / (5 · 30 · 24) = 27.778 days.
    assert_eq!((d.goaf.as_str(), d.heading.as_str(), d.holes.len()), ("G1", "H1", 5));
    assert_abs_diff_eq!(d.days.expect("days"), 27.778, epsilon = 1e-3);
    for (i, h) in d.holes.iter().enumerate() {
        assert_eq!(h.purpose, DrillPurpose::Drainage);
        assert_eq!(h.end[2], -20.0, "to the goaf's z_floor");
        assert!(h.collar[0].hypot(h.collar[1]) <= 1.5);
        // On the outline (x = 20 or y = 10 edges near the face).
        let on = |v: f64, e: f64| (v - e).abs() < 1e-6;
        assert!(on(h.end[0], 20.0) || on(h.end[1], 10.0), "{:?}", h.end);
        for o in &d.holes[..i] {
            assert!((o.end[0] - h.end[0]).hypot(o.end[1] - h.end[1]) >= 5.0 - 1e-9);
        }
    }
    // The first target is the outline's nearest point to the face: the corner (20, 10).
    assert_abs_diff_eq!(d.holes[0].end[0], 20.0, epsilon = 1e-6);
    assert_abs_diff_eq!(d.holes[0].end[1], 10.0, epsilon = 1e-6);
    // No pump capacity: a note, no warning.
    assert!(p.warnings.is_empty());
    assert!(p.notes.iter().any(|n| n.en.contains("pump_capacity_m3h")));
    // 20 h rule: 200 · 20/24 = 166.7 < 100 + 5 · 30 = 250 → warning; 400 → 333 ≥ 250 → none.
    s.meta.classification.normal_inflow_m3h = Some(100.0);
    s.meta.drainage.pump_capacity_m3h = Some(200.0);
    let p = plan_of(&s, &[], &[]);
    assert_eq!(p.warnings.iter().map(|w| w.rule).collect::<Vec<_>>(), vec!["water.drainage_exceeds_pumps"]);
    s.meta.drainage.pump_capacity_m3h = Some(400.0);
    assert!(plan_of(&s, &[], &[]).warnings.is_empty());
    // A goaf too small for the holes required: the days and the pumps still count n
    // (PLANNING.md), not the holes that fit on its outline.
    let mut small = east_heading_beside_goaf();
    small.layers.goaf[0].outline = square(20.0, 10.0, 26.0, 16.0);
    small.layers.goaf[0].water_m3 = Some(216_000.0);
    small.meta.classification.normal_inflow_m3h = Some(0.0);
    small.meta.drainage.pump_capacity_m3h = Some(300.0 * 24.0 / 20.0 - 1.0);
    let p = plan_of(&small, &[], &[]);
    let d = &p.drainage[0];
    // 216 000 / 21 600 = 10 holes; a 6 m square holds 4 ends 5 m apart.
    assert_eq!(d.required, 10);
    assert!(d.holes.len() < 10 && !d.holes.is_empty());
    assert_abs_diff_eq!(d.days.expect("days"), 216_000.0 / (10.0 * 30.0 * 24.0), epsilon = 1e-3);
    assert!(p.notes.iter().any(|n| n.en.contains("drainage targets 5 m apart")));
    // 10 × 30 = 300 m³/h needed; the pumps give just under 300 in 20 h.
    assert_eq!(p.warnings.iter().map(|w| w.rule).collect::<Vec<_>>(), vec!["water.drainage_exceeds_pumps"]);
    // Unknown volume: drain_min_holes holes, days unknown.
    s.layers.goaf[0].water_m3 = None;
    let p = plan_of(&s, &[], &[]);
    assert_eq!((p.drainage[0].holes.len(), p.drainage[0].days), (2, None));
}

#[test]
fn sources_are_told_apart_by_layer_not_by_id() {
    // The fan's source is anomaly "S1"; a water goaf also called "S1" lies far away. Ids are
    // unique only within a layer: no drainage may be designed for that goaf.
    let mut s = Survey::default();
    s.layers.workings.push(heading_towards("H1", [0.0, 0.0, 0.0], 90.0));
    s.layers.anomalies.push(crate::model::Anomaly {
        id: "S1".into(),
        method: None,
        interpretation: Some(crate::model::Interpretation::Water),
        outline: square(20.0, 10.0, 60.0, 50.0),
        z: ZRange::default(),
        verified: Some(false),
    });
    s.layers.goaf.push(water_goaf("S1", square(5000.0, 5000.0, 5100.0, 5100.0), true, Some(1000.0)));
    let p = plan_of(&s, &[], &[]);
    assert_eq!(p.fans.len(), 1);
    assert_eq!(p.fans[0].sources, vec!["S1".to_string()]);
    assert!(p.drainage.is_empty(), "{:?}", p.drainage);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn parameters_giving_absurd_fans_are_refused() {
    let a = assess(&east_heading_beside_goaf(), &[("lateral_guard_m", 3000.0)]);
    let e = plan(&a, &[]).expect_err("10 000 holes per fan");
    assert!(e.to_string().contains("lateral_guard_m"), "{e}");
}

#[test]
fn which_headings_get_a_fan() {
    let mut s = east_heading_beside_goaf();
    // Covered with an allowed advance of 5 (< 10): planned again; of 20: not.
    let hole = |end: [f64; 3]| Drillhole {
        id: "D1".into(),
        heading_id: Some("H1".into()),
        purpose: Some(DrillPurpose::WaterExploration),
        drilled_at: None,
        water_found: None,
        inflow_m3h: None,
        line: vec![[0.0, 0.0, 0.0], end],
    };
    s.layers.drillholes.push(hole([35.0, 0.0, 0.0]));
    let p = plan_of(&s, &[], &[]);
    assert_eq!(p.fans.len(), 1);
    assert_eq!(p.fans[0].reasons, vec![Reason::LowAllowedAdvance]);
    s.layers.drillholes[0] = hole([50.0, 0.0, 0.0]);
    assert!(plan_of(&s, &[], &[]).fans.is_empty());
    // … unless named.
    let p = plan_of(&s, &[], &["H1"]);
    assert_eq!(p.fans[0].reasons, vec![Reason::Named]);
    // Unknown ids are errors; a working that is not an active heading gets a note.
    let a = assess(&s, &[]);
    assert!(plan(&a, &["NOPE".to_string()]).is_err());
    s.layers.workings.push(working(
        "R1",
        WorkingKind::Roadway,
        WorkingStatus::Existing,
        &[[0.0, -500.0, 0.0], [10.0, -500.0, 0.0]],
    ));
    let p = plan_of(&s, &[], &["R1"]);
    assert!(p.fans.is_empty());
    assert!(p.notes.iter().any(|n| n.en.contains("R1 is not an active heading")));
    // No water sources at all: an empty plan with a note.
    s.layers.goaf.clear();
    let p = plan_of(&s, &[], &["H1"]);
    assert!(p.fans.is_empty() && p.notes.iter().any(|n| n.en.contains("no water source")));
}

/// The design written as drilled: the planned holes as `drillholes` of their heading.
fn drilled(p: &Plan) -> Vec<Drillhole> {
    p.planned_drillholes()
        .into_iter()
        .map(|h| Drillhole {
            id: format!("D-{}", h.id),
            heading_id: h.heading_id.clone(),
            purpose: Some(DrillPurpose::WaterExploration),
            drilled_at: None,
            water_found: None,
            inflow_m3h: None,
            line: h.line.clone(),
        })
        .collect()
}

fn water_findings(a: &Assessment) -> Vec<&Finding> {
    a.findings().filter(|f| f.rule.starts_with("water.")).collect()
}

#[test]
fn drilled_as_designed_clears_and_a_missing_hole_is_found() {
    let mut s = east_heading_beside_goaf();
    s.layers.goaf[0].water_m3 = Some(50_000.0);
    let before = assess(&s, &[]);
    assert!(water_findings(&before).iter().any(|f| f.rule == "water.exploration_required"));
    let p = plan(&before, &[]).expect("plan");
    s.layers.planned_drillholes = p.planned_drillholes();
    s.layers.stop_points = p.stop_points();
    // Designed but nothing drilled: one finding for the fan, every hole missing.
    let a = assess(&s, &[]);
    let inc: Vec<_> = a.findings().filter(|f| f.rule == "water.drilling_incomplete").collect();
    assert_eq!(inc.len(), 1);
    assert_eq!((inc[0].working.as_deref(), inc[0].feature.as_deref()), (Some("H1"), Some("H1-F1")));
    assert_eq!(inc[0].measured, Some(s.layers.planned_drillholes.len() as f64));
    // Drilled exactly: no water finding left; the allowed advance is the drilled one.
    s.layers.drillholes = drilled(&p);
    let a = assess(&s, &[]);
    assert!(water_findings(&a).is_empty(), "{:?}", water_findings(&a));
    assert_abs_diff_eq!(a.cover("H1").and_then(|c| c.allowed_advance_m).expect("covered"), 50.0, epsilon = 1e-9);
    // One hole left out → incomplete, measured 1.
    let mut short = s.clone();
    short.layers.drillholes.remove(2);
    let a = assess(&short, &[]);
    let inc: Vec<_> = a.findings().filter(|f| f.rule == "water.drilling_incomplete").collect();
    assert_eq!((inc.len(), inc[0].measured, inc[0].limit), (1, Some(1.0), Some(0.0)));
    assert!(a.findings().all(|f| f.rule != "water.exploration_required"));
    // An end 1.5 m off still matches (tolerance 2 m); 2.5 m off does not.
    for (off, ok) in [(1.5, true), (2.5, false)] {
        let mut moved = s.clone();
        moved.layers.drillholes[0].line[1][2] += off;
        let a = assess(&moved, &[]);
        assert_eq!(a.findings().all(|f| f.rule != "water.drilling_incomplete"), ok, "offset {off}");
    }
    // Drainage holes drilled as drainage holes count too (an extension of the contract).
    let mut as_drain = s.clone();
    for d in &mut as_drain.layers.drillholes {
        if d.id.contains("-D") {
            d.purpose = Some(DrillPurpose::Drainage);
        }
    }
    assert!(water_findings(&assess(&as_drain, &[])).is_empty());
    // Incrementally: drilling the missing hole clears the finding.
    let mut a = assess(&short, &[]);
    let delta = a.apply(crate::rules::Change::Drillhole(s.layers.drillholes[2].clone())).expect("apply");
    assert_eq!(delta.cleared.iter().map(|f| f.rule).collect::<Vec<_>>(), vec!["water.drilling_incomplete"]);
}

#[test]
fn ray_entry_into_polygons_with_holes() {
    let outer =
        geo_types::LineString::from(vec![(10.0, -10.0), (50.0, -10.0), (50.0, 10.0), (10.0, 10.0), (10.0, -10.0)]);
    let hole = geo_types::LineString::from(vec![(20.0, -5.0), (30.0, -5.0), (30.0, 5.0), (20.0, 5.0), (20.0, -5.0)]);
    let p = crate::geometry::PreparedPolygon::new(&geo_types::Polygon::new(outer, vec![hole]));
    assert_abs_diff_eq!(p.ray_entry([0.0, 0.0], [1.0, 0.0]).expect("hit"), 10.0, epsilon = 1e-9);
    // From inside the hole: the hole's ring is the polygon's boundary.
    assert_abs_diff_eq!(p.ray_entry([25.0, 0.0], [1.0, 0.0]).expect("hit"), 5.0, epsilon = 1e-9);
    assert_eq!(p.ray_entry([15.0, 0.0], [1.0, 0.0]), Some(0.0));
    assert_eq!(p.ray_entry([0.0, 0.0], [-1.0, 0.0]), None);
}

#[test]
fn property_random_headings_and_sources() {
    let mut rng = Rng(0x5eed_1234_abcd);
    for case in 0..150 {
        let az = rng.f() * 360.0;
        // Half the faces in zone-prefixed coordinates (CGCS2000 GK zone 38: easting 3.8e7),
        // where floating-point noise is largest.
        let x0 = if case % 2 == 0 { 480_000.0 } else { 38_480_000.0 };
        let face = [x0 + rng.f() * 1000.0, 4_050_000.0 + rng.f() * 1000.0, 800.0 + rng.f() * 200.0];
        let guard = 10.0 + rng.f() * 30.0;
        let reach = 40.0 + rng.f() * 80.0;
        let thick = rng.f() * 6.0;
        let overrides = [
            ("lateral_guard_m", guard.max(30.0)),
            ("plan_reach_m", reach.max(80.0)),
            ("seam_thickness_m", thick.max(3.0)),
        ];
        let (s_dir, c_dir) = az.to_radians().sin_cos();
        let (d, n) = ([s_dir, c_dir], [-c_dir, s_dir]);
        // A square source 40 m wide, its centre somewhere within 30–70 m of the face.
        let off = 30.0 + rng.f() * 40.0;
        let side = rng.f() * 80.0 - 40.0;
        let c = [face[0] + off * d[0] + side * n[0], face[1] + off * d[1] + side * n[1]];
        let poly = square(c[0] - 20.0, c[1] - 20.0, c[0] + 20.0, c[1] + 20.0);
        let mut s = Survey::default();
        s.layers.workings.push(heading_towards("H", face, az));
        match rng.n(3) {
            0 => s.layers.goaf.push(water_goaf("G", poly, true, Some(rng.f() * 200_000.0))),
            1 => s.layers.goaf.push(water_goaf("G", poly, false, None)),
            _ => s.layers.water_bodies.push(water_body("B", poly, Some(rng.f() * 4.0))),
        }
        let a = assess(&s, &overrides);
        let p = plan(&a, &["H".to_string()]).expect("plan");
        let f = &p.fans[0];
        let pp = PlanParams::new(a.params()).expect("params");
        let spacing = if f.case == Case::Unclear { pp.terminal_spacing_m } else { pp.lateral_guard_m / 2.0 };
        for h in f.holes.iter().chain(p.drainage.iter().flat_map(|d| &d.holes)) {
            let back = end_of(h.collar, h.azimuth_deg, h.inclination_deg, h.length_m);
            assert!(crate::geometry::dist3(back, h.end) < 0.05, "case {case}: {back:?} vs {:?}", h.end);
            assert!((h.collar[0] - face[0]).hypot(h.collar[1] - face[1]) <= pp.collar_spread_m + 1e-9);
            assert_abs_diff_eq!(h.collar[2], face[2], epsilon = 1e-3);
            assert!((0.0..360.0).contains(&h.azimuth_deg));
        }
        let row_len = f.holes.len() / f.rows;
        for row in f.holes.chunks(row_len) {
            assert_abs_diff_eq!(row[0].lateral_m, -pp.lateral_guard_m, epsilon = 2e-3);
            assert_abs_diff_eq!(row[row_len - 1].lateral_m, pp.lateral_guard_m, epsilon = 2e-3);
            for w in row.windows(2) {
                let gap = w[1].lateral_m - w[0].lateral_m;
                assert!(gap > 0.0 && gap <= spacing + 2e-3, "case {case}: gap {gap}");
                assert_abs_diff_eq!(w[0].projection_m, pp.reach_m, epsilon = 2e-3);
            }
        }
        if f.rows > 1 {
            for w in f.holes.chunks(row_len).collect::<Vec<_>>().windows(2) {
                let dz = w[1][0].end[2] - w[0][0].end[2];
                assert!(dz > 0.0 && dz <= pp.terminal_spacing_vertical_m + 2e-3);
            }
        }
        // Every exploration hole, drilled alone, counts as cover under the literal RULES.md rule
        // (the cover rule's own arithmetic, on the heading's own face).
        let (_, g) = a.working("H").expect("heading");
        let face_of = g.face.expect("active face");
        for d in drilled(&p).iter().filter(|d| !d.id.contains("-D")) {
            assert!(
                crate::rules::water::coverage(a.params(), &face_of, [d]).is_some(),
                "case {case}: {} does not cover on its own: {:?}",
                d.id,
                crate::rules::water::end_offsets(&face_of, d.line[1])
            );
        }
        assert!(f.allowed_advance_m >= 0.0 && f.allowed_advance_m <= pp.reach_m - pp.advance_distance_m + 2e-3);
        // Drilled as designed: the heading is covered and nothing is missing.
        let mut drilled_s = s.clone();
        drilled_s.layers.planned_drillholes = p.planned_drillholes();
        drilled_s.layers.drillholes = drilled(&p);
        let a = assess(&drilled_s, &overrides);
        assert!(
            a.findings().all(|f| f.rule != "water.exploration_required" && f.rule != "water.drilling_incomplete"),
            "case {case}: {:?}",
            water_findings(&a)
        );
    }
}

#[test]
fn an_advance_into_a_collapse_column_is_a_warning() {
    // PLANNING.md caps the advance only for water goafs and water bodies; a water-conducting
    // collapse column straight ahead keeps the contract's allowed advance, with a warning.
    let mut s = Survey::default();
    s.layers.workings.push(heading_towards("H1", [0.0, 0.0, 0.0], 90.0));
    s.layers.collapse_columns.push(crate::model::CollapseColumn {
        id: "X1".into(),
        name: None,
        outline: square(25.0, -15.0, 55.0, 15.0),
        z: ZRange::default(),
        water_conducting: Some(true),
    });
    let p = plan_of(&s, &[], &[]);
    let f = &p.fans[0];
    assert!(!f.drain_first);
    assert_abs_diff_eq!(f.allowed_advance_m, 50.0, epsilon = 1e-9);
    assert_eq!(
        p.warnings.iter().map(|w| (w.rule, w.feature.as_deref())).collect::<Vec<_>>(),
        vec![("plan.advance_into_source", Some("X1"))]
    );
    // Beside the axis (the stop path misses it): no warning.
    s.layers.collapse_columns[0].outline = square(25.0, 20.0, 55.0, 40.0);
    assert!(plan_of(&s, &[], &[]).warnings.is_empty());
}
