//! 化探 samples: water or gas chemistry at a 3D point; any further numeric fields are kept
//! by name, in source order.
use crate::enumerated;
use crate::model::kinds::{record, LayerKind};
use crate::model::record::*;
use crate::text;

enumerated!(GeochemKind { Water = "water", Gas = "gas" });

#[derive(Debug, Clone, PartialEq)]
pub struct Geochem {
    pub id: String,
    pub kind: Option<GeochemKind>,
    pub sampled_at: Option<String>,
    pub pos: [f64; 3],
    /// Measured values by field name (e.g. `tds_mgl`, `so4_mgl`, `ch4_pct`); None = not measured.
    pub values: Vec<(String, Option<f64>)>,
}

impl LayerKind for Geochem {
    const NAME: &'static str = "geochem";
    const NAME_ZH: &'static str = "化探样品";
    const GEOMETRY: GeomType = GeomType::PointZ;
    const FIELDS: &'static [FieldDef] = &[text_field("kind"), date_field("sampled_at")];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let kind = r.enumerated("kind");
        let sampled_at = r.date("sampled_at");
        let mut values = Vec::new();
        for (name, v) in r.extra_fields(Self::FIELDS) {
            let num = match v {
                Value::Null => None,
                Value::Int(i) => Some(i as f64),
                Value::Real(x) => Some(x),
                Value::Text(s) if s.trim().is_empty() => None,
                Value::Text(s) => match s.trim().parse::<f64>() {
                    Ok(x) => Some(x),
                    Err(_) => {
                        r.problems.error(
                            r.at.clone().field(&name),
                            text!("化探字段应为数值: \"{}\"", "geochem fields must be numeric: \"{}\"", s),
                        );
                        None
                    }
                },
            };
            values.push((name, num));
        }
        Some(Self { id, kind, sampled_at, pos: r.point()?, values })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, Geom::Point { pos: self.pos, has_z: true });
        rec.set_text("kind", &self.kind.map(|k| k.as_str().to_string()));
        rec.set_text("sampled_at", &self.sampled_at);
        for (k, v) in &self.values {
            rec.set_real(k, *v);
        }
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn vertices(&self) -> &[[f64; 3]] {
        std::slice::from_ref(&self.pos)
    }
}
