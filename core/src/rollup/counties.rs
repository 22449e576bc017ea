//! County outlines for the roll-up's overview (`minehaz rollup --counties FILE`): any polygon
//! layer GDAL reads (GeoJSON, shapefile, GeoPackage), its first layer, the county name from
//! `--county-field` or the first of `county`, `name`, `县`, `xian`; transformed into
//! EPSG:4490 (lon/lat) like the licences.

use crate::error::{Error, Location, Problems, Result};
use crate::io::crs::{Crs, Transformer};
use crate::io::gdal_vector::{layer_names, open_vector, read_layer};
use crate::model::record::{Geom, Value};
use crate::text;
use geo_types::MultiPolygon;
use std::collections::BTreeMap;
use std::path::Path;

/// A county: its name and outline in EPSG:4490.
pub struct County {
    pub name: String,
    pub outline: MultiPolygon<f64>,
}

const NAME_FIELDS: [&str; 5] = ["county", "name", "县", "xian", "county_nam"];

/// The counties of `path` (polygons sharing a name are one county), sorted by name.
pub fn read_counties(path: &Path, field: Option<&str>) -> Result<Vec<County>> {
    let ds = open_vector(path)?;
    let layer = layer_names(&ds)
        .into_iter()
        .next()
        .ok_or_else(|| Error::at(Location::file(path), text!("没有图层", "the file holds no layer")))?;
    let at = Location::file(path).layer(&layer);
    let mut ps = Problems::default();
    let src = read_layer(&ds, &layer, path, &mut ps)?;
    ps.into_result()?;
    if src.records.is_empty() {
        return Err(Error::at(at, text!("县界图层为空", "the county layer is empty")));
    }
    let crs =
        src.crs.clone().ok_or_else(|| Error::at(at.clone(), text!("图层未声明坐标系", "the layer declares no CRS")))?;
    let fields: Vec<&str> = field.map_or_else(|| NAME_FIELDS.to_vec(), |f| vec![f]);
    let name_field = fields.iter().copied().find(|f| src.records[0].get(f).is_some()).ok_or_else(|| {
        Error::at(
            at.clone().field(field.unwrap_or("county")),
            text!(
                "找不到县名字段（可用 --county-field 指定）：试过 {}",
                "no county name field (name it with --county-field): tried {}",
                fields.join(", ")
            ),
        )
    })?;
    let t = Transformer::new(&crs, &Crs::parse("EPSG:4490", &at)?, &at)?;
    let mut by_name: BTreeMap<String, Vec<geo_types::Polygon<f64>>> = BTreeMap::new();
    for r in src.records {
        let id = match r.get("id") {
            Some(Value::Text(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::Int(i)) => i.to_string(),
            _ => format!("#{}", r.index),
        };
        let here = at.clone().feature(&id);
        let name = match r.get(name_field) {
            Some(Value::Text(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::Int(i)) => i.to_string(),
            _ => {
                return Err(Error::at(here.field(name_field), text!("县名为空", "the county name is empty")));
            }
        };
        match &r.geom {
            Some(Geom::Polygon(p)) => {
                by_name.entry(name).or_default().push(t.polygon(p, &here)?);
            }
            _ => {
                return Err(Error::at(here, text!("县界须为多边形", "a county outline must be a polygon")));
            }
        }
    }
    Ok(by_name.into_iter().map(|(name, polys)| County { name, outline: MultiPolygon(polys) }).collect())
}
