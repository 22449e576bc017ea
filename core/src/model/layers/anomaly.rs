//! 物探异常区 (geophysical anomaly) with its interpretation.
use crate::enumerated;
use crate::model::kinds::{record, LayerKind, ZRange};
use crate::model::record::*;
use geo_types::Polygon;

enumerated!(AnomalyMethod { Tem = "tem", Dc = "dc", Seismic = "seismic", Radar = "radar", Other = "other" });
enumerated!(Interpretation { Water = "water", Goaf = "goaf", Fault = "fault", Unknown = "unknown" });

#[derive(Debug, Clone, PartialEq)]
pub struct Anomaly {
    pub id: String,
    pub method: Option<AnomalyMethod>,
    pub interpretation: Option<Interpretation>,
    pub outline: Polygon<f64>,
    pub z: ZRange,
    pub verified: Option<bool>,
}

impl LayerKind for Anomaly {
    const NAME: &'static str = "anomalies";
    const NAME_ZH: &'static str = "物探异常区";
    const GEOMETRY: GeomType = GeomType::Polygon;
    const FIELDS: &'static [FieldDef] = &[
        text_field("method"),
        text_field("interpretation"),
        real_field("z_floor"),
        real_field("z_roof"),
        int_field("verified"),
    ];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let method = r.enumerated("method");
        let interpretation = r.enumerated("interpretation");
        let z = ZRange::read(r);
        let verified = r.flag("verified");
        Some(Self { id, method, interpretation, outline: r.polygon()?, z, verified })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, Geom::Polygon(self.outline.clone()));
        rec.set_text("method", &self.method.map(|k| k.as_str().to_string()));
        rec.set_text("interpretation", &self.interpretation.map(|k| k.as_str().to_string()));
        self.z.write(&mut rec);
        rec.set_flag("verified", self.verified);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn outline(&self) -> Option<&geo_types::Polygon<f64>> {
        Some(&self.outline)
    }
}
