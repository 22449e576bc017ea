//! 冲击地压危险区 (rock-burst zone).
use crate::enumerated;
use crate::model::kinds::{record, LayerKind, ZRange};
use crate::model::record::*;
use geo_types::Polygon;

enumerated!(
    /// Burst hazard level, ordered none < weak < medium < strong.
    BurstLevel { None = "none", Weak = "weak", Medium = "medium", Strong = "strong" }
);

#[derive(Debug, Clone, PartialEq)]
pub struct BurstZone {
    pub id: String,
    pub seam: Option<String>,
    pub outline: Polygon<f64>,
    pub z: ZRange,
    pub level: Option<BurstLevel>,
    /// 卸压达标.
    pub relieved: Option<bool>,
}

impl LayerKind for BurstZone {
    const NAME: &'static str = "burst_zones";
    const NAME_ZH: &'static str = "冲击地压危险区";
    const GEOMETRY: GeomType = GeomType::Polygon;
    const FIELDS: &'static [FieldDef] =
        &[text_field("seam"), real_field("z_floor"), real_field("z_roof"), text_field("level"), int_field("relieved")];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let seam = r.text("seam");
        let z = ZRange::read(r);
        let level = r.enumerated("level");
        let relieved = r.flag("relieved");
        Some(Self { id, seam, outline: r.polygon()?, z, level, relieved })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, Geom::Polygon(self.outline.clone()));
        rec.set_text("seam", &self.seam);
        self.z.write(&mut rec);
        rec.set_text("level", &self.level.map(|k| k.as_str().to_string()));
        rec.set_flag("relieved", self.relieved);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn outline(&self) -> Option<&geo_types::Polygon<f64>> {
        Some(&self.outline)
    }
}
