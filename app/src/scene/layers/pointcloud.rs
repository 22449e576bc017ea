//! Point clouds (LiDAR scans of an open pit), layer `pointcloud`: the **latest epoch** (the
//! greatest ISO date of `survey.point_clouds`) is drawn; earlier epochs are for change analysis
//! and are not part of the default scene.
//!
//! The file is streamed with [`CloudReader`] in chunks of [`READ_CHUNK`] points, never read
//! whole. At most `SceneOptions::max_points` points are kept (0 = [`DEFAULT_MAX_POINTS`]) by
//! uniform subsampling across the file: every k-th point with k = ⌈count / max⌉. Kept points
//! are bucketed into square tiles of [`TILE_M`] in plan (local coordinates), one
//! [`crate::scene::PointChunk`] per tile with its bounds, tiles in row-major order. Each tile's
//! points are shuffled deterministically (seeded by the tile), so drawing the first n points of
//! a tile is an unbiased subsample: level of detail by truncation. Points are coloured by
//! elevation on the ramp ([`style::ramp`], over the header's z range), with a [`RampLegend`].
//!
//! A read error is recorded in the input's problems: `render` refuses to write an image of a
//! cloud it could not read, the viewer shows the message.

use crate::scene::style;
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

/// The epoch drawn: the latest.
pub fn latest(sources: &[PointCloudSource]) -> Option<&PointCloudSource> {
    sources.iter().max_by(|a, b| a.epoch.cmp(&b.epoch))
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

/// Stream one cloud into shuffled tiles of at most `max_points` points in all.
pub fn tiles(input: &Input<'_>, src: &PointCloudSource, max_points: usize) -> Vec<PointChunk> {
    let max_points = if max_points == 0 { DEFAULT_MAX_POINTS } else { max_points };
    let h = &src.header;
    let (zlo, zhi) = (h.bounds[2] as f32, h.bounds[5] as f32);
    let k = h.point_count.div_ceil(max_points as u64).max(1);
    let mut buckets: BTreeMap<(i64, i64), Vec<LineVertex>> = BTreeMap::new();
    let mut reader = match CloudReader::open(&src.path) {
        Ok(r) => r,
        Err(e) => {
            input.problems.borrow_mut().push(format!(
                "{} {}: {e}",
                tr("点云无法读取", "point cloud unreadable"),
                src.path.display()
            ));
            return Vec::new();
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
            let pos = input.local(p.pos);
            let color = style::ramp(style::normalize(p.pos[2] as f32, zlo, zhi));
            buckets.entry((key.1, key.0)).or_default().push(LineVertex { pos, color });
            kept += 1;
        }
    }
    buckets
        .into_iter()
        .map(|((ty, tx), mut points)| {
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
        .collect()
}

impl Visualizer for PointCloudVisualizer {
    fn name(&self) -> &'static str {
        "pointcloud"
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let src = latest(&input.survey.point_clouds)?;
        let chunks = tiles(input, src, input.options.max_points);
        if chunks.is_empty() {
            return None;
        }
        let h = &src.header;
        Some(SceneLayer {
            name: "pointcloud".into(),
            name_zh: format!("点云 {}", src.epoch),
            point_chunks: chunks,
            ramp: Some(RampLegend {
                title_zh: format!("点云高程 {}", src.epoch),
                title_en: format!("point cloud elevation {}", src.epoch),
                min: h.bounds[2] as f32,
                max: h.bounds[5] as f32,
                unit: "m".into(),
                colors: style::ramp_stops(),
            }),
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

    fn sample(epoch: &str) -> Option<PointCloudSource> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../sample-surveys/open-pit/pointclouds")
            .join(format!("{epoch}.laz"));
        if !path.exists() {
            eprintln!(
                "{} missing: run `cargo run --bin gen-samples -- --only open-pit --pointclouds-only`",
                path.display()
            );
            return None;
        }
        let header = read_header(&path).expect("readable sample");
        Some(PointCloudSource { epoch: epoch.into(), path, header })
    }

    #[test]
    fn latest_epoch_is_drawn() {
        let mut s = survey();
        let (Some(a), Some(b)) = (sample("2026-03-15"), sample("2026-09-15")) else { return };
        s.point_clouds = vec![b.clone(), a];
        assert_eq!(latest(&s.point_clouds).map(|p| p.epoch.as_str()), Some("2026-09-15"));
        assert_eq!(b.epoch, "2026-09-15");
    }

    #[test]
    fn sample_is_chunked_within_max_points() {
        let Some(src) = sample("2026-09-15") else { return };
        let h = src.header.clone();
        let mut s = survey();
        s.point_clouds = vec![src];
        let origin = [
            ((h.bounds[0] + h.bounds[3]) / 2.0).round(),
            ((h.bounds[1] + h.bounds[4]) / 2.0).round(),
            ((h.bounds[2] + h.bounds[5]) / 2.0).round(),
        ];
        let max = 50_000;
        let opts = SceneOptions { layers: Vec::new(), max_points: max };
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
        let none = SceneOptions { layers: Vec::new(), max_points: 0 };
        let t = tiles(&input(&s, origin, [h.bounds[2], h.bounds[5]], &none), &s.point_clouds[0], 0);
        let n: usize = t.iter().map(|c| c.points.len()).sum();
        assert_eq!(n as u64, h.point_count.min(DEFAULT_MAX_POINTS as u64));
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
