//! Cross-comparison of the daily data (数据比对, MONITORING.md): production while declared
//! stopped, transport beyond output (瞒产), energy beyond output, and output beyond the licensed
//! capacity (超能力、超强度).
//!
//! Basis: 《国务院办公厅关于进一步加强矿山安全生产工作的意见》(2024) and the hard measures:
//! inspectors compare production, transport, gas, water, power and explosives data with the
//! monitoring systems to find concealed faces and over-capacity mining; 《煤矿重大事故隐患判定标准》
//! 第三条 (超能力、超强度或者超定员组织生产) and 第十五条 (隐蔽工作面).
//!
//! Readings of the contract (it leaves these open):
//! - a *run* is a set of consecutive calendar days each of which qualifies; days after the as-of
//!   date are not considered;
//! - "the median power of the previous 30 days with declared_stop = 0" is the median over the 30
//!   most recent earlier days with `declared_stop = 0` and a power value (fewer when the series
//!   is shorter; none → the power test does not apply that day);
//! - a 7-day window is seven consecutive calendar days, each with both coal_t and transport_t
//!   reported; windows that overlap (ends ≤ 6 days apart) merge into one finding whose measured
//!   value is the largest excess ratio (transport − coal) / coal (null when coal is 0);
//! - a producing day has coal_t > 0; the energy median is over the 90 most recent earlier
//!   producing days with power reported;
//! - `licence.over_intensity` looks at every calendar month up to the as-of date, its feature
//!   the month's first and last day.
//! - positioning fixes count on the calendar day of their own time (its offset).

use super::{Ctx, Finding, Severity};
use crate::i18n::Text;
use crate::model::Daily;
use crate::text;
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The rules of this family (all need `monitoring/daily.csv`).
pub const RULES: [&str; 5] = [
    "hidden.production_while_stopped",
    "hidden.output_mismatch",
    "hidden.energy_mismatch",
    "licence.over_capacity",
    "licence.over_intensity",
];

fn basis_hidden() -> Text {
    Text::new(
        "硬措施：利用安全监控、人员定位、用电监测系统，比对产量、运输、瓦斯、水量、电量、火工品数据，\
         查处隐蔽工作面和超能力生产；《煤矿重大事故隐患判定标准》第十五条",
        "Hard measures (2024): compare production, transport, gas, water, power and explosives data with \
         the monitoring systems to find concealed faces; Criteria for Major Accident Hazards, art. 15",
    )
}

fn basis_capacity() -> Text {
    Text::new(
        "《煤矿重大事故隐患判定标准》第三条：超能力、超强度组织生产（年产量超过核定能力，月产量超过核定能力的 1/12 的 110%）",
        "Criteria for Major Accident Hazards, art. 3: production beyond the approved capacity (year) \
         or intensity (a month beyond 110 % of a twelfth)",
    )
}

/// A finding of the family: no working, no place; the feature names the days.
fn run_finding(
    rule: &'static str,
    severity: Severity,
    feature: Option<String>,
    measured: Option<f64>,
    limit: Option<f64>,
    message: Text,
    basis: Text,
) -> Finding {
    Finding::new(rule, severity, false, None, feature, None, measured, limit, message, basis)
}

fn span(a: NaiveDate, b: NaiveDate) -> String {
    format!("{a}..{b}")
}

/// The median (mean of the middle two for an even count); None when empty.
pub(crate) fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}

/// Distinct persons with a fix on each declared-stopped day (the only days the count is used).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StopDayPeople {
    days: HashMap<NaiveDate, HashSet<String>>,
}

impl StopDayPeople {
    pub fn new(daily: &[Daily], fixes: &[crate::model::Fix]) -> Self {
        let mut s = Self {
            days: daily.iter().filter(|d| d.declared_stop == Some(true)).map(|d| (d.date, HashSet::new())).collect(),
        };
        for f in fixes {
            s.add(&f.time, &f.person_id);
        }
        s
    }

    /// Count a fix; true when it added a person to a stopped day.
    pub fn add(&mut self, time: &str, person: &str) -> bool {
        if self.days.is_empty() {
            return false;
        }
        let Some(date) = time.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) else {
            return false;
        };
        match self.days.get_mut(&date) {
            Some(set) if !set.contains(person) => set.insert(person.to_string()),
            _ => false,
        }
    }

    pub fn count(&self, date: NaiveDate) -> usize {
        self.days.get(&date).map_or(0, HashSet::len)
    }
}

/// Every finding of the family (empty without daily data).
pub fn findings(ctx: &Ctx<'_>, people: &StopDayPeople) -> Vec<Finding> {
    let days: Vec<&Daily> = ctx.survey.daily.iter().filter(|d| d.date <= ctx.as_of).collect();
    if days.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    production_while_stopped(ctx, &days, people, &mut out);
    output_mismatch(ctx, &days, &mut out);
    energy_mismatch(ctx, &days, &mut out);
    capacity(ctx, &days, &mut out);
    out
}

/// Group consecutive calendar days (sorted input) into runs.
fn runs<T>(items: Vec<(NaiveDate, T)>) -> Vec<Vec<(NaiveDate, T)>> {
    let mut out: Vec<Vec<(NaiveDate, T)>> = Vec::new();
    for it in items {
        match out.last_mut() {
            Some(run) if run.last().is_some_and(|(d, _)| *d + Duration::days(1) == it.0) => run.push(it),
            _ => out.push(vec![it]),
        }
    }
    out
}

/// A stopped day that qualifies: its power ratio (when known) and why.
type StopHit = (Option<f64>, Vec<&'static str>);

fn production_while_stopped(ctx: &Ctx<'_>, days: &[&Daily], people: &StopDayPeople, out: &mut Vec<Finding>) {
    let ratio = ctx.params.get("stopped_power_ratio");
    let min_people = ctx.params.get("hidden_min_people");
    let mut baseline: Vec<f64> = Vec::new(); // powers of earlier producing-declared days, in order
    let mut hits: Vec<(NaiveDate, StopHit)> = Vec::new();
    for d in days {
        if d.declared_stop == Some(true) {
            let mut why = Vec::new();
            if d.explosives_kg.is_some_and(|v| v > 0.0) {
                why.push("explosives");
            }
            if d.transport_t.is_some_and(|v| v > 0.0) {
                why.push("transport");
            }
            let start = baseline.len().saturating_sub(30);
            let med = median(&mut baseline[start..].to_vec());
            // power_kwh > ratio × median, as written (a median of 0 makes any power count).
            if let (Some(p), Some(m)) = (d.power_kwh, med) {
                if p > ratio * m {
                    why.push("power");
                }
            }
            let pr = match (d.power_kwh, med) {
                (Some(p), Some(m)) if m > 0.0 => Some(p / m),
                _ => None,
            };
            if people.count(d.date) as f64 >= min_people {
                why.push("positioning");
            }
            if !why.is_empty() {
                hits.push((d.date, (pr, why)));
            }
        } else if d.declared_stop == Some(false) {
            if let Some(p) = d.power_kwh {
                baseline.push(p);
            }
        }
    }
    for run in runs(hits) {
        let (a, b) = (run[0].0, run[run.len() - 1].0);
        let measured =
            run.iter().filter_map(|(_, (r, _))| *r).fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
        let mut why: Vec<&str> = run.iter().flat_map(|(_, (_, w))| w.iter().copied()).collect();
        why.sort_unstable();
        why.dedup();
        let zh: Vec<&str> = why
            .iter()
            .map(|w| match *w {
                "explosives" => "领用火工品",
                "transport" => "有运输量",
                "power" => "用电量超常",
                _ => "井下有人员定位",
            })
            .collect();
        out.push(run_finding(
            "hidden.production_while_stopped",
            Severity::Major,
            Some(span(a, b)),
            measured,
            Some(ratio),
            Text {
                zh: format!("{a} 至 {b} 申报停产 {} 天，但{}", run.len(), zh.join("、")),
                en: format!("{a} to {b}: declared stopped for {} days, yet {}", run.len(), why.join(", ")),
            },
            basis_hidden(),
        ));
    }
}

fn output_mismatch(ctx: &Ctx<'_>, days: &[&Daily], out: &mut Vec<Finding>) {
    let ratio = ctx.params.get("output_mismatch_ratio");
    let by_date: BTreeMap<NaiveDate, &Daily> = days.iter().map(|d| (d.date, *d)).collect();
    // Flagged windows: (end date, excess ratio or None when coal is 0).
    let mut flagged: Vec<(NaiveDate, Option<f64>)> = Vec::new();
    for &end in by_date.keys() {
        let (mut coal, mut transport) = (0.0, 0.0);
        let complete = (0..7).all(|k| {
            let d = by_date.get(&(end - Duration::days(k)));
            match d.and_then(|d| Some((d.coal_t?, d.transport_t?))) {
                Some((c, t)) => {
                    coal += c;
                    transport += t;
                    true
                }
                None => false,
            }
        });
        // "exceeds by more than the ratio", written so that exactly the ratio is not beyond it
        // in floating point (115 t on 100 t at 0.15).
        if complete && transport - coal > ratio * coal {
            flagged.push((end, (coal > 0.0).then(|| (transport - coal) / coal)));
        }
    }
    let mut groups: Vec<Vec<(NaiveDate, Option<f64>)>> = Vec::new();
    for w in flagged {
        match groups.last_mut() {
            Some(g) if g.last().is_some_and(|(e, _)| w.0 - *e <= Duration::days(6)) => g.push(w),
            _ => groups.push(vec![w]),
        }
    }
    for g in groups {
        let (a, b) = (g[0].0 - Duration::days(6), g[g.len() - 1].0);
        let measured = g.iter().filter_map(|(_, r)| *r).fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
        out.push(run_finding(
            "hidden.output_mismatch",
            Severity::Major,
            Some(span(a, b)),
            measured,
            Some(ratio),
            text!(
                "{} 至 {}：7 日运输量超过产量 {:.0}% 以上（瞒报产量？）",
                "{} to {}: 7-day transport exceeds output by more than {:.0} % (output under-declared?)",
                a,
                b,
                ratio * 100.0
            ),
            basis_hidden(),
        ));
    }
}

fn energy_mismatch(ctx: &Ctx<'_>, days: &[&Daily], out: &mut Vec<Finding>) {
    let factor = ctx.params.get("energy_mismatch_factor");
    let min_days = ctx.params.get("energy_mismatch_days");
    let mut history: Vec<f64> = Vec::new(); // kWh/t of earlier producing days
                                            // (index in the sequence of producing days, date, ratio): consecutive producing days are
                                            // consecutive indices (a non-producing day between them does not break the run).
    let mut hits: Vec<(usize, NaiveDate, f64)> = Vec::new();
    let mut k = 0usize;
    for d in days {
        let Some(c) = d.coal_t.filter(|c| *c > 0.0) else { continue };
        let Some(p) = d.power_kwh else { continue };
        k += 1;
        let e = p / c;
        let start = history.len().saturating_sub(90);
        if let Some(m) = median(&mut history[start..].to_vec()).filter(|m| *m > 0.0) {
            if e > factor * m {
                hits.push((k, d.date, e / m));
            }
        }
        history.push(e);
    }
    let mut grouped: Vec<Vec<(NaiveDate, f64)>> = Vec::new();
    let mut last_k = usize::MAX;
    for (k, d, r) in hits {
        match grouped.last_mut() {
            Some(g) if last_k + 1 == k => g.push((d, r)),
            _ => grouped.push(vec![(d, r)]),
        }
        last_k = k;
    }
    for run in grouped {
        if (run.len() as f64) < min_days {
            continue;
        }
        let (a, b) = (run[0].0, run[run.len() - 1].0);
        let measured = run.iter().map(|(_, r)| *r).fold(f64::MIN, f64::max);
        out.push(run_finding(
            "hidden.energy_mismatch",
            Severity::Warning,
            Some(span(a, b)),
            Some(measured),
            Some(factor),
            text!(
                "{} 至 {} 连续 {} 个生产日吨煤电耗超过前 90 个生产日中位数的 {} 倍（有未申报的产出？）",
                "{} to {}: {} consecutive producing days with power per tonne above {} × the median of the previous 90 producing days (undeclared output?)",
                a,
                b,
                run.len(),
                factor
            ),
            basis_hidden(),
        ));
    }
}

fn month_end(y: i32, m: u32) -> NaiveDate {
    let first_next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    first_next.map_or(NaiveDate::MAX, |d| d - Duration::days(1))
}

fn capacity(ctx: &Ctx<'_>, days: &[&Daily], out: &mut Vec<Finding>) {
    let Some(cap) = ctx.survey.meta.licence.capacity_mt_per_year else { return };
    let cap_t = cap * 1e6;
    let from = ctx.as_of - Duration::days(364);
    let year: f64 = days.iter().filter(|d| d.date >= from).filter_map(|d| d.coal_t).sum();
    if year > cap_t {
        out.push(run_finding(
            "licence.over_capacity",
            Severity::Major,
            Some(span(from, ctx.as_of)),
            Some(year),
            Some(cap_t),
            text!(
                "截至 {} 的 365 天产量 {:.0} t，超过核定能力 {} Mt/a",
                "coal over the 365 days to {}: {:.0} t, beyond the approved capacity of {} Mt/a",
                ctx.as_of,
                year,
                cap
            ),
            basis_capacity(),
        ));
    }
    let ratio = ctx.params.get("month_over_ratio");
    let month_limit = cap_t / 12.0 * (1.0 + ratio);
    let mut months: BTreeMap<(i32, u32), f64> = BTreeMap::new();
    for d in days {
        if let Some(c) = d.coal_t {
            *months.entry((d.date.year(), d.date.month())).or_default() += c;
        }
    }
    for ((y, m), t) in months {
        if t > month_limit {
            let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN);
            out.push(run_finding(
                "licence.over_intensity",
                Severity::Warning,
                Some(span(first, month_end(y, m))),
                Some(t),
                Some(month_limit),
                text!(
                    "{}-{:02} 月产量 {:.0} t，超过核定能力的 1/12 × {}（{:.0} t）",
                    "{}-{:02}: monthly output {:.0} t beyond a twelfth of the capacity × {} ({:.0} t)",
                    y,
                    m,
                    t,
                    1.0 + ratio,
                    month_limit
                ),
                basis_capacity(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Fix, Survey};
    use crate::rules::pillars::testkit::params;
    use crate::rules::{Assessment, Params};
    use approx::assert_abs_diff_eq;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn day(d: NaiveDate, coal: f64, transport: f64, power: f64, stop: bool) -> Daily {
        Daily {
            date: d,
            coal_t: Some(coal),
            transport_t: Some(transport),
            power_kwh: Some(power),
            gas_m3: None,
            water_m3: None,
            explosives_kg: Some(0.0),
            declared_stop: Some(stop),
        }
    }

    fn run(s: &Survey, p: &Params, as_of: &str) -> Vec<Finding> {
        let a = Assessment::with_params(s.clone(), p.clone(), Vec::new(), date(as_of));
        let mut v: Vec<Finding> = a.findings().filter(|f| RULES.contains(&f.rule)).cloned().collect();
        v.sort_by(|a, b| (a.rule, &a.feature).cmp(&(b.rule, &b.feature)));
        v
    }

    fn features(f: &[Finding], rule: &str) -> Vec<String> {
        f.iter().filter(|f| f.rule == rule).filter_map(|f| f.feature.clone()).collect()
    }

    /// 30 producing days at 10 000 kWh (median 10 000), then six declared-stopped days.
    fn stopped_mine() -> Survey {
        let mut s = Survey::default();
        let d0 = date("2026-03-01");
        for k in 0..30 {
            s.daily.push(day(d0 + Duration::days(k), 1000.0, 1000.0, 10_000.0, false));
        }
        // 03-31 power ratio 0.3 (≤ 0.4: nothing); 04-01 0.5; 04-02 explosives; 04-03 0.7;
        // 04-04 quiet; 04-05 transport.
        let stops = [
            (3000.0, 0.0, 0.0),
            (5000.0, 0.0, 0.0),
            (2000.0, 20.0, 0.0),
            (7000.0, 0.0, 0.0),
            (1000.0, 0.0, 0.0),
            (1000.0, 0.0, 50.0),
        ];
        for (k, (p, e, t)) in stops.iter().enumerate() {
            let mut d = day(date("2026-03-31") + Duration::days(k as i64), 0.0, *t, *p, true);
            d.explosives_kg = Some(*e);
            s.daily.push(d);
        }
        s
    }

    #[test]
    fn production_while_stopped_runs_and_their_largest_power_ratio() {
        let mut s = stopped_mine();
        let f = run(&s, &Params::default(), "2026-04-30");
        assert_eq!(
            features(&f, "hidden.production_while_stopped"),
            ["2026-04-01..2026-04-03", "2026-04-05..2026-04-05"]
        );
        assert_abs_diff_eq!(f[0].measured.expect("ratio"), 0.7, epsilon = 1e-12);
        assert_abs_diff_eq!(f[1].measured.expect("ratio"), 0.1, epsilon = 1e-12);
        assert_eq!(f[0].limit, Some(0.4));
        // Three persons underground on the quiet 04-04 join the two runs into one.
        for p in ["A", "B", "C"] {
            s.positioning.push(Fix { time: "2026-04-04T10:00:00+08:00".into(), person_id: p.into(), pos: [0.0; 3] });
        }
        let f = run(&s, &Params::default(), "2026-04-30");
        assert_eq!(features(&f, "hidden.production_while_stopped"), ["2026-04-01..2026-04-05"]);
        // Two persons are not enough (hidden_min_people = 3).
        s.positioning.pop();
        let f = run(&s, &Params::default(), "2026-04-30");
        assert_eq!(features(&f, "hidden.production_while_stopped").len(), 2);
        // Days after the as-of date are not looked at.
        let f = run(&s, &Params::default(), "2026-04-02");
        assert_eq!(features(&f, "hidden.production_while_stopped"), ["2026-04-01..2026-04-02"]);
        assert_abs_diff_eq!(f[0].measured.expect("ratio"), 0.5, epsilon = 1e-12);
    }

    #[test]
    fn output_mismatch_merges_overlapping_windows() {
        let mut s = Survey::default();
        let d0 = date("2026-01-01");
        for k in 0..10 {
            let t = if (4..7).contains(&k) { 150.0 } else { 100.0 };
            s.daily.push(day(d0 + Duration::days(k), 100.0, t, 1000.0, false));
        }
        // Every complete window (ends 01-07 … 01-10) holds the three 150 t days: 850 / 700.
        let f = run(&s, &Params::default(), "2026-01-31");
        assert_eq!(features(&f, "hidden.output_mismatch"), ["2026-01-01..2026-01-10"]);
        assert_abs_diff_eq!(f[0].measured.expect("excess"), 150.0 / 700.0, epsilon = 1e-12);
        assert_eq!(f[0].severity, Severity::Major);
        // 100 t more in a week is 14.3 % < 15 %: no finding.
        for d in &mut s.daily {
            d.transport_t = Some(100.0);
        }
        s.daily[4].transport_t = Some(200.0);
        assert!(features(&run(&s, &Params::default(), "2026-01-31"), "hidden.output_mismatch").is_empty());
        // … but it is with the ratio tightened to 0.1.
        let tight = params(&[("output_mismatch_ratio", 0.1)]);
        assert_eq!(features(&run(&s, &tight, "2026-01-31"), "hidden.output_mismatch"), ["2026-01-01..2026-01-10"]);
    }

    #[test]
    fn energy_mismatch_needs_five_consecutive_days() {
        let mut s = Survey::default();
        let d0 = date("2026-02-01");
        for k in 0..20 {
            s.daily.push(day(d0 + Duration::days(k), 100.0, 100.0, 1000.0, false));
        }
        for k in 20..25 {
            s.daily.push(day(d0 + Duration::days(k), 100.0, 100.0, 1600.0, false));
        }
        let f = run(&s, &Params::default(), "2026-03-31");
        assert_eq!(features(&f, "hidden.energy_mismatch"), ["2026-02-21..2026-02-25"]);
        assert_abs_diff_eq!(f[0].measured.expect("ratio"), 1.6, epsilon = 1e-12);
        assert_eq!(f[0].severity, Severity::Warning);
        // Four days are not a run of five.
        s.daily[24].power_kwh = Some(1000.0);
        assert!(features(&run(&s, &Params::default(), "2026-03-31"), "hidden.energy_mismatch").is_empty());
        // Exactly 1.5 × the median is not beyond it.
        for d in &mut s.daily[20..25] {
            d.power_kwh = Some(1500.0);
        }
        assert!(features(&run(&s, &Params::default(), "2026-03-31"), "hidden.energy_mismatch").is_empty());
    }

    #[test]
    fn capacity_over_the_year_and_the_months() {
        let mut s = Survey::default();
        s.meta.licence.capacity_mt_per_year = Some(0.01); // 10 000 t/a; a month 916.7 t
        let d0 = date("2025-01-01");
        for k in 0..365 {
            s.daily.push(day(d0 + Duration::days(k), 30.0, 30.0, 300.0, false));
        }
        let f = run(&s, &Params::default(), "2025-12-31");
        let year = f.iter().find(|f| f.rule == "licence.over_capacity").expect("over capacity");
        assert_abs_diff_eq!(year.measured.expect("t"), 10_950.0, epsilon = 1e-9);
        assert_eq!(year.limit, Some(10_000.0));
        assert_eq!(year.feature.as_deref(), Some("2025-01-01..2025-12-31"));
        // 31-day months carry 930 t > 916.7 t; 30-day months 900 t, February 840 t.
        let months = features(&f, "licence.over_intensity");
        assert_eq!(months.len(), 7, "{months:?}");
        assert_eq!(months[0], "2025-01-01..2025-01-31");
        assert!(months.contains(&"2025-12-01..2025-12-31".to_string()));
        assert!(!months.iter().any(|m| m.starts_with("2025-02") || m.starts_with("2025-04")));
        // Half a year later the 365-day window holds only half the output.
        let f = run(&s, &Params::default(), "2026-06-30");
        assert!(f.iter().all(|f| f.rule != "licence.over_capacity"));
    }

    #[test]
    fn not_evaluated_without_daily_data_or_capacity() {
        let mut s = Survey::default();
        let ne = |s: &Survey| {
            crate::rules::assessment::not_evaluated(s, date("2026-01-01")).iter().map(|n| n.rule).collect::<Vec<_>>()
        };
        for r in RULES {
            assert!(ne(&s).contains(&r), "{r}");
        }
        s.daily.push(day(date("2025-12-31"), 1.0, 1.0, 1.0, false));
        let n = ne(&s);
        assert!(n.contains(&"licence.over_capacity") && !n.contains(&"hidden.output_mismatch"));
        s.meta.licence.capacity_mt_per_year = Some(1.0);
        assert!(!ne(&s).iter().any(|r| RULES.contains(r)));
    }
}
