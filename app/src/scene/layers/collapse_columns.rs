//! 陷落柱 (collapse columns): translucent prisms, water-conducting ones blue-teal.

use super::prism::{self, Outline};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::Survey;
use minehaz_core::model::{CollapseColumn, LayerKind};

pub struct CollapseColumnsVisualizer;

impl Visualizer for CollapseColumnsVisualizer {
    fn name(&self) -> &'static str {
        CollapseColumn::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        prism::layer(input, CollapseColumn::NAME, CollapseColumn::NAME_ZH, self.outlines(input.survey))
    }
    fn outlines<'a>(&self, survey: &'a Survey) -> Vec<Outline<'a>> {
        survey
            .layers
            .collapse_columns
            .iter()
            .map(|c| {
                let (zh, en) = match c.water_conducting {
                    Some(true) => ("导水陷落柱", "water-conducting collapse column"),
                    _ => ("陷落柱", "collapse column"),
                };
                Outline { outline: &c.outline, z: c.z, color: style::collapse_column(c.water_conducting), zh, en }
            })
            .collect()
    }
}
