//! 采矿许可范围 (the licence prism): the boundary polygon (holes are excluded areas) as a
//! wireframe between the licence's `z_top` and `z_bottom` (`survey.toml [licence]`; an open
//! bound takes the scene's z range): a ring at each elevation per polygon ring and a vertical
//! at every vertex. Lines only, so it never hides what is inside.

use super::geom::{self, Legend};
use crate::scene::style;
use crate::scene::{Input, SceneLayer, Visualizer};
use minehaz_core::model::{LayerKind, Licence, ZRange};

pub struct LicenceVisualizer;

impl Visualizer for LicenceVisualizer {
    fn name(&self) -> &'static str {
        Licence::NAME
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let terms = &input.survey.meta.licence;
        let z = geom::z_span(input, &ZRange { floor_m: terms.z_bottom, roof_m: terms.z_top });
        let color = style::licence();
        let mut l = SceneLayer { name: Licence::NAME.into(), name_zh: Licence::NAME_ZH.into(), ..Default::default() };
        for lic in &input.survey.layers.licence {
            for r in geom::rings(&lic.boundary) {
                let pts = geom::ring_coords(r);
                if pts.len() < 3 {
                    continue;
                }
                let bot: Vec<_> = pts.iter().map(|c| input.local([c[0], c[1], z[0]])).collect();
                let top: Vec<_> = pts.iter().map(|c| input.local([c[0], c[1], z[1]])).collect();
                geom::ring(&mut l.lines, &top, color);
                geom::ring(&mut l.lines, &bot, color);
                for (b, t) in bot.iter().zip(&top) {
                    geom::segment(&mut l.lines, *b, *t, color);
                }
            }
        }
        let mut legend = Legend::default();
        legend.add(color, "采矿许可范围", "licence boundary and levels");
        l.legend = legend.into_entries();
        (!l.lines.is_empty()).then_some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::super::prism::tests::square_with_hole;
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn wireframe_between_licence_levels() {
        let mut s = survey();
        s.layers.licence = vec![Licence { id: "L".into(), boundary: square_with_hole() }];
        s.meta.licence.z_top = Some(1150.0);
        let opts = Default::default();
        let l = LicenceVisualizer.prepare(&input(&s, [0.0, 0.0, 1000.0], [700.0, 1300.0], &opts)).expect("layer");
        // 8 ring vertices: top ring, bottom ring, verticals = 24 segments.
        assert_eq!(l.lines.len(), 48);
        let (lo, hi) = bounds(l.lines.iter().map(|v| v.pos));
        assert_eq!((lo[2], hi[2]), (-300.0, 150.0), "open z_bottom clipped to the scene bottom");
        assert!(l.translucent.vertices.is_empty() && l.opaque.vertices.is_empty());
    }
}
