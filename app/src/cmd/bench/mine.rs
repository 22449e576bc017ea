//! A generated mine shaped like a real one, for `minehaz bench`: at scale 1, a licence of about
//! 163 km² whose boundary has 600 vertices and 8 holes (villages), 100 000 working segments at
//! 20 m vertex spacing (panels of roadways, gate roads, longwalls and headings), 20 000 hazard and
//! zone polygons with a realistic size mix (many small, a few large many-vertex outlines: 4 000
//! goafs, 500 water bodies, 1 400 collapse columns, 2 600 gas, 1 700 burst, 700 fire zones,
//! 4 000 anomalies, 5 100 zones), 800 faults, 500 boreholes, and 1 000 000 positioning fixes of
//! 3 000 persons over a month, clustered along the declared workings, with a few off-plan
//! clusters (concealed faces). Active heading faces are placed near water sources; four in ten
//! carry a stored drilling design, drilled as designed or with a hole missing, one in ten only a
//! short hole; a third of the boreholes deviate. Every count
//! and the area scale linearly with `scale`. Deterministic (splitmix64).

use geo_types::{coord, LineString, Polygon};
use minehaz_core::borehole::{Borehole, Collar, Interval, Station};
use minehaz_core::model::meta::MineKind;
use minehaz_core::model::*;

/// A small deterministic generator (splitmix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }
    pub fn n(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    /// Standard normal (Box–Muller).
    pub fn gauss(&mut self) -> f64 {
        let (u1, u2) = (self.f().max(1e-12), self.f());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    /// Log-normal with median `m` and spread `s` (natural log units).
    pub fn lognormal(&mut self, m: f64, s: f64) -> f64 {
        m * (s * self.gauss()).exp()
    }
}

/// Centre of the licence (EPSG:4547, CM 114°E).
const CX: f64 = 500_000.0;
const CY: f64 = 4_050_000.0;
/// Seam elevation at the centre, m.
const SEAM_Z: f64 = 500.0;

fn seam_z(x: f64, y: f64) -> f64 {
    SEAM_Z + (x - CX) * 0.004 - (y - CY) * 0.002
}

/// An irregular closed ring around (cx, cy) with `k` vertices and mean radius `r`.
fn ring(rng: &mut Rng, cx: f64, cy: f64, r: f64, k: usize, roughness: f64) -> LineString<f64> {
    let phase: Vec<f64> = (0..4).map(|_| rng.range(0.0, std::f64::consts::TAU)).collect();
    let mut pts: Vec<_> = (0..k)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / k as f64;
            let wobble = 1.0
                + roughness
                    * (0.5 * (3.0 * a + phase[0]).sin()
                        + 0.3 * (7.0 * a + phase[1]).sin()
                        + 0.15 * (13.0 * a + phase[2]).sin()
                        + 0.05 * (29.0 * a + phase[3]).sin());
            coord! { x: cx + r * wobble * a.cos(), y: cy + r * wobble * a.sin() }
        })
        .collect();
    pts.push(pts[0]);
    LineString(pts)
}

/// A polygon outline with a realistic size mix: radius log-normal around `median_r`, vertex
/// count growing with the size (8 to 400).
fn outline(rng: &mut Rng, cx: f64, cy: f64, median_r: f64) -> Polygon<f64> {
    let r = rng.lognormal(median_r, 0.7).clamp(median_r * 0.2, median_r * 12.0);
    let k = ((r / 4.0) as usize).clamp(8, 400);
    Polygon::new(ring(rng, cx, cy, r, k, 0.25), vec![])
}

/// The parameters of a generated mine.
pub struct Spec {
    pub scale: f64,
}

impl Spec {
    fn count(&self, n: usize) -> usize {
        ((n as f64) * self.scale).round().max(1.0) as usize
    }
}

/// Generate the mine.
pub fn generate(spec: &Spec) -> Survey {
    let mut rng = Rng(20261201);
    let mut s = Survey::default();
    s.meta.mine.id = format!("BENCH-{}", spec.scale);
    s.meta.mine.name = "基准测试矿井".into();
    s.meta.mine.kind = MineKind::UndergroundCoal;
    s.meta.mine.crs = "EPSG:4547".into();
    s.meta.mine.province = Some("Shanxi".into());
    s.meta.licence.z_top = Some(650.0);
    s.meta.licence.z_bottom = Some(350.0);
    s.meta.licence.valid_until = Some("2030-12-31".into());
    s.meta.licence.seams = vec!["3".into(), "9".into()];
    s.meta.licence.capacity_mt_per_year = Some(3.0);
    s.meta.classification.normal_inflow_m3h = Some(420.0);
    s.meta.classification.max_inflow_m3h = Some(980.0);
    s.meta.classification.burst_history = Some(true);
    s.meta.classification.mining_depth_max_m = Some(650.0);

    // Licence: 163 km² × scale, 600 vertices, 8 holes.
    let area = 163.0e6 * spec.scale;
    let r_lic = (area / std::f64::consts::PI).sqrt();
    let outer = ring(&mut rng, CX, CY, r_lic, 600, 0.12);
    let holes: Vec<LineString<f64>> = (0..8)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / 8.0 + 0.3;
            let d = r_lic * rng.range(0.25, 0.6);
            let r = r_lic * rng.range(0.02, 0.04);
            ring(&mut rng, CX + d * a.cos(), CY + d * a.sin(), r, 48, 0.2)
        })
        .collect();
    s.layers.licence.push(Licence { id: "L1".into(), boundary: Polygon::new(outer, holes) });

    // A point inside the licence disc (not checked against holes: workings in a hole are real
    // violations a mine has).
    let inside = |rng: &mut Rng, frac: f64| {
        let a = rng.range(0.0, std::f64::consts::TAU);
        let d = r_lic * frac * rng.f().sqrt();
        (CX + d * a.cos(), CY + d * a.sin())
    };

    // Workings: panels of a main roadway pair, gate roads, a longwall and headings; 20 m vertex
    // spacing; about 100 000 segments × scale in all.
    let target_segments = spec.count(100_000);
    let mut segments = 0;
    let mut wid = 0;
    let mut push_working = |s: &mut Survey, kind, status, line: Vec<[f64; 3]>, declared: Option<bool>, seam: &str| {
        wid += 1;
        s.layers.workings.push(Working {
            id: format!("W{wid}"),
            name: None,
            kind,
            status,
            seam: Some(seam.into()),
            declared,
            updated: Some("2026-11-01".into()),
            line,
        });
    };
    let polyline = |rng: &mut Rng, x0: f64, y0: f64, dir: f64, n: usize, wiggle: f64| -> Vec<[f64; 3]> {
        let mut v = Vec::with_capacity(n + 1);
        let (mut x, mut y, mut a) = (x0, y0, dir);
        for _ in 0..=n {
            v.push([x, y, seam_z(x, y) + rng.range(-1.5, 1.5)]);
            a += rng.range(-wiggle, wiggle);
            x += 20.0 * a.cos();
            y += 20.0 * a.sin();
        }
        v
    };
    let mut active_faces: Vec<[f64; 3]> = Vec::new();
    while segments < target_segments {
        let (x0, y0) = inside(&mut rng, 0.92);
        let dir = rng.range(0.0, std::f64::consts::TAU);
        let len = 40 + rng.n(60);
        let seam = if rng.chance(0.97) { "3" } else { "5" };
        let declared = if rng.chance(0.985) {
            Some(true)
        } else if rng.chance(0.5) {
            Some(false)
        } else {
            None
        };
        // Main roadway.
        let main = polyline(&mut rng, x0, y0, dir, len, 0.03);
        segments += main.len() - 1;
        push_working(&mut s, WorkingKind::Roadway, WorkingStatus::Existing, main.clone(), declared, seam);
        // Gate roads off the main roadway, with longwalls and headings.
        let normal = dir + std::f64::consts::FRAC_PI_2;
        for k in 0..(len / 12).max(1) {
            let p = main[(k * 12 + 6).min(main.len() - 1)];
            let gl = 20 + rng.n(40);
            let gate = polyline(&mut rng, p[0], p[1], normal, gl, 0.02);
            segments += gate.len() - 1;
            let status = if rng.chance(0.2) { WorkingStatus::Active } else { WorkingStatus::Existing };
            let kind = if status == WorkingStatus::Active { WorkingKind::Heading } else { WorkingKind::Roadway };
            if kind == WorkingKind::Heading {
                active_faces.push(*gate.last().expect("vertices"));
            }
            push_working(&mut s, kind, status, gate.clone(), declared, seam);
            if rng.chance(0.35) {
                // A longwall face between this gate road and a parallel one 200 m on.
                let q = gate[gate.len() / 2];
                let lw = vec![
                    [q[0] - 300.0 * normal.cos(), q[1] - 300.0 * normal.sin(), q[2]],
                    q,
                    [q[0] + 200.0 * dir.cos(), q[1] + 200.0 * dir.sin(), q[2] + 0.5],
                ];
                segments += 2;
                let status = if rng.chance(0.3) { WorkingStatus::Active } else { WorkingStatus::Existing };
                push_working(&mut s, WorkingKind::Longwall, status, lw, declared, seam);
            }
            if rng.chance(0.04) {
                let planned = polyline(&mut rng, p[0], p[1], normal + std::f64::consts::PI, 15, 0.02);
                segments += planned.len() - 1;
                push_working(&mut s, WorkingKind::Roadway, WorkingStatus::Planned, planned, Some(true), seam);
            }
        }
    }

    let z_around = |x: f64, y: f64, rng: &mut Rng| {
        let z = seam_z(x, y);
        match rng.n(4) {
            0 => ZRange::default(),
            1 => ZRange { floor_m: Some(z - 20.0), roof_m: Some(z + 20.0) },
            2 => ZRange { floor_m: Some(z - 5.0), roof_m: None },
            _ => ZRange { floor_m: Some(z + 30.0), roof_m: Some(z + 80.0) },
        }
    };
    // Polygons: centres inside the licence; some goafs and water bodies just ahead of active
    // headings (the water rules then have work to do).
    let center = |rng: &mut Rng, near_face: bool| {
        if near_face && !active_faces.is_empty() {
            let f = active_faces[rng.n(active_faces.len())];
            let a = rng.range(0.0, std::f64::consts::TAU);
            let d = rng.range(30.0, 140.0);
            (f[0] + d * a.cos(), f[1] + d * a.sin())
        } else {
            inside(rng, 0.98)
        }
    };
    for i in 0..spec.count(4000) {
        let (x, y) = center(&mut rng, i % 5 == 0);
        s.layers.goaf.push(Goaf {
            id: format!("G{i}"),
            name: None,
            seam: Some("3".into()),
            outline: outline(&mut rng, x, y, 60.0),
            z: z_around(x, y, &mut rng),
            water: Some(rng.chance(0.3)),
            water_level_m: None,
            water_m3: Some(rng.range(2_000.0, 200_000.0)),
            reliable: Some(rng.chance(0.7)),
            source: None,
        });
    }
    for i in 0..spec.count(500) {
        let (x, y) = center(&mut rng, i % 4 == 0);
        s.layers.water_bodies.push(WaterBody {
            id: format!("WB{i}"),
            name: None,
            kind: Some(WaterBodyKind::Aquifer),
            outline: outline(&mut rng, x, y, 150.0),
            z: z_around(x, y, &mut rng),
            head_m: Some(700.0),
            pressure_mpa: Some(rng.range(0.2, 3.5)),
        });
    }
    for i in 0..spec.count(1400) {
        let (x, y) = center(&mut rng, false);
        s.layers.collapse_columns.push(CollapseColumn {
            id: format!("XL{i}"),
            name: None,
            outline: outline(&mut rng, x, y, 25.0),
            water_conducting: Some(rng.chance(0.2)),
            z: ZRange::default(),
        });
    }
    for i in 0..spec.count(2600) {
        let (x, y) = center(&mut rng, i % 6 == 0);
        s.layers.gas_zones.push(GasZone {
            id: format!("GZ{i}"),
            seam: Some("3".into()),
            outline: outline(&mut rng, x, y, 120.0),
            z: z_around(x, y, &mut rng),
            gas_content_m3t: Some(rng.range(4.0, 16.0)),
            gas_pressure_mpa: Some(rng.range(0.2, 1.2)),
            outburst_prone: Some(rng.chance(0.1)),
            drained: Some(rng.chance(0.6)),
        });
    }
    for i in 0..spec.count(1700) {
        let (x, y) = center(&mut rng, i % 6 == 0);
        let level = [BurstLevel::None, BurstLevel::Weak, BurstLevel::Medium, BurstLevel::Strong][rng.n(4)];
        s.layers.burst_zones.push(BurstZone {
            id: format!("BZ{i}"),
            seam: Some("3".into()),
            outline: outline(&mut rng, x, y, 120.0),
            z: z_around(x, y, &mut rng),
            level: Some(level),
            relieved: Some(rng.chance(0.6)),
        });
    }
    for i in 0..spec.count(700) {
        let (x, y) = center(&mut rng, false);
        s.layers.fire_zones.push(FireZone {
            id: format!("FZ{i}"),
            name: None,
            outline: outline(&mut rng, x, y, 50.0),
            z: z_around(x, y, &mut rng),
            sealed: Some(rng.chance(0.8)),
        });
    }
    for i in 0..spec.count(4000) {
        let (x, y) = center(&mut rng, i % 8 == 0);
        let interp =
            [Interpretation::Water, Interpretation::Goaf, Interpretation::Fault, Interpretation::Unknown][rng.n(4)];
        s.layers.anomalies.push(Anomaly {
            id: format!("A{i}"),
            method: Some(AnomalyMethod::Tem),
            interpretation: Some(interp),
            outline: outline(&mut rng, x, y, 80.0),
            z: z_around(x, y, &mut rng),
            verified: Some(rng.chance(0.5)),
        });
    }
    for i in 0..spec.count(5100) {
        let (x, y) = center(&mut rng, false);
        let class = [ZoneClass::Mineable, ZoneClass::Mineable, ZoneClass::Deferred, ZoneClass::NoMining][rng.n(4)];
        s.layers.zones.push(Zone {
            id: format!("Z{i}"),
            class,
            hazard: Some(Hazard::Water),
            basis: None,
            treated: Some(rng.chance(0.5)),
            outline: outline(&mut rng, x, y, 90.0),
            z: z_around(x, y, &mut rng),
            author: Some("bench".into()),
            marked_at: Some("2026-10-01".into()),
        });
    }
    for i in 0..spec.count(800) {
        let (x, y) = inside(&mut rng, 1.0);
        let dir = rng.range(0.0, std::f64::consts::TAU);
        let n = 10 + rng.n(90);
        let trace = polyline(&mut rng, x, y, dir, n, 0.02)
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % 2 == 0)
            .map(|(_, p)| p)
            .collect::<Vec<_>>();
        let wc = rng.chance(0.2);
        s.layers.faults.push(Fault {
            id: format!("F{i}"),
            name: None,
            trace,
            throw_m: Some(rng.range(1.0, 30.0)),
            dip_deg: Some(rng.range(45.0, 80.0)),
            dip_dir_deg: Some(rng.range(0.0, 360.0)),
            z_ref_m: Some(SEAM_Z),
            water_conducting: Some(wc),
            pressure_mpa: wc.then(|| rng.range(0.5, 3.5)),
            pillar_m: None,
        });
    }
    for i in 0..spec.count(500) {
        let (x, y) = inside(&mut rng, 0.95);
        let ground = 1150.0 + rng.range(-30.0, 30.0);
        let seam_depth = ground - seam_z(x, y);
        s.boreholes.push(Borehole {
            collar: Collar {
                id: format!("ZK{i}"),
                x,
                y,
                z: ground,
                depth_m: Some(seam_depth + 40.0),
                drilled_at: Some("2024-06-01".into()),
            },
            // A third of the holes deviate (surveyed every 50 m), as directional holes do.
            stations: if rng.chance(0.33) {
                let az = rng.range(0.0, 360.0);
                let steps = ((seam_depth + 40.0) / 50.0) as usize;
                (0..=steps)
                    .map(|k| Station {
                        depth_m: k as f64 * 50.0,
                        azimuth_deg: az,
                        dip_deg: -90.0 + 15.0 * k as f64 / steps.max(1) as f64,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            intervals: vec![
                Interval {
                    from_m: 0.0,
                    to_m: seam_depth - 30.0,
                    lithology: Some("sandstone".into()),
                    ..Default::default()
                },
                Interval {
                    from_m: seam_depth - 30.0,
                    to_m: seam_depth,
                    lithology: Some("mudstone".into()),
                    ..Default::default()
                },
                Interval {
                    from_m: seam_depth,
                    to_m: seam_depth + 4.0,
                    lithology: Some("coal".into()),
                    seam: Some("3".into()),
                    gas_content_m3t: Some(rng.range(3.0, 12.0)),
                    gas_pressure_mpa: Some(rng.range(0.2, 0.8)),
                    ..Default::default()
                },
            ],
        });
    }
    // Advance drilling at the active headings, as a live mine has it: four in ten carry a stored
    // design (a fan of five holes 80 m ahead, ±30 m), drilled as designed or with one hole
    // missing; one in ten has only a short hole of its own (covered, too little advance).
    let faces: Vec<(String, [f64; 3], [f64; 2])> = s
        .layers
        .workings
        .iter()
        .filter(|w| w.is_active_heading() && w.line.len() >= 2)
        .filter_map(|w| {
            let (a, b) = (w.line[w.line.len() - 2], w.line[w.line.len() - 1]);
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let l = dx.hypot(dy);
            (l > 0.0).then(|| (w.id.clone(), b, [dx / l, dy / l]))
        })
        .collect();
    let hole = |id: String, heading: &str, collar: [f64; 3], end: [f64; 3]| Drillhole {
        id,
        heading_id: Some(heading.to_string()),
        purpose: Some(DrillPurpose::WaterExploration),
        drilled_at: Some("2026-11-20".into()),
        water_found: Some(false),
        inflow_m3h: None,
        line: vec![collar, end],
    };
    for (id, f, d) in &faces {
        let u = rng.f();
        if u < 0.4 {
            let fan = format!("{id}-F1");
            let skip = if rng.chance(0.3) { Some(rng.n(5)) } else { None };
            for (k, lat) in [-29.9, -15.0, 0.0, 15.0, 29.9].into_iter().enumerate() {
                let end = [f[0] + 80.0 * d[0] - lat * d[1], f[1] + 80.0 * d[1] + lat * d[0], f[2]];
                let hid = format!("{fan}-{:02}", k + 1);
                s.layers.planned_drillholes.push(PlannedDrillhole {
                    id: hid.clone(),
                    heading_id: Some(id.clone()),
                    fan: Some(fan.clone()),
                    hole: Some(k as i64 + 1),
                    purpose: Some(DrillPurpose::WaterExploration),
                    azimuth_deg: None,
                    inclination_deg: None,
                    length_m: None,
                    casing_m: Some(10.0),
                    sources: None,
                    line: vec![*f, end],
                });
                if skip != Some(k) {
                    // Drilled within half a metre of the design.
                    let e = [end[0] + rng.range(-0.5, 0.5), end[1] + rng.range(-0.5, 0.5), end[2]];
                    s.layers.drillholes.push(hole(format!("D-{hid}"), id, *f, e));
                }
            }
        } else if u < 0.5 {
            let end = [f[0] + 35.0 * d[0], f[1] + 35.0 * d[1], f[2]];
            s.layers.drillholes.push(hole(format!("D-{id}-short"), id, *f, end));
        }
    }
    // Fixes: persons along declared workings (±6 m), and a few off-plan groups.
    let declared: Vec<usize> = (0..s.layers.workings.len())
        .filter(|&i| {
            let w = &s.layers.workings[i];
            w.declared == Some(true) && w.status != WorkingStatus::Planned
        })
        .collect();
    let persons = spec.count(3000);
    let fixes = spec.count(1_000_000);
    let hidden_spots: Vec<(f64, f64)> = (0..spec.count(6)).map(|_| inside(&mut rng, 0.8)).collect();
    s.positioning.reserve(fixes);
    let home: Vec<usize> = (0..persons).map(|_| declared[rng.n(declared.len())]).collect();
    for i in 0..fixes {
        let person = rng.n(persons);
        let day = 1 + (i * 30 / fixes.max(1));
        let (h, m, sec) = (rng.n(24), rng.n(60), rng.n(60));
        let pos = if rng.chance(0.002) && !hidden_spots.is_empty() {
            let (x, y) = hidden_spots[person % hidden_spots.len()];
            [x + rng.range(-60.0, 60.0), y + rng.range(-60.0, 60.0), seam_z(x, y)]
        } else {
            let w = &s.layers.workings[home[person]];
            let k = rng.n(w.line.len() - 1);
            let (a, b) = (w.line[k], w.line[k + 1]);
            let t = rng.f();
            [a[0] + t * (b[0] - a[0]) + rng.range(-6.0, 6.0), a[1] + t * (b[1] - a[1]) + rng.range(-6.0, 6.0), a[2]]
        };
        s.positioning.push(Fix {
            time: format!("2026-11-{day:02}T{h:02}:{m:02}:{sec:02}+08:00").into(),
            person_id: format!("P{person}").into(),
            pos,
        });
    }
    s
}
