//! The plan's outputs: JSON (`minehaz-plan/1`, PLANNING.md "Command and outputs") and the two
//! layers `planned_drillholes` and `stop_points`.

use super::{Hole, Plan};
use crate::i18n::Lang;
use crate::io::output::OutputLayer;
use crate::model::record::Enumerated;
use crate::model::{LayerKind, PlannedDrillhole, StopPoint};
use serde_json::{json, Value};

fn hole_json(h: &Hole) -> Value {
    json!({
        "id": h.id,
        "purpose": h.purpose.as_str(),
        "collar": h.collar,
        "end": h.end,
        "azimuth_deg": h.azimuth_deg,
        "inclination_deg": h.inclination_deg,
        "length_m": h.length_m,
        "casing_m": h.casing_m,
        "projection_m": h.projection_m,
        "lateral_m": h.lateral_m,
        "row": h.row,
        "sources": h.sources,
    })
}

/// The JSON document of a plan; messages in `lang`. Keys beyond the contract's (reasons,
/// pressure, rows, notes, each hole's projection and lateral …) are extensions.
pub fn to_json(p: &Plan, lang: Lang) -> Value {
    json!({
        "format": "minehaz-plan/1",
        "mine": {"id": p.mine_id, "name": p.mine_name},
        "as_of": p.as_of.format("%Y-%m-%d").to_string(),
        "fans": p.fans.iter().map(|f| json!({
            "id": f.id,
            "heading": f.heading,
            "sources": f.sources,
            "case": f.case.as_str(),
            "reasons": f.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            "face": f.face,
            "direction": f.dir,
            "pressure_mpa": f.pressure_mpa,
            "pressure_known": f.pressure_known,
            "rows": f.rows,
            "holes": f.holes.iter().map(hole_json).collect::<Vec<_>>(),
            "allowed_advance_m": f.allowed_advance_m,
            "stop_at": f.stop_at,
            "requires_bulkhead": f.requires_bulkhead,
            "drain_first": f.drain_first,
            "water_entry_m": f.water_entry_m,
        })).collect::<Vec<_>>(),
        "drainage": p.drainage.iter().map(|d| json!({
            "goaf": d.goaf,
            "heading": d.heading,
            "fan": d.fan,
            "water_m3": d.water_m3,
            "required": d.required,
            "holes": d.holes.iter().map(hole_json).collect::<Vec<_>>(),
            "days": d.days,
        })).collect::<Vec<_>>(),
        "warnings": p.warnings.iter().map(|w| json!({
            "rule": w.rule,
            "heading": w.heading,
            "feature": w.feature,
            "message": w.message.get(lang),
        })).collect::<Vec<_>>(),
        "notes": p.notes.iter().map(|n| n.get(lang)).collect::<Vec<_>>(),
    })
}

fn layer_of<K: LayerKind>(items: &[K]) -> OutputLayer {
    OutputLayer {
        name: K::NAME.to_string(),
        geometry: K::GEOMETRY,
        fields: K::FIELDS.iter().map(|f| (f.name.to_string(), f.ty)).collect(),
        records: items.iter().map(K::write).collect(),
    }
}

/// `planned_drillholes` and `stop_points` of the plan, in the store's schema.
pub fn layers(p: &Plan) -> Vec<OutputLayer> {
    vec![layer_of::<PlannedDrillhole>(&p.planned_drillholes()), layer_of::<StopPoint>(&p.stop_points())]
}
