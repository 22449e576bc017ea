//! The one small trait every vector layer kind implements, and the registry ([`Layers`]) that
//! holds one list per kind. Adding a kind adds a file and one line in [`Layers`], not `match`
//! arms across the code base.

use super::record::{FieldDef, FieldReader, Geom, GeomType, Record};
use crate::text;

/// A vector layer kind of SURVEY-FORMAT.md.
pub trait LayerKind: Sized + Clone + std::fmt::Debug {
    /// The layer name in a survey package and in the project store.
    const NAME: &'static str;
    /// 中文名 for reports and the UI.
    const NAME_ZH: &'static str;
    const GEOMETRY: GeomType;
    /// The attribute fields besides `id`, in schema order.
    const FIELDS: &'static [FieldDef];
    /// Type a record; every problem goes to the reader's collector. None when the feature is
    /// unusable (e.g. no geometry).
    fn read(r: &mut FieldReader<'_>) -> Option<Self>;
    /// The record to write (the inverse of [`LayerKind::read`]).
    fn write(&self) -> Record;
    fn id(&self) -> &str;
}

/// Elevation range of a 2D outline; `None` is open on that side.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct ZRange {
    pub floor_m: Option<f64>,
    pub roof_m: Option<f64>,
}

impl ZRange {
    /// Read `z_floor` / `z_roof`, checking that they are ordered and plausible.
    pub fn read(r: &mut FieldReader<'_>) -> Self {
        let floor_m = r.real_in("z_floor", -3000.0, 9000.0);
        let roof_m = r.real_in("z_roof", -3000.0, 9000.0);
        if let (Some(f), Some(t)) = (floor_m, roof_m) {
            if f > t {
                r.problems.error(
                    r.at.clone().field("z_floor"),
                    text!("z_floor ({}) 高于 z_roof ({})", "z_floor ({}) is above z_roof ({})", f, t),
                );
            }
        }
        Self { floor_m, roof_m }
    }
    pub fn write(&self, rec: &mut Record) {
        rec.set_real("z_floor", self.floor_m);
        rec.set_real("z_roof", self.roof_m);
    }
    /// Does `[lo, hi]` overlap this range (open bounds unbounded, touching counts)?
    pub fn overlaps(&self, lo: f64, hi: f64) -> bool {
        self.floor_m.is_none_or(|f| hi >= f) && self.roof_m.is_none_or(|t| lo <= t)
    }
}

/// Start a record for a feature: geometry and id.
pub fn record(id: &str, geom: Geom) -> Record {
    let mut r = Record::new(0, Some(geom));
    r.set("id", super::record::Value::Text(id.to_string()));
    r
}

/// A line record with Z.
pub fn line_geom(coords: &[[f64; 3]]) -> Geom {
    Geom::Line { coords: coords.to_vec(), has_z: true }
}

/// Visits every layer list of [`Layers`] with its concrete kind.
pub trait LayerVisitor {
    fn visit<K: LayerKind>(&mut self, items: &[K]);
}

/// Visits every layer list mutably.
pub trait LayerVisitorMut {
    fn visit<K: LayerKind>(&mut self, items: &mut Vec<K>);
}

macro_rules! layers_registry {
    ($($field:ident : $ty:ty),+ $(,)?) => {
        /// One list per vector layer kind.
        #[derive(Debug, Clone, Default)]
        pub struct Layers { $(pub $field: Vec<$ty>),+ }

        impl Layers {
            /// Every layer name, in package order.
            pub const NAMES: &'static [&'static str] = &[$(<$ty as LayerKind>::NAME),+];
            pub fn visit(&self, v: &mut impl LayerVisitor) { $(v.visit(&self.$field);)+ }
            pub fn visit_mut(&mut self, v: &mut impl LayerVisitorMut) { $(v.visit(&mut self.$field);)+ }
        }
    };
}

use super::layers::*;
layers_registry! {
    licence: Licence,
    goaf: Goaf,
    water_bodies: WaterBody,
    faults: Fault,
    collapse_columns: CollapseColumn,
    gas_zones: GasZone,
    burst_zones: BurstZone,
    fire_zones: FireZone,
    anomalies: Anomaly,
    zones: Zone,
    workings: Working,
    drillholes: Drillhole,
    geochem: Geochem,
    slope_design: SlopeDesign,
}

impl Layers {
    /// Feature count per layer, in package order.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        struct C(Vec<(&'static str, usize)>);
        impl LayerVisitor for C {
            fn visit<K: LayerKind>(&mut self, items: &[K]) {
                self.0.push((K::NAME, items.len()));
            }
        }
        let mut c = C(Vec::new());
        self.visit(&mut c);
        c.0
    }
}
