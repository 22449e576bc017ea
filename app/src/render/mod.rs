//! The renderer: draws a prepared [`crate::scene::Scene`] with wgpu, headless to an image (PNG)
//! or, later, into a window. It never sees the survey or the store.
//!
//! - [`camera`]: plan / 3D / section cameras.
//! - [`gpu`]: device, pipelines (WGSL in `shaders/`), upload once, draw many times, readback.
//! - [`overlay`]: labels, legend, north arrow, scale bar and elevation ticks, drawn with a
//!   bundled CJK font onto the rendered image.

pub mod camera;
pub mod gpu;
pub mod overlay;
