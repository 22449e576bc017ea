//! QGIS styles in the project store: a `layer_styles` table (the GeoPackage convention QGIS
//! reads and writes), one default QML style per vector layer in minehaz's map colours, so that
//! QGIS opens the store looking like minehaz's plan (goaf grey, water blue, faults and
//! no-mining zones red …) instead of random colours.

use super::gdal_vector;
use crate::error::Result;
use crate::model::record::{FieldType, GeomType, Record, Value};
use crate::model::Layers;
use std::path::Path;

/// The map colour (RGB) and fill opacity (0–255; 0 for lines and points) of a layer.
pub fn colour(layer: &str) -> ([u8; 3], u8) {
    match layer {
        "licence" => ([0, 150, 0], 0),
        "goaf" => ([128, 128, 128], 90),
        "water_bodies" => ([40, 110, 230], 90),
        "collapse_columns" => ([170, 60, 170], 110),
        "gas_zones" => ([230, 190, 0], 80),
        "burst_zones" => ([240, 120, 0], 80),
        "fire_zones" => ([220, 30, 30], 110),
        "anomalies" => ([150, 150, 200], 70),
        "zones" => ([200, 0, 80], 70),
        "slope_design" => ([140, 90, 40], 50),
        "faults" => ([220, 0, 0], 0),
        "workings" => ([20, 20, 20], 0),
        "drillholes" => ([0, 160, 200], 0),
        "planned_drillholes" => ([0, 110, 255], 0),
        "stop_points" => ([230, 0, 0], 0),
        _ => ([90, 90, 90], 60),
    }
}

/// The QML of a single-symbol style.
pub fn qml(geometry: GeomType, rgb: [u8; 3], fill_alpha: u8) -> String {
    let c = |a: u8| format!("{},{},{},{a}", rgb[0], rgb[1], rgb[2]);
    let (kind, layer) = match geometry {
        GeomType::Polygon => (
            "fill",
            format!(
                r#"<layer class="SimpleFill" enabled="1" pass="0" locked="0"><Option type="Map"><Option name="color" type="QString" value="{}"/><Option name="style" type="QString" value="solid"/><Option name="outline_color" type="QString" value="{}"/><Option name="outline_style" type="QString" value="solid"/><Option name="outline_width" type="QString" value="0.5"/><Option name="outline_width_unit" type="QString" value="MM"/></Option></layer>"#,
                c(fill_alpha),
                c(255)
            ),
        ),
        GeomType::LineString | GeomType::LineStringZ => (
            "line",
            format!(
                r#"<layer class="SimpleLine" enabled="1" pass="0" locked="0"><Option type="Map"><Option name="line_color" type="QString" value="{}"/><Option name="line_style" type="QString" value="solid"/><Option name="line_width" type="QString" value="0.6"/><Option name="line_width_unit" type="QString" value="MM"/></Option></layer>"#,
                c(255)
            ),
        ),
        GeomType::PointZ => (
            "marker",
            format!(
                r#"<layer class="SimpleMarker" enabled="1" pass="0" locked="0"><Option type="Map"><Option name="color" type="QString" value="{}"/><Option name="name" type="QString" value="circle"/><Option name="size" type="QString" value="2"/><Option name="size_unit" type="QString" value="MM"/><Option name="outline_color" type="QString" value="35,35,35,255"/></Option></layer>"#,
                c(255)
            ),
        ),
    };
    format!(
        r#"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0" styleCategories="Symbology"><renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols><symbol type="{kind}" name="0" alpha="1" clip_to_extent="1" force_rhr="0">{layer}</symbol></symbols></renderer-v2></qgis>"#
    )
}

/// Write the `layer_styles` table (inside the caller's transaction): one default style per
/// vector layer kind, for GDAL's geometry column `geom`.
pub fn write_styles(ds: &mut gdal::Dataset, file: &Path, when: &str) -> Result<()> {
    let text = |v: &str| Value::Text(v.to_string());
    let records: Vec<Record> = Layers::GEOMETRIES
        .iter()
        .enumerate()
        .map(|(i, (name, geom))| {
            let (rgb, alpha) = colour(name);
            let mut r = Record::new(i as u64 + 1, None);
            r.set("id", text(name));
            r.set("f_table_catalog", text(""));
            r.set("f_table_schema", text(""));
            r.set("f_table_name", text(name));
            r.set("f_geometry_column", text("geom"));
            r.set("styleName", text(&format!("minehaz {name}")));
            r.set("styleQML", text(&qml(*geom, rgb, alpha)));
            r.set("styleSLD", text(""));
            r.set("useAsDefault", Value::Int(1));
            r.set("description", text("minehaz map colours"));
            r.set("owner", text("minehaz"));
            r.set("ui", Value::Null);
            r.set("update_time", text(when));
            r
        })
        .collect();
    let fields: Vec<(String, FieldType)> = [
        ("f_table_catalog", FieldType::Text),
        ("f_table_schema", FieldType::Text),
        ("f_table_name", FieldType::Text),
        ("f_geometry_column", FieldType::Text),
        ("styleName", FieldType::Text),
        ("styleQML", FieldType::Text),
        ("styleSLD", FieldType::Text),
        ("useAsDefault", FieldType::Int),
        ("description", FieldType::Text),
        ("owner", FieldType::Text),
        ("ui", FieldType::Text),
        ("update_time", FieldType::Text),
    ]
    .iter()
    .map(|(n, t)| (n.to_string(), *t))
    .collect();
    gdal_vector::write_layer(ds, "layer_styles", None, None, &fields, &records, file)
}
