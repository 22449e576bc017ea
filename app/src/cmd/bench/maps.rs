//! `minehaz bench --maps [--scale S]`: the cartography on the generated mine (500 boreholes
//! with seam picks, a third of them deviated; 800 faults; 100 000 working segments and their
//! findings at scale 1), timed on the code `minehaz render` runs:
//! - the seam floor surface: picks, Delaunay + natural neighbour, the drawing grid, contours,
//!   and the whole `seams` layer as the scene prepares it; with the largest miss at a pick;
//! - the overlay of a 1600×1000 plan with every layer: legend of what is drawn, grid labels and
//!   the label placer on all the scene's labels in the frame (how many placed and omitted);
//! - whole-process `minehaz render --view plan` and `--view 3d` (what a user waits for).

use super::{best, run_child};
use crate::render::camera::{Camera, ViewKind};
use crate::render::overlay;
use crate::scene::{self, layers::seams::SeamsVisualizer, Input, SceneOptions, Visualizer};
use minehaz_core::borehole::seam;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Best of `repeat` timings of `f`, in seconds, with its last result.
fn time<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best_s = f64::INFINITY;
    let mut out = None;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let r = f();
        best_s = best_s.min(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    (best_s, out.unwrap_or_else(f))
}

pub fn bench(exe: &Path, dir: &Path, repeat: usize, as_of: &str) -> anyhow::Result<()> {
    let survey = minehaz_core::io::open(dir)?;
    let holes = &survey.boreholes;
    println!("maps on {} ({} boreholes, {} faults)", dir.display(), holes.len(), survey.layers.faults.len());

    // Seam floor surface.
    let (t_picks, picks) = time(repeat, || seam::picks(holes));
    let (t_build, surfaces) = time(repeat, || seam::surfaces(holes).0);
    let s = surfaces.first().ok_or_else(|| anyhow::anyhow!("the generated mine has no seam surface"))?;
    let (t_grid, grid) = time(repeat, || s.grid(seam::GRID_CELLS));
    let interval = seam::contour_interval(s.bounds[5] - s.bounds[2], scene::layers::seams::CONTOUR_LINES);
    let (t_contours, contours) = time(repeat, || seam::contours(&grid, interval));
    let miss = s
        .picks
        .iter()
        .filter_map(|p| Some((s.elevation_at(p.floor[0], p.floor[1])? - p.floor[2]).abs()))
        .fold(0.0f64, f64::max);
    let date = chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d")?;
    let assessment = minehaz_core::rules::Assessment::new(survey.clone(), date)?;
    let report = assessment.report();
    let options = SceneOptions { layers: Vec::new(), max_points: 2_000_000, ..Default::default() };
    let sc = scene::prepare_assessed(&assessment, &report, &options);
    let input = Input::new(&survey, (Some(&assessment), Some(&report)), sc.origin, sc.z_range, &options);
    let (t_layer, layer) = time(repeat, || SeamsVisualizer.prepare(&input));
    let layer = layer.ok_or_else(|| anyhow::anyhow!("no seams layer"))?;
    println!(
        "seam surface ({} picks, {} seam): picks {:.1} ms, triangulation {:.1} ms, grid {}×{} {:.1} ms, \
         {} contours at {} m {:.1} ms; seams layer (all of it) {:.1} ms ({} triangles, {} line segments); \
         largest miss at a pick {:.2e} m",
        picks.len(),
        surfaces.len(),
        t_picks * 1e3,
        t_build * 1e3,
        grid.nx,
        grid.ny,
        t_grid * 1e3,
        contours.len(),
        interval,
        t_contours * 1e3,
        t_layer * 1e3,
        layer.translucent.indices.len() / 3,
        layer.lines.len() / 2,
        miss
    );

    // The overlay of a plan with every layer: legend, grid labels, the label placer.
    let camera = Camera::fit(ViewKind::Plan, sc.bounds, 1600, 1000);
    let labels: usize = sc.layers.iter().map(|l| l.labels.len()).sum();
    let (t_overlay, stats) = time(repeat, || {
        let mut img = image::RgbaImage::new(1600, 1000);
        overlay::draw(&mut img, &sc, &camera, "bench", minehaz_core::i18n::Lang::Zh)
    });
    let stats = stats?;
    let requests: Vec<minehaz_core::placement::Request> = {
        let pr = camera.projector();
        let painter = overlay::Painter::new()?;
        let size = 16.0;
        sc.layers
            .iter()
            .flat_map(|l| &l.labels)
            .filter_map(|lab| {
                let px = pr.in_frame(lab.pos)?;
                Some(minehaz_core::placement::Request {
                    anchor: px,
                    size: [painter.text_width(lab.text.get(minehaz_core::i18n::lang()), size) + 2.0, size * 1.3],
                    priority: lab.priority,
                })
            })
            .collect()
    };
    let (t_place, _) = time(repeat, || minehaz_core::placement::place(&requests, 1600.0, 1000.0, &[]));
    println!(
        "plan overlay 1600×1000 (legend, grid labels, {} of the scene's {} labels in the frame: {} placed, \
         {} omitted): {:.1} ms, of which the placer alone {:.1} ms",
        stats.in_frame,
        labels,
        stats.placed,
        stats.omitted,
        t_overlay * 1e3,
        t_place * 1e3
    );

    // What a user waits for.
    for view in ["plan", "3d"] {
        let out = dir.join(format!("bench-{view}.png"));
        let r = best(repeat, || {
            run_child(
                Command::new(exe).args(["render"]).arg(dir).args(["--view", view, "--as-of", as_of, "--out"]).arg(&out),
            )
        })?;
        println!(
            "minehaz render --view {view} (whole process, 1600×1000): {:.2} s, peak {:.0} MB",
            r.seconds, r.peak_mb
        );
    }
    Ok(())
}
