//! 超前钻孔: advance drill holes actually drilled from a heading.
use crate::enumerated;
use crate::model::kinds::{line_geom, record, LayerKind};
use crate::model::record::*;

enumerated!(DrillPurpose {
    WaterExploration = "water_exploration",
    Drainage = "drainage",
    GasDrainage = "gas_drainage",
    Geology = "geology",
});

#[derive(Debug, Clone, PartialEq)]
pub struct Drillhole {
    pub id: String,
    pub heading_id: Option<String>,
    pub purpose: Option<DrillPurpose>,
    pub drilled_at: Option<String>,
    pub water_found: Option<bool>,
    pub inflow_m3h: Option<f64>,
    pub line: Vec<[f64; 3]>,
}

impl LayerKind for Drillhole {
    const NAME: &'static str = "drillholes";
    const NAME_ZH: &'static str = "超前钻孔";
    const GEOMETRY: GeomType = GeomType::LineStringZ;
    const FIELDS: &'static [FieldDef] = &[
        text_field("heading_id"),
        text_field("purpose"),
        date_field("drilled_at"),
        int_field("water_found"),
        real_field("inflow_m3h"),
    ];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let heading_id = r.text("heading_id");
        let purpose = r.enumerated("purpose");
        let drilled_at = r.date("drilled_at");
        let water_found = r.flag("water_found");
        let inflow_m3h = r.real_in("inflow_m3h", 0.0, 1e6);
        let line = r.line(true)?;
        Some(Self { id, heading_id, purpose, drilled_at, water_found, inflow_m3h, line })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, line_geom(&self.line));
        rec.set_text("heading_id", &self.heading_id);
        rec.set_text("purpose", &self.purpose.map(|k| k.as_str().to_string()));
        rec.set_text("drilled_at", &self.drilled_at);
        rec.set_flag("water_found", self.water_found);
        rec.set_real("inflow_m3h", self.inflow_m3h);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn vertices(&self) -> &[[f64; 3]] {
        &self.line
    }
}
