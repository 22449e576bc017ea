//! `minehaz slope SURVEY [--format text|json] [--as-of DATE] [--out slope.gpkg]`: benches
//! measured from the LiDAR epochs per slope-design sector, the difference of the two latest
//! epochs with cut and fill, and the monitoring points (SLOPES.md). Exit 0 without major slope
//! findings, 1 with, 2 when the input cannot be read.

use crate::Format;
use minehaz_core::i18n::{lang, tr};
use minehaz_core::io::crs::Crs;
use minehaz_core::rules::{self, Assessment, Severity};
use minehaz_core::slope::{self, output::SlopeRun};
use minehaz_core::Location;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// 调查数据包目录或 .gpkg 工程文件 / survey folder or .gpkg store
    pub survey: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// 检查日期 YYYY-MM-DD（默认今天；只用此日及以前的点云与读数）/ as-of date (default today; epochs and readings up to it)
    #[arg(long)]
    pub as_of: Option<String>,
    /// 写出 GeoPackage：各期 DEM、差值、剖面、台阶线、方量 / write a GeoPackage: DEMs, difference, profiles, bench lines, volumes
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 覆盖已存在的 --out 文件 / replace an existing --out file
    #[arg(long)]
    pub force: bool,
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.map_or("—".into(), |v| format!("{v:.digits$}"))
}

fn text(r: &SlopeRun, a: &Assessment, findings: &[&rules::Finding]) -> String {
    let s = a.survey();
    let mut o = String::new();
    o.push_str(&format!(
        "{} {} ({})  {} {}\n",
        tr("矿山", "Mine"),
        s.meta.mine.name,
        s.meta.mine.id,
        tr("检查日期", "as of"),
        r.as_of
    ));
    o.push_str(&format!("\n{}\n", tr("点云各期（数字高程模型）", "Point-cloud epochs (DEMs)")));
    if r.epochs.is_empty() {
        o.push_str(&format!(
            "  {}\n",
            tr("无（检查日期前没有带日期的点云）", "none (no dated point cloud up to the as-of date)")
        ));
    }
    for (e, d) in &r.epochs {
        o.push_str(&format!(
            "  {e}  {} {}  {} {} × {} × {} m  {} {} / {} {}\n",
            d.points_used,
            match d.selection {
                slope::dem::PointSelection::Ground => tr("地面点", "ground points"),
                slope::dem::PointSelection::AllButNoise =>
                    tr("点（无地面分类，去噪）", "points (no ground class; noise removed)"),
            },
            tr("格网", "grid"),
            d.nx,
            d.ny,
            d.cell,
            tr("实测格", "cells measured"),
            d.cells_measured,
            tr("插补格", "filled"),
            d.cells_filled
        ));
    }
    if let Some((x, y, _)) = &r.dod {
        o.push_str(&format!("  {} {y} − {x}\n", tr("差值", "difference")));
    }
    o.push_str(&format!(
        "\n{}{}\n",
        tr(
            "边坡分区（实测为各剖面最不利值的百分位）",
            "Slope sectors (measured: percentile over profiles of each profile's worst)"
        ),
        r.measurement.as_ref().map_or(String::new(), |m| format!(" — {} {}", tr("测量期", "epoch"), m.epoch))
    ));
    o.push_str(&format!(
        "  {} {} {} {} {} {} {} {}\n",
        super::pad(tr("分区", "sector"), 10),
        super::pad_left(tr("剖面", "prof."), 6),
        super::pad_left(tr("台阶高 m", "bench m"), 14),
        super::pad_left(tr("平台宽 m", "berm m"), 14),
        super::pad_left(tr("坡面角 °", "face °"), 14),
        super::pad_left(tr("总体角 °", "overall °"), 14),
        super::pad_left(tr("挖方 m³", "cut m³"), 11),
        super::pad_left(tr("填方 m³", "fill m³"), 11),
    ));
    for (i, d) in s.layers.slope_design.iter().enumerate() {
        let m = r.measurement.as_ref().and_then(|m| m.sectors.get(i)).map(|x| &x.measure);
        let cell = |v: Option<f64>, design: Option<f64>, max: bool, rule: &str| {
            let bad = findings.iter().any(|f| f.rule == rule && f.feature.as_deref() == Some(&d.id));
            let mark = if v.is_none() {
                " "
            } else if bad {
                "✗"
            } else {
                "✓"
            };
            let lim = design.map_or(String::new(), |x| format!("{}{x}", if max { "≤" } else { "≥" }));
            super::pad_left(&format!("{} {mark}{lim}", num(v, 2)), 14)
        };
        let v = r.volumes.get(i).copied().flatten();
        o.push_str(&format!(
            "  {} {} {} {} {} {} {} {}\n",
            super::pad(&d.id, 10),
            super::pad_left(&m.map_or(0, |m| m.with_benches).to_string(), 6),
            cell(m.and_then(|m| m.bench_height).map(|v| v.value), d.bench_height_max_m, true, "slope.bench_height"),
            cell(m.and_then(|m| m.berm_width).map(|v| v.value), d.berm_width_min_m, false, "slope.berm_width"),
            cell(m.and_then(|m| m.bench_angle).map(|v| v.value), d.bench_angle_max_deg, true, "slope.bench_angle"),
            cell(
                m.and_then(|m| m.overall_angle).map(|v| v.value),
                d.overall_angle_max_deg,
                true,
                "slope.overall_angle"
            ),
            super::pad_left(&num(v.map(|v| v.0), 0), 11),
            super::pad_left(&num(v.map(|v| v.1), 0), 11),
        ));
    }
    if !r.points.is_empty() {
        o.push_str(&format!("\n{}\n", tr("边坡监测点", "Slope monitoring points")));
        for p in &r.points {
            o.push_str(&format!(
                "  {}  {} {}  {} {:.1} mm  {} {} mm/d\n",
                super::pad(&p.point_id, 8),
                tr("末次读数", "last"),
                p.last_time.format("%Y-%m-%d %H:%M %:z"),
                tr("累计位移", "total"),
                p.displacement_mm,
                tr("速率", "rate"),
                num(p.velocity_mm_d, 1)
            ));
        }
    }
    let majors = findings.iter().filter(|f| f.severity == Severity::Major).count();
    o.push_str(&format!("\n{} ({})\n", tr("边坡问题", "Slope findings"), findings.len()));
    for f in findings {
        let sev = if f.severity == Severity::Major { tr("重大", "major") } else { tr("警告", "warning") };
        o.push_str(&format!("  [{sev}] {} {}\n      {}\n", f.rule, f.subject(), f.message.get(lang())));
    }
    let ne: Vec<_> = a.not_evaluated().into_iter().filter(|n| n.rule.starts_with("slope.")).collect();
    if !ne.is_empty() {
        o.push_str(&format!(
            "\n{} ({})\n",
            tr("未评价（缺少输入，不等于合格）", "NOT EVALUATED (input missing; not a pass)"),
            ne.len()
        ));
        for n in ne {
            o.push_str(&format!("  {} {}\n", n.rule, n.reason.get(lang())));
        }
    }
    o.push_str(&format!(
        "\n{} {} {}，{} {}\n",
        tr("合计", "Total:"),
        majors,
        tr("项重大问题", "major"),
        findings.len() - majors,
        tr("项警告", "warnings")
    ));
    o
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    let as_of = super::parse_as_of(a.as_of.as_deref())?;
    if let Some(out) = &a.out {
        super::guard_output(out, &a.survey, a.force, &["gpkg"])?;
    }
    let survey = super::open(&a.survey)?;
    super::print_warnings_as(&survey.warnings, a.format == Format::Json);
    let (params, loosened) = rules::survey_params(&survey)?;
    let mut r = super::step(
        "由点云生成数字高程模型并量测台阶",
        "gridding the epochs and measuring the benches",
        || slope::output::run(&survey, &params, as_of),
    )?;
    let crs = Crs::parse(&survey.meta.mine.crs, &Location::default())?;
    let mut assessment = Assessment::with_params(survey, params, loosened, as_of);
    assessment.set_slopes(r.measurement.take());
    let findings: Vec<&rules::Finding> = assessment.findings().filter(|f| f.rule.starts_with("slope.")).collect();
    r.measurement = assessment.slopes().cloned();
    if let Some(out) = &a.out {
        let owned: Vec<rules::Finding> = findings.iter().map(|f| (*f).clone()).collect();
        let layers = slope::output::layers(&r, assessment.survey(), assessment.params(), &owned);
        super::step("写出 GeoPackage", "writing the GeoPackage", || {
            minehaz_core::io::store::write_derived_with_rasters(&layers, &slope::output::rasters(&r), &crs, out)
        })?;
        eprintln!("{} {}", tr("已写入", "Wrote"), out.display());
    }
    let major = findings.iter().any(|f| f.severity == Severity::Major);
    match a.format {
        Format::Json => {
            let fj: Vec<serde_json::Value> = findings.iter().map(|f| rules::report::finding_json(f, lang())).collect();
            let ne: Vec<serde_json::Value> = assessment
                .not_evaluated()
                .into_iter()
                .filter(|n| n.rule.starts_with("slope."))
                .map(|n| serde_json::json!({"rule": n.rule, "reason": n.reason.get(lang())}))
                .collect();
            let mut j = slope::output::to_json(&r, assessment.survey(), serde_json::Value::Array(fj));
            j["not_evaluated"] = serde_json::Value::Array(ne);
            println!("{}", serde_json::to_string_pretty(&j)?);
        }
        Format::Text => print!("{}", text(&r, &assessment, &findings)),
    }
    Ok(u8::from(major))
}
