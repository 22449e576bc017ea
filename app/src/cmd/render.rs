//! `minehaz render SURVEY --view plan|3d|section … --out FILE.png`: headless rendering of every
//! layer (and the check findings) to a PNG, on a GPU or on the software rasteriser.

use crate::render::camera::{Camera, ViewKind};
use crate::render::{gpu::Gpu, overlay};
use crate::scene::{self, SceneOptions};
use minehaz_core::i18n::{lang, tr};
use minehaz_core::{text, Location};
use std::path::PathBuf;

pub struct Args {
    pub survey: PathBuf,
    pub view: String,
    pub section: Option<String>,
    pub section_width: f32,
    pub azimuth: f32,
    pub elevation: f32,
    pub size: String,
    pub layers: Option<String>,
    pub as_of: Option<String>,
    pub out: PathBuf,
    pub frames: usize,
    pub max_points: usize,
}

fn bad(field: &str, zh: String, en: String) -> anyhow::Error {
    minehaz_core::Error::at(Location::default().field(field), minehaz_core::i18n::Text::new(zh, en)).into()
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    let (w, h) = a
        .size
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?)))
        .filter(|(w, h)| (16..=8192).contains(w) && (16..=8192).contains(h))
        .ok_or_else(|| {
            bad(
                "--size",
                format!("尺寸无效: {}（应为 宽x高，如 1600x1000）", a.size),
                format!("invalid size {} (expected WxH, e.g. 1600x1000)", a.size),
            )
        })?;
    let survey = minehaz_core::io::open(&a.survey)?;
    super::print_warnings(&survey.warnings);
    let as_of = match &a.as_of {
        None => chrono::Local::now().date_naive(),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            minehaz_core::Error::at(
                Location::default().field("--as-of"),
                text!("日期格式无效: \"{}\"", "invalid date \"{}\"", s),
            )
        })?,
    };
    let report = minehaz_core::rules::check(&survey, as_of)?;
    let options = SceneOptions {
        layers: a
            .layers
            .as_deref()
            .map(|l| l.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default(),
        max_points: a.max_points,
    };
    let t = std::time::Instant::now();
    let scene = scene::prepare(&survey, Some(&report), &options);
    let prep = t.elapsed();
    let kind = match a.view.as_str() {
        "plan" => ViewKind::Plan,
        "3d" => ViewKind::ThreeD { azimuth_deg: a.azimuth, elevation_deg: a.elevation },
        "section" => {
            let s = a.section.as_deref().ok_or_else(|| {
                bad(
                    "--section",
                    "剖面视图需要 --section x1,y1,x2,y2".into(),
                    "the section view needs --section x1,y1,x2,y2".into(),
                )
            })?;
            let v: Vec<f64> = s.split(',').filter_map(|x| x.trim().parse().ok()).collect();
            if v.len() != 4 || (v[0] == v[2] && v[1] == v[3]) {
                return Err(bad("--section", format!("剖面线无效: {s}"), format!("invalid section line: {s}")));
            }
            let o = scene.origin;
            ViewKind::Section {
                a: [(v[0] - o[0]) as f32, (v[1] - o[1]) as f32],
                b: [(v[2] - o[0]) as f32, (v[3] - o[1]) as f32],
                half_width_m: a.section_width / 2.0,
            }
        }
        other => {
            return Err(bad(
                "--view",
                format!("未知视图 {other}（plan、3d、section）"),
                format!("unknown view {other} (plan, 3d, section)"),
            ))
        }
    };
    let camera = Camera::fit(kind, scene.bounds, w, h);
    super::quiet_mesa();
    let gpu = Gpu::new()?;
    let t = std::time::Instant::now();
    let gpu_scene = gpu.upload(&scene);
    let upload = t.elapsed();
    let mut img = gpu.render(&gpu_scene, &camera, &|_| true)?;
    let view_name = match kind {
        ViewKind::Plan => tr("平面图", "plan"),
        ViewKind::ThreeD { .. } => tr("三维视图", "3D view"),
        ViewKind::Section { .. } => tr("剖面图", "section"),
    };
    let title = format!("{} — {}  ({} {})", survey.meta.mine.name, view_name, tr("检查日期", "as of"), as_of);
    overlay::draw(&mut img, &scene, &camera, &title, lang())?;
    img.save(&a.out).map_err(|e| minehaz_core::Error::io(&a.out, std::io::Error::other(e)))?;
    println!("{} {} ({}×{}, {})", tr("已写入", "Wrote"), a.out.display(), w, h, gpu.adapter_name());
    if a.frames > 0 {
        let mean = gpu.render_frames(&gpu_scene, &camera, a.frames)?;
        println!(
            "{}: {:.1} ms ({} {}; {} {:.0} ms, {} {:.0} ms)",
            tr("平均帧时间", "mean frame time"),
            mean.as_secs_f64() * 1000.0,
            a.frames,
            tr("帧", "frames"),
            tr("场景准备", "scene preparation"),
            prep.as_secs_f64() * 1000.0,
            tr("上传", "upload"),
            upload.as_secs_f64() * 1000.0
        );
    }
    Ok(0)
}
