//! Findings (RULES.md "Findings"): which rule, which working and feature, where, the measured
//! value and the limit, a message and the regulation behind it; and the rules that could not be
//! evaluated for lack of input (RULES.md v1.1 "Not evaluated").

use crate::i18n::Text;

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
    /// Keys a rule's contract adds to its findings (e.g. `predicted_failure` of
    /// `slope.accelerating`), in the order they are written.
    pub extra: Vec<(&'static str, serde_json::Value)>,
}

/// What identifies a finding: (rule, working, feature). Ordered as the report sorts findings
/// (a missing working or feature first).
pub type Key = (&'static str, Option<String>, Option<String>);

impl Finding {
    /// A finding with no extra keys.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        rule: &'static str,
        severity: Severity,
        planned: bool,
        working: Option<String>,
        feature: Option<String>,
        at: Option<[f64; 3]>,
        measured: Option<f64>,
        limit: Option<f64>,
        message: Text,
        basis: Text,
    ) -> Self {
        Self { rule, severity, planned, working, feature, at, measured, limit, message, basis, extra: Vec::new() }
    }

    /// Who the finding is about: `working → feature`, or whichever of them is given.
    pub fn subject(&self) -> String {
        match (&self.working, &self.feature) {
            (Some(w), Some(x)) => format!("{w} → {x}"),
            (Some(w), None) => w.clone(),
            (None, Some(x)) => x.clone(),
            (None, None) => String::new(),
        }
    }

    /// (rule, working, feature).
    pub fn key(&self) -> Key {
        (self.rule, self.working.clone(), self.feature.clone())
    }

    fn key_ref(&self) -> (&'static str, Option<&str>, Option<&str>) {
        (self.rule, self.working.as_deref(), self.feature.as_deref())
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

/// Sort findings by rule, then working, then feature, and keep one per (rule, working,
/// feature): the first emitted (families emit the most telling one first).
pub fn sort_findings(f: &mut Vec<Finding>) {
    f.sort_by(|a, b| a.key_ref().cmp(&b.key_ref()));
    f.dedup_by(|b, a| a.key_ref() == b.key_ref());
}

/// Round to the millimetre for the report (floats printed as measured, not as noise).
pub fn round_mm(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// A rule that applies to the mine but could not be evaluated for lack of input: it is never
/// reported as passed.
#[derive(Debug, Clone, PartialEq)]
pub struct NotEvaluated {
    pub rule: &'static str,
    pub reason: Text,
}
