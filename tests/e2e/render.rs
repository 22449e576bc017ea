//! `minehaz render` headless on the software rasteriser (lavapipe): small golden images of the
//! sample mine in plan, 3D and section, compared within one tolerance (set here, once).
//! `UPDATE_GOLDENS=1 cargo test --test e2e render` rewrites them; look at them before committing.

use crate::common::*;

/// The tolerance for every golden image: the mean absolute difference per channel (0–255) and
/// the share of pixels differing by more than 48 in any channel.
const MEAN_ABS_DIFF_MAX: f64 = 2.0;
const CHANGED_PIXELS_MAX: f64 = 0.01;

fn compare(name: &str, args: &[&str]) {
    compare_mine("coal-mine", name, args);
}

/// Render sample `mine` and compare with golden `name`; returns the fresh render.
fn compare_mine(mine: &str, name: &str, args: &[&str]) -> image::RgbaImage {
    let d = tempfile::tempdir().expect("tmp");
    let out = d.path().join(format!("{name}.png"));
    let mine = sample(mine);
    let mut all = vec!["render", p(&mine), "--as-of", "2026-11-29", "--out", p(&out)];
    if !args.contains(&"--size") {
        all.extend_from_slice(&["--size", "480x300"]);
    }
    all.extend_from_slice(args);
    let o = minehaz(&all);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let golden = repo().join("tests/e2e/golden").join(format!("{name}.png"));
    let a = image::open(&out).expect("rendered").to_rgba8();
    if std::env::var("UPDATE_GOLDENS").is_ok() {
        std::fs::copy(&out, &golden).expect("update golden");
        return a;
    }
    let b = image::open(&golden)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDENS=1 creates it)", golden.display()))
        .to_rgba8();
    assert_eq!(a.dimensions(), b.dimensions());
    let (mut sum, mut changed) = (0u64, 0usize);
    for (x, y) in a.pixels().zip(b.pixels()) {
        let diffs: Vec<u64> = (0..3).map(|k| u64::from(x.0[k].abs_diff(y.0[k]))).collect();
        sum += diffs.iter().sum::<u64>();
        changed += usize::from(diffs.iter().any(|d| *d > 48));
    }
    let n = f64::from(a.width() * a.height());
    let mean = sum as f64 / (n * 3.0);
    let share = changed as f64 / n;
    assert!(
        mean <= MEAN_ABS_DIFF_MAX && share <= CHANGED_PIXELS_MAX,
        "{name}: mean abs diff {mean:.2}, changed pixels {:.2} %",
        share * 100.0
    );
    // Not blank: a real picture has many distinct colours.
    let mut colours: Vec<[u8; 4]> = a.pixels().map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 50, "{name}: only {} colours", colours.len());
    a
}

#[test]
fn golden_plan() {
    compare("coal_mine_plan", &["--view", "plan"]);
}

#[test]
fn golden_3d() {
    compare("coal_mine_3d", &["--view", "3d", "--azimuth", "210", "--elevation", "35"]);
}

#[test]
fn golden_section() {
    compare(
        "coal_mine_section",
        &["--view", "section", "--section", "482000,4050300,485600,4050300", "--section-width", "200"],
    );
}

/// The mined seam's floor contours from the borehole picks, with the plan's grid coordinate
/// labels, index contour labels and legend (800 px wide: labels are drawn from 640 px).
#[test]
fn golden_plan_seam_contours() {
    compare(
        "coal_mine_plan_seams",
        &["--view", "plan", "--size", "800x500", "--layers", "ground,licence,seams,workings,boreholes"],
    );
}

/// A section at 2× vertical exaggeration with the seam floors cut along it.
#[test]
fn golden_section_exaggerated() {
    compare(
        "coal_mine_section_vexag2",
        &["--view", "section", "--section", "482000,4050300,485600,4050300", "--section-width", "200", "--vexag", "2"],
    );
}

/// The open pit in 3D with its latest scan under eye-dome lighting (benches outlined), and the
/// same without: the shading is what differs.
#[test]
fn golden_open_pit_3d_eye_dome_lighting() {
    let on = compare_mine("open-pit", "open_pit_3d_edl", &["--view", "3d", "--layers", "pointcloud,licence"]);
    let off =
        compare_mine("open-pit", "open_pit_3d_no_edl", &["--view", "3d", "--layers", "pointcloud,licence", "--no-edl"]);
    let darker = on.pixels().zip(off.pixels()).filter(|(a, b)| u32::from(a.0[1]) + 40 < u32::from(b.0[1])).count();
    assert!(darker > 200, "eye-dome lighting darkens the bench edges: {darker} pixels");
}

/// The latest scan coloured by its change since the previous one (DEM of difference): the
/// western pushback is cut (blue).
#[test]
fn golden_open_pit_change_since_the_previous_epoch() {
    let img = compare_mine(
        "open-pit",
        "open_pit_3d_change",
        &["--view", "3d", "--layers", "pointcloud", "--point-colour", "change"],
    );
    let blue = img.pixels().filter(|p| u16::from(p.0[2]) > u16::from(p.0[0]) + 50).count();
    assert!(blue > 300, "cut shows blue: {blue} pixels");
}

/// The measured DEM coloured by its difference to the previous epoch, in plan: the western
/// pushback and the sump are cut (blue), the rest of the pit white.
#[test]
fn golden_open_pit_dem_of_difference() {
    let img = compare_mine(
        "open-pit",
        "open_pit_plan_dod",
        &["--view", "plan", "--layers", "slopes", "--point-colour", "change"],
    );
    let blue = img.pixels().filter(|p| u16::from(p.0[2]) > u16::from(p.0[0]) + 50).count();
    let white = img.pixels().filter(|p| p.0[..3].iter().all(|c| *c > 225)).count();
    assert!(blue > 300, "cut shows blue: {blue} pixels");
    assert!(white > blue, "most of the pit did not change: {white} white, {blue} blue");
}

/// A mine these tests were not written for fills its frame: at 1200×800 no one colour (the
/// background included) covers more than 85 % of the pixels, in plan or in 3D.
#[test]
fn an_unseen_mine_fills_its_frame() {
    let d = tempfile::tempdir().expect("tmp");
    for mine in ["province/SX-P04", "open-pit"] {
        for view in ["plan", "3d"] {
            let out = d.path().join(format!("{}-{view}.png", mine.replace('/', "-")));
            let dir = sample(mine);
            let o = minehaz(&[
                "render",
                p(&dir),
                "--view",
                view,
                "--size",
                "1200x800",
                "--as-of",
                "2026-11-29",
                "--out",
                p(&out),
            ]);
            assert_eq!(code(&o), 0, "{mine} {view}: {}", stderr(&o));
            let img = image::open(&out).expect("rendered").to_rgba8();
            let mut counts = std::collections::HashMap::new();
            for px in img.pixels() {
                *counts.entry(px.0).or_insert(0usize) += 1;
            }
            let top = counts.values().copied().max().unwrap_or(0) as f64 / f64::from(img.width() * img.height());
            assert!(top <= 0.85, "{mine} {view}: one colour covers {:.1} % of the frame", top * 100.0);
        }
    }
}

#[test]
fn bad_render_arguments_exit_2() {
    let d = tempfile::tempdir().expect("tmp");
    let out = d.path().join("x.png");
    for args in [
        vec!["--view", "section"],
        vec!["--view", "sideways"],
        vec!["--size", "huge"],
        vec!["--view", "section", "--section", "1,2,1,2"],
        vec!["--view", "section", "--section", "1,2,x,3,4"],
        vec!["--view", "plan", "--window", "1,2,1,5"],
        vec!["--view", "plan", "--window", "1,2,nan,5"],
        vec!["--view", "3d", "--vexag", "0.5"],
        vec!["--view", "3d", "--vexag", "nan"],
        vec!["--view", "3d", "--vexag", "50"],
        vec!["--view", "3d", "--point-colour", "rainbow"],
        vec!["--as-of", "2026-13-01"],
    ] {
        let mine = sample("coal-mine");
        let mut all = vec!["render", p(&mine), "--out", p(&out)];
        all.extend_from_slice(&args);
        let o = minehaz(&all);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(!out.exists());
    }
}
