//! The interactive viewer (`minehaz view`): an eframe window around the same renderer as
//! `minehaz render`, with a layer tree, findings and levels, picking, zone marking (audited edits
//! of a project store through core) and measuring.
//!
//! - [`state`]: the state and logic ([`state::AppState`]), testable without a window.
//! - [`orbit`]: plan / 3D orbit / section camera state and the cursor's inverse.
//! - [`pick`]: CPU picking in world coordinates and the attribute table.
//! - [`marking`]: the zone form and vertex snapping.
//! - [`measure`]: distances and areas.
//! - [`viewport`]: the scene texture (shared wgpu device), the mouse, overlays.
//! - [`panels`]: every panel (`*_ui`).
//!
//! Chinese first: the bundled CJK font is the first font of both families, and the 中文 /
//! English switch sets the process language that core's messages use too.

pub mod ledger;
pub mod marking;
pub mod measure;
pub mod orbit;
pub mod panels;
pub mod pick;
pub mod province;
pub mod state;
pub mod viewport;

#[cfg(test)]
mod tests;

use crate::render::overlay::FONT_BYTES;
use chrono::NaiveDate;
use minehaz_core::i18n::tr;
use orbit::Mode;
use state::AppState;
use std::path::PathBuf;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use viewport::SceneView;

/// How the viewer starts.
#[derive(Debug, Clone)]
pub struct Options {
    pub survey: Option<PathBuf>,
    pub as_of: NaiveDate,
    pub author: String,
    pub mode: Mode,
    /// A section line (world x1, y1, x2, y2) to start with.
    pub section: Option<[f64; 4]>,
    /// Save a screenshot of the window to this PNG once the scene is drawn, then close.
    pub screenshot: Option<PathBuf>,
    /// Orbit this many frames, print the mean frame time, then close.
    pub bench_frames: usize,
    /// Follow a store that `minehaz watch` is writing (`--follow`).
    pub follow: bool,
}

/// The window title, in the process language.
pub fn title(mine: Option<&str>) -> String {
    let app = tr("矿山隐蔽致灾因素普查三维 GIS", "minehaz — 3D GIS for hidden mine hazards");
    match mine {
        Some(m) => format!("{app} — {m}"),
        None => app.to_string(),
    }
}

/// Register the bundled CJK font as the first font of both families (Chinese everywhere; the
/// default fonts stay as fallbacks for symbols).
pub fn setup_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert("noto-sans-sc".into(), Arc::new(egui::FontData::from_static(FONT_BYTES)));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.entry(family).or_default().insert(0, "noto-sans-sc".into());
    }
    ctx.set_fonts(fonts);
}

/// Screenshot and benchmark runs.
#[derive(Default)]
struct Automation {
    screenshot: Option<PathBuf>,
    shot_rx: Option<mpsc::Receiver<Arc<egui::ColorImage>>>,
    frames_after_render: u32,
    bench_frames: usize,
    bench_done: usize,
    bench_render: Duration,
    bench_started: Option<Instant>,
    bench_renders_at_start: u64,
    orbit_time: Duration,
    orbit_renders: u64,
    finished: bool,
}

/// The eframe application.
pub struct ViewerApp {
    pub state: AppState,
    pub view: SceneView,
    pub cursor: Option<[f64; 3]>,
    title: String,
    auto: Automation,
}

impl ViewerApp {
    pub fn new(cc: &eframe::CreationContext<'_>, options: Options) -> Self {
        setup_fonts(&cc.egui_ctx);
        cc.egui_ctx.set_theme(egui::Theme::Light);
        let mut state = AppState::new(options.as_of, options.author.clone());
        state.cam.mode = options.mode;
        if let Some(path) = &options.survey {
            state.path_input = path.display().to_string();
            if state.open(path).is_ok() {
                state.cam.mode = options.mode;
                if let Some(s) = options.section {
                    state.set_tool(state::Tool::Section);
                    state.add_section_point([s[0], s[1]]);
                    state.add_section_point([s[2], s[3]]);
                    state.set_tool(state::Tool::Select);
                }
                if options.mode == Mode::Section && state.cam.section.is_none() {
                    state.cam.mode = Mode::ThreeD;
                }
                if options.follow {
                    state.start_follow();
                }
            }
        }
        let mut view = SceneView::default();
        view.wait_for_device = options.bench_frames > 0;
        view.pixels_per_point = 1.0;
        let auto =
            Automation { screenshot: options.screenshot, bench_frames: options.bench_frames, ..Default::default() };
        Self { state, view, cursor: None, title: String::new(), auto }
    }

    /// Screen position (points) of a world point in the last frame.
    #[cfg_attr(not(test), expect(dead_code, reason = "tests click at world points with it"))]
    pub fn world_to_screen(&mut self, world: [f64; 3]) -> Option<egui::Pos2> {
        self.view.world_to_screen(&mut self.state, world)
    }

    fn render_info(&self) -> String {
        if let Some(f) = &self.view.failure {
            return format!("{}: {f}", tr("渲染失败", "rendering failed"));
        }
        if self.view.renders == 0 {
            return String::new();
        }
        format!(
            "{} {} ({}) {:.1} ms",
            self.view.adapter,
            if self.view.shared_device { tr("共享设备", "shared device") } else { tr("回读", "readback") },
            self.view.renders,
            self.view.last_render.as_secs_f64() * 1000.0
        )
    }

    fn automate(&mut self, ctx: &egui::Context) {
        let a = &mut self.auto;
        if a.finished {
            return;
        }
        if a.bench_frames > 0 && self.view.renders > 0 && self.state.points_job.is_none() {
            // Phase 1 orbits one step per frame (the scene is rendered every frame); phase 2
            // repaints as many frames without a change (egui's own cost: panels, labels,
            // compositing the texture, presenting). The first rendered frame starts the clock.
            let n = a.bench_frames;
            match a.bench_started {
                None => {
                    a.bench_started = Some(Instant::now());
                    a.bench_renders_at_start = self.view.renders;
                }
                Some(start) => {
                    a.bench_done += 1;
                    if a.bench_done <= n {
                        a.bench_render += self.view.last_render;
                    }
                    if a.bench_done == n {
                        a.orbit_time = start.elapsed();
                        a.orbit_renders = self.view.renders - a.bench_renders_at_start;
                        a.bench_started = Some(Instant::now());
                    } else if a.bench_done >= 2 * n {
                        let ms = |d: Duration| d.as_secs_f64() * 1000.0 / n as f64;
                        let size = self.view.rect.map(|r| r.size() * self.view.pixels_per_point).unwrap_or_default();
                        println!(
                            "{}: {:.1} ms/{} ({} {:.1} ms, {} {}); {}: {:.1} ms/{}; {:.0}×{:.0} px; {}",
                            tr("环绕平均帧时间", "orbit mean frame time"),
                            ms(a.orbit_time),
                            tr("帧", "frame"),
                            tr("其中场景渲染", "scene render"),
                            ms(a.bench_render),
                            a.orbit_renders,
                            tr("次渲染", "renders"),
                            tr("静止重绘（不渲染场景）", "static repaint (no scene render)"),
                            ms(start.elapsed()),
                            tr("帧", "frame"),
                            size.x,
                            size.y,
                            self.view.adapter
                        );
                        a.finished = true;
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                        return;
                    }
                }
            }
            if a.bench_done < n {
                self.state.cam.orbit(360.0 / n as f32 / orbit::ORBIT_DEG_PER_PX, 0.0);
            }
            ctx.request_repaint();
            return;
        }
        if let Some(path) = a.screenshot.clone() {
            if let Some(rx) = &a.shot_rx {
                if let Ok(img) = rx.try_recv() {
                    let bytes: Vec<u8> = img.pixels.iter().flat_map(|p| p.to_srgba_unmultiplied()).collect();
                    let saved = image::RgbaImage::from_raw(img.size[0] as u32, img.size[1] as u32, bytes)
                        .ok_or_else(|| anyhow::anyhow!("screenshot size"))
                        .and_then(|i| i.save(&path).map_err(anyhow::Error::from));
                    match saved {
                        Ok(()) => println!("{} {}", tr("已写入", "Wrote"), path.display()),
                        Err(e) => eprintln!("minehaz: screenshot {}: {e:#}", path.display()),
                    }
                    a.finished = true;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    return;
                }
            } else if (self.view.renders > 0 && self.state.points_job.is_none()) || self.state.loaded.is_none() {
                a.frames_after_render += 1;
                if a.frames_after_render >= 3 {
                    let (tx, rx) = mpsc::channel();
                    ctx.request_screenshot(move |img| {
                        let _ = tx.send(img);
                    });
                    a.shot_rx = Some(rx);
                }
            }
            ctx.request_repaint_after(Duration::from_millis(50));
        }
    }
}

impl eframe::App for ViewerApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let mine = self.state.loaded.as_ref().map(|l| l.survey().meta.mine.name.clone());
        let title = title(mine.as_deref());
        if title != self.title {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        egui::Panel::top("top").show(ui, |ui| {
            panels::top_bar_ui(ui, &mut self.state);
        });
        if self.state.points_job.is_some() {
            self.state.poll_points(false);
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
        if self.state.follow.is_some() {
            self.state.poll_follow(false);
            ui.ctx().request_repaint_after(Duration::from_secs(1));
        }
        if !self.state.alarms.is_empty() {
            egui::Panel::top("alarms").show(ui, |ui| {
                panels::alarms_ui(ui, &mut self.state);
            });
        }
        let render = self.render_info();
        egui::Panel::bottom("status").show(ui, |ui| {
            panels::status_bar_ui(ui, &self.state, self.cursor, &render);
        });
        egui::Panel::left("layers").default_size(290.0).show(ui, |ui| {
            panels::layers_ui(ui, &mut self.state);
        });
        egui::Panel::right("side").default_size(400.0).show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("side").show(ui, |ui| {
                panels::province_ui(ui, &mut self.state);
                panels::zone_tool_ui(ui, &mut self.state);
                panels::measure_ui(ui, &mut self.state);
                panels::attributes_ui(ui, &mut self.state);
                panels::design_ui(ui, &mut self.state);
                panels::findings_ui(ui, &mut self.state);
                panels::ledger_ui(ui, &mut self.state);
                panels::slopes_ui(ui, &mut self.state);
                ui.separator();
                panels::levels_ui(ui, &self.state);
            });
        });
        egui::CentralPanel::no_frame().show(ui, |ui| {
            self.cursor = viewport::viewport_ui(ui, frame, &mut self.view, &mut self.state);
        });
        let ctx = ui.ctx().clone();
        self.automate(&ctx);
    }
}
