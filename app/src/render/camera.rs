//! Cameras for the three views: plan (orthographic, north up), 3D (perspective orbit by
//! azimuth and elevation) and vertical section (orthographic, looking across the section line,
//! clipped to a slab around it). Matrices map scene-local coordinates (f32, relative to the
//! scene origin) to clip space (wgpu: z in 0..1).

use glam::{Mat4, Vec3, Vec4};

/// Which view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ViewKind {
    Plan,
    ThreeD {
        azimuth_deg: f32,
        elevation_deg: f32,
    },
    /// Section from `a` to `b` (local x, y), `half_width_m` each side of the line is shown.
    Section {
        a: [f32; 2],
        b: [f32; 2],
        half_width_m: f32,
    },
}

/// A camera fitted to a scene and an image size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    pub kind: ViewKind,
    pub view_from_local: Mat4,
    pub clip_from_view: Mat4,
    pub width: u32,
    pub height: u32,
    /// Metres per pixel for orthographic views (plan, section).
    pub metres_per_pixel: Option<f32>,
    /// Camera position (local), for sorting translucent triangles.
    pub eye: Vec3,
    /// Vertical exaggeration (1 = true scale): elevations are stretched by this factor about
    /// the middle of the data's elevation range, inside `view_from_local`.
    pub vexag: f32,
}

/// The largest vertical exaggeration offered (render flag and viewer slider).
pub const MAX_VEXAG: f32 = 20.0;

/// The transform that stretches elevations by `vexag` about the middle of `bounds`' z range
/// (x, y unchanged): applied before the view, so a 45° face at 2× reads as atan(2) = 63.4°.
pub fn exaggeration(bounds: [[f32; 3]; 2], vexag: f32) -> Mat4 {
    let zc = (bounds[0][2] + bounds[1][2]) / 2.0;
    Mat4::from_translation(Vec3::Z * zc)
        * Mat4::from_scale(Vec3::new(1.0, 1.0, vexag))
        * Mat4::from_translation(-Vec3::Z * zc)
}

/// `bounds` as they are after [`exaggeration`].
pub fn exaggerate_bounds(bounds: [[f32; 3]; 2], vexag: f32) -> [[f32; 3]; 2] {
    let zc = (bounds[0][2] + bounds[1][2]) / 2.0;
    let z = |v: f32| zc + (v - zc) * vexag;
    [[bounds[0][0], bounds[0][1], z(bounds[0][2])], [bounds[1][0], bounds[1][1], z(bounds[1][2])]]
}

impl Camera {
    pub fn clip_from_local(&self) -> Mat4 {
        self.clip_from_view * self.view_from_local
    }

    /// A camera at true vertical scale.
    fn new(kind: ViewKind, view: Mat4, proj: Mat4, (width, height): (u32, u32), mpp: Option<f32>, eye: Vec3) -> Self {
        Self {
            kind,
            view_from_local: view,
            clip_from_view: proj,
            width,
            height,
            metres_per_pixel: mpp,
            eye,
            vexag: 1.0,
        }
    }

    /// [`Camera::fit`] with elevations stretched `vexag` times (clamped to 1..=[`MAX_VEXAG`]):
    /// the view is fitted to the stretched bounds, and every projection (the GPU's, the
    /// overlay's, the cursor's inverse) goes through the stretch.
    pub fn fit_exaggerated(kind: ViewKind, bounds: [[f32; 3]; 2], width: u32, height: u32, vexag: f32) -> Self {
        let v = if vexag.is_finite() { vexag.clamp(1.0, MAX_VEXAG) } else { 1.0 };
        let mut c = Self::fit(kind, exaggerate_bounds(bounds, v), width, height);
        let e = exaggeration(bounds, v);
        c.view_from_local *= e;
        c.eye = e.inverse().transform_point3(c.eye);
        c.vexag = v;
        c
    }

    /// Fit the view to local `bounds` with a margin.
    pub fn fit(kind: ViewKind, bounds: [[f32; 3]; 2], width: u32, height: u32) -> Self {
        let (lo, hi) = (Vec3::from(bounds[0]), Vec3::from(bounds[1]));
        let center = (lo + hi) / 2.0;
        let size = (hi - lo).max(Vec3::splat(1.0));
        let aspect = width as f32 / height.max(1) as f32;
        match kind {
            ViewKind::Plan => {
                let (w, h) = (size.x * 1.1, size.y * 1.1);
                let (w, h) = if w / h > aspect { (w, w / aspect) } else { (h * aspect, h) };
                let eye = Vec3::new(center.x, center.y, hi.z + 100.0);
                let view = Mat4::look_at_rh(eye, Vec3::new(center.x, center.y, lo.z), Vec3::Y);
                let depth = size.z + 200.0;
                let proj = Mat4::orthographic_rh(-w / 2.0, w / 2.0, -h / 2.0, h / 2.0, 0.0, depth);
                Self::new(kind, view, proj, (width, height), Some(w / width as f32), eye)
            }
            ViewKind::ThreeD { azimuth_deg, elevation_deg } => {
                let (az, el) = (azimuth_deg.to_radians(), elevation_deg.clamp(-89.0, 89.0).to_radians());
                // The camera sits in the direction of the azimuth (clockwise from north) from the
                // centre, raised by the elevation angle, and looks at the centre.
                let dir = Vec3::new(az.sin() * el.cos(), az.cos() * el.cos(), el.sin());
                let radius = size.length() / 2.0;
                let fov = 40f32.to_radians();
                let dist = fit_distance(bounds, dir, fov, aspect);
                let eye = center + dir * dist;
                let view = Mat4::look_at_rh(eye, center, Vec3::Z);
                let proj =
                    Mat4::perspective_rh(fov, aspect, (dist - radius * 1.5).max(dist * 0.01), dist + radius * 1.5);
                Self::new(kind, view, proj, (width, height), None, eye)
            }
            ViewKind::Section { a, b, half_width_m } => {
                let (a3, b3) = (Vec3::new(a[0], a[1], 0.0), Vec3::new(b[0], b[1], 0.0));
                let along = (b3 - a3).normalize_or(Vec3::X);
                // Look from the right-hand side of the line a→b, so a is on the left.
                let normal = Vec3::new(along.y, -along.x, 0.0);
                let mid = (a3 + b3) / 2.0;
                let len = (b3 - a3).length().max(1.0);
                let (w, h) = (len * 1.1, size.z * 1.3);
                let (w, h) = if w / h > aspect { (w, w / aspect) } else { (h * aspect, h) };
                let eye = Vec3::new(mid.x, mid.y, center.z) + normal * (half_width_m + 10.0);
                let view = Mat4::look_at_rh(eye, Vec3::new(mid.x, mid.y, center.z), Vec3::Z);
                let proj = Mat4::orthographic_rh(-w / 2.0, w / 2.0, -h / 2.0, h / 2.0, 10.0, 10.0 + 2.0 * half_width_m);
                Self::new(kind, view, proj, (width, height), Some(w / width as f32), eye)
            }
        }
    }

    /// Pixel coordinates (x right, y down) of a local point, with its depth (0..1); None behind
    /// the camera.
    pub fn project(&self, p: [f32; 3]) -> Option<([f32; 2], f32)> {
        self.projector().project(p)
    }

    /// A projector with the matrix computed once, for projecting many points.
    pub fn projector(&self) -> Projector {
        Projector { m: self.clip_from_local(), w: self.width as f32, h: self.height as f32 }
    }
}

/// Projects scene-local points to pixels as [`Camera::project`] does, with the camera's matrix
/// computed once.
#[derive(Debug, Clone, Copy)]
pub struct Projector {
    m: Mat4,
    w: f32,
    h: f32,
}

impl Projector {
    /// Pixel coordinates and depth of `p`; None behind the camera.
    pub fn project(&self, p: [f32; 3]) -> Option<([f32; 2], f32)> {
        let c = self.m * Vec4::new(p[0], p[1], p[2], 1.0);
        if c.w <= 0.0 {
            return None;
        }
        let n = c / c.w;
        Some(([(n.x + 1.0) / 2.0 * self.w, (1.0 - n.y) / 2.0 * self.h], n.z))
    }

    /// The pixel of `p` when it is in the frame: between the clip planes and inside the image.
    pub fn in_frame(&self, p: [f32; 3]) -> Option<[f32; 2]> {
        let (px, z) = self.project(p)?;
        ((0.0..=1.0).contains(&z) && (0.0..self.w).contains(&px[0]) && (0.0..self.h).contains(&px[1])).then_some(px)
    }
}

/// How far from the centre of `bounds` a perspective camera looking back along `dir` (vertical
/// field of view `fov`, `aspect` = width / height, up = +z) must stand to see all eight corners
/// of the box, with a 4 % margin: the data fills the frame (a flat, wide mine is not framed by
/// its bounding sphere, which left most of the image empty).
pub fn fit_distance(bounds: [[f32; 3]; 2], dir: Vec3, fov: f32, aspect: f32) -> f32 {
    let (lo, hi) = (Vec3::from(bounds[0]), Vec3::from(bounds[1]));
    let center = (lo + hi) / 2.0;
    let back = dir.normalize_or(Vec3::Z);
    let right = (-back).cross(Vec3::Z).normalize_or(Vec3::X);
    let up = right.cross(-back);
    let ty = (fov / 2.0).tan();
    let tx = ty * aspect.max(1e-3);
    let mut d: f32 = 1.0;
    for i in 0..8 {
        let corner = Vec3::new(
            if i & 1 == 0 { lo.x } else { hi.x },
            if i & 2 == 0 { lo.y } else { hi.y },
            if i & 4 == 0 { lo.z } else { hi.z },
        );
        let o = corner - center;
        // The corner is o·back nearer the camera than the centre; at distance d it is seen at
        // |o·right| / (d − o·back) of the half-width tangent.
        let w = o.dot(back);
        d = d.max(w + o.dot(right).abs() / tx).max(w + o.dot(up).abs() / ty);
    }
    d * 1.04
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: [[f32; 3]; 2] = [[-1000.0, -500.0, -300.0], [1000.0, 500.0, 300.0]];

    #[test]
    fn plan_is_north_up_east_right() {
        let c = Camera::fit(ViewKind::Plan, B, 800, 400);
        let (centre, _) = c.project([0.0, 0.0, 0.0]).expect("centre");
        let (east, _) = c.project([500.0, 0.0, 0.0]).expect("east");
        let (north, _) = c.project([0.0, 400.0, 0.0]).expect("north");
        assert!((centre[0] - 400.0).abs() < 0.5 && (centre[1] - 200.0).abs() < 0.5);
        assert!(east[0] > centre[0] && (east[1] - centre[1]).abs() < 1e-3);
        assert!(north[1] < centre[1]);
        // Everything fits.
        for p in [[-1000.0, -500.0, 0.0], [1000.0, 500.0, 0.0]] {
            let (px, z) = c.project(p).expect("in");
            assert!((0.0..=800.0).contains(&px[0]) && (0.0..=400.0).contains(&px[1]) && (0.0..=1.0).contains(&z));
        }
        let mpp = c.metres_per_pixel.expect("ortho");
        assert!((mpp - 2200.0 / 800.0).abs() < 1e-3);
    }

    #[test]
    fn three_d_sees_the_whole_box_and_up_is_up() {
        let c = Camera::fit(ViewKind::ThreeD { azimuth_deg: 210.0, elevation_deg: 30.0 }, B, 640, 480);
        for x in [B[0][0], B[1][0]] {
            for y in [B[0][1], B[1][1]] {
                for z in [B[0][2], B[1][2]] {
                    let (p, d) = c.project([x, y, z]).expect("visible");
                    assert!((0.0..=640.0).contains(&p[0]) && (0.0..=480.0).contains(&p[1]), "{p:?}");
                    assert!((0.0..=1.0).contains(&d));
                }
            }
        }
        // Tight: the box reaches near an edge of the frame (it is not lost in the middle).
        let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for i in 0..8 {
            let p = [B[i & 1][0], B[(i >> 1) & 1][1], B[(i >> 2) & 1][2]];
            let (px, _) = c.project(p).expect("visible");
            (x0, x1, y0, y1) = (x0.min(px[0]), x1.max(px[0]), y0.min(px[1]), y1.max(px[1]));
        }
        let fill = ((x1 - x0) / 640.0).max((y1 - y0) / 480.0);
        assert!(fill > 0.85, "the box spans {:.0} % of the frame", fill * 100.0);
        let (low, _) = c.project([0.0, 0.0, -200.0]).expect("low");
        let (high, _) = c.project([0.0, 0.0, 200.0]).expect("high");
        assert!(high[1] < low[1]);
    }

    /// A 45° face seen in a section at 2× vertical exaggeration reads as atan(2) = 63.4°; plan
    /// is unchanged, and the exaggerated 3D view still frames the whole (stretched) box.
    #[test]
    fn vertical_exaggeration_steepens_a_45_degree_face() {
        let kind = ViewKind::Section { a: [-800.0, 0.0], b: [800.0, 0.0], half_width_m: 50.0 };
        let angle = |c: &Camera| {
            let (p, _) = c.project([0.0, 0.0, 0.0]).expect("in");
            let (q, _) = c.project([100.0, 0.0, -100.0]).expect("in");
            (q[1] - p[1]).atan2(q[0] - p[0]).to_degrees()
        };
        let flat = Camera::fit(kind, B, 800, 600);
        assert!((angle(&flat) - 45.0).abs() < 0.01, "{}", angle(&flat));
        let steep = Camera::fit_exaggerated(kind, B, 800, 600, 2.0);
        assert!((angle(&steep) - 2f32.atan().to_degrees()).abs() < 0.01, "{}", angle(&steep));
        assert!((angle(&steep) - 63.43).abs() < 0.01);
        // The exaggerated box fits the frame.
        let three_d =
            Camera::fit_exaggerated(ViewKind::ThreeD { azimuth_deg: 30.0, elevation_deg: 20.0 }, B, 800, 600, 5.0);
        for i in 0..8 {
            let (px, z) = three_d.project([B[i & 1][0], B[(i >> 1) & 1][1], B[(i >> 2) & 1][2]]).expect("visible");
            assert!(
                (0.0..=800.0).contains(&px[0]) && (0.0..=600.0).contains(&px[1]) && (0.0..=1.0).contains(&z),
                "{px:?}"
            );
        }
        // The eye is reported in unstretched local coordinates: the stretch maps it back.
        let e = exaggeration(B, 5.0).transform_point3(three_d.eye);
        let fitted = Camera::fit(
            ViewKind::ThreeD { azimuth_deg: 30.0, elevation_deg: 20.0 },
            exaggerate_bounds(B, 5.0),
            800,
            600,
        );
        assert!((e - fitted.eye).length() < 0.05, "{e} {}", fitted.eye);
        // Out-of-range factors clamp; plan ignores z.
        assert_eq!(Camera::fit_exaggerated(ViewKind::Plan, B, 80, 60, 0.1).vexag, 1.0);
        assert_eq!(Camera::fit_exaggerated(ViewKind::Plan, B, 80, 60, 1e9).vexag, MAX_VEXAG);
    }

    #[test]
    fn section_clips_to_its_slab_and_runs_left_to_right() {
        let c = Camera::fit(ViewKind::Section { a: [-800.0, 0.0], b: [800.0, 0.0], half_width_m: 50.0 }, B, 800, 300);
        let (pa, za) = c.project([-700.0, 0.0, 0.0]).expect("a side");
        let (pb, _) = c.project([700.0, 0.0, 0.0]).expect("b side");
        assert!(pa[0] < pb[0], "a on the left");
        assert!((0.0..=1.0).contains(&za));
        let (_, far) = c.project([0.0, 80.0, 0.0]).expect("off the slab");
        assert!(!(0.0..=1.0).contains(&far), "outside the slab is clipped: {far}");
        let (up, _) = c.project([0.0, 0.0, 250.0]).expect("up");
        let (down, _) = c.project([0.0, 0.0, -250.0]).expect("down");
        assert!(up[1] < down[1]);
    }
}
