//! `minehaz bench`: speed of the rules engine on a generated mine of 100 000 working segments,
//! 20 000 hazard and zone polygons and 1 000 000 positioning fixes (sizes adjustable), and of
//! the workings × polygons intersection join that `bench/geopandas_join.py` runs in GeoPandas
//! (shapely 2 STRtree `sjoin`) on the same data.
//!
//! `--write FILE.gpkg` writes the generated workings and polygons for that script;
//! `--join-only --data FILE.gpkg` times only the join on such a file (after reading it), which
//! is what the script compares. Times are wall-clock, best of `--repeat` runs.

use geo_types::{coord, LineString, Polygon};
use minehaz_core::io::crs::Crs;
use minehaz_core::io::gdal_vector;
use minehaz_core::model::record::{FieldType, Geom, GeomType, Record, Value};
use minehaz_core::model::*;

use minehaz_core::spatial::{PackedRTree, PreparedPolygon};
use std::path::Path;
use std::time::Instant;

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }
}

const X0: f64 = 470_000.0;
const Y0: f64 = 4_040_000.0;
const SIDE: f64 = 30_000.0;

fn polygons(n: usize, rng: &mut Rng) -> Vec<Polygon<f64>> {
    (0..n)
        .map(|_| {
            let (cx, cy) = (X0 + rng.range(0.0, SIDE), Y0 + rng.range(0.0, SIDE));
            let r = rng.range(20.0, 120.0);
            let k = 8 + (rng.next() % 9) as usize;
            let mut pts: Vec<_> = (0..k)
                .map(|i| {
                    let a = std::f64::consts::TAU * i as f64 / k as f64;
                    let rr = r * rng.range(0.7, 1.0);
                    coord! { x: cx + rr * a.cos(), y: cy + rr * a.sin() }
                })
                .collect();
            pts.push(pts[0]);
            Polygon::new(LineString(pts), vec![])
        })
        .collect()
}

fn segments(n: usize, rng: &mut Rng) -> Vec<[[f64; 3]; 2]> {
    (0..n)
        .map(|_| {
            let (x, y, z) = (X0 + rng.range(0.0, SIDE), Y0 + rng.range(0.0, SIDE), rng.range(900.0, 1050.0));
            let (a, l) = (rng.range(0.0, std::f64::consts::TAU), rng.range(20.0, 200.0));
            [[x, y, z], [x + l * a.cos(), y + l * a.sin(), z + rng.range(-2.0, 2.0)]]
        })
        .collect()
}

/// The join: every (segment, polygon) pair that intersects (touching counts). A packed R-tree
/// is built over the larger side (the segments) and queried with the smaller side's boxes (the
/// prepared polygons), on every core; exact predicates run on the candidates only.
fn join(segs: &[LineString<f64>], polys: &[Polygon<f64>]) -> usize {
    let boxes: Vec<_> = segs
        .iter()
        .map(|l| {
            l.0.iter().fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, p| {
                [b[0].min(p.x), b[1].min(p.y), b[2].max(p.x), b[3].max(p.y)]
            })
        })
        .collect();
    let tree = PackedRTree::new(&boxes);
    let threads = std::env::var("MINEHAZ_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let chunk = polys.len().div_ceil(threads).max(1);
    std::thread::scope(|sc| {
        let handles: Vec<_> = polys
            .chunks(chunk)
            .map(|part| {
                let tree = &tree;
                sc.spawn(move || {
                    let mut pairs = 0;
                    let mut stack = Vec::new();
                    for poly in part {
                        let pp = PreparedPolygon::new(poly);
                        tree.search_with(&pp.bbox, &mut stack, |i| {
                            pairs += usize::from(pp.intersects_line(&segs[i].0))
                        });
                    }
                    pairs
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}

fn best<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(v);
    }
    (best, out.expect("at least one run"))
}

#[derive(clap::Args)]
pub struct Args {
    /// 生成的巷道段数 / working segments to generate
    #[arg(long, default_value_t = 100_000)]
    pub segments: usize,
    /// 危险区与分区多边形数 / hazard and zone polygons to generate
    #[arg(long, default_value_t = 20_000)]
    pub polygons: usize,
    /// 人员定位记录数 / positioning fixes to generate
    #[arg(long, default_value_t = 1_000_000)]
    pub fixes: usize,
    /// 重复次数，取最快 / runs, best is reported
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// 写出生成的巷道与多边形供 GeoPandas 对比 / write the generated data for bench/geopandas_join.py
    #[arg(long)]
    pub write: Option<std::path::PathBuf>,
    /// 只计时 --data 文件上的空间连接 / time only the join on --data
    #[arg(long)]
    pub join_only: bool,
    /// --write 写出的 GeoPackage / a GeoPackage written by --write
    #[arg(long)]
    pub data: Option<std::path::PathBuf>,
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    if a.join_only {
        let data = a.data.as_deref().ok_or_else(|| anyhow::anyhow!("--join-only needs --data FILE.gpkg"))?;
        let (segs, polys) = read_join_data(data)?;
        let (t, pairs) = best(a.repeat, || join(&segs, &polys));
        println!(
            "{{\"engine\": \"minehaz\", \"segments\": {}, \"polygons\": {}, \"pairs\": {}, \"seconds\": {:.6}}}",
            segs.len(),
            polys.len(),
            pairs,
            t
        );
        return Ok(0);
    }
    let mut rng = Rng(20261129);
    let t = Instant::now();
    let polys = polygons(a.polygons, &mut rng);
    let segs = segments(a.segments, &mut rng);
    let gen_s = t.elapsed().as_secs_f64();
    if let Some(out) = &a.write {
        write_join_data(out, &segs, &polys)?;
        println!("wrote {} ({} segments, {} polygons)", out.display(), segs.len(), polys.len());
    }
    let lines: Vec<LineString<f64>> =
        segs.iter().map(|s| LineString::from(vec![(s[0][0], s[0][1]), (s[1][0], s[1][1])])).collect();
    let (tj, pairs) = best(a.repeat, || join(&lines, &polys));
    if std::env::var("MINEHAZ_BENCH_PROFILE").is_ok() {
        let boxes: Vec<_> = lines
            .iter()
            .map(|l| {
                let e = minehaz_core::rules::geom::envelope(&l.0);
                [e.min().x, e.min().y, e.max().x, e.max().y]
            })
            .collect();
        let (tb, tree) = best(a.repeat, || PackedRTree::new(&boxes));
        let (tp, prepared) = best(a.repeat, || polys.iter().map(PreparedPolygon::new).collect::<Vec<_>>());
        let (tq, cands) = best(a.repeat, || {
            let (mut n, mut stack) = (0, Vec::new());
            for p in &prepared {
                tree.search_with(&p.bbox, &mut stack, |_| n += 1);
            }
            n
        });
        println!(
            "profile: tree over segments {tb:.4} s; prepare polygons {tp:.4} s; queries {tq:.4} s ({cands} candidates)"
        );
    }
    let survey = survey(&segs, &polys, a.fixes, &mut rng);
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
    let (tc, report) = best(a.repeat, || minehaz_core::rules::check(&survey, as_of));
    let report = report?;
    println!(
        "generated in {gen_s:.2} s: {} working segments, {} polygons, {} positioning fixes",
        segs.len(),
        polys.len(),
        a.fixes
    );
    println!("join (workings × polygons, R-tree + exact intersects): {tj:.3} s, {pairs} intersecting pairs");
    println!("minehaz check (all rules, levels): {tc:.3} s, {} findings", report.findings.len());
    Ok(0)
}

/// A mine for `check`: the segments as workings (existing roadways, every tenth an active
/// heading), the polygons split between zones, goafs and gas zones, random fixes.
fn survey(segs: &[[[f64; 3]; 2]], polys: &[Polygon<f64>], fixes: usize, rng: &mut Rng) -> Survey {
    let mut s = Survey::default();
    s.meta.mine.id = "BENCH".into();
    s.meta.mine.crs = "EPSG:4547".into();
    let outer = Polygon::new(
        LineString::from(vec![(X0, Y0), (X0 + SIDE, Y0), (X0 + SIDE, Y0 + SIDE), (X0, Y0 + SIDE), (X0, Y0)]),
        vec![],
    );
    s.layers.licence.push(Licence { id: "L".into(), boundary: outer });
    s.meta.licence.z_top = Some(1100.0);
    s.meta.licence.z_bottom = Some(850.0);
    for (i, sg) in segs.iter().enumerate() {
        let heading = i % 10 == 0;
        s.layers.workings.push(Working {
            id: format!("W{i}"),
            name: None,
            kind: if heading { WorkingKind::Heading } else { WorkingKind::Roadway },
            status: if heading { WorkingStatus::Active } else { WorkingStatus::Existing },
            seam: Some("3".into()),
            declared: Some(true),
            updated: None,
            line: sg.to_vec(),
        });
    }
    let z = ZRange { floor_m: Some(900.0), roof_m: Some(1060.0) };
    for (i, p) in polys.iter().enumerate() {
        match i % 4 {
            0 => s.layers.zones.push(Zone {
                id: format!("Z{i}"),
                class: if i % 8 == 0 { ZoneClass::NoMining } else { ZoneClass::Deferred },
                hazard: Some(Hazard::Water),
                basis: None,
                treated: Some(false),
                outline: p.clone(),
                z,
                author: None,
                marked_at: None,
            }),
            1 => s.layers.goaf.push(Goaf {
                id: format!("G{i}"),
                name: None,
                seam: None,
                outline: p.clone(),
                z,
                water: Some(i % 3 == 0),
                water_level_m: None,
                water_m3: None,
                reliable: Some(true),
                source: None,
            }),
            2 => s.layers.gas_zones.push(GasZone {
                id: format!("GZ{i}"),
                seam: None,
                outline: p.clone(),
                z,
                gas_content_m3t: Some(9.0),
                gas_pressure_mpa: Some(0.5),
                outburst_prone: Some(false),
                drained: Some(false),
            }),
            _ => s.layers.fire_zones.push(FireZone {
                id: format!("F{i}"),
                name: None,
                outline: p.clone(),
                z,
                sealed: Some(true),
            }),
        }
    }
    for i in 0..fixes {
        let day = 10 + (i % 5);
        s.positioning.push(Fix {
            time: format!("2026-05-{day:02}T{:02}:00:00+08:00", i % 24),
            person_id: format!("P{}", i % 500),
            pos: [X0 + rng.range(0.0, SIDE), Y0 + rng.range(0.0, SIDE), 1000.0],
        });
    }
    s
}

fn write_join_data(path: &Path, segs: &[[[f64; 3]; 2]], polys: &[Polygon<f64>]) -> anyhow::Result<()> {
    let _ = std::fs::remove_file(path);
    let drv = gdal::DriverManager::get_driver_by_name("GPKG")?;
    let mut ds = drv.create_vector_only(path)?;
    let crs = Crs::parse("EPSG:4547", &Default::default())?;
    let rec = |i: usize, g: Geom| {
        let mut r = Record::new(i as u64, Some(g));
        r.set("id", Value::Text(i.to_string()));
        r
    };
    let w: Vec<Record> =
        segs.iter().enumerate().map(|(i, s)| rec(i, Geom::Line { coords: s.to_vec(), has_z: true })).collect();
    let p: Vec<Record> = polys.iter().enumerate().map(|(i, q)| rec(i, Geom::Polygon(q.clone()))).collect();
    let mut tx = ds.start_transaction()?;
    gdal_vector::write_layer(
        &mut tx,
        "workings",
        Some(GeomType::LineStringZ),
        Some(&crs),
        &[("id".into(), FieldType::Text)][1..],
        &w,
        path,
    )?;
    gdal_vector::write_layer(&mut tx, "polygons", Some(GeomType::Polygon), Some(&crs), &[], &p, path)?;
    tx.commit()?;
    Ok(())
}

/// Working segments and polygons, in plan.
type JoinData = (Vec<LineString<f64>>, Vec<Polygon<f64>>);

fn read_join_data(path: &Path) -> anyhow::Result<JoinData> {
    let ds = gdal_vector::open_vector(path)?;
    let mut ps = Default::default();
    let w = gdal_vector::read_layer(&ds, "workings", path, &mut ps)?;
    let p = gdal_vector::read_layer(&ds, "polygons", path, &mut ps)?;
    let segs = w
        .records
        .into_iter()
        .filter_map(|r| match r.geom {
            Some(Geom::Line { coords, .. }) => {
                Some(LineString(coords.iter().map(|c| coord! { x: c[0], y: c[1] }).collect()))
            }
            _ => None,
        })
        .collect();
    let polys = p
        .records
        .into_iter()
        .filter_map(|r| match r.geom {
            Some(Geom::Polygon(q)) => Some(q),
            _ => None,
        })
        .collect();
    Ok((segs, polys))
}
