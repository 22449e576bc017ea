//! `minehaz derive SURVEY --out derived.gpkg`: the derived lines and pillars for QGIS.

use minehaz_core::i18n::tr;
use minehaz_core::io::crs::Crs;
use minehaz_core::rules::{derive, Ctx, Params};
use minehaz_core::{Location, Problem};
use std::path::Path;

pub fn run(path: &Path, out: &Path) -> anyhow::Result<u8> {
    let survey = minehaz_core::io::open(path)?;
    super::print_warnings(&survey.warnings);
    let mut ps = minehaz_core::error::Problems::default();
    let (params, _) =
        Params::with_overrides(&survey.meta.parameters, &Location::file("survey.toml").layer("parameters"), &mut ps);
    let _: Vec<Problem> = ps.into_result()?;
    let ctx = Ctx::new(&survey, &params, chrono::Local::now().date_naive());
    let layers = derive::derive(&ctx);
    let crs = Crs::parse(&survey.meta.mine.crs, &Location::default())?;
    minehaz_core::io::store::write_derived(&layers, &crs, out)?;
    println!("{} {}:", tr("已写入", "Wrote"), out.display());
    for l in &layers {
        println!("  {:<20} {}", l.name, l.records.len());
    }
    Ok(0)
}
