//! Point clouds (LiDAR scans of an open pit), layer `pointcloud`: the **latest epoch** (the
//! greatest ISO date of `survey.point_clouds`) is drawn, or the one `SceneOptions::epoch` names
//! (the viewer's epoch switch).
//!
//! The file is streamed with [`CloudReader`] in chunks of [`READ_CHUNK`] points, never read
//! whole. At most `SceneOptions::max_points` points are kept (0 = [`DEFAULT_MAX_POINTS`]) by
//! uniform subsampling across the file: every k-th point with k = ⌈count / max⌉. Kept points
//! are bucketed into square tiles of [`TILE_M`] in plan (local coordinates), one
//! [`crate::scene::PointChunk`] per tile with its bounds, tiles in row-major order. Each tile's
//! points are shuffled deterministically (seeded by the tile), so drawing the first n points of
//! a tile is an unbiased subsample: level of detail by truncation. Points are coloured
//! ([`PointColour`]) by elevation on the ramp ([`style::ramp`], over the header's z range), by
//! ASPRS class (legend of the classes present), by intensity (grey, 2nd–98th percentile), or by
//! the vertical change from the previous epoch (DEM of difference: the point's z minus the
//! bilinear elevation of the older scan's DEM, a signed blue–white–red ramp symmetric about 0,
//! mm to m as the data need; points the older scan does not cover are grey and counted in the
//! legend).
//!
//! A read error is recorded in the input's problems: `render` refuses to write an image of a
//! cloud it could not read, the viewer shows the message.

use super::geom::Legend;
use crate::scene::style::{self, Rgba};
use crate::scene::{Input, LineVertex, PointChunk, RampLegend, SceneLayer, Visualizer};
use minehaz_core::i18n::tr;
use minehaz_core::io::pointcloud::CloudReader;
use minehaz_core::model::PointCloudSource;
use std::collections::BTreeMap;

/// Points kept per epoch when `SceneOptions::max_points` is 0.
pub const DEFAULT_MAX_POINTS: usize = 2_000_000;
/// Side of a point tile, m.
pub const TILE_M: f64 = 100.0;
/// Points read per chunk.
pub const READ_CHUNK: usize = 1 << 16;

pub struct PointCloudVisualizer;

/// What the points are coloured by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PointColour {
    /// 高程 elevation.
    #[default]
    Elevation,
    /// ASPRS 分类 classification.
    Class,
    /// 强度 intensity.
    Intensity,
    /// 与上一期的高程变化 vertical change since the previous epoch (DEM of difference).
    Change,
}

/// Cell of the older epoch's DEM the change is measured against, m.
pub const CHANGE_DEM_CELL_M: f64 = 1.0;

/// The epoch drawn: the latest.
pub fn latest(sources: &[PointCloudSource]) -> Option<&PointCloudSource> {
    sources.iter().max_by(|a, b| a.epoch.cmp(&b.epoch))
}

/// The epoch drawn: `wanted` when the survey has it, else the latest.
pub fn chosen<'a>(sources: &'a [PointCloudSource], wanted: Option<&str>) -> Option<&'a PointCloudSource> {
    wanted.and_then(|w| sources.iter().find(|s| s.epoch == w)).or_else(|| latest(sources))
}

/// The epoch before `src` (the greatest earlier date), for change colouring.
pub fn previous<'a>(sources: &'a [PointCloudSource], src: &PointCloudSource) -> Option<&'a PointCloudSource> {
    sources.iter().filter(|s| s.epoch < src.epoch).max_by(|a, b| a.epoch.cmp(&b.epoch))
}

/// ASPRS standard class colours and names (LAS 1.4 R15, table 17).
pub fn class_style(class: u8) -> (Rgba, &'static str, &'static str) {
    match class {
        2 => (style::hex(0xa0522d), "地面", "ground"),
        3 => (style::hex(0x9acd32), "低植被", "low vegetation"),
        4 => (style::hex(0x3cb371), "中植被", "medium vegetation"),
        5 => (style::hex(0x006400), "高植被", "high vegetation"),
        6 => (style::hex(0xd7301f), "建筑", "building"),
        7 => (style::hex(0xff00ff), "噪点", "noise"),
        9 => (style::hex(0x1f78b4), "水体", "water"),
        17 => (style::hex(0x808000), "桥面", "bridge deck"),
        0 | 1 => (style::hex(0xb0b0b0), "未分类", "unclassified"),
        _ => (style::hex(0x6a3d9a), "其他类别", "other class"),
    }
}

/// The diverging change ramp at `t` in [-1, 1]: blue (lowered, cut) – white – red (raised,
/// fill or bulging).
pub fn change_ramp(t: f32) -> Rgba {
    let t = if t.is_nan() { 0.0 } else { t.clamp(-1.0, 1.0) };
    let (blue, white, red) = (style::hex(0x2166ac), style::hex(0xf7f7f7), style::hex(0xb2182b));
    let (a, b, f) = if t < 0.0 { (white, blue, -t) } else { (white, red, t) };
    [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f, 1.0]
}

/// The half-width of a change ramp: the 98th percentile of |change| (`abs`, reordered), so that
/// a few outliers do not wash the ramp out; at least 1 cm.
pub fn change_span(abs: &mut [f32]) -> f32 {
    let span = quantile(abs, 0.98).max(0.01);
    if span.is_finite() {
        span
    } else {
        1.0
    }
}

/// The legend of a change ramp of half-width `span` m between epochs `now` and `before`, in mm
/// under a metre.
pub fn change_legend(now: &str, before: &str, span: f32) -> RampLegend {
    let (unit, k) = if span < 1.0 { ("mm", 1000.0) } else { ("m", 1.0) };
    RampLegend {
        title_zh: format!("高程变化 {now} − {before}"),
        title_en: format!("elevation change {now} − {before}"),
        min: -span * k,
        max: span * k,
        unit: unit.into(),
        colors: (0..=8).map(|i| change_ramp(i as f32 / 4.0 - 1.0)).collect(),
    }
}

/// The grey of points without an older scan under them.
pub fn no_change_data() -> Rgba {
    style::hex(0x9e9e9e)
}

/// A value of every kept point, by mode, before colouring.
#[derive(Clone, Copy)]
enum Attr {
    Z(f32),
    Class(u8),
    Intensity(u16),
    Change(f32),
}

/// A kept point: its local position and the value it is coloured by.
type Kept = ([f32; 3], Attr);

/// The `q`-quantile of `v` (sorted in place); NaN when empty.
pub(crate) fn quantile(v: &mut [f32], q: f32) -> f32 {
    if v.is_empty() {
        return f32::NAN;
    }
    v.sort_by(f32::total_cmp);
    v[((v.len() - 1) as f32 * q).round() as usize]
}

/// splitmix64: a small, good, deterministic generator.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Fisher–Yates shuffle seeded by `seed`.
fn shuffle<T>(v: &mut [T], seed: u64) {
    let mut s = seed;
    for i in (1..v.len()).rev() {
        let j = (splitmix(&mut s) % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

/// The colouring of a prepared cloud: its legend (a ramp or class entries).
pub struct Colouring {
    pub ramp: Option<RampLegend>,
    pub legend: Vec<crate::scene::LegendEntry>,
}

/// Stream one cloud into shuffled tiles of at most `max_points` points in all, coloured by
/// elevation.
#[cfg(test)]
pub fn tiles(input: &Input<'_>, src: &PointCloudSource, max_points: usize) -> Vec<PointChunk> {
    tiles_coloured(input, src, max_points, PointColour::Elevation, None).0
}

/// Stream one cloud into shuffled tiles of at most `max_points` points, coloured by `mode`
/// (`older`: the DEM of the previous epoch, for [`PointColour::Change`]).
pub fn tiles_coloured(
    input: &Input<'_>,
    src: &PointCloudSource,
    max_points: usize,
    mode: PointColour,
    older: Option<&minehaz_core::slope::dem::Dem>,
) -> (Vec<PointChunk>, Colouring) {
    let max_points = if max_points == 0 { DEFAULT_MAX_POINTS } else { max_points };
    let h = &src.header;
    let (zlo, zhi) = (h.bounds[2] as f32, h.bounds[5] as f32);
    let k = h.point_count.div_ceil(max_points as u64).max(1);
    let mut buckets: BTreeMap<(i64, i64), Vec<Kept>> = BTreeMap::new();
    let empty = Colouring { ramp: None, legend: Vec::new() };
    let mut reader = match CloudReader::open(&src.path) {
        Ok(r) => r,
        Err(e) => {
            input.problems.borrow_mut().push(format!(
                "{} {}: {e}",
                tr("点云无法读取", "point cloud unreadable"),
                src.path.display()
            ));
            return (Vec::new(), empty);
        }
    };
    let mut buf = Vec::with_capacity(READ_CHUNK);
    let (mut index, mut kept) = (0u64, 0usize);
    'read: loop {
        match reader.next_chunk(READ_CHUNK, &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                input.problems.borrow_mut().push(format!(
                    "{} {} ({} {kept}): {e}",
                    tr("点云读取中断", "point cloud read stopped"),
                    src.path.display(),
                    tr("已读点数", "points read")
                ));
                break;
            }
        }
        for p in &buf {
            let take = index % k == 0;
            index += 1;
            if !take || !p.pos.iter().all(|c| c.is_finite()) {
                continue;
            }
            if kept >= max_points {
                break 'read;
            }
            let (lx, ly) = (p.pos[0] - input.origin[0], p.pos[1] - input.origin[1]);
            let key = ((lx / TILE_M).floor() as i64, (ly / TILE_M).floor() as i64);
            let attr = match mode {
                PointColour::Elevation => Attr::Z(p.pos[2] as f32),
                PointColour::Class => Attr::Class(p.class),
                PointColour::Intensity => Attr::Intensity(p.intensity),
                PointColour::Change => {
                    Attr::Change(older.map_or(f32::NAN, |d| (p.pos[2] - d.sample(p.pos[0], p.pos[1])) as f32))
                }
            };
            buckets.entry((key.1, key.0)).or_default().push((input.local(p.pos), attr));
            kept += 1;
        }
    }
    // The ranges the colours need, from the kept points.
    let values = |f: &dyn Fn(Attr) -> Option<f32>| -> Vec<f32> {
        buckets.values().flatten().filter_map(|(_, a)| f(*a)).filter(|v| v.is_finite()).collect()
    };
    let (colouring, colour): (Colouring, Box<dyn Fn(Attr) -> Rgba>) = match mode {
        PointColour::Elevation => (
            Colouring {
                ramp: Some(RampLegend::elevation(
                    format!("点云高程 {}", src.epoch),
                    format!("point cloud elevation {}", src.epoch),
                    zlo,
                    zhi,
                )),
                legend: Vec::new(),
            },
            Box::new(move |a| match a {
                Attr::Z(z) => style::ramp(style::normalize(z, zlo, zhi)),
                _ => no_change_data(),
            }),
        ),
        PointColour::Intensity => {
            let mut v = values(&|a| match a {
                Attr::Intensity(i) => Some(f32::from(i)),
                _ => None,
            });
            let (lo, hi) = (quantile(&mut v, 0.02), quantile(&mut v, 0.98));
            let grey = |t: f32| [t, t, t, 1.0];
            (
                Colouring {
                    ramp: Some(RampLegend {
                        title_zh: format!("点云强度 {}", src.epoch),
                        title_en: format!("point cloud intensity {}", src.epoch),
                        min: lo,
                        max: hi,
                        unit: String::new(),
                        colors: (0..=8).map(|i| grey(style::srgb_to_linear(0.1 + 0.85 * i as f32 / 8.0))).collect(),
                    }),
                    legend: Vec::new(),
                },
                Box::new(move |a| match a {
                    Attr::Intensity(i) => {
                        grey(style::srgb_to_linear(0.1 + 0.85 * style::normalize(f32::from(i), lo, hi)))
                    }
                    _ => no_change_data(),
                }),
            )
        }
        PointColour::Class => {
            let mut legend = Legend::default();
            let mut present: Vec<u8> = buckets
                .values()
                .flatten()
                .filter_map(|(_, a)| match a {
                    Attr::Class(c) => Some(*c),
                    _ => None,
                })
                .collect();
            present.sort_unstable();
            present.dedup();
            for c in present {
                let (color, zh, en) = class_style(c);
                legend.add(color, &format!("{zh} ({c})"), &format!("{en} ({c})"));
            }
            (
                Colouring { ramp: None, legend: legend.into_entries() },
                Box::new(|a| match a {
                    Attr::Class(c) => class_style(c).0,
                    _ => no_change_data(),
                }),
            )
        }
        PointColour::Change => {
            let mut v = values(&|a| match a {
                Attr::Change(d) => Some(d.abs()),
                _ => None,
            });
            let covered = v.len();
            // Symmetric about 0, to the 98th percentile of |change| (a few outliers do not wash
            // the ramp out), at least 1 cm.
            let span = change_span(&mut v);
            let mut legend = Legend::default();
            if covered < kept {
                legend.add(
                    no_change_data(),
                    &format!("上一期未覆盖（{} 点）", kept - covered),
                    &format!("not covered by the previous epoch ({} points)", kept - covered),
                );
            }
            let before = previous(&input.survey.point_clouds, src).map_or("—".to_string(), |p| p.epoch.clone());
            (
                Colouring { ramp: Some(change_legend(&src.epoch, &before, span)), legend: legend.into_entries() },
                Box::new(move |a| match a {
                    Attr::Change(d) if d.is_finite() => change_ramp(d / span),
                    _ => no_change_data(),
                }),
            )
        }
    };
    let chunks = buckets
        .into_iter()
        .map(|((ty, tx), pts)| {
            let mut points: Vec<LineVertex> =
                pts.into_iter().map(|(pos, a)| LineVertex { pos, color: colour(a) }).collect();
            shuffle(&mut points, (tx as u64).wrapping_mul(0x1000_0000_01b3) ^ (ty as u64).rotate_left(32));
            let mut b = [[f32::INFINITY; 3], [f32::NEG_INFINITY; 3]];
            for p in &points {
                for (i, c) in p.pos.iter().enumerate() {
                    b[0][i] = b[0][i].min(*c);
                    b[1][i] = b[1][i].max(*c);
                }
            }
            PointChunk { bounds: b, points }
        })
        .collect();
    (chunks, colouring)
}

impl Visualizer for PointCloudVisualizer {
    fn name(&self) -> &'static str {
        "pointcloud"
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let clouds = &input.survey.point_clouds;
        let src = chosen(clouds, input.options.epoch.as_deref())?;
        let mut mode = input.options.point_colour;
        let older = match mode {
            PointColour::Change => match previous(clouds, src) {
                Some(prev) => {
                    let h = &src.header.bounds;
                    let window = [h[0], h[1], h[3], h[4]];
                    match minehaz_core::slope::dem::Dem::from_file(&prev.path, CHANGE_DEM_CELL_M, Some(window)) {
                        Ok(d) => Some(d),
                        Err(e) => {
                            input.problems.borrow_mut().push(format!(
                                "{} {}: {e}",
                                tr("上一期点云无法读取", "the previous epoch is unreadable"),
                                prev.path.display()
                            ));
                            return None;
                        }
                    }
                }
                None => {
                    input.notes.borrow_mut().push(format!(
                        "{} {}",
                        src.epoch,
                        tr("之前没有点云，按高程着色", "has no earlier epoch: coloured by elevation")
                    ));
                    mode = PointColour::Elevation;
                    None
                }
            },
            _ => None,
        };
        let (chunks, colouring) = tiles_coloured(input, src, input.options.max_points, mode, older.as_ref());
        if chunks.is_empty() {
            return None;
        }
        Some(SceneLayer {
            name: "pointcloud".into(),
            name_zh: format!("点云 {}", src.epoch),
            point_chunks: chunks,
            ramp: colouring.ramp,
            legend: colouring.legend,
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::scene::SceneOptions;
    use minehaz_core::io::pointcloud::read_header;
    use std::path::PathBuf;

    /// A sample epoch; a missing one (scripts/samples.sh makes them) fails the test.
    fn sample(epoch: &str) -> Option<PointCloudSource> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../sample-surveys/open-pit/pointclouds")
            .join(format!("{epoch}.laz"));
        assert!(
            path.exists(),
            "{} missing: run scripts/samples.sh (or `cargo run --bin gen-samples -- --only open-pit --pointclouds-only`)",
            path.display()
        );
        let header = read_header(&path).expect("readable sample");
        Some(PointCloudSource { epoch: epoch.into(), path, header })
    }

    #[test]
    fn latest_epoch_is_drawn() {
        let mut s = survey();
        let (Some(a), Some(b)) = (sample("2026-03-15"), sample("2026-09-15")) else { unreachable!() };
        s.point_clouds = vec![b.clone(), a];
        assert_eq!(latest(&s.point_clouds).map(|p| p.epoch.as_str()), Some("2026-09-15"));
        assert_eq!(b.epoch, "2026-09-15");
    }

    #[test]
    fn sample_is_chunked_within_max_points() {
        let Some(src) = sample("2026-09-15") else { unreachable!() };
        let h = src.header.clone();
        let mut s = survey();
        s.point_clouds = vec![src];
        let origin = [
            ((h.bounds[0] + h.bounds[3]) / 2.0).round(),
            ((h.bounds[1] + h.bounds[4]) / 2.0).round(),
            ((h.bounds[2] + h.bounds[5]) / 2.0).round(),
        ];
        let max = 50_000;
        let opts = SceneOptions { layers: Vec::new(), max_points: max, ..Default::default() };
        let inp = input(&s, origin, [h.bounds[2], h.bounds[5]], &opts);
        let l = PointCloudVisualizer.prepare(&inp).expect("layer");
        assert_eq!(l.name, "pointcloud");
        let total: usize = l.point_chunks.iter().map(|c| c.points.len()).sum();
        let k = h.point_count.div_ceil(max as u64);
        assert!(total <= max, "{total} > {max}");
        assert_eq!(total as u64, h.point_count.div_ceil(k), "every k-th point kept");
        assert!(l.point_chunks.len() > 1, "tiled");
        for c in &l.point_chunks {
            assert!(!c.points.is_empty());
            for p in &c.points {
                for i in 0..3 {
                    assert!(c.bounds[0][i] <= p.pos[i] && p.pos[i] <= c.bounds[1][i]);
                }
            }
            // A tile spans at most TILE_M in plan.
            assert!(c.bounds[1][0] - c.bounds[0][0] <= TILE_M as f32);
            assert!(c.bounds[1][1] - c.bounds[0][1] <= TILE_M as f32);
        }
        // Inside the header's bounds (local), to the f32 rounding.
        for c in &l.point_chunks {
            assert!(f64::from(c.bounds[0][2]) + origin[2] >= h.bounds[2] - 0.01);
            assert!(f64::from(c.bounds[1][2]) + origin[2] <= h.bounds[5] + 0.01);
        }
        let ramp = l.ramp.expect("ramp");
        assert_eq!(ramp.unit, "m");
        // Deterministic.
        let again = PointCloudVisualizer.prepare(&inp).expect("layer");
        assert_eq!(again.point_chunks, l.point_chunks);
        // The default cap applies when max_points is 0.
        let none = SceneOptions { layers: Vec::new(), max_points: 0, ..Default::default() };
        let t = tiles(&input(&s, origin, [h.bounds[2], h.bounds[5]], &none), &s.point_clouds[0], 0);
        let n: usize = t.iter().map(|c| c.points.len()).sum();
        assert_eq!(n as u64, h.point_count.min(DEFAULT_MAX_POINTS as u64));
    }

    /// The change since the previous epoch (DEM of difference): each point's colour is the
    /// signed ramp at its z minus the older scan's DEM under it; the ramp is symmetric; the
    /// sample's pushback (cut) shows blue.
    #[test]
    fn change_colouring_is_the_difference_to_the_previous_epoch() {
        let (Some(a), Some(b)) = (sample("2026-03-15"), sample("2026-09-15")) else { unreachable!() };
        let h = b.header.clone();
        let mut s = survey();
        s.point_clouds = vec![a.clone(), b];
        let origin = [((h.bounds[0] + h.bounds[3]) / 2.0).round(), ((h.bounds[1] + h.bounds[4]) / 2.0).round(), 1000.0];
        let opts = SceneOptions { max_points: 60_000, point_colour: PointColour::Change, ..Default::default() };
        let inp = input(&s, origin, [h.bounds[2], h.bounds[5]], &opts);
        let l = PointCloudVisualizer.prepare(&inp).expect("layer");
        let ramp = l.ramp.expect("a change ramp");
        assert_eq!(ramp.min, -ramp.max);
        assert!(ramp.title_en.contains("2026-09-15") && ramp.title_en.contains("2026-03-15"), "{}", ramp.title_en);
        let span = if ramp.unit == "mm" { ramp.max / 1000.0 } else { ramp.max };
        let dem = minehaz_core::slope::dem::Dem::from_file(
            &a.path,
            CHANGE_DEM_CELL_M,
            Some([h.bounds[0], h.bounds[1], h.bounds[3], h.bounds[4]]),
        )
        .expect("older DEM");
        let (mut checked, mut blue) = (0, 0);
        for p in l.point_chunks.iter().flat_map(|c| &c.points) {
            let w = [f64::from(p.pos[0]) + origin[0], f64::from(p.pos[1]) + origin[1], f64::from(p.pos[2]) + origin[2]];
            let d = (w[2] - dem.sample(w[0], w[1])) as f32;
            let want = if d.is_finite() { change_ramp(d / span) } else { no_change_data() };
            // f32 positions relative to the origin: a few mm of rounding in d at most.
            for k in 0..3 {
                assert!((p.color[k] - want[k]).abs() < 0.02, "{:?} vs {want:?} (d = {d})", p.color);
            }
            checked += 1;
            blue += usize::from(d < -1.0);
        }
        assert!(checked > 50_000, "{checked}");
        assert!(blue * 100 > checked, "the pushback was cut: {blue} of {checked} points lowered by more than 1 m");
        // Elevation colouring of the same scan has the elevation ramp; class colouring a legend.
        let by_class = SceneOptions { max_points: 10_000, point_colour: PointColour::Class, ..Default::default() };
        let l = PointCloudVisualizer.prepare(&input(&s, origin, [h.bounds[2], h.bounds[5]], &by_class)).expect("layer");
        assert!(l.ramp.is_none() && !l.legend.is_empty());
        for e in &l.legend {
            assert!(l.point_chunks.iter().flat_map(|c| &c.points).any(|p| p.color == e.color), "{} drawn", e.en);
        }
    }

    /// One epoch only: change colouring falls back to elevation and says so.
    #[test]
    fn change_without_an_earlier_epoch_is_said_not_faked() {
        let Some(b) = sample("2026-09-15") else { unreachable!() };
        let h = b.header.clone();
        let mut s = survey();
        s.point_clouds = vec![b];
        let opts = SceneOptions { max_points: 5_000, point_colour: PointColour::Change, ..Default::default() };
        let inp = input(&s, [h.bounds[0], h.bounds[1], 1000.0], [h.bounds[2], h.bounds[5]], &opts);
        let l = PointCloudVisualizer.prepare(&inp).expect("layer");
        assert_eq!(l.ramp.expect("ramp").unit, "m");
        assert_eq!(inp.notes.borrow().len(), 1);
        // The epoch switch: an earlier epoch is drawn when asked for, else the latest.
        assert_eq!(chosen(&s.point_clouds, Some("1999-01-01")).map(|p| p.epoch.as_str()), Some("2026-09-15"));
    }

    #[test]
    fn shuffle_is_a_deterministic_permutation() {
        let mut a: Vec<u32> = (0..1000).collect();
        let mut b = a.clone();
        shuffle(&mut a, 7);
        shuffle(&mut b, 7);
        assert_eq!(a, b);
        assert_ne!(a, (0..1000).collect::<Vec<_>>());
        a.sort_unstable();
        assert_eq!(a, (0..1000).collect::<Vec<_>>());
    }
}
