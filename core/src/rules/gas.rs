//! Gas rules (瓦斯): active faces in outburst-type gas zones (突出危险区) or gas-rich zones
//! (瓦斯富集区) without drainage compliance (抽采达标).
//!
//! Basis: 《防治煤与瓦斯突出细则》(2019) 区域综合防突措施 (区域预测、预抽煤层瓦斯，效果检验达标前
//! 不得采掘) with the critical gas pressure 0.74 MPa (REFERENCE.md §2.2, §2.3); 《煤矿安全规程》
//! 第一百六十九条; 《煤矿重大事故隐患判定标准》第九条 (突出矿井未依照规定实施防突出措施) and
//! 第四条 (瓦斯抽采不达标组织生产).
//!
//! A face is an active heading's last vertex or an active longwall's last segment; 'in a zone'
//! is plan intersection (touching counts) plus overlap of the face's elevation range with the
//! zone's [z_floor, z_roof].
//!
//! Readings of RULES.md: a zone is outburst-type when `outburst_prone = 1` or its gas pressure is
//! known and ≥ 0.74 MPa (a missing pressure does not make it one); `drained = 0` is read
//! literally, so a zone whose drainage status is unknown gives no finding (a finding states a
//! fact; the unknown is not guessed). A drained outburst zone gives no finding of either rule.
//! Gas content below the warning value, or unknown, gives no `gas.rich_zone_undrained`.

use super::context::{Area, AreaKind};
use super::{Ctx, Finding, Severity, WorkingGeom};
use crate::i18n::Text;
use crate::model::Working;
use crate::text;

/// The critical gas pressure of outburst identification (突出危险性鉴定临界值), MPa.
pub const OUTBURST_PRESSURE_MPA: f64 = 0.74;

/// Is a gas zone outburst-type (`outburst_prone = 1` or gas pressure ≥ 0.74 MPa)? A missing
/// pressure does not make it one.
pub fn outburst_type(outburst_prone: Option<bool>, gas_pressure_mpa: Option<f64>) -> bool {
    outburst_prone == Some(true) || gas_pressure_mpa.is_some_and(|p| p >= OUTBURST_PRESSURE_MPA)
}

fn basis_outburst() -> Text {
    Text::new(
        "《防治煤与瓦斯突出细则》：突出危险区（突出煤层或瓦斯压力 ≥ 0.74 MPa）须先实施区域防突措施（预抽煤层瓦斯），\
         效果检验达标后方可采掘；《煤矿重大事故隐患判定标准》第九条",
        "Detailed Rules for Outburst Prevention: in an outburst-hazard zone (outburst seam or gas \
         pressure ≥ 0.74 MPa) regional measures (gas pre-drainage) must be verified effective \
         before mining; Criteria for Major Accident Hazards, art. 9",
    )
}

fn basis_rich() -> Text {
    Text::new(
        "《煤矿安全规程》第一百六十九条及瓦斯抽采达标要求：瓦斯含量达到预警值的区域应先抽采达标后采掘；\
         《煤矿重大事故隐患判定标准》第四条（瓦斯抽采不达标组织生产）",
        "Coal Mine Safety Regulations art. 169 and gas drainage compliance: a zone whose gas content \
         reaches the warning value must be drained to standard before mining; Criteria for Major \
         Accident Hazards, art. 4 (producing without drainage compliance)",
    )
}

/// `gas.outburst_zone_undrained` and `gas.rich_zone_undrained` for a working's active face and
/// one candidate gas zone.
pub fn area(ctx: &Ctx<'_>, w: &Working, g: &WorkingGeom, a: &Area, out: &mut Vec<Finding>) {
    let AreaKind::Gas { content_m3t, pressure_mpa, outburst_prone, drained } = &a.kind else { return };
    let Some(face) = g.face.as_ref() else { return };
    if *drained != Some(false) || !ctx.applies("gas.outburst_zone_undrained", w) || !face.is_in(&a.poly, &a.z) {
        return;
    }
    let outburst = outburst_type(*outburst_prone, *pressure_mpa);
    if outburst {
        let (zh, en) = match (*outburst_prone == Some(true), *pressure_mpa) {
            (true, Some(p)) => (format!("突出煤层，瓦斯压力 {p} MPa"), format!("outburst-prone, gas pressure {p} MPa")),
            (true, None) => ("突出煤层".to_string(), "outburst-prone".to_string()),
            (false, p) => {
                let p = p.unwrap_or_default();
                (
                    format!("瓦斯压力 {p} MPa ≥ {OUTBURST_PRESSURE_MPA} MPa"),
                    format!("gas pressure {p} MPa ≥ {OUTBURST_PRESSURE_MPA} MPa"),
                )
            }
        };
        out.push(ctx.finding(
            "gas.outburst_zone_undrained",
            Severity::Major,
            Some(w),
            Some(a.id.clone()),
            Some(face.mid()),
            *pressure_mpa,
            Some(OUTBURST_PRESSURE_MPA),
            Text::new(
                format!("{} 工作面位于突出危险区 {}（{}），未抽采达标", w.id, a.id, zh),
                format!("{}'s face is in outburst zone {} ({}) that is not drained to standard", w.id, a.id, en),
            ),
            basis_outburst(),
        ));
    } else {
        let warn = ctx.params.get("gas_content_warn_m3t");
        if let Some(c) = content_m3t.filter(|c| *c >= warn) {
            out.push(ctx.finding(
                "gas.rich_zone_undrained",
                Severity::Warning,
                Some(w),
                Some(a.id.clone()),
                Some(face.mid()),
                Some(c),
                Some(warn),
                text!(
                    "{} 工作面位于瓦斯富集区 {}（瓦斯含量 {} m³/t ≥ {} m³/t），未抽采达标",
                    "{}'s face is in gas-rich zone {} (gas content {} m³/t ≥ {} m³/t) that is not drained to standard",
                    w.id,
                    a.id,
                    c,
                    warn
                ),
                basis_rich(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Location, Problems};
    use crate::model::{GasZone, Survey, Working, WorkingKind, WorkingStatus, ZRange};
    use geo_types::polygon;

    fn zone(
        id: &str,
        content: Option<f64>,
        pressure: Option<f64>,
        prone: Option<bool>,
        drained: Option<bool>,
    ) -> GasZone {
        GasZone {
            id: id.into(),
            seam: None,
            outline: polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)],
            z: ZRange { floor_m: Some(-10.0), roof_m: Some(10.0) },
            gas_content_m3t: content,
            gas_pressure_mpa: pressure,
            outburst_prone: prone,
            drained,
        }
    }

    use crate::rules::pillars::testkit::working;

    /// An active heading whose face is at (x, 50, z), driven from the west.
    fn heading(x: f64, z: f64) -> Working {
        working("H1", WorkingKind::Heading, WorkingStatus::Active, &[[-300.0, 50.0, z], [x, 50.0, z]])
    }

    fn run_with(zones: Vec<GasZone>, workings: Vec<Working>, p: &Params) -> Vec<Finding> {
        let mut s = Survey::default();
        s.layers.gas_zones = zones;
        s.layers.workings = workings;
        crate::rules::pillars::testkit::run_with(&s, p, "gas.")
    }

    fn run(zones: Vec<GasZone>, workings: Vec<Working>) -> Vec<(&'static str, Severity, Option<String>)> {
        run_with(zones, workings, &Params::default()).into_iter().map(|f| (f.rule, f.severity, f.feature)).collect()
    }

    use super::super::Params;

    const OUT: &str = "gas.outburst_zone_undrained";
    const RICH: &str = "gas.rich_zone_undrained";

    #[test]
    fn outburst_zone_by_flag_or_pressure() {
        let f = run_with(
            vec![zone("Z1", None, Some(0.74), None, Some(false))],
            vec![heading(50.0, 0.0)],
            &Params::default(),
        );
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].rule, f[0].severity), (OUT, Severity::Major));
        assert_eq!((f[0].working.as_deref(), f[0].feature.as_deref()), (Some("H1"), Some("Z1")));
        assert_eq!((f[0].measured, f[0].limit), (Some(0.74), Some(0.74)));
        assert_eq!(f[0].at, Some([50.0, 50.0, 0.0]));
        assert!(f[0].message.zh.contains("Z1") && f[0].message.en.contains("0.74 MPa"));
        assert!(f[0].basis.zh.contains("防治煤与瓦斯突出细则"));
        // 0.73 MPa is not outburst-type; with 8 m³/t it is a rich zone.
        assert_eq!(
            run(vec![zone("Z1", Some(8.0), Some(0.73), None, Some(false))], vec![heading(50.0, 0.0)]),
            vec![(RICH, Severity::Warning, Some("Z1".into()))]
        );
        assert!(
            run(vec![zone("Z1", Some(7.9), Some(0.73), Some(false), Some(false))], vec![heading(50.0, 0.0)]).is_empty()
        );
        // Outburst-prone without a pressure.
        assert_eq!(
            run(vec![zone("Z1", Some(20.0), None, Some(true), Some(false))], vec![heading(50.0, 0.0)]),
            vec![(OUT, Severity::Major, Some("Z1".into()))]
        );
    }

    #[test]
    fn drained_zones_and_unknown_drainage_give_nothing() {
        for drained in [Some(true), None] {
            assert!(
                run(vec![zone("Z1", Some(20.0), Some(2.0), Some(true), drained)], vec![heading(50.0, 0.0)]).is_empty()
            );
            assert!(run(vec![zone("Z1", Some(20.0), None, None, drained)], vec![heading(50.0, 0.0)]).is_empty());
        }
    }

    #[test]
    fn rich_zone_threshold_and_missing_pressure() {
        // A missing pressure does not make a zone outburst-type.
        assert_eq!(
            run(vec![zone("Z1", Some(8.0), None, None, Some(false))], vec![heading(50.0, 0.0)]),
            vec![(RICH, Severity::Warning, Some("Z1".into()))]
        );
        assert!(run(vec![zone("Z1", Some(7.99), None, None, Some(false))], vec![heading(50.0, 0.0)]).is_empty());
        assert!(run(vec![zone("Z1", None, None, None, Some(false))], vec![heading(50.0, 0.0)]).is_empty());
        let f = run_with(
            vec![zone("Z1", Some(9.0), None, None, Some(false))],
            vec![heading(50.0, 0.0)],
            &Params::default(),
        );
        assert_eq!((f[0].measured, f[0].limit), (Some(9.0), Some(8.0)));
        // Override: a lower warning value (stricter) catches 7 m³/t.
        let mut o = std::collections::BTreeMap::new();
        o.insert("gas_content_warn_m3t".to_string(), 6.5);
        let (p, _) = Params::with_overrides(&o, &Location::default(), &mut Problems::default());
        let f = run_with(vec![zone("Z1", Some(7.0), None, None, Some(false))], vec![heading(50.0, 0.0)], &p);
        assert_eq!((f.len(), f[0].rule, f[0].limit), (1, RICH, Some(6.5)));
    }

    #[test]
    fn faces_only_active_with_z_overlap_and_touching() {
        let z = || vec![zone("Z1", Some(20.0), Some(1.0), None, Some(false))];
        // The face outside the zone while the heading's line crosses it: no finding.
        assert!(run(
            z(),
            vec![working("H1", WorkingKind::Heading, WorkingStatus::Active, &[[50.0, 50.0, 0.0], [150.0, 50.0, 0.0]])]
        )
        .is_empty());
        // Touching the boundary counts; just outside does not.
        assert_eq!(run(z(), vec![heading(0.0, 0.0)]).len(), 1);
        assert!(run(z(), vec![heading(-0.1, 0.0)]).is_empty());
        // z overlap: the roof is 10, the floor -10 (touching counts).
        assert_eq!(run(z(), vec![heading(50.0, 10.0)]).len(), 1);
        assert!(run(z(), vec![heading(50.0, 10.1)]).is_empty());
        assert!(run(z(), vec![heading(50.0, -10.1)]).is_empty());
        // Planned and existing workings are excluded; so are roadways.
        for status in [WorkingStatus::Planned, WorkingStatus::Existing] {
            let mut w = heading(50.0, 0.0);
            w.status = status;
            assert!(run(z(), vec![w]).is_empty());
        }
        assert!(run(
            z(),
            vec![working("R1", WorkingKind::Roadway, WorkingStatus::Active, &[[-300.0, 50.0, 0.0], [50.0, 50.0, 0.0]])]
        )
        .is_empty());
        // A longwall's face is its last segment, which crosses the zone here.
        let lw = working(
            "L1",
            WorkingKind::Longwall,
            WorkingStatus::Active,
            &[[-300.0, -50.0, 0.0], [-300.0, 150.0, 0.0], [50.0, -50.0, 0.0], [50.0, -10.0, 0.0], [50.0, 150.0, 0.0]],
        );
        let f = run_with(z(), vec![lw], &Params::default());
        assert_eq!((f.len(), f[0].working.as_deref(), f[0].at), (1, Some("L1"), Some([50.0, 70.0, 0.0])));
        let lw = working(
            "L1",
            WorkingKind::Longwall,
            WorkingStatus::Active,
            &[[50.0, -50.0, 0.0], [50.0, 150.0, 0.0], [120.0, 150.0, 0.0], [120.0, -50.0, 0.0]],
        );
        assert!(run(z(), vec![lw]).is_empty());
    }
}
