//! Import one layer from any GDAL vector source (DXF, GeoJSON, Shapefile, GeoPackage …) into a
//! project store as a layer kind, keeping Z, with field mapping, validation and an audit row.

use super::crs::Crs;
use super::gdal_vector;
use super::package::{reproject, type_layers, Sources};
use crate::error::{Location, Problem, Problems, Result};
use crate::model::record::{Record, Value};
use crate::model::{LayerKind, LayerVisitor, Layers};
use crate::text;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// What to import and how.
#[derive(Debug, Clone, Default)]
pub struct LayerImport {
    /// Source layer name (default: the first layer).
    pub source_layer: Option<String>,
    /// CRS of the source when it declares none (or to override it).
    pub source_crs: Option<String>,
    /// target field ← source field.
    pub map: Vec<(String, String)>,
    /// target field = constant text.
    pub set: Vec<(String, String)>,
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct LayerImported {
    pub count: usize,
    pub warnings: Vec<Problem>,
    pub audit: super::audit::Entry,
}

/// Import `source` as layer `kind` into the project store `store`.
pub fn import_layer(
    source: &Path,
    kind: &str,
    store: &Path,
    opts: &LayerImport,
    who: &str,
    when: &str,
) -> Result<LayerImported> {
    if !Layers::NAMES.contains(&kind) {
        return Err(crate::Error::at(
            Location::default().field("kind"),
            text!(
                "未知图层类型 \"{}\"（可用: {}）",
                "unknown layer kind \"{}\" (known: {})",
                kind,
                Layers::NAMES.join(", ")
            ),
        ));
    }
    let target = super::store::read_store(store)?;
    let mine = Crs::parse(&target.meta.mine.crs, &Location::file(store))?;
    let ds = gdal_vector::open_vector(source)?;
    let names = gdal_vector::layer_names(&ds);
    let layer = match &opts.source_layer {
        Some(l) if names.contains(l) => l.clone(),
        Some(l) => {
            return Err(crate::Error::at(
                Location::file(source).layer(l),
                text!("源数据没有此图层（有: {}）", "the source has no such layer (it has: {})", names.join(", ")),
            ))
        }
        None => names.first().cloned().ok_or_else(|| {
            crate::Error::at(Location::file(source), text!("源数据没有图层", "the source has no layers"))
        })?,
    };
    let mut ps = Problems::default();
    let mut src = gdal_vector::read_layer(&ds, &layer, source, &mut ps)?;
    if let Some(c) = &opts.source_crs {
        src.crs = Some(Crs::parse(c, &Location::default().field("source-crs"))?);
    }
    let stem = source.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    for r in &mut src.records {
        remap(r, opts, &stem);
    }
    src.name = kind.to_string();
    reproject(&mut src, source, &mine, &mut ps)?;
    let mut sources: Sources = BTreeMap::new();
    sources.insert(kind.to_string(), (source.to_path_buf(), src));
    let layers = type_layers(sources, &mut ps, false);
    // Validated as part of the mine: its CRS and licence frame the plausibility check.
    let mut check_layers = layers.clone();
    if kind != "licence" {
        check_layers.licence = target.layers.licence.clone();
    }
    let survey = crate::model::Survey {
        meta: target.meta.clone(),
        layers: check_layers,
        layer_files: [(kind.to_string(), source.to_path_buf()), ("licence".to_string(), store.to_path_buf())]
            .into_iter()
            .collect(),
        ..Default::default()
    };
    crate::validate::validate(&survey, &mut ps);
    // Ids must stay unique in the store.
    struct Ids<'a>(&'a str, HashSet<String>);
    impl LayerVisitor for Ids<'_> {
        fn visit<K: LayerKind>(&mut self, items: &[K]) {
            if K::NAME == self.0 {
                self.1.extend(items.iter().map(|f| f.id().to_string()));
            }
        }
    }
    let mut existing = Ids(kind, HashSet::new());
    target.layers.visit(&mut existing);
    struct Out<'a> {
        kind: &'a str,
        existing: &'a HashSet<String>,
        source: &'a Path,
        ps: &'a mut Problems,
        records: Vec<Record>,
    }
    impl LayerVisitor for Out<'_> {
        fn visit<K: LayerKind>(&mut self, items: &[K]) {
            if K::NAME != self.kind {
                return;
            }
            for f in items {
                if self.existing.contains(f.id()) {
                    self.ps.error(
                        Location::file(self.source).layer(K::NAME).feature(f.id()).field("id"),
                        text!("工程文件中已有此编号", "the store already has this id"),
                    );
                }
                self.records.push(f.write());
            }
        }
    }
    let mut out = Out { kind, existing: &existing.1, source, ps: &mut ps, records: Vec::new() };
    layers.visit(&mut out);
    let records = out.records;
    let warnings = ps.into_result()?;
    let detail = format!(
        "{{\"source\":{:?},\"layer\":{:?},\"features\":{}}}",
        source.display().to_string(),
        layer,
        records.len()
    );
    let audit = super::store::append_features(store, kind, &records, who, when, &detail)?;
    Ok(LayerImported { count: records.len(), warnings, audit })
}

fn remap(r: &mut Record, opts: &LayerImport, stem: &str) {
    for (target, from) in &opts.map {
        let v =
            r.attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(from)).map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        r.attrs.retain(|(k, _)| !k.eq_ignore_ascii_case(target));
        r.attrs.push((target.clone(), v));
    }
    for (target, v) in &opts.set {
        r.attrs.retain(|(k, _)| !k.eq_ignore_ascii_case(target));
        r.attrs.push((target.clone(), Value::Text(v.clone())));
    }
    // Without an id field: the DXF entity handle where there is one, else "<file>-<n>".
    if !r.attrs.iter().any(|(k, _)| k.eq_ignore_ascii_case("id")) {
        let id = r
            .attrs
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case("EntityHandle") && !v.is_null())
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| Value::Text(format!("{stem}-{}", r.index)));
        r.attrs.push(("id".into(), id));
    }
}
