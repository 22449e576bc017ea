//! Geometry shared by the rules: working lines in plan with their elevation range, faces, and
//! R-tree indexes over polygon and line layers so that every spatial predicate looks only at
//! candidates whose envelope is near (cost O((W + Z) log Z), not W × Z).
//!
//! Distances are planar (x, y) in the mine CRS, in metres.

use crate::model::{Working, WorkingKind, WorkingStatus, ZRange};
use geo::{Distance, Euclidean, Intersects};
use geo_types::{coord, Coord, Line, LineString, Point, Polygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// A working prepared for the rules.
#[derive(Debug, Clone)]
pub struct WorkingGeom<'a> {
    pub w: &'a Working,
    /// The line in plan.
    pub plan: LineString<f64>,
    pub z_min: f64,
    pub z_max: f64,
    pub env: Rect<f64>,
}

impl<'a> WorkingGeom<'a> {
    pub fn new(w: &'a Working) -> Self {
        let plan = LineString(w.line.iter().map(|c| coord! { x: c[0], y: c[1] }).collect());
        let (z_min, z_max) =
            w.line.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), c| (a.min(c[2]), b.max(c[2])));
        let env = envelope(&plan.0);
        Self { w, plan, z_min, z_max, env }
    }

    /// The active face: an active heading's last vertex, an active longwall's last segment.
    pub fn face(&self) -> Option<Face> {
        if self.w.status != WorkingStatus::Active {
            return None;
        }
        let n = self.w.line.len();
        match self.w.kind {
            WorkingKind::Heading if n >= 2 => {
                let (a, b) = (self.w.line[n - 2], self.w.line[n - 1]);
                let d = [b[0] - a[0], b[1] - a[1]];
                let len = (d[0] * d[0] + d[1] * d[1]).sqrt();
                let dir = if len > 0.0 { [d[0] / len, d[1] / len] } else { [0.0, 0.0] };
                Some(Face { kind: WorkingKind::Heading, a: b, b, dir })
            }
            WorkingKind::Longwall if n >= 2 => Some(Face {
                kind: WorkingKind::Longwall,
                a: self.w.line[n - 2],
                b: self.w.line[n - 1],
                dir: [0.0, 0.0],
            }),
            _ => None,
        }
    }

    /// 'In a zone' (RULES.md Terms): the line meets the polygon in plan (touching counts) and
    /// its elevation range overlaps the zone's.
    pub fn is_in(&self, poly: &Polygon<f64>, z: &ZRange) -> bool {
        z.overlaps(self.z_min, self.z_max) && self.plan.intersects(poly)
    }

    /// Planar distance from the line to a polygon (0 when they meet).
    pub fn distance_to_polygon(&self, poly: &Polygon<f64>) -> f64 {
        if self.plan.intersects(poly) {
            0.0
        } else {
            Euclidean.distance(&self.plan, poly)
        }
    }
}

/// An active face: a point (heading, with its plan direction) or a segment (longwall).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Face {
    pub kind: WorkingKind,
    /// Start and end (equal for a heading), x y z.
    pub a: [f64; 3],
    pub b: [f64; 3],
    /// Unit plan direction of a heading's last segment.
    pub dir: [f64; 2],
}

impl Face {
    /// The face in plan as a segment (degenerate for a heading).
    pub fn plan(&self) -> Line<f64> {
        Line::new(coord! { x: self.a[0], y: self.a[1] }, coord! { x: self.b[0], y: self.b[1] })
    }
    pub fn z_range(&self) -> (f64, f64) {
        (self.a[2].min(self.b[2]), self.a[2].max(self.b[2]))
    }
    /// The face lies in the zone (plan intersection incl. touching, z overlap).
    pub fn is_in(&self, poly: &Polygon<f64>, z: &ZRange) -> bool {
        let (lo, hi) = self.z_range();
        z.overlaps(lo, hi) && self.plan_intersects(poly)
    }
    fn plan_intersects(&self, poly: &Polygon<f64>) -> bool {
        if self.a == self.b {
            Point::new(self.a[0], self.a[1]).intersects(poly)
        } else {
            self.plan().intersects(poly)
        }
    }
    /// Planar distance from the face to a polygon (0 inside or on it).
    pub fn distance_to_polygon(&self, poly: &Polygon<f64>) -> f64 {
        if self.plan_intersects(poly) {
            return 0.0;
        }
        if self.a == self.b {
            Euclidean.distance(&Point::new(self.a[0], self.a[1]), poly)
        } else {
            Euclidean.distance(&self.plan(), poly)
        }
    }
    /// Planar distance from the face to a line (e.g. a fault trace).
    pub fn distance_to_line(&self, l: &LineString<f64>) -> f64 {
        if self.a == self.b {
            Euclidean.distance(&Point::new(self.a[0], self.a[1]), l)
        } else {
            Euclidean.distance(&self.plan(), l)
        }
    }
    /// The middle of the face (a finding's `at`).
    pub fn mid(&self) -> [f64; 3] {
        [(self.a[0] + self.b[0]) / 2.0, (self.a[1] + self.b[1]) / 2.0, (self.a[2] + self.b[2]) / 2.0]
    }
    /// 3D distance between two faces (points or segments).
    pub fn distance_3d(&self, o: &Face) -> f64 {
        segment_distance_3d(self.a, self.b, o.a, o.b)
    }
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Closest distance between 3D segments [p1, q1] and [p2, q2] (either may be a point).
pub fn segment_distance_3d(p1: [f64; 3], q1: [f64; 3], p2: [f64; 3], q2: [f64; 3]) -> f64 {
    let (d1, d2, r) = (sub(q1, p1), sub(q2, p2), sub(p1, p2));
    let (a, e, f) = (dot(d1, d1), dot(d2, d2), dot(d2, r));
    let (s, t);
    if a <= 1e-12 && e <= 1e-12 {
        return dot(r, r).sqrt();
    }
    if a <= 1e-12 {
        s = 0.0;
        t = (f / e).clamp(0.0, 1.0);
    } else {
        let c = dot(d1, r);
        if e <= 1e-12 {
            t = 0.0;
            s = (-c / a).clamp(0.0, 1.0);
        } else {
            let b = dot(d1, d2);
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
    let c1 = [p1[0] + d1[0] * s, p1[1] + d1[1] * s, p1[2] + d1[2] * s];
    let c2 = [p2[0] + d2[0] * t, p2[1] + d2[1] * t, p2[2] + d2[2] * t];
    let d = sub(c1, c2);
    dot(d, d).sqrt()
}

/// The envelope of coordinates.
pub fn envelope(cs: &[Coord<f64>]) -> Rect<f64> {
    let mut lo = coord! { x: f64::INFINITY, y: f64::INFINITY };
    let mut hi = coord! { x: f64::NEG_INFINITY, y: f64::NEG_INFINITY };
    for c in cs {
        lo.x = lo.x.min(c.x);
        lo.y = lo.y.min(c.y);
        hi.x = hi.x.max(c.x);
        hi.y = hi.y.max(c.y);
    }
    Rect::new(lo, hi)
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// An R-tree over the envelopes of items (bulk-loaded), returning item indices whose envelope
/// comes within a distance of a query envelope.
#[derive(Debug, Clone)]
pub struct EnvIndex {
    tree: RTree<Entry>,
}

impl EnvIndex {
    pub fn new(envs: impl IntoIterator<Item = Rect<f64>>) -> Self {
        let entries = envs
            .into_iter()
            .enumerate()
            .map(|(i, r)| GeomWithData::new(Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]), i))
            .collect();
        Self { tree: RTree::bulk_load(entries) }
    }

    /// Indices (sorted) of items whose envelope is within `d` of `env`.
    pub fn near(&self, env: &Rect<f64>, d: f64) -> Vec<usize> {
        let q = AABB::from_corners([env.min().x - d, env.min().y - d], [env.max().x + d, env.max().y + d]);
        let mut v: Vec<usize> = self.tree.locate_in_envelope_intersecting(&q).map(|e| e.data).collect();
        v.sort_unstable();
        v
    }
}

/// Envelope of a polygon.
pub fn poly_env(p: &Polygon<f64>) -> Rect<f64> {
    envelope(&p.exterior().0)
}

/// A 3D line in plan.
pub fn plan_line(cs: &[[f64; 3]]) -> LineString<f64> {
    LineString(cs.iter().map(|c| coord! { x: c[0], y: c[1] }).collect())
}
