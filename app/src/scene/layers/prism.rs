//! The shared builder of the outline-prism layers (goaf, water bodies, collapse columns, gas,
//! burst and fire zones, anomalies, zones): each outline extruded between its `z_floor` and
//! `z_roof` (open bounds → the scene's z range) as translucent triangles
//! ([`style::PRISM_ALPHA`]) with its edges (top ring, bottom ring, verticals) as opaque lines in
//! a darker shade, and one legend entry per class drawn.

use super::geom::{self, Legend};
use crate::scene::style::{self, Rgba};
use crate::scene::{Input, MeshVertex, SceneLayer};
use geo_types::Polygon;
use minehaz_core::geometry::PreparedPolygon;
use minehaz_core::model::ZRange;

/// One outline to extrude, with its class colour (opaque) and legend text.
pub struct Outline<'a> {
    pub outline: &'a Polygon<f64>,
    pub z: ZRange,
    pub color: Rgba,
    pub zh: &'static str,
    pub en: &'static str,
}

/// The layer of a list of outlines; None when nothing could be drawn.
pub fn layer<'a>(
    input: &Input<'_>,
    name: &str,
    name_zh: &str,
    outlines: impl IntoIterator<Item = Outline<'a>>,
) -> Option<SceneLayer> {
    let mut l = SceneLayer { name: name.to_string(), name_zh: name_zh.to_string(), ..Default::default() };
    let mut legend = Legend::default();
    for o in outlines {
        let z = geom::z_span(input, &o.z);
        let fill = style::with_alpha(o.color, style::PRISM_ALPHA);
        if geom::prism(input, o.outline, z, fill, style::darker(o.color), &mut l.translucent, &mut l.lines) {
            legend.add(fill, o.zh, o.en);
        }
    }
    l.legend = legend.into_entries();
    (!l.translucent.indices.is_empty()).then_some(l)
}

/// Alpha of a cut face: more solid than the prism, so the cut reads as a cut.
pub const CUT_ALPHA: f32 = 0.5;
/// Hatch lines of a cut face per section length (a 1.6 km section: one every 20 m).
pub const HATCH_PER_LENGTH: f64 = 80.0;

/// The prisms a section from `a` to `b` (mine CRS, plan) cuts, capped (剖面切面): for every
/// outline the line crosses, each piece of the line inside it (holes left open,
/// [`PreparedPolygon::inside_spans`]) becomes a face in the section plane between the prism's
/// floor and roof, filled in the class colour at [`CUT_ALPHA`], outlined and hatched at 45° in
/// the darker shade (as CAD sections hatch a cut), one legend row per class. None when the line
/// cuts nothing.
pub fn section_cuts<'a>(
    input: &Input<'_>,
    outlines: impl IntoIterator<Item = Outline<'a>>,
    a: [f64; 2],
    b: [f64; 2],
) -> Option<SceneLayer> {
    let len = (b[0] - a[0]).hypot(b[1] - a[1]);
    if len < 1.0 {
        return None;
    }
    let mut l = SceneLayer { name: "section_cuts".into(), name_zh: "剖面切面".into(), ..Default::default() };
    let mut legend = Legend::default();
    let (ux, uy) = ((b[0] - a[0]) / len, (b[1] - a[1]) / len);
    let normal = [uy as f32, -ux as f32, 0.0];
    let spacing = len / HATCH_PER_LENGTH;
    let line_box = minehaz_core::geometry::seg_box(a, b);
    for o in outlines {
        // The outline's box first: most outlines are nowhere near the line (and preparing one
        // indexes its edges).
        let outline_box = minehaz_core::index::box_of(o.outline.exterior().0.iter().map(|c| [c.x, c.y]));
        if !minehaz_core::index::overlaps(&outline_box, &line_box) {
            continue;
        }
        let spans = PreparedPolygon::new(o.outline).inside_spans(a, b);
        if spans.is_empty() {
            continue;
        }
        let [z0, z1] = geom::z_span(input, &o.z);
        let fill = style::with_alpha(o.color, CUT_ALPHA);
        let edge = style::darker(o.color);
        let at = |s: f64, z: f64| input.local([a[0] + ux * s, a[1] + uy * s, z]);
        for (t0, t1) in spans {
            let (s0, s1) = (t0 * len, t1 * len);
            let quad = [at(s0, z0), at(s1, z0), at(s1, z1), at(s0, z1)];
            let base = l.translucent.vertices.len() as u32;
            l.translucent.vertices.extend(quad.iter().map(|&pos| MeshVertex { pos, normal, color: fill }));
            l.translucent.indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
            for k in 0..4 {
                geom::segment(&mut l.lines, quad[k], quad[(k + 1) % 4], edge);
            }
            // 45° hatch (along − z = c), clipped to the face.
            let first = ((s0 - z1) / spacing).ceil() as i64;
            let last = ((s1 - z0) / spacing).floor() as i64;
            for k in first..=last {
                let c = k as f64 * spacing;
                let (lo, hi) = ((c + z0).max(s0), (c + z1).min(s1));
                if hi - lo > 1e-6 {
                    geom::segment(&mut l.lines, at(lo, lo - c), at(hi, hi - c), edge);
                }
            }
        }
        legend.add(fill, &format!("{}（切面）", o.zh), &format!("{} (cut)", o.en));
    }
    l.legend = legend.into_entries();
    (!l.translucent.vertices.is_empty()).then_some(l)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::test_util::*;
    use super::*;
    use approx::assert_abs_diff_eq;
    use geo_types::{polygon, LineString};

    /// A 100 m square with a 20 m square hole.
    pub fn square_with_hole() -> Polygon<f64> {
        Polygon::new(
            LineString::from(vec![(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0), (0.0, 0.0)]),
            vec![LineString::from(vec![(40.0, 40.0), (40.0, 60.0), (60.0, 60.0), (60.0, 40.0), (40.0, 40.0)])],
        )
    }

    fn one(input: &Input<'_>, p: &Polygon<f64>, z: ZRange) -> SceneLayer {
        let o = Outline {
            outline: p,
            z,
            color: style::zone_class(minehaz_core::model::ZoneClass::Mineable),
            zh: "可采",
            en: "mineable",
        };
        layer(input, "zones", "分区", [o]).expect("drawn")
    }

    #[test]
    fn square_with_hole_counts() {
        let s = survey();
        let opts = Default::default();
        let input = input(&s, [0.0; 3], [0.0, 100.0], &opts);
        let l = one(&input, &square_with_hole(), ZRange { floor_m: Some(10.0), roof_m: Some(30.0) });
        // V = 4 + 4 ring vertices, H = 1 hole: caps 2·8 vertices, 2·(8 + 2 − 2) = 16 triangles;
        // walls 8 quads = 32 vertices, 16 triangles; lines 3·8 segments.
        assert_eq!(l.translucent.vertices.len(), 16 + 32);
        assert_eq!(l.translucent.indices.len(), (16 + 16) * 3);
        assert_eq!(l.lines.len(), 3 * 8 * 2);
        assert!(l.opaque.vertices.is_empty());
        // Cap area = 100² − 20² on top and on bottom.
        let mut up_area = 0.0;
        for t in l.translucent.indices.chunks_exact(3) {
            let [a, b, c] = [0, 1, 2].map(|k| l.translucent.vertices[t[k] as usize]);
            let n = geom::cross(geom::sub(b.pos, a.pos), geom::sub(c.pos, a.pos));
            if a.normal == [0.0, 0.0, 1.0] {
                assert!(n[2] >= 0.0, "top cap faces up");
                up_area += n[2] / 2.0;
            }
            if a.normal == [0.0, 0.0, -1.0] {
                assert!(n[2] <= 0.0, "bottom cap faces down");
            }
        }
        assert_abs_diff_eq!(up_area, 9600.0, epsilon = 1e-2);
        // Bounds.
        let (lo, hi) = bounds(l.translucent.vertices.iter().map(|v| v.pos));
        assert_eq!((lo, hi), ([0.0, 0.0, 10.0], [100.0, 100.0, 30.0]));
        assert_eq!(l.legend.len(), 1);
        assert_eq!(l.legend[0].color[3], style::PRISM_ALPHA);
    }

    #[test]
    fn wall_normals_unit_and_outward() {
        let s = survey();
        let opts = Default::default();
        let input = input(&s, [0.0; 3], [0.0, 100.0], &opts);
        for p in [square_with_hole(), {
            // The same polygon with clockwise exterior and counter-clockwise hole.
            let mut q = square_with_hole();
            q.exterior_mut(|r| r.0.reverse());
            q.interiors_mut(|rs| rs.iter_mut().for_each(|r| r.0.reverse()));
            q
        }] {
            let l = one(&input, &p, ZRange { floor_m: Some(10.0), roof_m: Some(30.0) });
            let mut walls = 0;
            for t in l.translucent.indices.chunks_exact(3) {
                let [a, b, c] = [0, 1, 2].map(|k| l.translucent.vertices[t[k] as usize]);
                assert_abs_diff_eq!(geom::length(a.normal), 1.0, epsilon = 1e-5);
                if a.normal[2] != 0.0 {
                    continue;
                }
                walls += 1;
                // Winding agrees with the normal.
                let n = geom::cross(geom::sub(b.pos, a.pos), geom::sub(c.pos, a.pos));
                assert!(geom::dot(n, a.normal) > 0.0);
                // Outward: away from the solid. The midpoint of the wall moved along the normal
                // leaves the solid (outside the square or inside the hole).
                let m = geom::scale(geom::add(geom::add(a.pos, b.pos), c.pos), 1.0 / 3.0);
                let probe = geom::add(m, geom::scale(a.normal, 1.0));
                let inside_square = (0.0..=100.0).contains(&probe[0]) && (0.0..=100.0).contains(&probe[1]);
                let inside_hole = (40.0..=60.0).contains(&probe[0]) && (40.0..=60.0).contains(&probe[1]);
                assert!(!inside_square || inside_hole, "normal {:?} at {:?} points into the solid", a.normal, m);
            }
            assert_eq!(walls, 16);
        }
    }

    #[test]
    fn open_bounds_take_the_scene_range() {
        let s = survey();
        let opts = Default::default();
        let input = input(&s, [0.0, 0.0, 500.0], [420.0, 1230.0], &opts);
        let sq = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0)];
        let l = one(&input, &sq, ZRange { floor_m: None, roof_m: Some(900.0) });
        let (lo, hi) = bounds(l.translucent.vertices.iter().map(|v| v.pos));
        assert_eq!((lo[2], hi[2]), (420.0 - 500.0, 900.0 - 500.0));
        let l = one(&input, &sq, ZRange { floor_m: Some(600.0), roof_m: None });
        let (lo, hi) = bounds(l.lines.iter().map(|v| v.pos));
        assert_eq!((lo[2], hi[2]), (600.0 - 500.0, 1230.0 - 500.0));
        let l = one(&input, &sq, ZRange::default());
        let (lo, hi) = bounds(l.translucent.vertices.iter().map(|v| v.pos));
        assert_eq!((lo[2], hi[2]), (-80.0, 730.0));
        // A triangle: V = 3, caps 2·1 triangles, walls 3 quads.
        assert_eq!(l.translucent.indices.len(), (2 + 6) * 3);
    }

    #[test]
    fn degenerate_outline_is_not_drawn() {
        let s = survey();
        let opts = Default::default();
        let input = input(&s, [0.0; 3], [0.0, 100.0], &opts);
        let line = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 0.0, y: 0.0)];
        let o = Outline { outline: &line, z: ZRange::default(), color: [1.0; 4], zh: "x", en: "x" };
        assert!(layer(&input, "zones", "分区", [o]).is_none());
    }

    /// A section through the holed square cuts two faces (the hole stays open), each between
    /// the prism's floor and roof in the section plane, hatched inside its bounds.
    #[test]
    fn a_section_caps_the_prisms_it_cuts() {
        let s = survey();
        let opts = Default::default();
        let input = input(&s, [0.0; 3], [0.0, 100.0], &opts);
        let p = square_with_hole();
        let o = || Outline {
            outline: &p,
            z: ZRange { floor_m: Some(10.0), roof_m: Some(30.0) },
            color: style::zone_class(minehaz_core::model::ZoneClass::NoMining),
            zh: "禁采区",
            en: "no mining",
        };
        let l = section_cuts(&input, [o()], [-50.0, 50.0], [150.0, 50.0]).expect("cut");
        assert_eq!(l.name, "section_cuts");
        assert_eq!(l.translucent.vertices.len(), 8, "two faces");
        let mut xs: Vec<f32> = l.translucent.vertices.iter().map(|v| v.pos[0]).collect();
        xs.sort_by(f32::total_cmp);
        xs.dedup();
        assert_eq!(xs, [0.0, 40.0, 60.0, 100.0]);
        for v in &l.translucent.vertices {
            assert_abs_diff_eq!(v.pos[1], 50.0);
            assert!(v.pos[2] == 10.0 || v.pos[2] == 30.0);
            assert_abs_diff_eq!(v.color[3], CUT_ALPHA);
        }
        // Outlines (4 edges a face) and hatch segments, all inside the faces.
        let segments = l.lines.len() / 2;
        assert!(segments > 8 + 10, "{segments} segments");
        for v in &l.lines {
            let x = v.pos[0];
            assert!(
                ((-1e-3..=40.001).contains(&x) || (59.999..=100.001).contains(&x))
                    && (9.999..=30.001).contains(&v.pos[2]),
                "{:?}",
                v.pos
            );
        }
        assert_eq!(l.legend[0].zh, "禁采区（切面）");
        // A line that misses it cuts nothing.
        assert!(section_cuts(&input, [o()], [-50.0, 150.0], [150.0, 160.0]).is_none());
    }
}
