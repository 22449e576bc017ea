//! `minehaz derive SURVEY --out derived.gpkg`: the derived lines and pillars for QGIS, taken
//! from the mine's assessment.

use minehaz_core::i18n::tr;
use minehaz_core::io::crs::Crs;
use minehaz_core::rules::{derived, Assessment};
use minehaz_core::Location;
use std::path::Path;

pub fn run(path: &Path, out: &Path, force: bool) -> anyhow::Result<u8> {
    super::guard_output(out, path, force, &["gpkg", "dxf"])?;
    let survey = super::open(path)?;
    super::print_warnings(&survey.warnings);
    let crs = Crs::parse(&survey.meta.mine.crs, &Location::default())?;
    // The lines do not depend on the date; the cover is as the survey stands.
    let a = Assessment::without_slopes(survey, chrono::Local::now().date_naive())?;
    if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("dxf")) {
        return super::export::write(&super::export::derived_layers(&a), out);
    }
    let layers = derived::layers(&a);
    minehaz_core::io::store::write_derived(&layers, &crs, out)?;
    println!("{} {}:", tr("已写入", "Wrote"), out.display());
    for l in &layers {
        println!("  {:<20} {}", l.name, l.records.len());
    }
    Ok(0)
}
