//! Hardening (issue 9): inputs that used to be lost silently, crash or overwrite data are
//! refused with exit 2 and a located message; each test is named after what it guards.

use crate::common::*;
use minehaz_core::model::record::{FieldType, Geom, GeomType, Value};

/// `minehaz info` on `pkg`: exit 2, stderr naming every needle.
fn info_fails(pkg: &std::path::Path, needles: &[&str]) {
    let o = minehaz(&["info", p(pkg)]);
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "exit code; stderr: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr should name {n:?}: {err}");
    }
}

fn package() -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().expect("tmp");
    let pkg = d.path().join("pkg");
    write_package(&pkg, SURVEY_TOML, &valid_layers());
    (d, pkg)
}

fn sql(gpkg: &std::path::Path, q: &str) {
    let ds = gdal::Dataset::open_ex(
        gpkg,
        gdal::DatasetOptions { open_flags: gdal::GdalOpenFlags::GDAL_OF_UPDATE, ..Default::default() },
    )
    .expect("open for update");
    let _ = ds.execute_sql(q, None, gdal::vector::sql::Dialect::DEFAULT).expect("sql");
}

#[test]
fn text_in_a_flag_column_is_not_read_as_zero() {
    let (_d, pkg) = package();
    // SQLite keeps 'yes' as text in the INTEGER column; OGR alone would read 0 (a dry goaf).
    sql(&pkg.join("layers.gpkg"), "UPDATE goaf SET water = 'yes' WHERE id = 'G1'");
    sql(&pkg.join("layers.gpkg"), "UPDATE goaf SET z_roof = 'high' WHERE id = 'G2'");
    info_fails(&pkg, &["layer goaf", "feature G1", "field water", "\"yes\"", "feature G2", "field z_roof", "\"high\""]);
}

#[test]
fn a_missing_decisive_column_is_an_error() {
    let (_d, pkg) = package();
    let mut layers = valid_layers();
    layers.push(RawLayer {
        name: "zones",
        geom: GeomType::Polygon,
        fields: vec![("class", FieldType::Text)],
        records: vec![rec("Z1", square(480_200.0, 4_050_200.0, 100.0), &[("class", Value::Text("no_mining".into()))])],
        crs: "EPSG:4547",
    });
    std::fs::remove_dir_all(&pkg).expect("rm");
    write_package(&pkg, SURVEY_TOML, &layers);
    info_fails(&pkg, &["layer zones", "field treated", "missing"]);
}

#[test]
fn an_empty_licence_layer_is_an_error() {
    let (_d, pkg) = package();
    let mut layers = valid_layers();
    layers[0].records.clear();
    std::fs::remove_dir_all(&pkg).expect("rm");
    write_package(&pkg, SURVEY_TOML, &layers);
    info_fails(&pkg, &["layer licence", "empty"]);
}

#[test]
fn layers_gpkg_holding_geojson_is_not_taken_as_absent() {
    let (_d, pkg) = package();
    std::fs::write(pkg.join("layers.gpkg"), br#"{"type":"FeatureCollection","features":[]}"#).expect("write");
    info_fails(&pkg, &["layers.gpkg", "not a GeoPackage", "JSON"]);
}

#[cfg(unix)]
#[test]
fn layers_gpkg_as_a_symlink_loop_is_not_taken_as_absent() {
    let (_d, pkg) = package();
    let g = pkg.join("layers.gpkg");
    std::fs::remove_file(&g).expect("rm");
    std::os::unix::fs::symlink(&g, &g).expect("loop");
    info_fails(&pkg, &["layers.gpkg", "link loop"]);
}

#[test]
fn survey_table_without_collars_is_an_error() {
    let (_d, pkg) = package();
    std::fs::create_dir_all(pkg.join("boreholes")).expect("mkdir");
    std::fs::write(pkg.join("boreholes/surveys.csv"), "id,depth,azimuth,dip\nZK1,0,0,-90\n").expect("write");
    info_fails(&pkg, &["surveys.csv", "collars.csv is missing"]);
}

fn with_boreholes(collars: &str, surveys: &str, intervals: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (d, pkg) = package();
    let bh = pkg.join("boreholes");
    std::fs::create_dir_all(&bh).expect("mkdir");
    std::fs::write(bh.join("collars.csv"), collars).expect("collars");
    std::fs::write(bh.join("surveys.csv"), surveys).expect("surveys");
    std::fs::write(bh.join("intervals.csv"), intervals).expect("intervals");
    (d, pkg)
}

const COLLARS: &str = "id,x,y,z,depth\nZK1,480500,4050500,1100,300\n";
const INTERVALS: &str = "id,from,to,lithology\nZK1,0,100,sandstone\n";

#[test]
fn survey_stations_out_of_order_or_duplicated_are_errors() {
    let (_d, pkg) =
        with_boreholes(COLLARS, "id,depth,azimuth,dip\nZK1,0,0,-90\nZK1,100,10,-85\nZK1,50,10,-85\n", INTERVALS);
    info_fails(&pkg, &["surveys.csv", "line 4", "ZK1", "out of order"]);
    let (_d, pkg) =
        with_boreholes(COLLARS, "id,depth,azimuth,dip\nZK1,0,0,-90\nZK1,100,10,-85\nZK1,100,12,-85\n", INTERVALS);
    info_fails(&pkg, &["surveys.csv", "line 4", "duplicated"]);
}

#[test]
fn a_survey_station_beyond_the_hole_depth_is_an_error() {
    let (_d, pkg) = with_boreholes(COLLARS, "id,depth,azimuth,dip\nZK1,0,0,-90\nZK1,450,10,-85\n", INTERVALS);
    info_fails(&pkg, &["surveys.csv", "line 3", "beyond the hole depth 300"]);
}

#[test]
fn a_sentinel_station_at_1e12_m_ends_at_the_hole_bottom_instead_of_exhausting_memory() {
    let collars = "id,x,y,z\nZK1,480500,4050500,1100\n";
    let (d, pkg) = with_boreholes(collars, "id,depth,azimuth,dip\nZK1,0,0,-90\nZK1,1e12,10,-85\n", INTERVALS);
    let out = d.path().join("m.gpkg");
    let o = minehaz(&["import", p(&pkg), "--out", p(&out)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("to the end of the hole"), "{}", stderr(&o));
    let s = minehaz_core::io::open(&out).expect("store opens");
    let st = &s.boreholes[0].stations;
    assert!((st[1].depth_m - 100.0).abs() < 1e-9, "taken as the deepest interval: {}", st[1].depth_m);
}

#[test]
fn overlapping_intervals_are_errors() {
    let (_d, pkg) = with_boreholes(
        COLLARS,
        "id,depth,azimuth,dip\nZK1,0,0,-90\n",
        "id,from,to,lithology\nZK1,0,100,sandstone\nZK1,80,150,coal\n",
    );
    info_fails(&pkg, &["intervals.csv", "ZK1", "overlap"]);
}

#[test]
fn a_raster_claiming_200000_squared_cells_is_refused_not_allocated() {
    let (_d, pkg) = package();
    let dir = pkg.join("geophysics");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let tif = dir.join("huge.tif");
    let drv = gdal::DriverManager::get_driver_by_name("GTiff").expect("gtiff");
    let opts = gdal::raster::RasterCreationOptions::from_iter(["TILED=YES", "SPARSE_OK=TRUE", "BIGTIFF=YES"]);
    let mut ds =
        drv.create_with_band_type_with_options::<f32, _>(&tif, 200_000, 200_000, 1, &opts).expect("sparse tif");
    ds.set_geo_transform(&[480_000.0, 0.01, 0.0, 4_052_000.0, 0.0, -0.01]).expect("gt");
    drop(ds);
    info_fails(&pkg, &["huge.tif", "200000 × 200000", "implausible"]);
}

#[test]
fn derive_does_not_overwrite_the_survey_or_an_existing_file() {
    let (d, pkg) = package();
    let store = d.path().join("m.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&pkg), "--out", p(&store)])), 0);
    let before = std::fs::read(&store).expect("store");
    let o = minehaz(&["derive", p(&store), "--out", p(&store), "--force"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("overwrite the survey"), "{}", stderr(&o));
    let o = minehaz(&["derive", p(&pkg), "--out", p(&pkg.join("layers.gpkg")), "--force"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(std::fs::read(&store).expect("store"), before, "the store is untouched");
    let out = d.path().join("derived.gpkg");
    assert_eq!(code(&minehaz(&["derive", p(&store), "--out", p(&out)])), 0);
    let o = minehaz(&["derive", p(&store), "--out", p(&out)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(code(&minehaz(&["derive", p(&store), "--out", p(&out), "--force"])), 0);
    // The format follows the extension: .dxf is a DXF (not a GeoPackage named .dxf), anything
    // else is refused.
    let dxf = d.path().join("x.dxf");
    assert_eq!(code(&minehaz(&["derive", p(&store), "--out", p(&dxf)])), 0);
    assert!(std::fs::read(&dxf).expect("dxf").starts_with(b"  0\nSECTION"), "a DXF");
    let o = minehaz(&["derive", p(&store), "--out", p(&d.path().join("x.shp"))]);
    assert_eq!(code(&o), 2);
    assert!(!d.path().join("x.shp").exists());
}

#[test]
fn render_refuses_bad_outputs_and_arguments_before_writing_anything() {
    let d = tempfile::tempdir().expect("tmp");
    let coal = sample("coal-mine");
    for (args, needle) in [
        (vec!["--view", "plan", "--out", "x.jpg"], "--out"),
        (vec!["--view", "section", "--section", "NaN,0,1,1", "--out", "s.png"], "--section"),
        (vec!["--view", "plan", "--layers", "workings,wrokings", "--out", "l.png"], "wrokings"),
    ] {
        let mut all = vec!["render", p(&coal)];
        let outs: Vec<String> = args
            .iter()
            .map(|a| {
                if a.ends_with(".png") || a.ends_with(".jpg") {
                    p(&d.path().join(a)).to_string()
                } else {
                    a.to_string()
                }
            })
            .collect();
        all.extend(outs.iter().map(String::as_str));
        let o = minehaz(&all);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    assert!(files_in(d.path()).is_empty(), "nothing written: {:?}", files_in(d.path()));
}

#[test]
fn a_closed_pipe_ends_info_quietly_without_a_panic() {
    // `true` exits at once without reading: every write of minehaz meets a closed pipe (with
    // `head -1` a small output could fit in the pipe before it closes, and pass untested).
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("'{}' --lang en info '{}' | true", env!("CARGO_BIN_EXE_minehaz"), p(&sample("coal-mine"))))
        .output()
        .expect("sh");
    let err = stderr(&o);
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
}

#[test]
fn a_closed_pipe_cuts_no_write_short() {
    // Commands that write files print last: `| true` must not leave a design unwritten or a
    // set of man pages half done.
    let d = tempfile::tempdir().expect("tmp");
    let store = d.path().join("m.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&sample("coal-mine")), "--out", p(&store)])), 0);
    let exe = env!("CARGO_BIN_EXE_minehaz");
    let out = d.path().join("plan.gpkg");
    let sh = |cmd: String| std::process::Command::new("sh").arg("-c").arg(cmd).output().expect("sh");
    sh(format!("'{exe}' plan '{}' --into '{}' --out '{}' | true", p(&store), p(&store), p(&out)));
    assert!(out.exists(), "--out written");
    let log = minehaz(&["audit", "log", p(&store)]);
    assert!(stdout(&log).contains("plan"), "the design is in the store: {}", stdout(&log));
    let man = d.path().join("man");
    sh(format!("'{exe}' man --out '{}' | true", p(&man)));
    let full = d.path().join("man-full");
    assert_eq!(code(&minehaz(&["man", "--out", p(&full)])), 0);
    let count = |dir: &std::path::Path| std::fs::read_dir(dir).expect("man").count();
    assert!(count(&full) > 10, "a page per subcommand");
    assert_eq!(count(&man), count(&full), "every page written despite the closed pipe");
}

#[test]
fn a_zone_prefixed_easting_in_a_crs_without_the_prefix_names_the_crs_that_fits() {
    let (_d, pkg) = package();
    let mut layers = valid_layers();
    // W1 written with the zone number 38 in front of its easting.
    layers[2].records[0].geom = Some(line(&[[38_480_100.0, 4_050_100.0, 1000.0], [38_480_400.0, 4_050_150.0, 1002.0]]));
    std::fs::remove_dir_all(&pkg).expect("rm");
    write_package(&pkg, SURVEY_TOML, &layers);
    info_fails(&pkg, &["layer workings", "feature W1", "area of use", "zone number 38", "EPSG:4526"]);
}

#[test]
fn swapped_collar_columns_are_named_as_swapped() {
    let (_d, pkg) =
        with_boreholes("id,x,y,z\nZK1,4050500,480500,1100\n", "id,depth,azimuth,dip\nZK1,0,0,-90\n", INTERVALS);
    // The problem names the real file, not a path relative to nowhere.
    let real = pkg.join("boreholes").join("collars.csv");
    info_fails(&pkg, &[p(&real), "ZK1", "swapped"]);
}

#[test]
fn a_layer_60_km_from_the_licence_is_an_error() {
    let (_d, pkg) = package();
    let mut layers = valid_layers();
    layers[1].records[1].geom = Some(square(540_000.0, 4_050_000.0, 100.0));
    std::fs::remove_dir_all(&pkg).expect("rm");
    write_package(&pkg, SURVEY_TOML, &layers);
    info_fails(&pkg, &["layer goaf", "feature G2", "more than 50 km from the licence"]);
}

#[test]
fn non_finite_positioning_fixes_are_errors_with_their_line() {
    let (_d, pkg) = package();
    std::fs::create_dir_all(pkg.join("monitoring")).expect("mkdir");
    std::fs::write(
        pkg.join("monitoring/positioning.csv"),
        "time,person_id,x,y,z\n2026-05-01T08:00:00+08:00,P1,480500,4050500,1000\n2026-05-01T08:01:00+08:00,P1,inf,4050500,1000\n",
    )
    .expect("write");
    info_fails(&pkg, &["positioning.csv", "line 3"]);
}

/// A package with `simple.las` (LAS 1.2, uncompressed) patched by `patch`.
fn with_patched_las(patch: impl FnOnce(&mut Vec<u8>)) -> (tempfile::TempDir, std::path::PathBuf) {
    let (d, pkg) = package();
    std::fs::create_dir_all(pkg.join("pointclouds")).expect("mkdir");
    let mut bytes = std::fs::read(real("pointcloud/laspy/simple.las")).expect("las");
    patch(&mut bytes);
    std::fs::write(pkg.join("pointclouds/2026-03-15.las"), &bytes).expect("write");
    (d, pkg)
}

fn put_f64(b: &mut [u8], at: usize, v: f64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

#[test]
fn las_header_with_scale_zero_or_nan_is_refused() {
    let (_d, pkg) = with_patched_las(|b| put_f64(b, 131, 0.0));
    info_fails(&pkg, &["2026-03-15.las", "x scale factor"]);
    let (_d, pkg) = with_patched_las(|b| put_f64(b, 147, f64::NAN));
    info_fails(&pkg, &["2026-03-15.las", "z scale factor"]);
}

#[test]
fn las_header_with_nan_bounds_is_refused() {
    let (_d, pkg) = with_patched_las(|b| put_f64(b, 187, f64::NAN));
    info_fails(&pkg, &["2026-03-15.las", "bounds"]);
}

#[test]
fn las_header_size_100_is_refused() {
    let (_d, pkg) = with_patched_las(|b| b[94..96].copy_from_slice(&100u16.to_le_bytes()));
    info_fails(&pkg, &["2026-03-15.las", "header size 100 bytes"]);
}

#[test]
fn las_declaring_fewer_points_than_it_holds_is_refused() {
    let (_d, pkg) = with_patched_las(|b| {
        let n = u32::from_le_bytes([b[107], b[108], b[109], b[110]]);
        b[107..111].copy_from_slice(&(n - 10).to_le_bytes());
    });
    info_fails(&pkg, &["2026-03-15.las", "point records"]);
}

#[test]
fn a_corrupt_laz_is_not_rendered_as_an_empty_cloud() {
    let d = tempfile::tempdir().expect("tmp");
    let pit = d.path().join("open-pit");
    let src = sample("open-pit");
    assert!(
        src.join("pointclouds/2026-09-15.laz").exists(),
        "the open pit's epochs are generated by scripts/samples.sh (check.sh runs it)"
    );
    for dir in ["", "pointclouds"] {
        let from = src.join(dir);
        std::fs::create_dir_all(pit.join(dir)).expect("mkdir");
        for e in std::fs::read_dir(&from).expect("ls").flatten() {
            if e.path().is_file() {
                std::fs::copy(e.path(), pit.join(dir).join(e.file_name())).expect("copy");
            }
        }
    }
    let laz = pit.join("pointclouds/2026-09-15.laz");
    let mut bytes = std::fs::read(&laz).expect("laz");
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 4096] {
        *b ^= 0x5A;
    }
    std::fs::write(&laz, &bytes).expect("write");
    let out = d.path().join("pit.png");
    let o = minehaz(&["render", p(&pit), "--view", "plan", "--layers", "pointcloud", "--out", p(&out)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("2026-09-15.laz"), "{}", stderr(&o));
    assert!(!out.exists(), "no image of a cloud that could not be read");
}

#[test]
fn a_truncated_dxf_adds_nothing_to_the_store() {
    let (d, pkg) = package();
    let store = d.path().join("m.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&pkg), "--out", p(&store)])), 0);
    // sic97's four border polylines, cut in the middle of the second.
    let full = std::fs::read(real("vector/dxf/sic97_borders.dxf")).expect("dxf");
    let cut = d.path().join("cut.dxf");
    std::fs::write(&cut, &full[..full.len() / 2]).expect("write");
    let before = std::fs::read(&store).expect("store");
    let o = minehaz(&["import-layer", p(&cut), "--kind", "faults", "--into", p(&store), "--source-crs", "EPSG:4547"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("cut.dxf") && stderr(&o).contains("truncated"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&store).expect("store"), before, "no features and no audit row added");
}

#[test]
fn a_damaged_store_fails_info_and_audit_verify() {
    let (d, pkg) = package();
    let store = d.path().join("m.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&pkg), "--out", p(&store)])), 0);
    assert_eq!(code(&minehaz(&["audit", "verify", p(&store)])), 0);
    // Scribble over pages past the schema (the feature tables), as a copy without its journal
    // after a crash can leave them.
    let mut bytes = std::fs::read(&store).expect("store");
    let page = 4096;
    // A page of feature-table data (a style's QML text), not the schema, wherever the tables
    // happen to lie.
    let at = bytes.windows(5).rposition(|w| w == b"<qgis").expect("a layer style in the store");
    let from = at / page * page;
    for b in &mut bytes[from..from + page] {
        *b = 0xA5;
    }
    std::fs::write(&store, &bytes).expect("write");
    let o = minehaz(&["audit", "verify", p(&store)]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("STORE DAMAGED"), "the integrity check found it: {}", stdout(&o));
    let o = minehaz(&["info", p(&store)]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("m.gpkg") && stderr(&o).contains("damaged"), "{}", stderr(&o));
}

#[test]
fn stale_temporary_stores_of_a_killed_import_are_removed() {
    let (d, pkg) = package();
    let stale = d.path().join(".m.gpkg.AbC123.tmp.gpkg");
    std::fs::write(&stale, b"half a store").expect("write");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&stale).expect("open").set_modified(old).expect("mtime");
    let fresh = d.path().join(".m.gpkg.XyZ789.tmp.gpkg");
    std::fs::write(&fresh, b"an import in progress").expect("write");
    assert_eq!(code(&minehaz(&["import", p(&pkg), "--out", p(&d.path().join("m.gpkg"))])), 0);
    assert!(!stale.exists(), "the stale one is removed");
    assert!(fresh.exists(), "a recent one may belong to a running import");
}

#[test]
fn a_survey_toml_type_error_names_its_section_and_key() {
    let (_d, pkg) = package();
    let toml = SURVEY_TOML.replace("z_top = 1150.0", "z_top = \"abc\"");
    std::fs::write(pkg.join("survey.toml"), toml).expect("write");
    info_fails(&pkg, &["survey.toml", "layer licence", "field z_top", "line"]);
}

#[test]
fn invalid_parameters_are_refused_by_info_and_import_as_by_check() {
    let (d, pkg) = package();
    std::fs::write(pkg.join("survey.toml"), format!("{SURVEY_TOML}\n[parameters]\nboundary_pillar_m = -50.0\n"))
        .expect("write");
    info_fails(&pkg, &["boundary_pillar_m"]);
    let o = minehaz(&["import", p(&pkg), "--out", p(&d.path().join("m.gpkg"))]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(!d.path().join("m.gpkg").exists());
}

/// `export --format dxf`: R2000, GBK, one layer per map element with Chinese names, Z kept,
/// labels as TEXT; read back through GDAL (the same reader QGIS uses).
#[test]
fn dxf_export_round_trips_through_gdal_with_layers_counts_z_and_chinese_text() {
    use minehaz_core::model::record::{Geom, Value};
    let d = tempfile::tempdir().expect("tmp");
    let coal = sample("coal-mine");
    let out = d.path().join("plan.dxf");
    let o = minehaz(&["export", p(&coal), "--format", "dxf", "--out", p(&out)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let bytes = std::fs::read(&out).expect("dxf");
    let head = String::from_utf8_lossy(&bytes[..4000.min(bytes.len())]).to_string();
    assert!(head.contains("AC1015") && head.contains("ANSI_936"), "R2000, GBK");
    assert!(std::str::from_utf8(&bytes).is_err(), "Chinese text is GBK, not UTF-8");
    let (gbk, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad && gbk.contains("巷道") && gbk.contains("探水线"));
    let survey = minehaz_core::io::open(&coal).expect("sample");
    let ds = minehaz_core::io::gdal_vector::open_vector(&out).expect("open");
    let l = minehaz_core::io::gdal_vector::read_layer(&ds, "entities", &out, &mut Default::default()).expect("read");
    let layer_of = |r: &minehaz_core::model::record::Record| match r.get("Layer") {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    };
    let drawn = |name: &str| {
        l.records.iter().filter(|r| layer_of(r) == name && !matches!(r.geom, Some(Geom::Point { .. }))).count()
    };
    assert_eq!(drawn("巷道"), survey.layers.workings.len());
    assert_eq!(drawn("断层"), survey.layers.faults.len());
    let rings: usize =
        survey.layers.goaf.iter().filter(|g| g.water != Some(true)).map(|g| 1 + g.outline.interiors().len()).sum();
    assert_eq!(drawn("采空区"), rings);
    for name in ["采矿许可范围", "积水线", "探水线", "警戒线", "禁采区", "境界煤柱", "钻孔"] {
        assert!(l.records.iter().any(|r| layer_of(r) == name), "layer {name}");
    }
    // Z kept: a working's vertices come back with their elevations.
    let w = &survey.layers.workings[0];
    let back = l
        .records
        .iter()
        .filter(|r| layer_of(r) == "巷道")
        .find_map(|r| match &r.geom {
            Some(Geom::Line { coords, .. })
                if (coords[0][0] - w.line[0][0]).abs() < 1e-6 && (coords[0][1] - w.line[0][1]).abs() < 1e-6 =>
            {
                Some(coords.clone())
            }
            _ => None,
        })
        .expect("the working is there");
    assert!(back.iter().zip(&w.line).all(|(a, b)| (a[2] - b[2]).abs() < 1e-6), "z kept");
    // Labels as TEXT, Chinese decoded.
    assert!(l.records.iter().any(|r| matches!(r.get("Text"), Some(Value::Text(t)) if t.contains("老空区"))));
    // An existing file needs --force; derive writes its layers as DXF by extension.
    assert_eq!(code(&minehaz(&["export", p(&coal), "--out", p(&out)])), 2);
    let dx = d.path().join("derived.dxf");
    let o = minehaz(&["derive", p(&coal), "--out", p(&dx)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let raw = std::fs::read(&dx).expect("dxf");
    let (t, _, _) = encoding_rs::GBK.decode(&raw);
    assert!(t.contains("探水线") && !t.contains("巷道"));
}

/// The CAD side of the round trip: ezdxf (the reader CAD scripts use) opens the export
/// without audit errors and sees the layers, their standard colours, the water lines' own
/// linetypes, the counts, Z and the Chinese labels.
#[test]
fn dxf_export_reads_back_in_ezdxf_with_colours_linetypes_counts_and_z() {
    let d = tempfile::tempdir().expect("tmp");
    let coal = sample("coal-mine");
    let out = d.path().join("plan.dxf");
    let o = minehaz(&["export", p(&coal), "--format", "dxf", "--out", p(&out)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let script = r#"
import json, sys, ezdxf
doc = ezdxf.readfile(sys.argv[1])
auditor = doc.audit()
msp = doc.modelspace()
counts, texts, ltypes, first = {}, [], {}, {}
for e in msp:
    layer = e.dxf.layer
    kind = e.dxftype()
    if kind == "TEXT":
        texts.append(e.dxf.text)
        continue
    if kind == "POINT":
        continue
    counts[layer] = counts.get(layer, 0) + 1
    lt = e.dxf.get("linetype", "BYLAYER")
    ltypes.setdefault(layer, set()).add(lt)
    if layer not in first:
        if kind == "POLYLINE":
            first[layer] = [list(v) for v in e.points()]
        elif kind == "LWPOLYLINE":
            z = e.dxf.elevation
            first[layer] = [[x, y, z] for x, y in e.get_points("xy")]
        elif kind == "LINE":
            first[layer] = [list(e.dxf.start), list(e.dxf.end)]
patterns = {}
for lt in doc.linetypes:
    pat = lt.pattern_tags.tags
    vals = [t.value for t in pat if t.code == 49]
    patterns[lt.dxf.name] = vals
print(json.dumps({
    "version": doc.dxfversion,
    "codepage": doc.header.get("$DWGCODEPAGE", ""),
    "audit_errors": len(auditor.errors),
    "colours": {l.dxf.name: l.dxf.color for l in doc.layers},
    "counts": counts,
    "linetypes": {k: sorted(v) for k, v in ltypes.items()},
    "patterns": patterns,
    "first": first,
    "texts": texts,
}, ensure_ascii=False))
"#;
    let run = std::process::Command::new("python3")
        .args(["-c", script, p(&out)])
        .output()
        .expect("python3 is needed (and ezdxf: pip install ezdxf)");
    assert!(run.status.success(), "ezdxf failed (pip install ezdxf): {}", String::from_utf8_lossy(&run.stderr));
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json from the ezdxf script");
    assert_eq!(v["version"], "AC1015", "R2000");
    assert_eq!(v["codepage"], "ANSI_936", "GBK");
    assert_eq!(v["audit_errors"], 0, "ezdxf's audit finds no error: {v}");
    // The standard colours (REFERENCE.md S93): 积水线 black/white, 探水线 red, 警戒线 blue.
    for (layer, aci) in [("积水线", 7), ("探水线", 1), ("警戒线", 5), ("巷道", 7), ("采空区", 8)] {
        assert_eq!(v["colours"][layer], aci, "colour of layer {layer}: {}", v["colours"]);
    }
    let survey = minehaz_core::io::open(&coal).expect("sample");
    let count = |layer: &str| v["counts"][layer].as_u64().unwrap_or(0) as usize;
    assert_eq!(count("巷道"), survey.layers.workings.len());
    assert_eq!(count("断层"), survey.layers.faults.len());
    let rings: usize =
        survey.layers.goaf.iter().filter(|g| g.water != Some(true)).map(|g| 1 + g.outline.interiors().len()).sum();
    assert_eq!(count("采空区"), rings);
    assert!(count("探水线") > 0 && count("警戒线") > 0, "water lines drawn: {}", v["counts"]);
    // The water lines carry their own linetypes: 探水线 dashed 30 m / 15 m (6 mm / 3 mm at
    // 1:5000), 警戒线 dash-dot 40 / 12.5 / 5 / 12.5 m; the other layers are continuous.
    let pattern_of = |layer: &str| -> Vec<f64> {
        let names = v["linetypes"][layer].as_array().expect("linetypes of the layer");
        assert_eq!(names.len(), 1, "one linetype on {layer}: {names:?}");
        let name = names[0].as_str().expect("name");
        v["patterns"][name].as_array().map(|a| a.iter().filter_map(|x| x.as_f64()).collect()).unwrap_or_default()
    };
    let close = |a: &[f64], b: &[f64]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6);
    let dash = pattern_of("探水线");
    assert!(close(&dash, &[30.0, -15.0]), "探水线 pattern {dash:?}");
    let dash_dot = pattern_of("警戒线");
    assert!(close(&dash_dot, &[40.0, -12.5, 5.0, -12.5]), "警戒线 pattern {dash_dot:?}");
    assert!(pattern_of("巷道").is_empty(), "巷道 is continuous");
    // Z kept on the first working drawn.
    let first: Vec<[f64; 3]> = v["first"]["巷道"]
        .as_array()
        .expect("a working")
        .iter()
        .map(|c| {
            let c: Vec<f64> = c.as_array().expect("xyz").iter().filter_map(|x| x.as_f64()).collect();
            [c[0], c[1], c[2]]
        })
        .collect();
    let w = survey
        .layers
        .workings
        .iter()
        .find(|w| (w.line[0][0] - first[0][0]).abs() < 1e-6 && (w.line[0][1] - first[0][1]).abs() < 1e-6)
        .expect("the first drawn working is a survey working");
    assert_eq!(first.len(), w.line.len());
    assert!(first.iter().zip(&w.line).all(|(a, b)| (a[2] - b[2]).abs() < 1e-6), "z kept: {first:?}");
    let texts: Vec<&str> = v["texts"].as_array().expect("texts").iter().filter_map(|t| t.as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("老空区")), "Chinese labels decoded: {texts:?}");
}

/// The sample lies a few km from the test licence: a local grid of the same CRS puts its
/// drawings over it (a pure translation).
const SAMPLE_OVER_TEST_LICENCE: &str =
    "+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=497000 +y_0=0 +ellps=GRS80 +units=m +no_defs";

/// A store of the test package in `dir`, and `import-layer` of the 禁采区 layer of `dxf` (a
/// drawing of the coal-mine sample) into it as no-mining zones: the store, how many no-mining
/// zones the sample has, and the run.
fn import_no_mining_zones(
    dir: &std::path::Path,
    dxf: &std::path::Path,
) -> (std::path::PathBuf, usize, std::process::Output) {
    let (_k, pkg) = package();
    let store = dir.join("m.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&pkg), "--out", p(&store)])), 0);
    let survey = minehaz_core::io::open(&sample("coal-mine")).expect("sample");
    let no_mining = survey.layers.zones.iter().filter(|z| z.class == minehaz_core::model::ZoneClass::NoMining).count();
    let o = minehaz(&[
        "import-layer",
        p(dxf),
        "--kind",
        "zones",
        "--into",
        p(&store),
        "--source-crs",
        SAMPLE_OVER_TEST_LICENCE,
        "--dxf-layer",
        "禁采区",
        "--set",
        "class=no_mining",
    ]);
    (store, no_mining, o)
}

/// A CAD drawing with several layers and text (minehaz's own DXF export of the sample, read as
/// a surveyor's drawing): `--dxf-layer` picks one layer, text is skipped, closed polylines
/// become polygons for a polygon kind, ids come from handles with the file name as prefix,
/// `--where` filters further, and a filter that matches nothing is an error.
#[test]
fn dxf_layer_selection_text_skipping_closed_polylines_and_handle_ids() {
    let d = tempfile::tempdir().expect("tmp");
    let coal = sample("coal-mine");
    let dxf = d.path().join("plan.dxf");
    assert_eq!(code(&minehaz(&["export", p(&coal), "--out", p(&dxf)])), 0);
    let (store, no_mining, o) = import_no_mining_zones(d.path(), &dxf);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("text annotations"), "{}", stderr(&o));
    let s = minehaz_core::io::open(&store).expect("store");
    assert_eq!(s.layers.zones.len(), no_mining, "one polygon per closed outline");
    assert!(
        s.layers.zones.iter().all(|z| z.id.starts_with("plan:")),
        "{:?}",
        s.layers.zones.iter().map(|z| &z.id).collect::<Vec<_>>()
    );
    let o = minehaz(&[
        "import-layer",
        p(&dxf),
        "--kind",
        "faults",
        "--into",
        p(&store),
        "--source-crs",
        SAMPLE_OVER_TEST_LICENCE,
        "--dxf-layer",
        "断层",
        "--where",
        "EntityHandle = 'nothing'",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no feature matches"), "{}", stderr(&o));
}

/// A UTF-8 drawing of AutoCAD 2007+ (AC1021) imports without mojibake, although its
/// `$DWGCODEPAGE` says ANSI_1252 as AutoCAD writes it: its Chinese layer names match
/// `--dxf-layer` (GDAL alone decodes it as Latin-1, and the layer is not found).
#[test]
fn a_utf8_dxf_of_autocad_2007_imports_without_mojibake() {
    let d = tempfile::tempdir().expect("tmp");
    let coal = sample("coal-mine");
    let gbk = d.path().join("plan.dxf");
    assert_eq!(code(&minehaz(&["export", p(&coal), "--out", p(&gbk)])), 0);
    let bytes = std::fs::read(&gbk).expect("dxf");
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad && text.contains("AC1015") && text.contains("ANSI_936"));
    let r2007 = text.replacen("AC1015", "AC1021", 1).replacen("ANSI_936", "ANSI_1252", 1);
    let dxf = d.path().join("plan2007.dxf");
    std::fs::write(&dxf, r2007.as_bytes()).expect("write");
    let (store, no_mining, o) = import_no_mining_zones(d.path(), &dxf);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = minehaz_core::io::open(&store).expect("store");
    assert_eq!(s.layers.zones.len(), no_mining);
}

/// A GBK shapefile without a .cpg decodes the same through `import-layer` as in a survey
/// package (GDAL alone would read it as ISO-8859-1: mojibake).
#[test]
fn a_gbk_shapefile_without_cpg_imports_without_mojibake() {
    use gdal::vector::{LayerAccess, LayerOptions, OGRFieldType};
    let d = tempfile::tempdir().expect("tmp");
    let shp = d.path().join("goaf_gbk.shp");
    {
        let drv = gdal::DriverManager::get_driver_by_name("ESRI Shapefile").expect("driver");
        let mut ds = drv.create_vector_only(&shp).expect("create");
        let srs = gdal::spatial_ref::SpatialRef::from_epsg(4547).expect("srs");
        let layer = ds
            .create_layer(LayerOptions {
                name: "goaf_gbk",
                srs: Some(&srs),
                ty: gdal::vector::OGRwkbGeometryType::wkbPolygon,
                options: Some(&["ENCODING=CP936"]),
            })
            .expect("layer");
        layer
            .create_defn_fields(&[
                ("id", OGRFieldType::OFTString),
                ("name", OGRFieldType::OFTString),
                ("water", OGRFieldType::OFTInteger),
            ])
            .expect("fields");
        let g =
            gdal::vector::Geometry::from_wkt("POLYGON ((480500 4050500,480700 4050500,480700 4050700,480500 4050500))")
                .expect("wkt");
        let defn = layer.defn();
        let mut f = gdal::vector::Feature::new(defn).expect("feature");
        f.set_field_string(0, "G9").expect("id");
        f.set_field_string(1, "三号煤老空区").expect("name");
        f.set_field_integer(2, 1).expect("water");
        f.set_geometry(g.clone()).expect("geom");
        f.create(&layer).expect("create");
        let mut f = gdal::vector::Feature::new(defn).expect("feature");
        f.set_field_string(0, "G10").expect("id");
        f.set_field_string(1, "二号煤老空区").expect("name");
        f.set_field_integer(2, 1).expect("water");
        f.set_geometry(g).expect("geom");
        f.create(&layer).expect("create");
    }
    let _ = std::fs::remove_file(d.path().join("goaf_gbk.cpg"));
    let dbf = std::fs::read(d.path().join("goaf_gbk.dbf")).expect("dbf");
    assert!(std::str::from_utf8(&dbf).is_err(), "the table is GBK");
    let (_k, pkg) = package();
    let store = d.path().join("m.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&pkg), "--out", p(&store)])), 0);
    let o = minehaz(&["import-layer", p(&shp), "--kind", "goaf", "--into", p(&store)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = minehaz_core::io::open(&store).expect("store");
    let g = s.layers.goaf.iter().find(|g| g.id == "G9").expect("G9");
    assert_eq!(g.name.as_deref(), Some("三号煤老空区"));
    // `--where` on a Chinese value selects in the same decoding: G9 only, its name intact.
    let store2 = d.path().join("m2.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&pkg), "--out", p(&store2)])), 0);
    let o =
        minehaz(&["import-layer", p(&shp), "--kind", "goaf", "--into", p(&store2), "--where", "name = '三号煤老空区'"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = minehaz_core::io::open(&store2).expect("store");
    let new: Vec<(&str, Option<&str>)> = s
        .layers
        .goaf
        .iter()
        .filter(|g| g.id.starts_with("G9") || g.id.starts_with("G10"))
        .map(|g| (g.id.as_str(), g.name.as_deref()))
        .collect();
    assert_eq!(new, vec![("G9", Some("三号煤老空区"))]);
}

#[test]
fn a_store_moved_away_from_its_laz_files_opens_with_a_warning() {
    let d = tempfile::tempdir().expect("tmp");
    let store = d.path().join("pit.gpkg");
    let o = minehaz(&["import", p(&sample("open-pit")), "--out", p(&store)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let elsewhere = tempfile::tempdir().expect("tmp");
    // Deeper than before: the relative path to the LAZ files no longer resolves.
    std::fs::create_dir_all(elsewhere.path().join("a/b/c")).expect("mkdir");
    let moved = elsewhere.path().join("a/b/c/pit.gpkg");
    std::fs::copy(&store, &moved).expect("copy");
    let o = minehaz(&["info", p(&moved), "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["pointclouds"].as_array().map(Vec::len), Some(0));
    assert!(v["warnings"].to_string().contains("was the store moved"), "{}", v["warnings"]);
    let o = minehaz(&["check", p(&moved), "--format", "json", "--as-of", "2026-11-29"]);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert!(r["not_evaluated"].to_string().contains("slope.bench_height"), "{}", r["not_evaluated"]);
}

#[test]
fn info_gives_the_bounds_of_boreholes_and_positioning() {
    let o = minehaz(&["info", p(&sample("coal-mine")), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let s = minehaz_core::io::open(&sample("coal-mine")).expect("sample");
    let bx = v["boreholes"]["bounds"].as_array().expect("bounds");
    let min_x = s.boreholes.iter().map(|b| b.collar.x).fold(f64::INFINITY, f64::min);
    assert!((bx[0].as_f64().expect("x") - min_x).abs() < 1e-9);
    let px = v["positioning"]["bounds"].as_array().expect("bounds");
    let max_y = s.positioning.iter().map(|f| f.pos[1]).fold(f64::NEG_INFINITY, f64::max);
    assert!((px[4].as_f64().expect("y") - max_y).abs() < 1e-9);
}

/// The licence and a goaf written in Xi'an 1980 / GK CM 114E (EPSG:2383) into a CGCS2000 mine.
fn xian80_package(crs_section: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (d, pkg) = package();
    let mut layers = valid_layers();
    layers[1].crs = "EPSG:2383";
    std::fs::remove_dir_all(&pkg).expect("rm");
    write_package(&pkg, &format!("{SURVEY_TOML}\n{crs_section}"), &layers);
    (d, pkg)
}

fn goaf_g1(pkg: &std::path::Path) -> [f64; 2] {
    let s = minehaz_core::io::open(pkg).expect("opens");
    let c = s.layers.goaf[0].outline.exterior().0[0];
    [c.x, c.y]
}

#[test]
fn a_ballpark_datum_transformation_is_a_warning_and_towgs84_gives_the_official_one() {
    let (_d, pkg) = xian80_package("");
    let o = minehaz(&["info", p(&pkg)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("ballpark") && all.contains("towgs84"), "{all}");
    let ballpark = goaf_g1(&pkg);
    // Zero parameters: the same place as the ballpark within centimetres (no shift; the
    // ellipsoid change through geocentric coordinates differs from the ballpark's geographic
    // offset by a few cm), and no warning.
    let (_d0, pkg0) = xian80_package("[crs]\ntowgs84 = [0.0, 0.0, 0.0]\n");
    let o = minehaz(&["info", p(&pkg0)]);
    assert!(!format!("{}{}", stdout(&o), stderr(&o)).contains("ballpark"));
    let zero = goaf_g1(&pkg0);
    assert!((zero[0] - ballpark[0]).hypot(zero[1] - ballpark[1]) < 0.1, "{zero:?} vs {ballpark:?}");
    // A 3-parameter shift (about 160 m geocentric, mostly vertical) moves the goaf in plan by tens of metres.
    let (_d1, pkg1) = xian80_package("[crs]\ntowgs84 = [24.0, -123.0, -94.0]\n");
    let shifted = goaf_g1(&pkg1);
    let moved = (shifted[0] - ballpark[0]).hypot(shifted[1] - ballpark[1]);
    assert!((10.0..300.0).contains(&moved), "moved {moved} m");
    // A malformed parameter list is an error naming the key.
    let (_d2, pkg2) = xian80_package("[crs]\ntowgs84 = [1.0, 2.0]\n");
    info_fails(&pkg2, &["survey.toml", "field towgs84"]);
}

/// The workings written in CGCS2000 with the zone prefix (EPSG:4526: the same place, easting +
/// 38 000 000) beside the Xi'an 80 goaf of `xian80_package`.
fn xian80_and_prefixed_package(crs_section: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (d, pkg) = package();
    let mut layers = valid_layers();
    layers[1].crs = "EPSG:2383";
    layers[2].crs = "EPSG:4526";
    for r in &mut layers[2].records {
        if let Some(Geom::Line { coords, .. }) = &mut r.geom {
            coords.iter_mut().for_each(|c| c[0] += 38_000_000.0);
        }
    }
    std::fs::remove_dir_all(&pkg).expect("rm");
    write_package(&pkg, &format!("{SURVEY_TOML}\n{crs_section}"), &layers);
    (d, pkg)
}

#[test]
fn the_datum_shift_applies_only_to_the_layers_it_is_for() {
    // The Xi'an 80 → CGCS2000 shift moves the goaf; it must not move the workings, which are
    // already in CGCS2000 (with and without `from`), and with `from` naming another CRS it
    // moves nothing.
    let workings_at = |pkg: &std::path::Path| {
        let s = minehaz_core::io::open(pkg).expect("opens");
        s.layers.workings[0].line[0]
    };
    let (_d0, plain) = xian80_and_prefixed_package("");
    let reference = workings_at(&plain);
    let want = valid_layers()[2].records[0].geom.clone();
    let Some(Geom::Line { coords, .. }) = want else { panic!("a line") };
    assert!((reference[0] - coords[0][0]).hypot(reference[1] - coords[0][1]) < 1e-3, "{reference:?} vs {coords:?}");
    for section in
        ["[crs]\ntowgs84 = [24.0, -123.0, -94.0]\n", "[crs]\ntowgs84 = [24.0, -123.0, -94.0]\nfrom = \"EPSG:2383\"\n"]
    {
        let (_d, pkg) = xian80_and_prefixed_package(section);
        let w = workings_at(&pkg);
        assert!((w[0] - reference[0]).hypot(w[1] - reference[1]) < 1e-3, "{section}: workings moved to {w:?}");
        let moved = goaf_g1(&pkg);
        let (_e, base) = xian80_package("");
        let b = goaf_g1(&base);
        assert!((moved[0] - b[0]).hypot(moved[1] - b[1]) > 10.0, "{section}: the goaf got the shift");
    }
    let (_d3, other) = xian80_package("[crs]\ntowgs84 = [24.0, -123.0, -94.0]\nfrom = \"EPSG:2384\"\n");
    let (_e, base) = xian80_package("");
    let (g, b) = (goaf_g1(&other), goaf_g1(&base));
    assert!((g[0] - b[0]).hypot(g[1] - b[1]) < 1e-6, "from names another CRS: no shift");
    let (_d4, bad) = xian80_package("[crs]\ntowgs84 = [24.0, -123.0, -94.0]\nfrom = \"EPSG:99999999\"\n");
    info_fails(&bad, &["survey.toml", "crs", "from"]);
}

#[test]
fn unknown_survey_toml_keys_are_warnings() {
    let (_d, pkg) = package();
    std::fs::write(pkg.join("survey.toml"), SURVEY_TOML.replace("z_top = 1150.0", "z_top = 1150.0\nz_tpo = 1100.0"))
        .expect("write");
    let o = minehaz(&["info", p(&pkg)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("unknown key licence.z_tpo"), "{all}");
}

/// With `--format json` the reading's warnings come as JSON objects, one a line on stderr
/// (file, layer, feature, field, line, message), and the report on stdout keeps its contract.
#[test]
fn json_formats_give_their_warnings_as_located_objects() {
    let (_d, pkg) = package();
    std::fs::write(pkg.join("survey.toml"), SURVEY_TOML.replace("z_top = 1150.0", "z_top = 1150.0\nz_tpo = 1100.0"))
        .expect("write");
    for args in [vec!["check", p(&pkg), "--format", "json"], vec!["plan", p(&pkg), "--format", "json"]] {
        let o = minehaz(&args);
        assert!(code(&o) != 2, "{args:?}: {}", stderr(&o));
        let report: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("the report is JSON");
        // stdout keeps its contract (RULES.md's report has no warnings; PLANNING.md's plan has
        // its own, of the rules).
        if args[0] == "check" {
            assert!(report.get("warnings").is_none(), "stdout keeps its contract");
        }
        let warnings: Vec<serde_json::Value> = stderr(&o)
            .lines()
            .filter(|l| l.starts_with('{'))
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        let w = warnings
            .iter()
            .find(|w| w["message"].as_str().is_some_and(|m| m.contains("licence.z_tpo")))
            .unwrap_or_else(|| panic!("{args:?}: {}", stderr(&o)));
        for key in ["file", "layer", "feature", "field", "line", "message"] {
            assert!(w.get(key).is_some(), "{key} in {w}");
        }
        assert!(w["file"].as_str().is_some_and(|f| f.ends_with("survey.toml")), "{w}");
    }
}

/// The store carries a `layer_styles` table (QGIS's GeoPackage convention): one default QML
/// style per vector layer, naming the real geometry column, in minehaz's colours.
#[test]
fn the_store_opens_in_qgis_with_minehaz_colours() {
    use gdal::vector::LayerAccess;
    let d = tempfile::tempdir().expect("tmp");
    let store = d.path().join("m.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&sample("coal-mine")), "--out", p(&store)])), 0);
    let ds = minehaz_core::io::gdal_vector::open_vector(&store).expect("open");
    let styles = minehaz_core::io::gdal_vector::read_layer(&ds, "layer_styles", &store, &mut Default::default())
        .expect("layer_styles");
    let text = |r: &minehaz_core::model::record::Record, k: &str| match r.get(k) {
        Some(minehaz_core::model::record::Value::Text(s)) => s.clone(),
        _ => String::new(),
    };
    for name in minehaz_core::model::Layers::NAMES {
        let r = styles
            .records
            .iter()
            .find(|r| text(r, "f_table_name") == *name)
            .unwrap_or_else(|| panic!("style of {name}"));
        let layer = ds.layer_by_name(name).expect("layer");
        let geom_col = layer.defn().geom_fields().next().map(|g| g.name()).unwrap_or_default();
        assert_eq!(text(r, "f_geometry_column"), geom_col, "{name}");
        let qml = text(r, "styleQML");
        assert!(qml.starts_with("<!DOCTYPE qgis") && qml.ends_with("</qgis>") && qml.contains("singleSymbol"), "{qml}");
        assert_eq!(
            qml.matches("<Option").count(),
            qml.matches("/>").count() + qml.matches("</Option>").count(),
            "balanced: {qml}"
        );
        assert!(matches!(r.get("useAsDefault"), Some(minehaz_core::model::record::Value::Int(1))));
    }
    let goaf = styles.records.iter().find(|r| text(r, "f_table_name") == "goaf").expect("goaf");
    assert!(text(goaf, "styleQML").contains("SimpleFill") && text(goaf, "styleQML").contains("128,128,128"));
    let faults = styles.records.iter().find(|r| text(r, "f_table_name") == "faults").expect("faults");
    assert!(text(faults, "styleQML").contains("SimpleLine") && text(faults, "styleQML").contains("220,0,0,255"));
}

#[test]
fn the_vertical_datum_of_a_compound_mine_crs_is_noted() {
    let (_d, pkg) = package();
    std::fs::write(pkg.join("survey.toml"), SURVEY_TOML.replace("crs = \"EPSG:4547\"", "crs = \"EPSG:4547+5737\""))
        .expect("write");
    let o = minehaz(&["info", p(&pkg)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("vertical datum: Yellow Sea 1985"), "{all}");
}

/// `import-layer` killed (SIGKILL) at 24 moments of a 20 000-zone append: the store
/// holds every zone it had, and either none of the new ones or all of them, never a part; it
/// opens, passes SQLite's integrity check and its audit chain verifies. The append is one
/// SQLite transaction in the default rollback-journal mode, and the next command that opens the
/// store rolls an interrupted one back (the journal beside it is part of the store until then).
#[test]
fn import_layer_killed_at_any_moment_appends_all_or_nothing() {
    use std::process::{Command, Stdio};
    let d = tempfile::tempdir().expect("tmp");
    let (_k, pkg) = package();
    let pristine = d.path().join("pristine.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&pkg), "--out", p(&pristine)])), 0);
    let zones = |store: &std::path::Path| minehaz_core::io::open(store).expect("the store opens").layers.zones.len();
    let before = zones(&pristine);
    // 20 000 small squares inside the licence (480 000–482 000, 4 050 000–4 052 000).
    let n = 20_000;
    let mut feats = Vec::with_capacity(n);
    for k in 0..n {
        let (x, y) = (480_010.0 + (k % 141) as f64 * 14.0, 4_050_010.0 + (k / 141) as f64 * 14.0);
        feats.push(format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"K{k}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}}}",
            x + 10.0,
            x + 10.0,
            y + 10.0,
            y + 10.0
        ));
    }
    let src = d.path().join("zones.geojson");
    std::fs::write(&src, format!("{{\"type\":\"FeatureCollection\",\"features\":[{}]}}", feats.join(",")))
        .expect("write");
    let args = |store: &std::path::Path| {
        vec![
            "--lang".to_string(),
            "en".into(),
            "import-layer".into(),
            p(&src).into(),
            "--kind".into(),
            "zones".into(),
            "--into".into(),
            p(store).into(),
            "--source-crs".into(),
            "EPSG:4547".into(),
            "--set".into(),
            "class=no_mining".into(),
        ]
    };
    // One whole run: how long the append takes, and what it gives.
    let whole = d.path().join("whole.gpkg");
    std::fs::copy(&pristine, &whole).expect("copy");
    let t = std::time::Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_minehaz")).args(args(&whole)).env("USER", "tester").output().expect("run");
    let took = t.elapsed();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(zones(&whole), before + n);
    let (mut none, mut all, mut hot) = (0, 0, 0);
    let trials = 24;
    for k in 0..trials {
        let store = d.path().join(format!("t{k}.gpkg"));
        std::fs::copy(&pristine, &store).expect("copy");
        let journal = store.with_extension("gpkg-journal");
        let mut child = Command::new(env!("CARGO_BIN_EXE_minehaz"))
            .args(args(&store))
            .env("USER", "tester")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        if k < 4 {
            // While it reads and validates the source: before the transaction.
            std::thread::sleep(std::time::Duration::from_millis(5 + 20 * k as u64));
        } else {
            // Once the transaction has begun (its journal exists), at spread-out moments of it
            // and past its end; the machine's load does not decide where the kills land.
            let t0 = std::time::Instant::now();
            while !journal.exists() && t0.elapsed() < took * 4 && child.try_wait().ok().flatten().is_none() {
                std::thread::sleep(std::time::Duration::from_micros(500));
            }
            std::thread::sleep(took.mul_f64(0.05 * f64::from(k - 4) / 2.0));
        }
        let _ = child.kill();
        let _ = child.wait();
        if std::fs::metadata(store.with_extension("gpkg-journal")).is_ok_and(|m| m.len() > 0) {
            hot += 1;
        }
        let o = minehaz(&["info", p(&store)]);
        assert_eq!(code(&o), 0, "trial {k}: the store opens: {}", stderr(&o));
        let o = minehaz(&["audit", "verify", p(&store)]);
        assert_eq!(code(&o), 0, "trial {k}: integrity and audit chain: {}{}", stdout(&o), stderr(&o));
        match zones(&store) - before {
            0 => none += 1,
            m if m == n => all += 1,
            m => panic!("trial {k}: {m} of {n} zones appended"),
        }
    }
    assert_eq!(none + all, trials);
    eprintln!("import-layer kill -9: {trials} trials, {none} nothing, {all} everything, {hot} with a hot journal (a whole run {took:?})");
    // The kills landed before and inside the transaction.
    assert!(none >= 4, "the early kills append nothing: {none}");
    assert!(hot > 0, "no kill landed inside the transaction (took {took:?})");
}

/// The `updated` values of the workings as a store gives them back, by id.
fn updated_in(store: &std::path::Path) -> Vec<(String, Option<String>)> {
    let s = minehaz_core::io::open(store).expect("store");
    let mut v: Vec<_> = s.layers.workings.iter().map(|w| (w.id.clone(), w.updated.clone())).collect();
    v.sort();
    v
}

/// The OGR type of a store column, as QGIS sees it.
fn column_type(store: &std::path::Path, layer: &str, field: &str) -> u32 {
    use gdal::vector::LayerAccess;
    let ds = gdal::Dataset::open(store).expect("open");
    let l = ds.layer_by_name(layer).expect("layer");
    let ty = l.defn().fields().find(|f| f.name() == field).map(|f| f.field_type()).expect("field");
    ty
}

/// Dates are DATE columns in the store, dates with times DATETIME, and both read back as they
/// were written; an offset other than UTC (which GeoPackage cannot hold) keeps a TEXT column.
#[test]
fn dates_are_date_and_datetime_columns_in_the_store_and_read_back_as_written() {
    use gdal::vector::OGRFieldType as F;
    let d = tempfile::tempdir().expect("tmp");
    // The sample: plain dates everywhere.
    let coal = sample("coal-mine");
    let store = d.path().join("coal.gpkg");
    let o = minehaz(&["import", p(&coal), "--out", p(&store)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for (layer, field) in
        [("zones", "marked_at"), ("workings", "updated"), ("drillholes", "drilled_at"), ("boreholes", "drilled_at")]
    {
        assert_eq!(column_type(&store, layer, field), F::OFTDate, "{layer}.{field} is a DATE column");
    }
    let survey = minehaz_core::io::open(&coal).expect("sample");
    let back = minehaz_core::io::open(&store).expect("store");
    let marked = |s: &minehaz_core::model::Survey| {
        let mut v: Vec<_> = s.layers.zones.iter().map(|z| (z.id.clone(), z.marked_at.clone())).collect();
        v.sort();
        v
    };
    assert_eq!(marked(&back), marked(&survey));
    assert!(marked(&back).iter().any(|(_, m)| m.is_some()), "the sample has dates");
    assert_eq!(updated_in(&store), updated_in(&coal));
    // Times: a DATETIME column; naive and UTC times come back as the same instant in ISO form
    // (a `T`, seconds; milliseconds only when not zero), as the README says.
    let with = |updated: [&str; 3]| {
        let mut layers = valid_layers();
        let w = layers.iter_mut().find(|l| l.name == "workings").expect("workings");
        w.fields.push(("updated", FieldType::Text));
        for (r, u) in w.records.iter_mut().zip(updated) {
            r.attrs.push(("updated".into(), Value::Text(u.into())));
        }
        layers
    };
    let pkg = d.path().join("times");
    write_package(&pkg, SURVEY_TOML, &with(["2026-05-01 08:30", "2026-05-02T09:00:00.250Z", "2026-04-30"]));
    let s1 = d.path().join("times.gpkg");
    let o = minehaz(&["import", p(&pkg), "--out", p(&s1)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("Warning 1"), "no GDAL warnings: {}", stderr(&o));
    assert_eq!(column_type(&s1, "workings", "updated"), F::OFTDateTime);
    let got = updated_in(&s1);
    assert_eq!(got[0], ("W1".to_string(), Some("2026-05-01T08:30:00".to_string())));
    assert_eq!(got[1], ("W2".to_string(), Some("2026-05-02T09:00:00.250Z".to_string())));
    // A plain date in a DATETIME column is midnight of that day.
    assert_eq!(got[2], ("W3".to_string(), Some("2026-04-30T00:00:00".to_string())));
    // Another zone's offset: TEXT, exactly as written, and no GDAL warning on read.
    let pkg2 = d.path().join("offset");
    write_package(&pkg2, SURVEY_TOML, &with(["2026-05-01T08:30:00+08:00", "2026-05-02", "2026-04-30"]));
    let s2 = d.path().join("offset.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&pkg2), "--out", p(&s2)])), 0);
    assert_eq!(column_type(&s2, "workings", "updated"), F::OFTString);
    assert_eq!(updated_in(&s2)[0].1.as_deref(), Some("2026-05-01T08:30:00+08:00"));
    let o = minehaz(&["info", p(&s2)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("Warning 1"), "{}", stderr(&o));
}

/// OGR reads an invalid date in a DATE column as null and cuts a time off: the stored text is
/// read instead, so the damage is reported, located, never lost.
#[test]
fn an_invalid_date_in_a_date_column_of_the_store_is_an_error_not_a_null() {
    let d = tempfile::tempdir().expect("tmp");
    let store = d.path().join("coal.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&sample("coal-mine")), "--out", p(&store)])), 0);
    let id = {
        let s = minehaz_core::io::open(&store).expect("store");
        s.layers.zones.iter().find(|z| z.marked_at.is_some()).expect("a dated zone").id.clone()
    };
    sql(&store, &format!("UPDATE zones SET marked_at = '2026-13-45' WHERE id = '{id}'"));
    let o = minehaz(&["info", p(&store)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    for n in ["zones", id.as_str(), "marked_at", "2026-13-45"] {
        assert!(err.contains(n), "names {n}: {err}");
    }
    // 30 February, which SQLite's date() would roll over to March: an error too.
    sql(&store, &format!("UPDATE zones SET marked_at = '2026-02-30' WHERE id = '{id}'"));
    let o = minehaz(&["info", p(&store)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("2026-02-30"), "{}", stderr(&o));
    // A time written into the DATE column by another tool is read as stored, not cut.
    sql(&store, &format!("UPDATE zones SET marked_at = '2026-03-02T08:15:00' WHERE id = '{id}'"));
    let s = minehaz_core::io::open(&store).expect("a date-time is a valid date");
    let z = s.layers.zones.iter().find(|z| z.id == id).expect("zone");
    assert_eq!(z.marked_at.as_deref(), Some("2026-03-02T08:15:00"));
}

/// Appending a date with a time to a DATE column would cut the time: refused, located, and
/// the store is left as it was.
#[test]
fn a_time_appended_to_a_date_column_is_refused_not_cut() {
    let d = tempfile::tempdir().expect("tmp");
    let store = d.path().join("coal.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&sample("coal-mine")), "--out", p(&store)])), 0);
    let before = minehaz_core::io::open(&store).expect("store").layers.zones.len();
    let src = d.path().join("zone.geojson");
    std::fs::write(
        &src,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"ZN-T","class":"deferred","hazard":"water","basis":"test","treated":0,"marked_at":"2026-05-01T08:30:00"},"geometry":{"type":"Polygon","coordinates":[[[482000,4049000],[482100,4049000],[482100,4049100],[482000,4049100],[482000,4049000]]]}}]}"#,
    )
    .expect("write");
    let append = |extra: &[&str]| {
        let mut args =
            vec!["import-layer", p(&src), "--kind", "zones", "--into", p(&store), "--source-crs", "EPSG:4547"];
        args.extend_from_slice(extra);
        minehaz(&args)
    };
    let o = append(&[]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    for n in ["zones", "ZN-T", "marked_at", "DATE"] {
        assert!(stderr(&o).contains(n), "names {n}: {}", stderr(&o));
    }
    assert_eq!(minehaz_core::io::open(&store).expect("store").layers.zones.len(), before, "nothing appended");
    // The date alone goes in.
    let o = append(&["--set", "marked_at=2026-05-01"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = minehaz_core::io::open(&store).expect("store");
    let z = s.layers.zones.iter().find(|z| z.id == "ZN-T").expect("appended");
    assert_eq!(z.marked_at.as_deref(), Some("2026-05-01"));
}

/// A filtered read (a viewer following `watch` reads only the new rows) still finds text in a
/// numeric column among the rows it reads, and does not look at the others.
#[test]
fn text_in_a_numeric_column_is_caught_in_a_filtered_read_too() {
    let d = tempfile::tempdir().expect("tmp");
    let store = d.path().join("coal.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&sample("coal-mine")), "--out", p(&store)])), 0);
    sql(&store, "UPDATE workings SET declared = 'yes' WHERE fid = 2");
    let read = |f: &str| minehaz_core::io::store::read_layers(&store, &["workings"], Some(f));
    let e = read("fid <= 3").expect_err("the text cell is among the rows read");
    let msg = e.to_string();
    assert!(msg.contains("declared") && msg.contains("\"yes\""), "{msg}");
    let (_, l) = read("fid > 3").expect("the damaged row is not read");
    assert!(!l.workings.is_empty());
}
