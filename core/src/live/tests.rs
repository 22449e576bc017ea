use super::*;
use crate::model::meta::MineKind;
use crate::model::Survey;
use crate::rules::pillars::testkit::working;
use crate::rules::{Finding, Params};
use crate::test_rng::Rng;
use chrono::NaiveDate;
use serde_json::Value as J;

/// An underground coal mine with one active heading W1 along y = 0 from x 0 to 100 (face at
/// (100, 0, 0)) and an existing roadway R1 far away.
fn mine() -> Survey {
    let mut s = Survey::default();
    s.meta.mine.kind = MineKind::UndergroundCoal;
    s.layers.workings = vec![
        working("W1", WorkingKind::Heading, WorkingStatus::Active, &[[0.0, 0.0, 0.0], [100.0, 0.0, 0.0]]),
        working("R1", WorkingKind::Roadway, WorkingStatus::Existing, &[[5000.0, 0.0, 0.0], [5100.0, 0.0, 0.0]]),
    ];
    s
}

fn live(s: Survey) -> Live {
    let a =
        Assessment::with_params(s, Params::default(), Vec::new(), NaiveDate::from_ymd_opt(2026, 5, 1).expect("date"));
    Live::new(a, 0, false)
}

fn t(hm: &str) -> String {
    format!("2026-05-20T{hm}:00+08:00")
}

fn fix(l: &mut Live, hm: &str, p: &str, x: f64, y: f64, z: Option<f64>) {
    let z = z.map_or(J::Null, J::from);
    let e = json!({"type": "fix", "time": t(hm), "person_id": p, "x": x, "y": y, "z": z}).to_string();
    ok(l, &e);
}

fn ok(l: &mut Live, line: &str) -> Applied {
    match l.apply_line(line).outcome {
        Ok(a) => a,
        Err(e) => panic!("{line}: {e}"),
    }
}

fn reading(l: &mut Live, hm: &str, sensor: &str, kind: &str, value: f64, working: Option<&str>) -> Applied {
    let e =
        json!({"type": "reading", "time": t(hm), "sensor": sensor, "kind": kind, "value": value, "working": working});
    ok(l, &e.to_string())
}

fn rules(fs: &[Finding]) -> Vec<(&'static str, Option<String>)> {
    fs.iter().map(|f| (f.rule, f.feature.clone())).collect()
}

#[test]
fn a_methane_spike_withdraws_the_present_persons_near_the_working() {
    let mut l = live(mine());
    fix(&mut l, "09:20", "P3", 120.0, 0.0, Some(0.0)); // 40 min before: no longer present
    fix(&mut l, "09:50", "P1", 150.0, 10.0, Some(0.0)); // 50 m from the heading's line
    fix(&mut l, "09:55", "P2", 100.0, 250.0, Some(0.0)); // 250 m: beyond 200 m
    fix(&mut l, "09:58", "P0", -150.0, 0.0, None); // 150 m behind the start of the line
    let a = reading(&mut l, "10:00", "CH4-1", "ch4", 1.6, Some("W1"));
    assert_eq!(a.alarms.len(), 1);
    let al = &a.alarms[0];
    assert_eq!((al.kind, al.working.as_deref()), ("gas", Some("W1")));
    assert_eq!(al.withdraw, ["P0", "P1"]);
    assert_eq!(rules(&a.delta.new), [("gas.ch4_over_limit", Some("CH4-1".to_string()))]);
    let f = &a.delta.new[0];
    assert_eq!((f.measured, f.limit, f.severity), (Some(1.6), Some(1.0), Severity::Major));
    // 1.4 % is over the stop limit but below the withdrawal limit: a finding, no alarm.
    let a = reading(&mut l, "10:05", "CH4-1", "ch4", 1.4, Some("W1"));
    assert!(a.alarms.is_empty());
    assert_eq!(a.delta.changed.len(), 0, "the worst reading of the window is still 1.6");
    // 30 minutes after the spike (10:00 < 10:31 − 30 min) only the 1.4 remains …
    let a = reading(&mut l, "10:31", "CH4-1", "ch4", 0.5, Some("W1"));
    assert_eq!(a.delta.changed.iter().map(|f| f.measured).collect::<Vec<_>>(), [Some(1.4)]);
    // … and after 10:35 none: the finding clears.
    let a = reading(&mut l, "10:36", "CH4-1", "ch4", 0.5, Some("W1"));
    assert_eq!(rules(&a.delta.cleared), [("gas.ch4_over_limit", Some("CH4-1".to_string()))]);
    // A reading at an existing (not active) working gives no finding; a reading with no working
    // and no place withdraws everyone present.
    let a = reading(&mut l, "10:40", "CH4-9", "ch4", 2.0, Some("R1"));
    assert!(a.delta.new.is_empty());
    assert_eq!(a.alarms[0].withdraw, Vec::<String>::new(), "nobody within 200 m of R1");
    fix(&mut l, "10:39", "P2", 9000.0, 9000.0, Some(0.0));
    let a = reading(&mut l, "10:41", "CH4-8", "ch4", 2.0, None);
    assert_eq!(a.alarms[0].withdraw, ["P2"], "the others' fixes are more than 30 min old");
}

#[test]
fn a_water_inrush_needs_twice_the_median_and_withdraws_below_the_face() {
    let mut l = live(mine());
    for (hm, v) in [("01:00", 20.0), ("02:00", 22.0), ("03:00", 18.0)] {
        assert!(reading(&mut l, hm, "WI-1", "water_inflow", v, Some("W1")).alarms.is_empty());
    }
    fix(&mut l, "03:50", "P4", 400.0, 0.0, Some(5.0)); // 300 m from the face, 5 m above it
    fix(&mut l, "03:51", "P5", 400.0, 0.0, Some(50.0)); // 50 m above the face: not threatened
    fix(&mut l, "03:52", "P6", 300.0, 100.0, None); // z unknown: withdrawn
    fix(&mut l, "03:53", "P7", 700.0, 0.0, Some(0.0)); // 600 m away
                                                       // Median 20: 39 m³/h is below 2 × 20.
    assert!(reading(&mut l, "04:00", "WI-1", "water_inflow", 39.0, Some("W1")).alarms.is_empty());
    // The median is now of 20, 22, 18, 39 = 21; 42 reaches 2 × 21.
    let a = reading(&mut l, "04:10", "WI-1", "water_inflow", 42.0, Some("W1"));
    assert_eq!(a.alarms.len(), 1);
    assert_eq!(a.alarms[0].kind, "water_inrush");
    assert_eq!(a.alarms[0].withdraw, ["P4", "P6"]);
    assert_eq!(a.alarms[0].at, Some([100.0, 0.0, 0.0]));
    // A sensor with no earlier readings has no baseline: no alarm.
    assert!(reading(&mut l, "04:20", "WI-2", "water_inflow", 500.0, Some("W1")).alarms.is_empty());
    // Below inrush_min_m3h (10) no alarm, however fast it grows.
    let mut l = live(mine());
    reading(&mut l, "01:00", "WI-3", "water_inflow", 1.0, Some("W1"));
    assert!(reading(&mut l, "02:00", "WI-3", "water_inflow", 9.0, Some("W1")).alarms.is_empty());
}

#[test]
fn weather_alarms_only_where_surface_water_threatens() {
    let mut l = live(mine());
    fix(&mut l, "07:00", "P1", 0.0, 0.0, Some(0.0));
    let w = |lv: &str, hm: &str| json!({"type": "weather", "time": t(hm), "level": lv, "text": "暴雨"}).to_string();
    assert!(ok(&mut l, &w("red", "07:10")).alarms.is_empty(), "no surface water, no flood threat");
    let mut s = mine();
    s.meta.classification.flood_threat = Some(true);
    let mut l = live(s);
    fix(&mut l, "07:00", "P1", 0.0, 0.0, Some(0.0));
    fix(&mut l, "07:05", "P2", 9000.0, 9000.0, Some(0.0));
    assert!(ok(&mut l, &w("yellow", "07:10")).alarms.is_empty());
    let a = ok(&mut l, &w("orange", "07:20"));
    assert_eq!((a.alarms[0].kind, a.alarms[0].withdraw.clone()), ("weather", vec!["P1".to_string(), "P2".to_string()]));
    // An hour later nobody has a recent fix.
    assert_eq!(ok(&mut l, &w("red", "08:30")).alarms[0].withdraw, Vec::<String>::new());
}

#[test]
fn a_flatlined_methane_sensor_is_a_warning() {
    let mut l = live(mine());
    // 16 readings every 30 min over 7.5 h, within 0.008 %.
    for k in 0..16 {
        let hm = format!("{:02}:{:02}", k / 2, (k % 2) * 30);
        let v = 0.30 + if k % 2 == 0 { 0.004 } else { -0.004 };
        let a = reading(&mut l, &hm, "CH4-F", "ch4", v, Some("W1"));
        if k < 15 {
            assert!(a.delta.new.is_empty(), "only {} readings", k + 1);
        } else {
            assert_eq!(rules(&a.delta.new), [("gas.sensor_flatline", Some("CH4-F".to_string()))]);
            assert_eq!(a.delta.new[0].severity, Severity::Warning);
            assert_abs(a.delta.new[0].measured.expect("range"), 0.008);
        }
    }
    // A reading that moves by 0.02 % clears it.
    let a = reading(&mut l, "08:00", "CH4-F", "ch4", 0.32, Some("W1"));
    assert_eq!(rules(&a.delta.cleared), [("gas.sensor_flatline", Some("CH4-F".to_string()))]);
}

fn assert_abs(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

#[test]
fn bad_lines_are_answered_and_change_nothing() {
    let mut l = live(mine());
    let before = l.assessment().survey().layers.workings[0].line.clone();
    for bad in [
        "not json",
        "[1, 2]",
        r#"{"type": "face", "working": "W1", "to": [1, 2, 3]}"#,
        r#"{"type": "face", "time": "yesterday", "working": "W1", "to": [1, 2, 3]}"#,
        r#"{"type": "face", "time": "2026-05-20T10:00:00+08:00", "working": "NOPE", "to": [1, 2, 3]}"#,
        r#"{"type": "face", "time": "2026-05-20T10:00:00+08:00", "working": "W1", "to": [1, 2]}"#,
        r#"{"type": "face", "time": "2026-05-20T10:00:00+08:00", "working": "W1", "to": [[1, 2, 3], [4, 5, 6]]}"#,
        r#"{"type": "reading", "time": "2026-05-20T10:00:00+08:00", "sensor": "S", "kind": "radon", "value": 1}"#,
        r#"{"type": "weather", "time": "2026-05-20T10:00:00+08:00", "level": "purple"}"#,
        r#"{"type": "quake", "time": "2026-05-20T10:00:00+08:00"}"#,
        r#"{"type": "working", "time": "2026-05-20T10:00:00+08:00", "feature": {"type": "Feature", "properties": {"id": "N1", "kind": "tunnel", "status": "active"}, "geometry": {"type": "LineString", "coordinates": [[0, 0, 0], [1, 1, 1]]}}}"#,
    ] {
        let ans = l.apply_line(bad);
        assert!(ans.outcome.is_err(), "{bad} was accepted");
        assert!(ans.to_json()["error"].is_string());
    }
    assert_eq!(l.next_event(), 11);
    assert_eq!(l.assessment().survey().layers.workings[0].line, before);
    assert_eq!(l.assessment().now(), None, "a bad line does not move the clock");
    let b = l.take_batch();
    assert!(b.workings.is_empty() && b.fixes.is_empty());
    assert_eq!((b.first_event, b.events_applied), (0, 11));
}

#[test]
fn a_working_feature_inserts_and_a_face_event_advances() {
    let mut l = live(mine());
    let f = json!({"type": "working", "time": t("10:00"), "feature": {"type": "Feature",
        "properties": {"id": "N1", "kind": "heading", "status": "active", "declared": 1},
        "geometry": {"type": "LineString", "coordinates": [[0, 500, 0], [50, 500, 0]]}}});
    ok(&mut l, &f.to_string());
    ok(&mut l, &json!({"type": "face", "time": t("10:05"), "working": "N1", "to": [60, 500, 0]}).to_string());
    let (w, _) = l.assessment().working("N1").expect("inserted");
    assert_eq!(w.line.len(), 3);
    let b = l.take_batch();
    assert_eq!(b.workings["N1"].line.len(), 3);
    assert_eq!(b.clock.map(|c| c.to_rfc3339()), Some("2026-05-20T10:05:00+08:00".to_string()));
    assert_eq!(l.assessment().as_of(), NaiveDate::from_ymd_opt(2026, 5, 20).expect("date"));
}

/// The live findings after a random stream equal a fresh assessment of the resulting survey
/// (same as-of, same clock), at checkpoints.
#[test]
fn incremental_equals_fresh_over_a_random_stream() {
    let mut r = Rng::new(7);
    let mut l = live(mine());
    let sensors = ["CH4-A", "CH4-B", "WI-A"];
    let mut minute = 0i64;
    let mut gas_seen = 0;
    for step in 0..600 {
        minute += r.n(4) as i64;
        let time = (chrono::DateTime::parse_from_rfc3339("2026-05-20T00:00:00+08:00").expect("t")
            + Duration::minutes(minute))
        .to_rfc3339();
        let e = match r.n(5) {
            0 => {
                json!({"type": "fix", "time": time, "person_id": format!("P{}", r.n(8)), "x": (-300.0 + (400.0 - -300.0) * r.f()), "y": (-300.0 + (300.0 - -300.0) * r.f()), "z": 0.0})
            }
            1 => {
                json!({"type": "face", "time": time, "working": "W1", "to": [100.0 + step as f64, (-5.0 + (5.0 - -5.0) * r.f()), 0.0]})
            }
            2 => {
                json!({"type": "status", "time": time, "working": "W1", "status": if r.n(4) == 0 { "existing" } else { "active" }})
            }
            _ => {
                let s = sensors[r.n(3)];
                let (kind, v) = if s.starts_with("CH4") {
                    ("ch4", (0.2 + (1.8 - 0.2) * r.f()))
                } else {
                    ("water_inflow", (5.0 + (60.0 - 5.0) * r.f()))
                };
                json!({"type": "reading", "time": time, "sensor": s, "kind": kind, "value": v, "working": "W1"})
            }
        };
        ok(&mut l, &e.to_string());
        if step % 100 == 99 {
            let a = l.assessment();
            let mut s = a.survey().clone();
            s.watch_clock = a.now();
            let fresh = Assessment::with_params(s, Params::default(), Vec::new(), a.as_of());
            let inc: Vec<&Finding> = a.findings().collect();
            let full: Vec<&Finding> = fresh.findings().collect();
            assert_eq!(inc, full, "at step {step}");
            gas_seen += inc.iter().filter(|f| f.rule.starts_with("gas.")).count();
        }
    }
    assert!(gas_seen > 0, "the stream exercises the gas rules");
}

/// The clock alone (fix events) moves the readings' windows: a methane finding clears once its
/// reading is older than the window, though no reading came since.
#[test]
fn fixes_alone_age_a_methane_reading_out_of_its_window() {
    let mut l = live(mine());
    let a = reading(&mut l, "10:00", "CH4-1", "ch4", 1.2, Some("W1"));
    assert_eq!(a.delta.new.len(), 1);
    fix(&mut l, "10:20", "P1", 0.0, 0.0, Some(0.0));
    fix(&mut l, "10:30", "P1", 0.0, 0.0, Some(0.0)); // exactly 30 min: still within
    assert!(l.assessment().findings().any(|f| f.rule == "gas.ch4_over_limit"));
    let e =
        json!({"type": "fix", "time": "2026-05-20T10:30:01+08:00", "person_id": "P1", "x": 0.0, "y": 0.0, "z": 0.0});
    let a = ok(&mut l, &e.to_string());
    assert_eq!(rules(&a.delta.cleared), [("gas.ch4_over_limit", Some("CH4-1".to_string()))]);
    // A weather warning (no reading either) after the spike of another sensor does the same.
    reading(&mut l, "11:00", "CH4-2", "ch4", 1.1, Some("W1"));
    let w = json!({"type": "weather", "time": "2026-05-20T11:45:00+08:00", "level": "blue", "text": ""});
    let a = ok(&mut l, &w.to_string());
    assert_eq!(rules(&a.delta.cleared), [("gas.ch4_over_limit", Some("CH4-2".to_string()))]);
}

/// An event placing something where the mine's data cannot be (a fix at (0, 0) in an
/// EPSG:4547 mine, a face 80 km from the licence) is refused with a located error and changes
/// nothing, as reading the survey refuses such a row; a fix in the mine is taken.
#[test]
fn implausible_coordinates_are_refused_as_reading_refuses_them() {
    let mut s = mine();
    s.meta.mine.crs = "EPSG:4547".into();
    let sq = |x0: f64, y0: f64, d: f64| {
        geo_types::Polygon::new(vec![(x0, y0), (x0 + d, y0), (x0 + d, y0 + d), (x0, y0 + d), (x0, y0)].into(), vec![])
    };
    s.layers.licence = vec![crate::model::Licence { id: "L".into(), boundary: sq(480_000.0, 4_050_000.0, 2000.0) }];
    s.layers.workings = vec![working(
        "W1",
        WorkingKind::Heading,
        WorkingStatus::Active,
        &[[480_500.0, 4_050_500.0, 900.0], [480_600.0, 4_050_500.0, 900.0]],
    )];
    let mut l = live(s);
    let fix = |x: f64, y: f64| {
        json!({"type": "fix", "time": t("10:00"), "person_id": "P1", "x": x, "y": y, "z": 900}).to_string()
    };
    for bad in [
        fix(0.0, 0.0),
        fix(38_480_500.0, 4_050_500.0),
        json!({"type": "face", "time": t("10:00"), "working": "W1", "to": [560_600.0, 4_050_500.0, 900.0]}).to_string(),
    ] {
        let ans = l.apply_line(&bad);
        let e = ans.outcome.expect_err(&bad);
        assert!(e.contains("area of use") || e.contains("适用范围") || e.contains("50 km"), "{bad}: {e}");
        // Located: the person or the working, and the field.
        let (who, field) = if bad.contains("\"fix\"") { ("P1", "x") } else { ("W1", "to") };
        assert!(e.starts_with(&format!("要素 {who}, 字段 {field}:")), "{bad}: {e}");
    }
    assert!(l.assessment().survey().positioning.is_empty());
    assert_eq!(l.assessment().survey().layers.workings[0].line.len(), 2);
    ok(&mut l, &fix(480_550.0, 4_050_500.0));
    assert_eq!(l.assessment().survey().positioning.len(), 1);
}
