//! `minehaz bench`: the speed of what users run, on a mine shaped like a real one
//! ([`mine`]), beside the named peer.
//!
//! For each `--scale` (default 1; `--scale 0.1,1,10` shows the growth), the generated mine is
//! written as a survey package (GeoPackage layers, borehole and positioning CSV tables), then:
//! - whole-process `minehaz check` (this binary, a child process, best of `--repeat`), with its
//!   peak memory;
//! - whole-process `minehaz info`;
//! - the stages inside `check`: read (with validation), prepare (indexes), per-working rules,
//!   face spacing, positioning clusters;
//! - the viewer's zone edit as a user makes it (`--edits`, default 100): the mine imported into a
//!   store and opened as the viewer opens it, then a zone moved 1 m and saved — the audited store
//!   transaction, `Assessment::apply`, the zone and finding layers prepared again — p50 and p99;
//! - `--maps`: the cartography ([`maps`]): seam surface, labels, legend, whole-process render;
//! - the peer, `bench/geopandas_check.py` (GeoPandas + shapely 2 + pyogrio, the same five
//!   checks on the same files, whole process), when `python3` with geopandas is available; the
//!   ratio is printed beside.

pub mod ledger;
pub mod maps;
pub mod mine;
pub mod pit;
pub mod rollup;
pub mod watch;

use minehaz_core::rules::Assessment;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// 规模（1 = 10 万巷道段、2 万多边形、100 万定位记录），可逗号分隔 / scale(s), comma-separated (1 = 100 000 segments, 20 000 polygons, 1 000 000 fixes)
    #[arg(long, default_value = "1")]
    pub scale: String,
    /// 生成数据的目录（已存在则复用）/ folder for the generated mines (reused when present)
    #[arg(long, default_value = "target/bench-mines")]
    pub dir: PathBuf,
    /// 整进程计时次数，取最快 / whole-process runs, best is reported
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// 不运行 GeoPandas 对比 / skip the GeoPandas peer
    #[arg(long)]
    pub no_peer: bool,
    /// 只生成矿井数据（在子进程中，保持计时进程小）/ only generate the mines (run as a child, so the timing process stays small)
    #[arg(long, hide = true)]
    pub generate_only: bool,
    /// 计时的分区编辑次数（查看器中移动并保存一个分区）/ zone edits to time (a zone moved and saved in the viewer)
    #[arg(long, default_value_t = 100)]
    pub edits: usize,
    /// 露天边坡：生成 --points 个点的露天矿点云，计时解码（与 laspy + lazrs 对比）、DEM、check 与 slope / open-pit slopes: decode beside laspy + lazrs, DEM, check and slope on a generated pit
    #[arg(long)]
    pub slopes: bool,
    /// 实时监视：在生成的矿井上计时 face 事件延迟（p50/p99）、fix 事件吞吐量与内存 / the live mine: face-event latency (p50/p99), fix-event throughput and memory on the generated mine
    #[arg(long)]
    pub watch: bool,
    /// 隐患台账：在生成的矿井上计时 ledger sync 与 audit verify（--events 个签名事件）/ the ledger: ledger sync and audit verify (with --events signed events) on the generated mine
    #[arg(long)]
    pub ledger: bool,
    /// 省级汇总：--mines 座样例煤矿规模的矿井，计时 minehaz rollup（整进程）/ the provincial roll-up of --mines mines of the sample coal mine's size, whole process
    #[arg(long)]
    pub rollup: bool,
    /// 制图：生成矿井上的煤层底板面（500 个钻孔）、标注布置与图例、整进程 render / cartography on the generated mine: seam floor surface from its 500 boreholes, label placement and legend, whole-process render
    #[arg(long)]
    pub maps: bool,
    /// --rollup 的矿井数 / mines of --rollup
    #[arg(long, default_value_t = 1000)]
    pub mines: usize,
    /// --ledger 的签名事件数 / signed events of --ledger
    #[arg(long, default_value_t = 100_000)]
    pub events: usize,
    /// --watch 的 fix 事件数 / fix events of --watch
    #[arg(long, default_value_t = 1_000_000)]
    pub fixes: u64,
    /// --watch 的 face 事件数 / face events of --watch
    #[arg(long, default_value_t = 2000)]
    pub faces: usize,
    /// --slopes 的点数 / points of the --slopes pit
    #[arg(long, default_value_t = 10_000_000)]
    pub points: u64,
}

/// Wall time and peak resident memory of a child process.
struct Run {
    seconds: f64,
    peak_mb: f64,
    stdout: String,
    stderr: String,
}

fn run_child(cmd: &mut Command) -> anyhow::Result<Run> {
    use std::os::unix::process::ExitStatusExt;
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let t = Instant::now();
    let child = cmd.spawn()?;
    let pid = child.id() as libc::pid_t;
    let (mut out, mut err) = (
        child.stdout.ok_or_else(|| anyhow::anyhow!("no stdout"))?,
        child.stderr.ok_or_else(|| anyhow::anyhow!("no stderr"))?,
    );
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child with valid out-pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = t.elapsed().as_secs_f64();
    if r != pid {
        anyhow::bail!("wait4 failed");
    }
    let stdout = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let st = std::process::ExitStatus::from_raw(status);
    if st.code().is_none_or(|c| c > 1) {
        let args: Vec<_> = cmd.get_args().map(|a| a.to_string_lossy().to_string()).collect();
        anyhow::bail!("{:?} {} failed: {st}\n{}", cmd.get_program(), args.join(" "), stderr.trim_end());
    }
    Ok(Run { seconds, peak_mb: usage.ru_maxrss as f64 / 1024.0, stdout, stderr })
}

fn best(repeat: usize, mut f: impl FnMut() -> anyhow::Result<Run>) -> anyhow::Result<Run> {
    let mut best: Option<Run> = None;
    for _ in 0..repeat.max(1) {
        let r = f()?;
        if best.as_ref().is_none_or(|b| r.seconds < b.seconds) {
            best = Some(r);
        }
    }
    best.ok_or_else(|| anyhow::anyhow!("no run"))
}

/// Write the mine of `scale` under `dir` unless it is there already.
/// The generator's version: a mine written by an older generator is made again.
const MINE_VERSION: &str = "2 (advance drilling, deviated boreholes)";

fn ensure_mine(dir: &Path, scale: f64) -> anyhow::Result<PathBuf> {
    let path = dir.join(format!("mine-x{scale}"));
    let stamp = path.join(".complete");
    if std::fs::read_to_string(&stamp).is_ok_and(|v| v == MINE_VERSION) {
        return Ok(path);
    }
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e: std::io::Error| minehaz_core::Error::io(&p, e)
    };
    if path.exists() {
        std::fs::remove_dir_all(&path).map_err(io(&path))?;
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let t = Instant::now();
    let survey = mine::generate(&mine::Spec { scale });
    minehaz_core::io::package::write_package(&survey, &path)?;
    std::fs::write(&stamp, MINE_VERSION).map_err(io(&stamp))?;
    eprintln!("generated {} in {:.1} s", path.display(), t.elapsed().as_secs_f64());
    Ok(path)
}

/// The generated mine of `scale` under `dir`, made in a child when missing: this process must
/// stay small while it times children (a child's peak memory, as the kernel counts it,
/// includes the parent's pages at spawn).
fn generate_in_child(exe: &Path, dir: &Path, scale: f64) -> anyhow::Result<PathBuf> {
    let status = Command::new(exe)
        .args(["bench", "--generate-only", "--scale", &scale.to_string(), "--dir"])
        .arg(dir)
        .status()?;
    anyhow::ensure!(status.success(), "generating the ×{scale} mine failed: {status}");
    Ok(dir.join(format!("mine-x{scale}")))
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    v[((p / 100.0 * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1]
}

fn bench_scale(a: &Args, scale: f64) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let dir = generate_in_child(&exe, &a.dir, scale)?;
    let as_of = "2026-11-29";
    println!("\n== scale ×{scale}: {}", dir.display());
    whole_processes(a, &dir, &exe, as_of)?;

    // Stages, in this process, on the same files.
    let t = Instant::now();
    let survey = minehaz_core::io::open(&dir)?;
    let read_s = t.elapsed().as_secs_f64();
    let counts = (
        survey.layers.workings.iter().map(|w| w.line.len().saturating_sub(1)).sum::<usize>(),
        survey.layers.goaf.len()
            + survey.layers.water_bodies.len()
            + survey.layers.collapse_columns.len()
            + survey.layers.gas_zones.len()
            + survey.layers.burst_zones.len()
            + survey.layers.fire_zones.len()
            + survey.layers.anomalies.len()
            + survey.layers.zones.len(),
        survey.positioning.len(),
    );
    let date = chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d")?;
    let t = Instant::now();
    let assessment = Assessment::new(survey, date)?;
    let assess_s = t.elapsed().as_secs_f64();
    let tm = assessment.timings();
    println!(
        "mine: {} working segments, {} polygons, {} faults, {} fixes; {} findings",
        counts.0,
        counts.1,
        assessment.survey().layers.faults.len(),
        counts.2,
        assessment.finding_count()
    );
    println!(
        "stages: read + validate {:.3} s | assess {:.3} s (prepare {:.3}, per-working rules {:.3}, face spacing {:.3}, positioning clusters {:.3}; clusters run beside the rules)",
        read_s, assess_s, tm.prepare_s, tm.workings_s, tm.spacing_s, tm.activity_s
    );

    index_choice(&assessment);

    // The viewer's zone edit, on a store of this mine, as a user makes it.
    let store = dir.with_file_name(format!("mine-x{scale}.gpkg"));
    let t = Instant::now();
    minehaz_core::io::store::write_store(assessment.survey(), &store, "bench", &super::now(), true)?;
    let import_s = t.elapsed().as_secs_f64();
    let (open_s, mut times) = zone_edits(&store, date, a.edits)?;
    let (p50, p99) = (percentile(&mut times, 50.0), percentile(&mut times, 99.0));
    println!(
        "viewer: import into a store {import_s:.3} s, open {open_s:.3} s; zone edit saved ({} edits: audited write, re-check, layers prepared again): p50 {p50:.1} ms, p99 {p99:.1} ms",
        times.len()
    );
    drop(assessment);
    Ok(())
}

/// The whole-process timings (this binary as child processes, and the peer), run before this
/// process grows: a child forked from a large parent would count the parent's pages in its
/// peak memory and pay for copying its page tables.
fn whole_processes(a: &Args, dir: &Path, exe: &Path, as_of: &str) -> anyhow::Result<()> {
    let check = best(a.repeat, || {
        run_child(Command::new(exe).args(["check"]).arg(dir).args(["--format", "json", "--as-of", as_of]))
    })?;
    let info = best(a.repeat, || run_child(Command::new(exe).args(["info"]).arg(dir)))?;
    // The drilling design for every active heading (PLANNING.md), as a user runs it.
    let plan = best(a.repeat, || {
        run_child(Command::new(exe).args(["plan"]).arg(dir).args([
            "--all-headings",
            "--format",
            "json",
            "--as-of",
            as_of,
        ]))
    })?;
    let fans = serde_json::from_str::<serde_json::Value>(&plan.stdout)
        .ok()
        .and_then(|v| {
            v["fans"]
                .as_array()
                .map(|f| (f.len(), f.iter().filter_map(|f| f["holes"].as_array()).map(Vec::len).sum::<usize>()))
        })
        .unwrap_or((0, 0));
    println!("minehaz check (whole process): {:.3} s, peak {:.0} MB", check.seconds, check.peak_mb);
    println!("minehaz info  (whole process): {:.3} s, peak {:.0} MB", info.seconds, info.peak_mb);
    println!(
        "minehaz plan --all-headings (whole process): {:.3} s, peak {:.0} MB ({} fans, {} holes)",
        plan.seconds, plan.peak_mb, fans.0, fans.1
    );
    if a.no_peer {
        return Ok(());
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/geopandas_check.py");
    let peer = best(a.repeat.min(2), || run_child(Command::new("python3").arg(&script).arg(dir)));
    match peer {
        Ok(p) => {
            // The same work, or the ratio means nothing: the peer's counts of the three checks
            // that are rules of `check` must equal the findings of those rules.
            let report: serde_json::Value = serde_json::from_str(&check.stdout)?;
            let findings = report["findings"].as_array().map(Vec::as_slice).unwrap_or(&[]);
            for (line, rule) in [
                ("zones ", "zone.no_mining"),
                ("outside ", "licence.outside_boundary"),
                ("fault pillars ", "pillar.fault"),
            ] {
                let peer: Option<usize> = p
                    .stdout
                    .lines()
                    .find_map(|l| l.strip_prefix(line))
                    .and_then(|v| v.split_whitespace().next()?.parse().ok());
                let ours = findings.iter().filter(|f| f["rule"] == rule).count();
                anyhow::ensure!(
                    peer == Some(ours),
                    "the peer's \"{}\" count {peer:?} differs from minehaz's {ours} {rule} findings: not the same work",
                    line.trim()
                );
            }
            println!("peer results agree: zone.no_mining, licence.outside_boundary, pillar.fault counts equal");
            let read = p.stdout.lines().find_map(|l| l.strip_prefix("read_seconds ")).unwrap_or("?").to_string();
            println!(
                "GeoPandas peer (five checks, whole process): {:.3} s, peak {:.0} MB (of which pyogrio + pandas read {} s)",
                p.seconds, p.peak_mb, read
            );
            println!(
                "ratio: check takes {:.2}× the peer's time (peer / check = {:.1}); peak memory {:.2}× the peer's",
                check.seconds / p.seconds,
                p.seconds / check.seconds,
                check.peak_mb / p.peak_mb
            );
            if let Ok(r) = read.parse::<f64>() {
                println!(
                    "ratio: info (read + full validation) takes {:.2}× the time of the peer's read alone",
                    info.seconds / r
                );
            }
        }
        Err(e) => println!("GeoPandas peer not run ({e}); `pip install geopandas pyogrio` to compare"),
    }
    Ok(())
}

/// Open `store` as the viewer does and time `n` zone edits through its own code: each zone in
/// turn is moved 1 m (alternately east and west) and saved (`AppState::finish_zone`). Returns
/// the open time (s) and each edit's time (ms); no zone to edit is an error, not a NaN.
fn zone_edits(store: &Path, as_of: chrono::NaiveDate, n: usize) -> anyhow::Result<(f64, Vec<f64>)> {
    let mut st = crate::view::state::AppState::new(as_of, "bench".into());
    let t = Instant::now();
    st.open(store)?;
    let open_s = t.elapsed().as_secs_f64();
    let ids: Vec<String> =
        st.loaded.as_ref().map(|l| l.survey().layers.zones.iter().map(|z| z.id.clone()).collect()).unwrap_or_default();
    anyhow::ensure!(!ids.is_empty() && n > 0, "no zone edits to time ({} zones, --edits {n})", ids.len());
    let mut times = Vec::with_capacity(n);
    for k in 0..n {
        let id = &ids[k % ids.len()];
        anyhow::ensure!(st.start_edit(id), "zone {id} cannot be edited");
        let mut form = st.form.clone().ok_or_else(|| anyhow::anyhow!("no form for {id}"))?;
        let dx = if (k / ids.len()).is_multiple_of(2) { 1.0 } else { -1.0 };
        form.outline.iter_mut().for_each(|p| p[0] += dx);
        let t = Instant::now();
        st.finish_zone(&form)?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    Ok((open_s, times))
}

/// The index decision, measured on this mine and on the query `check` makes: every hazard and
/// zone polygon's box in the product's `Index` (the one `Prepared::area_index` is), queried with
/// every working's plan box (what each working's rules do), against an `rstar` tree
/// bulk-loaded over the same boxes and queried the same way.
fn index_choice(a: &Assessment) {
    use minehaz_core::index::Index;
    use rstar::{primitives::GeomWithData, RTree, AABB};
    let segs: Vec<[f64; 4]> = a.prepared().areas.iter().flatten().map(|x| x.poly.bbox).collect();
    let queries: Vec<[f64; 4]> =
        a.survey().layers.workings.iter().filter_map(|w| a.working(&w.id).map(|(_, g)| g.env)).collect();
    let t = Instant::now();
    let packed = Index::new(segs.iter().map(|b| Some(*b)).collect());
    let packed_load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut n_packed = 0usize;
    for q in &queries {
        packed.search(q, |_| n_packed += 1);
    }
    let packed_query = t.elapsed().as_secs_f64();
    type Item = GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, usize>;
    let t = Instant::now();
    let items: Vec<Item> = segs
        .iter()
        .enumerate()
        .map(|(i, b)| GeomWithData::new(rstar::primitives::Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]), i))
        .collect();
    let tree = RTree::bulk_load(items);
    let rstar_load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut n_rstar = 0usize;
    for q in &queries {
        n_rstar += tree.locate_in_envelope_intersecting(&AABB::from_corners([q[0], q[1]], [q[2], q[3]])).count();
    }
    let rstar_query = t.elapsed().as_secs_f64();
    println!(
        "index ({} polygon boxes, {} working-box queries, {} hits): minehaz Index (packed Hilbert R-tree) load {:.1} ms, queries {:.1} ms | rstar bulk load {:.1} ms, queries {:.1} ms{}",
        segs.len(),
        queries.len(),
        n_packed,
        packed_load * 1e3,
        packed_query * 1e3,
        rstar_load * 1e3,
        rstar_query * 1e3,
        if n_packed == n_rstar { String::new() } else { format!(" (rstar found {n_rstar}: MISMATCH)") }
    );
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    let scales: Vec<f64> =
        a.scale.split(',').map(|s| s.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| {
            minehaz_core::Error::at(
                minehaz_core::Location::default().field("--scale"),
                minehaz_core::text!("规模无效: {}", "invalid scale: {}", a.scale),
            )
        })?;
    if scales.iter().any(|s| !(*s > 0.0 && s.is_finite())) {
        return Err(minehaz_core::Error::at(
            minehaz_core::Location::default().field("--scale"),
            minehaz_core::text!("规模须为正数: {}", "the scale must be positive: {}", a.scale),
        )
        .into());
    }
    if a.slopes {
        pit::bench(&a.dir, a.points, a.repeat, a.no_peer)?;
        return Ok(0);
    }
    if a.watch || a.ledger {
        // The generated mine of each scale, made in a child (the timing process stays small).
        let exe = std::env::current_exe()?;
        for s in scales {
            let dir = generate_in_child(&exe, &a.dir, s)?;
            if a.watch {
                watch::bench(&exe, &dir, &a.dir.join(format!("watch-x{s}.gpkg")), a.faces, a.fixes)?;
            } else {
                ledger::bench(&exe, &dir, &a.dir.join(format!("ledger-x{s}.gpkg")), a.events, a.repeat)?;
            }
        }
        return Ok(0);
    }
    if a.rollup {
        rollup::bench(&std::env::current_exe()?, &a.dir, a.mines)?;
        return Ok(0);
    }
    if a.maps {
        let exe = std::env::current_exe()?;
        for s in scales {
            maps::bench(&exe, &generate_in_child(&exe, &a.dir, s)?, a.repeat, "2026-11-29")?;
        }
        return Ok(0);
    }
    if a.generate_only {
        for s in scales {
            ensure_mine(&a.dir, s)?;
        }
        return Ok(0);
    }
    for s in scales {
        bench_scale(a, s)?;
    }
    Ok(0)
}
