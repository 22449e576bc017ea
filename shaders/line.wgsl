// Unlit lines (LineList: outlines, workings, borehole traces, grid), 1 pixel wide, and
// point-cloud points as sprites sized by distance (`vs_point`, instanced).
//
// Vertex layout = `scene::LineVertex` (28 bytes): position (scene-local metres), linear RGBA
// colour. Depth-tested; pulled a hair towards the camera so outlines drawn on a surface are not
// lost to depth fighting with it.

struct Camera {
    clip_from_local: mat4x4<f32>,
    eye: vec4<f32>,
    light_dir: vec4<f32>,
    // Image width and height (px), point size (m), focal length (px): for point sprites.
    viewport: vec4<f32>,
};

// Point sprites are at least this many and at most this many pixels across.
const MIN_POINT_PX: f32 = 1.0;
const MAX_POINT_PX: f32 = 5.0;

@group(0) @binding(0) var<uniform> camera: Camera;

// Fraction of the depth range (0..1) lines and points are pulled towards the camera.
const DEPTH_PULL: f32 = 0.0005;

struct VertexIn {
    @location(0) pos_in_local: vec3<f32>,
    @location(1) color: vec4<f32>,
};

struct VertexOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) color: vec4<f32>,
};

@vertex
fn vs_main(v: VertexIn) -> VertexOut {
    var out: VertexOut;
    var clip = camera.clip_from_local * vec4<f32>(v.pos_in_local, 1.0);
    // Only pull what is inside the depth range, and never in front of the near plane.
    if (clip.z >= 0.0) {
        clip.z = max(clip.z - DEPTH_PULL * clip.w, 0.0);
    }
    out.clip = clip;
    out.color = v.color;
    return out;
}

// A point-cloud point as a square sprite (two triangles, a strip of four corners per instance)
// whose size follows its distance: `viewport.z` metres across at the point's depth, so near
// points close up into a surface and far ones stay fine (potree's adaptive size), 1..5 px.
@vertex
fn vs_point(@builtin(vertex_index) corner: u32, v: VertexIn) -> VertexOut {
    var out: VertexOut;
    var clip = camera.clip_from_local * vec4<f32>(v.pos_in_local, 1.0);
    if (clip.z >= 0.0) {
        clip.z = max(clip.z - DEPTH_PULL * clip.w, 0.0);
    }
    let size_px = clamp(camera.viewport.z * camera.viewport.w / max(clip.w, 1e-6), MIN_POINT_PX, MAX_POINT_PX);
    let c = vec2<f32>(f32(corner & 1u), f32(corner >> 1u)) * 2.0 - vec2<f32>(1.0, 1.0);
    clip = vec4<f32>(clip.xy + c * size_px / camera.viewport.xy * clip.w, clip.z, clip.w);
    out.clip = clip;
    out.color = v.color;
    return out;
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    return in.color;
}
