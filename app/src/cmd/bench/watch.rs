//! `minehaz bench --watch`: the live mine on the generated mine, whole process as a user runs
//! it. A `minehaz watch STORE --events -` child is fed through its stdin and its answers read
//! from its stdout: the latency of `face` events line in → line out (one at a time, each waited
//! for), the throughput of `fix` events (written as fast as the pipe takes them), and the
//! child's resident memory along the stream.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmRSS:").and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn time(ms: u64) -> String {
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-29T08:00:00+08:00").expect("time");
    (t0 + chrono::Duration::milliseconds(ms as i64)).to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

/// The active headings: id, face, plan direction of the last segment.
type Heads = [(String, [f64; 3], [f64; 2])];

/// A `fix` event (one NDJSON line, without its newline).
fn fix_event(t_ms: u64, person: u64, p: [f64; 3]) -> String {
    format!(
        "{{\"type\":\"fix\",\"time\":\"{}\",\"person_id\":\"B{person}\",\"x\":{},\"y\":{},\"z\":{}}}",
        time(t_ms),
        p[0],
        p[1],
        p[2]
    )
}

/// The `face` event of the `k`-th advance: heading `k` (round robin) 0.5 m further on.
fn face_event(t_ms: u64, k: usize, heads: &Heads, advanced: &mut [usize]) -> String {
    let i = k % heads.len();
    advanced[i] += 1;
    let (id, f, d) = &heads[i];
    let s = 0.5 * advanced[i] as f64;
    format!(
        "{{\"type\":\"face\",\"time\":\"{}\",\"working\":\"{id}\",\"to\":[{},{},{}]}}",
        time(t_ms),
        f[0] + d[0] * s,
        f[1] + d[1] * s,
        f[2]
    )
}

/// Fix event `k` of the stream: one of 3 000 persons near one of the active headings.
fn fix_line(k: u64, ms: u64, heads: &Heads) -> String {
    let (_, f, _) = &heads[(k % heads.len() as u64) as usize];
    let off = (k % 97) as f64 * 0.3;
    fix_event(ms + 1000 + k, k % 3000, [f[0] - off, f[1] - off, f[2]])
}

pub fn bench(exe: &Path, dir: &Path, store: &Path, faces: usize, fixes: u64) -> anyhow::Result<()> {
    // A fresh store of the generated mine, imported as a user does.
    if store.exists() {
        std::fs::remove_file(store)?;
    }
    let t = Instant::now();
    let st = Command::new(exe).args(["import"]).arg(dir).arg("--out").arg(store).stdout(Stdio::null()).status()?;
    anyhow::ensure!(st.success(), "import failed: {st}");
    let import_s = t.elapsed().as_secs_f64();
    // A copy for the run from a file (the pipe run moves the store on).
    let copy = store.with_extension("file.gpkg");
    std::fs::copy(store, &copy)?;
    // The active headings (id, face, direction), read from the store.
    let survey = minehaz_core::io::open(store)?;
    let heads: Vec<(String, [f64; 3], [f64; 2])> = survey
        .layers
        .workings
        .iter()
        .filter(|w| w.is_active_heading() && w.line.len() >= 2)
        .map(|w| {
            let (a, b) = (w.line[w.line.len() - 2], w.line[w.line.len() - 1]);
            let l = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt().max(1e-9);
            (w.id.clone(), b, [(b[0] - a[0]) / l, (b[1] - a[1]) / l])
        })
        .collect();
    let segments: usize = survey.layers.workings.iter().map(|w| w.line.len().saturating_sub(1)).sum();
    drop(survey);
    anyhow::ensure!(!heads.is_empty(), "the generated mine has no active heading");
    // A viewer following the store (`view --follow`), opened before watch runs.
    let mut viewer = crate::view::state::AppState::new(chrono::Local::now().date_naive(), "bench".into());
    viewer.open(store)?;
    viewer.poll_points(true);
    viewer.start_follow();

    let mut child = Command::new(exe)
        .args(["--lang", "en", "watch"])
        .arg(store)
        .args(["--events", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let mut stdin = child.stdin.take().ok_or_else(|| anyhow::anyhow!("no stdin"))?;
    let mut out = BufReader::new(child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?);
    let mut line = String::new();
    let mut ms = 0u64;
    let mut ask = |stdin: &mut std::process::ChildStdin, ev: String, line: &mut String| -> anyhow::Result<f64> {
        let t = Instant::now();
        stdin.write_all(ev.as_bytes())?;
        stdin.flush()?;
        line.clear();
        out.read_line(line)?;
        anyhow::ensure!(line.contains("\"event\""), "watch ended early: {line}");
        Ok(t.elapsed().as_secs_f64() * 1e3)
    };
    // The first event loads and assesses the store.
    let t = Instant::now();
    ask(&mut stdin, format!("{}\n", fix_event(0, 0, heads[0].1)), &mut line)?;
    let start_s = t.elapsed().as_secs_f64();
    let rss_start = rss_mb(pid);
    // Face events: each heading advances 0.5 m at a time.
    let mut lat = Vec::with_capacity(faces);
    let mut advanced = vec![0usize; heads.len()];
    let mut errors = 0;
    for k in 0..faces {
        ms += 1000;
        let ev = format!("{}\n", face_event(ms, k, &heads, &mut advanced));
        lat.push(ask(&mut stdin, ev, &mut line)?);
        errors += usize::from(line.contains("\"error\""));
    }
    anyhow::ensure!(errors == 0, "{errors} face events were refused: {line}");
    let (p50, p99, max) = (
        super::percentile(&mut lat.clone(), 50.0),
        super::percentile(&mut lat.clone(), 99.0),
        lat.iter().copied().fold(0.0, f64::max),
    );
    // Fix events as fast as the pipe takes them; answers read meanwhile.
    let heads_w = heads.clone();
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, stdin);
        for k in 0..fixes {
            writeln!(w, "{}", fix_line(k, ms, &heads_w))?;
        }
        w.flush()
    });
    let t = Instant::now();
    let mut rss = vec![(0u64, rss_mb(pid))];
    for k in 1..=fixes {
        line.clear();
        if out.read_line(&mut line)? == 0 {
            anyhow::bail!("watch ended after {k} fix answers");
        }
        if k % (fixes / 4).max(1) == 0 {
            rss.push((k, rss_mb(pid)));
        }
    }
    let fix_s = t.elapsed().as_secs_f64();
    writer.join().map_err(|_| anyhow::anyhow!("writer panicked"))??;
    let t = Instant::now();
    let st = child.wait()?;
    let close_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(st.success(), "watch failed: {st}");
    println!(
        "\n== watch (MONITORING.md) on {} ({} working segments, {} active headings)",
        dir.display(),
        segments,
        heads.len()
    );
    println!("import into a store {import_s:.1} s; watch start (load + assess, answered first event) {start_s:.2} s, {rss_start:.0} MB");
    println!("face events, line in → line out, {faces} events one at a time: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.1} ms");
    println!(
        "fix events: {fixes} in {fix_s:.2} s = {:.0} /s (answers read as they come; batches committed behind)",
        fixes as f64 / fix_s
    );
    println!(
        "resident memory along the fix stream: {}",
        rss.iter().map(|(k, m)| format!("{k}: {m:.0} MB")).collect::<Vec<_>>().join(", ")
    );
    println!("end of stream to exit (last batch committed): {close_s:.2} s");
    // The same fixes from a followed file, as a mine's feed writes them: no generator on the
    // same cores, the answers read from the child's stdout.
    let events = store.with_extension("fixes.ndjson");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&events)?);
        for k in 0..fixes {
            writeln!(w, "{}", fix_line(k, ms, &heads))?;
        }
        w.flush()?;
    }
    let t = Instant::now();
    let mut child = Command::new(exe)
        .args(["--lang", "en", "watch"])
        .arg(&copy)
        .arg("--events")
        .arg(&events)
        .arg("--no-follow")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let mut out = BufReader::new(child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?);
    let mut line = String::new();
    out.read_line(&mut line)?;
    let first_s = t.elapsed().as_secs_f64();
    let (mut n, mut rss_end) = (1u64, 0.0);
    loop {
        line.clear();
        if out.read_line(&mut line)? == 0 {
            break;
        }
        n += 1;
        if n == fixes {
            rss_end = rss_mb(pid);
        }
    }
    let last_s = t.elapsed().as_secs_f64();
    let st = child.wait()?;
    let whole_s = t.elapsed().as_secs_f64();
    // The copy and the events file go whatever the outcome (the events file is 100+ MB).
    std::fs::remove_file(&events)?;
    std::fs::remove_file(&copy)?;
    anyhow::ensure!(st.success() && n == fixes, "watch on the file failed: {st}, {n} answers");
    println!(
        "fix events from a file (watch STORE --events FILE --no-follow): {n} answered in {:.2} s after the first = {:.0} /s; start {first_s:.2} s, whole process {whole_s:.2} s, {rss_end:.0} MB at the end",
        last_s - first_s,
        (n - 1) as f64 / (last_s - first_s),
    );
    // The viewer takes in everything watch committed, as `view --follow` does, and then reads
    // the store whole, as it did before (same data, same process).
    let t = Instant::now();
    anyhow::ensure!(viewer.poll_follow(true), "the viewer saw no change");
    let follow_s = t.elapsed().as_secs_f64();
    let whole_reads = viewer.follow.as_ref().map_or(0, |f| f.full_reads);
    let t = Instant::now();
    viewer.load_keeping_view(store)?;
    let whole_s = t.elapsed().as_secs_f64();
    println!(
        "viewer following the store: the commits taken in {follow_s:.2} s ({} store read whole) vs reading the store whole {whole_s:.2} s",
        if whole_reads == 0 { "no".to_string() } else { format!("{whole_reads}×") }
    );
    // What a one-second poll sees: another watch run commits a second's events (a quiet
    // second: 900 fixes; a busy one: 100 face advances and 900 fixes), and the viewer takes
    // them in.
    let mut base = ms + 2000 + fixes;
    for (label, n_faces) in [("a quiet second (900 fixes)", 0u64), ("a busy second (100 face events, 900 fixes)", 100)]
    {
        let mut small = String::new();
        for k in 0..n_faces {
            small.push_str(&face_event(base + k, k as usize, &heads, &mut advanced));
            small.push('\n');
        }
        for k in 0..900u64 {
            small.push_str(&fix_event(base + n_faces + k, k % 3000, heads[(k % heads.len() as u64) as usize].1));
            small.push('\n');
        }
        base += 1000;
        // On stdin: a file would be resumed past the events the store already counts.
        let mut second = Command::new(exe)
            .args(["watch"])
            .arg(store)
            .args(["--events", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        second.stdin.take().ok_or_else(|| anyhow::anyhow!("no stdin"))?.write_all(small.as_bytes())?;
        let st = second.wait()?;
        anyhow::ensure!(st.success(), "the second watch run failed: {st}");
        let t = Instant::now();
        anyhow::ensure!(viewer.poll_follow(true), "the viewer saw no change");
        let poll_s = t.elapsed().as_secs_f64();
        let whole_reads = viewer.follow.as_ref().map_or(0, |f| f.full_reads);
        println!(
            "viewer following {label}: taken in {:.0} ms ({} store read whole)",
            poll_s * 1e3,
            if whole_reads == 0 { "no".to_string() } else { format!("{whole_reads}×") }
        );
    }
    Ok(())
}
