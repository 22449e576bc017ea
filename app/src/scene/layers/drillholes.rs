//! 超前钻孔 (advance drill holes actually drilled): thin lines along each hole, those that found
//! water in blue.

use super::geom::{self, Legend, V3};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::{Drillhole, LayerKind};

pub struct DrillholesVisualizer;

impl Visualizer for DrillholesVisualizer {
    fn name(&self) -> &'static str {
        Drillhole::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let mut l =
            SceneLayer { name: Drillhole::NAME.into(), name_zh: Drillhole::NAME_ZH.into(), ..Default::default() };
        let mut legend = Legend::default();
        for d in &input.survey.layers.drillholes {
            let color = style::drillhole(d.water_found);
            let pts: Vec<V3> = d.line.iter().map(|p| input.local(*p)).collect();
            geom::polyline(&mut l.lines, &pts, color);
            match d.water_found {
                Some(true) => legend.add(color, "超前钻孔(见水)", "advance drill hole, water found"),
                _ => legend.add(color, "超前钻孔", "advance drill hole"),
            }
        }
        l.legend = legend.into_entries();
        (!l.lines.is_empty()).then_some(l)
    }
}
