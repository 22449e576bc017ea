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

use super::{Ctx, Finding, Params, Severity};
use crate::geometry::{point_segment_distance, segments_3d};
use crate::i18n::Text;
use crate::index::{expand, point_box, Index, PackedRTree};
use crate::model::{Fix, ShortText, Working, WorkingStatus};
use crate::text;
use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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

/// `hidden.undeclared_working`: an existing or active working with `declared = 0`.
pub fn undeclared_working(ctx: &Ctx<'_>, w: &Working, out: &mut Vec<Finding>) {
    if w.declared != Some(false) || !ctx.applies("hidden.undeclared_working", w) {
        return;
    }
    out.push(ctx.finding(
        "hidden.undeclared_working",
        Severity::Major,
        Some(w),
        None,
        w.line.last().copied(),
        None,
        None,
        text!("{}（{}，{}）未向监管部门申报", "{} ({}, {}) is not declared to the regulator", w.id, w.kind, w.status),
        basis(),
    ));
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
        let trees: HashMap<(i64, i64), PackedRTree> = cells
            .iter()
            .map(|(k, v)| (*k, PackedRTree::new(&v.iter().map(|&i| point_box(pts[i])).collect::<Vec<_>>())))
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
                    let (small, big, big_members) = if members.len() <= other.len() {
                        (members, &trees[&key], other)
                    } else {
                        (other, &trees[&(cx, cy)], members)
                    };
                    let linked = small.iter().any(|&i| {
                        big.any(&expand(&point_box(pts[i]), r), |k| {
                            let q = pts[big_members[k]];
                            let (ex, ey) = (q[0] - pts[i][0], q[1] - pts[i][1]);
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

/// Does a working explain nearby positioning fixes (existing or active, `declared = 1`)?
pub fn explains_fixes(w: &Working) -> bool {
    matches!(w.status, WorkingStatus::Existing | WorkingStatus::Active) && w.declared == Some(true)
}

fn seg_box4(s: &[f64; 4]) -> crate::index::Box2 {
    crate::geometry::seg_box([s[0], s[1]], [s[2], s[3]])
}

/// The plan segments of the declared workings, indexed, by working id (they change as
/// workings are inserted, advanced or removed).
#[derive(Debug, Clone, Default)]
struct Declared {
    segs: Vec<Option<[f64; 4]>>,
    index: Index,
    by_working: HashMap<String, Vec<usize>>,
    free: Vec<usize>,
}

impl Declared {
    fn new(workings: &[Working]) -> Self {
        let mut segs = Vec::new();
        let mut by_working: HashMap<String, Vec<usize>> = HashMap::new();
        for w in workings.iter().filter(|w| explains_fixes(w)) {
            let ids = by_working.entry(w.id.clone()).or_default();
            for (a, b) in segments_3d(&w.line) {
                ids.push(segs.len());
                segs.push(Some([a[0], a[1], b[0], b[1]]));
            }
        }
        let index = Index::new(segs.iter().map(|s| s.map(|s| seg_box4(&s))).collect());
        Self { segs, index, by_working, free: Vec::new() }
    }

    /// Replace the segments of working `id` by those of `w` (None, or not declared: removed).
    /// Returns the segments removed and those added; those the old and new lines share stay as
    /// they are (a face advance changes one segment, not the whole working).
    fn set(&mut self, id: &str, w: Option<&Working>) -> (Vec<[f64; 4]>, Vec<[f64; 4]>) {
        let key = |s: &[f64; 4]| s.map(|v| (v + 0.0).to_bits());
        let mut old: HashMap<[u64; 4], Vec<usize>> = HashMap::new();
        for s in self.by_working.remove(id).unwrap_or_default() {
            if let Some(seg) = &self.segs[s] {
                old.entry(key(seg)).or_default().push(s);
            }
        }
        let mut removed = Vec::new();
        let mut ids = Vec::new();
        let mut added = Vec::new();
        if let Some(w) = w.filter(|w| explains_fixes(w)) {
            for (a, b) in segments_3d(&w.line) {
                let seg = [a[0], a[1], b[0], b[1]];
                match old.get_mut(&key(&seg)).and_then(Vec::pop) {
                    Some(s) => ids.push(s),
                    None => added.push(seg),
                }
            }
        }
        for s in old.into_values().flatten() {
            if let Some(seg) = self.segs[s].take() {
                removed.push(seg);
            }
            self.index.set(s, None);
            self.free.push(s);
        }
        for &seg in &added {
            let s = match self.free.pop() {
                Some(s) => s,
                None => {
                    self.segs.push(None);
                    self.segs.len() - 1
                }
            };
            self.segs[s] = Some(seg);
            self.index.set(s, Some(seg_box4(&seg)));
            ids.push(s);
        }
        if let Some(w) = w.filter(|w| explains_fixes(w)) {
            self.by_working.insert(w.id.clone(), ids);
        }
        (removed, added)
    }

    /// A declared segment within `tol` (≤) of the point, if any.
    fn near_segment(&self, p: [f64; 2], tol: f64) -> Option<usize> {
        let mut hit = None;
        self.index.any(&expand(&point_box(p), tol), |i| {
            let ok = self.segs[i].is_some_and(|s| point_segment_distance(p, [s[0], s[1]], [s[2], s[3]]) <= tol);
            if ok {
                hit = Some(i);
            }
            ok
        });
        hit
    }

    /// Is the point within `tol` (≤) of a declared working?
    fn near(&self, p: [f64; 2], tol: f64) -> bool {
        self.near_segment(p, tol).is_some()
    }
}

/// A fix far from every declared working.
#[derive(Debug, Clone)]
struct FarFix {
    /// Index of the fix in the survey.
    fix: usize,
    p: [f64; 2],
    z: f64,
    t: DateTime<FixedOffset>,
    person: ShortText,
    /// The calendar day as written (the first 10 characters of the timestamp).
    day: ShortText,
    alive: bool,
    cell: (i64, i64),
}

/// A cluster of far fixes (single linkage).
#[derive(Debug, Clone)]
struct Cluster {
    /// Earliest fix: (instant, fix index).
    first: (DateTime<FixedOffset>, usize),
    persons: BTreeSet<ShortText>,
    days: BTreeSet<ShortText>,
    n: usize,
    sum: [f64; 2],
    z_sum: f64,
    z_n: usize,
    members: Vec<u32>,
}

impl Cluster {
    fn of(id: u32, f: &FarFix) -> Self {
        let zk = f.z.is_finite();
        Self {
            first: (f.t, f.fix),
            persons: BTreeSet::from([f.person.clone()]),
            days: BTreeSet::from([f.day.clone()]),
            n: 1,
            sum: f.p,
            z_sum: if zk { f.z } else { 0.0 },
            z_n: usize::from(zk),
            members: vec![id],
        }
    }

    fn absorb(&mut self, mut o: Cluster) {
        self.first = self.first.min(o.first);
        if self.persons.len() < o.persons.len() {
            std::mem::swap(&mut self.persons, &mut o.persons);
        }
        self.persons.extend(o.persons);
        if self.days.len() < o.days.len() {
            std::mem::swap(&mut self.days, &mut o.days);
        }
        self.days.extend(o.days);
        self.n += o.n;
        self.sum = [self.sum[0] + o.sum[0], self.sum[1] + o.sum[1]];
        self.z_sum += o.z_sum;
        self.z_n += o.z_n;
        if self.members.len() < o.members.len() {
            std::mem::swap(&mut self.members, &mut o.members);
        }
        self.members.extend(o.members);
    }
}

/// `hidden.undeclared_activity`, kept up to date as fixes arrive and declared workings change:
/// the fixes far from every declared working (> `declared_tolerance_m`), their single-linkage
/// clusters (≤ `cluster_radius_m`) with persons, days and centroid, and the findings of the
/// clusters with at least `hidden_min_people` persons on `hidden_min_days` days.
///
/// Far fixes are binned in cells of side just under r/√2 (two fixes of one cell are always
/// within r); a new far fix is linked to the clusters of the 5 × 5 cells around it. A fix that
/// stops being far (a declared working now passes it) breaks up its cluster, which is rebuilt
/// from its remaining fixes. Clusters are numbered by their first fix over all clusters.
#[derive(Debug, Clone)]
pub struct Activity {
    tol: f64,
    r: f64,
    min_people: f64,
    min_days: f64,
    side: f64,
    declared: Declared,
    far: Vec<FarFix>,
    far_of: HashMap<usize, u32>,
    cells: Cells,
    parent: Vec<u32>,
    clusters: HashMap<u32, Cluster>,
    /// Clusters by their first fix, for numbering.
    order: BTreeMap<(DateTime<FixedOffset>, usize), u32>,
    findings: Vec<Finding>,
    stale: bool,
    generation: u64,
    /// All fixes binned by `declared_tolerance_m` cells, built on the first working change.
    fix_grid: Option<(f64, Cells)>,
}

/// Fix indices binned in square cells.
type Cells = HashMap<(i64, i64), Vec<u32>>;

type Far = (usize, [f64; 2], f64, DateTime<FixedOffset>);

/// Fix `i` as a far fix when it is farther than `tol` from every declared working.
fn far_fix(i: usize, f: &Fix, declared: &Declared, tol: f64) -> Option<Far> {
    if !(f.pos[0].is_finite() && f.pos[1].is_finite()) || declared.near([f.pos[0], f.pos[1]], tol) {
        return None;
    }
    as_far(i, f)
}

/// Fix `i` as a far fix, its distance already known to be beyond the tolerance: a finite
/// position and a readable time.
fn as_far(i: usize, f: &Fix) -> Option<Far> {
    if !(f.pos[0].is_finite() && f.pos[1].is_finite()) {
        return None;
    }
    let t = crate::model::monitoring::parse_time(&f.time)?;
    Some((i, [f.pos[0], f.pos[1]], f.pos[2], t))
}

impl Activity {
    pub fn new(params: &Params, workings: &[Working], fixes: &[Fix]) -> Self {
        let tol = params.get("declared_tolerance_m");
        let r = params.get("cluster_radius_m");
        let declared = Declared::new(workings);
        let side = if r > 0.0 && r.is_finite() { r / std::f64::consts::SQRT_2 * (1.0 - 1e-9) } else { 1.0 };
        let mut a = Self {
            tol,
            r,
            min_people: params.get("hidden_min_people"),
            min_days: params.get("hidden_min_days"),
            side,
            declared,
            far: Vec::new(),
            far_of: HashMap::new(),
            cells: HashMap::new(),
            parent: Vec::new(),
            clusters: HashMap::new(),
            order: BTreeMap::new(),
            findings: Vec::new(),
            stale: true,
            generation: 0,
            fix_grid: None,
        };
        // Fixes in Hilbert order, in chunks, each remembering the declared segment its last
        // near fix was near: consecutive fixes are neighbours, so most are settled by one
        // distance instead of a tree query.
        let pts: Vec<[f64; 2]> = fixes.iter().map(|f| [f.pos[0], f.pos[1]]).collect();
        let order = crate::index::hilbert_order(&pts);
        let declared = &a.declared;
        let mut far: Vec<_> = order
            .par_chunks(4096)
            .flat_map_iter(|chunk| {
                let mut last: Option<usize> = None;
                chunk.iter().filter_map(move |&i| {
                    let i = i as usize;
                    let f = &fixes[i];
                    let p = [f.pos[0], f.pos[1]];
                    if let Some(s) = last.and_then(|s| declared.segs[s].map(|g| (s, g))) {
                        if point_segment_distance(p, [s.1[0], s.1[1]], [s.1[2], s.1[3]]) <= tol {
                            return None;
                        }
                    }
                    match declared.near_segment(p, tol) {
                        Some(s) => {
                            last = Some(s);
                            None
                        }
                        // near_segment has just found no declared working within tol.
                        None => as_far(i, f),
                    }
                })
            })
            .collect();
        far.sort_unstable_by_key(|f| f.0);
        let pts: Vec<[f64; 2]> = far.iter().map(|f| f.1).collect();
        let labels = single_linkage(&pts, r);
        for (k, (i, p, z, t)) in far.into_iter().enumerate() {
            let f = &fixes[i];
            let cell = a.cell(p);
            a.far_of.insert(i, k as u32);
            a.cells.entry(cell).or_default().push(k as u32);
            a.far.push(FarFix {
                fix: i,
                p,
                z,
                t,
                person: f.person_id.clone(),
                day: f.time.get(..10).unwrap_or(&f.time).into(),
                alive: true,
                cell,
            });
        }
        a.parent = labels.iter().map(|&l| l as u32).collect();
        let mut clusters: HashMap<u32, Cluster> = HashMap::new();
        for (k, f) in a.far.iter().enumerate() {
            let c = Cluster::of(k as u32, f);
            match clusters.entry(a.parent[k]) {
                std::collections::hash_map::Entry::Occupied(mut e) => e.get_mut().absorb(c),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(c);
                }
            }
        }
        a.order = clusters.iter().map(|(root, c)| (c.first, *root)).collect();
        a.clusters = clusters;
        a
    }

    fn cell(&self, p: [f64; 2]) -> (i64, i64) {
        ((p[0] / self.side).floor() as i64, (p[1] / self.side).floor() as i64)
    }

    fn find(&mut self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            let g = self.parent[self.parent[i as usize] as usize];
            self.parent[i as usize] = g;
            i = g;
        }
        i
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (Some(ca), Some(cb)) = (self.clusters.remove(&ra), self.clusters.remove(&rb)) else { return };
        self.order.remove(&ca.first);
        self.order.remove(&cb.first);
        let (mut keep, other, root, child) =
            if ca.members.len() >= cb.members.len() { (ca, cb, ra, rb) } else { (cb, ca, rb, ra) };
        keep.absorb(other);
        self.parent[child as usize] = root;
        self.order.insert(keep.first, root);
        self.clusters.insert(root, keep);
        self.stale = true;
    }

    /// Link far fix `id` to every cluster with a fix within r of it. The fixes of one cell are
    /// pairwise within r, so each cell is one cluster: a cell is checked once, and scanned only
    /// when its cluster is not yet `id`'s.
    fn link(&mut self, id: u32) {
        let (p, (cx, cy)) = (self.far[id as usize].p, self.far[id as usize].cell);
        let r2 = self.r * self.r;
        for dx in -2i64..=2 {
            for dy in -2i64..=2 {
                let key = (cx + dx, cy + dy);
                let Some(rep) = self.cells.get(&key).and_then(|v| v.iter().copied().find(|&m| m != id)) else {
                    continue;
                };
                if self.find(rep) == self.find(id) {
                    continue;
                }
                let far = &self.far;
                let hit = ((dx, dy) == (0, 0) && self.r > 0.0 && self.r.is_finite())
                    || self.cells.get(&key).is_some_and(|v| {
                        v.iter().any(|&m| {
                            let q = far[m as usize].p;
                            let (ex, ey) = (q[0] - p[0], q[1] - p[1]);
                            m != id && ex * ex + ey * ey <= r2
                        })
                    });
                if hit {
                    self.union(id, rep);
                }
            }
        }
    }

    fn insert_far(&mut self, fix: usize, f: &Fix, p: [f64; 2], t: DateTime<FixedOffset>) {
        let id = self.far.len() as u32;
        let cell = self.cell(p);
        let ff = FarFix {
            fix,
            p,
            z: f.pos[2],
            t,
            person: f.person_id.clone(),
            day: f.time.get(..10).unwrap_or(&f.time).into(),
            alive: true,
            cell,
        };
        let c = Cluster::of(id, &ff);
        self.far.push(ff);
        self.parent.push(id);
        self.far_of.insert(fix, id);
        self.cells.entry(cell).or_default().push(id);
        self.order.insert(c.first, id);
        self.clusters.insert(id, c);
        self.stale = true;
        self.link(id);
    }

    /// A positioning fix appended to the survey as fix number `i`.
    pub fn append(&mut self, i: usize, f: &Fix) {
        if let Some((fix, p, _, t)) = far_fix(i, f, &self.declared, self.tol) {
            self.insert_far(fix, f, p, t);
        }
        if let Some((side, grid)) = &mut self.fix_grid {
            if f.pos[0].is_finite() && f.pos[1].is_finite() {
                let c = ((f.pos[0] / *side).floor() as i64, (f.pos[1] / *side).floor() as i64);
                grid.entry(c).or_default().push(i as u32);
            }
        }
    }

    /// Working `id` was inserted, changed or removed (`w` is its new state): fixes within the
    /// tolerance of its old or new line may change between near and far.
    pub fn working_changed(&mut self, id: &str, w: Option<&Working>, fixes: &[Fix]) {
        let (removed, added) = self.declared.set(id, w);
        if fixes.is_empty() {
            return;
        }
        let tol = self.tol;
        // An added segment can only turn far fixes near: those are probed through the far
        // fixes' own cells (a face advance touches a handful of fixes, not every fix along
        // the working).
        let mut candidates: HashSet<u32> = HashSet::new();
        for s in &added {
            let b = expand(&seg_box4(s), tol);
            let (c0, c1) = (self.cell([b[0], b[1]]), self.cell([b[2], b[3]]));
            for x in c0.0..=c1.0 {
                for y in c0.1..=c1.1 {
                    if let Some(v) = self.cells.get(&(x, y)) {
                        candidates.extend(
                            v.iter().filter(|&&m| self.far[m as usize].alive).map(|&m| self.far[m as usize].fix as u32),
                        );
                    }
                }
            }
        }
        if removed.is_empty() {
            self.reclassify(candidates, fixes);
            return;
        }
        let changed = removed;
        let (side, grid) = self.fix_grid.get_or_insert_with(|| {
            // Cells of about one fix each at least (never finer than the tolerance): a strict
            // tolerance does not multiply the cells a changed segment probes.
            let b = crate::index::box_of(
                fixes.iter().filter(|f| f.pos[0].is_finite() && f.pos[1].is_finite()).map(|f| [f.pos[0], f.pos[1]]),
            );
            let area = ((b[2] - b[0]) * (b[3] - b[1])).max(0.0);
            let side = tol.max(1.0).max((area / fixes.len() as f64).sqrt());
            let mut g: HashMap<(i64, i64), Vec<u32>> = HashMap::new();
            for (i, f) in fixes.iter().enumerate() {
                if f.pos[0].is_finite() && f.pos[1].is_finite() {
                    g.entry(((f.pos[0] / side).floor() as i64, (f.pos[1] / side).floor() as i64))
                        .or_default()
                        .push(i as u32);
                }
            }
            (side, g)
        });
        let side = *side;
        for s in &changed {
            let b = expand(&seg_box4(s), tol);
            let (x0, y0) = ((b[0] / side).floor() as i64, (b[1] / side).floor() as i64);
            let (x1, y1) = ((b[2] / side).floor() as i64, (b[3] / side).floor() as i64);
            let probes = (x1 - x0 + 1).saturating_mul(y1 - y0 + 1);
            if probes > grid.len() as i64 {
                // Fewer occupied cells than cells in the box: walk those.
                for (&(x, y), v) in grid.iter() {
                    if (x0..=x1).contains(&x) && (y0..=y1).contains(&y) {
                        candidates.extend(v.iter().copied());
                    }
                }
                continue;
            }
            for x in x0..=x1 {
                for y in y0..=y1 {
                    if let Some(v) = grid.get(&(x, y)) {
                        candidates.extend(v.iter().copied());
                    }
                }
            }
        }
        self.reclassify(candidates, fixes);
    }

    /// Re-test fixes `candidates` against the declared workings: those that turned near leave
    /// their clusters (rebuilt from what remains), those that turned far join.
    fn reclassify(&mut self, candidates: HashSet<u32>, fixes: &[Fix]) {
        let tol = self.tol;
        let mut candidates: Vec<u32> = candidates.into_iter().collect();
        candidates.sort_unstable();
        let mut dirty: BTreeSet<u32> = BTreeSet::new();
        let mut added = Vec::new();
        for i in candidates {
            let i = i as usize;
            let f = &fixes[i];
            let now = far_fix(i, f, &self.declared, tol);
            match (self.far_of.get(&i).copied(), now) {
                (Some(id), None) => {
                    let root = self.find(id);
                    dirty.insert(root);
                    self.far_of.remove(&i);
                    self.far[id as usize].alive = false;
                    let cell = self.far[id as usize].cell;
                    if let Some(v) = self.cells.get_mut(&cell) {
                        v.retain(|&m| m != id);
                    }
                }
                (None, Some((fix, p, _, t))) => added.push((fix, p, t)),
                _ => {}
            }
        }
        // Rebuild the clusters that lost fixes from their remaining fixes.
        if !dirty.is_empty() {
            self.stale = true;
        }
        let mut members = Vec::new();
        for root in dirty {
            if let Some(c) = self.clusters.remove(&root) {
                self.order.remove(&c.first);
                members.extend(c.members.into_iter().filter(|&m| self.far[m as usize].alive));
            }
        }
        for &m in &members {
            self.parent[m as usize] = m;
            let c = Cluster::of(m, &self.far[m as usize]);
            self.order.insert(c.first, m);
            self.clusters.insert(m, c);
        }
        for &m in &members {
            self.link(m);
        }
        for (fix, p, t) in added {
            self.insert_far(fix, &fixes[fix], p, t);
        }
    }

    /// The findings (recomputed when clusters changed).
    pub fn findings(&mut self) -> &[Finding] {
        if self.stale {
            self.findings = self.compute_findings();
            self.stale = false;
            self.generation += 1;
        }
        &self.findings
    }

    /// Bumped whenever the findings were recomputed (after [`Activity::findings`]).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    fn compute_findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (k, root) in self.order.values().enumerate() {
            let Some(c) = self.clusters.get(root) else { continue };
            let (persons, days) = (c.persons.len(), c.days.len());
            if (persons as f64) < self.min_people || (days as f64) < self.min_days {
                continue;
            }
            let name = format!("cluster-{}", k + 1);
            let n = c.n as f64;
            let z = if c.z_n > 0 { c.z_sum / c.z_n as f64 } else { f64::NAN };
            let day_list = c.days.iter().map(ShortText::as_str).collect::<Vec<_>>().join(", ");
            out.push(Finding::new(
                "hidden.undeclared_activity",
                Severity::Major,
                false,
                None,
                Some(name.clone()),
                Some([c.sum[0] / n, c.sum[1] / n, z]),
                Some(persons as f64),
                Some(self.min_people),
                text!(
                    "{}：{} 名人员在 {} 天（{}）共 {} 次定位于距所有已申报工作面 {} m 以外，疑似隐瞒工作面",
                    "{}: {} persons on {} days ({}), {} fixes farther than {} m from every declared working: \
                     possibly a concealed working",
                    name,
                    persons,
                    days,
                    day_list,
                    c.n,
                    self.tol
                ),
                activity_basis(),
            ));
        }
        super::sort_findings(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::pillars::testkit::*;
    use super::*;
    use crate::model::{Fix, Survey, WorkingKind as K, WorkingStatus as S};
    use approx::assert_abs_diff_eq;

    fn fix(time: &str, person: &str, x: f64, y: f64, z: f64) -> Fix {
        Fix { time: time.into(), person_id: person.into(), pos: [x, y, z] }
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
        let f = run(&s, "hidden.");
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
        let f = run(&s, "hidden.");
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
        assert!(run(&s, "hidden.").is_empty());
        // Loosened cluster radius (override) joins them again.
        assert_eq!(hits(&run_with(&s, &params(&[("cluster_radius_m", 120.0)]), "hidden."), A).len(), 1);
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
        assert_eq!(hits(&run(&s, "hidden."), A).len(), 1);
        // Same local date, 23 hours apart: one day.
        s.positioning[0].time = "2026-03-02T23:30:00+08:00".into();
        assert!(run(&s, "hidden.").is_empty());
        // Fewer days are enough with an override; fewer persons are not.
        assert_eq!(hits(&run_with(&s, &params(&[("hidden_min_days", 1.0)]), "hidden."), A).len(), 1);
        s.positioning[2].person_id = "p1".into();
        assert!(run_with(&s, &params(&[("hidden_min_days", 1.0)]), "hidden.").is_empty());
        assert_eq!(
            hits(&run_with(&s, &params(&[("hidden_min_days", 1.0), ("hidden_min_people", 2.0)]), "hidden."), A).len(),
            1
        );
    }

    #[test]
    fn tolerance_is_strict_and_only_declared_existing_or_active_workings_count() {
        let mut s = declared();
        let day = |d: u32, p: &str, x: f64, y: f64| fix(&format!("2026-03-0{d}T10:00:00+08:00"), p, x, y, 0.0);
        // At exactly 50 m: near. 50.1 m: far.
        s.positioning = vec![day(1, "a", 100.0, 50.0), day(1, "b", 150.0, -50.0), day(2, "c", 200.0, 50.0)];
        assert!(run(&s, "hidden.").is_empty());
        for f in &mut s.positioning {
            f.pos[1] = 50.1;
        }
        assert_eq!(hits(&run(&s, "hidden."), A).len(), 1);
        // A stricter (lower) tolerance is allowed.
        for f in &mut s.positioning {
            f.pos[1] = 45.0;
        }
        assert!(run(&s, "hidden.").is_empty());
        assert_eq!(hits(&run_with(&s, &params(&[("declared_tolerance_m", 40.0)]), "hidden."), A).len(), 1);
        // The declared roadway becomes planned, or of unknown declaration: the fixes are far.
        s.layers.workings[0].status = S::Planned;
        assert_eq!(hits(&run(&s, "hidden."), A).len(), 1);
        s.layers.workings[0].status = S::Active;
        s.layers.workings[0].declared = None;
        assert_eq!(hits(&run(&s, "hidden."), A).len(), 1);
        // No workings at all: every fix is far.
        s.layers.workings.clear();
        assert_eq!(hits(&run(&s, "hidden."), A).len(), 1);
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
        let f = run(&s, "hidden.");
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
