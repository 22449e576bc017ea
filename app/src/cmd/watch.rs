//! `minehaz watch STORE.gpkg [--events FILE|-] [--listen 127.0.0.1:PORT] [--as-of-clock]`: the
//! live mine (MONITORING.md). Events arrive as NDJSON lines from a file it follows as it grows,
//! from stdin, or by HTTP `POST /events` on a loopback address; every event is answered with one
//! line, in order. Applied events are committed to the store in batches (every
//! `watch_commit_ms` or 1000 events), each an audited transaction that also records how many
//! events were applied, so a restarted watch on the same events file goes on after the last
//! committed event. SIGINT / SIGTERM commit the open batch and end the watch.
//!
//! Threads: one reads the source, the main thread applies the events (the assessment is not
//! shared), one writes the batches to the store, so a commit never delays an answer.

use minehaz_core::i18n::{lang, tr};
use minehaz_core::io::live_store::{self, Batch, LiveStore};
use minehaz_core::live::{Answer, Live};
use minehaz_core::{text, Location};
use std::io::{BufRead, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// 工程文件 (.gpkg) / project store (.gpkg)
    pub store: PathBuf,
    /// 事件文件（NDJSON，持续跟随其增长；- 为标准输入；默认标准输入）/ events file (NDJSON, followed as it grows; - for stdin, the default)
    #[arg(long)]
    pub events: Option<String>,
    /// 在本机回环地址上接收 HTTP POST /events，如 127.0.0.1:8080 / accept HTTP POST /events on a loopback address, e.g. 127.0.0.1:8080
    #[arg(long)]
    pub listen: Option<String>,
    /// 以系统时钟而非事件时间作为规则的检查时间 / the rules' clock is the system clock, not the event times
    #[arg(long)]
    pub as_of_clock: bool,
    /// 输出：json（每事件一行 NDJSON，默认）或 text（给值班人员看）/ output: json (one NDJSON line per event, default) or text (for the dispatcher)
    #[arg(long, value_enum, default_value = "json")]
    pub format: WatchFormat,
    /// 读到事件文件末尾即结束（不再跟随）/ stop at the end of the events file (do not follow it)
    #[arg(long)]
    pub no_follow: bool,
    /// 处理这么多个 HTTP 请求后结束 / end after this many HTTP requests
    #[arg(long)]
    pub max_requests: Option<u64>,
    /// 审计记录中的操作人（默认 $USER）/ who, for the audit log (default $USER)
    #[arg(long)]
    pub author: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WatchFormat {
    Json,
    Text,
}

/// What the source threads send to the applier.
enum Input {
    /// Lines to apply; with a reply channel, the answers go back there (HTTP) instead of stdout.
    Lines(Vec<String>, Option<mpsc::Sender<Vec<String>>>),
    /// A source error (exit 2).
    Failed(minehaz_core::Error),
    End,
}

static STOP: AtomicBool = AtomicBool::new(false);

/// Chunks of input lines read ahead of the rules (up to 4096 lines from stdin, 64 KiB of a
/// followed file, one HTTP request).
const INPUT_QUEUE: usize = 4;
/// Batches queued for the store writer (it merges what queued into one transaction).
const BATCH_QUEUE: usize = 2;

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn input_error(field: &str, zh: String, en: String) -> minehaz_core::Error {
    minehaz_core::Error::at(Location::default().field(field), minehaz_core::i18n::Text { zh, en })
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    let store = &a.store;
    if !store.extension().is_some_and(|e| e.eq_ignore_ascii_case("gpkg")) || !store.is_file() {
        return Err(minehaz_core::Error::at(
            Location::file(store),
            text!(
                "watch 需要一个已存在的 .gpkg 工程文件（先运行 minehaz import）",
                "watch needs an existing .gpkg project store (run minehaz import first)"
            ),
        )
        .into());
    }
    // One malloc arena: the reader, rules and writer threads pass events, batches and answers
    // to each other, and with glibc's per-thread arenas the freed memory stays scattered
    // over them — measured on the generated mine, 1 M fixes grew the process by 127 MB with
    // the default arenas and by 70 MB (the fixes themselves) with one, at ~14 % less
    // throughput (still above 140 000 fixes/s).
    // SAFETY: mallopt only sets an allocator parameter; it is called before watch's threads.
    #[cfg(target_env = "gnu")]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
    if a.events.is_some() && a.listen.is_some() {
        return Err(input_error(
            "--listen",
            "--events 与 --listen 只能选一个".into(),
            "give either --events or --listen, not both".into(),
        )
        .into());
    }
    let listen = match &a.listen {
        Some(addr) => Some(loopback(addr)?),
        None => None,
    };
    let events_file = a.events.as_deref().filter(|e| *e != "-").map(PathBuf::from);
    if let Some(f) = &events_file {
        if !f.is_file() {
            return Err(
                minehaz_core::Error::at(Location::file(f), text!("事件文件不存在", "no such events file")).into()
            );
        }
    }
    // Loaded and assessed once; the live tables exist from here on.
    let mut writer = LiveStore::open(store)?;
    let state = {
        let ds = minehaz_core::io::gdal_vector::open_vector(store)?;
        let mut ps = minehaz_core::error::Problems::default();
        live_store::read_tables(&ds, store, &mut ps)?.watch
    };
    let survey = super::open(store)?;
    super::print_warnings(&survey.warnings);

    // SAFETY: installing a handler that only stores to an atomic, before the threads start.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    // Bounded queues (input chunks, batches for the writer): a source
    // faster than the rules, or rules faster than the store, wait instead of piling events up
    // in memory — memory stays flat over a long stream, and nothing is dropped.
    let (tx, rx) = mpsc::sync_channel::<Input>(INPUT_QUEUE);
    match (&events_file, listen) {
        (Some(f), _) => {
            let (f, skip, follow) = (f.clone(), state.events_applied, !a.no_follow);
            std::thread::spawn(move || follow_file(&f, skip, follow, &tx));
        }
        (None, Some(addr)) => {
            let server = tiny_http::Server::http(addr).map_err(|e| {
                input_error("--listen", format!("无法监听 {addr}: {e}"), format!("cannot listen on {addr}: {e}"))
            })?;
            eprintln!("{} http://{addr}/events", tr("接收事件于", "accepting events at"));
            let max = a.max_requests;
            std::thread::spawn(move || serve(server, max, &tx));
        }
        (None, None) => {
            std::thread::spawn(move || read_stdin(&tx));
        }
    }

    // The as-of date of the starting assessment: the store's watch clock, else the date of the
    // first event (so that its answer is about the event, not about the as-of date moving).
    let mut first: Option<Input> = None;
    let as_of = match (state.clock, a.as_of_clock) {
        (_, true) => chrono::Local::now().date_naive(),
        (Some(c), false) => c.date_naive(),
        (None, false) => {
            let msg = loop {
                match rx.recv_timeout(Duration::from_millis(100)) {
                    Ok(m) => break m,
                    Err(mpsc::RecvTimeoutError::Timeout) if !STOP.load(Ordering::SeqCst) => {}
                    Err(_) => break Input::End,
                }
            };
            let date = match &msg {
                Input::Lines(lines, _) => lines.iter().find_map(|l| event_date(l)),
                _ => None,
            };
            first = Some(msg);
            date.unwrap_or_else(|| chrono::Local::now().date_naive())
        }
    };
    let assessment = super::assess("评估矿井", "assessing the mine", survey, as_of)?;
    let commit_every = Duration::from_millis(assessment.params().get("watch_commit_ms").max(1.0) as u64);
    let mut live = Live::new(assessment, state.events_applied, a.as_of_clock);
    eprintln!(
        "{} {} — {} {}",
        tr("监视", "watching"),
        store.display(),
        tr("已应用事件", "events applied"),
        state.events_applied
    );

    // The store writer.
    let (btx, brx) = mpsc::sync_channel::<Batch>(BATCH_QUEUE);
    let (who, failed) = (super::author(a.author.clone()), std::sync::Arc::new(std::sync::Mutex::new(None)));
    let failed_w = failed.clone();
    let writer_thread = std::thread::spawn(move || {
        while let Ok(mut b) = brx.recv() {
            // Batches that queued while the last one was written go in the same transaction.
            while let Ok(next) = brx.try_recv() {
                b.merge(next);
            }
            if let Err(e) = writer.commit(&b, &who, &super::now()) {
                *failed_w.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                return;
            }
        }
    });

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut last_commit = Instant::now();
    let mut source_error = None;
    loop {
        if STOP.load(Ordering::SeqCst) {
            break;
        }
        if failed.lock().map(|f| f.is_some()).unwrap_or(true) {
            break;
        }
        let msg = match first.take() {
            Some(m) => Ok(m),
            None => rx.recv_timeout(commit_every.min(Duration::from_millis(100))),
        };
        match msg {
            Ok(Input::Lines(lines, reply)) => {
                let mut answers = Vec::with_capacity(lines.len());
                for l in &lines {
                    let ans = live.apply_line(l);
                    if a.format == WatchFormat::Text || !ans.outcome.as_ref().map_or(true, |x| x.alarms.is_empty()) {
                        alarm_banner(&ans);
                    }
                    let line = match a.format {
                        WatchFormat::Json => ans.to_line(),
                        WatchFormat::Text => text_line(&ans),
                    };
                    answers.push(line);
                    if live.next_event() - live_first(&live) >= 1000 {
                        let _ = btx.send(live.take_batch());
                        last_commit = Instant::now();
                    }
                }
                match reply {
                    Some(r) => {
                        let _ = r.send(answers);
                    }
                    None => {
                        // A closed stdout ends the watch, after the last batch is committed.
                        let written = answers.iter().try_for_each(|l| writeln!(out, "{l}")).and_then(|_| out.flush());
                        if written.is_err() {
                            break;
                        }
                    }
                }
            }
            Ok(Input::Failed(e)) => {
                source_error = Some(e);
                break;
            }
            Ok(Input::End) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if last_commit.elapsed() >= commit_every {
            let b = live.take_batch();
            if !b.is_empty() {
                let _ = btx.send(b);
            }
            last_commit = Instant::now();
        }
    }
    let b = live.take_batch();
    if !b.is_empty() {
        let _ = btx.send(b);
    }
    drop(btx);
    let _ = writer_thread.join();
    let _ = out.flush();
    if let Some(e) = failed.lock().ok().and_then(|mut f| f.take()) {
        return Err(e.into());
    }
    if let Some(e) = source_error {
        return Err(e.into());
    }
    eprintln!(
        "{} {} ({} {})",
        tr("监视结束，已应用事件", "watch ended, events applied"),
        live.next_event(),
        tr("现存问题", "live findings"),
        live.assessment().finding_count()
    );
    Ok(0)
}

/// The date of an event line's time, if it has a valid one.
fn event_date(line: &str) -> Option<chrono::NaiveDate> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    minehaz_core::model::monitoring::parse_time(v.get("time")?.as_str()?).map(|t| t.date_naive())
}

/// The first event of the open batch.
fn live_first(live: &Live) -> u64 {
    live.batch_first()
}

/// A loopback socket address (watch never listens beyond the machine).
fn loopback(addr: &str) -> Result<std::net::SocketAddr, minehaz_core::Error> {
    let bad = || {
        input_error(
            "--listen",
            format!("监听地址无效: {addr}（应为本机回环地址，如 127.0.0.1:8080）"),
            format!("invalid listen address: {addr} (expected a loopback address such as 127.0.0.1:8080)"),
        )
    };
    let sa: std::net::SocketAddr = addr.parse().map_err(|_| bad())?;
    if !sa.ip().is_loopback() {
        return Err(bad());
    }
    Ok(sa)
}

/// Follow an events file: skip the events already applied, then send every complete line;
/// at the end wait for it to grow (or stop, without `follow`). A last line without its
/// newline is taken only when the file is not followed.
fn follow_file(path: &Path, skip: u64, follow: bool, tx: &mpsc::SyncSender<Input>) {
    let fail = |e: std::io::Error| {
        let _ = tx.send(Input::Failed(minehaz_core::Error::io(path, e)));
    };
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let mut seen = 0u64;
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut last_data = Instant::now();
    loop {
        if STOP.load(Ordering::SeqCst) {
            return;
        }
        let n = match f.read(&mut buf) {
            Ok(n) => n,
            Err(e) => return fail(e),
        };
        if n == 0 {
            if !follow {
                let last = String::from_utf8_lossy(&pending).trim().to_string();
                if !last.is_empty() && seen >= skip {
                    let _ = tx.send(Input::Lines(vec![last], None));
                }
                let _ = tx.send(Input::End);
                return;
            }
            // Poll every millisecond while lines are coming, every 20 ms after a quiet second.
            let idle = last_data.elapsed() > Duration::from_secs(1);
            std::thread::sleep(Duration::from_millis(if idle { 20 } else { 1 }));
            // A file replaced or truncated under us: start again from its beginning.
            if let (Ok(pos), Ok(meta)) = (f.stream_position(), std::fs::metadata(path)) {
                if meta.len() < pos {
                    let _ = f.rewind();
                    pending.clear();
                    seen = 0;
                }
            }
            continue;
        }
        last_data = Instant::now();
        pending.extend_from_slice(&buf[..n]);
        let mut lines = Vec::new();
        let mut start = 0;
        while let Some(i) = pending[start..].iter().position(|&b| b == b'\n') {
            let l = String::from_utf8_lossy(&pending[start..start + i]).trim().to_string();
            start += i + 1;
            if l.is_empty() {
                continue;
            }
            seen += 1;
            if seen > skip {
                lines.push(l);
            }
        }
        pending.drain(..start);
        if !lines.is_empty() && tx.send(Input::Lines(lines, None)).is_err() {
            return;
        }
    }
}

fn read_stdin(tx: &mpsc::SyncSender<Input>) {
    let stdin = std::io::stdin();
    let mut lock = std::io::BufReader::with_capacity(1 << 16, stdin.lock());
    let mut line = Vec::new();
    let mut lines = Vec::new();
    loop {
        line.clear();
        match lock.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {
                // Bytes that are not UTF-8 become U+FFFD: the line is answered with an error.
                let l = String::from_utf8_lossy(&line).trim().to_string();
                if !l.is_empty() {
                    lines.push(l);
                }
                // Lines already buffered go together (one flush of answers for them).
                if (lock.buffer().is_empty() || lines.len() >= 4096)
                    && !lines.is_empty()
                    && tx.send(Input::Lines(std::mem::take(&mut lines), None)).is_err()
                {
                    return;
                }
            }
            Err(e) => {
                let _ = tx.send(Input::Failed(minehaz_core::Error::io("stdin", e)));
                return;
            }
        }
    }
    let _ = tx.send(Input::End);
}

fn serve(server: tiny_http::Server, max: Option<u64>, tx: &mpsc::SyncSender<Input>) {
    let mut served = 0u64;
    loop {
        if STOP.load(Ordering::SeqCst) || max.is_some_and(|m| served >= m) {
            break;
        }
        let mut req = match server.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(_) => break,
        };
        served += 1;
        let ndjson = tiny_http::Header::from_bytes("Content-Type", "application/x-ndjson").ok();
        if req.url() != "/events" || *req.method() != tiny_http::Method::Post {
            let _ = req.respond(tiny_http::Response::from_string("POST /events\n").with_status_code(404));
            continue;
        }
        let mut bytes = Vec::new();
        if req.as_reader().read_to_end(&mut bytes).is_err() {
            let _ = req.respond(tiny_http::Response::from_string("the body could not be read\n").with_status_code(400));
            continue;
        }
        let body = String::from_utf8_lossy(&bytes);
        let lines: Vec<String> = body.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
        let (rtx, rrx) = mpsc::channel();
        if tx.send(Input::Lines(lines, Some(rtx))).is_err() {
            break;
        }
        let answers = rrx.recv().unwrap_or_default();
        let mut text = answers.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        let mut resp = tiny_http::Response::from_string(text);
        if let Some(h) = ndjson {
            resp = resp.with_header(h);
        }
        let _ = req.respond(resp);
    }
    let _ = tx.send(Input::End);
}

/// Alarms on stderr, Chinese first (or the chosen language), impossible to miss.
fn alarm_banner(ans: &Answer) {
    let Ok(a) = &ans.outcome else { return };
    for al in &a.alarms {
        let kind = match (al.kind, lang()) {
            ("gas", minehaz_core::i18n::Lang::Zh) => "瓦斯",
            ("water_inrush", minehaz_core::i18n::Lang::Zh) => "突水",
            ("weather", minehaz_core::i18n::Lang::Zh) => "气象",
            ("water_finding", minehaz_core::i18n::Lang::Zh) => "进入水体",
            (k, _) => k,
        };
        let who = if al.withdraw.is_empty() {
            tr("（无在场人员）", "(nobody present)").to_string()
        } else {
            al.withdraw.join(", ")
        };
        eprintln!(
            "\n!!!!!!!! {} {} !!!!!!!!  {} {}\n  {}\n  {}: {}\n",
            tr("报警", "ALARM"),
            kind,
            al.time,
            al.working.as_deref().unwrap_or_default(),
            al.reason.get(lang()),
            tr("立即撤人", "WITHDRAW NOW"),
            who
        );
    }
}

/// One event in words.
fn text_line(ans: &Answer) -> String {
    match &ans.outcome {
        Err(e) => format!("#{} {}: {e}", ans.event, tr("错误", "error")),
        Ok(a) => {
            let mut s = format!(
                "#{}  {} {}  {} {}",
                ans.event,
                tr("新增", "new"),
                a.delta.new.len(),
                tr("消除", "cleared"),
                a.delta.cleared.len()
            );
            for f in &a.delta.new {
                s.push_str(&format!(
                    "\n  + [{}] {} {}: {}",
                    f.severity.as_str(),
                    f.rule,
                    f.subject(),
                    f.message.get(lang())
                ));
            }
            for f in &a.delta.cleared {
                s.push_str(&format!("\n  - {} {}", f.rule, f.subject()));
            }
            if a.levels.is_some() {
                s.push_str(&format!("\n  {}", tr("等级已变化", "a level changed")));
            }
            for al in &a.alarms {
                s.push_str(&format!("\n  !! {} {} → {}", tr("报警", "ALARM"), al.kind, al.withdraw.join(", ")));
            }
            s
        }
    }
}
