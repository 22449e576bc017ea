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
    /// The polygon of a polygon kind (for validation without building a record).
    fn outline(&self) -> Option<&geo_types::Polygon<f64>> {
        None
    }
    /// The vertices of a line or point kind (polygons: see [`LayerKind::outline`]).
    fn vertices(&self) -> &[[f64; 3]] {
        &[]
    }
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
            /// Every layer name with its geometry type, in package order.
            pub const GEOMETRIES: &'static [(&'static str, GeomType)] =
                &[$((<$ty as LayerKind>::NAME, <$ty as LayerKind>::GEOMETRY)),+];
            /// Every layer name with its attribute fields, in package order.
            pub const FIELDS: &'static [(&'static str, &'static [FieldDef])] =
                &[$((<$ty as LayerKind>::NAME, <$ty as LayerKind>::FIELDS)),+];
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
    planned_drillholes: PlannedDrillhole,
    stop_points: StopPoint,
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

/// Count and 3D bounds of one layer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LayerSummary {
    pub name: &'static str,
    pub name_zh: &'static str,
    pub count: usize,
    /// [min_x, min_y, min_z, max_x, max_y, max_z]; z from vertices (lines, points) or from
    /// z_floor / z_roof where given (outlines). None when the layer is empty.
    pub bounds: Option<[f64; 6]>,
}

/// Grow `b` by a point.
pub fn grow(b: &mut Option<[f64; 6]>, x: f64, y: f64, z: Option<f64>) {
    let v = b.get_or_insert([
        f64::INFINITY,
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ]);
    v[0] = v[0].min(x);
    v[1] = v[1].min(y);
    v[3] = v[3].max(x);
    v[4] = v[4].max(y);
    if let Some(z) = z.filter(|z| z.is_finite()) {
        v[2] = v[2].min(z);
        v[5] = v[5].max(z);
    }
}

impl Layers {
    /// Count and bounds of every layer, in package order.
    pub fn summaries(&self) -> Vec<LayerSummary> {
        struct S(Vec<LayerSummary>);
        impl LayerVisitor for S {
            fn visit<K: LayerKind>(&mut self, items: &[K]) {
                let mut b = None;
                for f in items {
                    let r = f.write();
                    let zf = |k: &str| match r.get(k) {
                        Some(super::record::Value::Real(v)) => Some(*v),
                        _ => None,
                    };
                    match &r.geom {
                        Some(Geom::Polygon(p)) => {
                            for c in &p.exterior().0 {
                                grow(&mut b, c.x, c.y, zf("z_floor"));
                                grow(&mut b, c.x, c.y, zf("z_roof"));
                            }
                        }
                        Some(Geom::Line { coords, .. }) => {
                            coords.iter().for_each(|c| grow(&mut b, c[0], c[1], Some(c[2])))
                        }
                        Some(Geom::Point { pos, .. }) => grow(&mut b, pos[0], pos[1], Some(pos[2])),
                        None => {}
                    }
                }
                if let Some(v) = &mut b {
                    if !v[2].is_finite() {
                        v[2] = f64::NAN;
                        v[5] = f64::NAN;
                    }
                }
                self.0.push(LayerSummary { name: K::NAME, name_zh: K::NAME_ZH, count: items.len(), bounds: b });
            }
        }
        let mut s = S(Vec::new());
        self.visit(&mut s);
        s.0
    }
}
