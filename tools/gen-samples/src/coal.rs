//! The coal-mine sample: geology, workings with planted rule cases, boreholes, a TEM grid,
//! positioning, and its README.

use super::*;

// ---------------------------------------------------------------------------------------------
// Coal mine: geology.

/// The coal mine's local frame: lx east, ly north from (482 000, 4 049 000) in EPSG:4547.
const CM: Frame = Frame { e0: 482_000.0, n0: 4_049_000.0 };

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Seam {
    S3,
    S9,
    S15,
}

impl Seam {
    fn name(self) -> &'static str {
        match self {
            Seam::S3 => "3",
            Seam::S9 => "9",
            Seam::S15 => "15",
        }
    }
}

/// Mid-height elevation of seam 3: about 1050 m in the south-west, dipping gently (≈0.6°) to
/// about 1000 m in the north-east, with a low fold.
fn z3(lx: f64, ly: f64) -> f64 {
    1048.0 - 0.010 * lx - 0.005 * ly + 2.5 * (lx / 410.0).sin() * (ly / 370.0).cos()
}
/// Seam 9 (Taiyuan Formation), 96–110 m below seam 3: about 900–950 m.
fn z9(lx: f64, ly: f64) -> f64 {
    z3(lx, ly) - 96.0 - 0.004 * lx
}
/// Seam 15 (not in the licence), about 31.5 m below seam 9.
fn z15(lx: f64, ly: f64) -> f64 {
    z9(lx, ly) - 31.5
}
fn seam_z(seam: Seam, lx: f64, ly: f64) -> f64 {
    match seam {
        Seam::S3 => z3(lx, ly),
        Seam::S9 => z9(lx, ly),
        Seam::S15 => z15(lx, ly),
    }
}
/// Ground surface: loess hills, 1158–1242 m.
fn zs(lx: f64, ly: f64) -> f64 {
    1200.0 + 30.0 * (lx / 520.0 + 0.7).sin() * (ly / 430.0).cos() + 12.0 * (ly / 260.0 + lx / 900.0).sin()
}

/// Elevation range of a seam under an outline, widened by `below` and `above`, whole metres.
fn zr(seam: Seam, pts: &[(f64, f64)], below: f64, above: f64) -> ZRange {
    let (x0, x1) = (pts.iter().map(|p| p.0).fold(f64::MAX, f64::min), pts.iter().map(|p| p.0).fold(f64::MIN, f64::max));
    let (y0, y1) = (pts.iter().map(|p| p.1).fold(f64::MAX, f64::min), pts.iter().map(|p| p.1).fold(f64::MIN, f64::max));
    let (mut lo, mut hi) = (f64::MAX, f64::MIN);
    for i in 0..=12 {
        for j in 0..=12 {
            let z = seam_z(seam, x0 + (x1 - x0) * i as f64 / 12.0, y0 + (y1 - y0) * j as f64 / 12.0);
            lo = lo.min(z);
            hi = hi.max(z);
        }
    }
    ZRange { floor_m: Some((lo - below).floor()), roof_m: Some((hi + above).ceil()) }
}

fn zfix(floor: f64, roof: f64) -> ZRange {
    ZRange { floor_m: Some(floor), roof_m: Some(roof) }
}

/// A path on a seam: vertices at most 120 m apart, at the seam elevation + `dz`.
fn on_seam(seam: Seam, pts: &[(f64, f64)], dz: f64) -> Vec<[f64; 3]> {
    densify(pts, 120.0).into_iter().map(|(x, y)| CM.xyz(x, y, seam_z(seam, x, y) + dz)).collect()
}

/// A path whose elevation goes linearly (by length) from `z0` to `z1`.
fn ramp(pts: &[(f64, f64)], z0: f64, z1: f64) -> Vec<[f64; 3]> {
    let d = densify(pts, 80.0);
    let mut acc = vec![0.0];
    for w in d.windows(2) {
        let l = ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt();
        acc.push(acc[acc.len() - 1] + l);
    }
    let total = acc[acc.len() - 1];
    d.iter().zip(&acc).map(|(&(x, y), a)| CM.xyz(x, y, z0 + (z1 - z0) * a / total)).collect()
}

/// Roadway axis heights relative to the seam mid-height.
const DZ3: f64 = -1.5;
const DZ9: f64 = -0.3;
/// Rock roadways (岩巷) of the seam-9 level run in the floor, 8 m below the seam.
const DZ_ROCK: f64 = -8.0;

// ---------------------------------------------------------------------------------------------
// Coal mine: the model.

/// A planted rule case: what `minehaz check` must report.
struct Planted {
    rule: &'static str,
    working: Option<String>,
    feature: Option<String>,
    planned: bool,
    zh: String,
    en: String,
}

pub(crate) struct Workings {
    pub(crate) list: Vec<Working>,
}

impl Workings {
    /// Add a working and return its id (W01, W02, … in order of addition).
    pub(crate) fn add(
        &mut self,
        name: &str,
        kind: WorkingKind,
        status: WorkingStatus,
        seam: Option<Seam>,
        line: Vec<[f64; 3]>,
    ) -> String {
        let id = format!("W{:02}", self.list.len() + 1);
        let updated = match status {
            WorkingStatus::Active => "2026-05-15",
            WorkingStatus::Existing => "2026-04-30",
            WorkingStatus::Planned => "2026-03-20",
        };
        self.list.push(Working {
            id: id.clone(),
            name: s(name),
            kind,
            status,
            seam: seam.map(|s| s.name().to_string()),
            declared: Some(true),
            updated: s(updated),
            line,
        });
        id
    }
    fn get_mut(&mut self, id: &str) -> &mut Working {
        self.list.iter_mut().find(|w| w.id == id).expect("working id")
    }
}

#[allow(clippy::too_many_lines)]
pub(crate) fn coal_mine() -> Result<(Survey, String)> {
    use WorkingKind::{Heading, Longwall, Roadway};
    use WorkingStatus::{Active, Existing, Planned};
    let f = CM;
    let mut l = Layers::default();

    // Licence: ~9.2 km², with the village of 下庄村 cut out as a protected area.
    let lic_ext = [(0.0, 0.0), (3600.0, 0.0), (3600.0, 1900.0), (3250.0, 2600.0), (0.0, 2600.0)];
    let village = [(2250.0, 2150.0), (2600.0, 2130.0), (2680.0, 2400.0), (2300.0, 2450.0), (2220.0, 2300.0)];
    l.licence.push(Licence { id: "LIC-SX-0001".into(), boundary: f.poly_with_holes(&lic_ext, &[&village]) });

    // ---- Goaf (老空区) -------------------------------------------------------------------
    struct G<'a> {
        id: &'a str,
        name: &'a str,
        seam: Seam,
        pts: Vec<(f64, f64)>,
        water: bool,
        water_m3: Option<f64>,
        reliable: bool,
        source: &'a str,
    }
    let goafs = vec![
        G {
            id: "G01",
            name: "3号煤1301老空区",
            seam: Seam::S3,
            pts: rect(800.0, 1400.0, 950.0, 2300.0),
            water: false,
            water_m3: None,
            reliable: true,
            source: "采掘工程平面图(1998)",
        },
        G {
            id: "G02",
            name: "3号煤1302老空区(积水)",
            seam: Seam::S3,
            pts: rect(985.0, 1400.0, 1130.0, 2300.0),
            water: true,
            water_m3: Some(42_000.0),
            reliable: true,
            source: "采掘工程平面图(2001), 2024年瞬变电磁复核",
        },
        G {
            id: "G03",
            name: "3号煤1303老空区",
            seam: Seam::S3,
            pts: rect(1160.0, 1400.0, 1300.0, 2200.0),
            water: false,
            water_m3: None,
            reliable: true,
            source: "采掘工程平面图(2003)",
        },
        G {
            id: "G04",
            name: "3号煤1201老空区",
            seam: Seam::S3,
            pts: rect(800.0, 400.0, 950.0, 1200.0),
            water: false,
            water_m3: None,
            reliable: true,
            source: "采掘工程平面图(1999)",
        },
        G {
            id: "G05",
            name: "3号煤1202老空区(积水)",
            seam: Seam::S3,
            pts: rect(980.0, 450.0, 1130.0, 1200.0),
            water: true,
            water_m3: Some(36_500.0),
            reliable: true,
            source: "采掘工程平面图(2002), 放水孔验证",
        },
        G {
            id: "G06",
            name: "3号煤1203老空区",
            seam: Seam::S3,
            pts: rect(1160.0, 450.0, 1300.0, 1200.0),
            water: false,
            water_m3: None,
            reliable: true,
            source: "采掘工程平面图(2004)",
        },
        G {
            id: "G07",
            name: "原东庄煤矿老空区(已关闭小窑)",
            seam: Seam::S3,
            pts: vec![(-150.0, 2250.0), (260.0, 2230.0), (300.0, 2480.0), (200.0, 2700.0), (-150.0, 2700.0)],
            water: true,
            water_m3: Some(120_000.0),
            reliable: false,
            source: "关闭矿井资料及走访调查, 位置推测",
        },
        G {
            id: "G08",
            name: "小窑老空区(推测)",
            seam: Seam::S3,
            pts: vec![(1750.0, 300.0), (1950.0, 310.0), (1960.0, 500.0), (1760.0, 490.0)],
            water: true,
            water_m3: Some(15_000.0),
            reliable: false,
            source: "走访调查, 位置推测",
        },
        G {
            id: "G09",
            name: "9号煤9102工作面采空区",
            seam: Seam::S9,
            pts: rect(752.0, 455.0, 928.0, 893.0),
            water: false,
            water_m3: None,
            reliable: true,
            source: "回采实测(2026)",
        },
        G {
            id: "G10",
            name: "3号煤3302工作面采空区",
            seam: Seam::S3,
            pts: rect(2002.0, 1957.0, 2198.0, 2100.0),
            water: false,
            water_m3: None,
            reliable: true,
            source: "回采实测(2026)",
        },
        G {
            id: "G11",
            name: "3号煤3201老空区(积水)",
            seam: Seam::S3,
            pts: rect(2000.0, 360.0, 2200.0, 1200.0),
            water: true,
            water_m3: Some(28_000.0),
            reliable: true,
            source: "采掘工程平面图(2015), 钻探验证",
        },
        G {
            id: "G12",
            name: "3号煤3301老空区",
            seam: Seam::S3,
            pts: rect(1780.0, 1450.0, 1970.0, 2250.0),
            water: false,
            water_m3: None,
            reliable: true,
            source: "采掘工程平面图(2012)",
        },
    ];
    for g in &goafs {
        let z = zr(g.seam, &g.pts, 4.0, 12.0);
        l.goaf.push(Goaf {
            id: g.id.into(),
            name: s(g.name),
            seam: s(g.seam.name()),
            outline: f.poly(&g.pts),
            z,
            water: Some(g.water),
            water_level_m: if g.water { z.floor_m.map(|fl| fl + if g.reliable { 7.5 } else { 6.0 }) } else { None },
            water_m3: g.water_m3,
            reliable: Some(g.reliable),
            source: s(g.source),
        });
    }

    // ---- Water bodies (含水体) -----------------------------------------------------------
    let wb1 = vec![(3200.0, 2200.0), (3700.0, 1950.0), (3750.0, 2750.0), (3100.0, 2750.0)];
    let river_c = |y: f64| 1500.0 + 80.0 * (y / 300.0).sin();
    let band = |half: f64| -> Vec<(f64, f64)> {
        let ys: Vec<f64> = (0..=29).map(|i| -150.0 + 100.0 * i as f64).collect();
        let mut p: Vec<(f64, f64)> = ys.iter().map(|&y| (river_c(y) - half, y)).collect();
        p.extend(ys.iter().rev().map(|&y| (river_c(y) + half, y)));
        p
    };
    let river = band(20.0);
    let water_bodies = vec![
        WaterBody {
            id: "WB01".into(),
            name: s("奥陶系灰岩含水层(带压区)"),
            kind: Some(WaterBodyKind::Aquifer),
            outline: f.poly(&wb1),
            z: zfix(450.0, 830.0),
            head_m: Some(1080.0),
            pressure_mpa: Some(1.9),
        },
        WaterBody {
            id: "WB02".into(),
            name: s("沁河支流(东庄河)"),
            kind: Some(WaterBodyKind::River),
            outline: f.poly(&river),
            z: zfix(1168.0, 1186.0),
            head_m: Some(1183.5),
            pressure_mpa: None,
        },
        WaterBody {
            id: "WB03".into(),
            name: s("废弃老井筒(原东庄煤矿副井)"),
            kind: Some(WaterBodyKind::OldWell),
            outline: f.poly(&ellipse(200.0, 2350.0, 3.0, 3.0, 0.0, 16)),
            z: zfix(1010.0, 1215.0),
            head_m: Some(1121.0),
            pressure_mpa: None,
        },
        WaterBody {
            id: "WB04".into(),
            name: s("岩溶发育区(奥灰顶部)"),
            kind: Some(WaterBodyKind::Karst),
            outline: f.poly(&rect(150.0, 250.0, 450.0, 550.0)),
            z: zfix(600.0, 880.0),
            head_m: Some(1078.0),
            pressure_mpa: Some(1.6),
        },
        WaterBody {
            id: "WB05".into(),
            name: s("采煤塌陷区积水坑"),
            kind: Some(WaterBodyKind::Surface),
            outline: f.poly(&ellipse(1240.0, 2425.0, 60.0, 40.0, 15.0, 20)),
            z: zfix(1185.0, 1192.0),
            head_m: Some(1191.0),
            pressure_mpa: None,
        },
    ];
    l.water_bodies = water_bodies;

    // ---- Faults (断层) --------------------------------------------------------------------
    let fault = |id: &str, name: &str, pts: &[(f64, f64)], zref: f64, throw: f64, dip: f64, dipdir: f64| Fault {
        id: id.into(),
        name: s(name),
        trace: pts.iter().map(|&(x, y)| f.xyz(x, y, zref)).collect(),
        throw_m: Some(throw),
        dip_deg: Some(dip),
        dip_dir_deg: Some(dipdir),
        z_ref_m: Some(zref),
        water_conducting: Some(false),
        pressure_mpa: None,
        pillar_m: None,
    };
    let mut f1 = fault(
        "F1",
        "F1正断层",
        &[(700.0, -100.0), (560.0, 900.0), (450.0, 1800.0), (380.0, 2700.0)],
        1035.0,
        12.0,
        70.0,
        250.0,
    );
    f1.water_conducting = Some(true);
    f1.pressure_mpa = Some(1.5);
    let f2 = fault("F2", "F2正断层", &[(1950.0, -100.0), (2350.0, 1200.0), (2500.0, 2700.0)], 1030.0, 4.5, 65.0, 120.0);
    let mut f3 = fault(
        "F3",
        "F3正断层(边界断层)",
        &[(-100.0, 250.0), (1200.0, 180.0), (2600.0, 120.0), (3700.0, 160.0)],
        1045.0,
        25.0,
        72.0,
        200.0,
    );
    f3.water_conducting = Some(true);
    f3.pressure_mpa = Some(2.0);
    f3.pillar_m = Some(60.0);
    let f4 = fault("F4", "F4正断层", &[(2900.0, 1500.0), (3100.0, 2000.0)], 1012.0, 2.8, 60.0, 300.0);
    let f5 = fault("F5", "F5逆断层", &[(200.0, 1900.0), (300.0, 2400.0)], 1030.0, 3.2, 40.0, 90.0);
    l.faults = vec![f1, f2, f3, f4, f5];

    // ---- Collapse columns (陷落柱) --------------------------------------------------------
    l.collapse_columns = vec![
        CollapseColumn {
            id: "XL1".into(),
            name: s("X1陷落柱"),
            outline: f.poly(&ellipse(1060.0, 620.0, 35.0, 25.0, 20.0, 20)),
            water_conducting: Some(false),
            z: zfix(700.0, 1060.0),
        },
        CollapseColumn {
            id: "XL2".into(),
            name: s("X2陷落柱(导水)"),
            outline: f.poly(&ellipse(3060.0, 1275.0, 45.0, 30.0, 0.0, 24)),
            water_conducting: Some(true),
            z: zfix(650.0, 1000.0),
        },
        CollapseColumn {
            id: "XL3".into(),
            name: s("X3陷落柱"),
            outline: f.poly(&ellipse(1150.0, 2250.0, 30.0, 22.0, -30.0, 20)),
            water_conducting: Some(false),
            z: zfix(700.0, 1045.0),
        },
    ];

    // ---- Gas zones (瓦斯富集区) -----------------------------------------------------------
    let gz =
        |id: &str, seam: Seam, pts: Vec<(f64, f64)>, content: f64, pressure: f64, outburst: bool, drained: bool| {
            GasZone {
                id: id.into(),
                seam: s(seam.name()),
                z: zr(seam, &pts, 10.0, 10.0),
                outline: f.poly(&pts),
                gas_content_m3t: Some(content),
                gas_pressure_mpa: Some(pressure),
                outburst_prone: Some(outburst),
                drained: Some(drained),
            }
        };
    l.gas_zones = vec![
        gz("GZ1", Seam::S9, rect(2600.0, 580.0, 2820.0, 820.0), 13.8, 0.92, true, false),
        gz("GZ2", Seam::S3, rect(1950.0, 1880.0, 2250.0, 2050.0), 9.6, 0.52, false, false),
        gz("GZ3", Seam::S3, rect(2870.0, 480.0, 3100.0, 720.0), 12.1, 0.86, true, true),
        gz("GZ4", Seam::S9, rect(900.0, 1550.0, 1050.0, 1760.0), 6.3, 0.35, false, false),
    ];

    // ---- Burst zones (冲击地压危险区) ------------------------------------------------------
    let bz = |id: &str, seam: Seam, pts: Vec<(f64, f64)>, level: BurstLevel, relieved: bool| BurstZone {
        id: id.into(),
        seam: s(seam.name()),
        z: zr(seam, &pts, 10.0, 10.0),
        outline: f.poly(&pts),
        level: Some(level),
        relieved: Some(relieved),
    };
    l.burst_zones = vec![
        bz("BZ1", Seam::S3, rect(2870.0, 500.0, 3080.0, 700.0), BurstLevel::Strong, true),
        bz("BZ2", Seam::S9, rect(700.0, 820.0, 980.0, 980.0), BurstLevel::Medium, false),
        bz("BZ3", Seam::S9, rect(250.0, 350.0, 650.0, 750.0), BurstLevel::Weak, false),
        bz("BZ4", Seam::S3, rect(2000.0, 1500.0, 2400.0, 1800.0), BurstLevel::None, false),
    ];

    // ---- Fire zones (火区) ----------------------------------------------------------------
    let fz1 = rect(820.0, 2000.0, 940.0, 2250.0);
    let fz2 = rect(480.0, 1950.0, 620.0, 2120.0);
    l.fire_zones = vec![
        FireZone {
            id: "FZ1".into(),
            name: s("1301工作面火区(已封闭)"),
            z: zr(Seam::S3, &fz1, 8.0, 15.0),
            outline: f.poly(&fz1),
            sealed: Some(true),
        },
        FireZone {
            id: "FZ2".into(),
            name: s("9号煤自燃发火区(监测中)"),
            z: zr(Seam::S9, &fz2, 8.0, 15.0),
            outline: f.poly(&fz2),
            sealed: Some(false),
        },
    ];

    // ---- Geophysical anomalies (物探异常区) ------------------------------------------------
    let anomaly =
        |id: &str, m: AnomalyMethod, i: Interpretation, pts: &[(f64, f64)], z: ZRange, verified: bool| Anomaly {
            id: id.into(),
            method: Some(m),
            interpretation: Some(i),
            outline: f.poly(pts),
            z,
            verified: Some(verified),
        };
    l.anomalies = vec![
        anomaly(
            "A01",
            AnomalyMethod::Tem,
            Interpretation::Water,
            &grow(&goafs[1].pts, 15.0),
            zfix(990.0, 1060.0),
            false,
        ),
        anomaly(
            "A02",
            AnomalyMethod::Tem,
            Interpretation::Water,
            &grow(&goafs[4].pts, 15.0),
            zfix(995.0, 1065.0),
            true,
        ),
        anomaly(
            "A03",
            AnomalyMethod::Tem,
            Interpretation::Goaf,
            &grow(&goafs[10].pts, 15.0),
            zfix(985.0, 1045.0),
            true,
        ),
        anomaly(
            "A04",
            AnomalyMethod::Dc,
            Interpretation::Water,
            &ellipse(3350.0, 2150.0, 60.0, 40.0, 30.0, 20),
            zfix(820.0, 900.0),
            false,
        ),
        anomaly(
            "A05",
            AnomalyMethod::Tem,
            Interpretation::Unknown,
            &ellipse(2560.0, 1650.0, 50.0, 35.0, 0.0, 20),
            zfix(990.0, 1040.0),
            false,
        ),
        anomaly(
            "A06",
            AnomalyMethod::Dc,
            Interpretation::Fault,
            &[(2250.0, 850.0), (2330.0, 840.0), (2390.0, 1250.0), (2310.0, 1260.0)],
            zfix(900.0, 1040.0),
            false,
        ),
    ];

    // ---- Zones (可采/缓采/禁采区) ------------------------------------------------------------
    let zone = |id: &str,
                class: ZoneClass,
                hazard: Option<Hazard>,
                basis: &str,
                treated: Option<bool>,
                pts: &[(f64, f64)],
                z: ZRange,
                marked_at: &str| Zone {
        id: id.into(),
        class,
        hazard,
        basis: s(basis),
        treated,
        outline: f.poly(pts),
        z,
        author: s(if id.ends_with('2') { "李明(地测科)" } else { "王建国(总工程师)" }),
        marked_at: s(marked_at),
    };
    let zn_n1 = band(80.0);
    let zn_d1 = rect(3250.0, 1330.0, 3500.0, 1600.0);
    let zn_d2 = rect(2870.0, 480.0, 3100.0, 720.0);
    let zn_d3 = vec![(-150.0, 2150.0), (380.0, 2130.0), (420.0, 2750.0), (-150.0, 2750.0)];
    let zn_m1 = rect(1950.0, 300.0, 3450.0, 2100.0);
    let zn_m2 = rect(700.0, 350.0, 1350.0, 2300.0);
    l.zones = vec![
        zone(
            "ZN01",
            ZoneClass::Mineable,
            None,
            "3号煤东翼: 水文地质条件查清, 瓦斯抽采达标",
            None,
            &zn_m1,
            zr(Seam::S3, &zn_m1, 10.0, 10.0),
            "2026-03-02",
        ),
        zone(
            "ZN02",
            ZoneClass::Mineable,
            Some(Hazard::Water),
            "9号煤西翼: 上覆3号煤老空水已探放或已圈定, 有掘必探",
            None,
            &zn_m2,
            zr(Seam::S9, &zn_m2, 10.0, 10.0),
            "2026-03-02",
        ),
        zone(
            "ZN03",
            ZoneClass::NoMining,
            Some(Hazard::Water),
            "东庄河下3号煤: 河流保护煤柱, 禁止开采",
            None,
            &zn_n1,
            zr(Seam::S3, &zn_n1, 15.0, 15.0),
            "2026-03-05",
        ),
        zone(
            "ZN04",
            ZoneClass::NoMining,
            Some(Hazard::Water),
            "奥灰水带压区, 突水系数超过 0.06 MPa/m, 禁止开采",
            None,
            &wb1,
            ZRange::default(),
            "2026-03-05",
        ),
        zone(
            "ZN05",
            ZoneClass::Deferred,
            Some(Hazard::Other),
            "东翼构造复杂区(F4 与 X2 陷落柱之间), 待补充三维地震勘探",
            Some(false),
            &zn_d1,
            zr(Seam::S3, &zn_d1, 10.0, 10.0),
            "2026-03-12",
        ),
        zone(
            "ZN06",
            ZoneClass::Deferred,
            Some(Hazard::Gas),
            "3204区段突出危险区: 已完成区域防突措施并经效果检验",
            Some(true),
            &zn_d2,
            zr(Seam::S3, &zn_d2, 10.0, 10.0),
            "2026-04-18",
        ),
        zone(
            "ZN07",
            ZoneClass::Deferred,
            Some(Hazard::Water),
            "原东庄煤矿老空水威胁区, 位置不可靠, 待探放",
            Some(false),
            &zn_d3,
            ZRange::default(),
            "2026-03-12",
        ),
    ];

    // ---- Workings (井巷工程) ---------------------------------------------------------------
    let mut w = Workings { list: Vec::new() };
    let rock = |pts: &[(f64, f64)]| on_seam(Seam::S9, pts, DZ_ROCK);
    let s9 = |pts: &[(f64, f64)]| on_seam(Seam::S9, pts, DZ9);
    let s3 = |pts: &[(f64, f64)]| on_seam(Seam::S3, pts, DZ3);
    // Seam-9 level: main roadways in the floor rock, cross-cuts, sump.
    w.add("9号煤运输大巷", Roadway, Existing, None, rock(&[(720.0, 1270.0), (2600.0, 1270.0)]));
    w.add("9号煤轨道大巷", Roadway, Existing, None, rock(&[(720.0, 1300.0), (2900.0, 1300.0)]));
    w.add("9号煤回风大巷", Roadway, Existing, None, rock(&[(720.0, 1330.0), (2900.0, 1330.0)]));
    for (i, x) in [1000.0, 1400.0, 2000.0, 2400.0, 2800.0].iter().enumerate() {
        w.add(&format!("9号煤大巷{}号联络巷", i + 1), Roadway, Existing, None, rock(&[(*x, 1270.0), (*x, 1330.0)]));
    }
    let sump = w.add("中央水仓(清挖)", Roadway, Active, None, rock(&[(1660.0, 1235.0), (1760.0, 1235.0)]));
    let aux9 =
        w.add("9号煤西翼辅助运输巷", Roadway, Existing, Some(Seam::S9), s9(&[(800.0, 1240.0), (1600.0, 1240.0)]));
    w.add(
        "轨道暗斜井",
        Roadway,
        Existing,
        None,
        ramp(&[(1780.0, 1300.0), (2150.0, 1410.0)], z9(1780.0, 1300.0) + DZ_ROCK, z3(2150.0, 1410.0) + DZ3),
    );
    w.add(
        "胶带暗斜井",
        Roadway,
        Existing,
        None,
        ramp(&[(1780.0, 1270.0), (2150.0, 1380.0)], z9(1780.0, 1270.0) + DZ_ROCK, z3(2150.0, 1380.0) + DZ3),
    );
    // Seam 9, west: panel 9102 (active longwall) and 9103 (gates being driven).
    w.add("9102运输顺槽", Roadway, Existing, Some(Seam::S9), s9(&[(930.0, 1270.0), (930.0, 450.0)]));
    w.add("9102回风顺槽", Roadway, Existing, Some(Seam::S9), s9(&[(750.0, 1270.0), (750.0, 450.0)]));
    let lw9102 = w.add("9102综采工作面", Longwall, Active, Some(Seam::S9), s9(&[(750.0, 900.0), (930.0, 900.0)]));
    let h3 = w.add("9103运输顺槽", Heading, Active, Some(Seam::S9), s9(&[(965.0, 1330.0), (965.0, 1650.0)]));
    w.add("9103回风顺槽(设计)", Roadway, Planned, Some(Seam::S9), s9(&[(1145.0, 1330.0), (1145.0, 2100.0)]));
    w.add("9104运输顺槽(设计)", Roadway, Planned, Some(Seam::S9), s9(&[(1320.0, 1330.0), (1320.0, 2000.0)]));
    // Seam 9, east.
    let h2 = w.add(
        "9号煤东翼运输大巷(掘进)",
        Heading,
        Active,
        None,
        rock(&[(2600.0, 1270.0), (2800.0, 1270.0), (2995.0, 1270.0)]),
    );
    let h5 = w.add("9202运输顺槽", Heading, Active, Some(Seam::S9), s9(&[(2700.0, 1270.0), (2700.0, 700.0)]));
    w.add("9202回风顺槽(设计)", Roadway, Planned, Some(Seam::S9), s9(&[(2880.0, 1270.0), (2880.0, 650.0)]));
    w.add("9号煤东翼回风大巷延伸(设计)", Roadway, Planned, None, rock(&[(2900.0, 1330.0), (3300.0, 1330.0)]));
    // Seam 3, east: main roadways, panels 3302 (longwall), 3303 (gates), 3202, 3204.
    w.add("3号煤东翼运输大巷", Roadway, Existing, Some(Seam::S3), s3(&[(2150.0, 1380.0), (3150.0, 1380.0)]));
    w.add("3号煤东翼轨道大巷", Roadway, Existing, Some(Seam::S3), s3(&[(2150.0, 1410.0), (3000.0, 1410.0)]));
    w.add("3号煤东翼回风大巷", Roadway, Existing, Some(Seam::S3), s3(&[(2150.0, 1440.0), (3150.0, 1440.0)]));
    for (i, x) in [2300.0, 2600.0, 3100.0].iter().enumerate() {
        w.add(
            &format!("3号煤东翼{}号联络巷", i + 1),
            Roadway,
            Existing,
            Some(Seam::S3),
            s3(&[(*x, 1380.0), (*x, 1440.0)]),
        );
    }
    let h1 = w.add(
        "3号煤东翼轨道大巷(掘进)",
        Heading,
        Active,
        Some(Seam::S3),
        s3(&[(3000.0, 1410.0), (3150.0, 1410.0), (3330.0, 1410.0)]),
    );
    let gate3302 = w.add("3302运输顺槽", Roadway, Existing, Some(Seam::S3), s3(&[(2200.0, 1440.0), (2200.0, 2100.0)]));
    let tail3302 = w.add("3302回风顺槽", Roadway, Existing, Some(Seam::S3), s3(&[(2000.0, 1440.0), (2000.0, 2100.0)]));
    let lw3302 = w.add(
        "3302综采工作面",
        Longwall,
        Active,
        Some(Seam::S3),
        s3(&[(2000.0, 1950.0), (2100.0, 1950.0), (2200.0, 1950.0)]),
    );
    let h6 = w.add("3303运输顺槽", Heading, Active, Some(Seam::S3), s3(&[(2750.0, 1440.0), (2750.0, 1800.0)]));
    let h7 = w.add("3303回风顺槽", Heading, Active, Some(Seam::S3), s3(&[(2850.0, 1440.0), (2850.0, 1800.0)]));
    let p1 = w.add("3304运输顺槽(设计)", Roadway, Planned, Some(Seam::S3), s3(&[(2900.0, 1440.0), (2900.0, 2650.0)]));
    w.add("3304回风顺槽(设计)", Roadway, Planned, Some(Seam::S3), s3(&[(3080.0, 1440.0), (3080.0, 2300.0)]));
    let h4 = w.add("3202运输顺槽", Heading, Active, Some(Seam::S3), s3(&[(2260.0, 1380.0), (2260.0, 800.0)]));
    let tail3202 = w.add("3202回风顺槽", Roadway, Existing, Some(Seam::S3), s3(&[(2440.0, 1380.0), (2440.0, 700.0)]));
    let p3 = w.add(
        "3202切眼及联络巷(设计)",
        Roadway,
        Planned,
        Some(Seam::S3),
        s3(&[(2440.0, 700.0), (2440.0, 480.0), (2150.0, 480.0)]),
    );
    w.add("3号煤东翼南材料巷", Roadway, Existing, Some(Seam::S3), s3(&[(2600.0, 1380.0), (2600.0, 900.0)]));
    let h8 = w.add("3204运输顺槽", Heading, Active, Some(Seam::S3), s3(&[(2950.0, 1380.0), (2950.0, 600.0)]));
    let e1 = w.add(
        "3204回风联络巷",
        Roadway,
        Existing,
        Some(Seam::S3),
        s3(&[(2950.0, 760.0), (3300.0, 760.0), (3645.0, 760.0)]),
    );
    let e4 = w.add("3号煤东翼北部联络巷", Roadway, Existing, Some(Seam::S3), s3(&[(2450.0, 1440.0), (2450.0, 2126.0)]));
    // Seam 3, west (old, partly abandoned).
    w.add("3号煤西翼运输大巷(旧)", Roadway, Existing, Some(Seam::S3), s3(&[(780.0, 1340.0), (1250.0, 1340.0)]));
    let old1301 = w.add("1301回风巷(旧)", Roadway, Existing, Some(Seam::S3), s3(&[(965.0, 1340.0), (965.0, 2380.0)]));
    let e6 = w.add(
        "3号煤西翼回风巷(旧, 河下段)",
        Roadway,
        Existing,
        Some(Seam::S3),
        s3(&[(1250.0, 1340.0), (1400.0, 1355.0)]),
    );
    let e7 = w.add("1202回风巷(旧)", Roadway, Existing, Some(Seam::S3), s3(&[(1100.0, 1340.0), (1100.0, 1000.0)]));
    let e8 = w.add(
        "1301回风巷密闭段",
        Roadway,
        Existing,
        Some(Seam::S3),
        s3(&[(965.0, 2380.0), (880.0, 2380.0), (880.0, 2120.0)]),
    );
    // Line-rule cases on seam 9 and below.
    let e2_start = (2900.0, 1300.0);
    let e2 = w.add(
        "9号煤轨道下山(延伸段)",
        Roadway,
        Existing,
        Some(Seam::S9),
        ramp(&[e2_start, (3150.0, 1150.0), (3450.0, 900.0)], z9(e2_start.0, e2_start.1) + DZ9, 840.0),
    );
    let e3 = w.add("15号煤探煤巷", Roadway, Existing, Some(Seam::S15), {
        let mut v = vec![CM.xyz(1200.0, 1270.0, z9(1200.0, 1270.0) + DZ_ROCK)];
        v.extend(on_seam(Seam::S15, &[(1200.0, 1150.0), (1200.0, 1000.0)], -0.5));
        v
    });
    // e5: ends 15 m east of the trace of F1 (pillar 28.5 m).
    let e5_end = {
        let (a, b) = ((560.0_f64, 900.0_f64), (450.0_f64, 1800.0_f64));
        let t = (1302.0 - a.1) / (b.1 - a.1);
        let p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let n = ((b.1 - a.1) / len, -(b.0 - a.0) / len);
        (p.0 + 15.0 * n.0, p.1 + 15.0 * n.1)
    };
    let e5 = w.add("9号煤西翼探巷", Roadway, Existing, Some(Seam::S9), s9(&[(720.0, 1300.0), e5_end]));
    let e9 = w.add("9号煤北翼联络巷", Roadway, Existing, Some(Seam::S9), s9(&[(1950.0, 1330.0), (1950.0, 1650.0)]));
    w.get_mut(&e9).declared = Some(false);
    let p2 = w.add("9201运输顺槽(设计)", Roadway, Planned, Some(Seam::S9), {
        // F3 at x = 1800: y = 180 - 60 * 600 / 1400; the design ends 40 m north of it.
        let yf = 180.0 - 60.0 * 600.0 / 1400.0;
        s9(&[(1800.0, 1270.0), (1800.0, yf + 40.0)])
    });
    l.workings = w.list;

    // ---- Drillholes (超前钻孔) -------------------------------------------------------------
    let face_of = |id: &str| -> [f64; 3] {
        let wk = l.workings.iter().find(|x| x.id == id).expect("working");
        wk.line[wk.line.len() - 1]
    };
    let local = |p: [f64; 3]| (p[0] - CM.e0, p[1] - CM.n0, p[2]);
    let dh = |id: &str,
              heading: &str,
              purpose: DrillPurpose,
              at: &str,
              found: Option<(bool, Option<f64>)>,
              pts: Vec<[f64; 3]>| Drillhole {
        id: id.into(),
        heading_id: s(heading),
        purpose: Some(purpose),
        drilled_at: s(at),
        water_found: found.map(|x| x.0),
        inflow_m3h: found.and_then(|x| x.1),
        line: pts,
    };
    let (hx, hy, hz) = local(face_of(&h3));
    let (ax, ay, az) = local(face_of(&h2));
    let (bx, by, bz) = local(face_of(&h1));
    let (cx, cy, cz) = local(face_of(&h5));
    let start = |x: f64, y: f64, z: f64| CM.xyz(x, y, z + 1.2);
    l.drillholes = vec![
        dh(
            "D01",
            &h3,
            DrillPurpose::WaterExploration,
            "2026-05-08",
            Some((false, None)),
            vec![start(hx, hy - 2.0, hz), CM.xyz(hx, hy + 80.0, hz + 4.0)],
        ),
        dh(
            "D02",
            &h3,
            DrillPurpose::WaterExploration,
            "2026-05-08",
            Some((true, Some(3.5))),
            vec![
                start(hx + 1.0, hy - 2.0, hz),
                CM.xyz(hx + 14.0, hy + 36.0, hz + 38.0),
                CM.xyz(hx + 26.0, hy + 70.0, hz + 76.0),
            ],
        ),
        dh(
            "D03",
            &h3,
            DrillPurpose::WaterExploration,
            "2026-05-09",
            Some((false, None)),
            vec![start(hx - 1.0, hy - 2.0, hz), CM.xyz(hx - 22.0, hy + 72.0, hz + 6.0)],
        ),
        dh(
            "D04",
            &h2,
            DrillPurpose::WaterExploration,
            "2026-05-12",
            Some((false, None)),
            vec![start(ax - 2.0, ay, az), CM.xyz(ax + 18.0, ay, az + 1.0)],
        ),
        dh(
            "D05",
            &tail3302,
            DrillPurpose::GasDrainage,
            "2026-02-20",
            None,
            vec![start(2000.0, 1700.0, z3(2000.0, 1700.0)), CM.xyz(2130.0, 1705.0, z3(2130.0, 1705.0) + 0.5)],
        ),
        dh(
            "D06",
            &tail3302,
            DrillPurpose::GasDrainage,
            "2026-02-21",
            None,
            vec![start(2000.0, 1760.0, z3(2000.0, 1760.0)), CM.xyz(2130.0, 1765.0, z3(2130.0, 1765.0) + 0.5)],
        ),
        dh(
            "D07",
            &aux9,
            DrillPurpose::Drainage,
            "2025-11-03",
            Some((true, Some(8.2))),
            vec![start(1050.0, 1240.0, z9(1050.0, 1240.0)), CM.xyz(1050.0, 1150.0, z3(1050.0, 1150.0) - 1.0)],
        ),
        dh(
            "D08",
            &aux9,
            DrillPurpose::Drainage,
            "2025-11-05",
            Some((true, Some(5.6))),
            vec![start(1100.0, 1240.0, z9(1100.0, 1240.0)), CM.xyz(1100.0, 1140.0, z3(1100.0, 1140.0) - 1.0)],
        ),
        dh(
            "D09",
            &h5,
            DrillPurpose::Geology,
            "2026-05-10",
            Some((false, None)),
            vec![start(cx, cy + 2.0, cz), CM.xyz(cx, cy - 60.0, cz - 3.0)],
        ),
        dh(
            "D10",
            &h1,
            DrillPurpose::WaterExploration,
            "2026-05-11",
            Some((false, None)),
            vec![start(bx - 2.0, by, bz), CM.xyz(bx + 60.0, by, bz + 2.0)],
        ),
    ];

    // ---- Geochemistry (化探) ---------------------------------------------------------------
    const WATER_FIELDS: [&str; 7] = ["tds_mgl", "so4_mgl", "ca_mgl", "mg_mgl", "hco3_mgl", "cl_mgl", "ph"];
    const GAS_FIELDS: [&str; 4] = ["ch4_pct", "co2_pct", "o2_pct", "co_ppm"];
    let sample = |id: &str, kind: GeochemKind, at: &str, pos: [f64; 3], vals: &[f64]| {
        let (fields, other): (&[&str], &[&str]) =
            if kind == GeochemKind::Water { (&WATER_FIELDS, &GAS_FIELDS) } else { (&GAS_FIELDS, &WATER_FIELDS) };
        let mut values: BTreeMap<&str, Option<f64>> = fields.iter().zip(vals).map(|(k, v)| (*k, Some(*v))).collect();
        values.extend(other.iter().map(|k| (*k, None)));
        Geochem {
            id: id.into(),
            kind: Some(kind),
            sampled_at: s(at),
            pos,
            values: WATER_FIELDS.iter().chain(GAS_FIELDS.iter()).map(|k| (k.to_string(), values[k])).collect(),
        }
    };
    use GeochemKind::{Gas, Water};
    let d07_end = l.drillholes[6].line[1];
    let d02_end = l.drillholes[1].line[2];
    l.geochem = vec![
        sample(
            "GC01",
            Water,
            "2026-04-12",
            CM.xyz(1700.0, 1100.0, 660.0),
            &[620.0, 210.0, 98.0, 31.0, 252.0, 28.0, 7.6],
        ),
        sample("GC02", Water, "2025-11-04", d07_end, &[2350.0, 1280.0, 310.0, 95.0, 118.0, 65.0, 6.1]),
        sample("GC03", Water, "2026-05-08", d02_end, &[1980.0, 1065.0, 274.0, 88.0, 135.0, 58.0, 6.4]),
        sample(
            "GC04",
            Water,
            "2026-04-15",
            CM.xyz(2000.0, 1300.0, z9(2000.0, 1300.0) + DZ_ROCK + 2.0),
            &[780.0, 240.0, 112.0, 36.0, 318.0, 34.0, 7.4],
        ),
        sample(
            "GC05",
            Water,
            "2026-04-16",
            CM.xyz(3100.0, 1410.0, z3(3100.0, 1410.0) + 1.0),
            &[540.0, 95.0, 42.0, 15.0, 365.0, 22.0, 8.1],
        ),
        sample(
            "GC06",
            Water,
            "2026-04-02",
            CM.xyz(river_c(900.0), 900.0, 1183.5),
            &[430.0, 88.0, 61.0, 18.0, 220.0, 19.0, 7.9],
        ),
        sample(
            "GC07",
            Water,
            "2026-04-03",
            CM.xyz(200.0, 2350.0, 1121.0),
            &[1650.0, 820.0, 236.0, 71.0, 160.0, 47.0, 6.8],
        ),
        sample(
            "GC08",
            Water,
            "2026-04-15",
            CM.xyz(1710.0, 1235.0, z9(1710.0, 1235.0) + DZ_ROCK),
            &[1250.0, 560.0, 170.0, 52.0, 240.0, 40.0, 7.2],
        ),
        sample(
            "GC09",
            Water,
            "2026-05-13",
            CM.xyz(2260.0, 805.0, z3(2260.0, 805.0)),
            &[1870.0, 960.0, 255.0, 79.0, 150.0, 55.0, 6.5],
        ),
        sample(
            "GC10",
            Water,
            "2026-04-20",
            CM.xyz(2720.0, 1000.0, z9(2720.0, 1000.0)),
            &[810.0, 255.0, 118.0, 37.0, 305.0, 33.0, 7.5],
        ),
        sample("GC11", Gas, "2026-05-14", CM.xyz(2195.0, 1952.0, z3(2195.0, 1952.0) + 1.0), &[0.62, 0.18, 20.4, 0.0]),
        sample("GC12", Gas, "2026-05-14", CM.xyz(2700.0, 703.0, z9(2700.0, 703.0) + 1.0), &[0.45, 0.21, 20.5, 0.0]),
        sample("GC13", Gas, "2026-05-14", CM.xyz(2750.0, 1797.0, z3(2750.0, 1797.0) + 1.0), &[0.31, 0.12, 20.7, 0.0]),
        sample("GC14", Gas, "2026-05-14", CM.xyz(2850.0, 1797.0, z3(2850.0, 1797.0) + 1.0), &[0.35, 0.13, 20.6, 0.0]),
        sample("GC15", Gas, "2026-05-10", CM.xyz(880.0, 2150.0, z3(880.0, 2150.0) + 1.0), &[2.1, 3.8, 8.5, 35.0]),
        sample("GC16", Gas, "2026-05-14", CM.xyz(2950.0, 603.0, z3(2950.0, 603.0) + 1.0), &[0.38, 0.15, 20.6, 0.0]),
        sample("GC17", Gas, "2026-05-14", CM.xyz(930.0, 898.0, z9(930.0, 898.0) + 1.0), &[0.41, 0.22, 20.5, 2.0]),
        sample("GC18", Gas, "2026-05-11", CM.xyz(550.0, 2030.0, z9(550.0, 2030.0)), &[1.3, 2.6, 14.2, 18.0]),
    ];

    // ---- Boreholes, the TEM grid and personnel positioning --------------------------------
    let boreholes = coal_boreholes();
    let grid =
        tem_grid(&goafs.iter().filter(|g| g.seam == Seam::S3).map(|g| (g.pts.clone(), g.water)).collect::<Vec<_>>());
    let workplaces: Vec<&Working> = l
        .workings
        .iter()
        .filter(|x| x.status != Planned && x.declared == Some(true))
        .filter(|x| ![&e6, &e7, &e8, &e1, &old1301].contains(&&x.id))
        .collect();
    let fixes = positioning(&workplaces);

    // ---- survey.toml ------------------------------------------------------------------------
    let text = coal_toml();
    let meta = SurveyMeta::parse(&text, Path::new("survey.toml")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let expected = SurveyMeta {
        mine: Mine {
            id: "SX-0001".into(),
            name: "晋安示例煤矿".into(),
            kind: MineKind::UndergroundCoal,
            crs: "EPSG:4547".into(),
            province: s("Shanxi"),
            county: s("黎城县"),
        },
        licence: LicenceTerms {
            z_top: Some(1150.0),
            z_bottom: Some(850.0),
            valid_until: s("2027-12-31"),
            seams: vec!["3".into(), "9".into()],
            capacity_mt_per_year: Some(1.2),
        },
        classification: Classification {
            normal_inflow_m3h: Some(320.0),
            max_inflow_m3h: Some(900.0),
            max_inrush_m3h: Some(45.0),
            relative_gas_m3t: Some(8.2),
            absolute_gas_m3min: Some(35.0),
            max_heading_gas_m3min: Some(2.1),
            max_longwall_gas_m3min: Some(4.0),
            outburst_history: Some(false),
            burst_history: Some(false),
            mining_depth_max_m: Some(720.0),
            flood_threat: None,
        },
        parameters: BTreeMap::new(),
        source_text: text.clone(),
        ..Default::default()
    };
    ensure!(meta == expected, "survey.toml text and model disagree:\n{meta:#?}\nvs\n{expected:#?}");

    let survey = Survey {
        meta,
        layers: l,
        boreholes,
        grids: vec![grid],
        point_clouds: vec![],
        positioning: fixes,
        daily: coal_daily(),
        ..Survey::default()
    };

    // ---- The planted cases, verified --------------------------------------------------------
    let m = Measure::new(&survey);
    let pl = |rule, working: &str, feature: Option<&str>, planned, zh: String, en: String| Planted {
        rule,
        working: (!working.is_empty()).then(|| working.to_string()),
        feature: feature.map(str::to_string),
        planned,
        zh,
        en,
    };
    let planted = vec![
        pl("licence.outside_boundary", &e1, Some("licence"), false,
            format!("3号煤巷道越过东部矿界 {:.1} m (越界开采)", m.outside(&e1)),
            format!("seam-3 roadway crosses the east licence boundary by {:.1} m", m.outside(&e1))),
        pl("licence.outside_boundary", &p1, Some("licence"), true,
            format!("设计巷道越过北部矿界 {:.1} m", m.outside(&p1)),
            format!("planned gate road crosses the north boundary by {:.1} m", m.outside(&p1))),
        pl("licence.outside_levels", &e2, Some("licence"), false,
            format!("下山延伸至 {:.1} m, 低于开采下限 850 m (超层越界), 超出 {:.1} m", m.zmin(&e2), 850.0 - m.zmin(&e2)),
            format!("inclined roadway reaches {:.1} m, {:.1} m below z_bottom 850", m.zmin(&e2), 850.0 - m.zmin(&e2))),
        pl("licence.seam_not_permitted", &e3, Some("licence"), false,
            "15号煤不在准采煤层 [3, 9] 内".into(),
            "seam 15 is not among the permitted seams [3, 9]".into()),
        pl("pillar.boundary", &e4, Some("licence"), false,
            format!("巷道距村庄保护区(矿界内环)仅 {:.1} m < 20 m (境界煤柱)", m.to_licence_rings(&e4)),
            format!("roadway comes within {:.1} m of the village hole of the licence (< 20 m)", m.to_licence_rings(&e4))),
        pl("pillar.fault", &e5, Some("F1"), false,
            format!("距导水断层 F1 {:.1} m < 防隔水煤柱 {:.1} m (p = 1.5 MPa)", m.to_fault(&e5, "F1"), m.pillar("F1")),
            format!("{:.1} m from water-conducting fault F1, pillar {:.1} m (p = 1.5 MPa)", m.to_fault(&e5, "F1"), m.pillar("F1"))),
        pl("pillar.fault", &p2, Some("F3"), true,
            format!("设计巷道距 F3 {:.1} m < 设计煤柱 pillar_m = 60 m (公式值仅 {:.1} m)", m.to_fault(&p2, "F3"), fault_pillar_formula(2.0)),
            format!("planned roadway {:.1} m from F3, inside its designed pillar_m 60 m (formula only {:.1} m)", m.to_fault(&p2, "F3"), fault_pillar_formula(2.0))),
        pl("zone.no_mining", &e6, Some("ZN03"), false,
            "3号煤旧巷进入东庄河下禁采区".into(),
            "old seam-3 roadway runs into the no-mining zone under the river".into()),
        pl("zone.deferred_untreated", &h1, Some("ZN05"), false,
            "掘进工作面进入未治理的缓采区 (构造复杂区)".into(),
            "active heading inside an untreated deferred zone".into()),
        pl("water.inside_water_body", &e7, Some("G05"), false,
            "3号煤旧巷位于积水老空区 G05 内".into(),
            "old seam-3 roadway inside the water-filled goaf G05".into()),
        pl("water.inside_water_body", &p3, Some("G11"), true,
            "设计切眼联络巷进入积水老空区 G11".into(),
            "planned roadway runs into the water-filled goaf G11".into()),
        pl("water.exploration_required", &h2, Some("XL2"), false,
            format!("迎头距导水陷落柱 X2 {:.1} m ≤ 探水线 40 m; 超前孔 D04 仅超前 {:.1} m < 30 m, 不构成掩护", m.face_to(&h2, "XL2"), m.advance("D04", &h2)),
            format!("face {:.1} m from water-conducting collapse column XL2 (exploration line 40 m); D04 reaches only {:.1} m ahead", m.face_to(&h2, "XL2"), m.advance("D04", &h2))),
        pl("water.warning_zone", &h4, Some("G11"), false,
            format!("迎头距积水老空区 G11 {:.1} m: 在警戒线(90 m)内, 探水线(30 m)外", m.face_to(&h4, "G11")),
            format!("face {:.1} m from water goaf G11: inside the warning line (90 m), outside the exploration line (30 m)", m.face_to(&h4, "G11"))),
        pl("gas.outburst_zone_undrained", &h5, Some("GZ1"), false,
            "迎头位于未抽采达标的突出危险区 GZ1 (0.92 MPa)".into(),
            "heading face in the undrained outburst zone GZ1 (0.92 MPa)".into()),
        pl("gas.rich_zone_undrained", &lw3302, Some("GZ2"), false,
            "综采面位于未抽采达标的瓦斯富集区 GZ2 (9.6 m³/t)".into(),
            "longwall face in the undrained gas-rich zone GZ2 (9.6 m³/t)".into()),
        pl("burst.zone_unrelieved", &lw9102, Some("BZ2"), false,
            "综采面位于未卸压的中等冲击危险区 BZ2".into(),
            "longwall face in the unrelieved medium burst zone BZ2".into()),
        pl("burst.face_spacing", &h6, Some(&h7), false,
            format!("3303 两顺槽同时掘进, 迎头相距 {:.1} m < 150 m", m.face_gap(&h6, &h7)),
            format!("the two 3303 gate roads are driven together, faces {:.1} m apart (< 150 m)", m.face_gap(&h6, &h7))),
        pl("burst.face_spacing", &h7, Some(&h6), false,
            format!("同上 (互相命名), {:.1} m", m.face_gap(&h6, &h7)),
            format!("the same pair, named the other way, {:.1} m", m.face_gap(&h6, &h7))),
        pl("fire.working_in_fire_zone", &e8, Some("FZ1"), false,
            "巷道进入已封闭火区 FZ1".into(),
            "roadway inside the sealed fire zone FZ1".into()),
        pl("hidden.undeclared_working", &e9, None, false,
            "未申报巷道 (declared = 0)".into(),
            "undeclared roadway (declared = 0)".into()),
        pl("hidden.undeclared_activity", "", Some("cluster-1"), false,
            format!("人员定位: {} 人 {} 天在村庄保护煤柱下聚集, 距任何申报工作面 > {:.0} m (隐蔽工作面)", HIDDEN_PEOPLE.len(), HIDDEN_DAYS.len(), m.hidden_gap()),
            format!("positioning: {} persons on {} days clustered under the village, > {:.0} m from every declared working (concealed face)", HIDDEN_PEOPLE.len(), HIDDEN_DAYS.len(), m.hidden_gap())),
        pl("hidden.production_while_stopped", "", Some("2026-04-12..2026-04-13"), false,
            "申报停产 04-10 至 04-14, 但 04-12 领用火工品 120 kg, 04-13 用电量为停产前 30 天中位数的 0.6 倍 (> 0.4)".into(),
            "declared stopped 04-10..04-14, yet 120 kg of explosives on 04-12 and 0.6 × the median power on 04-13 (> 0.4)".into()),
        pl("hidden.output_mismatch", "", Some("2026-02-28..2026-03-10"), false,
            "03-02 至 03-08 运输量为产量的 1.25 倍: 7 日窗口超出 15% 的窗口合并为 02-28 至 03-10 (瞒报产量)".into(),
            "transport 1.25 × output on 03-02..03-08: the 7-day windows beyond 15 % merge into 02-28..03-10 (under-declared output)".into()),
        pl("hidden.energy_mismatch", "", Some("2026-06-20..2026-06-26"), false,
            "06-20 至 06-26 连续 7 个生产日吨煤电耗为中位数的 1.67 倍 (> 1.5)".into(),
            "7 consecutive producing days 06-20..06-26 at 1.67 × the median power per tonne (> 1.5)".into()),
        pl("licence.over_capacity", "", Some("2025-11-30..2026-11-29"), false,
            "截至检查日 365 天产量约 1.25 Mt, 超过核定能力 1.2 Mt/a (超能力)".into(),
            "about 1.25 Mt in the 365 days to the as-of date, beyond the approved 1.2 Mt/a".into()),
        pl("licence.over_intensity", "", Some("2025-12-01..2025-12-31"), false,
            "2025 年 12 月产量约 11.8 万 t, 超过核定能力 1/12 的 110% (11 万 t, 超强度)".into(),
            "December 2025: about 118 000 t, beyond 110 % of a twelfth of the capacity (110 000 t)".into()),
    ];
    let expected_keys: BTreeSet<Key> = planted
        .iter()
        .map(|p| {
            (
                p.rule.to_string(),
                p.working.clone().unwrap_or_else(|| "-".into()),
                p.feature.clone().unwrap_or_else(|| "-".into()),
                p.planned,
            )
        })
        .collect();
    for slack in [0.0, -5.0, 5.0] {
        let got = core_keys(&survey, slack)?;
        if got != expected_keys {
            let missing: Vec<_> = expected_keys.difference(&got).collect();
            let extra: Vec<_> = got.difference(&expected_keys).collect();
            bail!("self-check with thresholds moved by {slack} m: findings differ from the planted cases\n missing: {missing:#?}\n extra: {extra:#?}");
        }
    }
    let negatives = vec![
        (h3.clone(), format!("迎头在 G02 (20 m) 与 A01 的探水线内, 但有超前孔 D01–D03 掩护 (D01 超前 {:.1} m, 帮距 0 m); 又位于 GZ4 (6.3 m³/t < 8): 无结果", m.advance("D01", &h3)),
            format!("face inside the exploration lines of G02 and A01 but covered by D01–D03 (D01 {:.1} m ahead, on the axis); also in GZ4 (6.3 m³/t < 8): no finding", m.advance("D01", &h3))),
        (h8.clone(), "迎头位于已抽采达标的突出区 GZ3、已卸压的强冲击区 BZ1、已治理的缓采区 ZN06: 无结果".into(),
            "face in the drained outburst zone GZ3, the relieved strong burst zone BZ1 and the treated deferred zone ZN06: no finding".into()),
        (h1.clone(), "超前探水孔 D10 不在任何探水线内, 仅作常规探测".into(), "drillhole D10 is routine: the heading is inside no exploration line".into()),
        ("GZ4 / BZ3 / BZ4".into(), "富集区含量低于 8 m³/t、弱冲击区无工作面、无冲击危险区 (level none): 均无结果".into(),
            "gas content below 8 m³/t, a weak burst zone without faces, a burst zone of level none: no findings".into()),
        ("WB02 / ZN03".into(), "9号煤大巷在东庄河及其禁采区平面投影之下通过, 但标高不重叠: 无结果".into(),
            "the seam-9 main roadways pass under the river and its no-mining zone in plan, at other elevations: no finding".into()),
        (format!("{gate3302}, {tail3202}, {sump}"), "其余已申报巷道均不违规; 人员定位点距申报巷道不超过 6 m".into(),
            "all other declared workings are clean; positioning fixes lie within 6 m of them".into()),
    ];
    let readme = coal_readme(&survey, &planted, &negatives);
    Ok((survey, readme))
}

/// `monitoring/daily.csv`: 365 days to the as-of date 2026-11-29 at about 3 450 t a day
/// (transport = output, 30 kWh/t ± 5 %), with the planted cases of the README: a declared stop
/// 04-10..04-14 with explosives on 04-12 and 0.6 × the power on 04-13; transport 1.25 × output
/// on 03-02..03-08; 1.67 × the power per tonne on 06-20..06-26; December 2025 at 3 800 t a day.
fn coal_daily() -> Vec<Daily> {
    use chrono::{Datelike, Duration, NaiveDate};
    let mut rng = Rng::new(0xDA11_7001);
    let d0 = NaiveDate::from_ymd_opt(2025, 11, 30).expect("date");
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    let between = |d: NaiveDate, a: &str, b: &str| d >= day(a) && d <= day(b);
    let round = |v: f64| (v * 10.0).round() / 10.0;
    (0..365)
        .map(|k| {
            let date = d0 + Duration::days(k);
            let base = if date.year() == 2025 && date.month() == 12 { 3800.0 } else { 3450.0 };
            let coal = round(base * rng.range(0.98, 1.02));
            let kwh_t =
                30.0 * rng.range(0.95, 1.05) * if between(date, "2026-06-20", "2026-06-26") { 1.67 } else { 1.0 };
            let transport = if between(date, "2026-03-02", "2026-03-08") { round(coal * 1.25) } else { coal };
            let gas = round(coal * rng.range(7.8, 8.6));
            let water = round(320.0 * 24.0 * rng.range(0.95, 1.05));
            if between(date, "2026-04-10", "2026-04-14") {
                let power = if date == day("2026-04-13") { 0.6 } else { 0.25 } * 3450.0 * 30.0;
                return Daily {
                    date,
                    coal_t: Some(0.0),
                    transport_t: Some(0.0),
                    power_kwh: Some(round(power)),
                    gas_m3: Some(round(gas * 0.3)),
                    water_m3: Some(water),
                    explosives_kg: Some(if date == day("2026-04-12") { 120.0 } else { 0.0 }),
                    declared_stop: Some(true),
                };
            }
            Daily {
                date,
                coal_t: Some(coal),
                transport_t: Some(transport),
                power_kwh: Some(round(coal * kwh_t)),
                gas_m3: Some(gas),
                water_m3: Some(water),
                explosives_kg: Some(round(coal * 0.25)),
                declared_stop: Some(false),
            }
        })
        .collect()
}

/// `events.ndjson`: a morning of the live mine on the as-of day, for `minehaz watch` (its
/// README section tells what each event does).
pub(crate) fn coal_events() -> String {
    let t = |hm: &str| format!("2026-11-29T{hm}:00+08:00");
    let fix = |hm: &str, p: &str, x: f64, y: f64, z: f64| serde_json::json!({"type": "fix", "time": t(hm), "person_id": p, "x": x, "y": y, "z": z});
    let face =
        |hm: &str, w: &str, to: [f64; 3]| serde_json::json!({"type": "face", "time": t(hm), "working": w, "to": to});
    let reading = |hm: &str, sensor: &str, kind: &str, value: f64, w: &str| serde_json::json!({"type": "reading", "time": t(hm), "sensor": sensor, "kind": kind, "value": value, "working": w});
    let crew = |hm: &str| {
        vec![
            fix(hm, "P0101", 484258.0, 4049805.0, 1020.8),
            fix(hm, "P0102", 482965.0, 4050640.0, 929.6),
            fix(hm, "P0103", 482970.0, 4050560.0, 929.6),
            fix(hm, "P0104", 484990.0, 4050275.0, 893.7),
        ]
    };
    let mut ev = crew("08:50");
    ev.extend([
        face("09:00", "W37", [484240.0, 4049800.0, 1020.9]),
        reading("09:30", "WI-W37", "water_inflow", 12.0, "W37"),
        face("10:00", "W37", [484225.0, 4049800.0, 1021.0]),
        reading("10:15", "WI-W37", "water_inflow", 14.0, "W37"),
        serde_json::json!({"type": "drillhole", "time": t("10:30"), "feature": {"type": "Feature",
            "properties": {"id": "D21", "heading_id": "W37", "purpose": "water_exploration", "drilled_at": "2026-11-29", "water_found": 0},
            "geometry": {"type": "LineString", "coordinates": [[484225.0, 4049800.0, 1021.5], [484130.0, 4049800.0, 1021.5]]}}}),
    ]);
    ev.extend(crew("11:35"));
    ev.extend([
        reading("11:30", "CH4-W16-T1", "ch4", 0.42, "W16"),
        reading("11:35", "WI-W37", "water_inflow", 13.0, "W37"),
        reading("11:40", "CH4-W16-T1", "ch4", 1.62, "W16"),
        serde_json::json!({"type": "weather", "time": t("12:00"), "level": "orange", "text": "黎城县气象台暴雨橙色预警"}),
        fix("12:10", "P0101", 484226.0, 4049800.0, 1021.0),
        reading("12:20", "WI-W37", "water_inflow", 35.0, "W37"),
        fix("12:50", "P0101", 484225.0, 4049801.0, 1021.0),
        fix("12:52", "P0104", 484990.0, 4050275.0, 893.7),
        face("13:00", "W37", [484195.0, 4049800.0, 1021.2]),
        serde_json::json!({"type": "status", "time": t("13:05"), "working": "W37", "status": "existing"}),
    ]);
    ev.iter().map(|e| format!("{e}\n")).collect()
}

/// Fault pillar width by the RULES.md formula (K = 4, M = 3, Kp = 0.2), at least 20 m.
fn fault_pillar_formula(p: f64) -> f64 {
    (0.5 * 4.0 * 3.0 * (3.0 * p / 0.2).sqrt()).max(20.0)
}

fn coal_toml() -> String {
    r#"# 晋安示例煤矿 —— 矿山隐蔽致灾因素普查数据包 (示例, 虚构数据)
# 由 `cargo run --release --bin gen-samples` 生成, 请勿手工修改; 格式见 SURVEY-FORMAT.md。
# Sample survey package (fictitious data) generated by gen-samples; do not edit by hand.

[mine]
id = "SX-0001"                  # 矿井编号 (省内唯一)
name = "晋安示例煤矿"
kind = "underground_coal"       # 井工煤矿
crs = "EPSG:4547"               # CGCS2000 3度带 中央经线114°E, 横坐标不带带号
province = "Shanxi"             # 山西省
county = "黎城县"

[licence]                       # 采矿许可证; 边界多边形见 layers.gpkg 图层 licence (含村庄保护区内环)
z_top = 1150.0                  # 开采上限标高 (m)
z_bottom = 850.0                # 开采下限标高 (m)
valid_until = "2027-12-31"      # 有效期至
seams = ["3", "9"]              # 准采煤层: 3号煤 (山西组), 9号煤 (太原组)
capacity_mt_per_year = 1.2      # 核定生产能力 (Mt/a)

[classification]                # 分类分级实测输入
normal_inflow_m3h = 320.0       # 矿井正常涌水量 (m³/h)
max_inflow_m3h = 900.0          # 矿井最大涌水量 (m³/h)
max_inrush_m3h = 45.0           # 历史最大突水量: 2011年9号煤顶板K2灰岩出水 (m³/h)
relative_gas_m3t = 8.2          # 矿井相对瓦斯涌出量 (m³/t)
absolute_gas_m3min = 35.0       # 矿井绝对瓦斯涌出量 (m³/min)
max_heading_gas_m3min = 2.1     # 掘进工作面最大绝对瓦斯涌出量 (m³/min)
max_longwall_gas_m3min = 4.0    # 采煤工作面最大绝对瓦斯涌出量 (m³/min)
outburst_history = false        # 无突出史
burst_history = false           # 无冲击地压史
mining_depth_max_m = 720.0      # 最大采深 (m)

[parameters]                    # 规则参数覆盖 (名称与方向见 RULES.md); 本示例全部使用默认值
# exploration_offset_goaf_m = 40.0   # 例: 收紧老空水探水线 (更严格, 允许)
"#
    .to_string()
}

// ---------------------------------------------------------------------------------------------
// Coal mine: boreholes.

#[derive(Clone, Copy)]
enum Ref {
    Surf,
    S3,
    S9,
}

/// One stratum: its base (an offset from a reference surface), what it is.
struct Stratum {
    base: (Ref, f64),
    lith: &'static str,
    seam: Option<&'static str>,
    water: Option<f64>,
    gas: Option<(f64, Option<f64>)>,
}

fn ref_z(r: Ref, off: f64, lx: f64, ly: f64) -> f64 {
    off + match r {
        Ref::Surf => zs(lx, ly),
        Ref::S3 => z3(lx, ly),
        Ref::S9 => z9(lx, ly),
    }
}

struct HoleSpec {
    id: String,
    lx: f64,
    ly: f64,
    /// Azimuth and dip (negative down) of a straight hole.
    az: f64,
    dip: f64,
    /// The hole ends at this surface.
    end: (Ref, f64),
    drilled_at: String,
    hydro: bool,
    gas_data: bool,
    gas9: Option<(f64, f64)>,
}

fn coal_boreholes() -> Vec<Borehole> {
    let mut rng = Rng::new(0x5EED_B0E1);
    let mut specs: Vec<HoleSpec> = Vec::new();
    let xs = [300.0, 900.0, 1500.0, 2100.0, 2700.0, 3300.0];
    let ys = [400.0, 1200.0, 2000.0];
    for (r, &y) in ys.iter().enumerate() {
        for (c, &x) in xs.iter().enumerate() {
            let year = 1995 + (r * 6 + c) as i32 + rng.below(4) as i32;
            specs.push(HoleSpec {
                id: format!("ZK{}{:02}", r + 1, c + 1),
                lx: x + rng.range(-80.0, 80.0),
                ly: y + rng.range(-80.0, 80.0),
                az: 0.0,
                dip: -90.0,
                end: (Ref::S9, -48.0),
                drilled_at: format!("{year}-{:02}-{:02}", 3 + rng.below(8), 1 + rng.below(27)),
                hydro: false,
                gas_data: year >= 2005,
                gas9: None,
            });
        }
    }
    let mut special = |id: &str,
                       lx: f64,
                       ly: f64,
                       az: f64,
                       dip: f64,
                       end: (Ref, f64),
                       at: &str,
                       hydro: bool,
                       gas9: Option<(f64, f64)>| {
        specs.push(HoleSpec {
            id: id.into(),
            lx,
            ly,
            az,
            dip,
            end,
            drilled_at: at.into(),
            hydro,
            gas_data: true,
            gas9,
        });
    };
    special("SW1", 1700.0, 1100.0, 0.0, -90.0, (Ref::Surf, -540.0), "2018-07-20", true, None);
    special("SW2", 3000.0, 2000.0, 0.0, -90.0, (Ref::Surf, -590.0), "2021-05-16", true, None);
    special("ZK-G1", 2720.0, 680.0, 0.0, -90.0, (Ref::S9, -48.0), "2025-09-08", false, Some((13.6, 0.82)));
    special("ZK-X1", 2960.0, 1230.0, 70.0, -72.0, (Ref::S9, -60.0), "2024-10-11", false, None);
    special("ZK-F1", 760.0, 1300.0, 270.0, -70.0, (Ref::S9, -50.0), "2023-06-02", false, None);
    special("ZK-F3", 2000.0, 420.0, 180.0, -75.0, (Ref::S9, -50.0), "2022-08-19", false, None);
    special("ZK-K1", 1200.0, 2300.0, 45.0, -80.0, (Ref::S9, -48.0), "2024-04-27", false, None);
    specs.into_iter().map(|h| borehole(&h, &mut rng)).collect()
}

fn borehole(h: &HoleSpec, rng: &mut Rng) -> Borehole {
    let collar_z = r2(zs(h.lx, h.ly));
    let (sd, cd) = h.dip.to_radians().sin_cos();
    let (sa, ca) = h.az.to_radians().sin_cos();
    let pos = |m: f64| (h.lx + m * cd * sa, h.ly + m * cd * ca, collar_z + m * sd);
    // Measured depth where the hole meets a surface (bisection; the hole goes down steeply).
    let md_at = |r: Ref, off: f64| -> f64 {
        let g = |m: f64| {
            let (x, y, z) = pos(m);
            z - ref_z(r, off, x, y)
        };
        if g(0.0) <= 0.0 {
            return 0.0;
        }
        let (mut lo, mut hi) = (0.0, 3000.0);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if g(mid) > 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    };
    // The column, top down.
    let mut col: Vec<Stratum> = Vec::new();
    let st = |base: (Ref, f64), lith: &'static str| Stratum { base, lith, seam: None, water: None, gas: None };
    col.push(st((Ref::Surf, -rng.range(12.0, 38.0)), "黄土"));
    let mut off = 62.0 + 230.0;
    let liths = ["砂岩", "砂质泥岩", "泥岩", "粉砂岩"];
    let mut stack = Vec::new();
    while off > 62.0 + 1.0 {
        let t = rng.range(6.0, 18.0);
        let mut lith = liths[rng.below(liths.len())];
        while stack.last().is_some_and(|(_, prev)| *prev == lith) {
            lith = liths[rng.below(liths.len())];
        }
        stack.push((off, lith));
        off -= t;
    }
    for (i, (_, lith)) in stack.iter().enumerate() {
        let next = stack.get(i + 1).map_or(62.0, |n| n.0);
        col.push(st((Ref::S3, next), lith));
    }
    let known = |rng: &mut Rng, p: f64| rng.unit() < p;
    let k8 = known(rng, 0.5).then(|| r2(rng.range(0.8, 3.5)));
    col.push(Stratum { water: k8, ..st((Ref::S3, 48.0), "中粒砂岩(K8)") });
    col.push(st((Ref::S3, 20.0), "砂质泥岩"));
    col.push(st((Ref::S3, 3.0), "泥岩"));
    let thick3 = rng.range(5.6, 6.2);
    let gas3 = if h.gas_data && known(rng, 0.8) {
        Some((r2(rng.range(5.5, 9.4)), known(rng, 0.6).then(|| r2(rng.range(0.22, 0.55)))))
    } else {
        None
    };
    col.push(Stratum { seam: Some("3"), gas: gas3, ..st((Ref::S3, 3.0 - thick3), "煤") });
    col.push(st((Ref::S3, -12.0), "泥岩"));
    col.push(st((Ref::S3, -25.0), "细粒砂岩(K7)"));
    col.push(st((Ref::S9, 38.0), "砂质泥岩"));
    let k2 = known(rng, 0.6).then(|| r2(rng.range(2.0, 8.5)));
    col.push(Stratum { water: k2, ..st((Ref::S9, 28.0), "灰岩(K2)") });
    col.push(st((Ref::S9, 18.0), "泥岩"));
    col.push(st((Ref::S9, 1.3), "砂质泥岩"));
    let thick9 = rng.range(2.4, 2.8);
    let gas9 = match h.gas9 {
        Some((c, p)) => Some((c, Some(p))),
        None if h.gas_data && known(rng, 0.8) => {
            Some((r2(rng.range(7.0, 12.0)), known(rng, 0.7).then(|| r2(rng.range(0.32, 0.65)))))
        }
        None => None,
    };
    col.push(Stratum { seam: Some("9"), gas: gas9, ..st((Ref::S9, 1.3 - thick9), "煤") });
    col.push(st((Ref::S9, -14.0), "泥岩"));
    col.push(st((Ref::S9, -30.0), "砂岩"));
    col.push(Stratum { seam: Some("15"), ..st((Ref::S9, -33.0), "煤") });
    col.push(st((Ref::S9, -40.0), "泥岩"));
    col.push(st((Ref::S9, -55.0), "铝土质泥岩"));
    let o2 = h.hydro.then(|| r2(rng.range(25.0, 60.0)));
    col.push(Stratum { water: o2, ..st((Ref::S9, -2000.0), "奥陶系灰岩") });

    let td = r2(md_at(h.end.0, h.end.1));
    let mut intervals = Vec::new();
    let mut top = 0.0;
    for s in &col {
        let base = r2(md_at(s.base.0, s.base.1)).min(td);
        if base > top {
            intervals.push(Interval {
                from_m: top,
                to_m: base,
                lithology: Some(s.lith.to_string()),
                seam: s.seam.map(str::to_string),
                water_inflow_m3h: s.water,
                gas_content_m3t: s.gas.map(|g| g.0),
                gas_pressure_mpa: s.gas.and_then(|g| g.1),
            });
            top = base;
        }
        if top >= td {
            break;
        }
    }
    let stations = if h.dip > -89.99 {
        let mut st: Vec<Station> = (0..)
            .map(|k| f64::from(k) * 50.0)
            .take_while(|d| *d < td)
            .map(|d| Station { depth_m: d, azimuth_deg: h.az, dip_deg: h.dip })
            .collect();
        st.push(Station { depth_m: td, azimuth_deg: h.az, dip_deg: h.dip });
        st
    } else {
        Vec::new()
    };
    let p = CM.xy(h.lx, h.ly);
    Borehole {
        collar: Collar {
            id: h.id.clone(),
            x: p[0],
            y: p[1],
            z: collar_z,
            depth_m: Some(td),
            drilled_at: Some(h.drilled_at.clone()),
        },
        stations,
        intervals,
    }
}

// ---------------------------------------------------------------------------------------------
// Coal mine: TEM apparent-resistivity grid.

fn tem_grid(goafs: &[(Vec<(f64, f64)>, bool)]) -> Grid {
    let (w, h, cell) = (100usize, 80usize, 25.0);
    let (ox, oy) = (600.0, 2300.0);
    let mut rng = Rng::new(0x7E3_0950);
    let rect_dist = |pts: &[(f64, f64)], x: f64, y: f64| {
        let (x0, x1) =
            (pts.iter().map(|p| p.0).fold(f64::MAX, f64::min), pts.iter().map(|p| p.0).fold(f64::MIN, f64::max));
        let (y0, y1) =
            (pts.iter().map(|p| p.1).fold(f64::MAX, f64::min), pts.iter().map(|p| p.1).fold(f64::MIN, f64::max));
        let dx = (x0 - x).max(0.0).max(x - x1);
        let dy = (y0 - y).max(0.0).max(y - y1);
        (dx * dx + dy * dy).sqrt()
    };
    let mut values = Vec::with_capacity(w * h);
    for r in 0..h {
        for c in 0..w {
            let x = ox + (c as f64 + 0.5) * cell;
            let y = oy - (r as f64 + 0.5) * cell;
            let mut v = 112.0
                + 40.0 * (x / 530.0).sin() * (y / 410.0).cos()
                + 18.0 * ((x + y) / 260.0).sin()
                + 5.0 * rng.gauss();
            for (pts, water) in goafs {
                let d = rect_dist(pts, x, y);
                let wgt = (-(d / 60.0).powi(2)).exp();
                v *= if *water { 1.0 - 0.93 * wgt } else { 1.0 + 0.25 * wgt };
            }
            // A mild low (A05, interpretation unknown) that stays above the anomaly threshold.
            let d5 = ((x - 2560.0) / 50.0).powi(2) + ((y - 1650.0) / 35.0).powi(2);
            v *= 1.0 - 0.55 * (-d5).exp();
            values.push(v.clamp(5.0, 200.0) as f32);
        }
    }
    Grid {
        name: "tem_rho_950".into(),
        meta: GridMeta {
            method: s("tem"),
            depth_m: None,
            elevation_m: Some(950.0),
            unit: s("ohm_m"),
            anomaly_below: Some(20.0),
            anomaly_above: None,
            description: s("瞬变电磁视电阻率切片, 标高 950 m (2024年地面TEM勘探); 低阻异常对应3号煤积水老空区"),
        },
        width: w,
        height: h,
        geotransform: [CM.e0 + ox, cell, 0.0, CM.n0 + oy, 0.0, -cell],
        nodata: None,
        values,
    }
}

// ---------------------------------------------------------------------------------------------
// Coal mine: personnel positioning.

const DAYS: [&str; 5] = ["2026-05-11", "2026-05-12", "2026-05-13", "2026-05-14", "2026-05-15"];
const HIDDEN_PEOPLE: [&str; 4] = ["P0187", "P0192", "P0203", "P0215"];
const HIDDEN_DAYS: [&str; 3] = ["2026-05-12", "2026-05-13", "2026-05-14"];
/// Centre of the concealed face (local frame): under the village, seam 3.
const HIDDEN_AT: (f64, f64) = (2450.0, 2290.0);

fn point_along(line: &[[f64; 3]], t: f64) -> [f64; 3] {
    let lens: Vec<f64> =
        line.windows(2).map(|w| ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt()).collect();
    let total: f64 = lens.iter().sum();
    let mut d = t * total;
    for (i, l) in lens.iter().enumerate() {
        if d <= *l || i == lens.len() - 1 {
            let u = if *l > 0.0 { (d / l).min(1.0) } else { 0.0 };
            let (a, b) = (line[i], line[i + 1]);
            return [a[0] + u * (b[0] - a[0]), a[1] + u * (b[1] - a[1]), a[2] + u * (b[2] - a[2])];
        }
        d -= l;
    }
    line[line.len() - 1]
}

fn hms(minutes: f64) -> (u32, u32, u32) {
    let s = (minutes * 60.0).round() as u32;
    (s / 3600, (s / 60) % 60, s % 60)
}

fn positioning(workplaces: &[&Working]) -> Vec<Fix> {
    let mut rng = Rng::new(0x9051_7104);
    let mut fixes = Vec::new();
    // Active faces draw more people.
    let mut weighted: Vec<&Working> = Vec::new();
    for w in workplaces {
        let n = match (w.status, w.kind) {
            (WorkingStatus::Active, WorkingKind::Heading | WorkingKind::Longwall) => 4,
            _ => 1,
        };
        weighted.extend(std::iter::repeat_n(*w, n));
    }
    for day in DAYS {
        for shift in 0..3 {
            let mut crew: Vec<u32> = Vec::new();
            while crew.len() < 14 {
                let p = 1 + rng.below(180) as u32;
                if !crew.contains(&p) {
                    crew.push(p);
                }
            }
            for p in crew {
                let wk = weighted[rng.below(weighted.len())];
                let mut minute = f64::from(shift) * 480.0 + rng.range(5.0, 60.0);
                for _ in 0..14 {
                    let q = point_along(&wk.line, rng.unit());
                    let (r, a) = (5.0 * rng.unit().sqrt(), rng.range(0.0, std::f64::consts::TAU));
                    let (h, m, sec) = hms(minute);
                    fixes.push(Fix {
                        time: format!("{day}T{h:02}:{m:02}:{sec:02}+08:00").into(),
                        person_id: format!("P{p:04}").into(),
                        pos: [r2(q[0] + r * a.cos()), r2(q[1] + r * a.sin()), r2(q[2] + 1.0)],
                    });
                    minute += rng.range(22.0, 30.0);
                }
            }
        }
    }
    // The concealed face: night visits under the village (隐蔽工作面).
    let rosters: [(&str, &[&str], f64); 3] = [
        (HIDDEN_DAYS[0], &["P0187", "P0192", "P0203"], 22.0 * 60.0 + 10.0),
        (HIDDEN_DAYS[1], &["P0187", "P0203", "P0215"], 22.0 * 60.0 + 5.0),
        (HIDDEN_DAYS[2], &["P0192", "P0215"], 20.0 * 60.0 + 30.0),
    ];
    for (day, people, start) in rosters {
        for p in people {
            let mut minute = start + rng.range(0.0, 8.0);
            for _ in 0..8 {
                let (r, a) = (30.0 * rng.unit().sqrt(), rng.range(0.0, std::f64::consts::TAU));
                let (x, y) = (HIDDEN_AT.0 + r * a.cos(), HIDDEN_AT.1 + r * a.sin());
                let (h, m, sec) = hms(minute);
                fixes.push(Fix {
                    time: format!("{day}T{h:02}:{m:02}:{sec:02}+08:00").into(),
                    person_id: (*p).into(),
                    pos: CM.xyz(x, y, z3(x, y) - 0.5),
                });
                minute += rng.range(9.0, 12.0);
            }
        }
    }
    fixes.sort_by(|a, b| (&a.time, &a.person_id).cmp(&(&b.time, &b.person_id)));
    fixes
}

// ---------------------------------------------------------------------------------------------
// Plan geometry for the self-check and the README measurements.

pub(crate) type P2 = [f64; 2];

fn dist(a: P2, b: P2) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}
fn pt_seg(p: P2, a: P2, b: P2) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let l2 = dx * dx + dy * dy;
    let t = if l2 == 0.0 { 0.0 } else { (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2).clamp(0.0, 1.0) };
    dist(p, [a[0] + t * dx, a[1] + t * dy])
}
fn orient(a: P2, b: P2, c: P2) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}
fn seg_touch(a: P2, b: P2, c: P2, d: P2) -> bool {
    let (o1, o2, o3, o4) = (orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b));
    if o1 * o2 < 0.0 && o3 * o4 < 0.0 {
        return true;
    }
    pt_seg(c, a, b) == 0.0 || pt_seg(d, a, b) == 0.0 || pt_seg(a, c, d) == 0.0 || pt_seg(b, c, d) == 0.0
}
fn seg_seg(a: P2, b: P2, c: P2, d: P2) -> f64 {
    if seg_touch(a, b, c, d) {
        0.0
    } else {
        pt_seg(a, c, d).min(pt_seg(b, c, d)).min(pt_seg(c, a, b)).min(pt_seg(d, a, b))
    }
}
/// Segments of a line (a single point gives one degenerate segment).
fn segs(l: &[P2]) -> Vec<(P2, P2)> {
    if l.len() == 1 {
        vec![(l[0], l[0])]
    } else {
        l.windows(2).map(|w| (w[0], w[1])).collect()
    }
}
fn line_line(a: &[P2], b: &[P2]) -> f64 {
    let mut m = f64::MAX;
    for (p, q) in segs(a) {
        for (r, t) in segs(b) {
            m = m.min(seg_seg(p, q, r, t));
        }
    }
    m
}
fn rings(p: &Polygon<f64>) -> Vec<Vec<P2>> {
    std::iter::once(p.exterior()).chain(p.interiors()).map(|r| r.coords().map(|c| [c.x, c.y]).collect()).collect()
}
pub(crate) fn in_ring(p: P2, ring: &[P2]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]) {
            inside = !inside;
        }
    }
    inside
}
fn in_area(p: P2, poly: &Polygon<f64>) -> bool {
    let r = rings(poly);
    in_ring(p, &r[0]) && !r[1..].iter().any(|h| in_ring(p, h))
}
fn to_rings(line: &[P2], poly: &Polygon<f64>) -> f64 {
    rings(poly).iter().map(|r| line_line(line, r)).fold(f64::MAX, f64::min)
}
/// Plan distance from a line to a polygon's area (0 when they meet).
fn line_area(line: &[P2], poly: &Polygon<f64>) -> f64 {
    if line.iter().any(|p| in_area(*p, poly)) {
        0.0
    } else {
        to_rings(line, poly)
    }
}
fn densify2(line: &[P2], step: f64) -> Vec<P2> {
    let pts: Vec<(f64, f64)> = line.iter().map(|p| (p[0], p[1])).collect();
    if pts.len() == 1 {
        return line.to_vec();
    }
    densify(&pts, step).into_iter().map(|(x, y)| [x, y]).collect()
}
/// How far a line reaches out of a polygon's area.
fn outside_by(line: &[P2], poly: &Polygon<f64>) -> f64 {
    densify2(line, 0.5).into_iter().filter(|p| !in_area(*p, poly)).map(|p| to_rings(&[p], poly)).fold(0.0, f64::max)
}
fn plan(line: &[[f64; 3]]) -> Vec<P2> {
    line.iter().map(|p| [p[0], p[1]]).collect()
}

// 3D segment distance: the same function the rules use.
fn seg_seg3(p1: [f64; 3], q1: [f64; 3], p2: [f64; 3], q2: [f64; 3]) -> f64 {
    minehaz_core::geometry::segment_distance_3d(p1, q1, p2, q2)
}

/// The face of an active heading (last vertex) or longwall (last segment), as 1 or 2 points.
fn face(w: &Working) -> Option<Vec<[f64; 3]>> {
    if w.status != WorkingStatus::Active {
        return None;
    }
    let n = w.line.len();
    match w.kind {
        WorkingKind::Heading => Some(vec![w.line[n - 1]]),
        WorkingKind::Longwall => Some(vec![w.line[n - 2], w.line[n - 1]]),
        _ => None,
    }
}

fn fault_pillar(f: &Fault) -> f64 {
    let base = f.pressure_mpa.map_or(20.0, fault_pillar_formula);
    f.pillar_m.map_or(base, |p| p.max(base))
}

/// Measurements quoted in the README.
struct Measure<'a> {
    s: &'a Survey,
}

impl<'a> Measure<'a> {
    fn new(s: &'a Survey) -> Self {
        Self { s }
    }
    fn w(&self, id: &str) -> &Working {
        self.s.layers.workings.iter().find(|w| w.id == id).expect("working")
    }
    fn licence(&self) -> &Polygon<f64> {
        &self.s.layers.licence[0].boundary
    }
    fn outside(&self, id: &str) -> f64 {
        outside_by(&plan(&self.w(id).line), self.licence())
    }
    fn zmin(&self, id: &str) -> f64 {
        self.w(id).line.iter().map(|p| p[2]).fold(f64::MAX, f64::min)
    }
    fn to_licence_rings(&self, id: &str) -> f64 {
        to_rings(&plan(&self.w(id).line), self.licence())
    }
    fn fault(&self, id: &str) -> &Fault {
        self.s.layers.faults.iter().find(|f| f.id == id).expect("fault")
    }
    fn to_fault(&self, w: &str, f: &str) -> f64 {
        line_line(&plan(&self.w(w).line), &plan(&self.fault(f).trace))
    }
    fn pillar(&self, f: &str) -> f64 {
        fault_pillar(self.fault(f))
    }
    fn face_to(&self, w: &str, feature: &str) -> f64 {
        let f = plan(&face(self.w(w)).expect("face"));
        let l = &self.s.layers;
        let poly = l
            .collapse_columns
            .iter()
            .find(|c| c.id == feature)
            .map(|c| &c.outline)
            .or_else(|| l.goaf.iter().find(|g| g.id == feature).map(|g| &g.outline))
            .expect("feature");
        line_area(&f, poly)
    }
    fn advance(&self, d: &str, h: &str) -> f64 {
        let dh = self.s.layers.drillholes.iter().find(|x| x.id == d).expect("drillhole");
        advance(self.w(h), dh).0
    }
    fn face_gap(&self, a: &str, b: &str) -> f64 {
        let (fa, fb) = (face(self.w(a)).expect("face"), face(self.w(b)).expect("face"));
        seg_seg3(fa[0], fa[fa.len() - 1], fb[0], fb[fb.len() - 1])
    }
    /// Smallest plan distance from a fix of the concealed face to a declared working.
    fn hidden_gap(&self) -> f64 {
        let declared: Vec<Vec<P2>> = self
            .s
            .layers
            .workings
            .iter()
            .filter(|w| w.status != WorkingStatus::Planned && w.declared == Some(true))
            .map(|w| plan(&w.line))
            .collect();
        self.s
            .positioning
            .iter()
            .filter(|f| HIDDEN_PEOPLE.contains(&f.person_id.as_str()))
            .map(|f| declared.iter().map(|l| line_line(&[[f.pos[0], f.pos[1]]], l)).fold(f64::MAX, f64::min))
            .fold(f64::MAX, f64::min)
            .floor()
    }
}

/// A finding's identity: (rule, working or "-", feature or "-", planned).
type Key = (String, String, String, bool);

/// The sample's findings by minehaz-core's own rules (the `check` users run), with every
/// distance threshold among the rule parameters moved by `slack` metres in the direction of
/// more findings (positive) or fewer (negative).
fn core_keys(survey: &Survey, slack: f64) -> Result<BTreeSet<Key>> {
    use minehaz_core::rules::params::{Params, Stricter, PARAMETERS};
    const DISTANCES: [&str; 7] = ["pillar", "offset", "distance", "guard", "spacing", "tolerance", "radius"];
    let overrides: BTreeMap<String, f64> = PARAMETERS
        .iter()
        .filter(|(n, _, _)| n.ends_with("_m") && DISTANCES.iter().any(|d| n.contains(d)))
        .map(|(n, v, s)| (n.to_string(), v + if *s == Stricter::Higher { slack } else { -slack }))
        // Small tolerances and spacings (a few metres) cannot move by 5 m: they keep their default.
        .filter(|(_, v)| *v > 0.0)
        .collect();
    let mut ps = minehaz_core::error::Problems::default();
    let (params, _) = Params::with_overrides(&overrides, &minehaz_core::Location::default(), &mut ps);
    ensure!(!ps.has_errors(), "parameters moved by {slack} m are invalid: {:?}", ps.0);
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).context("date")?;
    let a = minehaz_core::rules::Assessment::with_params(survey.clone(), params, Vec::new(), as_of);
    Ok(a.findings()
        .map(|f| {
            (
                f.rule.to_string(),
                f.working.clone().unwrap_or_else(|| "-".into()),
                f.feature.clone().unwrap_or_else(|| "-".into()),
                f.planned,
            )
        })
        .collect())
}

/// (projection of the drillhole end on the heading direction beyond the face, lateral).
fn advance(h: &Working, d: &Drillhole) -> (f64, f64) {
    let n = h.line.len();
    let (face, prev) = (h.line[n - 1], h.line[n - 2]);
    let dir = [face[0] - prev[0], face[1] - prev[1]];
    let len = (dir[0] * dir[0] + dir[1] * dir[1]).sqrt();
    let dir = [dir[0] / len, dir[1] / len];
    let e = d.line[d.line.len() - 1];
    let v = [e[0] - face[0], e[1] - face[1]];
    (v[0] * dir[0] + v[1] * dir[1], (dir[0] * v[1] - dir[1] * v[0]).abs())
}

// ---------------------------------------------------------------------------------------------
// READMEs.

pub(crate) fn counts_table(s: &Survey) -> String {
    let mut t = String::from("| 图层 layer | 要素数 features |\n|---|---:|\n");
    for (k, n) in s.layers.counts() {
        if n > 0 {
            let _ = writeln!(t, "| `{k}` | {n} |");
        }
    }
    t
}

fn coal_readme(s: &Survey, planted: &[Planted], negatives: &[(String, String, String)]) -> String {
    let l = &s.layers;
    let ws = &l.workings;
    let count = |f: &dyn Fn(&Working) -> bool| ws.iter().filter(|w| f(w)).count();
    let n_int: usize = s.boreholes.iter().map(|b| b.intervals.len()).sum();
    let n_incl = s.boreholes.iter().filter(|b| !b.stations.is_empty()).count();
    let persons: BTreeSet<&str> = s.positioning.iter().map(|f| f.person_id.as_str()).collect();
    let g = &s.grids[0];
    let (lo, hi) = g.value_range().unwrap_or((0.0, 0.0));
    let mut t = String::new();
    let _ = write!(
        t,
        "# 晋安示例煤矿 (SX-0001) —— 示例普查数据包 / sample survey package

> 本目录由 `gen-samples` 生成 (`cargo run --release --bin gen-samples`), 请勿手工修改: 重新生成会覆盖整个目录。
> This folder is generated by `gen-samples`; do not edit it by hand, regenerating replaces it.
> 数据为虚构, 仅用于演示与测试。The data are fictitious, for demonstration and tests only.

山西省一座井工煤矿 (`underground_coal`), 坐标系 EPSG:4547 (CGCS2000 3度带, 中央经线 114°E, 横坐标不带带号;
x ≈ 482 000–485 600, y ≈ 4 049 000–4 051 600)。采矿许可证: 标高 850–1150 m, 准采 3号、9号煤, 有效期至 2027-12-31;
矿界为约 9.2 km² 的多边形, 内含下庄村保护区 (内环)。3号煤 (山西组, 厚约 6 m) 标高约 1000–1050 m, 9号煤 (太原组, 厚约 2.6 m)
在其下 96–110 m, 均向东北缓倾; 地表为黄土丘陵, 标高 1158–1242 m。

An underground coal mine in Shanxi, EPSG:4547. Licence: 850–1150 m, seams 3 and 9, valid until 2027-12-31; a ~9.2 km²
boundary with a hole (the protected village of Xiazhuang). Seam 3 lies at about 1000–1050 m, seam 9 96–110 m below, both
dipping gently to the north-east; the surface is loess hills at 1158–1242 m.

## 内容 / Contents

- `survey.toml`: 矿井、许可证、分类分级输入 (水文: 正常涌水量 320、最大 900 m³/h; 瓦斯: 相对 8.2 m³/t; 最大采深 720 m)。
- `layers.gpkg`: 全部井工图层 (every layer kind but `slope_design`, which only the open pit uses):

{counts}
  其中 workings: {nw} 条 (巷道 roadway {nr}, 掘进 heading {nh}, 综采 longwall {nl}; 现有 existing {ne}, 在用 active {na}, 设计 planned {np});
  goaf 中积水 {gw} 处 (位置不可靠 {gu} 处); 断层 5 条, 其中导水 2 条 (F1 p = 1.5 MPa; F3 另有设计煤柱 pillar_m = 60 m)。
- `boreholes/`: {nb} 个钻孔 (其中 {n_incl} 个斜孔带测斜 surveys.csv), {n_int} 个分层 (黄土、砂岩、泥岩、K2 灰岩、奥陶系灰岩 …;
  3号、9号、15号煤层段; 部分含涌水量、瓦斯含量和压力, ZK-G1 的 9号煤瓦斯压力 0.82 MPa ≥ 0.74)。
  {nb} boreholes ({n_incl} inclined with surveys), {n_int} intervals.
- `geophysics/tem_rho_950.tif` + `.toml`: 瞬变电磁视电阻率切片, 标高 950 m, {gw_} × {gh_} 格 × 25 m, Float32,
  {lo:.1}–{hi:.1} Ω·m; 积水老空区 G02、G05、G11 上方为低阻异常 (< 20 Ω·m, `anomaly_below = 20`)。
- `monitoring/positioning.csv`: {nf} 条人员定位记录, {np_} 人, 2026-05-11 至 05-15 (时间带 +08:00 时区)。
- `monitoring/daily.csv`: 2025-11-30 至 2026-11-29 的每日产量、运输、电量、瓦斯、水量、火工品与停产申报 (MONITORING.md 数据比对),
  含下表中的 5 个预设案例。Daily production and monitoring data for the 365 days to 2026-11-29, with the 5 planted cases below.
- `events.ndjson`: `minehaz watch` 的事件流 (2026-11-29 上午), 见下文 \"实时监视\"。An event stream for `minehaz watch`, see \"Live\" below.

## 预设的规则案例 / Planted rule cases

`minehaz check` (RULES.md) 在本数据上应恰好报告下列结果 (`planned` = 设计工程, 仅线规则, 级别 warning)。
生成器内置了一个独立的小型规则实现, 每次生成都会核对结果与本表完全一致, 且所有距离阈值 ±5 m 时仍一致。
`minehaz check` must report exactly these findings; the generator checks them with its own small implementation of
the rules, also with every distance threshold moved by ±5 m.

| # | rule | working | feature | planned | 说明 | description |
|---:|---|---|---|---|---|---|
",
        counts = counts_table(s),
        nw = ws.len(),
        nr = count(&|w| w.kind == WorkingKind::Roadway),
        nh = count(&|w| w.kind == WorkingKind::Heading),
        nl = count(&|w| w.kind == WorkingKind::Longwall),
        ne = count(&|w| w.status == WorkingStatus::Existing),
        na = count(&|w| w.status == WorkingStatus::Active),
        np = count(&|w| w.status == WorkingStatus::Planned),
        gw = l.goaf.iter().filter(|g| g.water == Some(true)).count(),
        gu = l.goaf.iter().filter(|g| g.water == Some(true) && g.reliable == Some(false)).count(),
        nb = s.boreholes.len(),
        gw_ = g.width,
        gh_ = g.height,
        nf = s.positioning.len(),
        np_ = persons.len(),
    );
    for (i, p) in planted.iter().enumerate() {
        let wname = p
            .working
            .as_ref()
            .map(|id| {
                let w = ws.iter().find(|w| &w.id == id).map(|w| w.name.clone().unwrap_or_default()).unwrap_or_default();
                format!("`{id}` {w}")
            })
            .unwrap_or_else(|| "null".into());
        let feat = p.feature.as_ref().map_or("null".to_string(), |f| format!("`{f}`"));
        let _ = writeln!(
            t,
            "| {} | `{}` | {} | {} | {} | {} | {} |",
            i + 1,
            p.rule,
            wname,
            feat,
            if p.planned { "yes" } else { "" },
            p.zh,
            p.en
        );
    }
    let _ = write!(
        t,
        "
矿井分类分级 (就高不就低) 预期 / expected levels: 水害 `complex` (最大涌水量 900 → medium; 2 处位置不可靠的积水老空区 → complex),
瓦斯 `outburst` (GZ1/GZ3 `outburst_prone = 1`, 钻孔 ZK-G1 0.82 MPa), 冲击地压 `strong` (BZ1)。
`licence.expired` 仅在 `--as-of` 晚于 2027-12-31 时出现。

## 不应产生结果的对照 / Negative controls

| working / feature | 说明 | description |
|---|---|---|
"
    );
    for (w, zh, en) in negatives {
        let _ = writeln!(t, "| `{w}` | {zh} | {en} |");
    }
    let _ = write!(
        t,
        "
## 实时监视 / Live (`minehaz watch`, MONITORING.md)

```sh
minehaz import sample-surveys/coal-mine --out mine.gpkg
minehaz watch mine.gpkg --events sample-surveys/coal-mine/events.ndjson --no-follow --format text
```

`events.ndjson` 的 23 个事件 (2026-11-29, +08:00) 依次: 4 人定位 (P0101 在 W37 迎头, P0102/P0103 在 W16 迎头附近, P0104 在 W19);
W37 转向西推进两次, 第二次迎头距积水老空区 G11 25 m, 进入探水线 → 新增 `water.exploration_required`、消除 `water.warning_zone`
(事件 #6); 超前钻孔 D21 沿轴线超前 95 m → 掩护成立, 消除 (#8); 11:40 W16 甲烷 1.62% → `gas.ch4_over_limit` 与 `gas` 报警,
撤出 P0102、P0103 (#15); 12:00 暴雨橙色预警, 矿井有河流与地表水体 → `weather` 报警, 撤出全部在场 4 人 (#16); 12:20 W37 涌水
35 m³/h, 为前 24 小时中位数 13 m³/h 的 2.7 倍 → `water_inrush` 报警, 撤出 P0101 (#18); 13:00 W37 进入 G11 →
`water.inside_water_body` 与 `water_finding` 报警 (#21)。重启同一命令不会重复应用已提交的事件。

The 23 events walk through: a heading (W37) entering the exploration line of goaf G11 (#6) and being covered by the advance
hole D21 (#8); a methane spike at W16 with two people nearby (#15); an orange rain warning in a mine with a river (#16);
an inflow at W37 2.7 × its 24-hour median (#18); W37 breaking into G11 (#21). Restarting the same command applies nothing twice.

## 重新生成 / Regenerate

```sh
cargo run --release --bin gen-samples -- --only coal-mine
```

输出是确定的 (固定种子的伪随机数; GeoPackage 时间戳固定为 `OGR_CURRENT_DATE` = 2026-05-15), 每次生成逐字节相同。
The output is deterministic (fixed seeds; the GeoPackage timestamps are pinned through `OGR_CURRENT_DATE`): every run
writes the same bytes.
"
    );
    t
}
