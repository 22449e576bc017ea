//! Vector layers through GDAL/OGR: read any OGR layer (GeoPackage, DXF, GeoJSON, Shapefile …)
//! into neutral [`Record`]s with their CRS, and write records into a GeoPackage layer.
//!
//! Z is kept: lines and points come with their Z and a `has_z` flag. A multi-part feature is
//! split into one record per part (with a warning), since every layer kind is single-part.

use super::crs::Crs;
use crate::error::{Location, Problems, Result};
use crate::i18n::Text;
use crate::model::record::{FieldType, Geom, GeomType, Record, Value};
use crate::text;
use gdal::vector::{FieldValue, Geometry, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType as T};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use std::collections::HashMap;
use std::path::Path;

/// A layer read from a GDAL source.
#[derive(Debug, Clone)]
pub struct SourceLayer {
    pub name: String,
    /// None when the source declares no CRS.
    pub crs: Option<Crs>,
    pub records: Vec<Record>,
}

/// Open a vector dataset read-only; an error names the file.
///
/// A GeoPackage with a hot rollback journal beside it (a writer such as `minehaz watch` was
/// killed inside a transaction) is first opened for update once, which makes SQLite roll the
/// unfinished transaction back: a read-only connection cannot, and would refuse the file.
pub fn open_vector(path: &Path) -> Result<Dataset> {
    let journal = path.with_extension(format!(
        "{}-journal",
        path.extension().map(|e| e.to_string_lossy().to_string()).unwrap_or_default()
    ));
    if std::fs::metadata(&journal).is_ok_and(|m| m.len() > 0) {
        let _ = Dataset::open_ex(
            path,
            DatasetOptions {
                open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_UPDATE,
                ..Default::default()
            },
        )
        .map(|ds| ds.layer_count());
    }
    // A DXF of AutoCAD 2007 or later is UTF-8 whatever its $DWGCODEPAGE says; GDAL decodes by
    // the code page alone, so a Chinese layer name would read as mojibake.
    let utf8_dxf = dxf_is_utf8(path);
    if utf8_dxf {
        let _ = gdal::config::set_thread_local_config_option("DXF_ENCODING", "UTF-8");
    }
    let opened = Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            ..Default::default()
        },
    );
    if utf8_dxf {
        let _ = gdal::config::clear_thread_local_config_option("DXF_ENCODING");
    }
    opened.map_err(|e| {
        let detail = match &e {
            gdal::errors::GdalError::NullPointer { msg, .. } if msg.trim().is_empty() => text!(
                "没有能识别此格式的 GDAL 驱动，或文件已损坏",
                "no GDAL driver recognises the format, or the file is damaged"
            ),
            other => text!("{}", "{}", other),
        };
        crate::Error::at(
            Location::file(path),
            Text::new(format!("无法打开矢量数据: {}", detail.zh), format!("cannot open vector data: {}", detail.en)),
        )
    })
}

/// Whether `path` is a DXF whose header declares AutoCAD 2007 or later (`$ACADVER` AC1021+):
/// those files are UTF-8 by the DXF reference, whatever their `$DWGCODEPAGE`. Reads the
/// header only (the first 64 KiB).
pub fn dxf_is_utf8(path: &Path) -> bool {
    use std::io::Read;
    if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("dxf")) {
        return false;
    }
    let mut head = Vec::new();
    let Ok(f) = std::fs::File::open(path) else { return false };
    if f.take(64 * 1024).read_to_end(&mut head).is_err() {
        return false;
    }
    // The header variable (9, $ACADVER) and its value (1, AC10xx).
    let pairs = super::dxf::group_pairs(&String::from_utf8_lossy(&head));
    pairs
        .windows(2)
        .find(|w| w[0].0 == 9 && w[0].1.trim() == "$ACADVER")
        .and_then(|w| w[1].1.trim().strip_prefix("AC").and_then(|n| n.parse::<u32>().ok()))
        .is_some_and(|n| n >= 1021)
}

/// Check that `path` is a GeoPackage (an SQLite database) before GDAL opens it, so that a
/// link loop, an empty file or GeoJSON text named `.gpkg` is an error saying what the file is,
/// not an empty layer list or a GDAL null-pointer message.
pub fn sniff_geopackage(path: &Path) -> Result<()> {
    let at = || Location::file(path);
    let mut head = [0u8; 16];
    let n = match std::fs::File::open(path) {
        Ok(mut f) => {
            use std::io::Read;
            let mut n = 0;
            while n < head.len() {
                match f.read(&mut head[n..]) {
                    Ok(0) => break,
                    Ok(k) => n += k,
                    Err(e) => return Err(crate::Error::io(path, e)),
                }
            }
            n
        }
        Err(e) => {
            let why = match e.raw_os_error() {
                Some(40) => text!("符号链接循环", "a symbolic link loop"),
                Some(2) => text!("符号链接指向不存在的文件", "a symbolic link to a file that does not exist"),
                _ => text!("{}", "{}", e),
            };
            return Err(crate::Error::at(
                at(),
                Text::new(
                    format!("GeoPackage 无法打开：{}", why.zh),
                    format!("the GeoPackage cannot be opened: {}", why.en),
                ),
            ));
        }
    };
    if n == 16 && &head == b"SQLite format 3\0" {
        return Ok(());
    }
    let what = if n == 0 {
        text!("空文件", "an empty file")
    } else if head[..n].iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| *b == b'{' || *b == b'[') {
        text!("JSON 文本（GeoJSON？）", "JSON text (GeoJSON?)")
    } else if head[..n].iter().all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace()) {
        text!("纯文本", "plain text")
    } else {
        text!("未知的二进制数据", "unknown binary data")
    };
    Err(crate::Error::at(
        at(),
        Text::new(
            format!("不是 GeoPackage（SQLite 数据库），而是{}；请用 ogr2ogr -f GPKG 转换", what.zh),
            format!("not a GeoPackage (an SQLite database) but {}; convert it with ogr2ogr -f GPKG", what.en),
        ),
    ))
}

/// Names of the layers of a dataset.
pub fn layer_names(ds: &Dataset) -> Vec<String> {
    ds.layers().map(|l| l.name()).collect()
}

fn value(v: Option<FieldValue>) -> Value {
    match v {
        None => Value::Null,
        Some(FieldValue::IntegerValue(i)) => Value::Int(i64::from(i)),
        Some(FieldValue::Integer64Value(i)) => Value::Int(i),
        Some(FieldValue::RealValue(r)) => Value::Real(r),
        Some(FieldValue::StringValue(s)) => Value::Text(s),
        Some(FieldValue::DateValue(d)) => Value::Text(d.format("%Y-%m-%d").to_string()),
        Some(FieldValue::DateTimeValue(d)) => Value::Text(d.to_rfc3339()),
        Some(other) => Value::Text(format!("{other:?}")),
    }
}

fn has_z(ty: u32) -> bool {
    // SAFETY: a pure function of its integer argument.
    unsafe { gdal_sys::OGR_GT_HasZ(ty) != 0 }
}

fn flatten(ty: u32) -> u32 {
    // SAFETY: a pure function of its integer argument.
    unsafe { gdal_sys::OGR_GT_Flatten(ty) }
}

fn points(g: &Geometry) -> Vec<[f64; 3]> {
    let mut v = Vec::new();
    g.get_points(&mut v);
    v.into_iter().map(|(x, y, z)| [x, y, z]).collect()
}

fn ring(g: &Geometry) -> geo_types::LineString<f64> {
    let mut v = Vec::new();
    g.get_points(&mut v);
    geo_types::LineString(v.into_iter().map(|(x, y, _)| geo_types::coord! { x: x, y: y }).collect())
}

/// Convert an OGR geometry into single-part geometries. Err(type name) for unsupported types.
fn convert(g: &Geometry, out: &mut Vec<Geom>) -> std::result::Result<(), String> {
    let ty = g.geometry_type();
    let z = has_z(ty);
    match flatten(ty) {
        T::wkbPoint => {
            let (x, y, zz) = g.get_point(0);
            out.push(Geom::Point { pos: [x, y, if z { zz } else { 0.0 }], has_z: z });
        }
        T::wkbLineString => out.push(Geom::Line { coords: points(g), has_z: z }),
        T::wkbPolygon | T::wkbTriangle => {
            let n = g.geometry_count();
            if n == 0 {
                return Err("empty Polygon".into());
            }
            let ext = ring(&g.get_geometry(0));
            let ints = (1..n).map(|i| ring(&g.get_geometry(i))).collect();
            out.push(Geom::Polygon(geo_types::Polygon::new(ext, ints)));
        }
        T::wkbMultiPoint | T::wkbMultiLineString | T::wkbMultiPolygon | T::wkbGeometryCollection => {
            for i in 0..g.geometry_count() {
                let part = g.get_geometry(i);
                convert(&part, out)?;
            }
        }
        T::wkbCircularString | T::wkbCompoundCurve | T::wkbCurvePolygon | T::wkbMultiCurve | T::wkbMultiSurface => {
            // SAFETY: OGR_G_GetLinearGeometry returns a new geometry we own (or null).
            let lin = unsafe { gdal_sys::OGR_G_GetLinearGeometry(g.c_geometry(), 0.0, std::ptr::null_mut()) };
            if lin.is_null() {
                return Err(g.geometry_name());
            }
            // SAFETY: `lin` is a new, owned, non-null geometry.
            let owned = unsafe { Geometry::lazy_feature_geometry() };
            // SAFETY: we hand ownership of `lin` to `owned`, which destroys it on drop.
            unsafe { owned.set_c_geometry(lin) };
            let r = convert(&owned, out);
            // SAFETY: `lin` was created above and is not referenced after this.
            unsafe { gdal_sys::OGR_G_DestroyGeometry(lin) };
            std::mem::forget(owned);
            r?;
        }
        _ => return Err(g.geometry_name()),
    }
    Ok(())
}

/// Read one layer of an open dataset into records (multi-part features split, with a
/// warning). `file` names the source in problems.
pub fn read_layer(ds: &Dataset, layer_name: &str, file: &Path, ps: &mut Problems) -> Result<SourceLayer> {
    read_layer_where(ds, layer_name, None, file, ps)
}

/// [`read_layer`] of the features an OGR SQL attribute filter (`--where`) selects.
pub fn read_layer_where(
    ds: &Dataset,
    layer_name: &str,
    filter: Option<&str>,
    file: &Path,
    ps: &mut Problems,
) -> Result<SourceLayer> {
    let mut layer = ds.layer_by_name(layer_name).map_err(|e| {
        crate::Error::at(
            Location::file(file).layer(layer_name),
            text!("图层无法读取: {}", "layer cannot be read: {}", e),
        )
    })?;
    if let Some(w) = filter {
        layer.set_attribute_filter(w).map_err(|e| {
            crate::Error::at(
                Location::file(file).layer(layer_name).field("--where"),
                text!("筛选条件无效 \"{}\": {}", "invalid filter \"{}\": {}", w, e),
            )
        })?;
    }
    let crs = layer.spatial_ref().map(Crs::from_srs);
    // Field names once per layer; each feature's values by index.
    let names: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let id_col = names.iter().position(|k| k.eq_ignore_ascii_case("id"));
    // The columns whose cells OGR may not read as stored (numbers, dates), by index.
    let cell_of: Vec<Option<Cell>> = layer
        .defn()
        .fields()
        .map(|f| match f.field_type() {
            OGRFieldType::OFTInteger | OGRFieldType::OFTInteger64 | OGRFieldType::OFTReal => Some(Cell::Number),
            OGRFieldType::OFTDate => Some(Cell::Date),
            OGRFieldType::OFTDateTime => Some(Cell::DateTime),
            _ => None,
        })
        .collect();
    let raw_cols: Vec<(usize, Cell)> = cell_of.iter().enumerate().filter_map(|(k, c)| c.map(|c| (k, c))).collect();
    let stored = if ds.driver().short_name() == "GPKG" && !raw_cols.is_empty() {
        // SQLite keeps 'yes' in an INTEGER column as text, and OGR reads it as 0: find such
        // cells so the field reader reports them. Date cells not in the form OGR reads back
        // exactly are taken as stored too: OGR reads an invalid date as null and cuts a time
        // in a DATE column.
        // SAFETY: a valid layer handle; the returned string is owned by the layer.
        let fid = unsafe { std::ffi::CStr::from_ptr(gdal_sys::OGR_L_GetFIDColumn(layer.c_layer())) }
            .to_string_lossy()
            .to_string();
        match text_cells(ds, layer_name, if fid.is_empty() { "fid" } else { &fid }, &names, &raw_cols, filter) {
            Ok(cells) => cells,
            Err(e) => {
                // The check could not run: said, never silently skipped.
                ps.warning(
                    Location::file(file).layer(layer_name),
                    text!(
                        "无法检查数值列与日期列的存储值（{}）：文本值可能被读作 0，无效日期可能被读作空值",
                        "cannot check the stored values of numeric and date columns ({}): text may read as 0, an invalid date as empty",
                        e
                    ),
                );
                HashMap::new()
            }
        }
    } else {
        HashMap::new()
    };
    // SAFETY: resetting this thread's GDAL error state.
    unsafe { gdal_sys::CPLErrorReset() };
    let mut records = Vec::with_capacity(layer.try_feature_count().and_then(|n| usize::try_from(n).ok()).unwrap_or(0));
    for (i, f) in layer.features().enumerate() {
        let index = f.fid().unwrap_or(i as u64 + 1);
        let attrs: Vec<(String, Value)> = names
            .iter()
            .enumerate()
            .map(|(k, n)| {
                let v = match (stored.get(&(index, k)), cell_of[k]) {
                    (Some(t), _) => Value::Text(t.clone()),
                    (None, Some(Cell::DateTime)) => datetime_text(&f, k).map_or(Value::Null, Value::Text),
                    (None, _) => value(f.field(k).ok().flatten()),
                };
                (n.clone(), v)
            })
            .collect();
        let id_text = id_col
            .map(|c| &attrs[c])
            .and_then(|(_, v)| match v {
                Value::Text(s) => Some(s.clone()),
                Value::Int(i) => Some(i.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| format!("#{index}"));
        let mut parts = Vec::new();
        // A null geometry (an attribute row of a point table, e.g. a reading without a place).
        // SAFETY: only the pointer is compared.
        if let Some(g) = f.geometry().filter(|g| !unsafe { g.c_geometry() }.is_null()) {
            if let Err(name) = convert(g, &mut parts) {
                ps.error(
                    Location::file(file).layer(layer_name).feature(&id_text).field("geometry"),
                    text!("不支持的几何类型 {}", "unsupported geometry type {}", name),
                );
                continue;
            }
        }
        super::push_feature(&mut records, index, attrs, parts, &Location::file(file).layer(layer_name), ps);
    }
    // A driver that failed part-way (a truncated DXF) reports it only through CPLError: the
    // features read so far would pass for the whole layer.
    // SAFETY: reading this thread's GDAL error state; the message is copied at once.
    let (class, msg) = unsafe {
        (
            gdal_sys::CPLGetLastErrorType(),
            std::ffi::CStr::from_ptr(gdal_sys::CPLGetLastErrorMsg()).to_string_lossy().to_string(),
        )
    };
    if class >= gdal_sys::CPLErr::CE_Failure {
        return Err(crate::Error::at(
            Location::file(file).layer(layer_name),
            text!(
                "读取到第 {} 个要素后出错（文件损坏或被截断）: {}",
                "reading failed after {} features (the file is damaged or truncated): {}",
                records.len(),
                msg
            ),
        ));
    }
    Ok(SourceLayer { name: layer_name.to_string(), crs, records })
}

/// The cells of a column that OGR would not read as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// Text or a blob in a numeric column (OGR reads it as 0).
    Number,
    /// A DATE cell other than a valid `YYYY-MM-DD` (OGR reads null, or cuts a time off).
    Date,
    /// A DATETIME cell other than a valid `YYYY-MM-DDTHH:MM:SS.SSS[Z]` (OGR reads null, or
    /// moves another zone's offset).
    DateTime,
}

/// The stored text of the cells OGR would not read as stored, by (fid, column index).
fn text_cells(
    ds: &Dataset,
    layer: &str,
    fid: &str,
    names: &[String],
    columns: &[(usize, Cell)],
    rows: Option<&str>,
) -> std::result::Result<HashMap<(u64, usize), String>, gdal::errors::GdalError> {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let odd = |(k, cell): (usize, Cell)| {
        let c = q(&names[k]);
        match cell {
            Cell::Number => format!("typeof({c}) IN ('text', 'blob')"),
            // SQLite's date() takes 30 February as it is; through julianday() it rolls over.
            Cell::Date => {
                let d = format!("date(julianday({c}))");
                format!("({c} IS NOT NULL AND (typeof({c}) <> 'text' OR {d} IS NULL OR {d} <> {c}))")
            }
            Cell::DateTime => {
                let t = format!("strftime('%Y-%m-%dT%H:%M:%f', {c})");
                let day = format!("substr({c}, 1, 10)");
                format!(
                    "({c} IS NOT NULL AND (typeof({c}) <> 'text' OR {t} IS NULL OR {t} <> rtrim({c}, 'Z') \
                     OR date(julianday({day})) <> {day}))"
                )
            }
        }
    };
    // One scan of the table for all the columns.
    let cells: Vec<String> = columns
        .iter()
        .map(|&(k, cell)| format!("CASE WHEN {} THEN CAST({} AS TEXT) END AS mh_{k}", odd((k, cell)), q(&names[k])))
        .collect();
    let filter: Vec<String> = columns.iter().map(|&c| odd(c)).collect();
    // The layer's attribute filter too (the GeoPackage driver hands it to SQLite as it is):
    // a viewer reading the last second's rows does not scan the whole table.
    let only = rows.map(|w| format!(" AND ({w})")).unwrap_or_default();
    let sql = format!(
        "SELECT {} AS mh_fid, {} FROM {} WHERE ({}){only}",
        q(fid),
        cells.join(", "),
        q(layer),
        filter.join(" OR ")
    );
    let mut out = HashMap::new();
    let Some(mut rs) = ds.execute_sql(&sql, None, gdal::vector::sql::Dialect::DEFAULT)? else { return Ok(out) };
    let defn = rs.defn();
    // OGR may take the fid column as the result's feature id rather than as a field.
    let fid_field = defn.field_index("mh_fid").ok();
    let cols: Vec<(usize, usize)> =
        columns.iter().filter_map(|&(k, _)| defn.field_index(format!("mh_{k}")).ok().map(|i| (k, i))).collect();
    for f in rs.features() {
        let id = match fid_field {
            Some(i) => f.field_as_integer64(i).ok().flatten().map(|v| v as u64),
            None => f.fid(),
        };
        let Some(id) = id else { continue };
        for &(k, i) in &cols {
            if let Ok(Some(t)) = f.field_as_string(i) {
                out.insert((id, k), t);
            }
        }
    }
    Ok(out)
}

/// GeoPackage geometry type for a layer kind.
pub fn ogr_type(g: GeomType) -> u32 {
    match g {
        GeomType::Polygon => T::wkbPolygon,
        GeomType::LineString => T::wkbLineString25D,
        GeomType::LineStringZ => T::wkbLineString25D,
        GeomType::PointZ => T::wkbPoint25D,
    }
}

/// A model geometry as an OGR geometry (points and lines with Z).
pub(crate) fn to_ogr(g: &Geom) -> gdal::errors::Result<Geometry> {
    match g {
        Geom::Point { pos, .. } => {
            let mut p = Geometry::empty(T::wkbPoint25D)?;
            p.add_point((pos[0], pos[1], pos[2]));
            Ok(p)
        }
        Geom::Line { coords, .. } => {
            let mut l = Geometry::empty(T::wkbLineString25D)?;
            for c in coords {
                l.add_point((c[0], c[1], c[2]));
            }
            Ok(l)
        }
        Geom::Polygon(poly) => {
            let mut p = Geometry::empty(T::wkbPolygon)?;
            for ls in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                let mut r = Geometry::empty(T::wkbLinearRing)?;
                for c in &ls.0 {
                    r.add_point_2d((c.x, c.y));
                }
                p.add_geometry(r)?;
            }
            Ok(p)
        }
    }
}

/// Create a layer in `ds` and write `records` into it. `fields` fixes the schema (name, type);
/// the caller wraps the calls in a dataset transaction. A layer with geometry gets the
/// GeoPackage R-tree (`gpkg_rtree_index`).
pub fn write_layer(
    ds: &mut Dataset,
    name: &str,
    geom: Option<GeomType>,
    crs: Option<&Crs>,
    fields: &[(String, FieldType)],
    records: &[Record],
    file: &Path,
) -> Result<()> {
    write_layer_indexed(ds, name, geom, crs, fields, records, file, true)
}

/// [`write_layer`], with or without the GeoPackage R-tree: an append-heavy time series (the
/// positioning fixes) goes without, since SQLite's R-tree module costs ~25 µs an inserted row
/// (measured on SQLite 3.40), more than the rest of a `watch` commit together. A reader's
/// spatial filter on such a layer still works (GDAL scans it).
#[allow(clippy::too_many_arguments)]
pub fn write_layer_indexed(
    ds: &mut Dataset,
    name: &str,
    geom: Option<GeomType>,
    crs: Option<&Crs>,
    fields: &[(String, FieldType)],
    records: &[Record],
    file: &Path,
    spatial_index: bool,
) -> Result<()> {
    let err = |e: gdal::errors::GdalError| {
        crate::Error::at(Location::file(file).layer(name), text!("写入图层失败: {}", "writing the layer failed: {}", e))
    };
    let srs = crs.map(|c| c.srs()).transpose()?;
    let layer = ds
        .create_layer(LayerOptions {
            name,
            srs: srs.as_ref(),
            ty: geom.map_or(T::wkbNone, ogr_type),
            options: Some(&["FID=fid", if spatial_index { "SPATIAL_INDEX=YES" } else { "SPATIAL_INDEX=NO" }]),
        })
        .map_err(err)?;
    let mut defs: Vec<(&str, u32)> = vec![("id", OGRFieldType::OFTString)];
    for (n, t) in fields {
        defs.push((
            n.as_str(),
            match t {
                FieldType::Text => OGRFieldType::OFTString,
                FieldType::Real => OGRFieldType::OFTReal,
                FieldType::Int => OGRFieldType::OFTInteger,
                FieldType::Date => date_column(n, records),
            },
        ));
    }
    layer.create_defn_fields(&defs).map_err(err)?;
    append_to(&layer, records, file, name)
}

/// The column type of a date field: DATE when every value is a plain date, DATETIME when some
/// carry a time (local or UTC), TEXT when one carries another offset (GeoPackage DATETIME is
/// UTC, and GDAL would warn on every read) or is not a date at all (kept as written).
fn date_column(name: &str, records: &[Record]) -> u32 {
    use crate::model::record::{date_precision, DatePrecision};
    let mut widest = Some(DatePrecision::Date);
    for r in records {
        if let Some((_, Value::Text(s))) = r.attrs.iter().find(|(k, _)| k == name) {
            widest = match (widest, date_precision(s)) {
                (Some(w), Some(p)) => Some(w.max(p)),
                _ => None,
            };
        }
    }
    match widest {
        Some(DatePrecision::Date) => OGRFieldType::OFTDate,
        Some(DatePrecision::DateTime) => OGRFieldType::OFTDateTime,
        _ => OGRFieldType::OFTString,
    }
}

/// A DATETIME field as ISO 8601 text: seconds always, milliseconds when not zero, `Z` for UTC,
/// the offset for another zone, nothing for an unknown (local) zone — the text it was written
/// from (GDAL's own string form is `2026/05/01 08:00:00`).
fn datetime_text(f: &gdal::vector::Feature<'_>, i: usize) -> Option<String> {
    let (mut y, mut mo, mut d, mut h, mut mi, mut tz) = (0, 0, 0, 0, 0, 0);
    let mut s = 0f32;
    let i = i32::try_from(i).ok()?;
    // SAFETY: a valid feature handle and field index; the out-pointers are locals.
    let ok = unsafe {
        gdal_sys::OGR_F_GetFieldAsDateTimeEx(
            f.c_feature(),
            i,
            &mut y,
            &mut mo,
            &mut d,
            &mut h,
            &mut mi,
            &mut s,
            &mut tz,
        )
    };
    if ok == 0 {
        return None;
    }
    let ms = (f64::from(s) * 1000.0).round() as i64;
    let (whole, frac) = (ms / 1000, ms % 1000);
    let mut t = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{whole:02}");
    if frac != 0 {
        t.push_str(&format!(".{frac:03}"));
    }
    match tz {
        0 | 1 => {}
        100 => t.push('Z'),
        _ => {
            let m = (tz - 100) * 15;
            t.push_str(&format!("{}{:02}:{:02}", if m < 0 { '-' } else { '+' }, m.abs() / 60, m.abs() % 60));
        }
    }
    Some(t)
}

/// Append records to an existing layer (matching fields by name; unknown ones are skipped).
pub fn append_records(ds: &Dataset, name: &str, records: &[Record], file: &Path) -> Result<()> {
    let layer = ds.layer_by_name(name).map_err(|e| {
        crate::Error::at(Location::file(file).layer(name), text!("图层不存在: {}", "no such layer: {}", e))
    })?;
    append_to(&layer, records, file, name)
}

/// A value that a DATE or DATETIME column of an existing layer cannot hold as written (a time
/// in a DATE column, another zone's offset in a DATETIME one) is refused, not cut.
fn refuse_lossy_date(ty: u32, s: &str, rec: &Record, field: &str, file: &Path, layer: &str) -> Result<()> {
    use crate::model::record::{date_precision, DatePrecision};
    let fits = match ty {
        OGRFieldType::OFTDate => date_precision(s) == Some(DatePrecision::Date),
        OGRFieldType::OFTDateTime => matches!(date_precision(s), Some(DatePrecision::Date | DatePrecision::DateTime)),
        _ => return Ok(()),
    };
    if fits {
        return Ok(());
    }
    let id = match rec.get("id") {
        Some(Value::Text(t)) => t.clone(),
        _ => format!("#{}", rec.index),
    };
    let column = if ty == OGRFieldType::OFTDate { "DATE" } else { "DATETIME" };
    Err(crate::Error::at(
        Location::file(file).layer(layer).feature(&id).field(field),
        text!(
            "\"{}\" 不能无损写入 {} 列（时间或时区会丢失）：只给日期，或用 minehaz import 重新生成工程文件以改变列类型",
            "\"{}\" cannot be written to a {} column without loss (the time or zone would be cut): give the date only, or rebuild the store with minehaz import to change the column type",
            s,
            column
        ),
    ))
}

fn append_to<L: LayerAccess>(layer: &L, records: &[Record], file: &Path, name: &str) -> Result<()> {
    let err = |e: gdal::errors::GdalError| {
        crate::Error::at(Location::file(file).layer(name), text!("写入图层失败: {}", "writing the layer failed: {}", e))
    };
    let defn = layer.defn();
    let index: Vec<(String, usize)> = defn.fields().enumerate().map(|(i, f)| (f.name(), i)).collect();
    let types: Vec<u32> = defn.fields().map(|f| f.field_type()).collect();
    for rec in records {
        let mut f = gdal::vector::Feature::new(defn).map_err(err)?;
        if let Some(g) = &rec.geom {
            f.set_geometry(to_ogr(g).map_err(err)?).map_err(err)?;
        }
        for (k, v) in &rec.attrs {
            let Some((_, i)) = index.iter().find(|(n, _)| n == k) else { continue };
            match v {
                Value::Null => f.set_field_null(*i).map_err(err)?,
                Value::Int(x) => f.set_field_integer64(*i, *x).map_err(err)?,
                Value::Real(x) => f.set_field_double(*i, *x).map_err(err)?,
                Value::Text(s) => {
                    refuse_lossy_date(types[*i], s, rec, k, file, name)?;
                    f.set_field_string(*i, s).map_err(err)?
                }
            }
        }
        f.create(layer).map_err(err)?;
    }
    Ok(())
}
