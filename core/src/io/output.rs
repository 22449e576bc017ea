//! A layer to write: name, geometry type, fields and records (the derived layers of `derive`,
//! the plan of `plan`, …). Producers build these; the GeoPackage and DXF writers take them, so
//! that nothing in `io` needs to know where they came from.

use crate::model::record::{FieldType, GeomType, Record};

/// One layer to write.
#[derive(Debug, Clone)]
pub struct OutputLayer {
    pub name: String,
    pub geometry: GeomType,
    /// Fields besides `id`, in schema order.
    pub fields: Vec<(String, FieldType)>,
    pub records: Vec<Record>,
}
