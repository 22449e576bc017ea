//! The GPU side of the renderer: a headless wgpu device, a prepared [`Scene`] uploaded once into
//! a [`GpuScene`], and offscreen rendering to an [`image::RgbaImage`].
//!
//! Upload once, draw many times (CONVENTIONS 3): per frame only the camera uniform changes, plus
//! the index buffer of the translucent triangles, re-sorted back to front on the CPU for the new
//! eye so nested translucent prisms read the same from every side.
//!
//! Draw order in one pass: opaque meshes (lit, two-sided), lines (1 px), point-cloud chunks
//! (1 px, culled and thinned per chunk by their projected size, CONVENTIONS 14), then every
//! visible layer's translucent triangles together, sorted, with depth test on and depth write
//! off. Shaders are in `shaders/*.wgsl` at the repository root and validated by naga in a test.
//!
//! Without a GPU this runs on Mesa's lavapipe (Vulkan on the CPU, `mesa-vulkan-drivers`).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{mpsc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use glam::{Mat4, Vec3, Vec4};
use image::RgbaImage;
use wgpu::util::DeviceExt;

use super::camera::Camera;
use crate::scene::{LineVertex, MeshVertex, Scene};

/// The colour format of rendered images (sRGB; scene colours are linear).
pub const COLOR_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8UnormSrgb;
/// The depth buffer format.
pub const DEPTH_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Depth32Float;
/// The background of rendered images (sRGB): white, legible on printed inspection reports.
pub const BACKGROUND_SRGB: [u8; 4] = [255, 255, 255, 255];
/// Fraction of a surface's colour it keeps where the light grazes it.
pub const AMBIENT: f32 = 0.3;
/// Point-cloud level of detail: points drawn per pixel of a chunk's projected bounding box
/// (1 px points at 2 per pixel cover ~86 % of the pixels of a surface-like cloud).
pub const POINTS_PER_PIXEL: f32 = 2.0;
/// Point-cloud level of detail: most points drawn per frame, all chunks together; chunks are
/// thinned in proportion above it (lavapipe draws ~10 M points/s on 2 cores).
pub const POINT_BUDGET: u32 = 2_000_000;
/// Point-cloud level of detail: a visible chunk draws at least this many points (or all it has).
pub const MIN_POINTS_PER_CHUNK: u32 = 16;

const MESH_WGSL: &str = include_str!("../../../shaders/mesh.wgsl");
const LINE_WGSL: &str = include_str!("../../../shaders/line.wgsl");

/// The camera uniform shared by `mesh.wgsl` and `line.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct CameraUniform {
    clip_from_local: [[f32; 4]; 4],
    /// Camera position (local), w = 1.
    eye: [f32; 4],
    /// Unit direction towards the light (local), w = ambient fraction.
    light_dir: [f32; 4],
}

impl CameraUniform {
    fn new(camera: &Camera) -> Self {
        Self {
            clip_from_local: camera.clip_from_local().to_cols_array_2d(),
            eye: camera.eye.extend(1.0).to_array(),
            light_dir: light_dir_in_local(camera).extend(AMBIENT).to_array(),
        }
    }
}

/// A headlight from over the viewer's upper-left shoulder (in plan: from the north-west, the
/// cartographic convention), in scene-local coordinates, pointing towards the light.
fn light_dir_in_local(camera: &Camera) -> Vec3 {
    let local_from_view = camera.view_from_local.inverse();
    let to_viewer = local_from_view.transform_vector3(Vec3::Z);
    let up = local_from_view.transform_vector3(Vec3::Y);
    let right = local_from_view.transform_vector3(Vec3::X);
    (to_viewer + 0.3 * up - 0.2 * right).normalize_or(Vec3::Z)
}

/// A headless wgpu device with the pipelines that draw a [`GpuScene`].
pub struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub adapter_info: wgpu::AdapterInfo,
    /// MSAA samples per pixel: 4 where the adapter supports it for the colour and depth
    /// formats, else 1.
    pub sample_count: u32,
    max_texture_side: u32,
    max_buffer_size: u64,
    camera_buffer: wgpu::Buffer,
    camera_bind_group: wgpu::BindGroup,
    opaque_pipeline: wgpu::RenderPipeline,
    translucent_pipeline: wgpu::RenderPipeline,
    line_pipeline: wgpu::RenderPipeline,
    point_pipeline: wgpu::RenderPipeline,
    /// Render targets of the last size used; the lock also serialises frames (the camera
    /// uniform and the translucent index buffer are shared).
    targets: Mutex<Option<Targets>>,
}

impl Gpu {
    /// Create a headless device on any adapter, a software one (lavapipe) included.
    /// `WGPU_BACKEND` (`vulkan`, `gl` …) narrows the backends tried.
    pub fn new() -> anyhow::Result<Gpu> {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = pollster::block_on(async {
            if let Ok(a) = instance.request_adapter(&wgpu::RequestAdapterOptions::default()).await {
                return Some(a);
            }
            let fallback = wgpu::RequestAdapterOptions { force_fallback_adapter: true, ..Default::default() };
            if let Ok(a) = instance.request_adapter(&fallback).await {
                return Some(a);
            }
            instance.enumerate_adapters(wgpu::Backends::all()).await.into_iter().next()
        })
        .ok_or_else(|| {
            anyhow!(
                "没有可用的图形适配器 / no graphics adapter (install mesa-vulkan-drivers for the software rasteriser)"
            )
        })?;
        let adapter_info = adapter.get_info();
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("minehaz"),
            required_features: wgpu::Features::empty(),
            required_limits: adapter.limits(),
            ..Default::default()
        }))
        .with_context(|| format!("cannot open the graphics device on {}", adapter_info.name))?;
        Self::from_device(&adapter, device, queue)
    }

    /// Build the pipelines on a device someone else opened (the viewer shares eframe's device,
    /// so a rendered frame is shown as a texture without a readback). The device's own limits
    /// apply.
    pub fn from_device(adapter: &wgpu::Adapter, device: wgpu::Device, queue: wgpu::Queue) -> anyhow::Result<Gpu> {
        let adapter_info = adapter.get_info();
        let limits = device.limits();
        let msaa = |format| {
            let flags = adapter.get_texture_format_features(format).flags;
            flags.contains(wgpu::TextureFormatFeatureFlags::MULTISAMPLE_X4)
        };
        let resolve = adapter
            .get_texture_format_features(COLOR_FORMAT)
            .flags
            .contains(wgpu::TextureFormatFeatureFlags::MULTISAMPLE_RESOLVE);
        let sample_count = if msaa(COLOR_FORMAT) && resolve && msaa(DEPTH_FORMAT) { 4 } else { 1 };

        let camera_buffer = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("camera"),
            size: std::mem::size_of::<CameraUniform>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let bgl = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("camera"),
            entries: &[wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::VERTEX_FRAGMENT,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Uniform,
                    has_dynamic_offset: false,
                    min_binding_size: wgpu::BufferSize::new(std::mem::size_of::<CameraUniform>() as u64),
                },
                count: None,
            }],
        });
        let camera_bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("camera"),
            layout: &bgl,
            entries: &[wgpu::BindGroupEntry { binding: 0, resource: camera_buffer.as_entire_binding() }],
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("scene"),
            bind_group_layouts: &[Some(&bgl)],
            immediate_size: 0,
        });
        let mesh_module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("mesh.wgsl"),
            source: wgpu::ShaderSource::Wgsl(Cow::Borrowed(MESH_WGSL)),
        });
        let line_module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("line.wgsl"),
            source: wgpu::ShaderSource::Wgsl(Cow::Borrowed(LINE_WGSL)),
        });
        let mesh_attrs = wgpu::vertex_attr_array![0 => Float32x3, 1 => Float32x3, 2 => Float32x4];
        let line_attrs = wgpu::vertex_attr_array![0 => Float32x3, 1 => Float32x4];
        let mesh_layout = wgpu::VertexBufferLayout {
            array_stride: std::mem::size_of::<MeshVertex>() as u64,
            step_mode: wgpu::VertexStepMode::Vertex,
            attributes: &mesh_attrs,
        };
        let line_layout = wgpu::VertexBufferLayout {
            array_stride: std::mem::size_of::<LineVertex>() as u64,
            step_mode: wgpu::VertexStepMode::Vertex,
            attributes: &line_attrs,
        };
        // Over: colour blends by source alpha; the image stays opaque (alpha accumulates to 1).
        let over = wgpu::BlendState {
            color: wgpu::BlendComponent {
                src_factor: wgpu::BlendFactor::SrcAlpha,
                dst_factor: wgpu::BlendFactor::OneMinusSrcAlpha,
                operation: wgpu::BlendOperation::Add,
            },
            alpha: wgpu::BlendComponent {
                src_factor: wgpu::BlendFactor::One,
                dst_factor: wgpu::BlendFactor::OneMinusSrcAlpha,
                operation: wgpu::BlendOperation::Add,
            },
        };
        let pipeline = |label: &str,
                        module: &wgpu::ShaderModule,
                        vertex: &wgpu::VertexBufferLayout<'_>,
                        topology: wgpu::PrimitiveTopology,
                        depth_write: bool,
                        blend: Option<wgpu::BlendState>| {
            device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some(label),
                layout: Some(&layout),
                vertex: wgpu::VertexState {
                    module,
                    entry_point: Some("vs_main"),
                    compilation_options: Default::default(),
                    buffers: &[Some(vertex.clone())],
                },
                primitive: wgpu::PrimitiveState { topology, cull_mode: None, ..Default::default() },
                depth_stencil: Some(wgpu::DepthStencilState {
                    format: DEPTH_FORMAT,
                    depth_write_enabled: Some(depth_write),
                    depth_compare: Some(wgpu::CompareFunction::LessEqual),
                    stencil: Default::default(),
                    bias: Default::default(),
                }),
                multisample: wgpu::MultisampleState { count: sample_count, ..Default::default() },
                fragment: Some(wgpu::FragmentState {
                    module,
                    entry_point: Some("fs_main"),
                    compilation_options: Default::default(),
                    targets: &[Some(wgpu::ColorTargetState {
                        format: COLOR_FORMAT,
                        blend,
                        write_mask: wgpu::ColorWrites::ALL,
                    })],
                }),
                multiview_mask: None,
                cache: None,
            })
        };
        use wgpu::PrimitiveTopology as T;
        let opaque_pipeline = pipeline("opaque", &mesh_module, &mesh_layout, T::TriangleList, true, None);
        let translucent_pipeline =
            pipeline("translucent", &mesh_module, &mesh_layout, T::TriangleList, false, Some(over));
        let line_pipeline = pipeline("lines", &line_module, &line_layout, T::LineList, true, Some(over));
        let point_pipeline = pipeline("points", &line_module, &line_layout, T::PointList, true, Some(over));

        Ok(Gpu {
            device,
            queue,
            adapter_info,
            sample_count,
            max_texture_side: limits.max_texture_dimension_2d,
            max_buffer_size: limits.max_buffer_size,
            camera_buffer,
            camera_bind_group,
            opaque_pipeline,
            translucent_pipeline,
            line_pipeline,
            point_pipeline,
            targets: Mutex::new(None),
        })
    }

    /// The adapter in words: name, backend and kind, e.g. `llvmpipe (LLVM 15.0.6) (Vulkan, Cpu)`.
    pub fn adapter_name(&self) -> String {
        let i = &self.adapter_info;
        format!("{} ({:?}, {:?})", i.name, i.backend, i.device_type)
    }

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
        GpuScene { layers, translucent }
    }

    /// Render one image of the layers for which `visible(name)` is true.
    pub fn render(
        &self,
        scene: &GpuScene,
        camera: &Camera,
        visible: &dyn Fn(&str) -> bool,
    ) -> anyhow::Result<RgbaImage> {
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let targets = self.targets(camera)?;
        let targets = targets.as_ref().context("render targets")?;
        self.draw(scene, camera, visible, targets);
        let image = self.read_back(targets)?;
        if let Some(e) = pollster::block_on(scope.pop()) {
            bail!("rendering failed: {e}");
        }
        Ok(image)
    }

    /// Render the layers for which `visible(name)` is true into the offscreen colour target and
    /// return a view of it, without reading it back: the viewer shows it as a texture on the
    /// same device. The next render of the same size draws into the same texture.
    pub fn render_to_texture(
        &self,
        scene: &GpuScene,
        camera: &Camera,
        visible: &dyn Fn(&str) -> bool,
    ) -> anyhow::Result<wgpu::TextureView> {
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let targets = self.targets(camera)?;
        let targets = targets.as_ref().context("render targets")?;
        self.draw(scene, camera, visible, targets);
        let view = targets.color_view_gamma.clone();
        if let Some(e) = pollster::block_on(scope.pop()) {
            bail!("rendering failed: {e}");
        }
        Ok(view)
    }

    /// Render `frames` frames (at least one) of every layer and return the mean time per frame:
    /// every frame uploads the camera, sorts the translucent triangles and draws; only the last
    /// is read back, and the clock stops when the device is idle. For benchmarks (`--frames`).
    pub fn render_frames(&self, scene: &GpuScene, camera: &Camera, frames: usize) -> anyhow::Result<Duration> {
        let frames = u32::try_from(frames.max(1)).context("too many frames")?;
        let visible = |_: &str| true;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let targets = self.targets(camera)?;
        let targets = targets.as_ref().context("render targets")?;
        let start = Instant::now();
        for _ in 0..frames {
            self.draw(scene, camera, &visible, targets);
        }
        self.read_back(targets)?;
        let elapsed = start.elapsed();
        if let Some(e) = pollster::block_on(scope.pop()) {
            bail!("rendering failed: {e}");
        }
        Ok(elapsed / frames)
    }

    /// The render targets for the camera's image size, created when the size changes.
    fn targets(&self, camera: &Camera) -> anyhow::Result<MutexGuard<'_, Option<Targets>>> {
        let (width, height) = (camera.width, camera.height);
        if width == 0 || height == 0 || width > self.max_texture_side || height > self.max_texture_side {
            bail!(
                "image size {width}×{height} is outside 1..={} pixels per side on this device",
                self.max_texture_side
            );
        }
        let mut guard = self.targets.lock().map_err(|_| anyhow!("a previous render panicked"))?;
        if guard.as_ref().is_none_or(|t| (t.width, t.height) != (width, height)) {
            *guard = Some(Targets::new(&self.device, width, height, self.sample_count));
        }
        Ok(guard)
    }

    /// Encode and submit one frame.
    fn draw(&self, scene: &GpuScene, camera: &Camera, visible: &dyn Fn(&str) -> bool, targets: &Targets) {
        self.queue.write_buffer(&self.camera_buffer, 0, bytemuck::bytes_of(&CameraUniform::new(camera)));
        let layers: Vec<&GpuLayer> = scene.layers.iter().filter(|l| visible(&l.name)).collect();
        let translucent_count = match &scene.translucent {
            Some(t) => {
                let sorted = t.sorted_indices(&layers, camera.view_from_local);
                if !sorted.is_empty() {
                    self.queue.write_buffer(&t.indices, 0, bytemuck::cast_slice(&sorted));
                }
                sorted.len() as u32
            }
            None => 0,
        };
        let clip_from_local = camera.clip_from_local();

        let mut encoder = self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("frame") });
        {
            let (view, resolve_target) = match &targets.msaa {
                Some(msaa) => (msaa, Some(&targets.color_view)),
                None => (&targets.color_view, None),
            };
            let bg = BACKGROUND_SRGB.map(|c| srgb_to_linear(f32::from(c) / 255.0) as f64);
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("scene"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view,
                    depth_slice: None,
                    resolve_target,
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(wgpu::Color { r: bg[0], g: bg[1], b: bg[2], a: 1.0 }),
                        store: wgpu::StoreOp::Store,
                    },
                })],
                depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                    view: &targets.depth,
                    depth_ops: Some(wgpu::Operations { load: wgpu::LoadOp::Clear(1.0), store: wgpu::StoreOp::Discard }),
                    stencil_ops: None,
                }),
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            pass.set_bind_group(0, &self.camera_bind_group, &[]);

            pass.set_pipeline(&self.opaque_pipeline);
            for m in layers.iter().filter_map(|l| l.opaque.as_ref()) {
                pass.set_vertex_buffer(0, m.vertices.slice(..));
                pass.set_index_buffer(m.indices.slice(..), wgpu::IndexFormat::Uint32);
                pass.draw_indexed(0..m.index_count, 0, 0..1);
            }

            pass.set_pipeline(&self.line_pipeline);
            for l in layers.iter().filter_map(|l| l.lines.as_ref()) {
                pass.set_vertex_buffer(0, l.vertices.slice(..));
                pass.draw(0..l.count, 0..1);
            }

            pass.set_pipeline(&self.point_pipeline);
            let chunks: Vec<&GpuChunk> = layers.iter().flat_map(|l| &l.point_chunks).collect();
            let mut counts: Vec<u32> = chunks
                .iter()
                .map(|c| lod_count(clip_from_local, targets.width, targets.height, c.bounds, c.count))
                .collect();
            fit_budget(&mut counts, POINT_BUDGET);
            for (c, &n) in chunks.iter().zip(&counts) {
                if n > 0 {
                    pass.set_vertex_buffer(0, c.vertices.slice(..));
                    pass.draw(0..n, 0..1);
                }
            }

            if let (Some(t), true) = (&scene.translucent, translucent_count > 0) {
                pass.set_pipeline(&self.translucent_pipeline);
                pass.set_vertex_buffer(0, t.vertices.slice(..));
                pass.set_index_buffer(t.indices.slice(..), wgpu::IndexFormat::Uint32);
                pass.draw_indexed(0..translucent_count, 0, 0..1);
            }
        }
        self.queue.submit([encoder.finish()]);
    }

    /// Copy the resolved colour target to the readback buffer, wait, strip the row padding.
    fn read_back(&self, targets: &Targets) -> anyhow::Result<RgbaImage> {
        let (width, height) = (targets.width, targets.height);
        let mut encoder =
            self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("read back") });
        encoder.copy_texture_to_buffer(
            wgpu::TexelCopyTextureInfo {
                texture: &targets.color,
                mip_level: 0,
                origin: wgpu::Origin3d::ZERO,
                aspect: wgpu::TextureAspect::All,
            },
            wgpu::TexelCopyBufferInfo {
                buffer: &targets.readback,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(targets.padded_row),
                    rows_per_image: Some(height),
                },
            },
            wgpu::Extent3d { width, height, depth_or_array_layers: 1 },
        );
        self.queue.submit([encoder.finish()]);
        let (tx, rx) = mpsc::channel();
        targets.readback.map_async(wgpu::MapMode::Read, .., move |r| {
            let _ = tx.send(r);
        });
        self.device.poll(wgpu::PollType::wait_indefinitely()).context("waiting for the graphics device")?;
        rx.recv().context("the readback was dropped")?.context("mapping the readback buffer")?;
        let mut pixels = Vec::with_capacity(width as usize * height as usize * 4);
        {
            let data = targets.readback.get_mapped_range(..).map_err(|e| anyhow!("readback buffer: {e:?}"))?;
            for row in data.chunks_exact(targets.padded_row as usize).take(height as usize) {
                pixels.extend_from_slice(&row[..width as usize * 4]);
            }
        }
        targets.readback.unmap();
        RgbaImage::from_raw(width, height, pixels).context("readback size")
    }
}

/// sRGB transfer function, inverse (0..1).
fn srgb_to_linear(c: f32) -> f32 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// How many of a point chunk's `len` points to draw for this camera: 0 when its bounds are
/// outside the view frustum; otherwise [`POINTS_PER_PIXEL`] per pixel of the screen rectangle
/// its bounds project to (clamped to the image), at least [`MIN_POINTS_PER_CHUNK`], at most
/// `len`. A chunk reaching behind the eye is drawn whole.
pub fn lod_count(clip_from_local: Mat4, width: u32, height: u32, bounds: [[f32; 3]; 2], len: u32) -> u32 {
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
        return 0;
    }
    if corners.iter().any(|c| c.w <= 1e-6) {
        return len;
    }
    let (mut lo, mut hi) = (glam::Vec2::splat(f32::INFINITY), glam::Vec2::splat(f32::NEG_INFINITY));
    for c in &corners {
        let ndc = glam::Vec2::new(c.x, c.y) / c.w;
        lo = lo.min(ndc);
        hi = hi.max(ndc);
    }
    let (lo, hi) = (lo.max(glam::Vec2::splat(-1.0)), hi.min(glam::Vec2::splat(1.0)));
    let pixels = ((hi.x - lo.x).max(0.0) / 2.0 * width as f32) * ((hi.y - lo.y).max(0.0) / 2.0 * height as f32);
    let wanted = (pixels * POINTS_PER_PIXEL).ceil();
    if wanted >= len as f32 {
        len
    } else {
        (wanted as u32).max(MIN_POINTS_PER_CHUNK).min(len)
    }
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

/// A [`Scene`] uploaded to the device.
pub struct GpuScene {
    layers: Vec<GpuLayer>,
    translucent: Option<Translucent>,
}

struct GpuLayer {
    name: String,
    opaque: Option<GpuMesh>,
    lines: Option<GpuLines>,
    point_chunks: Vec<GpuChunk>,
    /// This layer's triangles in [`Translucent::triangles`].
    triangles: Range<usize>,
}

struct GpuMesh {
    vertices: wgpu::Buffer,
    indices: wgpu::Buffer,
    index_count: u32,
}

struct GpuLines {
    vertices: wgpu::Buffer,
    count: u32,
}

struct GpuChunk {
    bounds: [[f32; 3]; 2],
    vertices: wgpu::Buffer,
    count: u32,
}

/// Every layer's translucent triangles in one vertex buffer, kept on the CPU too (indices and
/// centroids) so each frame can sort the visible ones back to front across layers: nested
/// translucent prisms of different layers (a goaf inside its gas zone) blend in the right order.
struct Translucent {
    vertices: wgpu::Buffer,
    /// Rewritten every frame with the sorted visible triangles.
    indices: wgpu::Buffer,
    triangles: Vec<[u32; 3]>,
    centroids: Vec<Vec3>,
}

impl Translucent {
    /// Indices of the visible layers' triangles, farthest first. The key is the centroid's
    /// depth along the view direction (view-space z), which is the right order for the
    /// orthographic plan and section views and a good one for perspective.
    fn sorted_indices(&self, layers: &[&GpuLayer], view_from_local: Mat4) -> Vec<u32> {
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

/// Offscreen targets of one image size.
struct Targets {
    width: u32,
    height: u32,
    /// Single-sampled colour (the resolve target with MSAA), copied to `readback`.
    color: wgpu::Texture,
    color_view: wgpu::TextureView,
    /// The same texture seen as plain `Rgba8Unorm`: egui samples textures as gamma-space bytes,
    /// so the viewer gets the sRGB-encoded values undecoded (through an sRGB view they would be
    /// decoded to linear and shown too dark).
    color_view_gamma: wgpu::TextureView,
    msaa: Option<wgpu::TextureView>,
    depth: wgpu::TextureView,
    /// Bytes per row in `readback`, a multiple of `COPY_BYTES_PER_ROW_ALIGNMENT`.
    padded_row: u32,
    readback: wgpu::Buffer,
}

impl Targets {
    fn new(device: &wgpu::Device, width: u32, height: u32, sample_count: u32) -> Self {
        let size = wgpu::Extent3d { width, height, depth_or_array_layers: 1 };
        let texture = |label: &str, format, samples, usage| {
            let gamma = [wgpu::TextureFormat::Rgba8Unorm];
            device.create_texture(&wgpu::TextureDescriptor {
                label: Some(label),
                size,
                mip_level_count: 1,
                sample_count: samples,
                dimension: wgpu::TextureDimension::D2,
                format,
                usage,
                view_formats: if format == COLOR_FORMAT && samples == 1 { &gamma } else { &[] },
            })
        };
        let attachment = wgpu::TextureUsages::RENDER_ATTACHMENT;
        // TEXTURE_BINDING: the viewer samples it (`Gpu::render_to_texture`).
        let color = texture(
            "colour",
            COLOR_FORMAT,
            1,
            attachment | wgpu::TextureUsages::COPY_SRC | wgpu::TextureUsages::TEXTURE_BINDING,
        );
        let color_view = color.create_view(&Default::default());
        let color_view_gamma = color.create_view(&wgpu::TextureViewDescriptor {
            format: Some(wgpu::TextureFormat::Rgba8Unorm),
            ..Default::default()
        });
        let msaa = (sample_count > 1)
            .then(|| texture("colour msaa", COLOR_FORMAT, sample_count, attachment).create_view(&Default::default()));
        let depth = texture("depth", DEPTH_FORMAT, sample_count, attachment).create_view(&Default::default());
        let align = wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
        let padded_row = (width * 4).div_ceil(align) * align;
        let readback = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: u64::from(padded_row) * u64::from(height),
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        Self { width, height, color, color_view, color_view_gamma, msaa, depth, padded_row, readback }
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(checked, ["line.wgsl", "mesh.wgsl"]);
    }

    #[test]
    fn camera_uniform_matches_the_wgsl_struct() {
        // mat4x4 (64) + vec4 (16) + vec4 (16), no padding.
        assert_eq!(std::mem::size_of::<CameraUniform>(), 96);
    }

    const BOUNDS: [[f32; 3]; 2] = [[-10.0, -10.0, -1.0], [10.0, 10.0, 1.0]];
    const UP: [f32; 3] = [0.0, 0.0, 1.0];
    const RED: [f32; 4] = [1.0, 0.0, 0.0, 1.0];
    const GREEN: [f32; 4] = [0.0, 1.0, 0.0, 1.0];

    fn quad(x: [f32; 2], y: [f32; 2], z: f32, color: [f32; 4]) -> Mesh {
        let v = |px, py| MeshVertex { pos: [px, py, z], normal: UP, color };
        Mesh {
            vertices: vec![v(x[0], y[0]), v(x[1], y[0]), v(x[1], y[1]), v(x[0], y[1])],
            indices: vec![0, 1, 2, 0, 2, 3],
        }
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
}
