//! 2D overlays drawn on the rendered image with the bundled CJK font (Noto Sans SC subset,
//! `app/assets/fonts`): labels at their projected positions, the legend (swatches and colour
//! ramps), a title, and per view a north arrow and scale bar (plan) or elevation ticks (section).

use super::camera::{Camera, ViewKind};
use crate::scene::Scene;
use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::RgbaImage;
use minehaz_core::i18n::Lang;

/// The bundled CJK-capable font.
pub static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-minehaz-subset.otf");

const INK: [u8; 4] = [30, 30, 30, 255];
const HALO: [u8; 4] = [255, 255, 255, 230];

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

/// Draw every overlay for `camera` onto `img`.
pub fn draw(img: &mut RgbaImage, scene: &Scene, camera: &Camera, title: &str, lang: Lang) -> anyhow::Result<()> {
    let p = Painter::new()?;
    let zh = lang == Lang::Zh;
    let (w, h) = (img.width() as f32, img.height() as f32);
    let small = (h / 50.0).clamp(11.0, 16.0);
    // Labels (not on thumbnails, where they would cover the picture).
    let label_layers = if w >= 640.0 { scene.layers.as_slice() } else { &[] };
    for l in label_layers {
        for lab in &l.labels {
            if let Some((px, depth)) = camera.project(lab.pos) {
                if (0.0..=1.0).contains(&depth) && px[0] >= 0.0 && px[0] < w && px[1] >= 0.0 && px[1] < h {
                    p.label(
                        img,
                        px[0] + 4.0,
                        px[1] - small - 2.0,
                        small,
                        to_u8([lab.color[0], lab.color[1], lab.color[2], 1.0]),
                        &lab.text,
                    );
                }
            }
        }
    }
    // Title.
    p.label(img, 10.0, 8.0, small * 1.3, INK, title);
    // Legend, top right.
    let entries: Vec<(&[f32; 4], &str)> = scene
        .layers
        .iter()
        .flat_map(|l| l.legend.iter().map(|e| (&e.color, if zh { e.zh.as_str() } else { e.en.as_str() })))
        .collect();
    let ramps: Vec<_> = scene.layers.iter().filter_map(|l| l.ramp.as_ref()).collect();
    if w >= 640.0 && (!entries.is_empty() || !ramps.is_empty()) {
        // Columns as needed so the legend never runs off the image; none on thumbnails.
        let fs = (small * 0.9).max(9.0);
        let line_h = fs + 4.0;
        let ramp_h = line_h * 2.6;
        let avail = (h - 30.0 - ramps.len() as f32 * ramp_h - line_h * 1.5).max(line_h);
        let per_col = ((avail / line_h).floor() as usize).max(1);
        let cols = entries.len().div_ceil(per_col).max(1);
        let rows = entries.len().min(per_col);
        let text_w = entries.iter().map(|(_, t)| p.text_width(t, fs)).fold(0.0, f32::max);
        let col_w = text_w + 30.0;
        let box_w = (col_w * cols as f32 + 8.0).max(150.0);
        let box_h = line_h * (rows as f32 + 1.5) + ramps.len() as f32 * ramp_h;
        let (x0, y0) = (w - box_w - 10.0, 10.0);
        p.rect(img, x0 as i32, y0 as i32, box_w as i32, box_h as i32, [255, 255, 255, 215]);
        p.text(img, x0 + 8.0, y0 + 4.0, fs, INK, if zh { "图例" } else { "Legend" });
        let top = y0 + 4.0 + line_h * 1.2;
        for (i, (c, t)) in entries.iter().enumerate() {
            let (col, row) = (i / per_col, i % per_col);
            let (x, y) = (x0 + 8.0 + col as f32 * col_w, top + row as f32 * line_h);
            p.rect(img, x as i32, (y + 2.0) as i32, 14, (fs - 2.0) as i32, to_u8([c[0], c[1], c[2], 1.0]));
            p.text(img, x + 20.0, y, fs, INK, t);
        }
        let mut y = top + rows as f32 * line_h;
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
            let lo = trim_num(&format!("{:.4} {}", r.min, r.unit));
            let hi = trim_num(&format!("{:.4} {}", r.max, r.unit));
            p.text(img, x0 + 8.0, y, fs * 0.85, INK, &lo);
            p.text(img, x0 + box_w - 8.0 - p.text_width(&hi, fs * 0.85), y, fs * 0.85, INK, &hi);
            y += line_h * 0.8;
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
            scale_bar(&p, img, camera, small);
        }
        ViewKind::Section { .. } => {
            elevation_ticks(&p, img, scene, camera, small);
            scale_bar(&p, img, camera, small);
        }
        ViewKind::ThreeD { .. } => {}
    }
    Ok(())
}

fn trim_num(s: &str) -> String {
    let mut parts = s.splitn(2, ' ');
    let n = parts.next().unwrap_or_default();
    let rest = parts.next().unwrap_or_default();
    let n = if n.contains('.') { n.trim_end_matches('0').trim_end_matches('.') } else { n };
    format!("{n} {rest}").trim().to_string()
}

fn scale_bar(p: &Painter, img: &mut RgbaImage, camera: &Camera, small: f32) {
    let Some(mpp) = camera.metres_per_pixel else { return };
    let len_m = nice_length(img.width() as f32 * 0.2 * mpp);
    let len_px = len_m / mpp;
    let (x0, y0) = (20.0, img.height() as f32 - 24.0);
    p.rect(img, x0 as i32, y0 as i32, len_px as i32, 5, INK);
    p.rect(img, x0 as i32, y0 as i32 - 6, 2, 11, INK);
    p.rect(img, (x0 + len_px) as i32 - 2, y0 as i32 - 6, 2, 11, INK);
    let t = if len_m >= 1000.0 { format!("{} km", len_m / 1000.0) } else { format!("{len_m} m") };
    p.label(img, x0 + len_px + 8.0, y0 - small / 2.0, small, INK, &t);
}

fn elevation_ticks(p: &Painter, img: &mut RgbaImage, scene: &Scene, camera: &Camera, small: f32) {
    let ViewKind::Section { a, b, .. } = camera.kind else { return };
    let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let (zlo, zhi) = (scene.bounds[0][2], scene.bounds[1][2]);
    let step = nice_length((zhi - zlo).max(1.0) / 6.0);
    let world = |z_local: f32| z_local as f64 + scene.origin[2];
    let mut z = ((world(zlo) / f64::from(step)).floor() * f64::from(step)) as f32;
    while f64::from(z) <= world(zhi) + f64::from(step) {
        let local = (f64::from(z) - scene.origin[2]) as f32;
        if let Some((px, _)) = camera.project([mid[0], mid[1], local]) {
            let y = px[1];
            if y > 0.0 && y < img.height() as f32 {
                p.rect(img, 0, y as i32, 10, 2, INK);
                p.label(img, 14.0, y - small / 2.0, small, INK, &format!("{z:.0} m"));
                let w = img.width() as i32;
                for x in (40..w).step_by(8) {
                    p.rect(img, x, y as i32, 3, 1, [120, 120, 120, 140]);
                }
            }
        }
        z += step;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgba;

    #[test]
    fn scale_bar_lengths_are_round() {
        assert_eq!(nice_length(730.0), 500.0);
        assert_eq!(nice_length(180.0), 100.0);
        assert_eq!(nice_length(2100.0), 2000.0);
        assert_eq!(nice_length(9.0), 5.0);
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
    }
}
