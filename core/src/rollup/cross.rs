//! Cross-mine findings (ROLLUP.md): `licence.overlap` and `licence.intrudes_neighbour`.
//! Candidate pairs come from an R-tree over every licence's bounding box in EPSG:4490 (so mines
//! in different Gauss–Krüger zones meet); each pair is then measured in the CRS of the mine the
//! finding is about (B's licence transformed into A's CRS).

use super::{FindingRow, MineGeometry};
use crate::error::Location;
use crate::io::crs::Transformer;
use geo::{Area, BooleanOps, Centroid};
use geo_types::{LineString, MultiLineString, MultiPolygon};
use rayon::prelude::*;
use rstar::{RTree, RTreeObject, AABB};

struct Boxed {
    i: usize,
    env: AABB<[f64; 2]>,
}

impl RTreeObject for Boxed {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// The rule ids of the cross-mine findings (ROLLUP.md).
pub const OVERLAP: &str = "licence.overlap";
pub const INTRUDES: &str = "licence.intrudes_neighbour";

/// The smallest overlap that counts, m².
pub const MIN_OVERLAP_M2: f64 = 1.0;

fn aabb(b: [f64; 4]) -> AABB<[f64; 2]> {
    AABB::from_corners([b[0], b[1]], [b[2], b[3]])
}

/// Every pair (a, b), a ≠ b, where a's reach (its licence and workings) meets b's licence
/// box in EPSG:4490: overlaps need both licence boxes to meet, intrusions a's reach.
fn candidate_pairs(mines: &[MineGeometry]) -> Vec<(usize, usize)> {
    let boxes: Vec<Boxed> =
        mines.iter().enumerate().filter_map(|(i, m)| m.bbox.map(|b| Boxed { i, env: aabb(b) })).collect();
    let tree = RTree::bulk_load(boxes);
    let mut pairs = Vec::new();
    for (a, m) in mines.iter().enumerate() {
        let Some(reach) = m.reach else { continue };
        for b in tree.locate_in_envelope_intersecting(&aabb(reach)) {
            if a != b.i {
                pairs.push((a, b.i));
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

/// B's licence in A's CRS.
fn licence_in(b: &MineGeometry, a: &MineGeometry) -> Option<MultiPolygon<f64>> {
    let at = Location::default().layer("licence").feature(&b.mine_id);
    if b.crs.same_as(&a.crs) {
        return Some(MultiPolygon(b.licence.clone()));
    }
    let t = Transformer::cached(&b.crs, &a.crs, &at).ok()?;
    b.licence.iter().map(|p| t.polygon(p, &at).ok()).collect::<Option<Vec<_>>>().map(MultiPolygon)
}

/// The findings of mine `a` against its neighbour `b`.
fn pair(a: &MineGeometry, b: &MineGeometry) -> Vec<FindingRow> {
    let mut out = Vec::new();
    let Some(other) = licence_in(b, a) else { return out };
    let own = MultiPolygon(a.licence.clone());
    let row = |rule: &str, working: Option<String>, measured: f64, at: Option<[f64; 3]>| FindingRow {
        mine_id: a.mine_id.clone(),
        province: None,
        county: None,
        rule: rule.into(),
        severity: "major".into(),
        planned: false,
        working,
        feature: Some(b.mine_id.clone()),
        measured: Some(crate::rules::round_mm(measured)),
        limit: None,
        at,
        crs: a.crs.def.clone(),
        lonlat: None,
    };
    let inter = own.intersection(&other);
    let area = inter.unsigned_area();
    if area > MIN_OVERLAP_M2 {
        let at = inter.centroid().map(|c| [c.x(), c.y(), 0.0]);
        out.push(row(OVERLAP, None, area, at));
    }
    for (id, line) in &a.workings {
        if line.len() < 2 {
            continue;
        }
        let ls = MultiLineString(vec![LineString::from(line.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>())]);
        let inside = other.clip(&ls, false);
        let len: f64 = inside.0.iter().flat_map(|l| l.lines()).map(|s| (s.dx()).hypot(s.dy())).sum();
        if len > 0.0 {
            // The first vertex of the part inside, with the working's z there (nearest vertex).
            let at = inside.0.first().and_then(|l| l.0.first()).map(|c| {
                let z = line
                    .iter()
                    .min_by(|p, q| {
                        let d = |v: &[f64; 3]| (v[0] - c.x).powi(2) + (v[1] - c.y).powi(2);
                        d(p).total_cmp(&d(q))
                    })
                    .map_or(0.0, |v| v[2]);
                [c.x, c.y, z]
            });
            out.push(row(INTRUDES, Some(id.clone()), len, at));
        }
    }
    out
}

/// The cross-mine findings of all mines (in parallel over candidate pairs), with lon/lat.
pub fn findings(mines: &[MineGeometry]) -> Vec<FindingRow> {
    let pairs = candidate_pairs(mines);
    let mut out: Vec<FindingRow> = pairs.par_iter().flat_map_iter(|&(a, b)| pair(&mines[a], &mines[b])).collect();
    // lon/lat of `at`, one transformer per mine.
    let common = crate::io::crs::Crs::parse(super::COMMON_CRS, &Location::default());
    if let Ok(common) = common {
        let mut by_mine: std::collections::BTreeMap<String, Option<std::rc::Rc<Transformer>>> = Default::default();
        for f in &mut out {
            let t = by_mine.entry(f.mine_id.clone()).or_insert_with(|| {
                let m = mines.iter().find(|m| m.mine_id == f.mine_id)?;
                Transformer::cached(&m.crs, &common, &Location::default()).ok()
            });
            if let (Some(t), Some(p)) = (t.as_ref(), f.at) {
                f.lonlat = t.xy(p[0], p[1], &Location::default()).ok().map(|(x, y)| [x, y]);
            }
        }
    }
    out
}
