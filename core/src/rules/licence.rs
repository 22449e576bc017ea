//! Licence rules (采矿许可证; 超层越界): workings outside the licensed boundary or levels, in a
//! seam not permitted, and active mining after the licence expired.
//!
//! Basis: 《煤矿重大事故隐患判定标准》(应急管理部令第4号, 2021) 第十条 超层越界开采 (REFERENCE.md §5.2);
//! 《矿产资源法》.
//! Units: metres, mine CRS; elevations in metres.

use super::{Ctx, Finding, Severity, WorkingGeom};
use crate::i18n::Text;
use crate::model::{Working, WorkingStatus};
use crate::text;

fn basis() -> Text {
    Text::new(
        "《煤矿重大事故隐患判定标准》第十条：超出采矿许可证载明的开采煤层层位或者标高、坐标控制范围开采（超层越界）",
        "Criteria for Major Accident Hazards in Coal Mines (2021), art. 10: mining beyond the seam, elevation or coordinate-controlled area stated in the licence",
    )
}

/// `licence.outside_boundary` (exact farthest point of the line outside the licence area),
/// `licence.outside_levels` and `licence.seam_not_permitted` for one working. Returns whether
/// the working lies entirely in the licence area (None without a licence polygon), which the
/// boundary pillar rule needs.
pub fn working(ctx: &Ctx<'_>, w: &Working, _g: &WorkingGeom, out: &mut Vec<Finding>) -> Option<bool> {
    let terms = &ctx.survey.meta.licence;
    let licence_id = || Some("licence".to_string());
    let inside = ctx.prep.licence.as_ref().map(|lic| {
        let (d, at) = lic.farthest_outside(&w.line);
        if d > 0.0 && ctx.applies("licence.outside_boundary", w) {
            out.push(ctx.finding(
                "licence.outside_boundary",
                Severity::Major,
                Some(w),
                licence_id(),
                Some(at),
                Some(d),
                Some(0.0),
                text!("{} 越出采矿许可范围 {:.1} m", "{} lies {:.1} m outside the licence boundary", w.id, d),
                basis(),
            ));
        }
        d == 0.0
    });
    if ctx.applies("licence.outside_levels", w) {
        let mut worst: Option<(f64, [f64; 3], f64)> = None;
        for c in &w.line {
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
                    w.id,
                    e,
                    at[2],
                    limit
                ),
                basis(),
            ));
        }
    }
    if !terms.seams.is_empty() && ctx.applies("licence.seam_not_permitted", w) {
        if let Some(seam) = w.seam.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            if !terms.seams.iter().any(|p| p.trim() == seam) {
                out.push(ctx.finding(
                    "licence.seam_not_permitted",
                    Severity::Major,
                    Some(w),
                    licence_id(),
                    w.line.last().copied(),
                    None,
                    None,
                    text!(
                        "{} 开采未许可煤层 {}（许可: {}）",
                        "{} works seam {}, not permitted (licensed: {})",
                        w.id,
                        seam,
                        terms.seams.join(", ")
                    ),
                    basis(),
                ));
            }
        }
    }
    inside
}

/// The licence's expiry date, when given and valid.
pub fn valid_until(ctx: &Ctx<'_>) -> Option<chrono::NaiveDate> {
    ctx.survey.meta.licence.valid_until.as_deref().and_then(|v| chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
}

/// `licence.expired`: one finding for the mine when the as-of date is after `valid_until` and
/// any working is active (`any_active`, kept by the assessment).
pub fn expired(ctx: &Ctx<'_>, any_active: bool) -> Option<Finding> {
    let until = valid_until(ctx)?;
    (ctx.as_of > until && any_active).then(|| {
        ctx.finding(
            "licence.expired",
            Severity::Major,
            None,
            Some("licence".to_string()),
            None,
            None,
            None,
            text!("采矿许可证已于 {} 到期，仍有生产作业", "the licence expired on {} while workings are active", until),
            basis(),
        )
    })
}

/// Is the working active (for `licence.expired`)?
pub fn is_active(w: &Working) -> bool {
    w.status == WorkingStatus::Active
}

#[cfg(test)]
mod tests {
    use crate::model::{Licence, Survey, WorkingKind as K, WorkingStatus as S};
    use crate::rules::pillars::testkit::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn outside_boundary_measures_the_farthest_point_and_holes_count_as_outside() {
        let mut s = Survey::default();
        let hole = rect(400.0, 400.0, 600.0, 600.0);
        s.layers.licence.push(Licence {
            id: "L".into(),
            boundary: geo_types::Polygon::new(rect(0.0, 0.0, 1000.0, 1000.0), vec![hole]),
        });
        s.layers.workings = vec![
            working("A", K::Roadway, S::Existing, &[[500.0, 100.0, 0.0], [1035.2, 100.0, 0.0]]),
            working("B", K::Roadway, S::Existing, &[[300.0, 500.0, 0.0], [700.0, 500.0, 0.0]]),
            working("C", K::Roadway, S::Existing, &[[100.0, 100.0, 0.0], [300.0, 300.0, 0.0]]),
            working("P", K::Roadway, S::Planned, &[[900.0, 900.0, 0.0], [1010.0, 900.0, 0.0]]),
        ];
        let f = crate::rules::assess(&s, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("d"))
            .expect("assess")
            .report()
            .findings;
        let a = find(&f, "licence.outside_boundary", "A");
        assert_abs_diff_eq!(a.measured.expect("m"), 35.2, epsilon = 1e-9);
        let b = find(&f, "licence.outside_boundary", "B");
        assert_abs_diff_eq!(b.measured.expect("m"), 100.0, epsilon = 1e-6);
        assert_abs_diff_eq!(b.at.expect("at")[0], 500.0, epsilon = 1e-3);
        assert!(hits(&f, "licence.outside_boundary").iter().all(|(w, _)| w != "C"));
        let p = find(&f, "licence.outside_boundary", "P");
        assert_eq!((p.planned, p.severity), (true, crate::rules::Severity::Warning));
    }
}
