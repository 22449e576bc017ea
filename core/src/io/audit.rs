//! The append-only, hash-chained audit table `minehaz_audit` inside the project store: who
//! changed what, when ("谁检查、谁签字、谁负责").
//!
//! Row n stores `hash = SHA-256(prev_hash | seq | at | who | action | target | detail)` with
//! `prev_hash` the hash of row n-1 (64 zeros for the first). The head (last seq and hash) is
//! also kept in `minehaz_meta`, so deleting the last rows is caught too. [`verify`] recomputes
//! the chain: an edited, deleted or reordered row breaks it.
//!
//! A row also carries `content`: the digests of the tables its write changed
//! ([`super::seal`]), hashed with the row (when not empty, so rows written before seals
//! existed still verify). [`verify`] recomputes every sealed table and compares it with the
//! last row that sealed it: data edited outside minehaz breaks the verification too.

use super::seal::{self, Seal};
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
    /// The seals of the tables this write changed (JSON; empty for rows before seals).
    pub content: String,
    pub prev_hash: String,
    pub hash: String,
}

/// What an audited write did: when, who, what, to what, and a detail.
#[derive(Debug, Clone, Copy)]
pub struct Act<'a> {
    pub at: &'a str,
    pub who: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
}

fn digest(prev: &str, seq: i64, a: &Act<'_>, content: &str) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    let mut parts = vec![prev, &seq, a.at, a.who, a.action, a.target, a.detail];
    if !content.is_empty() {
        parts.push(content);
    }
    for part in parts {
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
        format!("CREATE TABLE {TABLE} (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, content TEXT NOT NULL DEFAULT '')"),
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

/// Does the audit table have the `content` column (stores written before seals lack it)?
fn has_content(ds: &Dataset) -> bool {
    ds.execute_sql(format!("SELECT content FROM {TABLE} LIMIT 0"), None, gdal::vector::sql::Dialect::SQLITE).is_ok()
}

/// Read every row, in seq order.
pub fn entries(ds: &Dataset, path: &Path) -> Result<Vec<Entry>> {
    let e = sql_err(path);
    let content = if has_content(ds) { "content" } else { "''" };
    let rs = ds
        .execute_sql(
            format!("SELECT CAST(seq AS TEXT) AS seq_text, at, who, action, target, detail, prev_hash, hash, {content} AS content FROM {TABLE} ORDER BY seq"),
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
                content: s(8),
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

/// One value of `minehaz_meta` (the chain heads are kept there).
pub(crate) fn meta_value(ds: &Dataset, key: &str) -> Option<String> {
    let rs = ds
        .execute_sql(
            format!("SELECT value FROM minehaz_meta WHERE key = {}", q(key)),
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )
        .ok()
        .flatten();
    rs.and_then(|mut rs| rs.features().next().and_then(|f| f.field_as_string(0).ok().flatten()))
}

/// Set one value of `minehaz_meta` (inside the caller's transaction).
pub(crate) fn set_meta_value(ds: &Dataset, path: &Path, key: &str, value: &str) -> Result<()> {
    let e = sql_err(path);
    for s in [
        format!("DELETE FROM minehaz_meta WHERE key = {}", q(key)),
        format!("INSERT INTO minehaz_meta (key, value) VALUES ({}, {})", q(key), q(value)),
    ] {
        ds.execute_sql(s, None, gdal::vector::sql::Dialect::SQLITE).map_err(&e)?;
    }
    Ok(())
}

fn set_head(ds: &Dataset, path: &Path, seq: i64, hash: &str) -> Result<()> {
    set_meta_value(ds, path, "audit_head_seq", &seq.to_string())?;
    set_meta_value(ds, path, "audit_head_hash", hash)
}

/// Append a row with the seals of the tables the write changed (inside the caller's
/// transaction), and record the seals. Returns the row.
pub fn append(ds: &Dataset, path: &Path, a: &Act<'_>, seal: &Seal) -> Result<Entry> {
    if !has_content(ds) {
        ds.execute_sql(
            format!("ALTER TABLE {TABLE} ADD COLUMN content TEXT NOT NULL DEFAULT ''"),
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )
        .map_err(sql_err(path))?;
    }
    let (seq, prev) = last(ds, path)?.map_or((1, GENESIS.to_string()), |(seq, hash)| (seq + 1, hash));
    let content = if seal.is_empty() { String::new() } else { seal.content() };
    let hash = digest(&prev, seq, a, &content);
    ds.execute_sql(
        format!(
            "INSERT INTO {TABLE} (seq, at, who, action, target, detail, prev_hash, hash, content) VALUES ({seq}, {}, {}, {}, {}, {}, {}, {}, {})",
            q(a.at),
            q(a.who),
            q(a.action),
            q(a.target),
            q(a.detail),
            q(&prev),
            q(&hash),
            q(&content)
        ),
        None,
        gdal::vector::sql::Dialect::SQLITE,
    )
    .map_err(sql_err(path))?;
    set_head(ds, path, seq, &hash)?;
    seal.record(ds, path, seq)?;
    Ok(Entry {
        seq,
        at: a.at.into(),
        who: a.who.into(),
        action: a.action.into(),
        target: a.target.into(),
        detail: a.detail.into(),
        content,
        prev_hash: prev,
        hash,
    })
}

/// The digest of `table` that the last audit row sealing it recorded.
pub fn last_seal(ds: &Dataset, path: &Path, table: &str) -> Result<Option<seal::Digest>> {
    if !has_content(ds) {
        return Ok(None);
    }
    let rs = ds
        .execute_sql(
            format!(
                "SELECT content FROM {TABLE} WHERE content LIKE {} ORDER BY seq DESC LIMIT 1",
                q(&format!("%\"{table}\"%"))
            ),
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )
        .map_err(sql_err(path))?;
    let Some(mut rs) = rs else { return Ok(None) };
    let content = rs.features().next().and_then(|f| f.field_as_string(0).ok().flatten());
    Ok(content
        .and_then(|c| serde_json::from_str::<serde_json::Value>(&c).ok())
        .and_then(|v| v.get(table).and_then(|d| d.as_str()).and_then(seal::Digest::parse)))
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub rows: usize,
    /// Every break found: (seq, what).
    pub breaks: Vec<(i64, crate::i18n::Text)>,
    /// The tables whose content was recomputed and compared with their seal.
    pub sealed_tables: usize,
    /// Tables no audited write sealed (made by an older minehaz, or added outside it): edits
    /// to them cannot be detected.
    pub unsealed: Vec<String>,
    /// Data edits found: (table, what).
    pub edits: Edits,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.breaks.is_empty() && self.edits.is_empty()
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
        let act = Act { at: &r.at, who: &r.who, action: &r.action, target: &r.target, detail: &r.detail };
        if digest(&r.prev_hash, r.seq, &act, &r.content) != r.hash {
            breaks.push((
                r.seq,
                text!("记录内容与其哈希不符（记录被修改）", "row content does not match its hash (the row was edited)"),
            ));
        }
        prev = r.hash.clone();
        expect_seq = r.seq + 1;
    }
    let (hs, hh) = (meta_value(&ds, "audit_head_seq"), meta_value(&ds, "audit_head_hash"));
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
    let (sealed_tables, unsealed, edits) = verify_content(&ds, path, &rows)?;
    Ok(Verification { rows: rows.len(), breaks, sealed_tables, unsealed, edits })
}

/// Data edits found: (table, what).
type Edits = Vec<(String, crate::i18n::Text)>;

/// Recompute every sealed table and compare it with the last audit row that sealed it and
/// with `minehaz_seals`. Tables are read in parallel, each thread with its own connection.
fn verify_content(ds: &Dataset, path: &Path, rows: &[Entry]) -> Result<(usize, Vec<String>, Edits)> {
    use rayon::prelude::*;
    let mut last: std::collections::BTreeMap<String, (i64, seal::Digest)> = Default::default();
    for r in rows.iter().filter(|r| !r.content.is_empty()) {
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(&r.content) {
            for (t, d) in m {
                if let Some(d) = d.as_str().and_then(seal::Digest::parse) {
                    last.insert(t, (r.seq, d));
                }
            }
        }
    }
    let recorded = seal::recorded(ds, path)?;
    let present = seal::sealable(ds, path)?;
    let mut edits = Vec::new();
    let unsealed: Vec<String> = present.iter().filter(|t| !last.contains_key(*t)).cloned().collect();
    for (t, (seq, d)) in &last {
        if recorded.get(t) != Some(d) {
            edits.push((
                t.clone(),
                text!(
                    "封存表 {} 中该表的摘要与审计记录 #{} 不符（封存表被修改）",
                    "its digest in {} differs from audit row #{} (the seals table was edited)",
                    seal::TABLE,
                    seq
                ),
            ));
        }
        if !present.contains(t) {
            edits.push((
                t.clone(),
                text!("该表已被删除（审计记录 #{} 封存过它）", "the table was deleted (audit row #{} sealed it)", seq),
            ));
        }
    }
    let check: Vec<(&String, &(i64, seal::Digest))> = last.iter().filter(|(t, _)| present.contains(*t)).collect();
    let results: Vec<Result<Option<(String, crate::i18n::Text)>>> = check
        .par_iter()
        .map(|(t, (seq, want))| {
            let ds = super::gdal_vector::open_vector(path)?;
            let got = match seal::rows(&ds, path, t, None) {
                Ok(g) => g,
                Err(e) => {
                    return Ok(Some((
                        (*t).clone(),
                        text!(
                            "无法读取（表被删除或损坏，审计记录 #{} 封存过它）: {}",
                            "cannot be read (dropped or damaged; audit row #{} sealed it): {}",
                            seq,
                            e
                        ),
                    )))
                }
            };
            if let Some(n) = seal::text_in_numeric(&ds, t) {
                return Ok(Some((
                    (*t).clone(),
                    text!(
                        "数值字段中有 {} 个文本值（minehaz 从不写入；在 minehaz 之外修改）",
                        "{} text values in numeric fields (minehaz never writes them: edited outside minehaz)",
                        n
                    ),
                )));
            }
            Ok((got != *want).then(|| {
                let what = if got.rows != want.rows {
                    text!(
                        "内容与审计记录 #{} 封存的不符：{} 行，封存时 {} 行（在 minehaz 之外增删了要素）",
                        "content differs from what audit row #{} sealed: {} rows, {} when sealed (features added or deleted outside minehaz)",
                        seq,
                        got.rows,
                        want.rows
                    )
                } else {
                    text!(
                        "内容与审计记录 #{} 封存的不符（在 minehaz 之外修改了要素的几何或属性）",
                        "content differs from what audit row #{} sealed (a feature's geometry or attributes edited outside minehaz)",
                        seq
                    )
                };
                ((*t).clone(), what)
            }))
        })
        .collect();
    for r in results {
        if let Some(x) = r? {
            edits.push(x);
        }
    }
    edits.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((check.len(), unsealed, edits))
}
