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

mod attributes;
mod findings;
mod layers;
mod ledger;
mod measuring;
mod province;
mod slopes;
mod zones;

pub use attributes::attributes_ui;
pub use findings::{design_ui, findings_ui, levels_ui};
pub use layers::layers_ui;
pub use ledger::ledger_ui;
pub use measuring::measure_ui;
pub use province::province_ui;
pub use slopes::slopes_ui;
pub use zones::zone_tool_ui;

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
    format!("{}  {}{}", minehaz_core::rules::rule_name(f.rule, lang()), who, planned)
}

fn severity_title(s: Severity) -> &'static str {
    match s {
        Severity::Major => tr("重大问题", "Major"),
        Severity::Warning => tr("警告", "Warnings"),
    }
}

/// Top bar: title, the path box with 打开/Open, the language switch; then views and tools.
/// Returns true when the language changed.
/// The alarm banner of the follow mode: the latest alarms with who must leave (撤人名单).
pub fn alarms_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let red = egui::Color32::from_rgb(200, 20, 20);
    egui::Frame::new().fill(egui::Color32::from_rgb(255, 235, 235)).inner_margin(6.0).show(ui, |ui| {
        for a in state.alarms.iter().rev().take(3) {
            let kind = match a.kind.as_str() {
                "gas" => tr("瓦斯", "gas"),
                "water_inrush" => tr("突水", "water inrush"),
                "weather" => tr("气象", "weather"),
                "water_finding" => tr("进入水体", "inside a water body"),
                k => k,
            };
            let who = if a.withdraw.is_empty() {
                tr("（无在场人员）", "(nobody present)").to_string()
            } else {
                a.withdraw.join(", ")
            };
            ui.label(
                RichText::new(format!(
                    "{} {kind} {} {}  {}: {who}",
                    tr("报警", "ALARM"),
                    a.time,
                    a.working.as_deref().unwrap_or_default(),
                    tr("立即撤人", "withdraw now")
                ))
                .color(red)
                .strong(),
            );
            ui.label(RichText::new(&a.reason).color(red));
        }
        if ui.button(tr("知道了", "Acknowledge")).clicked() {
            state.alarms.clear();
        }
    });
}

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
    ui.horizontal_wrapped(|ui| {
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
        let epochs: Vec<String> = state
            .loaded
            .as_ref()
            .map(|l| l.survey().point_clouds.iter().map(|p| p.epoch.clone()).collect())
            .unwrap_or_default();
        if !epochs.is_empty() {
            ui.separator();
            ui.checkbox(&mut state.edl, tr("点云眼罩光照", "Eye-dome lighting")).on_hover_text(tr(
                "按深度差为点云加暗边，台阶一目了然",
                "shades point clouds by depth so benches read",
            ));
            point_view_ui(ui, state, &epochs);
        }
        if state.cam.mode != Mode::Plan {
            let lab = ui.label(tr("垂直放大", "Vertical exaggeration"));
            let mut v = state.cam.vexag;
            let slider = egui::Slider::new(&mut v, 1.0..=crate::render::camera::MAX_VEXAG)
                .logarithmic(true)
                .suffix("×")
                .max_decimals(1);
            if ui.add(slider).labelled_by(lab.id).changed() {
                state.cam.set_vexag(v);
            }
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

/// The point-cloud epoch switch and colouring.
fn point_view_ui(ui: &mut egui::Ui, state: &mut AppState, epochs: &[String]) {
    use crate::scene::layers::pointcloud::PointColour;
    let latest = epochs.iter().max().cloned();
    let mut epoch = state.scene_options.epoch.clone().or_else(|| latest.clone());
    let mut colour = state.scene_options.point_colour;
    let lab = ui.label(tr("期次", "Epoch"));
    egui::ComboBox::from_id_salt("epoch")
        .selected_text(epoch.clone().unwrap_or_default())
        .show_ui(ui, |ui| {
            let mut sorted = epochs.to_vec();
            sorted.sort();
            for e in sorted {
                ui.selectable_value(&mut epoch, Some(e.clone()), e);
            }
        })
        .response
        .labelled_by(lab.id);
    let name = |c: PointColour| match c {
        PointColour::Elevation => tr("按高程", "by elevation"),
        PointColour::Class => tr("按分类", "by class"),
        PointColour::Intensity => tr("按强度", "by intensity"),
        PointColour::Change => tr("与上一期变化", "change since previous"),
    };
    let lab = ui.label(tr("着色", "Colour"));
    egui::ComboBox::from_id_salt("point colour")
        .selected_text(name(colour))
        .show_ui(ui, |ui| {
            for c in [PointColour::Elevation, PointColour::Class, PointColour::Intensity, PointColour::Change] {
                ui.selectable_value(&mut colour, c, name(c));
            }
        })
        .response
        .labelled_by(lab.id);
    // The latest is the default: keep None for it, so a reload keeps following the latest.
    let epoch = epoch.filter(|e| Some(e) != latest.as_ref());
    state.set_point_view(epoch, colour);
}

fn color32(c: [f32; 4]) -> Color32 {
    Color32::from(egui::Rgba::from_rgba_unmultiplied(c[0], c[1], c[2], c[3].max(0.6)))
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
        "seams" => "seam floors",
        "seam_profile" => "seam floors along the section",
        "ground_profile" => "ground line",
        "strata_correlation" => "strata correlated between boreholes",
        "faults" => "faults",
        "fault_surfaces" => "fault surfaces",
        "water_lines" => "exploration / warning lines, pillars",
        "boreholes" => "boreholes",
        "drillholes" => "advance drill holes",
        "planned_drillholes" => "drilling design (planned holes, stop lines)",
        "workings" => "workings",
        "findings" => "findings",
        other => other,
    };
    s.to_string()
}
