//! Helpers: run the binary, build small survey packages with raw (possibly invalid) records.

use geo_types::polygon;
use minehaz_core::io::crs::Crs;
use minehaz_core::io::gdal_vector;
use minehaz_core::model::record::{FieldType, Geom, GeomType, Record, Value};
use std::path::{Path, PathBuf};
use std::process::Output;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn real(p: &str) -> PathBuf {
    repo().join("../shared/data/real").join(p)
}

pub fn sample(name: &str) -> PathBuf {
    repo().join("sample-surveys").join(name)
}

/// Run `minehaz` with `args` in English.
pub fn minehaz(args: &[&str]) -> Output {
    let mut all = vec!["--lang", "en"];
    all.extend_from_slice(args);
    std::process::Command::new(env!("CARGO_BIN_EXE_minehaz"))
        .args(&all)
        .env("USER", "tester")
        .output()
        .expect("run minehaz")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

pub const SURVEY_TOML: &str = r#"[mine]
id = "T-0001"
name = "测试煤矿"
kind = "underground_coal"
crs = "EPSG:4547"

[licence]
z_top = 1150.0
z_bottom = 850.0
valid_until = "2027-12-31"
seams = ["3"]
"#;

pub fn rec(id: &str, geom: Geom, attrs: &[(&str, Value)]) -> Record {
    let mut r = Record::new(0, Some(geom));
    r.set("id", Value::Text(id.into()));
    for (k, v) in attrs {
        r.set(k, v.clone());
    }
    r
}

pub fn square(x0: f64, y0: f64, d: f64) -> Geom {
    Geom::Polygon(
        polygon![(x: x0, y: y0), (x: x0 + d, y: y0), (x: x0 + d, y: y0 + d), (x: x0, y: y0 + d), (x: x0, y: y0)],
    )
}

pub fn line(pts: &[[f64; 3]]) -> Geom {
    Geom::Line { coords: pts.to_vec(), has_z: true }
}

/// A raw layer to write into layers.gpkg.
pub struct RawLayer {
    pub name: &'static str,
    pub geom: GeomType,
    pub fields: Vec<(&'static str, FieldType)>,
    pub records: Vec<Record>,
    pub crs: &'static str,
}

/// A small valid survey: licence, two goafs, three workings.
pub fn valid_layers() -> Vec<RawLayer> {
    use FieldType::*;
    vec![
        RawLayer {
            name: "licence",
            geom: GeomType::Polygon,
            fields: vec![],
            records: vec![rec("L1", square(480_000.0, 4_050_000.0, 2000.0), &[])],
            crs: "EPSG:4547",
        },
        RawLayer {
            name: "goaf",
            geom: GeomType::Polygon,
            fields: vec![("name", Text), ("water", Int), ("reliable", Int), ("z_floor", Real), ("z_roof", Real)],
            records: vec![
                rec(
                    "G1",
                    square(480_500.0, 4_050_500.0, 200.0),
                    &[
                        ("name", Value::Text("3号煤老空区".into())),
                        ("water", Value::Int(1)),
                        ("reliable", Value::Int(0)),
                        ("z_floor", Value::Real(990.0)),
                        ("z_roof", Value::Real(1010.0)),
                    ],
                ),
                rec("G2", square(481_000.0, 4_051_000.0, 150.0), &[("water", Value::Int(0))]),
            ],
            crs: "EPSG:4547",
        },
        RawLayer {
            name: "workings",
            geom: GeomType::LineStringZ,
            fields: vec![("kind", Text), ("status", Text), ("seam", Text), ("declared", Int)],
            records: vec![
                rec(
                    "W1",
                    line(&[[480_100.0, 4_050_100.0, 1000.0], [480_400.0, 4_050_150.0, 1002.0]]),
                    &[
                        ("kind", Value::Text("roadway".into())),
                        ("status", Value::Text("existing".into())),
                        ("seam", Value::Text("3".into())),
                        ("declared", Value::Int(1)),
                    ],
                ),
                rec(
                    "W2",
                    line(&[[480_100.0, 4_050_300.0, 1000.0], [480_300.0, 4_050_300.0, 1001.0]]),
                    &[
                        ("kind", Value::Text("heading".into())),
                        ("status", Value::Text("active".into())),
                        ("seam", Value::Text("3".into())),
                        ("declared", Value::Int(1)),
                    ],
                ),
                rec(
                    "W3",
                    line(&[[481_500.0, 4_051_500.0, 995.0], [481_700.0, 4_051_600.0, 996.0]]),
                    &[("kind", Value::Text("longwall".into())), ("status", Value::Text("planned".into()))],
                ),
            ],
            crs: "EPSG:4547",
        },
    ]
}

/// Write a survey package folder from raw layers.
pub fn write_package(dir: &Path, toml: &str, layers: &[RawLayer]) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("survey.toml"), toml).expect("toml");
    let gpkg = dir.join("layers.gpkg");
    let drv = gdal::DriverManager::get_driver_by_name("GPKG").expect("gpkg driver");
    let mut ds = drv.create_vector_only(&gpkg).expect("create");
    for l in layers {
        let crs = Crs::parse(l.crs, &Default::default()).expect("crs");
        let fields: Vec<(String, FieldType)> = l.fields.iter().map(|(n, t)| (n.to_string(), *t)).collect();
        gdal_vector::write_layer(&mut ds, l.name, Some(l.geom), Some(&crs), &fields, &l.records, &gpkg)
            .expect("write layer");
    }
}

/// Files in a folder (to prove that a failed import wrote nothing).
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().to_string()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Run SQL on a store opened for update, as someone with sqlite3 or QGIS would (tamper tests).
pub fn sql(path: &Path, q: &str) {
    let ds = gdal::Dataset::open_ex(
        path,
        gdal::DatasetOptions {
            open_flags: gdal::GdalOpenFlags::GDAL_OF_VECTOR | gdal::GdalOpenFlags::GDAL_OF_UPDATE,
            ..Default::default()
        },
    )
    .expect("open");
    ds.execute_sql(q, None, gdal::vector::sql::Dialect::SQLITE).expect("sql");
}
