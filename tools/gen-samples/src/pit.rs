//! The open-pit sample: benches from two LiDAR epochs, slope design and its README.

use super::*;
use crate::coal::{counts_table, in_ring, Workings, P2};

// ---------------------------------------------------------------------------------------------
// Open pit.

/// The open pit's local frame: (38 483 000, 4 525 000) in EPSG:4526 (zone-prefixed, zone 38).
const OP: Frame = Frame { e0: 38_483_000.0, n0: 4_525_000.0 };
/// The pit floor (epoch 1) is a stadium: points within `PIT_R` of the segment A–B.
const PIT_A: (f64, f64) = (750.0, 800.0);
const PIT_B: (f64, f64) = (1250.0, 800.0);
const PIT_R: f64 = 200.0;
const FLOOR_Z: f64 = 1000.0;
const BENCH_H: f64 = 15.0;
const BENCHES: usize = 10;
/// Built bench geometry everywhere but the east wall: 58° faces, 11 m berms (overall 36.4°).
const FACE_OK: f64 = 58.0;
const BERM_OK: f64 = 11.0;
/// East wall as built: 70° faces, every second berm left out (double benches 30 m high).
const FACE_EAST: f64 = 70.0;
/// Second epoch: the west wall pushed back by this much, and a 15 m sump cut in the west floor.
const PUSHBACK: f64 = 30.0;
const CUT_C: (f64, f64) = (640.0, 800.0);
const CUT_R: f64 = 90.0;
/// Point-cloud extent (local frame).
const CLOUD_X: (f64, f64) = (250.0, 1650.0);
const CLOUD_Y: (f64, f64) = (340.0, 1260.0);

/// Angle difference in degrees, in [0, 180].
fn ang_diff(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

/// Share of the east-wall "as built" violation at wall direction θ (degrees, 0 = east).
fn east_share(theta: f64) -> f64 {
    1.0 - smoothstep(26.0, 40.0, ang_diff(theta, 0.0))
}
/// Share of the second-epoch pushback at θ.
fn west_share(theta: f64) -> f64 {
    1.0 - smoothstep(8.0, 42.0, ang_diff(theta, 180.0))
}

/// A slope-design sector: id, outline (local frame), design values.
type Sector = (&'static str, Vec<(f64, f64)>, [f64; 4]);

/// The slope-design sectors (local frame): wedges by wall direction from the ends of the floor
/// segment, with (bench_height_max_m, berm_width_min_m, bench_angle_max_deg,
/// overall_angle_max_deg).
fn pit_sectors() -> Vec<Sector> {
    let c45 = 700.0 * std::f64::consts::FRAC_1_SQRT_2;
    let (a, b) = (PIT_A, PIT_B);
    let ne = (b.0 + c45, b.1 + c45);
    let se = (b.0 + c45, b.1 - c45);
    let nw = (a.0 - c45, a.1 + c45);
    let sw = (a.0 - c45, a.1 - c45);
    vec![
        ("SD-N", vec![a, b, ne, nw], [15.0, 8.0, 65.0, 45.0]),
        ("SD-E", vec![b, se, ne], [15.0, 10.0, 60.0, 42.0]),
        ("SD-S", vec![a, sw, se, b], [15.0, 8.0, 68.0, 47.0]),
        ("SD-W", vec![a, nw, sw], [15.0, 9.0, 63.0, 43.0]),
    ]
}

/// The steepest surface slope (degrees, true dip by finite differences on a 2 m grid) of each
/// sector in an epoch.
fn steepest_by_sector(epoch: usize) -> BTreeMap<&'static str, f64> {
    let sectors = pit_sectors();
    let rings: Vec<(&str, Vec<P2>)> = sectors
        .iter()
        .map(|(id, pts, _)| {
            let mut r: Vec<P2> = pts.iter().map(|p| [p.0, p.1]).collect();
            r.push(r[0]);
            (*id, r)
        })
        .collect();
    let mut out: BTreeMap<&str, f64> = BTreeMap::new();
    let h = 0.2;
    let mut y = CLOUD_Y.0;
    while y < CLOUD_Y.1 {
        let mut x = CLOUD_X.0;
        while x < CLOUD_X.1 {
            if let Some((id, _)) = rings.iter().find(|(_, r)| in_ring([x, y], r)) {
                let gx = (pit_z(x + h, y, epoch).0 - pit_z(x - h, y, epoch).0) / (2.0 * h);
                let gy = (pit_z(x, y + h, epoch).0 - pit_z(x, y - h, epoch).0) / (2.0 * h);
                let deg = (gx * gx + gy * gy).sqrt().atan().to_degrees();
                let e = out.entry(id).or_insert(0.0);
                *e = e.max(deg);
            }
            x += 2.0;
        }
        y += 2.0;
    }
    out
}

/// The pit surface at local (x, y) for epoch 0 or 1: (z, 1 on faces / 0 elsewhere).
fn pit_z(x: f64, y: f64, epoch: usize) -> (f64, f64) {
    let px = x.clamp(PIT_A.0, PIT_B.0);
    let (vx, vy) = (x - px, y - PIT_A.1);
    let r = (vx * vx + vy * vy).sqrt();
    let theta = vy.atan2(vx).to_degrees();
    let (es, ws) = (east_share(theta), if epoch == 1 { west_share(theta) } else { 0.0 });
    let d = r - PIT_R - PUSHBACK * ws;
    if d <= 0.0 {
        if epoch == 1 {
            let rc = ((x - CUT_C.0).powi(2) + (y - CUT_C.1).powi(2)).sqrt();
            let fw = BENCH_H / FACE_OK.to_radians().tan();
            if rc < CUT_R {
                return (FLOOR_Z - BENCH_H, 0.0);
            } else if rc < CUT_R + fw {
                return (FLOOR_Z - BENCH_H + BENCH_H * (rc - CUT_R) / fw, 1.0);
            }
        }
        return (FLOOR_Z, 0.0);
    }
    let face = FACE_OK + (FACE_EAST - FACE_OK) * es;
    let fw = BENCH_H / face.to_radians().tan();
    let mut at = 0.0;
    let mut z = FLOOR_Z;
    for k in 0..BENCHES {
        if d < at + fw {
            return (z + BENCH_H * (d - at) / fw, 1.0);
        }
        at += fw;
        z += BENCH_H;
        if k + 1 < BENCHES {
            let berm = if k % 2 == 0 { BERM_OK * (1.0 - es) } else { BERM_OK };
            if d < at + berm {
                return (z, 0.0);
            }
            at += berm;
        }
    }
    // Natural ground beyond the rim: level for 100 m (the benches' top berm), then rolling.
    let u = 5.0 * (x / 270.0 + 1.0).sin() * (y / 330.0).cos() + 3.0 * ((x + y) / 190.0).sin();
    (z + u * smoothstep(100.0, 180.0, d - at), 0.0)
}

/// The points of one epoch, streamed: a jittered grid over the pit, ground class 2.
fn pit_points(epoch: usize, n: u64) -> impl Iterator<Item = CloudPoint> {
    let (w, h) = (CLOUD_X.1 - CLOUD_X.0, CLOUD_Y.1 - CLOUD_Y.0);
    let spacing = (w * h / n as f64).sqrt();
    let nx = (w / spacing).ceil() as u64;
    let ny = n.div_ceil(nx);
    let mut rng = Rng::new(0x11DA_2000 + epoch as u64);
    // Adjusted standard GPS time (GPS seconds − 1e9) of 10:00 local (02:00 UTC) on the epoch date.
    let gps0 = {
        let date = chrono::NaiveDate::parse_from_str(EPOCHS[epoch], "%Y-%m-%d").expect("epoch date");
        let gps_epoch = chrono::NaiveDate::from_ymd_opt(1980, 1, 6).expect("GPS epoch");
        (date - gps_epoch).num_days() as f64 * 86_400.0 + 18.0 + 2.0 * 3600.0 - 1e9
    };
    let dt = 3600.0 / n as f64;
    (0..n).map(move |i| {
        let (row, col) = (i / nx, i % nx);
        // Serpentine scan lines, as a survey would fly them.
        let col = if row % 2 == 0 { col } else { nx - 1 - col };
        let x = CLOUD_X.0 + (col as f64 + 0.5 + 0.35 * rng.gauss()) * spacing;
        let y = CLOUD_Y.0 + (row as f64 + 0.5 + 0.35 * rng.gauss()) * (h / ny as f64);
        let (z, on_face) = pit_z(x, y, epoch);
        let z = z + 0.02 * rng.gauss() + if on_face == 0.0 { 0.03 * rng.gauss() } else { 0.0 };
        let intensity = (21_000.0 - 7_000.0 * on_face + 1_800.0 * rng.gauss()).clamp(500.0, 65_000.0) as u16;
        CloudPoint { pos: [OP.e0 + x, OP.n0 + y, z], class: 2, intensity, gps_time: Some(gps0 + i as f64 * dt) }
    })
}

pub(crate) fn write_pit_clouds(dir: &Path, n: u64) -> Result<()> {
    let pc = dir.join("pointclouds");
    std::fs::create_dir_all(&pc).with_context(|| format!("cannot create {}", pc.display()))?;
    for e in std::fs::read_dir(&pc)? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("laz")) {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    for (i, epoch) in EPOCHS.iter().enumerate() {
        let path = pc.join(format!("{epoch}.laz"));
        let written =
            write_cloud(&path, Some(WKT_EPSG_4526), 0.001, pit_points(i, n)).map_err(|e| anyhow::anyhow!("{e}"))?;
        let size = std::fs::metadata(&path)?.len();
        println!("{}: {written} points, {:.1} MB", path.display(), size as f64 / 1e6);
    }
    Ok(())
}

/// A slope monitoring prism (local frame) and its behaviour.
struct Prism {
    id: &'static str,
    at: (f64, f64),
    /// Velocity (mm/d) of each day from 2026-09-01 (the last entry holds for the rest).
    daily: &'static [f64],
    /// The last reading (hours after the first), when it stops early.
    stops_at_h: Option<i64>,
    what_zh: &'static str,
    what_en: &'static str,
}

/// Hours of readings (every 2 h from 2026-09-01T00:00+08:00 to 2026-09-19T22:00).
const MON_HOURS: i64 = 18 * 24 + 22;
const MON_START: &str = "2026-09-01T00:00:00+08:00";
const MON_AS_OF: &str = "2026-09-19";

fn prisms() -> Vec<Prism> {
    // E2: 1.5 mm/d for 16 days, then 3 → 6.5 → 14 mm/d over the last three 24 h windows
    // (the windows end at 09-17 22:00, 09-18 22:00, 09-19 22:00).
    const E2: [f64; 19] =
        [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 3.0, 6.5, 14.0];
    vec![
        Prism {
            id: "N1",
            at: (1000.0, PIT_A.1 + PIT_R + berm_mid(4)),
            daily: &[0.4],
            stops_at_h: None,
            what_zh: "稳定 (0.4 mm/d)",
            what_en: "steady, 0.4 mm/d",
        },
        Prism {
            id: "S1",
            at: (1000.0, PIT_A.1 - PIT_R - berm_mid(4)),
            daily: &[0.6],
            stops_at_h: Some(16 * 24 + 12),
            what_zh: "稳定, 但 09-17 12:00 后无读数 (棱镜损坏)",
            what_en: "steady, but no reading after 09-17 12:00 (prism lost)",
        },
        Prism {
            id: "E1",
            at: (PIT_B.0 + PIT_R + 60.0, PIT_B.1 + 40.0),
            daily: &[12.0],
            stops_at_h: None,
            what_zh: "匀速 12 mm/d (≥ 10 报警)",
            what_en: "steady 12 mm/d (≥ 10: alarm)",
        },
        Prism {
            id: "E2",
            at: (PIT_B.0 + PIT_R + 100.0, PIT_B.1 - 30.0),
            daily: &E2,
            stops_at_h: None,
            what_zh: "加速: 最后三天 3 → 6.5 → 14 mm/d",
            what_en: "accelerating: 3 → 6.5 → 14 mm/d over the last three days",
        },
        Prism {
            id: "W1",
            at: (PIT_A.0 - PIT_R - PUSHBACK - 40.0, PIT_A.1 + 10.0),
            daily: &[7.0],
            stops_at_h: None,
            what_zh: "匀速 7 mm/d (5–10 预警)",
            what_en: "steady 7 mm/d (5–10: warning)",
        },
    ]
}

/// The readings of the prisms: every 2 h, displaced toward the pit axis and down.
fn slope_readings() -> Vec<SlopeReading> {
    let t0 = chrono::DateTime::parse_from_rfc3339(MON_START).expect("start");
    let mut rng = Rng::new(0x5107_E000);
    let mut out = Vec::new();
    for p in prisms() {
        let z = pit_z(p.at.0, p.at.1, 1).0;
        // Toward the floor axis in plan, 45° down.
        let ax = (p.at.0.clamp(PIT_A.0, PIT_B.0), PIT_A.1);
        let (dx, dy) = (ax.0 - p.at.0, ax.1 - p.at.1);
        let l = (dx * dx + dy * dy).sqrt();
        let u = [
            dx / l * std::f64::consts::FRAC_1_SQRT_2,
            dy / l * std::f64::consts::FRAC_1_SQRT_2,
            -std::f64::consts::FRAC_1_SQRT_2,
        ];
        let mut h = 0;
        while h <= p.stops_at_h.unwrap_or(MON_HOURS) {
            // Displacement (mm): the daily velocities integrated to hour h.
            let mut mm = 0.0;
            for k in 0..h {
                let day = (k / 24) as usize;
                mm += p.daily[day.min(p.daily.len() - 1)] / 24.0;
            }
            let mm = mm + 0.15 * rng.gauss();
            out.push(SlopeReading {
                time: t0 + chrono::Duration::hours(h),
                point_id: p.id.into(),
                pos: [
                    round_mm(OP.e0 + p.at.0 + u[0] * mm / 1000.0),
                    round_mm(OP.n0 + p.at.1 + u[1] * mm / 1000.0),
                    round_mm(z + u[2] * mm / 1000.0),
                ],
            });
            h += 2;
        }
    }
    out
}

/// To 0.1 mm, as a total station reports.
fn round_mm(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

/// The inverse-velocity failure time of E2's last three windows (SLOPES.md), in hours after
/// its last reading: the least-squares line through (−2, 1/3), (−1, 1/6.5), (0, 1/14) days.
fn e2_failure_hours() -> f64 {
    let pts = [(-2.0, 1.0 / 3.0), (-1.0, 1.0 / 6.5), (0.0, 1.0 / 14.0)];
    let (mt, mi) = (-1.0, pts.iter().map(|p| p.1).sum::<f64>() / 3.0);
    let b = pts.iter().map(|p| (p.0 - mt) * (p.1 - mi)).sum::<f64>() / 2.0;
    let a = mi - b * mt;
    -a / b * 24.0
}

/// Local offset from the floor outline at which bench `k`'s berm (top at 1000 + 15(k+1) m)
/// has its middle, for compliant walls.
fn berm_mid(k: usize) -> f64 {
    let fw = BENCH_H / FACE_OK.to_radians().tan();
    (k + 1) as f64 * fw + k as f64 * BERM_OK + BERM_OK / 2.0
}

pub(crate) fn open_pit(points: u64) -> Result<(Survey, String)> {
    let f = OP;
    let mut l = Layers::default();
    l.licence.push(Licence {
        id: "LIC-NM-0002".into(),
        boundary: f.poly(&[(0.0, 0.0), (2000.0, 0.0), (2000.0, 1600.0), (0.0, 1600.0)]),
    });
    l.slope_design = pit_sectors()
        .into_iter()
        .map(|(id, pts, d)| SlopeDesign {
            id: id.into(),
            outline: f.poly(&pts),
            bench_height_max_m: Some(d[0]),
            berm_width_min_m: Some(d[1]),
            bench_angle_max_deg: Some(d[2]),
            overall_angle_max_deg: Some(d[3]),
        })
        .collect();
    let mut w = Workings { list: Vec::new() };
    let yn = PIT_A.1 + PIT_R + berm_mid(8);
    let ys = PIT_A.1 - PIT_R - berm_mid(5);
    let bench = |pts: &[(f64, f64)], z: f64| pts.iter().map(|&(x, y)| f.xyz(x, y, z)).collect::<Vec<_>>();
    w.add(
        "北帮1135平盘",
        WorkingKind::Bench,
        WorkingStatus::Existing,
        None,
        bench(&[(850.0, yn), (1000.0, yn), (1150.0, yn)], 1135.0),
    );
    w.add(
        "南帮1090平盘",
        WorkingKind::Bench,
        WorkingStatus::Existing,
        None,
        bench(&[(800.0, ys), (1000.0, ys), (1200.0, ys)], 1090.0),
    );
    w.add(
        "坑底1000平盘采掘",
        WorkingKind::Bench,
        WorkingStatus::Active,
        None,
        bench(&[(900.0, 760.0), (1030.0, 800.0), (1150.0, 840.0)], 1000.0),
    );
    w.add(
        "西帮985水平延深",
        WorkingKind::Bench,
        WorkingStatus::Active,
        None,
        bench(&[(590.0, 800.0), (640.0, 790.0), (690.0, 800.0)], 985.0),
    );
    l.workings = w.list;

    let text = pit_toml();
    let meta = SurveyMeta::parse(&text, Path::new("survey.toml")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let expected = SurveyMeta {
        mine: Mine {
            id: "NM-0002".into(),
            name: "兴和示例露天矿".into(),
            kind: MineKind::OpenPit,
            crs: "EPSG:4526".into(),
            province: s("Inner Mongolia"),
            county: s("兴和县"),
        },
        licence: LicenceTerms {
            z_top: Some(1200.0),
            z_bottom: Some(960.0),
            valid_until: s("2030-06-30"),
            seams: vec![],
            capacity_mt_per_year: Some(3.0),
        },
        classification: Classification { mining_depth_max_m: Some(165.0), ..Classification::default() },
        parameters: [("slope_angle_window_m".to_string(), 2.0), ("slope_tolerance".to_string(), 0.3)]
            .into_iter()
            .collect(),
        source_text: text.clone(),
        ..Default::default()
    };
    ensure!(meta == expected, "open-pit survey.toml text and model disagree");
    let survey = Survey { meta, layers: l, slope_points: slope_readings(), ..Survey::default() };

    // Self-check of the built slope geometry on two profiles: the compliant north wall and the
    // violating east wall.
    let profile = |east: bool| -> Vec<(f64, f64)> {
        (0..20_000)
            .map(|i| {
                let d = i as f64 * 0.02;
                let (x, y) = if east { (PIT_B.0 + PIT_R + d, PIT_B.1) } else { (1000.0, PIT_A.1 + PIT_R + d) };
                (d, pit_z(x, y, 0).0)
            })
            .collect()
    };
    let north = slope_stats(&profile(false));
    let east = slope_stats(&profile(true));
    ensure!(
        north.0 <= 15.01 && north.1 >= 10.9 && north.2 <= 58.01 && north.3 < 45.0,
        "north wall not as designed: {north:?}"
    );
    ensure!(east.0 >= 29.9 && east.2 >= 69.9 && east.3 > 42.0, "east wall not violating: {east:?}");
    let mut steepest = Vec::new();
    for epoch in 0..EPOCHS.len() {
        let st = steepest_by_sector(epoch);
        for (id, _, design) in pit_sectors() {
            let got = st.get(id).copied().unwrap_or(0.0);
            if id == "SD-E" {
                ensure!(got > design[2] + 5.0, "epoch {epoch}: {id} should be steeper than designed, is {got:.1}°");
            } else {
                ensure!(
                    got <= design[2] - 1.0,
                    "epoch {epoch}: {id} steeper than designed: {got:.1}° > {}°",
                    design[2]
                );
            }
        }
        steepest.push(st);
    }
    let readme = pit_readme(&survey, north, east, points, &steepest);
    Ok((survey, readme))
}

/// (largest bench height, narrowest berm, steepest face angle, overall angle) of a profile
/// (offset, z) sampled outward from the floor, from the floor to the rim.
fn slope_stats(p: &[(f64, f64)]) -> (f64, f64, f64, f64) {
    // Classify segments: face when steeper than 20°.
    let mut benches: Vec<(f64, f64, f64, f64)> = Vec::new(); // (d0, z0, d1, z1) of each face
    let mut berms: Vec<f64> = Vec::new();
    let mut in_face: Option<(f64, f64)> = None;
    let mut flat_from: Option<f64> = None;
    for w in p.windows(2) {
        let ((d0, z0), (d1, z1)) = (w[0], w[1]);
        let steep = (z1 - z0) / (d1 - d0) > 20f64.to_radians().tan();
        if steep {
            if in_face.is_none() {
                in_face = Some((d0, z0));
                if let Some(f0) = flat_from.take() {
                    if !benches.is_empty() {
                        berms.push(d0 - f0);
                    }
                }
            }
        } else if let Some((fd, fz)) = in_face.take() {
            benches.push((fd, fz, d0, z0));
            flat_from = Some(d0);
        }
        if z1 >= FLOOR_Z + BENCH_H * BENCHES as f64 - 1e-6 && in_face.is_none() && !benches.is_empty() {
            break;
        }
    }
    let height = benches.iter().map(|b| b.3 - b.1).fold(0.0, f64::max);
    let berm = berms.iter().copied().fold(f64::MAX, f64::min);
    let angle = benches.iter().map(|b| ((b.3 - b.1) / (b.2 - b.0)).atan().to_degrees()).fold(0.0, f64::max);
    let (first, last) = (benches[0], benches[benches.len() - 1]);
    let overall = ((last.3 - first.1) / (last.2 - first.0)).atan().to_degrees();
    (height, berm, angle, overall)
}

fn pit_toml() -> String {
    r#"# 兴和示例露天矿 —— 矿山隐蔽致灾因素普查数据包 (示例, 虚构数据)
# 由 `cargo run --release --bin gen-samples` 生成, 请勿手工修改; 格式见 SURVEY-FORMAT.md。
# Sample survey package (fictitious data) generated by gen-samples; do not edit by hand.

[mine]
id = "NM-0002"                  # 矿井编号 (省内唯一)
name = "兴和示例露天矿"
kind = "open_pit"               # 露天矿
crs = "EPSG:4526"               # CGCS2000 3度带 第38带 (中央经线114°E), 横坐标带带号 38
province = "Inner Mongolia"     # 内蒙古自治区
county = "兴和县"

[licence]                       # 采矿许可证; 边界见 layers.gpkg 图层 licence
z_top = 1200.0                  # 开采上限标高 (m)
z_bottom = 960.0                # 开采下限标高 (m)
valid_until = "2030-06-30"
seams = []                      # 非煤露天矿, 不限煤层
capacity_mt_per_year = 3.0

[classification]
mining_depth_max_m = 165.0      # 最大开采深度 (m): 地表约 1150 m, 坑底 985 m

[parameters]                    # 规则参数覆盖 (放宽的参数会以 parameters.loosened 警告列出)
# 本期点云约 1 点/m² (机载), 远稀于 0.5 m 格网所设想的无人机点云: 坡面上格网高程的噪声约 0.2–0.3 m。
# The clouds hold about 1 point/m² (airborne), far sparser than the 0.5 m DEM cell assumes.
slope_angle_window_m = 2.0      # 局部坡角窗口 2 m (默认 1 m): 稀疏点云上避免坡面被噪声截断
slope_tolerance = 0.3           # 测量容差 0.3 m / 0.3° (激光雷达高程精度)
"#
    .to_string()
}

fn pit_readme(
    s: &Survey,
    north: (f64, f64, f64, f64),
    east: (f64, f64, f64, f64),
    points: u64,
    steepest: &[BTreeMap<&str, f64>],
) -> String {
    let mut t = String::new();
    let mut steep = String::from("  | 分区 sector | 设计 design | 2026-03-15 | 2026-09-15 |\n  |---|---:|---:|---:|\n");
    for (id, _, d) in pit_sectors() {
        let _ = writeln!(
            steep,
            "  | `{id}` | {:.0}° | {:.1}° | {:.1}° |",
            d[2],
            steepest[0].get(id).unwrap_or(&0.0),
            steepest[1].get(id).unwrap_or(&0.0)
        );
    }
    let _ = write!(
        t,
        "# 兴和示例露天矿 (NM-0002) —— 示例普查数据包 / sample survey package

> 本目录由 `gen-samples` 生成 (`cargo run --release --bin gen-samples`), 请勿手工修改。数据为虚构。
> Generated by `gen-samples`; do not edit by hand. The data are fictitious.

内蒙古兴和县一座露天矿 (`open_pit`), 坐标系 EPSG:4526 (CGCS2000 3度带第 38 带, 中央经线 114°E, 横坐标带带号:
x ≈ 38 483 000–38 485 000, y ≈ 4 525 000–4 526 600)。许可证标高 960–1200 m。采坑为台阶式, 坑底 (体育场形, 900 × 400 m)
标高 1000 m, 10 个 15 m 高台阶至约 1150 m 的坑口。

An open pit in Inner Mongolia, EPSG:4526 (zone-prefixed eastings). A benched pit: a 900 × 400 m floor at 1000 m, ten
15 m benches up to a rim at about 1150 m.

## 内容 / Contents

- `survey.toml`: 矿山、许可证 (960–1200 m, 有效期至 2030-06-30)。
- `layers.gpkg`:

{counts}
  `slope_design`: 4 个边坡分区 (按坡面法向划分 N/E/S/W), 设计值 / design values:

  | 分区 sector | bench_height_max_m | berm_width_min_m | bench_angle_max_deg | overall_angle_max_deg |
  |---|---:|---:|---:|---:|
  | `SD-N` 北帮 | 15 | 8 | 65 | 45 |
  | `SD-E` 东帮 (软岩) | 15 | 10 | 60 | 42 |
  | `SD-S` 南帮 (硬砂岩) | 15 | 8 | 68 | 47 |
  | `SD-W` 西帮 | 15 | 9 | 63 | 43 |

  `workings`: 4 个台阶工作面 (`bench`; 北帮 1135、南帮 1090 平盘, 坑底 1000 平盘, 西帮 985 延深)。
- `pointclouds/2026-03-15.laz`, `pointclouds/2026-09-15.laz`: 两期机载激光雷达点云 (LAS 1.4, 点格式 6, LAZ 压缩,
  WKT 坐标系 EPSG:4526, 地面点 class 2, 含强度与 GPS 时间), 默认每期 {points} 点 (约 1 点/m²)。
  **这两个文件由生成器生成, 不提交到 git** (见 `.gitignore`); 测试与 CI 用下面的命令重新生成, 结果逐字节相同。
  Two LiDAR epochs, about {points} ground points each. **Generated, not committed** (git-ignored); tests and CI
  regenerate them byte-identically with the command below.

## 两期点云的差异 / What changed between the epochs

2026-09-15 一期中, 西帮 (SD-W) 向外推帮 {pushback:.0} m (坡面法向 180°±8° 处推满, 至 ±42° 渐变为 0; 更宽), 坑底西部新开一个 15 m 深的延深坑
(中心 x ≈ 38 483 640, y ≈ 4 525 800, 半径 {cut_r:.0} m, 底标高 985 m, 更深); 其余部位不变。
In the second epoch the west wall is pushed back by {pushback:.0} m (wider) and a 15 m deeper sump cut is opened in the
west of the floor (bottom at 985 m); everything else is unchanged, so a difference of the two epochs shows mining only there.

## 预设的边坡违规 / Planted slope violations

检查参数: 本示例在 `survey.toml [parameters]` 中设 `slope_angle_window_m = 2.0`、`slope_tolerance = 0.3`
(点云稀疏, 见该文件注释), 因而 `check` 另报两条 `parameters.loosened` 警告。
The sample sets `slope_angle_window_m = 2.0` and `slope_tolerance = 0.3` (sparse clouds), so `check` also lists two
`parameters.loosened` warnings.

两期点云中, 除东帮外, 所有台阶按设计施工: 坡面角 {face_ok:.0}°, 平台宽 {berm_ok:.0} m, 台阶高 15 m
(北帮实测剖面: 最大台阶高 {nh:.1} m, 最窄平台 {nb:.1} m, 最大坡面角 {na:.1}°, 总体边坡角 {no:.1}°), 各分区均合格。

东帮 (`SD-E`, 坡面法向 −26°…+26° 的核心段) 施工违规: 并段开采, 每隔一个平台被采掉 (台阶高 30 m), 坡面角 {face_e:.0}°:
剖面实测最大台阶高 {eh:.1} m > 15, 最大坡面角 {ea:.1}° > 60, 总体边坡角 {eo:.1}° > 42。在核心段与合格段之间的过渡带
(法向 ±26°…±40°, 仍在 SD-E 内) 被采掉的平台逐渐变窄, 宽度小于 10 m。因此 `minehaz slope` / `check` 在 `SD-E` 应报
`slope.bench_height`、`slope.bench_angle`、`slope.overall_angle` 与 `slope.berm_width`; 其他分区无结果。

生成器按 2 m 网格以有限差分计算各分区地表的最大真倾角并核对 (坡面角上限 / steepest true slope per sector vs the
design bench angle; only SD-E exceeds it, most in its transition zone where the walls turn):

{steep}
The east wall (`SD-E`) was built against design: every second berm mined away (double benches, 30 m high) and 70° faces;
on a profile: bench height {eh:.1} m > 15, face angle {ea:.1}° > 60, overall {eo:.1}° > 42; in the transition to the
compliant walls (still inside SD-E) the vanishing berms are narrower than 10 m. Expected findings in `SD-E`:
`slope.bench_height`, `slope.bench_angle`, `slope.overall_angle`, `slope.berm_width`; none in the other sectors.

## 边坡监测 / Slope monitoring

`monitoring/slope_points.csv`: {n_prisms} 个监测棱镜, 自 2026-09-01 起每 2 h 一次读数, 至 2026-09-19 22:00 (共 {n_readings} 条)。
Prisms read every 2 h from 2026-09-01 to 2026-09-19 22:00. Planted behaviour:

{prism_table}
以 `--as-of {as_of}` 检查时 / checked `--as-of {as_of}`: `slope.displacement_rate` E1 (major, 12 mm/d)、E2 (major, 14 mm/d)、
W1 (warning, 7 mm/d); `slope.accelerating` E2 (反速度法预测破坏时间约为最后读数后 {fail_h:.1} h / inverse-velocity
failure about {fail_h:.1} h after the last reading); `slope.monitoring_missing` SD-S (其唯一棱镜 S1 超过 24 h 无读数 / its only
prism has been silent for more than 24 h)。不带 `--as-of` (今天) 时所有读数都已过期, 四个分区都报 `slope.monitoring_missing`。
Without `--as-of` (today) every reading is stale and all four sectors get `slope.monitoring_missing`.

```sh
minehaz check sample-surveys/open-pit --as-of {as_of}
minehaz slope sample-surveys/open-pit --out slope.gpkg
```

## 重新生成 / Regenerate

```sh
cargo run --release --bin gen-samples -- --only open-pit                      # 全部文件 / everything
cargo run --release --bin gen-samples -- --pointclouds-only                   # 仅 .laz / only the .laz files
cargo run --release --bin gen-samples -- --pointclouds-only --points 200000   # 更小的点云 / smaller clouds
```
",
        counts = counts_table(s),
        n_prisms = prisms().len(),
        n_readings = s.slope_points.len(),
        prism_table = {
            let mut t = String::from("| 棱镜 prism | 分区 sector | 行为 behaviour |\n|---|---|---|\n");
            for p in prisms() {
                let sector = pit_sectors()
                    .into_iter()
                    .find(|(_, pts, _)| {
                        let mut r: Vec<P2> = pts.iter().map(|q| [q.0, q.1]).collect();
                        r.push(r[0]);
                        in_ring([p.at.0, p.at.1], &r)
                    })
                    .map_or("—", |x| x.0);
                let _ = writeln!(t, "| `{}` | `{sector}` | {} / {} |", p.id, p.what_zh, p.what_en);
            }
            t
        },
        as_of = MON_AS_OF,
        fail_h = e2_failure_hours(),
        steep = steep,
        points = points,
        pushback = PUSHBACK,
        cut_r = CUT_R,
        face_ok = FACE_OK,
        berm_ok = BERM_OK,
        nh = north.0,
        nb = north.1,
        na = north.2,
        no = north.3,
        face_e = FACE_EAST,
        eh = east.0,
        ea = east.2,
        eo = east.3,
    );
    t
}
