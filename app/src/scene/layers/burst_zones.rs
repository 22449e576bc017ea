//! 冲击地压危险区 (rock-burst zones): translucent prisms coloured by level.

use super::prism::{self, Outline};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::Survey;
use minehaz_core::model::{BurstLevel, BurstZone, LayerKind};

pub struct BurstZonesVisualizer;

impl Visualizer for BurstZonesVisualizer {
    fn name(&self) -> &'static str {
        BurstZone::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        prism::layer(input, BurstZone::NAME, BurstZone::NAME_ZH, self.outlines(input.survey))
    }
    fn outlines<'a>(&self, survey: &'a Survey) -> Vec<Outline<'a>> {
        survey
            .layers
            .burst_zones
            .iter()
            .map(|b| {
                let (zh, en) = match b.level {
                    Some(BurstLevel::None) => ("无冲击危险", "burst: none"),
                    Some(BurstLevel::Weak) => ("弱冲击危险", "burst: weak"),
                    Some(BurstLevel::Medium) => ("中等冲击危险", "burst: medium"),
                    Some(BurstLevel::Strong) => ("强冲击危险", "burst: strong"),
                    None => ("冲击危险等级不明", "burst: level unknown"),
                };
                Outline { outline: &b.outline, z: b.z, color: style::burst_zone(b.level), zh, en }
            })
            .collect()
    }
}
