//! Licence rules (采矿许可证; 超层越界): workings outside the licensed boundary or levels, in a
//! seam not permitted, and active mining after the licence expired.
//!
//! Basis: 《煤矿重大事故隐患判定标准》(应急管理部令第4号, 2021) 第十条 超层越界开采 (REFERENCE.md §5.2);
//! 《矿产资源法》.
//! Units: metres, mine CRS; elevations in metres.

use super::{Ctx, Finding, Severity};
use crate::i18n::Text;
use crate::model::WorkingStatus;
use crate::text;
use geo::{Contains, Distance, Euclidean};
use geo_types::{Point, Polygon};

fn basis() -> Text {
    Text::new(
        "《煤矿重大事故隐患判定标准》第十条：超出采矿许可证载明的开采煤层层位或者标高、坐标控制范围开采（超层越界）",
        "Criteria for Major Accident Hazards in Coal Mines (2021), art. 10: mining beyond the seam, elevation or coordinate-controlled area stated in the licence",
    )
}

/// Planar distance from a point to the licence area (0 inside; a point in a hole is outside).
fn dist(area: &Polygon<f64>, x: f64, y: f64) -> f64 {
    let p = Point::new(x, y);
    if area.contains(&p) {
        0.0
    } else {
        Euclidean.distance(&p, area)
    }
}

/// The largest distance from any point of the working's line (not only vertices) to the area,
/// with its location: vertices exactly, segment interiors sampled every 0.5 m and refined by
/// golden-section search around the best sample.
pub fn farthest_outside(area: &Polygon<f64>, line: &[[f64; 3]]) -> (f64, [f64; 3]) {
    let mut best = (0.0, line.first().copied().unwrap_or([0.0; 3]));
    for seg in line.windows(2) {
        let (a, b) = (seg[0], seg[1]);
        let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
        let at = |t: f64| [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])];
        let f = |t: f64| {
            let p = at(t);
            dist(area, p[0], p[1])
        };
        let n = ((len / 0.5).ceil() as usize).max(1);
        let (mut bi, mut bv) = (0, f(0.0));
        for i in 1..=n {
            let v = f(i as f64 / n as f64);
            if v > bv {
                bi = i;
                bv = v;
            }
        }
        // Refine between the neighbouring samples.
        let (mut lo, mut hi) = ((bi.saturating_sub(1)) as f64 / n as f64, ((bi + 1).min(n)) as f64 / n as f64);
        let g = (5f64.sqrt() - 1.0) / 2.0;
        for _ in 0..40 {
            let (m1, m2) = (hi - g * (hi - lo), lo + g * (hi - lo));
            if f(m1) < f(m2) {
                lo = m1;
            } else {
                hi = m2;
            }
        }
        let t = (lo + hi) / 2.0;
        let (v, p) = if f(t) > bv { (f(t), at(t)) } else { (bv, at(bi as f64 / n as f64)) };
        if v > best.0 {
            best = (v, p);
        }
    }
    best
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let s = ctx.survey;
    let terms = &s.meta.licence;
    let licence_id = || Some("licence".to_string());
    if let Some(lic) = s.layers.licence.first() {
        for w in ctx.checked("licence.outside_boundary") {
            let (d, at) = farthest_outside(&lic.boundary, &w.w.line);
            if d > 0.0 {
                out.push(ctx.finding(
                    "licence.outside_boundary",
                    Severity::Major,
                    Some(w),
                    licence_id(),
                    Some(at),
                    Some(d),
                    Some(0.0),
                    text!("{} 越出采矿许可范围 {:.1} m", "{} lies {:.1} m outside the licence boundary", w.w.id, d),
                    basis(),
                ));
            }
        }
    }
    for w in ctx.checked("licence.outside_levels") {
        let mut worst: Option<(f64, [f64; 3], f64)> = None;
        for c in &w.w.line {
            let over = terms.z_top.map(|t| (c[2] - t, t)).filter(|(e, _)| *e > 0.0);
            let under = terms.z_bottom.map(|b| (b - c[2], b)).filter(|(e, _)| *e > 0.0);
            for (e, limit) in over.into_iter().chain(under) {
                if worst.is_none_or(|(we, _, _)| e > we) {
                    worst = Some((e, *c, limit));
                }
            }
        }
        if let Some((e, at, limit)) = worst {
            out.push(ctx.finding(
                "licence.outside_levels",
                Severity::Major,
                Some(w),
                licence_id(),
                Some(at),
                Some(e),
                Some(limit),
                text!(
                    "{} 超出许可开采标高 {:.1} m（标高 {:.1} m，界限 {} m）",
                    "{} exceeds the licensed levels by {:.1} m (at {:.1} m, limit {} m)",
                    w.w.id,
                    e,
                    at[2],
                    limit
                ),
                basis(),
            ));
        }
    }
    if !terms.seams.is_empty() {
        for w in ctx.checked("licence.seam_not_permitted") {
            let Some(seam) = w.w.seam.as_deref().map(str::trim).filter(|s| !s.is_empty()) else { continue };
            if !terms.seams.iter().any(|p| p.trim() == seam) {
                out.push(ctx.finding(
                    "licence.seam_not_permitted",
                    Severity::Major,
                    Some(w),
                    licence_id(),
                    w.w.line.last().copied(),
                    None,
                    None,
                    text!(
                        "{} 开采未许可煤层 {}（许可: {}）",
                        "{} works seam {}, not permitted (licensed: {})",
                        w.w.id,
                        seam,
                        terms.seams.join(", ")
                    ),
                    basis(),
                ));
            }
        }
    }
    if let Some(until) =
        terms.valid_until.as_deref().and_then(|v| chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
    {
        let active = s.layers.workings.iter().any(|w| w.status == WorkingStatus::Active);
        if ctx.as_of > until && active {
            out.push(ctx.finding(
                "licence.expired",
                Severity::Major,
                None,
                licence_id(),
                None,
                None,
                None,
                text!(
                    "采矿许可证已于 {} 到期，仍有生产作业",
                    "the licence expired on {} while workings are active",
                    until
                ),
                basis(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use geo_types::polygon;

    #[test]
    fn farthest_point_of_a_crossing_line_and_inside_a_hole() {
        let outer = polygon![(x: 0.0, y: 0.0), (x: 1000.0, y: 0.0), (x: 1000.0, y: 1000.0), (x: 0.0, y: 1000.0)];
        let d = farthest_outside(&outer, &[[500.0, 500.0, 0.0], [1035.2, 500.0, 0.0]]);
        assert_abs_diff_eq!(d.0, 35.2, epsilon = 1e-9);
        let inside = farthest_outside(&outer, &[[100.0, 100.0, 0.0], [900.0, 900.0, 0.0]]);
        assert_eq!(inside.0, 0.0);
        // A hole 200 m wide; a line crossing it: the farthest point is its middle, 100 m.
        let holed = geo_types::Polygon::new(
            outer.exterior().clone(),
            vec![geo_types::LineString::from(vec![
                (400.0, 400.0),
                (600.0, 400.0),
                (600.0, 600.0),
                (400.0, 600.0),
                (400.0, 400.0),
            ])],
        );
        let h = farthest_outside(&holed, &[[300.0, 500.0, 0.0], [700.0, 500.0, 0.0]]);
        assert_abs_diff_eq!(h.0, 100.0, epsilon = 1e-6);
        assert_abs_diff_eq!(h.1[0], 500.0, epsilon = 1e-3);
    }
}
