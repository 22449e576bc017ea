//! The signed major-hazard ledger (LEDGER.md) end to end on the sample coal mine: keys, a
//! hazard's life from sync to 销号 and back, every refusal writing nothing, and `audit verify`
//! catching tampered events, hand-edited hazards and layer data edited outside minehaz.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Life {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    store: PathBuf,
}

impl Life {
    fn new() -> Self {
        let d = tempfile::tempdir().expect("tmp");
        let dir = d.path().to_path_buf();
        let store = dir.join("coal.gpkg");
        let o = minehaz(&["import", p(&sample("coal-mine")), "--out", p(&store)]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let life = Self { _dir: d, dir, store };
        for (name, role, file) in [("张三", "inspector", "zs"), ("李四", "engineer", "ls"), ("王五", "principal", "ww")]
        {
            let o = life.run(&[
                "key",
                "new",
                "--name",
                name,
                "--role",
                role,
                "--out",
                &life.key(file),
                "--into",
                p(&life.store),
            ]);
            assert_eq!(code(&o), 0, "{}", stderr(&o));
        }
        life
    }
    fn key(&self, k: &str) -> String {
        p(&self.dir.join(format!("{k}.key"))).to_string()
    }
    fn run(&self, args: &[&str]) -> std::process::Output {
        minehaz(args)
    }
    fn ledger(&self, action: &str, rest: &[&str]) -> std::process::Output {
        let mut a = vec!["ledger", action, p(&self.store)];
        a.extend_from_slice(rest);
        minehaz(&a)
    }
    fn list(&self) -> Vec<Value> {
        let o = self.ledger("list", &["--format", "json"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        serde_json::from_str::<Value>(&stdout(&o)).expect("json").as_array().expect("array").clone()
    }
    fn check(&self, as_of: &str) -> Value {
        let o = minehaz(&["check", p(&self.store), "--format", "json", "--as-of", as_of]);
        assert!(code(&o) <= 1, "{}", stderr(&o));
        serde_json::from_str(&stdout(&o)).expect("json")
    }
    fn hazard_of(&self, rule: &str, working: &str) -> Value {
        self.list().into_iter().find(|h| h["rule"] == rule && h["working"] == working).expect("hazard")
    }
    /// What a refusal must leave unchanged: the ledger and the audit log.
    fn state(&self) -> (Vec<Value>, String) {
        (self.list(), stdout(&minehaz(&["audit", "log", p(&self.store)])))
    }
    fn refused(&self, action: &str, rest: &[&str], says: &str) {
        let before = self.state();
        let o = self.ledger(action, rest);
        assert_eq!(code(&o), 2, "{action} {rest:?} must be refused: {}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).contains(says), "{action}: expected \"{says}\" in: {}", stderr(&o));
        assert_eq!(self.state(), before, "a refused {action} wrote something");
    }
    /// Append events to the mine's event log and let watch apply the new ones (it resumes
    /// after those the store has applied).
    fn watch(&self, events: &str) {
        use std::io::Write;
        let f = self.dir.join("events.ndjson");
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&f).expect("open");
        file.write_all(events.as_bytes()).expect("write");
        let o = minehaz(&["watch", p(&self.store), "--events", p(&f), "--no-follow"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    fn verify(&self, store: &Path) -> (i32, String) {
        let o = minehaz(&["audit", "verify", p(store)]);
        (code(&o), stdout(&o) + &stderr(&o))
    }
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn drillhole(len_m: f64) -> String {
    format!(
        "{{\"type\":\"drillhole\",\"time\":\"2026-11-30T10:30:00+08:00\",\"feature\":{{\"type\":\"Feature\",\"properties\":{{\"id\":\"D99\",\"heading_id\":\"W19\",\"purpose\":\"water_exploration\",\"drilled_at\":\"2026-11-30\",\"water_found\":0}},\"geometry\":{{\"type\":\"LineString\",\"coordinates\":[[484995.0,4050270.0,894.2],[{},4050270.0,894.2]]}}}}}}\n",
        484995.0 + len_m
    )
}

#[test]
fn a_hazard_life_from_sync_to_closure_and_back_with_every_refusal() {
    let life = Life::new();
    // The key files are private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(life.key("zs")).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // sync opens one hazard per major (non-planned, non-ledger) finding of check.
    let report = life.check("2026-11-29");
    let majors: Vec<&Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "major" && f["planned"] == false)
        .collect();
    assert!(majors.len() >= 5, "the sample has major findings");
    let o = life.ledger("sync", &["--as-of", "2026-11-29", "--key", &life.key("zs")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let hs = life.list();
    assert_eq!(hs.len(), majors.len());
    for (i, h) in hs.iter().enumerate() {
        assert_eq!(h["id"], format!("HZ-{:06}", i + 1));
        assert_eq!((h["status"].as_str(), h["found_by"].as_str()), (Some("open"), Some("张三")));
        assert!(majors
            .iter()
            .any(|f| f["rule"] == h["rule"] && f["working"] == h["working"] && f["feature"] == h["feature"]));
    }
    // A second sync opens nothing.
    let o = life.ledger("sync", &["--as-of", "2026-11-29", "--key", &life.key("zs")]);
    assert_eq!(code(&o), 0);
    assert_eq!(life.list().len(), hs.len());

    let hz = life.hazard_of("water.exploration_required", "W19")["id"].as_str().expect("id").to_string();
    let five = |who: &str| -> Vec<String> {
        [
            hz.as_str(),
            "--responsible",
            who,
            "--measures",
            "超前探放水，钻孔 120 m",
            "--funds",
            "120000",
            "--deadline",
            "2026-12-10",
            "--plan",
            "W19 探放水应急预案",
            "--key",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([life.key("zs")])
        .collect()
    };
    // Refusals, each writing nothing.
    let mut no_plan = five("李四");
    let i = no_plan.iter().position(|s| s == "--plan").expect("plan");
    no_plan.drain(i..i + 2);
    life.refused("assign", &args(&no_plan), "--plan");
    life.refused("assign", &args(&five("赵六")), "not registered");
    life.refused("rectify", &[&hz, "--note", "已探", "--key", &life.key("ls")], "assigned");
    life.refused("accept", &[&hz, "--as-of", "2026-11-29", "--key", &life.key("ww")], "rectified");
    let stranger = life.dir.join("stranger.key");
    let o = minehaz(&["key", "new", "--name", "孙七", "--role", "inspector", "--out", p(&stranger)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    life.refused("sync", &["--as-of", "2026-11-29", "--key", p(&stranger)], "not registered");
    // A second key for a registered name is refused, and leaves no key file.
    let dup = life.dir.join("dup.key");
    let o =
        minehaz(&["key", "new", "--name", "李四", "--role", "engineer", "--out", p(&dup), "--into", p(&life.store)]);
    assert_eq!(code(&o), 2);
    assert!(!dup.exists());

    let o = life.ledger("assign", &args(&five("李四")));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    life.refused("rectify", &[&hz, "--note", "已探", "--key", &life.key("ww")], "responsible person");
    let evidence = life.dir.join("探放水记录.txt");
    std::fs::write(&evidence, "W19 超前钻孔 D99 120 m 无水\n").expect("write");
    let o = life.ledger(
        "rectify",
        &[&hz, "--note", "已施工超前探放水钻孔", "--evidence", p(&evidence), "--key", &life.key("ls")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // The evidence is bound by its SHA-256.
    let o = life.ledger("show", &[&hz, "--format", "json"]);
    let shown: Value = serde_json::from_str(&stdout(&o)).expect("json");
    let ev = &shown["events"].as_array().expect("events").last().expect("event")["payload"]["evidence"][0];
    use sha2::Digest;
    let want: String =
        sha2::Sha256::digest(std::fs::read(&evidence).expect("read")).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(ev["sha256"].as_str(), Some(want.as_str()));
    // The responsible person cannot accept; nor can anyone while the finding is still there.
    life.refused("accept", &[&hz, "--as-of", "2026-11-29", "--key", &life.key("ls")], "responsible person");
    life.refused("accept", &[&hz, "--as-of", "2026-11-29", "--key", &life.key("ww")], "still finds it");
    // The drilling really done (watch applies the drillhole): the finding is gone, 销号.
    life.watch(&drillhole(120.0));
    let report = life.check("2026-11-30");
    assert!(!report["findings"]
        .as_array()
        .expect("f")
        .iter()
        .any(|f| f["rule"] == "water.exploration_required" && f["working"] == "W19"));
    let o = life.ledger("accept", &[&hz, "--as-of", "2026-11-30", "--key", &life.key("ww")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let h = life.hazard_of("water.exploration_required", "W19");
    assert_eq!(
        (h["status"].as_str(), h["closed_by"].as_str(), h["closed_at"].as_str()),
        (Some("closed"), Some("王五"), Some("2026-11-30"))
    );
    life.refused("rectify", &[&hz, "--note", "again", "--key", &life.key("ls")], "assigned");
    // Ledger findings in check: the 19 openings on one producing day propose closure.
    let ledger_findings = |r: &Value, rule: &str| -> Vec<Value> {
        r["findings"].as_array().expect("f").iter().filter(|f| f["rule"] == rule).cloned().collect()
    };
    let r = life.check("2026-11-30");
    let close = ledger_findings(&r, "ledger.close_recommended");
    assert_eq!(close.len(), 1);
    assert_eq!((close[0]["working"].clone(), close[0]["feature"].as_str()), (Value::Null, Some("mine")));
    assert!(ledger_findings(&r, "ledger.repeat").is_empty());
    // Open hazards unassigned for more than 3 days; the assigned one past its deadline.
    let r = life.check("2026-12-03");
    let unassigned = ledger_findings(&r, "ledger.unassigned");
    assert_eq!(unassigned.len(), hs.len() - 1, "all but the closed one");
    // The finding comes back (the hole's recorded length corrected to 5 m): reopened.
    life.watch(&drillhole(5.0));
    let o = life.ledger("sync", &["--as-of", "2026-12-01", "--key", &life.key("zs")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("reopen"), "{}", stdout(&o));
    let h = life.hazard_of("water.exploration_required", "W19");
    assert_eq!(
        (h["status"].as_str(), h["reopened"].as_i64(), h["id"].as_str()),
        (Some("open"), Some(1), Some(hz.as_str()))
    );
    let again =
        life.list().into_iter().filter(|h| h["rule"] == "water.exploration_required" && h["working"] == "W19").count();
    assert_eq!(again, 1, "reopened, not opened anew");
    let r = life.check("2026-12-01");
    let rep = ledger_findings(&r, "ledger.repeat");
    assert_eq!(rep.len(), 1);
    assert_eq!(rep[0]["feature"].as_str(), Some(hz.as_str()));
    // Re-assigned with the old deadline: overdue after it.
    let o = life.ledger("assign", &args(&five("李四")));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r = life.check("2026-12-11");
    assert!(ledger_findings(&r, "ledger.overdue").iter().any(|f| f["feature"] == hz.as_str()));
    let o = life.ledger("list", &["--overdue", "--as-of", "2026-12-11", "--format", "json"]);
    let over: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(over.as_array().map(|a| a.len()), Some(1));
    // Everything written verifies.
    let (c, out) = life.verify(&life.store);
    assert_eq!(c, 0, "{out}");
    assert!(out.contains("ledger signatures and replay hold"), "{out}");
}

fn query(path: &Path, q: &str) -> Vec<String> {
    use gdal::vector::LayerAccess;
    let ds = gdal::Dataset::open(path).expect("open");
    let mut rs = ds.execute_sql(q, None, gdal::vector::sql::Dialect::SQLITE).expect("sql").expect("rows");
    rs.features().map(|f| f.field_as_string(0).ok().flatten().unwrap_or_default()).collect()
}

/// A short life (sync, assign HZ-000003, rectify it) to tamper with.
fn tamper_base() -> Life {
    let life = Life::new();
    for (action, rest) in [
        ("sync", vec!["--as-of", "2026-11-29", "--key", "zs"]),
        (
            "assign",
            vec![
                "HZ-000003",
                "--responsible",
                "李四",
                "--measures",
                "卸压",
                "--funds",
                "120000",
                "--deadline",
                "2026-12-10",
                "--plan",
                "预案",
                "--key",
                "zs",
            ],
        ),
        ("rectify", vec!["HZ-000003", "--note", "已卸压", "--key", "ls"]),
    ] {
        let rest: Vec<String> =
            rest.iter().map(|s| if ["zs", "ls", "ww"].contains(s) { life.key(s) } else { s.to_string() }).collect();
        let o = life.ledger(action, &rest.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    life
}

#[test]
fn audit_verify_catches_every_kind_of_ledger_tampering() {
    let life = tamper_base();
    assert_eq!(life.verify(&life.store).0, 0);
    let n: u64 = query(&life.store, "SELECT CAST(MAX(seq) AS TEXT) FROM hazard_events")[0].parse().expect("n");
    let assign_seq = n - 1;
    let case = |name: &str, edits: &[String], says: &[&str]| {
        let copy = life.dir.join(format!("{name}.gpkg"));
        std::fs::copy(&life.store, &copy).expect("copy");
        for q in edits {
            sql(&copy, q);
        }
        let (c, out) = life.verify(&copy);
        assert_eq!(c, 1, "{name}: {out}");
        for s in says {
            assert!(out.contains(s), "{name}: expected \"{s}\" in:\n{out}");
        }
    };
    case(
        "hazard-row",
        &["UPDATE hazards SET status = 'closed' WHERE id = 'HZ-000003'".into()],
        &["HZ-000003", "hazards.status", "edited by hand"],
    );
    case(
        "payload",
        &[format!("UPDATE hazard_events SET payload = replace(payload, '120000', '1') WHERE seq = {assign_seq}")],
        &["HZ-000003", &format!("event #{assign_seq}"), "edited"],
    );
    case("deleted", &["DELETE FROM hazard_events WHERE seq = 2".into()], &["HZ-000003", "deleted"]);
    case(
        "deleted-last",
        &[format!("DELETE FROM hazard_events WHERE seq = {n}")],
        &["trailing events deleted", "HZ-000003"],
    );
    case(
        "reordered",
        &[
            "UPDATE hazard_events SET seq = -1 WHERE seq = 1".into(),
            "UPDATE hazard_events SET seq = 1 WHERE seq = 2".into(),
            "UPDATE hazard_events SET seq = 2 WHERE seq = -1".into(),
        ],
        &["reordered"],
    );
    // No action is signed on a tampered ledger (exit 2, nothing written).
    let copy = life.dir.join("tampered-then-act.gpkg");
    std::fs::copy(&life.store, &copy).expect("copy");
    sql(&copy, &format!("UPDATE hazard_events SET payload = replace(payload, '120000', '1') WHERE seq = {assign_seq}"));
    let o = minehaz(&["ledger", "accept", p(&copy), "HZ-000003", "--as-of", "2026-11-30", "--key", &life.key("ww")]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("tampered"), "{}", stderr(&o));
    // A person added to people by hand is not one a key-new audit row registered.
    let copy = life.dir.join("person-added.gpkg");
    std::fs::copy(&life.store, &copy).expect("copy");
    sql(&copy, "INSERT INTO people (id, name, role, algorithm, public_key, registered_at, registered_by) SELECT '赵六', '赵六', role, algorithm, public_key, registered_at, registered_by FROM people WHERE name = '王五'");
    let (c, out) = life.verify(&copy);
    assert!(c == 1 && out.contains("does not match the key its audit row registered"), "{out}");
    case(
        "forged-hazard",
        &["INSERT INTO hazards (id, rule, status) VALUES ('HZ-000999', 'x', 'open')".into()],
        &["HZ-000999", "added by hand"],
    );

    // An event signed with a key nobody registered (a valid chain, hash and head).
    use minehaz_core::ledger::{Action, Event, KeyFile};
    let forger = KeyFile::generate("李四", "engineer").expect("key");
    let prev = query(&life.store, &format!("SELECT hash FROM hazard_events WHERE seq = {n}"))[0].clone();
    let mut e = Event {
        hazard_id: "HZ-000003".into(),
        seq: n + 1,
        time: "2026-11-30T09:00:00+08:00".into(),
        actor: "李四".into(),
        action: "accept".into(),
        payload: Action::Accept { as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("d") }.payload(),
        prev_hash: prev,
        hash: String::new(),
        signature: String::new(),
    };
    e.hash = e.compute_hash();
    e.signature = forger.signer().sign(&minehaz_core::ledger::keys::unhex(&e.hash).expect("hex"));
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let insert = format!(
        "INSERT INTO hazard_events (id, seq, hazard_id, time, actor, action, payload, prev_hash, hash, signature) VALUES ('{0}', {0}, 'HZ-000003', {1}, '李四', 'accept', {2}, {3}, {4}, {5})",
        n + 1,
        q(&e.time),
        q(&e.payload),
        q(&e.prev_hash),
        q(&e.hash),
        q(&e.signature)
    );
    let heads = [
        format!("UPDATE minehaz_meta SET value = '{}' WHERE key = 'ledger_head_seq'", n + 1),
        format!("UPDATE minehaz_meta SET value = '{}' WHERE key = 'ledger_head_hash'", e.hash),
        "UPDATE hazards SET status = 'closed', closed_at = '2026-11-30', closed_by = '李四' WHERE id = 'HZ-000003'"
            .into(),
    ];
    let mut edits = vec![insert];
    edits.extend(heads);
    case("unregistered-key", &edits, &["HZ-000003", &format!("event #{}", n + 1), "signature does not verify"]);
}

#[test]
fn audit_verify_catches_data_edited_outside_minehaz_in_every_table() {
    let life = tamper_base();
    // A watch commit and the ledger keep their seals current.
    life.watch(&drillhole(120.0));
    let (c, out) = life.verify(&life.store);
    assert_eq!(c, 0, "{out}");
    let tables = query(
        &life.store,
        "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features','attributes') AND table_name NOT IN ('minehaz_audit','minehaz_meta','minehaz_seals','layer_styles') ORDER BY table_name",
    );
    for must in [
        "goaf",
        "zones",
        "workings",
        "faults",
        "licence",
        "positioning",
        "hazards",
        "hazard_events",
        "people",
        "readings",
        "daily",
    ] {
        assert!(tables.iter().any(|t| t == must), "{must} in {tables:?}");
    }
    for t in &tables {
        let copy = life.dir.join(format!("edit-{t}.gpkg"));
        std::fs::copy(&life.store, &copy).expect("copy");
        let rows: u64 = query(&copy, &format!("SELECT CAST(COUNT(*) AS TEXT) FROM \"{t}\""))[0].parse().expect("n");
        if rows > 0 {
            sql(&copy, &format!("UPDATE \"{t}\" SET id = id || 'x' WHERE fid = (SELECT MIN(fid) FROM \"{t}\")"));
        } else {
            sql(&copy, &format!("INSERT INTO \"{t}\" (id) VALUES ('forged')"));
        }
        let (c, out) = life.verify(&copy);
        assert_eq!(c, 1, "an edit of {t} went unnoticed: {out}");
        assert!(out.contains(&format!("  {t}: content differs")), "{t}: {out}");
    }
    // The issue's own examples: a goaf outline moved, a zone's `treated` flag flipped.
    let copy = life.dir.join("goaf-moved.gpkg");
    std::fs::copy(&life.store, &copy).expect("copy");
    sql(&copy, "UPDATE goaf SET geom = (SELECT geom FROM goaf ORDER BY fid DESC LIMIT 1) WHERE fid = (SELECT MIN(fid) FROM goaf)");
    let (c, out) = life.verify(&copy);
    assert!(c == 1 && out.contains("goaf: content differs") && out.contains("geometry or attributes"), "{out}");
    let copy = life.dir.join("zone-treated.gpkg");
    std::fs::copy(&life.store, &copy).expect("copy");
    sql(&copy, "UPDATE zones SET treated = 1 - COALESCE(treated, 0) WHERE fid = (SELECT MIN(fid) FROM zones)");
    let (c, out) = life.verify(&copy);
    assert!(c == 1 && out.contains("zones: content differs"), "{out}");
    // survey.toml in minehaz_meta (a seam added to the licence) is sealed too.
    let copy = life.dir.join("meta.gpkg");
    std::fs::copy(&life.store, &copy).expect("copy");
    sql(
        &copy,
        "UPDATE minehaz_meta SET value = replace(value, 'seams = [', 'seams = [\"15\", ') WHERE key = 'survey.toml'",
    );
    let changed = query(&copy, "SELECT value FROM minehaz_meta WHERE key = 'survey.toml'");
    assert!(changed[0].contains("\"15\""), "the edit took: {changed:?}");
    let (c, out) = life.verify(&copy);
    assert!(c == 1 && out.contains("minehaz_meta: content differs"), "{out}");
    // Text hidden in a numeric column (read as a number by the rules, as 0 by OGR).
    let copy = life.dir.join("zone-text.gpkg");
    std::fs::copy(&life.store, &copy).expect("copy");
    sql(&copy, "UPDATE zones SET treated = char(12288) || '1' WHERE fid = (SELECT MIN(fid) FROM zones)");
    let (c, out) = life.verify(&copy);
    assert!(c == 1 && out.contains("zones: "), "{out}");
    // A later legitimate write does not launder an earlier outside edit: a fix edited, its
    // seals row deleted, then watch appends fixes — the verify still fails.
    let copy = life.dir.join("launder.gpkg");
    std::fs::copy(&life.store, &copy).expect("copy");
    sql(&copy, "UPDATE positioning SET person_id = 'P9999' WHERE fid = (SELECT MIN(fid) FROM positioning)");
    sql(&copy, "DELETE FROM minehaz_seals WHERE table_name = 'positioning'");
    let f = life.dir.join("launder.ndjson");
    let more = "{\"type\":\"fix\",\"time\":\"2026-11-30T11:00:00+08:00\",\"person_id\":\"P0101\",\"x\":484258.0,\"y\":4049805.0,\"z\":1020.8}\n";
    std::fs::write(&f, std::fs::read_to_string(life.dir.join("events.ndjson")).expect("events") + more).expect("write");
    let o = minehaz(&["watch", p(&copy), "--events", p(&f), "--no-follow"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let (c, out) = life.verify(&copy);
    assert!(c == 1 && out.contains("positioning: content differs"), "{out}");
    // Re-sealing by hand is caught too: the seals table no longer matches the audit chain.
    let copy = life.dir.join("reseal.gpkg");
    std::fs::copy(&life.store, &copy).expect("copy");
    sql(&copy, "UPDATE minehaz_seals SET digest = '0000000000000000000000000000000000000000000000000000000000000000:0' WHERE table_name = 'goaf'");
    let (c, out) = life.verify(&copy);
    assert!(c == 1 && out.contains("seals table was edited"), "{out}");
}

#[test]
fn a_passphrase_protected_key_signs_only_with_its_passphrase() {
    let d = tempfile::tempdir().expect("tmp");
    let store = d.path().join("coal.gpkg");
    assert_eq!(code(&minehaz(&["import", p(&sample("coal-mine")), "--out", p(&store)])), 0);
    let key = d.path().join("zs.key");
    let run = |pass: &str, args: &[&str]| {
        let mut all = vec!["--lang", "en"];
        all.extend_from_slice(args);
        std::process::Command::new(env!("CARGO_BIN_EXE_minehaz"))
            .args(&all)
            .env("MINEHAZ_KEY_PASSPHRASE", pass)
            .output()
            .expect("run")
    };
    let o = run(
        "矿山安全",
        &["key", "new", "--name", "张三", "--role", "inspector", "--out", p(&key), "--into", p(&store), "--passphrase"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(&key).expect("key");
    assert!(text.contains("sealed_secret") && !text.contains("secret_key"), "{text}");
    let sync = ["ledger", "sync", p(&store), "--as-of", "2026-11-29", "--key", p(&key)];
    let o = run("wrong", &sync);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("wrong passphrase"), "{}", stderr(&o));
    let o = run("矿山安全", &sync);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("HZ-000001"), "{}", stdout(&o));
}
