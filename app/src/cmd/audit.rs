//! `minehaz audit verify FILE` and `minehaz audit log FILE`.

use minehaz_core::i18n::tr;
use minehaz_core::io::{audit, ledger_store};
use std::path::Path;

pub fn verify(path: &Path) -> anyhow::Result<u8> {
    // The file's integrity, the tables' seals and the ledger's signatures, side by side (each
    // on its own connection); the integrity is judged first: a hash chain in a damaged
    // database proves nothing.
    let (damage, v, ledger) = std::thread::scope(|sc| {
        let d = sc.spawn(|| minehaz_core::io::store::integrity(path, false));
        let l = sc.spawn(|| -> minehaz_core::Result<(Vec<minehaz_core::ledger::Break>, usize)> {
            let ds = minehaz_core::io::gdal_vector::open_vector(path)?;
            let events = ledger_store::event_count(&ds);
            Ok((ledger_store::verify(&ds, path)?, events))
        });
        let v = audit::verify(path);
        (d.join(), v, l.join())
    });
    let panicked = || anyhow::anyhow!("a verification thread panicked");
    if let Some(damage) = damage.map_err(|_| panicked())?? {
        println!("{}: {damage}", tr("工程文件已损坏（SQLite 完整性检查）", "STORE DAMAGED (SQLite integrity check)"));
        return Ok(1);
    }
    let v = v?;
    let (ledger, events) = ledger.map_err(|_| panicked())??;
    let mut bad = false;
    if v.breaks.is_empty() {
        println!("{}: {} {}", tr("审计链完整", "audit chain intact"), v.rows, tr("条记录", "rows"));
    } else {
        bad = true;
        println!("{} ({} {}):", tr("审计链被破坏", "AUDIT CHAIN BROKEN"), v.rows, tr("条记录", "rows"));
        for (seq, t) in &v.breaks {
            println!("  #{seq}: {t}");
        }
    }
    if v.edits.is_empty() {
        println!(
            "{}: {} {}",
            tr("数据内容与封存一致", "data matches its seals"),
            v.sealed_tables,
            tr("个表", "tables")
        );
    } else {
        bad = true;
        println!(
            "{} ({} {}):",
            tr("数据在 minehaz 之外被修改", "DATA EDITED OUTSIDE MINEHAZ"),
            v.edits.len(),
            tr("个表", "tables")
        );
        for (table, t) in &v.edits {
            println!("  {table}: {t}");
        }
    }
    if !v.unsealed.is_empty() {
        println!(
            "{}: {}",
            tr(
                "未封存的表（旧版本写入或在 minehaz 之外添加，无法发现修改）",
                "tables without a seal (older minehaz, or added outside it: edits cannot be detected)"
            ),
            v.unsealed.join(", ")
        );
    }
    if ledger.is_empty() {
        if events > 0 {
            println!(
                "{}: {} {}",
                tr("隐患台账签名与重放一致", "ledger signatures and replay hold"),
                events,
                tr("个事件", "events")
            );
        }
    } else {
        bad = true;
        println!("{} ({} {}):", tr("隐患台账被篡改", "LEDGER TAMPERED"), ledger.len(), tr("处", "breaks"));
        for b in &ledger {
            println!("  {} {} #{}: {}", b.hazard, tr("事件", "event"), b.seq, b.what);
        }
    }
    Ok(u8::from(bad))
}

pub fn log(path: &Path) -> anyhow::Result<u8> {
    let ds = minehaz_core::io::gdal_vector::open_vector(path)?;
    for e in audit::entries(&ds, path)? {
        println!(
            "#{:<4} {}  {:<12} {:<14} {:<10} {}  {}",
            e.seq,
            e.at,
            e.who,
            e.action,
            e.target,
            e.hash.chars().take(12).collect::<String>(),
            e.detail
        );
    }
    Ok(0)
}
