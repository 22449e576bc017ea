//! The monitoring tables of a survey package (MONITORING.md): `monitoring/daily.csv` (contract),
//! and two extensions that hold what `minehaz watch` receives live, so a package carries the same
//! data as a store: `monitoring/readings.csv` (`time,sensor,kind,value,working,x,y,z`) and
//! `monitoring/weather.csv` (`time,level,text`).

use super::csv_tables::{fmt_f64, Row, Stream, Table};
use crate::error::{Location, Problems, Result};
use crate::model::monitoring::{parse_time, time_text};
use crate::model::record::Enumerated;
use crate::model::{Daily, Reading, ReadingKind, Weather, WeatherLevel};
use crate::text;
use chrono::{DateTime, FixedOffset, NaiveDate};
use std::path::Path;

fn required<'r>(row: &'r Row<'_>, c: Option<usize>, ps: &mut Problems) -> Option<&'r str> {
    let v = row.str(c);
    if let (None, Some(c)) = (v, c) {
        row.error(c, text!("必填单元格为空", "required cell is empty"), ps);
    }
    v
}

fn time_cell(row: &Row<'_>, c: Option<usize>, ps: &mut Problems) -> Option<DateTime<FixedOffset>> {
    let s = required(row, c, ps)?;
    let t = parse_time(s);
    if let (None, Some(c)) = (t, c) {
        row.error(
            c,
            text!(
                "时间格式无效: \"{}\"（应为带时区的 ISO 8601，如 2026-05-01T08:00:00+08:00）",
                "invalid time \"{}\" (expected ISO 8601 with offset, e.g. 2026-05-01T08:00:00+08:00)",
                s
            ),
            ps,
        );
    }
    t
}

fn enum_cell<E: Enumerated>(row: &Row<'_>, c: Option<usize>, ps: &mut Problems) -> Option<E> {
    let s = required(row, c, ps)?;
    let v = E::ALL.iter().copied().find(|k| k.as_str().eq_ignore_ascii_case(s));
    if let (None, Some(c)) = (v, c) {
        let known = E::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
        row.error(c, text!("未知取值 \"{}\"（可用: {}）", "unknown value \"{}\" (known: {})", s, known), ps);
    }
    v
}

/// Read `monitoring/daily.csv`: `date,coal_t,transport_t,power_kwh,gas_m3,water_m3,explosives_kg,
/// declared_stop`. Every column must be there; a number cell may be empty (not reported), never
/// text or negative; `declared_stop` is 0, 1 or empty; a date appears once. Sorted by date.
pub fn read_daily(path: &Path) -> Result<Vec<Daily>> {
    let t = Table::read(path)?;
    let mut ps = Problems::default();
    let cd = t.column("date", &mut ps);
    let cols: Vec<(&str, Option<usize>)> = Daily::COLUMNS.iter().map(|c| (*c, t.column(c, &mut ps))).collect();
    let cs = t.column("declared_stop", &mut ps);
    if ps.has_errors() {
        return ps.into_result().map(|_| Vec::new());
    }
    let mut out: Vec<(u64, Daily)> = Vec::new();
    for row in t.rows() {
        let Some(ds) = required(&row, cd, &mut ps) else { continue };
        let Ok(date) = NaiveDate::parse_from_str(ds, "%Y-%m-%d") else {
            if let Some(c) = cd {
                row.error(
                    c,
                    text!("日期格式无效: \"{}\"（应为 YYYY-MM-DD）", "invalid date \"{}\" (expected YYYY-MM-DD)", ds),
                    &mut ps,
                );
            }
            continue;
        };
        let mut d = Daily { date, ..Daily::default() };
        for (name, c) in &cols {
            let v = row.real(*c, &mut ps);
            row.check_range(*c, v, 0.0, 1e12, &mut ps);
            d.set(name, v);
        }
        d.declared_stop = match row.str(cs) {
            None => None,
            Some("0") => Some(false),
            Some("1") => Some(true),
            Some(s) => {
                if let Some(c) = cs {
                    row.error(c, text!("应为 0、1 或空: \"{}\"", "expected 0, 1 or empty: \"{}\"", s), &mut ps);
                }
                None
            }
        };
        out.push((row.line, d));
    }
    out.sort_by_key(|(_, d)| d.date);
    for w in out.windows(2) {
        if w[0].1.date == w[1].1.date {
            ps.error(
                Location::file(path).line(w[1].0).field("date"),
                text!("日期 {} 重复（第 {} 行已有）", "date {} repeated (already on line {})", w[1].1.date, w[0].0),
            );
        }
    }
    ps.into_result()?;
    Ok(out.into_iter().map(|(_, d)| d).collect())
}

/// Write `monitoring/daily.csv`.
pub fn write_daily(path: &Path, days: &[Daily]) -> Result<()> {
    let mut header = vec!["date"];
    header.extend(Daily::COLUMNS);
    header.push("declared_stop");
    super::csv_tables::write_rows(
        path,
        &header,
        days.iter().map(|d| {
            let mut r = vec![d.date.to_string()];
            r.extend(Daily::COLUMNS.iter().map(|c| d.value(c).map_or(String::new(), fmt_f64)));
            r.push(d.declared_stop.map_or(String::new(), |s| if s { "1".into() } else { "0".into() }));
            r
        }),
    )
}

/// Read `monitoring/readings.csv`: `time,sensor,kind,value` required, `working,x,y,z` optional
/// (x, y, z together or not at all).
pub fn read_readings(path: &Path) -> Result<Vec<Reading>> {
    let t = Stream::open(path)?;
    let mut ps = Problems::default();
    let h = &t.header;
    let [ct, cs, ck, cv] = ["time", "sensor", "kind", "value"].map(|c| h.column(c, &mut ps));
    let [cw, cx, cy, cz] = ["working", "x", "y", "z"].map(|c| h.optional_column(c));
    if ps.has_errors() {
        return ps.into_result().map(|_| Vec::new());
    }
    let (out, rows_ps) = t.par_rows(|row, ps| {
        let time = time_cell(row, ct, ps);
        let sensor = required(row, cs, ps);
        let kind: Option<ReadingKind> = enum_cell(row, ck, ps);
        let value = row.real_req(cv, ps);
        let xyz = [row.real(cx, ps), row.real(cy, ps), row.real(cz, ps)];
        let at = match xyz {
            [Some(x), Some(y), Some(z)] => Some([x, y, z]),
            [None, None, None] => None,
            _ => {
                if let Some(c) = cx.or(cy).or(cz) {
                    row.error(c, text!("x、y、z 须同时给出或同时留空", "give x, y and z together or none of them"), ps);
                }
                None
            }
        };
        Some(Reading {
            time: time?,
            sensor: sensor?.to_string(),
            kind: kind?,
            value: value?,
            working: row.text(cw),
            at,
        })
    })?;
    ps.extend(rows_ps);
    ps.into_result()?;
    Ok(out)
}

/// Write `monitoring/readings.csv`.
pub fn write_readings(path: &Path, readings: &[Reading]) -> Result<()> {
    super::csv_tables::write_rows(
        path,
        &["time", "sensor", "kind", "value", "working", "x", "y", "z"],
        readings.iter().map(|r| {
            let c = |i: usize| r.at.map_or(String::new(), |p| fmt_f64(p[i]));
            vec![
                time_text(&r.time),
                r.sensor.clone(),
                r.kind.as_str().to_string(),
                fmt_f64(r.value),
                r.working.clone().unwrap_or_default(),
                c(0),
                c(1),
                c(2),
            ]
        }),
    )
}

/// Read `monitoring/weather.csv`: `time,level,text`.
pub fn read_weather(path: &Path) -> Result<Vec<Weather>> {
    let t = Table::read(path)?;
    let mut ps = Problems::default();
    let [ct, cl] = ["time", "level"].map(|c| t.column(c, &mut ps));
    let cx = t.optional_column("text");
    if ps.has_errors() {
        return ps.into_result().map(|_| Vec::new());
    }
    let mut out = Vec::new();
    for row in t.rows() {
        let time = time_cell(&row, ct, &mut ps);
        let level: Option<WeatherLevel> = enum_cell(&row, cl, &mut ps);
        if let (Some(time), Some(level)) = (time, level) {
            out.push(Weather { time, level, text: row.text(cx).unwrap_or_default() });
        }
    }
    ps.into_result()?;
    Ok(out)
}

/// Write `monitoring/weather.csv`.
pub fn write_weather(path: &Path, weather: &[Weather]) -> Result<()> {
    super::csv_tables::write_rows(
        path,
        &["time", "level", "text"],
        weather.iter().map(|w| vec![time_text(&w.time), w.level.as_str().to_string(), w.text.clone()]),
    )
}
