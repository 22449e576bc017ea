//! egui_kittest tests of the viewer: the whole eframe app, headless, drawn by egui-wgpu and by
//! our renderer on the same device (lavapipe in CI). Labels are Chinese (the default language;
//! no test switches it, since the language is process-wide and tests run in parallel).

use super::orbit::Mode;
use super::panels::finding_title;
use super::state::Tool;
use super::{Options, ViewerApp};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use minehaz_core::io::{audit, store};
use minehaz_core::model::ZoneClass;
use minehaz_core::rules::Severity;
use std::path::{Path, PathBuf};

fn coal_mine() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine")
}

fn as_of() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("date")
}

fn harness(path: &Path, mode: Mode) -> Harness<'static, ViewerApp> {
    harness_with(Some(path), mode)
}

fn harness_with(path: Option<&Path>, mode: Mode) -> Harness<'static, ViewerApp> {
    let options = Options {
        survey: path.map(Path::to_path_buf),
        as_of: as_of(),
        author: "tester".into(),
        mode,
        section: None,
        screenshot: None,
        bench_frames: 0,
        follow: false,
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1600.0, 1200.0))
        .with_max_steps(16)
        .wgpu()
        .build_eframe(move |cc| ViewerApp::new(cc, options));
    h.run();
    // The point cloud comes from its loading thread: wait for it, so tests see the whole scene.
    if h.state_mut().state.poll_points(true) {
        h.run();
    }
    h
}

/// Click at a screen position (points) with the primary button.
fn click_at(h: &mut Harness<'_, ViewerApp>, pos: egui::Pos2) {
    h.hover_at(pos);
    h.run();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    h.run();
}

/// Click at a world point (mine CRS x, y) in the plan view.
fn click_world(h: &mut Harness<'_, ViewerApp>, x: f64, y: f64) {
    let z = h.state().state.origin()[2];
    let pos = h.state_mut().world_to_screen([x, y, z]).expect("the point is in view");
    click_at(h, pos);
}

/// With `MINEHAZ_VIEW_PNG=DIR`, save the window as DIR/NAME.png (to look at a test's screens).
fn dump(h: &mut Harness<'_, ViewerApp>, name: &str) {
    if let Some(dir) = std::env::var_os("MINEHAZ_VIEW_PNG") {
        let img = h.render().expect("render the window");
        img.save(Path::new(&dir).join(format!("{name}.png"))).expect("save");
    }
}

fn click(h: &mut Harness<'_, ViewerApp>, label: &str) {
    h.get_by_label(label).click_accesskit();
    h.run();
}

fn type_into(h: &mut Harness<'_, ViewerApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, label).type_text(text);
    h.run();
}

#[test]
fn panels_list_the_layers_findings_and_levels_and_the_scene_is_drawn() {
    let mut h = harness(&coal_mine(), Mode::ThreeD);
    // The layer tree: every scene layer by its Chinese name, with a checkbox.
    for name in ["老空区", "含水体", "断层", "井巷工程", "采矿许可范围", "分区(可采/缓采/禁采)", "钻孔", "检查发现"]
    {
        h.get_by_role_and_label(Role::CheckBox, name);
    }
    let app = h.state();
    let l = app.state.loaded.as_ref().expect("the sample opened");
    assert_eq!(app.state.layers.len(), l.scene.layers.len());
    // Findings by severity: 19 major and 7 warnings as of 2026-11-29, each listed.
    h.get_by_label("重大问题 (19)");
    h.get_by_label("警告 (7)");
    let count = |s| l.report.findings.iter().filter(|f| f.severity == s).count();
    assert_eq!((count(Severity::Major), count(Severity::Warning)), (19, 7));
    for f in &l.report.findings {
        h.get_by_label(&finding_title(f));
    }
    // Levels with their drivers.
    h.get_by_label("水害: 复杂 (complex)");
    // The criterion by name (its id on hover).
    h.get_by_label("位置不可靠的积水老空区");
    h.get_by_label("冲击地压: 强 (strong)");

    // Our renderer drew into egui's device: the viewport is not blank.
    assert!(app.view.shared_device, "the scene is rendered on eframe's wgpu device");
    assert!(app.view.renders >= 1);
    let rect = app.view.rect.expect("viewport");
    let img = h.render().expect("render the window");
    let (x0, y0, x1, y1) = (rect.min.x as u32, rect.min.y as u32, rect.max.x as u32, rect.max.y as u32);
    let coloured = (y0..y1)
        .step_by(4)
        .flat_map(|y| (x0..x1).step_by(4).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let p = img.get_pixel(x, y).0;
            p[0].abs_diff(p[1]) > 40 || p[1].abs_diff(p[2]) > 40
        })
        .count();
    assert!(coloured > 1000, "the scene shows in the viewport ({coloured} coloured samples)");

    // Hiding a layer re-renders; an unchanged frame does not.
    let renders = h.state().view.renders;
    h.run();
    assert_eq!(h.state().view.renders, renders, "no re-render without a change");
    h.get_by_role_and_label(Role::CheckBox, "老空区").click();
    h.run();
    assert!(!h.state().state.visible("goaf"));
    assert!(h.state().view.renders > renders);
}

#[test]
fn clicking_a_finding_flies_to_it_and_selects_its_working_and_feature() {
    let mut h = harness(&coal_mine(), Mode::Plan);
    let (i, title, at) = {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        let (i, f) =
            l.report.findings.iter().enumerate().find(|(_, f)| f.rule == "zone.no_mining").expect("W46 → ZN03");
        (i, finding_title(f), f.at.expect("located"))
    };
    let fitted_mpp = h.state().state.cam.plan_mpp;
    h.get_by_label(&title).click();
    h.run();
    let app = h.state_mut();
    assert_eq!(app.state.selected_finding, Some(i));
    let ids: Vec<&str> = app.state.selection.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["W46", "ZN03"]);
    // The view is centred on the finding.
    let rect = app.view.rect.expect("viewport");
    let p = app.world_to_screen(at).expect("in view");
    assert!((p - rect.center()).length() < 2.0, "{p:?} vs {:?}", rect.center());
    // And zoomed in so the working and the zone are seen around it, not the whole mine.
    let mpp = app.state.cam.plan_mpp;
    assert!(mpp < fitted_mpp * 0.8, "framed: {mpp} m/px vs {fitted_mpp} fitted");
    // The attribute panel shows the working's fields by name, coded values in words.
    h.get_by_label("井巷工程 (workings) W46");
    h.get_by_label("状态");
    h.get_by_label("类型");
}

#[test]
fn marking_editing_and_deleting_a_zone_are_audited_and_change_the_findings() {
    let dir = tempfile::tempdir().expect("tmp");
    let gpkg = dir.path().join("coal-mine.gpkg");
    let survey = minehaz_core::io::open(&coal_mine()).expect("sample");
    store::write_store(&survey, &gpkg, "tester", "2026-11-29T08:00:00+08:00", false).expect("store");
    let mut h = harness(&gpkg, Mode::Plan);
    let w16_findings = |h: &Harness<'_, ViewerApp>| -> Vec<String> {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        l.report
            .findings
            .iter()
            .filter(|f| f.working.as_deref() == Some("W16") && f.rule.starts_with("zone."))
            .map(|f| format!("{} {}", f.rule, f.feature.as_deref().unwrap_or("")))
            .collect()
    };
    assert!(w16_findings(&h).is_empty(), "W16 is covered by its drill holes: no finding");

    // A no-mining zone around the face of the active heading W16 (482965, 4050650).
    click(&mut h, "标记分区");
    assert_eq!(h.state().state.tool, Tool::MarkZone);
    for (x, y) in [(482900.0, 4050590.0), (483030.0, 4050590.0), (483030.0, 4050710.0), (482900.0, 4050710.0)] {
        click_world(&mut h, x, y);
    }
    assert_eq!(h.state().state.draft.len(), 4);
    click(&mut h, "闭合多边形");
    assert!(h.state().state.form.is_some(), "the form opens");
    click(&mut h, "禁采区");
    click(&mut h, "水害");
    type_into(&mut h, "划分依据", "W16 迎头前方物探低阻异常");
    dump(&mut h, "marking-form");
    click(&mut h, "保存分区");
    dump(&mut h, "marking-saved");
    let app = h.state();
    assert_eq!(app.state.message.as_ref().map(|m| m.error), Some(false), "{:?}", app.state.message);

    // The store holds the zone; the audit log has a second row and verifies.
    let reopened = minehaz_core::io::open(&gpkg).expect("reopen");
    let zone = reopened.layers.zones.iter().find(|z| z.id == "ZM-1").expect("the new zone is stored");
    assert_eq!(zone.class, ZoneClass::NoMining);
    assert_eq!(zone.basis.as_deref(), Some("W16 迎头前方物探低阻异常"));
    assert_eq!(zone.author.as_deref(), Some("tester"));
    let v = audit::verify(&gpkg).expect("verify");
    assert!(v.ok(), "{:?}", v.breaks);
    assert_eq!(v.rows, 2);
    // The check ran again: a new finding for W16, listed in the findings panel.
    assert_eq!(w16_findings(&h), ["zone.no_mining ZM-1"]);
    let title = {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        let f = l.report.findings.iter().find(|f| f.feature.as_deref() == Some("ZM-1")).expect("finding");
        finding_title(f)
    };
    h.get_by_label(&title);
    let (majors, zm1) = {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        let majors = l.report.findings.iter().filter(|f| f.severity == Severity::Major).count();
        let zm1: Vec<String> = l
            .report
            .findings
            .iter()
            .filter(|f| f.feature.as_deref() == Some("ZM-1"))
            .map(|f| format!("{} {}", f.rule, f.working.as_deref().unwrap_or("")))
            .collect();
        (majors, zm1)
    };
    assert!(zm1.contains(&"zone.no_mining W16".to_string()), "{zm1:?}");
    assert_eq!(majors, 19 + zm1.len(), "{zm1:?}");
    h.get_by_label(&format!("重大问题 ({majors})"));

    // Edit: deferred and untreated → the deferred-zone rule instead.
    let sel = &h.state().state.selection;
    assert_eq!(sel.first().map(|r| r.id.as_str()), Some("ZM-1"), "the saved zone is selected");
    click(&mut h, "编辑分区");
    click(&mut h, "缓采区");
    click(&mut h, "未治理");
    click(&mut h, "保存分区");
    let reopened = minehaz_core::io::open(&gpkg).expect("reopen");
    let zone = reopened.layers.zones.iter().find(|z| z.id == "ZM-1").expect("still there");
    assert_eq!((zone.class, zone.treated), (ZoneClass::Deferred, Some(false)));
    assert_eq!(zone.basis.as_deref(), Some("W16 迎头前方物探低阻异常"), "unchanged fields are kept");
    let v = audit::verify(&gpkg).expect("verify");
    assert!(v.ok() && v.rows == 3, "{v:?}");
    assert_eq!(w16_findings(&h), ["zone.deferred_untreated ZM-1"]);

    // Delete: pick the zone in plan (inside it, away from W16), then delete and confirm.
    click(&mut h, "选择");
    h.state_mut().state.select(Vec::new());
    click_world(&mut h, 483020.0, 4050600.0);
    assert_eq!(h.state().state.selection.first().map(|r| r.id.as_str()), Some("ZM-1"));
    click(&mut h, "删除分区");
    dump(&mut h, "marking-delete");
    click(&mut h, "确认删除");
    let reopened = minehaz_core::io::open(&gpkg).expect("reopen");
    assert!(reopened.layers.zones.iter().all(|z| z.id != "ZM-1"), "deleted");
    let v = audit::verify(&gpkg).expect("verify");
    assert!(v.ok() && v.rows == 4, "{v:?}");
    let ds = minehaz_core::io::gdal_vector::open_vector(&gpkg).expect("open");
    let actions: Vec<String> = audit::entries(&ds, &gpkg).expect("rows").into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["import", "zone.add", "zone.update", "zone.delete"]);
    assert!(w16_findings(&h).is_empty());
    h.get_by_label("重大问题 (19)");
}

#[test]
fn a_survey_folder_offers_no_marking_and_says_why() {
    let mut h = harness(&coal_mine(), Mode::Plan);
    click(&mut h, "标记分区");
    h.get_by_label_contains("请先运行 minehaz import");
    assert!(h.query_by_label("闭合多边形").is_none());
    click_world(&mut h, 482900.0, 4050590.0);
    assert!(h.state().state.draft.is_empty(), "no vertices on a folder");
}

#[test]
fn section_tool_and_plan_measuring() {
    let mut h = harness(&coal_mine(), Mode::Plan);
    click(&mut h, "测量");
    for (x, y) in [(483000.0, 4050000.0), (483300.0, 4050000.0), (483300.0, 4050400.0)] {
        click_world(&mut h, x, y);
    }
    let m = &h.state().state.measure;
    assert_eq!(m.len(), 3);
    // Clicks land within a pixel (a few metres at this scale).
    let len = super::measure::plan_length(m);
    assert!((len - 700.0).abs() < 10.0, "{len}");
    let area = super::measure::plan_area(m);
    assert!((area - 60_000.0).abs() < 3_000.0, "{area}");
    h.get_by_label_contains("面积");

    click(&mut h, "剖面线");
    click_world(&mut h, 482500.0, 4050300.0);
    click_world(&mut h, 485300.0, 4050300.0);
    let app = h.state();
    assert_eq!(app.state.cam.mode, Mode::Section);
    let s = app.state.cam.section.expect("a section line");
    assert!((s.b[0] - s.a[0] - 2800.0).abs() < 10.0, "{s:?}");
    assert!(h.state().view.renders >= 2, "the section was rendered");
    // The section's own layers: the seam floors along the line and the correlated seams, in
    // the scene and in the layer tree.
    let names: Vec<String> =
        h.state().state.loaded.as_ref().expect("loaded").scene.layers.iter().map(|l| l.name.clone()).collect();
    assert!(names.iter().any(|n| n == "seam_profile"), "{names:?}");
    assert!(h.state().state.layers.iter().any(|l| l.name == "seam_profile"));
    h.get_by_label("煤层底板剖面线");
    // Exaggerated, as the PNG: the slider is there in a section.
    h.state_mut().state.cam.set_vexag(2.0);
    h.run();
    dump(&mut h, "section_vexag2");
}

#[test]
fn mouse_orbits_pans_and_zooms_and_picks_in_3d() {
    let mut h = harness(&coal_mine(), Mode::ThreeD);
    let rect = h.state().view.rect.expect("viewport");
    let c = rect.center();
    let drag = |h: &mut Harness<'_, ViewerApp>, button: egui::PointerButton, by: egui::Vec2| {
        h.hover_at(c);
        h.run();
        h.event(egui::Event::PointerButton { pos: c, button, pressed: true, modifiers: egui::Modifiers::NONE });
        h.run();
        for k in 1..=5 {
            h.hover_at(c + by * (k as f32 / 5.0));
            h.run();
        }
        h.event(egui::Event::PointerButton { pos: c + by, button, pressed: false, modifiers: egui::Modifiers::NONE });
        h.run();
    };
    let (az, target) = (h.state().state.cam.azimuth_deg, h.state().state.cam.target);
    drag(&mut h, egui::PointerButton::Primary, egui::vec2(50.0, 0.0));
    let turned = (az - h.state().state.cam.azimuth_deg).rem_euclid(360.0);
    assert!(turned > 5.0 && turned < 30.0, "orbit by dragging: {turned}°");
    drag(&mut h, egui::PointerButton::Secondary, egui::vec2(0.0, 40.0));
    assert!(h.state().state.cam.target.distance(target) > 1.0, "pan by right-dragging");
    let d = h.state().state.cam.distance;
    h.hover_at(c);
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, 120.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    });
    h.run();
    assert!(h.state().state.cam.distance < d, "scrolling up zooms in");

    // Picking in 3D: a click on the projected face of the active heading W16 selects it.
    h.state_mut().state.cam.fit_all();
    h.run();
    let face = {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        let w = l.survey().layers.workings.iter().find(|w| w.id == "W16").expect("W16");
        *w.line.last().expect("face")
    };
    let pos = h.state_mut().world_to_screen(face).expect("the face is in view");
    click_at(&mut h, pos);
    let sel: Vec<String> = h.state().state.selection.iter().map(|r| format!("{}/{}", r.layer, r.id)).collect();
    assert!(sel.contains(&"workings/W16".to_string()), "{sel:?}");
    // The status bar shows the cursor's coordinates in the mine CRS.
    h.get_by_label_contains("EPSG:4547  x ");

    // Measuring in 3D between two picked vertices: W16's face and its start.
    click(&mut h, "测量");
    let start = {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        l.survey().layers.workings.iter().find(|w| w.id == "W16").expect("W16").line[0]
    };
    for p in [face, start] {
        let pos = h.state_mut().world_to_screen(p).expect("in view");
        click_at(&mut h, pos);
    }
    assert_eq!(h.state().state.measure, [face, start], "snapped to the vertices");
    let (d, _, _) = super::measure::distance_3d(face, start);
    h.get_by_label(&format!("空间距离: {d:.2} m"));
}

#[test]
fn the_path_box_opens_a_survey_and_reports_a_bad_path() {
    let mut h = harness_with(None, Mode::ThreeD);
    assert!(h.state().state.loaded.is_none());
    type_into(&mut h, "路径", "/nonexistent/mine.gpkg");
    click(&mut h, "打开");
    assert!(h.state().state.loaded.is_none());
    assert!(h.state().state.message.as_ref().is_some_and(|m| m.error), "the error is shown");
    h.state_mut().state.path_input.clear();
    type_into(&mut h, "路径", &coal_mine().display().to_string());
    click(&mut h, "打开");
    let l = h.state().state.loaded.as_ref().expect("opened");
    assert_eq!(l.survey().meta.mine.id, "SX-0001");
    h.get_by_label("重大问题 (19)");
    assert!(h.state().view.renders >= 1);
}

#[test]
fn plan_this_heading_from_the_findings_panel_shows_the_design_table() {
    let mut h = harness(&coal_mine(), Mode::Plan);
    let (title, heading) = {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        let f = l.report.findings.iter().find(|f| f.rule == "water.exploration_required").expect("W19 → XL2");
        (finding_title(f), f.working.clone().expect("heading"))
    };
    h.get_by_label(&title).click();
    h.run();
    click(&mut h, "设计探放水钻孔");
    let design = h.state().state.design.clone().expect("a design");
    assert_eq!(design.fans.len(), 1);
    assert_eq!(design.fans[0].heading, heading);
    // The table lists every hole; the notice gives the allowed advance.
    for hole in &design.fans[0].holes {
        h.get_by_label(&hole.id);
    }
    h.get_by_label("孔深 m");
    let notice = format!("允许掘进 {:.1} m  停掘点", design.fans[0].allowed_advance_m);
    assert!(h.query_by_label_contains(&notice).is_some(), "{notice}");
    dump(&mut h, "design");
    click(&mut h, "关闭");
    assert!(h.state().state.design.is_none());
    // A heading that `plan` would not pick by itself (a warning-zone finding): the panel shows
    // that heading's design only, not every heading that needs one.
    let (title, heading) = {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        let f = l.report.findings.iter().find(|f| f.rule == "water.warning_zone").expect("W37 → G11");
        (finding_title(f), f.working.clone().expect("heading"))
    };
    // (Below the fold of the side panel: clicked through accessibility, not the pointer.)
    click(&mut h, &title);
    click(&mut h, "设计探放水钻孔");
    let design = h.state().state.design.clone().expect("a design");
    assert_eq!(design.fans.iter().map(|f| f.heading.as_str()).collect::<Vec<_>>(), vec![heading.as_str()]);
    assert!(design.warnings.iter().all(|w| w.heading.as_deref().is_none_or(|x| x == heading)));
}

#[test]
fn the_slopes_panel_shows_sectors_a_profile_chart_and_the_prisms() {
    let pit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/open-pit");
    assert!(pit.join("pointclouds/2026-09-15.laz").exists(), "run scripts/samples.sh");
    let mut h = harness(&pit, Mode::ThreeD);
    h.get_by_label("边坡");
    h.get_by_label("SD-E");
    // SD-E's double benches against their 15 m design, in the sector table.
    let m = h.state().state.loaded.as_ref().and_then(|l| l.assessment.slopes().cloned()).expect("measured");
    let e = m.sectors.iter().find(|s| s.id == "SD-E").expect("SD-E");
    let cell = format!("{:.2} / 15", e.measure.bench_height.expect("height").value);
    assert!(h.query_by_label(&cell).is_some(), "{cell}");
    // The profile chart's caption and every prism of the sample.
    assert!(h.query_by_label_contains("红虚线：设计台阶").is_some());
    for p in ["E1 ", "E2 ", "N1 ", "S1 ", "W1 "] {
        assert!(h.query_by_label_contains(p).is_some(), "{p}");
    }
    dump(&mut h, "slopes");
    // The toolbar's point-cloud controls: eye-dome lighting, epoch and colouring.
    h.get_by_label("点云眼罩光照");
    h.get_by_label("期次");
    h.get_by_label("着色");
    // The earlier epoch, coloured by change: no earlier epoch than it, so elevation, said.
    h.state_mut()
        .state
        .set_point_view(Some("2026-03-15".into()), crate::scene::layers::pointcloud::PointColour::Change);
    assert!(h.state().state.points_job.is_some(), "read on the loading thread");
    assert!(h.state_mut().state.poll_points(true));
    h.run();
    let layer_zh = |h: &Harness<'_, ViewerApp>| {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        let pc = l.scene.layers.iter().find(|x| x.name == "pointcloud").expect("pointcloud");
        (pc.name_zh.clone(), pc.ramp.as_ref().map(|r| r.title_zh.clone()).unwrap_or_default())
    };
    assert_eq!(layer_zh(&h).0, "点云 2026-03-15");
    assert!(h.state().state.message.as_ref().is_some_and(|m| m.text.contains("2026-03-15")));
    // The latest, coloured by the change since the earlier one (the DEM of difference).
    h.state_mut().state.set_point_view(None, crate::scene::layers::pointcloud::PointColour::Change);
    assert!(h.state_mut().state.poll_points(true));
    h.run();
    let (name, ramp) = layer_zh(&h);
    assert_eq!(name, "点云 2026-09-15");
    assert!(ramp.starts_with("高程变化 2026-09-15"), "{ramp}");
    // The measured DEM follows the colouring: coloured by its difference to the earlier epoch.
    let l = h.state().state.loaded.as_ref().expect("loaded");
    let slopes = l.scene.layers.iter().find(|x| x.name == "slopes").expect("slopes");
    let title = slopes.ramp.as_ref().map(|r| r.title_zh.as_str()).unwrap_or_default();
    assert_eq!(title, "高程变化 2026-09-15 − 2026-03-15");
    dump(&mut h, "open_pit_change");
}

/// `view STORE --follow`: events committed by `watch` show up — findings re-read, the alarms in
/// a banner naming who must leave.
#[test]
fn the_follow_mode_rereads_the_store_and_shows_the_alarms() {
    use minehaz_core::io::live_store::LiveStore;
    use minehaz_core::live::Live;
    let dir = tempfile::tempdir().expect("tmp");
    let survey = minehaz_core::io::open(&coal_mine()).expect("sample");
    let gpkg = dir.path().join("coal-mine.gpkg");
    store::write_store(&survey, &gpkg, "tester", "2026-11-29T08:00:00+08:00", false).expect("store");
    let mut h = harness(&gpkg, Mode::Plan);
    h.state_mut().state.start_follow();
    assert!(!h.state_mut().state.poll_follow(true), "nothing applied yet");
    let has = |h: &mut Harness<'_, ViewerApp>, rule: &str, w: &str| {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        l.report.findings.iter().any(|f| f.rule == rule && f.working.as_deref() == Some(w))
    };
    assert!(!has(&mut h, "water.inside_water_body", "W37"));
    // What `minehaz watch` does with the sample's events: apply them, commit the batch.
    let events = std::fs::read_to_string(coal_mine().join("events.ndjson")).expect("events");
    let a =
        minehaz_core::rules::Assessment::new(minehaz_core::io::open(&gpkg).expect("open"), as_of()).expect("assess");
    let mut live = Live::new(a, 0, false);
    for l in events.lines() {
        assert!(live.apply_line(l).outcome.is_ok(), "{l}");
    }
    LiveStore::open(&gpkg)
        .expect("writer")
        .commit(&live.take_batch(), "tester", "2026-11-29T13:10:00+08:00")
        .expect("commit");
    assert!(h.state_mut().state.poll_follow(true), "the store moved");
    h.run();
    assert!(has(&mut h, "water.inside_water_body", "W37"), "W37 broke into G11");
    // Taken in incrementally (the commit's rows only), and the same findings as reading the
    // store whole at the watch clock's date.
    assert_eq!(h.state().state.follow.as_ref().map(|f| f.full_reads), Some(0), "read incrementally");
    let key = |r: &minehaz_core::rules::Report| {
        let mut v: Vec<_> = r.findings.iter().map(|f| (f.rule, f.feature.clone(), f.working.clone())).collect();
        v.sort();
        v
    };
    let whole =
        minehaz_core::rules::Assessment::new(minehaz_core::io::open(&gpkg).expect("open"), h.state().state.as_of)
            .expect("assess");
    let live_report = &h.state().state.loaded.as_ref().expect("loaded").report;
    assert_eq!(key(live_report), key(&whole.report()), "incremental = whole");
    // A commit of fixes alone: taken in, and the workings are not meshed again.
    let lines_of = |h: &Harness<'_, ViewerApp>, name: &str| {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        let x = l.scene.layers.iter().find(|x| x.name == name).expect("layer");
        assert!(!x.opaque.vertices.is_empty(), "{name} is meshed");
        x.opaque.vertices.as_ptr()
    };
    let before = lines_of(&h, "workings");
    assert!(live
        .apply_line(
            r#"{"type":"fix","time":"2026-11-29T13:20:00+08:00","person_id":"P0101","x":483000,"y":4050000,"z":1000}"#
        )
        .outcome
        .is_ok());
    LiveStore::open(&gpkg)
        .expect("writer")
        .commit(&live.take_batch(), "tester", "2026-11-29T13:20:00+08:00")
        .expect("commit");
    assert!(h.state_mut().state.poll_follow(true), "the store moved");
    assert_eq!(h.state().state.follow.as_ref().map(|f| f.full_reads), Some(0), "read incrementally");
    assert_eq!(lines_of(&h, "workings"), before, "the workings layer was not prepared again");
    let held = h.state().state.loaded.as_ref().expect("loaded").assessment.survey().positioning.len();
    assert_eq!(held, minehaz_core::io::open(&gpkg).expect("open").positioning.len(), "the fix is taken in");
    assert_eq!(h.state().state.alarms.len(), 4);
    h.get_by_label("报警 进入水体 2026-11-29T13:00:00+08:00 W37  立即撤人: P0101");
    h.get_by_label("报警 气象 2026-11-29T12:00:00+08:00   立即撤人: P0101, P0102, P0103, P0104");
    h.get_by_label("知道了").click();
    h.run();
    assert!(h.state().state.alarms.is_empty());
    assert!(!h.state_mut().state.poll_follow(true), "read once");
}

/// The ledger panel: hazards by status, a click selects the hazard's finding on the map, and
/// the actions are signed with the chosen key file (a refused acceptance writes nothing).
#[test]
fn the_ledger_panel_selects_the_finding_and_signs_actions_with_a_key_file() {
    use minehaz_core::io::ledger_store;
    use minehaz_core::ledger::{KeyFile, Person, Status};
    let dir = tempfile::tempdir().expect("tmp");
    let survey = minehaz_core::io::open(&coal_mine()).expect("sample");
    let gpkg = dir.path().join("coal-mine.gpkg");
    store::write_store(&survey, &gpkg, "tester", "2026-11-29T08:00:00+08:00", false).expect("store");
    let mut keys = Vec::new();
    for (name, role) in [("张三", "inspector"), ("李四", "engineer"), ("王五", "principal")] {
        let k = KeyFile::generate(name, role).expect("key");
        let path = dir.path().join(format!("{role}.key"));
        k.write(&path).expect("write");
        let p = Person {
            name: name.into(),
            role: role.into(),
            algorithm: k.signer().algorithm().into(),
            public_key: k.signer().public_key(),
            registered_at: "2026-11-29T08:00:00+08:00".into(),
            registered_by: "tester".into(),
        };
        ledger_store::register(&gpkg, &p).expect("register");
        keys.push((k, path));
    }
    let a =
        minehaz_core::rules::Assessment::new(minehaz_core::io::open(&gpkg).expect("open"), as_of()).expect("assess");
    let r = a.report();
    let l = ledger_store::load_path(&gpkg).expect("ledger");
    let acts = l.sync_actions(
        r.findings
            .iter()
            .filter(|f| f.severity == Severity::Major && !f.planned)
            .map(|f| (f.rule, f.working.as_deref(), f.feature.as_deref(), f.severity.as_str())),
        as_of(),
    );
    ledger_store::sign_and_write(&gpkg, l, &acts, &keys[0].0, "2026-11-29T09:00:00+08:00").expect("sync");

    let mut h = harness(&gpkg, Mode::Plan);
    let id = h.state().state.hazards().iter().find(|x| x.rule == "water.exploration_required").expect("hz").id.clone();
    h.get_by_label("重大事故隐患台账 (19)");
    click(&mut h, &format!("{id} water.exploration_required W19 → XL2"));
    {
        let s = &h.state().state;
        let f = &s.loaded.as_ref().expect("loaded").report.findings[s.selected_finding.expect("finding selected")];
        assert_eq!((f.rule, f.working.as_deref()), ("water.exploration_required", Some("W19")));
    }
    dump(&mut h, "ledger-selected");
    // 五落实, signed by 张三.
    {
        let l = &mut h.state_mut().state.ledger;
        l.key_path = keys[0].1.display().to_string();
        l.responsible = "李四".into();
        l.measures = "超前探放水".into();
        l.funds = "120000".into();
        l.deadline = "2026-12-10".into();
        l.plan = "W19 探放水预案".into();
    }
    h.run();
    click(&mut h, "签名：五落实");
    let status = |h: &Harness<'_, ViewerApp>| h.state().state.hazards().iter().find(|x| x.id == id).map(|x| x.status);
    assert_eq!(status(&h), Some(Status::Assigned), "{:?}", h.state().state.message.as_ref().map(|m| m.text.clone()));
    h.get_by_label_contains("张三 assign");
    // Rectified by the responsible person.
    h.state_mut().state.ledger.key_path = keys[1].1.display().to_string();
    h.state_mut().state.ledger.note = "已施工钻孔".into();
    h.run();
    click(&mut h, "签名：整改完成");
    assert_eq!(status(&h), Some(Status::Rectified));
    // Acceptance while the finding is still there: refused, nothing written.
    h.state_mut().state.ledger.key_path = keys[2].1.display().to_string();
    h.run();
    click(&mut h, "签名：验收销号");
    assert_eq!(status(&h), Some(Status::Rectified));
    let m = h.state().state.message.clone().expect("message");
    assert!(m.error && m.text.contains("W19"), "{}", m.text);
    assert_eq!(ledger_store::load_path(&gpkg).expect("ledger").events.len(), 21);
}

/// A roll-up folder opens as the province: its map and mines coloured by level; a click opens
/// the mine.
#[test]
fn a_roll_up_folder_lists_its_mines_and_a_click_opens_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("rollup");
    let args = crate::cmd::rollup::Args {
        sub: None,
        inputs: vec![coal_mine(), coal_mine().join("../open-pit")],
        out: Some(out.clone()),
        as_of: Some("2026-11-29".into()),
        jobs: 1,
        counties: None,
        county_field: None,
    };
    assert_eq!(crate::cmd::rollup::run(&args).expect("rollup"), 1);
    let mut h = harness(&out, Mode::Plan);
    h.get_by_label("省级汇总 (2 座矿井)");
    let (label, id) = {
        let p = h.state().state.province.as_ref().expect("province");
        assert!(p.overview.is_some(), "the overview map is shown");
        let m = p.mines.iter().find(|m| m.mine_id == "SX-0001").expect("coal");
        (format!("{} {} ({})", m.mine_id, m.name, m.majors), m.mine_id.clone())
    };
    dump(&mut h, "province");
    click(&mut h, &label);
    let l = h.state().state.loaded.as_ref().expect("the mine opened");
    assert_eq!(l.survey().meta.mine.id, id);
}
