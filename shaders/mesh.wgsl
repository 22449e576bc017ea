// Lit surfaces (goaf prisms, water bodies, fault planes, terrain, finding zones …).
//
// Vertex layout = `scene::MeshVertex` (40 bytes): position (scene-local metres), normal, linear
// RGBA colour. Lighting is a directional light from behind the viewer's shoulder plus ambient,
// Lambert, two-sided (abs of the cosine), so walls seen from inside read as well as from outside.

struct Camera {
    clip_from_local: mat4x4<f32>,
    // Camera position in scene-local coordinates (w = 1).
    eye: vec4<f32>,
    // xyz: unit direction towards the light (scene-local); w: ambient fraction (0..1).
    light_dir: vec4<f32>,
    // Image width and height (px), point size (m), focal length (px): for point sprites.
    viewport: vec4<f32>,
};

@group(0) @binding(0) var<uniform> camera: Camera;

struct VertexIn {
    @location(0) pos_in_local: vec3<f32>,
    @location(1) normal: vec3<f32>,
    @location(2) color: vec4<f32>,
};

struct VertexOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) normal: vec3<f32>,
    @location(1) color: vec4<f32>,
};

@vertex
fn vs_main(v: VertexIn) -> VertexOut {
    var out: VertexOut;
    out.clip = camera.clip_from_local * vec4<f32>(v.pos_in_local, 1.0);
    out.normal = v.normal;
    out.color = v.color;
    return out;
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    let ambient = camera.light_dir.w;
    let len = length(in.normal);
    // A vertex without a normal is drawn fully lit rather than black.
    var diffuse = 1.0;
    if (len > 1e-6) {
        diffuse = abs(dot(in.normal / len, camera.light_dir.xyz));
    }
    let shade = ambient + (1.0 - ambient) * diffuse;
    return vec4<f32>(in.color.rgb * shade, in.color.a);
}
