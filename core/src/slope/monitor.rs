//! Slope monitoring points (SLOPES.md "Monitoring points", 边坡在线监测): displacement, velocity
//! over the trailing window, acceleration and the inverse-velocity failure time. One function
//! for the batch `check` and the live `watch`.
//!
//! - d(t): 3D distance of a reading from the point's first reading, in mm.
//! - v (mm/d): slope of the least-squares line of d against time over the readings of the
//!   window (T − W, T], T = the point's last reading at or before as-of; needs ≥ 3 readings.
//! - The three windows of acceleration: (T − 3W, T − 2W], (T − 2W, T − W], (T − W, T].
//! - Inverse velocity: the least-squares line through (window end, 1/v) of the three windows;
//!   where it falls to 1/v = 0 is the predicted failure time (None when it does not fall or a
//!   velocity is not positive).

use crate::model::SlopeReading;
use chrono::{DateTime, FixedOffset};

/// The state of one monitoring point as of a time.
#[derive(Debug, Clone, PartialEq)]
pub struct PointState {
    pub point_id: String,
    /// Its last reading at or before as-of.
    pub last_time: DateTime<FixedOffset>,
    pub last_pos: [f64; 3],
    /// Readings at or before as-of.
    pub readings: usize,
    /// Displacement of the last reading from the first, mm.
    pub displacement_mm: f64,
    /// Velocity over the trailing window (mm/d), None with fewer than 3 readings in it.
    pub velocity_mm_d: Option<f64>,
    /// Velocities of the three windows ending at the last reading, oldest first.
    pub windows_mm_d: [Option<f64>; 3],
}

/// Least-squares slope of (t in days, d in mm).
fn slope(pts: &[(f64, f64)]) -> Option<f64> {
    if pts.len() < 3 {
        return None;
    }
    let n = pts.len() as f64;
    let (mt, md) = (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n);
    let (mut stt, mut std) = (0.0, 0.0);
    for (t, d) in pts {
        stt += (t - mt) * (t - mt);
        std += (t - mt) * (d - md);
    }
    (stt > 0.0).then(|| std / stt)
}

/// The state of each point as of `as_of` (readings after it are ignored), sorted by point id.
/// `window_h` is `slope_rate_window_h`.
pub fn states(readings: &[SlopeReading], as_of: DateTime<FixedOffset>, window_h: f64) -> Vec<PointState> {
    let mut by: std::collections::BTreeMap<&str, Vec<&SlopeReading>> = std::collections::BTreeMap::new();
    for r in readings {
        by.entry(r.point_id.as_str()).or_default().push(r);
    }
    let w_s = window_h * 3600.0;
    by.into_iter()
        .filter_map(|(id, mut rs)| {
            rs.sort_by_key(|r| r.time);
            let first = rs[0];
            rs.retain(|r| r.time <= as_of);
            let last = *rs.last()?;
            let t_last = last.time.timestamp_millis() as f64 / 1000.0;
            let d = |r: &SlopeReading| crate::geometry::dist3(r.pos, first.pos) * 1000.0;
            let window = |k: f64| {
                let (lo, hi) = (t_last - k * w_s, t_last - (k - 1.0) * w_s);
                let pts: Vec<(f64, f64)> = rs
                    .iter()
                    .filter(|r| {
                        let t = r.time.timestamp_millis() as f64 / 1000.0;
                        t > lo && t <= hi
                    })
                    .map(|r| ((r.time.timestamp_millis() as f64 / 1000.0 - t_last) / 86_400.0, d(r)))
                    .collect();
                slope(&pts)
            };
            let windows = [window(3.0), window(2.0), window(1.0)];
            Some(PointState {
                point_id: id.to_string(),
                last_time: last.time,
                last_pos: last.pos,
                readings: rs.len(),
                displacement_mm: d(last),
                velocity_mm_d: windows[2],
                windows_mm_d: windows,
            })
        })
        .collect()
}

impl PointState {
    /// v1 < v2 < v3, v3 ≥ 2·v1 and v3 ≥ `warn` (SLOPES.md `slope.accelerating`).
    pub fn accelerating(&self, warn: f64) -> bool {
        let [Some(v1), Some(v2), Some(v3)] = self.windows_mm_d else { return false };
        v1 < v2 && v2 < v3 && v3 >= 2.0 * v1 && v3 >= warn
    }

    /// The inverse-velocity failure time: the least-squares line through (window end, 1/v) of
    /// the three windows, where it reaches 0. None when a velocity is not positive or the line
    /// does not fall.
    pub fn predicted_failure(&self, window_h: f64) -> Option<DateTime<FixedOffset>> {
        let vs = self.windows_mm_d;
        let w_d = window_h / 24.0;
        let mut pts = Vec::new();
        for (k, v) in vs.iter().enumerate() {
            let v = (*v)?;
            if v <= 0.0 {
                return None;
            }
            // Window ends at −2W, −W, 0 days from the last reading.
            pts.push(((k as f64 - 2.0) * w_d, 1.0 / v));
        }
        let b = slope(&pts)?;
        if b.is_nan() || b >= 0.0 {
            return None;
        }
        let n = pts.len() as f64;
        let (mt, mi) = (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n);
        let a = mi - b * mt;
        let days = -a / b;
        let ms = (days * 86_400_000.0).round();
        if !ms.is_finite() || ms.abs() > 1e15 {
            return None;
        }
        Some(self.last_time + chrono::Duration::milliseconds(ms as i64))
    }
}

/// Displacement (mm) at hour h of a point moving at 4, 8, then 16 mm/d over three days
/// (piecewise linear), for the tests.
#[cfg(test)]
pub(crate) fn accelerating_mm(h: f64) -> f64 {
    let d = h / 24.0;
    if d <= 1.0 {
        4.0 * d
    } else if d <= 2.0 {
        4.0 + 8.0 * (d - 1.0)
    } else {
        12.0 + 16.0 * (d - 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("value")
    }

    /// Hourly readings of one point moving along x by `mm(h)` millimetres at hour h.
    fn series(hours: usize, mm: impl Fn(f64) -> f64) -> Vec<SlopeReading> {
        let t0 = t("2026-09-01T00:00:00+08:00");
        (0..=hours)
            .map(|h| SlopeReading {
                time: t0 + chrono::Duration::hours(h as i64),
                point_id: "P1".into(),
                pos: [500_000.0 + mm(h as f64) / 1000.0, 4_000_000.0, 1100.0],
            })
            .collect()
    }

    #[test]
    fn velocity_over_the_trailing_window() {
        // 12 mm/d = 0.5 mm/h for 72 h.
        let rs = series(72, |h| 0.5 * h);
        let s = &states(&rs, t("2026-09-10T00:00:00+08:00"), 24.0)[0];
        assert_eq!(s.readings, 73);
        assert!((s.displacement_mm - 36.0).abs() < 1e-6);
        assert!((s.velocity_mm_d.expect("value") - 12.0).abs() < 1e-6);
        assert!(!s.accelerating(5.0), "steady: not accelerating");
        assert_eq!(s.predicted_failure(24.0), None, "1/v constant: the line does not fall");
        // As of hour 30: only readings up to then count.
        let s = &states(&rs, t("2026-09-02T06:00:00+08:00"), 24.0)[0];
        assert_eq!(s.readings, 31);
        assert_eq!(s.last_time, t("2026-09-02T06:00:00+08:00"));
        // Before the first reading: no state.
        assert!(states(&rs, t("2026-08-31T00:00:00+08:00"), 24.0).is_empty());
    }

    #[test]
    fn fewer_than_three_readings_give_no_velocity() {
        let rs = series(72, |h| h).into_iter().step_by(12).collect::<Vec<_>>();
        // Readings every 12 h: the window (T − 24 h, T] holds 2.
        let s = &states(&rs, t("2026-09-10T00:00:00+08:00"), 24.0)[0];
        assert_eq!(s.velocity_mm_d, None);
    }

    #[test]
    fn acceleration_and_the_inverse_velocity_time() {
        let rs = series(72, accelerating_mm);
        let s = &states(&rs, t("2026-09-10T00:00:00+08:00"), 24.0)[0];
        let [v1, v2, v3] = s.windows_mm_d.map(Option::unwrap);
        // Window (T−3W, T−2W] starts just after hour 0: readings 1..=24 at 4 mm/d exactly.
        assert!((v1 - 4.0).abs() < 1e-6 && (v2 - 8.0).abs() < 1e-6 && (v3 - 16.0).abs() < 1e-6, "{v1} {v2} {v3}");
        assert!(s.accelerating(5.0));
        assert!(!s.accelerating(20.0), "v3 below the warning threshold");
        // 1/v = 0.25, 0.125, 0.0625 at −2, −1, 0 days: slope −0.09375/d, mean 0.14583 at −1 →
        // a = 0.14583 − 0.09375 = 0.052083; zero at 0.5556 d = 13 h 20 min after T.
        let f = s.predicted_failure(24.0).expect("value");
        let want = t("2026-09-04T00:00:00+08:00") + chrono::Duration::seconds((0.052083333 / 0.09375 * 86400.0) as i64);
        assert!((f - want).num_seconds().abs() <= 1, "{f} vs {want}");
        assert_eq!(f.offset(), &FixedOffset::east_opt(8 * 3600).expect("value"), "in the readings' offset");
    }
}
