//! Picking on the CPU in world coordinates, with the survey model: every vector feature (through
//! the layer registry's visitor and each kind's own `write()`, so adding a kind needs nothing
//! here) and every borehole collar, flattened once per load into a [`Catalog`].
//!
//! In plan: the nearest point feature or collar within the tolerance, then lines (workings,
//! faults, drill holes) within the tolerance, then polygons containing the point (smallest
//! first). In 3D and section views: points and lines by their projected distance in pixels.

use crate::render::camera::Camera;
use geo::{Area, Contains};
use geo_types::{Coord, Point};
use minehaz_core::model::record::{Geom, Value};
use minehaz_core::model::{LayerKind, LayerVisitor};
use minehaz_core::Survey;

/// The layer name of borehole collars in picks (not a vector layer kind).
pub const BOREHOLES: &str = "boreholes";

/// A feature: its layer name and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FeatureRef {
    pub layer: String,
    pub id: String,
}

/// One feature, flattened for picking and the attribute panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub r: FeatureRef,
    pub layer_zh: String,
    pub geom: Option<Geom>,
    /// Attributes in schema order (`id` first).
    pub attrs: Vec<(String, Value)>,
}

impl Feature {
    /// Plan vertices (x, y) of the geometry (polygon exterior and holes, line, point).
    pub fn plan_vertices(&self) -> Vec<[f64; 2]> {
        match &self.geom {
            Some(Geom::Polygon(p)) => std::iter::once(p.exterior())
                .chain(p.interiors())
                .flat_map(|r| r.0.iter().map(|c| [c.x, c.y]))
                .collect(),
            Some(Geom::Line { coords, .. }) => coords.iter().map(|c| [c[0], c[1]]).collect(),
            Some(Geom::Point { pos, .. }) => vec![[pos[0], pos[1]]],
            None => Vec::new(),
        }
    }

    /// The attribute `name` as a real number.
    pub fn real(&self, name: &str) -> Option<f64> {
        self.attrs.iter().find(|(k, _)| k == name).and_then(|(_, v)| match v {
            Value::Real(x) => Some(*x),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        })
    }
}

/// Every feature of a survey.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub features: Vec<Feature>,
}

/// The catalog entries of one layer's features.
fn features_of<K: LayerKind>(items: &[K], out: &mut Vec<Feature>) {
    for f in items {
        let rec = f.write();
        out.push(Feature {
            r: FeatureRef { layer: K::NAME.to_string(), id: f.id().to_string() },
            layer_zh: K::NAME_ZH.to_string(),
            geom: rec.geom,
            attrs: rec.attrs,
        });
    }
}

impl Catalog {
    /// Replace the entries of one layer (after an edit of it), keeping every other entry.
    pub fn replace_layer<K: LayerKind>(&mut self, items: &[K]) {
        self.features.retain(|f| f.r.layer != K::NAME);
        features_of(items, &mut self.features);
    }

    pub fn new(survey: &Survey) -> Self {
        struct V(Vec<Feature>);
        impl LayerVisitor for V {
            fn visit<K: LayerKind>(&mut self, items: &[K]) {
                features_of(items, &mut self.0);
            }
        }
        let mut v = V(Vec::new());
        survey.layers.visit(&mut v);
        for b in &survey.boreholes {
            let c = &b.collar;
            let opt_real = |v: Option<f64>| v.map_or(Value::Null, Value::Real);
            let mut attrs = vec![
                ("id".to_string(), Value::Text(c.id.clone())),
                ("x".to_string(), Value::Real(c.x)),
                ("y".to_string(), Value::Real(c.y)),
                ("z".to_string(), Value::Real(c.z)),
                ("depth_m".to_string(), opt_real(c.depth_m)),
                ("drilled_at".to_string(), c.drilled_at.clone().map_or(Value::Null, Value::Text)),
                ("stations".to_string(), Value::Int(b.stations.len() as i64)),
            ];
            for (k, i) in b.intervals.iter().enumerate() {
                let what: Vec<String> = [
                    i.lithology.clone(),
                    i.seam.as_ref().map(|s| format!("seam {s}")),
                    i.water_inflow_m3h.map(|v| format!("{v} m³/h")),
                    i.gas_content_m3t.map(|v| format!("{v} m³/t")),
                    i.gas_pressure_mpa.map(|v| format!("{v} MPa")),
                ]
                .into_iter()
                .flatten()
                .collect();
                attrs.push((
                    format!("interval {}", k + 1),
                    Value::Text(format!("{:.1}–{:.1} m: {}", i.from_m, i.to_m, what.join(", "))),
                ));
            }
            let coords: Vec<[f64; 3]> = b.trajectory().points.iter().map(|p| p.1).collect();
            v.0.push(Feature {
                r: FeatureRef { layer: BOREHOLES.into(), id: c.id.clone() },
                layer_zh: "钻孔".into(),
                geom: Some(if coords.len() >= 2 {
                    Geom::Line { coords, has_z: true }
                } else {
                    Geom::Point { pos: [c.x, c.y, c.z], has_z: true }
                }),
                attrs,
            });
        }
        Self { features: v.0 }
    }

    pub fn get(&self, r: &FeatureRef) -> Option<&Feature> {
        self.features.iter().find(|f| &f.r == r)
    }

    /// The feature with this id in any layer (findings name features by id), or the first
    /// feature of a layer of that name (`licence`).
    pub fn find_id(&self, id: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.r.id == id).or_else(|| self.features.iter().find(|f| f.r.layer == id))
    }

    /// Plan vertices of the features of these layers (snapping while marking a zone).
    pub fn vertices_of(&self, layers: &[&str]) -> Vec<[f64; 2]> {
        self.features.iter().filter(|f| layers.contains(&f.r.layer.as_str())).flat_map(|f| f.plan_vertices()).collect()
    }

    /// Features at a plan point (world x, y), best first, within `tol_m` for points and lines.
    pub fn pick_plan(&self, p: [f64; 2], tol_m: f64) -> Vec<FeatureRef> {
        let mut hits: Vec<(u8, f64, &FeatureRef)> = Vec::new();
        for f in &self.features {
            let hit = match &f.geom {
                Some(Geom::Point { pos, .. }) => {
                    let d = dist2(p, [pos[0], pos[1]]);
                    (d <= tol_m).then_some((0, d))
                }
                Some(Geom::Line { coords, .. }) => {
                    let d = coords
                        .windows(2)
                        .map(|s| seg_dist(p, [s[0][0], s[0][1]], [s[1][0], s[1][1]]))
                        .fold(coords.first().map_or(f64::INFINITY, |c| dist2(p, [c[0], c[1]])), f64::min);
                    (d <= tol_m).then_some((1, d))
                }
                Some(Geom::Polygon(poly)) => {
                    let inside = poly.contains(&Point::new(p[0], p[1]));
                    let edge = std::iter::once(poly.exterior())
                        .chain(poly.interiors())
                        .flat_map(|r| r.0.windows(2).map(|s| seg_dist(p, [s[0].x, s[0].y], [s[1].x, s[1].y])))
                        .fold(f64::INFINITY, f64::min);
                    (inside || edge <= tol_m).then(|| (2, poly.unsigned_area()))
                }
                None => None,
            };
            if let Some((class, score)) = hit {
                hits.push((class, score, &f.r));
            }
        }
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        hits.into_iter().map(|h| h.2.clone()).collect()
    }

    /// Points and lines near pixel `px` of a camera (3D, section), best first, within `tol_px`.
    /// `origin` is the scene origin (world = local + origin).
    pub fn pick_screen(&self, cam: &Camera, origin: [f64; 3], px: [f32; 2], tol_px: f32) -> Vec<FeatureRef> {
        let project = |c: &[f64; 3]| {
            cam.project(local(*c, origin))
                .filter(|(_, z)| (0.0..=1.0).contains(z))
                .map(|(p, _)| [f64::from(p[0]), f64::from(p[1])])
        };
        let at = [f64::from(px[0]), f64::from(px[1])];
        let mut hits: Vec<(f64, &FeatureRef)> = Vec::new();
        for f in &self.features {
            let d = match &f.geom {
                Some(Geom::Point { pos, .. }) => project(pos).map(|q| dist2(at, q)),
                Some(Geom::Line { coords, .. }) => {
                    let pts: Vec<Option<[f64; 2]>> = coords.iter().map(project).collect();
                    let mut best: Option<f64> = None;
                    for s in pts.windows(2) {
                        if let (Some(a), Some(b)) = (s[0], s[1]) {
                            let d = seg_dist(at, a, b);
                            best = Some(best.map_or(d, |x| x.min(d)));
                        }
                    }
                    best
                }
                _ => None,
            };
            if let Some(d) = d.filter(|d| *d <= f64::from(tol_px)) {
                hits.push((d, &f.r));
            }
        }
        hits.sort_by(|a, b| a.0.total_cmp(&b.0));
        hits.into_iter().map(|h| h.1.clone()).collect()
    }

    /// The 3D vertex (world) nearest to pixel `px` within `tol_px` (measuring in 3D).
    pub fn nearest_vertex(&self, cam: &Camera, origin: [f64; 3], px: [f32; 2], tol_px: f32) -> Option<[f64; 3]> {
        let mut best: Option<(f32, [f64; 3])> = None;
        for f in &self.features {
            let verts: Vec<[f64; 3]> = match &f.geom {
                Some(Geom::Point { pos, .. }) => vec![*pos],
                Some(Geom::Line { coords, .. }) => coords.clone(),
                _ => continue,
            };
            for v in verts {
                if let Some((p, z)) = cam.project(local(v, origin)) {
                    let d = ((p[0] - px[0]).powi(2) + (p[1] - px[1]).powi(2)).sqrt();
                    if (0.0..=1.0).contains(&z) && d <= tol_px && best.is_none_or(|b| d < b.0) {
                        best = Some((d, v));
                    }
                }
            }
        }
        best.map(|b| b.1)
    }
}

/// World → scene-local (f64 subtraction first).
pub fn local(p: [f64; 3], origin: [f64; 3]) -> [f32; 3] {
    [(p[0] - origin[0]) as f32, (p[1] - origin[1]) as f32, (p[2] - origin[2]) as f32]
}

fn dist2(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Distance from `p` to the segment a–b.
pub fn seg_dist(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    let t = if len2 > 0.0 { (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0) } else { 0.0 };
    dist2(p, [a[0] + t * d[0], a[1] + t * d[1]])
}

/// The unit of a field, from the naming convention (`_m`, `_m3h`, `_mpa` …, CONVENTIONS 8).
pub fn unit(field: &str) -> &'static str {
    const SUFFIXES: &[(&str, &str)] = &[
        ("_m3min", "m³/min"),
        ("_m3h", "m³/h"),
        ("_m3t", "m³/t"),
        ("_m3", "m³"),
        ("_mpa", "MPa"),
        ("_deg", "°"),
        ("_pct", "%"),
        ("_m", "m"),
    ];
    if matches!(field, "z_floor" | "z_roof" | "x" | "y" | "z" | "z_ref") {
        return "m";
    }
    SUFFIXES.iter().find(|(s, _)| field.ends_with(s)).map_or("", |(_, u)| u)
}

/// A value for display, with the field's unit.
/// A value as the user reads it in `lang`: coded values and 0/1 flags by name (禁采区, 是),
/// numbers with their units as [`format_value`].
pub fn display_value(field: &str, v: &Value, lang: minehaz_core::i18n::Lang) -> String {
    use minehaz_core::model::labels;
    match v {
        Value::Text(t) => labels::value_name(field, t, lang).map_or_else(|| t.clone(), str::to_string),
        Value::Int(i) => labels::flag_name(field, *i, lang).map_or_else(|| format_value(field, v), str::to_string),
        _ => format_value(field, v),
    }
}

pub fn format_value(field: &str, v: &Value) -> String {
    let u = unit(field);
    let with_unit = |s: String| if u.is_empty() { s } else { format!("{s} {u}") };
    match v {
        Value::Null => "—".into(),
        Value::Int(i) => with_unit(i.to_string()),
        Value::Real(x) => {
            let s = format!("{x:.3}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            with_unit(s.to_string())
        }
        Value::Text(t) => t.clone(),
    }
}

/// The farthest a geometry's vertices lie from `p` in plan, m.
pub fn reach_from(g: &Geom, p: [f64; 3]) -> f64 {
    let d = |q: [f64; 2]| ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2)).sqrt();
    match g {
        Geom::Polygon(poly) => poly.exterior().0.iter().map(|c| d([c.x, c.y])).fold(0.0, f64::max),
        Geom::Line { coords, .. } => coords.iter().map(|c| d([c[0], c[1]])).fold(0.0, f64::max),
        Geom::Point { pos, .. } => d([pos[0], pos[1]]),
    }
}

/// A summary of a geometry: kind, vertices, plan length or area, elevation range.
pub fn geometry_summary(g: &Geom) -> Vec<(String, String)> {
    match g {
        Geom::Polygon(p) => vec![
            ("geometry".into(), format!("polygon, {} vertices", p.exterior().0.len().saturating_sub(1))),
            ("area_m2".into(), format!("{:.1} m²", p.unsigned_area())),
        ],
        Geom::Line { coords, .. } => {
            let len: f64 = coords
                .windows(2)
                .map(|s| {
                    ((s[1][0] - s[0][0]).powi(2) + (s[1][1] - s[0][1]).powi(2) + (s[1][2] - s[0][2]).powi(2)).sqrt()
                })
                .sum();
            let (lo, hi) =
                coords.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| (lo.min(c[2]), hi.max(c[2])));
            vec![
                ("geometry".into(), format!("line, {} vertices", coords.len())),
                ("length_m".into(), format!("{len:.1} m")),
                ("z range".into(), format!("{lo:.1} … {hi:.1} m")),
            ]
        }
        Geom::Point { pos, .. } => {
            vec![("position".into(), format!("({:.2}, {:.2}, {:.2})", pos[0], pos[1], pos[2]))]
        }
    }
}

/// Plan polygon of world points (closing it).
pub fn polygon(points: &[[f64; 2]]) -> geo_types::Polygon<f64> {
    let mut ring: Vec<Coord<f64>> = points.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
    if let (Some(first), Some(last)) = (ring.first().copied(), ring.last().copied()) {
        if first != last {
            ring.push(first);
        }
    }
    geo_types::Polygon::new(geo_types::LineString(ring), Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use minehaz_core::model::{Working, WorkingKind, WorkingStatus, Zone, ZoneClass};

    fn survey() -> Survey {
        let mut s = Survey::default();
        s.layers.workings.push(Working {
            id: "W1".into(),
            name: None,
            kind: WorkingKind::Heading,
            status: WorkingStatus::Active,
            seam: Some("3".into()),
            declared: Some(true),
            updated: None,
            line: vec![[0.0, 0.0, 10.0], [100.0, 0.0, 12.0]],
        });
        for (id, half) in [("Z-big", 500.0), ("Z-small", 50.0)] {
            s.layers.zones.push(Zone {
                id: id.into(),
                class: ZoneClass::NoMining,
                hazard: None,
                basis: None,
                treated: None,
                outline: polygon(&[[-half, -half], [half, -half], [half, half], [-half, half]]),
                z: Default::default(),
                author: None,
                marked_at: None,
            });
        }
        s
    }

    #[test]
    fn plan_picks_lines_before_polygons_and_small_polygons_first() {
        let c = Catalog::new(&survey());
        let r = |l: &str, id: &str| FeatureRef { layer: l.into(), id: id.into() };
        assert_eq!(c.pick_plan([50.0, 3.0], 5.0), [r("workings", "W1"), r("zones", "Z-small"), r("zones", "Z-big")]);
        assert_eq!(c.pick_plan([50.0, 30.0], 5.0), [r("zones", "Z-small"), r("zones", "Z-big")]);
        assert_eq!(c.pick_plan([200.0, 200.0], 5.0), [r("zones", "Z-big")]);
        assert!(c.pick_plan([900.0, 0.0], 5.0).is_empty());
        assert_eq!(c.find_id("W1").map(|f| f.layer_zh.as_str()), Some("井巷工程"));
    }

    #[test]
    fn values_carry_their_units() {
        assert_eq!(format_value("inflow_m3h", &Value::Real(12.5)), "12.5 m³/h");
        assert_eq!(format_value("gas_content_m3t", &Value::Real(9.6)), "9.6 m³/t");
        assert_eq!(format_value("z_floor", &Value::Real(994.0)), "994 m");
        assert_eq!(format_value("pressure_mpa", &Value::Null), "—");
        assert_eq!(format_value("status", &Value::Text("active".into())), "active");
        use minehaz_core::i18n::Lang;
        assert_eq!(display_value("status", &Value::Text("active".into()), Lang::Zh), "在掘/在采");
        assert_eq!(display_value("class", &Value::Text("no_mining".into()), Lang::En), "no-mining zone");
        assert_eq!(display_value("water", &Value::Int(1), Lang::Zh), "是");
        assert_eq!(display_value("z_floor", &Value::Real(994.0), Lang::Zh), "994 m");
        assert_eq!(display_value("name", &Value::Text("no_mining".into()), Lang::Zh), "no_mining", "not a code here");
        assert_eq!(unit("throw_m"), "m");
        assert_eq!(unit("dip_deg"), "°");
    }
}
