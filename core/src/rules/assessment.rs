//! The assessment of one mine, computed once and kept up to date: the findings of every rule
//! family, the protection levels, the rules not evaluated, and the derived geometry (water
//! sources with their lines, fault pillars, heading cover) — the one truth that `check`,
//! `derive`, `render`, `view`, `plan`, `watch` and the store writer all borrow.
//!
//! Built by [`Assessment::new`]: the inputs are prepared once ([`Prepared`]: one index over every
//! polygon the workings are tested against), then every working is evaluated on its own (all
//! per-working rules, in parallel with rayon), the face-spacing pairs through an index of active
//! faces, and the positioning clusters ([`hidden::Activity`]). The result is identical to a
//! sequential run: every family's findings are sorted by (rule, working, feature).
//!
//! [`Assessment::apply`] re-checks incrementally: a change to a working re-evaluates that
//! working, the faces within spacing reach of its old and new face and the positioning fixes
//! within the declared tolerance of its old and new line; a zone change re-evaluates the
//! workings its old and new outline touch (through the working index); a drillhole change its
//! heading; appended fixes join their clusters. It returns the findings that appeared and
//! cleared. After any sequence of changes the findings equal a fresh assessment of the
//! resulting survey (tested property).

use super::context::{Ctx, Prepared, WorkingGeom};
use super::finding::{sort_findings, Finding, Key, NotEvaluated, Severity};
use super::hidden::Activity;
use super::levels::Levels;
use super::report::Report;
use super::water::Cover;
use super::{burst, daily, fire, gas, hidden, levels, licence, pillars, readings, slope, water, zones, Params};
use crate::error::{Location, Problems, Result};
use crate::i18n::Text;
use crate::index::Index;
use crate::model::meta::MineKind;
use crate::model::{Drillhole, Fix, Reading, Survey, Weather, Working, WorkingKind, WorkingStatus, Zone};
use crate::text;
use chrono::NaiveDate;
use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// A change to the survey, applied incrementally by [`Assessment::apply`].
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Insert a working, or replace the one with its id.
    Working(Working),
    RemoveWorking(String),
    /// Advance a face: a heading's line gets the point appended; a longwall's last segment is
    /// replaced by the segment.
    Face {
        working: String,
        to: FaceTo,
    },
    Status {
        working: String,
        status: WorkingStatus,
    },
    /// Insert a drillhole, or replace the one with its id.
    Drillhole(Drillhole),
    /// Insert a zone, or replace the one with its id.
    Zone(Zone),
    RemoveZone(String),
    /// Positioning fixes appended (in arrival order).
    Fixes(Vec<Fix>),
    /// Monitoring readings appended (MONITORING.md).
    Readings(Vec<Reading>),
    /// Weather warnings appended (they change no finding; `watch` raises the alarm).
    Weather(Vec<Weather>),
    /// Nothing but the clock moves (see [`Assessment::apply_at`]).
    Tick,
}

/// Where a face advances to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaceTo {
    /// A heading's new face point.
    Point([f64; 3]),
    /// A longwall's new face segment.
    Segment([[f64; 3]; 2]),
}

/// What a change did to the findings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delta {
    /// Findings whose (rule, working, feature) is new.
    pub new: Vec<Finding>,
    /// Findings whose (rule, working, feature) is gone (as they were).
    pub cleared: Vec<Finding>,
    /// Findings that stay but changed (measured value, location …), as they are now.
    pub changed: Vec<Finding>,
}

impl Delta {
    pub fn is_empty(&self) -> bool {
        self.new.is_empty() && self.cleared.is_empty() && self.changed.is_empty()
    }
}

/// Seconds spent in the stages of [`Assessment::new`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    pub prepare_s: f64,
    pub workings_s: f64,
    pub spacing_s: f64,
    pub activity_s: f64,
    pub total_s: f64,
}

/// A progress callback: `(done, total)` steps; called from worker threads.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// The assessment of one mine (see the module documentation).
#[derive(Debug)]
pub struct Assessment {
    survey: Survey,
    params: Params,
    loosened: Vec<Finding>,
    as_of: NaiveDate,
    prep: Prepared,
    levels: Levels,
    geoms: Vec<WorkingGeom>,
    own: Vec<Vec<Finding>>,
    spacing: Vec<Vec<Finding>>,
    covers: Vec<Option<Cover>>,
    ids: HashMap<String, usize>,
    working_index: Index,
    face_index: Index,
    n_active: usize,
    activity: Activity,
    /// Whole-mine findings but the positioning clusters': few, re-derived on every change
    /// that can touch them.
    globals: Vec<Finding>,
    globals_as_of: NaiveDate,
    /// The globals hold until now reaches this (the readings' windows; see `refresh_globals_if`).
    gas_until: Option<DateTime<FixedOffset>>,
    /// The positioning clusters' findings, as of `hidden_generation` of the activity.
    hidden: Vec<Finding>,
    hidden_generation: u64,
    live: BTreeMap<Key, Finding>,
    not_evaluated: Vec<NotEvaluated>,
    /// The slope measurement from LiDAR (SLOPES.md), its findings and its not-evaluated rules;
    /// set by [`Assessment::new`] or [`Assessment::set_slopes`], fixed afterwards.
    slopes: Option<crate::slope::Measurement>,
    slope_findings: Vec<Finding>,
    slope_not_evaluated: Vec<NotEvaluated>,
    /// The monitoring readings by sensor, and *now* (see [`readings`]).
    sensors: readings::Sensors,
    now: Option<DateTime<FixedOffset>>,
    /// The daily cross-comparison's findings, recomputed only when the as-of date or the
    /// positioning on a declared-stopped day changed.
    stop_people: daily::StopDayPeople,
    daily: Vec<Finding>,
    daily_as_of: NaiveDate,
    buffers: std::sync::OnceLock<super::derived::Buffers>,
    timings: Timings,
}

/// Evaluate every per-working rule for one working: its findings (sorted) and, for an active
/// heading, its advance-drilling cover.
fn eval_working(ctx: &Ctx<'_>, w: &Working, g: &WorkingGeom) -> (Vec<Finding>, Option<Cover>) {
    use super::context::AreaKind as A;
    let mut out = Vec::new();
    let inside = licence::working(ctx, w, g, &mut out);
    pillars::boundary(ctx, w, inside, &mut out);
    pillars::fault(ctx, w, g, &mut out);
    for s in ctx.prep.area_index.near(&g.env, 0.0) {
        let Some(a) = &ctx.prep.areas[s] else { continue };
        match a.kind {
            A::Zone { .. } => zones::area(ctx, w, g, a, &mut out),
            A::WaterGoaf | A::WaterBody => water::area(ctx, w, g, a, &mut out),
            A::Gas { .. } => gas::area(ctx, w, g, a, &mut out),
            A::Burst { .. } => burst::area(ctx, w, g, a, &mut out),
            A::Fire { .. } => fire::area(ctx, w, g, a, &mut out),
        }
    }
    let cover = water::heading(ctx, w, g, &mut out);
    hidden::undeclared_working(ctx, w, &mut out);
    sort_findings(&mut out);
    (out, cover)
}

fn face_box(g: &WorkingGeom) -> Option<crate::index::Box2> {
    g.face.as_ref().map(|f| f.env())
}

/// Assess a survey as of a date with the parameters of its `survey.toml` (a copy of the survey
/// is kept; use [`Assessment::new`] to hand it over instead).
pub fn assess(survey: &Survey, as_of: NaiveDate) -> Result<Assessment> {
    Assessment::new(survey.clone(), as_of)
}

/// The parameters in force for a survey: defaults with its `[parameters]` overrides, and the
/// `parameters.loosened` findings. Bad overrides are input errors (exit 2).
pub fn survey_params(survey: &Survey) -> Result<(Params, Vec<Finding>)> {
    let mut ps = Problems::default();
    let at = Location::file("survey.toml").layer("parameters");
    let (params, loosened) = Params::with_overrides(&survey.meta.parameters, &at, &mut ps);
    ps.into_result()?;
    Ok((params, loosened))
}

impl Assessment {
    /// Assess a survey as of a date, with the parameters of its `survey.toml`.
    pub fn new(survey: Survey, as_of: NaiveDate) -> Result<Self> {
        Self::new_with_progress(survey, as_of, &|_, _| {})
    }

    /// [`Assessment::new`], reporting `(done, total)` steps of the per-working rules as they
    /// run (from worker threads; for a progress bar on a large mine).
    pub fn new_with_progress(survey: Survey, as_of: NaiveDate, progress: Progress<'_>) -> Result<Self> {
        let (params, loosened) = survey_params(&survey)?;
        // The slopes are measured from the point cloud of the latest epoch (SLOPES.md).
        let slopes = crate::slope::measure(&survey, &params, as_of)?;
        let mut a = Self::build(survey, params, loosened, as_of, progress);
        a.set_slopes(slopes);
        Ok(a)
    }

    /// [`Assessment::new`] without the slope measurement (no point cloud decoded): for the
    /// consumers that use only the derived geometry (`derive`, `export`). The measured slope
    /// rules then stand as not evaluated.
    pub fn without_slopes(survey: Survey, as_of: NaiveDate) -> Result<Self> {
        let (params, loosened) = survey_params(&survey)?;
        Ok(Self::with_params(survey, params, loosened, as_of))
    }

    /// Attach a slope measurement (from [`crate::slope::measure`]): its findings join the live
    /// set and the sectors it could not measure are listed as not evaluated.
    pub fn set_slopes(&mut self, m: Option<crate::slope::Measurement>) {
        let old = std::mem::take(&mut self.slope_findings);
        for f in &old {
            self.live.remove(&f.key());
        }
        self.slope_findings = m.as_ref().map(|m| slope::measured(&self.survey, &self.params, m)).unwrap_or_default();
        for f in &self.slope_findings {
            self.live.entry(f.key()).or_insert_with(|| f.clone());
        }
        self.slope_not_evaluated = m.as_ref().map(slope::measured_not_evaluated).unwrap_or_default();
        self.slopes = m;
    }

    /// The slope measurement, when the mine has one.
    pub fn slopes(&self) -> Option<&crate::slope::Measurement> {
        self.slopes.as_ref()
    }

    /// Assess with given parameters (and the `parameters.loosened` findings they gave).
    pub fn with_params(survey: Survey, params: Params, loosened: Vec<Finding>, as_of: NaiveDate) -> Self {
        Self::build(survey, params, loosened, as_of, &|_, _| {})
    }

    fn build(survey: Survey, params: Params, loosened: Vec<Finding>, as_of: NaiveDate, progress: Progress<'_>) -> Self {
        let t0 = Instant::now();
        let prep = Prepared::new(&survey, &params);
        let levels = levels::derive(&survey, &params);
        let workings = &survey.layers.workings;
        let geoms: Vec<WorkingGeom> = workings.par_iter().map(WorkingGeom::new).collect();
        let working_index = Index::new(geoms.iter().map(|g| Some(g.env)).collect());
        let face_index = Index::new(geoms.iter().map(face_box).collect());
        let t_prep = t0.elapsed().as_secs_f64();
        let ctx = Ctx { survey: &survey, params: &params, as_of, prep: &prep };
        let burst_mine = levels.burst.level != "none";
        // Progress: one step per working, and one more per working for the burst spacing.
        let total = workings.len() * (1 + usize::from(burst_mine));
        let done = std::sync::atomic::AtomicUsize::new(0);
        let every = (total / 200).max(1);
        let tick = || {
            let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if d.is_multiple_of(every) || d == total {
                progress(d, total);
            }
        };
        let ((results, t_work, spacing, t_spacing), (activity, t_act)) = rayon::join(
            || {
                let t = Instant::now();
                let results: Vec<(Vec<Finding>, Option<Cover>)> = workings
                    .par_iter()
                    .zip(geoms.par_iter())
                    .map(|(w, g)| {
                        let r = eval_working(&ctx, w, g);
                        tick();
                        r
                    })
                    .collect();
                let t_work = t.elapsed().as_secs_f64();
                let t = Instant::now();
                let spacing: Vec<Vec<Finding>> = if burst_mine {
                    (0..workings.len())
                        .into_par_iter()
                        .map(|i| {
                            let r = spacing_of(&ctx, workings, &geoms, &face_index, i);
                            tick();
                            r
                        })
                        .collect()
                } else {
                    vec![Vec::new(); workings.len()]
                };
                (results, t_work, spacing, t.elapsed().as_secs_f64())
            },
            || {
                let t = Instant::now();
                let mut a = Activity::new(&params, workings, &survey.positioning);
                a.findings();
                (a, t.elapsed().as_secs_f64())
            },
        );
        let (own, covers): (Vec<_>, Vec<_>) = results.into_iter().unzip();
        let ids = workings.iter().enumerate().map(|(i, w)| (w.id.clone(), i)).collect();
        let n_active = workings.iter().filter(|w| licence::is_active(w)).count();
        let not_evaluated = not_evaluated(&survey, as_of);
        let sensors = readings::Sensors::new(&survey.readings);
        let now = initial_now(&survey, &sensors, as_of);
        let stop_people = daily::StopDayPeople::new(&survey.daily, &survey.positioning);
        let mut a = Self {
            survey,
            params,
            loosened,
            as_of,
            prep,
            levels,
            geoms,
            own,
            spacing,
            covers,
            ids,
            working_index,
            face_index,
            n_active,
            activity,
            globals: Vec::new(),
            globals_as_of: as_of,
            gas_until: None,
            hidden: Vec::new(),
            hidden_generation: 0,
            live: BTreeMap::new(),
            not_evaluated,
            slopes: None,
            slope_findings: Vec::new(),
            slope_not_evaluated: Vec::new(),
            sensors,
            now,
            stop_people,
            daily: Vec::new(),
            daily_as_of: as_of,
            buffers: std::sync::OnceLock::new(),
            timings: Timings::default(),
        };
        a.daily = daily::findings(&a.ctx(), &a.stop_people);
        a.globals = a.compute_globals();
        a.gas_until = readings::valid_until(&a.sensors, a.now, &a.params);
        a.hidden = a.activity.findings().to_vec();
        a.hidden_generation = a.activity.generation();
        let mut live = BTreeMap::new();
        for f in a.own.iter().chain(&a.spacing).flatten().chain(&a.globals).chain(&a.hidden).chain(&a.daily) {
            live.entry(f.key()).or_insert_with(|| f.clone());
        }
        a.live = live;
        a.timings = Timings {
            prepare_s: t_prep,
            workings_s: t_work,
            spacing_s: t_spacing,
            activity_s: t_act,
            total_s: t0.elapsed().as_secs_f64(),
        };
        a
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx { survey: &self.survey, params: &self.params, as_of: self.as_of, prep: &self.prep }
    }

    /// The survey as it now stands (after the changes applied).
    pub fn survey(&self) -> &Survey {
        &self.survey
    }

    pub fn into_survey(self) -> Survey {
        self.survey
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    pub fn levels(&self) -> &Levels {
        &self.levels
    }

    /// Every finding, sorted by rule, working, feature.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> + '_ {
        self.live.values()
    }

    /// The number of findings.
    pub fn finding_count(&self) -> usize {
        self.live.len()
    }

    /// The rules that apply but could not be evaluated, sorted by rule.
    pub fn not_evaluated(&self) -> Vec<NotEvaluated> {
        let mut v = self.not_evaluated.clone();
        v.extend(self.slope_not_evaluated.iter().cloned());
        v.sort_by_key(|n| n.rule);
        v
    }

    /// The prepared inputs (water sources with their lines, faults with their pillars …).
    pub fn prepared(&self) -> &Prepared {
        &self.prep
    }

    /// Stage timings of the build.
    pub fn timings(&self) -> Timings {
        self.timings
    }

    /// The advance-drilling cover of an active heading (None for any other working).
    pub fn cover(&self, heading: &str) -> Option<&Cover> {
        self.ids.get(heading).and_then(|&i| self.covers[i].as_ref())
    }

    /// The cover of every active heading, in working order.
    pub fn covers(&self) -> impl Iterator<Item = &Cover> + '_ {
        self.covers.iter().flatten()
    }

    /// The headings with a stored drilling design, sorted.
    pub fn designed_headings(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.prep.planned_by_heading.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// A heading's stored design and, per planned hole, whether it was drilled as designed
    /// (the matching of `water.drilling_incomplete`).
    pub fn design_of(&self, heading: &str) -> (Vec<&crate::model::PlannedDrillhole>, Vec<bool>) {
        water::design_of(&self.ctx(), heading)
    }

    /// A working by id, with its prepared geometry.
    pub fn working(&self, id: &str) -> Option<(&Working, &WorkingGeom)> {
        self.ids.get(id).map(|&i| (&self.survey.layers.workings[i], &self.geoms[i]))
    }

    /// The water sources whose warning line holds an active heading's face.
    pub fn face_sources(&self, heading: &str) -> Vec<water::SourceHit> {
        match self.working(heading).and_then(|(_, g)| g.face) {
            Some(face) => water::face_hits(&self.prep.sources, &self.prep.source_index, &face),
            None => Vec::new(),
        }
    }

    /// The report snapshot (`minehaz check`).
    pub fn report(&self) -> Report {
        Report {
            mine_id: self.survey.meta.mine.id.clone(),
            mine_name: self.survey.meta.mine.name.clone(),
            as_of: self.as_of,
            levels: self.levels.clone(),
            findings: self.live.values().cloned().collect(),
            not_evaluated: self.not_evaluated(),
        }
    }

    /// The buffered lines and pillars (computed on first use).
    pub fn buffers(&self) -> &super::derived::Buffers {
        self.buffers.get_or_init(|| super::derived::Buffers::new(&self.survey, &self.params, &self.prep))
    }

    fn compute_globals(&mut self) -> Vec<Finding> {
        let ctx = Ctx { survey: &self.survey, params: &self.params, as_of: self.as_of, prep: &self.prep };
        let mut g: Vec<Finding> = self.loosened.clone();
        g.extend(licence::expired(&ctx, self.n_active > 0));
        g.extend(burst::proneness(&ctx));
        if !self.survey.layers.slope_design.is_empty() || !self.survey.slope_points.is_empty() {
            g.extend(slope::monitoring(&ctx, slope::as_of_instant(&self.survey, self.as_of)));
        }
        if let Some(l) = &self.survey.ledger {
            g.extend(super::ledger::findings(&ctx, l));
        }
        if !self.sensors.by_id.is_empty() {
            let (ws, ids) = (&self.survey.layers.workings, &self.ids);
            g.extend(readings::findings(&self.sensors, self.now, &self.params, |id| ids.get(id).map(|&i| &ws[i])));
        }
        sort_findings(&mut g);
        g
    }

    /// Re-derive the whole-mine findings; the clusters' only when the activity changed.
    fn refresh_globals(&mut self, diff: &mut Diff) {
        self.refresh_globals_if(true, diff);
    }

    /// As [`Assessment::refresh_globals`]; the whole-mine findings are re-derived only when
    /// `changed` (the change could touch them), the as-of date moved, or the clock reached the
    /// instant the readings' windows change ([`readings::valid_until`]).
    fn refresh_globals_if(&mut self, changed: bool, diff: &mut Diff) {
        let windows_moved = match (self.gas_until, self.now) {
            (Some(u), Some(n)) => n >= u,
            _ => false,
        };
        if changed || self.globals_as_of != self.as_of || windows_moved {
            self.globals_as_of = self.as_of;
            self.gas_until = readings::valid_until(&self.sensors, self.now, &self.params);
            let old = std::mem::take(&mut self.globals);
            self.globals = self.compute_globals();
            diff.replace(&old, &self.globals);
        }
        if self.daily_as_of != self.as_of {
            self.daily_as_of = self.as_of;
            self.refresh_daily(diff);
        }
        self.activity.findings();
        if self.activity.generation() != self.hidden_generation {
            let new = self.activity.findings().to_vec();
            diff.replace(&self.hidden, &new);
            self.hidden = new;
            self.hidden_generation = self.activity.generation();
        }
    }

    fn refresh_daily(&mut self, diff: &mut Diff) {
        let new = daily::findings(&self.ctx(), &self.stop_people);
        diff.replace(&self.daily, &new);
        self.daily = new;
    }

    /// *Now* for the readings rules (see [`readings`]).
    pub fn now(&self) -> Option<DateTime<FixedOffset>> {
        self.now
    }

    /// The monitoring readings by sensor.
    pub fn sensors(&self) -> &readings::Sensors {
        &self.sensors
    }

    /// Apply a change that happened at time `t` (a `watch` event): *now* moves to `t` when that
    /// is later, the as-of date to the date of now (in its offset), then the change is applied.
    /// On an error nothing changes, the clock included.
    pub fn apply_at(&mut self, change: Change, t: DateTime<FixedOffset>) -> Result<Delta> {
        let saved = (self.now, self.as_of);
        let now = self.now.map_or(t, |n| n.max(t));
        self.now = Some(now);
        self.as_of = now.date_naive();
        match self.apply(change) {
            Ok(d) => Ok(d),
            Err(e) => {
                (self.now, self.as_of) = saved;
                Err(e)
            }
        }
    }

    /// Change the as-of date (rules that depend on it are re-evaluated).
    pub fn set_as_of(&mut self, as_of: NaiveDate) -> Delta {
        if as_of == self.as_of {
            return Delta::default();
        }
        self.as_of = as_of;
        let mut diff = Diff::default();
        self.refresh_globals(&mut diff);
        diff.finish(&mut self.live)
    }

    /// Apply a change and re-check what it can touch (see the module documentation).
    /// Unknown working or zone ids are input errors.
    pub fn apply(&mut self, change: Change) -> Result<Delta> {
        let mut diff = Diff::default();
        // Fixes, weather and the clock touch no whole-mine finding but through the as-of date
        // and the readings' windows (see `refresh_globals_if`).
        let globals = !matches!(change, Change::Fixes(_) | Change::Weather(_) | Change::Tick);
        match change {
            Change::Working(w) => {
                check_line(&w.id, &w.line)?;
                self.set_working(w, &mut diff);
            }
            Change::RemoveWorking(id) => {
                let i = self.position(&id)?;
                self.remove_working(i, &mut diff);
            }
            Change::Face { working, to } => {
                let i = self.position(&working)?;
                let mut w = self.survey.layers.workings[i].clone();
                match (w.kind, to) {
                    (WorkingKind::Heading, FaceTo::Point(p)) => w.line.push(p),
                    (WorkingKind::Longwall, FaceTo::Segment(s)) => {
                        let n = w.line.len();
                        if n >= 2 {
                            w.line[n - 2] = s[0];
                            w.line[n - 1] = s[1];
                        } else {
                            w.line = s.to_vec();
                        }
                    }
                    (kind, _) => {
                        return Err(crate::Error::at(
                            Location::default().layer("workings").feature(&working).field("to"),
                            text!(
                                "{} 是{}：掘进工作面给一个点，回采工作面给两个点",
                                "{} is a {}: a heading takes one point, a longwall two",
                                working,
                                kind
                            ),
                        ))
                    }
                }
                check_line(&w.id, &w.line)?;
                self.set_working(w, &mut diff);
            }
            Change::Status { working, status } => {
                let i = self.position(&working)?;
                let mut w = self.survey.layers.workings[i].clone();
                w.status = status;
                self.set_working(w, &mut diff);
            }
            Change::Drillhole(d) => self.set_drillhole(d, &mut diff),
            Change::Zone(z) => self.set_zone(Some(z.clone()), &z.id.clone(), &mut diff),
            Change::RemoveZone(id) => {
                if !self.prep.zone_slots.contains_key(&id) || !self.survey.layers.zones.iter().any(|z| z.id == id) {
                    return Err(unknown("zones", &id));
                }
                self.set_zone(None, &id, &mut diff);
            }
            Change::Fixes(fixes) => {
                let was_empty = self.survey.positioning.is_empty();
                let mut stop_day = false;
                for f in fixes {
                    let i = self.survey.positioning.len();
                    self.activity.append(i, &f);
                    stop_day |= self.stop_people.add(&f.time, &f.person_id);
                    self.survey.positioning.push(f);
                }
                if was_empty != self.survey.positioning.is_empty() {
                    self.not_evaluated = not_evaluated(&self.survey, self.as_of);
                }
                if stop_day {
                    self.refresh_daily(&mut diff);
                }
            }
            Change::Readings(rs) => {
                let had = self.sensors.has_ch4();
                for r in &rs {
                    self.sensors.push(r);
                }
                self.survey.readings.extend(rs);
                if had != self.sensors.has_ch4() {
                    self.not_evaluated = not_evaluated(&self.survey, self.as_of);
                }
            }
            Change::Weather(w) => self.survey.weather.extend(w),
            Change::Tick => {}
        }
        self.refresh_globals_if(globals, &mut diff);
        Ok(diff.finish(&mut self.live))
    }

    fn position(&self, id: &str) -> Result<usize> {
        self.ids.get(id).copied().ok_or_else(|| unknown("workings", id))
    }

    /// Re-evaluate the per-working findings of positions `is`.
    fn reeval(&mut self, is: &[usize], diff: &mut Diff) {
        for &i in is {
            let (new, cover) = {
                let ctx = self.ctx();
                eval_working(&ctx, &self.survey.layers.workings[i], &self.geoms[i])
            };
            diff.replace(&self.own[i], &new);
            self.own[i] = new;
            self.covers[i] = cover;
        }
    }

    /// Re-evaluate the face-spacing findings of positions `is`.
    fn respace(&mut self, is: &[usize], diff: &mut Diff) {
        if self.levels.burst.level == "none" {
            return;
        }
        for &i in is {
            let new = spacing_of(&self.ctx(), &self.survey.layers.workings, &self.geoms, &self.face_index, i);
            diff.replace(&self.spacing[i], &new);
            self.spacing[i] = new;
        }
    }

    /// The positions of active faces within spacing reach of a face box.
    fn faces_near(&self, b: Option<crate::index::Box2>) -> Vec<usize> {
        match b {
            Some(b) if self.levels.burst.level != "none" => self.face_index.near(&b, burst::spacing_reach(&self.ctx())),
            _ => Vec::new(),
        }
    }

    fn set_working(&mut self, w: Working, diff: &mut Diff) {
        let (i, was_active, old_face) = match self.ids.get(&w.id) {
            Some(&i) => (i, licence::is_active(&self.survey.layers.workings[i]), face_box(&self.geoms[i])),
            None => {
                let i = self.survey.layers.workings.len();
                self.ids.insert(w.id.clone(), i);
                self.survey.layers.workings.push(w.clone());
                self.geoms.push(WorkingGeom::new(&w));
                self.own.push(Vec::new());
                self.spacing.push(Vec::new());
                self.covers.push(None);
                (i, false, None)
            }
        };
        let geom = WorkingGeom::new(&w);
        self.working_index.set(i, Some(geom.env));
        self.face_index.set(i, face_box(&geom));
        let new_face = face_box(&geom);
        let now_active = licence::is_active(&w);
        self.survey.layers.workings[i] = w;
        self.geoms[i] = geom;
        self.n_active = self.n_active + usize::from(now_active) - usize::from(was_active);
        self.reeval(&[i], diff);
        let mut near = self.faces_near(old_face);
        near.extend(self.faces_near(new_face));
        near.push(i);
        near.sort_unstable();
        near.dedup();
        self.respace(&near, diff);
        let id = self.survey.layers.workings[i].id.clone();
        self.activity.working_changed(&id, Some(&self.survey.layers.workings[i]), &self.survey.positioning);
    }

    fn remove_working(&mut self, i: usize, diff: &mut Diff) {
        let last = self.survey.layers.workings.len() - 1;
        let old_face = face_box(&self.geoms[i]);
        let w = self.survey.layers.workings.swap_remove(i);
        self.geoms.swap_remove(i);
        let own = self.own.swap_remove(i);
        let spacing = self.spacing.swap_remove(i);
        self.covers.swap_remove(i);
        diff.replace(&own, &[]);
        diff.replace(&spacing, &[]);
        self.ids.remove(&w.id);
        if licence::is_active(&w) {
            self.n_active -= 1;
        }
        // The last working moved to position i.
        self.working_index.set(last, None);
        self.face_index.set(last, None);
        if i < last {
            let moved = &self.survey.layers.workings[i];
            self.ids.insert(moved.id.clone(), i);
            self.working_index.set(i, Some(self.geoms[i].env));
            self.face_index.set(i, face_box(&self.geoms[i]));
        } else {
            self.working_index.set(i, None);
            self.face_index.set(i, None);
        }
        let near = self.faces_near(old_face);
        self.respace(&near, diff);
        self.activity.working_changed(&w.id, None, &self.survey.positioning);
    }

    fn set_drillhole(&mut self, d: Drillhole, diff: &mut Diff) {
        let holes = &mut self.survey.layers.drillholes;
        let mut headings = Vec::new();
        let i = match holes.iter().position(|h| h.id == d.id) {
            Some(i) => {
                let old = std::mem::replace(&mut holes[i], d);
                headings.extend(old.heading_id.clone());
                self.prep.remove_drillhole(i, &old);
                i
            }
            None => {
                holes.push(d);
                holes.len() - 1
            }
        };
        let d = &self.survey.layers.drillholes[i];
        headings.extend(d.heading_id.clone());
        self.prep.add_drillhole(i, d);
        let mut is: Vec<usize> = headings.iter().filter_map(|h| self.ids.get(h).copied()).collect();
        is.sort_unstable();
        is.dedup();
        self.reeval(&is, diff);
    }

    fn set_zone(&mut self, z: Option<Zone>, id: &str, diff: &mut Diff) {
        let zones = &mut self.survey.layers.zones;
        let pos = zones.iter().position(|x| x.id == id);
        match (&z, pos) {
            (Some(z), Some(p)) => zones[p] = z.clone(),
            (Some(z), None) => zones.push(z.clone()),
            (None, Some(p)) => {
                zones.remove(p);
            }
            (None, None) => {}
        }
        let (old, new) = self.prep.set_zone(z.as_ref(), id);
        let mut is = Vec::new();
        for b in [old, new].into_iter().flatten() {
            self.working_index.search(&b, |i| is.push(i));
        }
        is.sort_unstable();
        is.dedup();
        self.reeval(&is, diff);
    }
}

/// The face-spacing findings of the working at position i.
fn spacing_of(ctx: &Ctx<'_>, workings: &[Working], geoms: &[WorkingGeom], faces: &Index, i: usize) -> Vec<Finding> {
    let Some(f) = geoms[i].face else { return Vec::new() };
    let mut out = Vec::new();
    burst::face_spacing(
        ctx,
        i,
        &workings[i],
        &f,
        faces,
        |j| geoms.get(j).and_then(|g| g.face.map(|f| (&workings[j], f))),
        &mut out,
    );
    sort_findings(&mut out);
    out
}

fn unknown(layer: &str, id: &str) -> crate::Error {
    crate::Error::at(Location::default().layer(layer).feature(id), text!("未知编号 {}", "unknown id {}", id))
}

/// A working's line must have vertices with finite coordinates.
fn check_line(id: &str, line: &[[f64; 3]]) -> Result<()> {
    if line.is_empty() || line.iter().flatten().any(|c| !c.is_finite()) {
        return Err(crate::Error::at(
            Location::default().layer("workings").feature(id).field("geometry"),
            text!("坐标无效 (NaN/无穷) 或线为空", "invalid coordinate (NaN/inf) or empty line"),
        ));
    }
    Ok(())
}

/// Old and new findings of the owners a change touched; the net change at the end.
#[derive(Default)]
struct Diff {
    seen: BTreeMap<Key, (Option<Finding>, Option<Finding>)>,
}

impl Diff {
    fn replace(&mut self, old: &[Finding], new: &[Finding]) {
        for f in old {
            let e = self.seen.entry(f.key()).or_insert((None, None));
            if e.0.is_none() {
                e.0 = Some(f.clone());
            }
        }
        for f in new {
            let e = self.seen.entry(f.key()).or_insert((None, None));
            e.1 = Some(f.clone());
        }
    }

    fn finish(self, live: &mut BTreeMap<Key, Finding>) -> Delta {
        let mut d = Delta::default();
        for (key, (old, new)) in self.seen {
            match (old, new) {
                (Some(o), None) => {
                    live.remove(&key);
                    d.cleared.push(o);
                }
                (None, Some(n)) => {
                    live.insert(key, n.clone());
                    d.new.push(n);
                }
                (Some(o), Some(n)) => {
                    if o != n {
                        d.changed.push(n.clone());
                    }
                    live.insert(key, n);
                }
                (None, None) => {}
            }
        }
        d
    }
}

/// *Now* of a fresh assessment: the store's watch clock, else the latest reading or weather
/// warning; never past the end of the as-of day.
fn initial_now(s: &Survey, sensors: &readings::Sensors, as_of: NaiveDate) -> Option<DateTime<FixedOffset>> {
    let latest =
        [s.watch_clock, sensors.latest(), s.weather.iter().map(|w| w.time).max()].into_iter().flatten().max()?;
    let end = as_of.and_hms_opt(23, 59, 59).and_then(|t| t.and_local_timezone(*latest.offset()).single())?;
    Some(latest.min(end))
}

fn reason(zh: &str, en: &str) -> Text {
    Text::new(zh, en)
}

/// The rules that apply to the mine but lack input (RULES.md v1.1 "Not evaluated").
pub fn not_evaluated(s: &Survey, as_of: NaiveDate) -> Vec<NotEvaluated> {
    let mut v = Vec::new();
    let mut push = |rule: &'static str, r: Text| v.push(NotEvaluated { rule, reason: r });
    let underground = matches!(s.meta.mine.kind, MineKind::UndergroundCoal | MineKind::UndergroundMetal);
    let coal = s.meta.mine.kind == MineKind::UndergroundCoal;
    let lic = &s.meta.licence;
    if s.layers.licence.is_empty() {
        let r = || reason("缺少采矿许可证边界（图层 licence）", "no licence boundary (layer licence)");
        push("licence.outside_boundary", r());
        push("pillar.boundary", r());
    }
    if lic.z_top.is_none() && lic.z_bottom.is_none() {
        push(
            "licence.outside_levels",
            reason(
                "survey.toml [licence] 未给出 z_top / z_bottom",
                "survey.toml [licence] gives neither z_top nor z_bottom",
            ),
        );
    }
    if lic.valid_until.is_none() {
        push(
            "licence.expired",
            reason("survey.toml [licence] 未给出 valid_until", "survey.toml [licence] gives no valid_until"),
        );
    }
    if coal && lic.seams.is_empty() {
        push(
            "licence.seam_not_permitted",
            reason("survey.toml [licence] 未给出许可煤层 seams", "survey.toml [licence] lists no permitted seams"),
        );
    }
    if underground && s.positioning.is_empty() {
        push(
            "hidden.undeclared_activity",
            reason(
                "缺少人员定位数据（monitoring/positioning.csv）",
                "no personnel positioning data (monitoring/positioning.csv)",
            ),
        );
    }
    if coal && s.meta.classification.mining_depth_max_m.is_none() && s.layers.burst_zones.is_empty() {
        push(
            "burst.proneness_test_required",
            reason(
                "未给出最大开采深度（[classification] mining_depth_max_m），也没有冲击危险区",
                "neither the mining depth ([classification] mining_depth_max_m) nor burst zones are given",
            ),
        );
    }
    if s.daily.is_empty() {
        for rule in daily::RULES {
            push(rule, reason("缺少每日数据（monitoring/daily.csv）", "no daily data (monitoring/daily.csv)"));
        }
    } else if lic.capacity_mt_per_year.is_none() {
        for rule in ["licence.over_capacity", "licence.over_intensity"] {
            push(
                rule,
                reason(
                    "survey.toml [licence] 未给出核定能力 capacity_mt_per_year",
                    "survey.toml [licence] gives no capacity_mt_per_year",
                ),
            );
        }
    }
    if underground && !s.readings.iter().any(|r| r.kind == crate::model::ReadingKind::Ch4) {
        for rule in readings::RULES {
            push(
                rule,
                reason(
                    "缺少甲烷传感器读数（monitoring/readings.csv 或 watch 的 reading 事件）",
                    "no methane readings (monitoring/readings.csv or watch reading events)",
                ),
            );
        }
    }
    let slopes = s.meta.mine.kind == MineKind::OpenPit || !s.layers.slope_design.is_empty();
    if slopes {
        if let Some(why) = crate::slope::unmeasurable(s, as_of) {
            for rule in crate::slope::MEASURED_RULES {
                push(rule, why.clone());
            }
        }
        if s.slope_points.is_empty() {
            let r = || {
                reason(
                    "缺少边坡监测数据（monitoring/slope_points.csv）",
                    "no slope monitoring readings (monitoring/slope_points.csv)",
                )
            };
            push("slope.displacement_rate", r());
            push("slope.accelerating", r());
        }
        if s.layers.slope_design.is_empty() {
            push(
                "slope.monitoring_missing",
                reason("缺少边坡设计分区（图层 slope_design）", "no slope design sectors (layer slope_design)"),
            );
        }
    }
    v.sort_by_key(|n| n.rule);
    v
}

impl Assessment {
    /// The findings of one severity, sorted.
    pub fn findings_of(&self, sev: Severity) -> impl Iterator<Item = &Finding> + '_ {
        self.live.values().filter(move |f| f.severity == sev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        BurstLevel, BurstZone, DrillPurpose, Fault, FireZone, GasZone, Goaf, Licence, WaterBody, ZRange, ZoneClass,
    };
    use crate::rules::pillars::testkit::{rect, working};
    use geo_types::{LineString, Polygon};

    use crate::test_rng::Rng;
    impl Rng {
        fn pt(&mut self) -> [f64; 2] {
            [self.f() * 2000.0, self.f() * 2000.0]
        }
    }

    fn blob(r: &mut Rng, c: [f64; 2], size: f64) -> Polygon<f64> {
        let k = 5 + r.n(6);
        let mut v: Vec<(f64, f64)> = (0..k)
            .map(|i| {
                let a = std::f64::consts::TAU * i as f64 / k as f64;
                let rr = size * (0.6 + 0.4 * r.f());
                (c[0] + rr * a.cos(), c[1] + rr * a.sin())
            })
            .collect();
        v.push(v[0]);
        Polygon::new(LineString::from(v), vec![])
    }

    fn zrange(r: &mut Rng) -> ZRange {
        match r.n(3) {
            0 => ZRange::default(),
            1 => ZRange { floor_m: Some(480.0), roof_m: Some(520.0) },
            _ => ZRange { floor_m: None, roof_m: Some(505.0) },
        }
    }

    fn random_working(r: &mut Rng, id: &str) -> Working {
        let kind = [WorkingKind::Roadway, WorkingKind::Heading, WorkingKind::Longwall][r.n(3)];
        let status =
            [WorkingStatus::Existing, WorkingStatus::Active, WorkingStatus::Active, WorkingStatus::Planned][r.n(4)];
        let mut p = r.pt();
        let mut line = vec![[p[0], p[1], 490.0 + r.f() * 20.0]];
        for _ in 0..1 + r.n(4) {
            p = [p[0] + r.f() * 160.0 - 80.0, p[1] + r.f() * 160.0 - 80.0];
            line.push([p[0], p[1], 490.0 + r.f() * 20.0]);
        }
        let mut w = working(id, kind, status, &line);
        w.declared = [Some(true), Some(true), Some(false), None][r.n(4)];
        w.seam = Some(["3", "9", "5"][r.n(3)].to_string());
        w
    }

    fn random_zone(r: &mut Rng, id: &str) -> Zone {
        let c = r.pt();
        Zone {
            id: id.into(),
            class: [ZoneClass::NoMining, ZoneClass::Deferred, ZoneClass::Mineable][r.n(3)],
            hazard: None,
            basis: None,
            treated: [Some(false), Some(true), None][r.n(3)],
            outline: {
                let size = 60.0 + r.f() * 100.0;
                blob(r, c, size)
            },
            z: zrange(r),
            author: None,
            marked_at: None,
        }
    }

    fn random_drillhole(r: &mut Rng, id: &str, heading: &str, near: [f64; 3]) -> Drillhole {
        Drillhole {
            id: id.into(),
            heading_id: Some(heading.into()),
            purpose: Some([DrillPurpose::WaterExploration, DrillPurpose::Drainage][r.n(2)]),
            drilled_at: None,
            water_found: None,
            inflow_m3h: None,
            line: vec![near, [near[0] + r.f() * 120.0 - 60.0, near[1] + r.f() * 120.0 - 60.0, near[2]]],
        }
    }

    fn fix(r: &mut Rng, t: usize) -> Fix {
        // Clustered: a few hot spots, some people, days 1..4.
        let spots = [[300.0, 300.0], [1500.0, 400.0], [900.0, 1700.0], [1700.0, 1700.0]];
        let s = spots[r.n(spots.len())];
        let p = if r.f() < 0.8 { [s[0] + r.f() * 150.0, s[1] + r.f() * 150.0] } else { r.pt() };
        Fix {
            time: format!("2026-05-{:02}T{:02}:{:02}:00+08:00", 1 + r.n(4), r.n(24), t % 60).into(),
            person_id: format!("P{}", r.n(6)).into(),
            pos: [p[0], p[1], 500.0],
        }
    }

    fn random_mine(r: &mut Rng) -> Survey {
        let mut s = Survey::default();
        s.meta.mine.id = "T".into();
        s.meta.licence.z_top = Some(515.0);
        s.meta.licence.z_bottom = Some(485.0);
        s.meta.licence.seams = vec!["3".into(), "9".into()];
        s.meta.licence.valid_until = Some("2026-04-30".into());
        s.meta.classification.burst_history = Some(true);
        s.layers.licence.push(Licence {
            id: "L".into(),
            boundary: Polygon::new(rect(100.0, 100.0, 1900.0, 1900.0), vec![rect(900.0, 900.0, 1100.0, 1050.0)]),
        });
        for i in 0..8 {
            let c = r.pt();
            s.layers.goaf.push(Goaf {
                id: format!("G{i}"),
                name: None,
                seam: None,
                outline: blob(r, c, 80.0),
                z: zrange(r),
                water: [Some(true), Some(false), None][r.n(3)],
                water_level_m: None,
                water_m3: None,
                reliable: [Some(true), Some(false), None][r.n(3)],
                source: None,
            });
        }
        for i in 0..3 {
            let c = r.pt();
            s.layers.water_bodies.push(WaterBody {
                id: format!("WB{i}"),
                name: None,
                kind: None,
                outline: blob(r, c, 70.0),
                z: zrange(r),
                head_m: None,
                pressure_mpa: Some(1.0),
            });
        }
        for i in 0..3 {
            let a = r.pt();
            s.layers.faults.push(Fault {
                id: format!("F{i}"),
                name: None,
                trace: vec![[a[0], a[1], 500.0], [a[0] + 400.0, a[1] + 300.0, 500.0]],
                throw_m: None,
                dip_deg: None,
                dip_dir_deg: None,
                z_ref_m: None,
                water_conducting: Some(i != 2),
                pressure_mpa: Some(2.0),
                pillar_m: None,
            });
        }
        for i in 0..5 {
            let c = r.pt();
            s.layers.gas_zones.push(GasZone {
                id: format!("GZ{i}"),
                seam: None,
                outline: blob(r, c, 120.0),
                z: zrange(r),
                gas_content_m3t: Some(6.0 + r.f() * 6.0),
                gas_pressure_mpa: Some(r.f()),
                outburst_prone: [Some(true), Some(false), None][r.n(3)],
                drained: [Some(false), Some(true)][r.n(2)],
            });
            let c = r.pt();
            s.layers.burst_zones.push(BurstZone {
                id: format!("BZ{i}"),
                seam: None,
                outline: blob(r, c, 120.0),
                z: zrange(r),
                level: [Some(BurstLevel::Weak), Some(BurstLevel::Strong), Some(BurstLevel::None)][r.n(3)],
                relieved: [Some(false), Some(true)][r.n(2)],
            });
            let c = r.pt();
            s.layers.fire_zones.push(FireZone {
                id: format!("FZ{i}"),
                name: None,
                outline: blob(r, c, 50.0),
                z: zrange(r),
                sealed: Some(true),
            });
        }
        for i in 0..6 {
            let z = random_zone(r, &format!("Z{i}"));
            s.layers.zones.push(z);
        }
        for i in 0..40 {
            let w = random_working(r, &format!("W{i}"));
            s.layers.workings.push(w);
        }
        for i in 0..10 {
            let h = format!("W{}", r.n(40));
            let near =
                s.layers.workings.iter().find(|w| w.id == h).and_then(|w| w.line.last().copied()).unwrap_or([0.0; 3]);
            s.layers.drillholes.push(random_drillhole(r, &format!("D{i}"), &h, near));
        }
        for t in 0..150 {
            s.positioning.push(fix(r, t));
        }
        s
    }

    /// Findings equal up to float noise in sums (cluster centroids are summed in another order).
    fn same(a: &[Finding], b: &[Finding]) -> Result<(), String> {
        if a.len() != b.len() {
            let ka: Vec<_> = a.iter().map(Finding::key).collect();
            let kb: Vec<_> = b.iter().map(Finding::key).collect();
            return Err(format!("{} vs {} findings\nincremental {ka:?}\nfull        {kb:?}", a.len(), b.len()));
        }
        for (x, y) in a.iter().zip(b) {
            let close = |p: Option<f64>, q: Option<f64>| match (p, q) {
                (Some(p), Some(q)) => (p - q).abs() <= 1e-6 * (1.0 + p.abs()) || (p.is_nan() && q.is_nan()),
                (None, None) => true,
                _ => false,
            };
            let at_close = match (x.at, y.at) {
                (Some(p), Some(q)) => (0..3).all(|k| close(Some(p[k]), Some(q[k]))),
                (None, None) => true,
                _ => false,
            };
            if x.key() != y.key()
                || x.severity != y.severity
                || x.planned != y.planned
                || !close(x.measured, y.measured)
                || !close(x.limit, y.limit)
                || !at_close
            {
                return Err(format!("differs:\nincremental {x:?}\nfull        {y:?}"));
            }
        }
        Ok(())
    }

    fn compare(a: &Assessment, step: usize, what: &str) {
        let full = Assessment::with_params(a.survey().clone(), Params::default(), Vec::new(), a.as_of());
        let inc: Vec<Finding> = a.findings().cloned().collect();
        let fresh: Vec<Finding> = full.findings().cloned().collect();
        if let Err(e) = same(&inc, &fresh) {
            panic!("step {step} ({what}): {e}");
        }
        let covers =
            |x: &Assessment| x.covers().cloned().map(|c| (c.heading, c.allowed_advance_m)).collect::<BTreeMap<_, _>>();
        assert_eq!(covers(a), covers(&full), "step {step} ({what}): covers");
    }

    #[test]
    fn incremental_equals_full_after_random_changes() {
        let as_of = NaiveDate::from_ymd_opt(2026, 5, 20).expect("date");
        for seed in [1u64, 7, 42, 2026] {
            let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let mine = random_mine(&mut r);
            let mut a = Assessment::with_params(mine, Params::default(), Vec::new(), as_of);
            assert!(a.finding_count() > 10, "the random mine has findings");
            let mut next_id = 1000;
            for step in 0..160 {
                let ids: Vec<String> = a.survey().layers.workings.iter().map(|w| w.id.clone()).collect();
                let pick = |r: &mut Rng| ids[r.n(ids.len())].clone();
                let (what, change) = match r.n(9) {
                    0 => {
                        next_id += 1;
                        ("insert working", Change::Working(random_working(&mut r, &format!("N{next_id}"))))
                    }
                    1 => {
                        let id = pick(&mut r);
                        ("replace working", Change::Working(random_working(&mut r, &id)))
                    }
                    2 if ids.len() > 5 => ("remove working", Change::RemoveWorking(pick(&mut r))),
                    3 | 4 => {
                        let id = pick(&mut r);
                        let (w, _) = a.working(&id).expect("known");
                        let last = *w.line.last().expect("vertex");
                        let to = [last[0] + r.f() * 40.0 - 20.0, last[1] + r.f() * 40.0 - 20.0, last[2]];
                        match w.kind {
                            WorkingKind::Longwall => (
                                "advance longwall",
                                Change::Face { working: id, to: FaceTo::Segment([[to[0] - 50.0, to[1], to[2]], to]) },
                            ),
                            WorkingKind::Heading => {
                                ("advance heading", Change::Face { working: id, to: FaceTo::Point(to) })
                            }
                            _ => ("status", Change::Status { working: id, status: WorkingStatus::Active }),
                        }
                    }
                    5 => {
                        let id = pick(&mut r);
                        let status = [WorkingStatus::Existing, WorkingStatus::Active, WorkingStatus::Planned][r.n(3)];
                        ("status", Change::Status { working: id, status })
                    }
                    6 => {
                        let h = pick(&mut r);
                        let near = a.working(&h).and_then(|(w, _)| w.line.last().copied()).unwrap_or([0.0; 3]);
                        let id = format!("D{}", r.n(14));
                        ("drillhole", Change::Drillhole(random_drillhole(&mut r, &id, &h, near)))
                    }
                    7 => {
                        let id = format!("Z{}", r.n(9));
                        if r.f() < 0.3 && a.survey().layers.zones.iter().any(|z| z.id == id) {
                            ("remove zone", Change::RemoveZone(id))
                        } else {
                            ("zone", Change::Zone(random_zone(&mut r, &id)))
                        }
                    }
                    _ => {
                        let n = 1 + r.n(12);
                        ("fixes", Change::Fixes((0..n).map(|t| fix(&mut r, step * 100 + t)).collect()))
                    }
                };
                let before: BTreeMap<Key, Finding> = a.findings().map(|f| (f.key(), f.clone())).collect();
                let d = a.apply(change).expect("apply");
                // The delta is exactly the difference of the live sets.
                let after: BTreeMap<Key, Finding> = a.findings().map(|f| (f.key(), f.clone())).collect();
                for f in &d.new {
                    assert!(!before.contains_key(&f.key()) && after.contains_key(&f.key()), "{what}: new {f:?}");
                }
                for f in &d.cleared {
                    assert!(before.contains_key(&f.key()) && !after.contains_key(&f.key()), "{what}: cleared {f:?}");
                }
                let appeared = after.keys().filter(|k| !before.contains_key(*k)).count();
                let gone = before.keys().filter(|k| !after.contains_key(*k)).count();
                assert_eq!((appeared, gone), (d.new.len(), d.cleared.len()), "step {step} {what}");
                if step % 4 == 0 || step == 159 {
                    compare(&a, step, what);
                }
            }
            // The as-of date moves back before the licence's expiry (2026-04-30): licence.expired,
            // there while any working is active, goes, and nothing else changes.
            let had = a.findings().any(|f| f.rule == "licence.expired");
            let d = a.set_as_of(NaiveDate::from_ymd_opt(2026, 4, 1).expect("date"));
            compare(&a, 999, "as-of");
            let cleared: Vec<&str> = d.cleared.iter().map(|f| f.rule).collect();
            assert_eq!(cleared, if had { vec!["licence.expired"] } else { vec![] });
            assert!(d.new.is_empty() && d.changed.is_empty(), "{d:?}");
        }
    }

    #[test]
    fn unknown_ids_and_bad_faces_are_refused_and_change_nothing() {
        let mut r = Rng(99);
        let mine = random_mine(&mut r);
        let mut a = Assessment::with_params(
            mine,
            Params::default(),
            Vec::new(),
            NaiveDate::from_ymd_opt(2026, 5, 20).expect("d"),
        );
        let before: Vec<Finding> = a.findings().cloned().collect();
        assert!(a.apply(Change::RemoveWorking("nope".into())).is_err());
        assert!(a.apply(Change::Face { working: "nope".into(), to: FaceTo::Point([0.0; 3]) }).is_err());
        assert!(a.apply(Change::RemoveZone("nope".into())).is_err());
        let mut w = random_working(&mut r, "W1");
        w.line[0][0] = f64::NAN;
        assert!(a.apply(Change::Working(w)).is_err());
        let after: Vec<Finding> = a.findings().cloned().collect();
        assert_eq!(before, after);
    }
}
