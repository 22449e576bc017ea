//! Plan geometry shared by the rules, `derive`, `plan`, `watch`, the scene and picking: segment
//! predicates and distances, and prepared polygons and polylines whose edges are indexed
//! ([`crate::index::PackedRTree`]) once they have more than a few dozen, so that a 600-vertex
//! licence with holes costs O(log n) per query, not O(n).
//!
//! Distances are planar (x, y) in the mine CRS, in metres; z is carried along lines (a point on
//! a 3D segment gets its z interpolated). Touching counts as meeting, as in GEOS / geo
//! `intersects`.
//!
//! [`PreparedPolygon::farthest_outside`] is exact (to 1 µm): the distance from a point moving
//! along a segment to the polygon's boundary is the lower envelope of convex functions (one per
//! edge), whose maximum lies at an end of an outside piece or where two of them meet; a
//! branch-and-bound over the piece, bounding each sub-interval by the convexity of the nearest
//! edges' distances at its ends, finds it without sampling.

use crate::index::{box_box_distance, box_distance2, expand, overlaps, point_box, Box2, PackedRTree, EMPTY};
use geo_types::Polygon;

pub type P2 = [f64; 2];
pub type P3 = [f64; 3];

/// The plan position of a 3D point.
#[inline]
pub fn plan(p: P3) -> P2 {
    [p[0], p[1]]
}

#[inline]
fn sub(a: P2, b: P2) -> P2 {
    [a[0] - b[0], a[1] - b[1]]
}

#[inline]
fn dot(a: P2, b: P2) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

/// Planar distance between two points.
#[inline]
pub fn dist(a: P2, b: P2) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// 3D distance.
pub fn dist3(a: P3, b: P3) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Twice the signed area of (a, b, c): > 0 when c is left of a→b.
#[inline]
pub fn orient(a: P2, b: P2, c: P2) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

#[inline]
fn in_box(a: P2, b: P2, p: P2) -> bool {
    p[0] >= a[0].min(b[0]) && p[0] <= a[0].max(b[0]) && p[1] >= a[1].min(b[1]) && p[1] <= a[1].max(b[1])
}

/// The point at parameter t of a→b (3D).
#[inline]
pub fn lerp3(a: P3, b: P3, t: f64) -> P3 {
    [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])]
}

/// The box of a plan segment.
#[inline]
pub fn seg_box(a: P2, b: P2) -> Box2 {
    [a[0].min(b[0]), a[1].min(b[1]), a[0].max(b[0]), a[1].max(b[1])]
}

/// Parameter of the plan projection of `p` on a→b, clamped to [0, 1] (0 when a = b).
#[inline]
pub fn project_param(a: P2, b: P2, p: P2) -> f64 {
    let d = sub(b, a);
    let len2 = dot(d, d);
    if len2 > 0.0 {
        (dot(sub(p, a), d) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Planar distance from a point to a segment.
#[inline]
pub fn point_segment_distance(p: P2, a: P2, b: P2) -> f64 {
    let t = project_param(a, b, p);
    dist(p, [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])])
}

/// Do segments a→b and c→d meet (touching and overlapping included)?
pub fn segments_intersect(a: P2, b: P2, c: P2, d: P2) -> bool {
    let (d1, d2, d3, d4) = (orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0)) && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0)) {
        return true;
    }
    (d1 == 0.0 && in_box(c, d, a))
        || (d2 == 0.0 && in_box(c, d, b))
        || (d3 == 0.0 && in_box(a, b, c))
        || (d4 == 0.0 && in_box(a, b, d))
}

/// Where a→b meets c→d, as the smallest and largest parameter along a→b (equal for a single
/// point; the ends of the overlap for collinear segments); None when they do not meet.
pub fn segment_meets(a: P2, b: P2, c: P2, d: P2) -> Option<(f64, f64)> {
    let (d1, d2, d3, d4) = (orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0)) && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0)) {
        let t = d1 / (d1 - d2);
        return Some((t, t));
    }
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut take = |t: f64| {
        lo = lo.min(t);
        hi = hi.max(t);
    };
    if d1 == 0.0 && in_box(c, d, a) {
        take(0.0);
    }
    if d2 == 0.0 && in_box(c, d, b) {
        take(1.0);
    }
    if a != b {
        if d3 == 0.0 && in_box(a, b, c) {
            take(project_param(a, b, c));
        }
        if d4 == 0.0 && in_box(a, b, d) {
            take(project_param(a, b, d));
        }
    }
    (lo <= hi).then_some((lo, hi))
}

/// Planar distance between segments a→b and c→d (0 when they meet).
pub fn segment_segment_distance(a: P2, b: P2, c: P2, d: P2) -> f64 {
    if segments_intersect(a, b, c, d) {
        return 0.0;
    }
    point_segment_distance(a, c, d)
        .min(point_segment_distance(b, c, d))
        .min(point_segment_distance(c, a, b))
        .min(point_segment_distance(d, a, b))
}

/// Closest approach in plan of the 3D segment a→b to the plan segment c→d: the distance and
/// the point on a→b (z interpolated). Where they meet, the first meeting point along a→b.
pub fn segment_closest(a: P3, b: P3, c: P2, d: P2) -> (f64, P3) {
    let (pa, pb) = (plan(a), plan(b));
    if let Some((t, _)) = segment_meets(pa, pb, c, d) {
        return (0.0, lerp3(a, b, t));
    }
    let mut best = (point_segment_distance(pa, c, d), a);
    let db = point_segment_distance(pb, c, d);
    if db < best.0 {
        best = (db, b);
    }
    for q in [c, d] {
        let on = lerp3(a, b, project_param(pa, pb, q));
        let dq = dist(plan(on), q);
        if dq < best.0 {
            best = (dq, on);
        }
    }
    best
}

fn sub3(a: P3, b: P3) -> P3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn dot3(a: P3, b: P3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Closest distance between 3D segments [p1, q1] and [p2, q2] (either may be a point).
pub fn segment_distance_3d(p1: P3, q1: P3, p2: P3, q2: P3) -> f64 {
    let (d1, d2, r) = (sub3(q1, p1), sub3(q2, p2), sub3(p1, p2));
    let (a, e, f) = (dot3(d1, d1), dot3(d2, d2), dot3(d2, r));
    let (s, t);
    if a <= 1e-12 && e <= 1e-12 {
        return dot3(r, r).sqrt();
    }
    if a <= 1e-12 {
        s = 0.0;
        t = (f / e).clamp(0.0, 1.0);
    } else {
        let c = dot3(d1, r);
        if e <= 1e-12 {
            t = 0.0;
            s = (-c / a).clamp(0.0, 1.0);
        } else {
            let b = dot3(d1, d2);
            let denom = a * e - b * b;
            let mut s0 = if denom > 1e-12 { ((b * f - c * e) / denom).clamp(0.0, 1.0) } else { 0.0 };
            let mut t0 = (b * s0 + f) / e;
            if t0 < 0.0 {
                t0 = 0.0;
                s0 = (-c / a).clamp(0.0, 1.0);
            } else if t0 > 1.0 {
                t0 = 1.0;
                s0 = ((b - c) / a).clamp(0.0, 1.0);
            }
            s = s0;
            t = t0;
        }
    }
    let c1 = lerp3(p1, q1, s);
    let c2 = lerp3(p2, q2, t);
    let d = sub3(c1, c2);
    dot3(d, d).sqrt()
}

/// The 3D segments of a line; a single vertex gives one degenerate segment.
pub fn segments_3d(line: &[P3]) -> impl Iterator<Item = (P3, P3)> + '_ {
    let single = (line.len() == 1).then(|| (line[0], line[0]));
    line.windows(2).map(|w| (w[0], w[1])).chain(single)
}

/// Plan segments with a box index once there are more than `LINEAR` of them.
#[derive(Debug, Clone, Default)]
pub struct Segments {
    segs: Vec<[f64; 4]>,
    tree: Option<PackedRTree>,
    pub bbox: Box2,
}

/// Up to this many segments are scanned linearly (faster than any tree).
const LINEAR: usize = 24;

#[inline]
fn ends(s: &[f64; 4]) -> (P2, P2) {
    ([s[0], s[1]], [s[2], s[3]])
}

impl Segments {
    pub fn new(segs: Vec<[f64; 4]>) -> Self {
        let boxes: Vec<Box2> = segs.iter().map(|s| seg_box([s[0], s[1]], [s[2], s[3]])).collect();
        let bbox = boxes.iter().fold(EMPTY, |a, b| crate::index::union(&a, b));
        let tree = (segs.len() > LINEAR).then(|| PackedRTree::new(&boxes));
        Self { segs, tree, bbox }
    }

    /// The plan segments of a 3D line (one degenerate segment for a single vertex).
    pub fn of_line(line: &[P3]) -> Self {
        Self::new(segments_3d(line).map(|(a, b)| [a[0], a[1], b[0], b[1]]).collect())
    }

    /// The edges of every ring of a polygon.
    pub fn of_rings(p: &Polygon<f64>) -> Self {
        Self::new(
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .flat_map(|r| r.0.windows(2).map(|w| [w[0].x, w[0].y, w[1].x, w[1].y]))
                .collect(),
        )
    }

    pub fn len(&self) -> usize {
        self.segs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.segs.is_empty()
    }

    pub fn segment(&self, i: usize) -> (P2, P2) {
        ends(&self.segs[i])
    }

    /// Call `f` with every segment (index, ends) whose box overlaps `q`, in no particular
    /// order (no allocation: for order-free uses such as counting crossings or a minimum).
    pub fn each_near(&self, q: &Box2, mut f: impl FnMut(usize, P2, P2)) {
        match &self.tree {
            None => {
                for (i, s) in self.segs.iter().enumerate() {
                    let (a, b) = ends(s);
                    if overlaps(&seg_box(a, b), q) {
                        f(i, a, b);
                    }
                }
            }
            Some(t) => t.search(q, |i| {
                let (a, b) = ends(&self.segs[i]);
                f(i, a, b);
            }),
        }
    }

    /// [`Segments::each_near`] in index order (for results that depend on it on ties).
    pub fn each_near_ordered(&self, q: &Box2, mut f: impl FnMut(usize, P2, P2)) {
        match &self.tree {
            None => self.each_near(q, f),
            Some(t) => {
                let mut hits = Vec::new();
                t.search(q, |i| hits.push(i));
                hits.sort_unstable();
                for i in hits {
                    let (a, b) = ends(&self.segs[i]);
                    f(i, a, b);
                }
            }
        }
    }

    /// Is any segment whose box overlaps `q` accepted by `pred`?
    pub fn any_near(&self, q: &Box2, mut pred: impl FnMut(P2, P2) -> bool) -> bool {
        match &self.tree {
            None => self.segs.iter().any(|s| {
                let (a, b) = ends(s);
                overlaps(&seg_box(a, b), q) && pred(a, b)
            }),
            Some(t) => t.any(q, |i| {
                let (a, b) = ends(&self.segs[i]);
                pred(a, b)
            }),
        }
    }

    /// The nearest segment to a point: (index, distance); None when there are none.
    pub fn nearest(&self, p: P2) -> Option<(usize, f64)> {
        let exact = |i: usize| {
            let (a, b) = ends(&self.segs[i]);
            point_segment_distance(p, a, b)
        };
        match &self.tree {
            None => (0..self.segs.len()).map(|i| (i, exact(i))).min_by(|x, y| x.1.total_cmp(&y.1)),
            Some(t) => t.nearest_by(f64::INFINITY, |b| box_distance2(b, p).sqrt(), exact),
        }
    }

    /// Planar distance from a point to the nearest segment (∞ when there are none).
    pub fn distance_to_point(&self, p: P2) -> f64 {
        self.nearest(p).map_or(f64::INFINITY, |(_, d)| d)
    }

    /// Planar distance from segment a→b to the nearest segment (∞ when there are none).
    pub fn distance_to_segment(&self, a: P2, b: P2) -> f64 {
        let sb = seg_box(a, b);
        let exact = |i: usize| {
            let (c, d) = ends(&self.segs[i]);
            segment_segment_distance(a, b, c, d)
        };
        match &self.tree {
            None => (0..self.segs.len()).map(exact).fold(f64::INFINITY, f64::min),
            Some(t) => {
                t.nearest_by(f64::INFINITY, |bx| box_box_distance(bx, &sb), exact).map_or(f64::INFINITY, |x| x.1)
            }
        }
    }

    /// Is the point within `tol` (≤) of any segment?
    pub fn point_within(&self, p: P2, tol: f64) -> bool {
        self.any_near(&expand(&point_box(p), tol), |a, b| point_segment_distance(p, a, b) <= tol)
    }

    /// Closest approach of a 3D line to these segments, in plan, when closer than `within`
    /// (strict): the distance and the point on the line (z interpolated); the first such point
    /// along the line on a tie. None when no point of the line comes closer than `within`.
    pub fn closest_approach(&self, line: &[P3], within: f64) -> Option<(f64, P3)> {
        let mut best: Option<(f64, P3)> = None;
        for (a, b) in segments_3d(line) {
            let q = expand(&seg_box(plan(a), plan(b)), within);
            self.each_near_ordered(&q, |_, c, d| {
                let (dd, at) = segment_closest(a, b, c, d);
                if dd < within && best.is_none_or(|(bd, _)| dd < bd) {
                    best = Some((dd, at));
                }
            });
        }
        best
    }
}

/// A polygon prepared for repeated predicates: its edges (all rings, indexed when many) and box.
#[derive(Debug, Clone, Default)]
pub struct PreparedPolygon {
    pub bbox: Box2,
    edges: Segments,
}

impl PreparedPolygon {
    pub fn new(p: &Polygon<f64>) -> Self {
        let edges = Segments::of_rings(p);
        let bbox = crate::index::box_of(p.exterior().0.iter().map(|c| [c.x, c.y]));
        Self { bbox, edges }
    }

    /// The rings' edges.
    pub fn edges(&self) -> &Segments {
        &self.edges
    }

    /// Where the ray from `origin` along the unit plan direction `dir` first enters the
    /// polygon (inside or on the boundary), as the distance along the ray; 0 when the origin is
    /// inside; None when the ray misses it.
    pub fn ray_entry(&self, origin: P2, dir: [f64; 2]) -> Option<f64> {
        if self.contains_or_touches(origin) {
            return Some(0.0);
        }
        if dir == [0.0, 0.0] {
            return None;
        }
        // A segment from the origin past the far corner of the box stands in for the ray.
        let b = self.bbox;
        let reach = [[b[0], b[1]], [b[2], b[1]], [b[0], b[3]], [b[2], b[3]]]
            .iter()
            .map(|c| dist(origin, *c))
            .fold(0.0, f64::max)
            + 1.0;
        let far = [origin[0] + dir[0] * reach, origin[1] + dir[1] * reach];
        let mut best: Option<f64> = None;
        self.edges.each_near(&seg_box(origin, far), |_, a, c| {
            if let Some((t, _)) = segment_meets(origin, far, a, c) {
                let s = t * reach;
                best = Some(best.map_or(s, |x: f64| x.min(s)));
            }
        });
        best
    }

    /// Point inside or on the boundary (the inside of a hole is outside).
    pub fn contains_or_touches(&self, p: P2) -> bool {
        if p[0] < self.bbox[0] || p[0] > self.bbox[2] || p[1] < self.bbox[1] || p[1] > self.bbox[3] {
            return false;
        }
        // Edges that can touch p or cross the ray from p to +x.
        let ray = [p[0], p[1], self.bbox[2], p[1]];
        let mut inside = false;
        let mut on = false;
        self.edges.each_near(&ray, |_, a, b| {
            if on {
                return;
            }
            if orient(a, b, p) == 0.0 && in_box(a, b, p) {
                on = true;
                return;
            }
            if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0] {
                inside = !inside;
            }
        });
        on || inside
    }

    /// Does segment a→b meet the polygon (inside, crossing or touching)?
    pub fn intersects_segment(&self, a: P2, b: P2) -> bool {
        let sb = seg_box(a, b);
        if !overlaps(&sb, &self.bbox) {
            return false;
        }
        self.edges.any_near(&sb, |c, d| segments_intersect(a, b, c, d)) || self.contains_or_touches(a)
    }

    /// The pieces of segment a→b inside the polygon (boundary included), as parameter ranges
    /// along it (0 at a, 1 at b), in order and disjoint: where a section line cuts a prism.
    /// O(k log n) for k edges near the segment.
    pub fn inside_spans(&self, a: P2, b: P2) -> Vec<(f64, f64)> {
        let sb = seg_box(a, b);
        if a == b || !overlaps(&sb, &self.bbox) {
            return Vec::new();
        }
        let mut ts = vec![0.0, 1.0];
        self.edges.each_near(&sb, |_, c, d| {
            if let Some((lo, hi)) = segment_meets(a, b, c, d) {
                ts.extend([lo, hi]);
            }
        });
        ts.sort_by(f64::total_cmp);
        ts.dedup_by(|x, y| (*x - *y).abs() < 1e-12);
        let mut out: Vec<(f64, f64)> = Vec::new();
        for w in ts.windows(2) {
            let t = (w[0] + w[1]) / 2.0;
            if !self.contains_or_touches([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]) {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.1 == w[0] => last.1 = w[1],
                _ => out.push((w[0], w[1])),
            }
        }
        out
    }

    /// Does a 3D line meet the polygon in plan (a single vertex: that point)?
    pub fn intersects_line(&self, line: &[P3]) -> bool {
        match line {
            [] => false,
            [p] => self.contains_or_touches(plan(*p)),
            // No segment meeting an edge leaves the whole line on one side of the boundary: then
            // one inside test (of the first vertex) decides, not one per segment.
            _ => {
                line.windows(2).any(|w| {
                    let (a, b) = (plan(w[0]), plan(w[1]));
                    let sb = seg_box(a, b);
                    overlaps(&sb, &self.bbox) && self.edges.any_near(&sb, |c, d| segments_intersect(a, b, c, d))
                }) || self.contains_or_touches(plan(line[0]))
            }
        }
    }

    /// Planar distance from a point to the polygon (0 inside or on it).
    pub fn distance_to_point(&self, p: P2) -> f64 {
        if self.contains_or_touches(p) {
            0.0
        } else {
            self.edges.distance_to_point(p)
        }
    }

    /// Planar distance from segment a→b to the polygon (0 when they meet).
    pub fn distance_to_segment(&self, a: P2, b: P2) -> f64 {
        if self.intersects_segment(a, b) {
            0.0
        } else {
            self.edges.distance_to_segment(a, b)
        }
    }

    /// Planar distance from a 3D line to the polygon (0 when they meet).
    pub fn distance_to_line(&self, line: &[P3]) -> f64 {
        segments_3d(line).map(|(a, b)| self.distance_to_segment(plan(a), plan(b))).fold(f64::INFINITY, f64::min)
    }

    /// The first point along a 3D line that lies in the polygon (inside or on its boundary), z
    /// interpolated; None when the line does not meet it.
    pub fn first_point_in(&self, line: &[P3]) -> Option<P3> {
        for s in line.windows(2) {
            let (a, b) = (s[0], s[1]);
            if self.contains_or_touches(plan(a)) {
                return Some(a);
            }
            let (pa, pb) = (plan(a), plan(b));
            if pa == pb || !overlaps(&seg_box(pa, pb), &self.bbox) {
                continue;
            }
            let mut first: Option<f64> = None;
            self.edges.each_near(&seg_box(pa, pb), |_, c, d| {
                if let Some((t, _)) = segment_meets(pa, pb, c, d) {
                    first = Some(first.map_or(t, |f| f.min(t)));
                }
            });
            if let Some(t) = first {
                return Some(lerp3(a, b, t));
            }
        }
        line.last().copied().filter(|c| self.contains_or_touches(plan(*c)))
    }

    /// The largest planar distance from any point of a 3D line (not only its vertices) to the
    /// polygon area, with the point (z interpolated); 0 and the first vertex when the line lies
    /// in the area. Exact to 1 µm (see the module documentation).
    pub fn farthest_outside(&self, line: &[P3]) -> (f64, P3) {
        let mut best = (0.0, line.first().copied().unwrap_or([0.0; 3]));
        for (a, b) in segments_3d(line) {
            let (pa, pb) = (plan(a), plan(b));
            if pa == pb {
                let d = self.distance_to_point(pa);
                if d > best.0 {
                    best = (d, a);
                }
                continue;
            }
            // Split the segment where it meets the boundary; pieces whose middle is outside are
            // outside all along.
            let mut ts = vec![0.0, 1.0];
            self.edges.each_near(&seg_box(pa, pb), |_, c, d| {
                if let Some((t0, t1)) = segment_meets(pa, pb, c, d) {
                    ts.push(t0);
                    ts.push(t1);
                }
            });
            ts.sort_by(f64::total_cmp);
            ts.dedup();
            for w in ts.windows(2) {
                let (t0, t1) = (w[0], w[1]);
                let mid = lerp3(a, b, (t0 + t1) / 2.0);
                if self.contains_or_touches(plan(mid)) {
                    continue;
                }
                let (d, t) = self.max_boundary_distance(pa, pb, t0, t1);
                if d > best.0 {
                    best = (d, lerp3(a, b, t));
                }
            }
        }
        best
    }

    /// Maximum over t ∈ [t0, t1] of the distance from a + t(b − a) to the boundary, by
    /// branch-and-bound: on a sub-interval, the distance to any one edge is convex in t, so it is
    /// bounded by its larger end value; the nearest edges at the two ends give the bound.
    fn max_boundary_distance(&self, a: P2, b: P2, t0: f64, t1: f64) -> (f64, f64) {
        const EPS: f64 = 1e-6;
        let at = |t: f64| [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
        let eval = |t: f64| self.edges.nearest(at(t)).unwrap_or((0, 0.0));
        let edge_d = |e: usize, t: f64| {
            let (c, d) = self.edges.segment(e);
            point_segment_distance(at(t), c, d)
        };
        let (e0, d0) = eval(t0);
        let (e1, d1) = eval(t1);
        let mut best = if d1 > d0 { (d1, t1) } else { (d0, t0) };
        let mut stack = vec![(t0, t1, e0, e1)];
        let mut evals = 0usize;
        while let Some((lo, hi, el, eh)) = stack.pop() {
            let ub = edge_d(el, lo).max(edge_d(el, hi)).min(edge_d(eh, lo).max(edge_d(eh, hi)));
            if ub <= best.0 + EPS || hi - lo < 1e-15 || evals > 100_000 {
                continue;
            }
            let mid = (lo + hi) / 2.0;
            let (em, dm) = eval(mid);
            evals += 1;
            if dm > best.0 {
                best = (dm, mid);
            }
            stack.push((lo, mid, el, em));
            stack.push((mid, hi, em, eh));
        }
        best
    }

    /// Closest approach of a 3D line to the polygon's boundary (every ring) when closer than
    /// `within` (strict); see [`Segments::closest_approach`].
    pub fn boundary_approach(&self, line: &[P3], within: f64) -> Option<(f64, P3)> {
        self.edges.closest_approach(line, within)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use geo::{Distance, Euclidean, Intersects};
    use geo_types::{coord, polygon, Line, LineString, Point};

    use crate::test_rng::Rng;

    /// A line through the holed square: inside 0..40, the hole 40..60 outside, 60..100
    /// inside; a line through a corner only touches; a line from inside ends inside.
    #[test]
    fn inside_spans_skip_holes_and_start_inside() {
        let p = PreparedPolygon::new(&holed());
        let spans = p.inside_spans([-20.0, 50.0], [120.0, 50.0]);
        let at = |t: f64| -20.0 + 140.0 * t;
        assert_eq!(spans.len(), 2, "{spans:?}");
        for ((lo, hi), (x0, x1)) in spans.iter().zip([(0.0, 40.0), (60.0, 100.0)]) {
            assert_abs_diff_eq!(at(*lo), x0, epsilon = 1e-9);
            assert_abs_diff_eq!(at(*hi), x1, epsilon = 1e-9);
        }
        let from_inside = p.inside_spans([10.0, 10.0], [10.0, 150.0]);
        assert_eq!(from_inside.len(), 1);
        assert_abs_diff_eq!(from_inside[0].0, 0.0);
        assert_abs_diff_eq!(10.0 + 140.0 * from_inside[0].1, 100.0, epsilon = 1e-9);
        assert!(p.inside_spans([200.0, 0.0], [300.0, 50.0]).is_empty());
        // Across a concave star and both its holes: the spans' midpoints are inside, the gaps'
        // outside (checked against geo).
        let star = star(400);
        let sp = PreparedPolygon::new(&star);
        let (a, b) = ([-1200.0, 5.0], [1200.0, -5.0]);
        let spans = sp.inside_spans(a, b);
        assert!(spans.len() > 2, "{spans:?}");
        let pt = |t: f64| Point::new(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t);
        for w in spans.windows(2) {
            assert!(!star.intersects(&pt((w[0].1 + w[1].0) / 2.0)));
        }
        for (lo, hi) in &spans {
            assert!(star.intersects(&pt((lo + hi) / 2.0)));
        }
    }

    fn holed() -> Polygon<f64> {
        Polygon::new(
            LineString::from(vec![(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0), (0.0, 0.0)]),
            vec![LineString::from(vec![(40.0, 40.0), (60.0, 40.0), (60.0, 60.0), (40.0, 60.0), (40.0, 40.0)])],
        )
    }

    /// A star-shaped polygon with `n` vertices (concave) and two holes: enough edges for the
    /// indexed path.
    fn star(n: usize) -> Polygon<f64> {
        let ring = |cx: f64, cy: f64, r0: f64, r1: f64, k: usize| {
            let mut v: Vec<(f64, f64)> = (0..k)
                .map(|i| {
                    let a = std::f64::consts::TAU * i as f64 / k as f64;
                    let r = if i % 2 == 0 { r0 } else { r1 };
                    (cx + r * a.cos(), cy + r * a.sin())
                })
                .collect();
            v.push(v[0]);
            LineString::from(v)
        };
        Polygon::new(
            ring(0.0, 0.0, 1000.0, 800.0, n),
            vec![ring(300.0, 0.0, 60.0, 40.0, 40), ring(-300.0, 0.0, 80.0, 50.0, 60)],
        )
    }

    #[test]
    fn prepared_polygon_agrees_with_geo_small_and_indexed() {
        let mut r = Rng(11);
        for (poly, span) in [(holed(), 140.0), (star(600), 2400.0)] {
            let pp = PreparedPolygon::new(&poly);
            for _ in 0..5000 {
                let a = [r.f() * span - span * 0.15, r.f() * span - span * 0.15];
                let a = if span > 1000.0 { [a[0] - 1000.0, a[1] - 1000.0] } else { a };
                let b = [a[0] + r.f() * span * 0.2 - span * 0.1, a[1] + r.f() * span * 0.2 - span * 0.1];
                let l = Line::new(coord! { x: a[0], y: a[1] }, coord! { x: b[0], y: b[1] });
                assert_eq!(pp.intersects_segment(a, b), l.intersects(&poly), "{a:?} {b:?}");
                assert_eq!(pp.contains_or_touches(a), Point::new(a[0], a[1]).intersects(&poly), "{a:?}");
                let want = if l.intersects(&poly) { 0.0 } else { Euclidean.distance(&l, &poly) };
                assert_abs_diff_eq!(pp.distance_to_segment(a, b), want, epsilon = 1e-9);
            }
        }
        let pp = PreparedPolygon::new(&holed());
        // Touching the outer ring and a hole's ring counts; inside the hole does not.
        assert!(pp.intersects_segment([100.0, 50.0], [120.0, 50.0]));
        assert!(pp.intersects_segment([45.0, 50.0], [40.0, 50.0]));
        assert!(!pp.intersects_segment([45.0, 50.0], [55.0, 50.0]));
    }

    /// Brute force: the largest distance to the area over a sampling, refined by ternary search
    /// around every local maximum of the samples.
    fn sampled_farthest(poly: &Polygon<f64>, a: P2, b: P2) -> f64 {
        let f = |t: f64| {
            let p = Point::new(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
            if p.intersects(poly) {
                0.0
            } else {
                Euclidean.distance(&p, poly)
            }
        };
        let n = 1000;
        let v: Vec<f64> = (0..=n).map(|i| f(i as f64 / n as f64)).collect();
        let mut best = v.iter().copied().fold(0.0, f64::max);
        for i in 0..=n {
            let left = if i > 0 { v[i - 1] } else { f64::NEG_INFINITY };
            let right = if i < n { v[i + 1] } else { f64::NEG_INFINITY };
            if v[i] > 0.0 && v[i] >= left && v[i] >= right {
                let (mut lo, mut hi) = (i.saturating_sub(1) as f64 / n as f64, (i + 1).min(n) as f64 / n as f64);
                for _ in 0..60 {
                    let (m1, m2) = (lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0);
                    if f(m1) < f(m2) {
                        lo = m1;
                    } else {
                        hi = m2;
                    }
                }
                best = best.max(f((lo + hi) / 2.0));
            }
        }
        best
    }

    #[test]
    fn farthest_outside_is_exact_on_crossings_holes_and_concave_boundaries() {
        let outer = polygon![(x: 0.0, y: 0.0), (x: 1000.0, y: 0.0), (x: 1000.0, y: 1000.0), (x: 0.0, y: 1000.0)];
        let pp = PreparedPolygon::new(&outer);
        let d = pp.farthest_outside(&[[500.0, 500.0, 0.0], [1035.2, 500.0, 10.0]]);
        assert_abs_diff_eq!(d.0, 35.2, epsilon = 1e-9);
        assert_abs_diff_eq!(d.1[2], 10.0, epsilon = 1e-9);
        assert_eq!(pp.farthest_outside(&[[100.0, 100.0, 0.0], [900.0, 900.0, 0.0]]).0, 0.0);
        // A hole 200 m wide crossed by a line: the farthest point is the hole's middle, 100 m.
        let h = PreparedPolygon::new(&Polygon::new(
            outer.exterior().clone(),
            vec![LineString::from(vec![
                (400.0, 400.0),
                (600.0, 400.0),
                (600.0, 600.0),
                (400.0, 600.0),
                (400.0, 400.0),
            ])],
        ));
        let (d, at) = h.farthest_outside(&[[300.0, 500.0, 0.0], [700.0, 500.0, 0.0]]);
        assert_abs_diff_eq!(d, 100.0, epsilon = 1e-6);
        assert_abs_diff_eq!(at[0], 500.0, epsilon = 1e-3);
        // Across the mouth of a notch: the farthest point is where the distances to the two
        // walls meet, inside the segment, not a vertex of the line.
        let u = PreparedPolygon::new(&polygon![
            (x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 300.0), (x: 70.0, y: 300.0),
            (x: 70.0, y: 100.0), (x: 30.0, y: 100.0), (x: 30.0, y: 300.0), (x: 0.0, y: 300.0)
        ]);
        let (d, at) = u.farthest_outside(&[[35.0, 200.0, 0.0], [65.0, 200.0, 6.0]]);
        assert_abs_diff_eq!(d, 20.0, epsilon = 1e-6);
        assert_abs_diff_eq!(at[0], 50.0, epsilon = 1e-4);
        assert_abs_diff_eq!(at[2], 3.0, epsilon = 1e-4);
        // Random lines against a concave star with holes, against dense sampling.
        let star = star(600);
        let sp = PreparedPolygon::new(&star);
        let mut r = Rng(5);
        for _ in 0..60 {
            let a = [r.f() * 2600.0 - 1300.0, r.f() * 2600.0 - 1300.0];
            let b = [a[0] + r.f() * 800.0 - 400.0, a[1] + r.f() * 800.0 - 400.0];
            let (got, at) = sp.farthest_outside(&[[a[0], a[1], 0.0], [b[0], b[1], 0.0]]);
            let want = sampled_farthest(&star, a, b);
            assert!(got >= want - 1e-6, "{a:?} {b:?}: {got} < sampled {want}");
            assert!(got - want < 1e-3, "{a:?} {b:?}: {got} vs sampled {want}");
            // The reported point is really that far.
            assert_abs_diff_eq!(sp.distance_to_point(plan(at)), got, epsilon = 1e-9);
        }
    }

    #[test]
    fn first_point_in_and_meets() {
        let p =
            PreparedPolygon::new(&polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)]);
        assert_eq!(p.first_point_in(&[[-10.0, 5.0, 0.0], [20.0, 5.0, 30.0]]), Some([0.0, 5.0, 10.0]));
        assert_eq!(p.first_point_in(&[[5.0, 5.0, 1.0], [20.0, 5.0, 2.0]]), Some([5.0, 5.0, 1.0]));
        let back = p.first_point_in(&[[20.0, 5.0, 1.0], [5.0, 5.0, 2.0]]).expect("in");
        assert_eq!((back[0], back[1]), (10.0, 5.0));
        assert_abs_diff_eq!(back[2], 1.0 + 10.0 / 15.0, epsilon = 1e-12);
        assert_eq!(p.first_point_in(&[[20.0, 5.0, 1.0], [30.0, 5.0, 2.0]]), None);
        assert_eq!(p.first_point_in(&[[5.0, 5.0, 1.0]]), Some([5.0, 5.0, 1.0]));
        // Collinear overlap: the first end of the overlap.
        assert_eq!(segment_meets([-5.0, 0.0], [5.0, 0.0], [0.0, 0.0], [10.0, 0.0]), Some((0.5, 1.0)));
        assert_eq!(segment_meets([0.0, 1.0], [5.0, 1.0], [0.0, 0.0], [10.0, 0.0]), None);
    }

    #[test]
    fn closest_approach_is_strict_and_interpolates_z() {
        let s = Segments::of_line(&[[0.0, 0.0, 0.0], [10.0, 0.0, 0.0]]);
        let line = [[20.0, 5.0, 0.0], [13.0, 4.0, 10.0]];
        let (d, at) = s.closest_approach(&line, 10.0).expect("close");
        assert_abs_diff_eq!(d, 5.0, epsilon = 1e-12);
        assert_eq!(at, [13.0, 4.0, 10.0]);
        assert!(s.closest_approach(&line, 5.0).is_none());
        assert!(s.point_within([5.0, 3.0], 3.0));
        assert!(!s.point_within([5.0, 3.0001], 3.0));
        assert_eq!(s.closest_approach(&[[5.0, 1.0, 7.0]], 2.0), Some((1.0, [5.0, 1.0, 7.0])));
        // The indexed path gives the same answers as the linear one.
        let many: Vec<P3> = (0..200).map(|i| [i as f64, (i as f64 * 0.1).sin() * 10.0, 0.0]).collect();
        let idx = Segments::of_line(&many);
        let mut r = Rng(9);
        for _ in 0..500 {
            let p = [r.f() * 220.0 - 10.0, r.f() * 60.0 - 30.0];
            let brute = many
                .windows(2)
                .map(|w| point_segment_distance(p, plan(w[0]), plan(w[1])))
                .fold(f64::INFINITY, f64::min);
            assert_abs_diff_eq!(idx.distance_to_point(p), brute, epsilon = 1e-12);
        }
    }

    #[test]
    fn segment_distance_3d_cases() {
        assert_abs_diff_eq!(segment_distance_3d([0.0; 3], [10.0, 0.0, 0.0], [5.0, 3.0, 4.0], [5.0, 3.0, 4.0]), 5.0);
        assert_abs_diff_eq!(
            segment_distance_3d([0.0; 3], [10.0, 0.0, 0.0], [0.0, 5.0, 1.0], [10.0, 5.0, 1.0]),
            26f64.sqrt(),
            epsilon = 1e-12
        );
        assert_abs_diff_eq!(segment_distance_3d([0.0; 3], [0.0; 3], [3.0, 4.0, 0.0], [3.0, 4.0, 0.0]), 5.0);
    }
}
