//! The report of `minehaz check` (RULES.md "Report"): mine, as-of date, levels, findings and the
//! rules not evaluated, and its JSON `minehaz-report/1`.

use super::finding::{round_mm, Finding, NotEvaluated, Severity};
use super::levels::{DriverValue, Level, Levels};
use crate::i18n::Lang;
use chrono::NaiveDate;

/// The outcome of `check`: a snapshot of an [`super::Assessment`].
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub mine_id: String,
    pub mine_name: String,
    pub as_of: NaiveDate,
    pub levels: Levels,
    /// Sorted by rule, working, feature.
    pub findings: Vec<Finding>,
    /// Sorted by rule.
    pub not_evaluated: Vec<NotEvaluated>,
}

/// The JSON of one finding (RULES.md), message and basis in `lang`; extra keys after the
/// standard ones.
pub fn finding_json(f: &Finding, lang: Lang) -> serde_json::Value {
    use serde_json::json;
    let mut v = json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "planned": f.planned,
        "working": f.working,
        "feature": f.feature,
        "at": f.at.map(|a| a.iter().map(|v| if v.is_finite() { json!(round_mm(*v)) } else { serde_json::Value::Null }).collect::<Vec<_>>()),
        "measured": f.measured.map(round_mm),
        "limit": f.limit.map(round_mm),
        "message": f.message.get(lang),
        "basis": f.basis.get(lang),
    });
    if let Some(o) = v.as_object_mut() {
        for (k, x) in &f.extra {
            o.insert((*k).to_string(), x.clone());
        }
    }
    v
}

/// The JSON of a level with its drivers.
pub fn level_json(l: &Level) -> serde_json::Value {
    use serde_json::json;
    json!({
        "level": l.level,
        "drivers": l.drivers.iter().map(|d| json!({
            "criterion": d.criterion,
            "value": match d.value { DriverValue::Number(v) => json!(v), DriverValue::Flag(b) => json!(b), DriverValue::Unknown => serde_json::Value::Null },
            "level": d.level,
        })).collect::<Vec<_>>(),
    })
}

/// The JSON of the three levels.
pub fn levels_json(l: &Levels) -> serde_json::Value {
    serde_json::json!({"water": level_json(&l.water), "gas": level_json(&l.gas), "burst": level_json(&l.burst)})
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
        json!({
            "format": "minehaz-report/1",
            "mine": {"id": self.mine_id, "name": self.mine_name},
            "as_of": self.as_of.format("%Y-%m-%d").to_string(),
            "levels": levels_json(&self.levels),
            "findings": self.findings.iter().map(|f| finding_json(f, lang)).collect::<Vec<_>>(),
            "not_evaluated": self.not_evaluated.iter().map(|n| json!({"rule": n.rule, "reason": n.reason.get(lang)})).collect::<Vec<_>>(),
        })
    }
}
