//! The roll-up panel: the province map and its mines, a click opens one.

use super::*;

pub fn province_ui(ui: &mut egui::Ui, state: &mut AppState) {
    if let Some(p) = state.province.as_mut() {
        if p.texture.is_none() {
            if let Some(img) = &p.overview {
                p.texture = Some(ui.ctx().load_texture("province-overview", img.clone(), egui::TextureOptions::LINEAR));
            }
        }
    }
    let Some(p) = state.province.as_ref() else { return };
    ui.heading(format!("{} ({} {})", tr("省级汇总", "Roll-up"), p.mines.len(), tr("座矿井", "mines")));
    ui.label(RichText::new(p.dir.display().to_string()).small());
    if let (Some(img), Some(tex)) = (&p.overview, &p.texture) {
        let w = ui.available_width().min(380.0);
        let h = w * img.size[1] as f32 / img.size[0].max(1) as f32;
        ui.image((tex.id(), egui::vec2(w, h)));
    }
    let mut open = None;
    for (i, m) in p.mines.iter().enumerate() {
        let c = m.highest.map_or([160, 160, 160, 255], |k| crate::cmd::rollup::COLOURS[k]);
        let text = format!("{} {} ({})", m.mine_id, m.name, m.majors);
        ui.horizontal(|ui| {
            let (r, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(r, 2.0, Color32::from_rgba_unmultiplied(c[0], c[1], c[2], c[3]));
            if ui.button(text).on_hover_text(m.county.clone().unwrap_or_default()).clicked() {
                open = Some(i);
            }
        });
    }
    if let Some(i) = open {
        if let Err(e) = state.open_province_mine(i) {
            state.error(&e);
        }
    }
    ui.separator();
}
