//! The rules engine (RULES.md, the contract): every rule is data (named parameters with
//! defaults and per-mine overrides, [`params`]) plus a pure function over the survey that
//! returns findings. No I/O, no clock (the as-of date is an input), no randomness. One file per
//! rule family, each citing its regulation (REFERENCE.md).
//!
//! - [`assessment`]: the [`Assessment`] of a mine — findings, levels (就高不就低), not-evaluated
//!   rules and derived geometry computed once, re-checked incrementally with
//!   [`Assessment::apply`]. Every consumer (`check`, `derive`, `render`, `view`, `plan`,
//!   `watch`, the store writer) borrows it.
//! - [`context`]: the prepared inputs every family shares (one index over all polygons).
//! - [`finding`], [`report`]: the finding and report shapes of RULES.md and their JSON.
//! - the families: [`licence`], [`pillars`], [`zones`], [`water`], [`gas`], [`burst`], [`fire`],
//!   [`hidden`], [`slope`]; [`levels`]; [`derived`] (the derived layers).

pub mod assessment;
pub mod burst;
pub mod context;
pub mod daily;
pub mod derived;
pub mod finding;
pub mod fire;
pub mod gas;
pub mod hidden;
pub mod ledger;
pub mod levels;
pub mod licence;
pub mod names;
pub mod params;
pub mod pillars;
pub mod readings;
pub mod report;
pub mod slope;
pub mod water;
pub mod zones;

pub use assessment::{assess, survey_params, Assessment, Change, Delta, FaceTo, Progress, Timings};
pub use context::{Ctx, Face, WorkingGeom};
pub use finding::{round_mm, sort_findings, Finding, Key, NotEvaluated, Severity, LINE_RULES};
pub use levels::{Driver, DriverValue, Level, Levels};
pub use names::rule_name;
pub use params::Params;
pub use report::Report;

use crate::error::Result;
use crate::model::Survey;
use chrono::NaiveDate;

/// Check a survey as of a date: the report of a fresh assessment (a convenience that copies the
/// survey; consumers that keep the assessment use [`Assessment::new`]).
pub fn check(survey: &Survey, as_of: NaiveDate) -> Result<Report> {
    Ok(assess(survey, as_of)?.report())
}
