//! Stratigraphic correlation between neighbouring boreholes (钻孔地层对比): which logged unit of
//! one hole continues as which unit of the next.
//!
//! A hole's log is read as a sequence of **units** from the top down ([`units`]): consecutive
//! intervals with the same key are one unit (a seam logged in benches, a sandstone split by a
//! core-loss note). The key of a unit is, by strength of evidence:
//! 1. its **seam** (`seam` column): a seam only continues as the same seam;
//! 2. its **marker bed**, a tag in brackets in the lithology (`中粒砂岩(K8)`, `灰岩（K2）`), the
//!    key beds the mine's logs name: a marker only continues as the same marker;
//! 3. its **lithology** text otherwise (trimmed, case-folded).
//!
//! Two holes are correlated by the order-preserving matching of greatest weight between their
//! sequences (a weighted longest common subsequence, O(n·m)): strata do not cross, so matches
//! never cross either. Seams and markers weigh far more than any number of ordinary beds, so
//! they anchor the correlation; between them beds of the same lithology are matched, preferring
//! similar thicknesses. A unit left unmatched pinches out (尖灭) between the two holes.

use super::Borehole;

/// Weight of a matched seam.
pub const SEAM_WEIGHT: f64 = 1000.0;
/// Weight of a matched marker bed.
pub const MARKER_WEIGHT: f64 = 500.0;

/// What a unit is matched by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitKey {
    Seam(String),
    Marker(String),
    Rock(String),
}

/// One unit of a hole's log: consecutive intervals with the same key.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub key: UnitKey,
    /// The lithology as logged (of the unit's first interval), for its colour.
    pub lithology: Option<String>,
    pub from_m: f64,
    pub to_m: f64,
}

impl Unit {
    pub fn thickness(&self) -> f64 {
        self.to_m - self.from_m
    }
}

/// The marker tag of a lithology: the text in the last pair of brackets (ASCII or full-width),
/// e.g. `K8` of `中粒砂岩(K8)`.
pub fn marker(lithology: &str) -> Option<&str> {
    let open = lithology.rfind(['(', '（'])?;
    let rest = &lithology[open..];
    let first = rest.chars().next()?;
    let inner = &rest[first.len_utf8()..];
    let close = inner.find([')', '）'])?;
    Some(inner[..close].trim()).filter(|t| !t.is_empty())
}

fn key_of(lithology: Option<&str>, seam: Option<&str>) -> Option<UnitKey> {
    if let Some(s) = seam.map(str::trim).filter(|s| !s.is_empty()) {
        return Some(UnitKey::Seam(s.to_string()));
    }
    let l = lithology.map(str::trim).filter(|l| !l.is_empty())?;
    Some(match marker(l) {
        Some(m) => UnitKey::Marker(m.to_lowercase()),
        None => UnitKey::Rock(l.to_lowercase()),
    })
}

/// A hole's units from the top down. Intervals with no key (neither seam nor lithology) or
/// with non-finite or inverted depths are left out (the validator reports the latter).
pub fn units(b: &Borehole) -> Vec<Unit> {
    let mut ivs: Vec<_> = b
        .intervals
        .iter()
        .filter(|i| i.from_m.is_finite() && i.to_m.is_finite() && i.to_m > i.from_m && i.from_m >= 0.0)
        .filter_map(|i| key_of(i.lithology.as_deref(), i.seam.as_deref()).map(|k| (k, i)))
        .collect();
    ivs.sort_by(|x, y| x.1.from_m.total_cmp(&y.1.from_m));
    let mut out: Vec<Unit> = Vec::new();
    for (key, i) in ivs {
        match out.last_mut() {
            Some(u) if u.key == key && i.from_m <= u.to_m + 1e-6 => u.to_m = u.to_m.max(i.to_m),
            _ => out.push(Unit { key, lithology: i.lithology.clone(), from_m: i.from_m, to_m: i.to_m }),
        }
    }
    out
}

/// The weight of matching `a` with `b`; None when they cannot be the same unit.
fn weight(a: &Unit, b: &Unit) -> Option<f64> {
    if a.key != b.key {
        return None;
    }
    Some(match a.key {
        UnitKey::Seam(_) => SEAM_WEIGHT,
        UnitKey::Marker(_) => MARKER_WEIGHT,
        UnitKey::Rock(_) => {
            let (t, u) = (a.thickness(), b.thickness());
            1.0 + t.min(u) / t.max(u).max(1e-9)
        }
    })
}

/// The correlation of two holes' units: the matched pairs (index in `a`, index in `b`), in
/// order down both holes, of greatest total weight.
pub fn correlate(a: &[Unit], b: &[Unit]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    // best[i][j]: the best weight matching a[i..] with b[j..].
    let w = m + 1;
    let mut best = vec![0.0f64; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let skip = best[(i + 1) * w + j].max(best[i * w + j + 1]);
            let take = weight(&a[i], &b[j]).map_or(f64::NEG_INFINITY, |x| x + best[(i + 1) * w + j + 1]);
            best[i * w + j] = skip.max(take);
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        let here = best[i * w + j];
        match weight(&a[i], &b[j]) {
            Some(x) if (x + best[(i + 1) * w + j + 1] - here).abs() <= 1e-9 * here.abs().max(1.0) => {
                out.push((i, j));
                i += 1;
                j += 1;
            }
            _ if best[(i + 1) * w + j] >= best[i * w + j + 1] => i += 1,
            _ => j += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::borehole::{Collar, Interval};

    fn hole(log: &[(f64, &str, Option<&str>)]) -> Borehole {
        let mut from = 0.0;
        let intervals = log
            .iter()
            .map(|&(thick, lith, seam)| {
                let i = Interval {
                    from_m: from,
                    to_m: from + thick,
                    lithology: Some(lith.into()),
                    seam: seam.map(String::from),
                    ..Default::default()
                };
                from += thick;
                i
            })
            .collect();
        Borehole {
            collar: Collar { id: "ZK".into(), x: 0.0, y: 0.0, z: 1000.0, depth_m: Some(from), drilled_at: None },
            stations: Vec::new(),
            intervals,
        }
    }

    #[test]
    fn markers_are_read_from_brackets_of_either_width() {
        assert_eq!(marker("中粒砂岩(K8)"), Some("K8"));
        assert_eq!(marker("灰岩（K2）"), Some("K2"));
        assert_eq!(marker("砂岩"), None);
        assert_eq!(marker("砂岩()"), None);
        assert_eq!(marker("砂岩(K3"), None);
    }

    #[test]
    fn consecutive_intervals_of_one_key_are_one_unit() {
        let b = hole(&[(10.0, "泥岩", None), (2.0, "煤", Some("3")), (1.5, "煤", Some("3")), (5.0, "泥岩", None)]);
        let u = units(&b);
        assert_eq!(u.len(), 3);
        assert_eq!(u[1].key, UnitKey::Seam("3".into()));
        assert_eq!((u[1].from_m, u[1].to_m), (10.0, 13.5));
    }

    /// A sandstone present in one hole only pinches out; the beds around it, the marker and the
    /// seam are matched; the matches never cross.
    #[test]
    fn seams_and_markers_anchor_and_missing_beds_pinch_out() {
        let a = units(&hole(&[
            (20.0, "黄土", None),
            (15.0, "泥岩", None),
            (8.0, "砂岩", None),
            (12.0, "泥岩", None),
            (10.0, "中粒砂岩(K8)", None),
            (6.0, "煤", Some("3")),
            (9.0, "泥岩", None),
        ]));
        let b = units(&hole(&[
            (25.0, "黄土", None),
            (14.0, "泥岩", None),
            (11.0, "泥岩", None),
            (9.0, "中粒砂岩（K8）", None),
            (5.0, "煤", Some("3")),
            (10.0, "泥岩", None),
        ]));
        // b's two mudstones above K8 are one unit (consecutive, same key).
        assert_eq!(b.len(), 5);
        let m = correlate(&a, &b);
        assert!(m.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1), "{m:?}");
        assert!(m.contains(&(4, 2)), "K8 to K8: {m:?}");
        assert!(m.contains(&(5, 3)), "seam 3 to seam 3: {m:?}");
        assert!(m.contains(&(0, 0)) && m.contains(&(6, 4)));
        // a's sandstone (2) has no partner: it pinches out.
        assert!(!m.iter().any(|p| p.0 == 2));
    }

    /// A seam outweighs any run of ordinary beds: a log with the beds in the "wrong" order
    /// around it still matches the seam.
    #[test]
    fn a_seam_is_never_traded_for_beds() {
        let beds = |n: usize| (0..n).map(|_| (3.0, "泥岩", None)).collect::<Vec<_>>();
        let mut la = vec![(2.0, "煤", Some("9"))];
        la.extend(beds(1).into_iter().chain([(1.0, "砂岩", None)]).cycle().take(60));
        let mut lb: Vec<(f64, &str, Option<&str>)> =
            beds(1).into_iter().chain([(1.0, "砂岩", None)]).cycle().take(60).collect();
        lb.push((2.0, "煤", Some("9")));
        let (a, b) = (units(&hole(&la)), units(&hole(&lb)));
        let m = correlate(&a, &b);
        assert_eq!(m, vec![(0, b.len() - 1)]);
        // Nothing in common: nothing matched.
        assert!(correlate(&units(&hole(&[(5.0, "灰岩", None)])), &units(&hole(&[(5.0, "泥岩", None)]))).is_empty());
    }
}
