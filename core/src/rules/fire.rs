//! Fire zones (火区): a working in a fire zone, sealed or not.
//!
//! Basis: 《煤矿重大事故隐患判定标准》(应急管理部令第4号) 第十二条 自然发火严重，未采取有效措施
//! (includes unsealing a fire zone against 《煤矿安全规程》); 井下火区 is a mandatory factor of the
//! 煤矿隐蔽致灾因素普查.
//!
//! 'In a zone' is RULES.md's (plan intersection, touching counts, holes excluded; elevation range
//! overlap with open bounds). A line rule: planned workings get it as a warning. `at` is the first
//! point along the working in the zone
//! ([`crate::geometry::PreparedPolygon::first_point_in`]); no measured value.

use super::context::{Area, AreaKind};
use super::zones::{kind_zh, status_zh};
use super::{Ctx, Finding, Severity, WorkingGeom};
use crate::i18n::Text;
use crate::model::Working;

fn basis() -> Text {
    Text::new(
        "《煤矿重大事故隐患判定标准》第十二条：自然发火严重，未采取有效措施（含违反《煤矿安全规程》启封火区）",
        "Criteria for Major Accident Hazards in Coal Mines, art. 12: serious spontaneous combustion without \
         effective measures (including unsealing a fire zone against the Coal Mine Safety Regulations)",
    )
}

/// `fire.working_in_fire_zone` for a working and one candidate fire zone.
pub fn area(ctx: &Ctx<'_>, w: &Working, g: &WorkingGeom, a: &Area, out: &mut Vec<Finding>) {
    let AreaKind::Fire { name, sealed } = &a.kind else { return };
    if !ctx.applies("fire.working_in_fire_zone", w) || !g.is_in(w, &a.poly, &a.z) {
        return;
    }
    let (sealed_zh, sealed_en) = match sealed {
        Some(true) => ("已封闭", "sealed"),
        Some(false) => ("未封闭", "not sealed"),
        None => ("封闭状态不明", "sealing unknown"),
    };
    let name = name.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
    out.push(ctx.finding(
        "fire.working_in_fire_zone",
        Severity::Major,
        Some(w),
        Some(a.id.clone()),
        a.poly.first_point_in(&w.line).or(w.line.last().copied()),
        None,
        None,
        Text::new(
            format!("{}{} {} 进入火区 {}{}（{}）", status_zh(w.status), kind_zh(w.kind), w.id, a.id, name, sealed_zh),
            format!("{} {} {} enters fire zone {}{} ({})", w.status, w.kind, w.id, a.id, name, sealed_en),
        ),
        basis(),
    ));
}

#[cfg(test)]
mod tests {
    use super::super::pillars::testkit::*;
    use super::*;
    use crate::model::{FireZone, Survey, WorkingKind as K, WorkingStatus as S, ZRange};

    #[test]
    fn sealed_or_not_touching_z_range_and_planned() {
        let mut s = Survey::default();
        s.layers.fire_zones = vec![
            FireZone {
                id: "FZ1".into(),
                name: Some("3101 火区".into()),
                outline: square(0.0, 0.0, 100.0, 100.0),
                z: ZRange { floor_m: Some(300.0), roof_m: None },
                sealed: Some(true),
            },
            FireZone {
                id: "FZ2".into(),
                name: None,
                outline: square(200.0, 0.0, 300.0, 100.0),
                z: ZRange::default(),
                sealed: Some(false),
            },
        ];
        s.layers.workings = vec![
            working("A", K::Roadway, S::Existing, &[[-10.0, 50.0, 300.0], [50.0, 50.0, 310.0]]),
            // Below the floor.
            working("B", K::Roadway, S::Existing, &[[-10.0, 50.0, 250.0], [50.0, 50.0, 299.9]]),
            // Touching FZ2's edge from outside.
            working("C", K::Heading, S::Active, &[[150.0, 50.0, 0.0], [200.0, 50.0, 0.0]]),
            working("D", K::Heading, S::Active, &[[150.0, 50.0, 0.0], [199.9, 50.0, 0.0]]),
            working("P", K::Longwall, S::Planned, &[[250.0, 10.0, 0.0], [250.0, 90.0, 0.0]]),
        ];
        let f = run(&s, "fire.");
        let r = "fire.working_in_fire_zone";
        assert_eq!(
            hits(&f, r),
            vec![("A".into(), "FZ1".into()), ("C".into(), "FZ2".into()), ("P".into(), "FZ2".into())]
        );
        let a = find(&f, r, "A");
        assert_eq!((a.severity, a.planned), (Severity::Major, false));
        assert!(a.message.zh.contains("已封闭") && a.message.en.contains("sealed"));
        assert!(a.basis.zh.contains("第十二条"));
        assert_eq!(a.at, Some([0.0, 50.0, 300.0 + 10.0 / 6.0]));
        assert_eq!(find(&f, r, "C").at, Some([200.0, 50.0, 0.0]));
        let p = find(&f, r, "P");
        assert_eq!((p.severity, p.planned), (Severity::Warning, true));
    }
}
