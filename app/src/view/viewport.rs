//! The central viewport: the scene drawn by our renderer, and the mouse.
//!
//! Drawing: our [`Gpu`] is built on eframe's own wgpu device (`Gpu::from_device`), renders the
//! uploaded [`GpuScene`] into its offscreen colour texture (`Gpu::render_to_texture`), and egui
//! shows that texture (registered with `egui_wgpu`'s renderer as a native texture): no readback.
//! Without a wgpu render state (an integration without wgpu) it falls back to our own headless
//! device, reads the image back and uploads it as an egui texture. Either way a frame is
//! rendered only when the camera, the layer visibility, the styles, the data or the size change.
//!
//! Mouse: orbit (drag, 3D), pan (right or middle drag, shift-drag, or drag in plan and
//! section), zoom (scroll, keeping the point under the cursor in plan and section), and clicks
//! for the tool in use. Overlays (labels, selection, the zone being marked, the section line,
//! measurements) are drawn with egui over the image.

use super::orbit::Mode;
use super::pick::{self, Feature};
use super::state::{AppState, Tool};
use crate::render::camera::{Camera, ViewKind};
use crate::render::gpu::{Gpu, GpuScene};
use egui::{Color32, Pos2, Rect, Sense, Stroke, Vec2};
use minehaz_core::i18n::{lang, tr};
use minehaz_core::model::record::Geom;
use minehaz_core::placement;
use std::time::{Duration, Instant};

/// Picking tolerance, pixels.
pub const PICK_PX: f32 = 6.0;

enum Texture {
    /// Our colour target, registered with egui-wgpu (shared device).
    Native(egui::TextureId),
    /// A read-back image (fallback).
    Image(egui::TextureHandle),
}

impl Texture {
    fn id(&self) -> egui::TextureId {
        match self {
            Texture::Native(id) => *id,
            Texture::Image(h) => h.id(),
        }
    }
}

/// What a rendered frame depends on.
#[derive(Debug, Clone, PartialEq)]
struct FrameKey {
    camera: Camera,
    visible: Vec<bool>,
    data: u64,
    style: u64,
    edl: bool,
}

/// The renderer's side of the viewport.
#[derive(Default)]
pub struct SceneView {
    gpu: Option<Gpu>,
    /// The GPU shares eframe's device (no readback).
    pub shared_device: bool,
    gpu_scene: Option<GpuScene>,
    uploaded: Option<(u64, u64)>,
    texture: Option<Texture>,
    key: Option<FrameKey>,
    /// Frames rendered so far, and the time of the last one (wait for the device included when
    /// `wait_for_device` is set, else only the CPU side: sorting, encoding, submitting).
    pub renders: u64,
    pub last_render: Duration,
    pub wait_for_device: bool,
    pub adapter: String,
    pub failure: Option<String>,
    /// The image rectangle (points) of the last frame.
    pub rect: Option<Rect>,
    pub pixels_per_point: f32,
}

impl SceneView {
    /// The image size in pixels for a rectangle in points.
    fn size_px(&self, rect: Rect) -> (u32, u32) {
        let s = rect.size() * self.pixels_per_point;
        ((s.x.round() as u32).max(1), (s.y.round() as u32).max(1))
    }

    /// The camera of the last frame.
    pub fn camera(&self, state: &mut AppState) -> Option<Camera> {
        let (w, h) = self.size_px(self.rect?);
        Some(state.cam.camera(w, h))
    }

    /// Screen position (points) of a world point in the last frame.
    pub fn world_to_screen(&self, state: &mut AppState, world: [f64; 3]) -> Option<Pos2> {
        let cam = self.camera(state)?;
        let rect = self.rect?;
        let (p, z) = cam.project(pick::local(world, state.origin()))?;
        (0.0..=1.0).contains(&z).then(|| rect.min + Vec2::new(p[0], p[1]) / self.pixels_per_point)
    }

    /// The world point under a screen position (see `ViewCamera::unproject`).
    pub fn screen_to_world(&self, state: &mut AppState, pos: Pos2) -> Option<[f64; 3]> {
        let rect = self.rect?;
        let (w, h) = self.size_px(rect);
        let px = (pos - rect.min) * self.pixels_per_point;
        state.cam.unproject([px.x, px.y], w, h).map(|p| state.to_world(p))
    }

    fn ensure_gpu(&mut self, frame: &eframe::Frame) -> anyhow::Result<&Gpu> {
        if self.gpu.is_none() {
            let gpu = match frame.wgpu_render_state() {
                Some(rs) => {
                    self.shared_device = true;
                    Gpu::from_device(&rs.adapter, rs.device.clone(), rs.queue.clone())?
                }
                None => {
                    self.shared_device = false;
                    Gpu::new()?
                }
            };
            self.adapter = gpu.adapter_name();
            self.gpu = Some(gpu);
        }
        self.gpu.as_ref().ok_or_else(|| anyhow::anyhow!("no GPU"))
    }

    /// Render the scene if anything it depends on changed, and paint it into `rect`.
    pub fn show(&mut self, ui: &mut egui::Ui, frame: &eframe::Frame, state: &mut AppState, rect: Rect) {
        self.rect = Some(rect);
        self.pixels_per_point = ui.ctx().pixels_per_point();
        if state.loaded.is_none() {
            return;
        }
        if let Err(e) = self.render_if_needed(ui.ctx(), frame, state, rect) {
            self.failure = Some(format!("{e:#}"));
        }
        if let Some(t) = &self.texture {
            let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
            ui.painter().with_clip_rect(rect).image(t.id(), rect, uv, Color32::WHITE);
        }
    }

    fn render_if_needed(
        &mut self,
        ctx: &egui::Context,
        frame: &eframe::Frame,
        state: &mut AppState,
        rect: Rect,
    ) -> anyhow::Result<()> {
        let (w, h) = self.size_px(rect);
        let camera = state.cam.camera(w, h);
        let key = FrameKey {
            camera,
            visible: state.layers.iter().map(|l| l.visible).collect(),
            data: state.data_generation,
            style: state.style_generation,
            edl: state.edl,
        };
        if self.key.as_ref() == Some(&key) && self.texture.is_some() {
            return Ok(());
        }
        self.ensure_gpu(frame)?;
        let gpu = self.gpu.as_ref().ok_or_else(|| anyhow::anyhow!("no GPU"))?;
        if self.uploaded != Some((key.data, key.style)) {
            let scene = state.styled_scene().ok_or_else(|| anyhow::anyhow!("no scene"))?;
            self.gpu_scene = Some(gpu.upload(&scene));
            self.uploaded = Some((key.data, key.style));
        }
        let gpu_scene = self.gpu_scene.as_mut().ok_or_else(|| anyhow::anyhow!("no scene"))?;
        // Not in sections: a slab of points seen edge-on is all depth edges.
        gpu_scene.edl = state.edl && gpu_scene.has_points() && !matches!(camera.kind, ViewKind::Section { .. });
        let gpu_scene = &*gpu_scene;
        let visible = |name: &str| state.visible(name);
        let start = Instant::now();
        match frame.wgpu_render_state().filter(|_| self.shared_device) {
            Some(rs) => {
                let view = gpu.render_to_texture(gpu_scene, &camera, &visible)?;
                if self.wait_for_device {
                    let _ = gpu.device.poll(wgpu::PollType::wait_indefinitely());
                }
                let mut renderer = rs.renderer.write();
                match &self.texture {
                    Some(Texture::Native(id)) => {
                        renderer.update_egui_texture_from_wgpu_texture(&rs.device, &view, wgpu::FilterMode::Linear, *id)
                    }
                    _ => {
                        let id = renderer.register_native_texture(&rs.device, &view, wgpu::FilterMode::Linear);
                        self.texture = Some(Texture::Native(id));
                    }
                }
            }
            None => {
                let img = gpu.render(gpu_scene, &camera, &visible)?;
                let image = egui::ColorImage::from_rgba_unmultiplied([w as usize, h as usize], img.as_raw());
                match &mut self.texture {
                    Some(Texture::Image(handle)) => handle.set(image, egui::TextureOptions::LINEAR),
                    _ => {
                        self.texture =
                            Some(Texture::Image(ctx.load_texture("minehaz-scene", image, egui::TextureOptions::LINEAR)))
                    }
                }
            }
        }
        self.last_render = start.elapsed();
        self.renders += 1;
        self.key = Some(key);
        self.failure = None;
        Ok(())
    }
}

/// The viewport's mouse handling and overlays. Returns the world point under the cursor.
pub fn viewport_ui(
    ui: &mut egui::Ui,
    frame: &eframe::Frame,
    view: &mut SceneView,
    state: &mut AppState,
) -> Option<[f64; 3]> {
    let rect = ui.available_rect_before_wrap();
    let response = ui.allocate_rect(rect, Sense::click_and_drag());
    ui.painter().rect_filled(rect, 0.0, Color32::WHITE);
    view.show(ui, frame, state, rect);
    if state.loaded.is_none() {
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            tr(
                "请在上方输入调查数据包目录或 .gpkg 工程文件并打开",
                "Enter a survey folder or .gpkg store above and open it",
            ),
            egui::FontId::proportional(18.0),
            Color32::DARK_GRAY,
        );
        return None;
    }
    let (w, h) = view.size_px(rect);
    let ppp = view.pixels_per_point;
    let to_px = |p: Pos2| {
        let v = (p - rect.min) * ppp;
        [v.x, v.y]
    };

    // Camera: drag, scroll.
    let shift = ui.input(|i| i.modifiers.shift);
    let d = response.drag_delta() * ppp;
    if response.dragged_by(egui::PointerButton::Secondary)
        || response.dragged_by(egui::PointerButton::Middle)
        || (response.dragged_by(egui::PointerButton::Primary) && (shift || !state.cam.is_3d()))
    {
        state.cam.pan(d.x, d.y, w, h);
    } else if response.dragged_by(egui::PointerButton::Primary) {
        state.cam.orbit(d.x, d.y);
    }
    if let Some(hover) = response.hover_pos() {
        let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let factor = (scroll * 0.002).exp() * zoom;
        if (factor - 1.0).abs() > 1e-4 {
            state.cam.zoom(factor, Some(to_px(hover)), w, h);
        }
    }

    let cursor = response.hover_pos().and_then(|p| view.screen_to_world(state, p));
    if response.clicked() {
        if let Some(pos) = response.interact_pointer_pos() {
            click(view, state, pos, to_px(pos));
        }
    }
    overlays_ui(ui, view, state, rect, cursor);
    cursor
}

fn click(view: &SceneView, state: &mut AppState, pos: Pos2, px: [f32; 2]) {
    let Some(cam) = view.camera(state) else { return };
    let ppp = view.pixels_per_point;
    let plan = state.cam.mode == Mode::Plan;
    let tol_m = cam.metres_per_pixel.map(|m| f64::from(m * ppp));
    let world = view.screen_to_world(state, pos);
    match state.tool {
        Tool::Select => {
            if plan {
                if let (Some(w), Some(m)) = (world, tol_m) {
                    state.select_plan([w[0], w[1]], m * f64::from(PICK_PX));
                }
            } else if let Some(l) = &state.loaded {
                let hits = l.catalog.pick_screen(&cam, l.scene.origin, px, PICK_PX * ppp);
                state.select(hits);
            }
        }
        Tool::Section | Tool::MarkZone if !plan => {
            state.info("请在平面图中点击", "click in the plan view");
        }
        Tool::Section => {
            if let Some(w) = world {
                state.add_section_point([w[0], w[1]]);
            }
        }
        Tool::MarkZone => match (&state.loaded, world, tol_m) {
            (Some(l), _, _) if !l.is_store() => {
                state.info(
                    "分区标注需要 .gpkg 工程文件：请先运行 minehaz import 导入",
                    "marking zones needs a .gpkg project store: run minehaz import first",
                );
            }
            (Some(_), Some(w), Some(m)) => {
                state.add_vertex([w[0], w[1]], m * f64::from(super::marking::SNAP_PX));
            }
            _ => {}
        },
        Tool::Measure => {
            if plan {
                if let Some(w) = world {
                    state.add_measure_point(w);
                }
            } else if let Some(l) = &state.loaded {
                // 3D and section: a feature vertex near the cursor, else the cursor-plane point.
                let p = l.catalog.nearest_vertex(&cam, l.scene.origin, px, 8.0 * ppp).or(world);
                if let Some(p) = p {
                    state.add_measure_point(p);
                }
            }
        }
    }
}

const HIGHLIGHT: Color32 = Color32::from_rgb(255, 170, 0);
const DRAFT: Color32 = Color32::from_rgb(200, 0, 160);
const MEASURE: Color32 = Color32::from_rgb(0, 120, 220);

/// Labels, the selection, the zone being marked, the section line and measurements.
fn overlays_ui(ui: &egui::Ui, view: &SceneView, state: &mut AppState, rect: Rect, cursor: Option<[f64; 3]>) {
    let painter = ui.painter().with_clip_rect(rect);
    let Some(cam) = view.camera(state) else { return };
    let Some(l) = &state.loaded else { return };
    let origin = l.scene.origin;
    let ppp = view.pixels_per_point;
    let screen = |local: [f32; 3]| -> Option<Pos2> {
        let (p, z) = cam.project(local)?;
        (0.0..=1.0).contains(&z).then(|| rect.min + Vec2::new(p[0], p[1]) / ppp)
    };
    let world = |p: [f64; 3]| screen(pick::local(p, origin));
    let centre_z = (l.scene.bounds[0][2] + l.scene.bounds[1][2]) / 2.0 + origin[2] as f32;

    // Labels of visible layers, placed by priority without overlaps (the placer the PNG
    // renders use); a crowded spot gets leader lines, and what finds no room is left out.
    let font = egui::FontId::proportional(12.0);
    let mut galleys = Vec::new();
    let mut requests = Vec::new();
    for layer in l.scene.layers.iter().filter(|x| state.visible(&x.name) && x.hidden.drawn_in(&cam.kind)) {
        for lab in &layer.labels {
            let Some(p) = screen(lab.pos).filter(|p| rect.contains(*p)) else { continue };
            let color = Color32::from(egui::Rgba::from_rgb(lab.color[0], lab.color[1], lab.color[2]));
            let g = painter.layout_no_wrap(lab.text.get(lang()).to_string(), font.clone(), Color32::PLACEHOLDER);
            let anchor = p - rect.min;
            requests.push(placement::Request {
                anchor: [anchor.x, anchor.y],
                size: [g.size().x + 2.0, g.size().y],
                priority: lab.priority,
            });
            galleys.push((g, color));
        }
    }
    // The data box is the camera's, computed when the scene changed (never per frame).
    let data = state.cam.data_bounds.unwrap_or(l.scene.bounds);
    let mut blocked = frame_furniture(&painter, &cam, &l.scene, data, rect, ppp);
    blocked.extend(section_axes(&painter, &cam, &l.scene, rect, ppp));
    let (placed, _) = placement::place(&requests, rect.width(), rect.height(), &blocked);
    for pl in placed {
        let (g, color) = &galleys[pl.index];
        if let Some([a, b]) = pl.leader {
            let (a, b) = (rect.min + Vec2::new(a[0], a[1]), rect.min + Vec2::new(b[0], b[1]));
            painter.line_segment([a, b], Stroke::new(1.0, color.gamma_multiply(0.8)));
        }
        let at = rect.min + Vec2::new(pl.rect.x0 + 1.0, pl.rect.y0);
        painter.galley(at + Vec2::new(1.0, 1.0), g.clone(), Color32::WHITE);
        painter.galley(at, g.clone(), *color);
    }

    // Selection.
    for (k, r) in state.selection.iter().enumerate() {
        if let Some(f) = l.catalog.get(r) {
            let width = if k == state.active { 3.0 } else { 2.0 };
            draw_feature(&painter, f, &world, f64::from(centre_z), Stroke::new(width, HIGHLIGHT));
        }
    }
    if let Some(at) = state.selected_finding.and_then(|i| l.report.findings.get(i)).and_then(|f| f.at) {
        if let Some(p) = world(at) {
            painter.circle_stroke(p, 10.0, Stroke::new(2.5, Color32::RED));
        }
    }

    // The section line (in plan) and its first point.
    if state.cam.mode == Mode::Plan {
        if let Some(s) = &state.cam.section {
            let a = screen([s.a[0], s.a[1], 0.0]);
            let b = screen([s.b[0], s.b[1], 0.0]);
            if let (Some(a), Some(b)) = (a, b) {
                painter.line_segment([a, b], Stroke::new(1.5, Color32::DARK_GREEN));
                painter.text(a, egui::Align2::RIGHT_BOTTOM, "A", egui::FontId::proportional(14.0), Color32::DARK_GREEN);
                painter.text(b, egui::Align2::LEFT_BOTTOM, "B", egui::FontId::proportional(14.0), Color32::DARK_GREEN);
            }
        }
        for p in &state.section_points {
            if let Some(p) = world([p[0], p[1], f64::from(centre_z)]) {
                painter.circle_filled(p, 4.0, Color32::DARK_GREEN);
            }
        }
    }

    // The zone being marked, with the rubber band to the cursor.
    let draft: Vec<Pos2> = state.draft.iter().filter_map(|p| world([p[0], p[1], f64::from(centre_z)])).collect();
    if !draft.is_empty() {
        painter.add(egui::Shape::line(draft.clone(), Stroke::new(2.0, DRAFT)));
        for p in &draft {
            painter.circle_filled(*p, 3.5, DRAFT);
        }
        if let Some(c) = cursor.and_then(world) {
            if let Some(last) = draft.last() {
                painter.line_segment([*last, c], Stroke::new(1.0, DRAFT));
            }
        }
    }
    if let Some(form) = &state.form {
        let pts: Vec<Pos2> = form.outline.iter().filter_map(|p| world([p[0], p[1], f64::from(centre_z)])).collect();
        if pts.len() >= 3 {
            painter.add(egui::Shape::closed_line(pts, Stroke::new(2.0, DRAFT)));
        }
    }

    // Measurements.
    let pts: Vec<Pos2> = state.measure.iter().filter_map(|p| world(*p)).collect();
    if !pts.is_empty() {
        painter.add(egui::Shape::line(pts.clone(), Stroke::new(2.0, MEASURE)));
        for p in &pts {
            painter.circle_filled(*p, 3.5, MEASURE);
        }
    }
}

/// The plan's north arrow (top left) and, in plan and section, a scale bar of a round length
/// (bottom left), as the PNG renders have them; returns their boxes (relative to `rect`) for
/// the label placer.
fn frame_furniture(
    painter: &egui::Painter,
    cam: &Camera,
    scene: &crate::scene::Scene,
    data: [[f32; 3]; 2],
    rect: Rect,
    ppp: f32,
) -> Vec<placement::Rect> {
    let ink = Color32::from_gray(20);
    let halo = Stroke::new(4.0, Color32::from_white_alpha(200));
    let mut boxes = Vec::new();
    if let Some(mpp) = cam.metres_per_pixel {
        // Metres per logical point on screen.
        let m_per_pt = mpp * ppp;
        let len_m = crate::render::overlay::nice_length(rect.width() * 0.2 * m_per_pt);
        let len = len_m / m_per_pt;
        let (x0, y) = (rect.min.x + 14.0, rect.max.y - 18.0);
        let bar = [Pos2::new(x0, y), Pos2::new(x0 + len, y)];
        painter.line_segment(bar, halo);
        painter.line_segment(bar, Stroke::new(3.0, ink));
        for x in [x0, x0 + len] {
            painter.line_segment([Pos2::new(x, y - 5.0), Pos2::new(x, y + 5.0)], Stroke::new(2.0, ink));
        }
        let text = if len_m >= 1000.0 { format!("{} km", len_m / 1000.0) } else { format!("{len_m} m") };
        let t = painter.text(
            Pos2::new(x0 + len + 6.0, y),
            egui::Align2::LEFT_CENTER,
            text,
            egui::FontId::proportional(13.0),
            ink,
        );
        boxes.push(placement::Rect::new(4.0, rect.height() - 32.0, len + 24.0 + t.width(), 30.0));
    }
    if cam.kind == crate::render::camera::ViewKind::Plan {
        let (cx, top) = (rect.min.x + 24.0, rect.min.y + 14.0);
        let tip = Pos2::new(cx, top);
        for (a, b) in [
            (Pos2::new(cx, top + 36.0), tip),
            (Pos2::new(cx - 7.0, top + 12.0), tip),
            (Pos2::new(cx + 7.0, top + 12.0), tip),
        ] {
            painter.line_segment([a, b], halo);
            painter.line_segment([a, b], Stroke::new(2.5, ink));
        }
        painter.text(Pos2::new(cx, top + 40.0), egui::Align2::CENTER_TOP, "N", egui::FontId::proportional(13.0), ink);
        boxes.push(placement::Rect::new(8.0, 8.0, 32.0, 64.0));
    }
    if matches!(cam.kind, ViewKind::ThreeD { .. }) {
        boxes.extend(furniture_3d(painter, cam, scene, data, rect, ppp));
    }
    boxes
}

/// 3D: a north arrow top left pointing where north is on screen, and the elevation axis on the
/// leftmost corner of the box (the PNG overlay's, [`crate::render::overlay::elevation_axis`]).
fn furniture_3d(
    painter: &egui::Painter,
    cam: &Camera,
    scene: &crate::scene::Scene,
    data: [[f32; 3]; 2],
    rect: Rect,
    ppp: f32,
) -> Vec<placement::Rect> {
    let ink = Color32::from_gray(20);
    let halo = Stroke::new(4.0, Color32::from_white_alpha(200));
    let font = egui::FontId::proportional(12.0);
    let mut boxes = Vec::new();
    if let Some([ux, uy]) = crate::render::overlay::north_on_screen(scene, cam) {
        let (c, r) = (rect.min + Vec2::new(30.0, 34.0), 18.0);
        let (u, n) = (Vec2::new(ux, uy), Vec2::new(-uy, ux));
        let tip = c + u * r;
        for (a, b) in [(c - u * r, tip), (tip - u * 10.0 + n * 6.0, tip), (tip - u * 10.0 - n * 6.0, tip)] {
            painter.line_segment([a, b], halo);
            painter.line_segment([a, b], Stroke::new(2.5, ink));
        }
        painter.text(tip + u * 10.0, egui::Align2::CENTER_CENTER, "N", egui::FontId::proportional(13.0), ink);
        boxes.push(placement::Rect::new(2.0, 6.0, 56.0, 56.0));
    }
    let to_screen = |p: [f32; 2]| rect.min + Vec2::new(p[0], p[1]) / ppp;
    if let Some(axis) = crate::render::overlay::elevation_axis(data, scene.origin[2], cam, 28.0 * ppp) {
        let (bottom, top) = (to_screen(axis.bottom), to_screen(axis.top));
        painter.line_segment([bottom, top], Stroke::new(2.0, ink));
        let mut r = placement::Rect::new(
            bottom.x.min(top.x) - rect.min.x - 2.0,
            top.y.min(bottom.y) - rect.min.y,
            (bottom.x - top.x).abs() + 4.0,
            (bottom.y - top.y).abs(),
        );
        for (px, z) in &axis.ticks {
            let p = to_screen(*px);
            // Labels left of the axis, or right of it at the viewport's edge.
            let (s, align) = if p.x - rect.min.x > 60.0 {
                (-1.0, egui::Align2::RIGHT_CENTER)
            } else {
                (1.0, egui::Align2::LEFT_CENTER)
            };
            painter.line_segment([p + Vec2::new(s * 6.0, 0.0), p], Stroke::new(2.0, ink));
            let t = painter.text(p + Vec2::new(s * 9.0, 0.0), align, format!("{z:.0} m"), font.clone(), ink);
            r = r.union(&placement::Rect::new(
                t.min.x - rect.min.x - 2.0,
                t.min.y - rect.min.y,
                t.width() + 14.0,
                t.height(),
            ));
        }
        boxes.push(r);
    }
    boxes
}

/// A section's elevation ticks along the left edge (round elevations in metres, through the
/// camera, so exaggeration shows) and its ends A and A′ at the bottom; returns their boxes.
fn section_axes(
    painter: &egui::Painter,
    cam: &Camera,
    scene: &crate::scene::Scene,
    rect: Rect,
    ppp: f32,
) -> Vec<placement::Rect> {
    let crate::render::camera::ViewKind::Section { a, b, .. } = cam.kind else { return Vec::new() };
    let ink = Color32::from_gray(20);
    let font = egui::FontId::proportional(12.0);
    let to_screen = |p: [f32; 3]| cam.project(p).map(|(px, _)| rect.min + Vec2::new(px[0], px[1]) / ppp);
    let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let (zlo, zhi) = (scene.bounds[0][2], scene.bounds[1][2]);
    let (Some(top), Some(bottom)) = (to_screen([mid[0], mid[1], zhi]), to_screen([mid[0], mid[1], zlo])) else {
        return Vec::new();
    };
    let px_per_m = (bottom.y - top.y).abs() / (zhi - zlo).max(1.0);
    let mut step = crate::render::overlay::nice_length((zhi - zlo).max(1.0) / 6.0);
    if step * px_per_m < 28.0 {
        step = crate::render::overlay::nice_length(28.0 / px_per_m.max(1e-6) * 2.5);
    }
    let o = scene.origin[2];
    let mut z = ((f64::from(zlo) + o) / f64::from(step)).ceil() * f64::from(step);
    let mut widest: f32 = 0.0;
    while z <= f64::from(zhi) + o {
        if let Some(p) = to_screen([mid[0], mid[1], (z - o) as f32]).filter(|p| rect.y_range().contains(p.y)) {
            painter.line_segment([Pos2::new(rect.min.x, p.y), Pos2::new(rect.min.x + 8.0, p.y)], Stroke::new(2.0, ink));
            let r = painter.text(
                Pos2::new(rect.min.x + 11.0, p.y),
                egui::Align2::LEFT_CENTER,
                format!("{z:.0} m"),
                font.clone(),
                ink,
            );
            widest = widest.max(r.width());
        }
        z += f64::from(step);
    }
    let mut boxes = vec![placement::Rect::new(0.0, 0.0, widest + 16.0, rect.height())];
    for (end, name) in [(a, "A"), (b, "A′")] {
        if let Some(p) = to_screen([end[0], end[1], zlo]) {
            let p = Pos2::new(p.x.clamp(rect.min.x + 30.0, rect.max.x - 20.0), (p.y - 4.0).min(rect.max.y - 40.0));
            let r = painter.text(p, egui::Align2::CENTER_BOTTOM, name, egui::FontId::proportional(15.0), ink);
            boxes.push(placement::Rect::new(r.min.x - rect.min.x, r.min.y - rect.min.y, r.width(), r.height()));
        }
    }
    boxes
}

/// Outline a feature: polygons at their floor (or the scene centre), lines and points as they
/// are.
fn draw_feature(
    painter: &egui::Painter,
    f: &Feature,
    world: &dyn Fn([f64; 3]) -> Option<Pos2>,
    centre_z: f64,
    stroke: Stroke,
) {
    match &f.geom {
        Some(Geom::Polygon(p)) => {
            let z = f.real("z_floor").or(f.real("z_roof")).unwrap_or(centre_z);
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                let pts: Vec<Pos2> = ring.0.iter().filter_map(|c| world([c.x, c.y, z])).collect();
                painter.add(egui::Shape::line(pts, stroke));
            }
        }
        Some(Geom::Line { coords, .. }) => {
            let pts: Vec<Pos2> = coords.iter().filter_map(|c| world(*c)).collect();
            painter.add(egui::Shape::line(pts, stroke));
        }
        Some(Geom::Point { pos, .. }) => {
            if let Some(p) = world(*pos) {
                painter.circle_stroke(p, 7.0, stroke);
            }
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::camera::ViewKind;

    /// Plan: a scale bar and a north arrow, both kept clear of labels; 3D: a north arrow and
    /// the elevation axis.
    #[test]
    fn plan_has_a_scale_bar_and_a_north_arrow_and_3d_an_arrow_and_an_axis() {
        let ctx = egui::Context::default();
        // 800 m of relief: the 3D axis is tall enough to draw.
        let bounds = [[-1000.0, -1000.0, -400.0], [1000.0, 1000.0, 400.0]];
        let rect = Rect::from_min_size(Pos2::ZERO, Vec2::new(800.0, 500.0));
        let mut counts = Vec::new();
        let mut out = ctx.run_pass(Default::default(), |ctx| {
            let painter = ctx.layer_painter(egui::LayerId::background());
            for kind in [ViewKind::Plan, ViewKind::ThreeD { azimuth_deg: 0.0, elevation_deg: 30.0 }] {
                let cam = Camera::fit(kind, bounds, 800, 500);
                let scene = crate::scene::Scene { bounds, ..Default::default() };
                let boxes = frame_furniture(&painter, &cam, &scene, bounds, rect, 1.0);
                for b in &boxes {
                    assert!(b.x0 >= 0.0 && b.y0 >= 0.0 && b.x1 <= 800.0 && b.y1 <= 500.0, "{b:?}");
                }
                counts.push(boxes.len());
            }
        });
        out.textures_delta.clear();
        assert_eq!(counts, [2, 2]);
    }
}
