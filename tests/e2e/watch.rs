//! `minehaz watch` as a user runs it (MONITORING.md): the sample's event stream replayed, the
//! live set equal to `check` afterwards, bad lines, the HTTP endpoint, kill -9 and resume.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const AS_OF: &str = "2026-11-29";

fn store(dir: &Path) -> PathBuf {
    let out = dir.join("mine.gpkg");
    let o = minehaz(&["import", p(&sample("coal-mine")), "--out", p(&out)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    out
}

fn answers(o: &std::process::Output) -> Vec<Value> {
    stdout(o).lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect()
}

type Key = (String, String, String);

fn key(f: &Value) -> Key {
    let s = |k: &str| f[k].as_str().unwrap_or("-").to_string();
    (s("rule"), s("working"), s("feature"))
}

fn check_keys(store: &Path) -> BTreeSet<Key> {
    let o = minehaz(&["check", p(store), "--format", "json", "--as-of", AS_OF]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("check json");
    v["findings"].as_array().expect("findings").iter().map(key).collect()
}

fn sql(store: &Path, q: &str) -> String {
    let o = Command::new("ogrinfo").args(["-q", p(store), "-sql", q]).output().expect("ogrinfo");
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn count(store: &Path, table: &str) -> usize {
    let out = sql(store, &format!("SELECT COUNT(*) AS n FROM {table}"));
    out.lines().find_map(|l| l.trim().strip_prefix("n (Integer) = ")).and_then(|n| n.parse().ok()).expect("count")
}

fn events_applied(store: &Path) -> u64 {
    let out = sql(store, "SELECT events_applied FROM minehaz_watch");
    out.lines()
        .find_map(|l| l.trim().strip_prefix("events_applied (Integer) = "))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn the_sample_stream_is_answered_in_order_with_its_alarms_and_ends_equal_to_check() {
    let d = tempfile::tempdir().expect("tmp");
    let s = store(d.path());
    let before = check_keys(&s);
    let events = sample("coal-mine").join("events.ndjson");
    let n_events = std::fs::read_to_string(&events).expect("events").lines().filter(|l| !l.trim().is_empty()).count();
    let o = minehaz(&["watch", p(&s), "--events", p(&events), "--no-follow"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let a = answers(&o);
    assert_eq!(a.len(), n_events);
    for (i, x) in a.iter().enumerate() {
        assert_eq!(x["event"], i as u64);
        assert!(x.get("error").is_none(), "event {i}: {x}");
        let keys: Vec<&str> = x.as_object().expect("object").keys().map(String::as_str).collect();
        for k in ["event", "new", "cleared", "levels", "alarms"] {
            assert!(keys.contains(&k), "event {i} lacks {k}");
        }
    }
    let rules = |x: &Value, k: &str| x[k].as_array().expect("list").iter().map(key).collect::<Vec<_>>();
    let k = |r: &str, w: &str, f: &str| (r.to_string(), w.to_string(), f.to_string());
    assert_eq!(rules(&a[6], "new"), [k("water.exploration_required", "W37", "G11")]);
    assert_eq!(rules(&a[6], "cleared"), [k("water.warning_zone", "W37", "G11")]);
    assert_eq!(rules(&a[8], "cleared"), [k("water.exploration_required", "W37", "G11")], "D21 covers W37");
    let alarm = |x: &Value| {
        let al = &x["alarms"][0];
        let w: Vec<&str> = al["withdraw"].as_array().expect("withdraw").iter().filter_map(Value::as_str).collect();
        (al["alarm"].as_str().expect("kind").to_string(), w.join(","))
    };
    assert_eq!(alarm(&a[15]), ("gas".into(), "P0102,P0103".into()));
    assert_eq!(rules(&a[15], "new"), [k("gas.ch4_over_limit", "W16", "CH4-W16-T1")]);
    assert_eq!(alarm(&a[16]), ("weather".into(), "P0101,P0102,P0103,P0104".into()));
    assert_eq!(alarm(&a[18]), ("water_inrush".into(), "P0101".into()));
    assert_eq!(alarm(&a[21]), ("water_finding".into(), "P0101".into()));
    assert_eq!(rules(&a[21], "new"), [k("water.inside_water_body", "W37", "G11")]);
    let n_alarms: usize = a.iter().map(|x| x["alarms"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(n_alarms, 4);
    // The alarms are told on stderr too, in words.
    assert!(stderr(&o).contains("ALARM") && stderr(&o).contains("WITHDRAW"), "{}", stderr(&o));
    // The live set after the last event (the check before, with every new and cleared applied)
    // is what check reports on the store as it now stands.
    let mut live = before;
    for x in &a {
        for f in rules(x, "cleared") {
            assert!(live.remove(&f), "event {}: cleared {f:?} was not live", x["event"]);
        }
        for f in rules(x, "new") {
            assert!(live.insert(f.clone()), "event {}: new {f:?} was already live", x["event"]);
        }
    }
    assert_eq!(live, check_keys(&s));
    // Durable: the counter, the appended rows, the alarms and an intact audit chain.
    assert_eq!(events_applied(&s), n_events as u64);
    assert_eq!(count(&s, "readings"), 6);
    assert_eq!(count(&s, "alarms"), 4);
    assert_eq!(count(&s, "weather"), 1);
    let o = minehaz(&["audit", "verify", p(&s)]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // Restarted on the same file: nothing is applied twice.
    let fixes = count(&s, "positioning");
    let o = minehaz(&["watch", p(&s), "--events", p(&events), "--no-follow"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    assert_eq!(count(&s, "positioning"), fixes);
    assert_eq!(events_applied(&s), n_events as u64);
}

#[test]
fn bad_lines_get_an_error_answer_and_change_nothing() {
    let d = tempfile::tempdir().expect("tmp");
    let s = store(d.path());
    let f = d.path().join("bad.ndjson");
    let lines = [
        r#"{"type":"face","time":"2026-11-29T09:00:00+08:00","working":"W37","to":[484240,4049800,1020.9]}"#,
        "{not json",
        r#"{"type":"face","time":"2026-11-29T09:01:00+08:00","working":"NOPE","to":[1,2,3]}"#,
        r#"{"type":"fix","time":"2026-11-29T09:02:00+08:00","person_id":"P1","x":"east","y":1}"#,
        r#"{"type":"reading","time":"2026-11-29 09:03","sensor":"S","kind":"ch4","value":1}"#,
        r#"{"type":"fix","time":"2026-11-29T09:04:00+08:00","person_id":"P1","x":484250,"y":4049800,"z":1021}"#,
    ];
    std::fs::write(&f, lines.join("\n") + "\n").expect("write");
    let vertices = |s: &Path| sql(s, "SELECT ST_NPoints(geom) AS n FROM workings WHERE id = 'W37'");
    let v0 = vertices(&s);
    let fixes = count(&s, "positioning");
    let o = minehaz(&["watch", p(&s), "--events", p(&f), "--no-follow"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let a = answers(&o);
    let errs: Vec<bool> = a.iter().map(|x| x.get("error").is_some()).collect();
    assert_eq!(errs, [false, true, true, true, true, false]);
    assert!(a[2]["error"].as_str().expect("text").contains("NOPE"));
    assert!(a[3]["error"].as_str().expect("text").contains("\"x\""));
    assert_ne!(vertices(&s), v0, "the good face event was applied");
    assert_eq!(count(&s, "positioning"), fixes + 1, "only the good fix");
    assert_eq!(events_applied(&s), 6, "bad lines count as events (they were answered)");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn post(port: u16, body: &str) -> (u16, String) {
    for _ in 0..100 {
        if let Ok(mut c) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let req = format!(
                "POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            c.write_all(req.as_bytes()).expect("send");
            let mut resp = String::new();
            c.read_to_string(&mut resp).expect("read");
            let status = resp.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
            let body = resp.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
            return (status, body);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("watch did not listen on {port}");
}

#[test]
fn the_http_endpoint_answers_each_request_with_its_lines() {
    let d = tempfile::tempdir().expect("tmp");
    let s = store(d.path());
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_minehaz"))
        .args(["--lang", "en", "watch", p(&s), "--listen", &format!("127.0.0.1:{port}"), "--max-requests", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let evs = std::fs::read_to_string(sample("coal-mine").join("events.ndjson")).expect("events");
    let lines: Vec<&str> = evs.lines().collect();
    let (status, body) = post(port, &lines[..16].join("\n"));
    assert_eq!(status, 200);
    let a: Vec<Value> = body.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(a.len(), 16);
    assert_eq!(a[15]["event"], 15);
    assert_eq!(a[15]["alarms"][0]["alarm"], "gas");
    let (status, body) = post(port, &(lines[16].to_string() + "\nnot json\n"));
    assert_eq!(status, 200);
    let a: Vec<Value> = body.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(a.iter().map(|x| x["event"].as_u64().expect("n")).collect::<Vec<_>>(), [16, 17]);
    assert_eq!(a[0]["alarms"][0]["alarm"], "weather");
    assert!(a[1]["error"].is_string());
    let st = child.wait().expect("wait");
    assert!(st.success(), "watch ends after --max-requests");
    assert_eq!(events_applied(&s), 18);
    // Only loopback addresses are accepted.
    let o = minehaz(&["watch", p(&s), "--listen", "0.0.0.0:8080"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("loopback"), "{}", stderr(&o));
}

/// Kill -9 at random points of a followed events file and restart: in the end every event is
/// applied exactly once (the fixes in the store are those of the file, once each).
#[test]
fn kill_9_and_resume_lose_nothing_and_apply_nothing_twice() {
    let d = tempfile::tempdir().expect("tmp");
    let s = store(d.path());
    let f = d.path().join("events.ndjson");
    let n = 6000;
    let mut text = String::new();
    for i in 0..n {
        let t = format!("2026-11-29T{:02}:{:02}:{:02}+08:00", 8 + i / 3600, (i / 60) % 60, i % 60);
        if i % 50 == 49 {
            text.push_str(&format!(
                "{{\"type\":\"face\",\"time\":\"{t}\",\"working\":\"W16\",\"to\":[482965,{},929.4]}}\n",
                4050650 + i / 50
            ));
        } else {
            text.push_str(&format!(
                "{{\"type\":\"fix\",\"time\":\"{t}\",\"person_id\":\"K{i}\",\"x\":482965,\"y\":4050600,\"z\":929}}\n"
            ));
        }
    }
    std::fs::write(&f, &text).expect("write");
    let fixes0 = count(&s, "positioning");
    let faces = n / 50;
    let vertices0: usize = sql(&s, "SELECT ST_NPoints(geom) AS n FROM workings WHERE id = 'W16'")
        .lines()
        .find_map(|l| l.trim().strip_prefix("n (Integer) = ").and_then(|v| v.parse().ok()))
        .expect("vertices");
    let mut kills = 0;
    for wait_answers in [600usize, 800, 1000] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_minehaz"))
            .args(["--lang", "en", "watch", p(&s), "--events", p(&f)])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let out = child.stdout.take().expect("stdout");
        let mut r = std::io::BufReader::new(out);
        let mut line = String::new();
        let mut seen = 0;
        while seen < wait_answers && r.read_line(&mut line).map(|k| k > 0).unwrap_or(false) {
            line.clear();
            seen += 1;
        }
        child.kill().expect("kill -9");
        let _ = child.wait();
        kills += 1;
        // The next command a user runs reads the store; a transaction the kill cut short is
        // rolled back then.
        let o = minehaz(&["info", p(&s)]);
        assert_eq!(code(&o), 0, "the store opens after kill {kills}: {}", stderr(&o));
        let applied = events_applied(&s);
        assert!(applied <= n as u64);
        assert_eq!(
            count(&s, "positioning") - fixes0,
            applied as usize - applied as usize / 50,
            "store consistent after kill {kills}"
        );
    }
    let o = minehaz(&["watch", p(&s), "--events", p(&f), "--no-follow"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(events_applied(&s), n as u64);
    assert_eq!(count(&s, "positioning") - fixes0, n - faces, "every fix once");
    let vertices: usize = sql(&s, "SELECT ST_NPoints(geom) AS n FROM workings WHERE id = 'W16'")
        .lines()
        .find_map(|l| l.trim().strip_prefix("n (Integer) = ").and_then(|v| v.parse().ok()))
        .expect("vertices");
    assert_eq!(vertices, vertices0 + faces, "every face advance once");
    let o = minehaz(&["audit", "verify", p(&s)]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

/// Features of `table` inside a plan box, through GDAL's spatial filter (as QGIS reads a view).
fn in_box(store: &Path, table: &str, b: [f64; 4]) -> usize {
    let spat: Vec<String> = b.iter().map(|v| v.to_string()).collect();
    let o = Command::new("ogrinfo").args(["-so", p(store), table, "-spat"]).args(&spat).output().expect("ogrinfo");
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    out.lines()
        .find_map(|l| l.trim().strip_prefix("Feature Count: "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no feature count: {out}"))
}

#[test]
fn fixes_are_an_unindexed_series_found_by_a_spatial_filter_and_a_users_rtree_is_kept_up_to_date() {
    let d = tempfile::tempdir().expect("tmp");
    let s = store(d.path());
    let ext = sql(&s, "SELECT COUNT(*) AS n FROM gpkg_extensions WHERE table_name = 'positioning'");
    assert!(ext.contains("n (Integer) = 0"), "positioning has no R-tree: {ext}");
    assert!(sql(&s, "SELECT COUNT(*) AS n FROM gpkg_extensions WHERE table_name = 'workings'").contains("= 1"));
    // A spatial filter on the unindexed layer finds what the survey's CSV has in the box.
    let csv = std::fs::read_to_string(sample("coal-mine").join("monitoring/positioning.csv")).expect("csv");
    let b = [484200.0, 4050000.0, 484500.0, 4050400.0];
    let want = csv
        .lines()
        .skip(1)
        .filter(|l| {
            let c: Vec<f64> = l.split(',').skip(2).take(2).filter_map(|v| v.parse().ok()).collect();
            c.len() == 2 && (b[0]..=b[2]).contains(&c[0]) && (b[1]..=b[3]).contains(&c[1])
        })
        .count();
    assert!(want > 10, "the box holds fixes ({want})");
    assert_eq!(in_box(&s, "positioning", b), want);
    // A user who wants the R-tree (QGIS on a very long series) adds it; watch keeps it whole.
    let o = Command::new("ogrinfo")
        .args([p(&s), "-sql", "SELECT CreateSpatialIndex('positioning', 'geom')"])
        .output()
        .expect("ogrinfo");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let f = d.path().join("fixes.ndjson");
    let lines: Vec<String> = (0..50)
        .map(|k| {
            format!(
                r#"{{"type":"fix","time":"2026-11-29T09:{:02}:00+08:00","person_id":"N{k}","x":{},"y":4050100,"z":1020}}"#,
                k,
                484300 + k
            )
        })
        .collect();
    std::fs::write(&f, lines.join("\n") + "\n").expect("write");
    let o = minehaz(&["watch", p(&s), "--events", p(&f), "--no-follow"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let n = count(&s, "positioning");
    assert_eq!(n, csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count() + 50);
    assert_eq!(count(&s, "rtree_positioning_geom"), n, "the R-tree holds every fix");
    assert_eq!(in_box(&s, "positioning", b), want + 50, "the new fixes are found through the R-tree");
    let o = minehaz(&["check", p(&s), "--format", "json", "--as-of", AS_OF]);
    assert_ne!(code(&o), 2, "the store reads back whole: {}", stderr(&o));
}
