//! Shapefiles of a survey package (`layers/<layer>.shp`), read with the `shapefile` crate.
//!
//! Attribute text is decoded by the `.cpg` file where present, else as UTF-8, else as GBK
//! (common in Chinese data); text that none of them decodes cleanly is an error naming the
//! file, feature and field, never mojibake. Field names are matched on their first 10
//! characters by the model (the DBF limit). PointZ / PolylineZ / PolygonZ keep their Z;
//! MultiPatch is refused with a clear error (3D solids are not a layer kind). A `.prj` gives the
//! CRS; without one the caller assumes the mine CRS and warns.

use super::crs::Crs;
use super::gdal_vector::SourceLayer;
use crate::error::{Location, Problems, Result};
use crate::model::record::{Geom, Value};
use crate::text;
use shapefile::{PolygonRing, Shape};
use std::path::Path;

/// How the attribute text of a .dbf was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextEncoding {
    Declared(String),
    Utf8,
    Gbk,
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> crate::Error {
    crate::Error::at(Location::file(path), text!("Shapefile 无法读取: {}", "the Shapefile cannot be read: {}", e))
}

type DbfRows = Vec<Vec<(String, Value)>>;

fn dbf_value(v: dbase::FieldValue) -> Value {
    use dbase::FieldValue as F;
    match v {
        F::Character(Some(s)) | F::Memo(s) => Value::Text(s.trim_end().to_string()),
        F::Character(None) => Value::Null,
        F::Numeric(Some(x)) | F::Currency(x) | F::Double(x) => Value::Real(x),
        F::Numeric(None) | F::Float(None) | F::Logical(None) | F::Date(None) => Value::Null,
        F::Float(Some(x)) => Value::Real(f64::from(x)),
        F::Integer(i) => Value::Int(i64::from(i)),
        F::Logical(Some(b)) => Value::Int(i64::from(b)),
        F::Date(Some(d)) => Value::Text(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())),
        F::DateTime(dt) => {
            let d = dt.date();
            let t = dt.time();
            Value::Text(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                t.hours(),
                t.minutes(),
                t.seconds()
            ))
        }
    }
}

/// A .dbf read failure: `decode` when the text did not decode in the asked encoding.
struct DbfError {
    decode: bool,
    message: String,
}

impl From<dbase::Error> for DbfError {
    fn from(e: dbase::Error) -> Self {
        Self { decode: matches!(e.kind(), dbase::ErrorKind::StringDecodeError(_)), message: e.to_string() }
    }
}

impl std::fmt::Display for DbfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn read_dbf(path: &Path, enc: Option<dbase::encoding::DynEncoding>) -> std::result::Result<DbfRows, DbfError> {
    let file = std::fs::File::open(path).map_err(|e| DbfError { decode: false, message: e.to_string() })?;
    let file = std::io::BufReader::new(file);
    let mut r = match enc {
        Some(e) => dbase::ReaderBuilder::new().with_encoding(e).build(file)?,
        None => {
            dbase::ReaderBuilder::new().with_encoding(dbase::encoding::DynEncoding::from(dbase::Unicode)).build(file)?
        }
    };
    let names: Vec<String> = r.fields().iter().map(|f| f.name().to_string()).collect();
    let mut rows = Vec::new();
    for rec in r.iter_records() {
        let mut rec = rec?;
        rows.push(names.iter().map(|n| (n.clone(), rec.remove(n).map_or(Value::Null, dbf_value))).collect());
    }
    Ok(rows)
}

fn has_replacement(rows: &DbfRows) -> Option<(usize, String)> {
    rows.iter().enumerate().find_map(|(i, r)| {
        r.iter().find_map(|(k, v)| matches!(v, Value::Text(s) if s.contains('\u{FFFD}')).then(|| (i, k.clone())))
    })
}

/// Read the attribute table with the encoding rule of SURVEY-FORMAT.md.
pub fn read_dbf_attributes(dbf: &Path) -> Result<(DbfRows, TextEncoding)> {
    let cpg = dbf.with_extension("cpg");
    let undecodable = |row: usize, field: String, enc: &str| {
        crate::Error::at(
            Location::file(dbf).feature(format!("#{}", row + 1)).field(field),
            text!(
                "文本无法按 {} 解码（不会生成乱码）",
                "text cannot be decoded as {} (refusing to produce mojibake)",
                enc
            ),
        )
    };
    if let Ok(label) = std::fs::read_to_string(&cpg) {
        let label = label.trim().trim_start_matches('\u{feff}').to_string();
        let enc = encoding_rs::Encoding::for_label(label.as_bytes())
            .or_else(|| dbase::encoding::DynEncoding::from_name(&label).map(|_| encoding_rs::UTF_8))
            .ok_or_else(|| {
                crate::Error::at(Location::file(&cpg), text!("未知编码 \"{}\"", "unknown encoding \"{}\"", label))
            })?;
        let rows = read_dbf(dbf, Some(dbase::encoding::DynEncoding::from(dbase::encoding::EncodingRs::from(enc))))
            .map_err(|e| io_err(dbf, e))?;
        if let Some((row, field)) = has_replacement(&rows) {
            return Err(undecodable(row, field, &label));
        }
        return Ok((rows, TextEncoding::Declared(label)));
    }
    match read_dbf(dbf, None) {
        Ok(rows) => Ok((rows, TextEncoding::Utf8)),
        Err(e) if e.decode => {
            let gbk = dbase::encoding::DynEncoding::from(dbase::encoding::EncodingRs::from(encoding_rs::GBK));
            let rows = read_dbf(dbf, Some(gbk)).map_err(|e| io_err(dbf, e))?;
            if let Some((row, field)) = has_replacement(&rows) {
                return Err(undecodable(row, field, "UTF-8 / GBK"));
            }
            Ok((rows, TextEncoding::Gbk))
        }
        Err(e) => Err(io_err(dbf, e)),
    }
}

fn xyz_ring<P: Copy>(pts: &[P], f: impl Fn(P) -> (f64, f64)) -> geo_types::LineString<f64> {
    geo_types::LineString(pts.iter().map(|p| f(*p)).map(|(x, y)| geo_types::coord! { x: x, y: y }).collect())
}

/// Group rings into polygons: each outer ring starts a polygon, inner rings join the last one.
fn polygons<P: Copy>(rings: &[PolygonRing<P>], f: impl Fn(P) -> (f64, f64) + Copy) -> Vec<Geom> {
    let mut out: Vec<(geo_types::LineString<f64>, Vec<geo_types::LineString<f64>>)> = Vec::new();
    for r in rings {
        match r {
            PolygonRing::Outer(p) => out.push((xyz_ring(p, f), Vec::new())),
            PolygonRing::Inner(p) => match out.last_mut() {
                Some(last) => last.1.push(xyz_ring(p, f)),
                None => out.push((xyz_ring(p, f), Vec::new())),
            },
        }
    }
    out.into_iter().map(|(e, i)| Geom::Polygon(geo_types::Polygon::new(e, i))).collect()
}

fn lines<P: Copy>(parts: &[Vec<P>], f: impl Fn(P) -> [f64; 3], z: bool) -> Vec<Geom> {
    parts.iter().map(|p| Geom::Line { coords: p.iter().map(|q| f(*q)).collect(), has_z: z }).collect()
}

/// Convert a shape into single-part geometries; Err for MultiPatch.
fn convert(shape: &Shape) -> std::result::Result<Vec<Geom>, &'static str> {
    Ok(match shape {
        Shape::NullShape => Vec::new(),
        Shape::Point(p) => vec![Geom::Point { pos: [p.x, p.y, 0.0], has_z: false }],
        Shape::PointM(p) => vec![Geom::Point { pos: [p.x, p.y, 0.0], has_z: false }],
        Shape::PointZ(p) => vec![Geom::Point { pos: [p.x, p.y, p.z], has_z: true }],
        Shape::Multipoint(m) => m.points().iter().map(|p| Geom::Point { pos: [p.x, p.y, 0.0], has_z: false }).collect(),
        Shape::MultipointM(m) => {
            m.points().iter().map(|p| Geom::Point { pos: [p.x, p.y, 0.0], has_z: false }).collect()
        }
        Shape::MultipointZ(m) => m.points().iter().map(|p| Geom::Point { pos: [p.x, p.y, p.z], has_z: true }).collect(),
        Shape::Polyline(l) => lines(l.parts(), |p| [p.x, p.y, 0.0], false),
        Shape::PolylineM(l) => lines(l.parts(), |p| [p.x, p.y, 0.0], false),
        Shape::PolylineZ(l) => lines(l.parts(), |p| [p.x, p.y, p.z], true),
        Shape::Polygon(p) => polygons(p.rings(), |q| (q.x, q.y)),
        Shape::PolygonM(p) => polygons(p.rings(), |q| (q.x, q.y)),
        Shape::PolygonZ(p) => polygons(p.rings(), |q| (q.x, q.y)),
        Shape::Multipatch(_) => return Err("MultiPatch"),
    })
}

/// Read a Shapefile layer: geometry (with Z), attributes (encoding rule), CRS from `.prj`.
pub fn read_shapefile(shp: &Path, layer_name: &str, ps: &mut Problems) -> Result<(SourceLayer, TextEncoding)> {
    let shapes = shapefile::ShapeReader::from_path(shp).and_then(|r| r.read()).map_err(|e| io_err(shp, e))?;
    let dbf = shp.with_extension("dbf");
    if !dbf.exists() {
        return Err(crate::Error::at(
            Location::file(&dbf),
            text!("缺少属性表 .dbf 文件", "the .dbf attribute file is missing"),
        ));
    }
    let (rows, enc) = read_dbf_attributes(&dbf)?;
    if rows.len() > shapes.len() {
        ps.warning(
            Location::file(&dbf).layer(layer_name),
            text!(
                "属性表有 {} 条记录，几何只有 {} 个：多余记录无几何，已忽略",
                "{} attribute records but only {} shapes: the extra records have no geometry and are ignored",
                rows.len(),
                shapes.len()
            ),
        );
    } else if rows.len() < shapes.len() {
        return Err(crate::Error::at(
            Location::file(shp).layer(layer_name),
            text!(
                "几何数 ({}) 与属性记录数 ({}) 不一致（文件可能被截断）",
                "{} shapes but {} attribute records (truncated file?)",
                shapes.len(),
                rows.len()
            ),
        ));
    }
    let prj = shp.with_extension("prj");
    let crs = if prj.exists() {
        let wkt = std::fs::read_to_string(&prj).map_err(|e| crate::Error::io(&prj, e))?;
        Some(Crs::from_wkt(wkt.trim(), &Location::file(&prj))?)
    } else {
        None
    };
    let mut records = Vec::with_capacity(shapes.len());
    let at = Location::file(shp).layer(layer_name);
    for (i, (shape, attrs)) in shapes.iter().zip(rows).enumerate() {
        match convert(shape) {
            Ok(parts) => super::push_feature(&mut records, i as u64 + 1, attrs, parts, &at, ps),
            Err(kind) => {
                return Err(crate::Error::at(
                    at.clone().feature(format!("#{}", i + 1)).field("geometry"),
                    text!(
                        "不支持 {} 几何（三维多面体）；请导出为 PolygonZ 或 LineStringZ",
                        "{} geometry (3D solids) is not supported; export it as PolygonZ or LineStringZ",
                        kind
                    ),
                ))
            }
        }
    }
    Ok((SourceLayer { name: layer_name.to_string(), crs, records }, enc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn real(p: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/real/vector").join(p)
    }

    #[test]
    fn polylinez_breaklines_keep_z() {
        let mut ps = Problems::default();
        let (l, _) = read_shapefile(&real("shapelib/brklinz.shp"), "brklinz", &mut ps).expect("brklinz");
        assert_eq!(l.records.len(), 122);
        let zs: Vec<f64> = l
            .records
            .iter()
            .flat_map(|r| match &r.geom {
                Some(Geom::Line { coords, has_z: true }) => coords.iter().map(|c| c[2]).collect(),
                _ => vec![f64::NAN],
            })
            .collect();
        assert!(zs.iter().all(|z| z.is_finite()));
        assert!(zs.iter().any(|z| *z != 0.0), "Z values are kept");
        assert!(l.crs.is_none());
    }

    #[test]
    fn pointz_mass_points() {
        let mut ps = Problems::default();
        let (l, _) = read_shapefile(&real("shapelib/masspntz.shp"), "masspntz", &mut ps).expect("masspntz");
        assert_eq!(l.records.len(), 815);
        assert!(l.records.iter().all(|r| matches!(r.geom, Some(Geom::Point { has_z: true, .. }))));
        let (l, _) = read_shapefile(&real("shapelib/3dpoints.shp"), "3dpoints", &mut ps).expect("3dpoints");
        assert_eq!(l.records.len(), 8);
    }

    #[test]
    fn multipatch_is_refused_clearly() {
        let mut ps = Problems::default();
        let e = read_shapefile(&real("shapelib/mpatch3.shp"), "goaf", &mut ps).expect_err("multipatch");
        let p = &e.problems()[0];
        assert_eq!(p.at.feature.as_deref(), Some("#1"));
        assert_eq!(p.at.field.as_deref(), Some("geometry"));
        assert!(p.text.en.contains("MultiPatch"));
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn polygons_with_prj_and_attributes() {
        let mut ps = Problems::default();
        let (l, _) = read_shapefile(&real("shapelib/CoHI_GCS12.shp"), "x", &mut ps).expect("CoHI");
        assert_eq!(l.crs.as_ref().map(|c| c.def.as_str()), Some("EPSG:4269"));
        let n = l.records.len();
        assert!(n >= 4, "4 shapes, multi-part ones split: {n}");
        let mut ps = Problems::default();
        let (l, enc) = read_shapefile(&real("pyshp/blockgroups.shp"), "x", &mut ps).expect("blockgroups");
        // 663 shapes; the multi-part ones are split (each part keeps its shape's index).
        let mut shapes: Vec<u64> = l.records.iter().map(|r| r.index).collect();
        shapes.dedup();
        assert_eq!(shapes.len(), 663);
        assert_eq!(
            l.records.len() - 663,
            ps.0.iter()
                .filter(|p| p.text.en.contains("split"))
                .map(|p| p.text.en.split_whitespace().nth(4).and_then(|n| n.parse::<usize>().ok()).unwrap_or(0) - 1)
                .sum::<usize>()
        );
        assert_eq!(enc, TextEncoding::Utf8);
        // 43 fields; split parts carry a generated `id` as a 44th.
        assert!(l.records.iter().all(|r| r.attrs.len() == 43 || (r.attrs.len() == 44 && r.attrs[0].0 == "id")));
        let (l, enc) = read_shapefile(&real("naturalearth/naturalearth_lowres.shp"), "x", &mut ps).expect("ne");
        assert!(l.records.len() >= 177);
        assert!(matches!(enc, TextEncoding::Declared(_)));
    }

    /// GBK text without .cpg decodes as GBK; with a .cpg it follows the .cpg; the DBF's
    /// 10-character field names survive.
    #[test]
    fn gbk_and_cpg_encodings() {
        let dir = tempfile::tempdir().expect("tmp");
        let shp = dir.path().join("goaf.shp");
        let table = dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(encoding_rs::GBK))
            .add_character_field("id".try_into().expect("f"), 10)
            .add_character_field("name".try_into().expect("f"), 40)
            .add_numeric_field("gas_conten".try_into().expect("f"), 10, 2);
        let mut w = shapefile::Writer::from_path(&shp, table).expect("writer");
        let mut rec = dbase::Record::default();
        rec.insert("id".into(), dbase::FieldValue::Character(Some("G1".into())));
        rec.insert("name".into(), dbase::FieldValue::Character(Some("3号煤老空区".into())));
        rec.insert("gas_conten".into(), dbase::FieldValue::Numeric(Some(8.5)));
        let ring = vec![
            shapefile::Point::new(0.0, 0.0),
            shapefile::Point::new(0.0, 10.0),
            shapefile::Point::new(10.0, 10.0),
            shapefile::Point::new(10.0, 0.0),
            shapefile::Point::new(0.0, 0.0),
        ];
        w.write_shape_and_record(&shapefile::Polygon::new(PolygonRing::Outer(ring)), &rec).expect("write");
        drop(w);
        let _ = std::fs::remove_file(dir.path().join("goaf.cpg"));
        let mut ps = Problems::default();
        let (l, enc) = read_shapefile(&shp, "goaf", &mut ps).expect("gbk");
        assert_eq!(enc, TextEncoding::Gbk);
        assert_eq!(l.records[0].get("name"), Some(&Value::Text("3号煤老空区".into())));
        assert_eq!(l.records[0].get("gas_content_m3t"), Some(&Value::Real(8.5)));
        // A .cpg that says otherwise is obeyed: Big5 cannot decode these GBK bytes -> error.
        std::fs::write(dir.path().join("goaf.cpg"), "UTF-8").expect("cpg");
        let e = read_shapefile(&shp, "goaf", &mut ps).expect_err("declared UTF-8 but GBK bytes");
        assert_eq!(e.problems()[0].at.field.as_deref(), Some("name"));
        std::fs::write(dir.path().join("goaf.cpg"), "GBK").expect("cpg");
        let (l, _) = read_shapefile(&shp, "goaf", &mut ps).expect("declared gbk");
        assert_eq!(l.records[0].get("name"), Some(&Value::Text("3号煤老空区".into())));
    }

    #[test]
    fn truncated_shp_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("tmp");
        for ext in ["shp", "shx", "dbf"] {
            std::fs::copy(real(&format!("pyshp/blockgroups.{ext}")), dir.path().join(format!("b.{ext}")))
                .expect("copy");
        }
        let shp = dir.path().join("b.shp");
        let bytes = std::fs::read(&shp).expect("read");
        std::fs::write(&shp, &bytes[..bytes.len() / 2]).expect("truncate");
        let mut ps = Problems::default();
        let e = read_shapefile(&shp, "goaf", &mut ps).expect_err("truncated");
        assert_eq!(e.exit_code(), 2);
        assert_eq!(e.problems()[0].at.file.as_deref(), Some(shp.as_path()));
    }
}

#[cfg(test)]
mod more_real_tests {
    use super::*;
    use std::path::PathBuf;

    fn real(p: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/real/vector").join(p)
    }

    #[test]
    fn more_shapefiles_from_provenance() {
        let mut ps = Problems::default();
        let e = read_shapefile(&real("shapelib/multipatch.shp"), "goaf", &mut ps).expect_err("multipatch");
        assert!(e.problems()[0].text.en.contains("MultiPatch"));
        let (l, _) = read_shapefile(&real("shapelib/multipnt.shp"), "x", &mut ps).expect("multipnt");
        assert_eq!(l.records.len(), 1);
        let (l, _) = read_shapefile(&real("pyshp/corrupt_too_long.shp"), "x", &mut ps).expect("corrupt_too_long");
        assert_eq!(l.records.len(), 10);
    }

    /// latin1.dbf (no .cpg) is neither UTF-8 nor GBK: an error naming the field, not mojibake;
    /// with a .cpg saying ISO-8859-1 it decodes.
    #[test]
    fn latin1_needs_its_cpg() {
        let mut ps = Problems::default();
        let e = read_shapefile(&real("pyshp/latin1.shp"), "x", &mut ps).expect_err("latin1");
        assert_eq!(e.problems()[0].at.field.as_deref(), Some("Name"));
        let dir = tempfile::tempdir().expect("tmp");
        for ext in ["shp", "dbf"] {
            std::fs::copy(real(&format!("pyshp/latin1.{ext}")), dir.path().join(format!("l.{ext}"))).expect("copy");
        }
        std::fs::write(dir.path().join("l.cpg"), "ISO-8859-1").expect("cpg");
        let (l, enc) = read_shapefile(&dir.path().join("l.shp"), "x", &mut ps).expect("with cpg");
        assert_eq!(enc, TextEncoding::Declared("ISO-8859-1".into()));
        let Some(Value::Text(name)) = l.records[0].get("Name") else { panic!("Name") };
        assert!(!name.is_ascii() && !name.contains('\u{FFFD}'), "{name}");
    }
}
