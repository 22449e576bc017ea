//! Open-pit slope design polygons (边坡设计参数).
use crate::model::kinds::{record, LayerKind};
use crate::model::record::*;
use geo_types::Polygon;

#[derive(Debug, Clone, PartialEq)]
pub struct SlopeDesign {
    pub id: String,
    pub outline: Polygon<f64>,
    pub bench_height_max_m: Option<f64>,
    pub berm_width_min_m: Option<f64>,
    pub bench_angle_max_deg: Option<f64>,
    pub overall_angle_max_deg: Option<f64>,
}

impl LayerKind for SlopeDesign {
    const NAME: &'static str = "slope_design";
    const NAME_ZH: &'static str = "边坡设计";
    const GEOMETRY: GeomType = GeomType::Polygon;
    const FIELDS: &'static [FieldDef] = &[
        real_field("bench_height_max_m"),
        real_field("berm_width_min_m"),
        real_field("bench_angle_max_deg"),
        real_field("overall_angle_max_deg"),
    ];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let bench_height_max_m = r.real_in("bench_height_max_m", 0.0, 200.0);
        let berm_width_min_m = r.real_in("berm_width_min_m", 0.0, 200.0);
        let bench_angle_max_deg = r.real_in("bench_angle_max_deg", 0.0, 90.0);
        let overall_angle_max_deg = r.real_in("overall_angle_max_deg", 0.0, 90.0);
        Some(Self {
            id,
            outline: r.polygon()?,
            bench_height_max_m,
            berm_width_min_m,
            bench_angle_max_deg,
            overall_angle_max_deg,
        })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, Geom::Polygon(self.outline.clone()));
        rec.set_real("bench_height_max_m", self.bench_height_max_m);
        rec.set_real("berm_width_min_m", self.berm_width_min_m);
        rec.set_real("bench_angle_max_deg", self.bench_angle_max_deg);
        rec.set_real("overall_angle_max_deg", self.overall_angle_max_deg);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn outline(&self) -> Option<&geo_types::Polygon<f64>> {
        Some(&self.outline)
    }
}
