//! Open-pit slope rules (RULES.md `slope.*`): measured bench geometry inside a `slope_design`
//! polygon must not exceed its design (berm: not narrower), within `slope_tolerance`.
//!
//! Basis: 《金属非金属矿山安全规程》GB 16423-2020 and 《金属非金属矿山重大事故隐患判定标准》
//! (边坡角、台阶高度、平台宽度超过设计). This is the hook: the rules take measured bench
//! profiles ([`BenchMeasure`]); measuring them from the LiDAR epochs is the slope-analysis
//! issue's job, so `check` finds none until measurements are supplied.

use super::{Finding, Params, Severity};
use crate::i18n::Text;
use crate::model::Survey;
use crate::text;
use geo::Intersects;
use geo_types::Point;

/// One measured profile of an open-pit wall, in the mine CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchMeasure {
    /// Where it was measured (x, y, z).
    pub at: [f64; 3],
    pub bench_height_m: Option<f64>,
    pub berm_width_m: Option<f64>,
    pub bench_angle_deg: Option<f64>,
    pub overall_angle_deg: Option<f64>,
}

fn basis() -> Text {
    Text::new(
        "GB 16423-2020《金属非金属矿山安全规程》及《金属非金属矿山重大事故隐患判定标准》：边坡台阶高度、平台宽度、坡面角超过设计",
        "GB 16423-2020 and the Criteria for Major Accident Hazards in Metal and Non-metal Mines: bench height, berm width or slope angle beyond the design",
    )
}

/// (rule, measured, design value, design is a maximum, what).
type SlopeCheck = (&'static str, Option<f64>, Option<f64>, bool, Text);

/// Check measured profiles against the slope design polygons containing them.
pub fn check_measures(survey: &Survey, params: &Params, measures: &[BenchMeasure], out: &mut Vec<Finding>) {
    let tol = params.get("slope_tolerance");
    for m in measures {
        let p = Point::new(m.at[0], m.at[1]);
        for d in survey.layers.slope_design.iter().filter(|d| p.intersects(&d.outline)) {
            let checks: [SlopeCheck; 4] = [
                ("slope.bench_height", m.bench_height_m, d.bench_height_max_m, true, text!("台阶高度", "bench height")),
                ("slope.berm_width", m.berm_width_m, d.berm_width_min_m, false, text!("平台宽度", "berm width")),
                (
                    "slope.bench_angle",
                    m.bench_angle_deg,
                    d.bench_angle_max_deg,
                    true,
                    text!("台阶坡面角", "bench face angle"),
                ),
                (
                    "slope.overall_angle",
                    m.overall_angle_deg,
                    d.overall_angle_max_deg,
                    true,
                    text!("最终边坡角", "overall slope angle"),
                ),
            ];
            for (rule, measured, design, max, what) in checks {
                let (Some(v), Some(limit)) = (measured, design) else { continue };
                let bad = if max { v > limit + tol } else { v < limit - tol };
                if bad {
                    out.push(Finding {
                        rule,
                        severity: Severity::Major,
                        planned: false,
                        working: None,
                        feature: Some(d.id.clone()),
                        at: Some(m.at),
                        measured: Some(v),
                        limit: Some(limit),
                        message: text!(
                            "{} 实测{} {:.1}，设计{} {}",
                            "{}: measured {} {:.1}, design {} {}",
                            d.id,
                            what.zh,
                            v,
                            if max { "上限" } else { "下限" },
                            limit
                        ),
                        basis: basis(),
                        extra: Vec::new(),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SlopeDesign;
    use crate::rules::Params;
    use geo_types::polygon;

    #[test]
    fn measured_benches_against_their_design() {
        let mut s = Survey::default();
        s.layers.slope_design.push(SlopeDesign {
            id: "SD-E".into(),
            outline: polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)],
            bench_height_max_m: Some(15.0),
            berm_width_min_m: Some(8.0),
            bench_angle_max_deg: Some(65.0),
            overall_angle_max_deg: Some(45.0),
        });
        let p = Params::default();
        let m = |h, b, a, o| BenchMeasure {
            at: [50.0, 50.0, 1000.0],
            bench_height_m: Some(h),
            berm_width_m: Some(b),
            bench_angle_deg: Some(a),
            overall_angle_deg: Some(o),
        };
        let mut out = Vec::new();
        check_measures(&s, &p, &[m(15.0, 8.0, 65.0, 45.0)], &mut out);
        assert!(out.is_empty(), "at the design values exactly: no finding");
        check_measures(&s, &p, &[m(15.1, 7.9, 65.1, 45.1)], &mut out);
        let rules: Vec<_> = out.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["slope.bench_height", "slope.berm_width", "slope.bench_angle", "slope.overall_angle"]);
        let mut out = Vec::new();
        let far = BenchMeasure { at: [500.0, 50.0, 1000.0], ..m(30.0, 1.0, 80.0, 60.0) };
        check_measures(&s, &p, &[far], &mut out);
        assert!(out.is_empty(), "outside every design polygon");
    }
}
