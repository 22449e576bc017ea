//! Mutation testing of every reader that takes bytes: real files from `../shared/data/real`
//! and the sample survey, each mutated many times (bit flips, byte runs overwritten, cuts,
//! insertions; a fixed seed, so every run tests the same mutants), read back by the product's
//! readers. A mutant may be refused with an error — it must never panic. (`cargo fuzz` needs a
//! nightly toolchain, which this project's machines do not have; this is its stand-in in the
//! test suite, and a longer run is `MINEHAZ_MUTANTS=N cargo test --workspace mutants`;
//! `-p minehaz-core` would rebuild the dependencies with other features.)

#![cfg(test)]

use crate::test_rng::Rng;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn real(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/real").join(p)
}

fn mutants() -> usize {
    std::env::var("MINEHAZ_MUTANTS").ok().and_then(|v| v.parse().ok()).unwrap_or(150)
}

fn mutate(r: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + r.n(4) {
        if b.is_empty() {
            b.push(r.n(256) as u8);
            continue;
        }
        match r.n(5) {
            0 => {
                let i = r.n(b.len());
                b[i] ^= 1 << r.n(8);
            }
            1 => {
                let i = r.n(b.len());
                let k = (1 + r.n(16)).min(b.len() - i);
                let v = [0u8, 0xFF, b'9', b',', b'\n', b'"', b'-'][r.n(7)];
                b[i..i + k].fill(v);
            }
            2 => {
                let cut = r.n(b.len());
                b.truncate(cut);
            }
            3 => {
                let i = r.n(b.len() + 1);
                let ins: Vec<u8> = (0..1 + r.n(8)).map(|_| r.n(256) as u8).collect();
                b.splice(i..i, ins);
            }
            _ => {
                // Overwrite with a boundary number (header fields: counts, sizes, scales).
                let i = r.n(b.len());
                let v: [u8; 8] = [u64::MAX, 0, 1 << 40, f64::NAN.to_bits(), 1e300f64.to_bits()][r.n(5)].to_le_bytes();
                let k = 8.min(b.len() - i);
                b[i..i + k].copy_from_slice(&v[..k]);
            }
        }
    }
    b
}

/// Write each mutant of `seed` to `name` in a fresh folder and call `read` on it; panics are
/// collected and reported together.
fn campaign(label: &str, seed_file: &Path, name: &str, seed: u64, read: impl Fn(&Path)) {
    let bytes = std::fs::read(seed_file).unwrap_or_else(|e| panic!("{}: {e}", seed_file.display()));
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join(name);
    let mut r = Rng(seed);
    let mut panics = Vec::new();
    for k in 0..mutants() {
        let m = mutate(&mut r, &bytes);
        std::fs::write(&path, &m).expect("write");
        if catch_unwind(AssertUnwindSafe(|| read(&path))).is_err() {
            panics.push(k);
            let keep = std::env::temp_dir().join(format!("minehaz-mutant-{label}-{k}-{name}"));
            let _ = std::fs::write(&keep, &m);
        }
    }
    assert!(
        panics.is_empty(),
        "{label}: {} of {} mutants panicked (kept in the temp folder): {panics:?}",
        panics.len(),
        mutants()
    );
}

#[test]
fn mutants_of_borehole_tables_never_panic() {
    let babbitt = super::csv_tables::babbitt_columns();
    let collars = real("boreholes/pygslib_babbitt/collar_BABBITT.csv");
    // A real collar table read with its own columns, so that mutants reach the row parsing (a
    // table whose header does not match stops at "missing column" and tests nothing); some
    // must read through.
    let read = std::cell::Cell::new(0usize);
    campaign("collars", &collars, "collars.csv", 1, |p| {
        if super::csv_tables::read_boreholes(p, None, None, &babbitt).is_ok_and(|(h, _)| !h.is_empty()) {
            read.set(read.get() + 1);
        }
    });
    assert!(read.get() > 0, "no collar mutant was read: the campaign never reached the rows");
    campaign("surveys", &real("boreholes/pygslib_babbitt/survey_BABBITT.csv"), "survey.csv", 2, |p| {
        if let Ok((holes, _)) = super::csv_tables::read_boreholes(&collars, Some(p), None, &babbitt) {
            for h in holes.iter().take(5) {
                let _ = h.trajectory().polyline(5.0);
            }
        }
    });
}

#[test]
fn mutants_of_a_positioning_table_never_panic() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine/monitoring/positioning.csv");
    // A slice of the sample's table keeps each mutant small.
    let text = std::fs::read_to_string(&seed).expect("sample positioning");
    let head: String = text.lines().take(400).map(|l| format!("{l}\n")).collect();
    let dir = tempfile::tempdir().expect("tmp");
    let small = dir.path().join("seed.csv");
    std::fs::write(&small, head).expect("write");
    campaign("positioning", &small, "positioning.csv", 3, |p| {
        let _ = super::csv_tables::read_positioning(p);
    });
}

#[test]
fn mutants_of_las_and_laz_never_panic() {
    for (k, f) in ["pointcloud/laspy/simple.las", "pointcloud/laspy/simple.laz"].iter().enumerate() {
        let name = if f.ends_with("laz") { "m.laz" } else { "m.las" };
        campaign(f, &real(f), name, 10 + k as u64, |p| {
            if super::pointcloud::read_header(p).is_ok() {
                let _ = super::pointcloud::scan(p, 4096, |_, _| {});
            }
        });
    }
}

#[test]
fn mutants_of_shapefiles_never_panic() {
    for (k, part) in ["shp", "dbf"].iter().enumerate() {
        let dir = tempfile::tempdir().expect("tmp");
        for ext in ["shp", "shx", "dbf"] {
            std::fs::copy(real(&format!("vector/shapelib/brklinz.{ext}")), dir.path().join(format!("l.{ext}")))
                .expect("copy");
        }
        let seed = real(&format!("vector/shapelib/brklinz.{part}"));
        let target = dir.path().join(format!("l.{part}"));
        let shp = dir.path().join("l.shp");
        let bytes = std::fs::read(&seed).expect("seed");
        let mut r = Rng(20 + k as u64);
        for _ in 0..mutants() {
            std::fs::write(&target, mutate(&mut r, &bytes)).expect("write");
            let ok = catch_unwind(AssertUnwindSafe(|| {
                let _ = super::shp::read_shapefile(&shp, "goaf", &mut Default::default());
            }));
            assert!(ok.is_ok(), "a mutant of brklinz.{part} panicked");
        }
    }
}

#[test]
fn mutants_of_survey_toml_never_panic() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine/survey.toml");
    campaign("survey.toml", &seed, "survey.toml", 30, |p| {
        let text = String::from_utf8_lossy(&std::fs::read(p).expect("read")).to_string();
        let _ = crate::model::meta::SurveyMeta::parse(&text, p);
    });
}

/// The GeoPackage geometry blobs (GP header, envelope, WKB): a store of the sample coal mine
/// with one feature's blob mutated at a time, read back by the product's typed layer reader
/// (`store::read_layers`: GDAL's blob decoder, then minehaz's typing and validation). Blobs
/// SQLite's triggers refuse are not counted; many must be accepted into the file, or the
/// campaign tested nothing.
#[test]
fn mutants_of_geopackage_geometry_blobs_never_panic() {
    use gdal::vector::LayerAccess;
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine");
    let survey = crate::io::open(&sample).expect("sample");
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("m.gpkg");
    crate::io::store::write_store(&survey, &store, "tester", "2026-12-03T08:00:00+08:00", false).expect("store");
    // The blobs of every feature of these layers, as hex.
    let layers = ["licence", "goaf", "workings", "zones", "faults", "water_bodies"];
    let mut blobs: Vec<(&str, i64, Vec<u8>)> = Vec::new();
    {
        let ds = crate::io::store::open_update(&store).expect("open");
        for l in layers {
            let q = format!("SELECT fid, hex(geom) AS h FROM \"{l}\"");
            let res = ds.execute_sql(q, None, gdal::vector::sql::Dialect::SQLITE);
            let Ok(Some(mut rs)) = res else { continue };
            for f in rs.features() {
                // (OGR takes the fid column as the result's feature id.)
                let (Some(fid), Ok(Some(h))) = (f.fid(), f.field_as_string(0)) else { continue };
                let fid = fid as i64;
                let bytes =
                    (0..h.len() / 2).filter_map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).ok()).collect();
                blobs.push((l, fid, bytes));
            }
        }
    }
    assert!(blobs.len() > 50, "the sample's blobs: {}", blobs.len());
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
    let mut r = Rng(40);
    let (mut applied, mut panics) = (0, Vec::new());
    for k in 0..mutants() {
        let (layer, fid, seed) = &blobs[r.n(blobs.len())];
        let m = mutate(&mut r, seed);
        let set = |b: &[u8]| {
            let ds = crate::io::store::open_update(&store).expect("open");
            let q = format!("UPDATE \"{layer}\" SET geom = X'{}' WHERE fid = {fid}", hex(b));
            let ok = ds.execute_sql(q, None, gdal::vector::sql::Dialect::SQLITE).is_ok();
            ok
        };
        if !set(&m) {
            continue;
        }
        applied += 1;
        if catch_unwind(AssertUnwindSafe(|| {
            let _ = crate::io::store::read_layers(&store, &[layer], None);
        }))
        .is_err()
        {
            panics.push(k);
            let _ = std::fs::write(std::env::temp_dir().join(format!("minehaz-mutant-gpkg-{k}.bin")), &m);
        }
        assert!(set(seed), "the original blob goes back");
    }
    eprintln!("geometry blobs: {applied} of {} mutants written into the store and read back", mutants());
    assert!(panics.is_empty(), "{} of {applied} blob mutants panicked: {panics:?}", panics.len());
    assert!(applied * 2 > mutants(), "only {applied} of {} mutants reached the file", mutants());
}
