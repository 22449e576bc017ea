//! Seam surface models (煤层底板等高线): the floor of each seam, interpolated between the seam
//! picks of the boreholes.
//!
//! - A **pick** is where a hole leaves a seam: the bottom (`to`) of its seam interval, or of the
//!   last of consecutive intervals logged with the same seam, positioned on the desurveyed
//!   trajectory (a deviated hole's pick is not at its collar).
//! - The **surface** is the Delaunay triangulation of a seam's picks (spade) with Sibson's
//!   natural-neighbour interpolation: it passes through every pick exactly, is smooth between
//!   them, reproduces a planar seam exactly, and is undefined outside the picks' convex hull
//!   (nothing is extrapolated: [`SeamSurface::elevation_at`] is `None` there).
//! - The **grid** samples the surface on a regular lattice for drawing (a 3D mesh) and for
//!   **contours** traced by marching squares, joined into polylines per level.
//!
//! Coordinates are the mine CRS (f64); the triangulation works relative to the first pick, so
//! Gauss–Krüger magnitudes (3.9e7) cost no precision.

use super::Borehole;
use crate::i18n::Text;
use crate::text;
use spade::{DelaunayTriangulation, HasPosition, Point2, Triangulation};
use std::collections::{BTreeMap, HashMap};

/// Where one hole leaves one seam.
#[derive(Debug, Clone, PartialEq)]
pub struct SeamPick {
    pub hole: String,
    pub seam: String,
    /// The floor: x, y, z of the pick in the mine CRS.
    pub floor: [f64; 3],
    /// Elevation of the seam's roof in this hole (top of the first interval).
    pub roof_z: f64,
}

/// The seam picks of every hole, in hole order: one per hole and seam (consecutive intervals
/// of one seam are one pick, its floor at the deepest `to`). Intervals with non-finite or
/// inverted depths are skipped (the validator reports them).
pub fn picks(boreholes: &[Borehole]) -> Vec<SeamPick> {
    let mut out = Vec::new();
    for b in boreholes {
        let c = &b.collar;
        if ![c.x, c.y, c.z].iter().all(|v| v.is_finite()) {
            continue;
        }
        // Per seam: (shallowest from, deepest to), in the order the seams first appear.
        let mut spans: Vec<(&str, f64, f64)> = Vec::new();
        for i in &b.intervals {
            let Some(seam) = i.seam.as_deref().map(str::trim).filter(|s| !s.is_empty()) else { continue };
            if !(i.from_m.is_finite() && i.to_m.is_finite() && i.to_m >= i.from_m && i.from_m >= 0.0) {
                continue;
            }
            match spans.iter_mut().find(|s| s.0 == seam) {
                Some(s) => {
                    s.1 = s.1.min(i.from_m);
                    s.2 = s.2.max(i.to_m);
                }
                None => spans.push((seam, i.from_m, i.to_m)),
            }
        }
        if spans.is_empty() {
            continue;
        }
        let t = b.trajectory();
        for (seam, from, to) in spans {
            out.push(SeamPick {
                hole: c.id.clone(),
                seam: seam.to_string(),
                floor: t.position_at(to),
                roof_z: t.position_at(from)[2],
            });
        }
    }
    out
}

#[derive(Debug, Clone, Copy)]
struct Node {
    /// Relative to the surface's origin.
    p: Point2<f64>,
    z: f64,
}

impl HasPosition for Node {
    type Scalar = f64;
    fn position(&self) -> Point2<f64> {
        self.p
    }
}

/// One seam's floor surface.
#[derive(Debug)]
pub struct SeamSurface {
    pub seam: String,
    /// The picks it was built from (after dropping duplicates).
    pub picks: Vec<SeamPick>,
    origin: [f64; 2],
    tri: DelaunayTriangulation<Node>,
    /// World bounds of the picks: [xmin, ymin, zmin, xmax, ymax, zmax].
    pub bounds: [f64; 6],
}

/// A regular sample of a surface: `z[j * nx + i]` at (x0 + i·cell, y0 + j·cell), NaN outside
/// the picks' hull.
#[derive(Debug, Clone, PartialEq)]
pub struct SeamGrid {
    pub x0: f64,
    pub y0: f64,
    pub cell: f64,
    pub nx: usize,
    pub ny: usize,
    pub z: Vec<f64>,
}

impl SeamGrid {
    pub fn at(&self, i: usize, j: usize) -> f64 {
        self.z[j * self.nx + i]
    }
    pub fn xy(&self, i: usize, j: usize) -> [f64; 2] {
        [self.x0 + i as f64 * self.cell, self.y0 + j as f64 * self.cell]
    }
}

/// A contour line: its level and its vertices (mine CRS, z = level). Closed lines repeat their
/// first vertex at the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Contour {
    pub level: f64,
    pub line: Vec<[f64; 3]>,
}

/// The cells along the longer side of the default drawing grid.
pub const GRID_CELLS: usize = 160;

impl SeamSurface {
    /// Build the surface of `seam` from its picks (others are ignored). Picks within 1 mm of an
    /// earlier one in plan are dropped (the surface is single-valued); at least three picks not
    /// on one line are needed.
    pub fn build(seam: &str, picks: &[SeamPick]) -> Result<Self, Text> {
        let mine: Vec<&SeamPick> =
            picks.iter().filter(|p| p.seam == seam && p.floor.iter().all(|v| v.is_finite())).collect();
        let Some(first) = mine.first() else {
            return Err(text!("{} 号煤层没有钻孔见煤点", "seam {} has no borehole picks", seam));
        };
        let origin = [first.floor[0].round(), first.floor[1].round()];
        let mut seen = HashMap::new();
        let mut kept = Vec::new();
        let mut nodes = Vec::new();
        for p in mine {
            let key = ((p.floor[0] * 1000.0).round() as i64, (p.floor[1] * 1000.0).round() as i64);
            if seen.insert(key, ()).is_some() {
                continue;
            }
            nodes.push(Node { p: Point2::new(p.floor[0] - origin[0], p.floor[1] - origin[1]), z: p.floor[2] });
            kept.push(p.clone());
        }
        if kept.len() < 3 {
            return Err(text!(
                "{} 号煤层只有 {} 个钻孔见煤点，至少需要 3 个才能建立底板面",
                "seam {} has {} borehole picks; a floor surface needs at least 3",
                seam,
                kept.len()
            ));
        }
        let tri: DelaunayTriangulation<Node> = DelaunayTriangulation::bulk_load(nodes).map_err(|e| {
            text!("{} 号煤层见煤点无法三角剖分：{}", "seam {} picks cannot be triangulated: {}", seam, e)
        })?;
        if tri.num_inner_faces() == 0 {
            return Err(text!(
                "{} 号煤层的 {} 个见煤点位于一条直线上，无法建立底板面",
                "the {1} picks of seam {0} lie on one line: no floor surface",
                seam,
                kept.len()
            ));
        }
        let mut bounds =
            [f64::INFINITY, f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for p in &kept {
            for k in 0..3 {
                bounds[k] = bounds[k].min(p.floor[k]);
                bounds[k + 3] = bounds[k + 3].max(p.floor[k]);
            }
        }
        Ok(Self { seam: seam.to_string(), picks: kept, origin, tri, bounds })
    }

    /// Floor elevation at (x, y) by natural-neighbour interpolation; None outside the picks'
    /// convex hull.
    pub fn elevation_at(&self, x: f64, y: f64) -> Option<f64> {
        self.tri.natural_neighbor().interpolate(|v| v.data().z, Point2::new(x - self.origin[0], y - self.origin[1]))
    }

    /// The convex hull of the picks, counter-clockwise, mine CRS.
    pub fn hull(&self) -> Vec<[f64; 2]> {
        self.tri
            .convex_hull()
            .map(|e| {
                let p = e.from().position();
                [p.x + self.origin[0], p.y + self.origin[1]]
            })
            .collect()
    }

    /// Sample the surface on a grid of square cells, `cells` along the longer side of the
    /// picks' extent (at least 1 m each).
    pub fn grid(&self, cells: usize) -> SeamGrid {
        let (w, h) = (self.bounds[3] - self.bounds[0], self.bounds[4] - self.bounds[1]);
        let cell = (w.max(h) / cells.max(1) as f64).max(1.0);
        let nx = (w / cell).ceil() as usize + 1;
        let ny = (h / cell).ceil() as usize + 1;
        let nn = self.tri.natural_neighbor();
        let (x0, y0) = (self.bounds[0], self.bounds[1]);
        let mut z = Vec::with_capacity(nx * ny);
        for j in 0..ny {
            for i in 0..nx {
                // The last row and column sit on the far edge of the extent, not past it.
                let x = (x0 + i as f64 * cell).min(self.bounds[3]);
                let y = (y0 + j as f64 * cell).min(self.bounds[4]);
                let p = Point2::new(x - self.origin[0], y - self.origin[1]);
                z.push(nn.interpolate(|v| v.data().z, p).unwrap_or(f64::NAN));
            }
        }
        SeamGrid { x0, y0, cell, nx, ny, z }
    }
}

/// A round contour interval giving about `lines` levels over `range` metres (1, 2, 2.5, 5 × 10ⁿ).
pub fn contour_interval(range: f64, lines: f64) -> f64 {
    let raw = (range / lines.max(1.0)).max(1e-3);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    // The nearest (by ratio) of the intervals surveyors use.
    let nice = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .min_by(|a: &f64, b: &f64| (f / a).ln().abs().total_cmp(&(f / b).ln().abs()))
        .unwrap_or(1.0);
    nice * mag
}

/// Contours of a grid at every multiple of `interval` inside its range, by marching squares
/// (cells with a NaN corner are skipped; saddles resolved by the cell's mean), joined into
/// polylines. Work is linear in the cells crossed.
pub fn contours(g: &SeamGrid, interval: f64) -> Vec<Contour> {
    let finite = g.z.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !(lo.is_finite() && interval > 0.0) || g.nx < 2 || g.ny < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let first = (lo / interval).ceil() as i64;
    let last = (hi / interval).floor() as i64;
    for k in first..=last {
        let level = k as f64 * interval;
        out.extend(trace_level(g, level).into_iter().map(|line| Contour { level, line }));
    }
    out
}

/// Edge ids: the horizontal edge from node (i, j) to (i+1, j) is 2·(j·nx+i), the vertical edge
/// from (i, j) to (i, j+1) is 2·(j·nx+i)+1.
fn trace_level(g: &SeamGrid, level: f64) -> Vec<Vec<[f64; 3]>> {
    let nx = g.nx;
    let id = |i: usize, j: usize, vertical: bool| 2 * (j * nx + i) as u64 + u64::from(vertical);
    let point = |e: u64| -> [f64; 3] {
        let n = (e / 2) as usize;
        let (i, j) = (n % nx, n / nx);
        let (i2, j2) = if e.is_multiple_of(2) { (i + 1, j) } else { (i, j + 1) };
        let (za, zb) = (g.at(i, j), g.at(i2, j2));
        let t = if (zb - za).abs() > 1e-12 { ((level - za) / (zb - za)).clamp(0.0, 1.0) } else { 0.5 };
        let (a, b) = (g.xy(i, j), g.xy(i2, j2));
        [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, level]
    };
    // Segments as pairs of edge ids; each edge touches at most two segments.
    let mut segs: Vec<[u64; 2]> = Vec::new();
    for j in 0..g.ny - 1 {
        for i in 0..nx - 1 {
            let c = [g.at(i, j), g.at(i + 1, j), g.at(i + 1, j + 1), g.at(i, j + 1)];
            if c.iter().any(|v| !v.is_finite()) {
                continue;
            }
            let case = c.iter().enumerate().fold(0u8, |m, (b, v)| m | (u8::from(*v >= level) << b));
            // Cell edges: bottom (0-1), right (1-2), top (3-2), left (0-3).
            let (b, r, t, l) = (id(i, j, false), id(i + 1, j, true), id(i, j + 1, false), id(i, j, true));
            let centre_above = c.iter().sum::<f64>() / 4.0 >= level;
            match case {
                0 | 15 => {}
                1 | 14 => segs.push([l, b]),
                2 | 13 => segs.push([b, r]),
                3 | 12 => segs.push([l, r]),
                4 | 11 => segs.push([r, t]),
                6 | 9 => segs.push([b, t]),
                7 | 8 => segs.push([l, t]),
                5 => {
                    // Corners 0 and 2 above.
                    if centre_above {
                        segs.extend([[l, t], [b, r]]);
                    } else {
                        segs.extend([[l, b], [r, t]]);
                    }
                }
                10 => {
                    // Corners 1 and 3 above.
                    if centre_above {
                        segs.extend([[l, b], [r, t]]);
                    } else {
                        segs.extend([[l, t], [b, r]]);
                    }
                }
                _ => unreachable!("a 4-bit case"),
            }
        }
    }
    let mut at: HashMap<u64, Vec<usize>> = HashMap::with_capacity(segs.len() * 2);
    for (n, s) in segs.iter().enumerate() {
        at.entry(s[0]).or_default().push(n);
        at.entry(s[1]).or_default().push(n);
    }
    let mut used = vec![false; segs.len()];
    let mut lines = Vec::new();
    // Walk from open ends first (lines that leave the grid or the hull), then closed loops.
    let starts: Vec<usize> = {
        let mut open: Vec<usize> = (0..segs.len()).filter(|&n| segs[n].iter().any(|e| at[e].len() == 1)).collect();
        open.extend(0..segs.len());
        open
    };
    for s in starts {
        if used[s] {
            continue;
        }
        used[s] = true;
        let [a, b] = segs[s];
        // Start at the end that has no other segment (if any).
        let (start, mut cur) = if at[&b].len() == 1 && at[&a].len() > 1 { (b, a) } else { (a, b) };
        let mut chain = vec![start, cur];
        loop {
            let next = at[&cur].iter().copied().find(|&n| !used[n]);
            let Some(n) = next else { break };
            used[n] = true;
            cur = if segs[n][0] == cur { segs[n][1] } else { segs[n][0] };
            chain.push(cur);
        }
        lines.push(chain.into_iter().map(point).collect());
    }
    lines
}

/// Every seam's surface from the boreholes, in natural seam order (3, 9, 15), with the seams that could not be
/// modelled and why (fewer than three picks, all on one line).
pub fn surfaces(boreholes: &[Borehole]) -> (Vec<SeamSurface>, Vec<Text>) {
    let all = picks(boreholes);
    // Seams in natural order: 3, 9, 15 (numbers by value, then names).
    let mut seams: BTreeMap<(u64, &str), ()> = BTreeMap::new();
    for p in &all {
        let n =
            p.seam.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).map_or(u64::MAX, |v| (v * 1000.0) as u64);
        seams.insert((n, p.seam.as_str()), ());
    }
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (_, seam) in seams.keys() {
        match SeamSurface::build(seam, &all) {
            Ok(s) => out.push(s),
            Err(e) => problems.push(e),
        }
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::borehole::{Collar, Interval, Station};
    use crate::test_rng::Rng;
    use approx::assert_abs_diff_eq;

    fn hole(id: &str, x: f64, y: f64, z: f64, seams: &[(&str, f64, f64)]) -> Borehole {
        Borehole {
            collar: Collar { id: id.into(), x, y, z, depth_m: None, drilled_at: None },
            stations: vec![],
            intervals: seams
                .iter()
                .map(|(s, from, to)| Interval {
                    from_m: *from,
                    to_m: *to,
                    seam: Some((*s).into()),
                    ..Default::default()
                })
                .collect(),
        }
    }

    /// A planar floor z = 900 − 0.05 (x − x0) + 0.02 (y − y0) under a flat ground at 1200 m.
    fn plane(x: f64, y: f64) -> f64 {
        900.0 - 0.05 * (x - 39_500_000.0) + 0.02 * (y - 4_000_000.0)
    }

    fn random_holes(n: usize, seed: u64) -> Vec<Borehole> {
        let mut r = Rng::new(seed);
        (0..n)
            .map(|k| {
                let (x, y) = (39_500_000.0 + r.f() * 4000.0, 4_000_000.0 + r.f() * 3000.0);
                let depth = 1200.0 - plane(x, y);
                hole(&format!("ZK{k}"), x, y, 1200.0, &[("3", depth - 4.0, depth)])
            })
            .collect()
    }

    #[test]
    fn the_surface_passes_through_every_pick() {
        // A rough, non-planar floor: the surface must still honour each pick to the centimetre.
        let mut r = Rng::new(7);
        let holes: Vec<_> = (0..60)
            .map(|k| {
                let (x, y) = (482_000.0 + r.f() * 3000.0, 4_049_000.0 + r.f() * 2000.0);
                hole(&format!("ZK{k}"), x, y, 1200.0, &[("3", 150.0, 150.0 + 5.0 + r.f() * 80.0)])
            })
            .collect();
        let (surfaces, problems) = surfaces(&holes);
        assert!(problems.is_empty(), "{problems:?}");
        let s = &surfaces[0];
        assert_eq!(s.picks.len(), 60);
        for p in &s.picks {
            let z = s.elevation_at(p.floor[0], p.floor[1]).expect("inside the hull");
            assert_abs_diff_eq!(z, p.floor[2], epsilon = 0.01);
        }
        // Nothing is extrapolated beyond the hull.
        assert_eq!(s.elevation_at(481_000.0, 4_049_000.0), None);
    }

    #[test]
    fn a_planar_seam_is_reproduced_and_its_contours_lie_on_the_plane() {
        let holes = random_holes(200, 3);
        let (surfaces, _) = surfaces(&holes);
        let s = &surfaces[0];
        // Natural-neighbour coordinates reproduce a linear function exactly, inside the hull.
        for (x, y) in [(39_502_000.0, 4_001_500.0), (39_501_000.0, 4_002_000.0)] {
            assert_abs_diff_eq!(s.elevation_at(x, y).expect("inside"), plane(x, y), epsilon = 1e-6);
        }
        let g = s.grid(100);
        let interval = contour_interval(s.bounds[5] - s.bounds[2], 10.0);
        assert_eq!(interval, 25.0, "{} m of relief", s.bounds[5] - s.bounds[2]);
        assert_eq!(
            [contour_interval(100.0, 10.0), contour_interval(37.0, 10.0), contour_interval(1.7, 10.0)],
            [10.0, 5.0, 0.2]
        );
        let cs = contours(&g, interval);
        let levels: std::collections::BTreeSet<i64> = cs.iter().map(|c| c.level as i64).collect();
        // Every multiple of 25 m inside the sampled range has a line, and no other.
        let (lo, hi) =
            g.z.iter().filter(|v| v.is_finite()).fold((f64::MAX, f64::MIN), |a, &v| (a.0.min(v), a.1.max(v)));
        let want: std::collections::BTreeSet<i64> =
            ((lo / 25.0).ceil() as i64..=(hi / 25.0).floor() as i64).map(|k| k * 25).collect();
        assert_eq!(levels, want);
        for c in &cs {
            assert!(c.line.len() >= 2);
            for p in &c.line {
                assert_eq!(p[2], c.level);
                // On a plane, linear interpolation along grid edges is exact.
                assert_abs_diff_eq!(plane(p[0], p[1]), c.level, epsilon = 1e-3);
            }
        }
        // A plane's contour at one level inside the hull is one connected line.
        let mid = cs.iter().filter(|c| c.level == 900.0).count();
        assert_eq!(mid, 1, "the 900 m contour is one polyline");
    }

    #[test]
    fn a_deviated_hole_picks_on_its_trajectory_and_seams_merge() {
        let mut b =
            hole("ZK1", 1000.0, 2000.0, 1200.0, &[("3", 100.0, 102.0), ("3", 102.0, 104.0), ("9", 200.0, 203.0)]);
        b.stations = vec![Station { depth_m: 0.0, azimuth_deg: 90.0, dip_deg: -60.0 }];
        let p = picks(&[b]);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].seam.as_str(), p[1].seam.as_str()), ("3", "9"));
        let s60 = 60f64.to_radians().sin();
        assert_abs_diff_eq!(p[0].floor[2], 1200.0 - 104.0 * s60, epsilon = 1e-6);
        assert_abs_diff_eq!(p[0].roof_z, 1200.0 - 100.0 * s60, epsilon = 1e-6);
        assert_abs_diff_eq!(p[0].floor[0], 1000.0 + 104.0 * 0.5, epsilon = 1e-6);
    }

    #[test]
    fn too_few_or_collinear_picks_are_reported_not_modelled() {
        let two =
            vec![hole("A", 0.0, 0.0, 100.0, &[("3", 10.0, 12.0)]), hole("B", 10.0, 0.0, 100.0, &[("3", 10.0, 12.0)])];
        let (s, problems) = surfaces(&two);
        assert!(s.is_empty());
        assert!(problems[0].en.contains("2 borehole picks"), "{:?}", problems[0]);
        let line: Vec<_> =
            (0..5).map(|k| hole(&format!("H{k}"), k as f64 * 10.0, 0.0, 100.0, &[("9", 10.0, 12.0)])).collect();
        let (s, problems) = surfaces(&line);
        assert!(s.is_empty());
        assert!(problems[0].zh.contains("一条直线"), "{:?}", problems[0]);
    }

    #[test]
    fn the_coal_mine_sample_has_three_floor_surfaces() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine");
        let survey = crate::io::package::read_package(&dir).expect("sample reads");
        let (s, problems) = surfaces(&survey.boreholes);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<_> = s.iter().map(|s| s.seam.as_str()).collect();
        assert_eq!(names, ["3", "9", "15"]);
        for surface in &s {
            for p in &surface.picks {
                let z = surface.elevation_at(p.floor[0], p.floor[1]).expect("at a pick");
                assert_abs_diff_eq!(z, p.floor[2], epsilon = 0.01);
            }
            assert!(!contours(&surface.grid(GRID_CELLS), 10.0).is_empty(), "seam {}", surface.seam);
        }
    }
}
