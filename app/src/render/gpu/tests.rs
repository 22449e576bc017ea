//! Tests of the GPU renderer on the software rasteriser: shaders, uniforms, opaque /
//! translucent / line drawing, sorting, point LOD.

use super::*;
use crate::render::camera::ViewKind;
use crate::scene::{Mesh, PointChunk, SceneLayer};

/// Colour tolerance (0..255 per channel) of rendered pixels against expectations.
const TOLERANCE: i32 = 6;

#[test]
fn every_wgsl_shader_validates_with_naga() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shaders");
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("shaders/ exists") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "wgsl") {
            let src = std::fs::read_to_string(&path).expect("read shader");
            let module = naga::front::wgsl::parse_str(&src)
                .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.emit_to_string(&src)));
            naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::default())
                .validate(&module)
                .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.emit_to_string(&src)));
            for entry_point in ["vs_main", "fs_main"] {
                assert!(module.entry_points.iter().any(|e| e.name == entry_point), "{}", path.display());
            }
            checked.push(path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default());
        }
    }
    checked.sort();
    assert_eq!(checked, ["edl.wgsl", "line.wgsl", "mesh.wgsl"]);
    // And the multisampled variant of the eye-dome lighting pass the host builds.
    let src = edl_source(true);
    assert!(src.contains("texture_depth_multisampled_2d"));
    let module =
        naga::front::wgsl::parse_str(&src).unwrap_or_else(|e| panic!("edl (MSAA): {}", e.emit_to_string(&src)));
    naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::default())
        .validate(&module)
        .unwrap_or_else(|e| panic!("edl (MSAA): {}", e.emit_to_string(&src)));
}

#[test]
fn camera_uniform_matches_the_wgsl_struct() {
    // mat4x4 (64) + vec4 (16) + vec4 (16) + vec4 (16), no padding.
    assert_eq!(std::mem::size_of::<CameraUniform>(), 112);
}

const BOUNDS: [[f32; 3]; 2] = [[-10.0, -10.0, -1.0], [10.0, 10.0, 1.0]];
const UP: [f32; 3] = [0.0, 0.0, 1.0];
const RED: [f32; 4] = [1.0, 0.0, 0.0, 1.0];
const GREEN: [f32; 4] = [0.0, 1.0, 0.0, 1.0];

fn quad(x: [f32; 2], y: [f32; 2], z: f32, color: [f32; 4]) -> Mesh {
    let v = |px, py| MeshVertex { pos: [px, py, z], normal: UP, color };
    Mesh { vertices: vec![v(x[0], y[0]), v(x[1], y[0]), v(x[1], y[1]), v(x[0], y[1])], indices: vec![0, 1, 2, 0, 2, 3] }
}

fn layer(name: &str) -> SceneLayer {
    SceneLayer { name: name.into(), ..Default::default() }
}

fn plan() -> Camera {
    Camera::fit(ViewKind::Plan, BOUNDS, 64, 64)
}

fn gpu() -> Gpu {
    // CI has lavapipe: no adapter is a failure, never a skip.
    Gpu::new().expect("a graphics adapter (lavapipe in CI)")
}

/// The pixel under a local point.
fn pixel(img: &RgbaImage, camera: &Camera, p: [f32; 2]) -> [u8; 4] {
    let (px, _) = camera.project([p[0], p[1], 0.0]).expect("in view");
    img.get_pixel(px[0].floor() as u32, px[1].floor() as u32).0
}

fn to_srgb(linear: f32) -> i32 {
    let v = linear.clamp(0.0, 1.0);
    let e = if v <= 0.003_130_8 { v * 12.92 } else { 1.055 * v.powf(1.0 / 2.4) - 0.055 };
    (e * 255.0).round() as i32
}

/// The linear shade of an upward-facing surface in plan view.
fn plan_shade(camera: &Camera) -> f32 {
    AMBIENT + (1.0 - AMBIENT) * light_dir_in_local(camera).dot(Vec3::Z).abs()
}

fn assert_near(got: [u8; 4], want_linear: [f32; 3], what: &str) {
    let want = want_linear.map(to_srgb);
    for k in 0..3 {
        assert!((i32::from(got[k]) - want[k]).abs() <= TOLERANCE, "{what}: got {got:?}, want {want:?}");
    }
    assert_eq!(got[3], 255, "{what}: opaque image");
}

#[test]
fn renders_opaque_translucent_and_lines_in_plan() {
    let gpu = gpu();
    let camera = plan();
    let mpp = camera.metres_per_pixel.expect("plan is orthographic");
    // Row 14 from the top, through pixel centres (64 px, centre on a pixel boundary).
    let line_y = (32.0 - 14.5) * mpp;
    let mut l = layer("test");
    // Red triangle over the lower-left half (x + y < 0).
    l.opaque = Mesh {
        vertices: [[-8.0, -8.0], [8.0, -8.0], [-8.0, 8.0]]
            .map(|p| MeshVertex { pos: [p[0], p[1], 0.0], normal: UP, color: RED })
            .to_vec(),
        indices: vec![0, 1, 2],
    };
    // Half-transparent blue quad above it.
    l.translucent = quad([-2.0, 8.0], [-7.0, -3.0], 0.5, [0.0, 0.0, 1.0, 0.5]);
    l.lines = vec![
        LineVertex { pos: [-8.0, line_y, 0.1], color: GREEN },
        LineVertex { pos: [8.0, line_y, 0.1], color: GREEN },
    ];
    // One black point at the centre of pixel (50, 36).
    let dot = [(50.5 - 32.0) * mpp, (32.0 - 36.5) * mpp, 0.0];
    l.point_chunks =
        vec![PointChunk { bounds: [dot, dot], points: vec![LineVertex { pos: dot, color: [0.0, 0.0, 0.0, 1.0] }] }];
    let scene = gpu.upload(&Scene { bounds: BOUNDS, layers: vec![l], ..Default::default() });
    let img = gpu.render(&scene, &camera, &|_| true).expect("render");
    assert_near(img.get_pixel(50, 36).0, [0.0, 0.0, 0.0], "point");
    assert_eq!(img.dimensions(), (64, 64));
    let s = plan_shade(&camera);

    assert_near(pixel(&img, &camera, [-6.0, 2.0]), [s, 0.0, 0.0], "red triangle only");
    assert_near(pixel(&img, &camera, [0.0, -5.0]), [0.5 * s, 0.0, 0.5 * s], "blue over red");
    assert_near(pixel(&img, &camera, [6.0, -5.0]), [0.5, 0.5, 0.5 + 0.5 * s], "blue over background");
    assert_near(pixel(&img, &camera, [6.0, 2.0]), [1.0, 1.0, 1.0], "background");
    let green = pixel(&img, &camera, [5.0, line_y]);
    assert!(green[1] > 200 && green[0] < 60 && green[2] < 60, "green line: {green:?}");
    // Over the triangle the line is drawn on top (it is above it).
    let green = pixel(&img, &camera, [-5.0, line_y]);
    assert!(green[1] > 200 && green[0] < 60 && green[2] < 60, "green line over red: {green:?}");

    // Hidden layers are not drawn.
    let empty = gpu.render(&scene, &camera, &|name| name != "test").expect("render");
    assert!(empty.pixels().all(|p| p.0 == BACKGROUND_SRGB));

    let mean = gpu.render_frames(&scene, &camera, 20).expect("frames");
    eprintln!("{}: MSAA {}×, mean frame {:?} (64×64, tiny scene)", gpu.adapter_name(), gpu.sample_count, mean);
}

#[test]
fn translucent_triangles_are_sorted_whatever_their_buffer_order() {
    let gpu = gpu();
    let camera = plan();
    let low = quad([-6.0, 4.0], [-6.0, 4.0], 0.2, [1.0, 0.0, 0.0, 0.5]);
    let high = quad([-4.0, 6.0], [-4.0, 6.0], 0.6, [0.0, 0.0, 1.0, 0.5]);
    let render = |layers: Vec<SceneLayer>| {
        let scene = gpu.upload(&Scene { bounds: BOUNDS, layers, ..Default::default() });
        gpu.render(&scene, &camera, &|_| true).expect("render")
    };
    let one_layer = |a: &Mesh, b: &Mesh| {
        let mut l = layer("zones");
        l.translucent.extend(a);
        l.translucent.extend(b);
        vec![l]
    };
    let two_layers = |a: &Mesh, b: &Mesh| {
        let (mut la, mut lb) = (layer("a"), layer("b"));
        la.translucent = a.clone();
        lb.translucent = b.clone();
        vec![la, lb]
    };
    let reference = render(one_layer(&low, &high));
    for (what, img) in [
        ("one layer, high first", render(one_layer(&high, &low))),
        ("two layers, low first", render(two_layers(&low, &high))),
        ("two layers, high first", render(two_layers(&high, &low))),
    ] {
        let worst = reference
            .pixels()
            .zip(img.pixels())
            .flat_map(|(a, b)| (0..4).map(move |k| (i32::from(a.0[k]) - i32::from(b.0[k])).abs()))
            .max()
            .unwrap_or(0);
        assert!(worst <= 1, "{what}: differs by {worst}");
    }
    // Where they overlap, blue (above) is over red: over white, red at 0.5, then blue at 0.5.
    let s = plan_shade(&camera);
    let red_on_white = [0.5 * s + 0.5, 0.5, 0.5];
    let want = [0.5 * red_on_white[0], 0.5 * red_on_white[1], 0.5 * s + 0.5 * red_on_white[2]];
    assert_near(pixel(&reference, &camera, [0.0, 0.0]), want, "blue over red over white");
}

#[test]
fn point_chunks_are_culled_and_thinned_by_projected_size() {
    let camera = Camera::fit(ViewKind::Plan, [[-100.0, -100.0, -10.0], [100.0, 100.0, 10.0]], 200, 200);
    let m = camera.clip_from_local();
    // Far outside the view.
    assert_eq!(lod_count(m, 200, 200, [[500.0, 500.0, 0.0], [510.0, 510.0, 1.0]], 10_000), 0);
    // 10 m ≈ 9 px square: ~81 px × 2 points per pixel, far fewer than the chunk holds.
    let small = lod_count(m, 200, 200, [[0.0, 0.0, 0.0], [10.0, 10.0, 1.0]], 1_000_000);
    assert!((100..=300).contains(&small), "{small}");
    // Covering the view: everything it has.
    assert_eq!(lod_count(m, 200, 200, [[-100.0, -100.0, 0.0], [100.0, 100.0, 1.0]], 50_000), 50_000);
    // A speck still draws a few points; never more than it has.
    assert_eq!(lod_count(m, 200, 200, [[0.0, 0.0, 0.0], [0.01, 0.01, 0.0]], 1_000), MIN_POINTS_PER_CHUNK);
    assert_eq!(lod_count(m, 200, 200, [[0.0, 0.0, 0.0], [0.01, 0.01, 0.0]], 5), 5);
    // A chunk half off the screen is as dense as its neighbour on it (no patchwork of tiles at
    // the edge of a close-up).
    let inside = lod_count(m, 200, 200, [[70.0, 0.0, 0.0], [90.0, 10.0, 1.0]], 1_000_000);
    let edge = lod_count(m, 200, 200, [[90.0, 0.0, 0.0], [110.0, 10.0, 1.0]], 1_000_000);
    assert_eq!(inside, edge);
}

#[test]
fn point_budget_thins_chunks_in_proportion() {
    let mut counts = [600, 0, 300, 100];
    fit_budget(&mut counts, 2_000);
    assert_eq!(counts, [600, 0, 300, 100], "under the budget: unchanged");
    fit_budget(&mut counts, 500);
    assert_eq!(counts, [300, 0, 150, 50]);
    let mut tiny = [1_000_000, 1];
    fit_budget(&mut tiny, 1_000);
    assert_eq!(tiny, [999, 1], "a drawn chunk keeps a point");
}

/// Eye-dome lighting darkens the lower side of a step (its neighbours are nearer the eye) and
/// leaves flat ground and the upper side as they were; off, the step does not show.
#[test]
fn eye_dome_lighting_outlines_a_step() {
    let gpu = gpu();
    let camera = plan();
    let mut l = layer("terraces");
    l.opaque = quad([-10.0, 0.0], [-10.0, 10.0], 0.0, RED);
    l.opaque.extend(&quad([0.0, 10.0], [-10.0, 10.0], -2.0, RED));
    let mut scene = gpu.upload(&Scene { bounds: BOUNDS, layers: vec![l], ..Default::default() });
    assert!(!scene.edl, "no points: no eye-dome lighting by default");
    let mpp = camera.metres_per_pixel.expect("ortho");
    let red = |img: &RgbaImage, x: f32| i32::from(pixel(img, &camera, [x, 0.3])[0]);
    let off = gpu.render(&scene, &camera, &|_| true).expect("render");
    scene.edl = true;
    let on = gpu.render(&scene, &camera, &|_| true).expect("render");
    let (step_low, far_low, step_high, far_high) = (0.5 * mpp, 8.0, -0.5 * mpp, -8.0);
    assert!((red(&off, step_low) - red(&off, far_low)).abs() <= 2, "off: the step does not show");
    assert!(
        f64::from(red(&on, step_low)) < 0.7 * f64::from(red(&on, far_low)),
        "on: the lower side of the step is dark: {} vs {}",
        red(&on, step_low),
        red(&on, far_low)
    );
    assert!((red(&on, step_high) - red(&off, step_high)).abs() <= 2, "the upper side is not darkened");
    assert!((red(&on, far_high) - red(&off, far_high)).abs() <= 2, "flat ground is not darkened");
    assert!((red(&on, far_low) - red(&off, far_low)).abs() <= 2, "flat ground is not darkened");
}

/// A plan underlay (a geophysical raster at its survey level) does not hide what lies below
/// it in plan; in 3D it is an ordinary surface.
#[test]
fn plan_underlays_do_not_hide_deeper_features() {
    let gpu = gpu();
    let mut raster = layer("grids");
    raster.opaque = quad([-10.0, 10.0], [-10.0, 10.0], 0.5, RED);
    raster.underlay_in_plan = true;
    let mut deeper = layer("workings");
    deeper.opaque = quad([-2.0, 2.0], [-2.0, 2.0], -0.5, GREEN);
    let scene = gpu.upload(&Scene { bounds: BOUNDS, layers: vec![raster, deeper], ..Default::default() });
    let camera = plan();
    let img = gpu.render(&scene, &camera, &|_| true).expect("render");
    let s = plan_shade(&camera);
    assert_near(pixel(&img, &camera, [0.0, 0.0]), [0.0, s, 0.0], "the deeper working shows through in plan");
    assert_near(pixel(&img, &camera, [6.0, 6.0]), [s, 0.0, 0.0], "the raster elsewhere");
    // Not an underlay: the raster above hides it.
    let mut raster = layer("grids");
    raster.opaque = quad([-10.0, 10.0], [-10.0, 10.0], 0.5, RED);
    let mut deeper = layer("workings");
    deeper.opaque = quad([-2.0, 2.0], [-2.0, 2.0], -0.5, GREEN);
    let scene = gpu.upload(&Scene { bounds: BOUNDS, layers: vec![raster, deeper], ..Default::default() });
    let img = gpu.render(&scene, &camera, &|_| true).expect("render");
    assert_near(pixel(&img, &camera, [0.0, 0.0]), [s, 0.0, 0.0], "hidden by the surface above");
}

/// Points are sprites as wide as the spacing drawn (√(area / points)), from 1 to 5 px: a sparse
/// chunk draws large points, a dense one fine points.
#[test]
fn point_sprites_follow_the_spacing_drawn() {
    assert_eq!(point_size_m(&[([[0.0; 3], [10.0, 10.0, 1.0]], 100), ([[0.0; 3], [10.0, 10.0, 1.0]], 0)]), 1.0);
    assert_eq!(point_size_m(&[]), 0.0);
    let gpu = gpu();
    let camera = plan();
    let dark = |pts: Vec<[f32; 3]>| {
        let mut l = layer("pointcloud");
        let (lo, hi) = (
            pts.iter().fold([f32::MAX; 3], |a, p| [a[0].min(p[0]), a[1].min(p[1]), a[2].min(p[2])]),
            pts.iter().fold([f32::MIN; 3], |a, p| [a[0].max(p[0]), a[1].max(p[1]), a[2].max(p[2])]),
        );
        l.point_chunks = vec![PointChunk {
            bounds: [lo, hi],
            points: pts.iter().map(|&pos| LineVertex { pos, color: [0.0, 0.0, 0.0, 1.0] }).collect(),
        }];
        let mut scene = gpu.upload(&Scene { bounds: BOUNDS, layers: vec![l], ..Default::default() });
        scene.edl = false;
        let img = gpu.render(&scene, &camera, &|_| true).expect("render");
        img.pixels().filter(|p| p.0[0] < 128).count()
    };
    // Four points 16 m apart: 8 m spacing ≈ 23 px, clamped to 5 px squares.
    let sparse = dark(vec![[-8.0, -8.0, 0.0], [8.0, -8.0, 0.0], [-8.0, 8.0, 0.0], [8.0, 8.0, 0.0]]);
    assert!((4 * 16..=4 * 36).contains(&sparse), "four 5-px sprites: {sparse} dark pixels");
    // A dense 100 × 100 grid over 1 m: 1 px points, most on the same few pixels.
    let dense: Vec<[f32; 3]> = (0..10_000).map(|i| [(i % 100) as f32 * 0.01, (i / 100) as f32 * 0.01, 0.0]).collect();
    let n = dark(dense);
    assert!(n <= 25, "1 m square of fine points: {n} px");
}
