//! Zone marking: the tool and the form that saves a zone (audited).

use super::*;

/// The zone marking tool: instructions, the polygon being drawn, and the form. On a survey
/// folder it only says that a project store is needed.
pub fn zone_tool_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let store = state.loaded.as_ref().is_some_and(|l| l.is_store());
    if state.tool == Tool::MarkZone && state.form.is_none() {
        ui.heading(tr("标记分区", "Mark a zone"));
        if !store {
            ui.label(
                RichText::new(tr(
                    "分区标注需要 .gpkg 工程文件（带审计记录）。当前打开的是调查数据包目录：请先运行 minehaz import 导入为工程文件，再打开它。",
                    "Marking zones needs a .gpkg project store (with its audit log). This is a survey folder: run minehaz import first, then open the store.",
                ))
                .color(Color32::from_rgb(190, 90, 0)),
            );
            return;
        }
        ui.label(tr(
            "在平面图中依次点击顶点（8 像素内吸附到已有要素顶点）；再次点击第一个顶点或按“闭合多边形”闭合。",
            "Click the vertices in the plan view (snapping to existing vertices within 8 px); click the first vertex again or press Close polygon.",
        ));
        ui.label(format!("{}: {}", tr("顶点数", "vertices"), state.draft.len()));
        ui.horizontal(|ui| {
            if ui.add_enabled(state.draft.len() >= 3, egui::Button::new(tr("闭合多边形", "Close polygon"))).clicked()
            {
                state.close_draft();
            }
            if ui.add_enabled(!state.draft.is_empty(), egui::Button::new(tr("撤销顶点", "Undo vertex"))).clicked() {
                state.draft.pop();
            }
            if ui.add_enabled(!state.draft.is_empty(), egui::Button::new(tr("清除", "Clear"))).clicked() {
                state.draft.clear();
            }
        });
    }
    zone_form_ui(ui, state);
}

fn zone_form_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(mut form) = state.form.take() else { return };
    let title = match &form.editing {
        Some(id) => format!("{} {id}", tr("编辑分区", "Edit zone")),
        None => tr("新分区", "New zone").to_string(),
    };
    ui.heading(title);
    ui.label(format!("{}: {}", tr("顶点数", "vertices"), form.outline.len()));
    ui.label(tr("类别", "Class"));
    ui.horizontal(|ui| {
        for c in ZoneClass::ALL {
            let (zh, en) = class_label(*c);
            ui.radio_value(&mut form.class, *c, tr(zh, en));
        }
    });
    ui.label(tr("灾害类型", "Hazard"));
    ui.horizontal_wrapped(|ui| {
        for h in std::iter::once(None).chain(Hazard::ALL.iter().copied().map(Some)) {
            let (zh, en) = hazard_label(h);
            ui.radio_value(&mut form.hazard, h, tr(zh, en));
        }
    });
    egui::Grid::new("zone-form").num_columns(2).show(ui, |ui| {
        for (zh, en, value) in [
            ("划分依据", "Basis", &mut form.basis),
            ("底板标高 z_floor (m)", "Floor z_floor (m)", &mut form.z_floor),
            ("顶板标高 z_roof (m)", "Roof z_roof (m)", &mut form.z_roof),
            ("标注人", "Author", &mut form.author),
        ] {
            let lab = ui.label(tr(zh, en));
            ui.add(egui::TextEdit::singleline(value).desired_width(200.0)).labelled_by(lab.id);
            ui.end_row();
        }
    });
    ui.label(tr("是否已治理", "Treated"));
    ui.horizontal(|ui| {
        ui.radio_value(&mut form.treated, None, tr("未知", "unknown"));
        ui.radio_value(&mut form.treated, Some(true), tr("已治理", "treated"));
        ui.radio_value(&mut form.treated, Some(false), tr("未治理", "untreated"));
    });
    let mut keep = true;
    ui.horizontal(|ui| {
        if ui.button(tr("保存分区", "Save zone")).clicked() {
            match state.finish_zone(&form) {
                Ok(entry) => {
                    keep = false;
                    state.message = Some(crate::view::state::Message {
                        error: false,
                        text: format!(
                            "{} {} ({} #{})",
                            tr("已保存", "saved"),
                            entry.target,
                            tr("审计记录", "audit row"),
                            entry.seq
                        ),
                    });
                }
                Err(e) => state.error(&e),
            }
        }
        if ui.button(tr("取消编辑", "Cancel")).clicked() {
            keep = false;
        }
    });
    if keep && state.form.is_none() {
        state.form = Some(form);
    }
}
