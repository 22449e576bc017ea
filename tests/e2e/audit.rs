//! The audit log: import writes a chained row; editing or deleting any row is detected.

use crate::common::*;

fn imported() -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().expect("tmp");
    let pkg = d.path().join("pkg");
    write_package(&pkg, SURVEY_TOML, &valid_layers());
    let out = d.path().join("mine.gpkg");
    let o = minehaz(&["import", p(&pkg), "--out", p(&out), "--author", "张工"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (d, out)
}

/// A local mine grid: the mine CRS's projection with a false origin that puts the
/// georeferenced Houses of Parliament drawing (British national grid, about (22 300, 10 550))
/// over the test licence (about (481 000, 4 051 000)): a pure translation, as for a drawing in
/// a mine's own grid.
pub const LOCAL_GRID: &str =
    "+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=41319 +y_0=-4040446 +ellps=GRS80 +units=m +no_defs";

/// An audited change: import the faults of a real DXF (entity handles as ids), drawn in a local
/// grid over the licence.
fn import_faults(out: &std::path::Path, dxf: &str, author: &str, extra: &[&str]) {
    let src = real(dxf);
    let mut args = vec![
        "import-layer",
        p(&src),
        "--kind",
        "faults",
        "--into",
        p(out),
        "--source-crs",
        LOCAL_GRID,
        "--author",
        author,
    ];
    args.extend_from_slice(extra);
    let o = minehaz(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

fn second_row(out: &std::path::Path) {
    import_faults(out, "vector/dxf/houses_of_parliament_georeferenced.dxf", "李工", &[]);
}

#[test]
fn intact_chain_verifies() {
    let (_d, out) = imported();
    second_row(&out);
    let o = minehaz(&["audit", "verify", p(&out)]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("audit chain intact: 2 rows"), "{}", stdout(&o));
    let o = minehaz(&["audit", "log", p(&out)]);
    let log = stdout(&o);
    assert!(log.contains("张工") && log.contains("李工") && log.contains("import-layer"), "{log}");
}

#[test]
fn edited_row_is_detected() {
    let (_d, out) = imported();
    second_row(&out);
    sql(&out, "UPDATE minehaz_audit SET who = 'someone else' WHERE seq = 1");
    let o = minehaz(&["audit", "verify", p(&out)]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("#1: row content does not match its hash"), "{}", stdout(&o));
}

#[test]
fn deleted_middle_row_is_detected() {
    let (_d, out) = imported();
    second_row(&out);
    second_row_again(&out);
    sql(&out, "DELETE FROM minehaz_audit WHERE seq = 2");
    let o = minehaz(&["audit", "verify", p(&out)]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("sequence gap"), "{}", stdout(&o));
}

fn second_row_again(out: &std::path::Path) {
    // The same drawing again, under another id.
    import_faults(out, "vector/dxf/houses_of_parliament_georeferenced.dxf", "王工", &["--set", "id=HP-2"]);
}

#[test]
fn deleted_last_row_is_detected() {
    let (_d, out) = imported();
    second_row(&out);
    sql(&out, "DELETE FROM minehaz_audit WHERE seq = 2");
    let o = minehaz(&["audit", "verify", p(&out)]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("chain head"), "{}", stdout(&o));
}

#[test]
fn verify_of_a_non_store_is_exit_2() {
    let o = minehaz(&["audit", "verify", p(&real("vector/naturalearth/naturalearth_lowres.shp"))]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("audit table is missing"), "{}", stderr(&o));
}
