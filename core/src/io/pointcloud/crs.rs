//! The CRS of a point cloud: the `LASF_Projection` VLRs/EVLRs (OGC WKT, GeoTIFF keys).

use super::*;

// ---------------------------------------------------------------------------------------------
// CRS

pub(super) const LASF_PROJECTION: &str = "LASF_Projection";
pub(super) const WKT_RECORD: u16 = 2112;
const GEOKEY_DIRECTORY: u16 = 34735;
const GEOKEY_ASCII: u16 = 34737;
/// The largest CRS record we read (a WKT is a few KiB).
const MAX_CRS_RECORD: u64 = 16 << 20;
const EVLR_HEADER_LEN: u64 = 60;

pub(super) struct CrsRecord {
    pub(super) record_id: u16,
    pub(super) data: Vec<u8>,
}

/// Walks the EVLR table and returns the CRS records in it.
pub(super) fn read_crs_evlrs(path: &Path, file_len: u64, start: u64, count: u32) -> Result<Vec<CrsRecord>> {
    let mut out = Vec::new();
    if count == 0 || start == 0 {
        return Ok(out);
    }
    let mut f = BufReader::new(File::open(path).map_err(|e| Error::io(path, e))?);
    let mut pos = start;
    for i in 0..count {
        let truncated = || {
            invalid(
                path,
                text!(
                    "扩展 VLR（EVLR）第 {} 条超出文件末尾（文件 {} 字节）",
                    "extended VLR (EVLR) {} runs past the end of the file ({} bytes)",
                    i + 1,
                    file_len
                ),
            )
        };
        if pos.checked_add(EVLR_HEADER_LEN).is_none_or(|end| end > file_len) {
            return Err(truncated());
        }
        let mut head = [0u8; EVLR_HEADER_LEN as usize];
        f.seek(SeekFrom::Start(pos)).map_err(|e| Error::io(path, e))?;
        f.read_exact(&mut head).map_err(|e| Error::io(path, e))?;
        let user_id = las_str(&head[2..18]);
        let record_id = u16::from_le_bytes([head[18], head[19]]);
        let mut len8 = [0u8; 8];
        len8.copy_from_slice(&head[20..28]);
        let len = u64::from_le_bytes(len8);
        let data_start = pos + EVLR_HEADER_LEN;
        let end = data_start.checked_add(len).filter(|&e| e <= file_len).ok_or_else(truncated)?;
        if user_id.eq_ignore_ascii_case(LASF_PROJECTION)
            && matches!(record_id, WKT_RECORD | GEOKEY_DIRECTORY..=GEOKEY_ASCII)
        {
            if len > MAX_CRS_RECORD {
                return Err(invalid(
                    path,
                    text!(
                        "坐标系 EVLR {} 过大（{} 字节）",
                        "CRS EVLR {} is implausibly large ({} bytes)",
                        record_id,
                        len
                    ),
                ));
            }
            let mut data = vec![0u8; len as usize];
            f.read_exact(&mut data).map_err(|e| Error::io(path, e))?;
            out.push(CrsRecord { record_id, data });
        }
        pos = end;
    }
    Ok(out)
}

/// A fixed-width, NUL-padded LAS string.
fn las_str(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).trim().to_string()
}

/// The CRS of a file from its CRS records: WKT first (LAS 1.4), else GeoTIFF keys.
pub(super) fn resolve_crs(records: &[CrsRecord]) -> (Option<String>, Vec<Text>) {
    let mut notes = Vec::new();
    let wkt = records
        .iter()
        .find(|r| r.record_id == WKT_RECORD)
        .map(|r| String::from_utf8_lossy(&r.data).trim_matches(|c: char| c == '\0' || c.is_whitespace()).to_string())
        .filter(|s| !s.is_empty());
    let geotiff = records.iter().find(|r| r.record_id == GEOKEY_DIRECTORY).map(|dir| {
        let ascii = records.iter().find(|r| r.record_id == GEOKEY_ASCII).map(|r| &r.data[..]);
        geotiff_crs(&dir.data, ascii)
    });

    if let Some(wkt) = wkt {
        let crs = match wkt_epsg(&wkt) {
            Some(code) => format!("EPSG:{code}"),
            None => wkt,
        };
        // Both present: a remark unless the GeoTIFF keys name the same EPSG code.
        let agree = matches!(&geotiff, Some(GeoTiffCrs::Epsg(c)) if crs == format!("EPSG:{c}"));
        if let Some(g) = geotiff.as_ref().filter(|_| !agree) {
            let other = match g {
                GeoTiffCrs::Epsg(c) => format!("EPSG:{c}"),
                GeoTiffCrs::UserDefined(s) => s.clone(),
                GeoTiffCrs::Invalid(s) => s.clone(),
            };
            notes.push(text!(
                "文件同时带有 WKT 和 GeoTIFF 坐标系记录（GeoTIFF：{}）；按 LAS 1.4 使用 WKT",
                "the file carries both WKT and GeoTIFF CRS records (GeoTIFF: {}); using the WKT (LAS 1.4)",
                other
            ));
        }
        return (Some(crs), notes);
    }
    match geotiff {
        None => (None, notes),
        Some(GeoTiffCrs::Epsg(c)) => (Some(format!("EPSG:{c}")), notes),
        Some(GeoTiffCrs::UserDefined(desc)) => {
            notes.push(text!(
                "GeoTIFF 坐标系为自定义（{}），无法确定 EPSG 代码",
                "the GeoTIFF CRS is user-defined ({}), no EPSG code can be determined",
                desc
            ));
            (None, notes)
        }
        Some(GeoTiffCrs::Invalid(why)) => {
            notes.push(text!("GeoTIFF 坐标系记录无法解析：{}", "the GeoTIFF CRS record cannot be parsed: {}", why));
            (None, notes)
        }
    }
}

pub(super) enum GeoTiffCrs {
    Epsg(u16),
    /// No EPSG code; a description from the keys (citations, model type).
    UserDefined(String),
    Invalid(String),
}

/// Reads GTModelTypeGeoKey (1024), GeographicTypeGeoKey (2048) and ProjectedCSTypeGeoKey
/// (3072) from a GeoKeyDirectory. VerticalCSTypeGeoKey (4096) is ignored.
pub(super) fn geotiff_crs(dir: &[u8], ascii: Option<&[u8]>) -> GeoTiffCrs {
    let words: Vec<u16> = dir.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    if words.len() < 4 {
        return GeoTiffCrs::Invalid(format!("GeoKeyDirectory of {} bytes", dir.len()));
    }
    let n_keys = usize::from(words[3]);
    let keys = &words[4..];
    if keys.len() < n_keys * 4 {
        return GeoTiffCrs::Invalid(format!("GeoKeyDirectory declares {n_keys} keys but holds {}", keys.len() / 4));
    }
    let mut model = None;
    let mut geographic = None;
    let mut projected = None;
    let mut citations = Vec::new();
    for k in keys.chunks_exact(4).take(n_keys) {
        let (id, location, count, value) = (k[0], k[1], k[2], k[3]);
        match (id, location) {
            (1024, 0) => model = Some(value),
            (2048, 0) => geographic = Some(value),
            (3072, 0) => projected = Some(value),
            // GTCitation, GeogCitation, PCSCitation
            (1026 | 2049 | 3073, GEOKEY_ASCII) => {
                if let Some(a) = ascii {
                    let s = usize::from(value);
                    let e = (s + usize::from(count)).min(a.len());
                    if s < e {
                        let t = String::from_utf8_lossy(&a[s..e])
                            .trim_matches(|c: char| c == '|' || c == '\0' || c.is_whitespace())
                            .to_string();
                        if !t.is_empty() {
                            citations.push(t);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let epsg = |v: Option<u16>| v.filter(|c| (1024..=32766).contains(c));
    // A projected code wins; a geographic (or geocentric) one stands alone only when the
    // model is not projected.
    if let Some(c) = epsg(projected) {
        return GeoTiffCrs::Epsg(c);
    }
    if model != Some(1) && projected.is_none() {
        if let Some(c) = epsg(geographic) {
            return GeoTiffCrs::Epsg(c);
        }
    }
    let mut desc = Vec::new();
    if let Some(m) = model {
        desc.push(format!("GTModelType={m}"));
    }
    if let Some(p) = projected {
        desc.push(format!("ProjectedCSType={p}"));
    }
    if let Some(g) = geographic {
        desc.push(format!("GeographicType={g}"));
    }
    desc.extend(citations);
    GeoTiffCrs::UserDefined(desc.join(", "))
}

/// The EPSG code of the root CRS of a WKT (WKT1 `AUTHORITY` or WKT2 `ID`), read by GDAL's
/// spatial reference parser (PROJ): the root's own authority only, not a nested element's;
/// None for text GDAL cannot parse.
pub(super) fn wkt_epsg(wkt: &str) -> Option<u32> {
    let srs = gdal::spatial_ref::SpatialRef::from_wkt(wkt).ok()?;
    match srs.auth_name() {
        Some(a) if a.eq_ignore_ascii_case("EPSG") => srs.auth_code().ok().and_then(|c| u32::try_from(c).ok()),
        _ => None,
    }
}
