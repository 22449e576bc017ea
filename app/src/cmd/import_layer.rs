//! `minehaz import-layer SOURCE --kind KIND --into STORE`: one layer from any GDAL source.

use minehaz_core::i18n::tr;
use minehaz_core::io::layer_import::{import_layer, LayerImport};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// 源数据 (DXF, GeoJSON, Shapefile, GPKG …) / source dataset
    pub source: PathBuf,
    /// 目标图层类型 (goaf, workings, faults …) / target layer kind
    #[arg(long)]
    pub kind: String,
    /// 目标工程文件 / target project store (.gpkg)
    #[arg(long)]
    pub into: PathBuf,
    /// 源图层名（默认第一个）/ source layer (default: the first)
    #[arg(long)]
    pub source_layer: Option<String>,
    /// 源坐标系（源数据未声明时）/ source CRS when the source declares none (e.g. EPSG:4547)
    #[arg(long)]
    pub source_crs: Option<String>,
    /// 字段映射 目标=源 / field mapping target=source (repeatable), e.g. id=EntityHandle
    #[arg(long = "map", value_name = "FIELD=SOURCE")]
    pub map: Vec<String>,
    /// 为每个要素设置字段 / set a field on every feature (repeatable), e.g. status=existing
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// OGR SQL 属性筛选 / OGR SQL attribute filter, e.g. "Layer = '巷道'"
    #[arg(long = "where", value_name = "SQL")]
    pub filter: Option<String>,
    /// 只导入这些 DXF 图层（可重复）/ only entities of this DXF layer (repeatable)
    #[arg(long = "dxf-layer", value_name = "NAME")]
    pub dxf_layer: Vec<String>,
    /// 由 DXF 句柄生成编号时的前缀（默认文件名）/ prefix of ids made from DXF handles (default: file name)
    #[arg(long)]
    pub id_prefix: Option<String>,
    #[arg(long)]
    pub author: Option<String>,
}

fn pairs(v: &[String], what: &str) -> anyhow::Result<Vec<(String, String)>> {
    v.iter()
        .map(|s| {
            s.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .ok_or_else(|| anyhow::anyhow!("{what} {s:?}: {}", tr("应为 字段=值", "expected FIELD=VALUE")))
        })
        .collect()
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    let opts = LayerImport {
        source_layer: a.source_layer.clone(),
        source_crs: a.source_crs.clone(),
        map: pairs(&a.map, "--map")?,
        set: pairs(&a.set, "--set")?,
        filter: a.filter.clone(),
        dxf_layers: a.dxf_layer.clone(),
        id_prefix: a.id_prefix.clone(),
    };
    let who = super::author(a.author.clone());
    let r = import_layer(&a.source, &a.kind, &a.into, &opts, &who, &super::now())?;
    super::print_warnings(&r.warnings);
    println!(
        "{} {} {} → {} ({} #{})",
        tr("已导入", "Imported"),
        r.count,
        tr("个要素", "features"),
        a.into.display(),
        tr("审计记录", "audit row"),
        r.audit.seq
    );
    Ok(0)
}
