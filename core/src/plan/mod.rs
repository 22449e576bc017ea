//! 探放水设计: advance exploration drilling and drainage design (PLANNING.md, the contract).
//!
//! Pure functions over an [`Assessment`]: the headings that must drill before they dig come from
//! its findings and covers, the water sources and their lines from its prepared inputs — nothing
//! is recomputed. For each such heading a fan of holes (horizontal, plus vertical rows in thick
//! seams), its casing and bulkhead condition, the allowed advance it buys (允许掘进距离) and the
//! stop point; drainage holes (放水孔) for water goafs with the 20 h pump check.
//!
//! Basis: 《煤矿防治水细则》第三十八条 – 第四十二条 (超前距、帮距、终孔间距; 位置不清时终孔间距
//! ≤ 3 m, 厚煤层分层布孔), 第四十四条 (止水套管长度按水压), 第四十五条 (水压大于 1 MPa 时先建
//! 防水闸墙), 《煤矿安全规程》第三百一十一条 (20 h 排水). Article numbers from memory
//! (REFERENCE.md §1.4, §1.9): check against the gazette.
//!
//! Terms (PLANNING.md): F the face point, d the heading direction (unit, plan), n = d turned 90°
//! to the left; for a hole end E, projection = (E − F)·d and lateral = (E − F)·n.
//! Units: metres in the mine CRS, degrees, MPa, m³, m³/h.

mod output;

pub use output::{layers, to_json};

use crate::error::{Location, Result};
use crate::geometry::P3;
use crate::i18n::Text;
use crate::model::{DrillPurpose, PlannedDrillhole, StopPoint, WorkingKind};
use crate::rules::{Assessment, Params};
use crate::text;
use std::collections::BTreeSet;

/// Whether the position of the fan's sources is known for certain (PLANNING.md "The fan").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Every source known in position: five holes across the guard width.
    Clear,
    /// A goaf with `reliable` 0 (or unknown) or an anomaly among the sources: ends at most
    /// `plan_terminal_spacing_m` apart.
    Unclear,
}

impl Case {
    pub fn as_str(self) -> &'static str {
        match self {
            Case::Clear => "clear",
            Case::Unclear => "unclear",
        }
    }
}

/// Why a heading gets a fan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// It has a `water.exploration_required` finding.
    ExplorationRequired,
    /// It is covered, but its allowed advance is below `plan_min_allowed_advance_m`.
    LowAllowedAdvance,
    /// Named with `--heading`.
    Named,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::ExplorationRequired => "exploration_required",
            Reason::LowAllowedAdvance => "low_allowed_advance",
            Reason::Named => "named",
        }
    }
}

/// One designed hole.
#[derive(Debug, Clone, PartialEq)]
pub struct Hole {
    /// `<fan>-NN` (exploration) or `<fan>-DNN` (drainage).
    pub id: String,
    /// 1-based number within its fan or drainage group.
    pub number: usize,
    pub purpose: DrillPurpose,
    pub collar: P3,
    pub end: P3,
    /// Clockwise from grid north, [0, 360).
    pub azimuth_deg: f64,
    /// Up positive.
    pub inclination_deg: f64,
    /// 3D distance collar → end.
    pub length_m: f64,
    /// 止水套管 length.
    pub casing_m: f64,
    /// Plan projection and lateral of the end relative to the face (PLANNING.md Terms).
    pub projection_m: f64,
    pub lateral_m: f64,
    /// Row of a vertical fan (0 = lowest).
    pub row: usize,
    pub sources: Vec<String>,
}

/// The fan of one heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Fan {
    /// `<heading>-F1`.
    pub id: String,
    pub heading: String,
    pub reasons: Vec<Reason>,
    /// Ids of the water sources whose exploration line holds the face.
    pub sources: Vec<String>,
    /// The same sources as indices into the assessment's prepared sources (ids are unique only
    /// within a layer: look sources up by these, never by id).
    pub source_slots: Vec<usize>,
    pub case: Case,
    pub face: P3,
    pub dir: [f64; 2],
    /// The largest known source pressure (unknown counts 0), MPa.
    pub pressure_mpa: f64,
    /// Whether any source of the fan has a recorded pressure.
    pub pressure_known: bool,
    pub rows: usize,
    pub holes: Vec<Hole>,
    pub allowed_advance_m: f64,
    pub stop_at: P3,
    pub requires_bulkhead: bool,
    /// The axis ray enters a water-bearing source before the holes' reach: drain first.
    pub drain_first: bool,
    /// Where the axis ray enters the nearest water-bearing source of the fan (projection), m.
    pub water_entry_m: Option<f64>,
}

/// Drainage holes for one water goaf from one heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Drainage {
    pub goaf: String,
    pub heading: String,
    pub fan: String,
    pub water_m3: Option<f64>,
    /// Holes required (PLANNING.md's n); `holes` may hold fewer when the outline has no room.
    pub required: usize,
    pub holes: Vec<Hole>,
    /// Days to drain with n holes at `drain_rate_m3h` each; None when the volume is unknown.
    pub days: Option<f64>,
}

/// A warning of the plan (PLANNING.md: `water.drainage_exceeds_pumps`; a fan that needs a
/// bulkhead first: `plan.bulkhead_required`).
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub rule: &'static str,
    pub heading: Option<String>,
    pub feature: Option<String>,
    pub message: Text,
}

/// The design of a mine as of a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub mine_id: String,
    pub mine_name: String,
    pub as_of: chrono::NaiveDate,
    /// Sorted by heading id.
    pub fans: Vec<Fan>,
    pub drainage: Vec<Drainage>,
    pub warnings: Vec<Warning>,
    /// Why something was not designed, what is unknown (no water sources, a named heading that
    /// is not active, pump capacity unknown …).
    pub notes: Vec<Text>,
}

impl Plan {
    /// Every designed hole as a `planned_drillholes` feature.
    pub fn planned_drillholes(&self) -> Vec<PlannedDrillhole> {
        let mut out = Vec::new();
        let mut push = |fan: &str, heading: &str, h: &Hole| {
            out.push(PlannedDrillhole {
                id: h.id.clone(),
                heading_id: Some(heading.to_string()),
                fan: Some(fan.to_string()),
                hole: Some(h.number as i64),
                purpose: Some(h.purpose),
                azimuth_deg: Some(h.azimuth_deg),
                inclination_deg: Some(h.inclination_deg),
                length_m: Some(h.length_m),
                casing_m: Some(h.casing_m),
                sources: Some(h.sources.join(",")),
                line: vec![h.collar, h.end],
            })
        };
        for f in &self.fans {
            for h in &f.holes {
                push(&f.id, &f.heading, h);
            }
        }
        for d in &self.drainage {
            for h in &d.holes {
                push(&d.fan, &d.heading, h);
            }
        }
        out
    }

    /// The stop point of every fan.
    pub fn stop_points(&self) -> Vec<StopPoint> {
        self.fans
            .iter()
            .map(|f| StopPoint {
                id: f.id.clone(),
                heading_id: Some(f.heading.clone()),
                fan: Some(f.id.clone()),
                allowed_advance_m: Some(f.allowed_advance_m),
                drain_first: Some(f.drain_first),
                pos: f.stop_at,
            })
            .collect()
    }
}

/// The planning parameters in force (PLANNING.md "Parameters", with RULES.md's
/// `advance_distance_m`, `lateral_guard_m` and `seam_thickness_m`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanParams {
    pub reach_m: f64,
    pub min_allowed_advance_m: f64,
    pub collar_spread_m: f64,
    pub terminal_spacing_m: f64,
    pub terminal_spacing_vertical_m: f64,
    pub thick_seam_m: f64,
    pub seam_thickness_m: f64,
    pub casing_min_m: f64,
    pub coal_drilling_max_mpa: f64,
    pub drain_min_holes: f64,
    pub drain_rate_m3h: f64,
    pub drain_days_max: f64,
    pub advance_distance_m: f64,
    pub lateral_guard_m: f64,
}

impl PlanParams {
    /// Read from the mine's parameters; spacings, reach and rates must be positive.
    pub fn new(p: &Params) -> Result<Self> {
        let pp = Self {
            reach_m: p.get("plan_reach_m"),
            min_allowed_advance_m: p.get("plan_min_allowed_advance_m"),
            collar_spread_m: p.get("plan_collar_spread_m"),
            terminal_spacing_m: p.get("plan_terminal_spacing_m"),
            terminal_spacing_vertical_m: p.get("plan_terminal_spacing_vertical_m"),
            thick_seam_m: p.get("thick_seam_m"),
            seam_thickness_m: p.get("seam_thickness_m"),
            casing_min_m: p.get("casing_min_m"),
            coal_drilling_max_mpa: p.get("coal_drilling_max_mpa"),
            drain_min_holes: p.get("drain_min_holes"),
            drain_rate_m3h: p.get("drain_rate_m3h"),
            drain_days_max: p.get("drain_days_max"),
            advance_distance_m: p.get("advance_distance_m"),
            lateral_guard_m: p.get("lateral_guard_m"),
        };
        for (name, v) in [
            ("plan_reach_m", pp.reach_m),
            ("plan_terminal_spacing_m", pp.terminal_spacing_m),
            ("plan_terminal_spacing_vertical_m", pp.terminal_spacing_vertical_m),
            ("drain_rate_m3h", pp.drain_rate_m3h),
            ("drain_days_max", pp.drain_days_max),
        ] {
            // A spacing of 0 would ask for infinitely many holes.
            if v.partial_cmp(&0.01) != Some(std::cmp::Ordering::Greater) {
                return Err(crate::Error::at(
                    Location::file("survey.toml").layer("parameters").field(name),
                    text!("参数 {} 须大于 0.01（当前 {}）", "parameter {} must exceed 0.01 (is {})", name, v),
                ));
            }
        }
        // A fan beyond a few hundred holes is a typo in the parameters, not a design.
        let per_fan = laterals(&pp, Case::Unclear).len() * row_elevations(&pp, 0.0).len();
        if per_fan > MAX_FAN_HOLES {
            return Err(crate::Error::at(
                Location::file("survey.toml").layer("parameters").field("lateral_guard_m"),
                text!(
                    "参数给出每个钻场 {} 个钻孔（上限 {}）：检查 lateral_guard_m、plan_terminal_spacing_m、seam_thickness_m、plan_terminal_spacing_vertical_m",
                    "the parameters give {} holes per fan (at most {}): check lateral_guard_m, plan_terminal_spacing_m, seam_thickness_m, plan_terminal_spacing_vertical_m",
                    per_fan,
                    MAX_FAN_HOLES
                ),
            ));
        }
        Ok(pp)
    }
}

/// The most holes one fan may have (the defaults give 21, 84 in a 4 m seam).
pub const MAX_FAN_HOLES: usize = 2000;

/// The most drainage holes designed for one goaf from one heading (more are noted, not drawn).
pub const MAX_DRAIN_HOLES: usize = 200;

/// How far inside ±L the outermost ends are designed, m: with exact ±L, floating-point noise in
/// zone-prefixed coordinates (easting 3.8e7) puts some ends 1e-8 m outside the guard, where the
/// literal RULES.md cover rule (|lateral| ≤ L) would not count them.
pub const GUARD_INSET_M: f64 = 1e-4;

/// 止水套管 length for a water pressure (PLANNING.md): max(`casing_min_m`, c(p)), c(p) = 5 m
/// below 1 MPa, 10 m to 2, 15 m to 3, 20 m from 3 MPa.
pub fn casing_m(p: &PlanParams, pressure_mpa: f64) -> f64 {
    let c: f64 = if pressure_mpa < 1.0 {
        5.0
    } else if pressure_mpa < 2.0 {
        10.0
    } else if pressure_mpa < 3.0 {
        15.0
    } else {
        20.0
    };
    c.max(p.casing_min_m)
}

/// The laterals of the horizontal fan's ends, −L first (PLANNING.md).
pub fn laterals(p: &PlanParams, case: Case) -> Vec<f64> {
    let l = p.lateral_guard_m;
    if l <= 0.0 {
        return vec![0.0];
    }
    match case {
        Case::Clear => vec![-l, -l / 2.0, 0.0, l / 2.0, l],
        Case::Unclear => {
            let k = ((2.0 * l / p.terminal_spacing_m) - 1e-9).ceil().max(1.0) as usize + 1;
            (0..k).map(|i| -l + 2.0 * l * i as f64 / (k - 1) as f64).collect()
        }
    }
}

/// The end elevations of the rows, lowest first: one row at the face in thin seams; rows from
/// F.z − M/2 to F.z + M/2 at most `plan_terminal_spacing_vertical_m` apart in thick ones.
pub fn row_elevations(p: &PlanParams, face_z: f64) -> Vec<f64> {
    let m = p.seam_thickness_m;
    if m < p.thick_seam_m || m <= 0.0 {
        return vec![face_z];
    }
    let k = ((m / p.terminal_spacing_vertical_m) - 1e-9).ceil().max(1.0) as usize + 1;
    (0..k).map(|i| face_z - m / 2.0 + m * i as f64 / (k - 1) as f64).collect()
}

/// Azimuth (clockwise from grid north, [0, 360)), inclination (up positive) and 3D length of
/// the hole collar → end.
pub fn orientation(collar: P3, end: P3) -> (f64, f64, f64) {
    let (dx, dy, dz) = (end[0] - collar[0], end[1] - collar[1], end[2] - collar[2]);
    let h = dx.hypot(dy);
    let mut az = dx.atan2(dy).to_degrees();
    if az < 0.0 {
        az += 360.0;
    }
    if az >= 360.0 {
        az -= 360.0;
    }
    (az, dz.atan2(h).to_degrees(), (h * h + dz * dz).sqrt())
}

/// The end a hole reaches from its collar along azimuth and inclination (the inverse of
/// [`orientation`]).
pub fn end_of(collar: P3, azimuth_deg: f64, inclination_deg: f64, length_m: f64) -> P3 {
    let (az, inc) = (azimuth_deg.to_radians(), inclination_deg.to_radians());
    let h = length_m * inc.cos();
    [collar[0] + h * az.sin(), collar[1] + h * az.cos(), collar[2] + length_m * inc.sin()]
}

fn round_to(v: f64, step: f64) -> f64 {
    (v / step).round() * step
}

/// A hole from `collar` to `end` (exact, no rounding); angles and length from the points,
/// projection and lateral as the cover rule computes them (`water::end_offsets`).
#[allow(clippy::too_many_arguments)]
fn hole(
    id: String,
    number: usize,
    purpose: DrillPurpose,
    collar: P3,
    end: P3,
    casing: f64,
    face: P3,
    dir: [f64; 2],
    row: usize,
    sources: Vec<String>,
) -> Hole {
    let (azimuth_deg, inclination_deg, length_m) = orientation(collar, end);
    let f = crate::rules::Face { kind: WorkingKind::Heading, a: face, b: face, dir };
    let (projection_m, lateral_m) = crate::rules::water::end_offsets(&f, end);
    Hole {
        id,
        number,
        purpose,
        collar,
        end,
        azimuth_deg,
        inclination_deg,
        length_m,
        casing_m: casing,
        projection_m,
        lateral_m,
        row,
        sources,
    }
}

/// A collar at the face, spread across it with the lateral of its end (|collar − F| ≤
/// `plan_collar_spread_m` in plan, z = F.z).
fn collar_for(p: &PlanParams, face: P3, dir: [f64; 2], lateral: f64) -> P3 {
    let l = p.lateral_guard_m;
    let t = if l > 0.0 { (lateral / l).clamp(-1.0, 1.0) } else { 0.0 };
    // A millimetre inside the spread.
    let s = t * (p.collar_spread_m - 1e-3).max(0.0);
    [face[0] - dir[1] * s, face[1] + dir[0] * s, face[2]]
}

/// Design the fan of one heading (PLANNING.md "The fan") from its face and sources.
pub fn design_fan(
    a: &Assessment,
    p: &PlanParams,
    heading: &str,
    face: P3,
    dir: [f64; 2],
    sources: &[usize],
    reasons: Vec<Reason>,
) -> Fan {
    let prep = a.prepared();
    let srcs: Vec<&crate::rules::context::PreparedSource> = sources.iter().map(|&i| &prep.sources[i]).collect();
    let case = if srcs.iter().any(|s| !s.source.position_known) { Case::Unclear } else { Case::Clear };
    let pressure = srcs.iter().filter_map(|s| s.source.pressure_mpa).fold(0.0, f64::max);
    let casing = casing_m(p, pressure);
    let ids: Vec<String> = srcs.iter().map(|s| s.source.id.clone()).collect();
    let fan_id = format!("{heading}-F1");
    let n = [-dir[1], dir[0]];
    let rows = row_elevations(p, face[2]);
    let lats = laterals(p, case);
    let mut holes = Vec::with_capacity(rows.len() * lats.len());
    for (r, &z) in rows.iter().enumerate() {
        for &lat in &lats {
            let inside = (p.lateral_guard_m - GUARD_INSET_M).max(0.0);
            let lat = lat.clamp(-inside, inside);
            let end = [face[0] + p.reach_m * dir[0] + lat * n[0], face[1] + p.reach_m * dir[1] + lat * n[1], z];
            let k = holes.len() + 1;
            holes.push(hole(
                format!("{fan_id}-{k:02}"),
                k,
                DrillPurpose::WaterExploration,
                collar_for(p, face, dir, lat),
                end,
                casing,
                face,
                dir,
                r,
                ids.clone(),
            ));
        }
    }
    let min_projection = holes.iter().map(|h| h.projection_m).fold(f64::INFINITY, f64::min);
    let mut allowed = min_projection - p.advance_distance_m;
    // Never into water: the axis ray's entry into a water-bearing source of the fan.
    let water_entry_m = srcs
        .iter()
        .filter(|s| s.source.water_bearing)
        .filter_map(|s| s.area.as_ref()?.ray_entry([face[0], face[1]], dir))
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.min(s))));
    let mut drain_first = false;
    if let Some(sw) = water_entry_m {
        let cap = sw - p.advance_distance_m;
        if cap < allowed {
            allowed = cap;
            drain_first = true;
        }
    }
    let allowed = allowed.max(0.0);
    Fan {
        id: fan_id,
        heading: heading.to_string(),
        reasons,
        sources: ids,
        source_slots: sources.to_vec(),
        case,
        face,
        dir,
        pressure_mpa: pressure,
        pressure_known: srcs.iter().any(|s| s.source.pressure_mpa.is_some()),
        rows: rows.len(),
        holes,
        allowed_advance_m: allowed,
        stop_at: [face[0] + allowed * dir[0], face[1] + allowed * dir[1], face[2]],
        requires_bulkhead: pressure > p.coal_drilling_max_mpa,
        drain_first,
        water_entry_m,
    }
}

/// Points on a goaf's exterior ring nearest the face, at least `spacing` apart (greedy by
/// distance over the ring sampled every 0.5 m, at most 200 000 samples).
pub fn drainage_targets(outline: &geo_types::Polygon<f64>, from: [f64; 2], n: usize, spacing: f64) -> Vec<[f64; 2]> {
    let ring = &outline.exterior().0;
    let perimeter: f64 = ring.windows(2).map(|w| (w[1].x - w[0].x).hypot(w[1].y - w[0].y)).sum();
    let step = (perimeter / 200_000.0).max(0.5);
    let mut cand: Vec<(f64, [f64; 2])> = Vec::new();
    for w in ring.windows(2) {
        let (a, b) = ([w[0].x, w[0].y], [w[1].x, w[1].y]);
        let len = (b[0] - a[0]).hypot(b[1] - a[1]);
        let k = (len / step).ceil().max(1.0) as usize;
        for i in 0..k {
            let t = i as f64 / k as f64;
            let q = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
            cand.push(((q[0] - from[0]).hypot(q[1] - from[1]), q));
        }
    }
    // The exact nearest point first (the samples may miss it by up to half a step).
    let edges = crate::geometry::Segments::of_line(&ring.iter().map(|c| [c.x, c.y, 0.0]).collect::<Vec<_>>());
    if let Some((i, d)) = edges.nearest(from) {
        let (a, b) = edges.segment(i);
        let t = crate::geometry::project_param(a, b, from).clamp(0.0, 1.0);
        cand.push((d, [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]));
    }
    cand.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(n);
    for (_, q) in cand {
        if out.len() == n {
            break;
        }
        if out.iter().all(|o| (o[0] - q[0]).hypot(o[1] - q[1]) >= spacing) {
            out.push(q);
        }
    }
    out
}

/// Drainage holes for the water goafs among a fan's sources (PLANNING.md "Drainage").
fn drainage_of(a: &Assessment, p: &PlanParams, fan: &Fan, notes: &mut Vec<Text>) -> Vec<Drainage> {
    let goafs = &a.survey().layers.goaf;
    let sources = &a.prepared().sources;
    let mut out = Vec::new();
    let mut k = 0;
    for s in fan.source_slots.iter().map(|&i| &sources[i].source).filter(|s| s.kind == "goaf") {
        // Goaf ids are unique within the goaf layer (another layer may reuse one).
        let Some(g) = goafs.iter().find(|g| g.id == s.id && g.water == Some(true)) else { continue };
        let per_hole_m3 = p.drain_rate_m3h * 24.0 * p.drain_days_max;
        let min = p.drain_min_holes.max(1.0).ceil() as usize;
        let n = match g.water_m3 {
            Some(v) => min.max((v / per_hole_m3).ceil() as usize),
            None => min,
        };
        let z = match (g.z.floor_m, g.z.roof_m) {
            (Some(f), _) => f,
            (None, Some(r)) => {
                notes.push(text!(
                    "{} 缺少 z_floor：放水孔终孔取 z_roof {}",
                    "{} has no z_floor: drainage holes end at its z_roof {}",
                    g.id,
                    r
                ));
                r
            }
            (None, None) => {
                notes.push(text!(
                    "{} 无底板标高：放水孔终孔取工作面标高",
                    "{} has no elevation: drainage holes end at the face's",
                    g.id
                ));
                fan.face[2]
            }
        };
        if n > MAX_DRAIN_HOLES {
            notes.push(text!(
                "{} 需要 {} 个放水孔：只设计最近的 {} 个，其余分批设计",
                "{} needs {} drainage holes: the nearest {} are designed, the rest in later stages",
                g.id,
                n,
                MAX_DRAIN_HOLES
            ));
        }
        let targets = drainage_targets(&g.outline, [fan.face[0], fan.face[1]], n.min(MAX_DRAIN_HOLES), 5.0);
        if targets.len() < n.min(MAX_DRAIN_HOLES) {
            notes.push(text!(
                "{} 外边界只容得下 {} 个相距 5 m 的放水孔终点（需要 {}）",
                "{}'s outline holds only {} drainage targets 5 m apart ({} needed)",
                g.id,
                targets.len(),
                n
            ));
        }
        let holes: Vec<Hole> = targets
            .iter()
            .map(|t| {
                k += 1;
                let f = crate::rules::Face { kind: WorkingKind::Heading, a: fan.face, b: fan.face, dir: fan.dir };
                let (_, lat) = crate::rules::water::end_offsets(&f, [t[0], t[1], z]);
                hole(
                    format!("{}-D{k:02}", fan.id),
                    k,
                    DrillPurpose::Drainage,
                    collar_for(p, fan.face, fan.dir, lat),
                    [t[0], t[1], z],
                    casing_m(p, fan.pressure_mpa),
                    fan.face,
                    fan.dir,
                    0,
                    vec![g.id.clone()],
                )
            })
            .collect();
        // PLANNING.md: days = water_m3 / (n · rate · 24), with n the holes required.
        let days = g.water_m3.map(|v| round_to(v / (n as f64 * p.drain_rate_m3h * 24.0), 1e-3));
        out.push(Drainage {
            goaf: g.id.clone(),
            heading: fan.heading.clone(),
            fan: fan.id.clone(),
            water_m3: g.water_m3,
            required: n,
            holes,
            days,
        });
    }
    out
}

/// Design the plan of a mine (PLANNING.md): a fan for every active heading with a
/// `water.exploration_required` finding, every covered active heading whose allowed advance is
/// below `plan_min_allowed_advance_m`, and every heading in `named`; drainage for their water
/// goafs. An id in `named` that is no working is an input error; one that is not an active
/// heading gets a note and no fan.
pub fn plan(a: &Assessment, named: &[String]) -> Result<Plan> {
    let p = PlanParams::new(a.params())?;
    let survey = a.survey();
    let mut notes = Vec::new();
    let mut warnings = Vec::new();
    for id in named {
        if a.working(id).is_none() {
            return Err(crate::Error::at(
                Location::default().layer("workings").feature(id).field("--heading"),
                text!("没有编号为 {} 的巷道或工作面", "no working has the id {}", id),
            ));
        }
    }
    let plan_of = |fans, drainage, warnings, notes| Plan {
        mine_id: survey.meta.mine.id.clone(),
        mine_name: survey.meta.mine.name.clone(),
        as_of: a.as_of(),
        fans,
        drainage,
        warnings,
        notes,
    };
    if a.prepared().sources.is_empty() {
        notes.push(text!(
            "本矿没有水源（积水老空区、未验证异常区、含水体、导水断层或陷落柱）：无需设计探放水钻孔",
            "the mine has no water source (water goaf, unverified anomaly, water body, water-conducting \
             fault or collapse column): no drilling to design"
        ));
        return Ok(plan_of(Vec::new(), Vec::new(), warnings, notes));
    }
    let required: BTreeSet<&str> =
        a.findings().filter(|f| f.rule == "water.exploration_required").filter_map(|f| f.working.as_deref()).collect();
    let named_set: BTreeSet<&str> = named.iter().map(String::as_str).collect();
    let mut chosen: Vec<(String, Vec<Reason>)> = Vec::new();
    for w in &survey.layers.workings {
        let active_heading = w.is_active_heading();
        let mut reasons = Vec::new();
        if active_heading && required.contains(w.id.as_str()) {
            reasons.push(Reason::ExplorationRequired);
        }
        if active_heading
            && a.cover(&w.id).and_then(|c| c.allowed_advance_m).is_some_and(|x| x < p.min_allowed_advance_m)
        {
            reasons.push(Reason::LowAllowedAdvance);
        }
        if named_set.contains(w.id.as_str()) {
            if !active_heading {
                notes.push(text!(
                    "{} 不是正在掘进的巷道（{}，{}）：不设计钻孔",
                    "{} is not an active heading ({}, {}): no fan designed",
                    w.id,
                    w.kind,
                    w.status
                ));
                continue;
            }
            reasons.push(Reason::Named);
        }
        if !reasons.is_empty() {
            chosen.push((w.id.clone(), reasons));
        }
    }
    chosen.sort_by(|x, y| x.0.cmp(&y.0));
    chosen.dedup_by(|x, y| x.0 == y.0);
    let mut fans = Vec::new();
    for (id, reasons) in chosen {
        let Some(face) = a.working(&id).and_then(|(_, g)| g.face) else { continue };
        if face.dir == [0.0, 0.0] {
            notes.push(text!(
                "{} 最后一段长度为零，无法确定掘进方向：不设计钻孔",
                "{}'s last segment has no length, so it has no direction: no fan designed",
                id
            ));
            continue;
        }
        let sources: Vec<usize> = a.face_sources(&id).into_iter().filter(|h| h.exploration).map(|h| h.source).collect();
        if sources.is_empty() {
            notes.push(if reasons.contains(&Reason::Named) {
                text!(
                    "{} 不在任何水源的探水线内：按要求设计，钻孔无对应水源",
                    "{} is inside no source's exploration line: designed as asked, with no source",
                    id
                )
            } else {
                text!(
                    "{} 已有钻孔掩护但允许掘进距离不足，且不在任何水源的探水线内：续探钻孔无对应水源",
                    "{} is covered with too short an allowed advance and inside no source's exploration \
                     line: the next fan has no source",
                    id
                )
            });
        }
        fans.push(design_fan(a, &p, &id, face.a, face.dir, &sources, reasons));
    }
    if p.reach_m < p.advance_distance_m {
        notes.push(text!(
            "plan_reach_m ({}) 小于超前距 advance_distance_m ({})：钻孔不构成掩护，允许掘进 0 m",
            "plan_reach_m ({}) is below advance_distance_m ({}): the holes give no cover, allowed advance 0 m",
            p.reach_m,
            p.advance_distance_m
        ));
    }
    let mut drainage = Vec::new();
    for f in &fans {
        if f.requires_bulkhead {
            warnings.push(Warning {
                rule: "plan.bulkhead_required",
                heading: Some(f.heading.clone()),
                feature: Some(f.id.clone()),
                message: text!(
                    "{}：水压 {} MPa 高于 {} MPa，须先建防水闸墙（止水墙）再在煤层中钻探",
                    "{}: water pressure {} MPa exceeds {} MPa: build a water bulkhead before drilling from within coal",
                    f.id,
                    f.pressure_mpa,
                    p.coal_drilling_max_mpa
                ),
            });
        }
        drainage.extend(drainage_of(a, &p, f, &mut notes));
        warnings.extend(advance_into_sources(a, f));
    }
    pump_check(a, &p, &drainage, &mut warnings, &mut notes);
    Ok(plan_of(fans, drainage, warnings, notes))
}

/// An extension of PLANNING.md, whose water cap counts only water goafs and water bodies: a
/// warning `plan.advance_into_source` when the allowed advance would take the heading into a
/// water-conducting collapse column or an unverified anomaly, or within the pillar of a
/// water-conducting fault. The allowed advance itself stays as the contract defines it.
fn advance_into_sources(a: &Assessment, f: &Fan) -> Vec<Warning> {
    let prep = a.prepared();
    let stop = f.stop_at;
    let path = crate::rules::Face { kind: WorkingKind::Heading, a: f.face, b: stop, dir: f.dir };
    let mut out = Vec::new();
    for s in f.source_slots.iter().map(|&i| &prep.sources[i]).filter(|s| !s.source.water_bearing) {
        let (zh, en) = s.source.kind_text();
        let d = s.distance(&path);
        // A fault's pillar width as the pillar rule has it (fault ids are unique in their layer).
        let pillar = (s.source.kind == "fault")
            .then(|| prep.faults.iter().find(|p| p.id == s.source.id).map(|p| p.width_m))
            .flatten();
        let limit = pillar.unwrap_or(0.0);
        let hit = if pillar.is_some() { d < limit } else { d <= 0.0 };
        if hit && f.allowed_advance_m > 0.0 {
            out.push(Warning {
                rule: "plan.advance_into_source",
                heading: Some(f.heading.clone()),
                feature: Some(s.source.id.clone()),
                message: {
                    let extra =
                        if s.source.kind == "fault" { format!(" ({d:.1} m < {limit:.1} m)") } else { String::new() };
                    Text::new(
                        format!(
                            "{}：允许掘进 {:.1} m 将进入{} {}{}：停掘点前须留设防隔水煤柱或先行注浆治理",
                            f.heading, f.allowed_advance_m, zh, s.source.id, extra
                        ),
                        format!(
                            "{}: the allowed advance of {:.1} m would take the heading into {} {}{}: keep the \
                             pillar or grout first",
                            f.heading, f.allowed_advance_m, en, s.source.id, extra
                        ),
                    )
                },
            });
        }
    }
    out
}

/// The 20 h rule (REFERENCE.md §1.9): the pumps, run 20 h a day, must take the normal inflow
/// and the drainage of each group.
fn pump_check(
    a: &Assessment,
    p: &PlanParams,
    drainage: &[Drainage],
    warnings: &mut Vec<Warning>,
    notes: &mut Vec<Text>,
) {
    if drainage.is_empty() {
        return;
    }
    let meta = &a.survey().meta;
    let Some(cap) = meta.drainage.pump_capacity_m3h else {
        notes.push(text!(
            "survey.toml 未给出 [drainage] pump_capacity_m3h：无法核算放水期间排水能力（20 h 排完 24 h 涌水）",
            "survey.toml gives no [drainage] pump_capacity_m3h: the pumps cannot be checked against the \
             drainage (20 h rule)"
        ));
        return;
    };
    let normal = meta.classification.normal_inflow_m3h.unwrap_or_else(|| {
        notes
            .push(text!("正常涌水量未知：排水能力核算按 0 计", "normal inflow unknown: the pump check counts it as 0"));
        0.0
    });
    let usable = cap * 20.0 / 24.0;
    for d in drainage {
        let need = normal + d.required as f64 * p.drain_rate_m3h;
        if usable < need {
            warnings.push(Warning {
                rule: "water.drainage_exceeds_pumps",
                heading: Some(d.heading.clone()),
                feature: Some(d.goaf.clone()),
                message: text!(
                    "{} 放水 {} 孔 × {} m³/h 加正常涌水量 {} m³/h 共 {} m³/h，超过水泵 20 h 能力 {:.1} m³/h（{} m³/h × 20/24）",
                    "draining {} with {} holes × {} m³/h plus the normal inflow {} m³/h needs {} m³/h, above the \
                     pumps' 20 h capacity {:.1} m³/h ({} m³/h × 20/24)",
                    d.goaf,
                    d.required,
                    p.drain_rate_m3h,
                    normal,
                    need,
                    usable,
                    cap
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests;
