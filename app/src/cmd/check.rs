//! `minehaz check SURVEY [--format text|json] [--as-of DATE]`: the findings and levels of
//! RULES.md. Exit 0 without major findings, 1 with, 2 when the input cannot be read.

use crate::Format;
use minehaz_core::i18n::{lang, tr};
use minehaz_core::rules::{self, DriverValue, Level, Report, Severity};
use std::path::Path;

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn level_line(name: &str, l: &Level, st: &Style) -> String {
    let mut s = format!("  {} {}", name, st.paint("1", l.level));
    for d in &l.drivers {
        let v = match &d.value {
            DriverValue::Number(v) => format!("{v}"),
            DriverValue::Flag(b) => format!("{b}"),
            DriverValue::Unknown => tr("未知", "unknown").to_string(),
        };
        s.push_str(&format!("\n      {} = {} → {}", d.criterion, v, d.level));
    }
    s
}

fn text_report(r: &Report, covers: &[(String, f64)], st: &Style) -> String {
    let mut o = String::new();
    o.push_str(&format!(
        "{} {} ({})  {} {}\n",
        tr("矿井", "Mine"),
        r.mine_name,
        r.mine_id,
        tr("检查日期", "as of"),
        r.as_of
    ));
    o.push_str(&format!("{}\n", tr("防治等级（就高不就低）", "Protection levels (highest applicable)")));
    o.push_str(&level_line(tr("水害", "water"), &r.levels.water, st));
    o.push('\n');
    o.push_str(&level_line(tr("瓦斯", "gas"), &r.levels.gas, st));
    o.push('\n');
    o.push_str(&level_line(tr("冲击地压", "burst"), &r.levels.burst, st));
    o.push('\n');
    if !covers.is_empty() {
        o.push_str(&format!(
            "{}\n",
            tr("允许掘进距离（按已施工超前探放水钻孔）", "Allowed advance (by the advance holes drilled)")
        ));
        for (h, a) in covers {
            o.push_str(&format!("  {h} {a:.1} m\n"));
        }
    }
    for (sev, title, colour) in
        [(Severity::Major, tr("重大问题", "MAJOR"), "1;31"), (Severity::Warning, tr("警告", "WARNING"), "1;33")]
    {
        let fs: Vec<_> = r.findings.iter().filter(|f| f.severity == sev).collect();
        o.push_str(&format!("\n{} ({})\n", st.paint(colour, title), fs.len()));
        for f in fs {
            let who = f.subject();
            let planned = if f.planned { tr(" [计划]", " [planned]") } else { "" };
            o.push_str(&format!("  {} {}{}\n", st.paint("1", f.rule), who, planned));
            o.push_str(&format!("      {}\n", f.message.get(lang())));
            let mut facts = Vec::new();
            if let Some(a) = f.at {
                facts.push(format!("{} ({:.1}, {:.1}, {:.1})", tr("位置", "at"), a[0], a[1], a[2]));
            }
            if let Some(m) = f.measured {
                facts.push(format!("{} {}", tr("实测", "measured"), rules::round_mm(m)));
            }
            if let Some(l) = f.limit {
                facts.push(format!("{} {}", tr("限值", "limit"), rules::round_mm(l)));
            }
            if !facts.is_empty() {
                o.push_str(&format!("      {}\n", facts.join("  ")));
            }
            o.push_str(&format!("      {} {}\n", tr("依据", "basis:"), st.paint("2", f.basis.get(lang()))));
        }
    }
    o.push_str(&format!(
        "\n{} ({})\n",
        st.paint("1;35", tr("未评估（缺少输入，不视为合格）", "NOT EVALUATED (input missing; not a pass)")),
        r.not_evaluated.len()
    ));
    for n in &r.not_evaluated {
        o.push_str(&format!("  {} {}\n", st.paint("1", n.rule), n.reason.get(lang())));
    }
    let majors = r.findings.iter().filter(|f| f.severity == Severity::Major).count();
    o.push_str(&format!(
        "\n{}: {} {}, {} {}\n",
        tr("合计", "Total"),
        majors,
        tr("项重大问题", "major"),
        r.findings.len() - majors,
        tr("项警告", "warnings")
    ));
    o
}

pub fn run(path: &Path, format: Format, as_of: Option<String>) -> anyhow::Result<u8> {
    let as_of = super::parse_as_of(as_of.as_deref())?;
    let survey = super::open(path)?;
    super::print_warnings_as(&survey.warnings, format == Format::Json);
    let assessment = super::assess("按规则检查", "checking the rules", survey, as_of)?;
    let report = assessment.report();
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report.to_json(lang()))?),
        Format::Text => {
            let mut covers: Vec<(String, f64)> =
                assessment.covers().filter_map(|c| Some((c.heading.clone(), c.allowed_advance_m?))).collect();
            covers.sort_by(|a, b| a.0.cmp(&b.0));
            print!("{}", text_report(&report, &covers, &Style { on: crate::color_stdout() }))
        }
    }
    // The process ends here: the OS takes the memory back at once, without freeing a large
    // mine's allocations one by one.
    std::mem::forget(assessment);
    Ok(u8::from(report.has_major()))
}
