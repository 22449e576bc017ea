//! Derived geometry as first-class layers, for QGIS and the renderer (RULES.md "Water lines",
//! "Fault pillar"; 《煤矿防治水细则》 探水线 / 警戒线, 防隔水煤柱; 境界煤柱):
//!
//! | layer | geometry | what |
//! |---|---|---|
//! | `exploration_lines` | Polygon | 探水线: each water source buffered (round) by its exploration offset |
//! | `warning_lines` | Polygon | 警戒线: the exploration offset + `warning_offset_m` |
//! | `fault_pillars` | Polygon | each water-conducting fault's trace buffered by its pillar width |
//! | `boundary_pillar` | Polygon | the band inside the licence boundary (holes included) `boundary_pillar_m` wide |
//! | `heading_cover` | LineString Z | per active heading: from the face along its direction, the allowed advance (0 when uncovered) |
//!
//! Buffers are polygonal approximations of the round buffers the rules measure exactly.

use super::water::{self, SourceGeom};
use super::Ctx;
use crate::model::record::{FieldType, Geom, GeomType, Record, Value};
use crate::model::WorkingKind;
use geo::{BooleanOps, Buffer};
use geo_types::{MultiPolygon, Polygon};

/// One derived layer.
#[derive(Debug, Clone)]
pub struct DerivedLayer {
    pub name: &'static str,
    pub geometry: GeomType,
    pub fields: Vec<(String, FieldType)>,
    pub records: Vec<Record>,
}

fn polygons(mp: MultiPolygon<f64>) -> Vec<Polygon<f64>> {
    mp.0
}

fn rec(i: usize, g: Geom, attrs: Vec<(&str, Value)>) -> Record {
    let mut r = Record::new(i as u64 + 1, Some(g));
    for (k, v) in attrs {
        r.set(k, v);
    }
    r
}

fn buffered(g: &SourceGeom, d: f64) -> Vec<Polygon<f64>> {
    match g {
        SourceGeom::Area(p) => polygons(p.buffer(d)),
        SourceGeom::Trace(l) => polygons(l.buffer(d)),
    }
}

/// Every derived layer of a survey.
pub fn derive(ctx: &Ctx<'_>) -> Vec<DerivedLayer> {
    let text = |s: &str| Value::Text(s.to_string());
    let src_fields = || {
        vec![
            ("source_kind".to_string(), FieldType::Text),
            ("source_id".to_string(), FieldType::Text),
            ("offset_m".to_string(), FieldType::Real),
        ]
    };
    let sources = water::sources(ctx);
    let mut exploration = Vec::new();
    let mut warning = Vec::new();
    for s in &sources {
        for (layer, d) in [(&mut exploration, s.exploration_m), (&mut warning, s.warning_m)] {
            for p in buffered(&s.geometry, d) {
                let n = layer.len();
                layer.push(rec(
                    n,
                    Geom::Polygon(p),
                    vec![
                        ("id", Value::Text(format!("{}:{}#{}", s.kind, s.id, n + 1))),
                        ("source_kind", text(s.kind)),
                        ("source_id", text(&s.id)),
                        ("offset_m", Value::Real(d)),
                    ],
                ));
            }
        }
    }
    let mut pillars = Vec::new();
    for f in ctx.survey.layers.faults.iter().filter(|f| f.water_conducting == Some(true)) {
        let w = super::pillars::fault_pillar_width(ctx.params, f.pressure_mpa, f.pillar_m);
        for p in polygons(super::geom::plan_line(&f.trace).buffer(w)) {
            let n = pillars.len();
            pillars.push(rec(
                n,
                Geom::Polygon(p),
                vec![
                    ("id", Value::Text(format!("{}#{}", f.id, n + 1))),
                    ("fault_id", text(&f.id)),
                    ("width_m", Value::Real(w)),
                ],
            ));
        }
    }
    let mut band = Vec::new();
    if let Some(lic) = ctx.survey.layers.licence.first() {
        let w = ctx.params.get("boundary_pillar_m");
        let inner = lic.boundary.buffer(-w);
        for p in polygons(MultiPolygon(vec![lic.boundary.clone()]).difference(&inner)) {
            let n = band.len();
            band.push(rec(
                n,
                Geom::Polygon(p),
                vec![("id", Value::Text(format!("band#{}", n + 1))), ("width_m", Value::Real(w))],
            ));
        }
    }
    let mut cover = Vec::new();
    for wg in &ctx.workings {
        let Some(face) = wg.face().filter(|f| f.kind == WorkingKind::Heading) else { continue };
        let advance = water::coverage(ctx, wg);
        let len = advance.unwrap_or(0.0).max(0.0);
        let end = [face.b[0] + face.dir[0] * len, face.b[1] + face.dir[1] * len, face.b[2]];
        let n = cover.len();
        cover.push(rec(
            n,
            Geom::Line { coords: vec![face.b, end], has_z: true },
            vec![
                ("id", text(&wg.w.id)),
                ("covered", Value::Int(i64::from(advance.is_some()))),
                ("allowed_advance_m", advance.map_or(Value::Null, Value::Real)),
            ],
        ));
    }
    vec![
        DerivedLayer {
            name: "exploration_lines",
            geometry: GeomType::Polygon,
            fields: src_fields(),
            records: exploration,
        },
        DerivedLayer { name: "warning_lines", geometry: GeomType::Polygon, fields: src_fields(), records: warning },
        DerivedLayer {
            name: "fault_pillars",
            geometry: GeomType::Polygon,
            fields: vec![("fault_id".into(), FieldType::Text), ("width_m".into(), FieldType::Real)],
            records: pillars,
        },
        DerivedLayer {
            name: "boundary_pillar",
            geometry: GeomType::Polygon,
            fields: vec![("width_m".into(), FieldType::Real)],
            records: band,
        },
        DerivedLayer {
            name: "heading_cover",
            geometry: GeomType::LineStringZ,
            fields: vec![("covered".into(), FieldType::Int), ("allowed_advance_m".into(), FieldType::Real)],
            records: cover,
        },
    ]
}
