//! # minehaz-core
//!
//! The model, I/O, validation, spatial index and rules of minehaz, the 3D GIS for the survey of hidden
//! hazard-causing factors in mines (矿山隐蔽致灾因素普查). No GPU, no UI, no windowing: a CLI, a
//! server or a test can use everything here.
//!
//! Data flows one way: files ([`io`]) → the typed, validated [`model::Survey`] in one projected
//! CRS per mine → rules and analysis → findings. Native libraries (GDAL, PROJ, `shapefile`,
//! `las`) are used only inside [`io`]; nothing past a reader sees their types.
//!
//! Coordinates are f64 world coordinates in the mine CRS (x = easting, y = northing,
//! z = elevation in metres).

pub mod borehole;
pub mod error;
pub mod geometry;
pub mod i18n;
pub mod index;
pub mod io;
pub mod ledger;
pub mod live;
pub mod model;
pub mod placement;
pub mod plan;
pub mod rollup;
pub mod rules;
pub mod slope;
#[cfg(test)]
mod test_rng;
pub mod validate;

pub use error::{Error, Location, Problem, Result, Severity};
pub use model::Survey;
