//! Readers and writers at the edge: survey packages (folders), the GeoPackage project store,
//! single GDAL layers (DXF …), CSV tables, GeoTIFF grids, LAS/LAZ point clouds, CRS through PROJ.
//! Nothing past this module sees a `gdal::`, `proj::`, `shapefile::` or `las::` type.

pub mod audit;
pub mod crs;
pub mod csv_tables;
pub mod dxf;
pub mod edit;
pub mod gdal_vector;
pub mod grid;
pub mod layer_import;
pub mod ledger_store;
pub mod live_store;
pub mod monitoring_csv;
mod mutants;
pub mod output;
pub mod package;
pub mod pointcloud;
pub mod seal;
pub mod shp;
pub mod store;
pub mod styles;

use crate::error::{Location, Result};
use crate::model::Survey;
use crate::text;
use std::path::Path;

/// Open a survey from a survey folder or a project GeoPackage (`.gpkg`), interchangeably.
pub fn open(path: &Path) -> Result<Survey> {
    if path.is_dir() {
        package::read_package(path)
    } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gpkg")) {
        if !path.exists() {
            return Err(crate::Error::io(path, std::io::Error::from(std::io::ErrorKind::NotFound)));
        }
        store::read_store(path)
    } else if !path.exists() {
        Err(crate::Error::io(path, std::io::Error::from(std::io::ErrorKind::NotFound)))
    } else {
        Err(crate::Error::at(
            Location::file(path),
            text!("不是调查数据包目录或 .gpkg 工程文件", "neither a survey folder nor a .gpkg project file"),
        ))
    }
}

use crate::error::Problems;
use crate::model::record::{Geom, Record, Value};

/// Push one source feature as records: one per geometry part. A multi-part feature is split
/// into `id#1`, `id#2` … with a warning, since every layer kind is single-part.
pub(crate) fn push_feature(
    records: &mut Vec<Record>,
    index: u64,
    attrs: Vec<(String, Value)>,
    mut parts: Vec<Geom>,
    at: &Location,
    ps: &mut Problems,
) {
    if parts.len() <= 1 {
        records.push(Record { index, geom: parts.pop(), attrs });
        return;
    }
    let id_text = attrs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("id"))
        .and_then(|(_, v)| match v {
            Value::Text(s) => Some(s.trim().to_string()),
            Value::Int(i) => Some(i.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| format!("#{index}"));
    ps.warning(
        at.clone().feature(&id_text),
        text!(
            "多部件要素拆分为 {} 个要素 ({}#1 …)",
            "multi-part feature split into {} features ({}#1 …)",
            parts.len(),
            id_text
        ),
    );
    for (k, g) in parts.into_iter().enumerate() {
        let part_id = Value::Text(format!("{id_text}#{}", k + 1));
        let mut a: Vec<(String, Value)> =
            attrs.iter().filter(|(key, _)| !key.eq_ignore_ascii_case("id")).cloned().collect();
        a.insert(0, ("id".into(), part_id));
        records.push(Record { index, geom: Some(g), attrs: a });
    }
}

/// Write `out` all or nothing: `write` gets a fresh path beside `out` (with `out`'s extension,
/// not yet existing, so GDAL can create it), which is renamed onto `out` only when `write`
/// succeeds; a failure leaves no partial file and an existing `out` untouched.
pub fn write_atomically<T>(
    out: &Path,
    write: impl FnOnce(&Path) -> crate::error::Result<T>,
) -> crate::error::Result<T> {
    let (dir, prefix) = temp_prefix(out);
    let ext = out.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    let tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(&format!(".tmp{ext}"))
        .tempfile_in(dir)
        .map_err(|e| crate::Error::io(dir, e))?;
    let path = tmp.path().to_path_buf();
    // The guard still removes whatever `write` leaves there on an early return.
    std::fs::remove_file(&path).map_err(|e| crate::Error::io(&path, e))?;
    let value = write(&path)?;
    tmp.persist(out).map_err(|e| crate::Error::io(out, e.error))?;
    make_readable(out)?;
    Ok(value)
}

/// Where [`write_atomically`] puts its temporary file for `out`: the folder, and the name
/// prefix `.{file name}.` (then a random part and `.tmp{.ext}`).
pub fn temp_prefix(out: &Path) -> (&Path, String) {
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = out.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    (dir, format!(".{name}."))
}

/// Give a file written through a temporary file the usual permissions (rw-r--r--): temporary
/// files are created private (0600) and keep that mode when renamed into place.
pub(crate) fn make_readable(path: &Path) -> crate::error::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
            .map_err(|e| crate::Error::io(path, e))?;
    }
    Ok(())
}
