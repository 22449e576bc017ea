//! The measuring panel: distance and area.

use super::*;

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
