//! Offscreen render targets: colour (sRGB, with a gamma-space view for egui), MSAA, depth,
//! and the readback buffer.

use super::*;

/// Offscreen targets of one image size.
pub(super) struct Targets {
    pub(super) width: u32,
    pub(super) height: u32,
    /// Single-sampled colour (the resolve target with MSAA), copied to `readback`.
    pub(super) color: wgpu::Texture,
    pub(super) color_view: wgpu::TextureView,
    /// The same texture seen as plain `Rgba8Unorm`: egui samples textures as gamma-space bytes,
    /// so the viewer gets the sRGB-encoded values undecoded (through an sRGB view they would be
    /// decoded to linear and shown too dark).
    pub(super) color_view_gamma: wgpu::TextureView,
    pub(super) msaa: Option<wgpu::TextureView>,
    pub(super) depth: wgpu::TextureView,
    /// Bytes per row in `readback`, a multiple of `COPY_BYTES_PER_ROW_ALIGNMENT`.
    pub(super) padded_row: u32,
    pub(super) readback: wgpu::Buffer,
}

impl Targets {
    pub(super) fn new(device: &wgpu::Device, width: u32, height: u32, sample_count: u32) -> Self {
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
        // TEXTURE_BINDING: the eye-dome lighting pass reads it.
        let depth = texture("depth", DEPTH_FORMAT, sample_count, attachment | wgpu::TextureUsages::TEXTURE_BINDING)
            .create_view(&Default::default());
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
