//! Coordinate reference systems: identify them (GDAL's OSR, which uses PROJ's database) and
//! transform coordinates (PROJ, through the `proj` crate, the same libproj GDAL links).
//!
//! Every layer ends up in the mine's projected CRS (`survey.toml [mine] crs`). Axis order is
//! always the GIS order (x = easting / longitude, y = northing / latitude), whatever the EPSG
//! definition says: EPSG:4490 (CGCS2000 geographic) is lat/lon by authority, lon/lat here.

use crate::error::{Location, Result};
use crate::text;
use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};

/// A CRS: `EPSG:n` where it is identifiable, else its WKT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crs {
    pub def: String,
}

impl std::fmt::Display for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.def.len() > 60 {
            let name = SpatialRef::from_definition(&self.def).ok().and_then(|s| s.name());
            write!(f, "{}", name.unwrap_or_else(|| "WKT".into()))
        } else {
            f.write_str(&self.def)
        }
    }
}

fn srs_to_crs(mut srs: SpatialRef) -> Crs {
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    if let (Some(name), Ok(code)) = (srs.auth_name(), srs.auth_code()) {
        return Crs { def: format!("{name}:{code}") };
    }
    if srs.auto_identify_epsg().is_ok() {
        if let (Some(name), Ok(code)) = (srs.auth_name(), srs.auth_code()) {
            return Crs { def: format!("{name}:{code}") };
        }
    }
    if let Some(def) = best_match(&srs) {
        return Crs { def };
    }
    Crs { def: srs.to_wkt().unwrap_or_default() }
}

/// The authority code PROJ's identification finds for `srs` with at least 90 % confidence
/// (e.g. a .prj written by ArcGIS without AUTHORITY nodes).
fn best_match(srs: &SpatialRef) -> Option<String> {
    let mut n: std::ffi::c_int = 0;
    let mut conf: *mut std::ffi::c_int = std::ptr::null_mut();
    // SAFETY: OSRFindMatches returns an array of `n` new SRS handles and `n` confidences, which
    // we read and then free with the matching GDAL functions.
    unsafe {
        let list = gdal_sys::OSRFindMatches(srs.to_c_hsrs(), std::ptr::null_mut(), &mut n, &mut conf);
        if list.is_null() {
            return None;
        }
        let mut out = None;
        if n > 0 && !conf.is_null() && *conf >= 90 {
            let m = *list;
            let name = gdal_sys::OSRGetAuthorityName(m, std::ptr::null());
            let code = gdal_sys::OSRGetAuthorityCode(m, std::ptr::null());
            if !name.is_null() && !code.is_null() {
                let name = std::ffi::CStr::from_ptr(name).to_string_lossy();
                let code = std::ffi::CStr::from_ptr(code).to_string_lossy();
                out = Some(format!("{name}:{code}"));
            }
        }
        gdal_sys::OSRFreeSRSArray(list);
        gdal_sys::VSIFree(conf.cast());
        out
    }
}

impl Crs {
    /// Parse a user-given definition ("EPSG:4547", WKT, PROJ string); an unknown CRS is an
    /// error at `at`.
    pub fn parse(def: &str, at: &Location) -> Result<Self> {
        let srs = SpatialRef::from_definition(def.trim()).map_err(|e| {
            crate::Error::at(at.clone(), text!("未知坐标系 \"{}\": {}", "unknown CRS \"{}\": {}", def, e))
        })?;
        Ok(srs_to_crs(srs))
    }

    /// From the WKT of a .prj file or a LAS VLR.
    pub fn from_wkt(wkt: &str, at: &Location) -> Result<Self> {
        let srs = SpatialRef::from_wkt(wkt).or_else(|_| SpatialRef::from_esri(wkt)).map_err(|e| {
            crate::Error::at(at.clone(), text!("无法识别的坐标系定义: {}", "unrecognised CRS definition: {}", e))
        })?;
        Ok(srs_to_crs(srs))
    }

    pub(crate) fn from_srs(srs: SpatialRef) -> Self {
        srs_to_crs(srs)
    }

    /// A GDAL spatial reference in GIS axis order.
    pub(crate) fn srs(&self) -> Result<SpatialRef> {
        let mut s = SpatialRef::from_definition(&self.def)
            .map_err(|e| crate::Error::Internal(format!("CRS {}: {e}", self.def)))?;
        s.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        Ok(s)
    }

    /// Is this a projected CRS in metres?
    pub fn is_projected_metres(&self) -> bool {
        self.srs().is_ok_and(|s| s.is_projected() && (s.linear_units() - 1.0).abs() < 1e-12)
    }

    /// The vertical datum of a compound CRS (e.g. "Yellow Sea 1985"), None otherwise.
    pub fn vertical_datum(&self) -> Option<String> {
        let s = self.srs().ok()?;
        if !s.is_compound() {
            return None;
        }
        s.get_attr_value("COMPD_CS|VERT_CS|VERT_DATUM", 0)
            .ok()
            .flatten()
            .or_else(|| s.get_attr_value("VERT_DATUM", 0).ok().flatten())
    }

    pub fn is_geographic(&self) -> bool {
        self.srs().is_ok_and(|s| s.is_geographic())
    }

    /// The same CRS? (identical definitions, or OSR finds them equivalent)
    pub fn same_as(&self, other: &Crs) -> bool {
        if self.def == other.def {
            return true;
        }
        match (self.srs(), other.srs()) {
            (Ok(a), Ok(b)) => {
                // SAFETY: both handles are valid for the duration of the call.
                unsafe { gdal_sys::OSRIsSame(a.to_c_hsrs(), b.to_c_hsrs()) != 0 }
            }
            _ => false,
        }
    }
}

/// A PROJ string without its own `+towgs84` (replaced by the survey's).
fn strip_towgs84(p4: &str) -> String {
    p4.split_whitespace().filter(|t| !t.starts_with("+towgs84=")).collect::<Vec<_>>().join(" ")
}

/// A coordinate transformation between two CRSs (PROJ), in GIS axis order; z passes through.
pub struct Transformer {
    proj: proj::Proj,
    pub from: Crs,
    pub to: Crs,
}

impl std::fmt::Debug for Transformer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Transformer({} -> {})", self.from, self.to)
    }
}

thread_local! {
    static TRANSFORMERS: std::cell::RefCell<std::collections::HashMap<(String, String), std::rc::Rc<Transformer>>> =
        Default::default();
}

impl Transformer {
    /// [`Transformer::new`], made once per thread for each pair of CRSs (creating one costs
    /// PROJ database queries, ~10 ms: too much once per mine in a roll-up of thousands).
    pub fn cached(from: &Crs, to: &Crs, at: &Location) -> Result<std::rc::Rc<Self>> {
        let key = (from.def.clone(), to.def.clone());
        if let Some(t) = TRANSFORMERS.with(|c| c.borrow().get(&key).cloned()) {
            return Ok(t);
        }
        let t = std::rc::Rc::new(Self::new(from, to, at)?);
        TRANSFORMERS.with(|c| c.borrow_mut().insert(key, t.clone()));
        Ok(t)
    }

    pub fn new(from: &Crs, to: &Crs, at: &Location) -> Result<Self> {
        let proj = proj::Proj::new_known_crs(&from.def, &to.def, None).map_err(|e| {
            crate::Error::at(
                at.clone(),
                text!("无法从 {} 转换到 {}: {}", "cannot transform from {} to {}: {}", from, to, e),
            )
        })?;
        Ok(Self { proj, from: from.clone(), to: to.clone() })
    }

    /// The transformation of layers in `from` into the mine CRS `to`, with survey.toml's `[crs]`
    /// settings: a given pipeline, or `towgs84` parameters for the layers' datum; else PROJ's
    /// best. Returns a warning when PROJ can only offer a ballpark transformation between two
    /// datums (no datum shift: the mine moves by metres to tens of metres).
    pub fn for_survey(
        from: &Crs,
        to: &Crs,
        settings: &crate::model::meta::CrsSettings,
        at: &Location,
    ) -> Result<(Self, Option<crate::i18n::Text>)> {
        let fail = |e: proj::ProjCreateError| {
            crate::Error::at(
                at.clone(),
                text!("无法从 {} 转换到 {}: {}", "cannot transform from {} to {}: {}", from, to, e),
            )
        };
        let datum = |c: &Crs| c.srs().ok().and_then(|s| s.get_attr_value("DATUM", 0).ok().flatten());
        // Which layers the survey's transformation is for: those in `[crs] from` when given;
        // otherwise every layer outside the mine CRS — but a `towgs84` (the layers' datum to
        // WGS 84) never on a layer already in WGS 84 or CGCS2000.
        let applies = match &settings.from {
            Some(f) => {
                let at_from = Location::file("survey.toml").layer("crs").field("from");
                from.same_as(&Crs::parse(f, &at_from)?)
            }
            None => true,
        };
        let global_datum = datum(from).is_some_and(|d| ["WGS_1984", "China_2000"].contains(&d.as_str()));
        if let (true, Some(p)) = (applies, &settings.pipeline) {
            let proj = proj::Proj::new(p).map_err(fail)?;
            return Ok((Self { proj, from: from.clone(), to: to.clone() }, None));
        }
        if let (true, false, Some(t)) = (applies, global_datum && settings.from.is_none(), &settings.towgs84) {
            let p4 = |c: &Crs| c.srs().and_then(|s| s.to_proj4().map_err(|e| crate::Error::Internal(e.to_string())));
            let params = t.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",");
            let src = format!("{} +towgs84={params}", strip_towgs84(&p4(from)?));
            let dst = format!("{} +towgs84=0,0,0,0,0,0,0", strip_towgs84(&p4(to)?));
            let proj = proj::Proj::new_known_crs(&src, &dst, None).map_err(fail)?;
            return Ok((Self { proj, from: from.clone(), to: to.clone() }, None));
        }
        let t = Self::new(from, to, at)?;
        let (a, b) = (datum(from), datum(to));
        let def = t.proj.def().unwrap_or_default();
        let shifts = ["helmert", "gridshift", "molodensky", "+proj=cart"].iter().any(|k| def.contains(k));
        let warning = (a.is_some() && b.is_some() && a != b && !shifts).then(|| {
            text!(
                "{} 到 {} 只有近似转换（无基准转换参数，偏差可达数米至数十米）：请在 survey.toml 的 [crs] 中给出官方的七参数或四参数 (towgs84) 或 PROJ 管道 (pipeline)",
                "only a ballpark transformation from {} to {} (no datum shift: off by metres to tens of metres): give the official 7- or 4-parameter transformation in survey.toml [crs] (towgs84) or a PROJ pipeline (pipeline)",
                from,
                to
            )
        });
        Ok((t, warning))
    }

    /// Transform one (x, y); an error names `at`.
    pub fn xy(&self, x: f64, y: f64, at: &Location) -> Result<(f64, f64)> {
        let (ox, oy) = self.proj.convert((x, y)).map_err(|e| {
            crate::Error::at(
                at.clone(),
                text!("坐标 ({}, {}) 转换失败: {}", "coordinate ({}, {}) failed to transform: {}", x, y, e),
            )
        })?;
        if !ox.is_finite() || !oy.is_finite() {
            return Err(crate::Error::at(
                at.clone(),
                text!(
                    "坐标 ({}, {}) 超出 {} 的定义范围",
                    "coordinate ({}, {}) is outside the domain of {}",
                    x,
                    y,
                    self.to
                ),
            ));
        }
        Ok((ox, oy))
    }

    /// Transform points in place (x, y; z kept).
    pub fn points(&self, pts: &mut [[f64; 3]], at: &Location) -> Result<()> {
        for p in pts {
            let (x, y) = self.xy(p[0], p[1], at)?;
            p[0] = x;
            p[1] = y;
        }
        Ok(())
    }

    /// Transform a polygon's rings.
    pub fn polygon(&self, poly: &geo_types::Polygon<f64>, at: &Location) -> Result<geo_types::Polygon<f64>> {
        let ring = |ls: &geo_types::LineString<f64>| -> Result<geo_types::LineString<f64>> {
            ls.0.iter()
                .map(|c| self.xy(c.x, c.y, at).map(|(x, y)| geo_types::coord! { x: x, y: y }))
                .collect::<Result<Vec<_>>>()
                .map(geo_types::LineString)
        };
        let ext = ring(poly.exterior())?;
        let ints = poly.interiors().iter().map(ring).collect::<Result<Vec<_>>>()?;
        Ok(geo_types::Polygon::new(ext, ints))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    fn at() -> Location {
        Location::default()
    }

    /// CGCS2000 geographic → EPSG:4547 (3° Gauss-Krüger, CM 114E, no zone prefix) gives PROJ's
    /// values (TECH-NOTES: E = 528770.2373, N = 3386666.2506) and back.
    #[test]
    fn cgcs2000_to_gauss_kruger_and_back() {
        let geo = Crs::parse("EPSG:4490", &at()).expect("4490");
        let gk = Crs::parse("EPSG:4547", &at()).expect("4547");
        assert!(gk.is_projected_metres());
        assert!(geo.is_geographic());
        let t = Transformer::new(&geo, &gk, &at()).expect("t");
        let (e, n) = t.xy(114.3, 30.6, &at()).expect("fwd");
        assert_abs_diff_eq!(e, 528770.2373, epsilon = 1e-4);
        assert_abs_diff_eq!(n, 3386666.2506, epsilon = 1e-4);
        let back = Transformer::new(&gk, &geo, &at()).expect("inv");
        let (lon, lat) = back.xy(e, n, &at()).expect("inv");
        assert_abs_diff_eq!(lon, 114.3, epsilon = 1e-10);
        assert_abs_diff_eq!(lat, 30.6, epsilon = 1e-10);
    }

    /// The zone-prefixed 3° zone 38 (EPSG:4526, CM 114E) differs from EPSG:4547 only by the
    /// 38 000 000 m false-easting prefix.
    #[test]
    fn zone_prefixed_three_degree_zone() {
        let geo = Crs::parse("EPSG:4490", &at()).expect("4490");
        let z38 = Crs::parse("EPSG:4526", &at()).expect("4526");
        let t = Transformer::new(&geo, &z38, &at()).expect("t");
        let (e, n) = t.xy(114.3, 30.6, &at()).expect("fwd");
        assert_abs_diff_eq!(e, 38_528_770.237_3, epsilon = 1e-4);
        assert_abs_diff_eq!(n, 3386666.2506, epsilon = 1e-4);
        // And 4547 → 4526 directly is a pure shift.
        let gk = Crs::parse("EPSG:4547", &at()).expect("4547");
        let s = Transformer::new(&gk, &z38, &at()).expect("shift");
        let (e2, n2) = s.xy(500_000.0, 4_000_000.0, &at()).expect("shift");
        assert_abs_diff_eq!(e2, 38_500_000.0, epsilon = 1e-6);
        assert_abs_diff_eq!(n2, 4_000_000.0, epsilon = 1e-6);
    }

    /// Every accept/expect pair of every `+proj=tmerc … +ellps=GRS80` block of PROJ's own
    /// builtins.gie (the Gauss-Krüger ellipsoid of CGCS2000), forward, within the block's
    /// tolerance.
    #[test]
    fn proj_gie_tmerc_grs80_vectors() {
        let gie = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/data/real/testsuites/proj_gie/builtins.gie"),
        )
        .expect("builtins.gie");
        let mut op: Option<proj::Proj> = None;
        let mut tol_m = 1e-3;
        let mut accept: Option<(f64, f64)> = None;
        let mut forward = true;
        let (mut checked, mut blocks) = (0, 0);
        for line in gie.lines() {
            let w: Vec<&str> = line.split_whitespace().collect();
            match w.first().copied() {
                Some("operation") => {
                    let def = w[1..].join(" ");
                    let ok = def.starts_with("+proj=tmerc") && def.contains("+ellps=GRS80") && !def.contains("+inv");
                    op = if ok { proj::Proj::new(&def).ok() } else { None };
                    blocks += usize::from(op.is_some());
                    tol_m = 1e-3;
                    forward = true;
                }
                Some("direction") => forward = w.get(1) != Some(&"inverse"),
                Some("tolerance") if w.len() >= 3 => {
                    let v: f64 = w[1].parse().unwrap_or(1.0);
                    tol_m = v * match w[2] {
                        "nm" => 1e-9,
                        "um" => 1e-6,
                        "mm" => 1e-3,
                        "cm" => 1e-2,
                        _ => 1.0,
                    };
                }
                Some("accept") if w.len() >= 3 => accept = w[1].parse().ok().zip(w[2].parse().ok()),
                Some("expect") if w.len() >= 3 && w[1] != "failure" => {
                    if let (Some(p), Some((lon, lat)), true) = (&op, accept.take(), forward) {
                        let (ee, en): (f64, f64) = (w[1].parse().expect("e"), w[2].parse().expect("n"));
                        let Ok((e, n)) = p.convert((lon.to_radians(), lat.to_radians())) else {
                            panic!("{line}: accept {lon} {lat} failed")
                        };
                        assert!(
                            (e - ee).abs() <= tol_m.max(1e-6) && (n - en).abs() <= tol_m.max(1e-6),
                            "{line}: got {e} {n}"
                        );
                        checked += 1;
                    }
                }
                _ => {}
            }
        }
        assert!(blocks >= 3, "found {blocks} tmerc GRS80 blocks");
        assert!(checked >= 10, "checked {checked} vectors");
    }

    #[test]
    fn unknown_crs_is_an_error() {
        let e = Crs::parse("EPSG:999999", &Location::file("survey.toml").field("crs")).expect_err("unknown");
        assert_eq!(e.exit_code(), 2);
        assert_eq!(e.problems()[0].at.field.as_deref(), Some("crs"));
    }

    #[test]
    fn wkt_without_authority_is_identified() {
        let wkt = SpatialRef::from_epsg(4547).and_then(|s| s.to_wkt()).expect("wkt");
        let c = Crs::from_wkt(&wkt, &at()).expect("wkt");
        assert!(c.same_as(&Crs::parse("EPSG:4547", &at()).expect("4547")));
    }
}
