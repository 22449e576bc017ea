//! DXF out, for the surveyor's CAD (AutoCAD, CASS): AutoCAD 2000 (AC1015) through GDAL's DXF
//! writer, then re-encoded as GBK with `$DWGCODEPAGE ANSI_936`, which is how CASS and older
//! AutoCAD read Chinese text. One DXF layer per map element (Chinese names), each entity in
//! its layer's colour (ACI, entities ByLayer), Z kept on lines and points (3D POLYLINE), polygon rings as closed
//! polylines at elevation 0 (an outline's z range is an attribute, not a drawing), labels as
//! TEXT.

use crate::error::{Location, Result};
use crate::model::record::Geom;
use crate::text;
use gdal::vector::{Geometry, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType as T};
use std::path::Path;

/// One DXF layer: its name, AutoCAD colour index and entities (with an optional label each).
#[derive(Debug, Clone, Default)]
pub struct DxfLayer {
    pub name: String,
    /// AutoCAD colour index (1 red, 2 yellow, 3 green, 4 cyan, 5 blue, 6 magenta, 7 white …).
    pub aci: u8,
    /// The line pattern in drawing units (metres): dash, gap, dash, gap …; empty for a
    /// continuous line. Written as a linetype of its own (LTYPE) that the layer's lines use.
    pub linetype: Vec<f64>,
    pub entities: Vec<(Geom, Option<String>)>,
}

fn geometry(g: &Geom) -> gdal::errors::Result<Vec<Geometry>> {
    match g {
        // Each ring a closed polyline (a CAD drawing has no holes as such).
        Geom::Polygon(p) => std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|r| {
                let mut l = Geometry::empty(T::wkbLineString25D)?;
                for c in &r.0 {
                    l.add_point((c.x, c.y, 0.0));
                }
                Ok(l)
            })
            .collect(),
        point_or_line => Ok(vec![super::gdal_vector::to_ogr(point_or_line)?]),
    }
}

/// Where a label goes: the first vertex.
fn anchor(g: &Geom) -> [f64; 3] {
    match g {
        Geom::Point { pos, .. } => *pos,
        Geom::Line { coords, .. } => coords.first().copied().unwrap_or([0.0; 3]),
        Geom::Polygon(p) => p.exterior().0.first().map_or([0.0; 3], |c| [c.x, c.y, 0.0]),
    }
}

/// `\U+XXXX` escapes (GDAL's way of writing non-ASCII MTEXT) back to the characters.
fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    while let Some(i) = rest.find("\\U+") {
        out.push_str(&rest[..i]);
        let hex = rest.get(i + 3..i + 7).unwrap_or("");
        match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
            Some(c) if hex.len() == 4 => {
                out.push(c);
                rest = &rest[i + 7..];
            }
            _ => {
                out.push_str("\\U+");
                rest = &rest[i + 3..];
            }
        }
    }
    out.push_str(rest);
    out.replace("\\~", " ")
}

/// A DXF text as its (group code, value) pairs; a code that is not a number reads as -1.
pub(crate) fn group_pairs(dxf: &str) -> Vec<(i32, String)> {
    let lines: Vec<&str> = dxf.lines().collect();
    lines.chunks(2).filter(|c| c.len() == 2).map(|c| (c[0].trim().parse().unwrap_or(-1), c[1].to_string())).collect()
}

/// Post-process GDAL's DXF (group code / value pairs): AC1015, ANSI_936, each LAYER record in
/// its layer's colour, each MTEXT label rewritten as a single-line TEXT.
fn finish(dxf: &str, colours: &std::collections::HashMap<&str, u8>) -> String {
    let pairs = group_pairs(dxf);
    // Records: from one (0, …) to the next.
    let mut out: Vec<(i32, String)> = Vec::with_capacity(pairs.len());
    let mut i = 0;
    while i < pairs.len() {
        let end = (i + 1..pairs.len()).find(|&k| pairs[k].0 == 0).unwrap_or(pairs.len());
        let rec = &pairs[i..end];
        match (rec[0].0, rec[0].1.trim()) {
            (0, "LAYER") if rec.iter().any(|p| p.0 == 100 && p.1.trim() == "AcDbLayerTableRecord") => {
                let name = rec.iter().find(|p| p.0 == 2).map(|p| p.1.clone()).unwrap_or_default();
                let aci = colours.get(name.as_str()).copied();
                out.extend(rec.iter().map(|p| match (p.0, aci) {
                    (62, Some(c)) => (62, format!("{c:>6}")),
                    _ => p.clone(),
                }));
            }
            (0, "MTEXT") => {
                let get = |c: i32| rec.iter().find(|p| p.0 == c).map(|p| p.1.trim().to_string());
                let text: String = rec.iter().filter(|p| p.0 == 3 || p.0 == 1).map(|p| unescape(&p.1)).collect();
                out.push((0, "TEXT".into()));
                if let Some(h) = get(5) {
                    out.push((5, h));
                }
                out.push((100, "AcDbEntity".into()));
                out.push((8, get(8).unwrap_or_else(|| "0".into())));
                if let Some(c) = get(62) {
                    out.push((62, c));
                }
                out.push((100, "AcDbText".into()));
                for c in [10, 20, 30] {
                    out.push((c, get(c).unwrap_or_else(|| "0".into())));
                }
                out.push((40, get(40).unwrap_or_else(|| "2.5".into())));
                out.push((1, text));
                out.push((100, "AcDbText".into()));
            }
            _ => out.extend(rec.iter().cloned()),
        }
        i = end;
    }
    let mut s = String::with_capacity(dxf.len());
    let mut prev: Option<&str> = None;
    for (code, value) in &out {
        let v = match (prev, value.trim()) {
            (Some("$ACADVER"), "AC1018") => "AC1015",
            (Some("$DWGCODEPAGE"), "ANSI_1252") => "ANSI_936",
            _ => value.as_str(),
        };
        s.push_str(&format!("{code:>3}\n{v}\n"));
        if *code == 9 {
            prev = Some(value.trim());
        } else if *code != 1 && *code != 3 {
            prev = None;
        }
    }
    s
}

/// The OGR style string of a feature (colour, label) the DXF writer turns into entity
/// properties.
fn set_style(f: &gdal::vector::Feature<'_>, style: &str) {
    if let Ok(c) = std::ffi::CString::new(style) {
        // SAFETY: a valid feature handle; OGR copies the string.
        unsafe { gdal_sys::OGR_F_SetStyleString(f.c_feature(), c.as_ptr()) };
    }
}

/// The OGR pen of a dashed line (GDAL's DXF writer turns its pattern into an LTYPE record,
/// in ground units): `None` for a continuous line.
fn pen(pattern: &[f64]) -> Option<String> {
    if pattern.len() < 2 || pattern.iter().any(|v| !v.is_finite() || *v <= 0.0) {
        return None;
    }
    let p: Vec<String> = pattern.iter().map(|v| format!("{v}g")).collect();
    Some(format!("PEN(p:\"{}\")", p.join(" ")))
}

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Write `layers` as one DXF file at `out` (through a temporary file: all or nothing). Returns
/// the number of entities written (labels included).
pub fn write_dxf(layers: &[DxfLayer], out: &Path) -> Result<usize> {
    let err = |e: gdal::errors::GdalError| {
        crate::Error::at(Location::file(out), text!("写入 DXF 失败: {}", "writing the DXF failed: {}", e))
    };
    // GDAL's UTF-8 draft in a private folder; only the GBK result lands beside `out`.
    let work = tempfile::tempdir().map_err(|e| crate::Error::io(std::env::temp_dir(), e))?;
    let utf8 = work.path().join("utf8.dxf");
    let drv = gdal::DriverManager::get_driver_by_name("DXF").map_err(|e| {
        crate::Error::at(Location::file(out), text!("GDAL 没有 DXF 驱动: {}", "GDAL has no DXF driver: {}", e))
    })?;
    // Every layer name and label must have a GBK form: say which one has not, before writing.
    for l in layers {
        for t in std::iter::once(&l.name).chain(l.entities.iter().filter_map(|(_, t)| t.as_ref())) {
            if encoding_rs::GBK.encode(t).2 {
                return Err(crate::Error::at(
                    Location::file(out).layer(&l.name),
                    text!(
                        "\"{}\" 含 GBK（CASS/AutoCAD 的中文编码）无法表示的字符",
                        "\"{}\" holds characters GBK (the Chinese encoding of CASS/AutoCAD) cannot represent",
                        t
                    ),
                ));
            }
        }
    }
    let mut n = 0;
    {
        let mut ds = drv.create_vector_only(&utf8).map_err(err)?;
        let layer =
            ds.create_layer(LayerOptions { name: "entities", ty: T::wkbUnknown, ..Default::default() }).map_err(err)?;
        let defn_fields = [("Layer", OGRFieldType::OFTString), ("Text", OGRFieldType::OFTString)];
        // The DXF driver has its fixed schema; creating the fields is harmless where it exists.
        let _ = layer.create_defn_fields(&defn_fields);
        let defn = layer.defn();
        let (li, ti) = (defn.field_index("Layer").map_err(err)?, defn.field_index("Text").map_err(err)?);
        for l in layers {
            let pen = pen(&l.linetype);
            for (g, label) in &l.entities {
                for part in geometry(g).map_err(err)? {
                    let mut f = gdal::vector::Feature::new(defn).map_err(err)?;
                    f.set_field_string(li, &l.name).map_err(err)?;
                    if let Some(pen) = pen.as_deref().filter(|_| !matches!(g, Geom::Point { .. })) {
                        set_style(&f, pen);
                    }
                    f.set_geometry(part).map_err(err)?;
                    f.create(&layer).map_err(err)?;
                    n += 1;
                }
                if let Some(t) = label.as_deref().filter(|t| !t.is_empty()) {
                    let a = anchor(g);
                    let mut f = gdal::vector::Feature::new(defn).map_err(err)?;
                    f.set_field_string(li, &l.name).map_err(err)?;
                    f.set_field_string(ti, t).map_err(err)?;
                    set_style(&f, &format!("LABEL(f:\"SimSun\",t:\"{}\",s:2.5g)", quote(t)));
                    let mut p = Geometry::empty(T::wkbPoint25D).map_err(err)?;
                    p.add_point((a[0], a[1], a[2]));
                    f.set_geometry(p).map_err(err)?;
                    f.create(&layer).map_err(err)?;
                    n += 1;
                }
            }
        }
        ds.close().map_err(err)?;
    }
    // GDAL writes UTF-8 under its template's ANSI_1252 (and AC1018): declare R2000 and GBK,
    // colour the layer table, labels as TEXT; then encode GBK.
    let text = std::fs::read_to_string(&utf8).map_err(|e| crate::Error::io(&utf8, e))?;
    let colours: std::collections::HashMap<&str, u8> = layers.iter().map(|l| (l.name.as_str(), l.aci)).collect();
    let text = finish(&text, &colours);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    if unmappable {
        return Err(crate::Error::at(
            Location::file(out),
            text!(
                "有文字无法用 GBK 编码（CASS/AutoCAD 的中文编码）",
                "some text cannot be encoded in GBK (the Chinese encoding of CASS/AutoCAD)"
            ),
        ));
    }
    super::write_atomically(out, |tmp| std::fs::write(tmp, &bytes).map_err(|e| crate::Error::io(tmp, e)))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_without_a_gbk_form_is_named_and_nothing_is_written() {
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("p.dxf");
        let line = Geom::Line { coords: vec![[0.0, 0.0, 1.0], [10.0, 0.0, 1.0]], has_z: true };
        let layer = |label: &str| DxfLayer {
            name: "巷道".into(),
            aci: 7,
            entities: vec![(line.clone(), Some(label.into()))],
            ..Default::default()
        };
        let e = write_dxf(&[layer("W1 ☃\u{1F600}")], &out).expect_err("an emoji has no GBK form");
        let msg = e.to_string();
        assert!(msg.contains("巷道") && msg.contains("W1"), "{msg}");
        assert!(!out.exists());
        assert_eq!(write_dxf(&[layer("W1 运输巷")], &out).expect("writes"), 2, "the line and its label");
        let bytes = std::fs::read(&out).expect("read");
        let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
        assert!(!bad && text.contains("W1 运输巷"));
    }
}
