//! The GeoPackage project store (`minehaz import SURVEY --out mine.gpkg`): one file a GIS user
//! opens in QGIS, holding every layer and table of a survey.
//!
//! | table | what |
//! |---|---|
//! | `licence`, `goaf`, … `slope_design` | the vector layers of SURVEY-FORMAT.md, same names and fields, in the mine CRS; lines and points with Z |
//! | `boreholes` | collars (Point Z) with depth and date |
//! | `borehole_traces` | desurveyed trajectories (LineString Z, minimum curvature; derived, for display) |
//! | `borehole_surveys`, `borehole_intervals` | the down-hole tables (attributes) |
//! | `slope_points` | slope monitoring readings (Point Z; time, point_id) |
//! | `readings`, `weather`, `daily`, `alarms`, `minehaz_watch` | the live tables of MONITORING.md ([`super::live_store`]) |
//! | `positioning` | personnel fixes (Point Z; `z` also as a nullable field since it may be unknown); an append-only time series without a GeoPackage R-tree (one a user adds is kept up to date) |
//! | `grid_<name>` | each geophysical grid as a raster table (2D gridded coverage, Float32) |
//! | `minehaz_grids` | grid name → raster table and its .toml (method, unit, thresholds) |
//! | `pointclouds` | each LiDAR epoch: file path (relative to the store), SHA-256, header; points stay in the LAS/LAZ file |
//! | `minehaz_meta` | format version and survey.toml verbatim |
//! | `minehaz_audit` | the hash-chained audit log ([`super::audit`]) |
//!
//! Writes are atomic: everything goes to a temporary file beside the target inside one
//! transaction, which is renamed over the target only when complete. An interrupted or failed
//! import leaves no file behind.

use super::audit;
use super::crs::Crs;
use super::gdal_vector::{self, SourceLayer};
use super::package::{collect, create_gpkg, type_layers, write_layers, Sources};
use crate::borehole::{Borehole, Collar, Interval, Station};
use crate::error::{Location, Problems, Result};
use crate::model::record::{FieldType, Geom, Record, Value};
use crate::model::{Fix, PointCloudSource, Survey, SurveyMeta};
use crate::text;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "minehaz-store/1";

fn gerr(path: &Path) -> impl Fn(gdal::errors::GdalError) -> crate::Error + '_ {
    move |e| {
        crate::Error::at(Location::file(path), text!("写入工程文件失败: {}", "writing the project store failed: {}", e))
    }
}

fn rec(index: u64, geom: Option<Geom>, attrs: Vec<(&str, Value)>) -> Record {
    Record { index, geom, attrs: attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect() }
}

fn opt_text(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::Text(s.clone()))
}

fn opt_real(v: Option<f64>) -> Value {
    v.map_or(Value::Null, Value::Real)
}

fn sha256_file(path: &Path) -> Result<String> {
    use sha2::Digest;
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| crate::Error::io(path, e))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| crate::Error::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// A path to record for `target` relative to the store's folder where possible.
fn relative_to(target: &Path, store: &Path) -> String {
    let base = store.parent().map(|p| p.canonicalize().unwrap_or_else(|_| p.to_path_buf())).unwrap_or_default();
    let t = target.canonicalize().unwrap_or_else(|_| target.to_path_buf());
    // Walk up from the base until it is a prefix of the target.
    let mut up = 0;
    let mut b = base.as_path();
    loop {
        if let Ok(rest) = t.strip_prefix(b) {
            let mut s = "../".repeat(up);
            s.push_str(&rest.to_string_lossy());
            return s;
        }
        match b.parent() {
            Some(p) => {
                b = p;
                up += 1;
            }
            None => return t.to_string_lossy().to_string(),
        }
    }
}

/// What an import wrote.
#[derive(Debug, Clone)]
pub struct WriteSummary {
    pub audit: audit::Entry,
}

/// Write `survey` as a new project store at `out` (atomically; `out` is replaced only when
/// `replace` is set). `who` and `when` go to the audit log.
pub fn write_store(survey: &Survey, out: &Path, who: &str, when: &str, replace: bool) -> Result<WriteSummary> {
    write_store_with(survey, out, who, when, replace, &|_, _, _| {})
}

/// [`write_store`], calling `progress(step, done, total)` as it goes: one step per vector layer,
/// the tables, the styles and audit, and each raster grid (`minehaz import`'s progress bar).
pub fn write_store_with(
    survey: &Survey,
    out: &Path,
    who: &str,
    when: &str,
    replace: bool,
    progress: &dyn Fn(&str, usize, usize),
) -> Result<WriteSummary> {
    if out.exists() && !replace {
        return Err(crate::Error::at(
            Location::file(out),
            text!(
                "目标文件已存在；它的审计记录会丢失，确需覆盖请加 --force",
                "the target exists; its audit log would be lost: add --force to replace it"
            ),
        ));
    }
    // The temporary stores of `write_atomically` that a killed import left.
    let (dir, prefix) = super::temp_prefix(out);
    remove_stale_temps(dir, &prefix);
    super::write_atomically(out, |tmp| write_into(survey, tmp, out, who, when, progress))
}

/// Temporary stores older than this were left by a killed import (a live import touches its
/// file continuously).
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// Remove the temporary stores `{prefix}*.tmp.gpkg` (and their journals) in `dir` that a killed
/// import left behind.
fn remove_stale_temps(dir: &Path, prefix: &str) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let ours = name.starts_with(prefix) && (name.ends_with(".tmp.gpkg") || name.ends_with(".tmp.gpkg-journal"));
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|a| a > STALE_AFTER);
        if ours && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// SQLite's own check of a store file (None for a file that is not SQLite): None when sound, else what it found. `quick`: the
/// faster check (no index contents).
pub fn integrity(path: &Path, quick: bool) -> Result<Option<String>> {
    // Only SQLite files have this check (a Shapefile handed to `audit verify` is told it is no
    // store by the audit check).
    if gdal_vector::sniff_geopackage(path).is_err() {
        return Ok(None);
    }
    let ds = gdal_vector::open_vector(path)?;
    use gdal::vector::LayerAccess;
    let q = if quick { "PRAGMA quick_check" } else { "PRAGMA integrity_check" };
    let rs = ds.execute_sql(q, None, gdal::vector::sql::Dialect::DEFAULT).map_err(|e| {
        crate::Error::at(Location::file(path), text!("完整性检查失败: {}", "the integrity check failed: {}", e))
    })?;
    let mut found = Vec::new();
    if let Some(mut rs) = rs {
        for f in rs.features() {
            if let Ok(Some(v)) = f.field_as_string(0) {
                if v != "ok" {
                    found.push(v);
                }
            }
        }
    }
    Ok((!found.is_empty()).then(|| found.join("; ")))
}

fn write_into(
    survey: &Survey,
    path: &Path,
    final_path: &Path,
    who: &str,
    when: &str,
    progress: &dyn Fn(&str, usize, usize),
) -> Result<WriteSummary> {
    let mine = Crs::parse(&survey.meta.mine.crs, &Location::file(path).layer("minehaz_meta").field("crs"))?;
    let e = gerr(path);
    let mut ds = create_gpkg(path)?;
    let total = crate::model::Layers::NAMES.len() + 2 + survey.grids.len();
    let done = std::cell::Cell::new(0);
    let step = |name: &str| {
        done.set(done.get() + 1);
        progress(name, done.get(), total);
    };
    let entry;
    {
        let mut tx = ds.start_transaction().map_err(&e)?;
        write_layers(&mut tx, &survey.layers, &mine, path, &step)?;
        write_tables(&mut tx, survey, &mine, path, final_path)?;
        step("tables");
        super::styles::write_styles(&mut tx, path, when)?;
        let mut seal = super::seal::Seal::default();
        seal.all(&tx, path)?;
        let detail = import_detail(survey);
        let act = audit::Act { at: when, who, action: "import", target: &survey.meta.mine.id, detail: &detail };
        entry = audit::append(&tx, path, &act, &seal)?;
        tx.commit().map_err(&e)?;
    }
    ds.close().map_err(&e)?;
    step("audit");
    for g in &survey.grids {
        super::grid::append_to_gpkg(g, path, &format!("grid_{}", g.name), &mine)?;
        step(&g.name);
    }
    Ok(WriteSummary { audit: entry })
}

fn import_detail(s: &Survey) -> String {
    let mut d: BTreeMap<String, usize> = s.layers.counts().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    d.insert("boreholes".into(), s.boreholes.len());
    d.insert("grids".into(), s.grids.len());
    d.insert("pointclouds".into(), s.point_clouds.len());
    d.insert("positioning".into(), s.positioning.len());
    d.insert("slope_points".into(), s.slope_points.len());
    d.insert("readings".into(), s.readings.len());
    d.insert("weather".into(), s.weather.len());
    d.insert("daily".into(), s.daily.len());
    serde_json::to_string(&d).unwrap_or_default()
}

fn write_tables(ds: &mut gdal::Dataset, s: &Survey, mine: &Crs, path: &Path, final_path: &Path) -> Result<()> {
    use FieldType::{Int, Real, Text};
    let f = |v: &[(&str, FieldType)]| v.iter().map(|(n, t)| (n.to_string(), *t)).collect::<Vec<_>>();
    let meta = vec![
        rec(1, None, vec![("key", Value::Text("format".into())), ("value", Value::Text(FORMAT.into()))]),
        rec(2, None, vec![("key", Value::Text("survey.toml".into())), ("value", Value::Text(s.meta.to_toml()))]),
        rec(
            3,
            None,
            vec![
                ("key", Value::Text("written_by".into())),
                ("value", Value::Text(format!("minehaz {}", env!("CARGO_PKG_VERSION")))),
            ],
        ),
    ];
    gdal_vector::write_layer(ds, "minehaz_meta", None, None, &f(&[("key", Text), ("value", Text)]), &meta, path)?;
    let collars: Vec<Record> = s
        .boreholes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let c = &b.collar;
            rec(
                i as u64 + 1,
                Some(Geom::Point { pos: [c.x, c.y, c.z], has_z: true }),
                vec![
                    ("id", Value::Text(c.id.clone())),
                    ("depth", opt_real(c.depth_m)),
                    ("drilled_at", opt_text(&c.drilled_at)),
                ],
            )
        })
        .collect();
    gdal_vector::write_layer(
        ds,
        "boreholes",
        Some(crate::model::record::GeomType::PointZ),
        Some(mine),
        &f(&[("depth", Real), ("drilled_at", FieldType::Date)]),
        &collars,
        path,
    )?;
    let traces: Vec<Record> = s
        .boreholes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let t = b.trajectory();
            rec(
                i as u64 + 1,
                Some(Geom::Line { coords: t.polyline(10.0), has_z: true }),
                vec![("id", Value::Text(b.collar.id.clone())), ("length_m", Value::Real(t.length()))],
            )
        })
        .collect();
    gdal_vector::write_layer(
        ds,
        "borehole_traces",
        Some(crate::model::record::GeomType::LineStringZ),
        Some(mine),
        &f(&[("length_m", Real)]),
        &traces,
        path,
    )?;
    let surveys: Vec<Record> = s
        .boreholes
        .iter()
        .flat_map(|b| {
            b.stations.iter().map(move |st| {
                rec(
                    0,
                    None,
                    vec![
                        ("id", Value::Text(b.collar.id.clone())),
                        ("depth", Value::Real(st.depth_m)),
                        ("azimuth", Value::Real(st.azimuth_deg)),
                        ("dip", Value::Real(st.dip_deg)),
                    ],
                )
            })
        })
        .collect();
    gdal_vector::write_layer(
        ds,
        "borehole_surveys",
        None,
        None,
        &f(&[("depth", Real), ("azimuth", Real), ("dip", Real)]),
        &surveys,
        path,
    )?;
    let intervals: Vec<Record> = s
        .boreholes
        .iter()
        .flat_map(|b| {
            b.intervals.iter().map(move |iv| {
                rec(
                    0,
                    None,
                    vec![
                        ("id", Value::Text(b.collar.id.clone())),
                        ("from", Value::Real(iv.from_m)),
                        ("to", Value::Real(iv.to_m)),
                        ("lithology", opt_text(&iv.lithology)),
                        ("seam", opt_text(&iv.seam)),
                        ("water_inflow_m3h", opt_real(iv.water_inflow_m3h)),
                        ("gas_content_m3t", opt_real(iv.gas_content_m3t)),
                        ("gas_pressure_mpa", opt_real(iv.gas_pressure_mpa)),
                    ],
                )
            })
        })
        .collect();
    gdal_vector::write_layer(
        ds,
        "borehole_intervals",
        None,
        None,
        &f(&[
            ("from", Real),
            ("to", Real),
            ("lithology", Text),
            ("seam", Text),
            ("water_inflow_m3h", Real),
            ("gas_content_m3t", Real),
            ("gas_pressure_mpa", Real),
        ]),
        &intervals,
        path,
    )?;
    let fixes: Vec<Record> =
        s.positioning.iter().enumerate().map(|(i, fx)| super::live_store::fix_record(i as u64 + 1, fx)).collect();
    // The fixes are a time series that `watch` appends to at tens of thousands a second: no
    // GeoPackage R-tree (see `write_layer_indexed`); minehaz indexes them in memory.
    gdal_vector::write_layer_indexed(
        ds,
        "positioning",
        Some(crate::model::record::GeomType::PointZ),
        Some(mine),
        &f(&[("time", Text), ("person_id", Text), ("z", Real)]),
        &fixes,
        path,
        false,
    )?;
    let readings: Vec<Record> = s
        .slope_points
        .iter()
        .enumerate()
        .map(|(i, r)| {
            rec(
                i as u64 + 1,
                Some(Geom::Point { pos: r.pos, has_z: true }),
                vec![
                    ("id", Value::Text((i + 1).to_string())),
                    ("time", Value::Text(r.time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))),
                    ("point_id", Value::Text(r.point_id.clone())),
                ],
            )
        })
        .collect();
    gdal_vector::write_layer(
        ds,
        "slope_points",
        Some(crate::model::record::GeomType::PointZ),
        Some(mine),
        &f(&[("time", Text), ("point_id", Text)]),
        &readings,
        path,
    )?;
    super::live_store::write_tables(ds, s, mine, path)?;
    let grids: Vec<Record> = s
        .grids
        .iter()
        .map(|g| {
            rec(
                0,
                None,
                vec![
                    ("id", Value::Text(g.name.clone())),
                    ("raster_table", Value::Text(format!("grid_{}", g.name))),
                    ("meta_toml", Value::Text(toml::to_string(&g.meta).unwrap_or_default())),
                ],
            )
        })
        .collect();
    gdal_vector::write_layer(
        ds,
        "minehaz_grids",
        None,
        None,
        &f(&[("raster_table", Text), ("meta_toml", Text)]),
        &grids,
        path,
    )?;
    let mut clouds = Vec::new();
    for pc in &s.point_clouds {
        let h = &pc.header;
        clouds.push(rec(
            0,
            None,
            vec![
                ("id", Value::Text(pc.epoch.clone())),
                ("path", Value::Text(relative_to(&pc.path, final_path))),
                ("sha256", Value::Text(sha256_file(&pc.path)?)),
                ("point_count", Value::Int(h.point_count as i64)),
                ("min_x", Value::Real(h.bounds[0])),
                ("min_y", Value::Real(h.bounds[1])),
                ("min_z", Value::Real(h.bounds[2])),
                ("max_x", Value::Real(h.bounds[3])),
                ("max_y", Value::Real(h.bounds[4])),
                ("max_z", Value::Real(h.bounds[5])),
                ("las_version", Value::Text(h.version.clone())),
                ("point_format", Value::Int(i64::from(h.point_format))),
            ],
        ));
    }
    gdal_vector::write_layer(
        ds,
        "pointclouds",
        None,
        None,
        &f(&[
            ("path", Text),
            ("sha256", Text),
            ("point_count", Int),
            ("min_x", Real),
            ("min_y", Real),
            ("min_z", Real),
            ("max_x", Real),
            ("max_y", Real),
            ("max_z", Real),
            ("las_version", Text),
            ("point_format", Int),
        ]),
        &clouds,
        path,
    )?;
    audit::create(ds, path)
}

pub(crate) fn table(ds: &gdal::Dataset, name: &str, path: &Path, ps: &mut Problems) -> Result<Vec<Record>> {
    if ds.layer_by_name(name).is_err() {
        return Ok(Vec::new());
    }
    Ok(gdal_vector::read_layer(ds, name, path, ps)?.records)
}

/// A `positioning` row as a fix (None without a point, a time or a person).
pub(crate) fn fix_of(r: &Record) -> Option<Fix> {
    let Some(Geom::Point { pos, .. }) = r.geom else { return None };
    Some(Fix {
        time: text_of(r, "time")?.into(),
        person_id: text_of(r, "person_id")?.into(),
        pos: [pos[0], pos[1], real_of(r, "z").unwrap_or(f64::NAN)],
    })
}

pub(crate) fn text_of(r: &Record, k: &str) -> Option<String> {
    match r.attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v) {
        Some(Value::Text(s)) => Some(s.clone()),
        Some(Value::Int(i)) => Some(i.to_string()),
        _ => None,
    }
}

pub(crate) fn real_of(r: &Record, k: &str) -> Option<f64> {
    match r.attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v) {
        Some(Value::Real(x)) => Some(*x),
        Some(Value::Int(i)) => Some(*i as f64),
        _ => None,
    }
}

/// The survey.toml of a project store and the mine CRS, after its format mark is checked (a
/// GeoPackage that is not a minehaz store is refused). Reads only `minehaz_meta`.
/// The mine CRS of a project store.
pub fn mine_crs(ds: &gdal::Dataset, path: &Path) -> Result<Crs> {
    let mut ps = Problems::default();
    let r = store_meta(ds, path, &mut ps);
    ps.into_result()?;
    Ok(r?.1)
}

fn store_meta(ds: &gdal::Dataset, path: &Path, ps: &mut Problems) -> Result<(SurveyMeta, Crs)> {
    let meta_rows = table(ds, "minehaz_meta", path, ps)?;
    let get =
        |k: &str| meta_rows.iter().find(|r| text_of(r, "key").as_deref() == Some(k)).and_then(|r| text_of(r, "value"));
    if get("format").as_deref() != Some(FORMAT) {
        return Err(crate::Error::at(
            Location::file(path).layer("minehaz_meta"),
            text!(
                "不是 minehaz 工程文件（缺少格式标记 {}）",
                "not a minehaz project store (no {} format mark)",
                FORMAT
            ),
        ));
    }
    let toml_text = get("survey.toml").unwrap_or_default();
    let meta = SurveyMeta::parse(&toml_text, &path.join("minehaz_meta/survey.toml"))?;
    let crs = Crs::parse(&meta.mine.crs, &Location::file(path).layer("minehaz_meta").field("crs"))?;
    Ok((meta, crs))
}

/// Some vector layers of a project store (by name; missing ones are empty), optionally only
/// the features an OGR SQL filter selects, typed — without reading the rest of the store. With
/// the store's survey.toml. The format mark is checked; problems are errors as in `read_store`.
pub fn read_layers(path: &Path, names: &[&str], filter: Option<&str>) -> Result<(SurveyMeta, crate::model::Layers)> {
    let ds = gdal_vector::open_vector(path)?;
    let mut ps = Problems::default();
    let (meta, mine) = store_meta(&ds, path, &mut ps)?;
    let (sources, _) = vector_layers(&ds, path, &mine, &meta, names, filter, &mut ps)?;
    let layers = type_layers(sources, &mut ps, true);
    ps.into_result()?;
    Ok((meta, layers))
}

/// The zones of a project store with id `id` (none or one in a valid store): what an edit
/// needs to know, from the zones layer alone.
pub fn zones_with_id(path: &Path, id: &str) -> Result<Vec<crate::model::Zone>> {
    let filter = format!("id = '{}'", id.replace('\'', "''"));
    Ok(read_layers(path, &["zones"], Some(&filter))?.1.zones)
}

/// Read the vector layers `names` of an open store (reprojected to the mine CRS where a layer
/// says otherwise), with the file of each.
fn vector_layers(
    ds: &gdal::Dataset,
    path: &Path,
    mine: &Crs,
    meta: &SurveyMeta,
    names: &[&str],
    filter: Option<&str>,
    ps: &mut Problems,
) -> Result<(Sources, BTreeMap<String, PathBuf>)> {
    let mut sources: Sources = BTreeMap::new();
    let mut layer_files = BTreeMap::new();
    for name in names {
        if ds.layer_by_name(name).is_err() {
            continue;
        }
        if let Some(mut l) = collect(gdal_vector::read_layer_where(ds, name, filter, path, ps), ps)? {
            collect(super::package::reproject(&mut l, path, mine, &meta.crs, ps), ps)?;
            layer_files.insert(name.to_string(), path.to_path_buf());
            sources.insert(
                name.to_string(),
                (path.to_path_buf(), SourceLayer { name: name.to_string(), crs: l.crs, records: l.records }),
            );
        }
    }
    Ok((sources, layer_files))
}

/// Read a project store back into a survey.
pub fn read_store(path: &Path) -> Result<Survey> {
    let ds = gdal_vector::open_vector(path)?;
    let mut ps = Problems::default();
    let (meta, mine) = store_meta(&ds, path, &mut ps)?;
    ps.0.extend(meta.warnings.iter().cloned());

    let (sources, mut layer_files) =
        vector_layers(&ds, path, &mine, &meta, crate::model::Layers::NAMES, None, &mut ps)?;
    let layers = type_layers(sources, &mut ps, true);
    let mut boreholes: Vec<Borehole> = Vec::new();
    let mut index = BTreeMap::new();
    for r in table(&ds, "boreholes", path, &mut ps)? {
        let Some(Geom::Point { pos, .. }) = r.geom else { continue };
        let id = text_of(&r, "id").unwrap_or_default();
        index.insert(id.clone(), boreholes.len());
        boreholes.push(Borehole {
            collar: Collar {
                id,
                x: pos[0],
                y: pos[1],
                z: pos[2],
                depth_m: real_of(&r, "depth"),
                drilled_at: text_of(&r, "drilled_at"),
            },
            stations: Vec::new(),
            intervals: Vec::new(),
        });
    }
    for r in table(&ds, "borehole_surveys", path, &mut ps)? {
        if let (Some(&i), Some(d), Some(a), Some(dip)) = (
            text_of(&r, "id").and_then(|id| index.get(&id)),
            real_of(&r, "depth"),
            real_of(&r, "azimuth"),
            real_of(&r, "dip"),
        ) {
            boreholes[i].stations.push(Station { depth_m: d, azimuth_deg: a, dip_deg: dip });
        }
    }
    for r in table(&ds, "borehole_intervals", path, &mut ps)? {
        if let (Some(&i), Some(from_m), Some(to_m)) =
            (text_of(&r, "id").and_then(|id| index.get(&id)), real_of(&r, "from"), real_of(&r, "to"))
        {
            boreholes[i].intervals.push(Interval {
                from_m,
                to_m,
                lithology: text_of(&r, "lithology"),
                seam: text_of(&r, "seam"),
                water_inflow_m3h: real_of(&r, "water_inflow_m3h"),
                gas_content_m3t: real_of(&r, "gas_content_m3t"),
                gas_pressure_mpa: real_of(&r, "gas_pressure_mpa"),
            });
        }
    }
    let positioning: Vec<Fix> = table(&ds, "positioning", path, &mut ps)?.iter().filter_map(fix_of).collect();
    let slope_points: Vec<crate::model::SlopeReading> = table(&ds, "slope_points", path, &mut ps)?
        .into_iter()
        .filter_map(|r| {
            let Some(Geom::Point { pos, .. }) = r.geom else { return None };
            Some(crate::model::SlopeReading {
                time: chrono::DateTime::parse_from_rfc3339(&text_of(&r, "time")?).ok()?,
                point_id: text_of(&r, "point_id")?,
                pos,
            })
        })
        .collect();
    let mut grids = Vec::new();
    for r in table(&ds, "minehaz_grids", path, &mut ps)? {
        let (Some(name), Some(tbl)) = (text_of(&r, "id"), text_of(&r, "raster_table")) else { continue };
        let mut g = super::grid::read_from_gpkg(path, &tbl, &name)?;
        g.meta = toml::from_str(&text_of(&r, "meta_toml").unwrap_or_default()).unwrap_or_default();
        grids.push(g);
    }
    let mut point_clouds = Vec::new();
    let base = path.parent().unwrap_or(Path::new("."));
    for r in table(&ds, "pointclouds", path, &mut ps)? {
        let (Some(epoch), Some(rel)) = (text_of(&r, "id"), text_of(&r, "path")) else { continue };
        let file: PathBuf = if Path::new(&rel).is_absolute() { PathBuf::from(&rel) } else { base.join(&rel) };
        let at = Location::file(path).layer("pointclouds").feature(&epoch).field("path");
        if !file.exists() {
            // A store moved away from its LAZ files still opens: without the cloud (the rules
            // that need it are then reported as not evaluated).
            ps.warning(
                at,
                text!(
                    "点云文件 {} 不存在（工程文件引用它；工程文件被移动？），该期点云不可用",
                    "point-cloud file {} is missing (the store refers to it; was the store moved?): that epoch is unavailable",
                    file.display()
                ),
            );
            continue;
        }
        if let Some(pc) = collect(super::package::point_cloud_source(&file, &mine, &mut Problems::default()), &mut ps)?
        {
            if Some(pc.header.point_count as f64) != real_of(&r, "point_count") {
                ps.error(
                    at,
                    text!(
                        "点云文件 {} 与导入时不同（点数变化）",
                        "point-cloud file {} differs from the imported one (point count)",
                        file.display()
                    ),
                );
                continue;
            }
            point_clouds.push(PointCloudSource { epoch, ..pc });
        }
    }
    let live = super::live_store::read_tables(&ds, path, &mut ps)?;
    for table in ["boreholes", "positioning", "slope_points", "readings", "weather", "daily"] {
        layer_files.insert(table.into(), path.to_path_buf());
    }
    let mut survey = Survey {
        meta,
        layers,
        boreholes,
        grids,
        point_clouds,
        positioning,
        slope_points,
        readings: live.readings,
        weather: live.weather,
        daily: live.daily,
        watch_clock: live.watch.clock,
        ledger: super::ledger_store::load(&ds, path)?,
        warnings: Vec::new(),
        layer_files,
    };
    crate::validate::validate(&survey, &mut ps);
    survey.warnings = ps.into_result()?;
    Ok(survey)
}

/// Open a project store for update.
pub fn open_update(path: &Path) -> Result<gdal::Dataset> {
    gdal::Dataset::open_ex(
        path,
        gdal::DatasetOptions {
            open_flags: gdal::GdalOpenFlags::GDAL_OF_VECTOR | gdal::GdalOpenFlags::GDAL_OF_UPDATE,
            ..Default::default()
        },
    )
    .map_err(|e| crate::Error::at(Location::file(path), text!("无法以写方式打开: {}", "cannot open for update: {}", e)))
}

/// Append typed features of `layer` to a project store in one transaction with an audit row.
/// The caller has validated the features (ids unique against the store, geometry valid).
pub fn append_features(
    path: &Path,
    layer: &str,
    records: &[Record],
    who: &str,
    when: &str,
    detail: &str,
) -> Result<audit::Entry> {
    let mut ds = open_update(path)?;
    let e = gerr(path);
    let entry;
    {
        let tx = ds.start_transaction().map_err(&e)?;
        let mut seal = super::seal::Seal::default();
        seal.base(&tx, path, layer)?;
        let before = super::seal::max_fid(&tx, path, layer)?;
        gdal_vector::append_records(&tx, layer, records, path)?;
        let added = super::seal::rows(&tx, path, layer, Some(&format!("fid > {before}")))?;
        seal.change(layer, &super::seal::Digest::default(), &added)?;
        entry = audit::append(
            &tx,
            path,
            &audit::Act { at: when, who, action: "import-layer", target: layer, detail },
            &seal,
        )?;
        tx.commit().map_err(&e)?;
    }
    ds.close().map_err(&e)?;
    Ok(entry)
}

/// Write layers (the derived lines of `derive`, a drilling plan …) to a new GeoPackage at `out`,
/// atomically (temporary file renamed into place; an existing file is replaced — it holds only
/// derived data).
pub fn write_derived(layers: &[super::output::OutputLayer], crs: &Crs, out: &Path) -> Result<()> {
    super::write_atomically(out, |tmp| {
        let e = gerr(tmp);
        let mut ds = create_gpkg(tmp)?;
        {
            let mut tx = ds.start_transaction().map_err(&e)?;
            for l in layers {
                gdal_vector::write_layer(&mut tx, &l.name, Some(l.geometry), Some(crs), &l.fields, &l.records, tmp)?;
            }
            tx.commit().map_err(&e)?;
        }
        ds.close().map_err(&e)
    })
}

/// Check that `path` is the project store a design of `mine` may go into (`plan --into`): an
/// existing, sound minehaz store of the same mine id and CRS. Returns the store's CRS. Reads
/// only its meta.
pub fn plan_target(path: &Path, mine: &SurveyMeta) -> Result<Crs> {
    if !path.is_file() {
        return Err(crate::Error::at(
            Location::file(path).field("--into"),
            text!("工程文件不存在；请先 minehaz import", "no such project store: run minehaz import first"),
        ));
    }
    if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gpkg")) {
        return Err(crate::Error::at(
            Location::file(path).field("--into"),
            text!(
                "只能写入 .gpkg 工程文件；请先 minehaz import",
                "the design goes into a .gpkg project store: run minehaz import first"
            ),
        ));
    }
    // A minehaz store (any other GeoPackage is refused), sound on disk; only its meta is read.
    if let Some(problem) = integrity(path, true)? {
        return Err(crate::Error::at(
            Location::file(path),
            text!("工程文件已损坏: {}", "the store is damaged: {}", problem),
        ));
    }
    let (store_mine, crs) = {
        let ds = gdal_vector::open_vector(path)?;
        store_meta(&ds, path, &mut Problems::default())?
    };
    let design_crs = Crs::parse(&mine.mine.crs, &Location::file(path).field("--into"))?;
    if store_mine.mine.id != mine.mine.id || !crs.same_as(&design_crs) {
        return Err(crate::Error::at(
            Location::file(path).layer("minehaz_meta").field("--into"),
            text!(
                "工程文件属于另一矿井（{} {}），设计来自 {} {}：不写入",
                "the store belongs to another mine ({} {}); the design is for {} {}: nothing written",
                store_mine.mine.id,
                store_mine.mine.crs,
                mine.mine.id,
                mine.mine.crs
            ),
        ));
    }
    Ok(crs)
}

/// Write a drilling design into a project store (`minehaz plan --into`): in one transaction,
/// the design layers (`planned_drillholes`, `stop_points`) are created where the store lacks
/// them, the previous design of each heading in `headings` is deleted, the new features are
/// appended, and an audit row records it — or nothing changes. The store must be the mine's
/// own: same mine id and CRS as `mine` (the survey the design was made from).
pub fn replace_plan(
    path: &Path,
    mine: &SurveyMeta,
    layers: &[super::output::OutputLayer],
    headings: &[String],
    who: &str,
    when: &str,
    detail: &str,
) -> Result<audit::Entry> {
    let crs = plan_target(path, mine)?;
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let list = headings.iter().map(|h| q(h)).collect::<Vec<_>>().join(", ");
    let mut ds = open_update(path)?;
    let e = gerr(path);
    let entry;
    {
        let mut tx = ds.start_transaction().map_err(&e)?;
        let mut seal = super::seal::Seal::default();
        for l in layers {
            if tx.layer_by_name(&l.name).is_err() {
                gdal_vector::write_layer(&mut tx, &l.name, Some(l.geometry), Some(&crs), &l.fields, &[], path)?;
            }
            seal.base(&tx, path, &l.name)?;
            let removed = if headings.is_empty() {
                super::seal::Digest::default()
            } else {
                super::seal::rows(&tx, path, &l.name, Some(&format!("heading_id IN ({list})")))?
            };
            if !headings.is_empty() {
                tx.execute_sql(
                    format!("DELETE FROM \"{}\" WHERE heading_id IN ({list})", l.name.replace('"', "\"\"")),
                    None,
                    gdal::vector::sql::Dialect::SQLITE,
                )
                .map_err(|err| {
                    crate::Error::at(
                        Location::file(path).layer(&l.name),
                        text!("删除失败: {}", "delete failed: {}", err),
                    )
                })?;
            }
            let before = super::seal::max_fid(&tx, path, &l.name)?;
            gdal_vector::append_records(&tx, &l.name, &l.records, path)?;
            let added = super::seal::rows(&tx, path, &l.name, Some(&format!("fid > {before}")))?;
            seal.change(&l.name, &removed, &added)?;
        }
        let act = audit::Act { at: when, who, action: "plan", target: "planned_drillholes", detail };
        entry = audit::append(&tx, path, &act, &seal)?;
        tx.commit().map_err(&e)?;
    }
    ds.close().map_err(&e)?;
    Ok(entry)
}

/// [`write_derived`] plus raster tables (`(table, grid)`, Float32, GDAL's GPKG raster driver),
/// all in one new GeoPackage written atomically.
pub fn write_derived_with_rasters(
    layers: &[super::output::OutputLayer],
    rasters: &[(String, crate::model::Grid)],
    crs: &Crs,
    out: &Path,
) -> Result<()> {
    super::write_atomically(out, |tmp| {
        let e = gerr(tmp);
        let mut ds = create_gpkg(tmp)?;
        {
            let mut tx = ds.start_transaction().map_err(&e)?;
            for l in layers {
                gdal_vector::write_layer(&mut tx, &l.name, Some(l.geometry), Some(crs), &l.fields, &l.records, tmp)?;
            }
            tx.commit().map_err(&e)?;
        }
        ds.close().map_err(&e)?;
        for (table, g) in rasters {
            super::grid::append_to_gpkg(g, tmp, table, crs)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `import`'s progress: one step per vector layer (each named), the tables, the audit and
    /// each grid, counted up to a total that does not change.
    #[test]
    fn a_store_write_reports_every_step_up_to_its_total() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine");
        let s = super::super::open(&src).expect("sample");
        let d = tempfile::tempdir().expect("tmp");
        let out = d.path().join("m.gpkg");
        let seen = std::cell::RefCell::new(Vec::new());
        write_store_with(&s, &out, "tester", "2026-12-03T10:00:00+08:00", false, &|step, done, total| {
            seen.borrow_mut().push((step.to_string(), done, total));
        })
        .expect("store");
        let seen = seen.into_inner();
        let total = crate::model::Layers::NAMES.len() + 2 + s.grids.len();
        assert!(!s.grids.is_empty(), "the sample has grids");
        assert_eq!(seen.len(), total);
        for (k, (_, done, t)) in seen.iter().enumerate() {
            assert_eq!((*done, *t), (k + 1, total));
        }
        let steps: Vec<&str> = seen.iter().map(|s| s.0.as_str()).collect();
        for name in crate::model::Layers::NAMES {
            assert!(steps.contains(name), "{name}");
        }
        assert!(steps.contains(&"tables") && steps.contains(&"audit"));
    }
}
