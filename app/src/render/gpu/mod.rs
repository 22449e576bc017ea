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

const MESH_WGSL: &str = include_str!("../../../../shaders/mesh.wgsl");
const LINE_WGSL: &str = include_str!("../../../../shaders/line.wgsl");
const EDL_WGSL: &str = include_str!("../../../../shaders/edl.wgsl");

/// Eye-dome lighting: darkening strength (potree's default) and neighbour radius, pixels.
pub const EDL_STRENGTH: f32 = 1.0;
pub const EDL_RADIUS_PX: f32 = 1.5;

/// The eye-dome lighting shader for a depth buffer with or without MSAA.
pub fn edl_source(multisampled: bool) -> String {
    if multisampled {
        EDL_WGSL.replace("texture_depth_2d", "texture_depth_multisampled_2d")
    } else {
        EDL_WGSL.to_string()
    }
}

/// The uniform of `edl.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct EdlUniform {
    m22: f32,
    m32: f32,
    ortho: f32,
    strength: f32,
    radius: f32,
    pad: [f32; 3],
}

impl EdlUniform {
    fn new(camera: &Camera) -> Self {
        let m = camera.clip_from_view;
        let ortho = m.w_axis.w == 1.0;
        Self {
            m22: m.z_axis.z,
            m32: m.w_axis.z,
            ortho: if ortho { 1.0 } else { 0.0 },
            strength: EDL_STRENGTH,
            radius: EDL_RADIUS_PX,
            pad: [0.0; 3],
        }
    }
}

/// The camera uniform shared by `mesh.wgsl` and `line.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct CameraUniform {
    clip_from_local: [[f32; 4]; 4],
    /// Camera position (local), w = 1.
    eye: [f32; 4],
    /// Unit direction towards the light (local), w = ambient fraction.
    light_dir: [f32; 4],
    /// Image width, height (px), point size (m), focal length (px).
    viewport: [f32; 4],
}

impl CameraUniform {
    fn new(camera: &Camera, point_size_m: f32) -> Self {
        let h = camera.height as f32;
        Self {
            clip_from_local: camera.clip_from_local().to_cols_array_2d(),
            eye: camera.eye.extend(1.0).to_array(),
            light_dir: light_dir_in_local(camera).extend(AMBIENT).to_array(),
            viewport: [camera.width as f32, h, point_size_m, camera.clip_from_view.y_axis.y * h / 2.0],
        }
    }
}

/// The size of a drawn point, m: its chunk's point spacing at the level of detail drawn
/// (√(plan area / points)), the median over the drawn chunks, so that sprites of that size
/// close up into a surface.
pub fn point_size_m(chunks: &[([[f32; 3]; 2], u32)]) -> f32 {
    let mut s: Vec<f32> = chunks
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(b, n)| (((b[1][0] - b[0][0]) * (b[1][1] - b[0][1])).max(0.0) / *n as f32).sqrt())
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    if s.is_empty() {
        return 0.0;
    }
    s.sort_by(f32::total_cmp);
    s[s.len() / 2]
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
    /// Opaque surfaces that leave no depth: plan underlays, drawn first.
    underlay_pipeline: wgpu::RenderPipeline,
    translucent_pipeline: wgpu::RenderPipeline,
    line_pipeline: wgpu::RenderPipeline,
    /// Lines that leave the depth buffer to the surfaces and points, under eye-dome lighting
    /// (else every line over a point cloud would be outlined in black).
    line_pipeline_edl: wgpu::RenderPipeline,
    point_pipeline: wgpu::RenderPipeline,
    /// Points as sprites sized by distance, for chunks drawn whole (near the eye, where 1-px
    /// points would leave gaps).
    sprite_pipeline: wgpu::RenderPipeline,
    edl_pipeline: wgpu::RenderPipeline,
    edl_layout: wgpu::BindGroupLayout,
    edl_buffer: wgpu::Buffer,
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
        let underlay_pipeline = pipeline("underlay", &mesh_module, &mesh_layout, T::TriangleList, false, None);
        let translucent_pipeline =
            pipeline("translucent", &mesh_module, &mesh_layout, T::TriangleList, false, Some(over));
        let line_pipeline = pipeline("lines", &line_module, &line_layout, T::LineList, true, Some(over));
        let line_pipeline_edl = pipeline("lines (edl)", &line_module, &line_layout, T::LineList, false, Some(over));
        let point_pipeline = pipeline("points", &line_module, &line_layout, T::PointList, true, Some(over));
        let point_layout =
            wgpu::VertexBufferLayout { step_mode: wgpu::VertexStepMode::Instance, ..line_layout.clone() };
        let sprite_pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("point sprites"),
            layout: Some(&layout),
            vertex: wgpu::VertexState {
                module: &line_module,
                entry_point: Some("vs_point"),
                compilation_options: Default::default(),
                buffers: &[Some(point_layout)],
            },
            primitive: wgpu::PrimitiveState { topology: T::TriangleStrip, cull_mode: None, ..Default::default() },
            depth_stencil: Some(wgpu::DepthStencilState {
                format: DEPTH_FORMAT,
                depth_write_enabled: Some(true),
                depth_compare: Some(wgpu::CompareFunction::LessEqual),
                stencil: Default::default(),
                bias: Default::default(),
            }),
            multisample: wgpu::MultisampleState { count: sample_count, ..Default::default() },
            fragment: Some(wgpu::FragmentState {
                module: &line_module,
                entry_point: Some("fs_main"),
                compilation_options: Default::default(),
                targets: &[Some(wgpu::ColorTargetState {
                    format: COLOR_FORMAT,
                    blend: Some(over),
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            multiview_mask: None,
            cache: None,
        });
        let (edl_pipeline, edl_layout, edl_buffer) = edl_pipeline(&device, sample_count);

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
            underlay_pipeline,
            translucent_pipeline,
            line_pipeline,
            line_pipeline_edl,
            point_pipeline,
            sprite_pipeline,
            edl_pipeline,
            edl_layout,
            edl_buffer,
            targets: Mutex::new(None),
        })
    }

    /// The adapter in words: name, backend and kind, e.g. `llvmpipe (LLVM 15.0.6) (Vulkan, Cpu)`.
    pub fn adapter_name(&self) -> String {
        let i = &self.adapter_info;
        format!("{} ({:?}, {:?})", i.name, i.backend, i.device_type)
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
        let plan = camera.kind == crate::render::camera::ViewKind::Plan;
        let layers: Vec<&GpuLayer> =
            scene.layers.iter().filter(|l| visible(&l.name) && l.hidden.drawn_in(&camera.kind)).collect();
        let clip_from_local = camera.clip_from_local();
        // Point level of detail first: the sprites' size follows the spacing drawn.
        let chunks: Vec<&GpuChunk> = layers.iter().flat_map(|l| &l.point_chunks).collect();
        let mut counts: Vec<u32> = chunks
            .iter()
            .map(|c| lod_count(clip_from_local, targets.width, targets.height, c.bounds, c.count))
            .collect();
        // A chunk drawn whole is sparser on screen than the level of detail wants (it is near the
        // eye): its points are sprites that close the gaps. The others stay 1-px points, four
        // times cheaper to draw.
        let whole: Vec<bool> = chunks
            .iter()
            .zip(&counts)
            .map(|(c, &n)| {
                // Drawn whole and more than 1.5 px apart on screen.
                let px = projected_pixels(clip_from_local, targets.width, targets.height, c.bounds);
                n > 0 && n == c.count && px.is_none_or(|p| p.is_none_or(|p| p > 2.25 * n as f32))
            })
            .collect();
        fit_budget(&mut counts, POINT_BUDGET);
        let sprites: Vec<([[f32; 3]; 2], u32)> =
            chunks.iter().zip(&counts).zip(&whole).filter(|(_, w)| **w).map(|((c, &n), _)| (c.bounds, n)).collect();
        let uniform = CameraUniform::new(camera, point_size_m(&sprites));
        self.queue.write_buffer(&self.camera_buffer, 0, bytemuck::bytes_of(&uniform));
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
                    depth_ops: Some(wgpu::Operations {
                        load: wgpu::LoadOp::Clear(1.0),
                        // Kept for the eye-dome lighting pass.
                        store: if scene.edl { wgpu::StoreOp::Store } else { wgpu::StoreOp::Discard },
                    }),
                    stencil_ops: None,
                }),
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            pass.set_bind_group(0, &self.camera_bind_group, &[]);

            // In plan, underlays first without depth, so what follows draws over them.
            let underlay = |l: &&&GpuLayer| plan && l.underlay_in_plan;
            pass.set_pipeline(&self.underlay_pipeline);
            for m in layers.iter().filter(underlay).filter_map(|l| l.opaque.as_ref()) {
                pass.set_vertex_buffer(0, m.vertices.slice(..));
                pass.set_index_buffer(m.indices.slice(..), wgpu::IndexFormat::Uint32);
                pass.draw_indexed(0..m.index_count, 0, 0..1);
            }
            pass.set_pipeline(&self.opaque_pipeline);
            for m in layers.iter().filter(|l| !underlay(l)).filter_map(|l| l.opaque.as_ref()) {
                pass.set_vertex_buffer(0, m.vertices.slice(..));
                pass.set_index_buffer(m.indices.slice(..), wgpu::IndexFormat::Uint32);
                pass.draw_indexed(0..m.index_count, 0, 0..1);
            }

            // Under eye-dome lighting the points go first and the lines after them without
            // writing depth, so the shading sees only surfaces and points.
            let draw_lines = |pass: &mut wgpu::RenderPass<'_>| {
                pass.set_pipeline(if scene.edl { &self.line_pipeline_edl } else { &self.line_pipeline });
                for l in layers.iter().filter_map(|l| l.lines.as_ref()) {
                    pass.set_vertex_buffer(0, l.vertices.slice(..));
                    pass.draw(0..l.count, 0..1);
                }
            };
            if !scene.edl {
                draw_lines(&mut pass);
            }
            pass.set_pipeline(&self.point_pipeline);
            for ((c, &n), _) in chunks.iter().zip(&counts).zip(&whole).filter(|(_, w)| !**w) {
                if n > 0 {
                    pass.set_vertex_buffer(0, c.vertices.slice(..));
                    pass.draw(0..n, 0..1);
                }
            }
            pass.set_pipeline(&self.sprite_pipeline);
            for ((c, &n), _) in chunks.iter().zip(&counts).zip(&whole).filter(|(_, w)| **w) {
                if n > 0 {
                    // One instance per point, a strip of four corners each.
                    pass.set_vertex_buffer(0, c.vertices.slice(..));
                    pass.draw(0..4, 0..n);
                }
            }

            if scene.edl {
                draw_lines(&mut pass);
            }

            if let (Some(t), true) = (&scene.translucent, translucent_count > 0) {
                pass.set_pipeline(&self.translucent_pipeline);
                pass.set_vertex_buffer(0, t.vertices.slice(..));
                pass.set_index_buffer(t.indices.slice(..), wgpu::IndexFormat::Uint32);
                pass.draw_indexed(0..translucent_count, 0, 0..1);
            }
        }
        if scene.edl {
            self.edl_pass(&mut encoder, camera, targets);
        }
        self.queue.submit([encoder.finish()]);
    }

    /// Eye-dome lighting over the resolved colour: a full-screen triangle whose fragment is the
    /// shade of its pixel, multiplied into the colour (`edl.wgsl`).
    fn edl_pass(&self, encoder: &mut wgpu::CommandEncoder, camera: &Camera, targets: &Targets) {
        self.queue.write_buffer(&self.edl_buffer, 0, bytemuck::bytes_of(&EdlUniform::new(camera)));
        let bind = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("edl"),
            layout: &self.edl_layout,
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: wgpu::BindingResource::TextureView(&targets.depth) },
                wgpu::BindGroupEntry { binding: 1, resource: self.edl_buffer.as_entire_binding() },
            ],
        });
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("eye-dome lighting"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: &targets.color_view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations { load: wgpu::LoadOp::Load, store: wgpu::StoreOp::Store },
            })],
            depth_stencil_attachment: None,
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        pass.set_pipeline(&self.edl_pipeline);
        pass.set_bind_group(0, &bind, &[]);
        pass.draw(0..3, 0..1);
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

/// The eye-dome lighting pipeline (single-sampled, over the resolved colour), its bind group
/// layout (depth texture, uniform) and its uniform buffer.
fn edl_pipeline(
    device: &wgpu::Device,
    sample_count: u32,
) -> (wgpu::RenderPipeline, wgpu::BindGroupLayout, wgpu::Buffer) {
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some("edl.wgsl"),
        source: wgpu::ShaderSource::Wgsl(Cow::Owned(edl_source(sample_count > 1))),
    });
    let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some("edl"),
        entries: &[
            wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::FRAGMENT,
                ty: wgpu::BindingType::Texture {
                    sample_type: wgpu::TextureSampleType::Depth,
                    view_dimension: wgpu::TextureViewDimension::D2,
                    multisampled: sample_count > 1,
                },
                count: None,
            },
            wgpu::BindGroupLayoutEntry {
                binding: 1,
                visibility: wgpu::ShaderStages::FRAGMENT,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Uniform,
                    has_dynamic_offset: false,
                    min_binding_size: wgpu::BufferSize::new(std::mem::size_of::<EdlUniform>() as u64),
                },
                count: None,
            },
        ],
    });
    let buffer = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("edl"),
        size: std::mem::size_of::<EdlUniform>() as u64,
        usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some("edl"),
        bind_group_layouts: &[Some(&layout)],
        immediate_size: 0,
    });
    // colour × shade: the source (the shade) scales the destination.
    let multiply = wgpu::BlendState {
        color: wgpu::BlendComponent {
            src_factor: wgpu::BlendFactor::Zero,
            dst_factor: wgpu::BlendFactor::Src,
            operation: wgpu::BlendOperation::Add,
        },
        alpha: wgpu::BlendComponent {
            src_factor: wgpu::BlendFactor::Zero,
            dst_factor: wgpu::BlendFactor::One,
            operation: wgpu::BlendOperation::Add,
        },
    };
    let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: Some("edl"),
        layout: Some(&pipeline_layout),
        vertex: wgpu::VertexState {
            module: &module,
            entry_point: Some("vs_main"),
            compilation_options: Default::default(),
            buffers: &[],
        },
        primitive: wgpu::PrimitiveState::default(),
        depth_stencil: None,
        multisample: wgpu::MultisampleState::default(),
        fragment: Some(wgpu::FragmentState {
            module: &module,
            entry_point: Some("fs_main"),
            compilation_options: Default::default(),
            targets: &[Some(wgpu::ColorTargetState {
                format: COLOR_FORMAT,
                blend: Some(multiply),
                write_mask: wgpu::ColorWrites::ALL,
            })],
        }),
        multiview_mask: None,
        cache: None,
    });
    (pipeline, layout, buffer)
}

/// sRGB transfer function, inverse (0..1).
fn srgb_to_linear(c: f32) -> f32 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

mod lod;
mod targets;
#[cfg(test)]
mod tests;
mod upload;

pub use lod::{fit_budget, lod_count, projected_pixels};
use targets::Targets;
pub use upload::GpuScene;
use upload::{GpuChunk, GpuLayer};
