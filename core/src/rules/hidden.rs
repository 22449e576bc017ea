//! Concealed workings (隐瞒采掘工作面): workings recorded as not declared to the regulator, and
//! clusters of personnel-positioning fixes (人员位置监测) far from every declared working.
//!
//! Basis: 《煤矿重大事故隐患判定标准》(应急管理部令第4号) 第十八条 其他重大事故隐患: 图纸作假、
//! 隐瞒采掘工作面，提供虚假信息、隐瞒下井人数; inspectors compare the personnel-location system
//! with the declared faces.
//! Units: metres (planar, mine CRS); days are calendar dates as written in the fix timestamps.
//!
//! Choices where RULES.md leaves room:
//! - Flags are read as written: `declared = 0` is `Some(false)`, `declared = 1` is `Some(true)`.
//!   A working whose `declared` is unknown is neither reported as undeclared nor counted as a
//!   declared working that explains nearby fixes.
//! - A fix is far when its plan distance to every declared working is > `declared_tolerance_m`
//!   (a fix exactly at the tolerance is near). Far fixes link when ≤ `cluster_radius_m` apart
//!   (single linkage, computed on a grid of cells of side r/√2 with an R-tree per cell: every
//!   pair of cells is decided by nearest-neighbour queries, O(n log n)).
//! - A fix whose time does not parse as RFC 3339 (the reader rejects these) is left out.
//! - Clusters are numbered from 1 by their earliest fix instant (parsed with its offset), ties by
//!   the order of the fixes in the survey. The calendar day of a fix is the first 10 characters
//!   of its timestamp (local date, no time-zone conversion).
//! - The finding is at the centroid: mean x and y of the cluster's fixes; z is the mean of the
//!   known z values, NaN (null in JSON) when no fix of the cluster has a z: unknown, not guessed.
//!   measured = distinct persons, limit = `hidden_min_people`; the days are in the message.

use super::pillars::SegmentIndex;
use super::{Ctx, Finding, Severity};
use crate::i18n::Text;
use crate::model::WorkingStatus;
use crate::text;
use chrono::{DateTime, FixedOffset};
use rstar::primitives::GeomWithData;
use rstar::RTree;
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn basis() -> Text {
    Text::new(
        "《煤矿重大事故隐患判定标准》第十八条：图纸作假、隐瞒采掘工作面，提供虚假信息",
        "Criteria for Major Accident Hazards in Coal Mines, art. 18: falsified drawings, concealed working faces, \
         false information",
    )
}

fn activity_basis() -> Text {
    Text::new(
        "《煤矿重大事故隐患判定标准》第十八条：图纸作假、隐瞒采掘工作面，隐瞒下井人数（人员位置监测数据与申报工作面比对）",
        "Criteria for Major Accident Hazards in Coal Mines, art. 18: concealed working faces, hidden headcount \
         (personnel-location data compared with the declared workings)",
    )
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    undeclared_workings(ctx, out);
    undeclared_activity(ctx, out);
}

/// `hidden.undeclared_working`: an existing or active working with `declared = 0`.
fn undeclared_workings(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for w in ctx.checked("hidden.undeclared_working").filter(|w| w.w.declared == Some(false)) {
        out.push(ctx.finding(
            "hidden.undeclared_working",
            Severity::Major,
            Some(w),
            None,
            w.w.line.last().copied(),
            None,
            None,
            text!(
                "{}（{}，{}）未向监管部门申报",
                "{} ({}, {}) is not declared to the regulator",
                w.w.id,
                w.w.kind,
                w.w.status
            ),
            basis(),
        ));
    }
}

/// Union-find with path halving and union by size.
struct Dsu {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl Dsu {
    fn new(n: usize) -> Self {
        Self { parent: (0..n).collect(), size: vec![1; n] }
    }
    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }
    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}

/// Single-linkage clusters of plan points: points ≤ `r` apart join. Returns a cluster label
/// (a representative point index) per point.
///
/// Points are binned in square cells of side just under r/√2, so two points of one cell are
/// always within r and join at once; a point's partners within r lie in the 5 × 5 cells around
/// it. Each pair of such cells not yet joined is decided by nearest-neighbour queries of the
/// smaller cell's points in the larger cell's R-tree: O(n log n) in all, whatever the density.
pub(crate) fn single_linkage(pts: &[[f64; 2]], r: f64) -> Vec<usize> {
    let n = pts.len();
    let mut dsu = Dsu::new(n);
    if r > 0.0 && r.is_finite() {
        let side = r / std::f64::consts::SQRT_2 * (1.0 - 1e-9);
        let mut cells: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
        for (i, p) in pts.iter().enumerate() {
            cells.entry(((p[0] / side).floor() as i64, (p[1] / side).floor() as i64)).or_default().push(i);
        }
        type Pt = GeomWithData<[f64; 2], usize>;
        let trees: HashMap<(i64, i64), RTree<Pt>> = cells
            .iter()
            .map(|(k, v)| (*k, RTree::bulk_load(v.iter().map(|&i| GeomWithData::new(pts[i], i)).collect())))
            .collect();
        for v in cells.values() {
            for w in v.windows(2) {
                dsu.union(w[0], w[1]);
            }
        }
        let r2 = r * r;
        for (&(cx, cy), members) in &cells {
            for dx in -2i64..=2 {
                for dy in -2i64..=2 {
                    // Each unordered pair of cells once.
                    if (dx, dy) <= (0, 0) {
                        continue;
                    }
                    let key = (cx + dx, cy + dy);
                    let Some(other) = cells.get(&key) else { continue };
                    if dsu.find(members[0]) == dsu.find(other[0]) {
                        continue;
                    }
                    let (small, big) =
                        if members.len() <= other.len() { (members, &trees[&key]) } else { (other, &trees[&(cx, cy)]) };
                    let linked = small.iter().any(|&i| {
                        big.nearest_neighbor(&pts[i]).is_some_and(|q| {
                            let (ex, ey) = (q.geom()[0] - pts[i][0], q.geom()[1] - pts[i][1]);
                            ex * ex + ey * ey <= r2
                        })
                    });
                    if linked {
                        dsu.union(members[0], other[0]);
                    }
                }
            }
        }
    } else {
        // r = 0: only coincident points join.
        let mut seen: HashMap<(u64, u64), usize> = HashMap::new();
        for (i, p) in pts.iter().enumerate() {
            let key = ((p[0] + 0.0).to_bits(), (p[1] + 0.0).to_bits());
            let first = *seen.entry(key).or_insert(i);
            dsu.union(first, i);
        }
    }
    (0..n).map(|i| dsu.find(i)).collect()
}

/// `hidden.undeclared_activity`: clusters of positioning fixes far from every declared working
/// with enough distinct persons on enough distinct days.
fn undeclared_activity(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let fixes = &ctx.survey.positioning;
    if fixes.is_empty() {
        return;
    }
    let tol = ctx.params.get("declared_tolerance_m");
    let radius = ctx.params.get("cluster_radius_m");
    let min_people = ctx.params.get("hidden_min_people");
    let min_days = ctx.params.get("hidden_min_days");
    let declared = SegmentIndex::new(
        ctx.workings
            .iter()
            .filter(|w| {
                matches!(w.w.status, WorkingStatus::Existing | WorkingStatus::Active) && w.w.declared == Some(true)
            })
            .flat_map(|w| SegmentIndex::line_segments(&w.w.line))
            .collect(),
    );
    // Far fixes: (index in the survey, instant).
    let far: Vec<(usize, DateTime<FixedOffset>)> = fixes
        .iter()
        .enumerate()
        .filter(|(_, f)| f.pos[0].is_finite() && f.pos[1].is_finite())
        .filter(|(_, f)| !declared.point_within(f.pos[0], f.pos[1], tol))
        .filter_map(|(i, f)| DateTime::parse_from_rfc3339(&f.time).ok().map(|t| (i, t)))
        .collect();
    if far.is_empty() {
        return;
    }
    let pts: Vec<[f64; 2]> = far.iter().map(|&(i, _)| [fixes[i].pos[0], fixes[i].pos[1]]).collect();
    let labels = single_linkage(&pts, radius);

    #[derive(Default)]
    struct Cluster<'f> {
        first: Option<(DateTime<FixedOffset>, usize)>,
        persons: BTreeSet<&'f str>,
        days: BTreeSet<&'f str>,
        n: usize,
        sum: [f64; 2],
        z_sum: f64,
        z_n: usize,
    }
    let mut clusters: BTreeMap<usize, Cluster<'_>> = BTreeMap::new();
    for (k, &(i, t)) in far.iter().enumerate() {
        let f = &fixes[i];
        let c = clusters.entry(labels[k]).or_default();
        if c.first.is_none_or(|first| (t, i) < first) {
            c.first = Some((t, i));
        }
        c.persons.insert(f.person_id.as_str());
        c.days.insert(f.time.get(..10).unwrap_or(&f.time));
        c.n += 1;
        c.sum[0] += f.pos[0];
        c.sum[1] += f.pos[1];
        if f.pos[2].is_finite() {
            c.z_sum += f.pos[2];
            c.z_n += 1;
        }
    }
    let mut ordered: Vec<Cluster<'_>> = clusters.into_values().collect();
    ordered.sort_by_key(|c| c.first);
    for (k, c) in ordered.iter().enumerate() {
        let (persons, days) = (c.persons.len(), c.days.len());
        if (persons as f64) < min_people || (days as f64) < min_days {
            continue;
        }
        let name = format!("cluster-{}", k + 1);
        let n = c.n as f64;
        let z = if c.z_n > 0 { c.z_sum / c.z_n as f64 } else { f64::NAN };
        let day_list = c.days.iter().copied().collect::<Vec<_>>().join(", ");
        out.push(ctx.finding(
            "hidden.undeclared_activity",
            Severity::Major,
            None,
            Some(name.clone()),
            Some([c.sum[0] / n, c.sum[1] / n, z]),
            Some(persons as f64),
            Some(min_people),
            text!(
                "{}：{} 名人员在 {} 天（{}）共 {} 次定位于距所有已申报工作面 {} m 以外，疑似隐瞒工作面",
                "{}: {} persons on {} days ({}), {} fixes farther than {} m from every declared working: \
                 possibly a concealed working",
                name,
                persons,
                days,
                day_list,
                c.n,
                tol
            ),
            activity_basis(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::pillars::testkit::*;
    use super::*;
    use crate::model::{Fix, Survey, WorkingKind as K, WorkingStatus as S};
    use approx::assert_abs_diff_eq;

    fn fix(time: &str, person: &str, x: f64, y: f64, z: f64) -> Fix {
        Fix { time: time.to_string(), person_id: person.to_string(), pos: [x, y, z] }
    }

    /// A survey with one declared roadway along the x axis from 0 to 1000.
    fn declared() -> Survey {
        let mut s = Survey::default();
        s.layers.workings = vec![working("D", K::Roadway, S::Existing, &[[0.0, 0.0, 100.0], [1000.0, 0.0, 100.0]])];
        s
    }

    const A: &str = "hidden.undeclared_activity";

    #[test]
    fn undeclared_working_flag_as_written() {
        let mut s = Survey::default();
        let mut w = |id: &str, status: S, declared: Option<bool>| {
            let mut w = working(id, K::Heading, status, &[[0.0, 0.0, 1.0], [10.0, 0.0, 2.0]]);
            w.declared = declared;
            s.layers.workings.push(w);
        };
        w("E0", S::Existing, Some(false));
        w("A0", S::Active, Some(false));
        w("P0", S::Planned, Some(false));
        w("A1", S::Active, Some(true));
        w("A?", S::Active, None);
        let f = run(&s, check);
        let r = "hidden.undeclared_working";
        assert_eq!(hits(&f, r), vec![("A0".to_string(), String::new()), ("E0".to_string(), String::new())]);
        let a = find(&f, r, "A0");
        assert_eq!(
            (a.feature.as_deref(), a.at, a.severity, a.planned),
            (None, Some([10.0, 0.0, 2.0]), Severity::Major, false)
        );
        assert!(a.basis.zh.contains("隐瞒采掘工作面"));
    }

    #[test]
    fn a_chain_90_m_apart_joins_and_qualifies() {
        let mut s = declared();
        // Three persons on two days, in a chain 90 m apart, 500 m north of the declared roadway.
        s.positioning = vec![
            fix("2026-03-01T08:00:00+08:00", "p1", 100.0, 500.0, 200.0),
            fix("2026-03-01T09:00:00+08:00", "p2", 190.0, 500.0, f64::NAN),
            fix("2026-03-02T08:00:00+08:00", "p3", 280.0, 500.0, 220.0),
            fix("2026-03-02T09:00:00+08:00", "p1", 370.0, 500.0, 240.0),
        ];
        let f = run(&s, check);
        assert_eq!(hits(&f, A), vec![(String::new(), "cluster-1".to_string())]);
        let c = &f[0];
        assert_eq!((c.working.as_deref(), c.severity, c.planned), (None, Severity::Major, false));
        assert_eq!((c.measured, c.limit), (Some(3.0), Some(3.0)));
        let at = c.at.expect("at");
        assert_abs_diff_eq!(at[0], 235.0, epsilon = 1e-9);
        assert_abs_diff_eq!(at[1], 500.0, epsilon = 1e-9);
        // The unknown z is left out of the mean.
        assert_abs_diff_eq!(at[2], 220.0, epsilon = 1e-9);
        assert!(c.message.zh.contains("2026-03-01, 2026-03-02") && c.message.en.contains("3 persons on 2 days"));

        // 110 m apart: four single-fix clusters, none qualifies.
        for (i, f) in s.positioning.iter_mut().enumerate() {
            f.pos[0] = 100.0 + 110.0 * i as f64;
        }
        assert!(run(&s, check).is_empty());
        // Loosened cluster radius (override) joins them again.
        assert_eq!(hits(&run_with(&s, &params(&[("cluster_radius_m", 120.0)]), check), A).len(), 1);
    }

    #[test]
    fn calendar_days_are_local_dates_as_written() {
        let mut s = declared();
        // 23:30 and 00:30 local on consecutive dates are the same UTC day but two calendar days.
        s.positioning = vec![
            fix("2026-03-01T23:30:00+08:00", "p1", 500.0, 500.0, 0.0),
            fix("2026-03-02T00:30:00+08:00", "p2", 510.0, 500.0, 0.0),
            fix("2026-03-02T00:40:00+08:00", "p3", 520.0, 500.0, 0.0),
        ];
        assert_eq!(hits(&run(&s, check), A).len(), 1);
        // Same local date, 23 hours apart: one day.
        s.positioning[0].time = "2026-03-02T23:30:00+08:00".into();
        assert!(run(&s, check).is_empty());
        // Fewer days are enough with an override; fewer persons are not.
        assert_eq!(hits(&run_with(&s, &params(&[("hidden_min_days", 1.0)]), check), A).len(), 1);
        s.positioning[2].person_id = "p1".into();
        assert!(run_with(&s, &params(&[("hidden_min_days", 1.0)]), check).is_empty());
        assert_eq!(
            hits(&run_with(&s, &params(&[("hidden_min_days", 1.0), ("hidden_min_people", 2.0)]), check), A).len(),
            1
        );
    }

    #[test]
    fn tolerance_is_strict_and_only_declared_existing_or_active_workings_count() {
        let mut s = declared();
        let day = |d: u32, p: &str, x: f64, y: f64| fix(&format!("2026-03-0{d}T10:00:00+08:00"), p, x, y, 0.0);
        // At exactly 50 m: near. 50.1 m: far.
        s.positioning = vec![day(1, "a", 100.0, 50.0), day(1, "b", 150.0, -50.0), day(2, "c", 200.0, 50.0)];
        assert!(run(&s, check).is_empty());
        for f in &mut s.positioning {
            f.pos[1] = 50.1;
        }
        assert_eq!(hits(&run(&s, check), A).len(), 1);
        // A stricter (lower) tolerance is allowed.
        for f in &mut s.positioning {
            f.pos[1] = 45.0;
        }
        assert!(run(&s, check).is_empty());
        assert_eq!(hits(&run_with(&s, &params(&[("declared_tolerance_m", 40.0)]), check), A).len(), 1);
        // The declared roadway becomes planned, or of unknown declaration: the fixes are far.
        s.layers.workings[0].status = S::Planned;
        assert_eq!(hits(&run(&s, check), A).len(), 1);
        s.layers.workings[0].status = S::Active;
        s.layers.workings[0].declared = None;
        assert_eq!(hits(&run(&s, check), A).len(), 1);
        // No workings at all: every fix is far.
        s.layers.workings.clear();
        assert_eq!(hits(&run(&s, check), A).len(), 1);
    }

    #[test]
    fn clusters_are_numbered_by_first_fix_instant_over_all_clusters() {
        let mut s = declared();
        let q = |t: &str, p: &str, x: f64| fix(t, p, x, 5000.0, 0.0);
        s.positioning = vec![
            // West group: qualifies; its first fix is 2026-03-01T18:00Z.
            q("2026-03-01T18:00:00+00:00", "w1", 0.0),
            q("2026-03-02T10:00:00+08:00", "w2", 10.0),
            q("2026-03-03T10:00:00+08:00", "w3", 20.0),
            // East group: qualifies; its first fix 2026-03-02T01:00+08:00 = 2026-03-01T17:00Z is
            // earlier although written later.
            q("2026-03-02T01:00:00+08:00", "e1", 3000.0),
            q("2026-03-04T10:00:00+08:00", "e2", 3010.0),
            q("2026-03-05T10:00:00+08:00", "e3", 3020.0),
            // A lone fix, earliest of all: cluster-1, not reported.
            q("2026-02-01T00:00:00+08:00", "x", 6000.0),
            // A tie with the east group's first instant, later in fix order: cluster-3.
            q("2026-03-01T17:00:00+00:00", "y", 9000.0),
        ];
        let f = run(&s, check);
        let feats: Vec<_> = f.iter().map(|f| (f.feature.clone().unwrap_or_default(), f.at.map(|a| a[0]))).collect();
        assert_eq!(feats, vec![("cluster-2".to_string(), Some(3010.0)), ("cluster-4".to_string(), Some(10.0))]);
    }

    /// Brute-force single linkage for comparison.
    fn brute(pts: &[[f64; 2]], r: f64) -> Vec<usize> {
        let mut d = Dsu::new(pts.len());
        for i in 0..pts.len() {
            for j in i + 1..pts.len() {
                if (pts[i][0] - pts[j][0]).hypot(pts[i][1] - pts[j][1]) <= r {
                    d.union(i, j);
                }
            }
        }
        (0..pts.len()).map(|i| d.find(i)).collect()
    }

    /// Same partition (labels may differ).
    fn same_partition(a: &[usize], b: &[usize]) -> bool {
        let mut m: HashMap<usize, usize> = HashMap::new();
        let mut back: HashMap<usize, usize> = HashMap::new();
        a.iter().zip(b).all(|(x, y)| *m.entry(*x).or_insert(*y) == *y && *back.entry(*y).or_insert(*x) == *x)
    }

    #[test]
    fn single_linkage_matches_brute_force() {
        assert!(same_partition(&single_linkage(&[[0.0, 0.0], [90.0, 0.0], [180.0, 0.0]], 100.0), &[0, 0, 0]));
        assert!(same_partition(&single_linkage(&[[0.0, 0.0], [110.0, 0.0], [220.0, 0.0]], 100.0), &[0, 1, 2]));
        // Exactly r apart joins (≤).
        assert!(same_partition(&single_linkage(&[[0.0, 0.0], [100.0, 0.0]], 100.0), &[0, 0]));
        assert!(same_partition(&single_linkage(&[[1.0, 2.0], [1.0, 2.0], [1.0, 2.5]], 0.0), &[0, 0, 1]));
        // Pseudo-random clouds at several densities (a small LCG; no clock, no crate).
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for (n, span, r) in [(400, 5000.0, 100.0), (400, 800.0, 50.0), (300, 300.0, 7.0), (200, 20000.0, 900.0)] {
            let pts: Vec<[f64; 2]> = (0..n).map(|_| [rnd() * span - span / 2.0, rnd() * span]).collect();
            assert!(same_partition(&single_linkage(&pts, r), &brute(&pts, r)), "n {n} span {span} r {r}");
        }
    }
}
