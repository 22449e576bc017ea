//! `minehaz bench --ledger [--events 100000]`: the ledger on the generated mine, whole process
//! as a user runs it — `ledger sync` of the large mine's major findings, then a hazard history
//! grown to `--events` signed events (assign, rectify, accept, reopen, … cycles, signed and
//! written by the same core code the commands use), and `audit verify` of the store: the audit
//! chain, the content seal of every table (the mine's layers and its 1 000 000 fixes included)
//! and the ledger's chain, signatures, refusals and replay.

use super::{best, run_child};
use minehaz_core::io::ledger_store;
use minehaz_core::ledger::{Action, KeyFile, Person, Status};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

pub fn bench(exe: &Path, dir: &Path, store: &Path, events: usize, repeat: usize) -> anyhow::Result<()> {
    if store.exists() {
        std::fs::remove_file(store)?;
    }
    let st = Command::new(exe)
        .arg("import")
        .arg(dir)
        .arg("--out")
        .arg(store)
        .stdout(std::process::Stdio::null())
        .status()?;
    anyhow::ensure!(st.success(), "import failed: {st}");
    let keys_dir = store.with_extension("keys");
    let _ = std::fs::remove_dir_all(&keys_dir);
    std::fs::create_dir_all(&keys_dir)?;
    let mut keys = Vec::new();
    for (name, role) in [("张三", "inspector"), ("李四", "engineer"), ("王五", "principal")] {
        let k = KeyFile::generate(name, role)?;
        let path = keys_dir.join(format!("{role}.key"));
        k.write(&path)?;
        ledger_store::register(
            store,
            &Person {
                name: name.into(),
                role: role.into(),
                algorithm: k.signer().algorithm().into(),
                public_key: k.signer().public_key(),
                registered_at: super::super::now(),
                registered_by: "bench".into(),
            },
        )?;
        keys.push((k, path));
    }
    // sync, whole process: check of the large mine, one hazard per major finding.
    let sync = run_child(
        Command::new(exe)
            .args(["--lang", "en", "ledger", "sync"])
            .arg(store)
            .args(["--as-of", "2026-11-29", "--key"])
            .arg(&keys[0].1),
    )?;
    let l = ledger_store::load_path(store)?;
    let opened = l.hazards.len();
    anyhow::ensure!(opened > 0, "the generated mine has no major finding");
    // The history: passes over every hazard until `events` events, each pass one action by one
    // signer written as one batch through the call the ledger commands use (sign, refuse or
    // write in one transaction).
    let t = Instant::now();
    let d = |n: i64| chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("date") + chrono::Duration::days(n);
    let (mut l, mut round, mut passes, mut added) = (l, 0i64, 0usize, 0usize);
    while l.events.len() < events {
        round += 1;
        for status in [Status::Open, Status::Assigned, Status::Rectified, Status::Closed] {
            let room = events.saturating_sub(l.events.len());
            let (act, by) = match status {
                Status::Open => (
                    Action::Assign {
                        responsible: "李四".into(),
                        measures: format!("第 {round} 轮整改措施"),
                        funds_cny: 10_000.0 * round as f64,
                        deadline: d(30 * round),
                        plan: "应急预案".into(),
                    },
                    0,
                ),
                Status::Assigned => (Action::Rectify { note: format!("第 {round} 轮已整改"), evidence: Vec::new() }, 1),
                Status::Rectified => (Action::Accept { as_of: d(30 * round - 5) }, 2),
                Status::Closed => (Action::Reopen { found_at: d(30 * round) }, 0),
            };
            let acts: Vec<(String, Action)> = l
                .hazards
                .iter()
                .filter(|h| h.status == status)
                .take(room)
                .map(|h| (h.id.clone(), act.clone()))
                .collect();
            if acts.is_empty() {
                continue;
            }
            let (evs, _, next) = ledger_store::sign_and_write(store, l, &acts, &keys[by].0, &super::super::now())?;
            added += evs.len();
            passes += 1;
            l = next;
        }
    }
    let history_s = t.elapsed().as_secs_f64();
    let verify = best(repeat, || run_child(Command::new(exe).args(["--lang", "en", "audit", "verify"]).arg(store)))?;
    anyhow::ensure!(verify.stdout.contains("ledger signatures and replay hold"), "verify failed:\n{}", verify.stdout);
    let tables = verify.stdout.lines().find(|l| l.starts_with("data matches")).unwrap_or("").to_string();
    let rows = |t: &str| -> u64 {
        let ds = minehaz_core::io::gdal_vector::open_vector(store).ok();
        ds.and_then(|ds| {
            use gdal::vector::LayerAccess;
            ds.layer_by_name(t).ok().map(|l| l.feature_count())
        })
        .unwrap_or(0)
    };
    println!("ledger on {}", dir.display());
    println!(
        "  sync (whole process, check + {opened} hazards opened): {:.2} s, peak {:.0} MB",
        sync.seconds, sync.peak_mb
    );
    println!(
        "  history: {added} events signed and written in {passes} batches (ledger_store::sign_and_write, one transaction each) in {history_s:.2} s ({:.0}/s)",
        added as f64 / history_s.max(1e-9)
    );
    println!(
        "  audit verify (whole process, best of {repeat}): {:.2} s, peak {:.0} MB — {} hazard events, {} positioning rows, {}",
        verify.seconds,
        verify.peak_mb,
        rows("hazard_events"),
        rows("positioning"),
        tables
    );
    Ok(())
}
