//! Uploading a prepared scene: vertex, index and point buffers per layer, the translucent
//! triangles of every layer in one buffer for sorting.

use super::*;

impl Gpu {
    /// Upload a prepared scene once; draw it with [`Gpu::render`] as often as needed.
    ///
    /// A point chunk larger than the device's maximum buffer size keeps its first points only
    /// (chunks are shuffled, so that is a uniform subsample).
    pub fn upload(&self, scene: &Scene) -> GpuScene {
        let vertex_usage = wgpu::BufferUsages::VERTEX;
        let init = |label: &str, contents: &[u8], usage| {
            self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor { label: Some(label), contents, usage })
        };
        let max_points = (self.max_buffer_size / std::mem::size_of::<LineVertex>() as u64) as usize;
        let mut translucent_vertices: Vec<MeshVertex> = Vec::new();
        let mut triangles: Vec<[u32; 3]> = Vec::new();
        let mut layers = Vec::with_capacity(scene.layers.len());
        for layer in &scene.layers {
            let opaque = (!layer.opaque.indices.is_empty() && !layer.opaque.vertices.is_empty()).then(|| GpuMesh {
                vertices: init("opaque vertices", bytemuck::cast_slice(&layer.opaque.vertices), vertex_usage),
                indices: init("opaque indices", bytemuck::cast_slice(&layer.opaque.indices), wgpu::BufferUsages::INDEX),
                index_count: (layer.opaque.indices.len() / 3 * 3) as u32,
            });
            let line_count = layer.lines.len() / 2 * 2;
            let lines = (line_count > 0).then(|| GpuLines {
                vertices: init("line vertices", bytemuck::cast_slice(&layer.lines[..line_count]), vertex_usage),
                count: line_count as u32,
            });
            let point_chunks = layer
                .point_chunks
                .iter()
                .filter(|c| !c.points.is_empty())
                .map(|c| {
                    let points = &c.points[..c.points.len().min(max_points)];
                    GpuChunk {
                        bounds: c.bounds,
                        vertices: init("point chunk", bytemuck::cast_slice(points), vertex_usage),
                        count: points.len() as u32,
                    }
                })
                .collect();
            let base = translucent_vertices.len() as u32;
            let first = triangles.len();
            let t = &layer.translucent;
            translucent_vertices.extend_from_slice(&t.vertices);
            triangles.extend(
                t.indices
                    .chunks_exact(3)
                    .filter(|tri| tri.iter().all(|&i| (i as usize) < t.vertices.len()))
                    .map(|tri| [tri[0] + base, tri[1] + base, tri[2] + base]),
            );
            layers.push(GpuLayer {
                name: layer.name.clone(),
                opaque,
                lines,
                point_chunks,
                triangles: first..triangles.len(),
                hidden: layer.hidden,
                underlay_in_plan: layer.underlay_in_plan,
            });
        }
        let translucent = (!triangles.is_empty()).then(|| {
            let centroids = triangles
                .iter()
                .map(|tri| {
                    let p = |i: u32| Vec3::from(translucent_vertices[i as usize].pos);
                    (p(tri[0]) + p(tri[1]) + p(tri[2])) / 3.0
                })
                .collect();
            Translucent {
                vertices: init("translucent vertices", bytemuck::cast_slice(&translucent_vertices), vertex_usage),
                indices: self.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("translucent indices (sorted per frame)"),
                    size: (triangles.len() * 3 * std::mem::size_of::<u32>()) as u64,
                    usage: wgpu::BufferUsages::INDEX | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                }),
                triangles,
                centroids,
            }
        });
        // Eye-dome lighting by default where there is a point cloud to shade.
        let edl = scene.layers.iter().any(|l| !l.point_chunks.is_empty());
        GpuScene { layers, translucent, edl }
    }
}

impl GpuScene {
    /// Does the scene hold point-cloud points (what eye-dome lighting is for)?
    pub fn has_points(&self) -> bool {
        self.layers.iter().any(|l| !l.point_chunks.is_empty())
    }
}

/// A [`Scene`] uploaded to the device.
pub struct GpuScene {
    pub(super) layers: Vec<GpuLayer>,
    pub(super) translucent: Option<Translucent>,
    /// Shade the frame with eye-dome lighting (on by default when the scene has points).
    pub edl: bool,
}

pub(super) struct GpuLayer {
    pub(super) name: String,
    pub(super) opaque: Option<GpuMesh>,
    pub(super) lines: Option<GpuLines>,
    pub(super) point_chunks: Vec<GpuChunk>,
    /// This layer's triangles in [`Translucent::triangles`].
    pub(super) triangles: Range<usize>,
    /// The views that leave it out ([`crate::scene::SceneLayer::hidden`]).
    pub(super) hidden: crate::scene::HiddenIn,
    /// Under everything in plan ([`crate::scene::SceneLayer::underlay_in_plan`]).
    pub(super) underlay_in_plan: bool,
}

pub(super) struct GpuMesh {
    pub(super) vertices: wgpu::Buffer,
    pub(super) indices: wgpu::Buffer,
    pub(super) index_count: u32,
}

pub(super) struct GpuLines {
    pub(super) vertices: wgpu::Buffer,
    pub(super) count: u32,
}

pub(super) struct GpuChunk {
    pub(super) bounds: [[f32; 3]; 2],
    pub(super) vertices: wgpu::Buffer,
    pub(super) count: u32,
}

/// Every layer's translucent triangles in one vertex buffer, kept on the CPU too (indices and
/// centroids) so each frame can sort the visible ones back to front across layers: nested
/// translucent prisms of different layers (a goaf inside its gas zone) blend in the right order.
pub(super) struct Translucent {
    pub(super) vertices: wgpu::Buffer,
    /// Rewritten every frame with the sorted visible triangles.
    pub(super) indices: wgpu::Buffer,
    pub(super) triangles: Vec<[u32; 3]>,
    pub(super) centroids: Vec<Vec3>,
}

impl Translucent {
    /// Indices of the visible layers' triangles, farthest first. The key is the centroid's
    /// depth along the view direction (view-space z), which is the right order for the
    /// orthographic plan and section views and a good one for perspective.
    pub(super) fn sorted_indices(&self, layers: &[&GpuLayer], view_from_local: Mat4) -> Vec<u32> {
        let row_z = view_from_local.row(2);
        let mut order: Vec<(f32, usize)> = layers
            .iter()
            .flat_map(|l| l.triangles.clone())
            .map(|t| (row_z.dot(self.centroids[t].extend(1.0)), t))
            .collect();
        // View-space z is negative in front of the camera: most negative = farthest = first.
        order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        order.iter().flat_map(|&(_, t)| self.triangles[t]).collect()
    }
}
