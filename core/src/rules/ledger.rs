//! Findings from the major-hazard ledger (LEDGER.md "Findings from the ledger"): overdue,
//! unassigned, close_recommended and repeat. They run only when the store has a ledger.

use super::context::Ctx;
use super::{Finding, Severity};
use crate::ledger::{Hazard, Ledger, Status};
use crate::text;
use chrono::NaiveDate;

pub const RULES: [&str; 4] = ["ledger.overdue", "ledger.unassigned", "ledger.close_recommended", "ledger.repeat"];

fn basis_closed_loop() -> crate::i18n::Text {
    text!(
        "《关于进一步加强矿山安全生产工作的意见》（2024）：重大事故隐患整改销号、台账化闭环管理，五落实",
        "2024 hard measures: major hazards rectified and closed (销号) under a closed-loop ledger, with the five items in place"
    )
}

fn hazard_finding(rule: &'static str, sev: Severity, h: &Hazard, message: crate::i18n::Text) -> Finding {
    Finding::new(
        rule,
        sev,
        false,
        h.working.clone(),
        Some(h.id.clone()),
        None,
        None,
        None,
        message,
        basis_closed_loop(),
    )
}

/// When the mine was producing: always (some working is active now), or on the dates a
/// working was updated and the days the daily series shows coal hoisted without a declared
/// stop. Built once per check, then asked per window in O(log n).
struct Production {
    always: bool,
    dates: Vec<NaiveDate>,
}

impl Production {
    fn new(ctx: &Ctx<'_>) -> Self {
        let s = ctx.survey;
        let always = s.layers.workings.iter().any(super::licence::is_active);
        let mut dates: Vec<NaiveDate> = s
            .layers
            .workings
            .iter()
            .filter_map(|w| w.updated.as_deref())
            .filter_map(|u| NaiveDate::parse_from_str(u.get(..10).unwrap_or(u), "%Y-%m-%d").ok())
            .chain(
                s.daily
                    .iter()
                    .filter(|d| d.coal_t.is_some_and(|c| c > 0.0) && d.declared_stop != Some(true))
                    .map(|d| d.date),
            )
            .collect();
        dates.sort_unstable();
        Self { always, dates }
    }

    /// Producing between `a` and `b` (inclusive)?
    fn between(&self, a: NaiveDate, b: NaiveDate) -> bool {
        self.always || self.dates.get(self.dates.partition_point(|d| *d < a)).is_some_and(|d| *d <= b)
    }
}

/// The ledger's findings as of `ctx.as_of`.
pub fn findings(ctx: &Ctx<'_>, l: &Ledger) -> Vec<Finding> {
    let as_of = ctx.as_of;
    let mut out = Vec::new();
    let assign_days = ctx.params.get("ledger_assign_days");
    for h in &l.hazards {
        if h.status != Status::Closed {
            if let Some(d) = h.deadline.filter(|d| *d < as_of) {
                out.push(hazard_finding(
                    "ledger.overdue",
                    Severity::Major,
                    h,
                    text!(
                        "重大事故隐患 {}（{}）整改期限 {} 已过，仍未销号（{}）",
                        "major hazard {} ({}) is past its deadline {} and not closed ({})",
                        h.id,
                        h.rule,
                        d,
                        h.status.as_str()
                    ),
                ));
            }
        }
        let open_days = (as_of - h.opened_on()).num_days();
        if h.status == Status::Open && (open_days as f64) > assign_days {
            let mut f = hazard_finding(
                "ledger.unassigned",
                Severity::Warning,
                h,
                text!(
                    "重大事故隐患 {}（{}）已登记 {} 天，五落实（责任、措施、资金、时限、预案）仍未落实",
                    "major hazard {} ({}) has been open {} days without the five items (responsibility, measures, funds, deadline, plan)",
                    h.id,
                    h.rule,
                    open_days
                ),
            );
            f.measured = Some(open_days as f64);
            f.limit = Some(assign_days);
            out.push(f);
        }
        if h.reopened >= 1 {
            out.push(hazard_finding(
                "ledger.repeat",
                Severity::Warning,
                h,
                text!(
                    "重大事故隐患 {}（{}）销号后再次出现 {} 次（屡改屡犯）",
                    "major hazard {} ({}) came back {} time(s) after it was closed (repeat offence)",
                    h.id,
                    h.rule,
                    h.reopened
                ),
            ));
        }
    }
    if let Some(f) = close_recommended(ctx, l) {
        out.push(f);
    }
    out
}

/// ≥ 2 hazard openings (first openings and reopenings, up to as-of) within any window of
/// `ledger_close_window_days` consecutive days (92: dates at most 91 days apart) while the mine
/// was producing.
fn close_recommended(ctx: &Ctx<'_>, l: &Ledger) -> Option<Finding> {
    let window = ctx.params.get("ledger_close_window_days").round().max(1.0) as i64;
    let mut opened: Vec<(NaiveDate, &str)> = l
        .hazards
        .iter()
        .flat_map(|h| h.openings.iter().map(move |d| (*d, h.id.as_str())))
        .filter(|(d, _)| *d <= ctx.as_of)
        .collect();
    opened.sort();
    // Two pointers: the widest group of openings inside a window, ending at each opening.
    let production = Production::new(ctx);
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    for j in 0..opened.len() {
        while (opened[j].0 - opened[i].0).num_days() >= window {
            i += 1;
        }
        let n = j - i + 1;
        let window_end = opened[i].0 + chrono::Duration::days(window - 1);
        if n >= 2 && production.between(opened[i].0, window_end) && best.is_none_or(|(a, b)| n > b - a + 1) {
            best = Some((i, j));
        }
    }
    let (i, j) = best?;
    let ids: Vec<&str> = opened[i..=j].iter().map(|(_, id)| *id).collect();
    let mut f = Finding::new(
        "ledger.close_recommended",
        Severity::Major,
        false,
        None,
        Some("mine".into()),
        None,
        Some((j - i + 1) as f64),
        Some(2.0),
        text!(
            "{} 至 {} 的 {} 天内生产期间发现 {} 次重大事故隐患（{}）：依《安全生产法》第一百一十三条提请关闭",
            "{} major hazards found between {} and {} ({} days) while producing ({}): closure to be proposed (Work Safety Law art. 113)",
            opened[i].0,
            opened[j].0,
            window,
            j - i + 1,
            ids.join(", ")
        ),
        text!(
            "《安全生产法》第一百一十三条；2024 年硬措施：3 个月内 2 次以上发现重大事故隐患仍进行生产的，提请关闭",
            "Work Safety Law art. 113; 2024 hard measures: a mine found twice within 3 months with major hazards while producing is proposed for closure"
        ),
    );
    f.extra.push(("hazards", serde_json::json!(ids)));
    Some(f)
}

#[cfg(test)]
mod tests {
    use crate::ledger::{Hazard, Ledger, Status};
    use crate::model::{Survey, Working, WorkingKind, WorkingStatus};
    use crate::rules::{Assessment, Finding};
    use chrono::{Days, NaiveDate};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn hazard(n: usize, opened: NaiveDate) -> Hazard {
        Hazard {
            id: crate::ledger::hazard_id(n),
            rule: "zones.no_mining_entered".into(),
            working: Some(format!("W{n}")),
            feature: Some("Z1".into()),
            severity: "major".into(),
            found_at: opened,
            found_by: "张三".into(),
            status: Status::Open,
            responsible: None,
            measures: None,
            funds_cny: None,
            deadline: None,
            plan: None,
            reopened: 0,
            closed_at: None,
            closed_by: None,
            openings: vec![opened],
            rectified_by: None,
        }
    }

    fn run(hazards: Vec<Hazard>, as_of: NaiveDate, status: WorkingStatus) -> Vec<Finding> {
        let mut s = Survey::default();
        s.layers.workings.push(Working {
            id: "W1".into(),
            name: None,
            kind: WorkingKind::Heading,
            status,
            seam: None,
            declared: Some(true),
            updated: None,
            line: vec![[0.0, 0.0, 0.0], [10.0, 0.0, 0.0]],
        });
        s.ledger = Some(Ledger::new(Vec::new(), hazards));
        let a = Assessment::new(s, as_of).expect("assess");
        a.findings().filter(|f| f.rule.starts_with("ledger.")).cloned().collect()
    }

    fn rules(f: &[Finding]) -> Vec<(&str, Option<&str>)> {
        f.iter().map(|f| (f.rule, f.feature.as_deref())).collect()
    }

    #[test]
    fn close_recommended_counts_two_openings_within_92_days() {
        let first = d("2026-01-10");
        for (gap, fires) in [(90u64, true), (91, true), (92, false), (93, false)] {
            let second = first.checked_add_days(Days::new(gap)).expect("date");
            let f = run(vec![hazard(1, first), hazard(2, second)], second, WorkingStatus::Active);
            let got = f.iter().find(|f| f.rule == "ledger.close_recommended");
            assert_eq!(got.is_some(), fires, "gap {gap} days: {:?}", rules(&f));
            if let Some(c) = got {
                assert_eq!((c.working.as_deref(), c.feature.as_deref()), (None, Some("mine")));
                assert_eq!(c.severity, crate::rules::Severity::Major);
                assert_eq!(c.measured, Some(2.0));
            }
        }
        // Not producing (no active working, no production): no proposal.
        let f = run(vec![hazard(1, first), hazard(2, first)], first, WorkingStatus::Existing);
        assert!(!rules(&f).contains(&("ledger.close_recommended", Some("mine"))));
        // A hazard opened after the as-of date does not count yet.
        let f = run(vec![hazard(1, first), hazard(2, d("2026-02-01"))], d("2026-01-20"), WorkingStatus::Active);
        assert!(!rules(&f).contains(&("ledger.close_recommended", Some("mine"))));
    }

    #[test]
    fn overdue_unassigned_and_repeat() {
        let opened = d("2026-03-01");
        let mut late = hazard(1, opened);
        late.status = Status::Assigned;
        late.deadline = Some(d("2026-03-10"));
        late.responsible = Some("李四".into());
        let mut closed_late = hazard(2, opened);
        closed_late.status = Status::Closed;
        closed_late.deadline = Some(d("2026-03-05"));
        let mut again = hazard(3, d("2025-01-01"));
        again.reopened = 1;
        again.openings.push(d("2026-03-01"));
        // As of 2026-03-04: open 3 days — not yet unassigned; nothing overdue.
        let f = run(vec![late.clone(), closed_late.clone(), again.clone()], d("2026-03-04"), WorkingStatus::Active);
        let r = rules(&f);
        assert!(!r.iter().any(|x| x.0 == "ledger.unassigned"), "{r:?}");
        assert!(!r.iter().any(|x| x.0 == "ledger.overdue"), "{r:?}");
        assert!(r.contains(&("ledger.repeat", Some("HZ-000003"))));
        // As of 2026-03-05: hazard 3 (reopened 03-01, still open) is unassigned > 3 days.
        let f = run(vec![late.clone(), closed_late.clone(), again.clone()], d("2026-03-05"), WorkingStatus::Active);
        assert!(rules(&f).contains(&("ledger.unassigned", Some("HZ-000003"))));
        // As of 2026-03-11: hazard 1 is overdue; a closed one never is.
        let f = run(vec![late, closed_late, again], d("2026-03-11"), WorkingStatus::Active);
        let r = rules(&f);
        assert!(r.contains(&("ledger.overdue", Some("HZ-000001"))), "{r:?}");
        assert!(!r.contains(&("ledger.overdue", Some("HZ-000002"))), "{r:?}");
        let o = f.iter().find(|x| x.rule == "ledger.overdue").expect("overdue");
        assert_eq!((o.working.as_deref(), o.severity), (Some("W1"), crate::rules::Severity::Major));
    }
}
