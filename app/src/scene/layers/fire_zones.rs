//! 火区 (fire zones): red-orange translucent prisms, sealed ones darker.

use super::prism::{self, Outline};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::Survey;
use minehaz_core::model::{FireZone, LayerKind};

pub struct FireZonesVisualizer;

impl Visualizer for FireZonesVisualizer {
    fn name(&self) -> &'static str {
        FireZone::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        prism::layer(input, FireZone::NAME, FireZone::NAME_ZH, self.outlines(input.survey))
    }
    fn outlines<'a>(&self, survey: &'a Survey) -> Vec<Outline<'a>> {
        survey
            .layers
            .fire_zones
            .iter()
            .map(|f| {
                let (zh, en) = match f.sealed {
                    Some(true) => ("已封闭火区", "sealed fire zone"),
                    _ => ("火区", "fire zone"),
                };
                Outline { outline: &f.outline, z: f.z, color: style::fire_zone(f.sealed), zh, en }
            })
            .collect()
    }
}
