//! 探放水设计: the advance exploration and drainage holes designed by `minehaz plan`
//! (PLANNING.md), and the stop points of the 允许掘进通知单. Written by `plan --into` into a
//! project store (or by `--out` into a GeoPackage of their own); `check` matches the drilled
//! holes against them (`water.drilling_incomplete`).
use crate::model::kinds::{line_geom, record, LayerKind};
use crate::model::layers::DrillPurpose;
use crate::model::record::*;

/// One designed hole: a LineString Z from collar to end.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedDrillhole {
    pub id: String,
    pub heading_id: Option<String>,
    /// The fan (design) id, e.g. `W19-F1`.
    pub fan: Option<String>,
    /// The hole number within the fan (1-based).
    pub hole: Option<i64>,
    pub purpose: Option<DrillPurpose>,
    pub azimuth_deg: Option<f64>,
    pub inclination_deg: Option<f64>,
    pub length_m: Option<f64>,
    pub casing_m: Option<f64>,
    /// The water sources the hole explores or drains, comma-separated ids.
    pub sources: Option<String>,
    pub line: Vec<[f64; 3]>,
}

impl PlannedDrillhole {
    /// The designed end (last vertex).
    pub fn end(&self) -> Option<[f64; 3]> {
        self.line.last().copied()
    }
}

impl LayerKind for PlannedDrillhole {
    const NAME: &'static str = "planned_drillholes";
    const NAME_ZH: &'static str = "设计钻孔";
    const GEOMETRY: GeomType = GeomType::LineStringZ;
    const FIELDS: &'static [FieldDef] = &[
        text_field("heading_id"),
        text_field("fan"),
        int_field("hole"),
        text_field("purpose"),
        real_field("azimuth_deg"),
        real_field("inclination_deg"),
        real_field("length_m"),
        real_field("casing_m"),
        text_field("sources"),
    ];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let heading_id = r.text("heading_id");
        let fan = r.text("fan");
        let hole = r.real_in("hole", 0.0, 1e6).map(|h| h.round() as i64);
        let purpose = r.enumerated("purpose");
        let azimuth_deg = r.real_in("azimuth_deg", 0.0, 360.0);
        let inclination_deg = r.real_in("inclination_deg", -90.0, 90.0);
        let length_m = r.real_in("length_m", 0.0, 5000.0);
        let casing_m = r.real_in("casing_m", 0.0, 1000.0);
        let sources = r.text("sources");
        let line = r.line(true)?;
        Some(Self {
            id,
            heading_id,
            fan,
            hole,
            purpose,
            azimuth_deg,
            inclination_deg,
            length_m,
            casing_m,
            sources,
            line,
        })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, line_geom(&self.line));
        rec.set_text("heading_id", &self.heading_id);
        rec.set_text("fan", &self.fan);
        rec.set("hole", self.hole.map_or(Value::Null, Value::Int));
        rec.set_text("purpose", &self.purpose.map(|k| k.as_str().to_string()));
        rec.set_real("azimuth_deg", self.azimuth_deg);
        rec.set_real("inclination_deg", self.inclination_deg);
        rec.set_real("length_m", self.length_m);
        rec.set_real("casing_m", self.casing_m);
        rec.set_text("sources", &self.sources);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn vertices(&self) -> &[[f64; 3]] {
        &self.line
    }
}

/// 允许掘进 stop point of a fan: how far the heading may advance and where it must stop.
#[derive(Debug, Clone, PartialEq)]
pub struct StopPoint {
    /// The fan id (one stop point per fan).
    pub id: String,
    pub heading_id: Option<String>,
    pub fan: Option<String>,
    pub allowed_advance_m: Option<f64>,
    /// The source must be drained and the drainage verified before the heading advances.
    pub drain_first: Option<bool>,
    pub pos: [f64; 3],
}

impl LayerKind for StopPoint {
    const NAME: &'static str = "stop_points";
    const NAME_ZH: &'static str = "停掘点";
    const GEOMETRY: GeomType = GeomType::PointZ;
    const FIELDS: &'static [FieldDef] =
        &[text_field("heading_id"), text_field("fan"), real_field("allowed_advance_m"), int_field("drain_first")];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let heading_id = r.text("heading_id");
        let fan = r.text("fan");
        let allowed_advance_m = r.real_in("allowed_advance_m", 0.0, 1e5);
        let drain_first = r.flag("drain_first");
        Some(Self { id, heading_id, fan, allowed_advance_m, drain_first, pos: r.point()? })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, Geom::Point { pos: self.pos, has_z: true });
        rec.set_text("heading_id", &self.heading_id);
        rec.set_text("fan", &self.fan);
        rec.set_real("allowed_advance_m", self.allowed_advance_m);
        rec.set_flag("drain_first", self.drain_first);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn vertices(&self) -> &[[f64; 3]] {
        std::slice::from_ref(&self.pos)
    }
}
