//! The live mine (MONITORING.md): the events `minehaz watch` applies, the persons present, the
//! alarms that name who must leave (预警叫应、紧急撤人), and the answer to each event.
//!
//! [`Live`] holds the [`Assessment`] and applies one NDJSON line at a time: the line is parsed
//! into a [`Change`] (nothing changes on a bad line), applied through [`Assessment::apply_at`]
//! (incremental: only what the change can touch is re-checked), the alarms are derived, and the
//! answer line is returned. What was applied is kept in a [`Batch`] for the store writer.
//!
//! Readings of the contract it leaves open:
//! - *present*: a person whose latest fix (by its time) is no earlier than the event time minus
//!   `presence_window_min`; a person with an unknown z counts as within any elevation limit;
//! - `gas` with neither a known working nor `at`: every present person;
//! - `water_inrush` needs a baseline: no earlier reading of that sensor in the previous 24 h, no
//!   alarm; the face is the working's last vertex (a longwall's last segment), else the
//!   reading's `at`;
//! - the answer also carries `changed` (findings that stay but whose values moved), and each
//!   alarm the number of its event in the store's `alarms` table.

mod presence;

pub use presence::Presence;

use crate::error::Result;
use crate::i18n::{lang, Text};
use crate::io::live_store::{AlarmRow, Batch};
use crate::model::monitoring::parse_time;
use crate::model::record::{Enumerated, FieldReader, Geom, Record, Value};
use crate::model::{
    Drillhole, Fix, LayerKind, Reading, ReadingKind, Survey, Weather, WeatherLevel, Working, WorkingKind, WorkingStatus,
};
use crate::rules::report::{finding_json, levels_json};
use crate::rules::{Assessment, Change, Delta, FaceTo, Finding, Severity};
use crate::text;
use chrono::{DateTime, Duration, FixedOffset};
use serde_json::{json, Value as J};

/// One alarm (MONITORING.md "Alarms and withdrawal").
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    pub kind: &'static str,
    pub time: String,
    pub working: Option<String>,
    pub at: Option<[f64; 3]>,
    pub reason: Text,
    pub withdraw: Vec<String>,
}

impl Alarm {
    pub fn to_json(&self) -> J {
        json!({
            "alarm": self.kind,
            "time": self.time,
            "working": self.working,
            "at": self.at.map(|a| a.to_vec()),
            "reason": self.reason.get(lang()),
            "withdraw": self.withdraw,
        })
    }
}

/// The answer to one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub event: u64,
    pub outcome: std::result::Result<Applied, String>,
}

/// What an applied event did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Applied {
    pub delta: Delta,
    /// The levels when one changed.
    pub levels: Option<J>,
    pub alarms: Vec<Alarm>,
}

impl Answer {
    /// The answer line as text (NDJSON, MONITORING.md); an event that changed nothing is written
    /// without building a JSON tree.
    pub fn to_line(&self) -> String {
        match &self.outcome {
            Ok(a) if a.delta.is_empty() && a.levels.is_none() && a.alarms.is_empty() => {
                format!(
                    "{{\"event\":{},\"new\":[],\"cleared\":[],\"levels\":null,\"alarms\":[],\"changed\":[]}}",
                    self.event
                )
            }
            _ => self.to_json().to_string(),
        }
    }

    /// The answer line (NDJSON, MONITORING.md).
    pub fn to_json(&self) -> J {
        match &self.outcome {
            Err(e) => json!({"event": self.event, "error": e}),
            Ok(a) => {
                let fs = |v: &[Finding]| v.iter().map(|f| finding_json(f, lang())).collect::<Vec<_>>();
                json!({
                    "event": self.event,
                    "new": fs(&a.delta.new),
                    "cleared": fs(&a.delta.cleared),
                    "levels": a.levels,
                    "alarms": a.alarms.iter().map(Alarm::to_json).collect::<Vec<_>>(),
                    "changed": fs(&a.delta.changed),
                })
            }
        }
    }
}

/// A parsed event.
#[derive(Debug, Clone)]
struct Event {
    time: DateTime<FixedOffset>,
    time_text: String,
    change: Change,
}

fn err(zh: String, en: String) -> crate::Error {
    crate::Error::at(crate::error::Location::default(), Text { zh, en })
}

fn field<'a>(o: &'a serde_json::Map<String, J>, k: &str) -> Result<&'a J> {
    o.get(k).filter(|v| !v.is_null()).ok_or_else(|| err(format!("缺少字段 \"{k}\""), format!("missing field \"{k}\"")))
}

fn string(o: &serde_json::Map<String, J>, k: &str) -> Result<String> {
    match field(o, k)? {
        J::String(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        _ => Err(err(format!("字段 \"{k}\" 应为非空字符串"), format!("field \"{k}\" must be a non-empty string"))),
    }
}

fn number(v: &J, k: &str) -> Result<f64> {
    v.as_f64()
        .filter(|x| x.is_finite())
        .ok_or_else(|| err(format!("字段 \"{k}\" 应为有限数值"), format!("field \"{k}\" must be a finite number")))
}

fn point(v: &J, k: &str) -> Result<[f64; 3]> {
    match v.as_array().map(Vec::as_slice) {
        Some([x, y, z]) => Ok([number(x, k)?, number(y, k)?, number(z, k)?]),
        _ => Err(err(format!("字段 \"{k}\" 应为 [x, y, z]"), format!("field \"{k}\" must be [x, y, z]"))),
    }
}

fn enumerated<E: Enumerated>(o: &serde_json::Map<String, J>, k: &str) -> Result<E> {
    let s = string(o, k)?;
    E::ALL.iter().copied().find(|e| e.as_str() == s).ok_or_else(|| {
        let known = E::ALL.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ");
        err(
            format!("字段 \"{k}\" 的取值 \"{s}\" 未知（可用: {known}）"),
            format!("field \"{k}\": unknown value \"{s}\" (known: {known})"),
        )
    })
}

/// A GeoJSON Feature (LineString [Z], properties as the layer's) typed as layer kind `K`.
fn feature<K: LayerKind>(o: &serde_json::Map<String, J>) -> Result<K> {
    let f = field(o, "feature")?
        .as_object()
        .ok_or_else(|| err("feature 应为 GeoJSON 要素".into(), "feature must be a GeoJSON Feature".into()))?;
    let props = f.get("properties").and_then(J::as_object);
    let mut rec = Record::new(1, None);
    let id = props.and_then(|p| p.get("id")).or_else(|| f.get("id"));
    match id {
        Some(J::String(s)) => rec.set("id", Value::Text(s.clone())),
        Some(J::Number(n)) => rec.set("id", Value::Text(n.to_string())),
        _ => return Err(err(format!("{} 要素缺少 id", K::NAME), format!("the {} feature has no id", K::NAME))),
    }
    for (k, v) in props.into_iter().flatten() {
        if k == "id" {
            continue;
        }
        let v = match v {
            J::Null => Value::Null,
            J::Bool(b) => Value::Int(i64::from(*b)),
            J::Number(n) => n.as_i64().map_or_else(|| Value::Real(n.as_f64().unwrap_or(f64::NAN)), Value::Int),
            J::String(s) => Value::Text(s.clone()),
            other => Value::Text(other.to_string()),
        };
        rec.set(k, v);
    }
    let g = f.get("geometry").and_then(J::as_object);
    let coords = match (g.and_then(|g| g.get("type")).and_then(J::as_str), g.and_then(|g| g.get("coordinates"))) {
        (Some("LineString"), Some(J::Array(cs))) => cs,
        _ => {
            return Err(err(
                format!("{} 要素的几何应为 LineString", K::NAME),
                format!("the {} feature's geometry must be a LineString", K::NAME),
            ))
        }
    };
    let mut line = Vec::with_capacity(coords.len());
    let mut has_z = true;
    for c in coords {
        match c.as_array().map(Vec::as_slice) {
            Some([x, y, z]) => {
                line.push([number(x, "coordinates")?, number(y, "coordinates")?, number(z, "coordinates")?])
            }
            Some([x, y]) => {
                has_z = false;
                line.push([number(x, "coordinates")?, number(y, "coordinates")?, 0.0]);
            }
            _ => return Err(err("坐标应为 [x, y, z]".into(), "coordinates must be [x, y, z]".into())),
        }
    }
    rec.geom = Some(Geom::Line { coords: line, has_z });
    let mut ps = crate::error::Problems::default();
    let at = crate::error::Location::default().layer(K::NAME);
    let k = K::read(&mut FieldReader::new(&rec, at, &mut ps));
    ps.into_result()?;
    k.ok_or_else(|| err(format!("{} 要素不可用", K::NAME), format!("the {} feature is unusable", K::NAME)))
}

/// The common `fix` event, read without a JSON tree; anything else (or a malformed fix) takes
/// the general path, which also words the errors.
#[derive(serde::Deserialize)]
struct FastFix<'a> {
    #[serde(rename = "type")]
    ty: &'a str,
    time: &'a str,
    person_id: &'a str,
    x: f64,
    y: f64,
    z: Option<f64>,
}

fn fast_fix(line: &str) -> Option<Event> {
    let f = serde_json::from_str::<FastFix<'_>>(line).ok()?;
    let ok = f.ty == "fix"
        && !f.person_id.trim().is_empty()
        && f.x.is_finite()
        && f.y.is_finite()
        && f.z.is_none_or(f64::is_finite);
    let time = parse_time(f.time).filter(|_| ok)?;
    let fix =
        Fix { time: f.time.into(), person_id: f.person_id.trim().into(), pos: [f.x, f.y, f.z.unwrap_or(f64::NAN)] };
    Some(Event { time, time_text: f.time.to_string(), change: Change::Fixes(vec![fix]) })
}

fn parse(line: &str) -> Result<Event> {
    if let Some(e) = fast_fix(line) {
        return Ok(e);
    }
    let v: J =
        serde_json::from_str(line).map_err(|e| err(format!("不是有效的 JSON: {e}"), format!("not valid JSON: {e}")))?;
    let o = v.as_object().ok_or_else(|| err("事件应为 JSON 对象".into(), "an event must be a JSON object".into()))?;
    let ty = string(o, "type")?;
    let time_text = string(o, "time")?;
    let time = parse_time(&time_text).ok_or_else(|| {
        err(
            format!("时间格式无效: \"{time_text}\"（应为带时区的 ISO 8601）"),
            format!("invalid time \"{time_text}\" (expected ISO 8601 with offset)"),
        )
    })?;
    let change = match ty.as_str() {
        "face" => {
            let working = string(o, "working")?;
            let to = field(o, "to")?;
            let to = match to.as_array().map(Vec::as_slice) {
                Some([a, b]) if a.is_array() && b.is_array() => FaceTo::Segment([point(a, "to")?, point(b, "to")?]),
                _ => FaceTo::Point(point(to, "to")?),
            };
            Change::Face { working, to }
        }
        "working" => Change::Working(feature::<Working>(o)?),
        "status" => {
            Change::Status { working: string(o, "working")?, status: enumerated::<WorkingStatus>(o, "status")? }
        }
        "drillhole" => Change::Drillhole(feature::<Drillhole>(o)?),
        "fix" => {
            let person_id = string(o, "person_id")?;
            let (x, y) = (number(field(o, "x")?, "x")?, number(field(o, "y")?, "y")?);
            let z = match o.get("z") {
                None | Some(J::Null) => f64::NAN,
                Some(z) => number(z, "z")?,
            };
            Change::Fixes(vec![Fix { time: time_text.as_str().into(), person_id: person_id.into(), pos: [x, y, z] }])
        }
        "reading" => {
            let sensor = string(o, "sensor")?;
            let kind = enumerated::<ReadingKind>(o, "kind")?;
            let value = number(field(o, "value")?, "value")?;
            let working = match o.get("working") {
                None | Some(J::Null) => None,
                Some(_) => Some(string(o, "working")?),
            };
            let at = match o.get("at") {
                None | Some(J::Null) => None,
                Some(p) => Some(point(p, "at")?),
            };
            Change::Readings(vec![Reading { time, sensor, kind, value, working, at }])
        }
        "weather" => {
            let level = enumerated::<WeatherLevel>(o, "level")?;
            let text = o.get("text").and_then(J::as_str).unwrap_or_default().to_string();
            Change::Weather(vec![Weather { time, level, text }])
        }
        other => {
            return Err(err(
                format!("未知事件类型 \"{other}\"（可用: face, working, status, drillhole, fix, reading, weather）"),
                format!(
                    "unknown event type \"{other}\" (known: face, working, status, drillhole, fix, reading, weather)"
                ),
            ))
        }
    };
    Ok(Event { time, time_text, change })
}

/// Refuse an event that places something where the mine's data cannot be (SURVEY-FORMAT.md
/// v1.1 plausibility: outside the CRS's area of use or more than 50 km from the licence).
fn implausible(change: &Change, p: &crate::validate::plausible::Plausibility) -> Result<()> {
    // (feature, field, its points): the error names the person, sensor, working or hole.
    let items: Vec<(&str, &str, Vec<[f64; 3]>)> = match change {
        Change::Fixes(fs) => fs.iter().map(|f| (f.person_id.as_str(), "x", vec![f.pos])).collect(),
        Change::Readings(rs) => rs.iter().filter_map(|r| Some((r.sensor.as_str(), "at", vec![r.at?]))).collect(),
        Change::Face { working, to: FaceTo::Point(q) } => vec![(working.as_str(), "to", vec![*q])],
        Change::Face { working, to: FaceTo::Segment(s) } => vec![(working.as_str(), "to", s.to_vec())],
        Change::Working(w) => vec![(w.id.as_str(), "geometry", w.vertices().to_vec())],
        Change::Drillhole(d) => vec![(d.id.as_str(), "geometry", d.vertices().to_vec())],
        _ => return Ok(()),
    };
    for (feature, field, points) in items {
        if let Some(t) = points.iter().find_map(|q| p.problem(q[0], q[1])) {
            return Err(crate::Error::at(crate::error::Location::default().feature(feature).field(field), t));
        }
    }
    Ok(())
}

/// The live mine: the assessment, the persons present, the batch to commit.
pub struct Live {
    a: Assessment,
    presence: Presence,
    next_event: u64,
    batch: Batch,
    /// `--as-of-clock`: the rules' clock is the system clock, not the event times.
    wall_clock: bool,
    /// The mine's plausible coordinates: an event placing anything outside them is refused,
    /// as reading the survey would refuse it.
    plausible: Option<crate::validate::plausible::Plausibility>,
}

impl Live {
    /// Start from an assessment; `first_event` is the number of the next event (the events
    /// already applied to the store).
    pub fn new(a: Assessment, first_event: u64, wall_clock: bool) -> Self {
        let presence = Presence::new(&a.survey().positioning);
        let batch =
            Batch { events_applied: first_event, first_event, clock: a.survey().watch_clock, ..Batch::default() };
        let plausible = crate::validate::plausible::Plausibility::of(a.survey());
        Self { a, presence, next_event: first_event, batch, wall_clock, plausible }
    }

    pub fn assessment(&self) -> &Assessment {
        &self.a
    }

    pub fn presence(&self) -> &Presence {
        &self.presence
    }

    /// The number the next event gets.
    pub fn next_event(&self) -> u64 {
        self.next_event
    }

    /// The first event of the open batch.
    pub fn batch_first(&self) -> u64 {
        self.batch.first_event
    }

    /// The applied events since the last call, for the store writer.
    pub fn take_batch(&mut self) -> Batch {
        let next = Batch {
            events_applied: self.next_event,
            first_event: self.next_event,
            clock: self.batch.clock,
            ..Batch::default()
        };
        std::mem::replace(&mut self.batch, next)
    }

    /// Apply one NDJSON line and answer it.
    pub fn apply_line(&mut self, line: &str) -> Answer {
        let event = self.next_event;
        self.next_event += 1;
        self.batch.events_applied = self.next_event;
        let line = line.trim_start_matches('\u{feff}');
        let outcome = self.apply_event(line, event).map_err(|e| error_text(&e));
        Answer { event, outcome }
    }

    fn apply_event(&mut self, line: &str, event: u64) -> Result<Applied> {
        let ev = parse(line)?;
        // (A face of an unknown working is refused for that, below.)
        let unknown = matches!(&ev.change, Change::Face { working, .. } if self.working(Some(working)).is_none());
        if let (Some(p), false) = (&self.plausible, unknown) {
            implausible(&ev.change, p)?;
        }
        let clock = if self.wall_clock { chrono::Local::now().fixed_offset().max(ev.time) } else { ev.time };
        // Levels derive from the survey's classification and layers; only a working or a
        // drillhole could ever move them.
        let structural = matches!(ev.change, Change::Working(_) | Change::Drillhole(_));
        let levels_before = structural.then(|| levels_json(self.a.levels()));
        // Was the event's working active before (a planned working turned active makes its
        // `water.inside_water_body` major: an alarm, though the finding's key stays)?
        let was_active = match &ev.change {
            Change::Status { working, .. } => self.working(Some(working)).map(|w| w.status == WorkingStatus::Active),
            Change::Working(w) => self.working(Some(&w.id)).map(|w| w.status == WorkingStatus::Active),
            _ => None,
        };
        // Inputs of the alarms that must be read before the change.
        let pre = match &ev.change {
            Change::Readings(rs) => rs.first().map(|r| self.inrush_baseline(r)),
            _ => None,
        };
        let change = ev.change.clone();
        let delta = self.a.apply_at(change, clock)?;
        self.batch.clock = self.a.now();
        self.record(&ev.change);
        let mut alarms = Vec::new();
        match &ev.change {
            Change::Fixes(fs) => {
                for f in fs {
                    self.presence.update(f);
                }
            }
            Change::Readings(rs) => {
                for r in rs {
                    alarms.extend(self.reading_alarms(r, &ev.time_text, pre.flatten()));
                }
            }
            Change::Weather(ws) => {
                for w in ws {
                    alarms.extend(self.weather_alarm(w, &ev));
                }
            }
            _ => {}
        }
        alarms.extend(self.finding_alarms(&delta, &ev, was_active == Some(false)));
        for al in &alarms {
            self.batch.alarms.push(AlarmRow {
                event,
                kind: al.kind.to_string(),
                time: al.time.clone(),
                working: al.working.clone(),
                at: al.at,
                reason: al.reason.get(lang()).to_string(),
                withdraw: al.withdraw.clone(),
            });
        }
        let levels = levels_before.and_then(|b| {
            let after = levels_json(self.a.levels());
            (after != b).then_some(after)
        });
        Ok(Applied { delta, levels, alarms })
    }

    /// Keep what an applied change wrote, for the store.
    fn record(&mut self, c: &Change) {
        let b = &mut self.batch;
        match c {
            Change::Face { working, .. } | Change::Status { working, .. } => {
                if let Some((w, _)) = self.a.working(working) {
                    b.workings.insert(w.id.clone(), w.clone());
                }
            }
            Change::Working(w) => {
                if let Some((w, _)) = self.a.working(&w.id) {
                    b.workings.insert(w.id.clone(), w.clone());
                }
            }
            Change::Drillhole(d) => {
                b.drillholes.insert(d.id.clone(), d.clone());
            }
            Change::Fixes(fs) => b.fixes.extend(fs.iter().cloned()),
            Change::Readings(rs) => b.readings.extend(rs.iter().cloned()),
            Change::Weather(ws) => b.weather.extend(ws.iter().cloned()),
            _ => {}
        }
    }

    fn param(&self, name: &str) -> f64 {
        self.a.params().get(name)
    }

    fn window(&self) -> Duration {
        Duration::milliseconds((self.param("presence_window_min") * 60_000.0).round() as i64)
    }

    /// The median of a water-inflow sensor over the 24 h before a reading.
    fn inrush_baseline(&self, r: &Reading) -> Option<f64> {
        if r.kind != ReadingKind::WaterInflow {
            return None;
        }
        let s = self.a.sensors().by_id.get(&r.sensor)?;
        s.median_before(r.time - Duration::hours(24), r.time)
    }

    fn working(&self, id: Option<&str>) -> Option<&Working> {
        self.a.working(id?).map(|(w, _)| w)
    }

    fn reading_alarms(&self, r: &Reading, time: &str, baseline: Option<f64>) -> Vec<Alarm> {
        let mut out = Vec::new();
        let t = r.time;
        let w = self.working(r.working.as_deref());
        if r.kind == ReadingKind::Ch4 && r.value >= self.param("ch4_withdraw_pct") {
            let radius = self.param("withdraw_radius_gas_m");
            let withdraw = match (w, r.at) {
                (Some(w), _) => self.presence.near_line(&w.line, radius, t, self.window(), None),
                (None, Some(p)) => self.presence.near_line(&[p], radius, t, self.window(), None),
                (None, None) => self.presence.all(t, self.window()),
            };
            out.push(Alarm {
                kind: "gas",
                time: time.to_string(),
                working: r.working.clone(),
                at: r.at.or_else(|| w.and_then(|w| w.line.last().copied())),
                reason: text!(
                    "传感器 {} 甲烷浓度 {}% 达到撤人限值 {}%：立即停止作业、切断电源、撤出人员",
                    "sensor {} reads {} % methane, at or above the withdrawal limit of {} %: stop work, cut power, withdraw",
                    r.sensor,
                    r.value,
                    self.param("ch4_withdraw_pct")
                ),
                withdraw,
            });
        }
        if r.kind == ReadingKind::WaterInflow && r.working.is_some() {
            let (factor, min) = (self.param("inrush_factor"), self.param("inrush_min_m3h"));
            if let Some(m) = baseline.filter(|m| r.value >= factor * m && r.value >= min) {
                let face: Vec<[f64; 3]> = match w {
                    Some(w) if w.kind == WorkingKind::Longwall && w.line.len() >= 2 => {
                        w.line[w.line.len() - 2..].to_vec()
                    }
                    Some(w) => w.line.last().copied().into_iter().collect(),
                    None => r.at.into_iter().collect(),
                };
                if !face.is_empty() {
                    let top = face.iter().map(|p| p[2]).fold(f64::NEG_INFINITY, f64::max) + 10.0;
                    let withdraw = self.presence.near_line(
                        &face,
                        self.param("withdraw_radius_water_m"),
                        t,
                        self.window(),
                        Some(top),
                    );
                    out.push(Alarm {
                        kind: "water_inrush",
                        time: time.to_string(),
                        working: r.working.clone(),
                        at: face.last().copied(),
                        reason: text!(
                            "{} 涌水量 {} m³/h，是前 24 小时中位数 {} m³/h 的 {:.1} 倍：突水征兆，撤出受威胁区域人员",
                            "{}: inflow {} m³/h, {:.1}× the median of the previous 24 h ({} m³/h): signs of an inrush, withdraw from the threatened area",
                            r.working.as_deref().unwrap_or_default(),
                            r.value,
                            m,
                            r.value / m
                        ),
                        withdraw,
                    });
                }
            }
        }
        out
    }

    fn weather_alarm(&self, w: &Weather, ev: &Event) -> Option<Alarm> {
        if !matches!(w.level, WeatherLevel::Orange | WeatherLevel::Red) || !flood_threat(self.a.survey()) {
            return None;
        }
        let level_zh = if w.level == WeatherLevel::Red { "红色" } else { "橙色" };
        Some(Alarm {
            kind: "weather",
            time: ev.time_text.clone(),
            working: None,
            at: None,
            reason: Text {
                zh: format!("{level_zh}气象预警（{}）：矿井受地表水威胁，撤出井下全部人员", w.text),
                en: format!(
                    "{} weather warning ({}): the mine is threatened by surface water, withdraw everyone underground",
                    w.level, w.text
                ),
            },
            withdraw: self.presence.all(ev.time, self.window()),
        })
    }

    fn finding_alarms(&self, d: &Delta, ev: &Event, promoted: bool) -> Vec<Alarm> {
        let changed = d.changed.iter().filter(|_| promoted);
        d.new
            .iter()
            .chain(changed)
            .filter(|f| f.rule == "water.inside_water_body" && f.severity == Severity::Major)
            .filter_map(|f| {
                let w = self.working(f.working.as_deref()).filter(|w| w.status == WorkingStatus::Active)?;
                Some(Alarm {
                    kind: "water_finding",
                    time: ev.time_text.clone(),
                    working: Some(w.id.clone()),
                    at: f.at,
                    reason: Text {
                        zh: format!("{} 进入水体 {}：撤出附近人员", w.id, f.feature.as_deref().unwrap_or_default()),
                        en: format!(
                            "{} entered water body {}: withdraw the people nearby",
                            w.id,
                            f.feature.as_deref().unwrap_or_default()
                        ),
                    },
                    withdraw: self.presence.near_line(
                        &w.line,
                        self.param("withdraw_radius_water_m"),
                        ev.time,
                        self.window(),
                        None,
                    ),
                })
            })
            .collect()
    }
}

/// An answer's error: where (layer, feature, field when known) and what, without the
/// "error:" prefix of the command line's messages (the key already says it).
fn error_text(e: &crate::Error) -> String {
    let ps = e.problems();
    if ps.is_empty() {
        return e.to_string();
    }
    ps.iter()
        .map(|p| {
            let loc = p.at.to_string();
            let t = p.text.get(lang());
            if loc.is_empty() {
                t.to_string()
            } else {
                format!("{loc}: {t}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Does surface water threaten the mine (a surface water body, river or reservoir, or
/// `[classification] flood_threat = true`)?
pub fn flood_threat(s: &Survey) -> bool {
    use crate::model::WaterBodyKind as K;
    s.meta.classification.flood_threat == Some(true)
        || s.layers.water_bodies.iter().any(|b| matches!(b.kind, Some(K::Surface | K::River | K::Reservoir)))
}

#[cfg(test)]
mod tests;
