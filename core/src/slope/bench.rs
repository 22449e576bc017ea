//! Benches along profiles (SLOPES.md "Benches along profiles"), exactly as the contract defines
//! them, so that two implementations agree:
//!
//! 1. dip direction: steepest descent of the least-squares plane through the DEM cell centres
//!    inside the sector polygon;
//! 2. profiles: lines in the dip direction `spacing` apart (offsets k·spacing from the centroid
//!    of those cells), clipped to the polygon (each inside interval of a line is a profile),
//!    sampled every `step` from the interval's upslope end on the DEM (bilinear);
//! 3. local angle over a window centred on each sample (clipped at the profile's ends), face /
//!    flat / transition; face runs (z span ≥ min bench) and flat runs (≥ 2 samples), each with
//!    its own least-squares line;
//! 4. crest / toe = the face line met with the line of the adjacent flat run above / below
//!    (else the face run's end sample); benches, berms, the overall angle; the per-profile
//!    worst values and the sector's percentile over profiles.

use super::dem::Dem;
use geo_types::Polygon;

/// The measurement parameters (SLOPES.md table), in metres and degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BenchParams {
    pub spacing_m: f64,
    pub step_m: f64,
    pub window_m: f64,
    pub face_min_deg: f64,
    pub flat_max_deg: f64,
    pub min_bench_m: f64,
    pub percentile: f64,
}

impl BenchParams {
    pub fn from(p: &crate::rules::Params) -> Self {
        Self {
            spacing_m: p.get("slope_profile_spacing_m"),
            step_m: p.get("slope_profile_step_m"),
            window_m: p.get("slope_angle_window_m"),
            face_min_deg: p.get("slope_face_min_deg"),
            flat_max_deg: p.get("slope_flat_max_deg"),
            min_bench_m: p.get("slope_min_bench_m"),
            percentile: p.get("slope_percentile"),
        }
    }
}

impl Default for BenchParams {
    fn default() -> Self {
        Self::from(&crate::rules::Params::default())
    }
}

/// A sample's class by its local angle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Face,
    Flat,
    Transition,
    /// No DEM value there.
    Gap,
}

/// A run of samples of one class with its least-squares line z = a + b·s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    pub face: bool,
    /// First and last sample index (inclusive).
    pub first: usize,
    pub last: usize,
    pub a: f64,
    pub b: f64,
}

/// A point on a profile: distance along it and elevation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sz {
    pub s: f64,
    pub z: f64,
}

/// One bench (a face run).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bench {
    pub crest: Sz,
    pub toe: Sz,
    pub height_m: f64,
    pub face_angle_deg: f64,
}

/// One berm (a flat run between two benches): from the toe of the face above to the crest of
/// the face below.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Berm {
    pub width_m: f64,
    /// Index of the bench below it (its crest is the berm's outer edge).
    pub below: usize,
}

/// What one profile measures, in profile coordinates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProfileMeasure {
    pub benches: Vec<Bench>,
    pub berms: Vec<Berm>,
    /// (angle in degrees, index of the highest-crest bench) when the profile has a bench.
    pub overall: Option<(f64, usize)>,
}

fn fit(s: &[f64], z: &[f64]) -> (f64, f64) {
    let n = s.len() as f64;
    let (ms, mz) = (s.iter().sum::<f64>() / n, z.iter().sum::<f64>() / n);
    let (mut sxx, mut sxz) = (0.0, 0.0);
    for (a, b) in s.iter().zip(z) {
        sxx += (a - ms) * (a - ms);
        sxz += (a - ms) * (b - mz);
    }
    let b = if sxx > 0.0 { sxz / sxx } else { 0.0 };
    (mz - b * ms, b)
}

/// Classify each sample of a profile z(s = i·step).
pub fn classify(z: &[f64], step: f64, p: &BenchParams) -> Vec<Class> {
    let n = z.len();
    let k = ((p.window_m / (2.0 * step)).round() as usize).max(1);
    (0..n)
        .map(|i| {
            let (lo, hi) = (i.saturating_sub(k), (i + k).min(n.saturating_sub(1)));
            if z[i].is_nan() || hi == lo || z[lo].is_nan() || z[hi].is_nan() {
                return Class::Gap;
            }
            let ang = ((z[hi] - z[lo]).abs() / ((hi - lo) as f64 * step)).atan().to_degrees();
            if ang >= p.face_min_deg {
                Class::Face
            } else if ang <= p.flat_max_deg {
                Class::Flat
            } else {
                Class::Transition
            }
        })
        .collect()
}

/// The face runs (z span ≥ min bench) and flat runs (≥ 2 samples), in profile order.
pub fn runs(z: &[f64], step: f64, p: &BenchParams) -> Vec<Run> {
    let class = classify(z, step, p);
    let mut out = Vec::new();
    let mut i = 0;
    while i < class.len() {
        let c = class[i];
        let mut j = i;
        while j + 1 < class.len() && class[j + 1] == c {
            j += 1;
        }
        if matches!(c, Class::Face | Class::Flat) && j > i {
            let zs = &z[i..=j];
            let span =
                zs.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - zs.iter().cloned().fold(f64::INFINITY, f64::min);
            if c == Class::Flat || span >= p.min_bench_m {
                let s: Vec<f64> = (i..=j).map(|k| k as f64 * step).collect();
                let (a, b) = fit(&s, zs);
                out.push(Run { face: c == Class::Face, first: i, last: j, a, b });
            }
        }
        i = j + 1;
    }
    out
}

/// Where a face line meets a flat line; None when they are parallel.
fn meet(f: &Run, g: &Run) -> Option<Sz> {
    let db = f.b - g.b;
    if db.abs() < 1e-9 {
        return None;
    }
    let s = (g.a - f.a) / db;
    Some(Sz { s, z: f.a + f.b * s })
}

/// Measure one profile z(s = i·step), s increasing downslope (a face rising along s has its
/// crest on its far side).
pub fn measure_profile(z: &[f64], step: f64, p: &BenchParams) -> ProfileMeasure {
    let rs = runs(z, step, p);
    let end = |k: usize| Sz { s: k as f64 * step, z: z[k] };
    let mut m = ProfileMeasure::default();
    // Bench index of each face run.
    let mut bench_of = vec![usize::MAX; rs.len()];
    for (k, f) in rs.iter().enumerate() {
        if !f.face {
            continue;
        }
        let before = k.checked_sub(1).map(|q| &rs[q]).filter(|r| !r.face);
        let after = rs.get(k + 1).filter(|r| !r.face);
        // Above = on the face's upper side: before it on a face that descends along the
        // profile, after it on one that rises (a wall facing the other way within the sector).
        let (above, below, top, bottom) =
            if f.b <= 0.0 { (before, after, f.first, f.last) } else { (after, before, f.last, f.first) };
        let crest = above.and_then(|g| meet(f, g)).unwrap_or_else(|| end(top));
        let toe = below.and_then(|g| meet(f, g)).unwrap_or_else(|| end(bottom));
        bench_of[k] = m.benches.len();
        m.benches.push(Bench { crest, toe, height_m: crest.z - toe.z, face_angle_deg: f.b.abs().atan().to_degrees() });
    }
    for k in 1..rs.len().saturating_sub(1) {
        if !rs[k].face && rs[k - 1].face && rs[k + 1].face {
            // The berm lies between the toe of the face above it and the crest of the face below.
            let (a, b) = (bench_of[k - 1], bench_of[k + 1]);
            let (up, down) = if m.benches[a].crest.z >= m.benches[b].crest.z { (a, b) } else { (b, a) };
            let width_m = (m.benches[down].crest.s - m.benches[up].toe.s).abs();
            m.berms.push(Berm { width_m, below: down });
        }
    }
    if !m.benches.is_empty() {
        let hi =
            (0..m.benches.len()).max_by(|&a, &b| m.benches[a].crest.z.total_cmp(&m.benches[b].crest.z)).unwrap_or(0);
        let lo = (0..m.benches.len()).min_by(|&a, &b| m.benches[a].toe.z.total_cmp(&m.benches[b].toe.z)).unwrap_or(0);
        let (c, t) = (m.benches[hi].crest, m.benches[lo].toe);
        let ds = (t.s - c.s).abs();
        let ang = if ds > 0.0 { ((c.z - t.z) / ds).atan().to_degrees() } else { 90.0 };
        m.overall = Some((ang, hi));
    }
    m
}

/// The per-profile worst values: (value, index of the bench whose crest is `at`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Worst {
    pub bench_height: Option<(f64, usize)>,
    pub bench_angle: Option<(f64, usize)>,
    pub overall_angle: Option<(f64, usize)>,
    pub berm_width: Option<(f64, usize)>,
}

impl ProfileMeasure {
    /// (largest height, largest face angle, overall angle, smallest berm), NaN where absent.
    pub fn worst_values(&self) -> [f64; 4] {
        let w = self.worst();
        [w.bench_height, w.bench_angle, w.overall_angle, w.berm_width].map(|v| v.map_or(f64::NAN, |v| v.0))
    }

    pub fn worst(&self) -> Worst {
        let max_by = |f: &dyn Fn(&Bench) -> f64| {
            self.benches.iter().enumerate().map(|(i, b)| (f(b), i)).max_by(|a, b| a.0.total_cmp(&b.0))
        };
        Worst {
            bench_height: max_by(&|b| b.height_m),
            bench_angle: max_by(&|b| b.face_angle_deg),
            overall_angle: self.overall,
            berm_width: self.berms.iter().map(|b| (b.width_m, b.below)).min_by(|a, b| a.0.total_cmp(&b.0)),
        }
    }
}

/// A profile placed in the mine CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Upslope end (s = 0) and the unit dip direction.
    pub start: [f64; 2],
    pub dir: [f64; 2],
    /// z of each sample (NaN where the DEM has none).
    pub z: Vec<f64>,
    pub step: f64,
    pub measure: ProfileMeasure,
}

impl Profile {
    /// The mine-CRS position of a profile point.
    pub fn at(&self, p: Sz) -> [f64; 3] {
        [self.start[0] + self.dir[0] * p.s, self.start[1] + self.dir[1] * p.s, p.z]
    }
    pub fn length(&self) -> f64 {
        self.z.len().saturating_sub(1) as f64 * self.step
    }
}

/// A measured value of a sector: the percentile value and where (the worst bench's crest on
/// the profile nearest that percentile).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    pub value: f64,
    pub at: [f64; 3],
    pub profile: usize,
}

/// What a sector measures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SectorMeasure {
    /// DEM cells inside the polygon.
    pub cells: usize,
    /// Azimuth of the dip direction (degrees clockwise from north), None when the surface has
    /// no slope.
    pub dip_azimuth_deg: Option<f64>,
    pub profiles: Vec<Profile>,
    /// Profiles with at least one bench face.
    pub with_benches: usize,
    pub bench_height: Option<Measured>,
    pub bench_angle: Option<Measured>,
    pub overall_angle: Option<Measured>,
    pub berm_width: Option<Measured>,
}

/// Inside intervals (s0 < s1) of the line origin + s·dir through the polygon (holes excluded).
pub fn line_intervals(poly: &Polygon<f64>, origin: [f64; 2], dir: [f64; 2]) -> Vec<(f64, f64)> {
    let mut xs = Vec::new();
    for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
        for w in ring.0.windows(2) {
            let (p, q) = (w[0], w[1]);
            // Perpendicular offset (t) and position along (s) of each end, in the line's frame.
            let t = |x: f64, y: f64| dir[0] * (y - origin[1]) - dir[1] * (x - origin[0]);
            let s = |x: f64, y: f64| dir[0] * (x - origin[0]) + dir[1] * (y - origin[1]);
            let (tp, tq) = (t(p.x, p.y), t(q.x, q.y));
            if (tp > 0.0) != (tq > 0.0) {
                let u = tp / (tp - tq);
                let (sp, sq) = (s(p.x, p.y), s(q.x, q.y));
                xs.push(sp + u * (sq - sp));
            }
        }
    }
    xs.sort_by(f64::total_cmp);
    xs.chunks_exact(2).map(|c| (c[0], c[1])).filter(|c| c.1 > c.0).collect()
}

/// The p-th percentile (linear interpolation between closest ranks, as numpy's default) and the
/// index (into `v`) of the value at the nearest rank.
pub fn percentile(v: &[(f64, usize)], p: f64) -> Option<(f64, usize)> {
    if v.is_empty() {
        return None;
    }
    let mut s: Vec<(f64, usize)> = v.to_vec();
    s.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let rank = (p.clamp(0.0, 100.0) / 100.0) * (s.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    let value = s[lo].0 + (s[hi].0 - s[lo].0) * (rank - lo as f64);
    let near = if rank - lo as f64 <= 0.5 { lo } else { hi };
    Some((value, s[near].1))
}

/// Calls `f(i, j)` for every cell of the grid whose centre lies inside the polygon (row spans,
/// no per-cell polygon test).
pub fn each_cell_in(dem: &Dem, poly: &Polygon<f64>, mut f: impl FnMut(usize, usize)) {
    let x_start = dem.x0 - 1.0;
    for j in 0..dem.ny {
        let y = dem.y1 - (j as f64 + 0.5) * dem.cell;
        for (a, b) in line_intervals(poly, [x_start, y], [1.0, 0.0]) {
            let i0 = ((a + x_start - dem.x0) / dem.cell - 0.5).ceil().max(0.0) as usize;
            let i1 = ((b + x_start - dem.x0) / dem.cell - 0.5).floor();
            if i1 < 0.0 {
                continue;
            }
            for i in i0..=(i1 as usize).min(dem.nx.saturating_sub(1)) {
                f(i, j);
            }
        }
    }
}

/// Measure one sector polygon on a DEM.
pub fn measure_sector(dem: &Dem, poly: &Polygon<f64>, p: &BenchParams) -> SectorMeasure {
    let mut out = SectorMeasure::default();
    // 1. The least-squares plane through the cell centres inside (row spans of the polygon),
    //    relative to the first cell for precision.
    let mut origin: Option<[f64; 3]> = None;
    let (mut n, mut sx, mut sy, mut sz, mut sxx, mut syy, mut sxy, mut sxz, mut syz) =
        (0.0f64, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    each_cell_in(dem, poly, |i, j| {
        let z = f64::from(dem.z[j * dem.nx + i]);
        if z.is_nan() {
            return;
        }
        let c = dem.centre(i, j);
        let o = *origin.get_or_insert([c[0], c[1], z]);
        let (dx, dy, dz) = (c[0] - o[0], c[1] - o[1], z - o[2]);
        n += 1.0;
        sx += dx;
        sy += dy;
        sz += dz;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
        sxz += dx * dz;
        syz += dy * dz;
    });
    out.cells = n as usize;
    let Some(o) = origin else { return out };
    if n < 3.0 {
        return out;
    }
    // Centred sums; solve [cxx cxy; cxy cyy] [gx gy] = [cxz cyz].
    let (mx, my, mz) = (sx / n, sy / n, sz / n);
    let (cxx, cyy, cxy) = (sxx / n - mx * mx, syy / n - my * my, sxy / n - mx * my);
    let (cxz, cyz) = (sxz / n - mx * mz, syz / n - my * mz);
    let det = cxx * cyy - cxy * cxy;
    if det.abs() < 1e-12 {
        return out;
    }
    let gx = (cxz * cyy - cyz * cxy) / det;
    let gy = (cyz * cxx - cxz * cxy) / det;
    let g = gx.hypot(gy);
    if g.is_nan() || g <= 1e-9 {
        return out;
    }
    let dir = [-gx / g, -gy / g];
    out.dip_azimuth_deg = Some(dir[0].atan2(dir[1]).to_degrees().rem_euclid(360.0));
    let centre = [o[0] + mx, o[1] + my];
    // 2. Profiles: offsets k·spacing along the strike (u) across the polygon's extent.
    let u = [-dir[1], dir[0]];
    let (mut tmin, mut tmax) = (f64::INFINITY, f64::NEG_INFINITY);
    for c in poly.exterior().coords() {
        let t = u[0] * (c.x - centre[0]) + u[1] * (c.y - centre[1]);
        tmin = tmin.min(t);
        tmax = tmax.max(t);
    }
    let step = p.step_m;
    let (k0, k1) = ((tmin / p.spacing_m).ceil() as i64, (tmax / p.spacing_m).floor() as i64);
    for k in k0..=k1 {
        let t = k as f64 * p.spacing_m;
        let base = [centre[0] + u[0] * t, centre[1] + u[1] * t];
        for (s0, s1) in line_intervals(poly, base, dir) {
            let start = [base[0] + dir[0] * s0, base[1] + dir[1] * s0];
            let ns = ((s1 - s0) / step + 1e-9).floor() as usize + 1;
            let z: Vec<f64> = (0..ns)
                .map(|i| dem.sample(start[0] + dir[0] * i as f64 * step, start[1] + dir[1] * i as f64 * step))
                .collect();
            let measure = measure_profile(&z, step, p);
            out.profiles.push(Profile { start, dir, z, step, measure });
        }
    }
    // 3. The percentile over profiles of each profile's worst value.
    let worst: Vec<Worst> = out.profiles.iter().map(|pr| pr.measure.worst()).collect();
    out.with_benches = worst.iter().filter(|w| w.bench_height.is_some()).count();
    let pick = |get: &dyn Fn(&Worst) -> Option<(f64, usize)>, pct: f64| {
        let vals: Vec<(f64, usize)> =
            worst.iter().enumerate().filter_map(|(i, w)| get(w).map(|(v, _)| (v, i))).collect();
        percentile(&vals, pct).map(|(value, prof)| {
            let bench = get(&worst[prof]).map_or(0, |(_, b)| b);
            let pr = &out.profiles[prof];
            Measured { value, at: pr.at(pr.measure.benches[bench].crest), profile: prof }
        })
    };
    let pct = p.percentile;
    out.bench_height = pick(&|w| w.bench_height, pct);
    out.bench_angle = pick(&|w| w.bench_angle, pct);
    out.overall_angle = pick(&|w| w.overall_angle, pct);
    out.berm_width = pick(&|w| w.berm_width, 100.0 - pct);
    out
}

#[cfg(test)]
mod tests;
