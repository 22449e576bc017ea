//! The GeoPackage project store.
use crate::error::Result;
use crate::model::Survey;
use std::path::Path;

pub fn read_store(_path: &Path) -> Result<Survey> {
    Err(crate::Error::Internal("not yet".into()))
}
