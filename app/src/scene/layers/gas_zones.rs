//! 瓦斯富集区 (gas-rich zones): yellow-orange translucent prisms, outburst-prone ones deeper
//! orange.

use super::prism::{self, Outline};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::Survey;
use minehaz_core::model::{GasZone, LayerKind};

pub struct GasZonesVisualizer;

impl Visualizer for GasZonesVisualizer {
    fn name(&self) -> &'static str {
        GasZone::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        prism::layer(input, GasZone::NAME, GasZone::NAME_ZH, self.outlines(input.survey))
    }
    fn outlines<'a>(&self, survey: &'a Survey) -> Vec<Outline<'a>> {
        survey
            .layers
            .gas_zones
            .iter()
            .map(|g| {
                let (zh, en) = match g.outburst_prone {
                    Some(true) => ("突出危险区", "outburst-prone gas zone"),
                    _ => ("瓦斯富集区", "gas-rich zone"),
                };
                Outline { outline: &g.outline, z: g.z, color: style::gas_zone(g.outburst_prone), zh, en }
            })
            .collect()
    }
}
