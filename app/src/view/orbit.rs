//! The viewer's camera state: plan (centre and metres per pixel), 3D orbit (target, distance,
//! azimuth, elevation) and section (line, slab, centre along the line and in elevation, metres
//! per pixel). Each produces a [`Camera`] for the renderer with the same conventions as
//! [`Camera::fit`] (a freshly fitted state gives exactly the fitted camera), and inverts it for
//! the cursor: plan and section exactly (orthographic), 3D approximately by intersecting the
//! cursor ray with the horizontal plane through the scene centre.
//!
//! Everything here is in scene-local coordinates (f32, relative to the scene origin).

use crate::render::camera::{self, Camera, ViewKind};
use glam::{Mat4, Vec2, Vec3, Vec4};

/// Vertical field of view of the 3D camera (as [`Camera::fit`]).
pub const FOV_DEG: f32 = 40.0;
/// The 3D view's starting azimuth and elevation (as `minehaz render`).
pub const DEFAULT_AZIMUTH_DEG: f32 = 210.0;
pub const DEFAULT_ELEVATION_DEG: f32 = 35.0;
/// Orbit speed, degrees per dragged pixel.
pub const ORBIT_DEG_PER_PX: f32 = 0.4;

/// Which view the viewport shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Plan,
    ThreeD,
    Section,
}

/// A vertical section line in local plan coordinates, and the half width of its slab.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SectionLine {
    pub a: [f32; 2],
    pub b: [f32; 2],
    pub half_width_m: f32,
}

impl SectionLine {
    fn frame(&self) -> (Vec3, Vec3, Vec3) {
        let (a, b) = (Vec3::new(self.a[0], self.a[1], 0.0), Vec3::new(self.b[0], self.b[1], 0.0));
        let along = (b - a).normalize_or(Vec3::X);
        let normal = Vec3::new(along.y, -along.x, 0.0);
        (along, normal, (a + b) / 2.0)
    }

    fn length(&self) -> f32 {
        Vec2::from(self.a).distance(Vec2::from(self.b)).max(1.0)
    }
}

/// The camera state of all three views; switching views keeps each one's state.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewCamera {
    /// Local bounds of the scene.
    pub bounds: [[f32; 3]; 2],
    pub mode: Mode,
    pub plan_centre: Vec2,
    pub plan_mpp: f32,
    pub target: Vec3,
    pub distance: f32,
    pub azimuth_deg: f32,
    pub elevation_deg: f32,
    pub section: Option<SectionLine>,
    /// Offset along the section line from its middle, m.
    pub section_u: f32,
    /// Elevation (local) at the centre of the section view.
    pub section_z: f32,
    pub section_mpp: f32,
    /// Fit the plan / section scale and the 3D distance at the next [`ViewCamera::camera`] (the
    /// size is known then).
    fit_pending: bool,
    /// Vertical exaggeration (1 = true scale; [`ViewCamera::set_vexag`]). The 3D target and
    /// the section's centre elevation are kept in the stretched space.
    pub vexag: f32,
    /// What the 3D view is fitted to: the mine's data without the licence prism
    /// ([`crate::scene::Scene::data_bounds`]); None: `bounds`.
    pub data_bounds: Option<[[f32; 3]; 2]>,
    /// Zoom so that this radius (m) around the centre fills the view, at the next
    /// [`ViewCamera::camera`] ([`ViewCamera::frame_around`]).
    frame_radius: Option<f32>,
}

impl ViewCamera {
    /// A camera fitted to `bounds`, in `mode`.
    pub fn new(bounds: [[f32; 3]; 2], mode: Mode) -> Self {
        let mut c = Self {
            bounds,
            mode,
            plan_centre: Vec2::ZERO,
            plan_mpp: 1.0,
            target: Vec3::ZERO,
            distance: 1.0,
            azimuth_deg: DEFAULT_AZIMUTH_DEG,
            elevation_deg: DEFAULT_ELEVATION_DEG,
            section: None,
            section_u: 0.0,
            section_z: 0.0,
            section_mpp: 1.0,
            fit_pending: true,
            vexag: 1.0,
            data_bounds: None,
            frame_radius: None,
        };
        c.fit_all();
        c
    }

    /// The scene's bounds as the camera sees them: stretched by the exaggeration.
    fn seen_bounds(&self) -> [[f32; 3]; 2] {
        camera::exaggerate_bounds(self.bounds, self.vexag)
    }

    /// The 3D view's fitting box, stretched by the exaggeration.
    fn seen_data_bounds(&self) -> [[f32; 3]; 2] {
        camera::exaggerate_bounds(self.data_bounds.unwrap_or(self.bounds), self.vexag)
    }

    fn centre(&self) -> Vec3 {
        let b = self.seen_bounds();
        (Vec3::from(b[0]) + Vec3::from(b[1])) / 2.0
    }

    fn size(&self) -> Vec3 {
        let b = self.seen_bounds();
        (Vec3::from(b[1]) - Vec3::from(b[0])).max(Vec3::splat(1.0))
    }

    /// Stretch elevations `vexag` times (clamped to 1..=[`camera::MAX_VEXAG`]), keeping what
    /// is at the centre of the view there.
    pub fn set_vexag(&mut self, vexag: f32) {
        let v = if vexag.is_finite() { vexag.clamp(1.0, camera::MAX_VEXAG) } else { 1.0 };
        let zc = (self.bounds[0][2] + self.bounds[1][2]) / 2.0;
        let k = v / self.vexag;
        self.target.z = zc + (self.target.z - zc) * k;
        self.section_z = zc + (self.section_z - zc) * k;
        // The 3D view stands off in proportion, so the stretched scene stays framed.
        let before = self.radius();
        self.vexag = v;
        self.distance *= self.radius() / before.max(1e-3);
    }

    /// A local point as the camera sees it (elevation stretched).
    fn stretched(&self, p: Vec3) -> Vec3 {
        camera::exaggeration(self.bounds, self.vexag).transform_point3(p)
    }

    fn radius(&self) -> f32 {
        self.size().length() / 2.0
    }

    /// Fit every view to the whole scene (keeps the mode, the 3D angles and the section line).
    pub fn fit_all(&mut self) {
        let c = self.centre();
        self.plan_centre = Vec2::new(c.x, c.y);
        let d = self.seen_data_bounds();
        self.target = (Vec3::from(d[0]) + Vec3::from(d[1])) / 2.0;
        self.distance = self.radius() / (FOV_DEG.to_radians() / 2.0).sin() * 1.05;
        self.section_u = 0.0;
        self.section_z = c.z;
        self.fit_pending = true;
    }

    /// Set the section line (and show it fitted).
    pub fn set_section(&mut self, line: SectionLine) {
        self.section = Some(line);
        self.section_u = 0.0;
        self.section_z = self.centre().z;
        self.fit_pending = true;
    }

    /// Centre every view on `p` (local) and zoom so that `radius_m` around it fills the view
    /// (fly to a finding: the finding in the middle, its feature around it).
    pub fn frame_around(&mut self, p: Vec3, radius_m: f32) {
        self.look_at(p);
        self.frame_radius = Some(radius_m.max(1.0));
    }

    fn resolve_fit(&mut self, width: u32, height: u32) {
        if width == 0 || height == 0 {
            return;
        }
        if let Some(r) = self.frame_radius.take() {
            let short = width.min(height) as f32;
            self.plan_mpp = 2.0 * r / short;
            self.section_mpp = 2.0 * r / short;
            // A sphere of radius r fits the vertical field of view (and the wider horizontal).
            self.distance = r / (FOV_DEG.to_radians() / 2.0).sin();
        }
        if !self.fit_pending {
            return;
        }
        let (w, h) = (width as f32, height as f32);
        let size = self.size();
        let (az, el) = (self.azimuth_deg.to_radians(), self.elevation_deg.clamp(-89.0, 89.0).to_radians());
        let dir = Vec3::new(az.sin() * el.cos(), az.cos() * el.cos(), el.sin());
        self.distance = camera::fit_distance(self.seen_data_bounds(), dir, FOV_DEG.to_radians(), w / h);
        self.plan_mpp = (size.x * 1.1 / w).max(size.y * 1.1 / h);
        if let Some(s) = &self.section {
            self.section_mpp = (s.length() * 1.1 / w).max(size.z * 1.3 / h);
        }
        self.fit_pending = false;
    }

    /// The renderer's camera for an image of `width` × `height` pixels (`width`, `height` ≥ 1).
    pub fn camera(&mut self, width: u32, height: u32) -> Camera {
        let (width, height) = (width.max(1), height.max(1));
        self.resolve_fit(width, height);
        let seen = self.seen_bounds();
        let (lo, hi) = (Vec3::from(seen[0]), Vec3::from(seen[1]));
        let stretch = camera::exaggeration(self.bounds, self.vexag);
        let unstretch = stretch.inverse();
        let size = self.size();
        let aspect = width as f32 / height as f32;
        match (self.mode, self.section) {
            (Mode::Plan, _) => {
                let (w, h) = (self.plan_mpp * width as f32, self.plan_mpp * height as f32);
                let c = self.plan_centre;
                let eye = Vec3::new(c.x, c.y, hi.z + 100.0);
                let view = Mat4::look_at_rh(eye, Vec3::new(c.x, c.y, lo.z), Vec3::Y);
                let proj = Mat4::orthographic_rh(-w / 2.0, w / 2.0, -h / 2.0, h / 2.0, 0.0, size.z + 200.0);
                Camera {
                    kind: ViewKind::Plan,
                    view_from_local: view * stretch,
                    clip_from_view: proj,
                    width,
                    height,
                    metres_per_pixel: Some(self.plan_mpp),
                    eye: unstretch.transform_point3(eye),
                    vexag: self.vexag,
                }
            }
            (Mode::Section, Some(s)) => {
                let (along, normal, mid) = s.frame();
                let (w, h) = (self.section_mpp * width as f32, self.section_mpp * height as f32);
                let look = mid + along * self.section_u + Vec3::Z * self.section_z;
                let eye = look + normal * (s.half_width_m + 10.0);
                let view = Mat4::look_at_rh(eye, look, Vec3::Z);
                let proj =
                    Mat4::orthographic_rh(-w / 2.0, w / 2.0, -h / 2.0, h / 2.0, 10.0, 10.0 + 2.0 * s.half_width_m);
                Camera {
                    kind: ViewKind::Section { a: s.a, b: s.b, half_width_m: s.half_width_m },
                    view_from_local: view * stretch,
                    clip_from_view: proj,
                    width,
                    height,
                    metres_per_pixel: Some(self.section_mpp),
                    eye: unstretch.transform_point3(eye),
                    vexag: self.vexag,
                }
            }
            // 3D (and a section mode without a line, which shows 3D).
            _ => {
                let (az, el) = (self.azimuth_deg.to_radians(), self.elevation_deg.clamp(-89.0, 89.0).to_radians());
                let dir = Vec3::new(az.sin() * el.cos(), az.cos() * el.cos(), el.sin());
                let eye = self.target + dir * self.distance;
                let view = Mat4::look_at_rh(eye, self.target, Vec3::Z);
                // Everything within this distance of the target is between the clip planes.
                let reach = self.radius() + self.target.distance(self.centre());
                let near = (self.distance - reach * 1.5).max(self.distance * 0.01);
                let proj = Mat4::perspective_rh(FOV_DEG.to_radians(), aspect, near, self.distance + reach * 1.5);
                Camera {
                    kind: ViewKind::ThreeD { azimuth_deg: self.azimuth_deg, elevation_deg: self.elevation_deg },
                    view_from_local: view * stretch,
                    clip_from_view: proj,
                    width,
                    height,
                    metres_per_pixel: None,
                    eye: unstretch.transform_point3(eye),
                    vexag: self.vexag,
                }
            }
        }
    }

    /// Is the 3D camera in use (also for a section mode that has no line yet)?
    pub fn is_3d(&self) -> bool {
        self.mode == Mode::ThreeD || (self.mode == Mode::Section && self.section.is_none())
    }

    /// Orbit by dragged pixels (3D).
    pub fn orbit(&mut self, dx_px: f32, dy_px: f32) {
        self.azimuth_deg = (self.azimuth_deg - dx_px * ORBIT_DEG_PER_PX).rem_euclid(360.0);
        self.elevation_deg = (self.elevation_deg + dy_px * ORBIT_DEG_PER_PX).clamp(-89.0, 89.0);
    }

    /// Move the view with the cursor by dragged pixels (the content follows the pointer).
    pub fn pan(&mut self, dx_px: f32, dy_px: f32, width: u32, height: u32) {
        if self.is_3d() {
            let cam = self.camera(width, height);
            let local_from_view = cam.view_from_local.inverse();
            let right = local_from_view.transform_vector3(Vec3::X);
            let up = local_from_view.transform_vector3(Vec3::Y);
            let m_per_px = 2.0 * self.distance * (FOV_DEG.to_radians() / 2.0).tan() / height.max(1) as f32;
            self.target += (-right * dx_px + up * dy_px) * m_per_px;
        } else if self.mode == Mode::Plan {
            self.plan_centre += Vec2::new(-dx_px, dy_px) * self.plan_mpp;
        } else {
            self.section_u -= dx_px * self.section_mpp;
            self.section_z += dy_px * self.section_mpp;
        }
    }

    /// Zoom by `factor` (> 1 zooms in), keeping the point under `at_px` in place (orthographic
    /// views; the 3D view zooms towards its target).
    pub fn zoom(&mut self, factor: f32, at_px: Option<[f32; 2]>, width: u32, height: u32) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        self.resolve_fit(width.max(1), height.max(1));
        let (w, h) = (width.max(1) as f32, height.max(1) as f32);
        let off = at_px.map_or(Vec2::ZERO, |p| Vec2::new(p[0] - w / 2.0, p[1] - h / 2.0));
        if self.is_3d() {
            self.distance = (self.distance / factor).clamp(1.0, self.radius() * 20.0);
        } else if self.mode == Mode::Plan {
            let new_mpp = (self.plan_mpp / factor).clamp(0.005, 1.0e4);
            self.plan_centre += Vec2::new(off.x, -off.y) * (self.plan_mpp - new_mpp);
            self.plan_mpp = new_mpp;
        } else {
            let new_mpp = (self.section_mpp / factor).clamp(0.005, 1.0e4);
            self.section_u += off.x * (self.section_mpp - new_mpp);
            self.section_z -= off.y * (self.section_mpp - new_mpp);
            self.section_mpp = new_mpp;
        }
    }

    /// Centre the view on a local point (fly to a finding).
    pub fn look_at(&mut self, p: Vec3) {
        self.fit_pending = false;
        self.frame_radius = None;
        let p = self.stretched(p);
        self.plan_centre = Vec2::new(p.x, p.y);
        self.target = p;
        if let Some(s) = &self.section {
            let (along, _, mid) = s.frame();
            self.section_u = (p - mid).dot(along);
            self.section_z = p.z;
        }
    }

    /// The local point under pixel `px` (x right, y down from the image's top-left): plan at
    /// the centre elevation of the scene (x, y exact); section in the section plane (exact);
    /// 3D where the cursor ray meets the horizontal plane through the scene centre
    /// (approximate; None when the ray is parallel to it or points away).
    pub fn unproject(&mut self, px: [f32; 2], width: u32, height: u32) -> Option<Vec3> {
        let cam = self.camera(width, height);
        let (w, h) = (cam.width as f32, cam.height as f32);
        let off = Vec2::new(px[0] - w / 2.0, px[1] - h / 2.0);
        match (self.mode, self.section) {
            (Mode::Plan, _) => {
                let c = self.plan_centre + Vec2::new(off.x, -off.y) * self.plan_mpp;
                Some(Vec3::new(c.x, c.y, self.centre().z))
            }
            (Mode::Section, Some(s)) => {
                let (along, _, mid) = s.frame();
                let u = self.section_u + off.x * self.section_mpp;
                let seen = mid + along * u + Vec3::Z * (self.section_z - off.y * self.section_mpp);
                Some(camera::exaggeration(self.bounds, self.vexag).inverse().transform_point3(seen))
            }
            _ => {
                let (origin, dir) = ray(&cam, px)?;
                let z = self.centre().z;
                if dir.z.abs() < 1e-6 {
                    return None;
                }
                let t = (z - origin.z) / dir.z;
                (t > 0.0).then(|| origin + dir * t)
            }
        }
    }
}

/// The cursor ray (origin on the near plane, unit direction) of a perspective camera.
pub fn ray(cam: &Camera, px: [f32; 2]) -> Option<(Vec3, Vec3)> {
    let inv = cam.clip_from_local().inverse();
    let ndc = Vec2::new(px[0] / cam.width as f32 * 2.0 - 1.0, 1.0 - px[1] / cam.height as f32 * 2.0);
    let at = |z: f32| {
        let p = inv * Vec4::new(ndc.x, ndc.y, z, 1.0);
        (p.w.abs() > 1e-12).then(|| p.truncate() / p.w)
    };
    let (near, far) = (at(0.0)?, at(1.0)?);
    let dir = (far - near).try_normalize()?;
    Some((near, dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    const B: [[f32; 3]; 2] = [[-1800.0, -1300.0, -150.0], [1800.0, 1300.0, 150.0]];

    fn assert_camera_eq(a: &Camera, b: &Camera) {
        assert_eq!(a.kind, b.kind);
        assert_eq!((a.width, a.height), (b.width, b.height));
        for (x, y) in a.clip_from_local().to_cols_array().iter().zip(b.clip_from_local().to_cols_array()) {
            assert_abs_diff_eq!(*x, y, epsilon = 1e-5);
        }
    }

    /// Exaggerated, a fitted state still gives the fitted camera, and the cursor reads true
    /// (unstretched) elevations in a section.
    #[test]
    fn exaggerated_states_fit_and_unproject_true_elevations() {
        let kind = ViewKind::ThreeD { azimuth_deg: DEFAULT_AZIMUTH_DEG, elevation_deg: DEFAULT_ELEVATION_DEG };
        let mut c = ViewCamera::new(B, Mode::ThreeD);
        c.set_vexag(3.0);
        c.fit_all();
        assert_camera_eq(&c.camera(800, 500), &Camera::fit_exaggerated(kind, B, 800, 500, 3.0));
        let line = SectionLine { a: [-1000.0, 0.0], b: [1000.0, 0.0], half_width_m: 50.0 };
        c.set_section(line);
        c.mode = Mode::Section;
        let cam = c.camera(800, 500);
        let p = Vec3::new(200.0, 0.0, -120.0);
        let (px, _) = cam.project(p.into()).expect("in view");
        let back = c.unproject(px, 800, 500).expect("section");
        assert_abs_diff_eq!(back.z, p.z, epsilon = 0.5);
        assert_abs_diff_eq!(back.x, p.x, epsilon = 0.5);
        // Changing the factor keeps the point at the centre of the view there.
        c.look_at(p);
        c.set_vexag(6.0);
        let (px, _) = c.camera(800, 500).project(p.into()).expect("in view");
        assert_abs_diff_eq!(px[1], 250.0, epsilon = 0.5);
        c.set_vexag(f32::NAN);
        assert_eq!(c.vexag, 1.0);
    }

    /// 3D is framed to the data box when one is given (as `render` frames it), plan to all.
    #[test]
    fn three_d_is_fitted_to_the_data_and_plan_to_everything() {
        let data = [[-600.0, -400.0, -150.0], [600.0, 400.0, 100.0]];
        let mut c = ViewCamera::new(B, Mode::ThreeD);
        c.data_bounds = Some(data);
        c.fit_all();
        let kind = ViewKind::ThreeD { azimuth_deg: DEFAULT_AZIMUTH_DEG, elevation_deg: DEFAULT_ELEVATION_DEG };
        let (fitted, want) = (c.camera(800, 500), Camera::fit(kind, data, 800, 500));
        assert_abs_diff_eq!(fitted.eye.distance(want.eye), 0.0, epsilon = 0.5);
        c.mode = Mode::Plan;
        assert_camera_eq(&c.camera(800, 500), &Camera::fit(ViewKind::Plan, B, 800, 500));
    }

    #[test]
    fn fitted_states_give_the_fitted_cameras() {
        let mut c = ViewCamera::new(B, Mode::Plan);
        assert_camera_eq(&c.camera(800, 500), &Camera::fit(ViewKind::Plan, B, 800, 500));
        c.mode = Mode::ThreeD;
        let kind = ViewKind::ThreeD { azimuth_deg: DEFAULT_AZIMUTH_DEG, elevation_deg: DEFAULT_ELEVATION_DEG };
        assert_camera_eq(&c.camera(800, 500), &Camera::fit(kind, B, 800, 500));
        let line = SectionLine { a: [-1500.0, 0.0], b: [1500.0, 200.0], half_width_m: 50.0 };
        c.mode = Mode::Section;
        c.set_section(line);
        let kind = ViewKind::Section { a: line.a, b: line.b, half_width_m: 50.0 };
        assert_camera_eq(&c.camera(800, 500), &Camera::fit(kind, B, 800, 500));
    }

    #[test]
    fn plan_and_section_unproject_exactly() {
        for mode in [Mode::Plan, Mode::Section] {
            let mut c = ViewCamera::new(B, mode);
            c.set_section(SectionLine { a: [-1000.0, -300.0], b: [900.0, 400.0], half_width_m: 40.0 });
            c.zoom(1.7, Some([100.0, 80.0]), 640, 480);
            c.pan(13.0, -7.0, 640, 480);
            let cam = c.camera(640, 480);
            for px in [[0.0, 0.0], [320.0, 240.0], [600.5, 17.25]] {
                let p = c.unproject(px, 640, 480).expect("orthographic");
                let (back, _) = cam.project(p.to_array()).expect("in front");
                assert_abs_diff_eq!(back[0], px[0], epsilon = 0.05);
                assert_abs_diff_eq!(back[1], px[1], epsilon = 0.05);
            }
        }
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let mut c = ViewCamera::new(B, Mode::Plan);
        let before = c.unproject([100.0, 400.0], 800, 600).expect("plan");
        c.zoom(2.0, Some([100.0, 400.0]), 800, 600);
        let after = c.unproject([100.0, 400.0], 800, 600).expect("plan");
        assert_abs_diff_eq!(before.x, after.x, epsilon = 1e-2);
        assert_abs_diff_eq!(before.y, after.y, epsilon = 1e-2);
        let mut c3 = ViewCamera::new(B, Mode::ThreeD);
        // The 3D distance is fitted once the viewport's size is known (its first camera).
        c3.camera(800, 600);
        let d = c3.distance;
        c3.zoom(2.0, None, 800, 600);
        assert_abs_diff_eq!(c3.distance, d / 2.0, epsilon = 1e-3);
    }

    #[test]
    fn three_d_cursor_meets_the_centre_plane_and_orbit_stays_bounded() {
        let mut c = ViewCamera::new(B, Mode::ThreeD);
        // The image centre looks at the target, which is on the centre plane.
        let p = c.unproject([400.0, 300.0], 800, 600).expect("looking down");
        assert_abs_diff_eq!(p.x, 0.0, epsilon = 0.5);
        assert_abs_diff_eq!(p.y, 0.0, epsilon = 0.5);
        assert_abs_diff_eq!(p.z, 0.0, epsilon = 1e-3);
        c.orbit(100.0, 1000.0);
        assert!(c.elevation_deg <= 89.0);
        assert!((0.0..360.0).contains(&c.azimuth_deg));
        // Panning moves the target in the view plane, the content follows the pointer.
        let before = c.camera(800, 600).project([0.0, 0.0, 0.0]).expect("visible").0;
        c.pan(30.0, 0.0, 800, 600);
        let after = c.camera(800, 600).project([0.0, 0.0, 0.0]).expect("visible").0;
        assert!(after[0] > before[0] + 20.0, "{before:?} → {after:?}");
    }
}
