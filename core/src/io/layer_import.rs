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
    /// An OGR SQL attribute filter on the source (`--where "Layer = '巷道'"`).
    pub filter: Option<String>,
    /// Only entities of these DXF layers (`--dxf-layer`, repeatable).
    pub dxf_layers: Vec<String>,
    /// Prefix of ids made from DXF entity handles (default: the file name), so that two
    /// drawings' handles (which restart in every file) do not collide.
    pub id_prefix: Option<String>,
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct LayerImported {
    pub count: usize,
    pub warnings: Vec<Problem>,
    pub audit: super::audit::Entry,
}

/// The feature ids (0-based record numbers) of a shapefile that an OGR SQL filter selects, with
/// the table opened in the text encoding minehaz decoded it with.
fn shapefile_fids(
    source: &Path,
    layer: &str,
    filter: &str,
    encoding: &super::shp::TextEncoding,
) -> Result<std::collections::HashSet<u64>> {
    use gdal::vector::LayerAccess;
    let name = match encoding {
        super::shp::TextEncoding::Declared(e) => e.clone(),
        super::shp::TextEncoding::Utf8 => "UTF-8".into(),
        super::shp::TextEncoding::Gbk => "CP936".into(),
    };
    let opt = format!("ENCODING={name}");
    let ds = gdal::Dataset::open_ex(
        source,
        gdal::DatasetOptions {
            open_flags: gdal::GdalOpenFlags::GDAL_OF_VECTOR,
            open_options: Some(&[opt.as_str()]),
            ..Default::default()
        },
    )
    .map_err(|e| crate::Error::at(Location::file(source), text!("无法打开: {}", "cannot open: {}", e)))?;
    let mut l = ds.layer_by_name(layer).map_err(|e| {
        crate::Error::at(Location::file(source).layer(layer), text!("图层无法读取: {}", "layer cannot be read: {}", e))
    })?;
    l.set_attribute_filter(filter).map_err(|e| {
        crate::Error::at(
            Location::file(source).layer(layer).field("--where"),
            text!("筛选条件无效 \"{}\": {}", "invalid filter \"{}\": {}", filter, e),
        )
    })?;
    Ok(l.features().filter_map(|f| f.fid()).collect())
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
    // Only what the import needs of the store: its survey.toml, the licence (the frame of the
    // plausibility check) and the layer the features go into (their ids must stay unique).
    let (target_meta, target_layers) = super::store::read_layers(store, &["licence", kind], None)?;
    let mine = Crs::parse(&target_meta.mine.crs, &Location::file(store))?;
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
    let q = |v: &str| format!("'{}'", v.replace('\'', "''"));
    let by_layer = (!opts.dxf_layers.is_empty())
        .then(|| format!("\"Layer\" IN ({})", opts.dxf_layers.iter().map(|l| q(l)).collect::<Vec<_>>().join(", ")));
    let filter = match (by_layer, &opts.filter) {
        (Some(a), Some(b)) => Some(format!("({a}) AND ({b})")),
        (a, b) => a.or_else(|| b.clone()),
    };
    let is_shp = source.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp"));
    let mut src = if is_shp {
        // The same decoder as a survey package's shapefiles (.cpg, else UTF-8, else GBK), not
        // GDAL's ISO-8859-1 default, which turns a GBK table without .cpg into mojibake.
        let (mut src, encoding) = super::shp::read_shapefile(source, &layer, &mut ps)?;
        if let Some(f) = &filter {
            // The filter runs in GDAL on the table decoded the same way (a Chinese value in
            // `--where` must match the Chinese text), and selects among the decoded records.
            let keep = shapefile_fids(source, &layer, f, &encoding)?;
            src.records.retain(|r| r.index.checked_sub(1).is_some_and(|i| keep.contains(&i)));
        }
        src
    } else {
        gdal_vector::read_layer_where(&ds, &layer, filter.as_deref(), source, &mut ps)?
    };
    if src.records.is_empty() && filter.is_some() {
        return Err(crate::Error::at(
            Location::file(source).layer(&layer).field("--where"),
            text!("筛选后没有要素: {}", "no feature matches the filter: {}", filter.clone().unwrap_or_default()),
        ));
    }
    if let Some(c) = &opts.source_crs {
        src.crs = Some(Crs::parse(c, &Location::default().field("source-crs"))?);
    }
    // A CAD drawing's text (TEXT/MTEXT: points with a Text value) is annotation, not features
    // of a line or polygon kind: skipped, and said so.
    if kind_geometry(kind) != Some(crate::model::record::GeomType::PointZ) {
        let before = src.records.len();
        src.records.retain(|r| {
            !(matches!(r.geom, Some(crate::model::record::Geom::Point { .. }))
                && r.attrs.iter().any(|(k, v)| k.eq_ignore_ascii_case("Text") && !v.is_null()))
        });
        let skipped = before - src.records.len();
        if skipped > 0 {
            ps.warning(
                Location::file(source).layer(&layer),
                text!("跳过 {} 个文字注记（TEXT/MTEXT）", "skipped {} text annotations (TEXT/MTEXT)", skipped),
            );
        }
    }
    let stem = source.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let prefix = opts.id_prefix.clone().unwrap_or_else(|| stem.clone());
    let polygon_kind = kind_geometry(kind) == Some(crate::model::record::GeomType::Polygon);
    for r in &mut src.records {
        remap(r, opts, &stem, &prefix);
        if polygon_kind {
            close_to_polygon(r);
        }
    }
    src.name = kind.to_string();
    reproject(&mut src, source, &mine, &target_meta.crs, &mut ps)?;
    let mut sources: Sources = BTreeMap::new();
    sources.insert(kind.to_string(), (source.to_path_buf(), src));
    let layers = type_layers(sources, &mut ps, false);
    // Validated as part of the mine: its CRS and licence frame the plausibility check.
    let mut check_layers = layers.clone();
    if kind != "licence" {
        check_layers.licence = target_layers.licence.clone();
    }
    let survey = crate::model::Survey {
        meta: target_meta.clone(),
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
    target_layers.visit(&mut existing);
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

/// The geometry type of a layer kind.
fn kind_geometry(kind: &str) -> Option<crate::model::record::GeomType> {
    Layers::GEOMETRIES.iter().find(|(n, _)| *n == kind).map(|(_, g)| *g)
}

/// A closed line (a CAD outline: closed LWPOLYLINE) becomes a polygon for polygon kinds.
fn close_to_polygon(r: &mut Record) {
    use crate::model::record::Geom;
    if let Some(Geom::Line { coords, .. }) = &r.geom {
        if coords.len() >= 4 && coords.first().map(|c| [c[0], c[1]]) == coords.last().map(|c| [c[0], c[1]]) {
            let ring = geo_types::LineString(coords.iter().map(|c| geo_types::coord! { x: c[0], y: c[1] }).collect());
            r.geom = Some(Geom::Polygon(geo_types::Polygon::new(ring, Vec::new())));
        }
    }
}

fn remap(r: &mut Record, opts: &LayerImport, stem: &str, prefix: &str) {
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
    // Without an id field: "<prefix>:<DXF entity handle>" where there is one, else "<file>-<n>".
    if !r.attrs.iter().any(|(k, _)| k.eq_ignore_ascii_case("id")) {
        let id = r
            .attrs
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case("EntityHandle") && !v.is_null())
            .map(|(_, v)| match v {
                Value::Text(h) => Value::Text(format!("{prefix}:{h}")),
                other => other.clone(),
            })
            .unwrap_or_else(|| Value::Text(format!("{stem}-{}", r.index)));
        r.attrs.push(("id".into(), id));
    }
}
