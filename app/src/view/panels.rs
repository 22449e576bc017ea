//! The panels around the viewport: top bar (open, language, views, tools), layer tree,
//! findings, levels, attributes, the zone form, measurements and the status bar. Every function
//! here only shows [`AppState`] and calls its methods.

use super::marking::{class_label, hazard_label};
use super::measure;
use super::orbit::Mode;
use super::pick;
use super::state::{AppState, Tool};
use egui::{Color32, RichText};
use minehaz_core::i18n::{lang, set_lang, tr, Lang};
use minehaz_core::model::record::Enumerated;
use minehaz_core::model::{Hazard, ZoneClass};
use minehaz_core::rules::{DriverValue, Finding, Level, Severity};
use std::path::PathBuf;

/// 中文 / English name of a protection level value.
pub fn level_name(level: &str) -> String {
    let zh = match level {
        "simple" => "简单",
        "medium" => "中等",
        "complex" => "复杂",
        "extreme" => "极复杂",
        "low" => "低瓦斯",
        "high" => "高瓦斯",
        "outburst" => "突出",
        "none" => "无",
        "weak" => "弱",
        "strong" => "强",
        "unknown" => "未知",
        _ => "",
    };
    if zh.is_empty() || lang() == Lang::En {
        level.to_string()
    } else {
        format!("{zh} ({level})")
    }
}

/// The one-line title of a finding (as `minehaz check` prints it).
pub fn finding_title(f: &Finding) -> String {
    let who = f.subject();
    let planned = if f.planned { tr(" [计划]", " [planned]") } else { "" };
    format!("{}  {}{}", f.rule, who, planned)
}

fn severity_title(s: Severity) -> &'static str {
    match s {
        Severity::Major => tr("重大问题", "Major"),
        Severity::Warning => tr("警告", "Warnings"),
    }
}

/// Top bar: title, the path box with 打开/Open, the language switch; then views and tools.
/// Returns true when the language changed.
pub fn top_bar_ui(ui: &mut egui::Ui, state: &mut AppState) -> bool {
    let mut lang_changed = false;
    ui.horizontal(|ui| {
        ui.label(RichText::new(tr("矿山隐蔽致灾因素三维 GIS", "minehaz 3D GIS")).strong());
        ui.separator();
        let lab = ui.label(tr("路径", "Path"));
        let edit = ui
            .add(
                egui::TextEdit::singleline(&mut state.path_input)
                    .hint_text(tr("调查数据包目录或 .gpkg 工程文件", "survey folder or .gpkg store"))
                    .desired_width(360.0),
            )
            .labelled_by(lab.id);
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button(tr("打开", "Open")).clicked() || enter {
            let path = PathBuf::from(state.path_input.trim());
            let _ = state.open(&path);
        }
        ui.separator();
        for (l, name) in [(Lang::Zh, "中文"), (Lang::En, "English")] {
            if ui.selectable_label(lang() == l, name).clicked() && lang() != l {
                set_lang(l);
                lang_changed = true;
            }
        }
        ui.separator();
        ui.label(format!("{} {}", tr("检查日期", "as of"), state.as_of));
    });
    ui.horizontal(|ui| {
        ui.label(tr("视图", "View"));
        let mut mode = state.cam.mode;
        ui.selectable_value(&mut mode, Mode::Plan, tr("平面图", "Plan"));
        ui.selectable_value(&mut mode, Mode::ThreeD, tr("三维", "3D"));
        ui.selectable_value(&mut mode, Mode::Section, tr("剖面图", "Section"));
        if mode != state.cam.mode {
            if mode == Mode::Section && state.cam.section.is_none() {
                state.set_tool(Tool::Section);
                state.cam.mode = Mode::Plan;
                state.info("在平面图中点击两点定义剖面线", "click two points in the plan view to define the section");
            } else {
                state.cam.mode = mode;
            }
        }
        if ui.button(tr("适应范围", "Fit")).clicked() {
            state.cam.fit_all();
        }
        ui.separator();
        ui.label(tr("工具", "Tool"));
        let mut tool = state.tool;
        ui.selectable_value(&mut tool, Tool::Select, tr("选择", "Select"));
        ui.selectable_value(&mut tool, Tool::Section, tr("剖面线", "Section line"));
        ui.selectable_value(&mut tool, Tool::MarkZone, tr("标记分区", "Mark zone"));
        ui.selectable_value(&mut tool, Tool::Measure, tr("测量", "Measure"));
        if tool != state.tool {
            state.set_tool(tool);
            if matches!(tool, Tool::Section | Tool::MarkZone) {
                state.cam.mode = Mode::Plan;
            }
        }
        if state.tool == Tool::Section || state.cam.mode == Mode::Section {
            let lab = ui.label(tr("剖面宽度 (m)", "Slab width (m)"));
            let mut wdt = state.section_width_m;
            if ui.add(egui::DragValue::new(&mut wdt).range(1.0..=5000.0).speed(1.0)).labelled_by(lab.id).changed() {
                state.set_section_width(wdt);
            }
        }
    });
    lang_changed
}

fn color32(c: [f32; 4]) -> Color32 {
    Color32::from(egui::Rgba::from_rgba_unmultiplied(c[0], c[1], c[2], c[3].max(0.6)))
}

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
        egui::Grid::new("attributes").striped(true).num_columns(2).show(ui, |ui| {
            for (k, v) in &f.attrs {
                ui.label(k);
                ui.label(pick::format_value(k, v));
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
                    state.message = Some(super::state::Message {
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

/// Measurements of the measuring tool.
pub fn measure_ui(ui: &mut egui::Ui, state: &mut AppState) {
    if state.tool != Tool::Measure {
        return;
    }
    ui.heading(tr("测量", "Measure"));
    let pts = &state.measure;
    if state.cam.is_3d() {
        ui.label(tr(
            "点击两个点（吸附到要素顶点，否则取光标与场景中心水平面的交点）",
            "Click two points (feature vertices, else where the cursor meets the scene's centre plane)",
        ));
        if let [a, b] = pts[..] {
            let (d, h, dz) = measure::distance_3d(a, b);
            ui.label(format!("{}: {d:.2} m", tr("空间距离", "3D distance")));
            ui.label(format!("{}: {h:.2} m  Δz: {dz:.2} m", tr("水平距离", "plan distance")));
        }
    } else {
        ui.label(tr("在平面图中点击各点", "Click points in the plan view"));
        ui.label(format!("{}: {}", tr("点数", "points"), pts.len()));
        ui.label(format!("{}: {:.2} m", tr("距离", "distance"), measure::plan_length(pts)));
        if pts.len() >= 3 {
            ui.label(format!("{}: {:.1} m²", tr("面积", "area"), measure::plan_area(pts)));
        }
    }
    if !state.measure.is_empty() && ui.button(tr("清除测量", "Clear measurement")).clicked() {
        state.measure.clear();
    }
}

/// The status bar: cursor coordinates in the mine CRS, the view, the renderer and messages.
pub fn status_bar_ui(ui: &mut egui::Ui, state: &AppState, cursor: Option<[f64; 3]>, render: &str) {
    ui.horizontal(|ui| {
        let crs = state.loaded.as_ref().map_or("", |l| l.scene.crs.as_str());
        match cursor {
            Some(p) => {
                let z = match state.cam.mode {
                    Mode::Plan => String::new(),
                    Mode::Section if state.cam.section.is_some() => format!("  z {:.1} m", p[2]),
                    _ => format!("  z ≈ {:.1} m ({})", p[2], tr("场景中心水平面", "scene centre plane")),
                };
                ui.label(format!("{crs}  x {:.2}  y {:.2}{z}", p[0], p[1]));
            }
            None => {
                ui.label(crs);
            }
        }
        ui.separator();
        ui.label(render);
        if let Some(m) = &state.message {
            ui.separator();
            let color = if m.error { Color32::RED } else { Color32::from_rgb(0, 110, 0) };
            ui.label(RichText::new(&m.text).color(color));
        }
    });
}

/// The English name of a scene layer for the layer tree.
fn english_name(layer: &str) -> String {
    let s = match layer {
        "ground" => "ground reference",
        "grids" => "geophysical grids",
        "licence" => "licence",
        "pointcloud" => "LiDAR point cloud",
        "goaf" => "old goaf",
        "water_bodies" => "water bodies",
        "collapse_columns" => "collapse columns",
        "gas_zones" => "gas-rich zones",
        "burst_zones" => "rock-burst zones",
        "fire_zones" => "fire zones",
        "anomalies" => "geophysical anomalies",
        "zones" => "zones (mineable / deferred / no-mining)",
        "faults" => "faults",
        "water_lines" => "exploration / warning lines, pillars",
        "boreholes" => "boreholes",
        "drillholes" => "advance drill holes",
        "workings" => "workings",
        "findings" => "findings",
        other => other,
    };
    s.to_string()
}
