//! 煤层底板 (seam floors): each seam's floor surface modelled from the borehole seam picks
//! ([`minehaz_core::borehole::seam`]: Delaunay with natural-neighbour interpolation, nothing
//! extrapolated beyond the picks' hull), drawn as
//! - a faint translucent surface at its elevation (3D and sections), every [`MESH_STRIDE`]th
//!   grid node;
//! - for the seam being mined ([`mined_seam`]) floor contours (底板等高线) at a round interval for the seam's relief (about
//!   [`CONTOUR_LINES`] levels), every [`INDEX_EVERY`]th level an index contour, darker and
//!   labelled with its elevation;
//! - the hull of the picks as a dashed outline (where the model ends).
//!
//! Sections leave this layer out and draw the floors cut along the line ([`section_profile`])
//! and the strata correlated between holes ([`section_correlation`]).
//!
//! A seam with too few picks (or all on one line) is not drawn and is said in [`Input::notes`]
//! (the render prints them), never silently left out.

use super::geom::{self, Legend, V3};
use crate::scene::style::{self, Rgba};
use crate::scene::{priority, Input, Label, MeshVertex, SceneLayer, Visualizer};
use minehaz_core::borehole::correlate::{self, Unit, UnitKey};
use minehaz_core::borehole::seam::{self, SeamGrid, SeamSurface};
use minehaz_core::i18n::Text;

/// About this many contour levels over a seam's relief.
pub const CONTOUR_LINES: f64 = 12.0;
/// Every this many levels (by elevation: multiples of interval × this) is an index contour.
pub const INDEX_EVERY: i64 = 5;
/// The surface mesh uses every this many grid nodes.
pub const MESH_STRIDE: usize = 2;
/// Alpha of the seam surface.
pub const SURFACE_ALPHA: f32 = 0.15;

pub struct SeamsVisualizer;

/// The colour of the `k`th seam: coal browns and greys that read over rasters.
pub fn seam_color(k: usize) -> Rgba {
    const C: [u32; 5] = [0x5b3a1e, 0x37474f, 0x7b4b2a, 0x4e342e, 0x263238];
    style::hex(C[k % C.len()])
}

/// The surface as triangles over grid cells whose four corners are inside the hull.
fn surface_mesh(input: &Input<'_>, g: &SeamGrid, color: Rgba, out: &mut crate::scene::Mesh) {
    let s = MESH_STRIDE;
    let (ni, nj) = ((g.nx - 1) / s, (g.ny - 1) / s);
    let fill = style::with_alpha(color, SURFACE_ALPHA);
    let vertex = |i: usize, j: usize| {
        let [x, y] = g.xy(i, j);
        input.local([x, y, g.at(i, j)])
    };
    for cj in 0..nj {
        for ci in 0..ni {
            let (i0, j0, i1, j1) = (ci * s, cj * s, ci * s + s, cj * s + s);
            let c = [g.at(i0, j0), g.at(i1, j0), g.at(i1, j1), g.at(i0, j1)];
            if c.iter().any(|z| !z.is_finite()) {
                continue;
            }
            let p: [V3; 4] = [vertex(i0, j0), vertex(i1, j0), vertex(i1, j1), vertex(i0, j1)];
            let Some(normal) = geom::normalize(geom::cross(geom::sub(p[1], p[0]), geom::sub(p[3], p[0]))) else {
                continue;
            };
            let base = out.vertices.len() as u32;
            out.vertices.extend(p.iter().map(|&pos| MeshVertex { pos, normal, color: fill }));
            out.indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
        }
    }
}

/// The seam being mined: the one most workings are logged in, else the licence's first
/// permitted seam that has a surface, else the first surface.
pub fn mined_seam<'a>(input: &Input<'_>, surfaces: &'a [SeamSurface]) -> Option<&'a SeamSurface> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for w in &input.survey.layers.workings {
        let Some(seam) = w.seam.as_deref().map(str::trim) else { continue };
        match counts.iter_mut().find(|c| c.0 == seam) {
            Some(c) => c.1 += 1,
            None => counts.push((seam, 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let licence = input.survey.meta.licence.seams.iter().map(String::as_str);
    counts
        .iter()
        .map(|c| c.0)
        .chain(licence)
        .find_map(|name| surfaces.iter().find(|s| s.seam == name))
        .or_else(|| surfaces.first())
}

/// Draw one seam: its surface and the hull of its picks, and for the mined seam its contours
/// with index labels (a plan shows one seam's floor; every seam's contours at once read as
/// noise).
fn draw_seam(
    input: &Input<'_>,
    l: &mut SceneLayer,
    legend: &mut Legend,
    s: &SeamSurface,
    color: Rgba,
    contoured: bool,
) {
    let g = s.grid(seam::GRID_CELLS);
    surface_mesh(input, &g, color, &mut l.translucent);
    let minor = style::with_alpha(color, 0.7);
    let hull: Vec<V3> =
        s.hull().iter().map(|p| input.local([p[0], p[1], s.elevation_at(p[0], p[1]).unwrap_or(s.bounds[2])])).collect();
    if hull.len() >= 3 {
        let mut closed = hull.clone();
        closed.push(hull[0]);
        for d in geom::dashes(&closed, 40.0, 25.0) {
            geom::polyline(&mut l.lines, &d, minor);
        }
    }
    if !contoured {
        let fill = style::with_alpha(color, SURFACE_ALPHA);
        legend.add(fill, &format!("{} 号煤层底板", s.seam), &format!("seam {} floor", s.seam));
        return;
    }
    let interval = seam::contour_interval(s.bounds[5] - s.bounds[2], CONTOUR_LINES);
    for c in seam::contours(&g, interval) {
        let index = (c.level / interval).round() as i64 % INDEX_EVERY == 0;
        let pts: Vec<V3> = c.line.iter().map(|p| input.local(*p)).collect();
        geom::polyline(&mut l.lines, &pts, if index { style::darker(color) } else { minor });
        if index && pts.len() >= 4 {
            l.labels.push(Label {
                pos: pts[pts.len() / 2],
                text: Text::same(fmt_interval(c.level)),
                color: style::darker(color),
                priority: priority::LINE,
            });
        }
    }
    legend.add(
        style::darker(color),
        &format!("{} 号煤层底板等高线（等高距 {} m）", s.seam, fmt_interval(interval)),
        &format!("seam {} floor contours ({} m interval)", s.seam, fmt_interval(interval)),
    );
}

/// A level or interval as a surveyor writes it: 25, 2.5, 1012.5, 0.2.
fn fmt_interval(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Sample points along a→b (mine CRS, plan), at most every `len / n` m.
fn along(a: [f64; 2], b: [f64; 2], n: usize) -> impl Iterator<Item = [f64; 2]> {
    (0..=n).map(move |i| {
        let t = i as f64 / n as f64;
        [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
    })
}

/// Runs of consecutive defined elevations along a→b, as local points.
fn runs(input: &Input<'_>, a: [f64; 2], b: [f64; 2], z: impl Fn([f64; 2]) -> Option<f64>) -> Vec<Vec<V3>> {
    let mut out = vec![Vec::new()];
    for p in along(a, b, 400) {
        match z(p).filter(|z| z.is_finite()) {
            Some(z) => {
                if let Some(r) = out.last_mut() {
                    r.push(input.local([p[0], p[1], z]));
                }
            }
            None if out.last().is_some_and(|r| !r.is_empty()) => out.push(Vec::new()),
            None => {}
        }
    }
    out.retain(|r| r.len() >= 2);
    out
}

/// The ground along a section (地面线): from the latest point-cloud epoch where there is one
/// (its DEM at [`GROUND_DEM_CELL_M`] sampled along the line), else from the borehole collars
/// (natural neighbour between them, inside their hull). A dark tube labelled 地面 with its
/// source; None when neither covers the line.
pub fn ground_profile(input: &Input<'_>, a: [f64; 2], b: [f64; 2]) -> Option<SceneLayer> {
    let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
    if len < 1.0 {
        return None;
    }
    let pad = 2.0 * GROUND_DEM_CELL_M;
    let window = [a[0].min(b[0]) - pad, a[1].min(b[1]) - pad, a[0].max(b[0]) + pad, a[1].max(b[1]) + pad];
    let cloud = super::pointcloud::latest(&input.survey.point_clouds);
    let (lines, zh, en) =
        match cloud.map(|c| minehaz_core::slope::dem::Dem::from_file(&c.path, GROUND_DEM_CELL_M, Some(window))) {
            Some(Ok(dem)) => {
                let epoch = cloud.map_or("", |c| c.epoch.as_str());
                (
                    runs(input, a, b, |p| Some(dem.sample(p[0], p[1]))),
                    format!("地面（点云 {epoch}）"),
                    format!("ground (scan {epoch})"),
                )
            }
            _ => {
                let collars: Vec<seam::SeamPick> = input
                    .survey
                    .boreholes
                    .iter()
                    .map(|h| seam::SeamPick {
                        hole: h.collar.id.clone(),
                        seam: "ground".into(),
                        floor: [h.collar.x, h.collar.y, h.collar.z],
                        roof_z: h.collar.z,
                    })
                    .collect();
                let surface = SeamSurface::build("ground", &collars).ok()?;
                (
                    runs(input, a, b, |p| surface.elevation_at(p[0], p[1])),
                    "地面（钻孔孔口）".to_string(),
                    "ground (borehole collars)".to_string(),
                )
            }
        };
    let mut l = SceneLayer { name: "ground_profile".into(), name_zh: "地面线".into(), ..Default::default() };
    let color = style::hex(0x4d5a1e);
    let radius = (len / 1000.0) as f32;
    for r in &lines {
        geom::tube(&mut l.opaque, r, radius, 6, color);
    }
    let first = lines.first().and_then(|r| r.first())?;
    l.labels.push(Label {
        pos: geom::add(*first, [0.0, 0.0, radius * 5.0]),
        text: Text::new("地面", "ground"),
        color,
        priority: priority::FEATURE,
    });
    let mut legend = Legend::default();
    legend.add(color, &zh, &en);
    l.legend = legend.into_entries();
    Some(l)
}

/// The DEM cell of a point-cloud ground line, m.
pub const GROUND_DEM_CELL_M: f64 = 2.0;

/// The seam floors cut along a section from `a` to `b` (mine CRS, plan): one opaque tube per
/// seam and stretch inside its model, sampled at most every `len / 400` m, `len / 800` m thick
/// (a few pixels at any section length), labelled with the seam at its left end. Drawn only in
/// sections: in plan and 3D the surface and contours say it.
pub fn section_profile(input: &Input<'_>, surfaces: &[SeamSurface], a: [f64; 2], b: [f64; 2]) -> Option<SceneLayer> {
    let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
    if surfaces.is_empty() || len < 1.0 {
        return None;
    }
    let mut l =
        SceneLayer { name: "seam_profile".into(), name_zh: "煤层底板剖面线".into(), ..Default::default() };
    let mut legend = Legend::default();
    let radius = (len / 800.0) as f32;
    for (k, s) in surfaces.iter().enumerate() {
        let color = seam_color(k);
        let runs = runs(input, a, b, |p| s.elevation_at(p[0], p[1]));
        for r in runs.iter().filter(|r| r.len() >= 2) {
            if geom::tube(&mut l.opaque, r, radius, 6, color) {
                legend.add(color, &format!("{} 号煤层底板", s.seam), &format!("seam {} floor", s.seam));
            }
        }
        if let Some(first) = runs.iter().find(|r| r.len() >= 2).and_then(|r| r.first()) {
            l.labels.push(Label {
                pos: geom::add(*first, [0.0, 0.0, radius * 4.0]),
                text: Text::new(format!("{}号煤", s.seam), format!("{} seam", s.seam)),
                color: style::darker(color),
                priority: priority::FEATURE,
            });
        }
    }
    l.legend = legend.into_entries();
    (!l.opaque.vertices.is_empty()).then_some(l)
}

/// A hole in a section's slab: its distance along the line, its units from the top down, and
/// each unit's top and bottom in the section plane (distance along the line, elevation).
struct SectionHole {
    along: f64,
    units: Vec<Unit>,
    ends: Vec<([f64; 2], [f64; 2])>,
}

/// Alpha of a correlated seam band.
pub const SEAM_BAND_ALPHA: f32 = 0.6;
/// Alpha of a correlated rock band (marker beds: [`SEAM_BAND_ALPHA`]).
pub const ROCK_BAND_ALPHA: f32 = 0.3;

/// Strata correlated between neighbouring boreholes along a section (剖面钻孔地层对比): the
/// holes whose logs' middle lies within `half_width` m of the line a→b (mine CRS, plan), in
/// order along it. Between each two neighbours the units are correlated
/// ([`minehaz_core::borehole::correlate`]: seams by name, marker beds by tag, other beds by
/// lithology, order kept): a matched unit is a band from its top and bottom in one hole to those
/// in the next, in the section plane (seams in their seam colour, beds in their lithology
/// colour, fainter); an unmatched unit pinches out (尖灭) in a wedge halfway to the
/// neighbour, following the mean offset of the matched units. Seam bands have their roof and
/// floor drawn.
pub fn section_correlation(
    input: &Input<'_>,
    surfaces: &[SeamSurface],
    a: [f64; 2],
    b: [f64; 2],
    half_width: f64,
) -> Option<SceneLayer> {
    let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
    if len < 1.0 {
        return None;
    }
    let (ux, uy) = ((b[0] - a[0]) / len, (b[1] - a[1]) / len);
    let along_off = |p: [f64; 3]| {
        let (dx, dy) = (p[0] - a[0], p[1] - a[1]);
        (dx * ux + dy * uy, -dx * uy + dy * ux)
    };
    let mut holes: Vec<SectionHole> = Vec::new();
    for h in &input.survey.boreholes {
        let c = &h.collar;
        if ![c.x, c.y, c.z].iter().all(|v| v.is_finite()) {
            continue;
        }
        let units = correlate::units(h);
        let (Some(first), Some(last)) = (units.first(), units.last()) else { continue };
        let t = h.trajectory();
        let (along, off) = along_off(t.position_at((first.from_m + last.to_m) / 2.0));
        if off.abs() > half_width || !(0.0..=len).contains(&along) {
            continue;
        }
        let plane = |md: f64| {
            let p = t.position_at(md);
            [along_off(p).0, p[2]]
        };
        let ends = units.iter().map(|u| (plane(u.from_m), plane(u.to_m))).collect();
        holes.push(SectionHole { along, units, ends });
    }
    holes.sort_by(|x, y| x.along.total_cmp(&y.along));
    let mut l =
        SceneLayer { name: "strata_correlation".into(), name_zh: "钻孔地层对比".into(), ..Default::default() };
    let mut legend = Legend::default();
    let normal = [uy as f32, -ux as f32, 0.0];
    let v = |p: [f64; 2]| input.local([a[0] + ux * p[0], a[1] + uy * p[0], p[1]]);
    let colour = |u: &Unit| match &u.key {
        UnitKey::Seam(name) => {
            let c = surfaces.iter().position(|s| &s.seam == name).map_or(seam_color(0), seam_color);
            (c, style::with_alpha(c, SEAM_BAND_ALPHA))
        }
        UnitKey::Marker(_) => {
            let c = style::lithology(u.lithology.as_deref(), false).color;
            (c, style::with_alpha(c, SEAM_BAND_ALPHA))
        }
        UnitKey::Rock(_) => {
            let c = style::lithology(u.lithology.as_deref(), false).color;
            (c, style::with_alpha(c, ROCK_BAND_ALPHA))
        }
    };
    let polygon = |l: &mut SceneLayer, pts: &[[f64; 2]], fill: Rgba| {
        let base = l.translucent.vertices.len() as u32;
        l.translucent.vertices.extend(pts.iter().map(|&p| MeshVertex { pos: v(p), normal, color: fill }));
        for k in 1..pts.len() as u32 - 1 {
            l.translucent.indices.extend([base, base + k, base + k + 1]);
        }
    };
    let mut beds = false;
    for w in holes.windows(2) {
        let (p, q) = (&w[0], &w[1]);
        let matches = correlate::correlate(&p.units, &q.units);
        let shift = if matches.is_empty() {
            0.0
        } else {
            matches.iter().map(|&(i, j)| q.ends[j].0[1] - p.ends[i].0[1]).sum::<f64>() / matches.len() as f64
        };
        for &(i, j) in &matches {
            let (u, (pt, pb), (qt, qb)) = (&p.units[i], p.ends[i], q.ends[j]);
            let (line, fill) = colour(u);
            polygon(&mut l, &[pt, qt, qb, pb], fill);
            if let UnitKey::Seam(name) = &u.key {
                geom::segment(&mut l.lines, v(pt), v(qt), style::darker(line));
                geom::segment(&mut l.lines, v(pb), v(qb), style::darker(line));
                legend.add(fill, &format!("{name} 号煤层对比"), &format!("seam {name} correlated"));
            } else {
                geom::segment(&mut l.lines, v(pt), v(qt), style::with_alpha(style::darker(line), 0.6));
                beds = true;
            }
        }
        // The units left unmatched pinch out halfway to the neighbour.
        let mid = (p.along + q.along) / 2.0;
        for (hole, side, sign) in [(p, 0, 0.5), (q, 1, -0.5)] {
            for (k, u) in hole.units.iter().enumerate() {
                if matches.iter().any(|m| if side == 0 { m.0 == k } else { m.1 == k }) {
                    continue;
                }
                let (top, bottom) = hole.ends[k];
                let apex = [mid, (top[1] + bottom[1]) / 2.0 + sign * shift];
                let (line, fill) = colour(u);
                polygon(&mut l, &[top, apex, bottom], fill);
                geom::segment(&mut l.lines, v(top), v(apex), style::with_alpha(style::darker(line), 0.6));
                geom::segment(&mut l.lines, v(apex), v(bottom), style::with_alpha(style::darker(line), 0.6));
                beds = true;
            }
        }
    }
    if beds {
        legend.add(
            style::with_alpha(style::lithology(None, false).color, ROCK_BAND_ALPHA),
            "岩层对比（按岩性着色，楔形为尖灭）",
            "beds correlated (lithology colours; wedges pinch out)",
        );
    }
    l.legend = legend.into_entries();
    (!l.translucent.vertices.is_empty()).then_some(l)
}

impl Visualizer for SeamsVisualizer {
    fn name(&self) -> &'static str {
        "seams"
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        if input.survey.boreholes.is_empty() {
            return None;
        }
        let (surfaces, problems) = seam::surfaces(&input.survey.boreholes);
        if !problems.is_empty() {
            let lang = minehaz_core::i18n::lang();
            input.notes.borrow_mut().extend(problems.iter().map(|p| p.get(lang).to_string()));
        }
        if surfaces.is_empty() {
            return None;
        }
        // Sections cut the floors along the line instead ([`section_profile`]): the surface seen
        // edge-on and the contours' stubs and labels across the slab only clutter them.
        let mut l = SceneLayer {
            name: "seams".into(),
            name_zh: "煤层底板".into(),
            hidden: crate::scene::HiddenIn { plan: false, section: true },
            ..Default::default()
        };
        let mut legend = Legend::default();
        let mined = mined_seam(input, &surfaces).map(|s| s.seam.clone());
        for (k, s) in surfaces.iter().enumerate() {
            draw_seam(input, &mut l, &mut legend, s, seam_color(k), mined.as_deref() == Some(s.seam.as_str()));
        }
        l.legend = legend.into_entries();
        Some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use approx::assert_abs_diff_eq;
    use minehaz_core::borehole::{Borehole, Collar, Interval};

    fn hole(id: &str, x: f64, y: f64, floor: f64) -> Borehole {
        Borehole {
            collar: Collar { id: id.into(), x, y, z: 1200.0, depth_m: None, drilled_at: None },
            stations: vec![],
            intervals: vec![Interval {
                from_m: 1200.0 - floor - 5.0,
                to_m: 1200.0 - floor,
                seam: Some("3".into()),
                ..Default::default()
            }],
        }
    }

    #[test]
    fn contours_are_drawn_at_their_elevation_and_index_lines_labelled() {
        let mut s = survey();
        // A floor dipping east 100 m over 1 km: z = 1000 − 0.1 x.
        s.boreholes = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 1000.0), (0.0, 1000.0), (500.0, 500.0)]
            .iter()
            .enumerate()
            .map(|(k, &(x, y))| hole(&format!("ZK{k}"), x, y, 1000.0 - 0.1 * x))
            .collect();
        let opts = Default::default();
        let l = SeamsVisualizer.prepare(&input(&s, [500.0, 500.0, 950.0], [800.0, 1200.0], &opts)).expect("layer");
        // 100 m of relief / 12 → a 10 m interval; index contours (labelled) every 50 m.
        assert!(l.legend[0].zh.contains("等高距 10 m"), "{}", l.legend[0].zh);
        let texts: Vec<_> = l.labels.iter().map(|t| t.text.zh.as_str()).collect();
        assert!(texts.contains(&"950"), "{texts:?}");
        for t in &l.labels {
            let level: f32 = t.text.zh.parse().expect("a number");
            assert_eq!(level as i64 % 50, 0);
            // The label sits on its contour: local z = level − origin z, and x where the plane is.
            assert_abs_diff_eq!(t.pos[2], level - 950.0, epsilon = 1e-3);
            assert_abs_diff_eq!(t.pos[0] + 500.0, (1000.0 - level) / 0.1, epsilon = 0.5);
        }
        // Plan and 3D draw it; sections cut the floors instead.
        assert!(!l.hidden.plan && l.hidden.section);
        // The surface is translucent and lies on the plane.
        assert!(!l.translucent.vertices.is_empty() && l.opaque.vertices.is_empty());
        for v in &l.translucent.vertices {
            assert!(v.color[3] < 0.5);
            assert_abs_diff_eq!(v.pos[2] + 950.0, 1000.0 - 0.1 * (v.pos[0] + 500.0), epsilon = 1e-2);
        }
    }

    #[test]
    fn a_section_cuts_the_floor_where_the_model_is() {
        let mut s = survey();
        s.boreholes = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 1000.0), (0.0, 1000.0)]
            .iter()
            .enumerate()
            .map(|(k, &(x, y))| hole(&format!("ZK{k}"), x, y, 1000.0 - 0.1 * x))
            .collect();
        let opts = Default::default();
        let inp = input(&s, [500.0, 500.0, 950.0], [800.0, 1200.0], &opts);
        // From 500 m west of the model to its middle: only the inside half is drawn.
        let l =
            section_profile(&inp, &seam::surfaces(&s.boreholes).0, [-500.0, 500.0], [500.0, 500.0]).expect("a profile");
        let (lo, hi) = bounds(l.opaque.vertices.iter().map(|v| v.pos));
        let r = 1000.0 / 800.0;
        // (The end rings lean with the 1:10 floor: ± r·sin(5.7°).)
        assert_abs_diff_eq!(lo[0] + 500.0, 0.0, epsilon = r * 0.1);
        assert_abs_diff_eq!(hi[0] + 500.0, 500.0, epsilon = r * 0.1);
        // Along it the tube follows the floor: at x = 0 the floor is 1000 m, at 500 m 950 m.
        // (A hexagonal tube reaches r·cos 30° to r above and below its axis.)
        assert!((1000.0 + r * 0.85..=1000.0 + r).contains(&(hi[2] + 950.0)), "{}", hi[2] + 950.0);
        assert!((950.0 - r..=950.0 - r * 0.85).contains(&(lo[2] + 950.0)), "{}", lo[2] + 950.0);
        assert_eq!(l.labels.len(), 1);
        assert!(
            section_profile(&inp, &seam::surfaces(&s.boreholes).0, [-900.0, 500.0], [-100.0, 500.0]).is_none(),
            "outside the model"
        );
    }

    #[test]
    fn seams_are_correlated_between_neighbouring_holes_in_the_slab() {
        let mut s = survey();
        // Three holes on the line y = 0 (one 30 m off it), one far off the slab.
        let at = |id: &str, x: f64, y: f64, floor: f64| hole(id, x, y, floor);
        s.boreholes = vec![
            at("A", 0.0, 0.0, 900.0),
            at("B", 400.0, 30.0, 880.0),
            at("C", 800.0, 0.0, 860.0),
            at("D", 400.0, 500.0, 700.0),
        ];
        let opts = Default::default();
        let inp = input(&s, [400.0, 0.0, 880.0], [600.0, 1200.0], &opts);
        let l = section_correlation(&inp, &seam::surfaces(&s.boreholes).0, [-100.0, 0.0], [900.0, 0.0], 50.0)
            .expect("a correlation");
        // Two bands (A–B, B–C), D is outside the slab.
        assert_eq!(l.translucent.indices.len(), 2 * 6);
        // In the section plane (y = 0), from floor to roof (5 m) at each hole.
        for v in &l.translucent.vertices {
            assert_eq!(v.pos[1], 0.0);
        }
        let at_x = |x: f32| {
            l.translucent
                .vertices
                .iter()
                .filter(|v| (v.pos[0] + 400.0 - x).abs() < 1e-3)
                .map(|v| v.pos[2] + 880.0)
                .collect::<Vec<_>>()
        };
        let b = at_x(400.0);
        assert!(b.iter().any(|z| (z - 880.0).abs() < 1e-3) && b.iter().any(|z| (z - 885.0).abs() < 1e-3), "{b:?}");
        assert!(
            section_correlation(&inp, &seam::surfaces(&s.boreholes).0, [-100.0, 0.0], [900.0, 0.0], 10.0)
                .is_some_and(|l| l.translucent.indices.len() == 6),
            "B is 30 m off: A–C only"
        );
    }

    /// Beds are correlated by lithology around the seam, and a sandstone logged in one hole only
    /// pinches out in a wedge halfway to the other.
    #[test]
    fn beds_are_correlated_and_a_missing_bed_pinches_out() {
        let mut s = survey();
        let log = |id: &str, x: f64, beds: &[(f64, &str, Option<&str>)]| {
            let mut from = 0.0;
            let intervals = beds
                .iter()
                .map(|&(thick, lith, seam)| {
                    from += thick;
                    Interval {
                        from_m: from - thick,
                        to_m: from,
                        lithology: Some(lith.into()),
                        seam: seam.map(String::from),
                        ..Default::default()
                    }
                })
                .collect();
            Borehole {
                collar: Collar { id: id.into(), x, y: 0.0, z: 1200.0, depth_m: None, drilled_at: None },
                stations: vec![],
                intervals,
            }
        };
        s.boreholes = vec![
            log("A", 0.0, &[(20.0, "泥岩", None), (10.0, "砂岩", None), (10.0, "泥岩", None), (5.0, "煤", Some("3"))]),
            log("B", 400.0, &[(30.0, "泥岩", None), (5.0, "煤", Some("3"))]),
        ];
        let opts = Default::default();
        let inp = input(&s, [0.0, 0.0, 0.0], [1000.0, 1200.0], &opts);
        let l = section_correlation(&inp, &[], [-100.0, 0.0], [500.0, 0.0], 50.0).expect("a correlation");
        assert_eq!(l.name, "strata_correlation");
        // Two bands (mudstone to mudstone, seam to seam) and two wedges (A's sandstone and its
        // second mudstone).
        assert_eq!(l.translucent.vertices.len(), 2 * 4 + 2 * 3);
        assert_eq!(l.translucent.indices.len(), 2 * 6 + 2 * 3);
        let apexes: Vec<_> = l.translucent.vertices.iter().filter(|v| (v.pos[0] - 200.0).abs() < 1e-3).collect();
        assert_eq!(apexes.len(), 2, "the wedges end halfway");
        // The seam band runs from A's seam (1155..1160) to B's (1165..1170).
        let seam =
            l.translucent.vertices.iter().filter(|v| v.color[3] == SEAM_BAND_ALPHA).map(|v| (v.pos[0], v.pos[2]));
        let mut seam: Vec<_> = seam.collect();
        seam.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
        assert_eq!(seam, [(0.0, 1155.0), (0.0, 1160.0), (400.0, 1165.0), (400.0, 1170.0)]);
        let en: Vec<_> = l.legend.iter().map(|e| e.en.as_str()).collect();
        assert_eq!(en, ["seam 3 correlated", "beds correlated (lithology colours; wedges pinch out)"]);
    }

    #[test]
    fn the_ground_line_follows_the_collars() {
        let mut s = survey();
        // Collars on a ground rising 0.05 m per metre east; every hole at 1200 + 0.05 x.
        s.boreholes = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 1000.0), (0.0, 1000.0)]
            .iter()
            .enumerate()
            .map(|(k, &(x, y))| {
                let mut h = hole(&format!("ZK{k}"), x, y, 900.0);
                h.collar.z = 1200.0 + 0.05 * x;
                h
            })
            .collect();
        let opts = Default::default();
        let inp = input(&s, [500.0, 500.0, 1200.0], [800.0, 1300.0], &opts);
        let l = ground_profile(&inp, [0.0, 500.0], [1000.0, 500.0]).expect("a ground line");
        assert!(l.legend[0].en.contains("collars"));
        // The tube's axis is the ground: every ring centre at 1200 + 0.05 x (within its radius).
        let r = 1000.0 / 1000.0;
        for v in &l.opaque.vertices {
            let (x, z) = (v.pos[0] + 500.0, v.pos[2] + 1200.0);
            assert!((z - (1200.0 + 0.05 * x)).abs() <= r * 1.01, "{x} {z}");
        }
        // Off the collars' hull: none.
        assert!(ground_profile(&inp, [2000.0, 500.0], [3000.0, 500.0]).is_none());
    }

    #[test]
    fn a_seam_that_cannot_be_modelled_is_reported() {
        let mut s = survey();
        s.boreholes = vec![hole("A", 0.0, 0.0, 900.0), hole("B", 100.0, 0.0, 900.0)];
        let opts = Default::default();
        let inp = input(&s, [0.0, 0.0, 900.0], [800.0, 1200.0], &opts);
        assert!(SeamsVisualizer.prepare(&inp).is_none());
        assert!(inp.problems.borrow().is_empty(), "not a drawing failure");
        let problems = inp.notes.borrow();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains('3'), "{problems:?}");
    }
}
