//! Survey packages (folders, SURVEY-FORMAT.md): read and write.
//!
//! Reading collects every problem of every file before it fails, so a user sees all of them at
//! once. Layers whose CRS differs from the mine CRS are transformed through PROJ; a Shapefile
//! without `.prj` is taken in the mine CRS with a warning; an unknown CRS is an error.

use super::crs::{Crs, Transformer};
use super::gdal_vector::{self, SourceLayer};
use crate::error::{Location, Problems, Result};
use crate::model::record::{FieldReader, Geom};
use crate::model::{LayerKind, LayerVisitorMut, Layers, Survey, SurveyMeta};
use crate::text;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A source layer with the file it came from.
pub type Sources = BTreeMap<String, (PathBuf, SourceLayer)>;

/// Keep going after an input error: collect its problems and yield `None`.
pub(crate) fn collect<T>(r: Result<T>, ps: &mut Problems) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(crate::Error::Invalid(p)) => {
            ps.0.extend(p);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Bring a source layer into the mine CRS.
pub fn reproject(
    src: &mut SourceLayer,
    file: &Path,
    mine: &Crs,
    settings: &crate::model::meta::CrsSettings,
    ps: &mut Problems,
) -> Result<()> {
    let at = Location::file(file).layer(&src.name);
    let Some(crs) = src.crs.clone() else {
        ps.warning(
            at,
            text!("没有坐标系 (.prj)，按矿井坐标系 {} 处理", "no CRS (.prj); taken in the mine CRS {}", mine),
        );
        return Ok(());
    };
    if crs.same_as(mine) {
        return Ok(());
    }
    let (t, warning) = Transformer::for_survey(&crs, mine, settings, &at)?;
    if let Some(w) = warning {
        ps.warning(at.clone(), w);
    }
    for r in &mut src.records {
        let fat = at.clone().feature(format!("#{}", r.index));
        match &mut r.geom {
            Some(Geom::Polygon(p)) => *p = t.polygon(p, &fat)?,
            Some(Geom::Line { coords, .. }) => t.points(coords, &fat)?,
            Some(Geom::Point { pos, .. }) => t.points(std::slice::from_mut(pos), &fat)?,
            None => {}
        }
    }
    src.crs = Some(mine.clone());
    Ok(())
}

/// Type every source layer into [`Layers`], collecting problems (unknown fields are warned
/// about once per layer).
/// Columns of the format that a source layer lacks. A flag or a class that the rules decide on
/// (`treated`, `water`, `class`, `status` …) is an error: read as unknown it would silently
/// drop findings. A descriptive column (name, seam, z bounds …) is a warning.
fn missing_columns<K: LayerKind>(rec: &crate::model::record::Record, at: &Location, ps: &mut Problems) {
    use crate::model::record::{field_matches, FieldType};
    const DECISIVE_TEXT: [&str; 7] = ["class", "kind", "status", "level", "purpose", "method", "interpretation"];
    if K::NAME == "geochem" {
        return;
    }
    for f in K::FIELDS {
        if rec.attrs.iter().any(|(k, _)| field_matches(k, f.name)) {
            continue;
        }
        let decisive = f.ty == FieldType::Int || DECISIVE_TEXT.contains(&f.name);
        let loc = at.clone().field(f.name);
        if decisive {
            ps.error(
                loc,
                text!(
                    "缺少列 {}：规则依据此字段判定，不能按未知处理",
                    "column {} is missing: the rules decide on it, so it cannot be taken as unknown",
                    f.name
                ),
            );
        } else {
            ps.warning(loc, text!("缺少列 {}，按未知处理", "column {} is missing: taken as unknown", f.name));
        }
    }
}

/// Type the source layers. `columns`: report the format's columns a layer lacks (survey
/// packages and stores; not `import-layer`, whose unmapped fields are unknown by intent).
pub fn type_layers(mut sources: Sources, ps: &mut Problems, columns: bool) -> Layers {
    struct V<'a> {
        sources: &'a mut Sources,
        ps: &'a mut Problems,
        columns: bool,
    }
    impl LayerVisitorMut for V<'_> {
        fn visit<K: LayerKind>(&mut self, items: &mut Vec<K>) {
            let Some((file, src)) = self.sources.remove(K::NAME) else { return };
            let at = Location::file(&file).layer(K::NAME);
            let mut extra: Vec<String> = Vec::new();
            if let Some(first) = src.records.first() {
                if self.columns {
                    missing_columns::<K>(first, &at, self.ps);
                }
            } else if K::NAME == "licence" {
                self.ps.error(
                    at.clone(),
                    text!(
                        "采矿许可范围图层为空：无法检查越界开采",
                        "the licence layer is empty: workings beyond the licence cannot be checked"
                    ),
                );
            }
            let mut last_keys = 0usize;
            for rec in &src.records {
                let mut r = FieldReader::new(rec, at.clone(), self.ps);
                // Every record of a source layer has the same fields, but for split parts:
                // look again only when the field count changes.
                if K::NAME != "geochem" && rec.attrs.len() != last_keys {
                    last_keys = rec.attrs.len();
                    for (k, _) in r.extra_fields(K::FIELDS) {
                        if !extra.contains(&k) && !k.eq_ignore_ascii_case("fid") {
                            extra.push(k);
                        }
                    }
                }
                if let Some(f) = K::read(&mut r) {
                    items.push(f);
                }
            }
            if !extra.is_empty() {
                self.ps
                    .warning(at, text!("忽略未定义字段: {}", "ignored fields not in the format: {}", extra.join(", ")));
            }
        }
    }
    let mut layers = Layers::default();
    layers.visit_mut(&mut V { sources: &mut sources, ps, columns });
    layers
}

fn files_with_ext(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x))))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Read survey.toml and the mine CRS (must be a projected CRS in metres).
pub fn read_meta(dir: &Path) -> Result<(SurveyMeta, Crs)> {
    let path = dir.join("survey.toml");
    if !path.exists() {
        return Err(crate::Error::at(
            Location::file(dir),
            text!("不是调查数据包：缺少 survey.toml", "not a survey package: survey.toml is missing"),
        ));
    }
    let mut meta = SurveyMeta::parse(&super::csv_tables::read_text(&path)?, &path)?;
    let at = Location::file(&path).layer("mine").field("crs");
    let crs = Crs::parse(&meta.mine.crs, &at)?;
    if let Some(v) = crs.vertical_datum() {
        meta.warnings.push(crate::Problem {
            severity: crate::Severity::Warning,
            at: at.clone(),
            text: text!("高程基准：{}（z 按此基准）", "vertical datum: {} (z is in this datum)", v),
        });
    }
    if !crs.is_projected_metres() {
        return Err(crate::Error::at(
            at,
            text!("矿井坐标系 {} 不是以米为单位的投影坐标系", "the mine CRS {} is not a projected CRS in metres", crs),
        ));
    }
    Ok((meta, crs))
}

/// Read a survey package folder.
pub fn read_package(dir: &Path) -> Result<Survey> {
    let (meta, mine) = read_meta(dir)?;
    // The positioning table (often the largest file) is parsed beside the layers.
    let pos = dir.join("monitoring").join("positioning.csv");
    let (fixes, rest) = rayon::join(
        || pos.exists().then(|| super::csv_tables::read_positioning(&pos)),
        || read_package_rest(dir, meta, mine),
    );
    let (mut survey, mut ps) = match (rest, fixes) {
        // Every problem is reported, the table's too.
        (Err(crate::Error::Invalid(mut p)), Some(Err(crate::Error::Invalid(q)))) => {
            p.extend(q);
            return Err(crate::Error::Invalid(p));
        }
        (rest, fixes) => {
            let (mut survey, mut ps) = rest?;
            if let Some(f) = fixes {
                if let Some(f) = collect(f, &mut ps)? {
                    survey.positioning = f;
                }
            }
            (survey, ps)
        }
    };
    crate::validate::validate(&survey, &mut ps);
    survey.warnings = ps.into_result()?;
    Ok(survey)
}

/// Everything of a package but the positioning fixes, and the problems met.
fn read_package_rest(dir: &Path, meta: SurveyMeta, mine: Crs) -> Result<(Survey, Problems)> {
    let mut ps = Problems::default();
    ps.0.extend(meta.warnings.iter().cloned());
    let mut sources: Sources = BTreeMap::new();
    let gpkg = dir.join("layers.gpkg");
    // Present as a directory entry (a dangling link or a link loop included): it must read.
    if gpkg.symlink_metadata().is_ok() && collect(gdal_vector::sniff_geopackage(&gpkg), &mut ps)?.is_some() {
        if let Some(ds) = collect(gdal_vector::open_vector(&gpkg), &mut ps)? {
            for name in gdal_vector::layer_names(&ds) {
                if !Layers::NAMES.contains(&name.as_str()) {
                    ps.warning(Location::file(&gpkg).layer(&name), text!("未知图层，已忽略", "unknown layer, ignored"));
                    continue;
                }
                if let Some(mut l) = collect(gdal_vector::read_layer(&ds, &name, &gpkg, &mut ps), &mut ps)? {
                    if collect(reproject(&mut l, &gpkg, &mine, &meta.crs, &mut ps), &mut ps)?.is_some() {
                        sources.insert(name, (gpkg.clone(), l));
                    }
                }
            }
        }
    }
    for shp in files_with_ext(&dir.join("layers"), &["shp"]) {
        let name = shp.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        if !Layers::NAMES.contains(&name.as_str()) {
            ps.warning(Location::file(&shp), text!("未知图层，已忽略", "unknown layer, ignored"));
            continue;
        }
        if sources.contains_key(&name) {
            ps.error(
                Location::file(&shp).layer(&name),
                text!(
                    "图层 {} 同时在 layers.gpkg 和 layers/ 中定义",
                    "layer {} is defined both in layers.gpkg and in layers/",
                    name
                ),
            );
            continue;
        }
        if let Some((mut l, _enc)) = collect(super::shp::read_shapefile(&shp, &name, &mut ps), &mut ps)? {
            if collect(reproject(&mut l, &shp, &mine, &meta.crs, &mut ps), &mut ps)?.is_some() {
                sources.insert(name, (shp, l));
            }
        }
    }
    let mut layer_files: BTreeMap<String, PathBuf> = sources.iter().map(|(k, (p, _))| (k.clone(), p.clone())).collect();
    // The tables too, so that later problems name the file they came from.
    layer_files.insert("boreholes".into(), dir.join("boreholes").join("collars.csv"));
    layer_files.insert("positioning".into(), dir.join("monitoring").join("positioning.csv"));
    let layers = type_layers(sources, &mut ps, true);

    let bh = dir.join("boreholes");
    let collars = bh.join("collars.csv");
    let mut boreholes = Vec::new();
    if collars.exists() {
        let opt = |p: PathBuf| p.exists().then_some(p);
        let (s, i) = (opt(bh.join("surveys.csv")), opt(bh.join("intervals.csv")));
        let r = super::csv_tables::read_boreholes(&collars, s.as_deref(), i.as_deref(), &Default::default());
        if let Some((holes, warnings)) = collect(r, &mut ps)? {
            boreholes = holes;
            ps.0.extend(warnings);
        }
    } else {
        // Survey or interval tables without collars would be silently unused.
        for orphan in ["surveys.csv", "intervals.csv"] {
            let f = bh.join(orphan);
            if f.exists() {
                ps.error(
                    Location::file(&f),
                    text!(
                        "有 {} 但缺少孔口表 boreholes/collars.csv，钻孔数据无法使用",
                        "{} is present but boreholes/collars.csv is missing: the borehole data cannot be used",
                        orphan
                    ),
                );
            }
        }
    }
    let mut grids = Vec::new();
    for tif in files_with_ext(&dir.join("geophysics"), &["tif", "tiff"]) {
        if let Some(g) = collect(super::grid::read_grid(&tif, &mine, &mut ps), &mut ps)? {
            grids.push(g);
        }
    }
    let mut point_clouds = Vec::new();
    for f in files_with_ext(&dir.join("pointclouds"), &["las", "laz"]) {
        if let Some(pc) = collect(point_cloud_source(&f, &mine, &mut ps), &mut ps)? {
            point_clouds.push(pc);
        }
    }
    let slope_csv = dir.join("monitoring").join("slope_points.csv");
    let slope_points = match slope_csv.exists() {
        true => collect(super::csv_tables::read_slope_points(&slope_csv), &mut ps)?.unwrap_or_default(),
        false => Vec::new(),
    };
    layer_files.insert("slope_points".into(), slope_csv);
    let mon = dir.join("monitoring");
    let (daily_csv, readings_csv, weather_csv) =
        (mon.join("daily.csv"), mon.join("readings.csv"), mon.join("weather.csv"));
    let daily = match daily_csv.exists() {
        true => collect(super::monitoring_csv::read_daily(&daily_csv), &mut ps)?.unwrap_or_default(),
        false => Vec::new(),
    };
    let readings = match readings_csv.exists() {
        true => collect(super::monitoring_csv::read_readings(&readings_csv), &mut ps)?.unwrap_or_default(),
        false => Vec::new(),
    };
    let weather = match weather_csv.exists() {
        true => collect(super::monitoring_csv::read_weather(&weather_csv), &mut ps)?.unwrap_or_default(),
        false => Vec::new(),
    };
    layer_files.insert("daily".into(), daily_csv);
    layer_files.insert("readings".into(), readings_csv);
    layer_files.insert("weather".into(), weather_csv);
    let survey = Survey {
        meta,
        layers,
        boreholes,
        grids,
        point_clouds,
        positioning: Vec::new(),
        slope_points,
        readings,
        weather,
        daily,
        watch_clock: None,
        ledger: None,
        warnings: Vec::new(),
        layer_files,
    };
    Ok((survey, ps))
}

/// A point-cloud file of a package: its header, checked against the mine CRS. The file name
/// (stem, without `.copc`) is the epoch.
pub fn point_cloud_source(f: &Path, mine: &Crs, ps: &mut Problems) -> Result<crate::model::PointCloudSource> {
    let header = super::pointcloud::read_header(f)?;
    for n in &header.crs_notes {
        ps.warning(Location::file(f), n.clone());
    }
    match &header.crs {
        None => ps.warning(
            Location::file(f),
            text!("点云没有坐标系，按矿井坐标系 {} 处理", "the point cloud has no CRS; taken in the mine CRS {}", mine),
        ),
        Some(def) => {
            let c = if def.trim_start().starts_with(|c: char| c.is_ascii_uppercase()) && def.contains('[') {
                Crs::from_wkt(def, &Location::file(f))?
            } else {
                Crs::parse(def, &Location::file(f))?
            };
            if !c.same_as(mine) {
                return Err(crate::Error::at(
                    Location::file(f),
                    text!("点云坐标系 {} 与矿井坐标系 {} 不同；请先重投影 (pdal translate … reprojection)", "the point cloud's CRS {} differs from the mine CRS {}; reproject it first (pdal translate … reprojection)", c, mine),
                ));
            }
        }
    }
    let stem = f.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let epoch = stem.trim_end_matches(".copc").to_string();
    if crate::model::record::parse_iso_date(&epoch).is_none() {
        ps.warning(
            Location::file(f),
            text!(
                "文件名应为观测日期 (如 2026-03-15.laz)",
                "the file name should be the epoch date (e.g. 2026-03-15.laz)"
            ),
        );
    }
    Ok(crate::model::PointCloudSource { epoch, path: f.to_path_buf(), header })
}

/// Write every vector layer of `layers` into an open GeoPackage (one layer per kind, empty ones
/// included so the schema is complete); `done` is called with each layer's name once written.
pub(crate) fn write_layers(
    ds: &mut gdal::Dataset,
    layers: &Layers,
    crs: &Crs,
    file: &Path,
    done: &dyn Fn(&str),
) -> Result<()> {
    use crate::model::record::FieldType;
    use crate::model::LayerVisitor;
    struct W<'a> {
        ds: &'a mut gdal::Dataset,
        crs: &'a Crs,
        file: &'a Path,
        done: &'a dyn Fn(&str),
        res: Result<()>,
    }
    impl LayerVisitor for W<'_> {
        fn visit<K: LayerKind>(&mut self, items: &[K]) {
            if self.res.is_err() {
                return;
            }
            let records: Vec<_> = items.iter().map(|f| f.write()).collect();
            let mut fields: Vec<(String, FieldType)> = K::FIELDS.iter().map(|f| (f.name.to_string(), f.ty)).collect();
            for r in &records {
                for (k, _) in &r.attrs {
                    if k != "id" && !fields.iter().any(|(n, _)| n == k) {
                        fields.push((k.clone(), FieldType::Real));
                    }
                }
            }
            self.res = gdal_vector::write_layer(
                self.ds,
                K::NAME,
                Some(K::GEOMETRY),
                Some(self.crs),
                &fields,
                &records,
                self.file,
            );
            if self.res.is_ok() {
                (self.done)(K::NAME);
            }
        }
    }
    let mut w = W { ds, crs, file, done, res: Ok(()) };
    layers.visit(&mut w);
    w.res
}

/// Create a new GeoPackage for writing (vector), erroring with the file named.
pub(crate) fn create_gpkg(path: &Path) -> Result<gdal::Dataset> {
    let drv = gdal::DriverManager::get_driver_by_name("GPKG").map_err(|e| crate::Error::Internal(e.to_string()))?;
    drv.create_vector_only(path).map_err(|e| {
        crate::Error::at(Location::file(path), text!("无法创建 GeoPackage: {}", "cannot create the GeoPackage: {}", e))
    })
}

fn gdal_err(path: &Path) -> impl Fn(gdal::errors::GdalError) -> crate::Error + '_ {
    move |e| crate::Error::at(Location::file(path), text!("写入失败: {}", "writing failed: {}", e))
}

/// Write `survey` as a survey package folder at `dir` (created; must not exist or be empty):
/// survey.toml, layers.gpkg, boreholes/*.csv, geophysics/*.tif + .toml,
/// monitoring/positioning.csv. Point clouds are written separately (`pointcloud::write_cloud`).
pub fn write_package(survey: &Survey, dir: &Path) -> Result<()> {
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| crate::Error::io(dir, e))?.next().is_some() {
        return Err(crate::Error::at(Location::file(dir), text!("目标目录非空", "the target folder is not empty")));
    }
    let mine = Crs::parse(&survey.meta.mine.crs, &Location::file(dir.join("survey.toml")).field("crs"))?;
    let mk = |p: &Path| std::fs::create_dir_all(p).map_err(|e| crate::Error::io(p, e));
    mk(dir)?;
    let toml_path = dir.join("survey.toml");
    std::fs::write(&toml_path, survey.meta.to_toml()).map_err(|e| crate::Error::io(&toml_path, e))?;
    let gpkg = dir.join("layers.gpkg");
    let mut ds = create_gpkg(&gpkg)?;
    {
        let mut tx = ds.start_transaction().map_err(gdal_err(&gpkg))?;
        write_layers(&mut tx, &survey.layers, &mine, &gpkg, &|_| {})?;
        tx.commit().map_err(gdal_err(&gpkg))?;
    }
    ds.close().map_err(gdal_err(&gpkg))?;
    if !survey.boreholes.is_empty() {
        mk(&dir.join("boreholes"))?;
        super::csv_tables::write_boreholes(&dir.join("boreholes"), &survey.boreholes)?;
    }
    if !survey.grids.is_empty() {
        mk(&dir.join("geophysics"))?;
        for g in &survey.grids {
            super::grid::write_geotiff(g, &dir.join("geophysics").join(format!("{}.tif", g.name)), &mine)?;
        }
    }
    if !survey.positioning.is_empty() {
        mk(&dir.join("monitoring"))?;
        super::csv_tables::write_positioning(&dir.join("monitoring").join("positioning.csv"), &survey.positioning)?;
    }
    if !survey.slope_points.is_empty() {
        mk(&dir.join("monitoring"))?;
        super::csv_tables::write_slope_points(&dir.join("monitoring").join("slope_points.csv"), &survey.slope_points)?;
    }
    let mon = dir.join("monitoring");
    if !survey.daily.is_empty() {
        mk(&mon)?;
        super::monitoring_csv::write_daily(&mon.join("daily.csv"), &survey.daily)?;
    }
    if !survey.readings.is_empty() {
        mk(&mon)?;
        super::monitoring_csv::write_readings(&mon.join("readings.csv"), &survey.readings)?;
    }
    if !survey.weather.is_empty() {
        mk(&mon)?;
        super::monitoring_csv::write_weather(&mon.join("weather.csv"), &survey.weather)?;
    }
    Ok(())
}
