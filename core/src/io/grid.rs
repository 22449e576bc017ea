//! Geophysical grids: `geophysics/<name>.tif` (GeoTIFF through GDAL) with `<name>.toml`
//! (method, slice depth or elevation, unit, anomaly thresholds). Any raster GDAL reads will do;
//! band 1 is the grid. In the project store a grid is a GeoPackage raster table
//! (`grid_<name>`, the GPKG 2D gridded coverage extension, Float32 TIFF tiles) that QGIS opens,
//! with its .toml in the `minehaz_grids` table.

use super::crs::Crs;
use crate::error::{Location, Result};
use crate::model::{Grid, GridMeta};
use crate::text;
use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::{Dataset, DriverManager, GeoTransformEx};
use std::path::Path;

/// The largest grid read (cells): 200 million, 800 MB of f32 — a 20 km square at 1.4 m.
pub const MAX_CELLS: usize = 200_000_000;
/// Cells read per strip.
const STRIP_CELLS: usize = 4 << 20;

/// Read band 1 of a raster with its georeferencing, in strips of rows. Returns the grid and
/// the raster's CRS. A header claiming more than [`MAX_CELLS`] cells is refused.
pub fn read_raster(path: &str, name: &str, file: &Path) -> Result<(Grid, Option<Crs>)> {
    let err = |e: gdal::errors::GdalError| {
        crate::Error::at(Location::file(file), text!("栅格无法读取: {}", "the raster cannot be read: {}", e))
    };
    let ds = Dataset::open(path).map_err(err)?;
    let geotransform = ds.geo_transform().map_err(err)?;
    if geotransform.invert().is_err() {
        return Err(crate::Error::at(
            Location::file(file),
            text!("栅格的地理变换不可逆", "the raster's geotransform is degenerate"),
        ));
    }
    let band = ds.rasterband(1).map_err(err)?;
    let (width, height) = band.size();
    let cells = width as u128 * height as u128;
    if width == 0 || height == 0 || cells > MAX_CELLS as u128 {
        return Err(crate::Error::at(
            Location::file(file),
            text!(
                "栅格尺寸 {} × {} 不合理（上限 {} 个单元）；请检查文件头或先重采样 (gdalwarp -tr)",
                "raster size {} × {} is implausible (at most {} cells); check the header or resample first (gdalwarp -tr)",
                width,
                height,
                MAX_CELLS
            ),
        ));
    }
    let nodata = band.no_data_value();
    // Strips of rows read straight into the one buffer: no second copy of a large grid.
    let mut values = vec![0f32; width * height];
    let strip = (STRIP_CELLS / width).clamp(1, height);
    for (k, chunk) in values.chunks_mut(strip * width).enumerate() {
        let rows = chunk.len() / width;
        band.read_into_slice((0, (k * strip) as isize), (width, rows), (width, rows), chunk, None).map_err(err)?;
    }
    let crs = ds.spatial_ref().ok().map(Crs::from_srs);
    Ok((Grid { name: name.to_string(), meta: GridMeta::default(), width, height, geotransform, nodata, values }, crs))
}

/// Read a grid of a survey package: the .tif and its optional .toml.
pub fn read_grid(tif: &Path, mine_crs: &Crs, ps: &mut crate::error::Problems) -> Result<Grid> {
    let name = tif.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let (mut grid, crs) = read_raster(&tif.to_string_lossy(), &name, tif)?;
    match crs {
        None => ps.warning(
            Location::file(tif),
            text!("栅格没有坐标系，按矿井坐标系 {} 处理", "the raster has no CRS; taken in the mine CRS {}", mine_crs),
        ),
        Some(c) if !c.same_as(mine_crs) => {
            return Err(crate::Error::at(
                Location::file(tif),
                text!(
                    "栅格坐标系 {} 与矿井坐标系 {} 不同；请先重投影 (gdalwarp -t_srs {})",
                    "the raster's CRS {} differs from the mine CRS {}; reproject it first (gdalwarp -t_srs {})",
                    c,
                    mine_crs,
                    mine_crs.def
                ),
            ))
        }
        Some(_) => {}
    }
    let meta_path = tif.with_extension("toml");
    if meta_path.exists() {
        let t = super::csv_tables::read_text(&meta_path)?;
        grid.meta = toml::from_str(&t).map_err(|e| {
            crate::Error::at(Location::file(&meta_path), text!("无法解析: {}", "cannot be parsed: {}", e.message()))
        })?;
    } else {
        ps.warning(
            Location::file(tif),
            text!(
                "缺少说明文件 {}.toml（方法、单位、异常阈值）",
                "no {}.toml (method, unit, anomaly thresholds)",
                name
            ),
        );
    }
    Ok(grid)
}

fn options(list: &[&str]) -> RasterCreationOptions {
    list.iter().copied().collect()
}

/// Write a grid as a GeoTIFF (Float32) in `crs`, and its .toml beside it.
pub fn write_geotiff(grid: &Grid, tif: &Path, crs: &Crs) -> Result<()> {
    let err = |e: gdal::errors::GdalError| {
        crate::Error::at(Location::file(tif), text!("写入栅格失败: {}", "writing the raster failed: {}", e))
    };
    let drv = DriverManager::get_driver_by_name("GTiff").map_err(err)?;
    let mut ds = drv
        .create_with_band_type_with_options::<f32, _>(
            tif,
            grid.width,
            grid.height,
            1,
            &options(&["COMPRESS=DEFLATE", "PREDICTOR=3"]),
        )
        .map_err(err)?;
    fill(&mut ds, grid, crs).map_err(err)?;
    drop(ds);
    let meta = toml::to_string_pretty(&grid.meta).map_err(|e| crate::Error::Internal(e.to_string()))?;
    std::fs::write(tif.with_extension("toml"), meta).map_err(|e| crate::Error::io(tif.with_extension("toml"), e))
}

fn fill(ds: &mut Dataset, grid: &Grid, crs: &Crs) -> gdal::errors::Result<()> {
    ds.set_geo_transform(&grid.geotransform)?;
    if let Ok(srs) = crs.srs() {
        ds.set_spatial_ref(&srs)?;
    }
    let mut band = ds.rasterband(1)?;
    band.set_no_data_value(grid.nodata)?;
    let mut buf = Buffer::new((grid.width, grid.height), grid.values.clone());
    band.write((0, 0), (grid.width, grid.height), &mut buf)
}

/// Append a grid to an existing GeoPackage as raster table `table` (gridded coverage, Float32).
pub fn append_to_gpkg(grid: &Grid, gpkg: &Path, table: &str, crs: &Crs) -> Result<()> {
    let err = |e: gdal::errors::GdalError| {
        crate::Error::at(
            Location::file(gpkg).layer(table),
            text!("写入栅格表失败: {}", "writing the raster table failed: {}", e),
        )
    };
    let mem = DriverManager::get_driver_by_name("MEM").map_err(err)?;
    let mut src = mem.create_with_band_type::<f32, _>("", grid.width, grid.height, 1).map_err(err)?;
    fill(&mut src, grid, crs).map_err(err)?;
    let drv = DriverManager::get_driver_by_name("GPKG").map_err(err)?;
    let table_opt = format!("RASTER_TABLE={table}");
    let desc = format!("RASTER_DESCRIPTION={}", grid.meta.description.clone().unwrap_or_else(|| grid.name.clone()));
    let opts = options(&["APPEND_SUBDATASET=YES", &table_opt, &desc, "TILE_FORMAT=TIFF", "TILING_SCHEME=CUSTOM"]);
    let out = src.create_copy(&drv, gpkg, &opts).map_err(err)?;
    drop(out);
    Ok(())
}

/// Read raster table `table` of a GeoPackage.
pub fn read_from_gpkg(gpkg: &Path, table: &str, name: &str) -> Result<Grid> {
    let (g, _) = read_raster(&format!("GPKG:{}:{}", gpkg.display(), table), name, gpkg)?;
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    fn real(p: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/real/raster").join(p)
    }

    /// The Hamersley DEM: 197×204 float32, 344 m cells, EPSG:28350, 297–1175 m.
    #[test]
    fn real_dem_reads_with_georeferencing() {
        let p = real("map2loop_hamersley/dtm_rp.tif");
        let (g, crs) = read_raster(&p.to_string_lossy(), "dtm", &p).expect("dem");
        assert_eq!((g.width, g.height), (197, 204));
        assert_eq!(crs.map(|c| c.def), Some("EPSG:28350".to_string()));
        assert_abs_diff_eq!(g.geotransform[1], 344.4044, epsilon = 1e-3);
        let b = g.bounds();
        assert_abs_diff_eq!(b[0], 505374.706, epsilon = 0.01);
        assert_abs_diff_eq!(b[3], 7532468.694, epsilon = 0.01);
        let (lo, hi) = g.value_range().expect("values");
        assert_abs_diff_eq!(f64::from(lo), 297.0, epsilon = 1e-3);
        assert_abs_diff_eq!(f64::from(hi), 1175.0, epsilon = 1e-3);
    }

    /// rasterio's edge cases: NaN nodata, a rotated geotransform, 3-band imagery (band 1).
    #[test]
    fn geotiff_edge_cases() {
        let p = real("rasterio/float_nan.tif");
        let (g, crs) = read_raster(&p.to_string_lossy(), "f", &p).expect("nan");
        assert!(crs.is_none());
        assert_eq!((g.width, g.height), (3, 2));
        let valid = (0..2).flat_map(|r| (0..3).map(move |c| (c, r))).filter(|&(c, r)| g.value(c, r).is_some()).count();
        assert!(valid < 6, "NaN cells are nodata");
        let (lo, hi) = g.value_range().expect("values");
        assert_abs_diff_eq!(f64::from(lo), -1.88, epsilon = 1e-3);
        assert_abs_diff_eq!(f64::from(hi), 1.41, epsilon = 1e-3);
        let p = real("rasterio/rotated.tif");
        let (g, _) = read_raster(&p.to_string_lossy(), "r", &p).expect("rotated");
        assert!(g.geotransform[2] != 0.0 || g.geotransform[4] != 0.0, "rotation kept");
        let b = g.bounds();
        assert_abs_diff_eq!(b[0], 100.0, epsilon = 1e-3);
        assert_abs_diff_eq!(b[2], 348.205, epsilon = 1e-3);
        let p = real("rasterio/RGB.byte.tif");
        let (g, crs) = read_raster(&p.to_string_lossy(), "rgb", &p).expect("rgb");
        assert_eq!((g.width, g.height), (791, 718));
        assert_eq!(crs.map(|c| c.def), Some("EPSG:32618".to_string()));
        let p = real("rasterio/byte.tif");
        let (g, crs) = read_raster(&p.to_string_lossy(), "b", &p).expect("byte");
        assert_eq!((g.width, g.height), (20, 20));
        assert_eq!(crs.map(|c| c.def), Some("EPSG:26711".to_string()));
        let (lo, hi) = g.value_range().expect("v");
        assert_eq!((lo, hi), (74.0, 255.0));
    }

    #[test]
    fn a_grid_larger_than_one_strip_reads_back_cell_for_cell() {
        // 3000 × 1500 = 4.5 M cells: one full strip of 1398 rows and a partial one of 102.
        let (w, h) = (3000, 1500);
        assert!(w * h > STRIP_CELLS && (STRIP_CELLS / w) < h);
        let dir = tempfile::tempdir().expect("tmp");
        let crs = Crs::parse("EPSG:4547", &Location::default()).expect("crs");
        let grid = Grid {
            name: "big".into(),
            meta: GridMeta::default(),
            width: w,
            height: h,
            geotransform: [485_000.0, 1.0, 0.0, 4_052_000.0, 0.0, -1.0],
            nodata: None,
            values: (0..w * h).map(|i| (i % 65_521) as f32 + (i / w) as f32 * 0.5).collect(),
        };
        let tif = dir.path().join("big.tif");
        write_geotiff(&grid, &tif, &crs).expect("write");
        let (back, _) = read_raster(&tif.to_string_lossy(), "big", &tif).expect("read");
        assert_eq!((back.width, back.height), (w, h));
        assert!(back.values == grid.values, "cells differ");
    }

    #[test]
    fn geophysical_grid_round_trips_through_geotiff_and_geopackage() {
        let dir = tempfile::tempdir().expect("tmp");
        let crs = Crs::parse("EPSG:4547", &Location::default()).expect("crs");
        let mut values: Vec<f32> = (0..(40 * 30)).map(|i| 5.0 + (i % 97) as f32 * 1.7).collect();
        values[7] = -9999.0;
        let grid = Grid {
            name: "tem_rho_950".into(),
            meta: GridMeta {
                method: Some("tem".into()),
                elevation_m: Some(950.0),
                unit: Some("ohm_m".into()),
                anomaly_below: Some(20.0),
                ..GridMeta::default()
            },
            width: 40,
            height: 30,
            geotransform: [485_000.0, 25.0, 0.0, 4_052_000.0, 0.0, -25.0],
            nodata: Some(-9999.0),
            values,
        };
        let tif = dir.path().join("tem_rho_950.tif");
        write_geotiff(&grid, &tif, &crs).expect("write");
        let mut ps = crate::error::Problems::default();
        let back = read_grid(&tif, &crs, &mut ps).expect("read");
        assert_eq!(back, grid);
        assert!(ps.0.is_empty());
        // GeoPackage raster table.
        let gpkg = dir.path().join("s.gpkg");
        let drv = DriverManager::get_driver_by_name("GPKG").expect("gpkg");
        drop(drv.create_vector_only(&gpkg).expect("create"));
        append_to_gpkg(&grid, &gpkg, "grid_tem_rho_950", &crs).expect("append");
        let g2 = read_from_gpkg(&gpkg, "grid_tem_rho_950", "tem_rho_950").expect("read gpkg");
        assert_eq!((g2.width, g2.height), (40, 30));
        for k in 0..6 {
            assert_abs_diff_eq!(g2.geotransform[k], grid.geotransform[k], epsilon = 1e-6);
        }
        for (a, b) in g2.values.iter().zip(&grid.values) {
            assert_eq!(a, b);
        }
        assert_eq!(g2.nodata, Some(-9999.0));
        // A grid in another CRS is refused with the fix named.
        let other = Crs::parse("EPSG:4526", &Location::default()).expect("crs");
        let e = read_grid(&tif, &other, &mut ps).expect_err("crs differs");
        assert!(e.problems()[0].text.en.contains("gdalwarp"));
    }
}
