//! `minehaz check`: the JSON of RULES.md (shape validated, findings sorted), the text report,
//! exit codes, and snapshots (insta) of both reports for each sample survey.

use crate::common::*;
use serde_json::Value;

const AS_OF: &str = "2026-11-29";

fn check_json(survey: &std::path::Path) -> (i32, Value) {
    let o = minehaz(&["check", p(survey), "--format", "json", "--as-of", AS_OF]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    (code(&o), v)
}

/// The shape of RULES.md's report, key by key, type by type.
fn assert_shape(v: &Value) {
    let obj = v.as_object().expect("object");
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    assert_eq!(keys, ["format", "mine", "as_of", "levels", "findings", "not_evaluated"]);
    // v1.1: every applicable rule that could not run, with a reason, sorted by rule, never also
    // reported as a finding.
    let not_evaluated = v["not_evaluated"].as_array().expect("not_evaluated is always present");
    for n in not_evaluated {
        let keys: Vec<&str> = n.as_object().expect("entry").keys().map(String::as_str).collect();
        assert_eq!(keys, ["rule", "reason"], "{n}");
        assert!(n["reason"].as_str().is_some_and(|r| !r.is_empty()), "{n}");
    }
    for w in not_evaluated.windows(2) {
        assert!(w[0]["rule"].as_str() < w[1]["rule"].as_str(), "not sorted: {} / {}", w[0], w[1]);
    }
    assert_eq!(v["format"], "minehaz-report/1");
    assert!(v["mine"]["id"].is_string() && v["mine"]["name"].is_string());
    assert_eq!(v["as_of"], AS_OF);
    let order = [
        ("water", &["simple", "medium", "complex", "extreme"][..]),
        ("gas", &["low", "high", "outburst"][..]),
        ("burst", &["none", "weak", "medium", "strong"][..]),
    ];
    for (name, levels) in order {
        let l = &v["levels"][name];
        assert!(levels.contains(&l["level"].as_str().expect("level")), "{name}: {l}");
        for d in l["drivers"].as_array().expect("drivers") {
            assert!(d["criterion"].is_string());
            assert!(d["value"].is_number() || d["value"].is_boolean() || d["value"].is_null());
            let dl = d["level"].as_str().expect("driver level");
            assert!(levels.contains(&dl) || dl == "unknown", "{name}: {d}");
        }
    }
    let findings = v["findings"].as_array().expect("findings");
    for f in findings {
        let keys: Vec<&str> = f.as_object().expect("finding").keys().map(String::as_str).collect();
        assert_eq!(
            keys[..10],
            ["rule", "severity", "planned", "working", "feature", "at", "measured", "limit", "message", "basis"]
        );
        // v1.1: extra keys only where a contract names them, after the ten.
        let extra: &[&str] = match f["rule"].as_str() {
            Some("slope.accelerating") => &["predicted_failure"],
            _ => &[],
        };
        assert_eq!(keys[10..], *extra, "{f}");
        assert!(["major", "warning"].contains(&f["severity"].as_str().expect("severity")));
        assert!(f["planned"].is_boolean());
        assert!(f["working"].is_string() || f["working"].is_null());
        assert!(f["feature"].is_string() || f["feature"].is_null());
        assert!(
            f["at"].is_null() || f["at"].as_array().is_some_and(|a| a.len() == 3 && a.iter().all(Value::is_number))
        );
        assert!(f["measured"].is_number() || f["measured"].is_null());
        assert!(f["limit"].is_number() || f["limit"].is_null());
        assert!(f["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(f["basis"].as_str().is_some_and(|m| !m.is_empty()));
        if f["planned"] == true {
            assert_eq!(f["severity"], "warning");
        }
        if ["licence.outside_boundary", "licence.outside_levels"].contains(&f["rule"].as_str().expect("rule")) {
            assert!(f["measured"].is_number(), "measured is required: {f}");
        }
    }
    // Sorted by rule, then working, then feature (null first).
    let key = |f: &Value| {
        let s = |k: &str| f[k].as_str().map(str::to_string);
        (s("rule"), s("working"), s("feature"))
    };
    for w in findings.windows(2) {
        assert!(key(&w[0]) < key(&w[1]), "not sorted or duplicated: {} / {}", w[0], w[1]);
    }
    for n in not_evaluated {
        assert!(!findings.iter().any(|f| f["rule"] == n["rule"]), "{} both not evaluated and found", n["rule"]);
    }
}

#[test]
fn coal_mine_report_shape_exit_code_and_snapshots() {
    let (c, v) = check_json(&sample("coal-mine"));
    assert_shape(&v);
    let majors = v["findings"].as_array().expect("f").iter().filter(|f| f["severity"] == "major").count();
    assert!(majors > 0);
    assert_eq!(c, 1, "major findings give exit 1");
    insta::assert_snapshot!("coal_mine_json", serde_json::to_string_pretty(&v).expect("json"));
    let o = minehaz(&["check", p(&sample("coal-mine")), "--as-of", AS_OF]);
    insta::assert_snapshot!("coal_mine_text_en", stdout(&o));
    let zh = std::process::Command::new(env!("CARGO_BIN_EXE_minehaz"))
        .args(["check", p(&sample("coal-mine")), "--as-of", AS_OF])
        .output()
        .expect("run");
    insta::assert_snapshot!("coal_mine_text_zh", String::from_utf8_lossy(&zh.stdout));
}

#[test]
fn open_pit_report() {
    let (c, v) = check_json(&sample("open-pit"));
    assert_shape(&v);
    assert!(c == 0 || c == 1);
    let majors = v["findings"].as_array().expect("f").iter().any(|f| f["severity"] == "major");
    assert_eq!(c, i32::from(majors));
    insta::assert_snapshot!("open_pit_json", serde_json::to_string_pretty(&v).expect("json"));
}

#[test]
fn clean_fixture_exits_0_and_the_store_gives_the_same_report() {
    let d = tempfile::tempdir().expect("tmp");
    let pkg = d.path().join("pkg");
    // Only the existing roadway, well inside the licence.
    let mut layers = valid_layers();
    layers[2].records.truncate(1);
    layers[1].records.clear();
    write_package(&pkg, SURVEY_TOML, &layers);
    let (c, v) = check_json(&pkg);
    assert_shape(&v);
    assert_eq!(c, 0, "{v}");
    let out = d.path().join("m.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&pkg), "--out", p(&out)])), 0);
    let (c2, v2) = check_json(&out);
    assert_eq!((c, &v), (c2, &v2));
}

#[test]
fn bad_as_of_and_bad_parameters_exit_2() {
    let o = minehaz(&["check", p(&sample("coal-mine")), "--as-of", "29.11.2026"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--as-of"), "{}", stderr(&o));
    let d = tempfile::tempdir().expect("tmp");
    write_package(
        d.path(),
        &format!("{SURVEY_TOML}\n[parameters]\nexploration_ofset_goaf_m = 80.0\n"),
        &valid_layers(),
    );
    let o = minehaz(&["check", p(d.path()), "--as-of", AS_OF]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("exploration_ofset_goaf_m") && stderr(&o).contains("unknown parameter"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn loosened_parameter_is_a_warning_finding() {
    let d = tempfile::tempdir().expect("tmp");
    write_package(d.path(), &format!("{SURVEY_TOML}\n[parameters]\nboundary_pillar_m = 10.0\n"), &valid_layers());
    let (_, v) = check_json(d.path());
    let f = v["findings"].as_array().expect("f").iter().find(|f| f["rule"] == "parameters.loosened").expect("loosened");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["feature"], "boundary_pillar_m");
    assert!(f["working"].is_null());
}

#[test]
fn expired_licence_with_active_workings() {
    let d = tempfile::tempdir().expect("tmp");
    write_package(d.path(), SURVEY_TOML, &valid_layers());
    let f = |as_of: &str| {
        let o = minehaz(&["check", p(d.path()), "--format", "json", "--as-of", as_of]);
        let v: Value = serde_json::from_str(&stdout(&o)).expect("json");
        v["findings"].as_array().expect("f").iter().any(|f| f["rule"] == "licence.expired")
    };
    assert!(!f("2027-12-31"), "valid through its last day");
    assert!(f("2028-01-01"));
}

/// `derive` writes the derived layers for QGIS: one exploration and one warning line per water
/// source part, the water-conducting faults' pillars, the boundary band, and one cover line per
/// active heading whose length is its allowed advance.
#[test]
fn derive_writes_lines_pillars_and_cover() {
    use minehaz_core::io::gdal_vector;
    use minehaz_core::model::record::{Geom, Value};
    let d = tempfile::tempdir().expect("tmp");
    let out = d.path().join("derived.gpkg");
    let o = minehaz(&["derive", p(&sample("coal-mine")), "--out", p(&out)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let ds = gdal_vector::open_vector(&out).expect("open");
    let names = gdal_vector::layer_names(&ds);
    assert_eq!(names, ["exploration_lines", "warning_lines", "fault_pillars", "boundary_pillar", "heading_cover"]);
    let mut ps = Default::default();
    let mut layer = |n: &str| gdal_vector::read_layer(&ds, n, &out, &mut ps).expect("layer").records;
    let (ex, wa) = (layer("exploration_lines"), layer("warning_lines"));
    assert!(!ex.is_empty());
    assert_eq!(ex.len(), wa.len());
    let s = minehaz_core::io::open(&sample("coal-mine")).expect("survey");
    let conducting = s.layers.faults.iter().filter(|f| f.water_conducting == Some(true)).count();
    assert_eq!(layer("fault_pillars").len(), conducting);
    let active_headings = s.layers.workings.iter().filter(|w| w.is_active_heading()).count();
    let cover = layer("heading_cover");
    assert_eq!(cover.len(), active_headings);
    for c in &cover {
        let Some(Geom::Line { coords, .. }) = &c.geom else { panic!("line") };
        let len = ((coords[1][0] - coords[0][0]).powi(2) + (coords[1][1] - coords[0][1]).powi(2)).sqrt();
        match c.get("allowed_advance_m") {
            Some(Value::Real(a)) => assert!((len - a).abs() < 1e-6),
            _ => assert!(len < 1e-9, "an uncovered heading may not advance"),
        }
    }
}
