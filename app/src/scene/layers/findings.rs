//! Findings of a check (layer `findings`, only when the input has a report): an octahedron
//! marker ([`MARKER_M`]) at each finding's position (`Finding::at`), major red, warning yellow,
//! labelled with its rules' names in the user's language; and each working named by a finding highlighted by a slightly
//! thicker tube over it in the colour of its most severe finding.

use super::geom::{self, Legend};
use super::workings::{local_line, RADIUS_M, SIDES};
use crate::scene::style;
use crate::scene::{priority, Input, Label, SceneLayer, Visualizer};
use minehaz_core::rules::{rule_name, Severity};
use std::collections::BTreeMap;

/// Half-size of a finding marker, m.
pub const MARKER_M: f32 = 8.0;
/// Radius of the highlight tube over a working, m.
pub const HIGHLIGHT_RADIUS_M: f32 = RADIUS_M * 1.4;
/// Rules listed in one label before "…".
const LABEL_RULES: usize = 3;

pub struct FindingsVisualizer;

/// A marker: the worst severity at a position, the position (world), the rules found there.
type Marker<'a> = (Severity, [f64; 3], Vec<&'a str>);

impl Visualizer for FindingsVisualizer {
    fn name(&self) -> &'static str {
        "findings"
    }
    fn prepare(&self, input: &Input<'_>) -> Option<SceneLayer> {
        let report = input.report?;
        let mut l = SceneLayer { name: "findings".into(), name_zh: "检查发现".into(), ..Default::default() };
        let mut legend = Legend::default();
        // Markers: one per distinct position (to the centimetre), with the worst severity there.
        let mut at: BTreeMap<[i64; 3], Marker<'_>> = BTreeMap::new();
        let mut worst: BTreeMap<&str, Severity> = BTreeMap::new();
        for f in &report.findings {
            if let Some(p) = f.at.filter(|p| p.iter().all(|c| c.is_finite())) {
                let key = p.map(|c| (c * 100.0).round() as i64);
                let e = at.entry(key).or_insert((f.severity, p, Vec::new()));
                e.0 = e.0.max(f.severity);
                if !e.2.contains(&f.rule) {
                    e.2.push(f.rule);
                }
            }
            if let Some(w) = &f.working {
                let s = worst.entry(w.as_str()).or_insert(f.severity);
                *s = (*s).max(f.severity);
            }
        }
        for (severity, p, rules) in at.values() {
            let color = style::finding(*severity);
            let c = input.local(*p);
            geom::octahedron(&mut l.opaque, c, MARKER_M, color);
            // The rules' names in the user's language (the ids are in the attribute panel and
            // the JSON).
            let names = |lang: minehaz_core::i18n::Lang| {
                let sep = if lang == minehaz_core::i18n::Lang::Zh { "、" } else { ", " };
                let mut t = rules.iter().take(LABEL_RULES).map(|r| rule_name(r, lang)).collect::<Vec<_>>().join(sep);
                if rules.len() > LABEL_RULES {
                    t.push_str(&format!("{sep}…"));
                }
                t
            };
            let text = minehaz_core::i18n::Text {
                zh: names(minehaz_core::i18n::Lang::Zh),
                en: names(minehaz_core::i18n::Lang::En),
            };
            let priority = if *severity == Severity::Major { priority::MAJOR } else { priority::WARNING };
            l.labels.push(Label { pos: geom::add(c, [0.0, 0.0, MARKER_M * 1.5]), text, color, priority });
        }
        for w in &input.survey.layers.workings {
            if let Some(&s) = worst.get(w.id.as_str()) {
                let pts = local_line(input, w);
                geom::tube(&mut l.opaque, &pts, HIGHLIGHT_RADIUS_M, SIDES, style::finding(s));
            }
        }
        let severities = at.values().map(|v| v.0).chain(worst.values().copied());
        for s in severities.collect::<std::collections::BTreeSet<_>>().into_iter().rev() {
            match s {
                Severity::Major => legend.add(style::finding(s), "严重问题", "major finding"),
                Severity::Warning => legend.add(style::finding(s), "警告", "warning"),
            }
        }
        l.legend = legend.into_entries();
        (!l.opaque.indices.is_empty()).then_some(l)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use minehaz_core::i18n::Text;
    use minehaz_core::model::{Working, WorkingKind, WorkingStatus};
    use minehaz_core::rules::{Finding, Level, Levels, Report};

    fn finding(rule: &'static str, severity: Severity, working: Option<&str>, at: Option<[f64; 3]>) -> Finding {
        Finding {
            rule,
            severity,
            planned: false,
            working: working.map(String::from),
            feature: None,
            at,
            measured: None,
            limit: None,
            message: Text::new("", ""),
            basis: Text::new("", ""),
            extra: Vec::new(),
        }
    }

    fn level() -> Level {
        Level { level: "unknown", drivers: Vec::new() }
    }

    #[test]
    fn markers_and_highlights() {
        let mut s = survey();
        s.layers.workings = vec![Working {
            id: "H1".into(),
            name: None,
            kind: WorkingKind::Heading,
            status: WorkingStatus::Active,
            seam: None,
            declared: None,
            updated: None,
            line: vec![[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [20.0, 0.0, 0.0]],
        }];
        let report = Report {
            mine_id: "M".into(),
            mine_name: "M".into(),
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 5, 1).expect("date"),
            levels: Levels { water: level(), gas: level(), burst: level() },
            findings: vec![
                finding("zone.no_mining", Severity::Major, Some("H1"), Some([20.0, 0.0, 0.0])),
                finding("water.exploration", Severity::Warning, Some("H1"), Some([20.0, 0.0, 0.0])),
                finding("hidden.undeclared", Severity::Warning, None, Some([500.0, 0.0, 0.0])),
            ],
            not_evaluated: Vec::new(),
        };
        let opts = Default::default();
        let mut inp = input(&s, [0.0; 3], [0.0, 10.0], &opts);
        assert!(FindingsVisualizer.prepare(&inp).is_none(), "no report, no layer");
        inp.report = Some(&report);
        let l = FindingsVisualizer.prepare(&inp).expect("layer");
        // 2 markers (24 vertices each) + a 3-ring highlight tube.
        assert_eq!(l.opaque.vertices.len(), 2 * 24 + 3 * SIDES);
        let major = style::finding(Severity::Major);
        assert_eq!(l.opaque.vertices.iter().filter(|v| v.color == major).count(), 24 + 3 * SIDES);
        // Rule names in the user's language (Chinese by default); an id without a name stays.
        assert_eq!(l.labels[0].text.zh, "禁采区内作业、water.exploration");
        assert_eq!((l.labels[0].priority, l.labels[1].priority), (priority::MAJOR, priority::WARNING));
        assert_eq!(l.labels[0].color, major);
        assert_eq!(l.labels[1].color, style::finding(Severity::Warning));
        assert_eq!(l.legend.len(), 2);
    }
}
