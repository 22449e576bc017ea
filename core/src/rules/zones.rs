//! Three-zone management (防治水“三区”: 可采区 / 缓采区 / 禁采区): workings in a no-mining zone,
//! and active longwalls or headings in an untreated deferred zone.
//!
//! Basis: 《煤矿防治水“三区”管理办法》(矿安〔2022〕85号): no mining or heading work at all in a
//! 禁采区; in a 缓采区 no longwall extraction and no headings unrelated to water exploration or
//! treatment until it is treated and converted to a 可采区.
//!
//! 'In a zone' is RULES.md's: the line meets the outline in plan (touching counts; the inside of
//! a hole is not in the zone) and its elevation range overlaps [z_floor, z_roof] (open bounds).
//!
//! Choices where RULES.md leaves room:
//! - `zone.deferred_untreated` fires for `treated = 0` only, as written (`treated == Some(false)`).
//!   A deferred zone whose `treated` is unknown gives no finding: the rules never guess a flag
//!   (the same reading as `declared = 0` in the hidden rules). The longwall or heading is 'in' by
//!   its whole line, not only its face.
//! - `at` is the first point along the working that lies in the zone (a vertex inside it, or
//!   where a segment enters it), z interpolated. No measured value or limit.

use super::context::{Area, AreaKind};
use super::{Ctx, Finding, Severity, WorkingGeom};
use crate::i18n::Text;
use crate::model::{Working, WorkingKind, WorkingStatus, ZoneClass};

fn no_mining_basis() -> Text {
    Text::new(
        "《煤矿防治水“三区”管理办法》（矿安〔2022〕85号）：禁采区内严禁采掘活动",
        "Rules for three-zone management of mine water hazards (矿安〔2022〕85号): no mining or heading \
         in a no-mining zone",
    )
}

fn deferred_basis() -> Text {
    Text::new(
        "《煤矿防治水“三区”管理办法》（矿安〔2022〕85号）：缓采区未经探查治理并转为可采区前，不得回采，\
         不得掘进与探放水、治理无关的巷道",
        "Rules for three-zone management of mine water hazards (矿安〔2022〕85号): in a deferred zone not yet \
         treated and converted to a mineable zone, no longwall extraction and no headings unrelated to water \
         exploration or treatment",
    )
}

/// 中文 name of a working kind, for messages.
pub(crate) fn kind_zh(k: WorkingKind) -> &'static str {
    match k {
        WorkingKind::Roadway => "巷道",
        WorkingKind::Heading => "掘进工作面",
        WorkingKind::Longwall => "回采工作面",
        WorkingKind::Bench => "台阶",
    }
}

/// 中文 name of a working status, for messages.
pub(crate) fn status_zh(s: WorkingStatus) -> &'static str {
    match s {
        WorkingStatus::Existing => "已有",
        WorkingStatus::Active => "在用",
        WorkingStatus::Planned => "设计",
    }
}

/// `zone.no_mining` and `zone.deferred_untreated` for a working and one candidate zone.
pub fn area(ctx: &Ctx<'_>, w: &Working, g: &WorkingGeom, a: &Area, out: &mut Vec<Finding>) {
    let AreaKind::Zone { class, treated } = &a.kind else { return };
    let faces = [WorkingKind::Longwall, WorkingKind::Heading];
    let no_mining = *class == ZoneClass::NoMining && ctx.applies("zone.no_mining", w);
    let deferred = *class == ZoneClass::Deferred
        && *treated == Some(false)
        && w.status == WorkingStatus::Active
        && faces.contains(&w.kind)
        && ctx.applies("zone.deferred_untreated", w);
    if !(no_mining || deferred) || !g.is_in(w, &a.poly, &a.z) {
        return;
    }
    let at = a.poly.first_point_in(&w.line).or(w.line.last().copied());
    if no_mining {
        out.push(ctx.finding(
            "zone.no_mining",
            Severity::Major,
            Some(w),
            Some(a.id.clone()),
            at,
            None,
            None,
            Text::new(
                format!("{}{} {} 进入禁采区 {}", status_zh(w.status), kind_zh(w.kind), w.id, a.id),
                format!("{} {} {} enters no-mining zone {}", w.status, w.kind, w.id, a.id),
            ),
            no_mining_basis(),
        ));
    } else {
        out.push(ctx.finding(
            "zone.deferred_untreated",
            Severity::Major,
            Some(w),
            Some(a.id.clone()),
            at,
            None,
            None,
            Text::new(
                format!("在用{} {} 位于未治理的缓采区 {}", kind_zh(w.kind), w.id, a.id),
                format!("active {} {} is in deferred zone {}, not treated", w.kind, w.id, a.id),
            ),
            deferred_basis(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::pillars::testkit::*;
    use super::*;
    use crate::model::{Hazard, Survey, WorkingKind as K, WorkingStatus as S, ZRange, Zone};
    use geo_types::Polygon;

    fn zone(id: &str, class: ZoneClass, treated: Option<bool>, outline: Polygon<f64>, z: ZRange) -> Zone {
        Zone {
            id: id.to_string(),
            class,
            hazard: Some(Hazard::Water),
            basis: None,
            treated,
            outline,
            z,
            author: None,
            marked_at: None,
        }
    }

    fn east(id: &str, kind: K, status: S, y: f64, x0: f64, x1: f64, z: f64) -> crate::model::Working {
        working(id, kind, status, &[[x0, y, z], [x1, y, z]])
    }

    #[test]
    fn no_mining_zone_touching_holes_z_and_planned() {
        let mut s = Survey::default();
        let holed = Polygon::new(rect(0.0, 0.0, 100.0, 100.0), vec![rect(40.0, 40.0, 60.0, 60.0)]);
        let open_floor = ZRange { floor_m: None, roof_m: Some(500.0) };
        s.layers.zones = vec![
            zone("NM", ZoneClass::NoMining, None, holed, open_floor),
            zone("OK", ZoneClass::Mineable, None, square(0.0, 0.0, 100.0, 100.0), ZRange::default()),
        ];
        s.layers.workings = vec![
            // Enters from the west at x = 0, deep below the roof (open floor).
            east("A-enter", K::Heading, S::Active, 20.0, -50.0, 50.0, -900.0),
            // Ends exactly on the boundary: touching counts.
            east("B-touch", K::Roadway, S::Existing, 70.0, -50.0, 0.0, 100.0),
            // Stops 0.1 m short.
            east("C-short", K::Roadway, S::Existing, 70.0, -50.0, -0.1, 100.0),
            // Inside the hole: not in the zone.
            east("D-hole", K::Roadway, S::Existing, 50.0, 45.0, 55.0, 100.0),
            // Above the roof.
            east("E-above", K::Roadway, S::Existing, 20.0, 10.0, 90.0, 500.1),
            // Spanning the roof exactly (z range 400..500 touches 500).
            working("F-zroof", K::Roadway, S::Existing, &[[10.0, 80.0, 400.0], [90.0, 80.0, 500.0]]),
            east("P-planned", K::Longwall, S::Planned, 90.0, 10.0, 90.0, 0.0),
        ];
        let f = run(&s, "zone.");
        let nm = |w: &str| (w.to_string(), "NM".to_string());
        assert_eq!(hits(&f, "zone.no_mining"), vec![nm("A-enter"), nm("B-touch"), nm("F-zroof"), nm("P-planned")]);
        let a = find(&f, "zone.no_mining", "A-enter");
        assert_eq!((a.severity, a.planned, a.at), (Severity::Major, false, Some([0.0, 20.0, -900.0])));
        assert!(a.message.zh.contains("禁采区 NM") && a.message.en.contains("A-enter"));
        assert!(a.basis.zh.contains("三区"));
        assert_eq!(find(&f, "zone.no_mining", "B-touch").at, Some([0.0, 70.0, 100.0]));
        let p = find(&f, "zone.no_mining", "P-planned");
        assert_eq!((p.severity, p.planned), (Severity::Warning, true));
        assert!(hits(&f, "zone.deferred_untreated").is_empty());
    }

    #[test]
    fn deferred_zone_only_active_faces_and_treated_zero() {
        let mut s = Survey::default();
        let z = ZRange::default();
        s.layers.zones = vec![
            zone("D0", ZoneClass::Deferred, Some(false), square(0.0, 0.0, 100.0, 100.0), z),
            zone("D1", ZoneClass::Deferred, Some(true), square(200.0, 0.0, 300.0, 100.0), z),
            zone("D?", ZoneClass::Deferred, None, square(400.0, 0.0, 500.0, 100.0), z),
        ];
        s.layers.workings = vec![
            east("H0", K::Heading, S::Active, 50.0, -50.0, 10.0, 0.0),
            east("L0", K::Longwall, S::Active, 60.0, 150.0, 100.0, 0.0),
            east("R0", K::Roadway, S::Active, 70.0, -50.0, 10.0, 0.0),
            east("E0", K::Heading, S::Existing, 80.0, -50.0, 10.0, 0.0),
            east("P0", K::Heading, S::Planned, 90.0, -50.0, 10.0, 0.0),
            east("H1", K::Heading, S::Active, 50.0, 150.0, 250.0, 0.0),
            east("H?", K::Heading, S::Active, 50.0, 350.0, 450.0, 0.0),
        ];
        let f = run(&s, "zone.");
        assert_eq!(
            hits(&f, "zone.deferred_untreated"),
            vec![("H0".to_string(), "D0".to_string()), ("L0".to_string(), "D0".to_string())]
        );
        let l = find(&f, "zone.deferred_untreated", "L0");
        assert_eq!((l.severity, l.planned, l.at), (Severity::Major, false, Some([100.0, 60.0, 0.0])));
        assert!(l.message.zh.contains("回采工作面") && l.message.en.contains("deferred zone D0"));
        assert!(hits(&f, "zone.no_mining").is_empty());
    }
}
