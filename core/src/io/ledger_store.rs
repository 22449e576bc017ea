//! The ledger's tables in the project store (LEDGER.md): `people`, `hazards` and the
//! append-only `hazard_events`. Every write is one transaction with an audit row and the
//! tables' seals; the head of the event chain is kept in `minehaz_meta` (so deleting the last
//! events is caught) and `seq` is unique (two writers cannot fork the chain).

use super::audit;
use super::audit::{meta_value as meta, set_meta_value as set_meta};
use super::gdal_vector;
use super::seal::{self, Seal};
use super::store::{open_update, real_of, table, text_of};
use crate::error::{Location, Problems, Result};
use crate::ledger::{Break, Event, Hazard, Ledger, Person, HAZARD_COLUMNS};
use crate::model::record::{FieldType, Record, Value};
use crate::text;
use gdal::vector::LayerAccess;
use std::path::Path;

pub const PEOPLE: &str = "people";
pub const HAZARDS: &str = "hazards";
pub const EVENTS: &str = "hazard_events";

const PEOPLE_FIELDS: [&str; 6] = ["name", "role", "algorithm", "public_key", "registered_at", "registered_by"];
const EVENT_FIELDS: [&str; 8] = ["hazard_id", "time", "actor", "action", "payload", "prev_hash", "hash", "signature"];

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn gerr(path: &Path) -> impl Fn(gdal::errors::GdalError) -> crate::Error + '_ {
    move |e| crate::Error::at(Location::file(path), text!("写入失败: {}", "writing failed: {}", e))
}

fn rec(n: u64, attrs: Vec<(&str, Value)>) -> Record {
    Record { index: n, geom: None, attrs: attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect() }
}

fn person_record(n: u64, p: &Person) -> Record {
    let vals = [&p.name, &p.role, &p.algorithm, &p.public_key, &p.registered_at, &p.registered_by];
    let mut a = vec![("id", Value::Text(p.name.clone()))];
    a.extend(PEOPLE_FIELDS.iter().zip(vals).map(|(k, v)| (*k, Value::Text(v.clone()))));
    rec(n, a)
}

fn event_record(e: &Event) -> Record {
    let vals = [&e.hazard_id, &e.time, &e.actor, &e.action, &e.payload, &e.prev_hash, &e.hash, &e.signature];
    let mut a = vec![("id", Value::Text(e.seq.to_string())), ("seq", Value::Int(e.seq as i64))];
    a.extend(EVENT_FIELDS.iter().zip(vals).map(|(k, v)| (*k, Value::Text(v.clone()))));
    rec(e.seq, a)
}

fn hazard_record(n: u64, h: &Hazard) -> Record {
    rec(n, h.row())
}

/// Create the ledger tables a store lacks (inside the caller's transaction).
fn ensure_tables(ds: &mut gdal::Dataset, path: &Path) -> Result<()> {
    let text = |names: &[&str]| names.iter().map(|n| (n.to_string(), FieldType::Text)).collect::<Vec<_>>();
    if ds.layer_by_name(PEOPLE).is_err() {
        gdal_vector::write_layer(ds, PEOPLE, None, None, &text(&PEOPLE_FIELDS), &[], path)?;
    }
    if ds.layer_by_name(HAZARDS).is_err() {
        let fields: Vec<(String, FieldType)> = HAZARD_COLUMNS
            .iter()
            .map(|c| {
                let t = match *c {
                    "funds_cny" => FieldType::Real,
                    "reopened" => FieldType::Int,
                    _ => FieldType::Text,
                };
                (c.to_string(), t)
            })
            .collect();
        gdal_vector::write_layer(ds, HAZARDS, None, None, &fields, &[], path)?;
    }
    if ds.layer_by_name(EVENTS).is_err() {
        let mut fields = vec![("seq".to_string(), FieldType::Int)];
        fields.extend(text(&EVENT_FIELDS));
        gdal_vector::write_layer(ds, EVENTS, None, None, &fields, &[], path)?;
        ds.execute_sql(
            format!("CREATE UNIQUE INDEX {EVENTS}_seq ON {EVENTS} (seq)"),
            None,
            gdal::vector::sql::Dialect::SQLITE,
        )
        .map_err(gerr(path))?;
    }
    Ok(())
}

/// What the ledger tables of a store hold, as read (not yet replayed).
#[derive(Debug, Clone, Default)]
pub struct Tables {
    pub people: Vec<Person>,
    pub events: Vec<Event>,
    /// The `hazards` rows as stored: id, then each column's value.
    pub hazards: Vec<Vec<(String, Value)>>,
    /// The chain head in `minehaz_meta`: (seq, hash).
    pub head: Option<(u64, String)>,
}

/// Read the ledger tables (None when the store has none).
pub fn read_tables(ds: &gdal::Dataset, path: &Path) -> Result<Option<Tables>> {
    if ds.layer_by_name(PEOPLE).is_err() && ds.layer_by_name(EVENTS).is_err() {
        return Ok(None);
    }
    let mut ps = Problems::default();
    let s = |r: &Record, k: &str| text_of(r, k).unwrap_or_default();
    let people = table(ds, PEOPLE, path, &mut ps)?
        .iter()
        .map(|r| Person {
            name: s(r, "name"),
            role: s(r, "role"),
            algorithm: s(r, "algorithm"),
            public_key: s(r, "public_key"),
            registered_at: s(r, "registered_at"),
            registered_by: s(r, "registered_by"),
        })
        .collect();
    // In the order rows were written (fid), not sorted by seq: a reordering must show.
    let events: Vec<Event> = table(ds, EVENTS, path, &mut ps)?
        .iter()
        .map(|r| Event {
            hazard_id: s(r, "hazard_id"),
            seq: real_of(r, "seq").map_or(0, |x| x as u64),
            time: s(r, "time"),
            actor: s(r, "actor"),
            action: s(r, "action"),
            payload: s(r, "payload"),
            prev_hash: s(r, "prev_hash"),
            hash: s(r, "hash"),
            signature: s(r, "signature"),
        })
        .collect();
    let hazards = table(ds, HAZARDS, path, &mut ps)?.into_iter().map(|r| r.attrs).collect();
    ps.into_result()?;
    let head = meta(ds, "ledger_head_seq")
        .and_then(|s| s.parse().ok())
        .map(|seq| (seq, meta(ds, "ledger_head_hash").unwrap_or_default()));
    Ok(Some(Tables { people, events, hazards, head }))
}

/// The number of ledger events in a store (0 without a ledger).
pub fn event_count(ds: &gdal::Dataset) -> usize {
    ds.layer_by_name(EVENTS).map_or(0, |l| l.feature_count() as usize)
}

/// The ledger of a store, replayed (None when the store has no ledger tables).
pub fn load(ds: &gdal::Dataset, path: &Path) -> Result<Option<Ledger>> {
    Ok(read_tables(ds, path)?.map(|t| Ledger::replay(t.people, t.events).0))
}

/// The ledger of the store at `path`.
pub fn load_path(path: &Path) -> Result<Ledger> {
    let ds = gdal_vector::open_vector(path)?;
    super::store::mine_crs(&ds, path)?;
    Ok(load(&ds, path)?.unwrap_or_default())
}

/// Register a person (one transaction, audited). A name already registered is refused.
pub fn register(path: &Path, p: &Person) -> Result<audit::Entry> {
    let mut ds = open_update(path)?;
    super::store::mine_crs(&ds, path)?;
    let e = gerr(path);
    let entry;
    {
        let mut tx = ds.start_transaction().map_err(&e)?;
        ensure_tables(&mut tx, path)?;
        let existing = table(&tx, PEOPLE, path, &mut Problems::default())?;
        if existing.iter().any(|r| text_of(r, "name").as_deref() == Some(p.name.as_str())) {
            return Err(crate::Error::at(
                Location::file(path).layer(PEOPLE).feature(&p.name).field("name"),
                text!("\"{}\" 已登记（一人一把密钥）", "\"{}\" is already registered (one key per person)", p.name),
            ));
        }
        let mut seal = Seal::default();
        for t in [PEOPLE, HAZARDS, EVENTS] {
            seal.base(&tx, path, t)?;
        }
        let before = seal::max_fid(&tx, path, PEOPLE)?;
        gdal_vector::append_records(&tx, PEOPLE, &[person_record(existing.len() as u64 + 1, p)], path)?;
        let added = seal::rows(&tx, path, PEOPLE, Some(&format!("fid > {before}")))?;
        seal.change(PEOPLE, &seal::Digest::default(), &added)?;
        let detail =
            serde_json::json!({"name": p.name, "role": p.role, "algorithm": p.algorithm, "public_key": p.public_key})
                .to_string();
        let act = audit::Act {
            at: &p.registered_at,
            who: &p.registered_by,
            action: "key-new",
            target: PEOPLE,
            detail: &detail,
        };
        entry = audit::append(&tx, path, &act, &seal)?;
        tx.commit().map_err(&e)?;
    }
    ds.close().map_err(&e)?;
    Ok(entry)
}

/// Append signed events and the hazards they changed (one transaction, audited). The caller
/// read the ledger, and built and checked the events against it.
pub fn append_events(path: &Path, events: &[Event], ledger: &Ledger, when: &str) -> Result<audit::Entry> {
    let Some(last) = events.last() else {
        return Err(crate::Error::Internal("append_events without events".into()));
    };
    let mut ds = open_update(path)?;
    let e = gerr(path);
    let entry;
    {
        let mut tx = ds.start_transaction().map_err(&e)?;
        ensure_tables(&mut tx, path)?;
        // The chain must continue from the head this process read: another writer in between
        // is refused, not forked.
        let head: Option<u64> = meta(&tx, "ledger_head_seq").and_then(|s| s.parse().ok());
        if head.unwrap_or(0) + events.len() as u64 != last.seq {
            return Err(crate::Error::at(
                Location::file(path).layer(EVENTS),
                text!(
                    "台账在读取后被另一进程修改（链头 {}），请重试",
                    "the ledger changed since it was read (head {}): try again",
                    head.unwrap_or(0)
                ),
            ));
        }
        let mut seal = Seal::default();
        for t in [PEOPLE, HAZARDS, EVENTS] {
            seal.base(&tx, path, t)?;
        }
        let before = seal::max_fid(&tx, path, EVENTS)?;
        let recs: Vec<Record> = events.iter().map(event_record).collect();
        gdal_vector::append_records(&tx, EVENTS, &recs, path)?;
        let added = seal::rows(&tx, path, EVENTS, Some(&format!("fid > {before}")))?;
        seal.change(EVENTS, &seal::Digest::default(), &added)?;
        let mut ids: Vec<&str> = events.iter().map(|e| e.hazard_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut removed = seal::Digest::default();
        for chunk in ids.chunks(500) {
            let list = chunk.iter().map(|s| q(s)).collect::<Vec<_>>().join(",");
            removed.add(&seal::rows(&tx, path, HAZARDS, Some(&format!("id IN ({list})")))?);
            tx.execute_sql(
                format!("DELETE FROM {HAZARDS} WHERE id IN ({list})"),
                None,
                gdal::vector::sql::Dialect::SQLITE,
            )
            .map_err(&e)?;
        }
        let before = seal::max_fid(&tx, path, HAZARDS)?;
        let rows: Vec<Record> = ids
            .iter()
            .filter_map(|id| ledger.hazard(id))
            .enumerate()
            .map(|(i, h)| hazard_record(i as u64 + 1, h))
            .collect();
        gdal_vector::append_records(&tx, HAZARDS, &rows, path)?;
        let added = seal::rows(&tx, path, HAZARDS, Some(&format!("fid > {before}")))?;
        seal.change(HAZARDS, &removed, &added)?;
        set_meta(&tx, path, "ledger_head_seq", &last.seq.to_string())?;
        set_meta(&tx, path, "ledger_head_hash", &last.hash)?;
        let actions: Vec<String> = events.iter().map(|e| format!("{} {}", e.action, e.hazard_id)).collect();
        let detail = serde_json::json!({"events": [events[0].seq, last.seq], "actions": actions}).to_string();
        let target = if ids.len() == 1 { ids[0].to_string() } else { format!("{} hazards", ids.len()) };
        let act = audit::Act {
            at: when,
            who: &last.actor,
            action: &format!("ledger-{}", last.action),
            target: &target,
            detail: &detail,
        };
        entry = audit::append(&tx, path, &act, &seal)?;
        tx.commit().map_err(&e)?;
    }
    ds.close().map_err(&e)?;
    Ok(entry)
}

/// Sign `acts` with `key` on the ledger `l` read from `path` and write them (one transaction).
/// The key must be the one registered for its name; a refusal of any action (named with its
/// hazard and action) writes none. Returns the events (none: nothing written), the audit row
/// and the ledger after them.
pub fn sign_and_write(
    path: &Path,
    mut l: Ledger,
    acts: &[(String, crate::ledger::Action)],
    key: &crate::ledger::KeyFile,
    now: &str,
) -> Result<(Vec<Event>, Option<audit::Entry>, Ledger)> {
    let refused = |hz: &str, field: &str, why: crate::i18n::Text| {
        crate::Error::at(Location::file(path).layer(HAZARDS).feature(hz).field(field), why)
    };
    if let Some(why) = l.signer_refusal(key) {
        return Err(crate::Error::at(Location::file(path).layer(PEOPLE).feature(&key.name).field("--key"), why));
    }
    let mut events = Vec::new();
    for (hz, a) in acts {
        events.push(l.sign(hz, a, key, now).map_err(|why| refused(hz, a.name(), why))?);
    }
    if events.is_empty() {
        return Ok((events, None, l));
    }
    let entry = append_events(path, &events, &l, now)?;
    Ok((events, Some(entry), l))
}

/// Verify the ledger of an open store: the replay's breaks, the chain head, and `hazards`
/// against the replay. Empty when all holds (and when the store has no ledger).
pub fn verify(ds: &gdal::Dataset, path: &Path) -> Result<Vec<Break>> {
    let Some(t) = read_tables(ds, path)? else { return Ok(Vec::new()) };
    let head = t.head.clone();
    let stored = t.hazards;
    let (ledger, mut breaks) = Ledger::replay(t.people, t.events);
    let last = ledger.events.last();
    // A break at the end names the head's event when it is past the last one left (deleted).
    let head_seq = head.as_ref().map_or(0, |h| h.0);
    let at_last = |what| Break {
        hazard: last.map_or(String::new(), |e| e.hazard_id.clone()),
        seq: last.map_or(0, |e| e.seq).max(head_seq),
        what,
    };
    // Every person must be the one a `key-new` audit row registered (same key).
    if let Ok(rows) = audit::entries(ds, path) {
        let registered: std::collections::BTreeMap<String, String> = rows
            .iter()
            .filter(|r| r.action == "key-new")
            .filter_map(|r| {
                let v: serde_json::Value = serde_json::from_str(&r.detail).ok()?;
                Some((v["name"].as_str()?.to_string(), v["public_key"].as_str()?.to_string()))
            })
            .collect();
        for p in &ledger.people {
            if registered.get(&p.name) != Some(&p.public_key) {
                let e = ledger.events.iter().find(|e| e.actor == p.name);
                breaks.push(Break {
                    hazard: e.map_or(String::new(), |e| e.hazard_id.clone()),
                    seq: e.map_or(0, |e| e.seq),
                    what: text!(
                        "people 中的 \"{}\" 与审计记录登记的公钥不符（在 minehaz 之外添加或修改）",
                        "\"{}\" in people does not match the key its audit row registered (added or changed outside minehaz)",
                        p.name
                    ),
                });
            }
        }
    }
    match (&head, last) {
        (Some((s, h)), Some(e)) if *s == e.seq && *h == e.hash => {}
        (None, None) => {}
        (Some((s, _)), _) => breaks.push(at_last(text!(
            "台账链头（第 {} 个事件）与最后一个事件不符（末尾事件被删除或链头被修改）",
            "the ledger head (event {}) does not match the last event (trailing events deleted or head edited)",
            s
        ))),
        (None, Some(_)) => breaks.push(at_last(text!("台账缺少链头", "the ledger has no head"))),
    }
    // hazards must equal the replay, row for row.
    let mut last_seq: std::collections::HashMap<&str, u64> = Default::default();
    for e in &ledger.events {
        last_seq.insert(e.hazard_id.as_str(), e.seq);
    }
    let last_event = |id: &str| last_seq.get(id).copied().unwrap_or(head_seq);
    let mut seen = std::collections::BTreeSet::new();
    for row in &stored {
        let id = row.iter().find(|(k, _)| k == "id").and_then(|(_, v)| match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        });
        let id = id.unwrap_or_default();
        if !seen.insert(id.clone()) {
            breaks.push(Break {
                hazard: id.clone(),
                seq: last_event(&id),
                what: text!("hazards 中重复的行", "a duplicate row in hazards"),
            });
            continue;
        }
        let Some(h) = ledger.hazard(&id) else {
            breaks.push(Break {
                hazard: id.clone(),
                seq: 0,
                what: text!(
                    "hazards 中有事件里没有的隐患（手工添加）",
                    "hazards holds a hazard no event opened (added by hand)"
                ),
            });
            continue;
        };
        for (k, want) in h.row() {
            let got = row.iter().find(|(n, _)| n == k).map_or(&Value::Null, |(_, v)| v);
            if !same(got, &want) {
                breaks.push(Break {
                    hazard: id.clone(),
                    seq: last_event(&id),
                    what: text!(
                        "hazards 的 {} 为 {}，事件重放得 {}（该行被手工修改）",
                        "hazards.{} is {} but the events replay to {} (the row was edited by hand)",
                        k,
                        show(got),
                        show(&want)
                    ),
                });
            }
        }
    }
    for h in &ledger.hazards {
        if !seen.contains(&h.id) {
            breaks.push(Break {
                hazard: h.id.clone(),
                seq: last_event(&h.id),
                what: text!("hazards 中缺少该隐患（行被删除）", "the hazard's row is missing from hazards (deleted)"),
            });
        }
    }
    Ok(breaks)
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Real(x), Value::Real(y)) => x == y,
        (Value::Int(x), Value::Real(y)) | (Value::Real(y), Value::Int(x)) => *x as f64 == *y,
        (Value::Text(x), Value::Text(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Null, Value::Null) => true,
        _ => false,
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Int(i) => i.to_string(),
        Value::Real(x) => x.to_string(),
        Value::Text(s) => format!("\"{s}\""),
    }
}
