//! Geometry builders shared by the visualizers: extruded outline prisms, tubes along 3D lines,
//! markers (cone, octahedron), line-list helpers and the legend collector.
//!
//! Inputs are world coordinates (f64, mine CRS); every position is brought to the scene's local
//! frame with [`Input::local`] (f64 subtraction, then f32) before any f32 arithmetic. Offsets
//! added in f32 afterwards (tube radii, marker sizes) are metres around local positions of at
//! most a few km, where f32 keeps well under a millimetre.

use crate::scene::style::Rgba;
use crate::scene::{Input, LegendEntry, LineVertex, Mesh, MeshVertex};
use geo::TriangulateEarcut;
use geo_types::{LineString, Polygon};
use minehaz_core::model::ZRange;

/// A local position or direction.
pub type V3 = [f32; 3];

pub fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
pub fn add(a: V3, b: V3) -> V3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}
pub fn scale(a: V3, s: f32) -> V3 {
    [a[0] * s, a[1] * s, a[2] * s]
}
pub fn dot(a: V3, b: V3) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
pub fn cross(a: V3, b: V3) -> V3 {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}
pub fn length(a: V3) -> f32 {
    dot(a, a).sqrt()
}
/// Unit vector, or None for a (near) zero vector.
pub fn normalize(a: V3) -> Option<V3> {
    let n = length(a);
    (n > 1e-6 && n.is_finite()).then(|| scale(a, 1.0 / n))
}

// ---------------------------------------------------------------------------------------------
// Lines

/// One line segment (a pair in the line list).
pub fn segment(lines: &mut Vec<LineVertex>, a: V3, b: V3, color: Rgba) {
    lines.push(LineVertex { pos: a, color });
    lines.push(LineVertex { pos: b, color });
}

/// An open polyline as segments.
pub fn polyline(lines: &mut Vec<LineVertex>, pts: &[V3], color: Rgba) {
    for w in pts.windows(2) {
        segment(lines, w[0], w[1], color);
    }
}

/// A closed ring (the closing segment added) as segments.
pub fn ring(lines: &mut Vec<LineVertex>, pts: &[V3], color: Rgba) {
    polyline(lines, pts, color);
    if let (Some(&first), Some(&last)) = (pts.first(), pts.last()) {
        if pts.len() > 2 {
            segment(lines, last, first, color);
        }
    }
}

/// The vertices of a polygon ring without the closing repeat and without consecutive
/// duplicates (world coordinates).
pub fn ring_coords(r: &LineString<f64>) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(r.0.len());
    for c in &r.0 {
        if out.last() != Some(&[c.x, c.y]) {
            out.push([c.x, c.y]);
        }
    }
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// Rings of a polygon: the exterior first, then the holes.
pub fn rings(p: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(p.exterior()).chain(p.interiors())
}

/// A polygon's rings at elevation `z` as a wireframe in the line list.
pub fn outline_at(input: &Input<'_>, lines: &mut Vec<LineVertex>, p: &Polygon<f64>, z: f64, color: Rgba) {
    for r in rings(p) {
        let pts: Vec<V3> = ring_coords(r).iter().map(|c| input.local([c[0], c[1], z])).collect();
        ring(lines, &pts, color);
    }
}

/// A polygon's rings at elevation `z` drawn with a line pattern ([`pattern`]; solid when
/// `lengths` is empty).
pub fn outline_patterned(
    input: &Input<'_>,
    lines: &mut Vec<LineVertex>,
    p: &Polygon<f64>,
    z: f64,
    color: Rgba,
    lengths: &[f32],
) {
    if lengths.is_empty() {
        return outline_at(input, lines, p, z, color);
    }
    for r in rings(p) {
        let mut pts: Vec<V3> = ring_coords(r).iter().map(|c| input.local([c[0], c[1], z])).collect();
        if let Some(&first) = pts.first() {
            pts.push(first);
        }
        for piece in pattern(&pts, lengths) {
            polyline(lines, &piece, color);
        }
    }
}

/// Split a polyline into dashes `dash` long separated by gaps `gap` long (metres, along the line).
pub fn dashes(pts: &[V3], dash: f32, gap: f32) -> Vec<Vec<V3>> {
    pattern(pts, &[dash, gap])
}

/// Split a polyline by a line pattern: lengths (metres along the line) alternately drawn and
/// skipped, repeated, e.g. `[8, 3, 1, 3]` for dash-dot. The drawn pieces keep the line's
/// vertices (a dash bends round a corner).
pub fn pattern(pts: &[V3], lengths: &[f32]) -> Vec<Vec<V3>> {
    let mut out = Vec::new();
    let period: f32 = lengths.iter().sum();
    if pts.len() < 2 || lengths.len() < 2 || lengths.iter().any(|l| l.is_nan() || *l < 0.0) || period <= 0.0 {
        return out;
    }
    let mut cur: Vec<V3> = vec![pts[0]];
    // The piece of the pattern we are in, and the distance left in it.
    let (mut k, mut left) = (0usize, lengths[0]);
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = length(sub(b, a));
        if len <= 0.0 {
            continue;
        }
        let mut t = 0.0f32;
        while t < len {
            let drawn = k % 2 == 0;
            let step = left.min(len - t);
            t += step;
            left -= step;
            let p = add(a, scale(sub(b, a), t / len));
            if drawn {
                cur.push(p);
            }
            while left <= 1e-6 {
                if k % 2 == 0 {
                    if cur.len() > 1 {
                        out.push(std::mem::take(&mut cur));
                    }
                    cur.clear();
                } else {
                    cur = vec![p];
                }
                k = (k + 1) % lengths.len();
                left = lengths[k];
            }
        }
    }
    if k % 2 == 0 && cur.len() > 1 {
        out.push(cur);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Prisms

/// The elevation span `[floor, roof]` of an outline: open bounds take the scene's z range; a
/// reversed span is reordered; a span thinner than 1 m is drawn 1 m thick (so a flat scene still
/// shows walls).
pub fn z_span(input: &Input<'_>, z: &ZRange) -> [f64; 2] {
    let floor = z.floor_m.unwrap_or(input.z_range[0]);
    let roof = z.roof_m.unwrap_or(input.z_range[1]);
    let (lo, hi) = if floor <= roof { (floor, roof) } else { (roof, floor) };
    [lo, hi.max(lo + 1.0)]
}

fn signed_area(pts: &[[f64; 2]]) -> f64 {
    let Some(&o) = pts.first() else { return 0.0 };
    let mut a = 0.0;
    for i in 0..pts.len() {
        let (p, q) = (pts[i], pts[(i + 1) % pts.len()]);
        a += (p[0] - o[0]) * (q[1] - o[1]) - (q[0] - o[0]) * (p[1] - o[1]);
    }
    a / 2.0
}

/// Extrude a polygon (holes allowed) between `z[0]` and `z[1]`: top and bottom caps
/// (ear-cut triangulation, normals ±z, counter-clockwise seen from outside), one flat quad per
/// ring edge with its outward normal (away from the solid: out of the exterior, into each hole),
/// appended to `mesh` in `fill`; the top ring, the bottom ring and a vertical at every ring
/// vertex appended to `lines` in `edge`. Returns false (nothing added) for a polygon with fewer
/// than 3 distinct exterior vertices or non-finite coordinates.
///
/// Counts: with V ring vertices over all rings (no closing repeats) and H holes, the caps have
/// 2·V vertices and 2·(V + 2H − 2) triangles, the walls 4·V vertices and 2·V triangles, the
/// lines 3·V segments.
pub fn prism(
    input: &Input<'_>,
    p: &Polygon<f64>,
    z: [f64; 2],
    fill: Rgba,
    edge: Rgba,
    mesh: &mut Mesh,
    lines: &mut Vec<LineVertex>,
) -> bool {
    let ext = ring_coords(p.exterior());
    let finite = rings(p).flat_map(|r| r.0.iter()).all(|c| c.x.is_finite() && c.y.is_finite());
    if ext.len() < 3 || !finite || !z[0].is_finite() || !z[1].is_finite() {
        return false;
    }
    // Caps. Ear-cut in coordinates relative to the origin (f64), indices into its vertex list.
    let (ox, oy) = (input.origin[0], input.origin[1]);
    let rel = |r: &LineString<f64>| LineString::from(r.0.iter().map(|c| (c.x - ox, c.y - oy)).collect::<Vec<_>>());
    let holes: Vec<LineString<f64>> = p.interiors().iter().filter(|r| ring_coords(r).len() >= 3).map(rel).collect();
    let tri = Polygon::new(rel(p.exterior()), holes).earcut_triangles_raw();
    for (zc, up) in [(z[1], true), (z[0], false)] {
        let base = mesh.vertices.len() as u32;
        let normal = if up { [0.0, 0.0, 1.0] } else { [0.0, 0.0, -1.0] };
        mesh.vertices.extend(tri.vertices.iter().map(|v| MeshVertex {
            pos: input.local([v[0] + ox, v[1] + oy, zc]),
            normal,
            color: fill,
        }));
        for t in tri.triangle_indices.chunks_exact(3) {
            let (a, b, c) = (tri.vertices[t[0]], tri.vertices[t[1]], tri.vertices[t[2]]);
            let ccw = (b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1]) >= 0.0;
            let [i, j, k] = [t[0] as u32 + base, t[1] as u32 + base, t[2] as u32 + base];
            // Top: counter-clockwise from above; bottom: clockwise from above (= ccw from below).
            if ccw == up {
                mesh.indices.extend([i, j, k]);
            } else {
                mesh.indices.extend([i, k, j]);
            }
        }
    }
    // Walls and edges.
    for (n, r) in rings(p).enumerate() {
        let pts = ring_coords(r);
        if pts.len() < 3 {
            continue;
        }
        let exterior = n == 0;
        let ccw = signed_area(&pts) > 0.0;
        // Outward normal of edge (dx, dy) is (dy, -dx) for a ccw exterior ring.
        let sign: f32 = if exterior == ccw { 1.0 } else { -1.0 };
        let bot: Vec<V3> = pts.iter().map(|c| input.local([c[0], c[1], z[0]])).collect();
        let top: Vec<V3> = pts.iter().map(|c| input.local([c[0], c[1], z[1]])).collect();
        for i in 0..pts.len() {
            let j = (i + 1) % pts.len();
            let (dx, dy) = ((pts[j][0] - pts[i][0]) as f32, (pts[j][1] - pts[i][1]) as f32);
            let Some(normal) = normalize([sign * dy, -sign * dx, 0.0]) else { continue };
            let base = mesh.vertices.len() as u32;
            for pos in [bot[i], bot[j], top[j], top[i]] {
                mesh.vertices.push(MeshVertex { pos, normal, color: fill });
            }
            // bot_i → bot_j → top_j is counter-clockwise seen from outside when the normal is
            // on the right of i → j; otherwise reverse.
            let face = cross(sub(bot[j], bot[i]), sub(top[j], bot[i]));
            if dot(face, normal) >= 0.0 {
                mesh.indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
            } else {
                mesh.indices.extend([base, base + 2, base + 1, base, base + 3, base + 2]);
            }
        }
        ring(lines, &top, edge);
        ring(lines, &bot, edge);
        for (b, t) in bot.iter().zip(&top) {
            segment(lines, *b, *t, edge);
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Tubes and markers

/// A tube of `sides` facets and `radius` along a polyline (consecutive duplicate points
/// dropped): one ring of `sides` vertices per polyline vertex, in the plane across the mean
/// direction there, framed by parallel transport (no twist); smooth radial normals; open ends.
/// A polyline of n distinct points gives n·sides vertices and (n−1)·sides·6 indices. Returns
/// false for fewer than 2 distinct points.
pub fn tube(mesh: &mut Mesh, pts: &[V3], radius: f32, sides: usize, color: Rgba) -> bool {
    let mut p: Vec<V3> = Vec::with_capacity(pts.len());
    for &q in pts {
        if q.iter().all(|c| c.is_finite()) && p.last().is_none_or(|&l| length(sub(q, l)) > 1e-4) {
            p.push(q);
        }
    }
    if p.len() < 2 || sides < 3 {
        return false;
    }
    let seg: Vec<V3> = p.windows(2).filter_map(|w| normalize(sub(w[1], w[0]))).collect();
    if seg.len() != p.len() - 1 {
        return false;
    }
    let tangents: Vec<V3> = (0..p.len())
        .map(|i| {
            let (a, b) = (seg[i.saturating_sub(1)], seg[i.min(seg.len() - 1)]);
            normalize(add(a, b)).unwrap_or(b)
        })
        .collect();
    let reference = |t: V3| if t[2].abs() < 0.9 { [0.0, 0.0, 1.0] } else { [1.0, 0.0, 0.0] };
    let mut u = normalize(cross(tangents[0], reference(tangents[0]))).unwrap_or([1.0, 0.0, 0.0]);
    let base = mesh.vertices.len() as u32;
    let s = sides as u32;
    for (i, (&c, &t)) in p.iter().zip(&tangents).enumerate() {
        if i > 0 {
            u = normalize(sub(u, scale(t, dot(u, t))))
                .or_else(|| normalize(cross(t, reference(t))))
                .unwrap_or([1.0, 0.0, 0.0]);
        }
        let v = cross(t, u);
        for k in 0..sides {
            let a = std::f32::consts::TAU * k as f32 / sides as f32;
            let dir = add(scale(u, a.cos()), scale(v, a.sin()));
            mesh.vertices.push(MeshVertex { pos: add(c, scale(dir, radius)), normal: dir, color });
        }
        if i > 0 {
            let (r0, r1) = (base + (i as u32 - 1) * s, base + i as u32 * s);
            for k in 0..s {
                let k1 = (k + 1) % s;
                mesh.indices.extend([r0 + k, r0 + k1, r1 + k1, r0 + k, r1 + k1, r1 + k]);
            }
        }
    }
    true
}

/// A cone from a base disc at `base` (radius `radius`, `sides` facets) to `apex`, closed at the
/// base: 2·sides + 2 vertices.
pub fn cone(mesh: &mut Mesh, base: V3, apex: V3, radius: f32, sides: usize, color: Rgba) -> bool {
    let Some(axis) = normalize(sub(apex, base)) else { return false };
    if sides < 3 {
        return false;
    }
    let height = length(sub(apex, base));
    let reference = if axis[2].abs() < 0.9 { [0.0, 0.0, 1.0] } else { [1.0, 0.0, 0.0] };
    let Some(u) = normalize(cross(axis, reference)) else { return false };
    let v = cross(axis, u);
    let b0 = mesh.vertices.len() as u32;
    let s = sides as u32;
    // Side ring: normals tilted towards the apex.
    for k in 0..sides {
        let a = std::f32::consts::TAU * k as f32 / sides as f32;
        let dir = add(scale(u, a.cos()), scale(v, a.sin()));
        let normal = normalize(add(scale(dir, height), scale(axis, radius))).unwrap_or(dir);
        mesh.vertices.push(MeshVertex { pos: add(base, scale(dir, radius)), normal, color });
    }
    mesh.vertices.push(MeshVertex { pos: apex, normal: axis, color });
    // Base disc.
    let back = scale(axis, -1.0);
    for k in 0..sides {
        let a = std::f32::consts::TAU * k as f32 / sides as f32;
        let dir = add(scale(u, a.cos()), scale(v, a.sin()));
        mesh.vertices.push(MeshVertex { pos: add(base, scale(dir, radius)), normal: back, color });
    }
    mesh.vertices.push(MeshVertex { pos: base, normal: back, color });
    let (apex_i, disc, centre) = (b0 + s, b0 + s + 1, b0 + 2 * s + 1);
    for k in 0..s {
        let k1 = (k + 1) % s;
        mesh.indices.extend([b0 + k, b0 + k1, apex_i]);
        mesh.indices.extend([disc + k1, disc + k, centre]);
    }
    true
}

/// An octahedron marker centred on `c` with tips `size` away along ±x, ±y, ±z: 8 flat faces,
/// 24 vertices, 24 indices.
pub fn octahedron(mesh: &mut Mesh, c: V3, size: f32, color: Rgba) {
    let tip = |d: V3| add(c, scale(d, size));
    for sx in [1.0f32, -1.0] {
        for sy in [1.0f32, -1.0] {
            for sz in [1.0f32, -1.0] {
                let (a, b, t) = (tip([sx, 0.0, 0.0]), tip([0.0, sy, 0.0]), tip([0.0, 0.0, sz]));
                let normal = normalize([sx, sy, sz]).unwrap_or([0.0, 0.0, 1.0]);
                let base = mesh.vertices.len() as u32;
                for pos in [a, b, t] {
                    mesh.vertices.push(MeshVertex { pos, normal, color });
                }
                let face = cross(sub(b, a), sub(t, a));
                if dot(face, normal) >= 0.0 {
                    mesh.indices.extend([base, base + 1, base + 2]);
                } else {
                    mesh.indices.extend([base, base + 2, base + 1]);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Legend

/// Legend entries in first-use order, one per (zh, en) text.
#[derive(Debug, Default)]
pub struct Legend(Vec<LegendEntry>);

impl Legend {
    pub fn add(&mut self, color: Rgba, zh: &str, en: &str) {
        if !self.0.iter().any(|e| e.zh == zh && e.en == en) {
            self.0.push(LegendEntry { color, zh: zh.to_string(), en: en.to_string() });
        }
    }
    pub fn into_entries(self) -> Vec<LegendEntry> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn dashes_cover_dash_length() {
        let d = dashes(&[[0.0, 0.0, 0.0], [25.0, 0.0, 0.0]], 10.0, 5.0);
        // [0,10], [15,25]
        assert_eq!(d.len(), 2);
        assert_abs_diff_eq!(d[0].last().map_or(0.0, |p| p[0]), 10.0, epsilon = 1e-4);
        assert_abs_diff_eq!(d[1][0][0], 15.0, epsilon = 1e-4);
        assert_abs_diff_eq!(d[1].last().map_or(0.0, |p| p[0]), 25.0, epsilon = 1e-4);
        // Around a corner the dash keeps its vertex.
        let d = dashes(&[[0.0, 0.0, 0.0], [6.0, 0.0, 0.0], [6.0, 6.0, 0.0]], 10.0, 5.0);
        assert_eq!(d[0].len(), 3);
    }

    #[test]
    fn dash_dot_pattern_repeats() {
        // 8 on, 3 off, 1 on, 3 off over 30 m: [0,8], [11,12], [15,23], [26,27].
        let d = pattern(&[[0.0, 0.0, 0.0], [30.0, 0.0, 0.0]], &[8.0, 3.0, 1.0, 3.0]);
        let spans: Vec<(f32, f32)> = d.iter().map(|p| (p[0][0], p[p.len() - 1][0])).collect();
        assert_eq!(spans.len(), 4, "{spans:?}");
        for ((a, b), (x, y)) in spans.iter().zip([(0.0, 8.0), (11.0, 12.0), (15.0, 23.0), (26.0, 27.0)]) {
            assert_abs_diff_eq!(*a, x, epsilon = 1e-4);
            assert_abs_diff_eq!(*b, y, epsilon = 1e-4);
        }
        assert!(pattern(&[[0.0; 3], [1.0, 0.0, 0.0]], &[0.0, 0.0]).is_empty());
        assert!(pattern(&[[0.0; 3], [1.0, 0.0, 0.0]], &[f32::NAN, 1.0]).is_empty());
    }

    #[test]
    fn octahedron_faces_point_out() {
        let mut m = Mesh::default();
        octahedron(&mut m, [1.0, 2.0, 3.0], 2.0, [1.0; 4]);
        assert_eq!((m.vertices.len(), m.indices.len()), (24, 24));
        for t in m.indices.chunks_exact(3) {
            let [a, b, c] = [m.vertices[t[0] as usize], m.vertices[t[1] as usize], m.vertices[t[2] as usize]];
            let n = cross(sub(b.pos, a.pos), sub(c.pos, a.pos));
            assert!(dot(n, sub(a.pos, [1.0, 2.0, 3.0])) > 0.0);
        }
    }

    #[test]
    fn cone_points_at_apex() {
        let mut m = Mesh::default();
        assert!(cone(&mut m, [0.0; 3], [10.0, 0.0, 0.0], 2.0, 6, [1.0; 4]));
        assert_eq!(m.vertices.len(), 14);
        assert_eq!(m.indices.len(), 36);
        assert!(m.vertices.iter().any(|v| v.pos == [10.0, 0.0, 0.0]));
    }
}
