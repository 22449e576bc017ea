//! 物探网格 (geophysical grids): each grid as a flat colour-mapped surface at its slice
//! elevation (`meta.elevation_m`, else the middle of the scene): two opaque triangles per valid
//! cell (4 vertices, flat colour, normal up), nodata cells skipped, coloured by the perceptual
//! ramp ([`style::ramp`]) over the value range.
//!
//! When every grid has the same unit the ramp spans all of them and the layer's
//! [`RampLegend`] is exact; otherwise each grid is coloured over its own range and the legend
//! shows the first grid's. Grids above [`MAX_CELLS`] cells are drawn in blocks of k×k cells
//! (the mean of the valid values), so a large raster stays a bounded mesh.

use crate::scene::style;
use crate::scene::{Input, MeshVertex, RampLegend, SceneLayer, Visualizer};
use minehaz_core::model::Grid;

/// Most cells drawn per grid.
pub const MAX_CELLS: usize = 1_000_000;

pub struct GridsVisualizer;

/// The block size k so that a grid is drawn with at most [`MAX_CELLS`] cells.
fn block(g: &Grid) -> usize {
    let cells = g.width.saturating_mul(g.height);
    let mut k = 1;
    while cells.div_ceil(k * k) > MAX_CELLS {
        k += 1;
    }
    k
}

/// The mean valid value of the k×k block at block column `bc`, block row `br`.
fn block_value(g: &Grid, k: usize, bc: usize, br: usize) -> Option<f32> {
    if k == 1 {
        return g.value(bc, br);
    }
    let (mut sum, mut n) = (0.0f64, 0u32);
    for r in br * k..((br + 1) * k).min(g.height) {
        for c in bc * k..((bc + 1) * k).min(g.width) {
            if let Some(v) = g.value(c, r) {
                sum += f64::from(v);
                n += 1;
            }
        }
    }
    (n > 0).then(|| (sum / f64::from(n)) as f32)
}

/// World (x, y) of a cell corner.
fn corner(g: &Grid, col: usize, row: usize) -> [f64; 2] {
    let (c, r) = (col as f64, row as f64);
    let t = &g.geotransform;
    [t[0] + c * t[1] + r * t[2], t[3] + c * t[4] + r * t[5]]
}

fn title(g: &Grid) -> (String, String) {
    let method = g.meta.method.as_deref().unwrap_or("");
    let at = g.meta.elevation_m.map(|z| format!(" @ {z} m")).unwrap_or_default();
    (format!("物探 {method} {}{at}", g.name), format!("geophysics {method} {}{at}", g.name))
}

impl Visualizer for GridsVisualizer {
    fn name(&self) -> &'static str {
        "grids"
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let grids: Vec<&Grid> = input.survey.grids.iter().filter(|g| g.value_range().is_some()).collect();
        let first = grids.first()?;
        let same_unit = grids.iter().all(|g| g.meta.unit == first.meta.unit);
        let ranges: Vec<(f32, f32)> = grids.iter().filter_map(|g| g.value_range()).collect();
        let all = ranges.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |a, r| (a.0.min(r.0), a.1.max(r.1)));
        let mut l = SceneLayer {
            name: "grids".into(),
            name_zh: "物探网格".into(),
            underlay_in_plan: true,
            ..Default::default()
        };
        let mesh = &mut l.opaque;
        for (g, own) in grids.iter().zip(&ranges) {
            let (lo, hi) = if same_unit { all } else { *own };
            let z = g.meta.elevation_m.unwrap_or((input.z_range[0] + input.z_range[1]) / 2.0);
            let t = &g.geotransform;
            // Corner order (c,r) → (c+1,r) → (c+1,r+1) → (c,r+1) is counter-clockwise seen from
            // above when the geotransform keeps orientation; north-up rasters (row step < 0)
            // reverse it.
            let ccw = t[1] * t[5] - t[2] * t[4] > 0.0;
            let k = block(g);
            for br in 0..g.height.div_ceil(k) {
                for bc in 0..g.width.div_ceil(k) {
                    let Some(v) = block_value(g, k, bc, br) else { continue };
                    let color = style::ramp(style::normalize(v, lo, hi));
                    let (c0, r0, c1, r1) = (bc * k, br * k, ((bc + 1) * k).min(g.width), ((br + 1) * k).min(g.height));
                    let base = mesh.vertices.len() as u32;
                    for (c, r) in [(c0, r0), (c1, r0), (c1, r1), (c0, r1)] {
                        let p = corner(g, c, r);
                        mesh.vertices.push(MeshVertex {
                            pos: input.local([p[0], p[1], z]),
                            normal: [0.0, 0.0, 1.0],
                            color,
                        });
                    }
                    if ccw {
                        mesh.indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
                    } else {
                        mesh.indices.extend([base, base + 2, base + 1, base, base + 3, base + 2]);
                    }
                }
            }
        }
        let (title_zh, title_en) = if grids.len() == 1 || !same_unit {
            title(first)
        } else {
            ("物探网格".to_string(), "geophysical grids".to_string())
        };
        let (min, max) = if same_unit { all } else { ranges[0] };
        l.ramp = Some(RampLegend {
            title_zh,
            title_en,
            min,
            max,
            unit: first.meta.unit.clone().unwrap_or_default(),
            colors: style::ramp_stops(),
        });
        (!l.opaque.indices.is_empty()).then_some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use minehaz_core::model::GridMeta;

    #[test]
    fn cells_ramp_and_nodata() {
        let mut s = survey();
        s.grids = vec![Grid {
            name: "tem".into(),
            meta: GridMeta { elevation_m: Some(950.0), unit: Some("ohm_m".into()), ..Default::default() },
            width: 3,
            height: 2,
            geotransform: [1000.0, 10.0, 0.0, 2000.0, 0.0, -10.0],
            nodata: Some(-9999.0),
            values: vec![10.0, 20.0, -9999.0, 30.0, 40.0, 50.0],
        }];
        let opts = Default::default();
        let l = GridsVisualizer.prepare(&input(&s, [1000.0, 2000.0, 900.0], [800.0, 1000.0], &opts)).expect("layer");
        assert_eq!(l.opaque.vertices.len(), 5 * 4);
        assert_eq!(l.opaque.indices.len(), 5 * 6);
        assert!(l.opaque.vertices.iter().all(|v| v.pos[2] == 50.0));
        assert_eq!(l.opaque.vertices[0].color, style::ramp(0.0));
        assert_eq!(l.opaque.vertices[19].color, style::ramp(1.0));
        let (lo, hi) = bounds(l.opaque.vertices.iter().map(|v| v.pos));
        assert_eq!((lo, hi), ([0.0, -20.0, 50.0], [30.0, 0.0, 50.0]));
        // Triangles face up.
        for t in l.opaque.indices.chunks_exact(3) {
            let [a, b, c] = [0, 1, 2].map(|k| l.opaque.vertices[t[k] as usize].pos);
            assert!(super::super::geom::cross(super::super::geom::sub(b, a), super::super::geom::sub(c, a))[2] > 0.0);
        }
        let ramp = l.ramp.expect("ramp");
        assert_eq!((ramp.min, ramp.max, ramp.unit.as_str()), (10.0, 50.0, "ohm_m"));
    }

    #[test]
    fn large_grids_are_blocked() {
        let g = Grid {
            name: "big".into(),
            meta: GridMeta::default(),
            width: 3000,
            height: 1000,
            geotransform: [0.0, 1.0, 0.0, 0.0, 0.0, -1.0],
            nodata: None,
            values: Vec::new(),
        };
        assert_eq!(block(&g), 2);
    }
}
