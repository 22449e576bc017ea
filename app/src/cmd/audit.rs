//! `minehaz audit verify FILE` and `minehaz audit log FILE`.

use minehaz_core::i18n::tr;
use minehaz_core::io::audit;
use std::path::Path;

pub fn verify(path: &Path) -> anyhow::Result<u8> {
    // The file itself first: a hash chain in a damaged database proves nothing.
    if let Some(damage) = minehaz_core::io::store::integrity(path, false)? {
        println!("{}: {damage}", tr("工程文件已损坏（SQLite 完整性检查）", "STORE DAMAGED (SQLite integrity check)"));
        return Ok(1);
    }
    let v = audit::verify(path)?;
    if v.ok() {
        println!("{}: {} {}", tr("审计链完整", "audit chain intact"), v.rows, tr("条记录", "rows"));
        Ok(0)
    } else {
        println!("{} ({} {}):", tr("审计链被破坏", "AUDIT CHAIN BROKEN"), v.rows, tr("条记录", "rows"));
        for (seq, t) in &v.breaks {
            println!("  #{seq}: {t}");
        }
        Ok(1)
    }
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
            &e.hash[..12],
            e.detail
        );
    }
    Ok(0)
}
