//! 老空区 (goaf): translucent prisms between z_floor and z_roof, water-bearing ones blue, dry
//! ones brown-grey, unknown slate ([`style::goaf`]).

use super::prism::{self, Outline};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::Survey;
use minehaz_core::model::{Goaf, LayerKind};

pub struct GoafVisualizer;

impl Visualizer for GoafVisualizer {
    fn name(&self) -> &'static str {
        Goaf::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        prism::layer(input, Goaf::NAME, Goaf::NAME_ZH, self.outlines(input.survey))
    }
    fn outlines<'a>(&self, survey: &'a Survey) -> Vec<Outline<'a>> {
        survey
            .layers
            .goaf
            .iter()
            .map(|g| {
                let (zh, en) = match g.water {
                    Some(true) => ("积水老空区", "water-bearing goaf"),
                    Some(false) => ("无积水老空区", "dry goaf"),
                    None => ("积水情况不明老空区", "goaf, water unknown"),
                };
                Outline { outline: &g.outline, z: g.z, color: style::goaf(g.water), zh, en }
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
    fn water_bearing_goaf_is_blue() {
        let mut s = survey();
        let g = |id: &str, water| Goaf {
            id: id.into(),
            name: None,
            seam: None,
            outline: polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0)],
            z: ZRange { floor_m: Some(0.0), roof_m: Some(5.0) },
            water,
            water_level_m: None,
            water_m3: None,
            reliable: None,
            source: None,
        };
        s.layers.goaf = vec![g("G1", Some(true)), g("G2", Some(false))];
        let opts = Default::default();
        let l = GoafVisualizer.prepare(&input(&s, [0.0; 3], [0.0, 10.0], &opts)).expect("layer");
        let wet = style::with_alpha(style::goaf(Some(true)), style::PRISM_ALPHA);
        let dry = style::with_alpha(style::goaf(Some(false)), style::PRISM_ALPHA);
        assert_eq!(l.legend.iter().map(|e| e.color).collect::<Vec<_>>(), vec![wet, dry]);
        let n = l.translucent.vertices.len();
        assert!(l.translucent.vertices[..n / 2].iter().all(|v| v.color == wet));
        assert!(l.translucent.vertices[n / 2..].iter().all(|v| v.color == dry));
    }
}
