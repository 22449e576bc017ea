//! `minehaz plan SURVEY [--heading ID …] [--as-of DATE] [--format text|json] [--out plan.gpkg|
//! plan.dxf] [--into STORE.gpkg --author NAME]`: the advance drilling and drainage design of
//! PLANNING.md — a 探放水设计 table per heading and its 允许掘进通知单 (allowed advance, stop
//! point) — from the mine's assessment.

use crate::Format;
use minehaz_core::i18n::{lang, tr};
use minehaz_core::io::crs::Crs;
use minehaz_core::io::dxf::DxfLayer;
use minehaz_core::model::record::Geom;
use minehaz_core::plan::{self, Hole, Plan};
use minehaz_core::Location;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// 调查数据包目录或 .gpkg 工程文件 / survey folder or .gpkg store
    pub survey: PathBuf,
    /// 另外为此掘进巷道设计（可重复）/ also design for this heading (repeatable)
    #[arg(long = "heading", value_name = "ID")]
    pub headings: Vec<String>,
    /// 为所有正在掘进的巷道设计 / design for every active heading
    #[arg(long)]
    pub all_headings: bool,
    /// 设计日期 YYYY-MM-DD（默认今天）/ as-of date (default: today)
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// 另存设计为 GeoPackage (.gpkg) 或 CAD 图 (.dxf, 每个钻场一层) / write the design to a GeoPackage or a DXF (a layer per fan)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 覆盖已存在的 --out 文件 / replace an existing --out file
    #[arg(long)]
    pub force: bool,
    /// 写入工程文件（一个事务，记入审计）/ write the design into a project store (one transaction, audited)
    #[arg(long, value_name = "STORE.gpkg")]
    pub into: Option<PathBuf>,
    /// 设计人（写入审计记录；默认 $USER）/ who designs (audit log; default $USER)
    #[arg(long)]
    pub author: Option<String>,
}

fn xyz(p: [f64; 3]) -> String {
    format!("{:.3} {:.3} {:.3}", p[0], p[1], p[2])
}

fn hole_rows(o: &mut String, holes: &[Hole]) {
    o.push_str(&format!(
        "    {} {} {} {} {}   {}\n",
        super::pad(tr("孔号", "hole"), 14),
        super::pad_left(tr("方位角°", "azim.°"), 9),
        super::pad_left(tr("倾角°", "incl.°"), 9),
        super::pad_left(tr("孔深 m", "length m"), 9),
        super::pad_left(tr("套管 m", "casing m"), 8),
        tr("终孔坐标 X Y Z", "end X Y Z")
    ));
    for h in holes {
        o.push_str(&format!(
            "    {:<14} {:>9.2} {:>9.2} {:>9.2} {:>8.1}   {}\n",
            h.id,
            h.azimuth_deg,
            h.inclination_deg,
            h.length_m,
            h.casing_m,
            xyz(h.end)
        ));
    }
}

fn text_plan(p: &Plan) -> String {
    let mut o = String::new();
    o.push_str(&format!(
        "{} {} ({})  {} {}\n",
        tr("探放水设计  矿井", "Advance drilling design  mine"),
        p.mine_name,
        p.mine_id,
        tr("设计日期", "as of"),
        p.as_of
    ));
    if p.fans.is_empty() {
        o.push_str(&format!("\n{}\n", tr("无需设计的掘进工作面。", "No heading needs a fan.")));
    }
    for f in &p.fans {
        let case = match f.case {
            plan::Case::Clear => tr("水源位置清楚", "source positions known"),
            plan::Case::Unclear => tr("水源位置不清（终孔间距 ≤ 3 m）", "source positions unclear (ends ≤ 3 m apart)"),
        };
        let az = plan::orientation(f.face, [f.face[0] + f.dir[0], f.face[1] + f.dir[1], f.face[2]]).0;
        o.push_str(&format!(
            "\n{} {}  {} {}  {} {}\n",
            tr("钻场", "Fan"),
            f.id,
            tr("掘进工作面", "heading"),
            f.heading,
            tr("水源", "sources"),
            if f.sources.is_empty() { "—".to_string() } else { f.sources.join(", ") }
        ));
        o.push_str(&format!(
            "  {} {}  {} {:.1}°  {}  {} {} MPa  {} {}\n",
            tr("工作面", "face"),
            xyz(f.face),
            tr("掘进方位", "bearing"),
            az,
            case,
            tr("水压", "pressure"),
            if f.pressure_known {
                format!("{}", f.pressure_mpa)
            } else {
                tr("未知（按 0 计）", "unknown (taken as 0)").to_string()
            },
            tr("排数", "rows"),
            f.rows
        ));
        hole_rows(&mut o, &f.holes);
        o.push_str(&format!(
            "  {}: {} {:.1} m{}{} {}{}\n",
            tr("允许掘进通知单", "Permit to advance"),
            tr("允许掘进", "allowed advance"),
            f.allowed_advance_m,
            tr("，", ", "),
            tr("停掘点", "stop at"),
            xyz(f.stop_at),
            if f.drain_first {
                tr("（须先放水并验证疏干后方可掘进）", " (drain the source and verify it first)")
            } else {
                ""
            }
        ));
        if f.requires_bulkhead {
            o.push_str(&format!(
                "  {}\n",
                tr(
                    "须先建防水闸墙（水压 > 1 MPa，不得在煤层中直接钻探）",
                    "a water bulkhead is required first (pressure > 1 MPa)"
                )
            ));
        }
    }
    for d in &p.drainage {
        o.push_str(&format!(
            "\n{} {}  {} {}  {} {}  {} {}\n",
            tr("放水孔", "Drainage of"),
            d.goaf,
            tr("自", "from"),
            d.heading,
            tr("积水量 m³", "water m³"),
            d.water_m3.map_or("?".to_string(), |v| format!("{v}")),
            tr("放水天数", "days"),
            d.days.map_or("?".to_string(), |v| format!("{v:.1}"))
        ));
        hole_rows(&mut o, &d.holes);
    }
    if !p.warnings.is_empty() {
        o.push_str(&format!("\n{} ({})\n", tr("警告", "WARNINGS"), p.warnings.len()));
        for w in &p.warnings {
            o.push_str(&format!("  {} {}\n", w.rule, w.message.get(lang())));
        }
    }
    if !p.notes.is_empty() {
        o.push_str(&format!("\n{}\n", tr("说明", "Notes")));
        for n in &p.notes {
            o.push_str(&format!("  {}\n", n.get(lang())));
        }
    }
    let holes: usize =
        p.fans.iter().map(|f| f.holes.len()).sum::<usize>() + p.drainage.iter().map(|d| d.holes.len()).sum::<usize>();
    o.push_str(&format!(
        "\n{}: {} {}, {} {}\n",
        tr("合计", "Total"),
        p.fans.len(),
        tr("个钻场", "fans"),
        holes,
        tr("个钻孔", "holes")
    ));
    o
}

/// The design for CAD: a layer per fan (its holes, labelled) and one of stop points, named and
/// coloured as `export` draws a store's design (设计钻孔, 停掘点) so both drawings agree.
fn dxf_layers(p: &Plan) -> Vec<DxfLayer> {
    let line = |h: &Hole| (Geom::Line { coords: vec![h.collar, h.end], has_z: true }, Some(h.id.clone()));
    let mut v: Vec<DxfLayer> = p
        .fans
        .iter()
        .map(|f| DxfLayer {
            name: format!("设计钻孔 {}", f.id),
            aci: 140,
            entities: f.holes.iter().map(line).collect(),
            ..Default::default()
        })
        .collect();
    for d in &p.drainage {
        v.push(DxfLayer {
            name: format!("设计钻孔 {} 放水 {}", d.fan, d.goaf),
            aci: 140,
            entities: d.holes.iter().map(line).collect(),
            ..Default::default()
        });
    }
    v.push(DxfLayer {
        name: "停掘点".into(),
        aci: 1,
        linetype: Vec::new(),
        entities: p
            .fans
            .iter()
            .map(|f| {
                (
                    Geom::Point { pos: f.stop_at, has_z: true },
                    Some(format!("{} 允许掘进 {:.1} m", f.heading, f.allowed_advance_m)),
                )
            })
            .collect(),
    });
    v
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    let as_of = super::parse_as_of(a.as_of.as_deref())?;
    if let Some(out) = &a.out {
        super::guard_output(out, &a.survey, a.force, &["gpkg", "dxf"])?;
        // --out must not replace the store that --into writes to.
        if let Some(into) = &a.into {
            let same = into == out
                || std::fs::canonicalize(into).ok().is_some_and(|i| std::fs::canonicalize(out).ok() == Some(i));
            if same {
                return Err(minehaz_core::Error::at(
                    Location::file(out).field("--out"),
                    minehaz_core::i18n::Text::new(
                        "--out 与 --into 是同一文件：--out 会覆盖工程文件",
                        "--out and --into are the same file: --out would replace the store",
                    ),
                )
                .into());
            }
        }
    }
    let survey = super::open(&a.survey)?;
    super::print_warnings_as(&survey.warnings, a.format == Format::Json);
    // The store the design goes into, checked before any design work.
    if let Some(into) = &a.into {
        minehaz_core::io::store::plan_target(into, &survey.meta)?;
    }
    let assessment = super::assess("按规则检查", "checking the rules", survey, as_of)?;
    let mut named = a.headings.clone();
    if a.all_headings {
        named
            .extend(assessment.survey().layers.workings.iter().filter(|w| w.is_active_heading()).map(|w| w.id.clone()));
    }
    let p = super::step("设计探放水钻孔", "designing the drilling", || plan::plan(&assessment, &named))?;
    if let Some(store) = &a.into {
        // The design of every heading planned now is replaced: those with a fan, and the active
        // headings named that got none (their old design would otherwise stay and be checked).
        let active_named = named.iter().filter(|h| assessment.working(h).is_some_and(|(w, _)| w.is_active_heading()));
        let headings: std::collections::BTreeSet<String> =
            p.fans.iter().map(|f| f.heading.clone()).chain(active_named.cloned()).collect();
        let headings: Vec<String> = headings.into_iter().collect();
        let detail = serde_json::json!({
            "as_of": p.as_of.format("%Y-%m-%d").to_string(),
            "fans": p.fans.iter().map(|f| &f.id).collect::<Vec<_>>(),
            "holes": p.planned_drillholes().len(),
            "from": a.survey.display().to_string(),
        })
        .to_string();
        let layers = plan::layers(&p);
        if headings.is_empty() && layers.iter().all(|l| l.records.is_empty()) {
            eprintln!(
                "{} {}",
                tr("无设计可写入，工程文件未改动:", "Nothing designed: the store is unchanged:"),
                store.display()
            );
        } else {
            let e = minehaz_core::io::store::replace_plan(
                store,
                &assessment.survey().meta,
                &layers,
                &headings,
                &super::author(a.author.clone()),
                &super::now(),
                &detail,
            )?;
            eprintln!(
                "{} {} ({} #{})",
                tr("设计已写入工程文件", "Design written into the store"),
                store.display(),
                tr("审计记录", "audit row"),
                e.seq
            );
        }
    }
    if let Some(out) = &a.out {
        if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("dxf")) {
            minehaz_core::io::dxf::write_dxf(&dxf_layers(&p), out)?;
        } else {
            let crs = Crs::parse(&assessment.survey().meta.mine.crs, &Location::default())?;
            minehaz_core::io::store::write_derived(&plan::layers(&p), &crs, out)?;
        }
        eprintln!("{} {}", tr("已写入", "Wrote"), out.display());
    }
    // Printed last: everything is written before a closed pipe can end the process.
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&plan::to_json(&p, lang()))?),
        Format::Text => print!("{}", text_plan(&p)),
    }
    std::mem::forget(assessment);
    Ok(0)
}
