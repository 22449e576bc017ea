//! The live tables of a project store (MONITORING.md): `readings`, `weather`, `daily`, `alarms`
//! and `minehaz_watch` (how many events `minehaz watch` applied and its clock), and the batch
//! commit of `watch`: the changed workings and drillholes, the appended fixes, readings, weather
//! warnings and alarms, the event counter and an audit row, in one transaction.

use super::audit;
use super::crs::Crs;
use super::gdal_vector;
use super::store::{real_of, table, text_of};
use crate::error::{Location, Problems, Result};
use crate::model::monitoring::{parse_time, time_text};
use crate::model::record::{Enumerated, FieldType, Geom, GeomType, Record, Value};
use crate::model::{Daily, Drillhole, Fix, LayerKind, Reading, ReadingKind, Weather, WeatherLevel, Working};
use crate::text;
use chrono::{DateTime, FixedOffset, NaiveDate};
use std::collections::BTreeMap;
use std::path::Path;

pub const WATCH_TABLE: &str = "minehaz_watch";

fn rec(index: u64, geom: Option<Geom>, attrs: Vec<(&str, Value)>) -> Record {
    Record { index, geom, attrs: attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect() }
}

fn opt_text(v: Option<&str>) -> Value {
    v.map_or(Value::Null, |s| Value::Text(s.to_string()))
}

fn opt_real(v: Option<f64>) -> Value {
    v.map_or(Value::Null, Value::Real)
}

/// A positioning fix as a `positioning` row (`n` is its 1-based number).
pub fn fix_record(n: u64, fx: &Fix) -> Record {
    let z = fx.pos[2];
    rec(
        n,
        Some(Geom::Point { pos: [fx.pos[0], fx.pos[1], if z.is_nan() { 0.0 } else { z }], has_z: true }),
        vec![
            ("id", Value::Text(n.to_string())),
            ("time", Value::Text(fx.time.to_string())),
            ("person_id", Value::Text(fx.person_id.to_string())),
            ("z", if z.is_nan() { Value::Null } else { Value::Real(z) }),
        ],
    )
}

pub fn reading_record(n: u64, r: &Reading) -> Record {
    rec(
        n,
        r.at.map(|pos| Geom::Point { pos, has_z: true }),
        vec![
            ("id", Value::Text(n.to_string())),
            ("time", Value::Text(time_text(&r.time))),
            ("sensor", Value::Text(r.sensor.clone())),
            ("kind", Value::Text(r.kind.as_str().to_string())),
            ("value", Value::Real(r.value)),
            ("working", opt_text(r.working.as_deref())),
        ],
    )
}

pub fn weather_record(n: u64, w: &Weather) -> Record {
    rec(
        n,
        None,
        vec![
            ("id", Value::Text(n.to_string())),
            ("time", Value::Text(time_text(&w.time))),
            ("level", Value::Text(w.level.as_str().to_string())),
            ("text", Value::Text(w.text.clone())),
        ],
    )
}

pub fn daily_record(n: u64, d: &Daily) -> Record {
    let mut attrs = vec![("id", Value::Text(d.date.to_string()))];
    for c in Daily::COLUMNS {
        attrs.push((c, opt_real(d.value(c))));
    }
    attrs.push(("declared_stop", d.declared_stop.map_or(Value::Null, |s| Value::Int(i64::from(s)))));
    rec(n, None, attrs)
}

/// An alarm as written to the `alarms` table.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmRow {
    /// The number of the event that raised it.
    pub event: u64,
    pub kind: String,
    pub time: String,
    pub working: Option<String>,
    pub at: Option<[f64; 3]>,
    pub reason: String,
    pub withdraw: Vec<String>,
}

fn alarm_record(n: u64, a: &AlarmRow) -> Record {
    rec(
        n,
        a.at.map(|pos| Geom::Point { pos, has_z: true }),
        vec![
            ("id", Value::Text(n.to_string())),
            ("event", Value::Int(a.event as i64)),
            ("kind", Value::Text(a.kind.clone())),
            ("time", Value::Text(a.time.clone())),
            ("working", opt_text(a.working.as_deref())),
            ("reason", Value::Text(a.reason.clone())),
            ("withdraw", Value::Text(serde_json::to_string(&a.withdraw).unwrap_or_default())),
        ],
    )
}

type Schema = (&'static str, Option<GeomType>, &'static [(&'static str, FieldType)]);

/// The live tables: name, geometry, fields besides `id`.
const TABLES: [Schema; 5] = [
    (
        "readings",
        Some(GeomType::PointZ),
        &[
            ("time", FieldType::Text),
            ("sensor", FieldType::Text),
            ("kind", FieldType::Text),
            ("value", FieldType::Real),
            ("working", FieldType::Text),
        ],
    ),
    ("weather", None, &[("time", FieldType::Text), ("level", FieldType::Text), ("text", FieldType::Text)]),
    (
        "daily",
        None,
        &[
            ("coal_t", FieldType::Real),
            ("transport_t", FieldType::Real),
            ("power_kwh", FieldType::Real),
            ("gas_m3", FieldType::Real),
            ("water_m3", FieldType::Real),
            ("explosives_kg", FieldType::Real),
            ("declared_stop", FieldType::Int),
        ],
    ),
    (
        "alarms",
        Some(GeomType::PointZ),
        &[
            ("event", FieldType::Int),
            ("kind", FieldType::Text),
            ("time", FieldType::Text),
            ("working", FieldType::Text),
            ("reason", FieldType::Text),
            ("withdraw", FieldType::Text),
        ],
    ),
    (
        WATCH_TABLE,
        None,
        &[("events_applied", FieldType::Int), ("clock", FieldType::Text), ("updated", FieldType::Text)],
    ),
];

fn create(ds: &mut gdal::Dataset, t: &Schema, mine: &Crs, records: &[Record], path: &Path) -> Result<()> {
    let fields: Vec<(String, FieldType)> = t.2.iter().map(|(n, f)| (n.to_string(), *f)).collect();
    gdal_vector::write_layer(ds, t.0, t.1, t.1.map(|_| mine), &fields, records, path)
}

/// Write the live tables of a survey into a new store (inside the caller's transaction).
pub fn write_tables(ds: &mut gdal::Dataset, s: &crate::model::Survey, mine: &Crs, path: &Path) -> Result<()> {
    let n = |i: usize| i as u64 + 1;
    let readings: Vec<Record> = s.readings.iter().enumerate().map(|(i, r)| reading_record(n(i), r)).collect();
    let weather: Vec<Record> = s.weather.iter().enumerate().map(|(i, w)| weather_record(n(i), w)).collect();
    let daily: Vec<Record> = s.daily.iter().enumerate().map(|(i, d)| daily_record(n(i), d)).collect();
    let watch: Vec<Record> = s.watch_clock.iter().map(|c| watch_record(0, Some(c), "")).collect();
    for (t, recs) in TABLES.iter().zip([readings, weather, daily, Vec::new(), watch]) {
        create(ds, t, mine, &recs, path)?;
    }
    Ok(())
}

/// Create the live tables a store made by an older minehaz lacks (inside a transaction).
pub fn ensure_tables(ds: &mut gdal::Dataset, mine: &Crs, path: &Path) -> Result<()> {
    for t in &TABLES {
        if ds.layer_by_name(t.0).is_err() {
            create(ds, t, mine, &[], path)?;
        }
    }
    Ok(())
}

fn watch_record(events: u64, clock: Option<&DateTime<FixedOffset>>, updated: &str) -> Record {
    rec(
        1,
        None,
        vec![
            ("id", Value::Text("state".into())),
            ("events_applied", Value::Int(events as i64)),
            ("clock", clock.map_or(Value::Null, |c| Value::Text(time_text(c)))),
            ("updated", Value::Text(updated.to_string())),
        ],
    )
}

/// The store's watch state: events applied and the clock.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WatchState {
    pub events_applied: u64,
    pub clock: Option<DateTime<FixedOffset>>,
}

/// What the live tables of a store hold.
#[derive(Debug, Clone, Default)]
pub struct LiveTables {
    pub readings: Vec<Reading>,
    pub weather: Vec<Weather>,
    pub daily: Vec<Daily>,
    pub watch: WatchState,
}

fn bad(path: &Path, layer: &str, r: &Record, field: &str, ps: &mut Problems) {
    let id = text_of(r, "id").unwrap_or_else(|| format!("#{}", r.index));
    ps.error(Location::file(path).layer(layer).feature(id).field(field), text!("缺失或无效", "missing or invalid"));
}

/// A `readings` row as a reading; a missing or invalid field is an error in `ps`.
fn reading_of(r: &Record, path: &Path, ps: &mut Problems) -> Option<Reading> {
    let time = text_of(r, "time").and_then(|t| parse_time(&t));
    let kind = text_of(r, "kind").and_then(|k| ReadingKind::ALL.iter().copied().find(|x| x.as_str() == k));
    let (sensor, value) = (text_of(r, "sensor"), real_of(r, "value"));
    let at = match r.geom {
        Some(Geom::Point { pos, .. }) => Some(pos),
        _ => None,
    };
    match (time, kind, sensor, value) {
        (Some(time), Some(kind), Some(sensor), Some(value)) => {
            Some(Reading { time, sensor, kind, value, working: text_of(r, "working"), at })
        }
        (t, k, s, _) => {
            let f = if t.is_none() {
                "time"
            } else if k.is_none() {
                "kind"
            } else if s.is_none() {
                "sensor"
            } else {
                "value"
            };
            bad(path, "readings", r, f, ps);
            None
        }
    }
}

/// A `weather` row as a weather warning; a missing or invalid field is an error in `ps`.
fn weather_of(r: &Record, path: &Path, ps: &mut Problems) -> Option<Weather> {
    let time = text_of(r, "time").and_then(|t| parse_time(&t));
    let level = text_of(r, "level").and_then(|k| WeatherLevel::ALL.iter().copied().find(|x| x.as_str() == k));
    match (time, level) {
        (Some(time), Some(level)) => Some(Weather { time, level, text: text_of(r, "text").unwrap_or_default() }),
        (t, _) => {
            bad(path, "weather", r, if t.is_none() { "time" } else { "level" }, ps);
            None
        }
    }
}

/// Read the live tables (absent tables read as empty).
pub fn read_tables(ds: &gdal::Dataset, path: &Path, ps: &mut Problems) -> Result<LiveTables> {
    let readings = table(ds, "readings", path, ps)?.iter().filter_map(|r| reading_of(r, path, ps)).collect();
    let weather = table(ds, "weather", path, ps)?.iter().filter_map(|r| weather_of(r, path, ps)).collect();
    let mut out = LiveTables { readings, weather, ..LiveTables::default() };
    for r in table(ds, "daily", path, ps)? {
        let Some(date) = text_of(&r, "id").and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()) else {
            bad(path, "daily", &r, "id", ps);
            continue;
        };
        let mut d = Daily { date, ..Daily::default() };
        for c in Daily::COLUMNS {
            d.set(c, real_of(&r, c));
        }
        d.declared_stop = real_of(&r, "declared_stop").map(|v| v != 0.0);
        out.daily.push(d);
    }
    out.daily.sort_by_key(|d| d.date);
    if let Some(r) = table(ds, WATCH_TABLE, path, ps)?.into_iter().next() {
        out.watch = WatchState {
            events_applied: real_of(&r, "events_applied").map_or(0, |v| v as u64),
            clock: text_of(&r, "clock").and_then(|t| parse_time(&t)),
        };
    }
    Ok(out)
}

/// One batch of `watch`'s applied events.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// The events applied when the batch closes (the counter the store then records).
    pub events_applied: u64,
    /// The first event of the batch.
    pub first_event: u64,
    pub clock: Option<DateTime<FixedOffset>>,
    /// The workings and drillholes as they now stand, by id.
    pub workings: BTreeMap<String, Working>,
    pub drillholes: BTreeMap<String, Drillhole>,
    pub fixes: Vec<Fix>,
    pub readings: Vec<Reading>,
    pub weather: Vec<Weather>,
    pub alarms: Vec<AlarmRow>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.events_applied == self.first_event
    }

    /// Take in the batch that followed this one.
    pub fn merge(&mut self, next: Batch) {
        self.events_applied = next.events_applied;
        self.clock = next.clock.or(self.clock);
        self.workings.extend(next.workings);
        self.drillholes.extend(next.drillholes);
        self.fixes.extend(next.fixes);
        self.readings.extend(next.readings);
        self.weather.extend(next.weather);
        self.alarms.extend(next.alarms);
    }
}

/// The writer of `watch`: the store open for update, the row counters of its appended tables.
pub struct LiveStore {
    ds: gdal::Dataset,
    path: std::path::PathBuf,
    counts: BTreeMap<&'static str, u64>,
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl LiveStore {
    /// Open a store for `watch` (creating the live tables an older store lacks).
    pub fn open(path: &Path) -> Result<Self> {
        // A page cache that holds the appended tables' B-trees and R-trees (SQLite's default
        // 2 MB makes every insert into a large positioning table read pages back).
        let _ = gdal::config::set_config_option("OGR_SQLITE_CACHE", "64");
        let mut ds = super::store::open_update(path)?;
        let mine = super::store::mine_crs(&ds, path)?;
        let e = |err: gdal::errors::GdalError| {
            crate::Error::at(Location::file(path), text!("写入失败: {}", "writing failed: {}", err))
        };
        {
            let mut tx = ds.start_transaction().map_err(e)?;
            ensure_tables(&mut tx, &mine, path)?;
            tx.commit().map_err(e)?;
        }
        let mut counts = BTreeMap::new();
        for t in ["positioning", "readings", "weather", "alarms"] {
            counts.insert(t, count(&ds, t, path)?);
        }
        Ok(Self { ds, path: path.to_path_buf(), counts })
    }

    /// Write a batch in one transaction with its audit row.
    pub fn commit(&mut self, b: &Batch, who: &str, when: &str) -> Result<()> {
        let path = self.path.clone();
        let e = |err: gdal::errors::GdalError| {
            crate::Error::at(Location::file(&path), text!("写入失败: {}", "writing failed: {}", err))
        };
        let sql = |ds: &gdal::Dataset, s: String| {
            ds.execute_sql(s, None, gdal::vector::sql::Dialect::SQLITE).map(|_| ()).map_err(e)
        };
        let tx = self.ds.start_transaction().map_err(e)?;
        // The tables' seals follow the commit: rows removed out, rows added in.
        let mut seal = super::seal::Seal::default();
        for (layer, ids, recs) in [
            (
                Working::NAME,
                b.workings.keys().collect::<Vec<_>>(),
                b.workings.values().map(LayerKind::write).collect::<Vec<_>>(),
            ),
            (Drillhole::NAME, b.drillholes.keys().collect(), b.drillholes.values().map(LayerKind::write).collect()),
        ] {
            if ids.is_empty() {
                continue;
            }
            seal.base(&tx, &path, layer)?;
            let mut removed = super::seal::Digest::default();
            for chunk in ids.chunks(500) {
                let list = chunk.iter().map(|s| q(s)).collect::<Vec<_>>().join(",");
                removed.add(&super::seal::rows(&tx, &path, layer, Some(&format!("id IN ({list})")))?);
                sql(&tx, format!("DELETE FROM {layer} WHERE id IN ({list})"))?;
            }
            let before = super::seal::max_fid(&tx, &path, layer)?;
            gdal_vector::append_records(&tx, layer, &recs, &path)?;
            let added = super::seal::rows(&tx, &path, layer, Some(&format!("fid > {before}")))?;
            seal.change(layer, &removed, &added)?;
        }
        let mut next = |t: &'static str, k: usize| {
            let c = self.counts.entry(t).or_default();
            let first = *c + 1;
            *c += k as u64;
            first
        };
        let f0 = next("positioning", b.fixes.len());
        let fixes: Vec<Record> = b.fixes.iter().enumerate().map(|(i, f)| fix_record(f0 + i as u64, f)).collect();
        let r0 = next("readings", b.readings.len());
        let readings: Vec<Record> =
            b.readings.iter().enumerate().map(|(i, r)| reading_record(r0 + i as u64, r)).collect();
        let w0 = next("weather", b.weather.len());
        let weather: Vec<Record> =
            b.weather.iter().enumerate().map(|(i, w)| weather_record(w0 + i as u64, w)).collect();
        let a0 = next("alarms", b.alarms.len());
        let alarms: Vec<Record> = b.alarms.iter().enumerate().map(|(i, a)| alarm_record(a0 + i as u64, a)).collect();
        for (t, recs) in [("positioning", fixes), ("readings", readings), ("weather", weather), ("alarms", alarms)] {
            if !recs.is_empty() {
                seal.base(&tx, &path, t)?;
                let before = super::seal::max_fid(&tx, &path, t)?;
                gdal_vector::append_records(&tx, t, &recs, &path)?;
                let added = super::seal::rows(&tx, &path, t, Some(&format!("fid > {before}")))?;
                seal.change(t, &super::seal::Digest::default(), &added)?;
            }
        }
        sql(&tx, format!("DELETE FROM {WATCH_TABLE}"))?;
        gdal_vector::append_records(
            &tx,
            WATCH_TABLE,
            &[watch_record(b.events_applied, b.clock.as_ref(), when)],
            &path,
        )?;
        let detail = serde_json::json!({
            "events": [b.first_event, b.events_applied],
            "workings": b.workings.len(),
            "drillholes": b.drillholes.len(),
            "fixes": b.fixes.len(),
            "readings": b.readings.len(),
            "weather": b.weather.len(),
            "alarms": b.alarms.len(),
        })
        .to_string();
        seal.full(&tx, &path, WATCH_TABLE)?;
        audit::append(
            &tx,
            &path,
            &audit::Act { at: when, who, action: "watch", target: "events", detail: &detail },
            &seal,
        )?;
        tx.commit().map_err(e)?;
        Ok(())
    }
}

fn count(ds: &gdal::Dataset, table: &str, path: &Path) -> Result<u64> {
    use gdal::vector::LayerAccess;
    let l = ds.layer_by_name(table).map_err(|e| {
        crate::Error::at(Location::file(path).layer(table), text!("图层不存在: {}", "no such layer: {}", e))
    })?;
    Ok(l.feature_count())
}

/// The watch state of a store (only its `minehaz_watch` table is read): for a viewer that
/// follows a running `watch`.
pub fn watch_state(path: &Path) -> Result<WatchState> {
    let ds = gdal_vector::open_vector(path)?;
    let mut ps = Problems::default();
    let r = table(&ds, WATCH_TABLE, path, &mut ps)?.into_iter().next();
    Ok(r.map_or_else(WatchState::default, |r| WatchState {
        events_applied: real_of(&r, "events_applied").map_or(0, |v| v as u64),
        clock: text_of(&r, "clock").and_then(|t| parse_time(&t)),
    }))
}

/// The alarms of a store with a row number above `after`, oldest first, with their numbers.
pub fn alarms_after(path: &Path, after: u64) -> Result<Vec<(u64, AlarmRow)>> {
    let ds = gdal_vector::open_vector(path)?;
    if ds.layer_by_name("alarms").is_err() {
        return Ok(Vec::new());
    }
    let mut ps = Problems::default();
    let where_ = format!("CAST(id AS INTEGER) > {after}");
    let recs = gdal_vector::read_layer_where(&ds, "alarms", Some(&where_), path, &mut ps)?.records;
    let mut out: Vec<(u64, AlarmRow)> = recs
        .into_iter()
        .filter_map(|r| {
            let n: u64 = text_of(&r, "id")?.parse().ok()?;
            let at = match r.geom {
                Some(Geom::Point { pos, .. }) => Some(pos),
                _ => None,
            };
            Some((
                n,
                AlarmRow {
                    event: real_of(&r, "event").map_or(0, |v| v as u64),
                    kind: text_of(&r, "kind")?,
                    time: text_of(&r, "time").unwrap_or_default(),
                    working: text_of(&r, "working").filter(|w| !w.is_empty()),
                    at,
                    reason: text_of(&r, "reason").unwrap_or_default(),
                    withdraw: serde_json::from_str(&text_of(&r, "withdraw").unwrap_or_default()).unwrap_or_default(),
                },
            ))
        })
        .collect();
    out.sort_by_key(|(n, _)| *n);
    Ok(out)
}

/// The tables `watch` writes that a follower of the store reads incrementally.
pub const FOLLOWED: [&str; 5] = ["workings", "drillholes", "positioning", "readings", "weather"];

/// Where a follower of a store stands: the largest row id (fid) it has read of each table of
/// [`FOLLOWED`]. `watch` appends rows and replaces a working or drillhole by deleting its row
/// and appending the new one, so every change it commits is a row past the cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    pub fids: BTreeMap<&'static str, i64>,
}

impl Cursor {
    /// The cursor of a survey read whole from a store: its fixes, readings and weather warnings
    /// are the first rows of their append-only tables (row ids 1..n), so it stands exactly
    /// where the read ended, whatever `watch` committed since; workings and drillholes start
    /// at 0 (the first [`committed_since`] re-reads them, which replaces each by id: harmless).
    pub fn of_read(s: &crate::model::Survey) -> Self {
        let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
        let fids = BTreeMap::from([
            ("workings", 0),
            ("drillholes", 0),
            ("positioning", n(s.positioning.len())),
            ("readings", n(s.readings.len())),
            ("weather", n(s.weather.len())),
        ]);
        Self { fids }
    }

    /// The row counts of the append-only tables of a store (positioning, readings, weather):
    /// a follower compares them with what it holds, and reads the store whole when they differ.
    pub fn row_counts(path: &Path) -> Result<[u64; 3]> {
        let ds = gdal_vector::open_vector(path)?;
        let mut out = [0u64; 3];
        for (k, t) in ["positioning", "readings", "weather"].iter().enumerate() {
            if ds.layer_by_name(t).is_ok() {
                out[k] = count(&ds, t, path)?;
            }
        }
        Ok(out)
    }
}

/// The largest row id of each followed table (0 for a table the store lacks).
fn followed_ends(ds: &gdal::Dataset, path: &Path) -> Result<BTreeMap<&'static str, i64>> {
    let mut ends = BTreeMap::new();
    for t in FOLLOWED {
        ends.insert(t, if ds.layer_by_name(t).is_ok() { super::seal::max_fid(ds, path, t)? } else { 0 });
    }
    Ok(ends)
}

/// What `watch` committed since a [`Cursor`]: the workings and drillholes as they now stand,
/// the fixes, readings and weather warnings appended (in commit order), and the watch state.
#[derive(Debug, Clone, Default)]
pub struct Committed {
    pub workings: Vec<Working>,
    pub drillholes: Vec<Drillhole>,
    pub fixes: Vec<Fix>,
    pub readings: Vec<Reading>,
    pub weather: Vec<Weather>,
    pub watch: WatchState,
}

/// Read what `watch` committed to the store since `cursor`, and move the cursor to the rows
/// read, without reading the rest of the store (a viewer following a running `watch`). The
/// watch state is read first, so a commit landing meanwhile is never counted as read: its rows
/// are read now or at the next call, never skipped and never twice.
pub fn committed_since(path: &Path, cursor: &mut Cursor) -> Result<Committed> {
    let watch = watch_state(path)?;
    let ds = gdal_vector::open_vector(path)?;
    let ends = followed_ends(&ds, path)?;
    let range = |t: &str| {
        let from = cursor.fids.get(t).copied().unwrap_or(0);
        let to = ends.get(t).copied().unwrap_or(0);
        (to > from).then(|| format!("fid > {from} AND fid <= {to}"))
    };
    let mut out = Committed { watch, ..Committed::default() };
    if let Some(f) = range("workings") {
        out.workings = super::store::read_layers(path, &["workings"], Some(&f))?.1.workings;
    }
    if let Some(f) = range("drillholes") {
        out.drillholes = super::store::read_layers(path, &["drillholes"], Some(&f))?.1.drillholes;
    }
    let mut ps = Problems::default();
    let rows = |t: &str, ps: &mut Problems| -> Result<Vec<Record>> {
        match range(t) {
            Some(f) => Ok(gdal_vector::read_layer_where(&ds, t, Some(&f), path, ps)?.records),
            None => Ok(Vec::new()),
        }
    };
    out.fixes = rows("positioning", &mut ps)?.iter().filter_map(super::store::fix_of).collect();
    out.readings = rows("readings", &mut ps)?.iter().filter_map(|r| reading_of(r, path, &mut ps)).collect();
    out.weather = rows("weather", &mut ps)?.iter().filter_map(|r| weather_of(r, path, &mut ps)).collect();
    ps.into_result()?;
    cursor.fids = ends;
    Ok(out)
}
