//! Writing LAS 1.4 / LAZ (point format 6).

use super::crs::{LASF_PROJECTION, WKT_RECORD};
use super::*;

// ---------------------------------------------------------------------------------------------
// Writing

/// Point format written: LAS 1.4 point data record format 6 (x, y, z, intensity, returns,
/// class, GPS time; 30 bytes). It is the LAS 1.4 base format, the only one for which LAS 1.4
/// allows a WKT CRS without caveats, and its class byte holds 0–255. A point without GPS time
/// is written with time 0.
pub(super) const WRITE_FORMAT: u8 = 6;
const WRITE_RECORD_LEN: usize = 30;
/// Points encoded per batch handed to the `las` writer.
const WRITE_BATCH: usize = 65_536;

/// Writes points to a LAS 1.4 file (point format 6; LAZ-compressed when the extension is
/// `.laz`), with the offset taken from the first point rounded to whole kilometres, so that
/// Gauss-Krüger coordinates (x ≈ 38 500 000, y ≈ 3 400 000) keep `scale` precision (0.001 for
/// millimetres) within ±2 147 km of it at scale 0.001. Returns the number of points written.
/// See [`write_cloud_at`].
pub fn write_cloud(
    path: &Path,
    crs_wkt: Option<&str>,
    scale: f64,
    points: impl IntoIterator<Item = CloudPoint>,
) -> Result<u64> {
    let mut it = points.into_iter().peekable();
    let origin = match it.peek() {
        Some(p) => {
            let mut o = [0.0; 3];
            for (k, v) in o.iter_mut().enumerate() {
                let c = p.pos[k];
                *v = if c.is_finite() { (c / 1000.0).round() * 1000.0 } else { 0.0 };
            }
            o
        }
        None => [0.0; 3],
    };
    write_cloud_at(path, crs_wkt, scale, origin, it)
}

/// Writes points to a LAS 1.4 file (point format 6; LAZ when the extension is `.laz`) with
/// the given `scale` (e.g. 0.001 m) and offset `origin`; every coordinate must lie within
/// `scale × 2^31` of the origin. With `crs_wkt` the file gets a WKT VLR
/// (`LASF_Projection`/2112) and the WKT global-encoding bit (set for format 6 anyway).
///
/// The file is written to a temporary file in the same folder and renamed into place when
/// complete: a failed write leaves no file (and an existing one untouched).
pub fn write_cloud_at(
    path: &Path,
    crs_wkt: Option<&str>,
    scale: f64,
    origin: [f64; 3],
    points: impl IntoIterator<Item = CloudPoint>,
) -> Result<u64> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(invalid(path, text!("点云比例因子无效：{}", "invalid point-cloud scale factor: {}", scale)));
    }
    if origin.iter().any(|v| !v.is_finite()) {
        return Err(invalid(path, text!("点云偏移量无效：{:?}", "invalid point-cloud offset: {:?}", origin)));
    }
    let compressed = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("laz"));

    let mut builder = las::Builder::from((1, 4));
    let mut format = las::point::Format::new(WRITE_FORMAT).map_err(|e| internal(path, e))?;
    format.is_compressed = compressed;
    builder.point_format = format;
    let t = |offset| las::Transform { scale, offset };
    builder.transforms = las::Vector { x: t(origin[0]), y: t(origin[1]), z: t(origin[2]) };
    builder.generating_software = "minehaz".to_string();
    builder.system_identifier = "minehaz".to_string();
    if let Some(wkt) = crs_wkt {
        let mut data = wkt.as_bytes().to_vec();
        data.push(0); // LAS 1.4: the WKT is NUL-terminated
        builder.vlrs.push(las::Vlr {
            user_id: LASF_PROJECTION.to_string(),
            record_id: WKT_RECORD,
            description: "OGC WKT coordinate system".to_string(),
            data,
        });
        builder.has_wkt_crs = true;
    }
    let header = builder.into_header().map_err(|e| internal(path, e))?;
    let transforms = *header.transforms();

    crate::io::write_atomically(path, |tmp| {
        let file = File::create(tmp).map_err(|e| Error::io(path, e))?;
        let write_err = |e: las::Error| match e {
            las::Error::Io(io) => Error::io(path, io),
            other => invalid(path, text!("写入 LAS/LAZ 文件失败：{}", "cannot write the LAS/LAZ file: {}", other)),
        };
        let mut writer = las::Writer::new(BufWriter::new(file), header).map_err(write_err)?;

        let quantize = |i: u64, p: &CloudPoint| -> Result<[i32; 3]> {
            let mut q = [0i32; 3];
            for k in 0..3 {
                let n = ((p.pos[k] - origin[k]) / scale).round();
                if !(n.is_finite() && n >= f64::from(i32::MIN) && n <= f64::from(i32::MAX)) {
                    return Err(invalid(
                    path,
                    text!(
                        "第 {} 个点 ({}, {}, {}) 无法以比例 {} 和偏移 ({}, {}, {}) 存储（非有限值或离偏移太远）",
                        "point {} ({}, {}, {}) cannot be stored with scale {} and offset ({}, {}, {}): not finite or too far from the offset",
                        i,
                        p.pos[0],
                        p.pos[1],
                        p.pos[2],
                        scale,
                        origin[0],
                        origin[1],
                        origin[2]
                    ),
                ));
                }
                q[k] = n as i32;
            }
            Ok(q)
        };

        let mut count: u64 = 0;
        let mut bytes: Vec<u8> = Vec::with_capacity(WRITE_BATCH * WRITE_RECORD_LEN);
        let flush = |bytes: &mut Vec<u8>, writer: &mut las::Writer<BufWriter<File>>| -> Result<()> {
            if bytes.is_empty() {
                return Ok(());
            }
            let pd = las::PointDataBuilder::new()
                .with_format(format)
                .with_transforms(transforms)
                .build_from_bytes(std::mem::take(bytes))
                .map_err(|e| internal(path, e))?;
            writer.write_points(&pd).map_err(write_err)?;
            *bytes = Vec::with_capacity(WRITE_BATCH * WRITE_RECORD_LEN);
            Ok(())
        };
        for p in points {
            let q = quantize(count, &p)?;
            let mut rec = [0u8; WRITE_RECORD_LEN];
            rec[0..4].copy_from_slice(&q[0].to_le_bytes());
            rec[4..8].copy_from_slice(&q[1].to_le_bytes());
            rec[8..12].copy_from_slice(&q[2].to_le_bytes());
            rec[12..14].copy_from_slice(&p.intensity.to_le_bytes());
            rec[14] = 0x11; // return 1 of 1
            rec[15] = 0; // class flags, scanner channel, scan direction, edge
            rec[16] = p.class;
            // 17 user data, 18..20 scan angle, 20..22 point source id: 0
            rec[22..30].copy_from_slice(&p.gps_time.unwrap_or(0.0).to_le_bytes());
            bytes.extend_from_slice(&rec);
            count += 1;
            if bytes.len() >= WRITE_BATCH * WRITE_RECORD_LEN {
                flush(&mut bytes, &mut writer)?;
            }
        }
        flush(&mut bytes, &mut writer)?;
        writer.close().map_err(write_err)?;
        let inner = writer.into_inner().map_err(write_err)?;
        let file = inner.into_inner().map_err(|e| Error::io(path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(path, e))?;
        Ok(count)
    })
}

fn internal(path: &Path, e: las::Error) -> Error {
    Error::Internal(format!("{}: las: {e}", path.display()))
}
