//! Bad input: exit 2, a message naming file / layer / feature / field, and nothing written.

use crate::common::*;
use geo_types::polygon;
use minehaz_core::model::record::Value;

/// Import `pkg` into a fresh folder; assert exit 2, that stderr names every `needle`, and that
/// nothing was written.
fn import_fails(pkg: &std::path::Path, needles: &[&str]) -> String {
    let out_dir = tempfile::tempdir().expect("tmp");
    let out = out_dir.path().join("mine.gpkg");
    let o = minehaz(&["import", p(pkg), "--out", p(&out)]);
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "exit code; stderr: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr should name {n:?}: {err}");
    }
    assert!(files_in(out_dir.path()).is_empty(), "nothing written: {:?}", files_in(out_dir.path()));
    // info fails the same way.
    let o = minehaz(&["info", p(pkg)]);
    assert_eq!(code(&o), 2);
    err
}

#[test]
fn valid_fixture_imports() {
    let d = tempfile::tempdir().expect("tmp");
    let pkg = d.path().join("pkg");
    write_package(&pkg, SURVEY_TOML, &valid_layers());
    let out = d.path().join("mine.gpkg");
    let o = minehaz(&["import", p(&pkg), "--out", p(&out)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(out.exists());
    // A second import to the same file is refused (its audit log would be lost) …
    let o = minehaz(&["import", p(&pkg), "--out", p(&out)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--force"));
    // … unless forced.
    let o = minehaz(&["import", p(&pkg), "--out", p(&out), "--force"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn duplicate_ids() {
    let d = tempfile::tempdir().expect("tmp");
    let mut layers = valid_layers();
    layers[1].records[1].attrs[0].1 = Value::Text("G1".into());
    write_package(d.path(), SURVEY_TOML, &layers);
    import_fails(d.path(), &["layers.gpkg", "layer goaf", "feature G1", "field id", "duplicate id"]);
}

#[test]
fn unknown_enum_value() {
    let d = tempfile::tempdir().expect("tmp");
    let mut layers = valid_layers();
    layers[2].records[1].attrs[2].1 = Value::Text("tunnel".into());
    write_package(d.path(), SURVEY_TOML, &layers);
    import_fails(d.path(), &["layer workings", "feature W2", "field status", "\"tunnel\"", "active"]);
}

#[test]
fn self_intersecting_polygon() {
    let d = tempfile::tempdir().expect("tmp");
    let mut layers = valid_layers();
    layers[1].records[0].geom = Some(minehaz_core::model::record::Geom::Polygon(polygon![
        (x: 480_500.0, y: 4_050_500.0), (x: 480_700.0, y: 4_050_700.0), (x: 480_700.0, y: 4_050_500.0), (x: 480_500.0, y: 4_050_700.0), (x: 480_500.0, y: 4_050_500.0)
    ]));
    write_package(d.path(), SURVEY_TOML, &layers);
    import_fails(d.path(), &["layer goaf", "feature G1", "field geometry", "invalid geometry"]);
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let d = tempfile::tempdir().expect("tmp");
    let mut layers = valid_layers();
    layers[1].records[1].attrs[0].1 = Value::Text("G1".into());
    layers[2].records[1].attrs[2].1 = Value::Text("tunnel".into());
    layers[1].records[0].attrs.push(("z_floor".into(), Value::Real(1100.0)));
    write_package(d.path(), SURVEY_TOML, &layers);
    let err = import_fails(d.path(), &["duplicate id", "\"tunnel\""]);
    assert!(err.matches("error:").count() >= 2, "{err}");
}

#[test]
fn unknown_crs() {
    let d = tempfile::tempdir().expect("tmp");
    write_package(d.path(), &SURVEY_TOML.replace("EPSG:4547", "EPSG:999999"), &valid_layers());
    import_fails(d.path(), &["survey.toml", "field crs", "unknown CRS"]);
}

#[test]
fn geographic_mine_crs_is_refused() {
    let d = tempfile::tempdir().expect("tmp");
    write_package(d.path(), &SURVEY_TOML.replace("EPSG:4547", "EPSG:4490"), &valid_layers());
    import_fails(d.path(), &["survey.toml", "field crs", "not a projected CRS"]);
}

#[test]
fn bad_csv_row_names_its_line() {
    let d = tempfile::tempdir().expect("tmp");
    write_package(d.path(), SURVEY_TOML, &valid_layers());
    std::fs::create_dir_all(d.path().join("boreholes")).expect("mkdir");
    std::fs::write(
        d.path().join("boreholes/collars.csv"),
        "id,x,y,z,depth,drilled_at\nZK1,480100,4050100,1200,400,2024-05-01\nZK2,480200,4050200,12OO,400,2024-05-02\n",
    )
    .expect("csv");
    import_fails(d.path(), &["collars.csv", "line 3", "field z", "not a number: \"12OO\""]);
}

#[test]
fn truncated_shapefile() {
    let d = tempfile::tempdir().expect("tmp");
    let layers: Vec<_> = valid_layers().into_iter().filter(|l| l.name != "goaf").collect();
    write_package(d.path(), SURVEY_TOML, &layers);
    std::fs::create_dir_all(d.path().join("layers")).expect("mkdir");
    // A real Shapefile, cut in half, offered as the goaf layer.
    for ext in ["shp", "shx", "dbf"] {
        std::fs::copy(real(&format!("vector/pyshp/blockgroups.{ext}")), d.path().join(format!("layers/goaf.{ext}")))
            .expect("copy");
    }
    let shp = d.path().join("layers/goaf.shp");
    let bytes = std::fs::read(&shp).expect("read");
    std::fs::write(&shp, &bytes[..bytes.len() / 3]).expect("truncate");
    import_fails(d.path(), &["goaf.shp", "cannot be read"]);
}

#[test]
fn shapefile_with_unknown_prj() {
    let d = tempfile::tempdir().expect("tmp");
    let layers: Vec<_> = valid_layers().into_iter().filter(|l| l.name != "goaf").collect();
    write_package(d.path(), SURVEY_TOML, &layers);
    std::fs::create_dir_all(d.path().join("layers")).expect("mkdir");
    for ext in ["shp", "shx", "dbf"] {
        std::fs::copy(real(&format!("vector/shapelib/CoHI_GCS12.{ext}")), d.path().join(format!("layers/goaf.{ext}")))
            .expect("copy");
    }
    std::fs::write(d.path().join("layers/goaf.prj"), "PROJCS[\"nonsense\", nothing]").expect("prj");
    import_fails(d.path(), &["goaf.prj", "unrecognised CRS"]);
}

#[test]
fn shapefile_without_prj_is_taken_in_the_mine_crs_with_a_warning() {
    let d = tempfile::tempdir().expect("tmp");
    let layers: Vec<_> = valid_layers().into_iter().filter(|l| l.name != "workings").collect();
    write_package(d.path(), SURVEY_TOML, &layers);
    std::fs::create_dir_all(d.path().join("layers")).expect("mkdir");
    // PolylineZ breaklines as workings: kind/status are missing, so they are invalid — use
    // `info` only to see the warning about the CRS first.
    for ext in ["shp", "shx", "dbf"] {
        std::fs::copy(real(&format!("vector/shapelib/brklinz.{ext}")), d.path().join(format!("layers/workings.{ext}")))
            .expect("copy");
    }
    let o = minehaz(&["info", p(d.path())]);
    let err = stderr(&o);
    assert_eq!(code(&o), 2);
    assert!(err.contains("workings.shp") && err.contains("no CRS (.prj); taken in the mine CRS EPSG:4547"), "{err}");
    assert!(err.contains("field kind") && err.contains("required field is missing"), "{err}");
}

#[test]
fn las_with_a_bad_header() {
    let d = tempfile::tempdir().expect("tmp");
    write_package(d.path(), SURVEY_TOML, &valid_layers());
    std::fs::create_dir_all(d.path().join("pointclouds")).expect("mkdir");
    let mut bytes = std::fs::read(real("pointcloud/laspy/simple.las")).expect("las");
    bytes[0..4].copy_from_slice(b"LASX");
    std::fs::write(d.path().join("pointclouds/2026-03-15.las"), &bytes).expect("write");
    import_fails(d.path(), &["2026-03-15.las", "signature"]);
}

#[test]
fn z_bounds_out_of_order() {
    let d = tempfile::tempdir().expect("tmp");
    let mut layers = valid_layers();
    layers[1].records[0].attrs.retain(|(k, _)| k != "z_floor");
    layers[1].records[0].attrs.push(("z_floor".into(), Value::Real(1200.0)));
    write_package(d.path(), SURVEY_TOML, &layers);
    import_fails(d.path(), &["layer goaf", "feature G1", "field z_floor", "is above z_roof"]);
}

#[test]
fn layer_in_geographic_cgcs2000_lands_within_a_millimetre_of_its_projected_copy() {
    use minehaz_core::io::crs::{Crs, Transformer};
    let d = tempfile::tempdir().expect("tmp");
    let projected = valid_layers();
    // The same goafs, given in EPSG:4490 (lon/lat), transformed by PROJ.
    let t = Transformer::new(
        &Crs::parse("EPSG:4547", &Default::default()).expect("c"),
        &Crs::parse("EPSG:4490", &Default::default()).expect("c"),
        &Default::default(),
    )
    .expect("t");
    let mut layers = valid_layers();
    layers[1].crs = "EPSG:4490";
    for r in &mut layers[1].records {
        if let Some(minehaz_core::model::record::Geom::Polygon(poly)) = &r.geom {
            r.geom =
                Some(minehaz_core::model::record::Geom::Polygon(t.polygon(poly, &Default::default()).expect("fwd")));
        }
    }
    write_package(d.path(), SURVEY_TOML, &layers);
    let s = minehaz_core::io::open(d.path()).expect("open");
    let dp = tempfile::tempdir().expect("tmp");
    write_package(dp.path(), SURVEY_TOML, &projected);
    let s0 = minehaz_core::io::open(dp.path()).expect("open");
    for (a, b) in s.layers.goaf.iter().zip(&s0.layers.goaf) {
        for (ca, cb) in a.outline.exterior().0.iter().zip(&b.outline.exterior().0) {
            assert!((ca.x - cb.x).abs() < 1e-3 && (ca.y - cb.y).abs() < 1e-3, "{ca:?} vs {cb:?}");
        }
    }
}
