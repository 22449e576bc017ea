//! One visualizer per layer kind, and the registry [`all`] in drawing order.
//!
//! | layer | draws |
//! |---|---|
//! | `ground` | faint reference grid of lines at the highest collar (or the scene top) |
//! | `grids` | geophysical grids as colour-mapped flat surfaces, with a ramp legend |
//! | `licence` | the licence prism as a wireframe between its levels |
//! | `pointcloud` | the latest point-cloud epoch, streamed, subsampled, tiled and shuffled |
//! | `slopes` | the measured epoch's DEM shaded by elevation, sectors outlined by compliance with their measured values, crest and toe lines |
//! | `goaf`, `water_bodies`, `collapse_columns`, `gas_zones`, `burst_zones`, `fire_zones`, `anomalies`, `zones` | translucent outline prisms with opaque edges |
//! | `seams` | seam floor surfaces from borehole picks: translucent surface, floor contours with labelled index contours, model hull |
//! | `fault_surfaces` | translucent dipping surfaces down to the scene bottom (not in plan) |
//! | `faults` | traces with dip ticks, labels with throw and dip |
//! | `water_lines` | derived exploration / warning lines and fault pillars as outlines |
//! | `boreholes` | trajectories with lithology-coloured interval tubes and collar labels |
//! | `drillholes` | advance drill holes as thin lines |
//! | `planned_drillholes` | the drilling design: planned holes dashed, ends coloured by match, corridor, stop line |
//! | `workings` | tubes by status, face markers, labels of active workings |
//! | `findings` | markers at findings and highlighted workings (with a report only) |
//!
//! Shared builders (prisms, tubes, markers, legend) are in [`geom`]; the outline-prism layer
//! builder in [`prism`].

pub mod anomalies;
pub mod boreholes;
pub mod burst_zones;
pub mod collapse_columns;
pub mod design;
pub mod drillholes;
pub mod faults;
pub mod findings;
pub mod fire_zones;
pub mod gas_zones;
pub mod geom;
pub mod goaf;
pub mod grids;
pub mod ground;
pub mod licence;
pub mod pointcloud;
pub mod prism;
pub mod seams;
pub mod slopes;
pub mod water_bodies;
pub mod water_lines;
pub mod workings;
pub mod zones;

use super::Visualizer;

/// Every visualizer, in drawing order: ground, grids, licence, point cloud, prisms, faults,
/// water lines and pillars, boreholes, drill holes, workings, findings.
pub fn all() -> Vec<Box<dyn Visualizer>> {
    vec![
        Box::new(ground::GroundVisualizer),
        Box::new(grids::GridsVisualizer),
        Box::new(licence::LicenceVisualizer),
        Box::new(pointcloud::PointCloudVisualizer),
        Box::new(slopes::SlopesVisualizer),
        Box::new(goaf::GoafVisualizer),
        Box::new(water_bodies::WaterBodiesVisualizer),
        Box::new(collapse_columns::CollapseColumnsVisualizer),
        Box::new(gas_zones::GasZonesVisualizer),
        Box::new(burst_zones::BurstZonesVisualizer),
        Box::new(fire_zones::FireZonesVisualizer),
        Box::new(anomalies::AnomaliesVisualizer),
        Box::new(zones::ZonesVisualizer),
        Box::new(seams::SeamsVisualizer),
        Box::new(faults::FaultSurfacesVisualizer),
        Box::new(faults::FaultsVisualizer),
        Box::new(water_lines::WaterLinesVisualizer),
        Box::new(boreholes::BoreholesVisualizer),
        Box::new(drillholes::DrillholesVisualizer),
        Box::new(design::DesignVisualizer),
        Box::new(workings::WorkingsVisualizer),
        Box::new(findings::FindingsVisualizer),
    ]
}

/// Helpers for the visualizers' tests.
#[cfg(test)]
pub(crate) mod test_util {
    use crate::scene::{Input, SceneOptions};
    use minehaz_core::model::Survey;

    /// An empty survey in a projected CRS.
    pub fn survey() -> Survey {
        let mut s = Survey::default();
        s.meta.mine.crs = "EPSG:4547".into();
        s
    }

    pub fn input<'a>(s: &'a Survey, origin: [f64; 3], z_range: [f64; 2], options: &'a SceneOptions) -> Input<'a> {
        Input::new(s, (None, None), origin, z_range, options)
    }

    /// Bounds (min, max) of positions.
    pub fn bounds(it: impl Iterator<Item = [f32; 3]>) -> ([f32; 3], [f32; 3]) {
        it.fold(([f32::INFINITY; 3], [f32::NEG_INFINITY; 3]), |(lo, hi), p| {
            ([lo[0].min(p[0]), lo[1].min(p[1]), lo[2].min(p[2])], [hi[0].max(p[0]), hi[1].max(p[1]), hi[2].max(p[2])])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{prepare, SceneOptions};
    use minehaz_core::rules::Severity;
    use std::path::PathBuf;

    #[test]
    fn names_are_unique_and_in_drawing_order() {
        let names: Vec<_> = all().iter().map(|v| v.name()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(names.first(), Some(&"ground"));
        assert_eq!(names.last(), Some(&"findings"));
        let pos = |n: &str| names.iter().position(|x| *x == n);
        assert!(pos("grids") < pos("licence") && pos("licence") < pos("pointcloud") && pos("pointcloud") < pos("goaf"));
        assert!(pos("zones") < pos("faults") && pos("faults") < pos("water_lines"));
        assert!(pos("water_lines") < pos("boreholes") && pos("drillholes") < pos("workings"));
    }

    /// `render`'s progress: every chosen visualizer is reported once, in drawing order, up to a
    /// total that is the number chosen (a `--layers` selection counts only its layers).
    #[test]
    fn scene_preparation_reports_each_layer_once() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine");
        let survey = minehaz_core::io::package::read_package(&dir).expect("sample reads");
        let a = minehaz_core::rules::Assessment::new(survey, chrono::NaiveDate::from_ymd_opt(2026, 5, 1).expect("d"))
            .expect("check");
        let report = a.report();
        for (options, want) in [
            (SceneOptions::default(), all().iter().map(|v| v.name()).collect::<Vec<_>>()),
            (
                SceneOptions { layers: vec!["faults".into(), "goaf".into()], ..Default::default() },
                vec!["goaf", "faults"],
            ),
        ] {
            let seen = std::cell::RefCell::new(Vec::new());
            crate::scene::prepare_assessed_with(&a, &report, &options, &|name, done, total| {
                seen.borrow_mut().push((name.to_string(), done, total));
            });
            let seen = seen.into_inner();
            assert_eq!(seen.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(), want);
            for (k, (_, done, total)) in seen.iter().enumerate() {
                assert_eq!((*done, *total), (k + 1, want.len()));
            }
        }
    }

    /// The coal-mine sample end to end through `prepare`, with its check report: every layer it
    /// has data for is drawn; counts printed for the record (`--nocapture`).
    #[test]
    fn coal_mine_sample_scene() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine");
        let survey = minehaz_core::io::package::read_package(&dir).expect("sample reads");
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).expect("date");
        let assessment = minehaz_core::rules::Assessment::new(survey.clone(), as_of).expect("check");
        let report = assessment.report();
        let scene = prepare(&survey, Some(&assessment), &SceneOptions::default());
        for l in &scene.layers {
            println!(
                "{:<18} opaque {:>6} v {:>6} i | translucent {:>6} v {:>6} i | lines {:>5} seg | points {:>7} in {:>3} chunks | labels {:>3} | legend {}",
                l.name,
                l.opaque.vertices.len(),
                l.opaque.indices.len(),
                l.translucent.vertices.len(),
                l.translucent.indices.len(),
                l.lines.len() / 2,
                l.point_chunks.iter().map(|c| c.points.len()).sum::<usize>(),
                l.point_chunks.len(),
                l.labels.len(),
                l.legend.iter().map(|e| e.en.as_str()).collect::<Vec<_>>().join(", "),
            );
        }
        println!("origin {:?} bounds {:?}", scene.origin, scene.bounds);
        let names: Vec<_> = scene.layers.iter().map(|l| l.name.as_str()).collect();
        for want in ["ground", "grids", "licence", "goaf", "seams", "faults", "water_lines", "boreholes", "workings"] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        if report.findings.iter().any(|f| f.at.is_some() || f.working.is_some()) {
            assert!(names.contains(&"findings"));
        }
        // Every index is in range, every line list has pairs, nothing is NaN.
        for l in &scene.layers {
            for m in [&l.opaque, &l.translucent] {
                assert_eq!(m.indices.len() % 3, 0);
                assert!(m.indices.iter().all(|&i| (i as usize) < m.vertices.len()), "{}", l.name);
                assert!(m.vertices.iter().all(|v| v.pos.iter().chain(&v.normal).all(|c| c.is_finite())), "{}", l.name);
            }
            assert_eq!(l.lines.len() % 2, 0);
            assert!(l.lines.iter().all(|v| v.pos.iter().all(|c| c.is_finite())), "{}", l.name);
        }
        // Local coordinates are small: the origin took the Gauss-Krüger offsets.
        assert!(scene.bounds[0].iter().chain(&scene.bounds[1]).all(|c| c.abs() < 20_000.0), "{:?}", scene.bounds);
        let major = report.findings.iter().any(|f| f.severity == Severity::Major);
        if let Some(f) = scene.layers.iter().find(|l| l.name == "findings") {
            assert_eq!(f.legend.iter().any(|e| e.en == "major finding"), major);
        }
    }

    /// The open-pit sample: the latest scan streamed into tiles within `max_points`.
    #[test]
    fn open_pit_sample_scene() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/open-pit");
        let survey = minehaz_core::io::package::read_package(&dir).expect("sample reads");
        // The epochs are generated (scripts/samples.sh, which scripts/check.sh runs first): a
        // missing epoch fails here rather than passing untested.
        assert!(
            !survey.point_clouds.is_empty(),
            "no point clouds: run scripts/samples.sh (or `cargo run --bin gen-samples -- --only open-pit --pointclouds-only`)"
        );
        let options = SceneOptions {
            layers: vec!["pointcloud".into(), "workings".into()],
            max_points: 100_000,
            ..Default::default()
        };
        let scene = prepare(&survey, None, &options);
        for l in &scene.layers {
            println!(
                "{:<12} opaque {:>6} v | points {:>7} in {:>3} chunks | labels {:>3}",
                l.name,
                l.opaque.vertices.len(),
                l.point_chunks.iter().map(|c| c.points.len()).sum::<usize>(),
                l.point_chunks.len(),
                l.labels.len()
            );
        }
        let pc = scene.layers.iter().find(|l| l.name == "pointcloud").expect("pointcloud layer");
        let n: usize = pc.point_chunks.iter().map(|c| c.points.len()).sum();
        assert!(n <= 100_000 && n > 50_000, "{n}");
        assert!(pc.name_zh.contains("2026-09-15"), "the latest epoch: {}", pc.name_zh);
        assert!(scene.layers.iter().all(|l| l.name == "pointcloud" || l.name == "workings"));
    }
}
