//! The viewer's state and logic, separate from drawing: the opened survey with its check report
//! and prepared scene, layer styles, the camera, the tool in use, the selection, the zone being
//! marked and its form, the section line and the measurement. Every method calls core for the
//! rules and the edits (CONVENTIONS 9); a test drives it without a window.

use super::marking::{self, ZoneForm};
use super::orbit::{Mode, SectionLine, ViewCamera};
use super::pick::{self, Catalog, FeatureRef};
use crate::scene::{self, Mesh, Scene, SceneLayer, SceneOptions};
use anyhow::Context;
use chrono::NaiveDate;
use glam::Vec3;
use minehaz_core::i18n::{lang, tr, Text};
use minehaz_core::io::{audit, edit};
use minehaz_core::rules::{Report, Severity};
use minehaz_core::Survey;
use std::path::{Path, PathBuf};

/// What a click in the viewport does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Pick features (attribute panel).
    Select,
    /// Two clicks in plan: the section line.
    Section,
    /// Clicks in plan: the vertices of a new zone.
    MarkZone,
    /// Clicks: plan distance and area, or 3D distance between two points.
    Measure,
}

/// How one scene layer is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerStyle {
    pub name: String,
    pub name_zh: String,
    pub visible: bool,
    /// 0..1, multiplies every vertex alpha (opaque surfaces become translucent below 1).
    pub opacity: f32,
    /// Linear RGB replacing the layer's colours; None keeps them.
    pub color: Option<[f32; 3]>,
    /// The layer's representative colour (linear RGBA): legend, lines or surfaces.
    pub swatch: [f32; 4],
}

impl LayerStyle {
    fn new(l: &SceneLayer) -> Self {
        let swatch = l
            .legend
            .first()
            .map(|e| e.color)
            .or_else(|| l.lines.first().map(|v| v.color))
            .or_else(|| l.translucent.vertices.first().map(|v| v.color))
            .or_else(|| l.opaque.vertices.first().map(|v| v.color))
            .or_else(|| l.point_chunks.iter().find_map(|c| c.points.first()).map(|v| v.color))
            .unwrap_or([0.5, 0.5, 0.5, 1.0]);
        Self { name: l.name.clone(), name_zh: l.name_zh.clone(), visible: true, opacity: 1.0, color: None, swatch }
    }

    /// Is it drawn as prepared?
    pub fn is_plain(&self) -> bool {
        self.opacity >= 0.999 && self.color.is_none()
    }
}

/// A message in the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub error: bool,
    pub text: String,
}

/// What a point-cloud loading thread sends back: the layer (None: nothing to draw), the
/// problems (unreadable scans) and the notes.
pub type PointsDone = (Option<SceneLayer>, Vec<String>, Vec<String>);

/// An opened survey: the model, its check, the prepared scene and the pick catalog.
pub struct Loaded {
    pub path: PathBuf,
    /// The assessment of the survey (the survey itself, findings, levels, derived lines).
    pub assessment: minehaz_core::rules::Assessment,
    pub report: Report,
    pub scene: Scene,
    pub catalog: Catalog,
    /// Vertices a new zone snaps to (world x, y).
    pub snap_vertices: Vec<[f64; 2]>,
}

impl Loaded {
    /// The survey as it now stands (after any edits).
    pub fn survey(&self) -> &Survey {
        self.assessment.survey()
    }

    /// Is it a project store (edits possible)?
    pub fn is_store(&self) -> bool {
        is_store(&self.path)
    }
}

/// Does this path name a GeoPackage project store?
pub fn is_store(path: &Path) -> bool {
    !path.is_dir() && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gpkg"))
}

/// The smallest and largest radius shown around a finding flown to, m.
pub const FLY_MIN_RADIUS_M: f64 = 80.0;
pub const FLY_MAX_RADIUS_M: f64 = 800.0;

/// Everything the viewer knows and does.
pub struct AppState {
    pub as_of: NaiveDate,
    /// The author of edits (the form's default; deletions).
    pub author: String,
    /// The path box.
    pub path_input: String,
    pub loaded: Option<Loaded>,
    /// Bumped when the data (and so the scene) change.
    pub data_generation: u64,
    /// Bumped when opacity or colour change (the scene is re-styled and uploaded again).
    pub style_generation: u64,
    pub layers: Vec<LayerStyle>,
    pub cam: ViewCamera,
    pub tool: Tool,
    /// Picked features, best first; `active` is the one the attribute panel shows.
    pub selection: Vec<FeatureRef>,
    pub active: usize,
    pub selected_finding: Option<usize>,
    /// Vertices of the zone being marked (world x, y).
    pub draft: Vec<[f64; 2]>,
    pub form: Option<ZoneForm>,
    /// A zone whose deletion awaits confirmation.
    pub confirm_delete: Option<String>,
    pub section_points: Vec<[f64; 2]>,
    /// Full width of the section slab, m.
    pub section_width_m: f32,
    /// Eye-dome lighting of point clouds (on by default).
    pub edl: bool,
    /// What the scene is prepared with: the point-cloud epoch and colouring (the viewer's
    /// epoch switch and colour choice).
    pub scene_options: SceneOptions,
    /// The point cloud being read on its loading thread (the window stays live): the job's
    /// number and where its layer arrives ([`AppState::poll_points`]).
    pub points_job: Option<(u64, std::sync::mpsc::Receiver<PointsDone>)>,
    points_jobs: u64,
    pub measure: Vec<[f64; 3]>,
    pub message: Option<Message>,
    /// The drilling design shown in the design panel ("plan this heading").
    pub design: Option<minehaz_core::plan::Plan>,
    /// `view STORE --follow`: the store is read again when a running `minehaz watch` has
    /// committed events to it.
    pub follow: Option<Follow>,
    /// Alarms committed by `watch` since the viewer followed the store (the banner), oldest first.
    pub alarms: Vec<minehaz_core::io::live_store::AlarmRow>,
    /// The ledger panel: the selected hazard and the action form.
    pub ledger: super::ledger::LedgerUi,
    /// An opened roll-up folder (its mines open from the province panel).
    pub province: Option<super::province::Province>,
}

/// What the follow mode has seen of the store.
#[derive(Debug, Clone, Default)]
pub struct Follow {
    /// Events applied when the store was last read.
    pub seen: u64,
    /// The last alarm row shown.
    pub alarm_seen: u64,
    pub checked: Option<std::time::Instant>,
    /// The rows read so far ([`minehaz_core::io::live_store::committed_since`]).
    pub cursor: minehaz_core::io::live_store::Cursor,
    /// Times the store was read whole since following began (0 while every commit could be
    /// taken in incrementally).
    pub full_reads: u64,
}

impl AppState {
    pub fn new(as_of: NaiveDate, author: String) -> Self {
        Self {
            as_of,
            author,
            path_input: String::new(),
            loaded: None,
            data_generation: 0,
            style_generation: 0,
            layers: Vec::new(),
            cam: ViewCamera::new([[-1.0; 3], [1.0; 3]], Mode::ThreeD),
            tool: Tool::Select,
            selection: Vec::new(),
            active: 0,
            selected_finding: None,
            draft: Vec::new(),
            form: None,
            confirm_delete: None,
            section_points: Vec::new(),
            section_width_m: 100.0,
            edl: true,
            scene_options: SceneOptions::default(),
            points_job: None,
            points_jobs: 0,
            measure: Vec::new(),
            message: None,
            design: None,
            follow: None,
            alarms: Vec::new(),
            ledger: Default::default(),
            province: None,
        }
    }

    /// Follow the loaded store: from now on [`AppState::poll_follow`] re-reads it when `watch`
    /// commits events. The alarms already in the store are not shown again.
    pub fn start_follow(&mut self) {
        let Some(path) = self.loaded.as_ref().map(|l| l.path.clone()).filter(|p| is_store(p)) else {
            self.info("跟随模式需要 .gpkg 工程文件", "following needs a .gpkg store");
            return;
        };
        use minehaz_core::io::live_store;
        let seen = live_store::watch_state(&path).map(|w| w.events_applied).unwrap_or(0);
        let alarm_seen = live_store::alarms_after(&path, 0).ok().and_then(|v| v.last().map(|(n, _)| *n)).unwrap_or(0);
        let Some(cursor) = self.loaded.as_ref().map(|l| live_store::Cursor::of_read(l.assessment.survey())) else {
            return;
        };
        self.follow =
            Some(Follow { seen, alarm_seen, checked: Some(std::time::Instant::now()), cursor, full_reads: 0 });
    }

    /// In follow mode, at most once a second (or now with `force`): when the store's watch
    /// counter moved, read the store again (the view kept; the as-of date follows the watch
    /// clock) and take the new alarms into the banner. True when something changed.
    pub fn poll_follow(&mut self, force: bool) -> bool {
        use minehaz_core::io::live_store;
        let Some(f) = &self.follow else { return false };
        if !force && f.checked.is_some_and(|t| t.elapsed() < std::time::Duration::from_secs(1)) {
            return false;
        }
        let Some(path) = self.loaded.as_ref().map(|l| l.path.clone()) else { return false };
        let (seen, alarm_seen) = (f.seen, f.alarm_seen);
        let now = std::time::Instant::now();
        let state = match live_store::watch_state(&path) {
            Ok(s) => s,
            Err(e) => {
                self.error(&e.into());
                return false;
            }
        };
        if let Some(f) = &mut self.follow {
            f.checked = Some(now);
        }
        if state.events_applied == seen {
            return false;
        }
        if let Some(c) = state.clock {
            self.as_of = c.date_naive();
        }
        // What watch committed, applied to the assessment (only the layers it touches prepared
        // again); the store read whole only when that cannot be done or does not add up.
        if !self.follow_committed(&path) {
            if let Err(e) = self.load(&path, true) {
                self.error(&e);
                return false;
            }
            let cursor = self.loaded.as_ref().map(|l| live_store::Cursor::of_read(l.assessment.survey()));
            if let (Some(f), Some(c)) = (&mut self.follow, cursor) {
                f.cursor = c;
                f.full_reads += 1;
            }
        }
        let new = live_store::alarms_after(&path, alarm_seen).unwrap_or_default();
        let last = new.last().map_or(alarm_seen, |(n, _)| *n);
        self.alarms.extend(new.into_iter().map(|(_, a)| a));
        if let Some(f) = &mut self.follow {
            f.seen = state.events_applied;
            f.alarm_seen = last;
        }
        true
    }

    /// Take in what `watch` committed since the follow cursor: workings and drillholes replaced
    /// by id, fixes, readings and weather appended, through `Assessment::apply_at` at the watch
    /// clock; then the layers they touch are prepared again. False (nothing changed, or a part
    /// changed: the caller reads the store whole) when reading or applying fails, or when the
    /// appended tables' row counts then differ from what the assessment holds.
    fn follow_committed(&mut self, path: &Path) -> bool {
        use minehaz_core::io::live_store;
        use minehaz_core::rules::Change;
        let (Some(f), Some(l)) = (self.follow.as_mut(), self.loaded.as_mut()) else { return false };
        let mut cursor = f.cursor.clone();
        let Ok(c) = live_store::committed_since(path, &mut cursor) else { return false };
        let (workings_moved, holes_drilled) = (!c.workings.is_empty(), !c.drillholes.is_empty());
        let mut changes: Vec<Change> = Vec::new();
        changes.extend(c.workings.into_iter().map(Change::Working));
        changes.extend(c.drillholes.into_iter().map(Change::Drillhole));
        if !c.fixes.is_empty() {
            changes.push(Change::Fixes(c.fixes));
        }
        if !c.readings.is_empty() {
            changes.push(Change::Readings(c.readings));
        }
        if !c.weather.is_empty() {
            changes.push(Change::Weather(c.weather));
        }
        if changes.is_empty() {
            changes.push(Change::Tick);
        }
        for ch in changes {
            let applied = match c.watch.clock {
                Some(t) => l.assessment.apply_at(ch, t),
                None => l.assessment.apply(ch),
            };
            if applied.is_err() {
                return false;
            }
        }
        let s = l.assessment.survey();
        let held = [s.positioning.len(), s.readings.len(), s.weather.len()].map(|n| n as u64);
        if live_store::Cursor::row_counts(path).ok() != Some(held) {
            return false;
        }
        f.cursor = cursor;
        let report = l.assessment.report();
        // Only the layers what watch committed can change are prepared again: a second of
        // fixes alone re-meshes no working (the findings only when they changed).
        let mut names = Vec::new();
        if workings_moved || holes_drilled {
            names.extend(["water_lines", "planned_drillholes"]);
        }
        if workings_moved {
            names.push("workings");
        }
        if holes_drilled {
            names.push("drillholes");
        }
        if report != l.report {
            names.push("findings");
        }
        l.report = report;
        scene::reprepare(&mut l.scene, &l.assessment, &l.report, &names, &self.scene_options);
        if workings_moved {
            l.catalog.replace_layer(&l.assessment.survey().layers.workings);
            l.snap_vertices = l.catalog.vertices_of(marking::SNAP_LAYERS);
        }
        if holes_drilled {
            l.catalog.replace_layer(&l.assessment.survey().layers.drillholes);
        }
        for sl in &l.scene.layers {
            if !self.layers.iter().any(|x| x.name == sl.name) {
                self.layers.push(LayerStyle::new(sl));
            }
        }
        self.data_generation += 1;
        true
    }

    /// Design the advance drilling of one heading (PLANNING.md) from the loaded assessment and
    /// show it in the design panel; a heading that gets no fan leaves the plan's notes.
    pub fn plan_heading(&mut self, id: &str) {
        let Some(l) = &self.loaded else { return };
        match minehaz_core::plan::plan(&l.assessment, &[id.to_string()]) {
            Ok(mut p) => {
                // `plan` adds a named heading to those that need a fan anyway: keep this one's.
                p.fans.retain(|f| f.heading == id);
                p.drainage.retain(|d| d.heading == id);
                p.warnings.retain(|w| w.heading.as_deref().is_none_or(|h| h == id));
                self.design = Some(p);
            }
            Err(e) => {
                self.message = Some(Message { error: true, text: e.to_string() });
                self.design = None;
            }
        }
    }

    pub fn info(&mut self, zh: &str, en: &str) {
        self.message = Some(Message { error: false, text: Text::new(zh, en).get(lang()).to_string() });
    }

    pub fn error(&mut self, e: &anyhow::Error) {
        self.message = Some(Message { error: true, text: format!("{e:#}") });
    }

    /// Open a survey folder or project store; on failure the current one stays and the error
    /// is returned (and shown).
    pub fn open(&mut self, path: &Path) -> anyhow::Result<()> {
        if super::province::is_rollup(path) {
            return match super::province::read(path) {
                Ok(p) => {
                    self.path_input = path.display().to_string();
                    self.info(
                        &format!("已打开省级汇总：{} 座矿井，点击矿井打开", p.mines.len()),
                        &format!("roll-up opened: {} mines; click one to open it", p.mines.len()),
                    );
                    self.province = Some(p);
                    Ok(())
                }
                Err(e) => {
                    self.error(&e);
                    Err(e)
                }
            };
        }
        let r = self.load(path, false);
        match &r {
            Ok(()) => {
                self.path_input = path.display().to_string();
                let problems = self.loaded.as_ref().map(|l| l.scene.problems.join("; ")).unwrap_or_default();
                self.message = (!problems.is_empty()).then_some(Message { error: true, text: problems });
            }
            Err(e) => self.error(e),
        }
        r
    }

    /// Read the store again after a change, keeping the view.
    pub fn load_keeping_view(&mut self, path: &Path) -> anyhow::Result<()> {
        self.load(path, true)
    }

    fn load(&mut self, path: &Path, keep_view: bool) -> anyhow::Result<()> {
        let survey = minehaz_core::io::open(path)?;
        let catalog = Catalog::new(&survey);
        let assessment = minehaz_core::rules::Assessment::new(survey, self.as_of)?;
        let report = assessment.report();
        // The point cloud is read on a loading thread, after the rest is on screen.
        let deferred = !assessment.survey().point_clouds.is_empty();
        let mut options = self.scene_options.clone();
        if deferred {
            options.skip.push("pointcloud".into());
        }
        let scene = scene::prepare_assessed(&assessment, &report, &options);
        let snap_vertices = catalog.vertices_of(marking::SNAP_LAYERS);
        let old: Vec<LayerStyle> = std::mem::take(&mut self.layers);
        self.layers = scene
            .layers
            .iter()
            .map(|l| {
                let fresh = LayerStyle::new(l);
                match old.iter().find(|o| o.name == l.name) {
                    Some(o) => LayerStyle { swatch: fresh.swatch, name_zh: fresh.name_zh, ..o.clone() },
                    None => fresh,
                }
            })
            .collect();
        if keep_view {
            self.cam.bounds = scene.bounds;
            self.cam.data_bounds = Some(scene.data_bounds());
        } else {
            self.cam = ViewCamera::new(scene.bounds, self.cam.mode);
            // 3D is framed to the mine's data, as `render` frames it.
            self.cam.data_bounds = Some(scene.data_bounds());
            self.cam.fit_all();
            self.selection.clear();
            self.selected_finding = None;
            self.draft.clear();
            self.form = None;
            self.measure.clear();
            self.section_points.clear();
        }
        self.design = None;
        self.loaded = Some(Loaded { path: path.to_path_buf(), assessment, report, scene, catalog, snap_vertices });
        self.data_generation += 1;
        self.style_generation += 1;
        if deferred {
            self.start_points_job();
        } else {
            self.points_job = None;
        }
        Ok(())
    }

    /// Read the point cloud (the epoch and colouring of `scene_options`) on a loading thread;
    /// a job started before it is forgotten.
    fn start_points_job(&mut self) {
        let Some(l) = &self.loaded else { return };
        let clouds = l.survey().point_clouds.clone();
        let (origin, z_range) = (l.scene.origin, l.scene.z_range);
        let options = self.scene_options.clone();
        self.points_jobs += 1;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(scene::prepare_points(clouds, origin, z_range, &options));
        });
        self.points_job = Some((self.points_jobs, rx));
        self.info("正在读取点云…", "reading the point cloud…");
    }

    /// Take the point-cloud layer when its loading thread is done (`wait`: block until then);
    /// true when the scene changed.
    pub fn poll_points(&mut self, wait: bool) -> bool {
        let Some((_, rx)) = &self.points_job else { return false };
        let done = if wait { rx.recv().ok() } else { rx.try_recv().ok() };
        let Some((layer, problems, notes)) = done else {
            // Still reading, or the thread is gone (it panicked: said, not waited on forever).
            if matches!(rx.try_recv(), Err(std::sync::mpsc::TryRecvError::Disconnected)) {
                self.points_job = None;
                self.message = Some(Message {
                    error: true,
                    text: tr("点云读取线程异常结束", "the point-cloud reader stopped").into(),
                });
            }
            return false;
        };
        self.points_job = None;
        let Some(l) = self.loaded.as_mut() else { return false };
        l.scene.layers.retain(|x| x.name != "pointcloud");
        if let Some(layer) = layer {
            let style = LayerStyle::new(&layer);
            match self.layers.iter_mut().find(|x| x.name == "pointcloud") {
                Some(s) => {
                    s.name_zh = style.name_zh;
                    s.swatch = style.swatch;
                }
                None => self.layers.push(style),
            }
            scene::put_layer(&mut l.scene, layer);
            self.cam.bounds = l.scene.bounds;
            self.cam.data_bounds = Some(l.scene.data_bounds());
        }
        self.message = match (problems.last(), notes.last()) {
            (Some(p), _) => Some(Message { error: true, text: p.clone() }),
            (None, Some(n)) => Some(Message { error: false, text: n.clone() }),
            (None, None) => None,
        };
        self.data_generation += 1;
        true
    }

    /// The scene origin (world coordinates of local 0, 0, 0).
    pub fn origin(&self) -> [f64; 3] {
        self.loaded.as_ref().map_or([0.0; 3], |l| l.scene.origin)
    }

    pub fn to_world(&self, p: Vec3) -> [f64; 3] {
        let o = self.origin();
        [o[0] + f64::from(p.x), o[1] + f64::from(p.y), o[2] + f64::from(p.z)]
    }

    pub fn to_local(&self, p: [f64; 3]) -> Vec3 {
        Vec3::from(pick::local(p, self.origin()))
    }

    pub fn visible(&self, name: &str) -> bool {
        self.layers.iter().find(|l| l.name == name).is_none_or(|l| l.visible)
    }

    /// The scene with the layer styles applied (opacity, colour); the prepared scene when every
    /// layer is plain.
    pub fn styled_scene(&self) -> Option<Scene> {
        let l = self.loaded.as_ref()?;
        let mut s = l.scene.clone();
        for layer in &mut s.layers {
            if let Some(st) = self.layers.iter().find(|x| x.name == layer.name).filter(|x| !x.is_plain()) {
                restyle(layer, st.opacity, st.color);
            }
        }
        Some(s)
    }

    /// The findings of the report grouped by severity (major first), with their indices.
    pub fn findings_by_severity(&self) -> Vec<(Severity, Vec<usize>)> {
        let Some(l) = &self.loaded else { return Vec::new() };
        [Severity::Major, Severity::Warning]
            .into_iter()
            .map(|s| {
                (s, l.report.findings.iter().enumerate().filter(|(_, f)| f.severity == s).map(|(i, _)| i).collect())
            })
            .collect()
    }

    /// Select finding `i`: centre the view on its location, zoomed so its working and feature
    /// are seen around it ([`FLY_MIN_RADIUS_M`]..[`FLY_MAX_RADIUS_M`]), and select them.
    pub fn select_finding(&mut self, i: usize) {
        let Some(l) = &self.loaded else { return };
        let Some(f) = l.report.findings.get(i) else { return };
        let refs: Vec<FeatureRef> = [f.working.as_deref(), f.feature.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|id| l.catalog.find_id(id).map(|x| x.r.clone()))
            .collect();
        let at = f.at;
        // How far the finding's features reach from it (a working's extent, a zone's outline),
        // kept between a close-up and a district.
        let reach = at.map(|a| {
            refs.iter()
                .filter_map(|r| l.catalog.get(r)?.geom.as_ref().map(|g| pick::reach_from(g, a)))
                .fold(0.0f64, f64::max)
        });
        self.selection = refs;
        self.active = 0;
        self.selected_finding = Some(i);
        if let (Some(at), Some(reach)) = (at, reach) {
            let p = self.to_local(at);
            self.cam.frame_around(p, (reach * 1.2).clamp(FLY_MIN_RADIUS_M, FLY_MAX_RADIUS_M) as f32);
        }
    }

    /// Select what lies at a plan point (world x, y), within `tol_m` for points and lines.
    pub fn select_plan(&mut self, p: [f64; 2], tol_m: f64) {
        self.selection = self.loaded.as_ref().map(|l| l.catalog.pick_plan(p, tol_m)).unwrap_or_default();
        self.active = 0;
        self.selected_finding = None;
    }

    pub fn select(&mut self, refs: Vec<FeatureRef>) {
        self.selection = refs;
        self.active = 0;
        self.selected_finding = None;
    }

    /// The feature the attribute panel shows.
    pub fn active_feature(&self) -> Option<&pick::Feature> {
        let r = self.selection.get(self.active)?;
        self.loaded.as_ref()?.catalog.get(r)
    }

    /// Add a vertex of the zone being marked, snapped to an existing vertex within `tol_m`.
    /// Clicking the first vertex again (once there are three) closes the polygon and opens the
    /// form. Returns the vertex as placed.
    pub fn add_vertex(&mut self, p: [f64; 2], tol_m: f64) -> [f64; 2] {
        if self.draft.len() >= 3 {
            let first = self.draft[0];
            if (first[0] - p[0]).hypot(first[1] - p[1]) <= tol_m {
                self.close_draft();
                return first;
            }
        }
        let snapped = match &self.loaded {
            Some(l) => marking::snap(p, &l.snap_vertices, tol_m),
            None => p,
        };
        self.draft.push(snapped);
        snapped
    }

    /// Close the zone being marked and open its form (three vertices at least).
    pub fn close_draft(&mut self) -> bool {
        if self.draft.len() < 3 {
            return false;
        }
        self.form = Some(ZoneForm::new(std::mem::take(&mut self.draft), self.author.clone()));
        true
    }

    /// Open the form for an existing zone.
    pub fn start_edit(&mut self, id: &str) -> bool {
        let zone = self.loaded.as_ref().and_then(|l| l.survey().layers.zones.iter().find(|z| z.id == id).cloned());
        match zone {
            Some(z) => {
                self.form = Some(ZoneForm::edit(&z, self.author.clone()));
                true
            }
            None => false,
        }
    }

    fn store(&self) -> anyhow::Result<PathBuf> {
        let l = self.loaded.as_ref().context("nothing is open")?;
        if !l.is_store() {
            return Err(minehaz_core::Error::at(
                minehaz_core::Location::file(&l.path),
                minehaz_core::text!(
                    "只能在 .gpkg 工程文件中标注分区；请先运行 minehaz import 导入",
                    "marking zones needs a .gpkg project store: run minehaz import first"
                ),
            )
            .into());
        }
        Ok(l.path.clone())
    }

    /// Save the form: a new zone (`edit::add_zone`) or changes to an existing one
    /// (`edit::update_zone`), each in one transaction with an audit row; then re-check what the
    /// zone touches and prepare its layers again, so the findings update at once. The saved
    /// zone is selected.
    pub fn finish_zone(&mut self, form: &ZoneForm) -> anyhow::Result<audit::Entry> {
        let store = self.store()?;
        let l = self.loaded.as_ref().context("nothing is open")?;
        let id = form.editing.clone().unwrap_or_else(|| edit::next_zone_id(l.survey()));
        let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
        let zone = form.to_zone(&id, &today).map_err(|t| anyhow::anyhow!(t.get(lang()).to_string()))?;
        let who = form.author.trim().to_string();
        let entry = if form.editing.is_some() {
            edit::update_zone(&store, &zone, &who, &crate::cmd::now())?
        } else {
            edit::add_zone(&store, &zone, &who, &crate::cmd::now())?
        };
        self.form = None;
        self.zone_changed(minehaz_core::rules::Change::Zone(zone))?;
        self.select(vec![FeatureRef { layer: "zones".into(), id }]);
        Ok(entry)
    }

    /// Delete a zone (`edit::delete_zone`, audited), then re-check what it touched.
    pub fn delete_zone(&mut self, id: &str) -> anyhow::Result<audit::Entry> {
        let store = self.store()?;
        let entry = edit::delete_zone(&store, id, &self.author, &crate::cmd::now())?;
        self.confirm_delete = None;
        self.form = None;
        self.selection.retain(|r| !(r.layer == "zones" && r.id == id));
        self.active = 0;
        self.zone_changed(minehaz_core::rules::Change::RemoveZone(id.to_string()))?;
        Ok(entry)
    }

    /// Show another point-cloud epoch or colouring: only the `pointcloud` layer is prepared
    /// again, read from its file on the loading thread; the camera and the rest of the scene
    /// stay, and the old layer is shown until the new one is there.
    pub fn set_point_view(&mut self, epoch: Option<String>, colour: scene::layers::pointcloud::PointColour) {
        if self.scene_options.epoch == epoch && self.scene_options.point_colour == colour {
            return;
        }
        let recolour = self.scene_options.point_colour != colour;
        self.scene_options.epoch = epoch;
        self.scene_options.point_colour = colour;
        self.start_points_job();
        // The slope DEM follows the colouring (by change: the DEM of difference).
        if recolour {
            if let Some(l) = self.loaded.as_mut() {
                if !scene::reprepare(&mut l.scene, &l.assessment, &l.report, &["slopes"], &self.scene_options)
                    .is_empty()
                {
                    self.data_generation += 1;
                }
            }
        }
    }

    /// After a zone was written to the store: re-check only what the zone touches
    /// (`Assessment::apply`), and prepare again only the `zones` and `findings` layers; the
    /// camera, styles and the rest of the scene stay.
    fn zone_changed(&mut self, change: minehaz_core::rules::Change) -> anyhow::Result<()> {
        // A design shown was made from the findings before the edit.
        self.design = None;
        let l = self.loaded.as_mut().context("nothing is open")?;
        l.assessment.apply(change)?;
        l.report = l.assessment.report();
        scene::reprepare(&mut l.scene, &l.assessment, &l.report, &["zones", "findings"], &self.scene_options);
        l.catalog.replace_layer(&l.assessment.survey().layers.zones);
        l.snap_vertices = l.catalog.vertices_of(marking::SNAP_LAYERS);
        for sl in &l.scene.layers {
            if !self.layers.iter().any(|x| x.name == sl.name) {
                self.layers.push(LayerStyle::new(sl));
            }
        }
        self.data_generation += 1;
        self.style_generation += 1;
        Ok(())
    }

    /// A click with the section tool (world x, y): the second one sets the section line and
    /// shows the section.
    pub fn add_section_point(&mut self, p: [f64; 2]) {
        self.section_points.push(p);
        if self.section_points.len() >= 2 {
            let (a, b) = (self.section_points[0], self.section_points[1]);
            self.section_points.clear();
            if (a[0] - b[0]).hypot(a[1] - b[1]) < 1e-3 {
                return;
            }
            let (la, lb) = (self.to_local([a[0], a[1], 0.0]), self.to_local([b[0], b[1], 0.0]));
            self.cam.set_section(SectionLine {
                a: [la.x, la.y],
                b: [lb.x, lb.y],
                half_width_m: self.section_width_m / 2.0,
            });
            self.cam.mode = Mode::Section;
            self.section_layers_changed();
        }
    }

    /// The section-only layers (seam floors along the line, correlated seams) for the current
    /// section line, and their entries in the layer tree.
    fn section_layers_changed(&mut self) {
        let Some(l) = self.loaded.as_mut() else { return };
        let section = self.cam.section.map(|s| (s.a, s.b, s.half_width_m));
        if !scene::set_section_layers(&mut l.scene, l.assessment.survey(), Some(&l.assessment), section) {
            return;
        }
        self.layers.retain(|x| !scene::SECTION_LAYERS.contains(&x.name.as_str()));
        for sl in l.scene.layers.iter().filter(|x| scene::SECTION_LAYERS.contains(&x.name.as_str())) {
            self.layers.push(LayerStyle::new(sl));
        }
        self.data_generation += 1;
    }

    /// Change the slab width of the current section.
    pub fn set_section_width(&mut self, width_m: f32) {
        self.section_width_m = width_m.max(1.0);
        if let Some(s) = &mut self.cam.section {
            s.half_width_m = self.section_width_m / 2.0;
        }
        self.section_layers_changed();
    }

    /// A measuring click (world point).
    pub fn add_measure_point(&mut self, p: [f64; 3]) {
        if self.cam.is_3d() && self.measure.len() >= 2 {
            self.measure.clear();
        }
        self.measure.push(p);
    }

    /// Switch tools, dropping unfinished input of the others.
    pub fn set_tool(&mut self, tool: Tool) {
        if tool != self.tool {
            self.draft.clear();
            self.section_points.clear();
            self.measure.clear();
            self.tool = tool;
        }
    }
}

/// Apply an opacity and a colour to a prepared layer: colours replaced, alphas multiplied, and
/// opaque surfaces moved to the translucent ones (sorted and blended) below full opacity.
pub fn restyle(layer: &mut SceneLayer, opacity: f32, color: Option<[f32; 3]>) {
    let paint = |c: &mut [f32; 4]| {
        if let Some(k) = color {
            c[..3].copy_from_slice(&k);
        }
        c[3] *= opacity.clamp(0.0, 1.0);
    };
    if opacity < 0.999 {
        let opaque = std::mem::take(&mut layer.opaque);
        append(&mut layer.translucent, &opaque);
    }
    layer.opaque.vertices.iter_mut().for_each(|v| paint(&mut v.color));
    layer.translucent.vertices.iter_mut().for_each(|v| paint(&mut v.color));
    layer.lines.iter_mut().for_each(|v| paint(&mut v.color));
    layer.point_chunks.iter_mut().flat_map(|c| c.points.iter_mut()).for_each(|v| paint(&mut v.color));
}

fn append(to: &mut Mesh, from: &Mesh) {
    let base = to.vertices.len() as u32;
    to.vertices.extend_from_slice(&from.vertices);
    to.indices.extend(from.indices.iter().map(|i| i + base));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{LineVertex, MeshVertex};

    #[test]
    fn restyle_moves_opaque_surfaces_to_translucent_below_full_opacity() {
        let v = |z: f32| MeshVertex { pos: [0.0, 0.0, z], normal: [0.0, 0.0, 1.0], color: [1.0, 0.0, 0.0, 1.0] };
        let mut l = SceneLayer {
            name: "t".into(),
            opaque: Mesh { vertices: vec![v(0.0), v(1.0), v(2.0)], indices: vec![0, 1, 2] },
            translucent: Mesh { vertices: vec![v(3.0)], indices: vec![] },
            lines: vec![LineVertex { pos: [0.0; 3], color: [0.0, 1.0, 0.0, 1.0] }],
            ..Default::default()
        };
        restyle(&mut l, 0.5, Some([0.0, 0.0, 1.0]));
        assert!(l.opaque.vertices.is_empty());
        assert_eq!(l.translucent.vertices.len(), 4);
        assert_eq!(l.translucent.indices, [1, 2, 3]);
        assert!(l.translucent.vertices.iter().all(|v| v.color == [0.0, 0.0, 1.0, 0.5]));
        assert_eq!(l.lines[0].color, [0.0, 0.0, 1.0, 0.5]);
    }

    #[test]
    fn a_folder_cannot_be_edited_and_says_so() {
        let mut s = AppState::new(NaiveDate::from_ymd_opt(2026, 11, 29).expect("date"), "tester".into());
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine");
        s.open(&folder).expect("open the sample");
        let l = s.loaded.as_ref().expect("loaded");
        assert!(!l.is_store());
        assert_eq!(l.report.findings.iter().filter(|f| f.severity == Severity::Major).count(), 19);
        for p in [[482900.0, 4050590.0], [483030.0, 4050590.0], [483030.0, 4050710.0]] {
            s.add_vertex(p, 1.0);
        }
        assert!(s.close_draft());
        let form = s.form.clone().expect("form");
        let e = s.finish_zone(&form).expect_err("a folder is not a store");
        assert!(format!("{e:#}").contains("minehaz import"), "{e:#}");
    }
}
