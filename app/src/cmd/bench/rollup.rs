//! `minehaz bench --rollup [--mines 1000]`: a province of `--mines` copies of the sample coal
//! mine (its layers and positioning fixes, moved onto a 4 km grid, every 50th one shifted onto
//! its neighbour so overlaps and intrusions occur), written once as stores, then `minehaz
//! rollup` on them, whole process: wall time and peak memory (ROLLUP.md: 1 000 mines under
//! 30 s on 2 cores, under 1 GB). Then one aggregate query over the outputs, side by side in
//! the embedded engine (`minehaz rollup query`) and in Spark local mode
//! (`engines/spark/query.py`), both whole process, with the same rows asserted.

use super::run_child;
use minehaz_core::error::Problems;
use minehaz_core::io::gdal_vector::SourceLayer;
use minehaz_core::io::package::{type_layers, Sources};
use minehaz_core::model::record::Geom;
use minehaz_core::model::{LayerKind, LayerVisitor, Survey};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn moved(g: &Geom, dx: f64, dy: f64) -> Geom {
    use geo::MapCoords;
    match g {
        Geom::Polygon(p) => Geom::Polygon(p.map_coords(|c| geo_types::coord! { x: c.x + dx, y: c.y + dy })),
        Geom::Line { coords, has_z } => {
            Geom::Line { coords: coords.iter().map(|p| [p[0] + dx, p[1] + dy, p[2]]).collect(), has_z: *has_z }
        }
        Geom::Point { pos, has_z } => Geom::Point { pos: [pos[0] + dx, pos[1] + dy, pos[2]], has_z: *has_z },
    }
}

/// The survey's layers and fixes moved by (dx, dy), as mine `id` in `county`.
fn copy_of(s: &Survey, id: &str, county: &str, dx: f64, dy: f64) -> Survey {
    struct V {
        sources: Sources,
        dx: f64,
        dy: f64,
    }
    impl LayerVisitor for V {
        fn visit<K: LayerKind>(&mut self, items: &[K]) {
            let records = items
                .iter()
                .map(|k| {
                    let mut r = k.write();
                    r.geom = r.geom.as_ref().map(|g| moved(g, self.dx, self.dy));
                    r
                })
                .collect();
            self.sources.insert(
                K::NAME.to_string(),
                ("bench".into(), SourceLayer { name: K::NAME.to_string(), crs: None, records }),
            );
        }
    }
    let mut v = V { sources: Sources::new(), dx, dy };
    s.layers.visit(&mut v);
    let layers = type_layers(v.sources, &mut Problems::default(), false);
    let mut meta = s.meta.clone();
    meta.source_text.clear();
    meta.mine.id = id.to_string();
    meta.mine.name = format!("{id} 煤矿");
    meta.mine.county = Some(county.to_string());
    let positioning = s
        .positioning
        .iter()
        .map(|f| minehaz_core::model::Fix { pos: [f.pos[0] + dx, f.pos[1] + dy, f.pos[2]], ..f.clone() })
        .collect();
    Survey { meta, layers, positioning, ..Survey::default() }
}

fn ensure_province(dir: &Path, mines: usize) -> anyhow::Result<std::path::PathBuf> {
    let path = dir.join(format!("province-{mines}"));
    let stamp = path.join(".complete");
    if stamp.exists() {
        return Ok(path);
    }
    let _ = std::fs::remove_dir_all(&path);
    std::fs::create_dir_all(&path)?;
    let t = Instant::now();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine");
    let s = minehaz_core::io::open(&sample)?;
    let side = (mines as f64).sqrt().ceil() as usize;
    for i in 0..mines {
        let (col, row) = (i % side, i / side);
        // Every 50th mine sits 1 km onto its western neighbour.
        let shift = if i % 50 == 49 { -3000.0 } else { 0.0 };
        let (dx, dy) = (col as f64 * 4000.0 - 60_000.0 + shift, row as f64 * 4000.0 - 60_000.0);
        let id = format!("BM-{i:05}");
        let c = copy_of(&s, &id, &format!("县{:02}", row / 4), dx, dy);
        minehaz_core::io::store::write_store(
            &c,
            &path.join(format!("{id}.gpkg")),
            "bench",
            &super::super::now(),
            true,
        )?;
    }
    std::fs::write(&stamp, "1")?;
    println!("generated {} mines in {:.1} s", mines, t.elapsed().as_secs_f64());
    Ok(path)
}

pub fn bench(exe: &Path, dir: &Path, mines: usize) -> anyhow::Result<()> {
    let province = ensure_province(dir, mines)?;
    let out = dir.join(format!("rollup-{mines}"));
    let _ = std::fs::remove_dir_all(&out);
    let r = run_child(
        Command::new(exe)
            .args(["--lang", "en", "rollup"])
            .arg(&province)
            .arg("--out")
            .arg(&out)
            .args(["--as-of", "2026-11-29"]),
    )?;
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json"))?)?;
    let rules = &s["by_province"];
    let count = |rule: &str| -> u64 {
        rules.as_object().map_or(0, |m| m.values().map(|p| p["rules"][rule].as_u64().unwrap_or(0)).sum())
    };
    println!(
        "rollup of {} mines (whole process): {:.2} s, peak {:.0} MB — {} failed, licence.overlap {}, licence.intrudes_neighbour {}",
        s["mines"],
        r.seconds,
        r.peak_mb,
        s["failed"].as_array().map_or(0, |a| a.len()),
        count("licence.overlap"),
        count("licence.intrudes_neighbour")
    );
    query_side_by_side(exe, &out)
}

/// The query both engines answer: findings by county and rule with their measured totals.
const QUERY: &str = "SELECT county, rule, COUNT(*) AS n, ROUND(SUM(measured), 3) AS total FROM findings \
                     GROUP BY county, rule ORDER BY county, rule";

fn query_side_by_side(exe: &Path, out: &Path) -> anyhow::Result<()> {
    let rows = |s: &str| -> anyhow::Result<usize> {
        let v: serde_json::Value = serde_json::from_str(s)?;
        Ok(v.as_array().map_or(0, Vec::len))
    };
    let embedded = super::best(3, || {
        run_child(Command::new(exe).args(["rollup", "query"]).arg(out).args([QUERY, "--format", "json"]))
    })?;
    println!(
        "query (findings by county and rule), embedded DataFusion, whole process: {:.2} s, peak {:.0} MB, {} rows",
        embedded.seconds,
        embedded.peak_mb,
        rows(&embedded.stdout)?
    );
    let job = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engines/spark/query.py");
    match run_child(Command::new("python3").arg(&job).arg(out).arg(QUERY).env("SPARK_MASTER", "local[2]")) {
        Ok(spark) => {
            anyhow::ensure!(
                rows(&spark.stdout)? == rows(&embedded.stdout)?,
                "the engines disagree:\n{}\n{}",
                embedded.stdout,
                spark.stdout
            );
            println!(
                "query, Spark local[2] (pyspark), whole process: {:.2} s ({}), same rows",
                spark.seconds,
                spark_times(&spark.stderr)
            );
        }
        Err(e) => println!("query, Spark local mode: not measured ({e})"),
    }
    Ok(())
}

/// The session and query times query.py prints on stderr (after any progress bar on the same
/// line), or a note that they are missing.
fn spark_times(stderr: &str) -> &str {
    stderr
        .lines()
        .rev()
        .find_map(|l| l.find("spark session").map(|i| l[i..].trim()))
        .unwrap_or("session and query times not printed")
}

#[cfg(test)]
mod tests {
    #[test]
    fn spark_times_are_found_behind_a_progress_bar() {
        let err = "WARN x\n[Stage 3:=====>   (2 + 2) / 4]\r          \rspark session 3.20 s, query 0.41 s\n";
        assert_eq!(super::spark_times(err), "spark session 3.20 s, query 0.41 s");
        assert_eq!(super::spark_times("nothing"), "session and query times not printed");
    }
}
