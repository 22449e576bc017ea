//! 边坡 (SLOPES.md) in the side panel, for a mine with slope sectors: each sector's measured
//! values against its design (red beyond it), a profile chart for a chosen profile (z against
//! distance, crests and toes marked, the design template drawn over it from the first crest),
//! and the monitoring points with a displacement chart of the chosen one.

use super::AppState;
use egui::{Color32, RichText, Stroke};
use minehaz_core::i18n::tr;
use minehaz_core::rules::slope::as_of_instant;
use minehaz_core::slope::{self, bench::Profile};

fn value(v: Option<slope::bench::Measured>) -> String {
    v.map_or("—".into(), |v| format!("{:.2}", v.value))
}

/// The design template from a crest downward: faces of the design height at the design angle,
/// berms of the design width, as (s, z) corners, down to the profile's lowest toe.
fn template(start: (f64, f64), h: f64, deg: f64, berm: f64, floor_z: f64) -> Vec<[f64; 2]> {
    let run = h / deg.to_radians().tan();
    let (mut s, mut z) = start;
    let mut v = vec![[s, z]];
    while z - h >= floor_z - 0.5 * h && v.len() < 200 {
        s += run;
        z -= h;
        v.push([s, z]);
        s += berm;
        v.push([s, z]);
    }
    v
}

/// A line chart of (x, y) series in a fixed-height area.
fn chart(
    ui: &mut egui::Ui,
    series: &[(&[[f64; 2]], Color32, bool)],
    marks: &[([f64; 2], Color32)],
    x_label: &str,
    y_label: &str,
) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(ui.available_width().min(380.0), 180.0), egui::Sense::hover());
    let p = ui.painter_at(rect);
    p.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    let pts = series.iter().flat_map(|s| s.0.iter()).chain(marks.iter().map(|m| &m.0)).filter(|q| q[1].is_finite());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for q in pts {
        x0 = x0.min(q[0]);
        x1 = x1.max(q[0]);
        y0 = y0.min(q[1]);
        y1 = y1.max(q[1]);
    }
    if !(x1 > x0 && y1 > y0) {
        return;
    }
    let inner = rect.shrink(18.0);
    let at = |q: [f64; 2]| {
        egui::pos2(
            inner.left() + ((q[0] - x0) / (x1 - x0)) as f32 * inner.width(),
            inner.bottom() - ((q[1] - y0) / (y1 - y0)) as f32 * inner.height(),
        )
    };
    for (s, color, dashed) in series {
        let line: Vec<egui::Pos2> = s.iter().filter(|q| q[1].is_finite()).map(|q| at(*q)).collect();
        if *dashed {
            p.extend(egui::Shape::dashed_line(&line, Stroke::new(1.5, *color), 6.0, 4.0));
        } else {
            p.add(egui::Shape::line(line, Stroke::new(1.5, *color)));
        }
    }
    for (q, c) in marks {
        p.circle_filled(at(*q), 3.0, *c);
    }
    let font = egui::FontId::proportional(11.0);
    let weak = ui.visuals().weak_text_color();
    p.text(
        rect.left_bottom() + egui::vec2(2.0, -2.0),
        egui::Align2::LEFT_BOTTOM,
        format!("{x0:.0}"),
        font.clone(),
        weak,
    );
    p.text(
        rect.right_bottom() + egui::vec2(-2.0, -2.0),
        egui::Align2::RIGHT_BOTTOM,
        format!("{x1:.0} {x_label}"),
        font.clone(),
        weak,
    );
    p.text(
        rect.left_top() + egui::vec2(2.0, 2.0),
        egui::Align2::LEFT_TOP,
        format!("{y1:.1} {y_label}"),
        font.clone(),
        weak,
    );
    p.text(rect.left_bottom() + egui::vec2(2.0, -14.0), egui::Align2::LEFT_BOTTOM, format!("{y0:.1}"), font, weak);
}

fn profile_chart(ui: &mut egui::Ui, pr: &Profile, design: &minehaz_core::model::SlopeDesign) {
    let z: Vec<[f64; 2]> = pr.z.iter().enumerate().map(|(i, z)| [i as f64 * pr.step, *z]).collect();
    let mut marks = Vec::new();
    for b in &pr.measure.benches {
        marks.push(([b.crest.s, b.crest.z], Color32::from_rgb(40, 40, 40)));
        marks.push(([b.toe.s, b.toe.z], Color32::from_rgb(33, 102, 172)));
    }
    let tpl = match (
        pr.measure.benches.first(),
        design.bench_height_max_m,
        design.bench_angle_max_deg,
        design.berm_width_min_m,
    ) {
        (Some(b), Some(h), Some(a), Some(w)) => {
            let floor = pr.measure.benches.iter().map(|b| b.toe.z).fold(f64::INFINITY, f64::min);
            template((b.crest.s, b.crest.z), h, a, w, floor)
        }
        _ => Vec::new(),
    };
    chart(
        ui,
        &[(&z, Color32::from_rgb(90, 160, 90), false), (&tpl, Color32::from_rgb(227, 26, 28), true)],
        &marks,
        "m",
        "m",
    );
    ui.label(
        RichText::new(tr(
            "绿：实测剖面；红虚线：设计台阶（自第一个坡顶）；黑/蓝点：坡顶/坡底",
            "green: measured profile; red dashed: the design benches from the first crest; black/blue: crests/toes",
        ))
        .weak()
        .small(),
    );
}

pub fn slopes_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(loaded) = &state.loaded else { return };
    let a = &loaded.assessment;
    let s = a.survey();
    if s.layers.slope_design.is_empty() && s.slope_points.is_empty() {
        return;
    }
    ui.separator();
    ui.heading(tr("边坡", "Slopes"));
    let report = &loaded.report;
    let bad = |id: &str, rule: &str| report.findings.iter().any(|f| f.rule == rule && f.feature.as_deref() == Some(id));
    match a.slopes() {
        None => {
            ui.label(
                RichText::new(tr(
                    "台阶几何未实测（见“未评价”）",
                    "bench geometry not measured (see \"not evaluated\")",
                ))
                .color(Color32::from_rgb(190, 130, 0)),
            );
        }
        Some(m) => {
            ui.label(format!("{} {}", tr("测量期", "epoch"), m.epoch));
            egui::Grid::new("slope_sectors").striped(true).num_columns(5).show(ui, |ui| {
                for h in [
                    tr("分区", "sector"),
                    tr("台阶高 m", "bench m"),
                    tr("平台宽 m", "berm m"),
                    tr("坡面角 °", "face °"),
                    tr("总体角 °", "overall °"),
                ] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for (d, sec) in s.layers.slope_design.iter().zip(&m.sectors) {
                    ui.label(&d.id);
                    let sm = &sec.measure;
                    for (v, design, rule) in [
                        (sm.bench_height, d.bench_height_max_m, "slope.bench_height"),
                        (sm.berm_width, d.berm_width_min_m, "slope.berm_width"),
                        (sm.bench_angle, d.bench_angle_max_deg, "slope.bench_angle"),
                        (sm.overall_angle, d.overall_angle_max_deg, "slope.overall_angle"),
                    ] {
                        let text = format!("{} / {}", value(v), design.map_or("—".into(), |x| format!("{x}")));
                        let color =
                            if bad(&d.id, rule) { Color32::from_rgb(227, 26, 28) } else { ui.visuals().text_color() };
                        ui.label(RichText::new(text).color(color));
                    }
                    ui.end_row();
                }
            });
            // The profile chart.
            let id = ui.scope_id().with("minehaz_slope_pick");
            // Until one is chosen: the middle profile of the first sector.
            let (mut si, mut pi) = ui.data_mut(|d| d.get_temp::<(usize, usize)>(id)).unwrap_or((0, usize::MAX));
            si = si.min(m.sectors.len().saturating_sub(1));
            ui.horizontal(|ui| {
                egui::ComboBox::from_label(tr("分区", "sector"))
                    .selected_text(s.layers.slope_design.get(si).map_or("", |d| d.id.as_str()))
                    .show_ui(ui, |ui| {
                        for (k, d) in s.layers.slope_design.iter().enumerate() {
                            ui.selectable_value(&mut si, k, &d.id);
                        }
                    });
                let n = m.sectors.get(si).map_or(0, |x| x.measure.profiles.len());
                if n > 0 {
                    pi = if pi == usize::MAX { n / 2 } else { pi.min(n - 1) };
                    ui.add(egui::Slider::new(&mut pi, 0..=n - 1).text(tr("剖面", "profile")));
                }
            });
            ui.data_mut(|d| d.insert_temp(id, (si, pi)));
            if let (Some(sec), Some(d)) = (m.sectors.get(si), s.layers.slope_design.get(si)) {
                if let Some(pr) = sec.measure.profiles.get(pi) {
                    let w = pr.measure.worst();
                    ui.label(format!(
                        "{} {}  {} {}  {} {}  {} {}",
                        tr("台阶", "benches"),
                        pr.measure.benches.len(),
                        tr("最大台阶高", "max height"),
                        w.bench_height.map_or("—".into(), |v| format!("{:.2} m", v.0)),
                        tr("最大坡面角", "max face"),
                        w.bench_angle.map_or("—".into(), |v| format!("{:.1}°", v.0)),
                        tr("最窄平台", "min berm"),
                        w.berm_width.map_or("—".into(), |v| format!("{:.2} m", v.0)),
                    ));
                    profile_chart(ui, pr, d);
                }
            }
        }
    }
    if s.slope_points.is_empty() {
        return;
    }
    let p = a.params();
    let at = as_of_instant(s, a.as_of());
    // The points' states and displacement series, computed once per data generation (not every
    // frame: a month of readings of many prisms is a sort and a scan).
    let key = ui.scope_id().with(("minehaz_slope_states", state.data_generation));
    let cached: Option<std::sync::Arc<Monitoring>> = ui.data_mut(|d| d.get_temp(key));
    let mon = cached.unwrap_or_else(|| {
        let m = std::sync::Arc::new(monitoring(s, at, p.get("slope_rate_window_h")));
        ui.data_mut(|d| d.insert_temp(key, m.clone()));
        m
    });
    ui.label(RichText::new(tr("边坡监测点", "Monitoring points")).strong());
    let id = ui.scope_id().with("minehaz_slope_point");
    let mut chosen = ui.data_mut(|d| *d.get_temp_mut_or_default::<usize>(id));
    for (k, st) in mon.states.iter().enumerate() {
        let v = st.velocity_mm_d;
        let c = crate::scene::layers::slopes::rate_color(v, p);
        let color = if v.is_some_and(|v| v >= p.get("slope_rate_warn_mm_d")) {
            Color32::from_rgb((c[0] * 255.0) as u8, (c[1] * 255.0) as u8, (c[2] * 255.0) as u8)
        } else {
            ui.visuals().text_color()
        };
        let text = format!(
            "{}  {} mm/d  {} {:.1} mm  {}",
            st.point_id,
            v.map_or("—".into(), |v| format!("{v:.1}")),
            tr("累计", "total"),
            st.displacement_mm,
            st.last_time.format("%m-%d %H:%M")
        );
        if ui.selectable_label(chosen == k, RichText::new(text).color(color)).clicked() {
            chosen = k;
        }
    }
    ui.data_mut(|d| d.insert_temp(id, chosen));
    if let Some(series) = mon.series.get(chosen) {
        chart(ui, &[(series, Color32::from_rgb(33, 102, 172), false)], &[], tr("天", "days"), "mm");
    }
}

/// The monitoring points as of a time, and each one's displacement (days, mm) since its first
/// reading, in the same order.
struct Monitoring {
    states: Vec<slope::monitor::PointState>,
    series: Vec<Vec<[f64; 2]>>,
}

fn monitoring(s: &minehaz_core::Survey, at: chrono::DateTime<chrono::FixedOffset>, window_h: f64) -> Monitoring {
    let states = slope::monitor::states(&s.slope_points, at, window_h);
    let mut by: std::collections::HashMap<&str, Vec<&minehaz_core::model::SlopeReading>> = Default::default();
    for r in s.slope_points.iter().filter(|r| r.time <= at) {
        by.entry(r.point_id.as_str()).or_default().push(r);
    }
    let series = states
        .iter()
        .map(|st| {
            let mut rs = by.remove(st.point_id.as_str()).unwrap_or_default();
            rs.sort_by_key(|r| r.time);
            let Some(first) = rs.first().copied() else { return Vec::new() };
            rs.iter()
                .map(|r| {
                    let days = (r.time - first.time).num_seconds() as f64 / 86_400.0;
                    [days, minehaz_core::geometry::dist3(r.pos, first.pos) * 1000.0]
                })
                .collect()
        })
        .collect();
    Monitoring { states, series }
}
