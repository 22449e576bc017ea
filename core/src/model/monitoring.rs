//! The live mine's monitoring data (MONITORING.md): sensor readings of the safety-monitoring
//! systems (安全监控), weather warnings (叫应) and the daily production and monitoring series
//! that `check` cross-compares (数据比对).

use crate::enumerated;
use chrono::{DateTime, FixedOffset, NaiveDate};

enumerated!(
    /// What a sensor measures: `ch4` %, `co` ppm, `water_inflow` m³/h, `power_kw`.
    ReadingKind { Ch4 = "ch4", Co = "co", WaterInflow = "water_inflow", PowerKw = "power_kw" }
);

enumerated!(
    /// The level of a weather warning (气象预警).
    WeatherLevel { Blue = "blue", Yellow = "yellow", Orange = "orange", Red = "red" }
);

/// One reading of a monitoring sensor.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub time: DateTime<FixedOffset>,
    pub sensor: String,
    pub kind: ReadingKind,
    pub value: f64,
    /// The working the sensor watches, when known.
    pub working: Option<String>,
    /// Where the sensor is, when known.
    pub at: Option<[f64; 3]>,
}

/// A weather warning for the mine.
#[derive(Debug, Clone, PartialEq)]
pub struct Weather {
    pub time: DateTime<FixedOffset>,
    pub level: WeatherLevel,
    pub text: String,
}

/// One day of `monitoring/daily.csv`; None = not reported.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Daily {
    pub date: NaiveDate,
    pub coal_t: Option<f64>,
    pub transport_t: Option<f64>,
    pub power_kwh: Option<f64>,
    pub gas_m3: Option<f64>,
    pub water_m3: Option<f64>,
    pub explosives_kg: Option<f64>,
    /// The mine declared itself stopped that day (None = unknown).
    pub declared_stop: Option<bool>,
}

impl Daily {
    /// The numeric columns of `monitoring/daily.csv`, in order.
    pub const COLUMNS: [&'static str; 6] =
        ["coal_t", "transport_t", "power_kwh", "gas_m3", "water_m3", "explosives_kg"];

    pub fn value(&self, column: &str) -> Option<f64> {
        match column {
            "coal_t" => self.coal_t,
            "transport_t" => self.transport_t,
            "power_kwh" => self.power_kwh,
            "gas_m3" => self.gas_m3,
            "water_m3" => self.water_m3,
            "explosives_kg" => self.explosives_kg,
            _ => None,
        }
    }

    pub fn set(&mut self, column: &str, v: Option<f64>) {
        match column {
            "coal_t" => self.coal_t = v,
            "transport_t" => self.transport_t = v,
            "power_kwh" => self.power_kwh = v,
            "gas_m3" => self.gas_m3 = v,
            "water_m3" => self.water_m3 = v,
            "explosives_kg" => self.explosives_kg = v,
            _ => {}
        }
    }
}

/// ISO 8601 with offset; seconds may be left out (2026-05-01T08:00+08:00).
pub fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z")).ok()
}

/// A time as written to tables and answers (RFC 3339, seconds, the reading's own offset).
pub fn time_text(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}
