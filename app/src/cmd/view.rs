//! `minehaz view [SURVEY] [--as-of DATE]`: the interactive viewer (an eframe window; see
//! `crate::view`). Hidden options for checks without a person at the screen:
//! `--screenshot FILE --view plan|3d|section [--section x1,y1,x2,y2]` saves the window once the
//! scene is drawn and exits; `--bench-frames N` orbits N frames and prints the mean frame time.

use crate::view::{self, orbit::Mode, Options};
use minehaz_core::i18n::tr;
use minehaz_core::{text, Location};
use std::path::PathBuf;

pub struct Args {
    pub survey: Option<PathBuf>,
    pub as_of: Option<String>,
    pub view: crate::ViewArg,
    pub section: Option<String>,
    pub screenshot: Option<PathBuf>,
    pub bench_frames: usize,
    pub size: String,
    pub follow: bool,
}

fn bad(field: &str, t: minehaz_core::i18n::Text) -> anyhow::Error {
    minehaz_core::Error::at(Location::default().field(field), t).into()
}

fn options(a: &Args) -> anyhow::Result<Options> {
    let as_of = super::parse_as_of(a.as_of.as_deref())?;
    let mode = match a.view {
        crate::ViewArg::Plan => Mode::Plan,
        crate::ViewArg::ThreeD => Mode::ThreeD,
        crate::ViewArg::Section => Mode::Section,
    };
    let section = a.section.as_deref().map(|s| super::parse_four(s, "--section", super::Span::Line)).transpose()?;
    if let Some(p) = &a.survey {
        if !p.exists() {
            return Err(minehaz_core::Error::io(p, std::io::Error::from(std::io::ErrorKind::NotFound)).into());
        }
    }
    Ok(Options {
        survey: a.survey.clone(),
        as_of,
        author: super::author(None),
        mode,
        section,
        screenshot: a.screenshot.clone(),
        bench_frames: a.bench_frames,
        follow: a.follow,
    })
}

/// A section through the middle of the survey, west to east, when `--view section` has no line.
fn default_section(o: &mut Options) {
    if o.mode != Mode::Section || o.section.is_some() {
        return;
    }
    if let Some(b) = o.survey.as_deref().and_then(|p| minehaz_core::io::open(p).ok()).and_then(|s| {
        s.layers.summaries().into_iter().filter_map(|x| x.bounds).reduce(|a, b| {
            [a[0].min(b[0]), a[1].min(b[1]), a[2].min(b[2]), a[3].max(b[3]), a[4].max(b[4]), a[5].max(b[5])]
        })
    }) {
        let y = (b[1] + b[4]) / 2.0;
        o.section = Some([b[0], y, b[3], y]);
    }
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    let mut o = options(a)?;
    default_section(&mut o);
    let (w, h) = a
        .size
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse::<f32>().ok()?, h.trim().parse::<f32>().ok()?)))
        .filter(|(w, h)| (320.0..=8192.0).contains(w) && (240.0..=8192.0).contains(h))
        .ok_or_else(|| bad("--size", text!("尺寸无效: {}", "invalid size {}", a.size)))?;
    super::quiet_mesa();
    let mut native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_title(view::title(None)).with_inner_size([w, h]),
        renderer: eframe::Renderer::Wgpu,
        ..Default::default()
    };
    if a.bench_frames > 0 {
        // Frame times are measured without waiting for a display refresh.
        native.wgpu_options.surface.present_mode = wgpu::PresentMode::AutoNoVsync;
    }
    eframe::run_native(&view::title(None), native, Box::new(move |cc| Ok(Box::new(view::ViewerApp::new(cc, o)))))
        .map_err(|e| anyhow::anyhow!("{}: {e}", tr("无法打开窗口", "cannot open the window")))?;
    Ok(0)
}
