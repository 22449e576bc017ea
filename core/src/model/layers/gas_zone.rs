//! 瓦斯富集区 (gas-rich zone).
use crate::model::kinds::{record, LayerKind, ZRange};
use crate::model::record::*;
use geo_types::Polygon;

#[derive(Debug, Clone, PartialEq)]
pub struct GasZone {
    pub id: String,
    pub seam: Option<String>,
    pub outline: Polygon<f64>,
    pub z: ZRange,
    pub gas_content_m3t: Option<f64>,
    pub gas_pressure_mpa: Option<f64>,
    pub outburst_prone: Option<bool>,
    /// 抽采达标.
    pub drained: Option<bool>,
}

impl LayerKind for GasZone {
    const NAME: &'static str = "gas_zones";
    const NAME_ZH: &'static str = "瓦斯富集区";
    const GEOMETRY: GeomType = GeomType::Polygon;
    const FIELDS: &'static [FieldDef] = &[
        text_field("seam"),
        real_field("z_floor"),
        real_field("z_roof"),
        real_field("gas_content_m3t"),
        real_field("gas_pressure_mpa"),
        int_field("outburst_prone"),
        int_field("drained"),
    ];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let seam = r.text("seam");
        let z = ZRange::read(r);
        let gas_content_m3t = r.real_in("gas_content_m3t", 0.0, 200.0);
        let gas_pressure_mpa = r.real_in("gas_pressure_mpa", 0.0, 50.0);
        let outburst_prone = r.flag("outburst_prone");
        let drained = r.flag("drained");
        Some(Self { id, seam, outline: r.polygon()?, z, gas_content_m3t, gas_pressure_mpa, outburst_prone, drained })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, Geom::Polygon(self.outline.clone()));
        rec.set_text("seam", &self.seam);
        self.z.write(&mut rec);
        rec.set_real("gas_content_m3t", self.gas_content_m3t);
        rec.set_real("gas_pressure_mpa", self.gas_pressure_mpa);
        rec.set_flag("outburst_prone", self.outburst_prone);
        rec.set_flag("drained", self.drained);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn outline(&self) -> Option<&geo_types::Polygon<f64>> {
        Some(&self.outline)
    }
}
