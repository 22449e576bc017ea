//! Safety pillars (安全煤柱): the licence boundary pillar (境界煤柱) and the waterproof pillar of a
//! water-conducting fault (断层防隔水煤柱).
//!
//! Basis: 《煤矿重大事故隐患判定标准》(应急管理部令第4号) 第十条 超层越界开采 (三) 擅自开采（破坏）
//! 安全煤柱, 第九条 有严重水患 (四) 未按规定留设或者擅自开采、破坏防隔水煤（岩）柱;
//! 《煤矿防治水细则》(煤安监调查〔2018〕14号) 防隔水煤（岩）柱的留设: fault pillar width
//! L = 0.5·K·M·√(3p/Kp), not less than 20 m.
//! Units: metres (planar distances in the mine CRS), MPa.
//!
//! Choices where RULES.md leaves room:
//! - "Entirely inside the licence" means no point of the working's plan line lies outside the
//!   licence area (geo `Covers`: the interior or the boundary, a hole's inside being outside).
//!   A working lying on or touching a ring from inside is therefore inside, and within the
//!   pillar at distance 0; a working with any point outside gets only `licence.outside_boundary`.
//!   Only the first licence polygon is used, as in the licence rules.
//! - "Within d" is strict: distance < d (a working exactly at d is clear of the pillar).
//! - `at` is the point of the working closest to the ring or fault trace (the first such point
//!   along the working on a tie), its z interpolated along the working's 3D segment.
//! - A non-finite formula width (coal_tensile_mpa overridden to 0) is ignored and L falls back
//!   to the minimum (or the fault's own pillar_m): an infinite pillar cannot be reported.

use super::{Ctx, Finding, Params, Severity, WorkingGeom};
use crate::i18n::Text;
use crate::model::Working;
use crate::text;

fn boundary_basis() -> Text {
    Text::new(
        "《煤矿重大事故隐患判定标准》第十条（三）：擅自开采（破坏）安全煤柱（境界煤柱）",
        "Criteria for Major Accident Hazards in Coal Mines, art. 10 (3): unauthorised mining or destruction of \
         safety pillars (licence boundary pillar)",
    )
}

fn fault_basis() -> Text {
    Text::new(
        "《煤矿防治水细则》防隔水煤（岩）柱留设：导水断层煤柱 L = 0.5KM√(3p/Kp)，且不小于 20 m；\
         《煤矿重大事故隐患判定标准》第九条（四）：未按规定留设或者擅自开采、破坏防隔水煤（岩）柱",
        "Detailed Rules for Mine Water Prevention, waterproof pillars: water-conducting fault pillar \
         L = 0.5·K·M·√(3p/Kp), at least 20 m; Criteria for Major Accident Hazards in Coal Mines, art. 9 (4): \
         waterproof pillars not left, or mined or destroyed",
    )
}

/// Pillar width per side of a water-conducting fault, m: max(`fault_pillar_min_m`,
/// 0.5·K·M·√(3p/Kp)) with K = `fault_pillar_k`, M = `seam_thickness_m`, p = the fault's water
/// pressure (absent: the minimum), Kp = `coal_tensile_mpa`; the fault's own designed `pillar_m`
/// instead when larger.
pub fn fault_pillar_width(params: &Params, pressure_mpa: Option<f64>, pillar_m: Option<f64>) -> f64 {
    let min = params.get("fault_pillar_min_m");
    let formula = pressure_mpa
        .map(|p| {
            let (k, m, kp) =
                (params.get("fault_pillar_k"), params.get("seam_thickness_m"), params.get("coal_tensile_mpa"));
            0.5 * k * m * (3.0 * p / kp).sqrt()
        })
        .filter(|l| l.is_finite());
    let l = formula.map_or(min, |f| f.max(min));
    pillar_m.filter(|p| p.is_finite()).map_or(l, |p| p.max(l))
}

/// `pillar.boundary`: a working entirely inside the licence (`inside`, from the licence rule)
/// that comes within `boundary_pillar_m` of any of its rings (holes included).
pub fn boundary(ctx: &Ctx<'_>, w: &Working, inside: Option<bool>, out: &mut Vec<Finding>) {
    let (Some(lic), Some(true)) = (&ctx.prep.licence, inside) else { return };
    if !ctx.applies("pillar.boundary", w) {
        return;
    }
    let limit = ctx.params.get("boundary_pillar_m");
    let Some((d, at)) = lic.boundary_approach(&w.line, limit) else { return };
    out.push(ctx.finding(
        "pillar.boundary",
        Severity::Major,
        Some(w),
        Some("licence".to_string()),
        Some(at),
        Some(d),
        Some(limit),
        text!(
            "{} 距采矿许可边界 {:.1} m，进入境界煤柱（{} m）",
            "{} comes within {:.1} m of the licence boundary, inside the boundary pillar ({} m)",
            w.id,
            d,
            limit
        ),
        boundary_basis(),
    ));
}

/// `pillar.fault`: a working whose plan line comes within the pillar width of the trace of a
/// water-conducting fault.
pub fn fault(ctx: &Ctx<'_>, w: &Working, g: &WorkingGeom, out: &mut Vec<Finding>) {
    let p = ctx.prep;
    if p.faults.is_empty() || !ctx.applies("pillar.fault", w) {
        return;
    }
    for i in p.fault_index.near(&g.env, p.fault_reach_m) {
        let f = &p.faults[i];
        let Some((d, at)) = f.trace.closest_approach(&w.line, f.width_m) else { continue };
        out.push(ctx.finding(
            "pillar.fault",
            Severity::Major,
            Some(w),
            Some(f.id.clone()),
            Some(at),
            Some(d),
            Some(f.width_m),
            text!(
                "{} 距导水断层 {} 仅 {:.1} m，小于防隔水煤柱宽度 {:.1} m",
                "{} is near water-conducting fault {}: {:.1} m, inside its waterproof pillar of {:.1} m",
                w.id,
                f.id,
                d,
                f.width_m
            ),
            fault_basis(),
        ));
    }
}

/// Small survey builders shared by the tests of the rule families.
#[cfg(test)]
pub(crate) mod testkit {
    use super::super::{Assessment, Finding, Params};
    use crate::error::{Location, Problems};
    use crate::model::{Survey, Working, WorkingKind, WorkingStatus};
    use geo_types::{LineString, Polygon};
    use std::collections::BTreeMap;

    pub fn working(id: &str, kind: WorkingKind, status: WorkingStatus, line: &[[f64; 3]]) -> Working {
        Working {
            id: id.to_string(),
            name: None,
            kind,
            status,
            seam: None,
            declared: Some(true),
            updated: None,
            line: line.to_vec(),
        }
    }

    pub fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> LineString<f64> {
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
    }

    pub fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        Polygon::new(rect(x0, y0, x1, y1), vec![])
    }

    /// Parameters with overrides (as `survey.toml [parameters]`).
    pub fn params(overrides: &[(&str, f64)]) -> Params {
        let o: BTreeMap<String, f64> = overrides.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let mut ps = Problems::default();
        let (p, _) = Params::with_overrides(&o, &Location::default(), &mut ps);
        assert!(ps.0.is_empty(), "{:?}", ps.0);
        p
    }

    /// Assess with the given parameters as of 2026-06-01; the findings of rules whose id starts
    /// with `family` (e.g. "pillar."), sorted.
    pub fn run_with(survey: &Survey, params: &Params, family: &str) -> Vec<Finding> {
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
        let a = Assessment::with_params(survey.clone(), params.clone(), Vec::new(), as_of);
        a.findings().filter(|f| f.rule.starts_with(family)).cloned().collect()
    }

    pub fn run(survey: &Survey, family: &str) -> Vec<Finding> {
        run_with(survey, &Params::default(), family)
    }

    /// (working, feature) of the findings of one rule.
    pub fn hits(f: &[Finding], rule: &str) -> Vec<(String, String)> {
        f.iter()
            .filter(|f| f.rule == rule)
            .map(|f| (f.working.clone().unwrap_or_default(), f.feature.clone().unwrap_or_default()))
            .collect()
    }

    pub fn find<'f>(f: &'f [Finding], rule: &str, working: &str) -> &'f Finding {
        f.iter()
            .find(|f| f.rule == rule && f.working.as_deref() == Some(working))
            .unwrap_or_else(|| panic!("no {rule} finding for {working}: {f:#?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::*;
    use super::*;
    use crate::model::{Fault, Licence, Survey, WorkingKind as K, WorkingStatus as S};
    use approx::assert_abs_diff_eq;
    use geo_types::Polygon;

    #[test]
    fn fault_pillar_width_check_value_and_floor() {
        let p = params(&[("seam_thickness_m", 4.0)]);
        // 0.5 · 4 · 4 · √(3 · 3.28 / 0.2) = 56.11 (REFERENCE.md S9: L ≈ 56 m).
        assert_abs_diff_eq!(fault_pillar_width(&p, Some(3.28), None), 56.1, epsilon = 0.05);
        assert_eq!(fault_pillar_width(&p, None, None), 20.0);
        assert_eq!(fault_pillar_width(&p, Some(0.01), None), 20.0);
        assert_eq!(fault_pillar_width(&p, Some(3.28), Some(60.0)), 60.0);
        assert_abs_diff_eq!(fault_pillar_width(&p, Some(3.28), Some(10.0)), 56.1, epsilon = 0.05);
        assert_eq!(fault_pillar_width(&p, None, Some(35.0)), 35.0);
        // Default M = 3.
        assert_abs_diff_eq!(fault_pillar_width(&Params::default(), Some(3.28), None), 42.09, epsilon = 0.01);
        // Kp overridden to 0: the formula is not finite; the minimum stands.
        assert_eq!(fault_pillar_width(&params(&[("coal_tensile_mpa", 0.0)]), Some(3.28), None), 20.0);
    }

    fn fault(id: &str, wc: Option<bool>, p: Option<f64>, pillar: Option<f64>) -> Fault {
        Fault {
            id: id.to_string(),
            name: None,
            trace: vec![[0.0, 0.0, 500.0], [500.0, 0.0, 500.0], [1000.0, 0.0, 500.0]],
            throw_m: Some(5.0),
            dip_deg: None,
            dip_dir_deg: None,
            z_ref_m: Some(500.0),
            water_conducting: wc,
            pressure_mpa: p,
            pillar_m: pillar,
        }
    }

    /// A heading running north from distance `d` north of the x axis.
    fn north(id: &str, x: f64, d: f64, status: S) -> crate::model::Working {
        working(id, K::Heading, status, &[[x, 300.0, 480.0], [x, d, 490.0]])
    }

    #[test]
    fn fault_pillar_thresholds_with_seam_thickness_override() {
        let mut s = Survey::default();
        s.layers.faults = vec![fault("F1", Some(true), Some(3.28), None)];
        s.layers.workings = vec![
            north("W1", 100.0, 55.9, S::Existing),
            north("W2", 300.0, 56.2, S::Active),
            north("W3", 600.0, 30.0, S::Planned),
        ];
        let p = params(&[("seam_thickness_m", 4.0)]);
        let f = run_with(&s, &p, "pillar.");
        assert_eq!(hits(&f, "pillar.fault"), vec![("W1".into(), "F1".into()), ("W3".into(), "F1".into())]);
        let w1 = find(&f, "pillar.fault", "W1");
        assert_eq!(w1.severity, Severity::Major);
        assert!(!w1.planned);
        assert_abs_diff_eq!(w1.measured.expect("measured"), 55.9, epsilon = 1e-9);
        assert_abs_diff_eq!(w1.limit.expect("limit"), 56.11, epsilon = 0.01);
        assert_eq!(w1.at, Some([100.0, 55.9, 490.0]));
        assert!(w1.message.zh.contains("F1") && w1.message.en.contains("55.9"));
        assert!(w1.basis.zh.contains("防治水细则"));
        let w3 = find(&f, "pillar.fault", "W3");
        assert_eq!((w3.severity, w3.planned), (Severity::Warning, true));
        // Default M = 3: L = 42.1 m, so 55.9 m is clear.
        let f = run(&s, "pillar.");
        assert_eq!(hits(&f, "pillar.fault"), vec![("W3".into(), "F1".into())]);
    }

    #[test]
    fn only_water_conducting_faults_and_own_pillar_width() {
        let mut s = Survey::default();
        s.layers.faults = vec![
            fault("F0", Some(false), Some(3.28), None),
            fault("FN", None, Some(3.28), None),
            Fault {
                trace: vec![[0.0, 2000.0, 0.0], [1000.0, 2000.0, 0.0]],
                ..fault("FP", Some(true), None, Some(80.0))
            },
        ];
        s.layers.workings = vec![
            north("W1", 100.0, 10.0, S::Existing),
            working("W2", K::Roadway, S::Existing, &[[500.0, 1930.0, 0.0], [700.0, 1930.0, 0.0]]),
            working("W3", K::Roadway, S::Existing, &[[500.0, 1919.9, 0.0], [700.0, 1919.9, 0.0]]),
        ];
        let f = run(&s, "pillar.");
        assert_eq!(hits(&f, "pillar.fault"), vec![("W2".into(), "FP".into())]);
        assert_eq!(find(&f, "pillar.fault", "W2").limit, Some(80.0));
    }

    #[test]
    fn a_working_crossing_a_fault_is_at_distance_zero_at_the_crossing() {
        let mut s = Survey::default();
        s.layers.faults = vec![fault("F1", Some(true), None, None)];
        s.layers.workings =
            vec![working("W1", K::Heading, S::Active, &[[250.0, -100.0, 400.0], [250.0, 100.0, 600.0]])];
        let f = run(&s, "pillar.");
        let w = find(&f, "pillar.fault", "W1");
        assert_eq!(w.measured, Some(0.0));
        assert_eq!(w.limit, Some(20.0));
        let at = w.at.expect("at");
        assert_abs_diff_eq!(at[0], 250.0, epsilon = 1e-9);
        assert_abs_diff_eq!(at[1], 0.0, epsilon = 1e-9);
        assert_abs_diff_eq!(at[2], 500.0, epsilon = 1e-9);
    }

    fn licence_with_hole() -> Survey {
        let mut s = Survey::default();
        s.layers.licence = vec![Licence {
            id: "L".into(),
            boundary: Polygon::new(rect(0.0, 0.0, 1000.0, 1000.0), vec![rect(400.0, 400.0, 600.0, 600.0)]),
        }];
        s
    }

    fn vertical(id: &str, x: f64, y0: f64, y1: f64, status: S) -> crate::model::Working {
        working(id, K::Roadway, status, &[[x, y0, 100.0], [x, y1, 100.0]])
    }

    #[test]
    fn boundary_pillar_both_sides_of_the_threshold_and_holes() {
        let mut s = licence_with_hole();
        s.layers.workings = vec![
            vertical("A19.9", 19.9, 100.0, 300.0, S::Existing),
            vertical("B20.0", 20.0, 100.0, 300.0, S::Existing),
            vertical("C20.1", 20.1, 100.0, 300.0, S::Active),
            // 19.9 m west of the hole, and 20.1 m east of it.
            vertical("D-hole", 380.1, 450.0, 550.0, S::Existing),
            vertical("E-hole", 620.1, 450.0, 550.0, S::Existing),
            // Inside the hole: outside the licence (licence.outside_boundary only).
            vertical("F-in-hole", 500.0, 450.0, 550.0, S::Existing),
            // Crossing the outer boundary.
            working("G-cross", K::Roadway, S::Existing, &[[50.0, 500.0, 0.0], [-10.0, 500.0, 0.0]]),
            // Touching the outer ring from inside.
            working("H-touch", K::Roadway, S::Existing, &[[100.0, 700.0, 10.0], [0.0, 700.0, 20.0]]),
            vertical("P-planned", 990.0, 100.0, 300.0, S::Planned),
        ];
        let f = run(&s, "pillar.");
        let l = "licence".to_string();
        assert_eq!(
            hits(&f, "pillar.boundary"),
            vec![
                ("A19.9".into(), l.clone()),
                ("D-hole".into(), l.clone()),
                ("H-touch".into(), l.clone()),
                ("P-planned".into(), l)
            ]
        );
        let a = find(&f, "pillar.boundary", "A19.9");
        assert_abs_diff_eq!(a.measured.expect("m"), 19.9, epsilon = 1e-9);
        assert_eq!((a.limit, a.severity, a.planned), (Some(20.0), Severity::Major, false));
        assert_abs_diff_eq!(find(&f, "pillar.boundary", "D-hole").measured.expect("m"), 19.9, epsilon = 1e-9);
        let h = find(&f, "pillar.boundary", "H-touch");
        assert_eq!((h.measured, h.at), (Some(0.0), Some([0.0, 700.0, 20.0])));
        let p = find(&f, "pillar.boundary", "P-planned");
        assert_eq!((p.severity, p.planned), (Severity::Warning, true));
        assert_abs_diff_eq!(p.measured.expect("m"), 10.0, epsilon = 1e-9);
    }

    #[test]
    fn boundary_pillar_override_and_no_licence() {
        let mut s = licence_with_hole();
        s.layers.workings = vec![vertical("W", 25.0, 100.0, 300.0, S::Existing)];
        assert!(run(&s, "pillar.").is_empty());
        let f = run_with(&s, &params(&[("boundary_pillar_m", 30.0)]), "pillar.");
        assert_eq!(find(&f, "pillar.boundary", "W").limit, Some(30.0));
        s.layers.licence.clear();
        assert!(run_with(&s, &params(&[("boundary_pillar_m", 30.0)]), "pillar.").is_empty());
    }
}
