//! Validation of a whole survey: unique ids, valid geometry (self-intersections reported with
//! their location), ordered z bounds (checked at read), and plausible values. Every problem is
//! reported, not only the first.

use crate::error::{Location, Problems};
use crate::model::{LayerKind, LayerVisitor, Survey};
use crate::text;
use geo::algorithm::Validation;
use std::collections::HashSet;

pub mod plausible;

/// Append every problem of `survey` to `ps`.
pub fn validate(survey: &Survey, ps: &mut Problems) {
    struct V<'a> {
        survey: &'a Survey,
        ps: &'a mut Problems,
    }
    impl LayerVisitor for V<'_> {
        fn visit<K: LayerKind>(&mut self, items: &[K]) {
            let file = self.survey.layer_files.get(K::NAME).cloned().unwrap_or_default();
            let at = |id: &str| Location::file(&file).layer(K::NAME).feature(id);
            let mut seen = HashSet::new();
            for f in items {
                if !seen.insert(f.id()) {
                    self.ps.error(at(f.id()).field("id"), text!("要素编号重复: {}", "duplicate id: {}", f.id()));
                }
                if let Some(p) = f.outline() {
                    check_polygon(p, at(f.id()), self.ps);
                }
            }
        }
    }
    survey.layers.visit(&mut V { survey, ps });
    plausible::check(survey, ps);
    if survey.layers.licence.len() > 1 {
        let file = survey.layer_files.get("licence").cloned().unwrap_or_default();
        ps.error(
            Location::file(file).layer("licence"),
            text!(
                "采矿许可范围应为一个面，实有 {} 个",
                "the licence must be one polygon, found {}",
                survey.layers.licence.len()
            ),
        );
    }
    for w in &survey.layers.workings {
        for c in &w.line {
            if !(-3000.0..=9000.0).contains(&c[2]) {
                let file = survey.layer_files.get("workings").cloned().unwrap_or_default();
                ps.error(
                    Location::file(file).layer("workings").feature(&w.id).field("geometry"),
                    text!("顶点高程 {} m 不合理", "implausible vertex elevation {} m", c[2]),
                );
                break;
            }
        }
    }
}

/// Report an invalid polygon (self-intersection, too few points, bad ring) at `at`.
pub fn check_polygon(p: &geo_types::Polygon<f64>, at: Location, ps: &mut Problems) {
    if p.exterior().0.len() < 4 {
        ps.error(
            at.field("geometry"),
            text!("面的外环少于 3 个顶点", "the polygon's outer ring has fewer than 3 vertices"),
        );
        return;
    }
    if certainly_valid(p) {
        return;
    }
    let mut reasons = Vec::new();
    p.visit_validation(Box::new(|e| {
        reasons.push(e.to_string());
        Ok::<(), ()>(())
    }))
    .ok();
    if !reasons.is_empty() {
        ps.error(at.field("geometry"), text!("几何无效: {}", "invalid geometry: {}", reasons.join("; ")));
    }
}

/// A fast, O(n log n) filter in front of geo's full (quadratic) validation: true when no two
/// non-adjacent ring segments meet (a sweep by x, or the segment index when the sweep would be
/// slow), every ring is
/// closed with at least 4 finite points, and every hole starts strictly inside the exterior and
/// outside the other holes. False means "maybe invalid": geo then decides and explains.
fn certainly_valid(p: &geo_types::Polygon<f64>) -> bool {
    let rings: Vec<&[geo_types::Coord<f64>]> =
        std::iter::once(p.exterior()).chain(p.interiors()).map(|r| r.0.as_slice()).collect();
    if p.interiors().len() > 16 {
        return false;
    }
    // Every ring segment in the project's segment index, with its ring and position.
    let mut ends: Vec<[f64; 4]> = Vec::new();
    let mut at: Vec<(u32, u32)> = Vec::new();
    for (r, ring) in rings.iter().enumerate() {
        if ring.len() < 4 || ring.first() != ring.last() || ring.iter().any(|c| !(c.x.is_finite() && c.y.is_finite())) {
            return false;
        }
        for (i, w) in ring.windows(2).enumerate() {
            if w[0] == w[1] {
                return false;
            }
            ends.push([w[0].x, w[0].y, w[1].x, w[1].y]);
            at.push((r as u32, i as u32));
        }
    }
    if sweep_meets(&rings, &ends, &at).unwrap_or_else(|| index_meets(&rings, ends, &at)) {
        return false;
    }
    // No ring meets another, so a hole lies wholly inside or outside: test one vertex.
    let inside = |ring: &[geo_types::Coord<f64>], q: geo_types::Coord<f64>| {
        let mut c = false;
        for w in ring.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a.y > q.y) != (b.y > q.y) && q.x < (b.x - a.x) * (q.y - a.y) / (b.y - a.y) + a.x {
                c = !c;
            }
        }
        c
    };
    for (h, hole) in rings.iter().enumerate().skip(1) {
        if !inside(rings[0], hole[0]) {
            return false;
        }
        if rings.iter().enumerate().skip(1).any(|(k, other)| k != h && inside(other, hole[0])) {
            return false;
        }
    }
    true
}

/// Do two ring segments (`i`, `j`, with ring and position `at`) meet other than at the vertex
/// that adjacent segments share? An adjacent pair meets elsewhere only by folding back along
/// the same line (a spike).
fn pair_meets(rings: &[&[geo_types::Coord<f64>]], at: &[(u32, u32)], i: usize, j: usize, s: [[f64; 2]; 4]) -> bool {
    use crate::geometry::{orient, segments_intersect};
    let [a, b, c, d] = s;
    let ((ri, ki), (rj, kj)) = (at[i], at[j]);
    if ri == rj {
        let n = rings[ri as usize].len() as u32 - 1;
        let (x, y) = (ki.min(kj), ki.max(kj));
        if y == x + 1 || (x == 0 && y == n - 1) {
            return orient(a, b, c) == 0.0 && orient(a, b, d) == 0.0;
        }
    }
    segments_intersect(a, b, c, d)
}

fn ends_of(e: &[f64; 4]) -> ([f64; 2], [f64; 2]) {
    ([e[0], e[1]], [e[2], e[3]])
}

/// Meeting segments by a sweep over the segments sorted by x (fast for real outlines); None
/// when it would take more than a budget of pair tests (long edges spanning the polygon make
/// a sweep quadratic): then the segment index decides.
fn sweep_meets(rings: &[&[geo_types::Coord<f64>]], ends: &[[f64; 4]], at: &[(u32, u32)]) -> Option<bool> {
    let mut order: Vec<usize> = (0..ends.len()).collect();
    let min_x = |e: &[f64; 4]| e[0].min(e[2]);
    order.sort_by(|&a, &b| min_x(&ends[a]).total_cmp(&min_x(&ends[b])));
    let budget = 64 * ends.len() + 4096;
    let mut tests = 0usize;
    for (k, &i) in order.iter().enumerate() {
        let (a, b) = ends_of(&ends[i]);
        let (max_x, ylo, yhi) = (a[0].max(b[0]), a[1].min(b[1]), a[1].max(b[1]));
        for &j in &order[k + 1..] {
            let (c, d) = ends_of(&ends[j]);
            if c[0].min(d[0]) > max_x {
                break;
            }
            tests += 1;
            if tests > budget {
                return None;
            }
            if c[1].min(d[1]) > yhi || c[1].max(d[1]) < ylo {
                continue;
            }
            if pair_meets(rings, at, i, j, [a, b, c, d]) {
                return Some(true);
            }
        }
    }
    Some(false)
}

/// Meeting segments through the project's segment index (boxes overlapping in x and y).
fn index_meets(rings: &[&[geo_types::Coord<f64>]], ends: Vec<[f64; 4]>, at: &[(u32, u32)]) -> bool {
    let index = crate::geometry::Segments::new(ends);
    (0..index.len()).any(|i| {
        let (a, b) = index.segment(i);
        let mut meets = false;
        index.each_near(&crate::geometry::seg_box(a, b), |j, c, d| {
            meets = meets || (j > i && pair_meets(rings, at, i, j, [a, b, c, d]));
        });
        meets
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::polygon;

    #[test]
    fn self_intersecting_polygon_is_reported_with_its_location() {
        let bow =
            polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 10.0), (x: 10.0, y: 0.0), (x: 0.0, y: 10.0), (x: 0.0, y: 0.0)];
        let mut ps = Problems::default();
        check_polygon(&bow, Location::default().layer("goaf").feature("G9"), &mut ps);
        assert_eq!(ps.0.len(), 1);
        assert!(ps.0[0].text.en.contains("invalid geometry"), "{}", ps.0[0].text.en);
        assert_eq!(ps.0[0].at.feature.as_deref(), Some("G9"));
        let ok = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 0.0)];
        let mut ps = Problems::default();
        check_polygon(&ok, Location::default(), &mut ps);
        assert!(ps.0.is_empty());
    }

    /// The fast filter never calls an invalid polygon valid, and passes the valid many-vertex
    /// ones (a 4 000-vertex licence with holes) without geo's quadratic check.
    #[test]
    fn a_comb_of_long_edges_goes_to_the_index_and_is_judged_right() {
        use geo_types::{Coord, LineString, Polygon};
        // Teeth to the right: every horizontal edge spans nearly the whole width, so a sweep by
        // x would test every pair; the budget hands it to the segment index.
        let comb = |bad: bool| {
            let (l, m) = (1000.0, 600);
            let mut v = vec![Coord { x: 0.0, y: 0.0 }];
            for k in 0..m {
                let y = 2.0 * k as f64;
                v.push(Coord { x: l, y });
                v.push(Coord { x: l, y: y + 1.0 });
                let inner = if bad && k == m / 2 { -0.5 } else { 1.0 };
                v.push(Coord { x: inner, y: y + 1.0 });
                v.push(Coord { x: inner, y: y + 2.0 });
            }
            v.push(Coord { x: 0.0, y: 2.0 * m as f64 });
            v.push(v[0]);
            Polygon::new(LineString(v), vec![])
        };
        let ok = comb(false);
        let rings: Vec<&[Coord<f64>]> = vec![ok.exterior().0.as_slice()];
        let ends: Vec<[f64; 4]> = ok.exterior().0.windows(2).map(|w| [w[0].x, w[0].y, w[1].x, w[1].y]).collect();
        let at: Vec<(u32, u32)> = (0..ends.len() as u32).map(|i| (0, i)).collect();
        assert_eq!(sweep_meets(&rings, &ends, &at), None, "over the sweep's budget");
        assert!(ok.is_valid() && certainly_valid(&ok));
        let bad = comb(true);
        assert!(!bad.is_valid() && !certainly_valid(&bad));
    }

    #[test]
    fn fast_validity_filter_agrees_with_geo() {
        use geo_types::{Coord, LineString, Polygon};
        let star = |n: usize, cx: f64, cy: f64, r: f64, wobble: f64| -> LineString<f64> {
            let mut v: Vec<Coord<f64>> = (0..n)
                .map(|i| {
                    let a = std::f64::consts::TAU * i as f64 / n as f64;
                    let rr = r * (1.0 + wobble * ((i * 7919) % 13) as f64 / 13.0);
                    Coord { x: cx + rr * a.cos(), y: cy + rr * a.sin() }
                })
                .collect();
            v.push(v[0]);
            LineString(v)
        };
        let valid = Polygon::new(
            star(4_000, 0.0, 0.0, 1000.0, 0.3),
            vec![star(40, 300.0, 0.0, 50.0, 0.2), star(40, -300.0, 0.0, 50.0, 0.2)],
        );
        assert!(certainly_valid(&valid));
        assert!(valid.is_valid());
        let cases = [
            // bow tie
            Polygon::new(
                LineString::from(vec![(0.0, 0.0), (10.0, 10.0), (10.0, 0.0), (0.0, 10.0), (0.0, 0.0)]),
                vec![],
            ),
            // hole outside the shell
            Polygon::new(star(16, 0.0, 0.0, 10.0, 0.0), vec![star(8, 50.0, 0.0, 2.0, 0.0)]),
            // hole crossing the shell
            Polygon::new(star(16, 0.0, 0.0, 10.0, 0.0), vec![star(8, 10.0, 0.0, 3.0, 0.0)]),
            // nested holes
            Polygon::new(star(16, 0.0, 0.0, 10.0, 0.0), vec![star(8, 0.0, 0.0, 5.0, 0.0), star(8, 0.0, 0.0, 2.0, 0.0)]),
            // spike folding back on its own edge
            Polygon::new(
                LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (10.0, 5.0), (0.0, 10.0), (0.0, 0.0)]),
                vec![],
            ),
        ];
        for (k, p) in cases.iter().enumerate() {
            assert!(!p.is_valid(), "case {k} is invalid");
            assert!(!certainly_valid(p), "case {k} must go to the full check");
            let mut ps = Problems::default();
            check_polygon(p, Location::default(), &mut ps);
            assert_eq!(ps.0.len(), 1, "case {k} reported");
        }
    }
}
