//! Zone marking (可采 / 缓采 / 禁采区): the form a geologist fills in, snapping of clicked
//! vertices to existing features, and the conversion of the form to a core `Zone`. Validation
//! of the zone itself (polygon validity, z order, unique id) is core's (`io::edit`), never
//! repeated here: this only parses what was typed.

use minehaz_core::i18n::Text;
use minehaz_core::model::{Hazard, ZRange, Zone, ZoneClass};
use minehaz_core::text;

/// Layers whose vertices a new zone's vertices snap to.
pub const SNAP_LAYERS: &[&str] = &["licence", "goaf", "zones", "workings"];
/// Snapping distance, pixels.
pub const SNAP_PX: f32 = 8.0;

/// The zone form.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneForm {
    /// The id of the zone being edited; None for a new zone.
    pub editing: Option<String>,
    pub class: ZoneClass,
    pub hazard: Option<Hazard>,
    pub basis: String,
    /// Typed elevations, m (empty = open).
    pub z_floor: String,
    pub z_roof: String,
    pub author: String,
    pub treated: Option<bool>,
    /// The outline (world x, y), without the closing vertex.
    pub outline: Vec<[f64; 2]>,
    /// The mark date of the zone being edited (kept).
    pub marked_at: Option<String>,
}

impl ZoneForm {
    /// A form for a new zone with this outline.
    pub fn new(outline: Vec<[f64; 2]>, author: String) -> Self {
        Self {
            editing: None,
            class: ZoneClass::NoMining,
            hazard: None,
            basis: String::new(),
            z_floor: String::new(),
            z_roof: String::new(),
            author,
            treated: None,
            outline,
            marked_at: None,
        }
    }

    /// A form filled from an existing zone.
    pub fn edit(z: &Zone, author: String) -> Self {
        let mut outline: Vec<[f64; 2]> = z.outline.exterior().0.iter().map(|c| [c.x, c.y]).collect();
        if outline.len() > 1 && outline.first() == outline.last() {
            outline.pop();
        }
        let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        Self {
            editing: Some(z.id.clone()),
            class: z.class,
            hazard: z.hazard,
            basis: z.basis.clone().unwrap_or_default(),
            z_floor: num(z.z.floor_m),
            z_roof: num(z.z.roof_m),
            author: z.author.clone().filter(|a| !a.is_empty()).unwrap_or(author),
            treated: z.treated,
            outline,
            marked_at: z.marked_at.clone(),
        }
    }

    /// The zone this form describes. Only typing errors are reported here (a number that is
    /// not one, an empty author); everything else is validated by core when it is saved.
    pub fn to_zone(&self, id: &str, today: &str) -> Result<Zone, Text> {
        let num = |s: &str, field: &str| -> Result<Option<f64>, Text> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            s.parse::<f64>().map(Some).map_err(|_| text!("{}: 不是数字: \"{}\"", "{}: not a number: \"{}\"", field, s))
        };
        if self.author.trim().is_empty() {
            return Err(text!("请填写标注人", "the author is required"));
        }
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(Zone {
            id: id.to_string(),
            class: self.class,
            hazard: self.hazard,
            basis: opt(&self.basis),
            treated: self.treated,
            outline: super::pick::polygon(&self.outline),
            z: ZRange { floor_m: num(&self.z_floor, "z_floor")?, roof_m: num(&self.z_roof, "z_roof")? },
            author: opt(&self.author),
            marked_at: Some(self.marked_at.clone().unwrap_or_else(|| today.to_string())),
        })
    }
}

/// `p` moved to the nearest candidate within `tol_m`, else `p` itself.
pub fn snap(p: [f64; 2], candidates: &[[f64; 2]], tol_m: f64) -> [f64; 2] {
    candidates
        .iter()
        .map(|c| ((c[0] - p[0]).hypot(c[1] - p[1]), *c))
        .filter(|(d, _)| *d <= tol_m)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(p, |(_, c)| c)
}

/// 中文 / English names of the zone classes and hazards, for the form.
pub fn class_label(c: ZoneClass) -> (&'static str, &'static str) {
    match c {
        ZoneClass::Mineable => ("可采区", "mineable"),
        ZoneClass::Deferred => ("缓采区", "deferred"),
        ZoneClass::NoMining => ("禁采区", "no mining"),
    }
}

pub fn hazard_label(h: Option<Hazard>) -> (&'static str, &'static str) {
    match h {
        None => ("未指定", "unspecified"),
        Some(Hazard::Water) => ("水害", "water"),
        Some(Hazard::Gas) => ("瓦斯", "gas"),
        Some(Hazard::Burst) => ("冲击地压", "rock burst"),
        Some(Hazard::Fire) => ("火灾", "fire"),
        Some(Hazard::Other) => ("其他", "other"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snaps_to_the_nearest_vertex_within_tolerance() {
        let c = [[0.0, 0.0], [10.0, 0.0]];
        assert_eq!(snap([7.0, 1.0], &c, 5.0), [10.0, 0.0]);
        assert_eq!(snap([5.0, 9.0], &c, 5.0), [5.0, 9.0]);
    }

    #[test]
    fn form_round_trips_a_zone_and_reports_typing_errors() {
        let mut f = ZoneForm::new(vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]], "张工".into());
        f.z_floor = " 900 ".into();
        f.hazard = Some(Hazard::Water);
        let z = f.to_zone("ZM-1", "2026-11-29").expect("valid");
        assert_eq!(z.z.floor_m, Some(900.0));
        assert_eq!(z.z.roof_m, None);
        assert_eq!(z.outline.exterior().0.len(), 4, "closed ring");
        assert_eq!(z.marked_at.as_deref(), Some("2026-11-29"));
        let back = ZoneForm::edit(&z, "someone".into());
        assert_eq!(back.outline, f.outline);
        assert_eq!(back.author, "张工");
        assert_eq!(back.to_zone("ZM-1", "2030-01-01"), Ok(z), "the mark date is kept");
        f.z_roof = "abc".into();
        assert!(f.to_zone("ZM-1", "2026-11-29").expect_err("bad").en.contains("z_roof"));
    }
}
