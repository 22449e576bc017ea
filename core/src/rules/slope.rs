//! Open-pit slope rules (RULES.md `slope.*`, SLOPES.md): the bench geometry measured from the
//! latest LiDAR epoch inside each `slope_design` polygon must not exceed its design (berm: not
//! narrower), within `slope_tolerance`; monitoring points must not move too fast or accelerate;
//! every sector must be monitored.
//!
//! Basis: 《金属非金属矿山安全规程》GB 16423-2020, 《金属非金属矿山重大事故隐患判定标准》
//! (边坡角、台阶高度、平台宽度超过设计), GB 51214 (露天矿边坡监测：10 mm/d), 矿安〔2022〕88号
//! (变形呈加速趋势). The measurement is [`crate::slope`]'s; this file turns it into findings.

use super::{Ctx, Finding, NotEvaluated, Params, Severity};
use crate::i18n::Text;
use crate::model::Survey;
use crate::slope::{monitor, Measurement};
use crate::text;
use geo::Intersects;
use geo_types::Point;

fn basis() -> Text {
    Text::new(
        "GB 16423-2020《金属非金属矿山安全规程》及《金属非金属矿山重大事故隐患判定标准》：边坡台阶高度、平台宽度、坡面角超过设计",
        "GB 16423-2020 and the Criteria for Major Accident Hazards in Metal and Non-metal Mines: bench height, berm width or slope angle beyond the design",
    )
}

/// (rule, measured, design value, design is a maximum, what).
type SlopeCheck = (&'static str, Option<crate::slope::bench::Measured>, Option<f64>, bool, Text);

/// The findings of the measured sectors.
pub fn measured(survey: &Survey, params: &Params, m: &Measurement) -> Vec<Finding> {
    let tol = params.get("slope_tolerance");
    let mut out = Vec::new();
    for (d, sec) in survey.layers.slope_design.iter().zip(&m.sectors) {
        let sm = &sec.measure;
        let checks: [SlopeCheck; 4] = [
            ("slope.bench_height", sm.bench_height, d.bench_height_max_m, true, text!("台阶高度", "bench height")),
            ("slope.berm_width", sm.berm_width, d.berm_width_min_m, false, text!("平台宽度", "berm width")),
            ("slope.bench_angle", sm.bench_angle, d.bench_angle_max_deg, true, text!("台阶坡面角", "bench face angle")),
            (
                "slope.overall_angle",
                sm.overall_angle,
                d.overall_angle_max_deg,
                true,
                text!("总体边坡角", "overall slope angle"),
            ),
        ];
        for (rule, measured, design, max, what) in checks {
            let (Some(v), Some(limit)) = (measured, design) else { continue };
            let bad = if max { v.value > limit + tol } else { v.value < limit - tol };
            if !bad {
                continue;
            }
            let pct = params.get("slope_percentile");
            out.push(Finding {
                rule,
                severity: Severity::Major,
                planned: false,
                working: None,
                feature: Some(d.id.clone()),
                at: Some(v.at),
                measured: Some(v.value),
                limit: Some(limit),
                message: Text::new(
                    format!(
                        "边坡分区 {} 实测{} {:.2}（{} 期点云，{} 条剖面的第 {} 百分位），设计{} {}",
                        d.id,
                        what.zh,
                        v.value,
                        m.epoch,
                        sm.with_benches,
                        pct,
                        if max { "上限" } else { "下限" },
                        limit
                    ),
                    format!(
                        "slope sector {}: measured {} {:.2} (epoch {}, percentile {} over {} profiles), design {} {}",
                        d.id,
                        what.en,
                        v.value,
                        m.epoch,
                        pct,
                        sm.with_benches,
                        if max { "maximum" } else { "minimum" },
                        limit
                    ),
                ),
                basis: basis(),
                extra: Vec::new(),
            });
        }
    }
    out
}

/// The measured rules that could not run, with why: every rule of the sectors that could not be
/// measured (the berm rule alone for sectors measured without berms).
pub fn measured_not_evaluated(m: &Measurement) -> Vec<NotEvaluated> {
    let mut out = Vec::new();
    for rule in crate::slope::MEASURED_RULES {
        let why: Vec<&Text> = m
            .sectors
            .iter()
            .filter(|s| {
                let missing = match rule {
                    "slope.bench_height" => s.measure.bench_height.is_none(),
                    "slope.berm_width" => s.measure.berm_width.is_none(),
                    "slope.bench_angle" => s.measure.bench_angle.is_none(),
                    _ => s.measure.overall_angle.is_none(),
                };
                missing && s.unmeasured.is_some()
            })
            .filter_map(|s| s.unmeasured.as_ref())
            .collect();
        if !why.is_empty() {
            let zh: Vec<&str> = why.iter().map(|t| t.zh.as_ref()).collect();
            let en: Vec<&str> = why.iter().map(|t| t.en.as_ref()).collect();
            out.push(NotEvaluated { rule, reason: Text::new(zh.join("；"), en.join("; ")) });
        }
    }
    out
}

fn monitoring_basis() -> Text {
    Text::new(
        "GB 51214-2017《煤炭工业露天矿边坡工程监测规范》、矿安〔2022〕88号：边坡位移速率超限或呈加速趋势须预警撤人；边坡应在线监测",
        "GB 51214-2017 and 矿安〔2022〕88号: slope displacement faster than the limit or accelerating calls for warning and withdrawal; slopes must be monitored online",
    )
}

/// The end of the as-of day in the readings' offset (+08:00 when there are none).
pub fn as_of_instant(s: &Survey, as_of: chrono::NaiveDate) -> chrono::DateTime<chrono::FixedOffset> {
    let off = s
        .slope_points
        .first()
        .map_or_else(|| chrono::FixedOffset::east_opt(8 * 3600).expect("+8"), |r| *r.time.offset());
    let end = as_of.and_hms_milli_opt(23, 59, 59, 999).expect("valid time");
    end.and_local_timezone(off).single().expect("fixed offset")
}

/// The monitoring findings as of a time: `slope.displacement_rate`, `slope.accelerating`,
/// `slope.monitoring_missing`.
pub fn monitoring(ctx: &Ctx<'_>, at: chrono::DateTime<chrono::FixedOffset>) -> Vec<Finding> {
    let (s, p) = (ctx.survey, ctx.params);
    let window = p.get("slope_rate_window_h");
    let (warn, alarm) = (p.get("slope_rate_warn_mm_d"), p.get("slope_rate_alarm_mm_d"));
    let states = monitor::states(&s.slope_points, at, window);
    let mut out = Vec::new();
    for st in &states {
        let Some(v) = st.velocity_mm_d else { continue };
        if v >= warn {
            let (severity, limit) = if v >= alarm { (Severity::Major, alarm) } else { (Severity::Warning, warn) };
            out.push(Finding {
                rule: "slope.displacement_rate",
                severity,
                planned: false,
                working: None,
                feature: Some(st.point_id.clone()),
                at: Some(st.last_pos),
                measured: Some(v),
                limit: Some(limit),
                message: text!(
                    "边坡监测点 {} 位移速率 {:.1} mm/d（近 {} h，截至 {}），超过{}值 {} mm/d；累计位移 {:.1} mm",
                    "slope monitoring point {}: displacement rate {:.1} mm/d (last {} h, to {}), above the {} threshold {} mm/d; total {:.1} mm",
                    st.point_id,
                    v,
                    window,
                    st.last_time.to_rfc3339(),
                    if severity == Severity::Major { "报警" } else { "预警" },
                    limit,
                    st.displacement_mm
                ),
                basis: monitoring_basis(),
                extra: Vec::new(),
            });
        }
        if st.accelerating(warn) {
            let failure = st.predicted_failure(window);
            let [v1, v2, v3] = st.windows_mm_d.map(|v| v.unwrap_or(f64::NAN));
            let when = failure.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            out.push(Finding {
                rule: "slope.accelerating",
                severity: Severity::Major,
                planned: false,
                working: None,
                feature: Some(st.point_id.clone()),
                at: Some(st.last_pos),
                measured: Some(v3),
                limit: Some(2.0 * v1),
                message: text!(
                    "边坡监测点 {} 变形呈加速趋势：连续三个 {} h 时段速率 {:.1} → {:.1} → {:.1} mm/d；反速度法预测破坏时间 {}",
                    "slope monitoring point {}: accelerating displacement, three {} h windows at {:.1} → {:.1} → {:.1} mm/d; inverse-velocity failure time {}",
                    st.point_id,
                    window,
                    v1,
                    v2,
                    v3,
                    when.clone().unwrap_or_else(|| "—".into())
                ),
                basis: monitoring_basis(),
                extra: vec![("predicted_failure", when.map_or(serde_json::Value::Null, serde_json::Value::String))],
            });
        }
    }
    let gap = chrono::Duration::milliseconds((p.get("monitoring_max_gap_h") * 3_600_000.0) as i64);
    for d in &s.layers.slope_design {
        let watched = states
            .iter()
            .any(|st| st.last_time >= at - gap && Point::new(st.last_pos[0], st.last_pos[1]).intersects(&d.outline));
        if !watched {
            out.push(Finding {
                rule: "slope.monitoring_missing",
                severity: Severity::Warning,
                planned: false,
                working: None,
                feature: Some(d.id.clone()),
                at: None,
                measured: None,
                limit: Some(p.get("monitoring_max_gap_h")),
                message: text!(
                    "边坡分区 {} 内没有 {} h 内有读数的监测点（截至 {}）",
                    "slope sector {}: no monitoring point with a reading in the {} h before {}",
                    d.id,
                    p.get("monitoring_max_gap_h"),
                    at.format("%Y-%m-%d %H:%M %:z")
                ),
                basis: monitoring_basis(),
                extra: Vec::new(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SlopeDesign, SlopeReading};
    use crate::slope::bench::{Measured, SectorMeasure};
    use crate::slope::{dem::Dem, Sector};
    use geo_types::polygon;

    fn design() -> SlopeDesign {
        SlopeDesign {
            id: "SD-E".into(),
            outline: polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)],
            bench_height_max_m: Some(15.0),
            berm_width_min_m: Some(8.0),
            bench_angle_max_deg: Some(65.0),
            overall_angle_max_deg: Some(45.0),
        }
    }

    fn measurement(h: f64, b: f64, a: f64, o: f64) -> Measurement {
        let m = |value| Some(Measured { value, at: [50.0, 50.0, 1000.0], profile: 0 });
        let measure = SectorMeasure {
            cells: 100,
            dip_azimuth_deg: Some(90.0),
            with_benches: 10,
            bench_height: m(h),
            berm_width: m(b),
            bench_angle: m(a),
            overall_angle: m(o),
            ..Default::default()
        };
        Measurement {
            epoch: "2026-09-15".into(),
            dem: Dem::empty([0.0, 0.0, 1.0, 1.0], 0.5),
            sectors: vec![Sector { id: "SD-E".into(), measure, unmeasured: None }],
        }
    }

    #[test]
    fn measured_sectors_against_their_design() {
        let mut s = Survey::default();
        s.layers.slope_design.push(design());
        let p = Params::default();
        assert!(measured(&s, &p, &measurement(15.0, 8.0, 65.0, 45.0)).is_empty(), "at the design values: none");
        let out = measured(&s, &p, &measurement(15.1, 7.9, 65.1, 45.1));
        let rules: Vec<_> = out.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["slope.bench_height", "slope.berm_width", "slope.bench_angle", "slope.overall_angle"]);
        assert!(out.iter().all(|f| f.severity == Severity::Major && f.feature.as_deref() == Some("SD-E")));
        assert_eq!(out[1].measured, Some(7.9));
        assert_eq!(out[1].limit, Some(8.0));
        // A tolerance of 0.2 absorbs 0.1.
        s.meta.parameters.insert("slope_tolerance".into(), 0.2);
        let (p, _) = Params::with_overrides(&s.meta.parameters, &crate::Location::default(), &mut Default::default());
        assert!(measured(&s, &p, &measurement(15.1, 7.9, 65.1, 45.1)).is_empty());
    }

    fn readings(id: &str, at: [f64; 2], hours: usize, mm: impl Fn(f64) -> f64) -> Vec<SlopeReading> {
        let t0 = chrono::DateTime::parse_from_rfc3339("2026-09-01T00:00:00+08:00").expect("value");
        (0..=hours)
            .map(|h| SlopeReading {
                time: t0 + chrono::Duration::hours(h as i64),
                point_id: id.into(),
                pos: [at[0], at[1] + mm(h as f64) / 1000.0, 1100.0],
            })
            .collect()
    }

    fn monitor_findings(s: &Survey, as_of: &str) -> Vec<Finding> {
        let p = Params::default();
        let prep = crate::rules::context::Prepared::new(s, &p);
        let d: chrono::NaiveDate = as_of.parse().expect("value");
        let ctx = Ctx { survey: s, params: &p, as_of: d, prep: &prep };
        monitoring(&ctx, as_of_instant(s, d))
    }

    #[test]
    fn rates_acceleration_and_missing_monitoring() {
        let mut s = Survey::default();
        s.layers.slope_design.push(design());
        let mut far = design();
        far.id = "SD-W".into();
        far.outline = polygon![(x: 200.0, y: 0.0), (x: 300.0, y: 0.0), (x: 300.0, y: 100.0), (x: 200.0, y: 100.0)];
        s.layers.slope_design.push(far);
        // P1: 6 mm/d (warning); P2: 12 mm/d (major); P3: 4 → 8 → 16 mm/d (accelerating, major).
        s.slope_points.extend(readings("P1", [10.0, 10.0], 72, |h| 0.25 * h));
        s.slope_points.extend(readings("P2", [20.0, 10.0], 72, |h| 0.5 * h));
        s.slope_points.extend(readings("P3", [30.0, 10.0], 72, crate::slope::monitor::accelerating_mm));
        // Readings end 2026-09-04 00:00 +08:00: as of 2026-09-03 the last counted is 23:00.
        let out = monitor_findings(&s, "2026-09-04");
        let got: Vec<(&str, Option<&str>, Severity)> =
            out.iter().map(|f| (f.rule, f.feature.as_deref(), f.severity)).collect();
        assert_eq!(
            got,
            [
                ("slope.displacement_rate", Some("P1"), Severity::Warning),
                ("slope.displacement_rate", Some("P2"), Severity::Major),
                ("slope.displacement_rate", Some("P3"), Severity::Major),
                ("slope.accelerating", Some("P3"), Severity::Major),
                // SD-W has no point; SD-E is watched.
                ("slope.monitoring_missing", Some("SD-W"), Severity::Warning),
            ]
        );
        assert!((out[0].measured.expect("value") - 6.0).abs() < 1e-6);
        assert_eq!(out[0].limit, Some(5.0));
        assert_eq!(out[1].limit, Some(10.0));
        let acc = &out[3];
        assert_eq!(acc.extra[0].0, "predicted_failure");
        assert!(acc.extra[0].1.as_str().expect("value").starts_with("2026-09-04T13:20"), "{:?}", acc.extra);
        // Two days later the readings are older than 24 h: both sectors unmonitored.
        let out = monitor_findings(&s, "2026-09-06");
        let missing: Vec<_> =
            out.iter().filter(|f| f.rule == "slope.monitoring_missing").filter_map(|f| f.feature.as_deref()).collect();
        assert_eq!(missing, ["SD-E", "SD-W"]);
    }
}
