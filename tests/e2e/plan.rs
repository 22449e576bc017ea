//! `minehaz plan` end to end (PLANNING.md): the design of both sample surveys, written into a
//! store, "drilled as designed" by importing the planned holes as drillholes, then `check`;
//! `--out` GeoPackage and DXF; bad inputs.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const AS_OF: &str = "2026-11-29";

fn json_of(o: &std::process::Output) -> Value {
    assert_eq!(code(o), 0, "{}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("json")
}

fn plan_json(survey: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["plan", p(survey), "--as-of", AS_OF, "--format", "json"];
    args.extend_from_slice(extra);
    json_of(&minehaz(&args))
}

fn check_json(survey: &Path) -> Value {
    let o = minehaz(&["check", p(survey), "--as-of", AS_OF, "--format", "json"]);
    assert!(code(&o) <= 1, "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("json")
}

fn findings<'a>(r: &'a Value, rule: &str) -> Vec<&'a Value> {
    r["findings"].as_array().expect("findings").iter().filter(|f| f["rule"] == rule).collect()
}

fn f3(v: &Value) -> [f64; 3] {
    let a = v.as_array().expect("xyz");
    [a[0].as_f64().expect("x"), a[1].as_f64().expect("y"), a[2].as_f64().expect("z")]
}

fn store_of(dir: &Path) -> PathBuf {
    let store = dir.join("mine.gpkg");
    let o = minehaz(&["import", p(&sample("coal-mine")), "--out", p(&store)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    store
}

#[test]
fn coal_mine_plan_json_follows_the_contract() {
    let v = plan_json(&sample("coal-mine"), &[]);
    assert_eq!(v["format"], "minehaz-plan/1");
    assert_eq!(v["mine"]["id"], "SX-0001");
    assert_eq!(v["as_of"], AS_OF);
    let fans = v["fans"].as_array().expect("fans");
    // Every heading with water.exploration_required in `check` gets a fan.
    let report = check_json(&sample("coal-mine"));
    let required: Vec<&str> =
        findings(&report, "water.exploration_required").iter().filter_map(|f| f["working"].as_str()).collect();
    assert!(!required.is_empty());
    for h in &required {
        assert!(fans.iter().any(|f| f["heading"] == *h), "no fan for {h}");
    }
    let headings: Vec<&str> = fans.iter().filter_map(|f| f["heading"].as_str()).collect();
    let mut sorted = headings.clone();
    sorted.sort();
    assert_eq!(headings, sorted, "fans sorted by heading id");
    for f in fans {
        let holes = f["holes"].as_array().expect("holes");
        assert!(holes.len() >= 5);
        assert_eq!(f["id"], format!("{}-F1", f["heading"].as_str().expect("heading")));
        for h in holes {
            let (c, e) = (f3(&h["collar"]), f3(&h["end"]));
            let (az, inc, len) = (
                h["azimuth_deg"].as_f64().expect("az").to_radians(),
                h["inclination_deg"].as_f64().expect("inc").to_radians(),
                h["length_m"].as_f64().expect("len"),
            );
            let back = [c[0] + len * inc.cos() * az.sin(), c[1] + len * inc.cos() * az.cos(), c[2] + len * inc.sin()];
            let err = ((back[0] - e[0]).powi(2) + (back[1] - e[1]).powi(2) + (back[2] - e[2]).powi(2)).sqrt();
            assert!(err < 0.05, "{} reproduces its end within {err}", h["id"]);
            assert!(h["casing_m"].as_f64().expect("casing") >= 10.0);
        }
        let allowed = f["allowed_advance_m"].as_f64().expect("allowed");
        assert!((0.0..=50.0 + 1e-6).contains(&allowed));
        assert!(f["stop_at"].is_array() && f["requires_bulkhead"].is_boolean() && f["drain_first"].is_boolean());
        assert!(["clear", "unclear"].contains(&f["case"].as_str().expect("case")));
    }
    assert!(v["drainage"].is_array() && v["warnings"].is_array());
    insta::assert_snapshot!("coal_mine_plan_json", serde_json::to_string_pretty(&v).expect("json"));
}

#[test]
fn plan_into_store_drill_as_designed_then_check() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = store_of(dir.path());
    let before = check_json(&store);
    let required: Vec<String> = findings(&before, "water.exploration_required")
        .iter()
        .filter_map(|f| f["working"].as_str().map(String::from))
        .collect();
    assert!(!required.is_empty());
    let o = minehaz(&[
        "plan",
        p(&store),
        "--as-of",
        AS_OF,
        "--into",
        p(&store),
        "--author",
        "李工",
        "--out",
        p(&dir.path().join("plan.gpkg")),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("Permit to advance"), "{}", stdout(&o));
    // The design is in the store, audited, and the chain verifies.
    let log = minehaz(&["audit", "log", p(&store)]);
    assert!(stdout(&log).contains("plan") && stdout(&log).contains("李工"), "{}", stdout(&log));
    assert_eq!(code(&minehaz(&["audit", "verify", p(&store)])), 0);
    // Designed but not drilled: one water.drilling_incomplete per fan.
    let designed = check_json(&store);
    let inc = findings(&designed, "water.drilling_incomplete");
    assert_eq!(inc.len(), required.len(), "{inc:?}");
    // Drill all but one hole of the first heading as designed.
    let left_out = format!("{}-F1-03", required[0]);
    drill(&dir.path().join("plan.gpkg"), &store, &format!("id <> '{left_out}'"));
    let after = check_json(&store);
    for h in &required {
        assert!(
            findings(&after, "water.exploration_required").iter().all(|f| f["working"] != h.as_str()),
            "{h} still needs exploration"
        );
    }
    let inc = findings(&after, "water.drilling_incomplete");
    assert_eq!(inc.len(), 1, "{inc:?}");
    assert_eq!(inc[0]["working"], required[0].as_str());
    assert_eq!(inc[0]["feature"], format!("{}-F1", required[0]));
    assert_eq!(inc[0]["measured"].as_f64(), Some(1.0));
    assert_eq!(inc[0]["severity"], "major");
    // Drilling the missing hole clears it.
    drill(&dir.path().join("plan.gpkg"), &store, &format!("id = '{left_out}'"));
    assert!(findings(&check_json(&store), "water.drilling_incomplete").is_empty());
    // Planning again replaces the heading's design instead of adding a second one.
    let n_before = plan_rows(&store);
    let o = minehaz(&["plan", p(&store), "--as-of", AS_OF, "--heading", &required[0], "--into", p(&store)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(plan_rows(&store), n_before);
    // Another mine's store is refused, unchanged; so is --out onto the --into store.
    let pit = dir.path().join("pit.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&sample("open-pit")), "--out", p(&pit)])), 0);
    let before = std::fs::read(&pit).expect("read");
    let o = minehaz(&["plan", p(&sample("coal-mine")), "--as-of", AS_OF, "--into", p(&pit)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("another mine"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&pit).expect("read"), before);
    let o = minehaz(&["plan", p(&sample("coal-mine")), "--into", p(&store), "--out", p(&store), "--force"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("--out and --into are the same file"), "{}", stderr(&o));
    assert_eq!(code(&minehaz(&["audit", "verify", p(&store)])), 0, "the store survived");
    // A GeoPackage that is not a minehaz store (the --out file) is refused, unchanged.
    let other = dir.path().join("plan.gpkg");
    let before = std::fs::read(&other).expect("read");
    let o = minehaz(&["plan", p(&store), "--as-of", AS_OF, "--into", p(&other)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("not a minehaz project store"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&other).expect("read"), before);
}

/// "Drill as designed": import the planned holes of `plan` matching `filter` as drillholes.
fn drill(plan: &Path, store: &Path, filter: &str) {
    let o = minehaz(&[
        "import-layer",
        p(plan),
        "--kind",
        "drillholes",
        "--source-layer",
        "planned_drillholes",
        "--into",
        p(store),
        "--set",
        "purpose=water_exploration",
        "--set",
        "drilled_at=2026-11-30",
        "--where",
        filter,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// Rows of planned_drillholes in a GeoPackage (through GDAL).
fn plan_rows(gpkg: &Path) -> u64 {
    use gdal::vector::LayerAccess;
    let ds = gdal::Dataset::open(gpkg).expect("open");
    let l = ds.layer_by_name("planned_drillholes").expect("layer");
    l.feature_count()
}

#[test]
fn out_gpkg_and_dxf_hold_the_design() {
    let dir = tempfile::tempdir().expect("tmp");
    let gpkg = dir.path().join("plan.gpkg");
    let v = plan_json(&sample("coal-mine"), &["--out", p(&gpkg)]);
    let holes: usize = v["fans"]
        .as_array()
        .expect("fans")
        .iter()
        .map(|f| f["holes"].as_array().expect("h").len())
        .sum::<usize>()
        + v["drainage"].as_array().expect("d").iter().map(|d| d["holes"].as_array().expect("h").len()).sum::<usize>();
    assert_eq!(plan_rows(&gpkg) as usize, holes);
    let info = std::process::Command::new("ogrinfo").args(["-so", "-al", p(&gpkg)]).output().expect("ogrinfo");
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(text.contains("planned_drillholes") && text.contains("3D Line String"), "{text}");
    assert!(text.contains("stop_points") && text.contains("3D Point"), "{text}");
    for field in ["azimuth_deg", "inclination_deg", "length_m", "casing_m", "allowed_advance_m", "drain_first"] {
        assert!(text.contains(field), "{field} missing: {text}");
    }
    // The same survey refuses to overwrite without --force; DXF has a layer per fan.
    let o = minehaz(&["plan", p(&sample("coal-mine")), "--out", p(&gpkg)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    let dxf = dir.path().join("plan.dxf");
    let o = minehaz(&["plan", p(&sample("coal-mine")), "--as-of", AS_OF, "--out", p(&dxf)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let bytes = std::fs::read(&dxf).expect("dxf");
    let (text, _, _) = encoding_rs::GBK.decode(&bytes);
    for f in v["fans"].as_array().expect("fans") {
        assert!(text.contains(&format!("设计钻孔 {}", f["id"].as_str().expect("id"))), "no layer for {}", f["id"]);
    }
    assert!(text.contains("停掘点"));
}

#[test]
fn bad_and_empty_inputs() {
    // Unknown heading: exit 2 naming it.
    let o = minehaz(&["plan", p(&sample("coal-mine")), "--heading", "NO-SUCH"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("NO-SUCH") && stderr(&o).contains("--heading"), "{}", stderr(&o));
    // A working that is not an active heading: no fan, a note, exit 0.
    let s = minehaz_core::io::open(&sample("coal-mine")).expect("open");
    let not_active = s
        .layers
        .workings
        .iter()
        .find(|w| w.status != minehaz_core::model::WorkingStatus::Active)
        .expect("an inactive working")
        .id
        .clone();
    let v = plan_json(&sample("coal-mine"), &["--heading", &not_active]);
    assert!(v["fans"].as_array().expect("fans").iter().all(|f| f["heading"] != not_active.as_str()));
    assert!(v["notes"].as_array().expect("notes").iter().any(|n| n.as_str().is_some_and(|n| n.contains(&not_active))));
    // No water sources (the open pit): an empty plan with a note.
    let v = plan_json(&sample("open-pit"), &[]);
    assert!(v["fans"].as_array().expect("fans").is_empty());
    assert!(v["notes"][0].as_str().expect("note").contains("no water source"));
    // A bad date and a zero terminal spacing are input errors.
    assert_eq!(code(&minehaz(&["plan", p(&sample("coal-mine")), "--as-of", "29/11/2026"])), 2);
    let dir = tempfile::tempdir().expect("tmp");
    let copy = dir.path().join("m");
    copy_dir(&sample("coal-mine"), &copy);
    let toml = std::fs::read_to_string(copy.join("survey.toml")).expect("toml");
    let toml = if toml.contains("[parameters]") {
        toml.replace("[parameters]", "[parameters]\nplan_terminal_spacing_m = 0.0")
    } else {
        format!("{toml}\n[parameters]\nplan_terminal_spacing_m = 0.0\n")
    };
    std::fs::write(copy.join("survey.toml"), toml).expect("write");
    let o = minehaz(&["plan", p(&copy)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("plan_terminal_spacing_m"), "{}", stderr(&o));
    // An output folder that does not exist is named before any work (plan, render, import).
    for args in [
        vec!["plan", p(&sample("coal-mine")), "--out", "/nonexistent-dir/p.gpkg"],
        vec!["render", p(&sample("coal-mine")), "--out", "/nonexistent-dir/v.png"],
        vec!["import", p(&sample("coal-mine")), "--out", "/nonexistent-dir/m.gpkg"],
    ] {
        let o = minehaz(&args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).contains("the output folder does not exist: /nonexistent-dir"), "{}", stderr(&o));
    }
    // --into a file that is not a store: exit 2, nothing written.
    let o = minehaz(&["plan", p(&sample("coal-mine")), "--into", p(&dir.path().join("x.txt"))]);
    assert_eq!(code(&o), 2);
    assert!(!dir.path().join("x.txt").exists());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read") {
        let e = e.expect("entry");
        let t = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).expect("copy");
        }
    }
}

#[test]
fn chinese_design_table_by_default() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_minehaz"))
        .args(["plan", p(&sample("coal-mine")), "--as-of", AS_OF])
        .output()
        .expect("run");
    assert_eq!(code(&o), 0);
    let t = stdout(&o);
    for s in ["探放水设计", "孔号", "方位角", "倾角", "孔深", "套管", "允许掘进通知单", "停掘点"]
    {
        assert!(t.contains(s), "{s} missing: {t}");
    }
}
