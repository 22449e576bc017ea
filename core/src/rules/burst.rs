//! Rock-burst rules (冲击地压): active faces in burst-hazard zones without stress relief (卸压),
//! the spacing of active faces in a burst mine, and the proneness test of deep mines.
//!
//! Basis: 《防治煤矿冲击地压细则》(煤安监技装〔2018〕8号): burst-hazard levels 无 / 弱 / 中等 / 强,
//! relief before mining in hazard zones, proneness testing where the depth exceeds 400 m
//! (REFERENCE.md §3.2); 《煤矿安全规程》第二百三十一条 (no two faces working at the same time
//! closer than 150 m heading–heading, 350 m longwall–heading, 500 m longwall–longwall,
//! REFERENCE.md §3.5); 《煤矿重大事故隐患判定标准》第十四条 (有冲击地压危险，未采取有效措施).
//!
//! Readings of RULES.md: `relieved = 0` is read literally (a zone whose relief is unknown gives
//! no finding); a zone with an unknown level gives nothing; face spacing is the 3D distance
//! between the face geometries (a heading's face point, a longwall's face segment), each face of
//! a close pair gets its own finding naming the other working.

use super::context::{Area, AreaKind, Face};
use super::{Ctx, Finding, Severity, WorkingGeom};
use crate::i18n::Text;
use crate::index::Index;
use crate::model::{BurstLevel, Working, WorkingKind};
use crate::text;

/// The depth beyond which a burst proneness test is required (REFERENCE.md §3.2), m.
pub const PRONENESS_DEPTH_M: f64 = 400.0;

fn basis_zone() -> Text {
    Text::new(
        "《防治煤矿冲击地压细则》：冲击地压危险区域必须采取区域与局部防冲措施，卸压达标、效果检验合格后方可采掘；\
         《煤矿重大事故隐患判定标准》第十四条",
        "Detailed Rules for Rock-Burst Prevention: faces in burst-hazard zones may work only after \
         stress relief is verified effective; Criteria for Major Accident Hazards, art. 14",
    )
}

fn basis_spacing() -> Text {
    Text::new(
        "《煤矿安全规程》第二百三十一条、《防治煤矿冲击地压细则》：冲击地压煤层两个掘进工作面之间小于 150 m，\
         采煤工作面与掘进工作面之间小于 350 m，两个采煤工作面之间小于 500 m 时，必须停止其中一个工作面；\
         《煤矿重大事故隐患判定标准》第十四条（采掘工作面位置、间距不符合规定）",
        "Coal Mine Safety Regulations art. 231 and Detailed Rules for Rock-Burst Prevention: in a \
         burst seam one face must stop when two headings are closer than 150 m, a longwall and a \
         heading closer than 350 m, or two longwalls closer than 500 m; Criteria for Major Accident \
         Hazards, art. 14 (face position or spacing not compliant)",
    )
}

fn basis_proneness() -> Text {
    Text::new(
        "《防治煤矿冲击地压细则》：开采深度超过 400 m 的煤层应当进行冲击倾向性鉴定及冲击危险性评价；\
         《煤矿重大事故隐患判定标准》第十四条（未进行冲击倾向性鉴定）",
        "Detailed Rules for Rock-Burst Prevention: seams mined deeper than 400 m must be tested for \
         burst proneness and evaluated for burst hazard; Criteria for Major Accident Hazards, art. 14",
    )
}

fn kind_zh(k: WorkingKind) -> &'static str {
    match k {
        WorkingKind::Longwall => "采煤工作面",
        _ => "掘进工作面",
    }
}

fn kind_en(k: WorkingKind) -> &'static str {
    match k {
        WorkingKind::Longwall => "longwall face",
        _ => "heading face",
    }
}

/// The spacing parameter for a pair of face kinds.
fn spacing(ctx: &Ctx<'_>, a: WorkingKind, b: WorkingKind) -> f64 {
    let lw = (a == WorkingKind::Longwall) as u8 + (b == WorkingKind::Longwall) as u8;
    ctx.params.get(match lw {
        0 => "burst_spacing_heading_heading_m",
        1 => "burst_spacing_longwall_heading_m",
        _ => "burst_spacing_longwall_longwall_m",
    })
}

/// The widest spacing any face can have: the reach of a face's spacing query (the plan
/// distance never exceeds the 3D one).
pub fn spacing_reach(ctx: &Ctx<'_>) -> f64 {
    [WorkingKind::Heading, WorkingKind::Longwall]
        .into_iter()
        .flat_map(|a| [WorkingKind::Heading, WorkingKind::Longwall].map(|b| spacing(ctx, a, b)))
        .fold(0.0, f64::max)
}

/// `burst.zone_unrelieved` for a working's active face and one candidate burst zone: level
/// medium or strong with `relieved = 0` (major); level weak: the same rule as a warning.
pub fn area(ctx: &Ctx<'_>, w: &Working, g: &WorkingGeom, a: &Area, out: &mut Vec<Finding>) {
    const RULE: &str = "burst.zone_unrelieved";
    let AreaKind::Burst { level, relieved } = &a.kind else { return };
    let Some(face) = g.face.as_ref() else { return };
    let (severity, zh, en) = match level {
        Some(BurstLevel::Strong) => (Severity::Major, "强", "strong"),
        Some(BurstLevel::Medium) => (Severity::Major, "中等", "medium"),
        Some(BurstLevel::Weak) => (Severity::Warning, "弱", "weak"),
        Some(BurstLevel::None) | None => return,
    };
    if *relieved != Some(false) || !ctx.applies(RULE, w) || !face.is_in(&a.poly, &a.z) {
        return;
    }
    out.push(ctx.finding(
        RULE,
        severity,
        Some(w),
        Some(a.id.clone()),
        Some(face.mid()),
        None,
        None,
        Text::new(
            format!("{} {}位于{}冲击危险区 {}，未卸压达标", w.id, kind_zh(face.kind), zh, a.id),
            format!("{}'s {} is in {} burst-hazard zone {} that is not relieved", w.id, kind_en(face.kind), en, a.id),
        ),
        basis_zone(),
    ));
}

/// `burst.face_spacing` of one face (in a mine whose burst level is not none): every other
/// active face closer (3D) than the spacing for their kinds. `faces` is the index of active
/// faces by working slot, `face_of(slot)` the working and face in a slot.
pub fn face_spacing<'w>(
    ctx: &Ctx<'_>,
    slot: usize,
    w: &Working,
    f: &Face,
    faces: &Index,
    face_of: impl Fn(usize) -> Option<(&'w Working, Face)>,
    out: &mut Vec<Finding>,
) {
    const RULE: &str = "burst.face_spacing";
    if !ctx.applies(RULE, w) {
        return;
    }
    let reach = spacing(ctx, f.kind, WorkingKind::Heading).max(spacing(ctx, f.kind, WorkingKind::Longwall));
    for j in faces.near(&f.env(), reach) {
        if j == slot {
            continue;
        }
        let Some((ow, of)) = face_of(j) else { continue };
        let limit = spacing(ctx, f.kind, of.kind);
        let d = f.distance_3d(&of);
        if d < limit {
            out.push(ctx.finding(
                RULE,
                Severity::Major,
                Some(w),
                Some(ow.id.clone()),
                Some(f.mid()),
                Some(d),
                Some(limit),
                Text::new(
                    format!(
                        "{} {}与 {} {}相距 {:.1} m，小于 {} m",
                        w.id,
                        kind_zh(f.kind),
                        ow.id,
                        kind_zh(of.kind),
                        d,
                        limit
                    ),
                    format!(
                        "{}'s {} is {:.1} m from {}'s {}, closer than {} m",
                        w.id,
                        kind_en(f.kind),
                        d,
                        ow.id,
                        kind_en(of.kind),
                        limit
                    ),
                ),
                basis_spacing(),
            ));
        }
    }
}

/// `burst.proneness_test_required`: deeper than 400 m with no burst zone mapped.
pub fn proneness(ctx: &Ctx<'_>) -> Option<Finding> {
    let depth = ctx.survey.meta.classification.mining_depth_max_m?;
    (depth > PRONENESS_DEPTH_M && ctx.survey.layers.burst_zones.is_empty()).then(|| {
        ctx.finding(
            "burst.proneness_test_required",
            Severity::Warning,
            None,
            Some("mine".to_string()),
            None,
            Some(depth),
            Some(PRONENESS_DEPTH_M),
            text!(
                "最大开采深度 {} m 超过 {} m，但未提供冲击危险区（需冲击倾向性鉴定）",
                "mining depth {} m exceeds {} m but no burst zones are given (burst proneness test required)",
                depth,
                PRONENESS_DEPTH_M
            ),
            basis_proneness(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Location, Problems};
    use crate::model::{BurstZone, Survey, Working, WorkingStatus, ZRange};
    use crate::rules::Params;
    use approx::assert_abs_diff_eq;
    use geo_types::polygon;

    use crate::rules::pillars::testkit::working;

    /// An active heading driven north whose face is at (x, y, z).
    fn heading(id: &str, x: f64, y: f64, z: f64) -> Working {
        working(id, WorkingKind::Heading, WorkingStatus::Active, &[[x, y - 100.0, z], [x, y, z]])
    }

    /// An active longwall whose face runs from (x, 0) to (x, 200).
    fn longwall(id: &str, x: f64) -> Working {
        working(
            id,
            WorkingKind::Longwall,
            WorkingStatus::Active,
            &[[x - 500.0, 0.0, 0.0], [x, 0.0, 0.0], [x, 200.0, 0.0]],
        )
    }

    fn zone(id: &str, level: Option<BurstLevel>, relieved: Option<bool>) -> BurstZone {
        BurstZone {
            id: id.into(),
            seam: None,
            outline: polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)],
            z: ZRange::default(),
            level,
            relieved,
        }
    }

    fn run_with(s: &Survey, p: &Params) -> Vec<Finding> {
        crate::rules::pillars::testkit::run_with(s, p, "burst.")
    }

    fn run(s: &Survey) -> Vec<Finding> {
        run_with(s, &Params::default())
    }

    fn keys(f: &[Finding]) -> Vec<(&str, Severity, Option<&str>, Option<&str>)> {
        f.iter().map(|f| (f.rule, f.severity, f.working.as_deref(), f.feature.as_deref())).collect()
    }

    /// A burst mine (by history alone) with these workings.
    fn burst_mine(ws: Vec<Working>) -> Survey {
        let mut s = Survey::default();
        s.meta.classification.burst_history = Some(true);
        s.layers.workings = ws;
        s
    }

    #[test]
    fn zone_unrelieved_by_level() {
        let case = |level, relieved| {
            let mut s = Survey::default();
            s.layers.burst_zones.push(zone("B1", level, relieved));
            s.layers.workings.push(heading("H1", 50.0, 50.0, 0.0));
            run(&s)
        };
        for level in [BurstLevel::Medium, BurstLevel::Strong] {
            let f = case(Some(level), Some(false));
            assert_eq!(keys(&f), vec![("burst.zone_unrelieved", Severity::Major, Some("H1"), Some("B1"))]);
            assert_eq!(f[0].at, Some([50.0, 50.0, 0.0]));
            assert!(f[0].message.zh.contains("B1") && f[0].basis.zh.contains("防治煤矿冲击地压细则"));
        }
        let f = case(Some(BurstLevel::Weak), Some(false));
        assert_eq!(keys(&f), vec![("burst.zone_unrelieved", Severity::Warning, Some("H1"), Some("B1"))]);
        assert!(f[0].message.en.contains("weak"));
        assert!(case(Some(BurstLevel::None), Some(false)).is_empty());
        assert!(case(None, Some(false)).is_empty());
        assert!(case(Some(BurstLevel::Strong), Some(true)).is_empty());
        assert!(case(Some(BurstLevel::Strong), None).is_empty());
    }

    #[test]
    fn zone_unrelieved_faces_only() {
        let mut s = Survey::default();
        s.layers.burst_zones.push(zone("B1", Some(BurstLevel::Strong), Some(false)));
        // The line crosses the zone, the face does not.
        s.layers.workings.push(heading("H1", 50.0, 150.0, 0.0));
        let mut p = heading("H2", 50.0, 50.0, 0.0);
        p.status = WorkingStatus::Planned;
        s.layers.workings.push(p);
        let mut e = heading("H3", 50.0, 50.0, 0.0);
        e.status = WorkingStatus::Existing;
        s.layers.workings.push(e);
        assert!(run(&s).is_empty());
        // A longwall face segment crossing the zone.
        s.layers.workings.push(longwall("L1", 100.0));
        let f: Vec<_> = run(&s).into_iter().filter(|f| f.rule == "burst.zone_unrelieved").collect();
        assert_eq!(keys(&f), vec![("burst.zone_unrelieved", Severity::Major, Some("L1"), Some("B1"))]);
    }

    #[test]
    fn heading_spacing_150() {
        let f = run(&burst_mine(vec![heading("H1", 0.0, 0.0, 0.0), heading("H2", 149.9, 0.0, 0.0)]));
        assert_eq!(
            keys(&f),
            vec![
                ("burst.face_spacing", Severity::Major, Some("H1"), Some("H2")),
                ("burst.face_spacing", Severity::Major, Some("H2"), Some("H1")),
            ]
        );
        assert_abs_diff_eq!(f[0].measured.expect("measured"), 149.9, epsilon = 1e-9);
        assert_eq!(f[0].limit, Some(150.0));
        assert!(f[0].message.zh.contains("H2") && f[0].message.en.contains("H2"));
        assert!(run(&burst_mine(vec![heading("H1", 0.0, 0.0, 0.0), heading("H2", 150.1, 0.0, 0.0)])).is_empty());
        // Exactly 150: not closer than 150.
        assert!(run(&burst_mine(vec![heading("H1", 0.0, 0.0, 0.0), heading("H2", 150.0, 0.0, 0.0)])).is_empty());
        // The distance is 3D: 100 m apart in plan, 120 m in elevation = 156.2 m.
        assert!(run(&burst_mine(vec![heading("H1", 0.0, 0.0, 0.0), heading("H2", 100.0, 0.0, 120.0)])).is_empty());
        assert_eq!(run(&burst_mine(vec![heading("H1", 0.0, 0.0, 0.0), heading("H2", 100.0, 0.0, 110.0)])).len(), 2);
    }

    #[test]
    fn longwall_spacings_350_and_500() {
        // A heading 349.9 / 350.1 m east of the longwall face segment.
        let f = run(&burst_mine(vec![longwall("L1", 0.0), heading("H1", 349.9, 100.0, 0.0)]));
        assert_eq!(
            keys(&f),
            vec![
                ("burst.face_spacing", Severity::Major, Some("H1"), Some("L1")),
                ("burst.face_spacing", Severity::Major, Some("L1"), Some("H1")),
            ]
        );
        assert_eq!(f[0].limit, Some(350.0));
        assert!(run(&burst_mine(vec![longwall("L1", 0.0), heading("H1", 350.1, 100.0, 0.0)])).is_empty());
        let f = run(&burst_mine(vec![longwall("L1", 0.0), longwall("L2", 499.9)]));
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].limit, Some(500.0));
        assert!(run(&burst_mine(vec![longwall("L1", 0.0), longwall("L2", 500.1)])).is_empty());
    }

    #[test]
    fn spacing_needs_a_burst_mine_and_active_faces() {
        let ws = || vec![heading("H1", 0.0, 0.0, 0.0), heading("H2", 100.0, 0.0, 0.0)];
        let mut s = burst_mine(ws());
        s.meta.classification.burst_history = Some(false);
        assert!(run(&s).is_empty());
        s.meta.classification.burst_history = None;
        assert!(run(&s).is_empty());
        // A burst zone (relieved) of level weak makes it a burst mine.
        s.layers.burst_zones.push(zone("B1", Some(BurstLevel::Weak), Some(true)));
        assert_eq!(run(&s).len(), 2);
        // A zone of level none does not.
        s.layers.burst_zones[0].level = Some(BurstLevel::None);
        assert!(run(&s).is_empty());
        // Planned or existing neighbours do not count.
        for status in [WorkingStatus::Planned, WorkingStatus::Existing] {
            let mut w = ws();
            w[1].status = status;
            assert!(run(&burst_mine(w)).is_empty());
        }
    }

    #[test]
    fn spacing_override() {
        let mut o = std::collections::BTreeMap::new();
        o.insert("burst_spacing_heading_heading_m".to_string(), 200.0);
        let (p, _) = Params::with_overrides(&o, &Location::default(), &mut Problems::default());
        let s = burst_mine(vec![heading("H1", 0.0, 0.0, 0.0), heading("H2", 180.0, 0.0, 0.0)]);
        assert!(run(&s).is_empty());
        let f = run_with(&s, &p);
        assert_eq!((f.len(), f[0].limit), (2, Some(200.0)));
    }

    #[test]
    fn proneness_test_required_beyond_400_m_without_zones() {
        let mut s = Survey::default();
        s.meta.classification.mining_depth_max_m = Some(400.1);
        let f = run(&s);
        assert_eq!(keys(&f), vec![("burst.proneness_test_required", Severity::Warning, None, Some("mine"))]);
        assert_eq!((f[0].measured, f[0].limit), (Some(400.1), Some(400.0)));
        s.meta.classification.mining_depth_max_m = Some(400.0);
        assert!(run(&s).is_empty());
        s.meta.classification.mining_depth_max_m = None;
        assert!(run(&s).is_empty());
        s.meta.classification.mining_depth_max_m = Some(800.0);
        s.layers.burst_zones.push(zone("B1", Some(BurstLevel::None), None));
        assert!(run(&s).is_empty());
    }
}
