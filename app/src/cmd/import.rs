//! `minehaz import SURVEY --out mine.gpkg`: validate everything, stream-check point clouds
//! against their headers (with a progress bar), then write the project store atomically.

use minehaz_core::i18n::tr;
use minehaz_core::{io, text};
use std::path::Path;

pub fn run(path: &Path, out: &Path, author: Option<String>, force: bool) -> anyhow::Result<u8> {
    super::output_folder(out)?;
    let survey = super::open(path)?;
    // The parameters are validated here as `check` validates them: one rule, everywhere.
    minehaz_core::rules::survey_params(&survey)?;
    super::print_warnings(&survey.warnings);
    for pc in &survey.point_clouds {
        let total = pc.header.point_count;
        let bar = super::bar("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta})");
        bar.set_length(total);
        bar.set_message(format!("{} {}", tr("校验点云", "checking point cloud"), pc.epoch));
        let stats = io::pointcloud::scan(&pc.path, 200_000, |done, _| bar.set_position(done))?;
        bar.finish_and_clear();
        if stats.count != total {
            return Err(minehaz_core::Error::at(
                minehaz_core::Location::file(&pc.path),
                text!(
                    "文件头声明 {} 点，实际读到 {} 点",
                    "the header declares {} points but {} were read",
                    total,
                    stats.count
                ),
            )
            .into());
        }
    }
    let who = super::author(author);
    // A bar of the store's steps: each layer, the tables, the audit, each grid.
    let summary = super::step_parts("写入工程文件", "writing the project store", |progress| {
        io::store::write_store_with(&survey, out, &who, &super::now(), force, progress)
    })?;
    let n: usize = survey.layers.counts().iter().map(|(_, c)| c).sum();
    println!(
        "{} {}: {} {}, {} {}, {} {}, {} {}, {} {}",
        tr("已写入", "Wrote"),
        out.display(),
        n,
        tr("个要素", "features"),
        survey.boreholes.len(),
        tr("个钻孔", "boreholes"),
        survey.grids.len(),
        tr("个网格", "grids"),
        survey.point_clouds.len(),
        tr("期点云", "point-cloud epochs"),
        survey.positioning.len(),
        tr("条定位记录", "positioning fixes")
    );
    println!("{} #{} {} ({})", tr("审计记录", "audit row"), summary.audit.seq, &summary.audit.hash[..16], who);
    Ok(0)
}
