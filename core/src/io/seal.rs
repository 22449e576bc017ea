//! Content seals: what catches layer data edited outside minehaz (LEDGER.md "Verification";
//! issue 14 item 4).
//!
//! Every audited write records, in its audit row, a digest of each table it changed; the
//! current digest of every table is also kept in `minehaz_seals`. A table's digest is the sum
//! modulo 2^256 of the SHA-256 of each of its rows (fid, every field with its name and type,
//! the geometry's WKB), with the row count. A sum can be updated without re-reading the table:
//! an append adds the new rows' hashes, a replaced row subtracts its old hash and adds the new
//! one — so a `watch` commit or a ledger action costs what it changes, not the table's size.
//! `audit verify` recomputes every table in full and compares. An edit made with sqlite3 or
//! QGIS (a goaf outline moved, a zone's `treated` flipped, a row deleted or added) changes the
//! table's sum; so would a rewrite of `minehaz_seals`, which then disagrees with the audit
//! chain.
//!
//! An additive sum is not collision-resistant against someone who crafts many rows to reach a
//! chosen sum (a generalised-birthday attack); it detects edits, it does not replace signatures.

use crate::error::{Location, Result};
use crate::text;
use gdal::vector::LayerAccess;
use gdal::Dataset;
use gdal_sys::OGRFieldType;
use sha2::{Digest as _, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

pub const TABLE: &str = "minehaz_seals";
const META: &str = "minehaz_meta";
/// The rows of `minehaz_meta` a seal covers.
const META_ROWS: &str = "key NOT IN ('audit_head_seq', 'audit_head_hash', 'ledger_head_seq', 'ledger_head_hash')";

/// The digest of a set of rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Digest {
    sum: [u64; 4],
    pub rows: u64,
}

impl Digest {
    fn add_hash(&mut self, h: &[u8; 32]) {
        let mut carry = 0u128;
        for (i, limb) in self.sum.iter_mut().enumerate() {
            let w = u64::from_le_bytes(h[i * 8..i * 8 + 8].try_into().unwrap_or_default());
            let s = *limb as u128 + w as u128 + carry;
            *limb = s as u64;
            carry = s >> 64;
        }
        self.rows += 1;
    }

    pub fn add(&mut self, o: &Digest) {
        let mut carry = 0u128;
        for (a, b) in self.sum.iter_mut().zip(o.sum) {
            let s = *a as u128 + b as u128 + carry;
            *a = s as u64;
            carry = s >> 64;
        }
        self.rows += o.rows;
    }

    pub fn sub(&mut self, o: &Digest) {
        let mut borrow = 0i128;
        for (a, b) in self.sum.iter_mut().zip(o.sum) {
            let d = *a as i128 - b as i128 - borrow;
            borrow = i128::from(d < 0);
            *a = d.rem_euclid(1i128 << 64) as u64;
        }
        self.rows = self.rows.wrapping_sub(o.rows);
    }

    /// `hex:rows`.
    pub fn text(&self) -> String {
        let hex: String = self.sum.iter().rev().map(|l| format!("{l:016x}")).collect();
        format!("{hex}:{}", self.rows)
    }

    pub fn parse(s: &str) -> Option<Self> {
        let (hex, rows) = s.split_once(':')?;
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut sum = [0u64; 4];
        for (i, limb) in sum.iter_mut().rev().enumerate() {
            *limb = u64::from_str_radix(&hex[i * 16..i * 16 + 16], 16).ok()?;
        }
        Some(Self { sum, rows: rows.parse().ok()? })
    }
}

fn err<'a>(path: &'a Path, table: &str) -> impl Fn(gdal::errors::GdalError) -> crate::Error + 'a {
    let table = table.to_string();
    move |e| {
        crate::Error::at(
            Location::file(path).layer(table.clone()),
            text!("读取表内容失败: {}", "reading the table failed: {}", e),
        )
    }
}

/// The digest of the rows of `table` that `filter` (an OGR attribute filter; all rows when
/// None) selects.
pub fn rows(ds: &Dataset, path: &Path, table: &str, filter: Option<&str>) -> Result<Digest> {
    // The store's metadata (survey.toml, the CRS …) is sealed without the chain heads, which
    // every audited write moves.
    let meta_filter;
    let filter = if table == META {
        meta_filter = match filter {
            Some(f) => format!("({f}) AND {META_ROWS}"),
            None => META_ROWS.to_string(),
        };
        Some(meta_filter.as_str())
    } else {
        filter
    };
    let e = err(path, table);
    let mut layer = ds.layer_by_name(table).map_err(&e)?;
    let fields: Vec<(String, OGRFieldType::Type)> = layer.defn().fields().map(|f| (f.name(), f.field_type())).collect();
    if let Some(f) = filter {
        layer.set_attribute_filter(f).map_err(&e)?;
    }
    // The schema (field names and types) once; each row hashes its digest with its values.
    let mut schema = Sha256::new();
    for (name, ty) in &fields {
        schema.update((name.len() as u32).to_le_bytes());
        schema.update(name.as_bytes());
        schema.update(ty.to_le_bytes());
    }
    let schema: [u8; 32] = schema.finalize().into();
    let mut d = Digest::default();
    let mut buf: Vec<u8> = Vec::with_capacity(256);
    let mut wkb: Vec<u8> = Vec::new();
    let mut out = Ok(());
    for f in layer.features() {
        buf.clear();
        buf.extend_from_slice(&schema);
        buf.extend_from_slice(&f.fid().unwrap_or(u64::MAX).to_le_bytes());
        // SAFETY: a valid feature handle for the life of `f`; the field indices come from the
        // layer's definition; OGR_F_GetFieldAsString returns a NUL-terminated string owned by
        // the feature, copied before the next call; the WKB buffer is sized by OGR_G_WkbSize.
        unsafe {
            let h = f.c_feature();
            for (i, (_, ty)) in fields.iter().enumerate() {
                let i = i as i32;
                if gdal_sys::OGR_F_IsFieldSetAndNotNull(h, i) == 0 {
                    buf.push(0);
                    continue;
                }
                buf.push(1);
                match *ty {
                    OGRFieldType::OFTInteger | OGRFieldType::OFTInteger64 => {
                        buf.extend_from_slice(&gdal_sys::OGR_F_GetFieldAsInteger64(h, i).to_le_bytes())
                    }
                    OGRFieldType::OFTReal => {
                        buf.extend_from_slice(&gdal_sys::OGR_F_GetFieldAsDouble(h, i).to_bits().to_le_bytes())
                    }
                    _ => {
                        let v = std::ffi::CStr::from_ptr(gdal_sys::OGR_F_GetFieldAsString(h, i)).to_bytes();
                        buf.extend_from_slice(&(v.len() as u32).to_le_bytes());
                        buf.extend_from_slice(v);
                    }
                }
            }
            let g = gdal_sys::OGR_F_GetGeometryRef(h);
            if g.is_null() {
                buf.push(0);
            } else {
                let n = usize::try_from(gdal_sys::OGR_G_WkbSize(g)).unwrap_or(0);
                wkb.resize(n, 0);
                if gdal_sys::OGR_G_ExportToWkb(g, gdal_sys::OGRwkbByteOrder::wkbNDR, wkb.as_mut_ptr()) != 0 {
                    out = Err(crate::Error::at(
                        Location::file(path).layer(table),
                        text!("几何无法导出为 WKB", "a geometry cannot be exported as WKB"),
                    ));
                    break;
                }
                buf.push(1);
                buf.extend_from_slice(&wkb);
            }
        }
        d.add_hash(&Sha256::digest(&buf).into());
    }
    if filter.is_some() {
        layer.clear_attribute_filter();
    }
    out.map(|_| d)
}

/// How many cells of `table`'s numeric columns hold text (SQLite keeps it, OGR reads it as a
/// number): minehaz never writes such cells, so any is an edit made outside it. None when
/// there are none or the table has no numeric column.
pub fn text_in_numeric(ds: &Dataset, table: &str) -> Option<u64> {
    let layer = ds.layer_by_name(table).ok()?;
    let cols: Vec<String> = layer
        .defn()
        .fields()
        .filter(|f| {
            matches!(f.field_type(), OGRFieldType::OFTInteger | OGRFieldType::OFTInteger64 | OGRFieldType::OFTReal)
        })
        .map(|f| format!("(typeof(\"{0}\") = 'text')", f.name().replace('"', "\"\"")))
        .collect();
    if cols.is_empty() {
        return None;
    }
    let q = format!("SELECT CAST(SUM({}) AS TEXT) FROM \"{}\"", cols.join(" + "), table.replace('"', "\"\""));
    let mut rs = ds.execute_sql(q, None, gdal::vector::sql::Dialect::SQLITE).ok()??;
    let n = rs.features().next().and_then(|f| f.field_as_string(0).ok().flatten()).and_then(|s| s.parse::<u64>().ok());
    n.filter(|n| *n > 0)
}

/// The largest fid of `table` (0 when empty).
pub fn max_fid(ds: &Dataset, path: &Path, table: &str) -> Result<i64> {
    let rs = ds
        .execute_sql(
            format!("SELECT CAST(COALESCE(MAX(fid), 0) AS TEXT) FROM \"{table}\""),
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )
        .map_err(err(path, table))?;
    let Some(mut rs) = rs else { return Ok(0) };
    let v = rs.features().next().and_then(|f| f.field_as_string(0).ok().flatten()).and_then(|s| s.parse().ok());
    Ok(v.unwrap_or(0))
}

/// The tables a store's seals cover: every table of `gpkg_contents` but the audit log, the
/// layer styles and the seals themselves (`minehaz_meta` without the chain heads).
pub fn sealable(ds: &Dataset, path: &Path) -> Result<Vec<String>> {
    let rs = ds
        .execute_sql(
            "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes') ORDER BY table_name",
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )
        .map_err(err(path, "gpkg_contents"))?;
    let mut out = Vec::new();
    if let Some(mut rs) = rs {
        for f in rs.features() {
            if let Some(n) = f.field_as_string(0).ok().flatten() {
                // QGIS saving a layer style is not a data edit.
                if ![super::audit::TABLE, TABLE, "layer_styles"].contains(&n.as_str()) {
                    out.push(n);
                }
            }
        }
    }
    Ok(out)
}

/// The seals recorded in `minehaz_seals` (empty when the store has none).
pub fn recorded(ds: &Dataset, path: &Path) -> Result<BTreeMap<String, Digest>> {
    let mut out = BTreeMap::new();
    if ds.layer_by_name(TABLE).is_err() {
        return Ok(out);
    }
    let rs = ds
        .execute_sql(format!("SELECT table_name, digest FROM {TABLE}"), None, gdal::vector::sql::Dialect::SQLITE)
        .map_err(err(path, TABLE))?;
    if let Some(mut rs) = rs {
        for f in rs.features() {
            let s = |i| f.field_as_string(i).ok().flatten().unwrap_or_default();
            if let Some(d) = Digest::parse(&s(1)) {
                out.insert(s(0), d);
            }
        }
    }
    Ok(out)
}

/// The new digests of the tables a write changed, collected while it runs (inside its
/// transaction) and recorded with its audit row.
#[derive(Debug, Default, Clone)]
pub struct Seal {
    pub tables: BTreeMap<String, Digest>,
}

impl Seal {
    /// Seal `table` as it now is (a full read).
    pub fn full(&mut self, ds: &Dataset, path: &Path, table: &str) -> Result<()> {
        let d = rows(ds, path, table, None)?;
        self.tables.insert(table.to_string(), d);
        Ok(())
    }

    /// Seal every sealable table of the store (a full read of each).
    pub fn all(&mut self, ds: &Dataset, path: &Path) -> Result<()> {
        for t in sealable(ds, path)? {
            self.full(ds, path, &t)?;
        }
        Ok(())
    }

    /// The table's digest before this write: what this seal has, else what `minehaz_seals`
    /// records, else what the last audit row that sealed it says (a deleted seals row must
    /// not launder an edit), else — for a table no write ever sealed — a full read.
    pub fn base(&mut self, ds: &Dataset, path: &Path, table: &str) -> Result<Digest> {
        if let Some(d) = self.tables.get(table) {
            return Ok(*d);
        }
        let d = match recorded_one(ds, path, table)? {
            Some(d) => d,
            None => match super::audit::last_seal(ds, path, table)? {
                Some(d) => d,
                None => rows(ds, path, table, None)?,
            },
        };
        self.tables.insert(table.to_string(), d);
        Ok(d)
    }

    /// Update `table`'s digest: `removed` rows' digest out, `added` in. [`Seal::base`] must
    /// have been taken before the write changed the table.
    pub fn change(&mut self, table: &str, removed: &Digest, added: &Digest) -> Result<()> {
        let Some(mut d) = self.tables.get(table).copied() else {
            return Err(crate::Error::Internal(format!("seal of {table} changed before its base was taken")));
        };
        d.sub(removed);
        d.add(added);
        self.tables.insert(table.to_string(), d);
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// The audit row's `content`: `{"table": "hex:rows", …}`.
    pub fn content(&self) -> String {
        let m: serde_json::Map<String, serde_json::Value> =
            self.tables.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.text()))).collect();
        serde_json::Value::Object(m).to_string()
    }

    /// Write the digests into `minehaz_seals` (inside the caller's transaction).
    pub fn record(&self, ds: &Dataset, path: &Path, seq: i64) -> Result<()> {
        let e = err(path, TABLE);
        let sql = |s: String| ds.execute_sql(s, None, gdal::vector::sql::Dialect::SQLITE).map(|_| ()).map_err(&e);
        if ds.layer_by_name(TABLE).is_err() {
            sql(format!(
                "CREATE TABLE {TABLE} (table_name TEXT PRIMARY KEY, digest TEXT NOT NULL, audit_seq INTEGER NOT NULL)"
            ))?;
            sql(format!("INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES ('{TABLE}', 'attributes', '{TABLE}', 'minehaz content seals (digest of each table at its last audited write)')"))?;
        }
        for (t, d) in &self.tables {
            let t = t.replace('\'', "''");
            sql(format!("DELETE FROM {TABLE} WHERE table_name = '{t}'"))?;
            sql(format!("INSERT INTO {TABLE} (table_name, digest, audit_seq) VALUES ('{t}', '{}', {seq})", d.text()))?;
        }
        Ok(())
    }
}

fn recorded_one(ds: &Dataset, path: &Path, table: &str) -> Result<Option<Digest>> {
    if ds.layer_by_name(TABLE).is_err() {
        return Ok(None);
    }
    let rs = ds
        .execute_sql(
            format!("SELECT digest FROM {TABLE} WHERE table_name = '{}'", table.replace('\'', "''")),
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )
        .map_err(err(path, TABLE))?;
    let Some(mut rs) = rs else { return Ok(None) };
    let v = rs.features().next().and_then(|f| f.field_as_string(0).ok().flatten()).and_then(|s| Digest::parse(&s));
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_add_subtract_and_round_trip() {
        let mut a = Digest::default();
        let h1: [u8; 32] = Sha256::digest(b"one").into();
        let h2: [u8; 32] = Sha256::digest(b"two").into();
        a.add_hash(&h1);
        a.add_hash(&h2);
        let mut b = Digest::default();
        b.add_hash(&h2);
        let mut c = a;
        c.sub(&b);
        let mut only1 = Digest::default();
        only1.add_hash(&h1);
        assert_eq!(c, only1);
        c.add(&b);
        assert_eq!(c, a);
        assert_eq!(Digest::parse(&a.text()), Some(a));
        // Order does not matter; content does.
        let mut r = Digest::default();
        r.add_hash(&h2);
        r.add_hash(&h1);
        assert_eq!(r, a);
        assert_ne!(only1, b);
        assert_eq!(Digest::parse("zz:1"), None);
    }
}
