//! The findings grouped by severity (click to fly there) and the levels with their drivers.

use super::*;

/// Check results grouped by severity; a click flies to the finding and selects its working and
/// feature.
pub fn findings_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(l) = &state.loaded else { return };
    ui.heading(format!("{} ({} {})", tr("检查发现", "Findings"), tr("检查日期", "as of"), l.report.as_of));
    let mut clicked = None;
    for (sev, idx) in state.findings_by_severity() {
        let color =
            if sev == Severity::Major { Color32::from_rgb(200, 30, 30) } else { Color32::from_rgb(190, 130, 0) };
        let title = format!("{} ({})", severity_title(sev), idx.len());
        egui::CollapsingHeader::new(RichText::new(title).color(color).strong())
            .id_salt(("findings", sev.as_str()))
            .default_open(true)
            .show(ui, |ui| {
                for i in idx {
                    let Some(f) = l.report.findings.get(i) else { continue };
                    let selected = state.selected_finding == Some(i);
                    let r = ui.selectable_label(selected, finding_title(f)).on_hover_text(f.message.get(lang()));
                    if r.clicked() {
                        clicked = Some(i);
                    }
                    if selected {
                        finding_detail_ui(ui, f);
                    }
                }
            });
    }
    if let Some(i) = clicked {
        state.select_finding(i);
    }
}

fn finding_detail_ui(ui: &mut egui::Ui, f: &Finding) {
    ui.indent("finding", |ui| {
        ui.label(f.message.get(lang()));
        let mut facts = Vec::new();
        if let Some(a) = f.at {
            facts.push(format!("{} ({:.1}, {:.1}, {:.1})", tr("位置", "at"), a[0], a[1], a[2]));
        }
        if let Some(m) = f.measured {
            facts.push(format!("{} {}", tr("实测", "measured"), minehaz_core::rules::round_mm(m)));
        }
        if let Some(l) = f.limit {
            facts.push(format!("{} {}", tr("限值", "limit"), minehaz_core::rules::round_mm(l)));
        }
        if !facts.is_empty() {
            ui.label(facts.join("  "));
        }
        ui.label(RichText::new(format!("{} {}", tr("依据", "basis:"), f.basis.get(lang()))).weak());
    });
}

/// The protection levels (highest applicable basis) with every driver.
pub fn levels_ui(ui: &mut egui::Ui, state: &AppState) {
    let Some(l) = &state.loaded else { return };
    ui.heading(tr("防治等级（就高不就低）", "Protection levels (highest applicable)"));
    let levels = &l.report.levels;
    for (key, name, level) in [
        ("water", tr("水害", "Water"), &levels.water),
        ("gas", tr("瓦斯", "Gas"), &levels.gas),
        ("burst", tr("冲击地压", "Rock burst"), &levels.burst),
    ] {
        level_ui(ui, key, name, level);
    }
}

fn level_ui(ui: &mut egui::Ui, key: &str, name: &str, level: &Level) {
    egui::CollapsingHeader::new(format!("{name}: {}", level_name(level.level)))
        .id_salt(("level", key))
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new(("drivers", key)).striped(true).show(ui, |ui| {
                for d in &level.drivers {
                    let v = match d.value {
                        DriverValue::Number(x) => {
                            pick::format_value(d.criterion, &minehaz_core::model::record::Value::Real(x))
                        }
                        DriverValue::Flag(b) => b.to_string(),
                        DriverValue::Unknown => tr("未知", "unknown").to_string(),
                    };
                    ui.label(d.criterion);
                    ui.label(v);
                    ui.label(format!("→ {}", level_name(d.level)));
                    ui.end_row();
                }
            });
        });
}
