//! The surface model of SLOPES.md: a DEM gridded from one LiDAR epoch.
//!
//! - Points: where any point has class 2 (ground), only class 2; otherwise every point but the
//!   noise classes 7 and 18. Decided in the same single pass: the grid accumulates every
//!   non-noise point until the first ground point arrives, is then cleared and accumulates
//!   ground points only (the points before the first ground point are none of them ground).
//! - Cells of `cell` metres aligned to multiples of the cell size in the mine CRS; a cell's
//!   value is the mean z of its points.
//! - Empty cells are filled from the non-empty cells of the unfilled grid: inverse distance
//!   (weight 1/d, d between cell centres) over the 8 nearest non-empty cells within 3 cells,
//!   or left empty.
//!
//! The points are streamed in chunks ([`scan_xyzc`]: LAZ decoded in parallel by `laz`, only x,
//! y, z and the class); memory is the grid (8 bytes a cell while gridding, 4 after) and one
//! chunk, whatever the point count.

use crate::error::{Error, Location, Result};
use crate::io::pointcloud::scan_xyzc;
use crate::text;
use rayon::prelude::*;
use std::path::Path;

/// The largest grid built (cells); past it the user is asked for a coarser cell.
const MAX_CELLS: usize = 400_000_000;

/// Which points made the DEM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointSelection {
    /// Class 2 only (the file has ground points).
    Ground,
    /// Every point but classes 7 and 18 (the file has no ground class).
    AllButNoise,
}

/// A north-up grid of elevations: row 0 is the northern edge. Empty cells are NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct Dem {
    /// West edge of column 0 (a multiple of `cell`).
    pub x0: f64,
    /// North edge of row 0 (a multiple of `cell`).
    pub y1: f64,
    pub cell: f64,
    pub nx: usize,
    pub ny: usize,
    /// Row-major, `ny` rows of `nx`; NaN where empty.
    pub z: Vec<f32>,
    /// Points gridded, and how they were selected.
    pub points_used: u64,
    pub points_read: u64,
    pub selection: PointSelection,
    /// Cells with points of their own, and cells filled from neighbours.
    pub cells_measured: usize,
    pub cells_filled: usize,
}

/// The grid frame covering `[minx, miny, maxx, maxy]` with cells aligned to multiples of `cell`.
fn frame(b: [f64; 4], cell: f64) -> (f64, f64, usize, usize) {
    let (i0, i1) = ((b[0] / cell).floor(), (b[2] / cell).floor());
    let (j0, j1) = ((b[1] / cell).floor(), (b[3] / cell).floor());
    let nx = (i1 - i0 + 1.0).max(0.0) as usize;
    let ny = (j1 - j0 + 1.0).max(0.0) as usize;
    (i0 * cell, (j1 + 1.0) * cell, nx, ny)
}

impl Dem {
    /// An empty grid covering `bounds` = [minx, miny, maxx, maxy].
    pub fn empty(bounds: [f64; 4], cell: f64) -> Dem {
        let (x0, y1, nx, ny) = frame(bounds, cell);
        Dem {
            x0,
            y1,
            cell,
            nx,
            ny,
            z: vec![f32::NAN; nx * ny],
            points_used: 0,
            points_read: 0,
            selection: PointSelection::AllButNoise,
            cells_measured: 0,
            cells_filled: 0,
        }
    }

    /// Grid an epoch's point file, keeping only the cells inside `window` = [minx, miny, maxx,
    /// maxy] (the file's bounds when None).
    pub fn from_file(path: &Path, cell: f64, window: Option<[f64; 4]>) -> Result<Dem> {
        let h = crate::io::pointcloud::read_header(path)?.bounds;
        let file_box = [h[0], h[1], h[3], h[4]];
        let b = match window {
            Some(w) => [w[0].max(h[0]), w[1].max(h[1]), w[2].min(h[3]), w[3].min(h[4])],
            None => file_box,
        };
        let b = if b[0] <= b[2] && b[1] <= b[3] { b } else { [0.0, 0.0, -1.0, -1.0] };
        let (x0, y1, nx, ny) = frame(b, cell);
        if nx.saturating_mul(ny) > MAX_CELLS {
            return Err(Error::at(
                Location::file(path),
                text!(
                    "数字高程模型过大：{} × {} 个 {} m 格网（上限 {} 个）；请增大 slope_dem_cell_m",
                    "the DEM would be too large: {} × {} cells of {} m (at most {}); raise slope_dem_cell_m",
                    nx,
                    ny,
                    cell,
                    MAX_CELLS
                ),
            ));
        }
        let z0 = h[2];
        let mut grid = Accum::new(nx, ny);
        let mut selection = PointSelection::AllButNoise;
        let read = scan_xyzc(path, |pts| {
            for &(pos, class) in pts {
                if class == 7 || class == 18 {
                    continue;
                }
                if class == 2 {
                    if selection == PointSelection::AllButNoise {
                        selection = PointSelection::Ground;
                        grid.clear();
                    }
                } else if selection == PointSelection::Ground {
                    continue;
                }
                let (fx, fy) = ((pos[0] - x0) / cell, (y1 - pos[1]) / cell);
                if !(fx >= 0.0 && fy > 0.0) {
                    continue;
                }
                let (i, j) = (fx as usize, fy.ceil() as usize - 1);
                if i < nx && j < ny {
                    grid.add(j * nx + i, (pos[2] - z0) as f32);
                }
            }
            true
        })?;
        let points_used = grid.points;
        let mut z = grid.into_means(z0);
        let cells_measured = z.iter().filter(|v| !v.is_nan()).count();
        let cells_filled = fill_holes(&mut z, nx, ny);
        Ok(Dem { x0, y1, cell, nx, ny, z, points_used, points_read: read, selection, cells_measured, cells_filled })
    }

    /// Centre of cell (column i, row j).
    pub fn centre(&self, i: usize, j: usize) -> [f64; 2] {
        [self.x0 + (i as f64 + 0.5) * self.cell, self.y1 - (j as f64 + 0.5) * self.cell]
    }

    /// The value of cell (i, j): NaN when empty or outside.
    pub fn get(&self, i: isize, j: isize) -> f64 {
        if i < 0 || j < 0 || i as usize >= self.nx || j as usize >= self.ny {
            return f64::NAN;
        }
        f64::from(self.z[j as usize * self.nx + i as usize])
    }

    /// Bilinear interpolation between the four cell centres around (x, y); NaN when any of them
    /// is empty or outside the grid.
    pub fn sample(&self, x: f64, y: f64) -> f64 {
        let fx = (x - self.x0) / self.cell - 0.5;
        let fy = (self.y1 - y) / self.cell - 0.5;
        let (i, j) = (fx.floor(), fy.floor());
        let (tx, ty) = (fx - i, fy - j);
        let (i, j) = (i as isize, j as isize);
        let (a, b, c, d) = (self.get(i, j), self.get(i + 1, j), self.get(i, j + 1), self.get(i + 1, j + 1));
        (a * (1.0 - tx) + b * tx) * (1.0 - ty) + (c * (1.0 - tx) + d * tx) * ty
    }

    /// [minx, miny, maxx, maxy] of the grid.
    pub fn bounds(&self) -> [f64; 4] {
        [self.x0, self.y1 - self.ny as f64 * self.cell, self.x0 + self.nx as f64 * self.cell, self.y1]
    }

    /// `self − older` on this grid (cells empty in either are empty); the other grid is sampled
    /// at this grid's cell centres (same cell and alignment give exact cells).
    pub fn minus(&self, older: &Dem) -> Dem {
        let mut z = vec![f32::NAN; self.nx * self.ny];
        z.par_chunks_mut(self.nx.max(1)).enumerate().for_each(|(j, row)| {
            for (i, v) in row.iter_mut().enumerate() {
                let a = f64::from(self.z[j * self.nx + i]);
                let [x, y] = self.centre(i, j);
                let (oi, oj) = (((x - older.x0) / older.cell).floor(), ((older.y1 - y) / older.cell).floor());
                let b = older.get(oi as isize, oj as isize);
                *v = (a - b) as f32;
            }
        });
        let cells_measured = z.iter().filter(|v| !v.is_nan()).count();
        Dem {
            x0: self.x0,
            y1: self.y1,
            cell: self.cell,
            nx: self.nx,
            ny: self.ny,
            z,
            points_used: 0,
            points_read: 0,
            selection: self.selection,
            cells_measured,
            cells_filled: 0,
        }
    }
}

/// Sums (relative to the file's lowest z, f32 is exact enough for a mean) and counts per cell.
struct Accum {
    sum: Vec<f32>,
    count: Vec<u32>,
    points: u64,
}

impl Accum {
    fn new(nx: usize, ny: usize) -> Self {
        Self { sum: vec![0.0; nx * ny], count: vec![0; nx * ny], points: 0 }
    }
    fn clear(&mut self) {
        self.sum.iter_mut().for_each(|v| *v = 0.0);
        self.count.iter_mut().for_each(|v| *v = 0);
        self.points = 0;
    }
    fn add(&mut self, k: usize, dz: f32) {
        self.sum[k] += dz;
        self.count[k] = self.count[k].saturating_add(1);
        self.points += 1;
    }
    /// The mean z of each cell (NaN where empty), in the sum's memory.
    fn into_means(self, z0: f64) -> Vec<f32> {
        let Accum { mut sum, count, .. } = self;
        sum.par_iter_mut().zip(count.par_iter()).for_each(|(s, &c)| {
            *s = if c == 0 { f32::NAN } else { (z0 + f64::from(*s) / f64::from(c)) as f32 };
        });
        sum
    }
}

/// The neighbour offsets within 3 cells, nearest first (ties by row, then column).
fn neighbour_offsets() -> Vec<(isize, isize, f64)> {
    let mut v: Vec<(isize, isize, f64)> = (-3isize..=3)
        .flat_map(|dj| (-3isize..=3).map(move |di| (di, dj)))
        .filter(|&(di, dj)| (di, dj) != (0, 0) && di * di + dj * dj <= 9)
        .map(|(di, dj)| (di, dj, ((di * di + dj * dj) as f64).sqrt()))
        .collect();
    v.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.1.cmp(&b.1)).then(a.0.cmp(&b.0)));
    v
}

/// Fill empty cells from the 8 nearest non-empty cells (of the unfilled grid) within 3 cells,
/// weights 1/d. Returns how many were filled.
pub fn fill_holes(z: &mut [f32], nx: usize, ny: usize) -> usize {
    let offs = neighbour_offsets();
    let src: &[f32] = z;
    let filled: Vec<(usize, f32)> = (0..ny)
        .into_par_iter()
        .flat_map_iter(|j| {
            let offs = &offs;
            (0..nx).filter_map(move |i| {
                if !src[j * nx + i].is_nan() {
                    return None;
                }
                let (mut wsum, mut zsum, mut n) = (0.0f64, 0.0f64, 0);
                for &(di, dj, d) in offs {
                    let (ii, jj) = (i as isize + di, j as isize + dj);
                    if ii < 0 || jj < 0 || ii as usize >= nx || jj as usize >= ny {
                        continue;
                    }
                    let v = src[jj as usize * nx + ii as usize];
                    if v.is_nan() {
                        continue;
                    }
                    wsum += 1.0 / d;
                    zsum += f64::from(v) / d;
                    n += 1;
                    if n == 8 {
                        break;
                    }
                }
                (n > 0).then(|| (j * nx + i, (zsum / wsum) as f32))
            })
        })
        .collect();
    for &(k, v) in &filled {
        z[k] = v;
    }
    filled.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_aligned_to_multiples_of_the_cell() {
        let d = Dem::empty([10.2, 20.7, 12.9, 21.1], 0.5);
        assert_eq!((d.x0, d.y1, d.nx, d.ny), (10.0, 21.5, 6, 2));
        assert_eq!(d.centre(0, 0), [10.25, 21.25]);
        assert_eq!(d.bounds(), [10.0, 20.5, 13.0, 21.5]);
    }

    #[test]
    fn bilinear_sampling_between_centres() {
        let mut d = Dem::empty([0.0, 0.0, 1.9, 1.9], 1.0);
        // Row 0 is the north row (y in 1..2).
        d.z = vec![10.0, 20.0, 30.0, 40.0];
        assert!((d.sample(0.5, 1.5) - 10.0).abs() < 1e-9);
        assert!((d.sample(1.0, 1.5) - 15.0).abs() < 1e-9);
        assert!((d.sample(1.0, 1.0) - 25.0).abs() < 1e-9);
        assert!(d.sample(0.2, 1.5).is_nan(), "outside the centres' hull: no value");
        d.z[3] = f32::NAN;
        assert!(d.sample(1.0, 1.0).is_nan());
    }

    #[test]
    fn holes_filled_by_inverse_distance_within_three_cells() {
        let (nx, ny) = (9, 1);
        // Non-empty at columns 0 (z 10) and 4 (z 20): column 2 lies 2 cells from each.
        let mut z = vec![f32::NAN; nx * ny];
        z[0] = 10.0;
        z[4] = 20.0;
        let n = fill_holes(&mut z, nx, ny);
        assert!((z[2] - 15.0).abs() < 1e-5);
        // Column 1: d 1 to z=10, d 3 to z=20 → (10 + 20/3) / (1 + 1/3) = 12.5.
        assert!((z[1] - 12.5).abs() < 1e-5, "{}", z[1]);
        // Column 7 lies 3 from column 4: filled; column 8 lies 4 away: left empty.
        assert!((z[7] - 20.0).abs() < 1e-5);
        assert!(z[8].is_nan());
        assert_eq!(n, 6);
    }

    #[test]
    fn only_the_eight_nearest_count() {
        // A 7×7 grid whose every cell but the centre is set: the 4 at distance 1 have z 0, the 4
        // diagonal at √2 z 100, everything further z 1000 (excluded: 8 reached first).
        let (nx, ny) = (7, 7);
        let mut z = vec![1000.0f32; nx * ny];
        let c = 3 * nx + 3;
        z[c] = f32::NAN;
        for (di, dj, v) in [(1, 0, 0.0), (-1, 0, 0.0), (0, 1, 0.0), (0, -1, 0.0)].into_iter().chain([
            (1, 1, 100.0),
            (-1, 1, 100.0),
            (1, -1, 100.0),
            (-1, -1, 100.0),
        ]) {
            z[((3 + dj) * nx as isize + 3 + di) as usize] = v;
        }
        fill_holes(&mut z, nx, ny);
        let w1 = 4.0;
        let w2 = 4.0 / 2f64.sqrt();
        let want = (100.0 * w2) / (w1 + w2);
        assert!((f64::from(z[c]) - want).abs() < 1e-3, "{} vs {want}", z[c]);
    }
}
