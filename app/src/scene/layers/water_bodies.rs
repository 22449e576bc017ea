//! 含水体 (water bodies: aquifers, surface water, karst …): cyan translucent prisms.

use super::prism::{self, Outline};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::Survey;
use minehaz_core::model::{LayerKind, WaterBody};

pub struct WaterBodiesVisualizer;

impl Visualizer for WaterBodiesVisualizer {
    fn name(&self) -> &'static str {
        WaterBody::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        prism::layer(input, WaterBody::NAME, WaterBody::NAME_ZH, self.outlines(input.survey))
    }
    fn outlines<'a>(&self, survey: &'a Survey) -> Vec<Outline<'a>> {
        survey
            .layers
            .water_bodies
            .iter()
            .map(|b| Outline {
                outline: &b.outline,
                z: b.z,
                color: style::water_body(),
                zh: "含水体",
                en: "water body",
            })
            .collect()
    }
}
