//! `minehaz render SURVEY --view plan|3d|section … --out FILE.png`: headless rendering of every
//! layer (and the check findings) to a PNG, on a GPU or on the software rasteriser.

use crate::render::camera::{Camera, ViewKind};
use crate::render::{gpu::Gpu, overlay};
use crate::scene::{self, SceneOptions};
use minehaz_core::i18n::{lang, tr};
use minehaz_core::Location;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// 调查数据包目录或 .gpkg / survey folder or .gpkg
    pub survey: PathBuf,
    /// 视图 / view
    #[arg(long, value_enum, default_value = "3d")]
    pub view: crate::ViewArg,
    /// 剖面线（矿井坐标）/ section line in mine coordinates: x1,y1,x2,y2
    #[arg(long, allow_hyphen_values = true)]
    pub section: Option<String>,
    /// 只绘制此范围（矿井坐标）/ frame only this window in mine coordinates: x1,y1,x2,y2
    #[arg(long, allow_hyphen_values = true)]
    pub window: Option<String>,
    /// 剖面宽度 m / section slab width, m
    #[arg(long, default_value_t = 100.0)]
    pub section_width: f32,
    /// 方位角（度，自北顺时针）/ azimuth, degrees clockwise from north
    #[arg(long, default_value_t = 210.0, allow_hyphen_values = true)]
    pub azimuth: f32,
    /// 仰角（度）/ elevation angle, degrees
    #[arg(long, default_value_t = 35.0, allow_hyphen_values = true)]
    pub elevation: f32,
    /// 垂直放大倍数（三维与剖面，1–20）/ vertical exaggeration for 3D and sections (1–20)
    #[arg(long, default_value_t = 1.0)]
    pub vexag: f32,
    /// 点云着色：高程、分类、强度、与上一期的变化 / colour point clouds by elevation, class, intensity or change since the previous epoch
    #[arg(long, value_enum, default_value = "elevation")]
    pub point_colour: crate::scene::layers::pointcloud::PointColour,
    /// 显示的点云期次（日期，默认最新）/ the point-cloud epoch shown (its date; default the latest)
    #[arg(long)]
    pub epoch: Option<String>,
    /// 不用眼罩光照（点云默认使用）/ no eye-dome lighting (on by default for point clouds)
    #[arg(long)]
    pub no_edl: bool,
    /// 图像尺寸 / image size WxH
    #[arg(long, default_value = "1600x1000")]
    pub size: String,
    /// 只绘制这些图层（逗号分隔）/ only these layers, comma-separated
    #[arg(long)]
    pub layers: Option<String>,
    /// 检查日期 / as-of date for the findings
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long)]
    pub out: PathBuf,
    /// 另外连续渲染 N 帧并报告平均帧时间 / also render N frames and report the mean frame time
    #[arg(long, default_value_t = 0)]
    pub frames: usize,
    /// 每期点云最多保留的点数（0 = 2 000 000）/ most points kept per point-cloud epoch (0 = 2 000 000)
    #[arg(long, default_value_t = 0)]
    pub max_points: usize,
}

fn bad(field: &str, zh: String, en: String) -> anyhow::Error {
    minehaz_core::Error::at(Location::default().field(field), minehaz_core::i18n::Text::new(zh, en)).into()
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    if !(a.vexag.is_finite() && (1.0..=crate::render::camera::MAX_VEXAG).contains(&a.vexag)) {
        return Err(bad(
            "--vexag",
            format!("垂直放大倍数应在 1 到 {} 之间：{}", crate::render::camera::MAX_VEXAG, a.vexag),
            format!("vertical exaggeration must be between 1 and {}: {}", crate::render::camera::MAX_VEXAG, a.vexag),
        ));
    }
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
    // Checked before any work: a PNG output, section numbers, known layer names.
    super::output_folder(&a.out)?;
    if !a.out.extension().is_some_and(|e| e.eq_ignore_ascii_case("png")) {
        return Err(bad(
            "--out",
            format!("输出须为 .png 文件: {}", a.out.display()),
            format!("the output must be a .png file: {}", a.out.display()),
        ));
    }
    let section_numbers =
        a.section.as_deref().map(|s| super::parse_four(s, "--section", super::Span::Line)).transpose()?;
    let window = a.window.as_deref().map(|s| super::parse_four(s, "--window", super::Span::Area)).transpose()?;
    let as_of = super::parse_as_of(a.as_of.as_deref())?;
    let wanted: Vec<String> = a
        .layers
        .as_deref()
        .map(|l| l.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let known: Vec<&str> = scene::visualizers().iter().map(|v| v.name()).collect();
    if let Some(u) = wanted.iter().find(|l| !known.contains(&l.as_str())) {
        return Err(bad(
            "--layers",
            format!("未知图层 {u}（可用: {}）", known.join(", ")),
            format!("unknown layer {u} (known: {})", known.join(", ")),
        ));
    }
    let survey = super::open(&a.survey)?;
    super::print_warnings(&survey.warnings);
    let assessment = minehaz_core::rules::Assessment::new(survey, as_of)?;
    let survey = assessment.survey();
    let options = SceneOptions {
        layers: wanted,
        max_points: a.max_points,
        epoch: a.epoch.clone(),
        point_colour: a.point_colour,
        skip: Vec::new(),
    };
    let t = std::time::Instant::now();
    // A bar of the layers prepared.
    let scene = super::step_parts("准备场景", "preparing the scene", |progress| {
        scene::prepare_assessed_with(&assessment, &assessment.report(), &options, progress)
    });
    let prep = t.elapsed();
    if !scene.problems.is_empty() {
        return Err(minehaz_core::Error::at(
            Location::file(&a.survey).layer("pointcloud"),
            minehaz_core::i18n::Text::new(scene.problems.join("; "), scene.problems.join("; ")),
        )
        .into());
    }
    for n in &scene.notes {
        eprintln!("{}: {n}", tr("提示", "note"));
    }
    let kind = match a.view {
        crate::ViewArg::Plan => ViewKind::Plan,
        crate::ViewArg::ThreeD => ViewKind::ThreeD { azimuth_deg: a.azimuth, elevation_deg: a.elevation },
        crate::ViewArg::Section => {
            let v = section_numbers.as_ref().ok_or_else(|| {
                bad(
                    "--section",
                    "剖面视图需要 --section x1,y1,x2,y2".into(),
                    "the section view needs --section x1,y1,x2,y2".into(),
                )
            })?;
            let o = scene.origin;
            ViewKind::Section {
                a: [(v[0] - o[0]) as f32, (v[1] - o[1]) as f32],
                b: [(v[2] - o[0]) as f32, (v[3] - o[1]) as f32],
                half_width_m: a.section_width / 2.0,
            }
        }
    };
    let mut scene = scene;
    if let ViewKind::Section { a: sa, b: sb, half_width_m } = kind {
        // The seam floors cut along the line and the seams correlated between its boreholes.
        scene::set_section_layers(&mut scene, survey, Some(&assessment), Some((sa, sb, half_width_m)));
    }
    // 3D is fitted to the mine's data, plan and sections to everything (the licence included).
    let mut bounds = if matches!(kind, ViewKind::ThreeD { .. }) { scene.data_bounds() } else { scene.bounds };
    if let Some(v) = &window {
        let o = scene.origin;
        bounds[0][0] = (v[0].min(v[2]) - o[0]) as f32;
        bounds[1][0] = (v[0].max(v[2]) - o[0]) as f32;
        bounds[0][1] = (v[1].min(v[3]) - o[1]) as f32;
        bounds[1][1] = (v[1].max(v[3]) - o[1]) as f32;
    }
    let camera = Camera::fit_exaggerated(kind, bounds, w, h, a.vexag);
    super::quiet_mesa();
    let gpu = Gpu::new()?;
    let t = std::time::Instant::now();
    let mut gpu_scene = gpu.upload(&scene);
    // Not in sections: a slab of points seen edge-on is all depth edges.
    gpu_scene.edl &= !a.no_edl && !matches!(kind, ViewKind::Section { .. });
    let upload = t.elapsed();
    let mut img = gpu.render(&gpu_scene, &camera, &|_| true)?;
    let view_name = match kind {
        ViewKind::Plan => tr("平面图", "plan"),
        ViewKind::ThreeD { .. } => tr("三维视图", "3D view"),
        ViewKind::Section { .. } => tr("剖面图", "section"),
    };
    let mut title = format!("{} — {}  ({} {})", survey.meta.mine.name, view_name, tr("检查日期", "as of"), as_of);
    if camera.vexag > 1.0 && kind != ViewKind::Plan {
        title.push_str(&format!("  {} {}×", tr("垂直放大", "vertical exaggeration"), overlay::fmt_value(camera.vexag)));
    }
    overlay::draw(&mut img, &scene, &camera, &title, lang())?;
    minehaz_core::io::write_atomically(&a.out, |tmp| {
        img.save_with_format(tmp, image::ImageFormat::Png)
            .map_err(|e| minehaz_core::Error::io(&a.out, std::io::Error::other(e)))
    })?;
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
