//! Open-pit slopes from LiDAR (SLOPES.md): the surface model of an epoch ([`dem`]), benches
//! along profiles per `slope_design` sector ([`bench`]), and the monitoring points
//! ([`monitor`]).
//!
//! [`measure`] is what `check` runs: the DEM of the latest epoch at or before as-of over the
//! sectors (plus a margin), every sector measured in parallel. Sectors that cannot be measured
//! (no points under them, no bench face) are reported as not evaluated, never as compliant.
//! [`epochs`] is what `minehaz slope` adds: the DEM of every epoch over the whole cloud and the
//! difference of the two latest.

pub mod bench;
pub mod dem;
pub mod monitor;
pub mod output;

use crate::error::Result;
use crate::i18n::Text;
use crate::model::{PointCloudSource, SlopeDesign, Survey};
use crate::rules::Params;
use crate::text;
use bench::{BenchParams, SectorMeasure};
use chrono::NaiveDate;
use dem::Dem;
use rayon::prelude::*;

/// The rules measured from the point cloud.
pub const MEASURED_RULES: [&str; 4] =
    ["slope.bench_height", "slope.berm_width", "slope.bench_angle", "slope.overall_angle"];

/// One sector's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Sector {
    pub id: String,
    pub measure: SectorMeasure,
    /// Why the sector (or some of its values) could not be measured.
    pub unmeasured: Option<Text>,
}

/// The slope measurement of one mine, as of a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// The epoch measured (the latest at or before as-of).
    pub epoch: String,
    pub dem: Dem,
    pub sectors: Vec<Sector>,
}

/// The point-cloud epochs of a survey with a date in their name, oldest first.
pub fn dated_epochs(s: &Survey) -> Vec<(NaiveDate, &PointCloudSource)> {
    let mut v: Vec<_> =
        s.point_clouds.iter().filter_map(|p| crate::model::record::parse_iso_date(&p.epoch).map(|d| (d, p))).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.path.cmp(&b.1.path)));
    v
}

/// Why the measured slope rules cannot run, when they cannot (no sectors, no dated epoch at or
/// before as-of).
pub fn unmeasurable(s: &Survey, as_of: NaiveDate) -> Option<Text> {
    if s.layers.slope_design.is_empty() {
        return Some(text!("缺少边坡设计分区（图层 slope_design）", "no slope design sectors (layer slope_design)"));
    }
    if s.point_clouds.is_empty() {
        return Some(text!(
            "台阶几何尚未由激光雷达点云实测（缺少 pointclouds/<日期>.las|laz）",
            "bench geometry has not been measured from a LiDAR point cloud (no pointclouds/<date>.las|laz)"
        ));
    }
    let dated = dated_epochs(s);
    if dated.is_empty() {
        return Some(text!(
            "点云文件名不是观测日期（应为 pointclouds/2026-03-15.laz 等），无法确定最新一期",
            "no point-cloud file is named by its epoch date (e.g. pointclouds/2026-03-15.laz): the latest epoch is unknown"
        ));
    }
    if !dated.iter().any(|(d, _)| *d <= as_of) {
        return Some(text!(
            "检查日期 {} 之前没有点云（最早一期 {}）",
            "no point cloud on or before the as-of date {} (the first epoch is {})",
            as_of,
            dated[0].0
        ));
    }
    None
}

/// The box of the sectors, grown by `m` metres.
fn sectors_box(sd: &[SlopeDesign], m: f64) -> [f64; 4] {
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for d in sd {
        for c in d.outline.exterior().coords() {
            b = [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)];
        }
    }
    [b[0] - m, b[1] - m, b[2] + m, b[3] + m]
}

/// Measure every sector on a DEM.
pub fn measure_sectors(dem: &Dem, sd: &[SlopeDesign], p: &BenchParams) -> Vec<Sector> {
    sd.par_iter()
        .map(|d| {
            let measure = bench::measure_sector(dem, &d.outline, p);
            let unmeasured = if measure.cells == 0 {
                Some(text!("分区 {} 内没有点云数据", "sector {}: no point-cloud data under it", d.id))
            } else if measure.dip_azimuth_deg.is_none() {
                Some(text!(
                    "分区 {} 地表无坡度，无法确定倾向",
                    "sector {}: the surface has no slope (no dip direction)",
                    d.id
                ))
            } else if measure.with_benches == 0 {
                Some(text!(
                    "分区 {} 的 {} 条剖面上没有台阶坡面",
                    "sector {}: none of its {} profiles crosses a bench face",
                    d.id,
                    measure.profiles.len()
                ))
            } else if measure.berm_width.is_none() {
                Some(text!(
                    "分区 {} 的剖面上没有平台（平台宽度未实测）",
                    "sector {}: no berm on its profiles (berm width not measured)",
                    d.id
                ))
            } else {
                None
            };
            Sector { id: d.id.clone(), measure, unmeasured }
        })
        .collect()
}

/// Measure the slopes of a survey as of a date: None when the rules cannot run (see
/// [`unmeasurable`]). Errors are the point file's (unreadable, corrupt).
pub fn measure(s: &Survey, params: &Params, as_of: NaiveDate) -> Result<Option<Measurement>> {
    if unmeasurable(s, as_of).is_some() {
        return Ok(None);
    }
    let Some((_, src)) = dated_epochs(s).into_iter().rev().find(|(d, _)| *d <= as_of) else { return Ok(None) };
    let cell = params.get("slope_dem_cell_m");
    let margin = 4.0 * cell + params.get("slope_angle_window_m");
    let dem = Dem::from_file(&src.path, cell, Some(sectors_box(&s.layers.slope_design, margin)))?;
    let sectors = measure_sectors(&dem, &s.layers.slope_design, &BenchParams::from(params));
    Ok(Some(Measurement { epoch: src.epoch.clone(), dem, sectors }))
}

/// The DEM of every dated epoch over the whole cloud, oldest first (`minehaz slope --out`).
pub fn epochs(s: &Survey, params: &Params) -> Result<Vec<(String, Dem)>> {
    let cell = params.get("slope_dem_cell_m");
    let mut out = Vec::new();
    for (_, src) in dated_epochs(s) {
        out.push((src.epoch.clone(), Dem::from_file(&src.path, cell, None)?));
    }
    Ok(out)
}

/// Cut and fill (m³) of a difference grid inside a polygon, over cells with |Δz| > `min`.
pub fn volumes(dod: &Dem, poly: &geo_types::Polygon<f64>, min: f64) -> (f64, f64) {
    let area = dod.cell * dod.cell;
    let (mut cut, mut fill) = (0.0, 0.0);
    bench::each_cell_in(dod, poly, |i, j| {
        let v = f64::from(dod.z[j * dod.nx + i]);
        if v.abs() > min {
            if v < 0.0 {
                cut -= v * area;
            } else {
                fill += v * area;
            }
        }
    });
    (cut, fill)
}
