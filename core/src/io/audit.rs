//! The append-only, hash-chained audit table `minehaz_audit` inside the project store: who
//! changed what, when ("谁检查、谁签字、谁负责").
//!
//! Row n stores `hash = SHA-256(prev_hash | seq | at | who | action | target | detail)` with
//! `prev_hash` the hash of row n-1 (64 zeros for the first). The head (last seq and hash) is
//! also kept in `minehaz_meta`, so deleting the last rows is caught too. [`verify`] recomputes
//! the chain: an edited, deleted or reordered row breaks it.

use crate::error::{Location, Result};
use crate::text;
use gdal::vector::LayerAccess;
use gdal::Dataset;
use sha2::{Digest, Sha256};
use std::path::Path;

pub const TABLE: &str = "minehaz_audit";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    /// ISO 8601 with offset.
    pub at: String,
    pub who: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

fn digest(prev: &str, seq: i64, at: &str, who: &str, action: &str, target: &str, detail: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), at, who, action, target, detail] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn sql_err(path: &Path) -> impl Fn(gdal::errors::GdalError) -> crate::Error + '_ {
    move |e| {
        crate::Error::at(
            Location::file(path).layer(TABLE),
            text!("审计表操作失败: {}", "audit table operation failed: {}", e),
        )
    }
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Create the audit table (SQLite, registered as a GeoPackage attributes table).
pub fn create(ds: &Dataset, path: &Path) -> Result<()> {
    let e = sql_err(path);
    ds.execute_sql(
        format!("CREATE TABLE {TABLE} (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)"),
        None,
        gdal::vector::sql::Dialect::SQLITE,
    )
    .map_err(&e)?;
    ds.execute_sql(
        format!("INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES ('{TABLE}', 'attributes', '{TABLE}', 'minehaz audit log (append-only, hash-chained)')"),
        None,
        gdal::vector::sql::Dialect::SQLITE,
    )
    .map_err(&e)?;
    Ok(())
}

/// Read every row, in seq order.
pub fn entries(ds: &Dataset, path: &Path) -> Result<Vec<Entry>> {
    let e = sql_err(path);
    let rs = ds
        .execute_sql(
            format!("SELECT CAST(seq AS TEXT) AS seq_text, at, who, action, target, detail, prev_hash, hash FROM {TABLE} ORDER BY seq"),
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )
        .map_err(&e)?;
    let mut out = Vec::new();
    if let Some(mut rs) = rs {
        for f in rs.features() {
            let s = |i: usize| f.field_as_string(i).ok().flatten().unwrap_or_default();
            out.push(Entry {
                // seq is read as text: an INTEGER PRIMARY KEY column would become OGR's FID.
                seq: s(0).parse().unwrap_or(-1),
                at: s(1),
                who: s(2),
                action: s(3),
                target: s(4),
                detail: s(5),
                prev_hash: s(6),
                hash: s(7),
            });
        }
    }
    Ok(out)
}

/// The last row's seq and hash (one row read, whatever the length of the log).
fn last(ds: &Dataset, path: &Path) -> Result<Option<(i64, String)>> {
    let rs = ds
        .execute_sql(
            format!("SELECT CAST(seq AS TEXT) AS seq_text, hash FROM {TABLE} ORDER BY seq DESC LIMIT 1"),
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )
        .map_err(sql_err(path))?;
    let Some(mut rs) = rs else { return Ok(None) };
    let row = rs.features().next().map(|f| {
        let s = |i: usize| f.field_as_string(i).ok().flatten().unwrap_or_default();
        (s(0).parse().unwrap_or(-1), s(1))
    });
    Ok(row)
}

fn set_head(ds: &Dataset, path: &Path, seq: i64, hash: &str) -> Result<()> {
    let e = sql_err(path);
    for (k, v) in [("audit_head_seq", seq.to_string()), ("audit_head_hash", hash.to_string())] {
        ds.execute_sql(
            format!("DELETE FROM minehaz_meta WHERE key = {}", q(k)),
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )
        .map_err(&e)?;
        ds.execute_sql(
            format!("INSERT INTO minehaz_meta (key, value) VALUES ({}, {})", q(k), q(&v)),
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )
        .map_err(&e)?;
    }
    Ok(())
}

/// Append a row (inside the caller's transaction). Returns it.
pub fn append(
    ds: &Dataset,
    path: &Path,
    at: &str,
    who: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<Entry> {
    let (seq, prev) = last(ds, path)?.map_or((1, GENESIS.to_string()), |(seq, hash)| (seq + 1, hash));
    let hash = digest(&prev, seq, at, who, action, target, detail);
    ds.execute_sql(
        format!(
            "INSERT INTO {TABLE} (seq, at, who, action, target, detail, prev_hash, hash) VALUES ({seq}, {}, {}, {}, {}, {}, {}, {})",
            q(at),
            q(who),
            q(action),
            q(target),
            q(detail),
            q(&prev),
            q(&hash)
        ),
        None,
        gdal::vector::sql::Dialect::SQLITE,
    )
    .map_err(sql_err(path))?;
    set_head(ds, path, seq, &hash)?;
    Ok(Entry {
        seq,
        at: at.into(),
        who: who.into(),
        action: action.into(),
        target: target.into(),
        detail: detail.into(),
        prev_hash: prev,
        hash,
    })
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub rows: usize,
    /// Every break found: (seq, what).
    pub breaks: Vec<(i64, crate::i18n::Text)>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.breaks.is_empty()
    }
}

/// Recompute the chain of a project store.
pub fn verify(path: &Path) -> Result<Verification> {
    let ds = super::gdal_vector::open_vector(path)?;
    if ds.layer_by_name(TABLE).is_err() {
        return Err(crate::Error::at(
            Location::file(path).layer(TABLE),
            text!("不是 minehaz 工程文件：缺少审计表", "not a minehaz project store: the audit table is missing"),
        ));
    }
    let rows = entries(&ds, path)?;
    let mut breaks = Vec::new();
    let mut prev = GENESIS.to_string();
    let mut expect_seq = 1;
    for r in &rows {
        if r.seq != expect_seq {
            breaks.push((
                r.seq,
                text!(
                    "序号不连续：应为 {}（有记录被删除）",
                    "sequence gap: expected {} (a row was deleted)",
                    expect_seq
                ),
            ));
        }
        if r.prev_hash != prev {
            breaks.push((
                r.seq,
                text!(
                    "前一记录哈希不符（前面的记录被修改或删除）",
                    "previous-hash mismatch (an earlier row was edited or deleted)"
                ),
            ));
        }
        if digest(&r.prev_hash, r.seq, &r.at, &r.who, &r.action, &r.target, &r.detail) != r.hash {
            breaks.push((
                r.seq,
                text!("记录内容与其哈希不符（记录被修改）", "row content does not match its hash (the row was edited)"),
            ));
        }
        prev = r.hash.clone();
        expect_seq = r.seq + 1;
    }
    let head = |k: &str| -> Option<String> {
        let rs = ds
            .execute_sql(
                format!("SELECT value FROM minehaz_meta WHERE key = {}", q(k)),
                None,
                gdal::vector::sql::Dialect::SQLITE,
            )
            .ok()
            .flatten();
        rs.and_then(|mut rs| rs.features().next().and_then(|f| f.field_as_string(0).ok().flatten()))
    };
    let (hs, hh) = (head("audit_head_seq"), head("audit_head_hash"));
    let last = rows.last();
    if hs.as_deref() != last.map(|l| l.seq.to_string()).as_deref() || hh.as_deref() != last.map(|l| l.hash.as_str()) {
        breaks.push((
            last.map_or(0, |l| l.seq),
            text!(
                "链头与记录的最后一行不符（末尾记录被删除或链头被修改）",
                "the chain head does not match the last row (trailing rows deleted or head edited)"
            ),
        ));
    }
    Ok(Verification { rows: rows.len(), breaks })
}
