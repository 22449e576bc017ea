//! 断层: a trace in plan with throw, dip and dip direction; the trace lies at `z_ref`.
use crate::model::kinds::{record, LayerKind};
use crate::model::record::*;

#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub id: String,
    pub name: Option<String>,
    /// Trace vertices (x, y, z); z is the source Z, or `z_ref` (else 0) for a 2D source.
    pub trace: Vec<[f64; 3]>,
    pub throw_m: Option<f64>,
    pub dip_deg: Option<f64>,
    pub dip_dir_deg: Option<f64>,
    /// Elevation of the trace, m.
    pub z_ref_m: Option<f64>,
    pub water_conducting: Option<bool>,
    pub pressure_mpa: Option<f64>,
    /// Designed pillar width per side, m.
    pub pillar_m: Option<f64>,
}

impl LayerKind for Fault {
    const NAME: &'static str = "faults";
    const NAME_ZH: &'static str = "断层";
    const GEOMETRY: GeomType = GeomType::LineString;
    const FIELDS: &'static [FieldDef] = &[
        text_field("name"),
        real_field("throw_m"),
        real_field("dip_deg"),
        real_field("dip_dir_deg"),
        real_field("z_ref"),
        int_field("water_conducting"),
        real_field("pressure_mpa"),
        real_field("pillar_m"),
    ];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let name = r.text("name");
        let throw_m = r.real_in("throw_m", -5000.0, 5000.0);
        let dip_deg = r.real_in("dip_deg", 0.0, 90.0);
        let dip_dir_deg = r.real_in("dip_dir_deg", 0.0, 360.0);
        let z_ref_m = r.real_in("z_ref", -3000.0, 9000.0);
        let water_conducting = r.flag("water_conducting");
        let pressure_mpa = r.real_in("pressure_mpa", 0.0, 100.0);
        let pillar_m = r.real_in("pillar_m", 0.0, 2000.0);
        let has_z = matches!(r.rec.geom, Some(Geom::Line { has_z: true, .. }));
        let mut trace = r.line(false)?;
        if !has_z {
            let z = z_ref_m.unwrap_or(0.0);
            trace.iter_mut().for_each(|c| c[2] = z);
        }
        Some(Self { id, name, trace, throw_m, dip_deg, dip_dir_deg, z_ref_m, water_conducting, pressure_mpa, pillar_m })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, crate::model::kinds::line_geom(&self.trace));
        rec.set_text("name", &self.name);
        rec.set_real("throw_m", self.throw_m);
        rec.set_real("dip_deg", self.dip_deg);
        rec.set_real("dip_dir_deg", self.dip_dir_deg);
        rec.set_real("z_ref", self.z_ref_m);
        rec.set_flag("water_conducting", self.water_conducting);
        rec.set_real("pressure_mpa", self.pressure_mpa);
        rec.set_real("pillar_m", self.pillar_m);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn vertices(&self) -> &[[f64; 3]] {
        &self.trace
    }
}
