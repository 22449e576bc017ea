//! Protection levels (RULES.md "Levels"), highest-applicable (就高不就低): each level is the
//! maximum over its criteria, every criterion listed as a driver with its value and the level it
//! gives. An unknown input is listed with level `unknown` and left out of the maximum; when every
//! criterion is unknown the level is the lowest of its scale.
//!
//! Basis: 《煤矿防治水细则》矿井水文地质类型划分表 (以最大值为分类依据, 就高不就低;
//! REFERENCE.md §1.8); 《煤矿安全规程》第一百六十九条 矿井瓦斯等级 and the outburst
//! identification value 0.74 MPa (《防治煤与瓦斯突出细则》, REFERENCE.md §2.1, §2.2);
//! 《防治煤矿冲击地压细则》 burst-hazard levels 无 / 弱 / 中等 / 强 (REFERENCE.md §3.1).
//!
//! Drivers, always in this order:
//! - water (simple < medium < complex < extreme), upper bounds of simple / medium / complex
//!   (inclusive; above the last: extreme): `normal_inflow_m3h` 180 / 600 / 2100,
//!   `max_inflow_m3h` 300 / 1200 / 3000, `max_inrush_m3h` 60 / 600 / 1800, each a number or
//!   unknown; `goaf_water`: the number of water goafs (`water = 1`) that are not known to be
//!   reliable (`reliable` 0 or unknown: position and extent not known, the table's "complex"
//!   row); 0 when there is no water goaf (level simple) or when every water goaf is reliable
//!   (level medium); 1 to `goaf_unreliable_many` − 1: complex; from `goaf_unreliable_many`:
//!   extreme. Goaf whose `water` is unknown are not counted.
//! - gas (low < high < outburst): `relative_gas_m3t` (> 10 high), `absolute_gas_m3min` (> 40),
//!   `max_heading_gas_m3min` (> 3), `max_longwall_gas_m3min` (> 5), each a number or unknown;
//!   `outburst_history` (flag; true: outburst); `outburst_prone_zone` (flag: any gas zone with
//!   `outburst_prone = 1`; false when no zone is or there are no gas zones; unknown when none is
//!   and some zone's flag is unknown); `gas_pressure_mpa`: the largest gas pressure of any gas
//!   zone or borehole interval (≥ 0.74: outburst; unknown when none is given).
//! - burst (none < weak < medium < strong): `burst_zone_level`: the highest level of any burst
//!   zone, valued by its rank (0 none, 1 weak, 2 medium, 3 strong; 0 with level none when the
//!   layer is empty; unknown when zones exist but none has a level); `burst_history` (flag;
//!   true: at least weak).

use super::gas::OUTBURST_PRESSURE_MPA;
use super::Params;
use crate::model::{BurstLevel, Survey};

/// A protection level with every criterion that applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    pub level: &'static str,
    pub drivers: Vec<Driver>,
}

/// One criterion of a level: its value (None = unknown) and the level it gives ("unknown" when
/// the input is unknown; unknowns are left out of the maximum).
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    pub criterion: &'static str,
    pub value: DriverValue,
    pub level: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DriverValue {
    Number(f64),
    Flag(bool),
    Unknown,
}

/// The levels of a mine.
#[derive(Debug, Clone, PartialEq)]
pub struct Levels {
    pub water: Level,
    pub gas: Level,
    pub burst: Level,
}

/// The water scale, lowest first.
pub const WATER: &[&str] = &["simple", "medium", "complex", "extreme"];
/// The gas scale, lowest first.
pub const GAS: &[&str] = &["low", "high", "outburst"];
/// The burst scale, lowest first.
pub const BURST: &[&str] = &["none", "weak", "medium", "strong"];

const UNKNOWN: &str = "unknown";

/// The level of a number on a scale with upper bounds (inclusive) for all but the last level.
fn banded(scale: &'static [&'static str], bounds: &[f64], v: f64) -> &'static str {
    bounds.iter().position(|b| v <= *b).map_or(scale[scale.len() - 1], |i| scale[i])
}

fn number(criterion: &'static str, v: Option<f64>, level: impl Fn(f64) -> &'static str) -> Driver {
    match v {
        Some(v) => Driver { criterion, value: DriverValue::Number(v), level: level(v) },
        None => Driver { criterion, value: DriverValue::Unknown, level: UNKNOWN },
    }
}

fn flag(criterion: &'static str, v: Option<bool>, yes: &'static str, no: &'static str) -> Driver {
    match v {
        Some(b) => Driver { criterion, value: DriverValue::Flag(b), level: if b { yes } else { no } },
        None => Driver { criterion, value: DriverValue::Unknown, level: UNKNOWN },
    }
}

/// The maximum over the known drivers; the lowest level when all are unknown.
fn level(scale: &'static [&'static str], drivers: Vec<Driver>) -> Level {
    let rank = drivers.iter().filter_map(|d| scale.iter().position(|l| *l == d.level)).max().unwrap_or(0);
    Level { level: scale[rank], drivers }
}

/// The levels of a survey under the parameters in force.
pub fn derive(survey: &Survey, params: &Params) -> Levels {
    Levels { water: water(survey, params), gas: gas(survey), burst: burst(survey) }
}

fn water(survey: &Survey, params: &Params) -> Level {
    let c = &survey.meta.classification;
    let water_goaf: Vec<_> = survey.layers.goaf.iter().filter(|g| g.water == Some(true)).collect();
    let unreliable = water_goaf.iter().filter(|g| g.reliable != Some(true)).count();
    let many = params.get("goaf_unreliable_many");
    let goaf_level = if water_goaf.is_empty() {
        "simple"
    } else if unreliable == 0 {
        "medium"
    } else if unreliable as f64 >= many {
        "extreme"
    } else {
        "complex"
    };
    level(
        WATER,
        vec![
            number("normal_inflow_m3h", c.normal_inflow_m3h, |v| banded(WATER, &[180.0, 600.0, 2100.0], v)),
            number("max_inflow_m3h", c.max_inflow_m3h, |v| banded(WATER, &[300.0, 1200.0, 3000.0], v)),
            number("max_inrush_m3h", c.max_inrush_m3h, |v| banded(WATER, &[60.0, 600.0, 1800.0], v)),
            Driver { criterion: "goaf_water", value: DriverValue::Number(unreliable as f64), level: goaf_level },
        ],
    )
}

fn gas(survey: &Survey) -> Level {
    let c = &survey.meta.classification;
    let zones = &survey.layers.gas_zones;
    let high = |limit: f64| move |v: f64| if v > limit { "high" } else { "low" };
    let prone = if zones.iter().any(|z| z.outburst_prone == Some(true)) {
        Some(true)
    } else if zones.iter().all(|z| z.outburst_prone.is_some()) {
        Some(false)
    } else {
        None
    };
    let pressure = zones
        .iter()
        .filter_map(|z| z.gas_pressure_mpa)
        .chain(survey.boreholes.iter().flat_map(|b| b.intervals.iter().filter_map(|i| i.gas_pressure_mpa)))
        .fold(None, |m: Option<f64>, p| Some(m.map_or(p, |m| m.max(p))));
    level(
        GAS,
        vec![
            number("relative_gas_m3t", c.relative_gas_m3t, high(10.0)),
            number("absolute_gas_m3min", c.absolute_gas_m3min, high(40.0)),
            number("max_heading_gas_m3min", c.max_heading_gas_m3min, high(3.0)),
            number("max_longwall_gas_m3min", c.max_longwall_gas_m3min, high(5.0)),
            flag("outburst_history", c.outburst_history, "outburst", "low"),
            flag("outburst_prone_zone", prone, "outburst", "low"),
            number("gas_pressure_mpa", pressure, |p| if p >= OUTBURST_PRESSURE_MPA { "outburst" } else { "low" }),
        ],
    )
}

fn burst(survey: &Survey) -> Level {
    let c = &survey.meta.classification;
    let zones = &survey.layers.burst_zones;
    let highest = zones.iter().filter_map(|z| z.level).max();
    let zone = match highest {
        Some(l) => {
            let rank = match l {
                BurstLevel::None => 0,
                BurstLevel::Weak => 1,
                BurstLevel::Medium => 2,
                BurstLevel::Strong => 3,
            };
            Driver { criterion: "burst_zone_level", value: DriverValue::Number(rank as f64), level: BURST[rank] }
        }
        None if zones.is_empty() => {
            Driver { criterion: "burst_zone_level", value: DriverValue::Number(0.0), level: "none" }
        }
        None => Driver { criterion: "burst_zone_level", value: DriverValue::Unknown, level: UNKNOWN },
    };
    level(BURST, vec![zone, flag("burst_history", c.burst_history, "weak", "none")])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::borehole::{Borehole, Collar, Interval};
    use crate::error::{Location, Problems};
    use crate::model::{BurstZone, GasZone, Goaf, Survey, ZRange};
    use crate::rules::Params;
    use geo_types::polygon;

    fn derive_with(s: &Survey, p: &Params) -> Levels {
        derive(s, p)
    }

    fn levels(s: &Survey) -> Levels {
        derive_with(s, &Params::default())
    }

    fn driver<'a>(l: &'a Level, criterion: &str) -> &'a Driver {
        l.drivers.iter().find(|d| d.criterion == criterion).expect("driver")
    }

    fn goaf(id: &str, water: Option<bool>, reliable: Option<bool>) -> Goaf {
        Goaf {
            id: id.into(),
            name: None,
            seam: None,
            outline: polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)],
            z: ZRange::default(),
            water,
            water_level_m: None,
            water_m3: None,
            reliable,
            source: None,
        }
    }

    fn gas_zone(pressure: Option<f64>, prone: Option<bool>) -> GasZone {
        GasZone {
            id: "Z".into(),
            seam: None,
            outline: polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)],
            z: ZRange::default(),
            gas_content_m3t: None,
            gas_pressure_mpa: pressure,
            outburst_prone: prone,
            drained: None,
        }
    }

    fn burst_zone(level: Option<BurstLevel>) -> BurstZone {
        BurstZone {
            id: "B".into(),
            seam: None,
            outline: polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)],
            z: ZRange::default(),
            level,
            relieved: None,
        }
    }

    #[test]
    fn empty_survey_lowest_levels_fixed_driver_order() {
        let l = levels(&Survey::default());
        assert_eq!((l.water.level, l.gas.level, l.burst.level), ("simple", "low", "none"));
        let names = |l: &Level| l.drivers.iter().map(|d| d.criterion).collect::<Vec<_>>();
        assert_eq!(names(&l.water), ["normal_inflow_m3h", "max_inflow_m3h", "max_inrush_m3h", "goaf_water"]);
        assert_eq!(
            names(&l.gas),
            [
                "relative_gas_m3t",
                "absolute_gas_m3min",
                "max_heading_gas_m3min",
                "max_longwall_gas_m3min",
                "outburst_history",
                "outburst_prone_zone",
                "gas_pressure_mpa"
            ]
        );
        assert_eq!(names(&l.burst), ["burst_zone_level", "burst_history"]);
        for d in [
            driver(&l.water, "normal_inflow_m3h"),
            driver(&l.gas, "outburst_history"),
            driver(&l.gas, "gas_pressure_mpa"),
            driver(&l.burst, "burst_history"),
        ] {
            assert_eq!((&d.value, d.level), (&DriverValue::Unknown, "unknown"));
        }
        assert_eq!(
            driver(&l.water, "goaf_water"),
            &Driver { criterion: "goaf_water", value: DriverValue::Number(0.0), level: "simple" }
        );
        assert_eq!(driver(&l.gas, "outburst_prone_zone").value, DriverValue::Flag(false));
        assert_eq!(driver(&l.burst, "burst_zone_level").value, DriverValue::Number(0.0));
    }

    /// Sets one classification input.
    type Setter = fn(&mut Survey, f64);
    /// A criterion's setter, name and (value, level) at its table edges.
    type Edges = (Setter, &'static str, [(f64, &'static str); 6]);

    #[test]
    fn water_inflow_table_edges() {
        let cases: [Edges; 3] = [
            (
                |s, v| s.meta.classification.normal_inflow_m3h = Some(v),
                "normal_inflow_m3h",
                [
                    (180.0, "simple"),
                    (180.1, "medium"),
                    (600.0, "medium"),
                    (600.1, "complex"),
                    (2100.0, "complex"),
                    (2100.1, "extreme"),
                ],
            ),
            (
                |s, v| s.meta.classification.max_inflow_m3h = Some(v),
                "max_inflow_m3h",
                [
                    (300.0, "simple"),
                    (300.1, "medium"),
                    (1200.0, "medium"),
                    (1200.1, "complex"),
                    (3000.0, "complex"),
                    (3000.1, "extreme"),
                ],
            ),
            (
                |s, v| s.meta.classification.max_inrush_m3h = Some(v),
                "max_inrush_m3h",
                [
                    (60.0, "simple"),
                    (60.1, "medium"),
                    (600.0, "medium"),
                    (600.1, "complex"),
                    (1800.0, "complex"),
                    (1800.1, "extreme"),
                ],
            ),
        ];
        for (set, name, edges) in cases {
            for (v, want) in edges {
                let mut s = Survey::default();
                set(&mut s, v);
                let l = levels(&s);
                assert_eq!(l.water.level, want, "{name} {v}");
                assert_eq!(
                    driver(&l.water, name),
                    &Driver { criterion: name, value: DriverValue::Number(v), level: want }
                );
            }
        }
        // The maximum over criteria (就高不就低).
        let mut s = Survey::default();
        s.meta.classification.normal_inflow_m3h = Some(100.0);
        s.meta.classification.max_inflow_m3h = Some(1500.0);
        s.meta.classification.max_inrush_m3h = Some(10.0);
        assert_eq!(levels(&s).water.level, "complex");
    }

    #[test]
    fn water_goaf_criterion() {
        let with = |goafs: Vec<Goaf>| {
            let mut s = Survey::default();
            s.layers.goaf = goafs;
            let l = levels(&s);
            (l.water.level, driver(&l.water, "goaf_water").value.clone())
        };
        // Goaf without water, or with unknown water, do not count.
        assert_eq!(
            with(vec![goaf("a", Some(false), Some(false)), goaf("b", None, Some(false))]),
            ("simple", DriverValue::Number(0.0))
        );
        assert_eq!(with(vec![goaf("a", Some(true), Some(true))]), ("medium", DriverValue::Number(0.0)));
        assert_eq!(
            with(vec![goaf("a", Some(true), Some(true)), goaf("b", Some(true), Some(false))]),
            ("complex", DriverValue::Number(1.0))
        );
        // Unknown reliability counts as unreliable.
        assert_eq!(with(vec![goaf("a", Some(true), None)]), ("complex", DriverValue::Number(1.0)));
        let n = |k: usize| (0..k).map(|i| goaf(&i.to_string(), Some(true), Some(false))).collect::<Vec<_>>();
        assert_eq!(with(n(4)), ("complex", DriverValue::Number(4.0)));
        assert_eq!(with(n(5)), ("extreme", DriverValue::Number(5.0)));
        // Override goaf_unreliable_many = 3 (stricter).
        let mut o = std::collections::BTreeMap::new();
        o.insert("goaf_unreliable_many".to_string(), 3.0);
        let (p, _) = Params::with_overrides(&o, &Location::default(), &mut Problems::default());
        let mut s = Survey::default();
        s.layers.goaf = n(3);
        assert_eq!(derive_with(&s, &p).water.level, "extreme");
        s.layers.goaf = n(2);
        assert_eq!(derive_with(&s, &p).water.level, "complex");
    }

    #[test]
    fn gas_emission_edges() {
        let cases: [(Setter, f64); 4] = [
            (|s, v| s.meta.classification.relative_gas_m3t = Some(v), 10.0),
            (|s, v| s.meta.classification.absolute_gas_m3min = Some(v), 40.0),
            (|s, v| s.meta.classification.max_heading_gas_m3min = Some(v), 3.0),
            (|s, v| s.meta.classification.max_longwall_gas_m3min = Some(v), 5.0),
        ];
        for (set, edge) in cases {
            let mut s = Survey::default();
            set(&mut s, edge);
            assert_eq!(levels(&s).gas.level, "low", "{edge}");
            set(&mut s, edge + 0.01);
            assert_eq!(levels(&s).gas.level, "high", "{edge}");
        }
    }

    #[test]
    fn gas_outburst_criteria() {
        let mut s = Survey::default();
        s.meta.classification.relative_gas_m3t = Some(20.0);
        s.meta.classification.outburst_history = Some(false);
        let l = levels(&s);
        assert_eq!(l.gas.level, "high");
        assert_eq!(driver(&l.gas, "outburst_history").value, DriverValue::Flag(false));
        s.meta.classification.outburst_history = Some(true);
        assert_eq!(levels(&s).gas.level, "outburst");
        // Gas pressure in a zone: 0.74 exactly is outburst, 0.73 is not.
        let mut s = Survey::default();
        s.layers.gas_zones = vec![gas_zone(Some(0.74), Some(false)), gas_zone(Some(0.2), Some(false))];
        let l = levels(&s);
        assert_eq!(l.gas.level, "outburst");
        assert_eq!(
            driver(&l.gas, "gas_pressure_mpa"),
            &Driver { criterion: "gas_pressure_mpa", value: DriverValue::Number(0.74), level: "outburst" }
        );
        s.layers.gas_zones[0].gas_pressure_mpa = Some(0.73);
        assert_eq!(levels(&s).gas.level, "low");
        // An outburst-prone zone.
        s.layers.gas_zones[1].outburst_prone = Some(true);
        let l = levels(&s);
        assert_eq!(l.gas.level, "outburst");
        assert_eq!(driver(&l.gas, "outburst_prone_zone").value, DriverValue::Flag(true));
        // Unknown proneness with no prone zone: unknown.
        s.layers.gas_zones[1].outburst_prone = None;
        let l = levels(&s);
        assert_eq!((l.gas.level, driver(&l.gas, "outburst_prone_zone").level), ("low", "unknown"));
        // Pressure in a borehole interval, wherever the borehole is.
        let mut s = Survey::default();
        s.boreholes.push(Borehole {
            collar: Collar { id: "ZK1".into(), x: 1e6, y: 1e6, z: 0.0, depth_m: None, drilled_at: None },
            stations: Vec::new(),
            intervals: vec![
                Interval { from_m: 0.0, to_m: 1.0, gas_pressure_mpa: Some(0.5), ..Interval::default() },
                Interval { from_m: 1.0, to_m: 2.0, gas_pressure_mpa: Some(0.74), ..Interval::default() },
            ],
        });
        assert_eq!(levels(&s).gas.level, "outburst");
        s.boreholes[0].intervals[1].gas_pressure_mpa = Some(0.7399);
        let l = levels(&s);
        assert_eq!(l.gas.level, "low");
        assert_eq!(driver(&l.gas, "gas_pressure_mpa").value, DriverValue::Number(0.7399));
    }

    #[test]
    fn burst_levels() {
        let with = |zones: Vec<BurstZone>, history: Option<bool>| {
            let mut s = Survey::default();
            s.layers.burst_zones = zones;
            s.meta.classification.burst_history = history;
            let l = levels(&s);
            (l.burst.level, driver(&l.burst, "burst_zone_level").value.clone())
        };
        assert_eq!(with(vec![], None), ("none", DriverValue::Number(0.0)));
        assert_eq!(with(vec![], Some(false)), ("none", DriverValue::Number(0.0)));
        assert_eq!(with(vec![], Some(true)), ("weak", DriverValue::Number(0.0)));
        assert_eq!(
            with(
                vec![burst_zone(Some(BurstLevel::Medium)), burst_zone(Some(BurstLevel::Weak)), burst_zone(None)],
                None
            ),
            ("medium", DriverValue::Number(2.0))
        );
        assert_eq!(with(vec![burst_zone(Some(BurstLevel::Strong))], Some(true)), ("strong", DriverValue::Number(3.0)));
        assert_eq!(with(vec![burst_zone(Some(BurstLevel::None))], None), ("none", DriverValue::Number(0.0)));
        assert_eq!(with(vec![burst_zone(None)], None), ("none", DriverValue::Unknown));
        assert_eq!(with(vec![burst_zone(None)], Some(true)), ("weak", DriverValue::Unknown));
    }
}
