//! 老空区 (old goaf), with or without accumulated water.
use crate::model::kinds::{record, LayerKind, ZRange};
use crate::model::record::*;
use geo_types::Polygon;

#[derive(Debug, Clone, PartialEq)]
pub struct Goaf {
    pub id: String,
    pub name: Option<String>,
    pub seam: Option<String>,
    pub outline: Polygon<f64>,
    pub z: ZRange,
    /// Holds water (积水).
    pub water: Option<bool>,
    /// Water level elevation, m.
    pub water_level_m: Option<f64>,
    pub water_m3: Option<f64>,
    /// Position data reliable.
    pub reliable: Option<bool>,
    pub source: Option<String>,
}

impl LayerKind for Goaf {
    const NAME: &'static str = "goaf";
    const NAME_ZH: &'static str = "老空区";
    const GEOMETRY: GeomType = GeomType::Polygon;
    const FIELDS: &'static [FieldDef] = &[
        text_field("name"),
        text_field("seam"),
        real_field("z_floor"),
        real_field("z_roof"),
        int_field("water"),
        real_field("water_level"),
        real_field("water_m3"),
        int_field("reliable"),
        text_field("source"),
    ];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let name = r.text("name");
        let seam = r.text("seam");
        let z = ZRange::read(r);
        let water = r.flag("water");
        let water_level_m = r.real_in("water_level", -3000.0, 9000.0);
        let water_m3 = r.real_in("water_m3", 0.0, 1e10);
        let reliable = r.flag("reliable");
        let source = r.text("source");
        Some(Self { id, name, seam, outline: r.polygon()?, z, water, water_level_m, water_m3, reliable, source })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, Geom::Polygon(self.outline.clone()));
        rec.set_text("name", &self.name);
        rec.set_text("seam", &self.seam);
        self.z.write(&mut rec);
        rec.set_flag("water", self.water);
        rec.set_real("water_level", self.water_level_m);
        rec.set_real("water_m3", self.water_m3);
        rec.set_flag("reliable", self.reliable);
        rec.set_text("source", &self.source);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn outline(&self) -> Option<&geo_types::Polygon<f64>> {
        Some(&self.outline)
    }
}
