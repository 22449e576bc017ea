//! Water rules (防治水): workings inside water-bearing goaf or water bodies, and the water lines
//! of every water source, the exploration line (探水线) and the warning line (警戒线), with the
//! advance drilling cover (超前探放水钻孔: 超前距, 帮距) that lets a heading continue.
//!
//! Basis: 《煤矿防治水细则》(煤安监调查〔2018〕14号) 第三条 "预测预报、有疑必探、先探后掘、先治后采",
//! 第三十八条 (接近老空区、含水层、导水断层、导水陷落柱、水体时确定探水线，超前探放水), the
//! three lines 积水线 / 探水线 / 警戒线 and the drilling geometry (超前距 ≥ 30 m, 帮距); 《煤矿安全规程》
//! 第三百一十七条; 《煤矿重大事故隐患判定标准》第十二条 (有严重水患，未采取有效措施: 未按规定
//! 探放水). Article numbers are from memory (REFERENCE.md §1.2, §1.3): check against the gazette.
//!
//! Units: metres, mine CRS; all distances planar.
//!
//! Readings of RULES.md where the data are incomplete (the stricter reading each time):
//! - a water goaf whose `reliable` is unknown is treated as unreliable (60 m, not 30 m);
//! - an anomaly interpreted as water or goaf whose `verified` is unknown is treated as
//!   unverified (a source); an anomaly with no interpretation is not a source;
//! - a goaf whose `water` is unknown, and a fault or collapse column whose `water_conducting` is
//!   unknown, is not a source (RULES.md: `water = 1`, `water_conducting = 1`).

use super::context::{Area, AreaKind, Face, PreparedSource};
use super::{Ctx, Finding, Params, Severity, WorkingGeom};
use crate::i18n::Text;
use crate::index::{box_of, point_box, Box2};
use crate::model::{Drillhole, Interpretation, Survey, Working, WorkingKind};
use geo_types::{LineString, Polygon};

/// The geometry of a water source: an area (goaf, anomaly, water body, collapse column) or a
/// trace (fault).
#[derive(Debug, Clone, PartialEq)]
pub enum SourceGeom {
    Area(Polygon<f64>),
    Trace(LineString<f64>),
}

/// A water source with its exploration line (探水线) and warning line (警戒线) offsets.
#[derive(Debug, Clone, PartialEq)]
pub struct WaterSource {
    /// "goaf", "anomaly", "water_body", "fault" or "collapse_column".
    pub kind: &'static str,
    pub id: String,
    pub geometry: SourceGeom,
    /// Exploration line offset (探水线), m.
    pub exploration_m: f64,
    /// Warning line offset (警戒线) = exploration offset + `warning_offset_m`, m.
    pub warning_m: f64,
    /// Water pressure where the source gives one (a water body's or fault's `pressure_mpa`), MPa.
    pub pressure_mpa: Option<f64>,
    /// Water-bearing (a goaf with `water = 1` or a water body): a heading must not advance into
    /// it (PLANNING.md).
    pub water_bearing: bool,
    /// Position known for certain: false for a goaf with `reliable` 0 or unknown and for an
    /// anomaly (PLANNING.md's case *unclear*).
    pub position_known: bool,
}

impl WaterSource {
    /// The plan envelope of the source.
    pub fn envelope(&self) -> Box2 {
        match &self.geometry {
            SourceGeom::Area(p) => box_of(p.exterior().0.iter().map(|c| [c.x, c.y])),
            SourceGeom::Trace(l) => box_of(l.0.iter().map(|c| [c.x, c.y])),
        }
    }

    /// 中文 and English names of the source's kind.
    pub fn kind_text(&self) -> (&'static str, &'static str) {
        match self.kind {
            "goaf" => ("积水老空区", "water-bearing goaf"),
            "anomaly" => ("未验证物探异常区", "unverified anomaly"),
            "water_body" => ("含水体", "water body"),
            "fault" => ("导水断层", "water-conducting fault"),
            _ => ("导水陷落柱", "water-conducting collapse column"),
        }
    }
}

/// Every water source of the survey with its line offsets (RULES.md "Water lines"), in layer
/// order: goaf, anomalies, water bodies, faults, collapse columns.
pub fn sources(survey: &Survey, p: &Params) -> Vec<WaterSource> {
    let l = &survey.layers;
    let warn = p.get("warning_offset_m");
    let mut out = Vec::new();
    let mut push = |kind, id: &str, geometry, exploration_m: f64, pressure_mpa, water_bearing, position_known| {
        out.push(WaterSource {
            kind,
            id: id.to_string(),
            geometry,
            exploration_m,
            warning_m: exploration_m + warn,
            pressure_mpa,
            water_bearing,
            position_known,
        })
    };
    for g in l.goaf.iter().filter(|g| g.water == Some(true)) {
        // Unknown reliability is treated as unreliable (the stricter line).
        let reliable = g.reliable == Some(true);
        let off =
            if reliable { p.get("exploration_offset_goaf_m") } else { p.get("exploration_offset_goaf_unreliable_m") };
        push("goaf", &g.id, SourceGeom::Area(g.outline.clone()), off, None, true, reliable);
    }
    for a in &l.anomalies {
        let watery = matches!(a.interpretation, Some(Interpretation::Water | Interpretation::Goaf));
        // Unknown verification is treated as unverified.
        if watery && a.verified != Some(true) {
            push(
                "anomaly",
                &a.id,
                SourceGeom::Area(a.outline.clone()),
                p.get("exploration_offset_anomaly_m"),
                None,
                false,
                false,
            );
        }
    }
    for b in &l.water_bodies {
        push(
            "water_body",
            &b.id,
            SourceGeom::Area(b.outline.clone()),
            p.get("exploration_offset_water_body_m"),
            b.pressure_mpa,
            true,
            true,
        );
    }
    let fault_off = p.get("exploration_offset_fault_m");
    for f in l.faults.iter().filter(|f| f.water_conducting == Some(true) && !f.trace.is_empty()) {
        let trace = LineString(f.trace.iter().map(|c| geo_types::coord! { x: c[0], y: c[1] }).collect());
        push(
            "fault",
            &f.id,
            SourceGeom::Trace(trace),
            super::pillars::fault_pillar_width(p, f.pressure_mpa, f.pillar_m) + fault_off,
            f.pressure_mpa,
            false,
            true,
        );
    }
    for c in l.collapse_columns.iter().filter(|c| c.water_conducting == Some(true)) {
        // A collapse column has no pressure: its pillar is the minimum.
        push(
            "collapse_column",
            &c.id,
            SourceGeom::Area(c.outline.clone()),
            super::pillars::fault_pillar_width(p, None, None) + fault_off,
            None,
            false,
            true,
        );
    }
    out
}

/// The end projection and lateral offset of a hole end relative to a heading face, in plan
/// (RULES.md / PLANNING.md: projection = (E − F)·d, lateral = (E − F)·n, n = d turned left).
pub fn end_offsets(face: &Face, end: [f64; 3]) -> (f64, f64) {
    let v = [end[0] - face.a[0], end[1] - face.a[1]];
    let along = v[0] * face.dir[0] + v[1] * face.dir[1];
    let lateral = -v[0] * face.dir[1] + v[1] * face.dir[0];
    (along, lateral)
}

/// The allowed advance (允许掘进距离) of a heading covered by advance drilling: the farthest
/// qualifying plan projection of a hole's end beyond the face minus `advance_distance_m`; None
/// when no hole covers the heading.
///
/// A hole qualifies when its purpose is `water_exploration`, its `heading_id` equals the
/// heading's id exactly (the caller passes only those), its end (last vertex) projects ≥
/// `advance_distance_m` beyond the face along the heading direction, and lies ≤
/// `lateral_guard_m` from the heading's axis extended (the infinite line through the face along
/// the direction), in plan.
pub fn coverage<'d>(params: &Params, face: &Face, holes: impl IntoIterator<Item = &'d Drillhole>) -> Option<f64> {
    let adv = params.get("advance_distance_m");
    let guard = params.get("lateral_guard_m");
    holes
        .into_iter()
        .filter_map(|d| d.line.last())
        .filter_map(|end| {
            let (along, lateral) = end_offsets(face, *end);
            (along >= adv && lateral.abs() <= guard).then_some(along)
        })
        .fold(None, |best: Option<f64>, a| Some(best.map_or(a, |b| b.max(a))))
        .map(|a| a - adv)
}

/// A heading's advance-drilling cover (RULES.md): its face, direction and allowed advance.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    pub heading: String,
    pub face: [f64; 3],
    pub dir: [f64; 2],
    /// None when no drillhole covers the heading.
    pub allowed_advance_m: Option<f64>,
}

/// A water source whose warning line holds a face, with the face's distance to it.
#[derive(Debug, Clone, Copy)]
pub struct SourceHit {
    /// Index into the assessment's sources.
    pub source: usize,
    pub distance_m: f64,
    /// Inside the exploration line (else only the warning line).
    pub exploration: bool,
}

/// The sources whose warning line holds the face, in source order.
pub fn face_hits(sources: &[PreparedSource], index: &crate::index::Index, face: &Face) -> Vec<SourceHit> {
    let at = point_box([face.a[0], face.a[1]]);
    // Index::near gives the slots sorted: the hits come in source order.
    index
        .near(&at, 0.0)
        .into_iter()
        .filter_map(|i| {
            let s = &sources[i];
            let d = s.distance(face);
            (d <= s.source.warning_m).then_some(SourceHit {
                source: i,
                distance_m: d,
                exploration: d <= s.source.exploration_m,
            })
        })
        .collect()
}

fn basis_inside() -> Text {
    Text::new(
        "《煤矿防治水细则》第三条、第三十八条：有疑必探、先探后掘，积水区、含水体内不得采掘；《煤矿重大事故隐患判定标准》第十二条",
        "Detailed Rules for Mine Water Prevention, arts. 3 and 38: no mining or driving inside \
         water-logged goaf or water bodies; Criteria for Major Accident Hazards, art. 12",
    )
}

fn basis_exploration() -> Text {
    Text::new(
        "《煤矿防治水细则》第三十八条：采掘工作面接近老空积水区、导水断层、导水陷落柱、含水体时，确定探水线，\
         实施超前探放水（超前距、帮距不小于 30 m）后方可掘进；《煤矿安全规程》第三百一十七条；\
         《煤矿重大事故隐患判定标准》第十二条（未按规定探放水）",
        "Detailed Rules for Mine Water Prevention, art. 38: a heading that reaches the exploration \
         line (探水线) of goaf water, a water-conducting fault or collapse column or a water body must \
         drill ahead (advance and lateral cover ≥ 30 m) before advancing; Coal Mine Safety \
         Regulations, art. 317; Criteria for Major Accident Hazards, art. 12",
    )
}

fn basis_warning() -> Text {
    Text::new(
        "《煤矿防治水细则》积水线、探水线、警戒线：进入警戒线后应警惕水情、加强观测，做好探放水准备",
        "Detailed Rules for Mine Water Prevention, the three lines (积水线 / 探水线 / 警戒线): inside \
         the warning line watch for signs of water and prepare advance drilling",
    )
}

/// `water.inside_water_body` for a working (planned ones as warnings) and one candidate
/// water-bearing goaf or water body ('in': plan intersection incl. touching and z overlap).
pub fn area(ctx: &Ctx<'_>, w: &Working, g: &WorkingGeom, a: &Area, out: &mut Vec<Finding>) {
    const RULE: &str = "water.inside_water_body";
    let (zh, en) = match a.kind {
        AreaKind::WaterGoaf => ("积水老空区", "water-bearing goaf"),
        AreaKind::WaterBody => ("含水体", "water body"),
        _ => return,
    };
    if !ctx.applies(RULE, w) || !g.is_in(w, &a.poly, &a.z) {
        return;
    }
    out.push(ctx.finding(
        RULE,
        Severity::Major,
        Some(w),
        Some(a.id.clone()),
        a.poly.first_point_in(&w.line).or(w.line.last().copied()),
        None,
        None,
        Text::new(format!("{} 位于{} {} 内", w.id, zh, a.id), format!("{} lies inside {} {}", w.id, en, a.id)),
        basis_inside(),
    ));
}

/// `water.exploration_required` and `water.warning_zone` for an active heading's face; returns
/// the heading's cover (None for anything but an active heading).
pub fn heading(ctx: &Ctx<'_>, w: &Working, g: &WorkingGeom, out: &mut Vec<Finding>) -> Option<Cover> {
    let face = g.face.filter(|f| f.kind == WorkingKind::Heading)?;
    let allowed = coverage(ctx.params, &face, ctx.drillholes_of(&w.id));
    let cover = Cover { heading: w.id.clone(), face: face.a, dir: face.dir, allowed_advance_m: allowed };
    drilling_incomplete(ctx, w, &face, out);
    if !ctx.applies("water.exploration_required", w) || ctx.prep.sources.is_empty() {
        return Some(cover);
    }
    let hits = face_hits(&ctx.prep.sources, &ctx.prep.source_index, &face);
    let explore = hits.iter().any(|h| h.exploration);
    if explore && allowed.is_some() {
        return Some(cover);
    }
    for h in hits.iter().filter(|h| h.exploration == explore) {
        let s = &ctx.prep.sources[h.source].source;
        let (zh, en) = s.kind_text();
        let d = h.distance_m;
        out.push(if explore {
            ctx.finding(
                "water.exploration_required",
                Severity::Major,
                Some(w),
                Some(s.id.clone()),
                Some(face.a),
                Some(d),
                Some(s.exploration_m),
                Text::new(
                    format!(
                        "{} 掘进工作面距{} {} {:.1} m，已进入探水线（{:.1} m），无超前探放水钻孔掩护",
                        w.id, zh, s.id, d, s.exploration_m
                    ),
                    format!(
                        "{}'s face is {:.1} m from {} {}, inside its exploration line ({:.1} m), \
                         without advance drilling cover",
                        w.id, d, en, s.id, s.exploration_m
                    ),
                ),
                basis_exploration(),
            )
        } else {
            ctx.finding(
                "water.warning_zone",
                Severity::Warning,
                Some(w),
                Some(s.id.clone()),
                Some(face.a),
                Some(d),
                Some(s.warning_m),
                Text::new(
                    format!("{} 掘进工作面距{} {} {:.1} m，已进入警戒线（{:.1} m）", w.id, zh, s.id, d, s.warning_m),
                    format!(
                        "{}'s face is {:.1} m from {} {}, inside its warning line ({:.1} m)",
                        w.id, d, en, s.id, s.warning_m
                    ),
                ),
                basis_warning(),
            )
        });
    }
    Some(cover)
}

/// Match designed holes to drilled ends (PLANNING.md "As drilled"): each planned hole, in the
/// order of (fan, id), takes the nearest unmatched drilled end within `tol` (3D) among
/// `exploration` (the heading's `water_exploration` holes) — and, for a planned drainage hole,
/// also among `drainage` (the heading's `drainage` holes: an extension, a drainage hole drilled
/// as such is drilled as designed). Returns, per planned hole in the order given, whether it
/// matched. Shared by `check` and the map (ends coloured by match).
pub fn match_design(
    planned: &[&crate::model::PlannedDrillhole],
    exploration: &[[f64; 3]],
    drainage: &[[f64; 3]],
    tol: f64,
) -> Vec<bool> {
    use crate::model::DrillPurpose;
    let mut pool: Vec<([f64; 3], bool, bool)> =
        exploration.iter().map(|e| (*e, false, false)).chain(drainage.iter().map(|e| (*e, true, false))).collect();
    let mut order: Vec<usize> = (0..planned.len()).collect();
    order.sort_by(|&a, &b| {
        (planned[a].fan.as_deref(), &planned[a].id).cmp(&(planned[b].fan.as_deref(), &planned[b].id))
    });
    let mut matched = vec![false; planned.len()];
    for i in order {
        let p = planned[i];
        let Some(end) = p.end() else { continue };
        let is_drain = p.purpose == Some(DrillPurpose::Drainage);
        let best = pool
            .iter()
            .enumerate()
            .filter(|(_, (_, d, used))| !used && (is_drain || !d))
            .map(|(k, (e, _, _))| (k, crate::geometry::dist3(*e, end)))
            .filter(|(_, d)| *d <= tol)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((k, _)) = best {
            pool[k].2 = true;
            matched[i] = true;
        }
    }
    matched
}

/// The stored design of a heading and, per planned hole, whether a drilled hole matches it
/// ([`match_design`] over the heading's drilled holes): what `check` judges and the map colours.
pub fn design_of<'a>(ctx: &Ctx<'a>, heading: &str) -> (Vec<&'a crate::model::PlannedDrillhole>, Vec<bool>) {
    let planned: Vec<&crate::model::PlannedDrillhole> = ctx.planned_of(heading).collect();
    if planned.is_empty() {
        return (planned, Vec::new());
    }
    let tol = ctx.params.get("drill_end_tolerance_m");
    let exploration: Vec<[f64; 3]> = ctx.drillholes_of(heading).filter_map(|d| d.line.last().copied()).collect();
    let drainage: Vec<[f64; 3]> = ctx.drainage_holes_of(heading).filter_map(|d| d.line.last().copied()).collect();
    let matched = match_design(&planned, &exploration, &drainage, tol);
    (planned, matched)
}

/// `water.drilling_incomplete` (PLANNING.md "As drilled"): one finding per active heading whose
/// stored design has planned holes that no drilled hole matches ([`match_design`]); feature =
/// the fan id (the first fan with a missing hole), measured = the unmatched holes, limit = 0.
pub fn drilling_incomplete(ctx: &Ctx<'_>, w: &Working, face: &Face, out: &mut Vec<Finding>) {
    const RULE: &str = "water.drilling_incomplete";
    if !ctx.applies(RULE, w) {
        return;
    }
    let (planned, matched) = design_of(ctx, &w.id);
    if planned.is_empty() {
        return;
    }
    let tol = ctx.params.get("drill_end_tolerance_m");
    let mut missing: Vec<&crate::model::PlannedDrillhole> =
        planned.iter().zip(&matched).filter(|(_, m)| !**m).map(|(p, _)| *p).collect();
    if missing.is_empty() {
        return;
    }
    missing.sort_by(|a, b| (a.fan.as_deref(), &a.id).cmp(&(b.fan.as_deref(), &b.id)));
    let fan = missing[0].fan.clone();
    let fan_name = fan.clone().unwrap_or_else(|| "—".into());
    let ids: Vec<&str> = missing.iter().map(|p| p.id.as_str()).collect();
    let shown = if ids.len() > 8 { format!("{} …", ids[..8].join(", ")) } else { ids.join(", ") };
    out.push(ctx.finding(
        RULE,
        Severity::Major,
        Some(w),
        fan,
        Some(face.a),
        Some(ids.len() as f64),
        Some(0.0),
        Text::new(
            format!(
                "{} 的探放水设计 {} 共 {} 孔，{} 孔未按设计施工（终孔偏差 > {} m 或未施工）：{}",
                w.id,
                fan_name,
                planned.len(),
                ids.len(),
                tol,
                shown
            ),
            format!(
                "{} of the {} holes of {}'s drilling design {} were not drilled as designed (end more than \
                 {} m off, or not drilled): {}",
                ids.len(),
                planned.len(),
                w.id,
                fan_name,
                tol,
                shown
            ),
        ),
        Text::new(
            "《煤矿防治水细则》第三十八条、第四十条：按探放水设计施工，钻孔竣工后验收；《煤矿重大事故隐患判定标准》第十二条（未按规定探放水，探放水造假）",
            "Detailed Rules for Mine Water Prevention, arts. 38 and 40: drill to the design and verify \
             the holes; Criteria for Major Accident Hazards, art. 12 (advance drilling not done as \
             required, falsified drilling)",
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Location, Problems};
    use crate::model::{
        Anomaly, CollapseColumn, DrillPurpose, Drillhole, Fault, Goaf, Survey, WaterBody, Working, WorkingStatus,
        ZRange,
    };
    use crate::rules::params::Params;
    use approx::assert_abs_diff_eq;
    use chrono::NaiveDate;
    use geo_types::polygon;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
    }

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)]
    }

    use crate::rules::pillars::testkit::working;

    /// An active heading driven east along y = 0 whose face is at x.
    fn heading(id: &str, x: f64) -> Working {
        working(id, WorkingKind::Heading, WorkingStatus::Active, &[[x - 200.0, 0.0, 0.0], [x, 0.0, 0.0]])
    }

    /// A water goaf east of x = 0.
    fn goaf(id: &str, reliable: Option<bool>) -> Goaf {
        Goaf {
            id: id.into(),
            name: None,
            seam: None,
            outline: square(0.0, -50.0, 100.0, 50.0),
            z: ZRange::default(),
            water: Some(true),
            water_level_m: None,
            water_m3: None,
            reliable,
            source: None,
        }
    }

    fn hole(id: &str, heading: &str, end: [f64; 3]) -> Drillhole {
        Drillhole {
            id: id.into(),
            heading_id: Some(heading.into()),
            purpose: Some(DrillPurpose::WaterExploration),
            drilled_at: None,
            water_found: None,
            inflow_m3h: None,
            line: vec![[end[0] - 50.0, 0.0, 0.0], end],
        }
    }

    fn run_with(s: &Survey, p: &Params) -> Vec<Finding> {
        crate::rules::pillars::testkit::run_with(s, p, "water.")
    }

    fn run(s: &Survey) -> Vec<Finding> {
        run_with(s, &Params::default())
    }

    fn rules(f: &[Finding]) -> Vec<(&str, Option<&str>, Option<&str>)> {
        f.iter().map(|f| (f.rule, f.working.as_deref(), f.feature.as_deref())).collect()
    }

    fn one_goaf(reliable: Option<bool>, face_x: f64) -> Survey {
        let mut s = Survey::default();
        s.layers.goaf.push(goaf("G1", reliable));
        s.layers.workings.push(heading("H1", face_x));
        s
    }

    #[test]
    fn reliable_goaf_exploration_line_30_and_warning_line_90() {
        let f = run(&one_goaf(Some(true), -29.9));
        assert_eq!(rules(&f), vec![("water.exploration_required", Some("H1"), Some("G1"))]);
        assert_eq!(f[0].severity, Severity::Major);
        assert_abs_diff_eq!(f[0].measured.expect("measured"), 29.9, epsilon = 1e-9);
        assert_eq!(f[0].limit, Some(30.0));
        assert_eq!(f[0].at, Some([-29.9, 0.0, 0.0]));
        assert!(f[0].message.zh.contains("H1") && f[0].message.en.contains("G1"));
        assert!(f[0].basis.zh.contains("煤矿防治水细则"));
        // Exactly on the line is inside it.
        assert_eq!(rules(&run(&one_goaf(Some(true), -30.0)))[0].0, "water.exploration_required");
        let f = run(&one_goaf(Some(true), -30.1));
        assert_eq!(rules(&f), vec![("water.warning_zone", Some("H1"), Some("G1"))]);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].limit, Some(90.0));
        assert_eq!(rules(&run(&one_goaf(Some(true), -90.0)))[0].0, "water.warning_zone");
        assert!(run(&one_goaf(Some(true), -90.1)).is_empty());
        // A face inside the goaf is at distance 0.
        let f = run(&one_goaf(Some(true), 10.0));
        assert!(rules(&f).contains(&("water.exploration_required", Some("H1"), Some("G1"))));
        assert_eq!(f.iter().find(|f| f.rule == "water.exploration_required").and_then(|f| f.measured), Some(0.0));
    }

    #[test]
    fn unreliable_or_unknown_goaf_uses_60() {
        for reliable in [Some(false), None] {
            let f = run(&one_goaf(reliable, -59.9));
            assert_eq!(rules(&f), vec![("water.exploration_required", Some("H1"), Some("G1"))]);
            assert_eq!(f[0].limit, Some(60.0));
            let f = run(&one_goaf(reliable, -60.1));
            assert_eq!(rules(&f), vec![("water.warning_zone", Some("H1"), Some("G1"))]);
            assert_eq!(f[0].limit, Some(120.0));
            assert!(run(&one_goaf(reliable, -120.1)).is_empty());
        }
        // A goaf without water (or unknown water) is no source.
        for water in [Some(false), None] {
            let mut s = one_goaf(Some(true), -10.0);
            s.layers.goaf[0].water = water;
            assert!(run(&s).is_empty());
        }
    }

    #[test]
    fn parameter_override_moves_the_lines() {
        let s = one_goaf(Some(true), -35.0);
        assert_eq!(rules(&run(&s))[0].0, "water.warning_zone");
        let mut o = std::collections::BTreeMap::new();
        o.insert("exploration_offset_goaf_m".to_string(), 40.0);
        o.insert("warning_offset_m".to_string(), 10.0);
        let mut ps = Problems::default();
        let (p, _) = Params::with_overrides(&o, &Location::default(), &mut ps);
        let f = run_with(&s, &p);
        assert_eq!(rules(&f), vec![("water.exploration_required", Some("H1"), Some("G1"))]);
        assert_eq!(f[0].limit, Some(40.0));
        // Warning line = 40 + 10.
        let s = one_goaf(Some(true), -50.1);
        assert!(run_with(&s, &p).is_empty());
        let s = one_goaf(Some(true), -49.9);
        assert_eq!(rules(&run_with(&s, &p))[0].0, "water.warning_zone");
    }

    #[test]
    fn advance_cover_projection_and_lateral_guard() {
        // Face at x = -10, 10 m from the reliable goaf.
        let covered = |end: [f64; 3]| {
            let mut s = one_goaf(Some(true), -10.0);
            s.layers.drillholes.push(hole("D1", "H1", end));
            let a = crate::rules::Assessment::with_params(s, Params::default(), Vec::new(), date());
            let cov = a.cover("H1").and_then(|c| c.allowed_advance_m);
            (cov, a.findings().filter(|f| f.rule.starts_with("water.")).count())
        };
        // Projection beyond the face: 30.1 covers, 29.9 does not.
        let (cov, n) = covered([20.1, 0.0, 0.0]);
        assert_abs_diff_eq!(cov.expect("covered"), 0.1, epsilon = 1e-9);
        assert_eq!(n, 0);
        assert_eq!(covered([19.9, 0.0, 0.0]), (None, 1));
        assert_eq!(covered([20.0, 0.0, 0.0]).0, Some(0.0));
        // Lateral distance from the axis extended: 30.0 covers, 30.1 does not.
        let (cov, n) = covered([40.0, 30.0, 0.0]);
        assert_abs_diff_eq!(cov.expect("covered"), 20.0, epsilon = 1e-9);
        assert_eq!(n, 0);
        assert_eq!(covered([40.0, -30.0, 0.0]).1, 0);
        assert_eq!(covered([40.0, 30.1, 0.0]), (None, 1));
        // A hole behind the face does not cover.
        assert_eq!(covered([-50.0, 0.0, 0.0]), (None, 1));
    }

    #[test]
    fn cover_needs_exact_heading_id_and_purpose_and_takes_the_farthest() {
        let mut s = one_goaf(Some(true), -10.0);
        s.layers.drillholes.push(hole("D1", "h1", [40.0, 0.0, 0.0]));
        s.layers.drillholes.push(hole("D2", "H1 ", [40.0, 0.0, 0.0]));
        let mut d3 = hole("D3", "H1", [40.0, 0.0, 0.0]);
        d3.purpose = Some(DrillPurpose::Drainage);
        s.layers.drillholes.push(d3);
        let mut d4 = hole("D4", "H1", [40.0, 0.0, 0.0]);
        d4.heading_id = None;
        s.layers.drillholes.push(d4);
        assert_eq!(rules(&run(&s)), vec![("water.exploration_required", Some("H1"), Some("G1"))]);
        s.layers.drillholes.push(hole("D5", "H1", [40.0, 0.0, 0.0]));
        s.layers.drillholes.push(hole("D6", "H1", [70.0, 5.0, 0.0]));
        s.layers.drillholes.push(hole("D7", "H1", [90.0, 31.0, 0.0]));
        let a = crate::rules::Assessment::with_params(s.clone(), Params::default(), Vec::new(), date());
        assert_abs_diff_eq!(a.cover("H1").and_then(|c| c.allowed_advance_m).expect("covered"), 50.0, epsilon = 1e-9);
        assert!(run(&s).is_empty());
    }

    #[test]
    fn covered_heading_gets_no_warning_and_exploration_suppresses_warnings() {
        // Inside the exploration line of G1 and the warning line of W1 (a water body 70 m away).
        let mut s = one_goaf(Some(true), -10.0);
        s.layers.water_bodies.push(WaterBody {
            id: "W1".into(),
            name: None,
            kind: None,
            outline: square(-100.0, 70.0, 100.0, 200.0),
            z: ZRange::default(),
            head_m: None,
            pressure_mpa: None,
        });
        assert_eq!(rules(&run(&s)), vec![("water.exploration_required", Some("H1"), Some("G1"))]);
        s.layers.drillholes.push(hole("D1", "H1", [25.0, 0.0, 0.0]));
        assert!(run(&s).is_empty());
        // Move away from G1: only the warning lines remain (G1 at 70 m ≤ 90, W1 at 70 m ≤ 120).
        s.layers.workings[0] = heading("H1", -70.0);
        assert_eq!(
            rules(&run(&s)),
            vec![("water.warning_zone", Some("H1"), Some("G1")), ("water.warning_zone", Some("H1"), Some("W1"))]
        );
    }

    #[test]
    fn only_active_heading_faces_get_water_lines() {
        let mut s = one_goaf(Some(true), -10.0);
        s.layers.workings[0].status = WorkingStatus::Existing;
        assert!(run(&s).is_empty());
        s.layers.workings[0].status = WorkingStatus::Planned;
        assert!(run(&s).is_empty());
        s.layers.workings[0] =
            working("L1", WorkingKind::Longwall, WorkingStatus::Active, &[[-10.0, -20.0, 0.0], [-10.0, 20.0, 0.0]]);
        assert!(run(&s).is_empty());
        // Only the face counts, not the rest of the heading.
        s.layers.workings[0] =
            working("H2", WorkingKind::Heading, WorkingStatus::Active, &[[-10.0, 0.0, 0.0], [-10.0, -200.0, 0.0]]);
        assert!(run(&s).is_empty());
    }

    #[test]
    fn faults_collapse_columns_anomalies_and_water_bodies() {
        let mut s = Survey::default();
        let mut o = std::collections::BTreeMap::new();
        o.insert("seam_thickness_m".to_string(), 4.0);
        let mut ps = Problems::default();
        let (p, _) = Params::with_overrides(&o, &Location::default(), &mut ps);
        assert_abs_diff_eq!(crate::rules::pillars::fault_pillar_width(&p, Some(3.28), None), 56.1, epsilon = 0.05);
        assert_abs_diff_eq!(crate::rules::pillars::fault_pillar_width(&p, Some(3.28), Some(60.0)), 60.0);
        assert_abs_diff_eq!(
            crate::rules::pillars::fault_pillar_width(&p, Some(3.28), Some(50.0)),
            56.1,
            epsilon = 0.05
        );
        assert_eq!(crate::rules::pillars::fault_pillar_width(&p, None, None), 20.0);
        assert_eq!(crate::rules::pillars::fault_pillar_width(&p, None, Some(25.0)), 25.0);
        assert_eq!(crate::rules::pillars::fault_pillar_width(&Params::default(), Some(0.01), None), 20.0);
        let fault = |id: &str, x: f64, wc: Option<bool>, pressure: Option<f64>| Fault {
            id: id.into(),
            name: None,
            trace: vec![[x, -500.0, 0.0], [x, 500.0, 0.0]],
            throw_m: None,
            dip_deg: None,
            dip_dir_deg: None,
            z_ref_m: None,
            water_conducting: wc,
            pressure_mpa: pressure,
            pillar_m: None,
        };
        s.layers.faults.push(fault("F1", 0.0, Some(true), None));
        s.layers.faults.push(fault("F2", 1000.0, Some(true), Some(3.28)));
        s.layers.faults.push(fault("F3", 2000.0, None, None));
        s.layers.faults.push(fault("F4", 3000.0, Some(false), None));
        s.layers.collapse_columns.push(CollapseColumn {
            id: "C1".into(),
            name: None,
            outline: square(4000.0, -10.0, 4020.0, 10.0),
            water_conducting: Some(true),
            z: ZRange::default(),
        });
        s.layers.collapse_columns.push(CollapseColumn {
            id: "C2".into(),
            name: None,
            outline: square(5000.0, -10.0, 5020.0, 10.0),
            water_conducting: None,
            z: ZRange::default(),
        });
        let anomaly = |id: &str, x: f64, interp: Option<Interpretation>, verified: Option<bool>| Anomaly {
            id: id.into(),
            method: None,
            interpretation: interp,
            outline: square(x, -10.0, x + 20.0, 10.0),
            z: ZRange::default(),
            verified,
        };
        s.layers.anomalies.push(anomaly("A1", 6000.0, Some(Interpretation::Water), None));
        s.layers.anomalies.push(anomaly("A2", 7000.0, Some(Interpretation::Goaf), Some(false)));
        s.layers.anomalies.push(anomaly("A3", 8000.0, Some(Interpretation::Water), Some(true)));
        s.layers.anomalies.push(anomaly("A4", 9000.0, Some(Interpretation::Fault), Some(false)));
        s.layers.anomalies.push(anomaly("A5", 10000.0, None, None));
        s.layers.water_bodies.push(WaterBody {
            id: "W1".into(),
            name: None,
            kind: None,
            outline: square(11000.0, -10.0, 11020.0, 10.0),
            z: ZRange { floor_m: Some(500.0), roof_m: Some(600.0) },
            head_m: None,
            pressure_mpa: None,
        });
        let got: Vec<_> =
            sources(&s, &p).iter().map(|s| (s.kind, s.id.clone(), s.exploration_m, s.warning_m)).collect();
        let want = [
            ("anomaly", "A1", 60.0),
            ("anomaly", "A2", 60.0),
            ("water_body", "W1", 60.0),
            ("fault", "F1", 40.0),
            ("fault", "F2", 0.5 * 4.0 * 4.0 * (3.0f64 * 3.28 / 0.2).sqrt() + 20.0),
            ("collapse_column", "C1", 40.0),
        ];
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert_eq!((g.0, g.1.as_str()), (w.0, w.1));
            assert_abs_diff_eq!(g.2, w.2, epsilon = 1e-9);
            assert_abs_diff_eq!(g.3, w.2 + 60.0, epsilon = 1e-9);
        }
        // Faces just inside each exploration line (its source's z range does not matter).
        for (x, id) in
            [(-39.9, "F1"), (1000.0 - 76.0, "F2"), (3960.1, "C1"), (5940.1, "A1"), (6940.1, "A2"), (10940.1, "W1")]
        {
            s.layers.workings = vec![heading("H1", x)];
            let f = run_with(&s, &p);
            assert_eq!(rules(&f), vec![("water.exploration_required", Some("H1"), Some(id))], "{id}");
        }
        for (x, id) in [(-40.1, "F1"), (3959.9, "C1"), (5939.9, "A1"), (10939.9, "W1")] {
            s.layers.workings = vec![heading("H1", x)];
            let f = run_with(&s, &p);
            assert_eq!(rules(&f), vec![("water.warning_zone", Some("H1"), Some(id))], "{id}");
        }
        for x in [1940.0, 2990.0, 4990.0, 7990.0, 8990.0, 9990.0] {
            s.layers.workings = vec![heading("H1", x)];
            assert!(run_with(&s, &p).is_empty(), "{x}");
        }
    }

    #[test]
    fn inside_water_body_line_rule_with_planned_as_warning() {
        let mut s = Survey::default();
        s.layers.goaf.push(goaf("G1", Some(true)));
        s.layers.goaf.push(Goaf { id: "G2".into(), water: Some(false), ..goaf("G2", Some(true)) });
        s.layers.goaf[1].outline = square(200.0, -50.0, 300.0, 50.0);
        s.layers.water_bodies.push(WaterBody {
            id: "W1".into(),
            name: None,
            kind: None,
            outline: square(400.0, -50.0, 500.0, 50.0),
            z: ZRange { floor_m: Some(-10.0), roof_m: Some(10.0) },
            head_m: None,
            pressure_mpa: None,
        });
        let line = |z: f64| [[-50.0, 0.0, z], [600.0, 0.0, z]];
        s.layers.workings.push(working("R1", WorkingKind::Roadway, WorkingStatus::Existing, &line(0.0)));
        s.layers.workings.push(working("R2", WorkingKind::Roadway, WorkingStatus::Planned, &line(0.0)));
        s.layers.workings.push(working("R3", WorkingKind::Roadway, WorkingStatus::Existing, &line(10.1)));
        // Touching the goaf boundary counts.
        s.layers.workings.push(working(
            "R4",
            WorkingKind::Roadway,
            WorkingStatus::Existing,
            &[[-50.0, 50.0, 0.0], [50.0, 50.0, 0.0]],
        ));
        s.layers.workings.push(working(
            "R5",
            WorkingKind::Roadway,
            WorkingStatus::Existing,
            &[[-50.0, 50.1, 0.0], [50.0, 50.1, 0.0]],
        ));
        let f = run(&s);
        let mut got = rules(&f);
        got.sort();
        assert_eq!(
            got,
            vec![
                ("water.inside_water_body", Some("R1"), Some("G1")),
                ("water.inside_water_body", Some("R1"), Some("W1")),
                ("water.inside_water_body", Some("R2"), Some("G1")),
                ("water.inside_water_body", Some("R2"), Some("W1")),
                ("water.inside_water_body", Some("R3"), Some("G1")),
                ("water.inside_water_body", Some("R4"), Some("G1")),
            ]
        );
        for x in &f {
            let planned = x.working.as_deref() == Some("R2");
            assert_eq!(x.planned, planned);
            assert_eq!(x.severity, if planned { Severity::Warning } else { Severity::Major });
        }
        let r1g1 = f.iter().find(|x| x.working.as_deref() == Some("R1") && x.feature.as_deref() == Some("G1"));
        assert_eq!(r1g1.and_then(|x| x.at), Some([0.0, 0.0, 0.0]));
        assert!(r1g1.is_some_and(|x| x.message.en.contains("water-bearing goaf G1")));
    }
}
