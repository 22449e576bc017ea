//! Survey packages (folders, SURVEY-FORMAT.md): read and write.
use crate::error::Result;
use crate::model::Survey;
use std::path::Path;

/// Read a survey package folder.
pub fn read_package(_dir: &Path) -> Result<Survey> {
    Err(crate::Error::Internal("not yet".into()))
}

/// Write `survey` as a survey package folder at `dir` (created; must not exist or be empty):
/// survey.toml, layers.gpkg, boreholes/*.csv, geophysics/*.tif + .toml,
/// monitoring/positioning.csv. Point clouds are written separately (`pointcloud::write_las`).
pub fn write_package(_survey: &Survey, _dir: &Path) -> Result<()> {
    Err(crate::Error::Internal("not yet".into()))
}
