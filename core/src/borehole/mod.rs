//! Boreholes (钻探): collar, down-hole survey stations and intervals, desurveyed into 3D
//! trajectories by the minimum curvature method.

pub mod correlate;
pub mod desurvey;
pub mod seam;

pub use desurvey::{desurvey, Trajectory};

/// Collar: the top of the hole.
#[derive(Debug, Clone, PartialEq)]
pub struct Collar {
    pub id: String,
    pub x: f64,
    pub y: f64,
    /// Elevation, m.
    pub z: f64,
    /// Total drilled depth (measured along the hole), m.
    pub depth_m: Option<f64>,
    pub drilled_at: Option<String>,
}

/// A down-hole survey station.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Station {
    /// Measured depth along the hole, m.
    pub depth_m: f64,
    /// Clockwise from grid north, degrees.
    pub azimuth_deg: f64,
    /// Negative downward (-90 = vertically down), degrees.
    pub dip_deg: f64,
}

/// A down-hole interval (lithology, seam, water, gas).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Interval {
    pub from_m: f64,
    pub to_m: f64,
    pub lithology: Option<String>,
    pub seam: Option<String>,
    pub water_inflow_m3h: Option<f64>,
    pub gas_content_m3t: Option<f64>,
    pub gas_pressure_mpa: Option<f64>,
}

/// A borehole with its stations (sorted by depth; empty = vertical) and intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct Borehole {
    pub collar: Collar,
    pub stations: Vec<Station>,
    pub intervals: Vec<Interval>,
}

impl Borehole {
    /// The desurveyed trajectory (minimum curvature).
    pub fn trajectory(&self) -> Trajectory {
        desurvey(&self.collar, &self.stations)
    }
}
