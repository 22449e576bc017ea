//! Readers and writers at the edge: survey packages (folders), the GeoPackage project store,
//! single GDAL layers (DXF …), CSV tables, GeoTIFF grids, LAS/LAZ point clouds, CRS through PROJ.
//! Nothing past this module sees a `gdal::`, `proj::`, `shapefile::` or `las::` type.

pub mod audit;
pub mod crs;
pub mod csv_tables;
pub mod gdal_vector;
pub mod grid;
pub mod package;
pub mod pointcloud;
pub mod shp;
pub mod store;

use crate::error::{Location, Result};
use crate::model::Survey;
use crate::text;
use std::path::Path;

/// Open a survey from a survey folder or a project GeoPackage (`.gpkg`), interchangeably.
pub fn open(path: &Path) -> Result<Survey> {
    if path.is_dir() {
        package::read_package(path)
    } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gpkg")) {
        if !path.exists() {
            return Err(crate::Error::io(path, std::io::Error::from(std::io::ErrorKind::NotFound)));
        }
        store::read_store(path)
    } else if !path.exists() {
        Err(crate::Error::io(path, std::io::Error::from(std::io::ErrorKind::NotFound)))
    } else {
        Err(crate::Error::at(
            Location::file(path),
            text!("不是调查数据包目录或 .gpkg 工程文件", "neither a survey folder nor a .gpkg project file"),
        ))
    }
}
