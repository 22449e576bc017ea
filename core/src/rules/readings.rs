//! Rules on the monitoring readings (MONITORING.md): methane over the stop limit at an active
//! working (`gas.ch4_over_limit`) and a methane sensor that no longer moves (`gas.sensor_flatline`,
//! 遮蔽包裹瓦斯传感器).
//!
//! Basis: 《煤矿安全规程》第一百七十二条 (采掘工作面风流中甲烷浓度达到 1.0% 时必须停止用电钻打眼；
//! 达到 1.5% 时必须停止工作，切断电源，撤出人员); 《煤矿重大事故隐患判定标准》第四条 (瓦斯超限作业)
//! and 第十二条 (安全监控系统不能正常运行 — 遮挡、包裹传感器).
//!
//! Both rules look back from *now*: the time of the latest event `watch` applied (the store keeps
//! it), else of the latest reading or weather warning, and never later than the end of the as-of
//! day; readings after now are not considered. A sensor belongs to the working named by its
//! latest reading in the window.

use super::{Finding, Params, Severity};
use crate::i18n::Text;
use crate::model::{Reading, ReadingKind, Working, WorkingStatus};
use crate::text;
use chrono::{DateTime, Duration, FixedOffset};
use std::collections::BTreeMap;

pub const RULES: [&str; 2] = ["gas.ch4_over_limit", "gas.sensor_flatline"];

/// One sensor's readings, in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub kind: Option<ReadingKind>,
    pub times: Vec<DateTime<FixedOffset>>,
    pub values: Vec<f64>,
    /// The working of each reading.
    pub workings: Vec<Option<String>>,
    pub at: Vec<Option<[f64; 3]>>,
}

impl Series {
    fn push(&mut self, r: &Reading) {
        self.kind = Some(r.kind);
        // Readings arrive in time order; a late one is put in its place.
        let i = self.times.partition_point(|t| *t <= r.time);
        self.times.insert(i, r.time);
        self.values.insert(i, r.value);
        self.workings.insert(i, r.working.clone());
        self.at.insert(i, r.at);
    }

    /// The positions of the readings with time in [from, to] (a reading exactly
    /// `presence_window_min` or `flatline_h` old is still within it, as a fix is for presence).
    pub fn window(&self, from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> std::ops::Range<usize> {
        let a = self.times.partition_point(|t| *t < from);
        let b = self.times.partition_point(|t| *t <= to);
        a..b.max(a)
    }

    /// Median of the values with time in [from, to) (the inrush baseline).
    pub fn median_before(&self, from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> Option<f64> {
        let a = self.times.partition_point(|t| *t < from);
        let b = self.times.partition_point(|t| *t < to);
        super::daily::median(&mut self.values.get(a..b.max(a))?.to_vec())
    }
}

/// Every sensor's series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sensors {
    pub by_id: BTreeMap<String, Series>,
}

impl Sensors {
    pub fn new(readings: &[Reading]) -> Self {
        let mut s = Self::default();
        for r in readings {
            s.push(r);
        }
        s
    }

    pub fn push(&mut self, r: &Reading) {
        self.by_id.entry(r.sensor.clone()).or_default().push(r);
    }

    pub fn has_ch4(&self) -> bool {
        self.by_id.values().any(|s| s.kind == Some(ReadingKind::Ch4))
    }

    /// The latest reading time.
    pub fn latest(&self) -> Option<DateTime<FixedOffset>> {
        self.by_id.values().filter_map(|s| s.times.last().copied()).max()
    }
}

/// Until when the findings at `now` stay as they are while only the clock moves: the first
/// instant a reading leaves one of the windows or a later reading enters one (None: never).
/// The caller re-derives them once now reaches it.
pub fn valid_until(
    sensors: &Sensors,
    now: Option<DateTime<FixedOffset>>,
    params: &Params,
) -> Option<DateTime<FixedOffset>> {
    let now = now?;
    let spans = [
        Duration::milliseconds((params.get("presence_window_min") * 60_000.0).round() as i64),
        Duration::milliseconds((params.get("flatline_h") * 3_600_000.0).round() as i64),
    ];
    let mut until: Option<DateTime<FixedOffset>> = None;
    let mut take = |t: DateTime<FixedOffset>| until = Some(until.map_or(t, |u| u.min(t)));
    for s in sensors.by_id.values().filter(|s| s.kind == Some(ReadingKind::Ch4)) {
        for w in spans {
            let r = s.window(now - w, now);
            if let Some(t) = s.times.get(r.start).filter(|_| !r.is_empty()) {
                take(*t + w);
            }
        }
        if let Some(t) = s.times.get(s.times.partition_point(|t| *t <= now)) {
            take(*t);
        }
    }
    until
}

fn basis_limit() -> Text {
    Text::new(
        "《煤矿安全规程》第一百七十二条：采掘工作面风流中甲烷浓度达到 1.0% 时停止打眼，达到 1.5% 时停止工作、切断电源、撤出人员；\
         《煤矿重大事故隐患判定标准》第四条（瓦斯超限作业）",
        "Coal Mine Safety Regulations art. 172: stop drilling at 1.0 % methane at a face, stop work, cut \
         power and withdraw at 1.5 %; Criteria for Major Accident Hazards, art. 4 (working with gas over the limit)",
    )
}

fn basis_flatline() -> Text {
    Text::new(
        "《煤矿重大事故隐患判定标准》第十二条：安全监控系统不能正常运行（遮挡、包裹传感器，人为造成传感器失效）",
        "Criteria for Major Accident Hazards, art. 12: a safety-monitoring system that does not work \
         (sensors covered or wrapped, made ineffective)",
    )
}

/// The findings of both rules at `now`; `working` looks a working up by id.
pub fn findings<'w>(
    sensors: &Sensors,
    now: Option<DateTime<FixedOffset>>,
    params: &Params,
    working: impl Fn(&str) -> Option<&'w Working>,
) -> Vec<Finding> {
    let Some(now) = now else { return Vec::new() };
    let stop = params.get("ch4_stop_pct");
    let presence = Duration::milliseconds((params.get("presence_window_min") * 60_000.0).round() as i64);
    let flat_h = Duration::milliseconds((params.get("flatline_h") * 3_600_000.0).round() as i64);
    let flat_range = params.get("flatline_range_pct");
    let mut out = Vec::new();
    for (id, s) in &sensors.by_id {
        if s.kind != Some(ReadingKind::Ch4) {
            continue;
        }
        let active = |i: usize| {
            let w = working(s.workings[i].as_deref()?)?;
            (w.status == WorkingStatus::Active).then_some(w)
        };
        let face = |w: &Working, i: usize| s.at[i].or_else(|| w.line.last().copied());
        // Over the limit: the highest reading of the window at an active working.
        let r = s.window(now - presence, now);
        let mut worst: BTreeMap<&str, usize> = BTreeMap::new();
        for i in r.clone() {
            if s.values[i] >= stop {
                if let Some(w) = active(i) {
                    let e = worst.entry(w.id.as_str()).or_insert(i);
                    if s.values[i] > s.values[*e] {
                        *e = i;
                    }
                }
            }
        }
        for (w, i) in worst {
            let wk = working(w).expect("looked up above");
            out.push(Finding::new(
                "gas.ch4_over_limit",
                Severity::Major,
                false,
                Some(w.to_string()),
                Some(id.clone()),
                face(wk, i),
                Some(s.values[i]),
                Some(stop),
                text!(
                    "传感器 {} 甲烷浓度 {}%（{}），达到停止作业限值 {}%",
                    "sensor {} read {} % methane ({}), at or above the stop limit of {} %",
                    id,
                    s.values[i],
                    crate::model::monitoring::time_text(&s.times[i]),
                    stop
                ),
                basis_limit(),
            ));
        }
        // Flatline: ≥ 16 readings in the last flatline_h that hardly vary.
        let r = s.window(now - flat_h, now);
        if r.len() >= 16 {
            let last = r.end - 1;
            if let Some(w) = active(last) {
                let vals = &s.values[r.clone()];
                let (lo, hi) = vals.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
                let range = hi - lo;
                if range < flat_range {
                    out.push(Finding::new(
                        "gas.sensor_flatline",
                        Severity::Warning,
                        false,
                        Some(w.id.clone()),
                        Some(id.clone()),
                        face(w, last),
                        Some(range),
                        Some(flat_range),
                        text!(
                            "甲烷传感器 {} 最近 {} 小时的 {} 个读数变化仅 {}%（传感器被遮挡或包裹？）",
                            "methane sensor {}: in the last {} h its {} readings vary by only {} % (covered or wrapped?)",
                            id,
                            params.get("flatline_h"),
                            r.len(),
                            range
                        ),
                        basis_flatline(),
                    ));
                }
            }
        }
    }
    out
}
