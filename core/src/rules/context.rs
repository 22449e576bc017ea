//! What the rule families see: the prepared inputs of one mine, built once per assessment and
//! shared by every family (RULES.md "Terms").
//!
//! - [`WorkingGeom`]: a working's plan box, elevation range and active face.
//! - [`Prepared`]: every polygon layer the rules test workings against (zones, water-bearing
//!   goaf, water bodies, gas, burst and fire zones) in ONE index of prepared polygons; the
//!   licence area; water-conducting faults with their pillar widths; the water sources with
//!   their lines; drillholes by heading. Zones and drillholes can change (viewer edits,
//!   `watch`), the rest is fixed for the life of an assessment.
//! - [`Ctx`]: the survey, parameters, as-of date and the prepared inputs, borrowed.
//!
//! Units: metres in the mine CRS; distances planar unless said otherwise.

use super::water::{self, WaterSource};
use super::{Finding, Params, Severity, LINE_RULES};
use crate::geometry::{self, plan, PreparedPolygon, Segments, P3};
use crate::i18n::Text;
use crate::index::{box_of_3d, expand, Box2, Index};
use crate::model::{
    BurstLevel, DrillPurpose, Drillhole, PlannedDrillhole, Survey, Working, WorkingKind, WorkingStatus, ZRange, Zone,
    ZoneClass,
};
use chrono::NaiveDate;
use std::collections::HashMap;

/// A working prepared for the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkingGeom {
    /// The plan box of the line.
    pub env: Box2,
    pub z_min: f64,
    pub z_max: f64,
    /// The active face (RULES.md Terms), for active headings and longwalls.
    pub face: Option<Face>,
}

impl WorkingGeom {
    pub fn new(w: &Working) -> Self {
        let (z_min, z_max) =
            w.line.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), c| (a.min(c[2]), b.max(c[2])));
        Self { env: box_of_3d(&w.line), z_min, z_max, face: Face::of(w) }
    }

    /// 'In a zone' (RULES.md Terms): the line meets the polygon in plan (touching counts) and
    /// its elevation range overlaps the zone's.
    pub fn is_in(&self, w: &Working, poly: &PreparedPolygon, z: &ZRange) -> bool {
        z.overlaps(self.z_min, self.z_max) && poly.intersects_line(&w.line)
    }
}

/// An active face: a point (heading, with its plan direction) or a segment (longwall).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Face {
    pub kind: WorkingKind,
    /// Start and end (equal for a heading), x y z.
    pub a: P3,
    pub b: P3,
    /// Unit plan direction of a heading's last segment (0, 0 when it has no length).
    pub dir: [f64; 2],
}

impl Face {
    /// The active face of a working: an active heading's last vertex, an active longwall's
    /// last segment.
    pub fn of(w: &Working) -> Option<Face> {
        if w.status != WorkingStatus::Active {
            return None;
        }
        let n = w.line.len();
        match w.kind {
            WorkingKind::Heading if n >= 2 => {
                let (a, b) = (w.line[n - 2], w.line[n - 1]);
                let d = [b[0] - a[0], b[1] - a[1]];
                let len = d[0].hypot(d[1]);
                let dir = if len > 0.0 { [d[0] / len, d[1] / len] } else { [0.0, 0.0] };
                Some(Face { kind: WorkingKind::Heading, a: b, b, dir })
            }
            WorkingKind::Longwall if n >= 2 => {
                Some(Face { kind: WorkingKind::Longwall, a: w.line[n - 2], b: w.line[n - 1], dir: [0.0, 0.0] })
            }
            _ => None,
        }
    }

    pub fn z_range(&self) -> (f64, f64) {
        (self.a[2].min(self.b[2]), self.a[2].max(self.b[2]))
    }

    /// The plan box of the face.
    pub fn env(&self) -> Box2 {
        geometry::seg_box(plan(self.a), plan(self.b))
    }

    /// The face lies in the zone (plan intersection incl. touching, z overlap).
    pub fn is_in(&self, poly: &PreparedPolygon, z: &ZRange) -> bool {
        let (lo, hi) = self.z_range();
        z.overlaps(lo, hi) && poly.intersects_segment(plan(self.a), plan(self.b))
    }

    /// Planar distance from the face to a polygon (0 inside or on it).
    pub fn distance_to_polygon(&self, poly: &PreparedPolygon) -> f64 {
        poly.distance_to_segment(plan(self.a), plan(self.b))
    }

    /// Planar distance from the face to a polyline (e.g. a fault trace).
    pub fn distance_to_line(&self, l: &Segments) -> f64 {
        l.distance_to_segment(plan(self.a), plan(self.b))
    }

    /// The middle of the face (a finding's `at`).
    pub fn mid(&self) -> P3 {
        geometry::lerp3(self.a, self.b, 0.5)
    }

    /// 3D distance between two faces (points or segments).
    pub fn distance_3d(&self, o: &Face) -> f64 {
        geometry::segment_distance_3d(self.a, self.b, o.a, o.b)
    }
}

/// What a prepared polygon is, with the attributes the rules need.
#[derive(Debug, Clone, PartialEq)]
pub enum AreaKind {
    /// A three-zone-management zone (禁采 / 缓采 / 可采).
    Zone {
        class: ZoneClass,
        treated: Option<bool>,
    },
    /// A goaf with `water = 1`.
    WaterGoaf,
    WaterBody,
    Gas {
        content_m3t: Option<f64>,
        pressure_mpa: Option<f64>,
        outburst_prone: Option<bool>,
        drained: Option<bool>,
    },
    Burst {
        level: Option<BurstLevel>,
        relieved: Option<bool>,
    },
    Fire {
        name: Option<String>,
        sealed: Option<bool>,
    },
}

/// A polygon feature prepared for the rules.
#[derive(Debug, Clone)]
pub struct Area {
    pub kind: AreaKind,
    pub id: String,
    pub poly: PreparedPolygon,
    pub z: ZRange,
}

/// A water-conducting fault with its pillar width.
#[derive(Debug, Clone)]
pub struct FaultPrep {
    pub id: String,
    pub width_m: f64,
    pub trace: Segments,
    /// The trace in plan, as a line (for buffering its pillar).
    pub line: geo_types::LineString<f64>,
}

/// The prepared inputs of one mine (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// The licence area (the first licence polygon) and its rings.
    pub licence: Option<PreparedPolygon>,
    /// Every polygon the workings are tested against, by slot; zones can be replaced or removed.
    pub areas: Vec<Option<Area>>,
    pub area_index: Index,
    /// Slot of each zone by id.
    pub zone_slots: HashMap<String, usize>,
    pub faults: Vec<FaultPrep>,
    pub fault_index: Index,
    /// The widest fault pillar (query reach).
    pub fault_reach_m: f64,
    pub sources: Vec<PreparedSource>,
    /// Boxes of the sources grown by their warning offsets.
    pub source_index: Index,
    /// Indices (into the survey's drillholes) of the water-exploration holes of each heading.
    pub drill_by_heading: HashMap<String, Vec<usize>>,
    /// Indices (into the survey's drillholes) of the drainage holes of each heading.
    pub drain_by_heading: HashMap<String, Vec<usize>>,
    /// Indices (into the survey's planned drillholes) of the designed holes of each heading
    /// (PLANNING.md "As drilled").
    pub planned_by_heading: HashMap<String, Vec<usize>>,
}

/// A water source with its prepared geometry.
#[derive(Debug, Clone)]
pub struct PreparedSource {
    pub source: WaterSource,
    pub area: Option<PreparedPolygon>,
    pub trace: Option<Segments>,
}

impl PreparedSource {
    /// Planar distance from a face to the source (0 inside an area).
    pub fn distance(&self, face: &Face) -> f64 {
        match (&self.area, &self.trace) {
            (Some(a), _) => face.distance_to_polygon(a),
            (None, Some(t)) => face.distance_to_line(t),
            (None, None) => f64::INFINITY,
        }
    }
}

fn area(kind: AreaKind, id: &str, outline: &geo_types::Polygon<f64>, z: ZRange) -> Area {
    Area { kind, id: id.to_string(), poly: PreparedPolygon::new(outline), z }
}

/// The prepared area of a zone.
pub fn zone_area(z: &Zone) -> Area {
    area(AreaKind::Zone { class: z.class, treated: z.treated }, &z.id, &z.outline, z.z)
}

impl Prepared {
    pub fn new(survey: &Survey, params: &Params) -> Self {
        let l = &survey.layers;
        // Area slots: water goaf, water bodies (in this order: `water.inside_water_body` keeps
        // the first of equal ids), zones, gas, burst, fire.
        let mut areas: Vec<Option<Area>> = Vec::new();
        for g in l.goaf.iter().filter(|g| g.water == Some(true)) {
            areas.push(Some(area(AreaKind::WaterGoaf, &g.id, &g.outline, g.z)));
        }
        for b in &l.water_bodies {
            areas.push(Some(area(AreaKind::WaterBody, &b.id, &b.outline, b.z)));
        }
        let mut zone_slots = HashMap::new();
        for z in &l.zones {
            zone_slots.insert(z.id.clone(), areas.len());
            areas.push(Some(zone_area(z)));
        }
        for z in &l.gas_zones {
            let kind = AreaKind::Gas {
                content_m3t: z.gas_content_m3t,
                pressure_mpa: z.gas_pressure_mpa,
                outburst_prone: z.outburst_prone,
                drained: z.drained,
            };
            areas.push(Some(area(kind, &z.id, &z.outline, z.z)));
        }
        for z in &l.burst_zones {
            areas.push(Some(area(AreaKind::Burst { level: z.level, relieved: z.relieved }, &z.id, &z.outline, z.z)));
        }
        for f in &l.fire_zones {
            areas.push(Some(area(AreaKind::Fire { name: f.name.clone(), sealed: f.sealed }, &f.id, &f.outline, f.z)));
        }
        let area_index = Index::new(areas.iter().map(|a| a.as_ref().map(|a| a.poly.bbox)).collect());
        let faults: Vec<FaultPrep> = l
            .faults
            .iter()
            .filter(|f| f.water_conducting == Some(true) && !f.trace.is_empty())
            .map(|f| FaultPrep {
                id: f.id.clone(),
                width_m: super::pillars::fault_pillar_width(params, f.pressure_mpa, f.pillar_m),
                trace: Segments::of_line(&f.trace),
                line: f.trace.iter().map(|c| (c[0], c[1])).collect(),
            })
            .collect();
        let fault_index = Index::from_boxes(faults.iter().map(|f| f.trace.bbox));
        let fault_reach_m = faults.iter().map(|f| f.width_m).fold(0.0, f64::max);
        let sources: Vec<PreparedSource> = water::sources(survey, params)
            .into_iter()
            .map(|s| {
                let (area, trace) = match &s.geometry {
                    water::SourceGeom::Area(p) => (Some(PreparedPolygon::new(p)), None),
                    water::SourceGeom::Trace(t) => {
                        (None, Some(Segments::new(t.0.windows(2).map(|w| [w[0].x, w[0].y, w[1].x, w[1].y]).collect())))
                    }
                };
                PreparedSource { source: s, area, trace }
            })
            .collect();
        let source_index = Index::from_boxes(sources.iter().map(|s| expand(&s.source.envelope(), s.source.warning_m)));
        let mut p = Self {
            licence: l.licence.first().map(|lic| PreparedPolygon::new(&lic.boundary)),
            areas,
            area_index,
            zone_slots,
            faults,
            fault_index,
            fault_reach_m,
            sources,
            source_index,
            drill_by_heading: HashMap::new(),
            drain_by_heading: HashMap::new(),
            planned_by_heading: HashMap::new(),
        };
        for (i, d) in l.drillholes.iter().enumerate() {
            p.add_drillhole(i, d);
        }
        for (i, d) in l.planned_drillholes.iter().enumerate() {
            if let Some(h) = &d.heading_id {
                p.planned_by_heading.entry(h.clone()).or_default().push(i);
            }
        }
        p
    }

    /// Register drillhole `i` (an index into the survey's drillholes) under its heading when it
    /// is a water-exploration or drainage hole. Returns the heading.
    pub fn add_drillhole(&mut self, i: usize, d: &Drillhole) -> Option<String> {
        let by = match d.purpose {
            Some(DrillPurpose::WaterExploration) => &mut self.drill_by_heading,
            Some(DrillPurpose::Drainage) => &mut self.drain_by_heading,
            _ => return None,
        };
        let h = d.heading_id.clone()?;
        by.entry(h.clone()).or_default().push(i);
        Some(h)
    }

    /// Forget drillhole `i`.
    pub fn remove_drillhole(&mut self, i: usize, d: &Drillhole) {
        if let Some(h) = &d.heading_id {
            for by in [&mut self.drill_by_heading, &mut self.drain_by_heading] {
                if let Some(v) = by.get_mut(h) {
                    v.retain(|&j| j != i);
                }
            }
        }
    }

    /// Insert or replace a zone; returns the boxes of its old and new outline.
    pub fn set_zone(&mut self, z: Option<&Zone>, id: &str) -> (Option<Box2>, Option<Box2>) {
        let slot = match self.zone_slots.get(id) {
            Some(&s) => s,
            None => {
                let s = self.areas.len();
                self.areas.push(None);
                self.zone_slots.insert(id.to_string(), s);
                s
            }
        };
        let old = self.areas[slot].as_ref().map(|a| a.poly.bbox);
        self.areas[slot] = z.map(zone_area);
        let new = self.areas[slot].as_ref().map(|a| a.poly.bbox);
        self.area_index.set(slot, new);
        (old, new)
    }
}

/// Everything a rule family sees.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub survey: &'a Survey,
    pub params: &'a Params,
    pub as_of: NaiveDate,
    pub prep: &'a Prepared,
}

impl<'a> Ctx<'a> {
    /// Does `rule` apply to working `w`? Existing and active workings get every rule, planned
    /// ones only the line rules.
    pub fn applies(&self, rule: &str, w: &Working) -> bool {
        w.status != WorkingStatus::Planned || LINE_RULES.contains(&rule)
    }

    /// Make a finding about working `w`: planned workings get severity warning and
    /// `planned: true`.
    #[allow(clippy::too_many_arguments)]
    pub fn finding(
        &self,
        rule: &'static str,
        severity: Severity,
        w: Option<&Working>,
        feature: Option<String>,
        at: Option<[f64; 3]>,
        measured: Option<f64>,
        limit: Option<f64>,
        message: Text,
        basis: Text,
    ) -> Finding {
        let planned = w.is_some_and(|w| w.status == WorkingStatus::Planned);
        Finding::new(
            rule,
            if planned { Severity::Warning } else { severity },
            planned,
            w.map(|w| w.id.clone()),
            feature,
            at,
            measured,
            limit,
            message,
            basis,
        )
    }

    /// The water-exploration drillholes of a heading.
    pub fn drillholes_of(&self, heading: &str) -> impl Iterator<Item = &'a Drillhole> + 'a {
        let idx: &'a [usize] = self.prep.drill_by_heading.get(heading).map_or(&[], Vec::as_slice);
        let holes = &self.survey.layers.drillholes;
        idx.iter().filter_map(move |&i| holes.get(i))
    }

    /// The drainage drillholes of a heading.
    pub fn drainage_holes_of(&self, heading: &str) -> impl Iterator<Item = &'a Drillhole> + 'a {
        let idx: &'a [usize] = self.prep.drain_by_heading.get(heading).map_or(&[], Vec::as_slice);
        let holes = &self.survey.layers.drillholes;
        idx.iter().filter_map(move |&i| holes.get(i))
    }

    /// The designed (planned) holes of a heading.
    pub fn planned_of(&self, heading: &str) -> impl Iterator<Item = &'a PlannedDrillhole> + 'a {
        let idx: &'a [usize] = self.prep.planned_by_heading.get(heading).map_or(&[], Vec::as_slice);
        let holes = &self.survey.layers.planned_drillholes;
        idx.iter().filter_map(move |&i| holes.get(i))
    }
}
