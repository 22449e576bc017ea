//! The typed 3D survey model of one mine (SURVEY-FORMAT.md), in one projected CRS.
//!
//! f64 world coordinates in the mine CRS: x = easting, y = northing, z = elevation (m).

pub mod kinds;
pub mod labels;
pub mod layers;
pub mod meta;
pub mod monitoring;
pub mod record;
pub mod short_text;

pub use kinds::{LayerKind, LayerSummary, LayerVisitor, LayerVisitorMut, Layers, ZRange};
pub use layers::*;
pub use meta::SurveyMeta;
pub use monitoring::{Daily, Reading, ReadingKind, Weather, WeatherLevel};
pub use short_text::ShortText;

use crate::borehole::Borehole;
use crate::error::Problem;
use std::path::PathBuf;

/// A georeferenced grid (e.g. a TEM apparent-resistivity slice), in the mine CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// The file stem (`geophysics/<name>.tif`).
    pub name: String,
    pub meta: GridMeta,
    pub width: usize,
    pub height: usize,
    /// GDAL geotransform: x = gt0 + col·gt1 + row·gt2, y = gt3 + col·gt4 + row·gt5 (cell corner).
    pub geotransform: [f64; 6],
    pub nodata: Option<f64>,
    /// Row-major values, `height` rows of `width`.
    pub values: Vec<f32>,
}

impl Grid {
    /// The value at column `col`, row `row`; None for nodata or out of range.
    pub fn value(&self, col: usize, row: usize) -> Option<f32> {
        if col >= self.width || row >= self.height {
            return None;
        }
        let v = self.values[row * self.width + col];
        match self.nodata {
            Some(nd) if (f64::from(v) - nd).abs() < 1e-9 || v.is_nan() => None,
            _ if v.is_nan() => None,
            _ => Some(v),
        }
    }
    /// World (x, y) of a cell centre.
    pub fn cell_center(&self, col: usize, row: usize) -> [f64; 2] {
        let (c, r) = (col as f64 + 0.5, row as f64 + 0.5);
        let g = &self.geotransform;
        [g[0] + c * g[1] + r * g[2], g[3] + c * g[4] + r * g[5]]
    }
    /// Plan bounds [min_x, min_y, max_x, max_y] of the grid's corners.
    pub fn bounds(&self) -> [f64; 4] {
        let g = &self.geotransform;
        let (w, h) = (self.width as f64, self.height as f64);
        let corners = [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)];
        let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for (c, r) in corners {
            let (x, y) = (g[0] + c * g[1] + r * g[2], g[3] + c * g[4] + r * g[5]);
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
        b
    }
    /// (min, max) of the valid values.
    pub fn value_range(&self) -> Option<(f32, f32)> {
        let mut it =
            (0..self.height).flat_map(|r| (0..self.width).map(move |c| (c, r))).filter_map(|(c, r)| self.value(c, r));
        let first = it.next()?;
        Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
    }
}

/// `geophysics/<name>.toml`: what a grid is.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct GridMeta {
    /// Survey method: tem, dc, seismic, radar, magnetic, gravity, other.
    pub method: Option<String>,
    /// Depth of the slice below surface, m.
    pub depth_m: Option<f64>,
    /// Elevation of the slice, m.
    pub elevation_m: Option<f64>,
    /// Unit of the values, e.g. "ohm_m".
    pub unit: Option<String>,
    /// Values below this are anomalous (e.g. low resistivity = water).
    pub anomaly_below: Option<f64>,
    pub anomaly_above: Option<f64>,
    /// Free description.
    pub description: Option<String>,
}

/// A LiDAR scan of an open pit; the points stay in the file and are streamed in chunks.
#[derive(Debug, Clone, PartialEq)]
pub struct PointCloudSource {
    /// The epoch (ISO date, the file stem).
    pub epoch: String,
    pub path: PathBuf,
    pub header: crate::io::pointcloud::CloudHeader,
}

/// One personnel-positioning fix (人员定位).
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    /// ISO 8601 with offset, as written.
    pub time: ShortText,
    pub person_id: ShortText,
    pub pos: [f64; 3],
}

/// One reading of a slope monitoring point (prism, GNSS, radar pixel; SLOPES.md
/// `monitoring/slope_points.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct SlopeReading {
    pub time: chrono::DateTime<chrono::FixedOffset>,
    pub point_id: String,
    pub pos: [f64; 3],
}

/// Everything known about one mine.
#[derive(Debug, Clone, Default)]
pub struct Survey {
    pub meta: SurveyMeta,
    pub layers: Layers,
    pub boreholes: Vec<Borehole>,
    pub grids: Vec<Grid>,
    pub point_clouds: Vec<PointCloudSource>,
    pub positioning: Vec<Fix>,
    /// Slope monitoring readings (open pits), as read (any order).
    pub slope_points: Vec<SlopeReading>,
    /// Monitoring sensor readings (MONITORING.md; `monitoring/readings.csv`, the store's
    /// `readings`), as read.
    pub readings: Vec<Reading>,
    /// Weather warnings (`monitoring/weather.csv`, the store's `weather`).
    pub weather: Vec<Weather>,
    /// The daily series of `monitoring/daily.csv`, sorted by date.
    pub daily: Vec<Daily>,
    /// The time of the latest event `minehaz watch` applied to the store (its clock), if any.
    pub watch_clock: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// The major-hazard ledger of a project store (LEDGER.md), replayed; None when the store
    /// has none (a survey folder never has one).
    pub ledger: Option<crate::ledger::Ledger>,
    /// Warnings met while reading (errors abort the read).
    pub warnings: Vec<Problem>,
    /// The file each vector layer was read from (for problem locations).
    pub layer_files: std::collections::BTreeMap<String, PathBuf>,
}
