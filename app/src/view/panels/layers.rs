//! The layer tree: visibility, colour and opacity per layer.

use super::*;

/// The layer tree: visibility, colour and opacity of every scene layer, with its legend.
pub fn layers_ui(ui: &mut egui::Ui, state: &mut AppState) {
    ui.heading(tr("图层", "Layers"));
    let legends: Vec<Vec<(Color32, String)>> = state
        .loaded
        .as_ref()
        .map(|l| {
            l.scene
                .layers
                .iter()
                .map(|x| {
                    x.legend
                        .iter()
                        .map(|e| (color32(e.color), if lang() == Lang::En { e.en.clone() } else { e.zh.clone() }))
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    let mut restyled = false;
    egui::ScrollArea::vertical().id_salt("layers").show(ui, |ui| {
        for (k, st) in state.layers.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                let name = if lang() == Lang::En || st.name_zh.is_empty() {
                    english_name(&st.name)
                } else {
                    st.name_zh.clone()
                };
                ui.checkbox(&mut st.visible, name).on_hover_text(&st.name);
                let mut rgb = st.color.unwrap_or([st.swatch[0], st.swatch[1], st.swatch[2]]);
                if ui.color_edit_button_rgb(&mut rgb).on_hover_text(tr("颜色", "colour")).changed() {
                    st.color = Some(rgb);
                    restyled = true;
                }
            });
            ui.horizontal(|ui| {
                ui.add_space(22.0);
                let slider = egui::Slider::new(&mut st.opacity, 0.0..=1.0).text(tr("不透明度", "opacity"));
                if ui.add(slider).changed() {
                    restyled = true;
                }
                if !st.is_plain() && ui.small_button("↺").on_hover_text(tr("恢复", "reset")).clicked() {
                    st.opacity = 1.0;
                    st.color = None;
                    restyled = true;
                }
            });
            if let Some(entries) = legends.get(k).filter(|e| e.len() > 1) {
                egui::CollapsingHeader::new(tr("图例", "legend")).id_salt(("legend", k)).show(ui, |ui| {
                    for (c, text) in entries {
                        ui.horizontal(|ui| {
                            let (r, _) = ui.allocate_exact_size(egui::vec2(14.0, 10.0), egui::Sense::hover());
                            ui.painter().rect_filled(r, 2.0, *c);
                            ui.label(text);
                        });
                    }
                });
            }
        }
    });
    if restyled {
        state.style_generation += 1;
    }
}
