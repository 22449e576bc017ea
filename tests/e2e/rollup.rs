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
    // The sample province (its overlap P02/P03 crosses the county line, so only the job's
    // cross-county pairs find it) and a broken mine.
    let prov = sample("province");
    let broken = d.path().join("SX-broken");
    std::fs::create_dir_all(&broken).expect("mkdir");
    std::fs::write(broken.join("survey.toml"), "[mine\nid = ").expect("write");
    let own = d.path().join("own");
    let o = minehaz(&["rollup", p(&prov), p(&broken), "--out", p(&own), "--as-of", "2026-11-29"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let spark_out = d.path().join("spark");
    std::fs::create_dir_all(&spark_out).expect("mkdir");
    let job = repo().join("engines/spark/rollup_job.py");
    let o = std::process::Command::new("python3")
        .arg(&job)
        .args([
            "--minehaz",
            env!("CARGO_BIN_EXE_minehaz"),
            "--out",
            p(&spark_out),
            "--as-of",
            "2026-11-29",
            p(&prov),
            p(&broken),
        ])
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
    assert_eq!(a["by_province"]["山西省"]["rules"]["licence.overlap"], 2, "{}", a["by_province"]);
    assert!(b["engine"].as_str().expect("engine").contains("1 cross-county pairs"), "{}", b["engine"]);

    // The same query in the embedded engine and in Spark SQL gives the same rows.
    let sql = "SELECT county, rule, COUNT(*) AS n, ROUND(SUM(measured), 3) AS total FROM findings \
               WHERE measured IS NOT NULL GROUP BY county, rule ORDER BY county, rule";
    let o = minehaz(&["rollup", "query", p(&own), sql, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let embedded: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let o = std::process::Command::new("python3")
        .arg(repo().join("engines/spark/query.py"))
        .args([p(&own), sql])
        .env("SPARK_MASTER", "local[2]")
        .output()
        .expect("python3 with pyspark");
    assert!(o.status.success(), "{}", stderr(&o));
    let spark: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let rows = embedded.as_array().expect("rows");
    assert!(rows.len() >= 3, "{embedded}");
    assert_eq!(rows.len(), spark.as_array().expect("rows").len(), "{embedded}\n{spark}");
    for (e, s) in rows.iter().zip(spark.as_array().expect("rows")) {
        assert_eq!((&e["county"], &e["rule"], &e["n"]), (&s["county"], &s["rule"], &s["n"]), "{e} vs {s}");
        let (x, y) = (e["total"].as_f64().expect("total"), s["total"].as_f64().expect("total"));
        assert!((x - y).abs() < 1e-6, "{e} vs {s}");
    }
}

/// The sample province (sample-surveys/province): its planted cross-mine cases, the pair
/// across Gauss–Krüger zones, and the county outlines on the overview.
#[test]
fn the_sample_province_shows_its_planted_cross_mine_cases() {
    let d = tempfile::tempdir().expect("tmp");
    let prov = sample("province");
    let counties = prov.join("counties.geojson");
    let out = d.path().join("out");
    let o = minehaz(&["rollup", p(&prov), "--counties", p(&counties), "--out", p(&out), "--as-of", "2026-12-01"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("json")).expect("json");
    assert_eq!((s["mines"].as_u64(), s["failed"].as_array().map(|a| a.len())), (Some(5), Some(0)), "{s}");
    assert_eq!(s["by_county"]["山西省/沁源县"]["mines"], 2);
    assert_eq!(s["by_county"]["山西省/沁县"]["mines"], 3);
    // The cross-mine findings, through the embedded engine.
    let sql = "SELECT mine_id, rule, working, feature, measured, crs FROM findings \
               WHERE rule IN ('licence.overlap', 'licence.intrudes_neighbour') ORDER BY mine_id, rule";
    let o = minehaz(&["rollup", "query", p(&out), sql, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let rows = rows.as_array().expect("rows");
    let key: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (r["mine_id"].as_str().unwrap_or(""), r["rule"].as_str().unwrap_or(""), r["feature"].as_str().unwrap_or(""))
        })
        .collect();
    assert_eq!(
        key,
        [
            ("SX-P02", "licence.overlap", "SX-P03"),
            ("SX-P03", "licence.overlap", "SX-P02"),
            ("SX-P04", "licence.intrudes_neighbour", "SX-P05")
        ],
        "{rows:?}"
    );
    // 200 m × 2 500 m, each measured in its own mine's grid (P02 in CM 111°E, P03 in CM 114°E).
    for r in &rows[..2] {
        let m = r["measured"].as_f64().expect("m");
        assert!((m - 500_000.0).abs() / 500_000.0 < 2e-3, "{r}");
    }
    assert_eq!((rows[0]["crs"].as_str(), rows[1]["crs"].as_str()), (Some("EPSG:4546"), Some("EPSG:4547")));
    assert_eq!(rows[2]["working"], "W04");
    assert!((rows[2]["measured"].as_f64().expect("m") - 250.0).abs() < 1e-6, "{}", rows[2]);

    // County outlines: the overview with them differs from the one without, by their colour.
    let bare = d.path().join("bare");
    let o = minehaz(&["rollup", p(&prov), "--out", p(&bare), "--as-of", "2026-12-01"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let outline = |dir: &Path| {
        let img = image::open(dir.join("overview.png")).expect("png").to_rgb8();
        img.pixels().filter(|px| px.0 == [110, 110, 130]).count()
    };
    let (with, without) = (outline(&out), outline(&bare));
    assert!(with > 2000 && without < with / 10, "outline pixels: {with} with counties, {without} without");
    // The three cross-mine findings are marked (purple squares of 10 × 10 px; two overlap marks
    // may share pixels).
    let img = image::open(out.join("overview.png")).expect("png").to_rgb8();
    let marks = img.pixels().filter(|px| px.0 == [142, 36, 170]).count();
    assert!((150..=300).contains(&marks), "{marks} mark pixels");
}

#[test]
fn a_bad_county_layer_is_refused_before_any_work() {
    let d = tempfile::tempdir().expect("tmp");
    let bad = d.path().join("counties.geojson");
    std::fs::write(
        &bad,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1"},"geometry":{"type":"Polygon","coordinates":[[[112,36],[113,36],[113,37],[112,36]]]}}]}"#,
    )
    .expect("write");
    let out = d.path().join("out");
    let o = minehaz(&["rollup", p(&sample("province")), "--counties", p(&bad), "--out", p(&out)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("counties.geojson") && stderr(&o).contains("--county-field"), "{}", stderr(&o));
    assert!(!out.join("summary.json").exists());
    // Named with --county-field, the same layer is accepted.
    let o = minehaz(&[
        "rollup",
        p(&sample("province")),
        "--counties",
        p(&bad),
        "--county-field",
        "code",
        "--out",
        p(&out),
        "--as-of",
        "2026-12-01",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

/// `minehaz rollup query`: SQL over the outputs in text, CSV and JSON, the spatial
/// functions, and the errors (exit 2 naming the file or the SQL).
#[test]
fn rollup_query_answers_sql_over_the_parquet_outputs() {
    let d = tempfile::tempdir().expect("tmp");
    let out = d.path().join("out");
    let o = minehaz(&["rollup", p(&sample("province")), "--out", p(&out), "--as-of", "2026-12-01"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).expect("json")).expect("json");
    // Majors by county, as the summary has them.
    let sql = "SELECT province || '/' || county AS k, SUM(majors) AS majors, COUNT(*) AS mines FROM mines GROUP BY k ORDER BY k";
    let o = minehaz(&["rollup", "query", p(&out), sql, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let by_county = s["by_county"].as_object().expect("by_county");
    assert_eq!(rows.as_array().map(|r| r.len()), Some(by_county.len()));
    for r in rows.as_array().expect("rows") {
        let c = &by_county[r["k"].as_str().expect("k")];
        assert_eq!((&r["majors"], &r["mines"]), (&c["majors"], &c["mines"]), "{r} vs {c}");
    }
    // Text: a header, a rule, one line per row and the count.
    let o = minehaz(&["rollup", "query", p(&out), sql]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("k ") && lines[0].contains("| majors | mines"), "{text}");
    assert_eq!(lines.len(), 2 + by_county.len() + 1, "{text}");
    assert!(lines.last().expect("last").contains(&format!("{} rows", by_county.len())), "{text}");
    // CSV.
    let o =
        minehaz(&["rollup", "query", p(&out), "SELECT mine_id, name FROM mines ORDER BY mine_id", "--format", "csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let csv = stdout(&o);
    assert_eq!(csv.lines().next(), Some("mine_id,name"));
    assert_eq!(csv.lines().count(), 1 + s["mines"].as_u64().expect("n") as usize);
    // The spatial functions: geodesic area of a 4 km × 3 km licence, intersecting licences
    // (P04 and P05 touch: they intersect without overlapping), WKT of a finding's point.
    let o = minehaz(&[
        "rollup",
        "query",
        p(&out),
        "SELECT st_area_m2(geometry) AS a FROM mines WHERE mine_id = 'SX-P04'",
        "--format",
        "json",
    ]);
    let a: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let area = a[0]["a"].as_f64().expect("area");
    assert!((area - 12e6).abs() / 12e6 < 2e-3, "{area}");
    let o = minehaz(&[
        "rollup",
        "query",
        p(&out),
        "SELECT a.mine_id AS a, b.mine_id AS b FROM mines a JOIN mines b ON a.mine_id < b.mine_id \
         AND st_intersects(a.geometry, b.geometry) ORDER BY a, b",
        "--format",
        "csv",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "a,b\nSX-P02,SX-P03\nSX-P04,SX-P05\n");
    let o = minehaz(&[
        "rollup",
        "query",
        p(&out),
        "SELECT st_astext(geometry) AS g, st_x(geometry) AS x FROM findings WHERE rule = 'licence.intrudes_neighbour'",
        "--format",
        "json",
    ]);
    let g: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let (wkt, x) = (g[0]["g"].as_str().expect("wkt"), g[0]["x"].as_f64().expect("x"));
    assert!(wkt.starts_with("POINT (") && wkt.contains(&format!("{x}")), "{g}");
    assert!((112.5..113.5).contains(&x), "{g}");
    // Errors: not a roll-up folder; a bad query.
    let o = minehaz(&["rollup", "query", p(d.path()), "SELECT 1"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("mines.parquet"), "{}", stderr(&o));
    let o = minehaz(&["rollup", "query", p(&out), "SELECT nope FROM mines"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("SQL") && stderr(&o).contains("nope"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}
