//! Rule parameters (RULES.md, table "Parameters"): defaults, the direction that is stricter,
//! and per-mine overrides from `survey.toml [parameters]`. An override that loosens a rule is
//! allowed but is itself reported as the warning finding `parameters.loosened`.

use super::{Finding, Severity};
use crate::error::{Location, Problems};
use crate::i18n::Text;
use crate::text;
use std::collections::BTreeMap;

/// Which direction makes a parameter stricter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stricter {
    Higher,
    Lower,
    /// A definition (e.g. what counts as a bench face): neither direction is stricter.
    Neither,
}

/// Every parameter: name, default, stricter direction.
pub const PARAMETERS: &[(&str, f64, Stricter)] = &[
    ("boundary_pillar_m", 20.0, Stricter::Higher),
    ("fault_pillar_min_m", 20.0, Stricter::Higher),
    ("fault_pillar_k", 4.0, Stricter::Higher),
    ("seam_thickness_m", 3.0, Stricter::Higher),
    ("coal_tensile_mpa", 0.2, Stricter::Lower),
    ("exploration_offset_goaf_m", 30.0, Stricter::Higher),
    ("exploration_offset_goaf_unreliable_m", 60.0, Stricter::Higher),
    ("exploration_offset_anomaly_m", 60.0, Stricter::Higher),
    ("exploration_offset_water_body_m", 60.0, Stricter::Higher),
    ("exploration_offset_fault_m", 20.0, Stricter::Higher),
    ("warning_offset_m", 60.0, Stricter::Higher),
    ("advance_distance_m", 30.0, Stricter::Higher),
    ("lateral_guard_m", 30.0, Stricter::Higher),
    ("gas_content_warn_m3t", 8.0, Stricter::Lower),
    ("burst_spacing_heading_heading_m", 150.0, Stricter::Higher),
    ("burst_spacing_longwall_heading_m", 350.0, Stricter::Higher),
    ("burst_spacing_longwall_longwall_m", 500.0, Stricter::Higher),
    ("declared_tolerance_m", 50.0, Stricter::Lower),
    ("cluster_radius_m", 100.0, Stricter::Higher),
    ("hidden_min_people", 3.0, Stricter::Lower),
    ("hidden_min_days", 2.0, Stricter::Lower),
    ("goaf_unreliable_many", 5.0, Stricter::Lower),
    ("slope_tolerance", 0.0, Stricter::Lower),
    // PLANNING.md: advance drilling and drainage design, the as-drilled check.
    ("plan_reach_m", 80.0, Stricter::Higher),
    ("plan_min_allowed_advance_m", 10.0, Stricter::Higher),
    ("plan_collar_spread_m", 1.5, Stricter::Lower),
    ("plan_terminal_spacing_m", 3.0, Stricter::Lower),
    ("plan_terminal_spacing_vertical_m", 1.5, Stricter::Lower),
    ("thick_seam_m", 3.5, Stricter::Lower),
    ("casing_min_m", 10.0, Stricter::Higher),
    ("coal_drilling_max_mpa", 1.0, Stricter::Lower),
    ("drain_min_holes", 2.0, Stricter::Higher),
    ("drain_rate_m3h", 30.0, Stricter::Lower),
    ("drain_days_max", 30.0, Stricter::Lower),
    ("drill_end_tolerance_m", 2.0, Stricter::Lower),
    // SLOPES.md: benches measured from LiDAR, slope monitoring.
    ("slope_dem_cell_m", 0.5, Stricter::Lower),
    ("slope_profile_spacing_m", 5.0, Stricter::Lower),
    ("slope_profile_step_m", 0.25, Stricter::Lower),
    ("slope_angle_window_m", 1.0, Stricter::Lower),
    ("slope_face_min_deg", 35.0, Stricter::Neither),
    ("slope_flat_max_deg", 15.0, Stricter::Neither),
    ("slope_min_bench_m", 2.0, Stricter::Lower),
    ("slope_percentile", 90.0, Stricter::Higher),
    ("dod_min_m", 0.1, Stricter::Lower),
    ("slope_rate_window_h", 24.0, Stricter::Higher),
    ("slope_rate_warn_mm_d", 5.0, Stricter::Lower),
    ("slope_rate_alarm_mm_d", 10.0, Stricter::Lower),
    ("monitoring_max_gap_h", 24.0, Stricter::Lower),
    // MONITORING.md: the live mine, alarms and withdrawal, daily cross-comparison.
    ("watch_commit_ms", 200.0, Stricter::Lower),
    ("presence_window_min", 30.0, Stricter::Higher),
    ("ch4_stop_pct", 1.0, Stricter::Lower),
    ("ch4_withdraw_pct", 1.5, Stricter::Lower),
    ("withdraw_radius_gas_m", 200.0, Stricter::Higher),
    ("withdraw_radius_water_m", 500.0, Stricter::Higher),
    ("inrush_factor", 2.0, Stricter::Lower),
    ("inrush_min_m3h", 10.0, Stricter::Lower),
    ("flatline_h", 8.0, Stricter::Lower),
    ("flatline_range_pct", 0.01, Stricter::Higher),
    ("stopped_power_ratio", 0.4, Stricter::Lower),
    ("output_mismatch_ratio", 0.15, Stricter::Lower),
    ("energy_mismatch_days", 5.0, Stricter::Lower),
    ("energy_mismatch_factor", 1.5, Stricter::Lower),
    ("month_over_ratio", 0.1, Stricter::Lower),
    ("ledger_assign_days", 3.0, Stricter::Lower),
    ("ledger_close_window_days", 92.0, Stricter::Higher),
];

/// The parameters in force for one mine.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    values: BTreeMap<&'static str, f64>,
}

impl Default for Params {
    fn default() -> Self {
        Self { values: PARAMETERS.iter().map(|(n, v, _)| (*n, *v)).collect() }
    }
}

impl Params {
    /// The value of parameter `name` (a name of [`PARAMETERS`]).
    pub fn get(&self, name: &str) -> f64 {
        self.values
            .get(name)
            .copied()
            .unwrap_or_else(|| PARAMETERS.iter().find(|(n, _, _)| *n == name).map_or(f64::NAN, |p| p.1))
    }

    /// Apply overrides. Unknown names and non-finite values are errors (at `at`); loosening
    /// overrides give `parameters.loosened` warnings.
    pub fn with_overrides(overrides: &BTreeMap<String, f64>, at: &Location, ps: &mut Problems) -> (Self, Vec<Finding>) {
        let mut p = Self::default();
        let mut loosened = Vec::new();
        for (name, &v) in overrides {
            let Some(&(n, default, dir)) = PARAMETERS.iter().find(|(n, _, _)| *n == name.as_str()) else {
                let known = PARAMETERS.iter().map(|p| p.0).collect::<Vec<_>>().join(", ");
                ps.error(
                    at.clone().field(name),
                    text!("未知参数 \"{}\"（可用: {}）", "unknown parameter \"{}\" (known: {})", name, known),
                );
                continue;
            };
            if !v.is_finite() || v < 0.0 {
                ps.error(at.clone().field(name), text!("参数值无效: {}", "invalid parameter value: {}", v));
                continue;
            }
            let positive = [
                "slope_dem_cell_m",
                "slope_profile_spacing_m",
                "slope_profile_step_m",
                "slope_angle_window_m",
                "slope_rate_window_h",
                "watch_commit_ms",
                "ledger_close_window_days",
                "flatline_h",
                "inrush_factor",
                "energy_mismatch_days",
            ];
            let bad = (positive.contains(&n) && v <= 0.0)
                || (n == "slope_percentile" && v > 100.0)
                || (n.ends_with("_deg") && v > 90.0);
            if bad {
                ps.error(at.clone().field(name), text!("参数值超出范围: {}", "parameter value out of range: {}", v));
                continue;
            }
            p.values.insert(n, v);
            let looser = match dir {
                Stricter::Higher => v < default,
                Stricter::Lower => v > default,
                Stricter::Neither => false,
            };
            if looser {
                loosened.push(Finding {
                    rule: "parameters.loosened",
                    severity: Severity::Warning,
                    planned: false,
                    working: None,
                    feature: Some(n.to_string()),
                    at: None,
                    measured: Some(v),
                    limit: Some(default),
                    message: text!(
                        "参数 {} 放宽为 {}（默认 {}）",
                        "parameter {} loosened to {} (default {})",
                        n,
                        v,
                        default
                    ),
                    basis: Text::new(
                        "RULES.md 参数表：放宽须说明理由",
                        "RULES.md parameter table: loosening must be justified",
                    ),
                    extra: Vec::new(),
                });
            }
        }
        (p, loosened)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_loosening_and_unknown_names() {
        let mut o = BTreeMap::new();
        o.insert("exploration_offset_goaf_m".to_string(), 80.0); // stricter
        o.insert("declared_tolerance_m".to_string(), 70.0); // looser (lower is stricter)
        o.insert("boundary_pillar_m".to_string(), 15.0); // looser
        let mut ps = Problems::default();
        let (p, f) = Params::with_overrides(&o, &Location::default(), &mut ps);
        assert!(ps.0.is_empty());
        assert_eq!(p.get("exploration_offset_goaf_m"), 80.0);
        assert_eq!(p.get("warning_offset_m"), 60.0);
        let names: Vec<_> = f.iter().filter_map(|f| f.feature.clone()).collect();
        assert_eq!(names, vec!["boundary_pillar_m".to_string(), "declared_tolerance_m".to_string()]);
        o.insert("no_such".to_string(), 1.0);
        let _ = Params::with_overrides(&o, &Location::default(), &mut ps);
        assert_eq!(ps.0.len(), 1);
        assert_eq!(ps.0[0].at.field.as_deref(), Some("no_such"));
    }
}
