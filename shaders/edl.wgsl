// Eye-dome lighting (Boucheny 2009, as potree and CloudCompare shade point clouds): a screen-space
// pass over the depth buffer. For each pixel, the log of its distance from the eye is compared
// with that of its neighbours at `radius` pixels in eight directions; the more the neighbours are
// nearer, the darker the pixel: benches, berms and crests read at a glance without normals.
//
// Drawn as one full-screen triangle over the resolved colour image with a multiplying blend
// (colour × shade), so the colour is never read here. With MSAA the host declares the depth as
// `texture_depth_multisampled_2d` instead (`gpu::edl_source`); it is read at level / sample 0.

struct Edl {
    // Projection terms that recover the eye distance from the depth d (0..1):
    // perspective: m32 / (d + m22); orthographic: (m32 - d) / m22.
    m22: f32,
    m32: f32,
    // 1 for an orthographic camera.
    ortho: f32,
    // Darkening strength (potree's default is 1) and neighbour radius in pixels.
    strength: f32,
    radius: f32,
    _pad0: f32,
    _pad1: f32,
    _pad2: f32,
};

@group(0) @binding(0) var depth_tex: texture_depth_2d;
@group(0) @binding(1) var<uniform> edl: Edl;

@vertex
fn vs_main(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
    // One triangle covering the screen.
    let x = f32(i32(i & 1u) * 4 - 1);
    let y = f32(i32(i >> 1u) * 4 - 1);
    return vec4<f32>(x, y, 0.0, 1.0);
}

fn log_distance(p: vec2<i32>) -> f32 {
    let size = vec2<i32>(textureDimensions(depth_tex));
    let q = clamp(p, vec2<i32>(0, 0), size - vec2<i32>(1, 1));
    let d = textureLoad(depth_tex, q, 0);
    if (d >= 1.0) {
        // Background: no neighbour to compare with.
        return -1.0;
    }
    var dist: f32;
    if (edl.ortho > 0.5) {
        dist = (edl.m32 - d) / edl.m22;
    } else {
        dist = edl.m32 / (d + edl.m22);
    }
    return log2(max(dist, 1e-3));
}

@fragment
fn fs_main(@builtin(position) frag: vec4<f32>) -> @location(0) vec4<f32> {
    let p = vec2<i32>(frag.xy);
    let centre = log_distance(p);
    if (centre < -0.5) {
        return vec4<f32>(1.0, 1.0, 1.0, 1.0);
    }
    var sum = 0.0;
    for (var k = 0; k < 8; k = k + 1) {
        let a = f32(k) * 0.785398163;
        let o = vec2<i32>(round(vec2<f32>(cos(a), sin(a)) * edl.radius));
        let n = log_distance(p + o);
        if (n > -0.5) {
            sum = sum + max(0.0, centre - n);
        }
    }
    let shade = exp(-sum / 8.0 * 300.0 * edl.strength);
    return vec4<f32>(shade, shade, shade, 1.0);
}
