//! Vector layers through GDAL/OGR: read any OGR layer (GeoPackage, DXF, GeoJSON, Shapefile …)
//! into neutral [`Record`]s with their CRS, and write records into a GeoPackage layer.
//!
//! Z is kept: lines and points come with their Z and a `has_z` flag. A multi-part feature is
//! split into one record per part (with a warning), since every layer kind is single-part.

use super::crs::Crs;
use crate::error::{Location, Problems, Result};
use crate::model::record::{FieldType, Geom, GeomType, Record, Value};
use crate::text;
use gdal::vector::{FieldValue, Geometry, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType as T};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
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
pub fn open_vector(path: &Path) -> Result<Dataset> {
    Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            ..Default::default()
        },
    )
    .map_err(|e| {
        crate::Error::at(Location::file(path), text!("无法打开矢量数据: {}", "cannot open vector data: {}", e))
    })
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
    let mut layer = ds.layer_by_name(layer_name).map_err(|e| {
        crate::Error::at(
            Location::file(file).layer(layer_name),
            text!("图层无法读取: {}", "layer cannot be read: {}", e),
        )
    })?;
    let crs = layer.spatial_ref().map(Crs::from_srs);
    // Field names once per layer; each feature's values by index.
    let names: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let id_col = names.iter().position(|k| k.eq_ignore_ascii_case("id"));
    let mut records = Vec::with_capacity(layer.try_feature_count().and_then(|n| usize::try_from(n).ok()).unwrap_or(0));
    for (i, f) in layer.features().enumerate() {
        let index = f.fid().unwrap_or(i as u64 + 1);
        let attrs: Vec<(String, Value)> =
            names.iter().enumerate().map(|(k, n)| (n.clone(), value(f.field(k).ok().flatten()))).collect();
        let id_text = id_col
            .map(|c| &attrs[c])
            .and_then(|(_, v)| match v {
                Value::Text(s) => Some(s.clone()),
                Value::Int(i) => Some(i.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| format!("#{index}"));
        let mut parts = Vec::new();
        if let Some(g) = f.geometry() {
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
    Ok(SourceLayer { name: layer_name.to_string(), crs, records })
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

fn to_ogr(g: &Geom) -> gdal::errors::Result<Geometry> {
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
/// the caller wraps the calls in a dataset transaction.
pub fn write_layer(
    ds: &mut Dataset,
    name: &str,
    geom: Option<GeomType>,
    crs: Option<&Crs>,
    fields: &[(String, FieldType)],
    records: &[Record],
    file: &Path,
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
            options: Some(&["FID=fid", "SPATIAL_INDEX=YES"]),
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
            },
        ));
    }
    layer.create_defn_fields(&defs).map_err(err)?;
    append_to(&layer, records, file, name)
}

/// Append records to an existing layer (matching fields by name; unknown ones are skipped).
pub fn append_records(ds: &Dataset, name: &str, records: &[Record], file: &Path) -> Result<()> {
    let layer = ds.layer_by_name(name).map_err(|e| {
        crate::Error::at(Location::file(file).layer(name), text!("图层不存在: {}", "no such layer: {}", e))
    })?;
    append_to(&layer, records, file, name)
}

fn append_to<L: LayerAccess>(layer: &L, records: &[Record], file: &Path, name: &str) -> Result<()> {
    let err = |e: gdal::errors::GdalError| {
        crate::Error::at(Location::file(file).layer(name), text!("写入图层失败: {}", "writing the layer failed: {}", e))
    };
    let defn = layer.defn();
    let index: Vec<(String, usize)> = defn.fields().enumerate().map(|(i, f)| (f.name(), i)).collect();
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
                Value::Text(s) => f.set_field_string(*i, s).map_err(err)?,
            }
        }
        f.create(layer).map_err(err)?;
    }
    Ok(())
}
