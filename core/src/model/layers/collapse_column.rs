//! 陷落柱 (karst collapse column).
use crate::model::kinds::{record, LayerKind, ZRange};
use crate::model::record::*;
use geo_types::Polygon;

#[derive(Debug, Clone, PartialEq)]
pub struct CollapseColumn {
    pub id: String,
    pub name: Option<String>,
    pub outline: Polygon<f64>,
    pub water_conducting: Option<bool>,
    pub z: ZRange,
}

impl LayerKind for CollapseColumn {
    const NAME: &'static str = "collapse_columns";
    const NAME_ZH: &'static str = "陷落柱";
    const GEOMETRY: GeomType = GeomType::Polygon;
    const FIELDS: &'static [FieldDef] =
        &[text_field("name"), int_field("water_conducting"), real_field("z_floor"), real_field("z_roof")];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let name = r.text("name");
        let water_conducting = r.flag("water_conducting");
        let z = ZRange::read(r);
        Some(Self { id, name, outline: r.polygon()?, water_conducting, z })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, Geom::Polygon(self.outline.clone()));
        rec.set_text("name", &self.name);
        rec.set_flag("water_conducting", self.water_conducting);
        self.z.write(&mut rec);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn outline(&self) -> Option<&geo_types::Polygon<f64>> {
        Some(&self.outline)
    }
}
