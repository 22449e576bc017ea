//! `mines.parquet` and `findings.parquet` as GeoParquet 1.1: geometry as WKB in EPSG:4490 with
//! the `geo` file metadata (PROJJSON CRS, geometry types, bbox, the bbox covering column), a
//! `bbox` struct column, rows sorted as ROLLUP.md says; written with the low-level Parquet
//! writer, deterministically (the same rows give the same bytes).

use super::{FindingRow, MineRow};
use crate::error::{Location, Result};
use crate::text;
use geo_types::{MultiPolygon, Polygon};
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::path::Path;
use std::sync::Arc;

/// A column's values: its kind and, per row, the value (None = null).
enum Col {
    Text(Vec<Option<String>>),
    Bytes(Vec<Option<Vec<u8>>>),
    Real(Vec<Option<f64>>),
    Int(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
}

fn ring_wkb(out: &mut Vec<u8>, ring: &geo_types::LineString<f64>) {
    out.extend_from_slice(&(ring.0.len() as u32).to_le_bytes());
    for c in &ring.0 {
        out.extend_from_slice(&c.x.to_le_bytes());
        out.extend_from_slice(&c.y.to_le_bytes());
    }
}

fn polygon_wkb(out: &mut Vec<u8>, p: &Polygon<f64>) {
    out.push(1);
    out.extend_from_slice(&3u32.to_le_bytes());
    out.extend_from_slice(&(1 + p.interiors().len() as u32).to_le_bytes());
    ring_wkb(out, p.exterior());
    for r in p.interiors() {
        ring_wkb(out, r);
    }
}

/// WKB (little endian) of a licence: a Polygon when it is one, else a MultiPolygon.
pub fn licence_wkb(g: &MultiPolygon<f64>) -> Vec<u8> {
    let mut out = Vec::new();
    if g.0.len() == 1 {
        polygon_wkb(&mut out, &g.0[0]);
    } else {
        out.push(1);
        out.extend_from_slice(&6u32.to_le_bytes());
        out.extend_from_slice(&(g.0.len() as u32).to_le_bytes());
        for p in &g.0 {
            polygon_wkb(&mut out, p);
        }
    }
    out
}

pub fn point_wkb(p: [f64; 2]) -> Vec<u8> {
    let mut out = vec![1];
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&p[0].to_le_bytes());
    out.extend_from_slice(&p[1].to_le_bytes());
    out
}

fn projjson_4490() -> serde_json::Value {
    gdal::spatial_ref::SpatialRef::from_epsg(4490)
        .ok()
        .and_then(|s| s.to_projjson().ok())
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or(serde_json::Value::Null)
}

fn geo_metadata(types: &[&str], bbox: Option<[f64; 4]>) -> String {
    serde_json::json!({
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {
            "geometry": {
                "encoding": "WKB",
                "geometry_types": types,
                "crs": projjson_4490(),
                "bbox": bbox.map(|b| b.to_vec()),
                "covering": {"bbox": {
                    "xmin": ["bbox", "xmin"], "ymin": ["bbox", "ymin"], "xmax": ["bbox", "xmax"], "ymax": ["bbox", "ymax"]
                }}
            }
        }
    })
    .to_string()
}

fn present<T>(v: &[Option<T>]) -> Vec<bool> {
    v.iter().map(Option::is_some).collect()
}

/// Write one column's values; definition levels only for an optional column.
fn put<T: parquet::data_type::DataType>(
    cw: &mut parquet::file::writer::SerializedColumnWriter<'_>,
    vals: &[T::T],
    present: &[bool],
) -> parquet::errors::Result<()> {
    let w = cw.typed::<T>();
    if w.get_descriptor().max_def_level() > 0 {
        let d: Vec<i16> = present.iter().map(|&p| i16::from(p)).collect();
        w.write_batch(vals, Some(&d), None)?;
    } else {
        w.write_batch(vals, None, None)?;
    }
    Ok(())
}

fn write(path: &Path, schema: &str, cols: Vec<Col>, bboxes: &[Option<[f64; 4]>], geo: String) -> Result<()> {
    let at = Location::file(path);
    let fail = |e: parquet::errors::ParquetError| {
        crate::Error::at(at.clone(), text!("写入 Parquet 失败: {}", "writing Parquet failed: {}", e))
    };
    let schema = Arc::new(parse_message_type(schema).map_err(fail)?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("minehaz {}", env!("CARGO_PKG_VERSION")))
            .set_key_value_metadata(Some(vec![KeyValue::new("geo".to_string(), geo)]))
            .build(),
    );
    super::super::io::write_atomically(path, |tmp| {
        let file = std::fs::File::create(tmp).map_err(|e| crate::Error::io(tmp, e))?;
        let mut w = SerializedFileWriter::new(file, schema.clone(), props.clone()).map_err(fail)?;
        let mut rg = w.next_row_group().map_err(fail)?;
        for col in &cols {
            let mut cw =
                rg.next_column().map_err(fail)?.ok_or_else(|| crate::Error::Internal("parquet schema".into()))?;
            match col {
                Col::Text(v) => {
                    let vals: Vec<ByteArray> = v.iter().flatten().map(|s| ByteArray::from(s.as_str())).collect();
                    put::<ByteArrayType>(&mut cw, &vals, &present(v)).map_err(fail)?;
                }
                Col::Bytes(v) => {
                    let vals: Vec<ByteArray> = v.iter().flatten().map(|b| ByteArray::from(b.clone())).collect();
                    put::<ByteArrayType>(&mut cw, &vals, &present(v)).map_err(fail)?;
                }
                Col::Real(v) => {
                    let vals: Vec<f64> = v.iter().flatten().copied().collect();
                    put::<DoubleType>(&mut cw, &vals, &present(v)).map_err(fail)?;
                }
                Col::Int(v) => {
                    let vals: Vec<i64> = v.iter().flatten().copied().collect();
                    put::<Int64Type>(&mut cw, &vals, &present(v)).map_err(fail)?;
                }
                Col::Bool(v) => {
                    let vals: Vec<bool> = v.iter().flatten().copied().collect();
                    put::<BoolType>(&mut cw, &vals, &present(v)).map_err(fail)?;
                }
            }
            cw.close().map_err(fail)?;
        }
        // The bbox struct: optional group of four required doubles (definition level 1 when
        // the row has a geometry).
        for k in 0..4 {
            let mut cw =
                rg.next_column().map_err(fail)?.ok_or_else(|| crate::Error::Internal("parquet bbox".into()))?;
            let vals: Vec<f64> = bboxes.iter().flatten().map(|b| b[k]).collect();
            put::<DoubleType>(&mut cw, &vals, &present(bboxes)).map_err(fail)?;
            cw.close().map_err(fail)?;
        }
        rg.close().map_err(fail)?;
        w.close().map_err(fail)?;
        Ok(())
    })
}

fn union(bs: &[Option<[f64; 4]>]) -> Option<[f64; 4]> {
    bs.iter().flatten().copied().reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
}

const BBOX: &str =
    "optional group bbox { required double xmin; required double ymin; required double xmax; required double ymax; }";

pub fn write_mines(path: &Path, rows: &[MineRow]) -> Result<()> {
    use geo::BoundingRect;
    let t = |f: fn(&MineRow) -> Option<String>| Col::Text(rows.iter().map(f).collect());
    let bboxes: Vec<Option<[f64; 4]>> = rows
        .iter()
        .map(|m| {
            m.geometry.as_ref().and_then(|g| g.bounding_rect()).map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
        })
        .collect();
    let mut types: Vec<&str> = rows
        .iter()
        .filter_map(|m| m.geometry.as_ref().map(|g| if g.0.len() == 1 { "Polygon" } else { "MultiPolygon" }))
        .collect();
    types.sort_unstable();
    types.dedup();
    let cols = vec![
        t(|m| Some(m.mine_id.clone())),
        t(|m| Some(m.name.clone())),
        t(|m| m.province.clone()),
        t(|m| m.county.clone()),
        t(|m| Some(m.kind.clone())),
        t(|m| Some(m.crs.clone())),
        t(|m| Some(m.water_level.clone())),
        t(|m| Some(m.gas_level.clone())),
        t(|m| Some(m.burst_level.clone())),
        Col::Int(rows.iter().map(|m| Some(m.majors)).collect()),
        Col::Int(rows.iter().map(|m| Some(m.warnings)).collect()),
        Col::Real(rows.iter().map(|m| m.capacity_mt_per_year).collect()),
        t(|m| m.valid_until.clone()),
        Col::Bytes(rows.iter().map(|m| m.geometry.as_ref().map(licence_wkb)).collect()),
    ];
    let schema = format!(
        "message mines {{ required binary mine_id (STRING); required binary name (STRING); optional binary province (STRING); optional binary county (STRING); required binary kind (STRING); required binary crs (STRING); required binary water_level (STRING); required binary gas_level (STRING); required binary burst_level (STRING); required int64 majors; required int64 warnings; optional double capacity_mt_per_year; optional binary valid_until (STRING); optional binary geometry; {BBOX} }}"
    );
    write(path, &schema, cols, &bboxes, geo_metadata(&types, union(&bboxes)))
}

pub fn write_findings(path: &Path, rows: &[FindingRow]) -> Result<()> {
    let t = |f: fn(&FindingRow) -> Option<String>| Col::Text(rows.iter().map(f).collect());
    let r = |f: fn(&FindingRow) -> Option<f64>| Col::Real(rows.iter().map(f).collect());
    let bboxes: Vec<Option<[f64; 4]>> = rows.iter().map(|f| f.lonlat.map(|p| [p[0], p[1], p[0], p[1]])).collect();
    let cols = vec![
        t(|f| Some(f.mine_id.clone())),
        t(|f| f.province.clone()),
        t(|f| f.county.clone()),
        t(|f| Some(f.rule.clone())),
        t(|f| Some(f.severity.clone())),
        Col::Bool(rows.iter().map(|f| Some(f.planned)).collect()),
        t(|f| f.working.clone()),
        t(|f| f.feature.clone()),
        r(|f| f.measured),
        r(|f| f.limit),
        r(|f| f.at.map(|p| p[0])),
        r(|f| f.at.map(|p| p[1])),
        r(|f| f.at.map(|p| p[2])),
        t(|f| Some(f.crs.clone())),
        Col::Bytes(rows.iter().map(|f| f.lonlat.map(point_wkb)).collect()),
    ];
    let schema = format!(
        "message findings {{ required binary mine_id (STRING); optional binary province (STRING); optional binary county (STRING); required binary rule (STRING); required binary severity (STRING); required boolean planned; optional binary working (STRING); optional binary feature (STRING); optional double measured; optional double limit; optional double x; optional double y; optional double z; required binary crs (STRING); optional binary geometry; {BBOX} }}"
    );
    write(path, &schema, cols, &bboxes, geo_metadata(&["Point"], union(&bboxes)))
}
