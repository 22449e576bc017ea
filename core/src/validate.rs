//! Validation of a whole survey: unique ids, valid geometry (self-intersections reported with
//! their location), ordered z bounds (checked at read), and plausible values. Every problem is
//! reported, not only the first.

use crate::error::{Location, Problems};
use crate::model::{LayerKind, LayerVisitor, Survey};
use crate::text;
use geo::algorithm::Validation;
use std::collections::HashSet;

/// Append every problem of `survey` to `ps`.
pub fn validate(survey: &Survey, ps: &mut Problems) {
    struct V<'a> {
        survey: &'a Survey,
        ps: &'a mut Problems,
    }
    impl LayerVisitor for V<'_> {
        fn visit<K: LayerKind>(&mut self, items: &[K]) {
            let file = self.survey.layer_files.get(K::NAME).cloned().unwrap_or_default();
            let at = |id: &str| Location::file(&file).layer(K::NAME).feature(id);
            let mut seen = HashSet::new();
            for f in items {
                if !seen.insert(f.id()) {
                    self.ps.error(at(f.id()).field("id"), text!("要素编号重复: {}", "duplicate id: {}", f.id()));
                }
                if let Some(crate::model::record::Geom::Polygon(p)) = f.write().geom {
                    check_polygon(&p, at(f.id()), self.ps);
                }
            }
        }
    }
    survey.layers.visit(&mut V { survey, ps });
    if survey.layers.licence.len() > 1 {
        let file = survey.layer_files.get("licence").cloned().unwrap_or_default();
        ps.error(
            Location::file(file).layer("licence"),
            text!(
                "采矿许可范围应为一个面，实有 {} 个",
                "the licence must be one polygon, found {}",
                survey.layers.licence.len()
            ),
        );
    }
    for w in &survey.layers.workings {
        for c in &w.line {
            if !(-3000.0..=9000.0).contains(&c[2]) {
                let file = survey.layer_files.get("workings").cloned().unwrap_or_default();
                ps.error(
                    Location::file(file).layer("workings").feature(&w.id).field("geometry"),
                    text!("顶点高程 {} m 不合理", "implausible vertex elevation {} m", c[2]),
                );
                break;
            }
        }
    }
}

/// Report an invalid polygon (self-intersection, too few points, bad ring) at `at`.
pub fn check_polygon(p: &geo_types::Polygon<f64>, at: Location, ps: &mut Problems) {
    if p.exterior().0.len() < 4 {
        ps.error(
            at.field("geometry"),
            text!("面的外环少于 3 个顶点", "the polygon's outer ring has fewer than 3 vertices"),
        );
        return;
    }
    let mut reasons = Vec::new();
    p.visit_validation(Box::new(|e| {
        reasons.push(e.to_string());
        Ok::<(), ()>(())
    }))
    .ok();
    if !reasons.is_empty() {
        ps.error(at.field("geometry"), text!("几何无效: {}", "invalid geometry: {}", reasons.join("; ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::polygon;

    #[test]
    fn self_intersecting_polygon_is_reported_with_its_location() {
        let bow =
            polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 10.0), (x: 10.0, y: 0.0), (x: 0.0, y: 10.0), (x: 0.0, y: 0.0)];
        let mut ps = Problems::default();
        check_polygon(&bow, Location::default().layer("goaf").feature("G9"), &mut ps);
        assert_eq!(ps.0.len(), 1);
        assert!(ps.0[0].text.en.contains("invalid geometry"), "{}", ps.0[0].text.en);
        assert_eq!(ps.0[0].at.feature.as_deref(), Some("G9"));
        let ok = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 0.0)];
        let mut ps = Problems::default();
        check_polygon(&ok, Location::default(), &mut ps);
        assert!(ps.0.is_empty());
    }
}
