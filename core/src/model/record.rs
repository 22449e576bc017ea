//! The neutral feature record every vector reader produces and every writer consumes, and the
//! [`FieldReader`] that turns a record into a typed feature while collecting every problem.
//!
//! Field names match on their first 10 characters, case-insensitively (the DBF rule: a
//! Shapefile stores `gas_content_m3t` as `gas_conten`).

use crate::error::{Location, Problems};
use crate::text;
use geo_types::Polygon;

/// An attribute value as read from a source.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Value {
    /// Empty text is null (an empty CSV cell or DBF field means "unknown").
    pub fn is_null(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A geometry as read from a source: 2D polygons (z ranges are attributes), 3D lines and points.
#[derive(Debug, Clone, PartialEq)]
pub enum Geom {
    Polygon(Polygon<f64>),
    /// A line with its vertices; `has_z` is false when the source had no Z (z is then 0).
    Line {
        coords: Vec<[f64; 3]>,
        has_z: bool,
    },
    Point {
        pos: [f64; 3],
        has_z: bool,
    },
}

/// The geometry type a layer kind expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeomType {
    Polygon,
    LineString,
    LineStringZ,
    PointZ,
}

/// The type of an attribute field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Real,
    /// 0/1 flags and counts.
    Int,
    /// A date or date-time (ISO 8601 text in the model): a GeoPackage DATE column when every
    /// value of the layer is a plain date, DATETIME when some carry a time (naive or UTC), and
    /// TEXT when one carries another UTC offset (which the GeoPackage format cannot hold).
    Date,
}

/// A field of a layer schema.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub name: &'static str,
    pub ty: FieldType,
}

pub const fn text_field(name: &'static str) -> FieldDef {
    FieldDef { name, ty: FieldType::Text }
}
pub const fn real_field(name: &'static str) -> FieldDef {
    FieldDef { name, ty: FieldType::Real }
}
pub const fn int_field(name: &'static str) -> FieldDef {
    FieldDef { name, ty: FieldType::Int }
}
pub const fn date_field(name: &'static str) -> FieldDef {
    FieldDef { name, ty: FieldType::Date }
}

/// One feature from a source, before typing.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Position in the source (1-based), used to name a feature that has no id.
    pub index: u64,
    pub geom: Option<Geom>,
    pub attrs: Vec<(String, Value)>,
}

impl Record {
    pub fn new(index: u64, geom: Option<Geom>) -> Self {
        Self { index, geom, attrs: Vec::new() }
    }
    pub fn set(&mut self, name: &str, v: Value) {
        self.attrs.push((name.to_string(), v));
    }
    pub fn set_text(&mut self, name: &str, v: &Option<String>) {
        self.set(name, v.as_ref().map_or(Value::Null, |s| Value::Text(s.clone())));
    }
    pub fn set_real(&mut self, name: &str, v: Option<f64>) {
        self.set(name, v.map_or(Value::Null, Value::Real));
    }
    pub fn set_flag(&mut self, name: &str, v: Option<bool>) {
        self.set(name, v.map_or(Value::Null, |b| Value::Int(i64::from(b))));
    }
    /// The value of a field, matched on its first 10 characters, case-insensitively.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.attrs.iter().find(|(k, _)| field_matches(k, name)).map(|(_, v)| v)
    }
}

/// Do a source field name and a schema field name denote the same field? (first 10 characters,
/// case-insensitive: the DBF rule.)
pub fn field_matches(source: &str, schema: &str) -> bool {
    if source.is_ascii() && schema.is_ascii() {
        let (a, b) = (&source.as_bytes()[..source.len().min(10)], &schema.as_bytes()[..schema.len().min(10)]);
        return a.eq_ignore_ascii_case(b);
    }
    let mut a = source.chars().take(10).flat_map(char::to_lowercase);
    let mut b = schema.chars().take(10).flat_map(char::to_lowercase);
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (x, y) if x != y => return false,
            _ => {}
        }
    }
}

/// Reads typed fields out of a [`Record`], collecting every problem with its location.
pub struct FieldReader<'a> {
    pub rec: &'a Record,
    pub at: Location,
    pub problems: &'a mut Problems,
}

impl<'a> FieldReader<'a> {
    /// `at` must name the file and layer; the feature is filled from the record's `id`.
    pub fn new(rec: &'a Record, at: Location, problems: &'a mut Problems) -> Self {
        let feature = match rec.get("id") {
            Some(Value::Text(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::Int(i)) => i.to_string(),
            _ => format!("#{}", rec.index),
        };
        let at = at.feature(feature);
        Self { rec, at, problems }
    }

    fn loc(&self, field: &str) -> Location {
        self.at.clone().field(field)
    }

    /// The feature's id (required, text; an integer is accepted as its decimal text).
    pub fn id(&mut self) -> String {
        match self.rec.get("id") {
            Some(Value::Text(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::Int(i)) => i.to_string(),
            Some(Value::Real(r)) if r.fract() == 0.0 => format!("{r:.0}"),
            _ => {
                self.problems.error(self.loc("id"), text!("缺少要素编号 id", "missing feature id"));
                format!("#{}", self.rec.index)
            }
        }
    }

    /// Optional text.
    pub fn text(&mut self, name: &str) -> Option<String> {
        match self.rec.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Text(s)) => {
                let t = s.trim();
                (!t.is_empty()).then(|| t.to_string())
            }
            Some(Value::Int(i)) => Some(i.to_string()),
            Some(Value::Real(r)) => Some(if r.fract() == 0.0 { format!("{r:.0}") } else { r.to_string() }),
        }
    }

    /// Optional number; text that does not parse is an error.
    pub fn real(&mut self, name: &str) -> Option<f64> {
        let v = match self.rec.get(name) {
            None | Some(Value::Null) => return None,
            Some(Value::Real(r)) => *r,
            Some(Value::Int(i)) => *i as f64,
            Some(Value::Text(s)) => {
                let t = s.trim();
                if t.is_empty() {
                    return None;
                }
                match t.parse::<f64>() {
                    Ok(v) => v,
                    Err(_) => {
                        self.problems.error(self.loc(name), text!("不是数值: \"{}\"", "not a number: \"{}\"", t));
                        return None;
                    }
                }
            }
        };
        if !v.is_finite() {
            self.problems.error(self.loc(name), text!("数值无效: {}", "invalid number: {}", v));
            return None;
        }
        Some(v)
    }

    /// Optional number that must lie in `[lo, hi]` (plausible range, in the field's unit).
    pub fn real_in(&mut self, name: &str, lo: f64, hi: f64) -> Option<f64> {
        let v = self.real(name)?;
        if v < lo || v > hi {
            self.problems.error(
                self.loc(name),
                text!("数值 {} 超出合理范围 [{}, {}]", "value {} outside the plausible range [{}, {}]", v, lo, hi),
            );
        }
        Some(v)
    }

    /// Optional 0/1 flag.
    pub fn flag(&mut self, name: &str) -> Option<bool> {
        let v = self.real(name)?;
        if v == 0.0 {
            Some(false)
        } else if v == 1.0 {
            Some(true)
        } else {
            self.problems.error(self.loc(name), text!("应为 0 或 1，实为 {}", "expected 0 or 1, found {}", v));
            None
        }
    }

    /// Optional enumerated value; unknown values are errors naming the allowed ones.
    pub fn enumerated<E: Enumerated>(&mut self, name: &str) -> Option<E> {
        let s = self.text(name)?;
        match E::parse(&s) {
            Some(e) => Some(e),
            None => {
                let allowed = E::ALL.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ");
                self.problems.error(
                    self.loc(name),
                    text!("未知取值 \"{}\"（允许: {}）", "unknown value \"{}\" (allowed: {})", s, allowed),
                );
                None
            }
        }
    }

    /// Required enumerated value.
    pub fn enumerated_required<E: Enumerated>(&mut self, name: &str) -> Option<E> {
        if self.text(name).is_none() {
            self.problems.error(self.loc(name), text!("缺少必填字段", "required field is missing or empty"));
            return None;
        }
        self.enumerated(name)
    }

    /// A date or date-time text (ISO 8601), kept as written; a malformed one is an error.
    pub fn date(&mut self, name: &str) -> Option<String> {
        let s = self.text(name)?;
        if parse_iso_date(&s).is_none() {
            self.problems.error(
                self.loc(name),
                text!(
                    "日期格式无效: \"{}\"（应为 ISO 8601，如 2026-05-01）",
                    "invalid date \"{}\" (expected ISO 8601, e.g. 2026-05-01)",
                    s
                ),
            );
        }
        Some(s)
    }

    /// The polygon geometry (required).
    pub fn polygon(&mut self) -> Option<Polygon<f64>> {
        match &self.rec.geom {
            Some(Geom::Polygon(p)) => Some(p.clone()),
            other => {
                self.problems.error(
                    self.loc("geometry"),
                    text!("应为面(Polygon)，实为 {}", "expected a Polygon, found {}", geom_name(other.as_ref())),
                );
                None
            }
        }
    }

    /// A line geometry with at least two vertices (required). `need_z`: the layer is 3D.
    pub fn line(&mut self, need_z: bool) -> Option<Vec<[f64; 3]>> {
        match &self.rec.geom {
            Some(Geom::Line { coords, has_z }) => {
                if coords.len() < 2 {
                    self.problems
                        .error(self.loc("geometry"), text!("线至少需要 2 个顶点", "a line needs at least 2 vertices"));
                    return None;
                }
                if need_z && !has_z {
                    self.problems.error(
                        self.loc("geometry"),
                        text!(
                            "该图层需要三维线 (LineString Z)，但要素没有高程",
                            "this layer needs 3D lines (LineString Z) but the feature has no Z"
                        ),
                    );
                }
                if coords.iter().flatten().any(|c| !c.is_finite()) {
                    self.problems
                        .error(self.loc("geometry"), text!("坐标无效 (NaN/无穷)", "invalid coordinate (NaN/inf)"));
                    return None;
                }
                Some(coords.clone())
            }
            other => {
                self.problems.error(
                    self.loc("geometry"),
                    text!("应为线(LineString)，实为 {}", "expected a LineString, found {}", geom_name(other.as_ref())),
                );
                None
            }
        }
    }

    /// A point geometry (required).
    pub fn point(&mut self) -> Option<[f64; 3]> {
        match &self.rec.geom {
            Some(Geom::Point { pos, .. }) => Some(*pos),
            other => {
                self.problems.error(
                    self.loc("geometry"),
                    text!("应为点(Point)，实为 {}", "expected a Point, found {}", geom_name(other.as_ref())),
                );
                None
            }
        }
    }

    /// Fields of the record that are not in `schema` (reported as ignored by the caller).
    pub fn extra_fields(&self, schema: &[FieldDef]) -> Vec<(String, Value)> {
        self.rec
            .attrs
            .iter()
            .filter(|(k, _)| !field_matches(k, "id") && !schema.iter().any(|f| field_matches(k, f.name)))
            .cloned()
            .collect()
    }
}

fn geom_name(g: Option<&Geom>) -> &'static str {
    match g {
        None => "none",
        Some(Geom::Polygon(_)) => "Polygon",
        Some(Geom::Line { .. }) => "LineString",
        Some(Geom::Point { .. }) => "Point",
    }
}

/// Parse an ISO 8601 date (`2026-05-01`) or date-time (with or without offset).
pub fn parse_iso_date(s: &str) -> Option<chrono::NaiveDate> {
    let s = s.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.date_naive());
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Some(dt.date());
        }
    }
    None
}

/// How much of a point in time an ISO 8601 text gives: the column type that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DatePrecision {
    /// `2026-05-01`
    Date,
    /// `2026-05-01T08:00:00`, `2026-05-01 08:00`, `…Z`: local (unknown zone) or UTC.
    DateTime,
    /// `2026-05-01T08:00:00+08:00`: an offset other than UTC.
    Offset,
}

/// The precision of a date text; `None` when it is not an ISO 8601 date.
pub fn date_precision(s: &str) -> Option<DatePrecision> {
    let s = s.trim();
    if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() {
        return Some(DatePrecision::Date);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        let utc = dt.offset().local_minus_utc() == 0 && (s.ends_with('Z') || s.ends_with('z'));
        return Some(if utc { DatePrecision::DateTime } else { DatePrecision::Offset });
    }
    parse_iso_date(s).map(|_| DatePrecision::DateTime)
}

/// A closed set of text values (an enum field).
pub trait Enumerated: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn as_str(&self) -> &'static str;
    fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.iter().copied().find(|e| e.as_str().eq_ignore_ascii_case(s))
    }
}

/// Declare a field enum with its text values: `enumerated!(Kind { Roadway = "roadway", … })`.
#[macro_export]
macro_rules! enumerated {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $var),+ }
        impl $crate::model::record::Enumerated for $name {
            const ALL: &'static [Self] = &[$(Self::$var),+];
            fn as_str(&self) -> &'static str { match self { $(Self::$var => $s),+ } }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::model::record::Enumerated::as_str(self))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dbf_names_match_on_ten_characters() {
        assert!(field_matches("gas_conten", "gas_content_m3t"));
        assert!(field_matches("GAS_CONTEN", "gas_content_m3t"));
        assert!(!field_matches("gas_press", "gas_pressure_mpa"));
        assert!(field_matches("id", "ID"));
    }

    #[test]
    fn reader_collects_every_problem() {
        let mut r = Record::new(3, None);
        r.set("id", Value::Text("G1".into()));
        r.set("water", Value::Int(2));
        r.set("z_floor", Value::Text("abc".into()));
        let mut ps = Problems::default();
        let mut fr = FieldReader::new(&r, Location::default().layer("goaf"), &mut ps);
        assert_eq!(fr.id(), "G1");
        assert_eq!(fr.flag("water"), None);
        assert_eq!(fr.real("z_floor"), None);
        assert!(fr.polygon().is_none());
        assert_eq!(ps.0.len(), 3);
        assert_eq!(ps.0[0].at.feature.as_deref(), Some("G1"));
        assert_eq!(ps.0[0].at.field.as_deref(), Some("water"));
    }

    #[test]
    fn iso_dates() {
        assert!(parse_iso_date("2026-05-01").is_some());
        assert!(parse_iso_date("2026-05-01T08:30:00+08:00").is_some());
        assert!(parse_iso_date("2026-13-01").is_none());
        assert!(parse_iso_date("yesterday").is_none());
    }
}
