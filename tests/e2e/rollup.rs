//! `minehaz rollup` on a small generated province: two counties, a planted overlap and a
//! planted intrusion, and a corrupt mine that is listed as failed without stopping the rest.
//! The GeoParquet files are read back by an independent reader (pyarrow) and two runs give the
//! same bytes.

use crate::common::*;
use minehaz_core::model::record::{FieldType, GeomType, Value};
use std::path::Path;

fn toml(id: &str, county: &str) -> String {
    format!(
        "[mine]\nid = \"{id}\"\nname = \"{id} 煤矿\"\nkind = \"underground_coal\"\ncrs = \"EPSG:4547\"\nprovince = \"山西省\"\ncounty = \"{county}\"\n\n[licence]\nz_top = 1150.0\nz_bottom = 850.0\nvalid_until = \"2027-12-31\"\nseams = [\"3\"]\ncapacity_mt_per_year = 0.9\n"
    )
}

fn mine(dir: &Path, id: &str, county: &str, x: f64, y: f64, working: Option<[[f64; 3]; 2]>) {
    use FieldType::*;
    let mut layers = vec![RawLayer {
        name: "licence",
        geom: GeomType::Polygon,
        fields: vec![],
        records: vec![rec(&format!("L-{id}"), square(x, y, 2000.0), &[])],
        crs: "EPSG:4547",
    }];
    if let Some(w) = working {
        layers.push(RawLayer {
            name: "workings",
            geom: GeomType::LineStringZ,
            fields: vec![
                ("name", Text),
                ("kind", Text),
                ("status", Text),
                ("seam", Text),
                ("declared", Int),
                ("updated", Text),
            ],
            records: vec![rec(
                "W1",
                line(&w),
                &[
                    ("kind", Value::Text("heading".into())),
                    ("status", Value::Text("active".into())),
                    ("seam", Value::Text("3".into())),
                    ("declared", Value::Int(1)),
                    ("updated", Value::Text("2026-11-01".into())),
                ],
            )],
            crs: "EPSG:4547",
        });
    }
    write_package(&dir.join(id), &toml(id, county), &layers);
}

/// The province: A and B side by side in 黎城县 (A's W1 runs 300 m into B), C and D in 平顺县
/// overlapping by 500 m × 1500 m, and a broken mine.
fn province(dir: &Path) {
    mine(
        dir,
        "SX-A",
        "黎城县",
        480_000.0,
        4_050_000.0,
        Some([[481_500.0, 4_051_000.0, 900.0], [482_300.0, 4_051_000.0, 900.0]]),
    );
    mine(
        dir,
        "SX-B",
        "黎城县",
        482_000.0,
        4_050_000.0,
        Some([[482_500.0, 4_050_500.0, 900.0], [483_000.0, 4_050_500.0, 900.0]]),
    );
    mine(dir, "SX-C", "平顺县", 485_000.0, 4_050_000.0, None);
    mine(dir, "SX-D", "平顺县", 486_500.0, 4_050_500.0, None);
    let broken = dir.join("SX-broken");
    std::fs::create_dir_all(&broken).expect("mkdir");
    std::fs::write(broken.join("survey.toml"), "[mine\nid = ").expect("write");
}

fn pyarrow(script: &str) -> String {
    let o = std::process::Command::new("python3")
        .args(["-c", script])
        .output()
        .expect("python3 is needed (and pyarrow: pip install pyarrow)");
    assert!(o.status.success(), "pyarrow failed (pip install pyarrow): {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn a_province_rolls_up_with_its_cross_mine_findings_and_a_failed_mine() {
    let d = tempfile::tempdir().expect("tmp");
    let prov = d.path().join("province");
    province(&prov);
    let out = d.path().join("out");
    let o = minehaz(&["rollup", p(&prov), "--out", p(&out), "--as-of", "2026-11-29", "--jobs", "2"]);
    assert_eq!(code(&o), 1, "majors found: {}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("SX-broken"), "{}", stderr(&o));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("json")).expect("json");
    assert_eq!(s["format"], "minehaz-rollup/1");
    assert_eq!(s["mines"], 4);
    let failed = s["failed"].as_array().expect("failed");
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0]["input"].as_str().expect("input").ends_with("SX-broken")
            && !failed[0]["error"].as_str().expect("e").is_empty()
    );
    let p_ = &s["by_province"]["山西省"];
    assert_eq!(p_["mines"], 4);
    assert_eq!(p_["rules"]["licence.overlap"], 2, "{p_}");
    assert_eq!(p_["rules"]["licence.intrudes_neighbour"], 1, "{p_}");
    assert_eq!(s["by_county"]["山西省/黎城县"]["mines"], 2);
    assert_eq!(s["by_county"]["山西省/平顺县"]["rules"]["licence.overlap"], 2);
    // The per-mine counts add up to the province's.
    let counties: i64 =
        ["山西省/黎城县", "山西省/平顺县"].iter().map(|c| s["by_county"][c]["majors"].as_i64().expect("n")).sum();
    assert_eq!(Some(counties), p_["majors"].as_i64());
    // The viewer's index (an extension): each mine with its input.
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("mines.json")).expect("index")).expect("json");
    assert_eq!(index.as_array().map(|a| a.len()), Some(4));
    assert!(index[0]["input"].as_str().expect("input").ends_with("SX-A"));
    let csv = std::fs::read_to_string(out.join("summary.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.lines().next().expect("header").starts_with("province,county,mines,majors,warnings,water_simple"));

    // An independent reader: pyarrow, with the GeoParquet metadata.
    let script = format!(
        r#"
import json, pyarrow.parquet as pq
m = pq.read_table({mines:?})
f = pq.read_table({findings:?})
geo = json.loads(m.schema.metadata[b"geo"])
fgeo = json.loads(f.schema.metadata[b"geo"])
print(m.num_rows, ",".join(m.column("mine_id").to_pylist()))
print(geo["version"], geo["primary_column"], geo["columns"]["geometry"]["encoding"], geo["columns"]["geometry"]["crs"]["id"]["code"], ",".join(geo["columns"]["geometry"]["geometry_types"]))
print(fgeo["columns"]["geometry"]["geometry_types"][0], "bbox" in f.column_names)
rows = f.to_pylist()
over = [(r["mine_id"], r["feature"], round(r["measured"])) for r in rows if r["rule"] == "licence.overlap"]
intr = [(r["mine_id"], r["working"], r["feature"], round(r["measured"])) for r in rows if r["rule"] == "licence.intrudes_neighbour"]
print(sorted(over))
print(intr)
keys = [(r["mine_id"], r["rule"], r["working"] or "", r["feature"] or "") for r in rows]
print(keys == sorted(keys), all((r["geometry"] is None) == (r["x"] is None) for r in rows))
print(m.column("majors").to_pylist() == [sum(1 for r in rows if r["mine_id"] == i and r["severity"] == "major") for i in m.column("mine_id").to_pylist()])
"#,
        mines = p(&out.join("mines.parquet")),
        findings = p(&out.join("findings.parquet")),
    );
    let got = pyarrow(&script);
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines[0], "4 SX-A,SX-B,SX-C,SX-D", "{got}");
    assert_eq!(lines[1], "1.1.0 geometry WKB 4490 Polygon", "{got}");
    assert_eq!(lines[2], "Point True", "{got}");
    assert_eq!(lines[3], "[('SX-C', 'SX-D', 750000), ('SX-D', 'SX-C', 750000)]", "{got}");
    assert_eq!(lines[4], "[('SX-A', 'W1', 'SX-B', 300)]", "{got}");
    assert_eq!(lines[5], "True True", "{got}");
    assert_eq!(lines[6], "True", "{got}");

    // Deterministic: a second run (one job) gives the same bytes.
    let out2 = d.path().join("out2");
    let o = minehaz(&["rollup", p(&prov), "--out", p(&out2), "--as-of", "2026-11-29", "--jobs", "1"]);
    assert_eq!(code(&o), 1);
    for f in ["mines.parquet", "findings.parquet", "summary.json", "summary.csv", "overview.png"] {
        assert_eq!(
            std::fs::read(out.join(f)).expect("a"),
            std::fs::read(out2.join(f)).expect("b"),
            "{f} differs between runs"
        );
    }
    // The overview shows the mines in their level colours.
    let img = image::open(out.join("overview.png")).expect("png").to_rgb8();
    let coloured = img.pixels().filter(|px| px.0[0].abs_diff(px.0[1]) > 40 || px.0[1].abs_diff(px.0[2]) > 40).count();
    assert!(coloured > 10_000, "{coloured} coloured pixels");
}

#[test]
fn a_roll_up_of_only_broken_inputs_exits_2() {
    let d = tempfile::tempdir().expect("tmp");
    let broken = d.path().join("b");
    std::fs::create_dir_all(&broken).expect("mkdir");
    std::fs::write(broken.join("survey.toml"), "nonsense = [").expect("write");
    let o = minehaz(&["rollup", p(&broken), p(&d.path().join("missing")), "--out", p(&d.path().join("out"))]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("out/summary.json")).expect("json")).expect("json");
    assert_eq!((s["mines"].as_u64(), s["failed"].as_array().map(|a| a.len())), (Some(0), Some(2)));
}

/// The Spark job (engines/spark) in local mode on the same province: each task rolls up its
/// county with minehaz, Spark SQL aggregates the parts; its summary equals minehaz's own.
#[test]
fn the_spark_job_in_local_mode_gives_the_same_summary() {
    let d = tempfile::tempdir().expect("tmp");
    let prov = d.path().join("province");
    province(&prov);
    let own = d.path().join("own");
    let o = minehaz(&["rollup", p(&prov), "--out", p(&own), "--as-of", "2026-11-29"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let spark_out = d.path().join("spark");
    std::fs::create_dir_all(&spark_out).expect("mkdir");
    let job = repo().join("engines/spark/rollup_job.py");
    let o = std::process::Command::new("python3")
        .arg(&job)
        .args(["--minehaz", env!("CARGO_BIN_EXE_minehaz"), "--out", p(&spark_out), "--as-of", "2026-11-29", p(&prov)])
        .env("SPARK_MASTER", "local[2]")
        .output()
        .expect("python3 with pyspark is needed (pip install pyspark; Java 17)");
    assert!(o.status.success(), "the Spark job failed (pip install pyspark?): {}", stderr(&o));
    let read = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).expect("summary")).expect("json")
    };
    let (a, b) = (read(&own), read(&spark_out));
    assert!(b["engine"].as_str().expect("engine").starts_with("spark"), "{}", b["engine"]);
    for k in ["format", "as_of", "mines", "by_province", "by_county"] {
        assert_eq!(a[k], b[k], "{k} differs:\nminehaz {}\nspark   {}", a[k], b[k]);
    }
    assert_eq!(a["failed"].as_array().map(|x| x.len()), b["failed"].as_array().map(|x| x.len()));
}
