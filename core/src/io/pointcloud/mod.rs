//! LAS / LAZ / COPC point clouds through `las`: header, CRS, bounds, streamed chunked access.
//!
//! - [`read_header`]: what a file says about itself (counts, bounds, version, CRS), no points.
//! - [`CloudReader`]: the points in chunks of a bounded size; never the whole file in memory.
//! - [`scan`]: one streaming pass over all points (count, bounds, classes), to check a header
//!   against the data.
//! - [`write_cloud`] / [`write_cloud_at`]: LAS 1.4 point format 6 (`.las`, or `.laz` by the
//!   extension), written to a temporary file beside the target and renamed into place.
//!
//! COPC files (`.copc.laz`) are LAZ 1.4 files and are read sequentially like any LAZ file.
//! Positions stay in the file's CRS.
//!
//! The CRS comes from the `LASF_Projection` VLRs or EVLRs: an OGC WKT record (2112) or a
//! GeoTIFF key directory (34735, with 34736 doubles and 34737 ASCII). When both are present
//! the WKT wins (LAS 1.4) and [`CloudHeader::crs_notes`] says so.

use crate::error::{Error, Location, Result};
use crate::i18n::Text;
use crate::text;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// What a point-cloud file says about itself (read from its header and VLRs, no points loaded).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CloudHeader {
    pub point_count: u64,
    /// [min_x, min_y, min_z, max_x, max_y, max_z] in the file's CRS.
    pub bounds: [f64; 6],
    /// "1.4" etc.
    pub version: String,
    pub point_format: u8,
    pub compressed: bool,
    /// CRS as "EPSG:n" when identifiable, else WKT; None when the file has none.
    pub crs: Option<String>,
    /// Remarks on the CRS records, for the importer to pass on as warnings: both WKT and
    /// GeoTIFF present and not naming the same EPSG code (WKT used), a GeoTIFF CRS that names no EPSG code (then `crs` is None
    /// although the file declares one), an unreadable GeoTIFF directory.
    pub crs_notes: Vec<Text>,
}

/// One point as the importer and the viewer need it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CloudPoint {
    /// x, y, z in the file's CRS (scale and offset applied).
    pub pos: [f64; 3],
    /// ASPRS classification (for point formats 0–5 the low 5 bits of the class byte).
    pub class: u8,
    pub intensity: u16,
    /// GPS time for point formats that carry it (1, 3, 4, 5, 6–10).
    pub gps_time: Option<f64>,
}

/// What a full pass over the points found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CloudStats {
    pub count: u64,
    /// [min_x, min_y, min_z, max_x, max_y, max_z] of the points; all 0 when there are none.
    pub bounds: [f64; 6],
    /// Points per classification.
    pub class_counts: BTreeMap<u8, u64>,
}

// ---------------------------------------------------------------------------------------------
// Errors

fn invalid(path: &Path, t: Text) -> Error {
    Error::at(Location::file(path), t)
}

/// A las error met while reading the header or VLRs.
fn header_error(path: &Path, e: las::Error) -> Error {
    match e {
        las::Error::InvalidFileSignature(sig) => invalid(
            path,
            text!(
                "不是 LAS/LAZ 文件：文件标识为 \"{}\"，应为 \"LASF\"",
                "not a LAS/LAZ file: the signature is \"{}\", expected \"LASF\"",
                String::from_utf8_lossy(&sig).escape_debug()
            ),
        ),
        las::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            invalid(
                path,
                text!(
                    "LAS/LAZ 文件头或 VLR 不完整（文件只有 {} 字节）",
                    "truncated LAS/LAZ header or VLRs (the file has only {} bytes)",
                    len
                ),
            )
        }
        las::Error::Io(io) => Error::io(path, io),
        other => invalid(path, text!("LAS/LAZ 文件头无效：{}", "invalid LAS/LAZ header: {}", other)),
    }
}

/// A las error met while reading points `first..` of a chunk.
fn point_error(path: &Path, first: u64, e: las::Error) -> Error {
    match e {
        las::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => invalid(
            path,
            text!(
                "点数据在第 {} 个点之后不完整（文件被截断？）",
                "point data ends early, after point {} (truncated file?)",
                first
            ),
        ),
        other => invalid(
            path,
            text!("无法读取从第 {} 个点开始的点数据：{}", "cannot read the points from point {} on: {}", first, other),
        ),
    }
}

fn panic_error(path: &Path, opening: bool) -> Error {
    let t = if opening {
        text!(
            "LAS/LAZ 解码器在打开文件时失败（数据损坏？）",
            "the LAS/LAZ decoder failed while opening the file (corrupt data?)"
        )
    } else {
        text!(
            "LAS/LAZ 解码器在读取点时失败（数据损坏？）",
            "the LAS/LAZ decoder failed while reading points (corrupt data?)"
        )
    };
    invalid(path, t)
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Reads the header, VLRs and EVLRs of a LAS/LAZ/COPC file; no points are decoded.
pub fn read_header(path: &Path) -> Result<CloudHeader> {
    CloudReader::open(path).map(|r| r.header)
}

/// The fixed header's numbers that `las` accepts but that make the points meaningless: a
/// header shorter than its version's, point data inside the header, scale factors that are
/// zero or not finite, non-finite offsets or bounds, bounds out of order.
fn check_raw_header(path: &Path, raw: &las::raw::Header) -> Result<()> {
    let min_size: u16 = match (raw.version.major, raw.version.minor) {
        (1, 0..=2) => 227,
        (1, 3) => 235,
        _ => 375,
    };
    let bad = |t: crate::i18n::Text| Err(invalid(path, t));
    if raw.header_size < min_size {
        return bad(text!(
            "文件头长度 {} 字节，小于 LAS {}.{} 规定的 {} 字节",
            "header size {} bytes is below the {} bytes of LAS {}.{}",
            raw.header_size,
            min_size,
            raw.version.major,
            raw.version.minor
        ));
    }
    if raw.offset_to_point_data < u32::from(raw.header_size) {
        return bad(text!(
            "点数据偏移 {} 落在文件头内（{} 字节）",
            "the offset to point data {} lies inside the header ({} bytes)",
            raw.offset_to_point_data,
            raw.header_size
        ));
    }
    for (axis, sc, off) in [
        ("x", raw.x_scale_factor, raw.x_offset),
        ("y", raw.y_scale_factor, raw.y_offset),
        ("z", raw.z_scale_factor, raw.z_offset),
    ] {
        if !(sc.is_finite() && sc != 0.0) {
            return bad(text!("{} 比例因子无效: {}", "invalid {} scale factor: {}", axis, sc));
        }
        if !off.is_finite() {
            return bad(text!("{} 偏移无效: {}", "invalid {} offset: {}", axis, off));
        }
    }
    let b = [raw.min_x, raw.max_x, raw.min_y, raw.max_y, raw.min_z, raw.max_z];
    let n = raw.large_file.as_ref().map_or(u64::from(raw.number_of_point_records), |l| l.number_of_point_records);
    let n = n.max(u64::from(raw.number_of_point_records));
    // An empty cloud has no bounds (writers leave ±inf).
    if n > 0 && b.iter().any(|v| !v.is_finite()) {
        return bad(text!("文件头范围无效 (NaN/无穷): {:?}", "invalid header bounds (NaN/inf): {:?}", b));
    }
    if n > 0 && (raw.min_x > raw.max_x || raw.min_y > raw.max_y || raw.min_z > raw.max_z) {
        return bad(text!("文件头范围最小值大于最大值: {:?}", "header bounds with min above max: {:?}", b));
    }
    Ok(())
}

/// A LAZ chunk table whose chunk count could not fit in the file: `laz` would allocate room for
/// it first (a flipped bit there asks for tens of gigabytes and aborts the process).
fn check_chunk_table(path: &Path, file: &mut File, raw: &las::raw::Header, file_len: u64) -> Result<()> {
    use std::io::Read;
    let mut b8 = [0u8; 8];
    let at = u64::from(raw.offset_to_point_data);
    let read_at = |file: &mut File, pos: u64, buf: &mut [u8]| -> std::io::Result<()> {
        file.seek(SeekFrom::Start(pos))?;
        file.read_exact(buf)
    };
    if read_at(file, at, &mut b8).is_err() {
        return Ok(()); // a short file is reported by the reader
    }
    let table = i64::from_le_bytes(b8);
    let result = if table > at as i64 && (table as u64).saturating_add(8) <= file_len {
        let table = table as u64;
        if read_at(file, table, &mut b8).is_ok() {
            let chunks = u64::from(u32::from_le_bytes([b8[4], b8[5], b8[6], b8[7]]));
            let points =
                raw.large_file.as_ref().map_or(u64::from(raw.number_of_point_records), |l| l.number_of_point_records);
            // Every chunk holds at least one point and one byte of compressed data.
            let most = (table - at).min(points.max(u64::from(raw.number_of_point_records)).max(1));
            if chunks > most {
                Err(invalid(
                    path,
                    text!(
                        "LAZ 块表声明 {} 个块，文件只能容纳 {} 个：文件已损坏",
                        "the LAZ chunk table declares {} chunks, the file can hold at most {}: the file is damaged",
                        chunks,
                        most
                    ),
                ))
            } else {
                Ok(())
            }
        } else {
            Ok(())
        }
    } else {
        Ok(())
    };
    file.seek(SeekFrom::Start(0)).map_err(|e| Error::io(path, e))?;
    result
}

/// Streams the points of a LAS/LAZ/COPC file in chunks.
///
/// Not `Send` (the `las` reader is not): open it on the thread that reads it.
pub struct CloudReader {
    path: PathBuf,
    header: CloudHeader,
    reader: las::Reader,
    buf: las::PointData,
    /// Points delivered so far.
    done: u64,
    /// Set after a decoder panic: the reader's state is unknown, every further call fails.
    poisoned: bool,
    /// Byte offset of the first point record.
    offset_to_points: u64,
}

impl std::fmt::Debug for CloudReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudReader")
            .field("path", &self.path)
            .field("header", &self.header)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl CloudReader {
    /// Opens a file and reads its header, VLRs and EVLRs (for the CRS); positioned at the
    /// first point.
    pub fn open(path: &Path) -> Result<CloudReader> {
        let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
        let file_len = file.metadata().map_err(|e| Error::io(path, e))?.len();

        // The fixed header first, for precise messages about a file that is not LAS at all or
        // is cut short, and for the fields `las` normalises (version, EVLR table).
        let raw = {
            let mut r = BufReader::new(&mut file);
            las::raw::Header::read_from(&mut r).map_err(|e| header_error(path, e))?
        };
        file.seek(SeekFrom::Start(0)).map_err(|e| Error::io(path, e))?;
        check_raw_header(path, &raw)?;
        if raw.point_data_record_format & 0x80 != 0 || raw.point_data_record_format & 0x40 != 0 {
            check_chunk_table(path, &mut file, &raw, file_len)?;
        }

        let opened = catch_unwind(AssertUnwindSafe(|| las::Reader::new(BufReader::new(file))));
        let reader = match opened {
            Ok(r) => r.map_err(|e| header_error(path, e))?,
            Err(_) => return Err(panic_error(path, true)),
        };
        let h = reader.header();

        let point_format = h.point_format().to_u8().map_err(|e| header_error(path, e))?;
        let compressed = h.point_format().is_compressed;
        let point_count = h.number_of_points();

        // Uncompressed: the point records must fit in the file, and the file must not hold
        // more records than the header declares (they would be silently ignored).
        if !compressed && raw.evlr.is_none() && raw.start_of_waveform_data_packet_record.unwrap_or(0) == 0 {
            let have = u128::from(file_len).saturating_sub(u128::from(raw.offset_to_point_data));
            let len = u128::from(raw.point_data_record_length.max(1));
            if have / len > u128::from(point_count) {
                return Err(invalid(
                    path,
                    text!(
                        "文件头声明 {} 个点，但文件中有 {} 个点记录：点数不符，部分点会被忽略",
                        "the header declares {} points but the file holds {} point records: the rest would be ignored",
                        point_count,
                        have / len
                    ),
                ));
            }
        }
        if !compressed {
            let need = u128::from(raw.offset_to_point_data)
                + u128::from(point_count) * u128::from(raw.point_data_record_length);
            if need > u128::from(file_len) {
                return Err(invalid(
                    path,
                    text!(
                        "文件被截断：文件头声明 {} 个点（需 {} 字节），文件只有 {} 字节",
                        "truncated file: the header declares {} points ({} bytes), the file has only {} bytes",
                        point_count,
                        need,
                        file_len
                    ),
                ));
            }
        }

        // CRS records: the VLRs as `las` read them, the EVLRs read here (`las` keeps only the
        // first EVLR).
        let mut crs_records: Vec<CrsRecord> = h
            .vlrs()
            .iter()
            .filter(|v| v.is_crs())
            .map(|v| CrsRecord { record_id: v.record_id, data: v.data.clone() })
            .collect();
        if let Some(evlr) = &raw.evlr {
            crs_records.extend(read_crs_evlrs(path, file_len, evlr.start_of_first_evlr, evlr.number_of_evlrs)?);
        }
        let (crs, crs_notes) = resolve_crs(&crs_records);

        let b = h.bounds();
        let header = CloudHeader {
            point_count,
            bounds: [b.min.x, b.min.y, b.min.z, b.max.x, b.max.y, b.max.z],
            version: format!("{}.{}", raw.version.major, raw.version.minor),
            point_format,
            compressed,
            crs,
            crs_notes,
        };
        let buf = las::PointDataBuilder::new().for_header(h).build();
        let offset_to_points = u64::from(raw.offset_to_point_data);
        Ok(CloudReader { path: path.to_path_buf(), header, reader, buf, done: 0, poisoned: false, offset_to_points })
    }

    pub fn header(&self) -> &CloudHeader {
        &self.header
    }

    /// Points delivered so far.
    pub fn points_read(&self) -> u64 {
        self.done
    }

    /// Reads up to `max_points` (at least 1) next points, replacing the contents of `out`.
    /// Returns how many were read: 0 at the end of the file.
    pub fn next_chunk(&mut self, max_points: usize, out: &mut Vec<CloudPoint>) -> Result<usize> {
        out.clear();
        if self.poisoned {
            return Err(panic_error(&self.path, false));
        }
        let want = u64::try_from(max_points.max(1)).unwrap_or(u64::MAX);
        let reader = &mut self.reader;
        let buf = &mut self.buf;
        let n = match catch_unwind(AssertUnwindSafe(|| reader.fill_points(want, buf))) {
            Ok(Ok(n)) => n,
            Ok(Err(e)) => return Err(point_error(&self.path, self.done, e)),
            Err(_) => {
                self.poisoned = true;
                return Err(panic_error(&self.path, false));
            }
        };
        if n == 0 {
            return Ok(0);
        }
        let pd = &self.buf;
        out.reserve(pd.len());
        let xyz = pd.x().zip(pd.y()).zip(pd.z());
        let attrs = pd.classification().zip(pd.intensity());
        match pd.gps_time() {
            Some(t) => out.extend(xyz.zip(attrs).zip(t).map(|((((x, y), z), (c, i)), t)| CloudPoint {
                pos: [x, y, z],
                class: c,
                intensity: i,
                gps_time: Some(t),
            })),
            None => out.extend(xyz.zip(attrs).map(|(((x, y), z), (c, i))| CloudPoint {
                pos: [x, y, z],
                class: c,
                intensity: i,
                gps_time: None,
            })),
        }
        self.done += out.len() as u64;
        Ok(out.len())
    }
}

/// A point's position (x, y, z in the file's CRS) and ASPRS class.
pub type PosClass = ([f64; 3], u8);

/// Streams the position and class of every point to `f`, in chunks (`f` returns false to
/// stop). LAZ with a chunk table goes through `laz`'s parallel decompressor decoding only x, y,
/// z and the class (the layered LAS 1.4 formats skip the other fields entirely); anything else
/// through [`CloudReader`]. Returns the points delivered.
pub fn scan_xyzc(path: &Path, mut f: impl FnMut(&[PosClass]) -> bool) -> Result<u64> {
    let reader = CloudReader::open(path)?;
    let h = reader.reader.header();
    let laszip = h.vlrs().iter().find(|v| las::laz::is_laszip_vlr(v)).map(|v| v.data.clone());
    let total = h.number_of_points();
    // The general reader: uncompressed files, and LAZ the parallel decompressor cannot take
    // (no LASzip record, no chunk table, point-wise unchunked compression).
    let general = |mut reader: CloudReader, f: &mut dyn FnMut(&[PosClass]) -> bool| -> Result<u64> {
        let mut buf = Vec::new();
        let mut out = Vec::new();
        let mut n = 0;
        while reader.next_chunk(1 << 18, &mut buf)? > 0 {
            out.clear();
            out.extend(buf.iter().map(|p| (p.pos, p.class)));
            n += out.len() as u64;
            if !f(&out) {
                break;
            }
        }
        Ok(n)
    };
    let (Some(vlr_data), true) = (laszip, reader.header.compressed) else { return general(reader, &mut f) };
    let t = *h.transforms();
    let format = reader.header.point_format;
    let class_at = if format >= 6 { 16 } else { 15 };
    let class_mask = if format >= 6 { 0xFF } else { 0x1F };
    let bad = |e: laz::LasZipError| invalid(path, text!("LAZ 解压失败: {}", "LAZ decompression failed: {}", e));
    let vlr = laz::LazVlr::from_buffer(&vlr_data).map_err(bad)?;
    let size = vlr.items_size() as usize;
    let per_call = (vlr.chunk_size() as usize).clamp(1, 1 << 20) * 16;
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    file.seek(SeekFrom::Start(reader.offset_to_points)).map_err(|e| Error::io(path, e))?;
    use laz::DecompressionSelection as S;
    let sel = S(S::Z | S::CLASSIFICATION);
    let opened =
        catch_unwind(AssertUnwindSafe(|| laz::ParLasZipDecompressor::selective(BufReader::new(file), vlr, sel)));
    let mut dec = match opened {
        Ok(Ok(d)) => d,
        Ok(Err(_)) => return general(reader, &mut f),
        Err(_) => return Err(panic_error(path, true)),
    };
    // Decompression (parallel over LAZ chunks) runs in its own thread, one batch ahead of the
    // parsing and `f`, through two recycled buffers.
    let parse = |raw: &[u8], out: &mut Vec<([f64; 3], u8)>| {
        out.clear();
        out.extend(raw.chunks_exact(size).map(|r| {
            let i = |k: usize| f64::from(i32::from_le_bytes([r[k], r[k + 1], r[k + 2], r[k + 3]]));
            (
                [i(0) * t.x.scale + t.x.offset, i(4) * t.y.scale + t.y.offset, i(8) * t.z.scale + t.z.offset],
                r[class_at] & class_mask,
            )
        }));
    };
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Result<Vec<u8>>>(1);
    let (empty_tx, empty_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
    for _ in 0..2 {
        let _ = empty_tx.send(Vec::new());
    }
    std::thread::scope(|sc| {
        sc.spawn(move || {
            let mut done = 0u64;
            while done < total {
                let Ok(mut raw) = empty_rx.recv() else { return };
                let n = (total - done).min(per_call as u64) as usize;
                raw.resize(n * size, 0);
                let r = match catch_unwind(AssertUnwindSafe(|| dec.decompress_many(&mut raw))) {
                    Ok(Ok(())) => Ok(raw),
                    Ok(Err(e)) => Err(point_error(path, done, las::Error::Io(std::io::Error::other(e.to_string())))),
                    Err(_) => Err(panic_error(path, false)),
                };
                let failed = r.is_err();
                if full_tx.send(r).is_err() || failed {
                    return;
                }
                done += n as u64;
            }
        });
        let mut out: Vec<([f64; 3], u8)> = Vec::with_capacity(per_call);
        let mut delivered = 0u64;
        while delivered < total {
            let Ok(raw) = full_rx.recv() else { break };
            let raw = raw?;
            parse(&raw, &mut out);
            delivered += out.len() as u64;
            let go_on = f(&out);
            let _ = empty_tx.send(raw);
            if !go_on {
                break;
            }
        }
        drop(empty_tx);
        drop(full_rx);
        Ok(delivered)
    })
}

/// Streams every point (chunks of `chunk` points) and returns count, bounds and classes,
/// calling `progress(done, total)` after each chunk (`total` is the header's point count).
pub fn scan(path: &Path, chunk: usize, mut progress: impl FnMut(u64, u64)) -> Result<CloudStats> {
    let mut reader = CloudReader::open(path)?;
    let total = reader.header.point_count;
    let mut buf = Vec::with_capacity(chunk.clamp(1, 1 << 20));
    let mut stats = CloudStats::default();
    let mut bounds = [f64::INFINITY, f64::INFINITY, f64::INFINITY, -f64::INFINITY, -f64::INFINITY, -f64::INFINITY];
    loop {
        let n = reader.next_chunk(chunk, &mut buf)?;
        if n == 0 {
            break;
        }
        for p in &buf {
            for k in 0..3 {
                bounds[k] = bounds[k].min(p.pos[k]);
                bounds[k + 3] = bounds[k + 3].max(p.pos[k]);
            }
            *stats.class_counts.entry(p.class).or_insert(0) += 1;
        }
        stats.count += n as u64;
        progress(stats.count, total);
    }
    if stats.count > 0 {
        stats.bounds = bounds;
    }
    Ok(stats)
}

mod crs;
mod writer;

#[cfg(test)]
use crs::{geotiff_crs, wkt_epsg, GeoTiffCrs};
use crs::{read_crs_evlrs, resolve_crs, CrsRecord};
#[cfg(test)]
use writer::WRITE_FORMAT;
pub use writer::{write_cloud, write_cloud_at};
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn data(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/real/pointcloud").join(rel)
    }

    /// Every point of the file through the general reader, as (position, class).
    fn all_points(p: &Path) -> Vec<([f64; 3], u8)> {
        let mut r = CloudReader::open(p).expect("open");
        let (mut buf, mut v) = (Vec::new(), Vec::new());
        while r.next_chunk(10_000, &mut buf).expect("read") > 0 {
            v.extend(buf.iter().map(|p| (p.pos, p.class)));
        }
        v
    }

    /// The selective parallel LAZ path gives exactly what the general reader gives, on real
    /// files of point formats 1, 3 (point-wise compression), 6 and 7 (layered, LAS 1.4,
    /// EVLRs, COPC), and on an uncompressed file (the fallback).
    #[test]
    fn the_fast_scan_matches_the_reader_on_real_files() {
        for f in [
            "laspy/simple.laz",
            "laspy/autzen_trim.laz",
            "laspy/1_4_w_evlr.laz",
            "laspy/simple.copc.laz",
            "las-rs/32-1-472-150-76.laz",
            "laspy/simple.las",
        ] {
            let p = data(f);
            let want = all_points(&p);
            let mut got = Vec::new();
            let n = scan_xyzc(&p, |pts| {
                got.extend_from_slice(pts);
                true
            })
            .unwrap_or_else(|e| panic!("{f}: {e}"));
            assert_eq!(n as usize, want.len(), "{f}");
            assert!(!want.is_empty(), "{f}");
            assert_eq!(got, want, "{f}");
        }
    }

    /// What the CRS of a test file should come out as.
    #[derive(Debug)]
    enum CrsWant {
        None,
        Epsg(&'static str),
        /// A WKT (no EPSG authority on its root), starting with this text.
        Wkt(&'static str),
    }

    struct Expect {
        file: &'static str,
        version: &'static str,
        format: u8,
        count: u64,
        /// [x_min, x_max, y_min, y_max, z_min, z_max] as printed in PROVENANCE.md.
        xyz: [f64; 6],
        classes: &'static [(u8, u64)],
        crs: CrsWant,
        /// Remarks expected in `crs_notes`.
        notes: usize,
    }

    /// Every LAS/LAZ/COPC file of shared/data/real/pointcloud/PROVENANCE.md.
    const FILES: &[Expect] = &[
        Expect {
            file: "laspy/1_4_w_evlr.laz",
            version: "1.4",
            format: 6,
            count: 1000,
            xyz: [1694038.45, 1694539.68, 1816492.71, 1816497.98, 5592.75, 5599.07],
            classes: &[(2, 1000)],
            // PROVENANCE names "NAD83(HARN) / New Mexico Central (ftUS)", which is EPSG:2903;
            // the WKT's root carries AUTHORITY["EPSG","2903"].
            crs: CrsWant::Epsg("EPSG:2903"),
            notes: 0,
        },
        Expect {
            file: "laspy/autzen_trim.laz",
            version: "1.2",
            format: 3,
            count: 110000,
            xyz: [636001.76, 637179.22, 848935.20, 849497.90, 406.26, 520.51],
            classes: &[(1, 83893), (2, 26107)],
            // PROVENANCE gives only a name. The WKT VLR is an ESRI-style PROJCS without a root
            // AUTHORITY, and the GeoTIFF keys are user-defined (ProjectedCSType 32767): no EPSG
            // code to be had without a PROJ/GDAL identification (GDAL finds none either), so the
            // WKT itself; the GeoTIFF keys are reported in a note.
            crs: CrsWant::Wkt("PROJCS[\"NAD_1983_HARN_Lambert_Conformal_Conic\","),
            notes: 1,
        },
        Expect {
            file: "laspy/extrabytes.las",
            version: "1.4",
            format: 3,
            count: 1065,
            xyz: [635619.85, 638982.55, 848899.70, 853535.43, 406.59, 586.38],
            classes: &[(1, 789), (2, 276)],
            crs: CrsWant::None,
            notes: 0,
        },
        Expect {
            file: "laspy/file_with_both_wkt_and_geotiff_vlrs.las",
            version: "1.4",
            format: 6,
            count: 25408,
            xyz: [2445180.00, 2445239.99, 604300.00, 604339.98, 1352.70, 1403.96],
            classes: &[(2, 9808), (3, 158), (4, 724), (5, 10956), (6, 3737), (7, 25)],
            // PROVENANCE says 6880 (NAD83(2011) / Nebraska (ftUS)): that is pyproj's identify()
            // of the WKT at 70 % confidence. The WKT is ESRI-style ("NAD83_2011_Nebraska_ft")
            // with no AUTHORITY at all, so parsing yields the WKT; the GeoTIFF keys say
            // EPSG:32104 (NAD83 / Nebraska in metres: wrong for these foot coordinates) and are
            // overridden by the WKT, with a note.
            crs: CrsWant::Wkt("PROJCS[\"NAD83_2011_Nebraska_ft\","),
            notes: 1,
        },
        Expect {
            file: "laspy/fullwave.laz",
            version: "1.4",
            format: 10,
            count: 10750,
            xyz: [194267.42, 194318.30, 8249096.01, 8249137.34, 989.94, 1003.70],
            classes: &[(0, 10750)],
            crs: CrsWant::Epsg("EPSG:32723"),
            notes: 0,
        },
        Expect {
            file: "laspy/simple.copc.laz",
            version: "1.4",
            format: 7,
            count: 1065,
            xyz: [635619.85, 638982.55, 848899.70, 853535.43, 406.59, 586.38],
            classes: &[(1, 789), (2, 276)],
            // A COMPD_CS whose root has no AUTHORITY (its parts are EPSG:2991 and EPSG:6360):
            // the compound WKT is kept whole rather than reduced to its horizontal part.
            crs: CrsWant::Wkt("COMPD_CS[\"NAD83 / Oregon LCC (m) + NAVD88 height (ftUS)\","),
            notes: 0,
        },
        Expect {
            file: "laspy/simple.las",
            version: "1.2",
            format: 3,
            count: 1065,
            xyz: [635619.85, 638982.55, 848899.70, 853535.43, 406.59, 586.38],
            classes: &[(1, 789), (2, 276)],
            crs: CrsWant::None,
            notes: 0,
        },
        Expect {
            file: "laspy/simple.laz",
            version: "1.2",
            format: 3,
            count: 1065,
            xyz: [635619.85, 638982.55, 848899.70, 853535.43, 406.59, 586.38],
            classes: &[(1, 789), (2, 276)],
            crs: CrsWant::None,
            notes: 0,
        },
        Expect {
            file: "laspy/test1_4.las",
            version: "1.4",
            format: 6,
            count: 1000,
            xyz: [1694038.45, 1694539.68, 1816492.71, 1816497.98, 5592.75, 5599.07],
            classes: &[(2, 1000)],
            // "NAD83(HARN) / New Mexico Central (ftUS)" = EPSG:2903, from the WKT root.
            crs: CrsWant::Epsg("EPSG:2903"),
            notes: 0,
        },
        Expect {
            file: "laspy/unregistered_extra_bytes.las",
            version: "1.4",
            format: 6,
            count: 4,
            xyz: [1.0, 4.0, 1.0, 4.0, 1.0, 4.0],
            classes: &[(0, 4)],
            crs: CrsWant::None,
            notes: 0,
        },
        Expect {
            file: "pdal/hexbin-crop.las",
            version: "1.2",
            format: 1,
            count: 38367,
            xyz: [393775.82, 394069.24, 3689071.94, 3689273.09, 3107.86, 3209.32],
            classes: &[(1, 3049), (2, 35318)],
            // WKT and GeoTIFF both say 32642: no note.
            crs: CrsWant::Epsg("EPSG:32642"),
            notes: 0,
        },
        Expect {
            file: "pdal/lone-star.copc.laz",
            version: "1.4",
            format: 6,
            count: 518862,
            xyz: [515368.60, 515401.04, 4918340.36, 4918381.12, 2322.90, 2338.58],
            classes: &[(0, 518862)],
            // PROVENANCE says 4978 (pyproj identify() at 70 %). The WKT is
            // GEOCCS["unnamed",DATUM["WGS_1984",…]] with no root AUTHORITY, so the WKT. (The
            // coordinates look like UTM metres, not geocentric: the file's CRS is suspect.)
            crs: CrsWant::Wkt("GEOCCS[\"unnamed\","),
            notes: 0,
        },
        Expect {
            file: "pdal/utm17.las",
            version: "1.2",
            format: 3,
            count: 10,
            xyz: [289814.15, 289818.50, 4320978.61, 4320980.59, 170.58, 170.76],
            classes: &[(2, 10)],
            crs: CrsWant::Epsg("EPSG:32617"),
            notes: 0,
        },
        Expect {
            file: "las-rs/32-1-472-150-76.laz",
            version: "1.1",
            format: 1,
            count: 5658,
            xyz: [326400.01, 327199.99, 6724172.52, 6724199.99, -0.37, 202.74],
            classes: &[(1, 3648), (2, 1461), (7, 30), (9, 519)],
            // GeoTIFF keys only: ProjectedCSType 25832 (vertical 5941 ignored).
            crs: CrsWant::Epsg("EPSG:25832"),
            notes: 0,
        },
    ];

    fn assert_bounds(file: &str, what: &str, got: [f64; 6], want: [f64; 6]) {
        // got: [min_x, min_y, min_z, max_x, max_y, max_z]; want: x, y, z ranges
        let got = [got[0], got[3], got[1], got[4], got[2], got[5]];
        for k in 0..6 {
            assert!((got[k] - want[k]).abs() <= 0.01, "{file}: {what} bounds {got:?} != {want:?} (index {k})");
        }
    }

    #[test]
    fn real_files_header_and_crs() {
        for e in FILES {
            let h = read_header(&data(e.file)).unwrap_or_else(|err| panic!("{}: {err}", e.file));
            assert_eq!(h.point_count, e.count, "{}", e.file);
            assert_eq!(h.version, e.version, "{}", e.file);
            assert_eq!(h.point_format, e.format, "{}", e.file);
            assert_eq!(h.compressed, e.file.ends_with(".laz"), "{}", e.file);
            assert_bounds(e.file, "header", h.bounds, e.xyz);
            let ok = match (&e.crs, h.crs.as_deref()) {
                (CrsWant::None, None) => true,
                (CrsWant::Epsg(want), Some(got)) => got == *want,
                (CrsWant::Wkt(start), Some(got)) => got.starts_with(start) && wkt_epsg(got).is_none(),
                _ => false,
            };
            assert!(ok, "{}: crs {:?}, want {:?}", e.file, h.crs, e.crs);
            assert_eq!(h.crs_notes.len(), e.notes, "{}: {:?}", e.file, h.crs_notes);
        }
    }

    #[test]
    fn real_files_scan() {
        for e in FILES {
            let mut calls = 0u64;
            let mut last = (0, 0);
            let mut monotonic = true;
            let s = scan(&data(e.file), 10_000, |done, total| {
                monotonic &= done > last.0;
                calls += 1;
                last = (done, total);
            })
            .unwrap_or_else(|err| panic!("{}: {err}", e.file));
            assert_eq!(s.count, e.count, "{}", e.file);
            assert!(monotonic, "{}", e.file);
            assert_eq!(last, (e.count, e.count), "{}", e.file);
            assert_eq!(calls, e.count.div_ceil(10_000), "{}", e.file);
            assert_bounds(e.file, "scan", s.bounds, e.xyz);
            let want: BTreeMap<u8, u64> = e.classes.iter().copied().collect();
            assert_eq!(s.class_counts, want, "{}", e.file);
        }
    }

    #[test]
    fn notes_name_both_crs_records() {
        let h = read_header(&data("laspy/file_with_both_wkt_and_geotiff_vlrs.las")).expect("header");
        assert!(h.crs_notes[0].en.contains("EPSG:32104"), "{:?}", h.crs_notes);
        assert!(h.crs_notes[0].en.contains("using the WKT"), "{:?}", h.crs_notes);
    }

    #[test]
    fn reader_chunks_and_fields() {
        let path = data("laspy/simple.laz");
        let mut r = CloudReader::open(&path).expect("open");
        assert_eq!(r.header().point_count, 1065);
        let mut out = Vec::new();
        let mut sizes = Vec::new();
        loop {
            let n = r.next_chunk(400, &mut out).expect("chunk");
            assert_eq!(n, out.len());
            if n == 0 {
                break;
            }
            sizes.push(n);
            // PDRF 3 carries GPS time.
            assert!(out.iter().all(|p| p.gps_time.is_some()));
        }
        assert_eq!(sizes, vec![400, 400, 265]);
        assert_eq!(r.points_read(), 1065);
        // At the end it stays at the end.
        assert_eq!(r.next_chunk(400, &mut out).expect("end"), 0);
        assert!(out.is_empty());

        // Same points from the uncompressed twin, point for point.
        let mut a = CloudReader::open(&data("laspy/simple.las")).expect("las");
        let mut b = CloudReader::open(&path).expect("laz");
        let (mut pa, mut pb) = (Vec::new(), Vec::new());
        while a.next_chunk(333, &mut pa).expect("a") > 0 {
            assert_eq!(b.next_chunk(333, &mut pb).expect("b"), pa.len());
            assert_eq!(pa, pb);
        }

        // PDRF 1 (las-rs tile): GPS time, LAS 1.1; a point format without GPS time would give None.
        let mut c = CloudReader::open(&data("las-rs/32-1-472-150-76.laz")).expect("open");
        let n = c.next_chunk(0, &mut out).expect("chunk of at least one");
        assert_eq!(n, 1);
        assert!(out[0].gps_time.is_some());
    }

    #[test]
    fn wkt_authority_of_the_root_only() {
        // WKT as PROJ writes it, full of nested authorities.
        let projcs = gdal::spatial_ref::SpatialRef::from_epsg(32650).expect("srs").to_wkt().expect("wkt");
        assert_eq!(wkt_epsg(&projcs), Some(32650));
        // Nested authorities are not the root's.
        let cut = projcs.rfind(",AUTHORITY[").expect("root authority");
        let no_root = format!("{}]", &projcs[..cut]);
        assert_eq!(wkt_epsg(&no_root), None, "{no_root}");
        let gk = gdal::spatial_ref::SpatialRef::from_epsg(4526).expect("srs").to_wkt().expect("wkt");
        assert_eq!(wkt_epsg(&gk), Some(4526));
        // Garbage and unbalanced text.
        assert_eq!(wkt_epsg(""), None);
        assert_eq!(wkt_epsg("PROJCS[\"x\",AUTHORITY[\"EPSG\",\"1\"]"), None);
        assert_eq!(wkt_epsg("not wkt at all"), None);
        let deep = "A[".repeat(10_000);
        assert_eq!(wkt_epsg(&deep), None);
    }

    #[test]
    fn geotiff_keys() {
        fn dir(keys: &[[u16; 4]]) -> Vec<u8> {
            let mut w = vec![1u16, 1, 0, keys.len() as u16];
            for k in keys {
                w.extend_from_slice(k);
            }
            w.iter().flat_map(|v| v.to_le_bytes()).collect()
        }
        let epsg = |d: &[u8]| match geotiff_crs(d, None) {
            GeoTiffCrs::Epsg(c) => Some(c),
            _ => None,
        };
        assert_eq!(epsg(&dir(&[[1024, 0, 1, 1], [3072, 0, 1, 4547]])), Some(4547));
        assert_eq!(epsg(&dir(&[[1024, 0, 1, 2], [2048, 0, 1, 4490]])), Some(4490));
        // Projected model without a projected code: no EPSG from the geographic key alone.
        assert_eq!(epsg(&dir(&[[1024, 0, 1, 1], [2048, 0, 1, 4490]])), None);
        assert_eq!(epsg(&dir(&[[1024, 0, 1, 1], [3072, 0, 1, 32767]])), None);
        // Truncated: more keys declared than present.
        let mut d = dir(&[[3072, 0, 1, 4547]]);
        d.truncate(10);
        assert!(matches!(geotiff_crs(&d, None), GeoTiffCrs::Invalid(_)));
        assert!(matches!(geotiff_crs(&[1, 0], None), GeoTiffCrs::Invalid(_)));
    }

    /// A temporary copy of a test file, changed by `edit`.
    fn broken_copy(rel: &str, name: &str, edit: impl FnOnce(&mut Vec<u8>)) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut bytes = std::fs::read(data(rel)).expect("read");
        edit(&mut bytes);
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        (dir, p)
    }

    fn invalid_en(e: &Error) -> String {
        assert!(matches!(e, Error::Invalid(_)), "{e:?}");
        let p = &e.problems()[0];
        assert!(p.at.file.is_some(), "{e:?}");
        p.text.en.clone()
    }

    #[test]
    fn bad_signature() {
        let (_d, p) = broken_copy("laspy/simple.las", "bad.las", |b| b[..4].copy_from_slice(b"XYZW"));
        let e = read_header(&p).expect_err("bad signature");
        let en = invalid_en(&e);
        assert!(en.contains("not a LAS/LAZ file") && en.contains("XYZW"), "{en}");
        assert_eq!(e.problems()[0].at.file.as_deref(), Some(p.as_path()));
        assert!(CloudReader::open(&p).is_err());
        assert!(scan(&p, 100, |_, _| {}).is_err());
    }

    #[test]
    fn truncated_header() {
        for cut in [0usize, 3, 100, 226] {
            let (_d, p) = broken_copy("laspy/simple.las", "cut.las", |b| b.truncate(cut));
            let e = read_header(&p).expect_err("truncated");
            let en = invalid_en(&e);
            assert!(en.contains("truncated") || en.contains("not a LAS/LAZ"), "cut {cut}: {en}");
        }
        // Cut inside the VLRs of a 1.4 file.
        let (_d, p) = broken_copy("laspy/test1_4.las", "cut.las", |b| b.truncate(400));
        let en = invalid_en(&read_header(&p).expect_err("truncated VLR"));
        assert!(en.contains("truncated"), "{en}");
    }

    #[test]
    fn truncated_points() {
        // Uncompressed: caught at open from the sizes.
        let (_d, p) = broken_copy("laspy/simple.las", "short.las", |b| {
            let n = b.len() - 1000;
            b.truncate(n)
        });
        let en = invalid_en(&read_header(&p).expect_err("short"));
        assert!(en.contains("truncated file"), "{en}");

        // Compressed: caught while streaming (or at open, from the chunk table); never a panic.
        let (_d, p) = broken_copy("laspy/simple.laz", "short.laz", |b| {
            let n = b.len() / 2;
            b.truncate(n)
        });
        let res = scan(&p, 100, |_, _| {});
        let e = res.expect_err("short laz");
        invalid_en(&e);
    }

    #[test]
    fn corrupt_laz_points_do_not_panic() {
        // Overwrite the middle of the compressed point data with noise: an error or wrong
        // points, but no panic escapes.
        let (_d, p) = broken_copy("laspy/simple.laz", "noise.laz", |b| {
            let mid = b.len() / 2;
            let mut x: u32 = 12345;
            for v in &mut b[mid..mid + 2000] {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                *v = (x >> 16) as u8;
            }
        });
        if let Err(e) = scan(&p, 100, |_, _| {}) {
            invalid_en(&e);
        }
    }

    fn gk_points(n: usize) -> impl Iterator<Item = CloudPoint> {
        (0..n).map(|i| {
            let f = i as f64;
            CloudPoint {
                pos: [
                    38_500_000.0 + (f * 0.7371).rem_euclid(2500.0) + 0.0004 * (i % 3) as f64,
                    3_400_000.0 + (f * 0.013_3).rem_euclid(1800.0),
                    -350.0 + (f * 0.001_7).rem_euclid(400.0),
                ],
                class: (i % 20) as u8,
                intensity: (i % 65_536) as u16,
                gps_time: if i % 2 == 0 { Some(1.0e8 + f * 1e-4) } else { None },
            }
        })
    }

    #[test]
    fn round_trip_gauss_krueger_laz() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("gk.laz");
        let wkt = r#"PROJCS["CGCS2000 / 3-degree Gauss-Kruger zone 38",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",114],PARAMETER["scale_factor",1],PARAMETER["false_easting",38500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","4525"]]"#;
        const N: usize = 100_000;
        let written = write_cloud(&path, Some(wkt), 0.001, gk_points(N)).expect("write");
        assert_eq!(written, N as u64);
        // Only the file: no temporary left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("e").file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("gk.laz")]);

        let h = read_header(&path).expect("header");
        assert_eq!(h.point_count, N as u64);
        assert_eq!(h.version, "1.4");
        assert_eq!(h.point_format, WRITE_FORMAT);
        assert!(h.compressed);
        assert_eq!(h.crs.as_deref(), Some("EPSG:4525"));
        assert!(h.crs_notes.is_empty());
        // The WKT global-encoding bit (bit 4) and the WKT VLR.
        {
            let r = las::Reader::from_path(&path).expect("las");
            assert!(r.header().has_wkt_crs());
            let raw = las::raw::Header::read_from(File::open(&path).expect("f")).expect("raw");
            assert_ne!(raw.global_encoding & 16, 0);
            assert!(raw.x_offset.abs() > 1.0e7, "offset near the data: {}", raw.x_offset);
            assert_eq!(raw.x_scale_factor, 0.001);
        }

        let mut r = CloudReader::open(&path).expect("open");
        let mut want = gk_points(N);
        let mut got = Vec::new();
        let mut n = 0usize;
        let mut max_err: f64 = 0.0;
        while r.next_chunk(7_777, &mut got).expect("chunk") > 0 {
            for p in &got {
                let w = want.next().expect("more written than read");
                for k in 0..3 {
                    max_err = max_err.max((p.pos[k] - w.pos[k]).abs());
                }
                assert_eq!(p.class, w.class);
                assert_eq!(p.intensity, w.intensity);
                assert_eq!(p.gps_time, Some(w.gps_time.unwrap_or(0.0)));
                n += 1;
            }
        }
        assert_eq!(n, N);
        // Half the 1 mm quantum plus f64 rounding at 3.85e7 (ulp 7.5e-9); the brief asks for 1 mm.
        assert!(max_err <= 0.0005 + 1e-8, "max position error {max_err}");
        // The header's bounds enclose the data; `las` rounds them outwards, by up to one quantum.
        let s = scan(&path, 10_000, |_, _| {}).expect("scan");
        for k in 0..3 {
            let (lo, hi) = (h.bounds[k] - s.bounds[k], h.bounds[k + 3] - s.bounds[k + 3]);
            assert!((-0.001 - 1e-8..=1e-8).contains(&lo), "{:?} vs {:?}", s.bounds, h.bounds);
            assert!((-1e-8..=0.001 + 1e-8).contains(&hi), "{:?} vs {:?}", s.bounds, h.bounds);
        }
        assert_eq!(s.class_counts.len(), 20);
    }

    #[test]
    fn write_plain_las_without_crs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("plain.las");
        let pts = vec![
            CloudPoint { pos: [500_000.123, 3_400_000.456, 12.789], class: 2, intensity: 7, gps_time: None },
            CloudPoint { pos: [500_001.0, 3_400_001.0, -5.0], class: 255, intensity: 0, gps_time: Some(3.5) },
        ];
        assert_eq!(write_cloud(&path, None, 0.001, pts.clone()).expect("write"), 2);
        let h = read_header(&path).expect("header");
        assert!(!h.compressed);
        assert_eq!(h.crs, None);
        let mut r = CloudReader::open(&path).expect("open");
        let mut got = Vec::new();
        assert_eq!(r.next_chunk(10, &mut got).expect("chunk"), 2);
        assert_eq!(got[1].class, 255);
        for (a, b) in got.iter().zip(&pts) {
            for k in 0..3 {
                assert!((a.pos[k] - b.pos[k]).abs() < 1e-9);
            }
        }
        // Empty clouds are fine too.
        let empty = dir.path().join("empty.laz");
        assert_eq!(write_cloud(&empty, None, 0.001, std::iter::empty()).expect("empty"), 0);
        assert_eq!(read_header(&empty).expect("header").point_count, 0);
        assert_eq!(scan(&empty, 10, |_, _| {}).expect("scan"), CloudStats::default());
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("far.laz");
        // The second point is 3000 km from the first: out of i32 range at 1 mm.
        let pts = [
            CloudPoint { pos: [500_000.0, 3_400_000.0, 0.0], class: 1, intensity: 0, gps_time: None },
            CloudPoint { pos: [3_500_000.0, 3_400_000.0, 0.0], class: 1, intensity: 0, gps_time: None },
        ];
        let e = write_cloud(&path, None, 0.001, pts).expect_err("too far");
        assert!(invalid_en(&e).contains("point 1"), "{e}");
        let nan = [CloudPoint { pos: [f64::NAN, 0.0, 0.0], class: 1, intensity: 0, gps_time: None }];
        assert!(write_cloud(&path, None, 0.001, nan).is_err());
        assert!(write_cloud(&path, None, 0.0, std::iter::empty()).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "nothing left behind");
    }

    #[test]
    fn missing_file() {
        let e = read_header(Path::new("/nonexistent/x.laz")).expect_err("missing");
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("/nonexistent/x.laz"), "{e}");
    }
}
