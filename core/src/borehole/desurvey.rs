//! Minimum curvature desurvey.
use super::{Collar, Station};

/// A desurveyed hole: positions at measured depths.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    /// (measured depth m, [x, y, z]) at each station, starting at the collar (md 0).
    pub points: Vec<(f64, [f64; 3])>,
}

pub fn desurvey(_collar: &Collar, _stations: &[Station]) -> Trajectory {
    Trajectory { points: Vec::new() }
}
