//! 含水体: aquifers, surface water, karst, reservoirs, rivers, old wells.
use crate::enumerated;
use crate::model::kinds::{record, LayerKind, ZRange};
use crate::model::record::*;
use geo_types::Polygon;

enumerated!(WaterBodyKind {
    Aquifer = "aquifer",
    Surface = "surface",
    Karst = "karst",
    Reservoir = "reservoir",
    River = "river",
    OldWell = "old_well",
});

#[derive(Debug, Clone, PartialEq)]
pub struct WaterBody {
    pub id: String,
    pub name: Option<String>,
    pub kind: Option<WaterBodyKind>,
    pub outline: Polygon<f64>,
    pub z: ZRange,
    /// Water level elevation, m.
    pub head_m: Option<f64>,
    pub pressure_mpa: Option<f64>,
}

impl LayerKind for WaterBody {
    const NAME: &'static str = "water_bodies";
    const NAME_ZH: &'static str = "含水体";
    const GEOMETRY: GeomType = GeomType::Polygon;
    const FIELDS: &'static [FieldDef] = &[
        text_field("name"),
        text_field("kind"),
        real_field("z_floor"),
        real_field("z_roof"),
        real_field("head"),
        real_field("pressure_mpa"),
    ];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let name = r.text("name");
        let kind = r.enumerated("kind");
        let z = ZRange::read(r);
        let head_m = r.real_in("head", -3000.0, 9000.0);
        let pressure_mpa = r.real_in("pressure_mpa", 0.0, 100.0);
        Some(Self { id, name, kind, outline: r.polygon()?, z, head_m, pressure_mpa })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, Geom::Polygon(self.outline.clone()));
        rec.set_text("name", &self.name);
        rec.set_text("kind", &self.kind.map(|k| k.as_str().to_string()));
        self.z.write(&mut rec);
        rec.set_real("head", self.head_m);
        rec.set_real("pressure_mpa", self.pressure_mpa);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn outline(&self) -> Option<&geo_types::Polygon<f64>> {
        Some(&self.outline)
    }
}
