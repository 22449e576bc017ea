//! 物探异常区 (geophysical anomalies): purple translucent prisms.

use super::prism::{self, Outline};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::Survey;
use minehaz_core::model::{Anomaly, LayerKind};

pub struct AnomaliesVisualizer;

impl Visualizer for AnomaliesVisualizer {
    fn name(&self) -> &'static str {
        Anomaly::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        prism::layer(input, Anomaly::NAME, Anomaly::NAME_ZH, self.outlines(input.survey))
    }
    fn outlines<'a>(&self, survey: &'a Survey) -> Vec<Outline<'a>> {
        survey
            .layers
            .anomalies
            .iter()
            .map(|a| Outline {
                outline: &a.outline,
                z: a.z,
                color: style::anomaly(),
                zh: "物探异常区",
                en: "geophysical anomaly",
            })
            .collect()
    }
}
