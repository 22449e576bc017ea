//! `minehaz bench --slopes`: the open-pit path on a generated pit of `--points` LiDAR points
//! (default 10 M): LAZ decode beside laspy + lazrs (parallel) on the same file, the DEM from
//! the points (time, and the whole `check`'s peak memory), whole-process `minehaz check` and
//! `minehaz slope --out`.
//!
//! The pit: a circular benched pit (floor radius 250 m at 1000 m, ten 15 m benches, 58° faces
//! and 11 m berms; the east quarter 70° with every second berm mined away), a licence, four
//! quadrant sectors with 400-vertex arcs, ground points on a jittered grid with 3 cm noise.
//!
//! The points carry what a UAV LiDAR survey of a pit records, because the LAZ codec's cost
//! (ours and the peer's) depends on it: intensity with speckle, darker on the faces; beyond the
//! rim a quarter of the points are vegetation (classes 3–5, 0.2–6 m above the ground); one in
//! 2 000 is noise (class 7, ±30 m); GPS time along serpentine scan lines with microsecond
//! jitter. (Until generator version 3 every point was ground with one intensity and a linear
//! time: far more compressible than any real scan.)

use super::mine::Rng;
use super::{best, run_child};
use minehaz_core::io::pointcloud::{write_cloud, CloudPoint, CloudReader};
use minehaz_core::model::meta::{Mine, MineKind};
use minehaz_core::model::{Layers, Licence, SlopeDesign, Survey, SurveyMeta};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const E0: f64 = 38_500_000.0;
const N0: f64 = 4_500_000.0;
const FLOOR_R: f64 = 250.0;
const HALF: f64 = 700.0;

/// z of the pit at local (x, y) from its centre.
fn pit_z(x: f64, y: f64) -> f64 {
    let d = (x * x + y * y).sqrt() - FLOOR_R;
    if d <= 0.0 {
        return 1000.0;
    }
    let theta = y.atan2(x).to_degrees();
    let east = theta.abs() < 40.0;
    let face: f64 = if east { 70.0 } else { 58.0 };
    let fw = 15.0 / face.to_radians().tan();
    let (mut at, mut z) = (0.0, 1000.0);
    for k in 0..10 {
        if d < at + fw {
            return z + 15.0 * (d - at) / fw;
        }
        at += fw;
        z += 15.0;
        let berm = if east && k % 2 == 0 { 0.0 } else { 11.0 };
        if k < 9 {
            if d < at + berm {
                return z;
            }
            at += berm;
        }
    }
    z
}

fn sector(id: &str, from_deg: f64, to_deg: f64, design: [f64; 4]) -> SlopeDesign {
    let (r0, r1) = (FLOOR_R - 20.0, HALF - 20.0);
    let n = 200;
    let arc = |r: f64| {
        (0..=n).map(move |i| {
            let t = (from_deg + (to_deg - from_deg) * i as f64 / n as f64).to_radians();
            (E0 + r * t.cos(), N0 + r * t.sin())
        })
    };
    let mut pts: Vec<(f64, f64)> = arc(r1).collect();
    pts.extend(arc(r0).collect::<Vec<_>>().into_iter().rev());
    pts.push(pts[0]);
    SlopeDesign {
        id: id.into(),
        outline: geo_types::Polygon::new(pts.into(), vec![]),
        bench_height_max_m: Some(design[0]),
        berm_width_min_m: Some(design[1]),
        bench_angle_max_deg: Some(design[2]),
        overall_angle_max_deg: Some(design[3]),
    }
}

/// The generator's version: a pit written by an older generator is made again.
const PIT_VERSION: &str = "3 (survey attributes)";

/// The pit package under `dir` (made once per point count).
pub fn ensure_pit(dir: &Path, points: u64) -> anyhow::Result<PathBuf> {
    let path = dir.join(format!("pit-{points}"));
    let stamp = path.join(".complete");
    if std::fs::read_to_string(&stamp).is_ok_and(|v| v == PIT_VERSION) {
        return Ok(path);
    }
    if path.exists() {
        std::fs::remove_dir_all(&path)?;
    }
    let t = Instant::now();
    let text = "[mine]\nid = \"BENCH-PIT\"\nname = \"基准露天矿\"\nkind = \"open_pit\"\ncrs = \"EPSG:4526\"\n\n[licence]\nz_top = 1200.0\nz_bottom = 950.0\nvalid_until = \"2030-12-31\"\nseams = []\n";
    let meta = SurveyMeta::parse(text, Path::new("survey.toml")).map_err(|e| anyhow::anyhow!("{e}"))?;
    debug_assert!(matches!(meta.mine, Mine { kind: MineKind::OpenPit, .. }));
    let mut l = Layers::default();
    let sq = |h: f64| {
        geo_types::Polygon::new(
            vec![(E0 - h, N0 - h), (E0 + h, N0 - h), (E0 + h, N0 + h), (E0 - h, N0 + h), (E0 - h, N0 - h)].into(),
            vec![],
        )
    };
    l.licence.push(Licence { id: "LIC".into(), boundary: sq(HALF + 100.0) });
    l.slope_design = vec![
        sector("Q-E", -45.0, 45.0, [15.0, 10.0, 60.0, 42.0]),
        sector("Q-N", 45.0, 135.0, [15.0, 8.0, 65.0, 45.0]),
        sector("Q-W", 135.0, 225.0, [15.0, 8.0, 65.0, 45.0]),
        sector("Q-S", 225.0, 315.0, [15.0, 8.0, 65.0, 45.0]),
    ];
    let survey = Survey { meta, layers: l, ..Survey::default() };
    minehaz_core::io::package::write_package(&survey, &path)?;
    std::fs::create_dir_all(path.join("pointclouds"))?;
    let side = 2.0 * HALF;
    let spacing = (side * side / points as f64).sqrt();
    let nx = (side / spacing).ceil() as u64;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // The rim: where the top bench ends (ten faces and nine berms of the west quarters).
    let rim = FLOOR_R + 10.0 * 15.0 / 58f64.to_radians().tan() + 9.0 * 11.0;
    let pts = (0..points).map(move |i| {
        let (row, col) = (i / nx, i % nx);
        // Serpentine scan lines, as a survey flies them.
        let col = if row % 2 == 0 { col } else { nx - 1 - col };
        let x = -HALF + (col as f64 + 0.5 + 0.3 * rng.gauss()) * spacing;
        let y = -HALF + (row as f64 + 0.5 + 0.3 * rng.gauss()) * spacing;
        let ground = pit_z(x, y);
        let on_face = (pit_z(x + 0.5, y) - ground).abs() + (pit_z(x, y + 0.5) - ground).abs() > 0.2;
        let beyond_rim = (x * x + y * y).sqrt() > rim;
        let (class, z) = if rng.chance(0.0005) {
            (7, ground + rng.range(-30.0, 30.0))
        } else if beyond_rim && rng.chance(0.25) {
            let h = rng.range(0.2, 6.0);
            (
                if h < 0.5 {
                    3
                } else if h < 2.0 {
                    4
                } else {
                    5
                },
                ground + h,
            )
        } else {
            (2, ground + 0.03 * rng.gauss())
        };
        let base = match class {
            2 if on_face => 14_000.0,
            2 => 21_000.0,
            7 => 3_000.0,
            _ => 9_000.0,
        };
        let intensity = (base + 2_500.0 * rng.gauss()).clamp(200.0, 65_000.0) as u16;
        CloudPoint {
            pos: [E0 + x, N0 + y, z],
            class,
            intensity,
            gps_time: Some(1.0e8 + i as f64 * 2.0e-5 + 1.0e-6 * rng.gauss()),
        }
    });
    write_cloud(&path.join("pointclouds/2026-10-01.laz"), None, 0.001, pts)?;
    std::fs::write(&stamp, PIT_VERSION)?;
    eprintln!("generated {} in {:.1} s", path.display(), t.elapsed().as_secs_f64());
    Ok(path)
}

/// Decode every point of a file as the DEM does (`scan_xyzc`: x, y, z and class).
fn decode(path: &Path) -> anyhow::Result<(u64, f64)> {
    let mut zsum = 0.0;
    let n = minehaz_core::io::pointcloud::scan_xyzc(path, |pts| {
        zsum += pts.iter().map(|p| p.0[2]).sum::<f64>();
        true
    })?;
    Ok((n, zsum))
}

/// The general reader (every attribute), for comparison.
fn decode_all(path: &Path) -> anyhow::Result<u64> {
    let mut r = CloudReader::open(path)?;
    let mut buf = Vec::new();
    let mut n = 0u64;
    while r.next_chunk(1 << 18, &mut buf)? > 0 {
        n += buf.len() as u64;
    }
    Ok(n)
}

pub fn bench(dir: &Path, points: u64, repeat: usize, no_peer: bool) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let pit = ensure_pit(dir, points)?;
    let laz = pit.join("pointclouds/2026-10-01.laz");
    let mb = std::fs::metadata(&laz)?.len() as f64 / 1e6;
    println!("\n== open pit: {} ({points} points, LAZ {mb:.1} MB)", pit.display());
    let as_of = "2026-10-02";
    let check = best(repeat, || {
        run_child(Command::new(&exe).args(["check"]).arg(&pit).args(["--format", "json", "--as-of", as_of]))
    })?;
    let v: serde_json::Value = serde_json::from_str(&check.stdout)?;
    let n = v["findings"]
        .as_array()
        .map_or(0, |f| f.iter().filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("slope."))).count());
    println!(
        "check (whole process, DEM of the sectors + benches): {:.3} s, peak {:.0} MB, {n} slope findings",
        check.seconds, check.peak_mb
    );
    let out = dir.join(format!("pit-{points}-slope.gpkg"));
    let slope = best(repeat.min(2), || {
        let _ = std::fs::remove_file(&out);
        run_child(Command::new(&exe).args(["slope"]).arg(&pit).args(["--as-of", as_of, "--out"]).arg(&out))
    })?;
    println!(
        "slope --out (whole process, full DEM, layers, raster table): {:.3} s, peak {:.0} MB",
        slope.seconds, slope.peak_mb
    );

    // Stages in this process.
    let mut dec = f64::INFINITY;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let (got, _) = decode(&laz)?;
        anyhow::ensure!(got == points, "decoded {got} of {points} points");
        dec = dec.min(t.elapsed().as_secs_f64());
    }
    println!(
        "decode as the DEM reads it (laz parallel, x y z + class, streamed): {dec:.3} s = {:.2} M points/s",
        points as f64 / dec / 1e6
    );
    let t = Instant::now();
    anyhow::ensure!(decode_all(&laz)? == points, "the general reader missed points");
    let all_s = t.elapsed().as_secs_f64();
    println!(
        "decode of every attribute (las reader, laz parallel): {all_s:.3} s = {:.2} M points/s",
        points as f64 / all_s / 1e6
    );
    let t = Instant::now();
    let dem = minehaz_core::slope::dem::Dem::from_file(&laz, 0.5, None)?;
    let dem_s = t.elapsed().as_secs_f64();
    println!(
        "DEM 0.5 m of the whole cloud: {dem_s:.3} s ({} × {} cells, {} measured, {} filled; grid {:.0} MB)",
        dem.nx,
        dem.ny,
        dem.cells_measured,
        dem.cells_filled,
        (dem.nx * dem.ny * 8) as f64 / 1e6
    );
    if no_peer {
        return Ok(());
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/laspy_decode.py");
    // A peer that fails (laspy not installed) says so instead of ending the bench.
    let peer = best(repeat, || run_child(Command::new("python3").arg(&script).arg(&laz))).and_then(|peer| {
        let j: serde_json::Value = serde_json::from_str(peer.stdout.trim())
            .map_err(|e| anyhow::anyhow!("its output is not JSON ({e}): {}", peer.stdout.trim()))?;
        Ok((peer, j))
    });
    match peer {
        Ok((peer, j)) => {
            let (ps, pn) = (j["seconds"].as_f64().unwrap_or(f64::NAN), j["points"].as_u64().unwrap_or(0));
            anyhow::ensure!(pn == points, "laspy read {pn} points, not {points}: not the same work");
            println!(
                "laspy + lazrs (parallel) decode of the same file: {ps:.3} s = {:.2} M points/s (whole process {:.3} s, peak {:.0} MB)",
                points as f64 / ps / 1e6,
                peer.seconds,
                peer.peak_mb
            );
            println!("ratio: minehaz decodes {:.2}× as fast as laspy + lazrs (parallel)", ps / dec);
        }
        Err(e) => println!("laspy peer not run ({e}); `pip install laspy lazrs` to compare"),
    }
    Ok(())
}
