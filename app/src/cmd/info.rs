//! `minehaz info SURVEY`: layers, counts, bounds, CRS, validation warnings.

use crate::Format;
use minehaz_core::i18n::{lang, tr, Lang};
use minehaz_core::io;
use std::path::Path;

fn fmt_bounds(b: &Option<[f64; 6]>) -> String {
    match b {
        None => "-".into(),
        Some(b) if b[2].is_nan() => format!("x {:.1}..{:.1}  y {:.1}..{:.1}", b[0], b[3], b[1], b[4]),
        Some(b) => format!("x {:.1}..{:.1}  y {:.1}..{:.1}  z {:.1}..{:.1}", b[0], b[3], b[1], b[4], b[2], b[5]),
    }
}

fn kind_name(k: minehaz_core::model::meta::MineKind) -> &'static str {
    use minehaz_core::model::meta::MineKind::*;
    match k {
        UndergroundCoal => tr("井工煤矿", "underground coal"),
        UndergroundMetal => tr("井工金属矿", "underground metal"),
        OpenPit => tr("露天矿", "open pit"),
    }
}

/// Bounds [min x, min y, min z, max x, max y, max z] of points (None when there are none);
/// non-finite coordinates are left out.
fn bounds_of(points: impl Iterator<Item = [f64; 3]>) -> Option<[f64; 6]> {
    let mut b = [f64::INFINITY, f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for p in points {
        for k in 0..3 {
            if p[k].is_finite() {
                b[k] = b[k].min(p[k]);
                b[k + 3] = b[k + 3].max(p[k]);
            }
        }
    }
    b[0].is_finite().then_some(b)
}

pub fn run(path: &Path, format: Format) -> anyhow::Result<u8> {
    if !path.is_dir() {
        if let Some(damage) = io::store::integrity(path, true)? {
            return Err(minehaz_core::Error::at(
                minehaz_core::Location::file(path),
                minehaz_core::text!(
                    "工程文件已损坏（SQLite 快速检查）: {}",
                    "the store is damaged (SQLite quick check): {}",
                    damage
                ),
            )
            .into());
        }
    }
    let s = super::open(path)?;
    // The parameters are validated here as `check` validates them: one rule, everywhere.
    minehaz_core::rules::survey_params(&s)?;
    let layers = s.layers.summaries();
    let borehole_bounds = bounds_of(s.boreholes.iter().map(|b| [b.collar.x, b.collar.y, b.collar.z]));
    let fix_bounds = bounds_of(s.positioning.iter().map(|f| f.pos));
    if format == Format::Json {
        let clouds: Vec<_> = s
            .point_clouds
            .iter()
            .map(|p| serde_json::json!({"epoch": p.epoch, "path": p.path, "point_count": p.header.point_count, "bounds": p.header.bounds, "crs": p.header.crs}))
            .collect();
        let grids: Vec<_> = s
            .grids
            .iter()
            .map(|g| serde_json::json!({"name": g.name, "width": g.width, "height": g.height, "bounds": g.bounds(), "value_range": g.value_range(), "meta": g.meta}))
            .collect();
        let out = serde_json::json!({
            "mine": {"id": s.meta.mine.id, "name": s.meta.mine.name, "kind": s.meta.mine.kind, "crs": s.meta.mine.crs},
            "licence": s.meta.licence,
            "layers": layers,
            "boreholes": {"count": s.boreholes.len(), "stations": s.boreholes.iter().map(|b| b.stations.len()).sum::<usize>(), "intervals": s.boreholes.iter().map(|b| b.intervals.len()).sum::<usize>(), "bounds": borehole_bounds},
            "grids": grids,
            "pointclouds": clouds,
            "positioning": {"count": s.positioning.len(), "bounds": fix_bounds},
            "warnings": super::warnings_json(&s.warnings),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(0);
    }
    let m = &s.meta.mine;
    println!("{} {} ({})", tr("矿井", "Mine"), m.name, m.id);
    println!("  {}: {}   {}: {}", tr("类型", "kind"), kind_name(m.kind), tr("坐标系", "CRS"), m.crs);
    let l = &s.meta.licence;
    println!(
        "  {}: z {} .. {} m, {} {:?}, {} {}",
        tr("许可开采标高", "licensed levels"),
        l.z_bottom.map_or("-".into(), |v| v.to_string()),
        l.z_top.map_or("-".into(), |v| v.to_string()),
        tr("煤层", "seams"),
        l.seams,
        tr("有效期至", "valid until"),
        l.valid_until.clone().unwrap_or_else(|| "-".into())
    );
    println!("{}", tr("图层", "Layers"));
    for ls in &layers {
        let name = if lang() == Lang::Zh { format!("{} {}", ls.name, ls.name_zh) } else { ls.name.to_string() };
        println!("  {} {:>6}   {}", super::pad(&name, 34), ls.count, fmt_bounds(&ls.bounds));
    }
    println!(
        "{}: {} ({} {}, {} {})   {}",
        tr("钻孔", "Boreholes"),
        s.boreholes.len(),
        s.boreholes.iter().map(|b| b.stations.len()).sum::<usize>(),
        tr("测斜点", "survey stations"),
        s.boreholes.iter().map(|b| b.intervals.len()).sum::<usize>(),
        tr("区间", "intervals"),
        fmt_bounds(&borehole_bounds)
    );
    for g in &s.grids {
        let (lo, hi) = g.value_range().unwrap_or((f32::NAN, f32::NAN));
        println!(
            "{} {}: {}×{}, {} {:.1}..{:.1} {}",
            tr("物探网格", "Grid"),
            g.name,
            g.width,
            g.height,
            tr("值域", "values"),
            lo,
            hi,
            g.meta.unit.clone().unwrap_or_default()
        );
    }
    for p in &s.point_clouds {
        let b = p.header.bounds;
        println!(
            "{} {}: {} {}, x {:.1}..{:.1} y {:.1}..{:.1} z {:.1}..{:.1}",
            tr("点云", "Point cloud"),
            p.epoch,
            p.header.point_count,
            tr("点", "points"),
            b[0],
            b[3],
            b[1],
            b[4],
            b[2],
            b[5]
        );
    }
    println!("{}: {}   {}", tr("人员定位记录", "Positioning fixes"), s.positioning.len(), fmt_bounds(&fix_bounds));
    if s.warnings.is_empty() {
        println!("{}", tr("校验：无问题", "Validation: no problems"));
    } else {
        println!("{} ({}):", tr("校验警告", "Validation warnings"), s.warnings.len());
        for w in &s.warnings {
            println!("  {w}");
        }
    }
    Ok(0)
}
