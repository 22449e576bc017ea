//! 火区 (fire zone), sealed or not.
use crate::model::kinds::{record, LayerKind, ZRange};
use crate::model::record::*;
use geo_types::Polygon;

#[derive(Debug, Clone, PartialEq)]
pub struct FireZone {
    pub id: String,
    pub name: Option<String>,
    pub outline: Polygon<f64>,
    pub z: ZRange,
    pub sealed: Option<bool>,
}

impl LayerKind for FireZone {
    const NAME: &'static str = "fire_zones";
    const NAME_ZH: &'static str = "火区";
    const GEOMETRY: GeomType = GeomType::Polygon;
    const FIELDS: &'static [FieldDef] =
        &[text_field("name"), real_field("z_floor"), real_field("z_roof"), int_field("sealed")];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let name = r.text("name");
        let z = ZRange::read(r);
        let sealed = r.flag("sealed");
        Some(Self { id, name, outline: r.polygon()?, z, sealed })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, Geom::Polygon(self.outline.clone()));
        rec.set_text("name", &self.name);
        self.z.write(&mut rec);
        rec.set_flag("sealed", self.sealed);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn outline(&self) -> Option<&geo_types::Polygon<f64>> {
        Some(&self.outline)
    }
}
