//! Scene preparation: the survey model and the check results become GPU-ready data (f32
//! positions relative to a scene origin, resolved colours and styles, bounds), built once and
//! cached until the data change. The renderer (`crate::render`) sees only a [`Scene`], never
//! the survey or the store.
//!
//! Gauss-Krüger coordinates reach 4e6 / 3.9e7 and jitter in f32: every position here is
//! `pos_in_world - origin` computed in f64 and only then stored as f32 (`pos_in_local`).
//!
//! One visualizer module per layer kind (`scene/layers/*.rs`), registered in
//! [`visualizers`]; adding a kind adds a file and one line there.

pub mod layers;
pub mod style;

use bytemuck::{Pod, Zeroable};
use minehaz_core::model::Survey;
use minehaz_core::rules::{Assessment, Report};

/// A lit surface vertex.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct MeshVertex {
    pub pos: [f32; 3],
    pub normal: [f32; 3],
    /// Linear RGBA, alpha < 1 for translucent surfaces.
    pub color: [f32; 4],
}

/// An unlit line or point vertex.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Pod, Zeroable)]
pub struct LineVertex {
    pub pos: [f32; 3],
    pub color: [f32; 4],
}

/// Indexed triangles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mesh {
    pub vertices: Vec<MeshVertex>,
    pub indices: Vec<u32>,
}

#[cfg(test)]
impl Mesh {
    /// Append another mesh (tests build scenes from pieces).
    pub fn extend(&mut self, other: &Mesh) {
        let base = self.vertices.len() as u32;
        self.vertices.extend_from_slice(&other.vertices);
        self.indices.extend(other.indices.iter().map(|i| i + base));
    }
}

/// A chunk of a point cloud with its local bounds, for culling and level of detail: `points`
/// holds the whole chunk in a shuffled order, so drawing its first n points is a uniform
/// subsample.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PointChunk {
    pub bounds: [[f32; 3]; 2],
    pub points: Vec<LineVertex>,
}

/// A text label anchored in the scene.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub pos: [f32; 3],
    /// In both languages: the viewer switches language without preparing the scene again.
    pub text: minehaz_core::i18n::Text,
    pub color: [f32; 4],
    /// Placement priority ([`priority`]): lower is placed first and never gives way to higher.
    pub priority: u8,
}

/// Label priorities: findings first, then workings and features, then lines.
pub mod priority {
    pub const MAJOR: u8 = 0;
    pub const WARNING: u8 = 1;
    pub const WORKING: u8 = 2;
    pub const FEATURE: u8 = 3;
    pub const LINE: u8 = 4;
}

/// One entry of the legend: a colour swatch and its text in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub color: [f32; 4],
    pub zh: String,
    pub en: String,
}

/// A colour ramp legend (geophysical grids, point-cloud elevation).
#[derive(Debug, Clone, PartialEq)]
pub struct RampLegend {
    pub title_zh: String,
    pub title_en: String,
    pub min: f32,
    pub max: f32,
    pub unit: String,
    /// Colours from min to max.
    pub colors: Vec<[f32; 4]>,
}

impl RampLegend {
    /// An elevation ramp (viridis, metres) from `min` to `max`.
    pub fn elevation(title_zh: String, title_en: String, min: f32, max: f32) -> Self {
        Self { title_zh, title_en, min, max, unit: "m".into(), colors: style::ramp_stops() }
    }
}

/// The prepared data of one layer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SceneLayer {
    /// Layer kind name (`goaf`, `workings`, `findings`, `licence`, `terrain` …).
    pub name: String,
    pub name_zh: String,
    /// Opaque triangles.
    pub opaque: Mesh,
    /// Translucent triangles (drawn sorted back to front, after everything opaque).
    pub translucent: Mesh,
    /// Line list (pairs of vertices).
    pub lines: Vec<LineVertex>,
    pub point_chunks: Vec<PointChunk>,
    pub labels: Vec<Label>,
    pub legend: Vec<LegendEntry>,
    pub ramp: Option<RampLegend>,
    /// The views that leave the layer out.
    pub hidden: HiddenIn,
    /// In plan, drawn under everything else whatever its elevation (a geophysical raster at
    /// 950 m must not hide the workings at 900 m in a plan).
    pub underlay_in_plan: bool,
}

/// The views that leave a layer out: a plan (a dipping surface seen from above hides the plan
/// under it), a section (a layer a section layer draws better, cut along the line).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HiddenIn {
    pub plan: bool,
    pub section: bool,
}

impl HiddenIn {
    /// Whether a layer with these flags is drawn in a view of `kind`: its geometry, labels and
    /// legend alike (GPU, PNG overlay and the viewer's window).
    pub fn drawn_in(self, kind: &crate::render::camera::ViewKind) -> bool {
        use crate::render::camera::ViewKind;
        match kind {
            ViewKind::Plan => !self.plan,
            ViewKind::Section { .. } => !self.section,
            ViewKind::ThreeD { .. } => true,
        }
    }
}

/// A prepared scene: everything the renderer draws, relative to `origin`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    /// World coordinates (mine CRS, f64) of the local origin.
    pub origin: [f64; 3],
    /// Local bounds of everything.
    pub bounds: [[f32; 3]; 2],
    pub layers: Vec<SceneLayer>,
    /// The mine CRS, for the scale bar and coordinates.
    pub crs: String,
    /// Elevation range of the data (world z), for open z bounds and fault surfaces.
    pub z_range: [f64; 2],
    /// What could not be drawn (see [`Input::problems`]).
    pub problems: Vec<String>,
    /// What was left out for lack of data, drawn without it (see [`Input::notes`]).
    pub notes: Vec<String>,
}

/// What to prepare.
#[derive(Debug, Clone, Default)]
pub struct SceneOptions {
    /// Only these layer names (empty = all).
    pub layers: Vec<String>,
    /// Maximum point-cloud points kept in memory per epoch (chunks are subsampled to fit).
    pub max_points: usize,
    /// The point-cloud epoch drawn (None: the latest).
    pub epoch: Option<String>,
    /// What point-cloud points are coloured by.
    pub point_colour: layers::pointcloud::PointColour,
    /// Layers not prepared now (the viewer reads the point cloud on a loading thread:
    /// [`prepare_points`]).
    pub skip: Vec<String>,
}

/// The point-cloud layer of the survey's scans, prepared alone (on a loading thread: it needs
/// only the scans, the scene's origin and the options), with what it could not read
/// (problems) and what it said (notes).
pub fn prepare_points(
    point_clouds: Vec<minehaz_core::model::PointCloudSource>,
    origin: [f64; 3],
    z_range: [f64; 2],
    options: &SceneOptions,
) -> (Option<SceneLayer>, Vec<String>, Vec<String>) {
    let survey = Survey { point_clouds, ..Default::default() };
    let input = Input::new(&survey, (None, None), origin, z_range, options);
    let layer = layers::pointcloud::PointCloudVisualizer.prepare(&input);
    (layer, input.problems.into_inner(), input.notes.into_inner())
}

/// Put `layer` into the scene in drawing order (replacing one of its name), and grow the
/// bounds to it.
pub fn put_layer(scene: &mut Scene, layer: SceneLayer) {
    place_layer(scene, layer);
    scene.bounds = bounds_of(&scene.layers);
}

/// [`put_layer`] without the scene's bounds (a pass over every vertex of the scene), for a
/// caller that puts several layers and computes the bounds once.
fn place_layer(scene: &mut Scene, layer: SceneLayer) {
    let order = visualizers();
    let rank = |name: &str| order.iter().position(|v| v.name() == name).unwrap_or(usize::MAX);
    match scene.layers.iter().position(|l| l.name == layer.name) {
        Some(i) => scene.layers[i] = layer,
        None => {
            let r = rank(&layer.name);
            let i = scene.layers.iter().position(|x| rank(&x.name) > r).unwrap_or(scene.layers.len());
            scene.layers.insert(i, layer);
        }
    }
}

/// Everything a visualizer needs.
pub struct Input<'a> {
    pub survey: &'a Survey,
    /// The mine's assessment: derived lines, cover (None in tests of single layers).
    pub assessment: Option<&'a Assessment>,
    /// Its report (findings and levels).
    pub report: Option<&'a Report>,
    pub origin: [f64; 3],
    /// Elevation range of the scene (for open z bounds and fault surfaces).
    pub z_range: [f64; 2],
    pub options: &'a SceneOptions,
    /// Data that could not be drawn (a point cloud that fails to decode …): reported by the
    /// caller, never drawn as if it were empty.
    pub problems: std::cell::RefCell<Vec<String>>,
    /// Models that could not be built from the data given (a seam with two picks): not an
    /// error, but said to the user rather than left out silently.
    pub notes: std::cell::RefCell<Vec<String>>,
}

impl<'a> Input<'a> {
    /// The input of a scene at `origin` spanning `z_range`: the survey, and its assessment and
    /// report where there are some.
    pub fn new(
        survey: &'a Survey,
        assessed: (Option<&'a Assessment>, Option<&'a Report>),
        origin: [f64; 3],
        z_range: [f64; 2],
        options: &'a SceneOptions,
    ) -> Self {
        let (assessment, report) = assessed;
        Self {
            survey,
            assessment,
            report,
            origin,
            z_range,
            options,
            problems: Default::default(),
            notes: Default::default(),
        }
    }

    /// World → local (f64 subtraction first, then f32).
    pub fn local(&self, p: [f64; 3]) -> [f32; 3] {
        [(p[0] - self.origin[0]) as f32, (p[1] - self.origin[1]) as f32, (p[2] - self.origin[2]) as f32]
    }
}

/// A visualizer turns one kind of data into a scene layer.
pub trait Visualizer {
    /// The layer name (matches `--layers`).
    fn name(&self) -> &'static str;
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer>;
    /// The outlines an outline-prism layer extrudes (none for other layers): a section cuts
    /// them ([`layers::prism::section_cuts`]).
    fn outlines<'a>(&self, _survey: &'a Survey) -> Vec<layers::prism::Outline<'a>> {
        Vec::new()
    }
}

/// Every visualizer, in drawing order.
pub fn visualizers() -> Vec<Box<dyn Visualizer>> {
    layers::all()
}

/// Prepare a scene of an assessed mine (its survey as it now stands, its findings and derived
/// lines).
pub fn prepare_assessed(a: &Assessment, report: &Report, options: &SceneOptions) -> Scene {
    prepare_with(a.survey(), Some((a, report)), options, &|_, _, _| {})
}

/// [`prepare_assessed`], calling `progress(layer, done, total)` after each visualizer
/// (`render`'s progress bar).
pub fn prepare_assessed_with(
    a: &Assessment,
    report: &Report,
    options: &SceneOptions,
    progress: &dyn Fn(&str, usize, usize),
) -> Scene {
    prepare_with(a.survey(), Some((a, report)), options, progress)
}

/// Prepare a scene: choose the origin (the centre of the data, rounded to the metre), run
/// every selected visualizer, compute the bounds. Findings and derived lines come from the
/// assessment, when there is one.
#[cfg(test)]
pub fn prepare(survey: &Survey, assessment: Option<&Assessment>, options: &SceneOptions) -> Scene {
    let report = assessment.map(Assessment::report);
    prepare_with(survey, assessment.zip(report.as_ref()), options, &|_, _, _| {})
}

/// [`prepare`] with the assessment's report already made (the viewer keeps one).
fn prepare_with(
    survey: &Survey,
    assessed: Option<(&Assessment, &Report)>,
    options: &SceneOptions,
    progress: &dyn Fn(&str, usize, usize),
) -> Scene {
    let (assessment, report) = (assessed.map(|a| a.0), assessed.map(|a| a.1));
    let (origin, z_range) = frame(survey);
    let input = Input::new(survey, (assessment, report), origin, z_range, options);
    let chosen: Vec<Box<dyn Visualizer>> = visualizers()
        .into_iter()
        .filter(|v| options.layers.is_empty() || options.layers.iter().any(|l| l == v.name()))
        .filter(|v| !options.skip.iter().any(|l| l == v.name()))
        .collect();
    let layers = chosen
        .iter()
        .enumerate()
        .filter_map(|(k, v)| {
            let l = v.prepare(&input);
            progress(v.name(), k + 1, chosen.len());
            l
        })
        .collect::<Vec<_>>();
    let bounds = bounds_of(&layers);
    let problems = input.problems.into_inner();
    let notes = input.notes.into_inner();
    Scene { origin, bounds, layers, crs: survey.meta.mine.crs.clone(), z_range, problems, notes }
}

/// Prepare again only the layers `names` of a scene after a change to its assessment (a zone
/// edit: `zones` and `findings`), in place, in drawing order, keeping the origin; a layer that
/// now has nothing to draw is removed. Returns the names of the layers replaced, added or
/// removed.
pub fn reprepare(
    scene: &mut Scene,
    a: &Assessment,
    report: &Report,
    names: &[&str],
    options: &SceneOptions,
) -> Vec<&'static str> {
    if names.is_empty() {
        return Vec::new();
    }
    let input = Input::new(a.survey(), (Some(a), Some(report)), scene.origin, scene.z_range, options);
    let mut changed = Vec::new();
    for v in visualizers().iter().filter(|v| names.contains(&v.name())) {
        if !options.layers.is_empty() && !options.layers.iter().any(|l| l == v.name()) {
            continue;
        }
        let fresh = v.prepare(&input);
        let at = scene.layers.iter().position(|l| l.name == v.name());
        match (fresh, at) {
            (Some(l), _) => place_layer(scene, l),
            (None, Some(i)) => {
                scene.layers.remove(i);
            }
            (None, None) => continue,
        }
        changed.push(v.name());
    }
    scene.bounds = bounds_of(&scene.layers);
    scene.problems.extend(input.problems.into_inner());
    scene.notes.extend(input.notes.into_inner());
    changed
}

impl Scene {
    /// The bounds of what the mine is made of: every layer but the licence prism and the
    /// ground reference grid (a 3D view fitted to the licence's levels is mostly empty sky);
    /// all the bounds when nothing else is drawn.
    pub fn data_bounds(&self) -> [[f32; 3]; 2] {
        let data = || self.layers.iter().filter(|l| l.name != "licence" && l.name != "ground");
        if data().next().is_none() {
            self.bounds
        } else {
            bounds_of(data())
        }
    }
}

/// The names of the layers only a section has ([`set_section_layers`]).
pub const SECTION_LAYERS: [&str; 4] = ["ground_profile", "section_cuts", "seam_profile", "strata_correlation"];

/// Replace the section-only layers of `scene` with those of the section from `a` to `b` (local
/// plan coordinates, `half_width` m each side; None removes them): the ground line, the prisms
/// the line cuts capped, the seam floors cut along the line and the strata correlated between
/// the boreholes in the slab. `render` and the
/// viewer's section tool both call this. Returns whether the layers changed.
pub fn set_section_layers(
    scene: &mut Scene,
    survey: &Survey,
    assessment: Option<&Assessment>,
    section: Option<([f32; 2], [f32; 2], f32)>,
) -> bool {
    let before = scene.layers.len();
    scene.layers.retain(|l| !SECTION_LAYERS.contains(&l.name.as_str()));
    let mut changed = scene.layers.len() != before;
    let Some((a, b, half)) = section else { return changed };
    let options = SceneOptions::default();
    let input = Input::new(survey, (assessment, None), scene.origin, scene.z_range, &options);
    let o = scene.origin;
    let world = |p: [f32; 2]| [f64::from(p[0]) + o[0], f64::from(p[1]) + o[1]];
    let (wa, wb) = (world(a), world(b));
    // The seam models once, for both layers that cut them.
    let (surfaces, _) = minehaz_core::borehole::seam::surfaces(&survey.boreholes);
    // The prisms of the layers drawn (a render's `--layers` leaves the others out) are capped.
    let drawn: Vec<Box<dyn Visualizer>> =
        visualizers().into_iter().filter(|v| scene.layers.iter().any(|l| l.name == v.name())).collect();
    let outlines = drawn.iter().flat_map(|v| v.outlines(survey));
    for l in [
        layers::seams::ground_profile(&input, wa, wb),
        layers::prism::section_cuts(&input, outlines, wa, wb),
        layers::seams::section_profile(&input, &surfaces, wa, wb),
        layers::seams::section_correlation(&input, &surfaces, wa, wb, f64::from(half)),
    ]
    .into_iter()
    .flatten()
    {
        scene.layers.push(l);
        changed = true;
    }
    changed
}

/// The local origin (the centre of the data, rounded to the metre) and the world z range.
fn frame(survey: &Survey) -> ([f64; 3], [f64; 2]) {
    let mut world =
        [f64::INFINITY, f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for s in survey.layers.summaries() {
        if let Some(b) = s.bounds {
            for k in 0..3 {
                if b[k].is_finite() {
                    world[k] = world[k].min(b[k]);
                    world[k + 3] = world[k + 3].max(b[k + 3]);
                }
            }
        }
    }
    for b in &survey.boreholes {
        let c = &b.collar;
        world = [
            world[0].min(c.x),
            world[1].min(c.y),
            world[2].min(c.z),
            world[3].max(c.x),
            world[4].max(c.y),
            world[5].max(c.z),
        ];
    }
    for p in &survey.point_clouds {
        let h = &p.header.bounds;
        for k in 0..3 {
            world[k] = world[k].min(h[k]);
            world[k + 3] = world[k + 3].max(h[k + 3]);
        }
    }
    if !world[0].is_finite() {
        world = [0.0; 6];
    }
    if !world[2].is_finite() {
        world[2] = 0.0;
        world[5] = 0.0;
    }
    let origin = [
        ((world[0] + world[3]) / 2.0).round(),
        ((world[1] + world[4]) / 2.0).round(),
        ((world[2] + world[5]) / 2.0).round(),
    ];
    (origin, [world[2], world[5]])
}

/// Local bounds of everything drawn.
fn bounds_of<'a>(layers: impl IntoIterator<Item = &'a SceneLayer>) -> [[f32; 3]; 2] {
    let mut bounds = [[f32::INFINITY; 3], [f32::NEG_INFINITY; 3]];
    let mut grow = |p: [f32; 3]| {
        for k in 0..3 {
            bounds[0][k] = bounds[0][k].min(p[k]);
            bounds[1][k] = bounds[1][k].max(p[k]);
        }
    };
    for l in layers {
        l.opaque.vertices.iter().chain(&l.translucent.vertices).for_each(|v| grow(v.pos));
        l.lines.iter().for_each(|v| grow(v.pos));
        for c in &l.point_chunks {
            grow(c.bounds[0]);
            grow(c.bounds[1]);
        }
    }
    if !bounds[0][0].is_finite() {
        bounds = [[-1.0; 3], [1.0; 3]];
    }
    bounds
}
