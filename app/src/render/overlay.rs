//! 2D overlays drawn on the rendered image with the bundled CJK font (Noto Sans SC subset,
//! `app/assets/fonts`): the title, the legend of what is drawn in the frame, per view a north
//! arrow, scale bar and coordinate grid labels (plan) or elevation ticks (section), and the
//! scene's labels placed without overlaps by [`super::placement`].

use super::camera::{Camera, Projector, ViewKind};
use crate::scene::{LegendEntry, RampLegend, Scene, SceneLayer};
use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::RgbaImage;
use minehaz_core::i18n::Lang;
use minehaz_core::placement::{self, Rect, Request};
use std::collections::{HashMap, HashSet};

/// The bundled CJK-capable font.
pub static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-minehaz-subset.otf");

const INK: [u8; 4] = [30, 30, 30, 255];
const HALO: [u8; 4] = [255, 255, 255, 230];
const GREY: [u8; 4] = [90, 90, 90, 255];

/// Draws text and shapes onto an image.
pub struct Painter {
    font: FontRef<'static>,
}

fn blend(img: &mut RgbaImage, x: i32, y: i32, c: [u8; 4], coverage: f32) {
    if x < 0 || y < 0 || x >= img.width() as i32 || y >= img.height() as i32 {
        return;
    }
    let a = (f32::from(c[3]) / 255.0 * coverage).clamp(0.0, 1.0);
    let p = img.get_pixel_mut(x as u32, y as u32);
    for (dst, src) in p.0.iter_mut().zip(c).take(3) {
        *dst = (f32::from(src) * a + f32::from(*dst) * (1.0 - a)).round() as u8;
    }
    p.0[3] = 255;
}

fn to_u8(c: [f32; 4]) -> [u8; 4] {
    // Scene colours are linear; the image is sRGB.
    let s = |v: f32| {
        let v = v.clamp(0.0, 1.0);
        let e = if v <= 0.003_130_8 { v * 12.92 } else { 1.055 * v.powf(1.0 / 2.4) - 0.055 };
        (e * 255.0).round() as u8
    };
    [s(c[0]), s(c[1]), s(c[2]), (c[3].clamp(0.0, 1.0) * 255.0).round() as u8]
}

impl Painter {
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self { font: FontRef::try_from_slice(FONT_BYTES)? })
    }

    /// Width of `text` at `size` px.
    pub fn text_width(&self, text: &str, size: f32) -> f32 {
        let f = self.font.as_scaled(PxScale::from(size));
        text.chars().map(|c| f.h_advance(f.glyph_id(c))).sum()
    }

    /// Draw `text` with its top-left at (x, y); returns its width.
    pub fn text(&self, img: &mut RgbaImage, x: f32, y: f32, size: f32, color: [u8; 4], text: &str) -> f32 {
        let scale = PxScale::from(size);
        let f = self.font.as_scaled(scale);
        let mut pen = x;
        let baseline = y + f.ascent();
        for ch in text.chars() {
            let id = f.glyph_id(ch);
            let g = id.with_scale_and_position(scale, ab_glyph::point(pen, baseline));
            pen += f.h_advance(id);
            if let Some(o) = self.font.outline_glyph(g) {
                let b = o.px_bounds();
                o.draw(|gx, gy, cov| blend(img, b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32, color, cov));
            }
        }
        pen - x
    }

    /// Text with a light halo, legible over any rendering.
    pub fn label(&self, img: &mut RgbaImage, x: f32, y: f32, size: f32, color: [u8; 4], text: &str) {
        for (dx, dy) in [(-1.0, 0.0), (1.0, 0.0), (0.0, -1.0), (0.0, 1.0)] {
            self.text(img, x + dx, y + dy, size, HALO, text);
        }
        self.text(img, x, y, size, color, text);
    }

    pub fn rect(&self, img: &mut RgbaImage, x: i32, y: i32, w: i32, h: i32, color: [u8; 4]) {
        for yy in y..y + h {
            for xx in x..x + w {
                blend(img, xx, yy, color, 1.0);
            }
        }
    }

    /// A line `width` px wide (DDA).
    pub fn line(&self, img: &mut RgbaImage, a: [f32; 2], b: [f32; 2], width: i32, color: [u8; 4]) {
        let n = ((b[0] - a[0]).abs().max((b[1] - a[1]).abs()).ceil() as i32).max(1);
        for i in 0..=n {
            let t = i as f32 / n as f32;
            let (x, y) = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
            self.rect(img, x as i32 - width / 2, y as i32 - width / 2, width, width, color);
        }
    }
}

/// A round scale-bar length (1, 2 or 5 × 10^k m) near `target` metres.
pub fn nice_length(target: f32) -> f32 {
    if target <= 0.0 || !target.is_finite() {
        return 1.0;
    }
    let p = 10f32.powf(target.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * p).filter(|v| *v <= target).fold(p, f32::max)
}

/// A value for a legend: three significant figures, no trailing zeros (`190`, `0.0123`, `2.5`).
pub fn fmt_value(v: f32) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    let decimals = if a == 0.0 || a >= 100.0 { 0 } else { (2 - a.log10().floor() as i32).clamp(0, 6) as usize };
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// A unit as a reader writes it (`ohm_m` → `Ω·m`).
pub fn fmt_unit(unit: &str) -> String {
    let u = unit.trim();
    match u.to_ascii_lowercase().replace(['-', '.', ' ', '*'], "_").as_str() {
        "ohm_m" | "ohmm" | "ohm_metre" | "ohm_meter" => "Ω·m".into(),
        "ms_m" | "ms/m" => "mS/m".into(),
        "mgal" => "mGal".into(),
        "nt" => "nT".into(),
        "pct" | "percent" => "%".into(),
        "m3_t" | "m3/t" => "m³/t".into(),
        "mpa" => "MPa".into(),
        "ppb" => "ppb".into(),
        "ppm" => "ppm".into(),
        "mv_v" | "mv/v" => "mV/V".into(),
        _ => u.to_string(),
    }
}

/// At most this many vertices of a layer are tested for the legend (evenly strided).
const LEGEND_SAMPLE: usize = 200_000;

fn colour_key(c: [f32; 4]) -> u32 {
    let q = |v: f32| (v.clamp(0.0, 1.0) * 511.0).round() as u32;
    q(c[0]) << 18 | q(c[1]) << 9 | q(c[2])
}

/// One group of the legend: a layer's name and the entries and ramp of it drawn in the frame.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendGroup<'a> {
    pub zh: &'a str,
    pub en: &'a str,
    pub entries: Vec<&'a LegendEntry>,
    pub ramp: Option<&'a RampLegend>,
}

/// The legend of what is drawn: per layer with geometry in the frame, the entries whose colour
/// is drawn in the frame (an entry whose colour the layer's geometry does not carry, such as a
/// translucent fill drawn in another shade, is kept when the layer is in the frame), and its
/// ramp. In plan only the topmost colour of a layer at each spot counts.
pub fn legend_groups<'a>(scene: &'a Scene, camera: &Camera) -> Vec<LegendGroup<'a>> {
    let pr = camera.projector();
    let mut out = Vec::new();
    for l in scene.layers.iter().filter(|l| l.hidden.drawn_in(&camera.kind)) {
        if l.legend.is_empty() && l.ramp.is_none() {
            continue;
        }
        let (any, seen, all) = colours_in_frame(l, &pr, camera.kind == ViewKind::Plan);
        if !any {
            continue;
        }
        let entries: Vec<&LegendEntry> = l
            .legend
            .iter()
            .filter(|e| {
                let k = colour_key(e.color);
                seen.contains(&k) || !all.contains(&k)
            })
            .collect();
        if entries.is_empty() && l.ramp.is_none() {
            continue;
        }
        let zh = if l.name_zh.is_empty() { l.name.as_str() } else { l.name_zh.as_str() };
        // A ramp that reads as one another layer already shows (the points and the DEM
        // coloured by the same change) is shown once.
        let reads = |r: &RampLegend| (r.title_zh.clone(), r.unit.clone(), fmt_value(r.min), fmt_value(r.max));
        let shown = |r: &RampLegend| out.iter().any(|g: &LegendGroup<'_>| g.ramp.is_some_and(|o| reads(o) == reads(r)));
        let ramp = l.ramp.as_ref().filter(|r| !shown(r));
        if entries.is_empty() && ramp.is_none() {
            continue;
        }
        out.push(LegendGroup { zh, en: l.name.as_str(), entries, ramp });
    }
    out
}

/// Whether any of the layer's geometry is in the frame, the colours drawn in the frame and all
/// its colours.
fn colours_in_frame(l: &SceneLayer, pr: &Projector, plan: bool) -> (bool, HashSet<u32>, HashSet<u32>) {
    let n = l.opaque.vertices.len()
        + l.translucent.vertices.len()
        + l.lines.len()
        + l.point_chunks.iter().map(|c| c.points.len()).sum::<usize>();
    let stride = n.div_ceil(LEGEND_SAMPLE).max(1);
    let verts = l
        .opaque
        .vertices
        .iter()
        .chain(&l.translucent.vertices)
        .map(|v| (v.pos, v.color))
        .chain(l.lines.iter().chain(l.point_chunks.iter().flat_map(|c| &c.points)).map(|v| (v.pos, v.color)));
    let (mut any, mut seen, mut all) = (false, HashSet::new(), HashSet::new());
    // In plan a layer is seen from above: per 4-px cell only its topmost colour shows (the
    // lithology bands of a vertical borehole lie under its collar).
    let mut top: HashMap<(i32, i32), (f32, u32)> = HashMap::new();
    for (pos, color) in verts.step_by(stride) {
        let k = colour_key(color);
        all.insert(k);
        if let Some(px) = pr.in_frame(pos) {
            any = true;
            if plan {
                let cell = ((px[0] / 4.0) as i32, (px[1] / 4.0) as i32);
                let e = top.entry(cell).or_insert((pos[2], k));
                if pos[2] > e.0 {
                    *e = (pos[2], k);
                }
            } else {
                seen.insert(k);
            }
        }
    }
    seen.extend(top.values().map(|(_, k)| *k));
    // A layer of labels only (no geometry) is in the frame where a label is.
    if n == 0 {
        any = l.labels.iter().any(|lab| pr.in_frame(lab.pos).is_some());
    }
    (any, seen, all)
}

/// One row of the drawn legend.
enum Row<'a> {
    Header(&'a str),
    Entry([f32; 4], &'a str),
}

/// What the overlay did with the scene's labels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LabelStats {
    /// Labels whose anchor is in the frame.
    pub in_frame: usize,
    pub placed: usize,
    pub omitted: usize,
}

/// Draw every overlay for `camera` onto `img`.
pub fn draw(
    img: &mut RgbaImage,
    scene: &Scene,
    camera: &Camera,
    title: &str,
    lang: Lang,
) -> anyhow::Result<LabelStats> {
    let p = Painter::new()?;
    let zh = lang == Lang::Zh;
    let (w, h) = (img.width() as f32, img.height() as f32);
    let small = (h / 50.0).clamp(11.0, 16.0);
    // Thumbnails get the title and the frame furniture only: labels and legend would cover them.
    let full = w >= 640.0;
    let mut blocked = Vec::new();
    // Title.
    let title_size = small * 1.3;
    p.label(img, 10.0, 8.0, title_size, INK, title);
    blocked.push(Rect::new(6.0, 6.0, p.text_width(title, title_size) + 8.0, title_size * 1.4));
    // A section's axes go under the legend (its box covers their ends).
    if let ViewKind::Section { .. } = camera.kind {
        blocked.extend(section_axis(&p, img, scene, camera, small, zh));
        blocked.extend(elevation_ticks(&p, img, scene, camera, small));
        blocked.extend(scale_bar(&p, img, camera, small));
    }
    if full {
        if let Some(r) = draw_legend(&p, img, &legend_groups(scene, camera), small, zh) {
            blocked.push(r);
        }
    }
    match camera.kind {
        ViewKind::Plan => {
            // North arrow, top left under the title.
            let (cx, top) = (30.0, 16.0 + small * 2.0);
            p.line(img, [cx, top + 40.0], [cx, top], 3, INK);
            p.line(img, [cx, top], [cx - 8.0, top + 14.0], 3, INK);
            p.line(img, [cx, top], [cx + 8.0, top + 14.0], 3, INK);
            p.label(img, cx - 5.0, top + 44.0, small, INK, "N");
            blocked.push(Rect::new(cx - 12.0, top - 2.0, 24.0, 48.0 + small * 1.3));
            blocked.extend(scale_bar(&p, img, camera, small));
            if full {
                grid_labels(&p, img, scene, camera, small * 0.85, zh, &mut blocked);
            }
        }
        ViewKind::Section { .. } => {}
        ViewKind::ThreeD { .. } => {
            blocked.extend(north_arrow_3d(&p, img, scene, camera, small));
            if full {
                blocked.extend(elevation_axis_3d(&p, img, scene, camera, small * 0.85));
            }
        }
    }
    Ok(if full { draw_labels(&p, img, scene, camera, small, &blocked, zh) } else { LabelStats::default() })
}

/// The scene's labels, placed by priority without overlaps; a note says how many found no room.
fn draw_labels(
    p: &Painter,
    img: &mut RgbaImage,
    scene: &Scene,
    camera: &Camera,
    size: f32,
    blocked: &[Rect],
    zh: bool,
) -> LabelStats {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let pr = camera.projector();
    let lang = if zh { Lang::Zh } else { Lang::En };
    let mut labels = Vec::new();
    let mut requests = Vec::new();
    // Many labels repeat (a rule's name on every finding of it): each text is measured once.
    let mut widths: HashMap<&str, f32> = HashMap::new();
    for lab in scene.layers.iter().filter(|l| l.hidden.drawn_in(&camera.kind)).flat_map(|l| &l.labels) {
        if let Some(px) = pr.in_frame(lab.pos) {
            let text = lab.text.get(lang);
            let w = *widths.entry(text).or_insert_with(|| p.text_width(text, size));
            requests.push(Request { anchor: px, size: [w + 2.0, size * 1.3], priority: lab.priority });
            labels.push(lab);
        }
    }
    let (placed, omitted) = placement::place(&requests, w, h, blocked);
    for pl in &placed {
        let lab = labels[pl.index];
        let c = to_u8([lab.color[0], lab.color[1], lab.color[2], 1.0]);
        if let Some([a, b]) = pl.leader {
            p.line(img, a, b, 1, [c[0], c[1], c[2], 200]);
        }
        p.label(img, pl.rect.x0 + 1.0, pl.rect.y0, size, c, lab.text.get(lang));
    }
    if omitted > 0 {
        let t = if zh {
            format!("另有 {omitted} 个标注因空间不足未显示")
        } else {
            format!("{omitted} more labels not shown (no room)")
        };
        let fs = size * 0.85;
        p.label(img, w - p.text_width(&t, fs) - 10.0, h - fs * 1.6, fs, GREY, &t);
    }
    LabelStats { in_frame: requests.len(), placed: placed.len(), omitted }
}

/// Draw the legend (top right, in columns as needed so it never runs off the image); returns
/// its box.
fn draw_legend(p: &Painter, img: &mut RgbaImage, groups: &[LegendGroup<'_>], small: f32, zh: bool) -> Option<Rect> {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let mut rows = Vec::new();
    for g in groups.iter().filter(|g| !g.entries.is_empty()) {
        // A header (the layer's name) over a group of several entries; a single entry names
        // itself.
        if g.entries.len() > 1 {
            rows.push(Row::Header(if zh { g.zh } else { g.en }));
        }
        for e in &g.entries {
            rows.push(Row::Entry(e.color, if zh { e.zh.as_str() } else { e.en.as_str() }));
        }
    }
    let ramps: Vec<&RampLegend> = groups.iter().filter_map(|g| g.ramp).collect();
    if rows.is_empty() && ramps.is_empty() {
        return None;
    }
    let fs = (small * 0.9).max(9.0);
    let line_h = fs + 4.0;
    let ramp_h = line_h * 2.6;
    let avail = (h - 30.0 - ramps.len() as f32 * ramp_h - line_h * 1.5).max(line_h);
    let per_col = ((avail / line_h).floor() as usize).max(1);
    let cols = rows.len().div_ceil(per_col).max(1);
    let nrows = rows.len().min(per_col);
    let text_w = rows
        .iter()
        .map(|r| match r {
            Row::Header(t) => p.text_width(t, fs * 0.9) - 20.0,
            Row::Entry(_, t) => p.text_width(t, fs),
        })
        .fold(0.0, f32::max);
    let col_w = text_w + 30.0;
    let ramp_w =
        ramps.iter().map(|r| p.text_width(if zh { &r.title_zh } else { &r.title_en }, fs) + 16.0).fold(150.0, f32::max);
    let box_w = (col_w * cols as f32 + 8.0).max(ramp_w);
    let box_h = line_h * (nrows as f32 + 1.5) + ramps.len() as f32 * ramp_h;
    let (x0, y0) = (w - box_w - 10.0, 10.0);
    p.rect(img, x0 as i32, y0 as i32, box_w as i32, box_h as i32, [255, 255, 255, 215]);
    p.text(img, x0 + 8.0, y0 + 4.0, fs, INK, if zh { "图例" } else { "Legend" });
    let top = y0 + 4.0 + line_h * 1.2;
    for (i, r) in rows.iter().enumerate() {
        let (col, row) = (i / per_col, i % per_col);
        let (x, y) = (x0 + 8.0 + col as f32 * col_w, top + row as f32 * line_h);
        match r {
            Row::Header(t) => {
                p.text(img, x, y + 1.0, fs * 0.9, GREY, t);
            }
            Row::Entry(c, t) => {
                p.rect(img, x as i32, (y + 2.0) as i32, 14, (fs - 2.0) as i32, to_u8([c[0], c[1], c[2], 1.0]));
                p.text(img, x + 20.0, y, fs, INK, t);
            }
        }
    }
    let mut y = top + nrows as f32 * line_h;
    for r in ramps {
        p.text(img, x0 + 8.0, y, fs, INK, if zh { &r.title_zh } else { &r.title_en });
        y += line_h;
        let bar_w = box_w - 16.0;
        for i in 0..bar_w as i32 {
            let t = i as f32 / bar_w.max(1.0) * (r.colors.len().saturating_sub(1)) as f32;
            let (k, f) = (t.floor() as usize, t.fract());
            let a = r.colors.get(k).copied().unwrap_or([0.5; 4]);
            let b = r.colors.get(k + 1).copied().unwrap_or(a);
            let c = [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f, 1.0];
            p.rect(img, (x0 + 8.0) as i32 + i, y as i32, 1, (fs * 0.7) as i32, to_u8(c));
        }
        y += fs * 0.8;
        let unit = fmt_unit(&r.unit);
        let lo = format!("{} {unit}", fmt_value(r.min)).trim().to_string();
        let hi = format!("{} {unit}", fmt_value(r.max)).trim().to_string();
        p.text(img, x0 + 8.0, y, fs * 0.85, INK, &lo);
        p.text(img, x0 + box_w - 8.0 - p.text_width(&hi, fs * 0.85), y, fs * 0.85, INK, &hi);
        y += line_h * 0.8;
    }
    Some(Rect::new(x0, y0, box_w, box_h))
}

/// Which way north points on screen at the scene's centre (a unit vector in pixels, y down);
/// None when the view looks along north.
pub fn north_on_screen(scene: &Scene, camera: &Camera) -> Option<[f32; 2]> {
    let (lo, hi) = (scene.bounds[0], scene.bounds[1]);
    let c = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0, (lo[2] + hi[2]) / 2.0];
    let step = ((hi[1] - lo[1]).abs().max(1.0)) * 0.1;
    let (a, _) = camera.project(c)?;
    let (b, _) = camera.project([c[0], c[1] + step, c[2]])?;
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = (dx * dx + dy * dy).sqrt();
    (len >= 1e-3).then(|| [dx / len, dy / len])
}

/// A north arrow for 3D views, top left, pointing where north is on screen; returns its box.
fn north_arrow_3d(p: &Painter, img: &mut RgbaImage, scene: &Scene, camera: &Camera, small: f32) -> Option<Rect> {
    let [ux, uy] = north_on_screen(scene, camera)?;
    let (cx, cy, r) = (30.0, 16.0 + small * 2.0 + 24.0, 20.0);
    let tip = [cx + ux * r, cy + uy * r];
    let tail = [cx - ux * r, cy - uy * r];
    p.line(img, tail, tip, 3, INK);
    // Arrow head: two strokes back from the tip at ±30°.
    for s in [-1.0f32, 1.0] {
        let (c30, s30) = (0.866f32, 0.5 * s);
        let (bx, by) = (-ux * c30 - -uy * s30, -uy * c30 + -ux * s30);
        p.line(img, tip, [tip[0] + bx * 12.0, tip[1] + by * 12.0], 3, INK);
    }
    let n_at = [cx + ux * (r + 10.0) - small * 0.3, cy + uy * (r + 10.0) - small * 0.6];
    p.label(img, n_at[0], n_at[1], small, INK, "N");
    Some(Rect::new(cx - r - 14.0, cy - r - 14.0, 2.0 * r + 28.0, 2.0 * r + 28.0))
}

/// A 3D view's elevation axis in pixels: the vertical edge of the scene box's corner that is
/// leftmost on screen (so its labels read against the background), with ticks at round
/// elevations (world metres) at least `min_gap_px` apart. It projects through the camera, so it
/// follows the vertical exaggeration. The PNG overlay and the viewer draw it.
#[derive(Debug, Clone, PartialEq)]
pub struct ElevationAxis {
    pub bottom: [f32; 2],
    pub top: [f32; 2],
    pub ticks: Vec<([f32; 2], f64)>,
}

/// The elevation axis of a 3D view, on `data` (local bounds: the box a 3D view is framed to,
/// [`Scene::data_bounds`], computed once by the caller — it walks every vertex) at the leftmost
/// corner whose edge is on screen; `origin_z` is the scene origin's world elevation. None when
/// no corner is, or the box's height is under 40 px on screen.
pub fn elevation_axis(data: [[f32; 3]; 2], origin_z: f64, camera: &Camera, min_gap_px: f32) -> Option<ElevationAxis> {
    let [lo, hi] = data;
    let pr = camera.projector();
    let (w, h) = (camera.width as f32, camera.height as f32);
    let on_screen = |p: [f32; 2]| (0.0..=w).contains(&p[0]) && (0.0..=h).contains(&p[1]);
    let corners = [[lo[0], lo[1]], [hi[0], lo[1]], [hi[0], hi[1]], [lo[0], hi[1]]];
    let [x, y] = corners
        .into_iter()
        .filter_map(|c| {
            let (b, _) = pr.project([c[0], c[1], lo[2]])?;
            let (t, _) = pr.project([c[0], c[1], hi[2]])?;
            (on_screen(b) && on_screen(t)).then_some((c, b[0]))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))?
        .0;
    let (bottom, _) = pr.project([x, y, lo[2]])?;
    let (top, _) = pr.project([x, y, hi[2]])?;
    if (bottom[1] - top[1]).abs() < 40.0 {
        return None;
    }
    let world = |z_local: f32| f64::from(z_local) + origin_z;
    // Round steps at least the gap apart on screen.
    let px_per_m = (bottom[1] - top[1]).abs() / (hi[2] - lo[2]).max(1.0);
    let min_step = min_gap_px / px_per_m.max(1e-6);
    let mut step = nice_length((hi[2] - lo[2]).max(1.0) / 5.0);
    if step < min_step {
        // nice_length rounds down; 2.5× up is the next round step at or above.
        step = nice_length(min_step * 2.5);
    }
    let step = f64::from(step);
    let mut ticks = Vec::new();
    let mut z = (world(lo[2]) / step).ceil() * step;
    while z <= world(hi[2]) + 1e-6 {
        if let Some((px, _)) = pr.project([x, y, (z - origin_z) as f32]) {
            ticks.push((px, z));
        }
        z += step;
    }
    Some(ElevationAxis { bottom, top, ticks })
}

/// Draw the 3D elevation axis ([`elevation_axis`]) with labels in metres; returns its box.
fn elevation_axis_3d(p: &Painter, img: &mut RgbaImage, scene: &Scene, camera: &Camera, small: f32) -> Option<Rect> {
    let axis = elevation_axis(scene.data_bounds(), scene.origin[2], camera, small * 2.2)?;
    let (bottom, top) = (axis.bottom, axis.top);
    p.line(img, bottom, top, 2, INK);
    let mut rect: Option<Rect> = None;
    for (px, z) in &axis.ticks {
        let t = format!("{z:.0} m");
        let tw = p.text_width(&t, small);
        // Labels left of the axis, or right of it where the image ends.
        let s = if px[0] - 12.0 - tw >= 0.0 { -1.0 } else { 1.0 };
        p.line(img, [px[0] + s * 6.0, px[1]], [px[0], px[1]], 2, INK);
        let x0 = if s < 0.0 { px[0] - 10.0 - tw } else { px[0] + 10.0 };
        p.label(img, x0, px[1] - small * 0.6, small, INK, &t);
        let r = Rect::new(x0 - 2.0, px[1] - small * 0.7, tw + 14.0, small * 1.4);
        rect = Some(rect.map_or(r, |u| u.union(&r)));
    }
    let band = Rect::new(
        bottom[0].min(top[0]) - 2.0,
        top[1].min(bottom[1]),
        (bottom[0] - top[0]).abs() + 4.0,
        (bottom[1] - top[1]).abs(),
    );
    Some(rect.map_or(band, |r| r.union(&band)))
}

/// The plan's scale bar, bottom left; returns its box.
fn scale_bar(p: &Painter, img: &mut RgbaImage, camera: &Camera, small: f32) -> Option<Rect> {
    let mpp = camera.metres_per_pixel?;
    let len_m = nice_length(img.width() as f32 * 0.2 * mpp);
    let len_px = len_m / mpp;
    let (x0, y0) = (20.0, img.height() as f32 - 24.0);
    p.rect(img, x0 as i32, y0 as i32, len_px as i32, 5, INK);
    p.rect(img, x0 as i32, y0 as i32 - 6, 2, 11, INK);
    p.rect(img, (x0 + len_px) as i32 - 2, y0 as i32 - 6, 2, 11, INK);
    let t = if len_m >= 1000.0 { format!("{} km", len_m / 1000.0) } else { format!("{len_m} m") };
    p.label(img, x0 + len_px + 8.0, y0 - small / 2.0, small, INK, &t);
    Some(Rect::new(x0 - 4.0, y0 - small, len_px + 16.0 + p.text_width(&t, small), small + 16.0))
}

/// Grid lines on round coordinates: (world coordinate, local coordinate) of each.
pub type GridLines = Vec<(f64, f32)>;

/// The grid lines of the `ground` layer as world coordinates: (eastings, northings) of the lines
/// on round coordinates, each with its local position.
pub fn grid_lines(scene: &Scene) -> (GridLines, GridLines) {
    let Some(g) = scene.layers.iter().find(|l| l.name == "ground") else { return (Vec::new(), Vec::new()) };
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for pair in g.lines.chunks_exact(2) {
        let (a, b) = (pair[0].pos, pair[1].pos);
        if a[0] == b[0] && a[1] != b[1] {
            xs.push(a[0]);
        } else if a[1] == b[1] && a[0] != b[0] {
            ys.push(a[1]);
        }
    }
    let round = |v: Vec<f32>, o: f64| -> GridLines {
        let mut v: Vec<(f64, f32)> = v.into_iter().map(|l| (f64::from(l) + o, l)).collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v.dedup_by(|a, b| (a.0 - b.0).abs() < 1e-6);
        // The spacing is the median gap between lines (the frame lines at the data's edge make
        // the first and last gaps shorter).
        let mut gaps: Vec<f64> = v.windows(2).map(|w| w[1].0 - w[0].0).filter(|d| *d > 0.5).collect();
        gaps.sort_by(f64::total_cmp);
        let Some(&step) = gaps.get(gaps.len() / 2) else { return Vec::new() };
        v.into_iter()
            .filter(|(world, _)| {
                let r = (world / step).round() * step - world;
                r.abs() < 0.01
            })
            .collect()
    };
    (round(xs, scene.origin[0]), round(ys, scene.origin[1]))
}

/// Coordinate labels of the plan grid: eastings along the bottom edge and northings along the
/// left edge, where they are clear of the frame furniture (Chinese survey usage in Chinese:
/// X = northing, Y = easting).
fn grid_labels(
    p: &Painter,
    img: &mut RgbaImage,
    scene: &Scene,
    camera: &Camera,
    size: f32,
    zh: bool,
    blocked: &mut Vec<Rect>,
) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (xs, ys) = grid_lines(scene);
    let z = (scene.bounds[0][2] + scene.bounds[1][2]) / 2.0;
    let cy = (scene.bounds[0][1] + scene.bounds[1][1]) / 2.0;
    let cx = (scene.bounds[0][0] + scene.bounds[1][0]) / 2.0;
    let mut placer = placement::Placer::new(w, h);
    for b in blocked.iter() {
        placer.block(*b);
    }
    let th = size * 1.3;
    let mut drawn = Vec::new();
    for (world, local) in xs {
        let Some((px, _)) = camera.project([local, cy, z]) else { continue };
        let t = if zh { format!("Y={world:.0}") } else { format!("E {world:.0}") };
        let tw = p.text_width(&t, size) + 2.0;
        let r = Rect::new(px[0] - tw / 2.0, h - th - 4.0, tw, th);
        if placer.is_free(&r) {
            placer.block(r);
            drawn.push((r, t, [px[0], h]));
        }
    }
    for (world, local) in ys {
        let Some((px, _)) = camera.project([cx, local, z]) else { continue };
        let t = if zh { format!("X={world:.0}") } else { format!("N {world:.0}") };
        let tw = p.text_width(&t, size) + 2.0;
        let r = Rect::new(4.0, px[1] - th - 1.0, tw, th);
        if placer.is_free(&r) {
            placer.block(r);
            drawn.push((r, t, [0.0, px[1]]));
        }
    }
    for (r, t, tick) in drawn {
        // A tick at the frame edge on the line, then the number beside it.
        if tick[1] >= h {
            p.rect(img, tick[0] as i32, (h - 4.0) as i32, 1, 4, INK);
        } else {
            p.rect(img, 0, tick[1] as i32, 4, 1, INK);
        }
        p.label(img, r.x0 + 1.0, r.y0, size, GREY, &t);
        blocked.push(r);
    }
}

/// The bearing of a section line a→b, degrees clockwise from north (0..360).
pub fn bearing_deg(a: [f32; 2], b: [f32; 2]) -> f32 {
    (b[0] - a[0]).atan2(b[1] - a[1]).to_degrees().rem_euclid(360.0)
}

/// A section's horizontal axis along the bottom: distance along the line from A (ticks and
/// labels at round metres), A and A′ at its ends, and the line's bearing and length beside the
/// scale bar. Returns its strip.
fn section_axis(
    p: &Painter,
    img: &mut RgbaImage,
    scene: &Scene,
    camera: &Camera,
    small: f32,
    zh: bool,
) -> Option<Rect> {
    let ViewKind::Section { a, b, .. } = camera.kind else { return None };
    let w = img.width() as f32;
    let z = (scene.bounds[0][2] + scene.bounds[1][2]) / 2.0;
    let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
    if len <= 0.0 {
        return None;
    }
    let at = |d: f32| -> Option<f32> {
        let t = d / len;
        camera.project([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, z]).map(|(px, _)| px[0])
    };
    let h = img.height() as f32;
    let fs = small * 0.85;
    let y = h - 40.0 - small - fs * 1.4;
    let step = nice_length(len / 6.0);
    let mut d = 0.0;
    while d <= len + 1e-3 {
        if let Some(x) = at(d).filter(|x| (0.0..w).contains(x)) {
            p.rect(img, x as i32, y as i32, 1, 6, INK);
            let t = if step >= 1000.0 { format!("{} km", d / 1000.0) } else { format!("{d:.0} m") };
            p.label(img, x - p.text_width(&t, fs) / 2.0, y + 7.0, fs, GREY, &t);
        }
        d += step;
    }
    if let (Some(xa), Some(xb)) = (at(0.0), at(len)) {
        p.rect(img, xa.min(xb) as i32, y as i32, (xb - xa).abs() as i32, 1, INK);
        p.label(img, xa - small * 1.2, y - small * 0.4, small * 1.2, INK, "A");
        p.label(img, xb + 4.0, y - small * 0.4, small * 1.2, INK, "A′");
    }
    let t = if zh {
        format!("剖面 A–A′  方位 {:.1}°  长 {len:.0} m", bearing_deg(a, b))
    } else {
        format!("section A–A′  bearing {:.1}°  length {len:.0} m", bearing_deg(a, b))
    };
    p.label(img, (w - p.text_width(&t, fs)) / 2.0, h - 10.0 - fs * 1.4, fs, INK, &t);
    Some(Rect::new(0.0, y - small, w, h - (y - small)))
}

/// Elevation ticks along the left edge of a section; returns the strip they occupy.
fn elevation_ticks(p: &Painter, img: &mut RgbaImage, scene: &Scene, camera: &Camera, small: f32) -> Option<Rect> {
    let ViewKind::Section { a, b, .. } = camera.kind else { return None };
    let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let (zlo, zhi) = (scene.bounds[0][2], scene.bounds[1][2]);
    let step = nice_length((zhi - zlo).max(1.0) / 6.0);
    let world = |z_local: f32| z_local as f64 + scene.origin[2];
    let mut z = ((world(zlo) / f64::from(step)).floor() * f64::from(step)) as f32;
    let mut widest: f32 = 0.0;
    while f64::from(z) <= world(zhi) + f64::from(step) {
        let local = (f64::from(z) - scene.origin[2]) as f32;
        if let Some((px, _)) = camera.project([mid[0], mid[1], local]) {
            let y = px[1];
            if y > 0.0 && y < img.height() as f32 {
                p.rect(img, 0, y as i32, 10, 2, INK);
                let t = format!("{z:.0} m");
                p.label(img, 14.0, y - small / 2.0, small, INK, &t);
                widest = widest.max(p.text_width(&t, small));
                let w = img.width() as i32;
                for x in (40..w).step_by(8) {
                    p.rect(img, x, y as i32, 3, 1, [120, 120, 120, 140]);
                }
            }
        }
        z += step;
    }
    (widest > 0.0).then(|| Rect::new(0.0, 0.0, 18.0 + widest, img.height() as f32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{Label, LineVertex};
    use image::Rgba;

    #[test]
    fn scale_bar_lengths_are_round() {
        assert_eq!(nice_length(730.0), 500.0);
        assert_eq!(nice_length(180.0), 100.0);
        assert_eq!(nice_length(2100.0), 2000.0);
        assert_eq!(nice_length(9.0), 5.0);
    }

    #[test]
    fn section_bearings_are_clockwise_from_north() {
        assert!((bearing_deg([0.0, 0.0], [0.0, 10.0]) - 0.0).abs() < 1e-4);
        assert!((bearing_deg([0.0, 0.0], [10.0, 0.0]) - 90.0).abs() < 1e-4);
        assert!((bearing_deg([0.0, 0.0], [-10.0, -10.0]) - 225.0).abs() < 1e-4);
        assert!((bearing_deg([5.0, 5.0], [0.0, 10.0]) - 315.0).abs() < 1e-4);
    }

    #[test]
    fn ramp_values_read_as_a_reader_writes_them() {
        assert_eq!(format!("{} {}", fmt_value(190.1509), fmt_unit("ohm_m")), "190 Ω·m");
        assert_eq!(fmt_value(12.3456), "12.3");
        assert_eq!(fmt_value(2.5), "2.5");
        assert_eq!(fmt_value(0.012_345), "0.0123");
        assert_eq!(fmt_value(-0.0001), "-0.0001");
        assert_eq!(fmt_value(0.0), "0");
        assert_eq!(fmt_value(1234.6), "1235");
        assert_eq!(fmt_unit("mGal"), "mGal");
        assert_eq!(fmt_unit("ppm"), "ppm");
        assert_eq!(fmt_unit("furlongs"), "furlongs");
    }

    fn line_layer(name: &str, segments: &[([f32; 3], [f32; 3], [f32; 4])]) -> SceneLayer {
        let lines = segments
            .iter()
            .flat_map(|(a, b, c)| [LineVertex { pos: *a, color: *c }, LineVertex { pos: *b, color: *c }]);
        SceneLayer { name: name.into(), name_zh: format!("{name}层"), lines: lines.collect(), ..Default::default() }
    }

    fn entry(color: [f32; 4], zh: &str) -> LegendEntry {
        LegendEntry { color, zh: zh.into(), en: zh.into() }
    }

    /// Two layers coloured by one change ramp (points and DEM) show it once; a ramp that reads
    /// differently is shown too.
    #[test]
    fn a_ramp_that_reads_the_same_is_shown_once() {
        let ramp = |max: f32| crate::scene::RampLegend {
            title_zh: "高程变化 b − a".into(),
            title_en: "elevation change b − a".into(),
            min: -max,
            max,
            unit: "m".into(),
            colors: vec![[0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 0.0, 1.0]],
        };
        let layer = |name: &str, max: f32| {
            let mut l = line_layer(name, &[([0.0, 0.0, 0.0], [100.0, 0.0, 0.0], [0.5, 0.5, 0.5, 1.0])]);
            l.ramp = Some(ramp(max));
            l
        };
        let cam = Camera::fit(ViewKind::Plan, [[-200.0, -200.0, -10.0], [200.0, 200.0, 10.0]], 800, 600);
        // 18.004 and 17.996 both read "18".
        let scene = Scene { layers: vec![layer("pointcloud", 18.004), layer("slopes", 17.996)], ..Default::default() };
        let ramps = legend_groups(&scene, &cam).iter().filter(|g| g.ramp.is_some()).count();
        assert_eq!(ramps, 1);
        let scene = Scene { layers: vec![layer("pointcloud", 18.0), layer("slopes", 4.0)], ..Default::default() };
        let ramps = legend_groups(&scene, &cam).iter().filter(|g| g.ramp.is_some()).count();
        assert_eq!(ramps, 2);
    }

    #[test]
    fn legend_lists_only_what_is_drawn_in_the_frame() {
        const RED: [f32; 4] = [1.0, 0.0, 0.0, 1.0];
        const BLUE: [f32; 4] = [0.0, 0.0, 1.0, 1.0];
        const GREEN: [f32; 4] = [0.0, 1.0, 0.0, 1.0];
        // Layer a: red inside the frame, blue far outside it; plus a fill entry whose colour no
        // vertex carries (kept, the layer is in the frame).
        let mut a =
            line_layer("a", &[([0.0, 0.0, 0.0], [100.0, 0.0, 0.0], RED), ([9e4, 9e4, 0.0], [9.1e4, 9e4, 0.0], BLUE)]);
        a.legend = vec![entry(RED, "红"), entry(BLUE, "蓝"), entry([0.3, 0.3, 0.3, 0.4], "填充")];
        // Layer b: entirely outside the frame.
        let mut b = line_layer("b", &[([-9e4, 0.0, 0.0], [-9.1e4, 0.0, 0.0], GREEN)]);
        b.legend = vec![entry(GREEN, "绿")];
        let scene = Scene { layers: vec![a, b], ..Default::default() };
        let cam = Camera::fit(ViewKind::Plan, [[-200.0, -200.0, -10.0], [200.0, 200.0, 10.0]], 800, 600);
        let g = legend_groups(&scene, &cam);
        assert_eq!(g.len(), 1, "the layer outside the frame has no legend");
        let names: Vec<&str> = g[0].entries.iter().map(|e| e.zh.as_str()).collect();
        assert_eq!(names, ["红", "填充"]);
        // Fitted to everything, every entry is drawn.
        let cam = Camera::fit(ViewKind::Plan, [[-9.2e4, -10.0, -10.0], [9.2e4, 9.1e4, 10.0]], 800, 600);
        let all: usize = legend_groups(&scene, &cam).iter().map(|g| g.entries.len()).sum();
        assert_eq!(all, 4);
        // A vertical hole, topsoil over sandstone: from above only the topsoil shows; in 3D both.
        let mut hole = line_layer(
            "boreholes",
            &[([0.0, 0.0, 0.0], [0.0, 0.0, -10.0], GREEN), ([0.0, 0.0, -10.0], [0.0, 0.0, -50.0], BLUE)],
        );
        hole.legend = vec![entry(GREEN, "表土"), entry(BLUE, "砂岩")];
        let scene = Scene { layers: vec![hole], ..Default::default() };
        let b = [[-100.0, -100.0, -60.0], [100.0, 100.0, 10.0]];
        let names = |cam: &Camera| -> Vec<String> {
            legend_groups(&scene, cam).iter().flat_map(|g| g.entries.iter().map(|e| e.zh.clone())).collect()
        };
        assert_eq!(names(&Camera::fit(ViewKind::Plan, b, 800, 600)), ["表土"]);
        let three_d = Camera::fit(ViewKind::ThreeD { azimuth_deg: 30.0, elevation_deg: 20.0 }, b, 800, 600);
        assert_eq!(names(&three_d), ["表土", "砂岩"]);
    }

    #[test]
    fn grid_labels_sit_on_round_lines() {
        let ink = [0.5, 0.5, 0.5, 1.0];
        // Local lines at x = -37.5 (frame), 0, 100 (round: origin 484 000) and y = 50 (round: 4 050 050 … not
        // a multiple of 100 → dropped when the spacing is 100), 150.
        let g = line_layer(
            "ground",
            &[
                ([-37.5, -50.0, 0.0], [-37.5, 250.0, 0.0], ink),
                ([0.0, -50.0, 0.0], [0.0, 250.0, 0.0], ink),
                ([100.0, -50.0, 0.0], [100.0, 250.0, 0.0], ink),
                ([200.0, -50.0, 0.0], [200.0, 250.0, 0.0], ink),
                ([-50.0, 0.0, 0.0], [250.0, 0.0, 0.0], ink),
                ([-50.0, 100.0, 0.0], [250.0, 100.0, 0.0], ink),
            ],
        );
        let scene = Scene { origin: [484_000.0, 4_050_000.0, 0.0], layers: vec![g], ..Default::default() };
        let (xs, ys) = grid_lines(&scene);
        assert_eq!(xs.iter().map(|x| x.0).collect::<Vec<_>>(), [484_000.0, 484_100.0, 484_200.0]);
        assert_eq!(ys.iter().map(|y| y.0).collect::<Vec<_>>(), [4_050_000.0, 4_050_100.0]);
    }

    #[test]
    fn crowded_labels_are_drawn_and_the_omitted_are_counted() {
        // Thirty labels on one spot: some are placed, the rest are counted in the note.
        let lab = |i: usize| Label {
            pos: [0.0, 0.0, 0.0],
            text: minehaz_core::i18n::Text::same(format!("标注{i}")),
            color: [0.8, 0.0, 0.0, 1.0],
            priority: 1,
        };
        let mut l = line_layer("x", &[([-100.0, -100.0, 0.0], [100.0, 100.0, 0.0], [0.0, 0.0, 0.0, 1.0])]);
        l.labels = (0..30).map(lab).collect();
        let scene =
            Scene { layers: vec![l], bounds: [[-100.0, -100.0, -1.0], [100.0, 100.0, 1.0]], ..Default::default() };
        let cam = Camera::fit(ViewKind::ThreeD { azimuth_deg: 0.0, elevation_deg: 89.0 }, scene.bounds, 800, 600);
        let mut img = RgbaImage::from_pixel(800, 600, Rgba([255, 255, 255, 255]));
        draw(&mut img, &scene, &cam, "t", Lang::Zh).expect("draw");
        let red = img.pixels().filter(|p| p.0[0] > 150 && p.0[1] < 80).count();
        assert!(red > 500, "labels were drawn: {red} red pixels");
        // The omission note is grey, bottom right.
        let grey_br = (700..790)
            .flat_map(|x| (560..600).map(move |y| (x, y)))
            .filter(|&(x, y)| {
                let c = img.get_pixel(x, y).0;
                c[0] < 200 && c[0] == c[1]
            })
            .count();
        assert!(grey_br > 10, "the note of omitted labels is drawn");
    }

    /// A layer hidden in sections (the seam contours) gives a section neither labels nor a
    /// legend row; a plan of the same scene shows both.
    #[test]
    fn layers_hidden_in_a_view_give_it_no_labels_or_legend() {
        let mut l = line_layer("seams", &[([-100.0, 0.0, 0.0], [100.0, 0.0, 0.0], [0.3, 0.2, 0.1, 1.0])]);
        l.legend = vec![entry([0.3, 0.2, 0.1, 1.0], "等高线")];
        l.labels = vec![Label {
            pos: [0.0, 0.0, 0.0],
            text: minehaz_core::i18n::Text::new("九百五十米等高线", "contour"),
            color: [0.3, 0.2, 0.1, 1.0],
            priority: 3,
        }];
        l.hidden = crate::scene::HiddenIn { plan: false, section: true };
        let scene =
            Scene { layers: vec![l], bounds: [[-100.0, -100.0, -50.0], [100.0, 100.0, 50.0]], ..Default::default() };
        let section = ViewKind::Section { a: [-100.0, 0.0], b: [100.0, 0.0], half_width_m: 20.0 };
        let render = |kind| {
            let cam = Camera::fit(kind, scene.bounds, 800, 600);
            let mut img = RgbaImage::from_pixel(800, 600, Rgba([255, 255, 255, 255]));
            let stats = draw(&mut img, &scene, &cam, "t", Lang::Zh).expect("draw");
            (stats, legend_groups(&scene, &cam).len())
        };
        let (plan_zh, plan_legend) = render(ViewKind::Plan);
        assert_eq!((plan_zh.placed, plan_legend), (1, 1));
        let (cut, cut_legend) = render(section);
        assert_eq!((cut.in_frame, cut_legend), (0, 0));
    }

    /// The 3D elevation axis: on the leftmost corner, ticks at round elevations that get
    /// farther apart on screen under vertical exaggeration.
    #[test]
    fn elevation_axis_ticks_round_elevations_and_follows_exaggeration() {
        let scene = Scene {
            origin: [0.0, 0.0, 1000.0],
            bounds: [[-1000.0, -600.0, -300.0], [1000.0, 600.0, 300.0]],
            ..Default::default()
        };
        let kind = ViewKind::ThreeD { azimuth_deg: 210.0, elevation_deg: 25.0 };
        let p = Painter::new().expect("font");
        let span = |vexag: f32| {
            let cam = Camera::fit_exaggerated(kind, scene.bounds, 1200, 800, vexag);
            let mut img = RgbaImage::from_pixel(1200, 800, Rgba([255, 255, 255, 255]));
            let r = elevation_axis_3d(&p, &mut img, &scene, &cam, 13.0).expect("an axis");
            let ink = img.pixels().filter(|px| px.0[0] < 100).count();
            assert!(ink > 100, "drawn: {ink}");
            assert!(r.x1 < 600.0, "on the left half: {r:?}");
            // The axis's own box: as tall as the exaggerated box edge it is drawn on.
            r.y1 - r.y0
        };
        let (one, three) = (span(1.0), span(3.0));
        assert!(three > one * 1.5, "exaggerated ticks spread: {one} → {three}");
    }

    #[test]
    fn bundled_font_draws_chinese() {
        let p = Painter::new().expect("font");
        let mut img = RgbaImage::from_pixel(200, 40, Rgba([255, 255, 255, 255]));
        let w = p.text(&mut img, 2.0, 2.0, 24.0, INK, "老空区探水线");
        assert!(w > 80.0, "six CJK glyphs are wide: {w}");
        let dark = img.pixels().filter(|px| px.0[0] < 128).count();
        assert!(dark > 200, "glyphs were drawn: {dark} dark pixels");
        // Every character the UI uses is in the subset (no .notdef boxes).
        let font = FontRef::try_from_slice(FONT_BYTES).expect("font");
        for c in "矿山隐蔽致灾因素普查老空区含水体断层陷落柱瓦斯富集区冲击地压危险区火区物探异常区禁采缓采可采井巷工程图例剖面平面三维".chars() {
            assert_ne!(font.glyph_id(c).0, 0, "missing glyph {c}");
        }
        // And every rule name the labels show, in both languages, and the units of the ramps.
        let names = minehaz_core::rules::names::RULE_NAMES.iter().flat_map(|(_, zh, en)| zh.chars().chain(en.chars()));
        for c in names.chain("Ω·m³/t、…另有个标注因空间不足未显示剖面方位长A–A′°".chars()).filter(|c| *c != ' ')
        {
            assert_ne!(font.glyph_id(c).0, 0, "missing glyph {c}");
        }
    }
}
