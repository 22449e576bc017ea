//! 可采 / 缓采 / 禁采区 (zones): translucent prisms, mineable green, deferred amber, no-mining
//! red.

use super::prism::{self, Outline};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::Survey;
use minehaz_core::model::{LayerKind, Zone, ZoneClass};

pub struct ZonesVisualizer;

impl Visualizer for ZonesVisualizer {
    fn name(&self) -> &'static str {
        Zone::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        prism::layer(input, Zone::NAME, Zone::NAME_ZH, self.outlines(input.survey))
    }
    fn outlines<'a>(&self, survey: &'a Survey) -> Vec<Outline<'a>> {
        survey
            .layers
            .zones
            .iter()
            .map(|z| {
                let (zh, en) = match z.class {
                    ZoneClass::Mineable => ("可采区", "mineable"),
                    ZoneClass::Deferred => ("缓采区", "deferred"),
                    ZoneClass::NoMining => ("禁采区", "no mining"),
                };
                Outline { outline: &z.outline, z: z.z, color: style::zone_class(z.class), zh, en }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use geo_types::polygon;
    use minehaz_core::model::ZRange;

    #[test]
    fn zone_classes_use_style_colours() {
        let mut s = survey();
        let z = |id: &str, class, x: f64| Zone {
            id: id.into(),
            class,
            hazard: None,
            basis: None,
            treated: None,
            outline: polygon![(x: x, y: 0.0), (x: x + 10.0, y: 0.0), (x: x + 10.0, y: 10.0), (x: x, y: 10.0)],
            z: ZRange::default(),
            author: None,
            marked_at: None,
        };
        s.layers.zones = vec![
            z("Z1", ZoneClass::Mineable, 0.0),
            z("Z2", ZoneClass::Deferred, 20.0),
            z("Z3", ZoneClass::NoMining, 40.0),
        ];
        let opts = Default::default();
        let l = ZonesVisualizer.prepare(&input(&s, [0.0; 3], [0.0, 10.0], &opts)).expect("layer");
        assert_eq!(l.name, "zones");
        for (entry, class) in l.legend.iter().zip([ZoneClass::Mineable, ZoneClass::Deferred, ZoneClass::NoMining]) {
            assert_eq!(entry.color, style::with_alpha(style::zone_class(class), style::PRISM_ALPHA));
        }
        assert_eq!(l.legend.len(), 3);
        // Each zone's vertices carry its class colour; its edges the darker shade.
        for v in &l.translucent.vertices {
            let class = match v.pos[0] {
                x if x <= 10.0 => ZoneClass::Mineable,
                x if x <= 30.0 => ZoneClass::Deferred,
                _ => ZoneClass::NoMining,
            };
            assert_eq!(v.color, style::with_alpha(style::zone_class(class), style::PRISM_ALPHA));
        }
        assert!(l.lines.iter().all(|v| v.color[3] == 1.0));
    }
}
