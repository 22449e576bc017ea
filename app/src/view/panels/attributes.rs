//! The attributes of the picked features.

use super::*;

/// The selected features: a list to choose from and every attribute of the active one, with
/// units; zones of a project store can be edited or deleted here.
pub fn attributes_ui(ui: &mut egui::Ui, state: &mut AppState) {
    if state.selection.is_empty() {
        return;
    }
    ui.heading(tr("属性", "Attributes"));
    let Some(l) = &state.loaded else { return };
    let mut pick_active = None;
    if state.selection.len() > 1 {
        for (k, r) in state.selection.iter().enumerate() {
            let zh = l.catalog.get(r).map_or(r.layer.as_str(), |f| f.layer_zh.as_str());
            let layer = if lang() == Lang::En { r.layer.as_str() } else { zh };
            if ui.selectable_label(k == state.active, format!("{layer}: {}", r.id)).clicked() {
                pick_active = Some(k);
            }
        }
        ui.separator();
    }
    let mut edit = None;
    let mut delete = None;
    if let Some(f) = state.active_feature() {
        let layer = if lang() == Lang::En { f.r.layer.clone() } else { format!("{} ({})", f.layer_zh, f.r.layer) };
        ui.label(RichText::new(format!("{layer} {}", f.r.id)).strong());
        // Field names as users read them (the code on hover); a first column wide enough for
        // them, so names and values never run into each other.
        let grid = egui::Grid::new("attributes").striped(true).num_columns(2).min_col_width(96.0).spacing([12.0, 4.0]);
        grid.show(ui, |ui| {
            for (k, v) in &f.attrs {
                let name = minehaz_core::model::labels::field_name(k, lang()).unwrap_or(k.as_str());
                ui.add(egui::Label::new(name).truncate()).on_hover_text(k.as_str());
                ui.add(egui::Label::new(pick::display_value(k, v, lang())).wrap());
                ui.end_row();
            }
            if let Some(g) = &f.geom {
                for (k, v) in pick::geometry_summary(g) {
                    ui.label(k);
                    ui.label(v);
                    ui.end_row();
                }
            }
        });
        if f.r.layer == "zones" && l.is_store() && state.form.is_none() {
            ui.horizontal(|ui| {
                if ui.button(tr("编辑分区", "Edit zone")).clicked() {
                    edit = Some(f.r.id.clone());
                }
                if ui.button(tr("删除分区", "Delete zone")).clicked() {
                    delete = Some(f.r.id.clone());
                }
            });
        }
    }
    if let Some(k) = pick_active {
        state.active = k;
    }
    if let Some(id) = edit {
        state.start_edit(&id);
    }
    if let Some(id) = delete {
        state.confirm_delete = Some(id);
    }
    if let Some(id) = state.confirm_delete.clone() {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("{} {id}?", tr("删除分区", "Delete zone"))).color(Color32::RED));
            if ui.button(tr("确认删除", "Confirm delete")).clicked() {
                if let Err(e) = state.delete_zone(&id) {
                    state.error(&e);
                } else {
                    state.info("分区已删除（已记入审计）", "zone deleted (audited)");
                }
            }
            if ui.button(tr("取消删除", "Keep it")).clicked() {
                state.confirm_delete = None;
            }
        });
    }
}
