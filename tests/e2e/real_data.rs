//! Real public files through the binary: DXF and GeoJSON layers into a store (Z kept, CRS
//! transformed), and the reference counts of ../shared/data/real/*/PROVENANCE.md.

use crate::common::*;
use minehaz_core::io::gdal_vector;
use minehaz_core::model::record::Geom;

fn store() -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().expect("tmp");
    let pkg = d.path().join("pkg");
    write_package(&pkg, SURVEY_TOML, &valid_layers());
    let out = d.path().join("mine.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&pkg), "--out", p(&out)])), 0);
    (d, out)
}

/// The DXFs read with the entity counts of PROVENANCE.md.
#[test]
fn dxf_entity_counts() {
    for (file, expect, polygons) in [
        ("vector/dxf/3dface.dxf", 71, 44),
        ("vector/dxf/houses_of_parliament_georeferenced.dxf", 1, 0),
        ("vector/dxf/sic97_borders.dxf", 4, 0),
    ] {
        let path = real(file);
        let ds = gdal_vector::open_vector(&path).expect("open");
        let mut ps = Default::default();
        let l = gdal_vector::read_layer(&ds, "entities", &path, &mut ps).expect("entities");
        let mut idx: Vec<u64> = l.records.iter().map(|r| r.index).collect();
        idx.dedup();
        assert_eq!(idx.len(), expect, "{file}");
        // 3DFACEs are polygons; (LW)POLYLINEs are lines.
        let n_poly = l.records.iter().filter(|r| matches!(r.geom, Some(Geom::Polygon(_)))).count();
        assert_eq!(n_poly, polygons, "{file}");
        let lines = l.records.iter().filter(|r| matches!(r.geom, Some(Geom::Line { .. }))).count();
        assert!(lines >= if polygons == 0 { expect } else { 5 }, "{file}: {lines} lines");
    }
}

/// sic97's 4 POLYLINEs import as faults; 3DFACE polygons are refused as workings (lines) and
/// nothing is added. (Z through DXF: `dxf_3d_polylines_import_as_workings_with_z`.)
#[test]
fn dxf_into_store_counts_and_refusals() {
    let (_d, out) = store();
    let o = minehaz(&[
        "import-layer",
        p(&real("vector/dxf/sic97_borders.dxf")),
        "--kind",
        "faults",
        "--into",
        p(&out),
        "--source-crs",
        "EPSG:4547",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("Imported 4 features"), "{}", stdout(&o));
    let s = minehaz_core::io::open(&out).expect("store");
    assert_eq!(s.layers.faults.len(), 4);
    // Workings as 3D lines from a DXF with Z: the 3DFACE outlines are polygons, so as workings
    // (lines) they are refused with the feature named.
    let o = minehaz(&[
        "import-layer",
        p(&real("vector/dxf/3dface.dxf")),
        "--kind",
        "workings",
        "--into",
        p(&out),
        "--source-crs",
        "EPSG:4547",
        "--set",
        "kind=roadway",
        "--set",
        "status=existing",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("layer workings") && stderr(&o).contains("expected a LineString"), "{}", stderr(&o));
    // Nothing was added by the failed import.
    let s = minehaz_core::io::open(&out).expect("store");
    assert_eq!(s.layers.workings.len(), 3);
    let path = real("vector/dxf/3dface.dxf");
    let ds = gdal_vector::open_vector(&path).expect("open");
    let l = gdal_vector::read_layer(&ds, "entities", &path, &mut Default::default()).expect("read");
    assert!(l.records.iter().any(|r| matches!(&r.geom, Some(Geom::Polygon(_)))));
}

/// A GeoJSON layer in EPSG:28350 is transformed into the mine CRS by PROJ on import.
#[test]
fn geojson_faults_are_transformed_into_the_mine_crs() {
    use minehaz_core::io::crs::{Crs, Transformer};
    let (_d, out) = store();
    let src = real("vector/map2loop_hamersley/faults.geojson");
    let o = minehaz(&[
        "import-layer",
        p(&src),
        "--kind",
        "faults",
        "--into",
        p(&out),
        "--map",
        "id=objectid",
        "--map",
        "dip_deg=dip",
        "--map",
        "dip_dir_deg=dip_dir",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = minehaz_core::io::open(&out).expect("store");
    let ds = gdal_vector::open_vector(&src).expect("open");
    let names = gdal_vector::layer_names(&ds);
    let l = gdal_vector::read_layer(&ds, &names[0], &src, &mut Default::default()).expect("read");
    assert!(s.layers.faults.len() >= 35);
    let t = Transformer::new(
        &Crs::parse("EPSG:28350", &Default::default()).expect("c"),
        &Crs::parse("EPSG:4547", &Default::default()).expect("c"),
        &Default::default(),
    )
    .expect("t");
    let Some(Geom::Line { coords, .. }) = &l.records[0].geom else { panic!("line") };
    let (x, y) = t.xy(coords[0][0], coords[0][1], &Default::default()).expect("xy");
    let f = &s.layers.faults[0];
    assert!((f.trace[0][0] - x).abs() < 1e-3 && (f.trace[0][1] - y).abs() < 1e-3);
    assert!(s.layers.faults.iter().all(|f| f.dip_deg.is_none_or(|d| (0.0..=90.0).contains(&d))));
}

/// A DXF with 3D polylines (written here by GDAL's DXF driver) imports as workings with Z.
#[test]
fn dxf_3d_polylines_import_as_workings_with_z() {
    let (d, out) = store();
    let dxf = d.path().join("roadways.dxf");
    {
        use gdal::vector::LayerAccess;
        let drv = gdal::DriverManager::get_driver_by_name("DXF").expect("dxf");
        let mut ds = drv.create_vector_only(&dxf).expect("create");
        let layer = ds
            .create_layer(gdal::vector::LayerOptions {
                name: "entities",
                ty: gdal::vector::OGRwkbGeometryType::wkbLineString25D,
                ..Default::default()
            })
            .expect("layer");
        for i in 0..3 {
            let y = 4_050_600.0 + 50.0 * f64::from(i);
            let mut g = gdal::vector::Geometry::empty(gdal::vector::OGRwkbGeometryType::wkbLineString25D).expect("g");
            g.add_point((480_200.0, y, 1001.5));
            g.add_point((480_600.0, y, 1004.25));
            let mut f = gdal::vector::Feature::new(layer.defn()).expect("f");
            f.set_geometry(g).expect("g");
            f.set_field_string(f.field_index("Layer").expect("Layer"), &format!("RW{i}")).expect("s");
            f.create(&layer).expect("create");
        }
    }
    let o = minehaz(&[
        "import-layer",
        p(&dxf),
        "--kind",
        "workings",
        "--into",
        p(&out),
        "--source-crs",
        "EPSG:4547",
        "--map",
        "id=Layer",
        "--set",
        "kind=roadway",
        "--set",
        "status=existing",
        "--set",
        "declared=1",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = minehaz_core::io::open(&out).expect("store");
    let w = s.layers.workings.iter().find(|w| w.id == "RW1").expect("RW1");
    assert!((w.line[0][2] - 1001.5).abs() < 1e-9 && (w.line[1][2] - 1004.25).abs() < 1e-9, "{:?}", w.line);
    assert_eq!(s.layers.workings.len(), 6);
    assert_eq!(code(&minehaz(&["audit", "verify", p(&out)])), 0);
}
