//! Point-cloud level of detail: points drawn per chunk for a camera, and the frame budget.

use super::*;

/// How many of a point chunk's `len` points to draw for this camera: 0 when its bounds are
/// outside the view frustum; otherwise [`POINTS_PER_PIXEL`] per pixel of the screen rectangle
/// its bounds project to, at least [`MIN_POINTS_PER_CHUNK`], at most `len`. A chunk reaching
/// behind the eye is drawn whole.
///
/// The rectangle is not clamped to the image: a chunk half off the screen is drawn as densely as
/// its neighbour wholly on it (clamping its area thinned it, and a close-up showed its tiles as
/// a patchwork of sprites next to sparse 1-px points). What is off the screen is clipped; the
/// frame budget ([`fit_budget`]) still bounds the total.
pub fn lod_count(clip_from_local: Mat4, width: u32, height: u32, bounds: [[f32; 3]; 2], len: u32) -> u32 {
    match projected_pixels(clip_from_local, width, height, bounds) {
        None => 0,
        Some(None) => len,
        Some(Some(pixels)) => {
            let wanted = (pixels * POINTS_PER_PIXEL).ceil();
            if wanted >= len as f32 {
                len
            } else {
                (wanted as u32).max(MIN_POINTS_PER_CHUNK).min(len)
            }
        }
    }
}

/// The pixels of the screen rectangle `bounds` project to (on the screen's plane, not clamped
/// to the image): None when outside the view frustum, Some(None) when the box reaches behind
/// the eye.
pub fn projected_pixels(clip_from_local: Mat4, width: u32, height: u32, bounds: [[f32; 3]; 2]) -> Option<Option<f32>> {
    let corners: Vec<Vec4> = (0..8)
        .map(|k| {
            let pick = |axis: usize| bounds[(k >> axis) & 1][axis];
            clip_from_local * Vec4::new(pick(0), pick(1), pick(2), 1.0)
        })
        .collect();
    // Outside one clip plane with all eight corners: culled.
    let planes: [fn(&Vec4) -> bool; 6] =
        [|c| c.x < -c.w, |c| c.x > c.w, |c| c.y < -c.w, |c| c.y > c.w, |c| c.z < 0.0, |c| c.z > c.w];
    if planes.iter().any(|outside| corners.iter().all(outside)) {
        return None;
    }
    if corners.iter().any(|c| c.w <= 1e-6) {
        return Some(None);
    }
    let (mut lo, mut hi) = (glam::Vec2::splat(f32::INFINITY), glam::Vec2::splat(f32::NEG_INFINITY));
    for c in &corners {
        let ndc = glam::Vec2::new(c.x, c.y) / c.w;
        lo = lo.min(ndc);
        hi = hi.max(ndc);
    }
    Some(Some(((hi.x - lo.x).max(0.0) / 2.0 * width as f32) * ((hi.y - lo.y).max(0.0) / 2.0 * height as f32)))
}

/// Thin every chunk's count in proportion so they add up to at most `budget` (a chunk that is
/// drawn keeps at least one point).
pub fn fit_budget(counts: &mut [u32], budget: u32) {
    let total: u64 = counts.iter().map(|&n| u64::from(n)).sum();
    if total <= u64::from(budget) {
        return;
    }
    let scale = f64::from(budget) / total as f64;
    for n in counts.iter_mut().filter(|n| **n > 0) {
        *n = ((f64::from(*n) * scale).floor() as u32).max(1);
    }
}
