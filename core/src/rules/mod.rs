//! The rules engine (RULES.md, the contract): every rule is data (named parameters with
//! defaults and per-mine overrides, [`params`]) plus a pure function over the survey that
//! returns findings. No I/O, no clock (the as-of date is an input), no randomness. One file per
//! rule family, each citing its regulation (REFERENCE.md).
//!
//! [`check`] runs every family, derives the protection levels on the highest-applicable basis
//! (就高不就低), and sorts the findings by rule, then working, then feature (a missing working or
//! feature sorts first).

pub mod burst;
pub mod derive;
pub mod fire;
pub mod gas;
pub mod geom;
pub mod hidden;
pub mod levels;
pub mod licence;
pub mod params;
pub mod pillars;
pub mod slope;
pub mod water;
pub mod zones;

use crate::error::{Location, Problems, Result};
use crate::i18n::{Lang, Text};
use crate::model::{Survey, WorkingStatus};
use chrono::NaiveDate;
use geom::{EnvIndex, WorkingGeom};
pub use params::Params;

/// Finding severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Major,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Major => "major",
            Severity::Warning => "warning",
        }
    }
}

/// One finding: which rule, which working and feature, where, measured value and limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub planned: bool,
    pub working: Option<String>,
    pub feature: Option<String>,
    pub at: Option<[f64; 3]>,
    pub measured: Option<f64>,
    pub limit: Option<f64>,
    pub message: Text,
    /// The regulation behind the rule.
    pub basis: Text,
}

impl Finding {
    /// Who the finding is about: `working → feature`, or whichever of them is given.
    pub fn subject(&self) -> String {
        match (&self.working, &self.feature) {
            (Some(w), Some(x)) => format!("{w} → {x}"),
            (Some(w), None) => w.clone(),
            (None, Some(x)) => x.clone(),
            (None, None) => String::new(),
        }
    }
}

/// The rules that apply to planned workings (always as warnings, `planned: true`).
pub const LINE_RULES: &[&str] = &[
    "licence.outside_boundary",
    "licence.outside_levels",
    "licence.seam_not_permitted",
    "pillar.boundary",
    "pillar.fault",
    "zone.no_mining",
    "water.inside_water_body",
    "fire.working_in_fire_zone",
];

/// A protection level with every criterion that applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    pub level: &'static str,
    pub drivers: Vec<Driver>,
}

/// One criterion of a level: its value (None = unknown) and the level it gives ("unknown" when
/// the input is unknown; unknowns are left out of the maximum).
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    pub criterion: &'static str,
    pub value: DriverValue,
    pub level: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DriverValue {
    Number(f64),
    Flag(bool),
    Unknown,
}

/// The levels of a mine.
#[derive(Debug, Clone, PartialEq)]
pub struct Levels {
    pub water: Level,
    pub gas: Level,
    pub burst: Level,
}

/// The outcome of `check`.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub mine_id: String,
    pub mine_name: String,
    pub as_of: NaiveDate,
    pub levels: Levels,
    pub findings: Vec<Finding>,
}

impl Report {
    /// Any major finding? (exit code 1)
    pub fn has_major(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Major)
    }

    /// The JSON of RULES.md (`minehaz-report/1`), messages in `lang`. Every key is always
    /// present; unknown values are null.
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        use serde_json::json;
        let level = |l: &Level| {
            json!({
                "level": l.level,
                "drivers": l.drivers.iter().map(|d| json!({
                    "criterion": d.criterion,
                    "value": match d.value { DriverValue::Number(v) => json!(v), DriverValue::Flag(b) => json!(b), DriverValue::Unknown => serde_json::Value::Null },
                    "level": d.level,
                })).collect::<Vec<_>>(),
            })
        };
        json!({
            "format": "minehaz-report/1",
            "mine": {"id": self.mine_id, "name": self.mine_name},
            "as_of": self.as_of.format("%Y-%m-%d").to_string(),
            "levels": {"water": level(&self.levels.water), "gas": level(&self.levels.gas), "burst": level(&self.levels.burst)},
            "findings": self.findings.iter().map(|f| json!({
                "rule": f.rule,
                "severity": f.severity.as_str(),
                "planned": f.planned,
                "working": f.working,
                "feature": f.feature,
                "at": f.at.map(|a| a.iter().map(|v| round_mm(*v)).collect::<Vec<_>>()),
                "measured": f.measured.map(round_mm),
                "limit": f.limit.map(round_mm),
                "message": f.message.get(lang),
                "basis": f.basis.get(lang),
            })).collect::<Vec<_>>(),
        })
    }
}

/// Round to the millimetre for the report (floats printed as measured, not as noise).
pub fn round_mm(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Everything a rule family sees: the survey, the parameters, the as-of date and prepared
/// workings with their R-tree.
pub struct Ctx<'a> {
    pub survey: &'a Survey,
    pub params: &'a Params,
    pub as_of: NaiveDate,
    pub workings: Vec<WorkingGeom<'a>>,
    pub working_index: EnvIndex,
}

impl<'a> Ctx<'a> {
    pub fn new(survey: &'a Survey, params: &'a Params, as_of: NaiveDate) -> Self {
        let workings: Vec<WorkingGeom<'a>> = survey.layers.workings.iter().map(WorkingGeom::new).collect();
        let working_index = EnvIndex::new(workings.iter().map(|w| w.env));
        Self { survey, params, as_of, workings, working_index }
    }

    /// Workings to which a rule applies: existing and active ones, and planned ones for the
    /// line rules.
    pub fn checked(&self, rule: &str) -> impl Iterator<Item = &WorkingGeom<'a>> {
        let line_rule = LINE_RULES.contains(&rule);
        self.workings.iter().filter(move |w| w.w.status != WorkingStatus::Planned || line_rule)
    }

    /// Make a finding about working `w`: planned workings get severity warning and
    /// `planned: true`.
    #[allow(clippy::too_many_arguments)]
    pub fn finding(
        &self,
        rule: &'static str,
        severity: Severity,
        w: Option<&WorkingGeom<'_>>,
        feature: Option<String>,
        at: Option<[f64; 3]>,
        measured: Option<f64>,
        limit: Option<f64>,
        message: Text,
        basis: Text,
    ) -> Finding {
        let planned = w.is_some_and(|w| w.w.status == WorkingStatus::Planned);
        Finding {
            rule,
            severity: if planned { Severity::Warning } else { severity },
            planned,
            working: w.map(|w| w.w.id.clone()),
            feature,
            at,
            measured,
            limit,
            message,
            basis,
        }
    }
}

/// Sort findings by rule, then working, then feature, and keep one per (rule, working,
/// feature) (the first, which families emit with the largest measured value first).
pub fn sort_findings(f: &mut Vec<Finding>) {
    f.sort_by(|a, b| (a.rule, &a.working, &a.feature).cmp(&(b.rule, &b.working, &b.feature)));
    f.dedup_by(|b, a| a.rule == b.rule && a.working == b.working && a.feature == b.feature);
}

/// Check a survey as of a date: every rule family, the levels, sorted findings. Bad parameter
/// overrides are input errors (exit 2).
pub fn check(survey: &Survey, as_of: NaiveDate) -> Result<Report> {
    let mut ps = Problems::default();
    let at = Location::file("survey.toml").layer("parameters");
    let (params, mut findings) = Params::with_overrides(&survey.meta.parameters, &at, &mut ps);
    ps.into_result()?;
    let ctx = Ctx::new(survey, &params, as_of);
    let levels = levels::derive(&ctx);
    licence::check(&ctx, &mut findings);
    pillars::check(&ctx, &mut findings);
    zones::check(&ctx, &mut findings);
    water::check(&ctx, &mut findings);
    gas::check(&ctx, &mut findings);
    burst::check(&ctx, &levels, &mut findings);
    fire::check(&ctx, &mut findings);
    hidden::check(&ctx, &mut findings);
    slope::check(&ctx, &mut findings);
    sort_findings(&mut findings);
    Ok(Report {
        mine_id: survey.meta.mine.id.clone(),
        mine_name: survey.meta.mine.name.clone(),
        as_of,
        levels,
        findings,
    })
}
