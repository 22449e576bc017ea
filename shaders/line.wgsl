// Unlit lines (LineList: outlines, workings, borehole traces, grid) and points (PointList:
// point-cloud chunks), 1 pixel wide.
//
// Vertex layout = `scene::LineVertex` (28 bytes): position (scene-local metres), linear RGBA
// colour. Depth-tested; pulled a hair towards the camera so outlines drawn on a surface are not
// lost to depth fighting with it.

struct Camera {
    clip_from_local: mat4x4<f32>,
    eye: vec4<f32>,
    light_dir: vec4<f32>,
};

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

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    return in.color;
}
