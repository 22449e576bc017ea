//! The sample surveys round-trip folder → GeoPackage → model with no loss, and `info` reports
//! the same for both.

use crate::common::*;
use minehaz_core::Survey;

fn same_coords(a: &[[f64; 3]], b: &[[f64; 3]]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(p, q)| (0..3).all(|k| (p[k] - q[k]).abs() < 1e-3))
}

fn assert_same(a: &Survey, b: &Survey) {
    assert_eq!(a.meta, b.meta);
    assert_eq!(a.layers.counts(), b.layers.counts());
    // Every attribute equal; coordinates to 1 mm (they are stored as f64: equal in practice).
    macro_rules! same_layer {
        ($($f:ident),+) => {$(
            for (x, y) in a.layers.$f.iter().zip(&b.layers.$f) {
                assert_eq!(x, y, "layer {}", stringify!($f));
            }
        )+};
    }
    same_layer!(
        licence,
        goaf,
        water_bodies,
        faults,
        collapse_columns,
        gas_zones,
        burst_zones,
        fire_zones,
        anomalies,
        zones,
        geochem,
        slope_design
    );
    for (x, y) in a.layers.workings.iter().zip(&b.layers.workings) {
        assert!(same_coords(&x.line, &y.line), "working {}", x.id);
        assert_eq!(
            (x.kind, x.status, &x.seam, x.declared, &x.updated, &x.name),
            (y.kind, y.status, &y.seam, y.declared, &y.updated, &y.name)
        );
    }
    for (x, y) in a.layers.drillholes.iter().zip(&b.layers.drillholes) {
        assert!(same_coords(&x.line, &y.line));
        assert_eq!(x, y);
    }
    assert_eq!(a.boreholes, b.boreholes);
    assert_eq!(a.grids.len(), b.grids.len());
    for (x, y) in a.grids.iter().zip(&b.grids) {
        assert_eq!(
            (x.width, x.height, &x.values, x.nodata, &x.meta),
            (y.width, y.height, &y.values, y.nodata, &y.meta),
            "grid {}",
            x.name
        );
        assert!(x.geotransform.iter().zip(&y.geotransform).all(|(p, q)| (p - q).abs() < 1e-6));
    }
    assert_eq!(a.positioning.len(), b.positioning.len());
    for (x, y) in a.positioning.iter().zip(&b.positioning) {
        assert_eq!((&x.time, &x.person_id), (&y.time, &y.person_id));
        assert!(same_coords(&[x.pos], &[y.pos]) || (x.pos[2].is_nan() && y.pos[2].is_nan()));
    }
    assert_eq!(a.point_clouds.len(), b.point_clouds.len());
    for (x, y) in a.point_clouds.iter().zip(&b.point_clouds) {
        assert_eq!((&x.epoch, &x.header), (&y.epoch, &y.header));
    }
}

fn round_trip(name: &str) -> (Survey, Survey) {
    let folder = sample(name);
    let d = tempfile::tempdir().expect("tmp");
    let out = d.path().join(format!("{name}.gpkg"));
    let o = minehaz(&["import", p(&folder), "--out", p(&out)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let a = minehaz_core::io::open(&folder).expect("folder");
    let b = minehaz_core::io::open(&out).expect("store");
    assert_same(&a, &b);
    // `info` says the same of both (but for point-cloud paths).
    let ia: serde_json::Value =
        serde_json::from_str(&stdout(&minehaz(&["info", p(&folder), "--format", "json"]))).expect("json");
    let ib: serde_json::Value =
        serde_json::from_str(&stdout(&minehaz(&["info", p(&out), "--format", "json"]))).expect("json");
    assert_eq!(ia["layers"], ib["layers"]);
    assert_eq!(ia["boreholes"], ib["boreholes"]);
    assert_eq!(ia["grids"], ib["grids"]);
    assert_eq!(ia["positioning"], ib["positioning"]);
    // ogrinfo (GDAL's own tool) lists the store's layers with Z.
    if let Ok(o) = std::process::Command::new("ogrinfo").args(["-so", "-q", p(&out)]).output() {
        let l = String::from_utf8_lossy(&o.stdout);
        assert!(l.contains("workings (3D Line String)") || l.contains("workings (Line String Z)"), "{l}");
    }
    (a, b)
}

#[test]
fn coal_mine_round_trips_without_loss() {
    let (a, _) = round_trip("coal-mine");
    // The sample is what its README promises: every layer kind used (but the drilling design,
    // which `minehaz plan` writes, and the open pit's slope design).
    for (name, n) in a.layers.counts() {
        if !["slope_design", "planned_drillholes", "stop_points"].contains(&name) {
            assert!(n > 0, "coal-mine uses layer {name}");
        }
    }
    assert!(a.layers.goaf.len() >= 12);
    assert!(a.layers.workings.len() >= 50);
    assert!(a.boreholes.len() >= 20);
    assert!(!a.grids.is_empty());
    assert!(!a.positioning.is_empty());
    assert_eq!(a.meta.mine.crs, "EPSG:4547");
}

#[test]
fn open_pit_round_trips_without_loss() {
    // The LiDAR epochs are generated, not committed (scripts/samples.sh makes them too).
    if !sample("open-pit").join("pointclouds/2026-03-15.laz").exists() {
        // gen-samples is its own crate (tools/gen-samples): built beside minehaz by
        // `cargo test --workspace` (scripts/check.sh), which also writes the epochs first.
        let exe = std::path::Path::new(env!("CARGO_BIN_EXE_minehaz")).with_file_name("gen-samples");
        assert!(exe.exists(), "{} missing: run scripts/samples.sh or cargo test --workspace", exe.display());
        let o = std::process::Command::new(&exe)
            .args(["--out", p(&repo().join("sample-surveys")), "--only", "open-pit", "--pointclouds-only"])
            .output()
            .expect("gen-samples");
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (a, _) = round_trip("open-pit");
    assert_eq!(a.point_clouds.len(), 2);
    assert!(a.point_clouds.iter().all(|p| p.header.point_count >= 900_000));
    assert!(!a.layers.slope_design.is_empty());
}
