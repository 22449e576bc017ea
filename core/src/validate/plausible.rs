//! Plausible coordinates (SURVEY-FORMAT.md v1.1): every vertex of every layer, every collar and
//! every positioning fix must be finite, inside the mine CRS's area of use (PROJ's bounds
//! widened by 50 km) and within 50 km of the licence. This is how a zone-prefixed easting in a
//! CRS without the prefix (or the reverse), swapped x/y columns (Chinese tables call the
//! northing X) and a layer in another CRS show up, before they make false findings. The
//! message names the likely cause and, for the CGCS2000 Gauss–Krüger CRSs, the CRS that fits.

use crate::error::{Location, Problems};
use crate::i18n::Text;
use crate::index::{box_of, expand, Box2, EMPTY};
use crate::io::crs::{Crs, Transformer};
use crate::model::{LayerKind, LayerVisitor, Survey};
use crate::text;

/// How far beyond the area of use, and beyond the licence, a coordinate may lie, m.
pub const MARGIN_M: f64 = 50_000.0;
/// Offending features reported one by one per layer or table; the rest are counted.
const REPORTED: usize = 20;

/// The mine CRS's area of use in its own coordinates, widened by [`MARGIN_M`].
pub fn use_box(crs: &Crs) -> Option<Box2> {
    // Once per CRS per process (a PROJ transformation and an area-of-use lookup each time
    // would dominate a roll-up of many small mines).
    static CACHE: std::sync::Mutex<Option<std::collections::HashMap<String, Option<Box2>>>> =
        std::sync::Mutex::new(None);
    if let Some(b) = CACHE.lock().ok().and_then(|c| c.as_ref().and_then(|m| m.get(&crs.def).copied())) {
        return b;
    }
    let b = use_box_uncached(crs);
    if let Ok(mut c) = CACHE.lock() {
        c.get_or_insert_with(Default::default).insert(crs.def.clone(), b);
    }
    b
}

fn use_box_uncached(crs: &Crs) -> Option<Box2> {
    let srs = gdal::spatial_ref::SpatialRef::from_definition(&crs.def).ok()?;
    let a = srs.area_of_use()?;
    let wgs = Crs { def: "EPSG:4326".into() };
    let t = Transformer::new(&wgs, crs, &Location::default()).ok()?;
    let (w, s, e, n) = (a.west_lon_degree, a.south_lat_degree, a.east_lon_degree, a.north_lat_degree);
    let e = if e < w { e + 360.0 } else { e };
    let mut b = EMPTY;
    let k = 16;
    for i in 0..=k {
        for j in 0..=k {
            let (lon, lat) = (w + (e - w) * i as f64 / k as f64, s + (n - s) * j as f64 / k as f64);
            if let Ok((x, y)) = t.xy(if lon > 180.0 { lon - 360.0 } else { lon }, lat, &Location::default()) {
                b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
        }
    }
    b[0].is_finite().then(|| expand(&b, MARGIN_M))
}

fn inside(b: &Box2, x: f64, y: f64) -> bool {
    x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]
}

/// The CGCS2000 Gauss–Krüger CRS with (true) or without (false) the zone prefix that matches
/// `code`, for the messages.
fn gk_variant(code: u32, prefixed: bool) -> Option<u32> {
    match code {
        4534..=4554 if prefixed => Some(code - 21),
        4513..=4533 if !prefixed => Some(code + 21),
        4502..=4512 if prefixed => Some(code - 11),
        4491..=4501 if !prefixed => Some(code + 11),
        _ => None,
    }
}

/// The likely cause of a coordinate outside the area of use.
fn cause(x: f64, y: f64, crs: &Crs, area: &Box2) -> Text {
    let code: Option<u32> = crs.def.strip_prefix("EPSG:").and_then(|c| c.parse().ok());
    let fits = |prefixed| {
        code.and_then(|c| gk_variant(c, prefixed)).map(|c| format!("EPSG:{c}")).unwrap_or_else(|| "?".into())
    };
    if inside(area, y, x) {
        return text!(
            "x 与 y 似乎颠倒（中文测量表常把北坐标称为 X）：请交换两列",
            "x and y look swapped (Chinese survey tables call the northing X): swap the columns"
        );
    }
    let prefix = (x / 1e6).floor();
    if (13.0..=45.0).contains(&prefix) && inside(area, x - prefix * 1e6, y) {
        return text!(
            "东坐标带有带号 {}：应使用带带号的坐标系（{}），或去掉带号",
            "the easting carries the zone number {}: use the zone-prefixed CRS ({}), or remove the prefix",
            prefix,
            fits(true)
        );
    }
    if let Some(k) = (13..=45).find(|k| inside(area, x + f64::from(*k) * 1e6, y)) {
        return text!(
            "东坐标缺少带号 {}：应使用不带带号的坐标系（{}），或补上带号",
            "the easting lacks the zone number {}: use the CRS without the prefix ({}), or add the prefix",
            k,
            fits(false)
        );
    }
    text!(
        "坐标不在 {} 中：请检查该数据声明的坐标系（.prj 或 CRS）",
        "the coordinates are not in {}: check the CRS the data declares (.prj or CRS)",
        crs
    )
}

/// Reports problems of one layer or table, the first [`REPORTED`] one by one.
struct Reporter<'a> {
    ps: &'a mut Problems,
    n: usize,
    at: Location,
}

impl Reporter<'_> {
    fn error(&mut self, at: Location, t: Text) {
        self.n += 1;
        if self.n <= REPORTED {
            self.ps.error(at, t);
        }
    }
    fn finish(self) {
        if self.n > REPORTED {
            let more = self.n - REPORTED;
            self.ps.error(self.at, text!("另有 {} 处坐标不合理", "{} more implausible coordinates", more));
        }
    }
}

/// The plausibility of coordinates in a mine (SURVEY-FORMAT.md v1.1): inside the mine CRS's
/// area of use (plus 50 km) and within 50 km of the licence. Built once per survey; what
/// [`check`] applies to every layer and table, and `watch` to every coordinate an event
/// brings (a fix at (0, 0) must not reach a store that then cannot be read).
pub struct Plausibility {
    crs: Crs,
    area: Option<Box2>,
    /// The licence's box grown by the margin (beyond it: surely too far), and within it a grid
    /// that decides most points without a distance query.
    licence: Option<Box2>,
    near: Option<NearGrid>,
}

/// Cells over the licence's grown box, each surely within the margin of the licence, surely
/// beyond it, or on the edge of the band (then the point is measured against the polygon).
struct NearGrid {
    /// Points in this box are surely near: the polygon touches every side of its box, so a
    /// point of the box is within its diagonal of the polygon (None when that exceeds the margin).
    safe: Option<Box2>,
    b: Box2,
    n: usize,
    /// Made on the first point outside `safe` (most mines never need it).
    cells: std::cell::OnceCell<Vec<Near>>,
    poly: crate::geometry::PreparedPolygon,
}

#[derive(Clone, Copy, PartialEq)]
enum Near {
    Yes,
    No,
    Measure,
}

impl NearGrid {
    const N: usize = 64;

    fn new(b: Box2, poly: crate::geometry::PreparedPolygon) -> Self {
        let pb = poly.bbox;
        let diag = (pb[2] - pb[0]).hypot(pb[3] - pb[1]);
        let safe = (diag < MARGIN_M).then(|| expand(&pb, MARGIN_M - diag));
        Self { safe, b, n: Self::N, cells: std::cell::OnceCell::new(), poly }
    }

    fn cells(&self) -> &[Near] {
        self.cells.get_or_init(|| {
            let (b, n) = (&self.b, self.n);
            let (w, h) = ((b[2] - b[0]) / n as f64, (b[3] - b[1]) / n as f64);
            let half = w.hypot(h) / 2.0;
            let mut cells = Vec::with_capacity(n * n);
            for j in 0..n {
                for i in 0..n {
                    let c = [b[0] + (i as f64 + 0.5) * w, b[1] + (j as f64 + 0.5) * h];
                    let d = self.poly.distance_to_point(c);
                    cells.push(if d + half <= MARGIN_M {
                        Near::Yes
                    } else if d - half > MARGIN_M {
                        Near::No
                    } else {
                        Near::Measure
                    });
                }
            }
            cells
        })
    }

    /// Is (x, y), inside the grid's box, farther than the margin from the licence?
    fn far(&self, x: f64, y: f64) -> bool {
        if self.safe.is_some_and(|s| inside(&s, x, y)) {
            return false;
        }
        let b = &self.b;
        let cell = |v: f64, lo: f64, hi: f64| (((v - lo) / (hi - lo) * self.n as f64) as usize).min(self.n - 1);
        match self.cells()[cell(y, b[1], b[3]) * self.n + cell(x, b[0], b[2])] {
            Near::Yes => false,
            Near::No => true,
            Near::Measure => self.poly.distance_to_point([x, y]) > MARGIN_M,
        }
    }
}

impl Plausibility {
    /// The frame of a survey; None when its CRS cannot be parsed (reading reports that).
    pub fn of(survey: &Survey) -> Option<Self> {
        let crs = Crs::parse(&survey.meta.mine.crs, &Location::default()).ok()?;
        let licence = survey
            .layers
            .licence
            .first()
            .map(|l| expand(&box_of(l.boundary.exterior().0.iter().map(|c| [c.x, c.y])), MARGIN_M));
        let licence = licence.filter(|b| b[0].is_finite());
        // Decided by cell for most points: only those on the edge of the 50 km band are measured.
        let near = licence.and_then(|b| {
            survey.layers.licence.first().map(|l| NearGrid::new(b, crate::geometry::PreparedPolygon::new(&l.boundary)))
        });
        let area = use_box(&crs);
        Some(Self { crs, area, licence, near })
    }

    /// The problem of one coordinate (mine CRS), if any.
    pub fn problem(&self, x: f64, y: f64) -> Option<Text> {
        if !(x.is_finite() && y.is_finite()) {
            return Some(text!("坐标无效 (NaN/无穷)", "invalid coordinate (NaN/inf)"));
        }
        if let Some(a) = &self.area {
            if !inside(a, x, y) {
                let why = cause(x, y, &self.crs, a);
                return Some(Text::new(
                    format!("坐标 ({x}, {y}) 超出矿井坐标系 {} 的适用范围（含 50 km 余量）：{}", self.crs, why.zh),
                    format!(
                        "coordinate ({x}, {y}) is outside the area of use of the mine CRS {} (plus 50 km): {}",
                        self.crs, why.en
                    ),
                ));
            }
        }
        if let Some(l) = &self.licence {
            // Outside the grown box is surely too far; inside it, the distance to the polygon
            // decides (a long diagonal licence's box reaches far beyond 50 km of it).
            let far = !inside(l, x, y) || self.near.as_ref().is_some_and(|g| g.far(x, y));
            if far {
                return Some(text!(
                    "坐标 ({}, {}) 距采矿许可范围超过 50 km：数据可能属于别的矿或坐标系错误",
                    "coordinate ({}, {}) is more than 50 km from the licence: the data may belong to another mine or be in another CRS",
                    x,
                    y
                ));
            }
        }
        None
    }
}

/// Append the plausibility problems of `survey` to `ps`.
pub fn check(survey: &Survey, ps: &mut Problems) {
    let Some(frame) = Plausibility::of(survey) else { return };
    struct V<'a> {
        survey: &'a Survey,
        frame: &'a Plausibility,
        ps: &'a mut Problems,
    }
    impl LayerVisitor for V<'_> {
        fn visit<K: LayerKind>(&mut self, items: &[K]) {
            let file = self.survey.layer_files.get(K::NAME).cloned().unwrap_or_default();
            let at = Location::file(&file).layer(K::NAME);
            let mut r = Reporter { ps: self.ps, n: 0, at: at.clone() };
            for f in items {
                let mut xy: Box<dyn Iterator<Item = (f64, f64)>> = match f.outline() {
                    Some(p) => Box::new(
                        std::iter::once(p.exterior()).chain(p.interiors()).flat_map(|r| r.0.iter().map(|c| (c.x, c.y))),
                    ),
                    None => Box::new(f.vertices().iter().map(|v| (v[0], v[1]))),
                };
                if let Some(t) = xy.find_map(|(x, y)| self.frame.problem(x, y)) {
                    r.error(at.clone().feature(f.id()).field("geometry"), t);
                }
            }
            r.finish();
        }
    }
    survey.layers.visit(&mut V { survey, frame: &frame, ps });
    // Where a table came from: its CSV file, or the store (then its table is the layer).
    let table = |name: &str, csv: &str| match survey.layer_files.get(name) {
        Some(f) if f.extension().is_some_and(|e| e.eq_ignore_ascii_case("gpkg")) => Location::file(f).layer(name),
        Some(f) => Location::file(f),
        None => Location::file(csv),
    };
    let collars = table("boreholes", "boreholes/collars.csv");
    let mut r = Reporter { ps, n: 0, at: collars.clone() };
    for b in &survey.boreholes {
        if let Some(t) = frame.problem(b.collar.x, b.collar.y) {
            r.error(collars.clone().feature(&b.collar.id).field("x"), t);
        }
    }
    r.finish();
    for pc in &survey.point_clouds {
        let b = &pc.header.bounds;
        if pc.header.point_count > 0 {
            if let Some(t) = frame.problem(b[0], b[1]).or_else(|| frame.problem(b[3], b[4])) {
                ps.error(Location::file(&pc.path).field("bounds"), t);
            }
        }
    }
    let fixes = table("positioning", "monitoring/positioning.csv");
    let mut r = Reporter { ps, n: 0, at: fixes.clone() };
    for f in &survey.positioning {
        if let Some(t) = frame.problem(f.pos[0], f.pos[1]) {
            // The fix by person and time (its table line is not kept after reading; a store has
            // no lines).
            r.error(fixes.clone().feature(format!("{} {}", f.person_id, f.time)).field("x"), t);
        }
    }
    r.finish();
    if frame.licence.is_none() {
        ps.warning(
            Location::default().layer("licence"),
            text!(
                "没有采矿许可范围：未检查数据距许可范围的距离",
                "no licence: the distance of the data from it is not checked"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_of_use_of_cgcs2000_cm_114_and_its_zone_prefixed_twin() {
        let plain = use_box(&Crs { def: "EPSG:4547".into() }).expect("area");
        // CM 114E, 112.5–115.5E: eastings about 347–653 km (± 50 km margin), no prefix.
        assert!(plain[0] > 250_000.0 && plain[0] < 360_000.0, "{plain:?}");
        assert!(plain[2] > 640_000.0 && plain[2] < 760_000.0, "{plain:?}");
        assert!(inside(&plain, 482_000.0, 4_049_000.0));
        assert!(!inside(&plain, 38_482_000.0, 4_049_000.0));
        let prefixed = use_box(&Crs { def: "EPSG:4526".into() }).expect("area");
        assert!(inside(&prefixed, 38_482_000.0, 4_049_000.0));
        assert_eq!(gk_variant(4547, true), Some(4526));
        assert_eq!(gk_variant(4526, false), Some(4547));
    }

    #[test]
    fn the_50_km_margin_is_from_the_licence_polygon_not_its_box() {
        // A licence 2 km wide running 78 km south-west to north-east; a working far from it
        // but inside its box grown by 50 km.
        let mut s = Survey::default();
        s.meta.mine.crs = "EPSG:4547".into();
        let (x0, y0) = (420_000.0, 4_000_000.0);
        let strip = geo_types::Polygon::new(
            geo_types::LineString::from(vec![
                (x0, y0),
                (x0 + 1_400.0, y0 - 1_400.0),
                (x0 + 57_000.0, y0 + 54_200.0),
                (x0 + 55_600.0, y0 + 55_600.0),
                (x0, y0),
            ]),
            vec![],
        );
        s.layers.licence.push(crate::model::Licence { id: "L".into(), boundary: strip });
        let working = |x: f64, y: f64| crate::model::Working {
            id: "W1".into(),
            name: None,
            kind: crate::model::WorkingKind::Roadway,
            status: crate::model::WorkingStatus::Existing,
            seam: None,
            declared: Some(true),
            updated: None,
            line: vec![[x, y, 900.0], [x + 10.0, y, 900.0]],
        };
        // Towards the grown box's south-east corner: inside the box, about 99 km off the strip.
        s.layers.workings.push(working(x0 + 100_000.0, y0 - 40_000.0));
        let d = crate::geometry::PreparedPolygon::new(&s.layers.licence[0].boundary)
            .distance_to_point([s.layers.workings[0].line[0][0], s.layers.workings[0].line[0][1]]);
        assert!(d > 55_000.0, "the test point is {d} m from the strip");
        let mut ps = Problems::default();
        check(&s, &mut ps);
        assert!(ps.0.iter().any(|p| p.text.en.contains("more than 50 km from the licence")), "{:?}", ps.0);
        // Beside the strip: fine.
        s.layers.workings[0] = working(x0 + 30_000.0, y0 + 29_000.0);
        let mut ps = Problems::default();
        check(&s, &mut ps);
        assert!(!ps.0.iter().any(|p| p.text.en.contains("50 km from the licence")), "{:?}", ps.0);
    }

    #[test]
    fn the_near_grid_agrees_with_the_exact_distance() {
        // An L-shaped licence 60 km across (its box's diagonal is beyond the margin).
        let l = geo_types::Polygon::new(
            geo_types::LineString::from(vec![
                (0.0, 0.0),
                (60_000.0, 0.0),
                (60_000.0, 8_000.0),
                (8_000.0, 8_000.0),
                (8_000.0, 60_000.0),
                (0.0, 60_000.0),
                (0.0, 0.0),
            ]),
            vec![],
        );
        let poly = crate::geometry::PreparedPolygon::new(&l);
        let b = expand(&poly.bbox, MARGIN_M);
        let g = NearGrid::new(b, poly.clone());
        let mut r = crate::test_rng::Rng(77);
        for _ in 0..20_000 {
            let (x, y) = (b[0] + r.f() * (b[2] - b[0]), b[1] + r.f() * (b[3] - b[1]));
            assert_eq!(g.far(x, y), poly.distance_to_point([x, y]) > MARGIN_M, "({x}, {y})");
        }
        // Most cells are decided without a distance query.
        let measured = g.cells().iter().filter(|c| **c == Near::Measure).count();
        assert!(measured * 5 < g.cells().len(), "{measured} of {} cells measured", g.cells().len());
    }

    #[test]
    fn causes_are_named() {
        let crs = Crs { def: "EPSG:4547".into() };
        let a = use_box(&crs).expect("area");
        assert!(cause(38_482_000.0, 4_049_000.0, &crs, &a).en.contains("EPSG:4526"));
        assert!(cause(4_049_000.0, 482_000.0, &crs, &a).en.contains("swapped"));
        assert!(cause(482_000.0, -2_500_000.0, &crs, &a).en.contains("check the CRS"));
        let pre = Crs { def: "EPSG:4526".into() };
        let b = use_box(&pre).expect("area");
        assert!(cause(482_000.0, 4_049_000.0, &pre, &b).en.contains("EPSG:4547"));
    }
}
