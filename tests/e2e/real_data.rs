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

/// sic97's 4 POLYLINEs (Swiss borders around (0, 0), ±170 km) taken in EPSG:4547 lie far
/// outside that CRS's area of use: refused with the cause named, nothing added. The same
/// drawing in a local grid over the licence would still be 340 km wide: refused as more than
/// 50 km from the licence. (Z through DXF: `dxf_3d_polylines_import_as_workings_with_z`.)
#[test]
fn dxf_into_store_counts_and_refusals() {
    let (_d, out) = store();
    let before = minehaz_core::io::open(&out).expect("store").layers.faults.len();
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
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("area of use of the mine CRS EPSG:4547"), "{}", stderr(&o));
    assert_eq!(minehaz_core::io::open(&out).expect("store").layers.faults.len(), before, "nothing added");
    // The georeferenced Houses of Parliament drawing in a local grid over the licence: one
    // POLYLINE imports as one fault.
    let o = minehaz(&[
        "import-layer",
        p(&real("vector/dxf/houses_of_parliament_georeferenced.dxf")),
        "--kind",
        "faults",
        "--into",
        p(&out),
        "--source-crs",
        crate::audit::LOCAL_GRID,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("Imported 1 features"), "{}", stdout(&o));
    let s = minehaz_core::io::open(&out).expect("store");
    assert_eq!(s.layers.faults.len(), before + 1);
    let t = &s.layers.faults[before].trace;
    assert!(
        t.iter().all(|v| (470_000.0..492_000.0).contains(&v[0]) && (4_040_000.0..4_062_000.0).contains(&v[1])),
        "{t:?}"
    );

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

/// A GeoJSON layer in EPSG:28350 (Hamersley, Western Australia) is transformed into the mine
/// CRS by PROJ, where it lands far outside EPSG:4547's area of use (y about −2.5 Mm): refused
/// with the cause named, nothing added — before, it was accepted and made false findings.
#[test]
fn geojson_faults_from_another_continent_are_refused_not_transformed_into_the_mine() {
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
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("layer faults") && err.contains("area of use") && err.contains("check the CRS"), "{err}");
    assert!(minehaz_core::io::open(&out).expect("store").layers.faults.is_empty());
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
