//! `minehaz import-layer SOURCE --kind KIND --into STORE`: one layer from any GDAL source.

use minehaz_core::i18n::tr;
use minehaz_core::io::layer_import::{import_layer, LayerImport};
use std::path::PathBuf;

pub struct Args {
    pub source: PathBuf,
    pub kind: String,
    pub into: PathBuf,
    pub source_layer: Option<String>,
    pub source_crs: Option<String>,
    pub map: Vec<String>,
    pub set: Vec<String>,
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
