//! Derived geometry as layers, for QGIS, CAD and the renderer (RULES.md "Water lines", "Fault
//! pillar"; 《煤矿防治水细则》 探水线 / 警戒线, 防隔水煤柱; 境界煤柱). Everything here is taken
//! from the [`Assessment`] — the sources, offsets, pillar widths and cover the rules used —
//! and only buffered here.
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

use super::context::Prepared;
use super::water::SourceGeom;
use super::{Assessment, Params};
use crate::io::output::OutputLayer;
use crate::model::record::{FieldType, Geom, GeomType, Record, Value};
use crate::model::Survey;
use geo::{BooleanOps, Buffer};
use geo_types::{MultiPolygon, Polygon};
use rayon::prelude::*;

/// The buffered lines and pillars of a mine.
#[derive(Debug, Clone, Default)]
pub struct Buffers {
    /// (index into the assessment's sources, polygon) of every exploration line (探水线).
    pub exploration: Vec<(usize, Polygon<f64>)>,
    /// (source index, polygon) of every warning line (警戒线).
    pub warning: Vec<(usize, Polygon<f64>)>,
    /// (index into the prepared faults, polygon) of every fault pillar.
    pub fault_pillars: Vec<(usize, Polygon<f64>)>,
    /// The boundary pillar band (境界煤柱) inside the licence.
    pub boundary_band: Vec<Polygon<f64>>,
    pub boundary_pillar_m: f64,
}

fn buffered(g: &SourceGeom, d: f64) -> Vec<Polygon<f64>> {
    match g {
        SourceGeom::Area(p) => p.buffer(d).0,
        SourceGeom::Trace(l) => l.buffer(d).0,
    }
}

impl Buffers {
    pub fn new(survey: &Survey, params: &Params, prep: &Prepared) -> Self {
        type Pair = (Vec<Polygon<f64>>, Vec<Polygon<f64>>);
        let per_source: Vec<Pair> = prep
            .sources
            .par_iter()
            .map(|s| {
                (buffered(&s.source.geometry, s.source.exploration_m), buffered(&s.source.geometry, s.source.warning_m))
            })
            .collect();
        let mut exploration = Vec::new();
        let mut warning = Vec::new();
        for (i, (e, w)) in per_source.into_iter().enumerate() {
            exploration.extend(e.into_iter().map(|p| (i, p)));
            warning.extend(w.into_iter().map(|p| (i, p)));
        }
        // The prepared faults (water-conducting, with their pillar widths): the pillar rule's own.
        let fault_pillars: Vec<(usize, Polygon<f64>)> = prep
            .faults
            .iter()
            .enumerate()
            .flat_map(|(i, fp)| fp.line.buffer(fp.width_m).0.into_iter().map(move |p| (i, p)))
            .collect();
        let boundary_pillar_m = params.get("boundary_pillar_m");
        let boundary_band = survey
            .layers
            .licence
            .first()
            .map(|lic| {
                let inner = lic.boundary.buffer(-boundary_pillar_m);
                MultiPolygon(vec![lic.boundary.clone()]).difference(&inner).0
            })
            .unwrap_or_default();
        Self { exploration, warning, fault_pillars, boundary_band, boundary_pillar_m }
    }
}

fn rec(i: usize, g: Geom, attrs: Vec<(&str, Value)>) -> Record {
    let mut r = Record::new(i as u64 + 1, Some(g));
    for (k, v) in attrs {
        r.set(k, v);
    }
    r
}

/// Every derived layer of an assessment, as layers to write.
pub fn layers(a: &Assessment) -> Vec<OutputLayer> {
    let text = |s: &str| Value::Text(s.to_string());
    let src_fields = || {
        vec![
            ("source_kind".to_string(), FieldType::Text),
            ("source_id".to_string(), FieldType::Text),
            ("offset_m".to_string(), FieldType::Real),
        ]
    };
    let b = a.buffers();
    let sources = &a.prepared().sources;
    let lines = |polys: &[(usize, Polygon<f64>)], offset: &dyn Fn(usize) -> f64| -> Vec<Record> {
        polys
            .iter()
            .enumerate()
            .map(|(n, (i, p))| {
                let s = &sources[*i].source;
                rec(
                    n,
                    Geom::Polygon(p.clone()),
                    vec![
                        ("id", Value::Text(format!("{}:{}#{}", s.kind, s.id, n + 1))),
                        ("source_kind", text(s.kind)),
                        ("source_id", text(&s.id)),
                        ("offset_m", Value::Real(offset(*i))),
                    ],
                )
            })
            .collect()
    };
    let exploration = lines(&b.exploration, &|i| sources[i].source.exploration_m);
    let warning = lines(&b.warning, &|i| sources[i].source.warning_m);
    let faults = &a.prepared().faults;
    let pillars = b
        .fault_pillars
        .iter()
        .enumerate()
        .map(|(n, (i, p))| {
            let f = &faults[*i];
            rec(
                n,
                Geom::Polygon(p.clone()),
                vec![
                    ("id", Value::Text(format!("{}#{}", f.id, n + 1))),
                    ("fault_id", text(&f.id)),
                    ("width_m", Value::Real(f.width_m)),
                ],
            )
        })
        .collect();
    let band = b
        .boundary_band
        .iter()
        .enumerate()
        .map(|(n, p)| {
            rec(
                n,
                Geom::Polygon(p.clone()),
                vec![("id", Value::Text(format!("band#{}", n + 1))), ("width_m", Value::Real(b.boundary_pillar_m))],
            )
        })
        .collect();
    let cover = a
        .covers()
        .enumerate()
        .map(|(n, c)| {
            let len = c.allowed_advance_m.unwrap_or(0.0).max(0.0);
            let end = [c.face[0] + c.dir[0] * len, c.face[1] + c.dir[1] * len, c.face[2]];
            rec(
                n,
                Geom::Line { coords: vec![c.face, end], has_z: true },
                vec![
                    ("id", text(&c.heading)),
                    ("covered", Value::Int(i64::from(c.allowed_advance_m.is_some()))),
                    ("allowed_advance_m", c.allowed_advance_m.map_or(Value::Null, Value::Real)),
                ],
            )
        })
        .collect();
    let layer =
        |name: &str, geometry, fields, records| OutputLayer { name: name.to_string(), geometry, fields, records };
    vec![
        layer("exploration_lines", GeomType::Polygon, src_fields(), exploration),
        layer("warning_lines", GeomType::Polygon, src_fields(), warning),
        layer(
            "fault_pillars",
            GeomType::Polygon,
            vec![("fault_id".into(), FieldType::Text), ("width_m".into(), FieldType::Real)],
            pillars,
        ),
        layer("boundary_pillar", GeomType::Polygon, vec![("width_m".into(), FieldType::Real)], band),
        layer(
            "heading_cover",
            GeomType::LineStringZ,
            vec![("covered".into(), FieldType::Int), ("allowed_advance_m".into(), FieldType::Real)],
            cover,
        ),
    ]
}
