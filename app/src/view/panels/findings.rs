//! The findings grouped by severity (click to fly there) and the levels with their drivers.

use super::*;
use minehaz_core::model::meta::MineKind;

/// Check results grouped by severity; a click flies to the finding and selects its working and
/// feature.
pub fn findings_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(l) = &state.loaded else { return };
    ui.heading(format!("{} ({} {})", tr("检查发现", "Findings"), tr("检查日期", "as of"), l.report.as_of));
    let mut clicked = None;
    let mut plan = None;
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
                        let plannable = matches!(
                            f.rule,
                            "water.exploration_required" | "water.drilling_incomplete" | "water.warning_zone"
                        );
                        if let (true, Some(w)) = (plannable, &f.working) {
                            if ui.button(tr("设计探放水钻孔", "Plan this heading")).clicked() {
                                plan = Some(w.clone());
                            }
                        }
                    }
                }
            });
    }
    if let Some(i) = clicked {
        state.select_finding(i);
    }
    if let Some(w) = plan {
        state.plan_heading(&w);
    }
}

/// The drilling design of the heading planned from the findings panel: the 探放水设计 table and
/// the 允许掘进 notice, as `minehaz plan` prints them.
pub fn design_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(p) = &state.design else { return };
    let mut close = false;
    ui.separator();
    ui.horizontal(|ui| {
        ui.heading(tr("探放水设计", "Drilling design"));
        close = ui.small_button(tr("关闭", "close")).clicked();
    });
    for n in &p.notes {
        ui.label(RichText::new(n.get(lang())).weak());
    }
    for w in &p.warnings {
        ui.label(RichText::new(w.message.get(lang())).color(Color32::from_rgb(190, 130, 0)));
    }
    for f in &p.fans {
        ui.label(RichText::new(format!("{}  {} {}", f.id, tr("水源", "sources"), f.sources.join(", "))).strong());
        egui::Grid::new(("design", f.id.as_str())).striped(true).num_columns(5).show(ui, |ui| {
            for h in [
                tr("孔号", "hole"),
                tr("方位角°", "azim. °"),
                tr("倾角°", "incl. °"),
                tr("孔深 m", "length m"),
                tr("套管 m", "casing m"),
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for h in &f.holes {
                ui.label(&h.id);
                ui.label(format!("{:.2}", h.azimuth_deg));
                ui.label(format!("{:.2}", h.inclination_deg));
                ui.label(format!("{:.2}", h.length_m));
                ui.label(format!("{:.1}", h.casing_m));
                ui.end_row();
            }
        });
        ui.label(format!(
            "{} {:.1} m  {} ({:.1}, {:.1}, {:.1}){}",
            tr("允许掘进", "allowed advance"),
            f.allowed_advance_m,
            tr("停掘点", "stop at"),
            f.stop_at[0],
            f.stop_at[1],
            f.stop_at[2],
            if f.drain_first { tr("，须先放水", ", drain first") } else { "" }
        ));
        if f.requires_bulkhead {
            ui.label(
                RichText::new(tr("须先建防水闸墙", "a water bulkhead is required first"))
                    .color(Color32::from_rgb(200, 30, 30)),
            );
        }
    }
    for d in &p.drainage {
        ui.label(format!(
            "{} {}: {} {}{}",
            tr("放水孔", "drainage of"),
            d.goaf,
            d.holes.len(),
            tr("孔", "holes"),
            d.days.map_or(String::new(), |x| format!(", {x:.1} {}", tr("天", "days")))
        ));
    }
    if close {
        state.design = None;
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
        ui.label(RichText::new(format!("{} {}", tr("规则", "rule"), f.rule)).weak().monospace());
    });
}

/// The protection levels (highest applicable basis) with every driver.
pub fn levels_ui(ui: &mut egui::Ui, state: &AppState) {
    let Some(l) = &state.loaded else { return };
    ui.heading(tr("防治等级（就高不就低）", "Protection levels (highest applicable)"));
    let levels = &l.report.levels;
    let kind = l.survey().meta.mine.kind;
    for (key, name, level) in [
        ("water", tr("水害", "Water"), &levels.water),
        ("gas", tr("瓦斯", "Gas"), &levels.gas),
        ("burst", tr("冲击地压", "Rock burst"), &levels.burst),
    ] {
        if level_applies(kind, key) {
            level_ui(ui, key, name, level);
        }
    }
    match kind {
        MineKind::OpenPit => {
            ui.label(
                RichText::new(tr(
                    "露天矿：瓦斯与冲击地压等级不适用",
                    "Open pit: gas and rock-burst levels do not apply",
                ))
                .weak(),
            );
        }
        MineKind::UndergroundMetal => {
            ui.label(
                RichText::new(tr("金属非金属矿：瓦斯等级不适用", "Metal mine: the gas level does not apply")).weak(),
            );
        }
        MineKind::UndergroundCoal => {}
    }
}

/// Does the level `key` (water, gas, burst) apply to a mine of `kind`? Gas grading is a coal
/// mine's; an open pit has neither gas nor rock-burst grading.
pub fn level_applies(kind: MineKind, key: &str) -> bool {
    match kind {
        MineKind::UndergroundCoal => true,
        MineKind::UndergroundMetal => key != "gas",
        MineKind::OpenPit => key == "water",
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
                    let name = minehaz_core::model::labels::criterion_name(d.criterion, lang()).unwrap_or(d.criterion);
                    ui.label(name).on_hover_text(d.criterion);
                    ui.label(v);
                    ui.label(format!("→ {}", level_name(d.level)));
                    ui.end_row();
                }
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_pit_shows_only_the_water_level() {
        let shown = |k| ["water", "gas", "burst"].into_iter().filter(|key| level_applies(k, key)).collect::<Vec<_>>();
        assert_eq!(shown(MineKind::UndergroundCoal), ["water", "gas", "burst"]);
        assert_eq!(shown(MineKind::UndergroundMetal), ["water", "burst"]);
        assert_eq!(shown(MineKind::OpenPit), ["water"]);
    }
}
