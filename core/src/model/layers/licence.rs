//! 采矿许可证 boundary: one polygon (holes are excluded areas, e.g. under a village). Its
//! elevation range, seams and validity are in `survey.toml [licence]`.
use crate::model::kinds::{record, LayerKind};
use crate::model::record::*;
use geo_types::Polygon;

#[derive(Debug, Clone, PartialEq)]
pub struct Licence {
    pub id: String,
    pub boundary: Polygon<f64>,
}

impl LayerKind for Licence {
    const NAME: &'static str = "licence";
    const NAME_ZH: &'static str = "采矿许可范围";
    const GEOMETRY: GeomType = GeomType::Polygon;
    const FIELDS: &'static [FieldDef] = &[];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        Some(Self { id, boundary: r.polygon()? })
    }
    fn write(&self) -> Record {
        record(&self.id, Geom::Polygon(self.boundary.clone()))
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn outline(&self) -> Option<&geo_types::Polygon<f64>> {
        Some(&self.boundary)
    }
}
