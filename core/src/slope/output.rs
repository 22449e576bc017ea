//! `minehaz slope` (SLOPES.md "Two epochs"): every epoch's DEM, the difference of the two
//! latest, cut and fill per sector, the profiles and bench lines as layers, and the JSON
//! `minehaz-slope/1`.

use super::bench::{Profile, Sz};
use super::dem::Dem;
use super::monitor::{self, PointState};
use super::{dated_epochs, measure_sectors, volumes, Measurement};
use crate::error::Result;
use crate::io::output::OutputLayer;
use crate::model::record::{FieldType, Geom, GeomType, Record, Value};
use crate::model::{Grid, Survey};
use crate::rules::{Finding, Params};
use chrono::NaiveDate;
use serde_json::{json, Value as Json};

/// Everything `minehaz slope` computes.
#[derive(Debug, Clone)]
pub struct SlopeRun {
    pub as_of: NaiveDate,
    /// Every dated epoch at or before as-of, oldest first, with its DEM over the whole cloud.
    pub epochs: Vec<(String, Dem)>,
    /// The measurement of the latest of them (None when there is none).
    pub measurement: Option<Measurement>,
    /// (old, new, new − old) of the two latest.
    pub dod: Option<(String, String, Dem)>,
    /// Per sector (in layer order): (cut m³, fill m³) of the difference.
    pub volumes: Vec<Option<(f64, f64)>>,
    /// The monitoring points as of the end of the as-of day.
    pub points: Vec<PointState>,
}

/// Compute the DEMs, the measurement of the latest epoch and the difference.
pub fn run(s: &Survey, params: &Params, as_of: NaiveDate) -> Result<SlopeRun> {
    let cell = params.get("slope_dem_cell_m");
    let mut epochs = Vec::new();
    for (_, src) in dated_epochs(s).into_iter().filter(|(d, _)| *d <= as_of) {
        epochs.push((src.epoch.clone(), Dem::from_file(&src.path, cell, None)?));
    }
    let measurement = match (epochs.last(), super::unmeasurable(s, as_of)) {
        (Some((epoch, dem)), None) => Some(Measurement {
            epoch: epoch.clone(),
            dem: dem.clone(),
            sectors: measure_sectors(dem, &s.layers.slope_design, &super::bench::BenchParams::from(params)),
        }),
        _ => None,
    };
    let dod = match epochs.len() {
        n if n >= 2 => {
            let ((a, old), (b, new)) = (&epochs[n - 2], &epochs[n - 1]);
            Some((a.clone(), b.clone(), new.minus(old)))
        }
        _ => None,
    };
    let min = params.get("dod_min_m");
    let volumes =
        s.layers.slope_design.iter().map(|d| dod.as_ref().map(|(_, _, g)| volumes(g, &d.outline, min))).collect();
    let at = crate::rules::slope::as_of_instant(s, as_of);
    let points = monitor::states(&s.slope_points, at, params.get("slope_rate_window_h"));
    Ok(SlopeRun { as_of, epochs, measurement, dod, volumes, points })
}

/// A DEM as a raster grid (nodata −9999) for the GeoPackage writer.
pub fn grid_of(name: &str, d: &Dem, description: &str) -> Grid {
    const NODATA: f32 = -9999.0;
    Grid {
        name: name.to_string(),
        meta: crate::model::GridMeta {
            unit: Some("m".into()),
            description: Some(description.to_string()),
            ..Default::default()
        },
        width: d.nx,
        height: d.ny,
        geotransform: [d.x0, d.cell, 0.0, d.y1, 0.0, -d.cell],
        nodata: Some(f64::from(NODATA)),
        values: d.z.iter().map(|v| if v.is_nan() { NODATA } else { *v }).collect(),
    }
}

/// The raster tables: `dem_<epoch>` of each epoch and `dod_<old>_<new>`.
pub fn rasters(r: &SlopeRun) -> Vec<(String, Grid)> {
    // SLOPES.md names the tables by the epoch as it is (an ISO date: `dem_2026-03-15`).
    let table = |s: &str| s.to_string();
    let mut v: Vec<(String, Grid)> = r
        .epochs
        .iter()
        .map(|(e, d)| {
            let t = format!("dem_{}", table(e));
            let g = grid_of(&t, d, &format!("DEM {e}"));
            (t, g)
        })
        .collect();
    if let Some((a, b, d)) = &r.dod {
        let t = format!("dod_{}_{}", table(a), table(b));
        let g = grid_of(&t, d, &format!("DoD {b} − {a}"));
        v.push((t, g));
    }
    v
}

fn rec(i: usize, geom: Geom, attrs: Vec<(&str, Value)>) -> Record {
    Record {
        index: i as u64 + 1,
        geom: Some(geom),
        attrs: attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    }
}

fn real(v: Option<f64>) -> Value {
    v.map_or(Value::Null, Value::Real)
}

fn fields(f: &[(&str, FieldType)]) -> Vec<(String, FieldType)> {
    f.iter().map(|(n, t)| (n.to_string(), *t)).collect()
}

/// Join crests (or toes) of neighbouring profiles into lines: a point continues the line whose
/// last point lies on the previous profile within `dz` in elevation.
pub fn bench_lines(profiles: &[Profile], dz: f64, pick: impl Fn(&super::bench::Bench) -> Sz) -> Vec<Vec<[f64; 3]>> {
    let mut done: Vec<Vec<[f64; 3]>> = Vec::new();
    let mut open: Vec<Vec<[f64; 3]>> = Vec::new();
    for p in profiles {
        let mut next: Vec<Vec<[f64; 3]>> = Vec::new();
        for b in &p.measure.benches {
            let at = p.at(pick(b));
            let k = open.iter().enumerate().filter(|(_, l)| (l[l.len() - 1][2] - at[2]).abs() < dz).min_by(|a, b| {
                let da = (a.1[a.1.len() - 1][2] - at[2]).abs();
                let db = (b.1[b.1.len() - 1][2] - at[2]).abs();
                da.total_cmp(&db)
            });
            match k.map(|(k, _)| k) {
                Some(k) => {
                    let mut l = open.swap_remove(k);
                    l.push(at);
                    next.push(l);
                }
                None => next.push(vec![at]),
            }
        }
        done.append(&mut open);
        open = next;
    }
    done.append(&mut open);
    done.retain(|l| l.len() >= 2);
    done
}

/// The vector layers: `slope_sectors` (extension: each sector with its measured values and
/// compliance), `slope_profiles`, `bench_lines` and `slope_volumes`.
pub fn layers(r: &SlopeRun, s: &Survey, params: &Params, findings: &[Finding]) -> Vec<OutputLayer> {
    let mut sectors = Vec::new();
    let mut profiles = Vec::new();
    let mut lines = Vec::new();
    let mut vols = Vec::new();
    let min_bench = params.get("slope_min_bench_m");
    for (i, d) in s.layers.slope_design.iter().enumerate() {
        let sec = r.measurement.as_ref().and_then(|m| m.sectors.get(i));
        let rules: Vec<&str> = findings
            .iter()
            .filter(|f| f.feature.as_deref() == Some(&d.id) && f.rule.starts_with("slope."))
            .map(|f| f.rule)
            .collect();
        let status = match sec {
            None => "not_measured",
            Some(x) if x.measure.with_benches == 0 => "not_measured",
            Some(_) if rules.iter().any(|r| super::MEASURED_RULES.contains(r)) => "violation",
            Some(_) => "compliant",
        };
        let m = sec.map(|x| &x.measure);
        sectors.push(rec(
            i,
            Geom::Polygon(d.outline.clone()),
            vec![
                ("id", Value::Text(d.id.clone())),
                ("status", Value::Text(status.into())),
                ("rules", Value::Text(rules.join(","))),
                ("dip_azimuth_deg", real(m.and_then(|m| m.dip_azimuth_deg))),
                ("profiles", Value::Int(m.map_or(0, |m| m.with_benches as i64))),
                ("bench_height_m", real(m.and_then(|m| m.bench_height).map(|v| v.value))),
                ("berm_width_m", real(m.and_then(|m| m.berm_width).map(|v| v.value))),
                ("bench_angle_deg", real(m.and_then(|m| m.bench_angle).map(|v| v.value))),
                ("overall_angle_deg", real(m.and_then(|m| m.overall_angle).map(|v| v.value))),
                ("bench_height_max_m", real(d.bench_height_max_m)),
                ("berm_width_min_m", real(d.berm_width_min_m)),
                ("bench_angle_max_deg", real(d.bench_angle_max_deg)),
                ("overall_angle_max_deg", real(d.overall_angle_max_deg)),
            ],
        ));
        if let Some(x) = sec {
            for (k, p) in x.measure.profiles.iter().enumerate() {
                let pts: Vec<[f64; 3]> =
                    p.z.iter()
                        .enumerate()
                        .filter(|(_, z)| !z.is_nan())
                        .map(|(j, z)| p.at(Sz { s: j as f64 * p.step, z: *z }))
                        .collect();
                if pts.len() < 2 {
                    continue;
                }
                let w = p.measure.worst();
                profiles.push(rec(
                    profiles.len(),
                    Geom::Line { coords: pts, has_z: true },
                    vec![
                        ("id", Value::Text(format!("{}-P{:03}", d.id, k + 1))),
                        ("sector", Value::Text(d.id.clone())),
                        ("benches", Value::Int(p.measure.benches.len() as i64)),
                        ("bench_height_m", real(w.bench_height.map(|v| v.0))),
                        ("berm_width_m", real(w.berm_width.map(|v| v.0))),
                        ("bench_angle_deg", real(w.bench_angle.map(|v| v.0))),
                        ("overall_angle_deg", real(w.overall_angle.map(|v| v.0))),
                        ("length_m", Value::Real(p.length())),
                    ],
                ));
            }
            for (kind, ls) in [
                ("crest", bench_lines(&x.measure.profiles, min_bench, |b| b.crest)),
                ("toe", bench_lines(&x.measure.profiles, min_bench, |b| b.toe)),
            ] {
                for l in ls {
                    let z = l[0][2];
                    lines.push(rec(
                        lines.len(),
                        Geom::Line { coords: l, has_z: true },
                        vec![
                            ("id", Value::Text(format!("{}-{}-{}", d.id, kind, lines.len() + 1))),
                            ("sector", Value::Text(d.id.clone())),
                            ("kind", Value::Text(kind.into())),
                            ("z", Value::Real(z)),
                        ],
                    ));
                }
            }
        }
        let v = r.volumes.get(i).copied().flatten();
        vols.push(rec(
            i,
            Geom::Polygon(d.outline.clone()),
            vec![
                ("id", Value::Text(d.id.clone())),
                ("cut_m3", real(v.map(|v| v.0))),
                ("fill_m3", real(v.map(|v| v.1))),
                ("epochs", Value::Text(r.dod.as_ref().map_or(String::new(), |(a, b, _)| format!("{a}/{b}")))),
            ],
        ));
    }
    let t = FieldType::Text;
    let f = FieldType::Real;
    let n = FieldType::Int;
    vec![
        OutputLayer {
            name: "slope_sectors".into(),
            geometry: GeomType::Polygon,
            fields: fields(&[
                ("status", t),
                ("rules", t),
                ("dip_azimuth_deg", f),
                ("profiles", n),
                ("bench_height_m", f),
                ("berm_width_m", f),
                ("bench_angle_deg", f),
                ("overall_angle_deg", f),
                ("bench_height_max_m", f),
                ("berm_width_min_m", f),
                ("bench_angle_max_deg", f),
                ("overall_angle_max_deg", f),
            ]),
            records: sectors,
        },
        OutputLayer {
            name: "slope_profiles".into(),
            geometry: GeomType::LineStringZ,
            fields: fields(&[
                ("sector", t),
                ("benches", n),
                ("bench_height_m", f),
                ("berm_width_m", f),
                ("bench_angle_deg", f),
                ("overall_angle_deg", f),
                ("length_m", f),
            ]),
            records: profiles,
        },
        OutputLayer {
            name: "bench_lines".into(),
            geometry: GeomType::LineStringZ,
            fields: fields(&[("sector", t), ("kind", t), ("z", f)]),
            records: lines,
        },
        OutputLayer {
            name: "slope_volumes".into(),
            geometry: GeomType::Polygon,
            fields: fields(&[("cut_m3", f), ("fill_m3", f), ("epochs", t)]),
            records: vols,
        },
    ]
}

fn num(v: Option<f64>) -> Json {
    v.map_or(Json::Null, |v| json!(crate::rules::round_mm(v)))
}

/// The JSON `minehaz-slope/1`; `findings` are the slope findings as `check` writes them.
pub fn to_json(r: &SlopeRun, s: &Survey, findings: Json) -> Json {
    let m = r.measurement.as_ref();
    let sectors: Vec<Json> = s
        .layers
        .slope_design
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let sec = m.and_then(|m| m.sectors.get(i)).map(|x| &x.measure);
            let v = r.volumes.get(i).copied().flatten();
            json!({
                "id": d.id,
                "measured": {
                    "bench_height_m": num(sec.and_then(|x| x.bench_height).map(|v| v.value)),
                    "berm_width_m": num(sec.and_then(|x| x.berm_width).map(|v| v.value)),
                    "bench_angle_deg": num(sec.and_then(|x| x.bench_angle).map(|v| v.value)),
                    "overall_angle_deg": num(sec.and_then(|x| x.overall_angle).map(|v| v.value)),
                },
                "design": {
                    "bench_height_max_m": d.bench_height_max_m,
                    "berm_width_min_m": d.berm_width_min_m,
                    "bench_angle_max_deg": d.bench_angle_max_deg,
                    "overall_angle_max_deg": d.overall_angle_max_deg,
                },
                "profiles": sec.map_or(0, |x| x.with_benches),
                "profiles_all": sec.map_or(0, |x| x.profiles.len()),
                "dip_azimuth_deg": num(sec.and_then(|x| x.dip_azimuth_deg)),
                "cut_m3": num(v.map(|v| v.0)),
                "fill_m3": num(v.map(|v| v.1)),
            })
        })
        .collect();
    let points: Vec<Json> = r
        .points
        .iter()
        .map(|p| {
            json!({
                "point_id": p.point_id,
                "last_time": p.last_time.to_rfc3339(),
                "at": p.last_pos,
                "readings": p.readings,
                "displacement_mm": crate::rules::round_mm(p.displacement_mm),
                "velocity_mm_d": num(p.velocity_mm_d),
                "windows_mm_d": p.windows_mm_d.iter().map(|v| num(*v)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "format": "minehaz-slope/1",
        "mine": {"id": s.meta.mine.id, "name": s.meta.mine.name, "kind": s.meta.mine.kind, "crs": s.meta.mine.crs},
        "as_of": r.as_of.format("%Y-%m-%d").to_string(),
        "epochs": r.epochs.iter().map(|(e, _)| e).collect::<Vec<_>>(),
        "measured_epoch": m.map(|m| m.epoch.clone()),
        "epoch_details": r.epochs.iter().map(|(e, d)| json!({
            "epoch": e,
            "points_read": d.points_read,
            "points_used": d.points_used,
            "selection": match d.selection { super::dem::PointSelection::Ground => "ground", _ => "all_but_noise" },
            "cell_m": d.cell,
            "size": [d.nx, d.ny],
            "cells_measured": d.cells_measured,
            "cells_filled": d.cells_filled,
        })).collect::<Vec<_>>(),
        "sectors": sectors,
        "points": points,
        "findings": findings,
    })
}
