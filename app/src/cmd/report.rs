//! `minehaz report STORE --out report.html|report.pdf [--as-of D]`: the survey report (普查报告)
//! a mine files and an inspector reads — mine and licence, survey coverage (物探 / 化探 / 钻探),
//! hazard factors by class, the protection levels with every driver (就高不就低), the findings,
//! the ledger, and maps rendered by minehaz itself (plan with findings, 3D, a section through the
//! worst finding). One self-contained HTML file (the bundled CJK font and the maps embedded);
//! the PDF is that HTML printed by headless Chromium, which embeds the font's used glyphs.

use crate::render::camera::{Camera, ViewKind};
use crate::render::{gpu::Gpu, overlay};
use crate::scene::{self, SceneOptions};
use minehaz_core::i18n::{lang, tr, Lang};
use minehaz_core::ledger::Status;
use minehaz_core::model::Survey;
use minehaz_core::rules::{self, DriverValue, Level, Report, Severity};
use minehaz_core::{text, Location};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// 工程文件 (.gpkg) 或调查数据包目录 / project store (.gpkg) or survey folder
    pub survey: PathBuf,
    /// 输出 report.html 或 report.pdf / output: report.html or report.pdf
    #[arg(long)]
    pub out: PathBuf,
    /// 检查日期 YYYY-MM-DD（默认今天）/ as-of date (default: today)
    #[arg(long)]
    pub as_of: Option<String>,
    /// 覆盖已存在的输出文件 / replace an existing output file
    #[arg(long)]
    pub force: bool,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn fmt_bounds(b: &Option<[f64; 6]>) -> String {
    match b {
        Some(b) => format!("x {:.0}…{:.0}, y {:.0}…{:.0}, z {:.0}…{:.0}", b[0], b[3], b[1], b[4], b[2], b[5]),
        None => "—".into(),
    }
}

/// One rendered map: caption and PNG bytes.
struct Map {
    caption: String,
    png: Vec<u8>,
}

/// The finding the section goes through: a located, non-planned major finding, the families
/// that kill most first (water inrush, gas, no-mining zones, fire, burst, then the rest).
fn worst(report: &Report) -> Option<&rules::Finding> {
    const ORDER: [&str; 7] = ["water.", "gas.", "zone.", "fire.", "burst.", "licence.", "pillar."];
    let rank = |f: &rules::Finding| ORDER.iter().position(|p| f.rule.starts_with(p)).unwrap_or(ORDER.len());
    report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Major && !f.planned && f.at.is_some())
        .min_by_key(|f| rank(f))
}

/// The plan, the 3D view and a section through the worst finding, rendered by minehaz.
fn maps(a: &rules::Assessment, report: &Report, as_of: chrono::NaiveDate) -> anyhow::Result<Vec<Map>> {
    let scene = scene::prepare_assessed(
        a,
        report,
        &SceneOptions { layers: Vec::new(), max_points: 400_000, ..Default::default() },
    );
    super::quiet_mesa();
    let gpu = Gpu::new()?;
    let gs = gpu.upload(&scene);
    let (w, h) = (1500u32, 1000u32);
    let worst = worst(report);
    let mut views = vec![
        (ViewKind::Plan, tr("平面图（含检查发现）", "Plan with findings").to_string()),
        (ViewKind::ThreeD { azimuth_deg: 210.0, elevation_deg: 35.0 }, tr("三维视图", "3D view").to_string()),
    ];
    if let Some(f) = worst {
        let at = f.at.unwrap_or_default();
        let o = scene.origin;
        let (cx, cy) = ((at[0] - o[0]) as f32, (at[1] - o[1]) as f32);
        let half = ((scene.bounds[1][0] - scene.bounds[0][0]).max(scene.bounds[1][1] - scene.bounds[0][1]) / 4.0)
            .clamp(150.0, 1500.0);
        views.push((
            ViewKind::Section { a: [cx - half, cy], b: [cx + half, cy], half_width_m: 60.0 },
            format!(
                "{} {} {}（{:.0}, {:.0}）{}",
                tr("过最严重问题的东西向剖面：", "East-west section through the worst finding:"),
                f.rule,
                f.subject(),
                at[0],
                at[1],
                tr("，剖面宽 120 m", ", slab 120 m wide")
            ),
        ));
    }
    let mut out = Vec::new();
    for (kind, caption) in views {
        let camera = Camera::fit(kind, scene.bounds, w, h);
        let mut img = gpu.render(&gs, &camera, &|_| true)?;
        let title = format!("{} — {}  ({} {})", a.survey().meta.mine.name, caption, tr("检查日期", "as of"), as_of);
        overlay::draw(&mut img, &scene, &camera, &title, lang())?;
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
        out.push(Map { caption, png });
    }
    Ok(out)
}

fn level_rows(o: &mut String, name: &str, l: &Level) {
    let n = l.drivers.len().max(1);
    let _ =
        write!(o, "<tr><th rowspan=\"{n}\">{}</th><td rowspan=\"{n}\" class=\"lvl\">{}</td>", esc(name), esc(l.level));
    if l.drivers.is_empty() {
        o.push_str("<td colspan=\"3\">—</td></tr>");
    }
    for (i, d) in l.drivers.iter().enumerate() {
        if i > 0 {
            o.push_str("<tr>");
        }
        let v = match &d.value {
            DriverValue::Number(v) => format!("{v}"),
            DriverValue::Flag(b) => format!("{b}"),
            DriverValue::Unknown => tr("未知", "unknown").into(),
        };
        let top = if d.level == l.level { " class=\"top\"" } else { "" };
        let _ = write!(o, "<td>{}</td><td>{}</td><td{top}>{}</td></tr>", esc(d.criterion), esc(&v), esc(d.level));
    }
}

/// The report as one HTML document.
fn html(s: &Survey, report: &Report, maps: &[Map], store: &Path, generated: &str) -> String {
    let zh = lang() == Lang::Zh;
    let m = &s.meta.mine;
    let mut o = String::new();
    let font = base64(overlay::FONT_BYTES);
    let _ = write!(
        o,
        r#"<!doctype html><html lang="{}"><head><meta charset="utf-8"><title>{}</title><style>
@font-face {{ font-family: "MinehazCJK"; src: url(data:font/otf;base64,{font}) format("opentype"); }}
@page {{ size: A4; margin: 15mm 13mm; }}
body {{ font-family: "MinehazCJK", sans-serif; font-size: 10pt; color: #111; margin: 0 auto; max-width: 190mm; }}
h1 {{ font-size: 20pt; text-align: center; margin: 6mm 0 2mm; }}
h2 {{ font-size: 13pt; border-bottom: 2px solid #333; margin: 6mm 0 2mm; page-break-after: avoid; }}
table {{ border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }}
th, td {{ border: 1px solid #888; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left; }}
th {{ background: #eee; }}
tr {{ page-break-inside: avoid; }}
.sub {{ text-align: center; color: #444; }}
.major {{ color: #b00000; font-weight: bold; }}
.warning {{ color: #a06000; }}
.overdue {{ color: #b00000; font-weight: bold; }}
.lvl, .top {{ font-weight: bold; }}
.small {{ font-size: 8.5pt; color: #444; }}
figure {{ margin: 2mm 0 5mm; page-break-inside: avoid; }}
figure img {{ display: block; margin: 0 auto; max-width: 100%; max-height: 112mm; border: 1px solid #999; }}
figcaption {{ text-align: center; font-size: 9pt; }}
.maps {{ page-break-before: always; }}
</style></head><body>"#,
        if zh { "zh-CN" } else { "en" },
        esc(&format!(
            "{} — {}",
            m.name,
            tr("矿山隐蔽致灾因素普查报告", "Survey report of hidden hazard-causing factors")
        ))
    );
    let _ = write!(
        o,
        "<h1>{}</h1><p class=\"sub\">{}（{}）<br>{} {} · {} {}</p>",
        tr("矿山隐蔽致灾因素普查报告", "Survey Report of Hidden Hazard-Causing Factors"),
        esc(&m.name),
        esc(&m.id),
        tr("检查日期", "as of"),
        report.as_of,
        tr("生成于", "generated"),
        esc(generated)
    );

    // 1. Mine and licence.
    let l = &s.meta.licence;
    let kind = match m.kind {
        minehaz_core::model::meta::MineKind::UndergroundCoal => tr("井工煤矿", "underground coal"),
        minehaz_core::model::meta::MineKind::UndergroundMetal => tr("井工金属非金属矿", "underground metal/non-metal"),
        minehaz_core::model::meta::MineKind::OpenPit => tr("露天矿", "open pit"),
    };
    let lic = s.layers.licence.first();
    let area = s.layers.licence.iter().map(|x| geo::Area::unsigned_area(&x.boundary)).sum::<f64>();
    let _ = write!(o, "<h2>1 {}</h2><table>", tr("矿井与采矿许可", "Mine and licence"));
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let num = |v: Option<f64>| v.map_or("—".to_string(), |x| format!("{x}"));
    for (k, v) in [
        (tr("矿井名称", "mine"), format!("{} ({})", m.name, m.id)),
        (tr("类型", "kind"), kind.to_string()),
        (tr("所在地", "location"), format!("{} {}", opt(&m.province), opt(&m.county))),
        (tr("坐标系", "CRS"), m.crs.clone()),
        (tr("采矿许可证", "licence"), lic.map_or("—".into(), |x| x.id.clone())),
        (tr("矿区面积", "licensed area"), format!("{:.3} km²", area / 1e6)),
        (tr("许可开采标高", "licensed levels"), format!("{} … {} m", num(l.z_bottom), num(l.z_top))),
        (tr("许可煤层", "licensed seams"), if l.seams.is_empty() { "—".into() } else { l.seams.join(", ") }),
        (tr("许可有效期至", "valid until"), opt(&l.valid_until)),
        (tr("核定生产能力", "approved capacity"), l.capacity_mt_per_year.map_or("—".into(), |x| format!("{x} Mt/a"))),
        (tr("工程文件", "project store"), store.display().to_string()),
    ] {
        let _ = write!(o, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(&v));
    }
    o.push_str("</table>");

    // 2. Survey coverage.
    let sums = s.layers.summaries();
    let sum = |name: &str| sums.iter().find(|x| x.name == name);
    let _ = write!(
        o,
        "<h2>2 {}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        tr("普查工作量与覆盖范围", "Survey coverage"),
        tr("手段", "method"),
        tr("数据", "data"),
        tr("数量", "count"),
        tr("范围（矿井坐标）", "extent (mine CRS)")
    );
    let mut methods: std::collections::BTreeMap<String, usize> = Default::default();
    for a in &s.layers.anomalies {
        *methods
            .entry(a.method.map_or_else(|| tr("未注明方法", "method not given").to_string(), |x| format!("{x:?}")))
            .or_default() += 1;
    }
    let method_text = methods.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ");
    let bh_bounds = {
        let mut b = None;
        for x in &s.boreholes {
            minehaz_core::model::kinds::grow(&mut b, x.collar.x, x.collar.y, Some(x.collar.z));
        }
        b
    };
    let rows: Vec<(&str, String, usize, Option<[f64; 6]>)> = vec![
        (
            tr("物探", "geophysics"),
            format!(
                "{} ({})",
                tr("物探异常区 anomalies", "anomalies"),
                if method_text.is_empty() { "—".into() } else { method_text }
            ),
            sum("anomalies").map_or(0, |x| x.count),
            sum("anomalies").and_then(|x| x.bounds),
        ),
        (
            tr("物探", "geophysics"),
            format!(
                "{}: {}",
                tr("栅格", "grids"),
                s.grids.iter().map(|g| g.name.clone()).collect::<Vec<_>>().join(", ")
            ),
            s.grids.len(),
            None,
        ),
        (
            tr("化探", "geochemistry"),
            tr("水化学 / 气体样品 geochem", "water and gas samples (geochem)").into(),
            sum("geochem").map_or(0, |x| x.count),
            sum("geochem").and_then(|x| x.bounds),
        ),
        (tr("钻探", "drilling"), tr("地质钻孔 boreholes", "boreholes").into(), s.boreholes.len(), bh_bounds),
        (
            tr("钻探", "drilling"),
            tr("井下探放水钻孔 drillholes", "underground drillholes").into(),
            sum("drillholes").map_or(0, |x| x.count),
            sum("drillholes").and_then(|x| x.bounds),
        ),
        (
            tr("钻探", "drilling"),
            tr("设计钻孔 planned_drillholes", "planned drillholes").into(),
            sum("planned_drillholes").map_or(0, |x| x.count),
            sum("planned_drillholes").and_then(|x| x.bounds),
        ),
        (tr("测量", "survey"), tr("点云（激光雷达）", "point clouds (LiDAR)").into(), s.point_clouds.len(), None),
    ];
    for (method, what, n, b) in rows {
        let cls = if n == 0 { " class=\"warning\"" } else { "" };
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td{cls}>{n}</td><td class=\"small\">{}</td></tr>",
            esc(method),
            esc(&what),
            esc(&fmt_bounds(&b))
        );
    }
    o.push_str("</table>");

    // 3. Hazard factors by class.
    let _ = write!(
        o,
        "<h2>3 {}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        tr("隐蔽致灾因素（按类）", "Hazard factors by class"),
        tr("类别", "class"),
        tr("数量", "count"),
        tr("范围（矿井坐标）", "extent (mine CRS)")
    );
    for name in [
        "goaf",
        "water_bodies",
        "faults",
        "collapse_columns",
        "gas_zones",
        "burst_zones",
        "fire_zones",
        "zones",
        "workings",
    ] {
        if let Some(x) = sum(name) {
            let label = if zh { format!("{} {}", x.name_zh, x.name) } else { x.name.to_string() };
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td class=\"small\">{}</td></tr>",
                esc(&label),
                x.count,
                esc(&fmt_bounds(&x.bounds))
            );
        }
    }
    o.push_str("</table>");

    // 4. Protection levels.
    let _ = write!(
        o,
        "<h2>4 {}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        tr("防治等级（就高不就低）", "Protection levels (highest applicable)"),
        tr("灾种", "hazard"),
        tr("等级", "level"),
        tr("判据", "criterion"),
        tr("值", "value"),
        tr("该判据给出", "gives")
    );
    level_rows(&mut o, tr("水害", "water"), &report.levels.water);
    level_rows(&mut o, tr("瓦斯", "gas"), &report.levels.gas);
    level_rows(&mut o, tr("冲击地压", "rock burst"), &report.levels.burst);
    o.push_str("</table>");

    // 5. Findings.
    let majors = report.findings.iter().filter(|f| f.severity == Severity::Major).count();
    let _ = write!(
        o,
        "<h2>5 {}</h2><p>{} <span class=\"major\">{majors}</span> {}，{} {}；{} {}</p>",
        tr("检查发现", "Findings"),
        tr("重大问题", "major"),
        tr("项", ""),
        report.findings.len() - majors,
        tr("项警告", "warnings"),
        report.not_evaluated.len(),
        tr("项规则因缺少输入未评估（不视为合格）", "rules not evaluated for lack of input (not a pass)")
    );
    let _ = write!(
        o,
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        tr("级别", "severity"),
        tr("规则", "rule"),
        tr("对象", "subject"),
        tr("说明", "message"),
        tr("实测 / 限值", "measured / limit")
    );
    let mut fs: Vec<&rules::Finding> = report.findings.iter().collect();
    fs.sort_by_key(|f| f.severity != Severity::Major);
    for f in fs {
        let (cls, sev) = match f.severity {
            Severity::Major => ("major", tr("重大", "major")),
            _ => ("warning", tr("警告", "warning")),
        };
        let ml = match (f.measured, f.limit) {
            (None, None) => "—".to_string(),
            (m, l) => format!(
                "{} / {}",
                m.map_or("—".into(), |x| rules::round_mm(x).to_string()),
                l.map_or("—".into(), |x| rules::round_mm(x).to_string())
            ),
        };
        let planned = if f.planned { tr("［计划］", " [planned]") } else { "" };
        let _ = write!(
            o,
            "<tr><td class=\"{cls}\">{}</td><td>{}</td><td>{}{}</td><td>{}<br><span class=\"small\">{}</span></td><td>{}</td></tr>",
            esc(sev),
            esc(f.rule),
            esc(&f.subject()),
            esc(planned),
            esc(f.message.get(lang())),
            esc(f.basis.get(lang())),
            esc(&ml)
        );
    }
    o.push_str("</table>");
    if !report.not_evaluated.is_empty() {
        let _ = write!(o, "<p><b>{}</b></p><table>", tr("未评估的规则", "Rules not evaluated"));
        for n in &report.not_evaluated {
            let _ = write!(o, "<tr><td>{}</td><td>{}</td></tr>", esc(n.rule), esc(n.reason.get(lang())));
        }
        o.push_str("</table>");
    }

    // 6. Ledger.
    let _ = write!(o, "<h2>6 {}</h2>", tr("重大事故隐患台账（闭环销号）", "Major-hazard ledger (closed loop)"));
    match &s.ledger {
        None => {
            let _ = write!(
                o,
                "<p class=\"warning\">{}</p>",
                tr(
                    "本工程尚无隐患台账（minehaz ledger sync）。",
                    "This store has no hazard ledger yet (minehaz ledger sync)."
                )
            );
        }
        Some(l) => {
            let counts: Vec<String> = Status::ALL
                .iter()
                .map(|st| {
                    format!(
                        "{} {}",
                        if zh { st.zh() } else { st.as_str() },
                        l.hazards.iter().filter(|h| h.status == *st).count()
                    )
                })
                .collect();
            let overdue = l.overdue(report.as_of).count();
            let _ = write!(
                o,
                "<p>{} {}：{}；<span class=\"overdue\">{} {}</span>；{} {} {}</p>",
                l.hazards.len(),
                tr("条隐患", "hazards"),
                esc(&counts.join("，")),
                tr("逾期", "overdue"),
                overdue,
                l.events.len(),
                tr("个签名事件，登记人员", "signed events; people registered:"),
                l.people.len()
            );
            let _ = write!(
                o,
                "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
                tr("编号", "id"),
                tr("状态", "status"),
                tr("规则 / 对象", "rule / subject"),
                tr("责任人", "responsible"),
                tr("措施 / 资金（元）/ 预案", "measures / funds (CNY) / plan"),
                tr("期限", "deadline"),
                tr("销号", "closed")
            );
            for h in &l.hazards {
                let late = h.status != Status::Closed && h.deadline.is_some_and(|d| d < report.as_of);
                let cls = if late { " class=\"overdue\"" } else { "" };
                let subject =
                    [h.working.clone(), h.feature.clone()].into_iter().flatten().collect::<Vec<_>>().join(" → ");
                let five = format!(
                    "{} / {} / {}",
                    h.measures.clone().unwrap_or_else(|| "—".into()),
                    h.funds_cny.map_or("—".into(), |x| format!("{x}")),
                    h.plan.clone().unwrap_or_else(|| "—".into())
                );
                let _ = write!(
                    o,
                    "<tr{cls}><td>{}</td><td>{}{}</td><td>{}<br><span class=\"small\">{}</span></td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                    esc(&h.id),
                    esc(if zh { h.status.zh() } else { h.status.as_str() }),
                    if h.reopened > 0 { format!(" ({}×{})", tr("重开", "reopened"), h.reopened) } else { String::new() },
                    esc(&h.rule),
                    esc(&subject),
                    esc(h.responsible.as_deref().unwrap_or("—")),
                    esc(&five),
                    h.deadline.map_or("—".into(), |d| d.to_string()),
                    if late { tr(" 逾期", " OVERDUE") } else { "" },
                    esc(&match (&h.closed_at, &h.closed_by) {
                        (Some(d), Some(b)) => format!("{d} {b}"),
                        _ => "—".into(),
                    })
                );
            }
            o.push_str("</table>");
        }
    }

    // 7. Maps.
    let _ = write!(o, "<div class=\"maps\"><h2>7 {}</h2>", tr("图件（minehaz 渲染）", "Maps (rendered by minehaz)"));
    for (i, mp) in maps.iter().enumerate() {
        let _ = write!(
            o,
            "<figure><img alt=\"{}\" src=\"data:image/png;base64,{}\"><figcaption>{} {}：{}</figcaption></figure>",
            esc(&mp.caption),
            base64(&mp.png),
            tr("图", "Figure"),
            i + 1,
            esc(&mp.caption)
        );
    }
    if maps.len() < 3 {
        let _ = write!(
            o,
            "<p class=\"small\">{}</p>",
            tr("无带位置的重大问题，未作剖面图。", "No located major finding: no section drawn.")
        );
    }
    o.push_str("</div>");
    let _ = write!(
        o,
        "<p class=\"small\">{} minehaz {} · {}</p></body></html>",
        tr("本报告由", "Generated by"),
        env!("CARGO_PKG_VERSION"),
        tr(
            "数据、规则与签名可用 minehaz audit verify 复核",
            "data, rules and signatures can be re-verified with minehaz audit verify"
        )
    );
    o
}

/// Chromium, for printing the PDF: $MINEHAZ_CHROMIUM, else the first of the usual names on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MINEHAZ_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Print `html_file` to `pdf` with headless Chromium.
fn print_pdf(html_file: &Path, pdf: &Path) -> anyhow::Result<()> {
    let exe = chromium().ok_or_else(|| {
        minehaz_core::Error::at(
            Location::file(pdf).field("--out"),
            text!(
                "生成 PDF 需要 Chromium（apt-get install chromium，或设置 MINEHAZ_CHROMIUM）；可先输出 .html",
                "a PDF needs Chromium (apt-get install chromium, or set MINEHAZ_CHROMIUM); .html works without it"
            ),
        )
    })?;
    let profile = tempfile::tempdir().map_err(|e| minehaz_core::Error::io(std::env::temp_dir(), e))?;
    let url = format!(
        "file://{}",
        std::fs::canonicalize(html_file).map_err(|e| minehaz_core::Error::io(html_file, e))?.display()
    );
    let out = std::process::Command::new(&exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url)
        .output()
        .map_err(|e| minehaz_core::Error::io(&exe, e))?;
    let ok = std::fs::metadata(pdf).map(|m| m.len() > 0).unwrap_or(false);
    if !out.status.success() || !ok {
        anyhow::bail!(
            "{} {}: {}",
            exe.display(),
            tr("打印 PDF 失败", "failed to print the PDF"),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    let ext = a.out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    super::guard_output(&a.out, &a.survey, a.force, &["html", "pdf"])?;
    let as_of = super::parse_as_of(a.as_of.as_deref())?;
    let survey = super::open(&a.survey)?;
    super::print_warnings(&survey.warnings);
    let assessment = super::assess("按规则检查", "checking the rules", survey, as_of)?;
    let report = assessment.report();
    let maps = super::step("渲染图件", "rendering the maps", || maps(&assessment, &report, as_of))?;
    let doc = html(assessment.survey(), &report, &maps, &a.survey, &super::now());
    if ext.as_deref() == Some("pdf") {
        let dir = tempfile::tempdir().map_err(|e| minehaz_core::Error::io(std::env::temp_dir(), e))?;
        let h = dir.path().join("report.html");
        std::fs::write(&h, &doc).map_err(|e| minehaz_core::Error::io(&h, e))?;
        let pdf = dir.path().join("report.pdf");
        super::step("打印 PDF", "printing the PDF", || print_pdf(&h, &pdf))?;
        minehaz_core::io::write_atomically(&a.out, |tmp| {
            std::fs::copy(&pdf, tmp).map(|_| ()).map_err(|e| minehaz_core::Error::io(&a.out, e))
        })?;
    } else {
        minehaz_core::io::write_atomically(&a.out, |tmp| {
            std::fs::write(tmp, &doc).map_err(|e| minehaz_core::Error::io(&a.out, e))
        })?;
    }
    println!(
        "{} {} ({} {}, {} {}, {} KiB)",
        tr("已写入", "Wrote"),
        a.out.display(),
        report.findings.len(),
        tr("项发现", "findings"),
        maps.len(),
        tr("幅图", "maps"),
        std::fs::metadata(&a.out).map_or(0, |m| m.len()) / 1024
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }
}
