//! LAS / LAZ / COPC point clouds through `las`: header, CRS, bounds, streamed chunked access.

/// What a point-cloud file says about itself (read from its header and VLRs, no points loaded).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CloudHeader {
    pub point_count: u64,
    /// [min_x, min_y, min_z, max_x, max_y, max_z] in the file's CRS.
    pub bounds: [f64; 6],
    /// "1.4" etc.
    pub version: String,
    pub point_format: u8,
    pub compressed: bool,
    /// CRS as "EPSG:n" when identifiable, else WKT; None when the file has none.
    pub crs: Option<String>,
}
