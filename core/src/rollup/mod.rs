//! The provincial roll-up (ROLLUP.md): many mines assessed in parallel, each kept only as its
//! summary row, its findings and the geometry the cross-mine rules need (licences and
//! workings), so memory grows with the number of mines, not their size; then the cross-mine
//! findings (`licence.overlap`, `licence.intrudes_neighbour`) through an R-tree over every
//! licence in EPSG:4490, and the aggregates by province and county.

pub mod counties;
pub mod cross;
pub mod parquet_out;
pub mod query;

/// The rule ids of the cross-mine findings.
pub const CROSS_RULES: [&str; 2] = [cross::OVERLAP, cross::INTRUDES];

use crate::error::{Location, Result};
use crate::io::crs::{Crs, Transformer};
use crate::rules::{Assessment, Severity};
use crate::text;
use chrono::NaiveDate;
use geo_types::{MultiPolygon, Polygon};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "minehaz-rollup/1";
/// The common CRS of the roll-up's geometry (CGCS2000 geographic, lon/lat).
pub const COMMON_CRS: &str = "EPSG:4490";

/// One row of `mines.parquet`.
#[derive(Debug, Clone, PartialEq)]
pub struct MineRow {
    pub mine_id: String,
    pub name: String,
    pub province: Option<String>,
    pub county: Option<String>,
    pub kind: String,
    pub crs: String,
    pub water_level: String,
    pub gas_level: String,
    pub burst_level: String,
    pub majors: i64,
    pub warnings: i64,
    pub capacity_mt_per_year: Option<f64>,
    pub valid_until: Option<String>,
    /// The licence in EPSG:4490 (lon/lat).
    pub geometry: Option<MultiPolygon<f64>>,
}

/// One row of `findings.parquet`.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub mine_id: String,
    pub province: Option<String>,
    pub county: Option<String>,
    pub rule: String,
    pub severity: String,
    pub planned: bool,
    pub working: Option<String>,
    pub feature: Option<String>,
    pub measured: Option<f64>,
    pub limit: Option<f64>,
    /// `at` in the mine CRS.
    pub at: Option<[f64; 3]>,
    pub crs: String,
    /// `at` in EPSG:4490 (lon, lat).
    pub lonlat: Option<[f64; 2]>,
}

/// What the cross-mine rules need of a mine, in its own CRS.
#[derive(Debug, Clone)]
pub struct MineGeometry {
    pub mine_id: String,
    pub crs: Crs,
    pub licence: Vec<Polygon<f64>>,
    pub workings: Vec<(String, Vec<[f64; 3]>)>,
    /// The licence's bounding box in EPSG:4490.
    pub bbox: Option<[f64; 4]>,
    /// The box of the licence and every working in EPSG:4490: how far the mine reaches (a
    /// heading out of its own licence can enter a neighbour whose box the licence's misses).
    pub reach: Option<[f64; 4]>,
}

fn union_box(a: Option<[f64; 4]>, b: Option<[f64; 4]>) -> Option<[f64; 4]> {
    match (a, b) {
        (Some(a), Some(b)) => Some([a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]),
        (a, b) => a.or(b),
    }
}

impl MineGeometry {
    /// A mine's geometry with its licence in EPSG:4490 (returned too, for the mines table),
    /// its box and its reach.
    pub fn new(
        mine_id: &str,
        crs: Crs,
        licence: Vec<Polygon<f64>>,
        workings: Vec<(String, Vec<[f64; 3]>)>,
        at: &Location,
    ) -> Result<(Self, Option<MultiPolygon<f64>>)> {
        use geo::BoundingRect;
        let t = to_common(&crs, at)?;
        let common = if licence.is_empty() {
            None
        } else {
            Some(MultiPolygon(licence.iter().map(|p| t.polygon(p, at)).collect::<Result<Vec<_>>>()?))
        };
        let bbox =
            common.as_ref().and_then(|g| g.bounding_rect()).map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
        let mut pts: Vec<[f64; 3]> = workings.iter().flat_map(|(_, l)| l.iter().copied()).collect();
        let reach = if pts.is_empty() {
            bbox
        } else {
            t.points(&mut pts, &at.clone().layer("workings"))?;
            let r = pts.iter().fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |r, p| {
                [r[0].min(p[0]), r[1].min(p[1]), r[2].max(p[0]), r[3].max(p[1])]
            });
            union_box(bbox, Some(r))
        };
        Ok((MineGeometry { mine_id: mine_id.to_string(), crs, licence, workings, bbox, reach }, common))
    }
}

/// One mine assessed.
#[derive(Debug, Clone)]
pub struct Assessed {
    /// Where the mine was read from.
    pub input: String,
    pub row: MineRow,
    pub findings: Vec<FindingRow>,
    pub geometry: MineGeometry,
}

/// The roll-up.
#[derive(Debug, Clone, Default)]
pub struct Rollup {
    pub as_of: Option<NaiveDate>,
    pub mines: Vec<MineRow>,
    pub findings: Vec<FindingRow>,
    /// (input, error) of each mine that could not be assessed.
    pub failed: Vec<(String, String)>,
    /// Where each mine was read from, by mine id.
    pub inputs: BTreeMap<String, String>,
    /// Each mine's licence box and reach in EPSG:4490, by mine id.
    pub boxes: BTreeMap<String, MineBoxes>,
}

/// A mine's licence box and its reach (licence and workings) in EPSG:4490, when it has them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MineBoxes {
    pub bbox: Option<[f64; 4]>,
    pub reach: Option<[f64; 4]>,
}

/// Is `p` one mine (a survey folder with survey.toml, or a .gpkg store)?
fn is_mine(p: &Path) -> bool {
    (p.is_dir() && p.join("survey.toml").is_file())
        || (p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("gpkg")))
}

/// The mines of the inputs: each input a mine, or a folder holding mines (one level deep).
/// An input that is neither is kept, so that it is reported as failed.
pub fn mines_of(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for i in inputs {
        if is_mine(i) || !i.is_dir() {
            out.push(i.clone());
            continue;
        }
        let mut found: Vec<PathBuf> =
            std::fs::read_dir(i).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
        found.sort();
        let n = out.len();
        out.extend(found.into_iter().filter(|p| {
            // A folder's own layers.gpkg is part of a survey folder, not a mine.
            is_mine(p) && !(p.is_file() && p.parent().is_some_and(|d| d.join("survey.toml").is_file()))
        }));
        if out.len() == n {
            out.push(i.clone());
        }
    }
    out
}

fn to_common(crs: &Crs, at: &Location) -> Result<std::rc::Rc<Transformer>> {
    // Parsing EPSG:4490 asks PROJ's database (SQLite) each time: once per thread is enough.
    thread_local! {
        static COMMON: std::cell::OnceCell<Crs> = const { std::cell::OnceCell::new() };
    }
    let common = match COMMON.with(|c| c.get().cloned()) {
        Some(c) => c,
        None => {
            let c = Crs::parse(COMMON_CRS, at)?;
            COMMON.with(|cell| cell.get_or_init(|| c.clone()).clone())
        }
    };
    Transformer::cached(crs, &common, at)
}

/// Assess one mine as of `as_of` and keep what the roll-up needs.
pub fn assess(path: &Path, as_of: NaiveDate) -> Result<Assessed> {
    let survey = crate::io::open(path)?;
    let a = Assessment::new(survey, as_of)?;
    let report = a.report();
    let s = a.survey();
    let m = &s.meta.mine;
    let at = Location::file(path).layer("licence");
    let crs = Crs::parse(&m.crs, &Location::file(path).layer("minehaz_meta").field("crs"))?;
    let t = to_common(&crs, &at)?;
    let licence: Vec<Polygon<f64>> = s.layers.licence.iter().map(|l| l.boundary.clone()).collect();
    let workings = s.layers.workings.iter().map(|w| (w.id.clone(), w.line.clone())).collect();
    let (mine_geometry, geometry) = MineGeometry::new(&m.id, crs, licence, workings, &at)?;
    let kind = serde_json::to_value(m.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let findings: Vec<FindingRow> = report
        .findings
        .iter()
        .map(|f| {
            let lonlat = f.at.and_then(|p| t.xy(p[0], p[1], &at).ok()).map(|(x, y)| [x, y]);
            FindingRow {
                mine_id: m.id.clone(),
                province: m.province.clone(),
                county: m.county.clone(),
                rule: f.rule.to_string(),
                severity: f.severity.as_str().to_string(),
                planned: f.planned,
                working: f.working.clone(),
                feature: f.feature.clone(),
                measured: f.measured.map(crate::rules::round_mm),
                limit: f.limit,
                at: f.at,
                crs: m.crs.clone(),
                lonlat,
            }
        })
        .collect();
    let row = MineRow {
        mine_id: m.id.clone(),
        name: m.name.clone(),
        province: m.province.clone(),
        county: m.county.clone(),
        kind,
        crs: m.crs.clone(),
        water_level: report.levels.water.level.to_string(),
        gas_level: report.levels.gas.level.to_string(),
        burst_level: report.levels.burst.level.to_string(),
        majors: 0,
        warnings: 0,
        capacity_mt_per_year: s.meta.licence.capacity_mt_per_year,
        valid_until: s.meta.licence.valid_until.clone(),
        geometry,
    };
    Ok(Assessed { input: path.display().to_string(), row, findings, geometry: mine_geometry })
}

fn sort_findings(f: &mut [FindingRow]) {
    f.sort_by(|a, b| (&a.mine_id, &a.rule, &a.working, &a.feature).cmp(&(&b.mine_id, &b.rule, &b.working, &b.feature)));
}

/// Roll up `inputs` as of `as_of` on `jobs` threads (0: all cores). Mines are assessed in
/// parallel; each is dropped once its rows are taken.
pub fn run(inputs: &[PathBuf], as_of: NaiveDate, jobs: usize) -> Result<Rollup> {
    use rayon::prelude::*;
    let paths = mines_of(inputs);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| crate::Error::Internal(format!("thread pool: {e}")))?;
    let results: Vec<(PathBuf, Result<Assessed>)> =
        pool.install(|| paths.par_iter().map(|p| (p.clone(), assess(p, as_of))).collect());
    let mut out = Rollup { as_of: Some(as_of), ..Rollup::default() };
    let mut assessed = Vec::new();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (p, r) in results {
        match r {
            Ok(a) => {
                if let Some(first) = seen.get(&a.row.mine_id) {
                    out.failed.push((
                        p.display().to_string(),
                        text!(
                            "矿井编号 {} 重复（已由 {} 使用）",
                            "duplicate mine id {} (already used by {})",
                            a.row.mine_id,
                            first.display()
                        )
                        .get(crate::i18n::lang())
                        .to_string(),
                    ));
                    continue;
                }
                seen.insert(a.row.mine_id.clone(), p);
                out.inputs.insert(a.row.mine_id.clone(), a.input.clone());
                out.boxes.insert(a.row.mine_id.clone(), MineBoxes { bbox: a.geometry.bbox, reach: a.geometry.reach });
                assessed.push(a);
            }
            Err(e) => out.failed.push((p.display().to_string(), e.to_string())),
        }
    }
    let geoms: Vec<MineGeometry> = assessed.iter().map(|a| a.geometry.clone()).collect();
    let cross = pool.install(|| cross::findings(&geoms));
    let mut findings: Vec<FindingRow> = Vec::new();
    for a in assessed {
        findings.extend(a.findings);
        out.mines.push(a.row);
    }
    // The cross-mine findings carry their mine's province and county.
    let places: BTreeMap<&str, (Option<String>, Option<String>)> =
        out.mines.iter().map(|m| (m.mine_id.as_str(), (m.province.clone(), m.county.clone()))).collect();
    for mut f in cross {
        if let Some((p, c)) = places.get(f.mine_id.as_str()) {
            f.province = p.clone();
            f.county = c.clone();
        }
        findings.push(f);
    }
    sort_findings(&mut findings);
    for m in &mut out.mines {
        m.majors = 0;
        m.warnings = 0;
    }
    let index: BTreeMap<String, usize> = out.mines.iter().enumerate().map(|(i, m)| (m.mine_id.clone(), i)).collect();
    for f in &findings {
        if let Some(&i) = index.get(&f.mine_id) {
            if f.severity == Severity::Major.as_str() {
                out.mines[i].majors += 1;
            } else {
                out.mines[i].warnings += 1;
            }
        }
    }
    out.mines.sort_by(|a, b| a.mine_id.cmp(&b.mine_id));
    out.findings = findings;
    out.failed.sort();
    Ok(out)
}

fn place(v: &Option<String>) -> String {
    v.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "unknown".into())
}

const SCALES: [(&str, &[&str]); 3] = [
    ("water", crate::rules::levels::WATER),
    ("gas", crate::rules::levels::GAS),
    ("burst", crate::rules::levels::BURST),
];

/// The highest of a mine's three levels on a common 0..=3 scale (None: all unknown).
pub fn highest(m: &MineRow) -> Option<usize> {
    let rank = |scale: &[&str], l: &str| scale.iter().position(|x| *x == l).map(|i| i * 3 / (scale.len() - 1));
    let (w, g, b) = (crate::rules::levels::WATER, crate::rules::levels::GAS, crate::rules::levels::BURST);
    [rank(w, &m.water_level), rank(g, &m.gas_level), rank(b, &m.burst_level)].into_iter().flatten().max()
}

/// `mines.json` beside the Parquet files (an extension of ROLLUP.md): what the viewer lists
/// and opens — each mine's id, name, county, input, highest level (0..=3), majors, warnings,
/// and its licence box and reach in EPSG:4490 (`[xmin, ymin, xmax, ymax]`; what a distributed
/// engine pairs neighbours across its partitions by).
pub const INDEX: &str = "mines.json";

impl Rollup {
    /// The viewer's index of the roll-up ([`INDEX`]).
    pub fn index(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.mines
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "mine_id": m.mine_id, "name": m.name, "province": m.province, "county": m.county,
                        "input": self.inputs.get(&m.mine_id), "highest": highest(m),
                        "majors": m.majors, "warnings": m.warnings,
                        "bbox": self.boxes.get(&m.mine_id).and_then(|b| b.bbox), "reach": self.boxes.get(&m.mine_id).and_then(|b| b.reach),
                    })
                })
                .collect(),
        )
    }

    /// The aggregate of a group of mines and their findings.
    fn group<'a>(mines: &[&'a MineRow], findings: &[&'a FindingRow]) -> serde_json::Value {
        let mut levels = serde_json::Map::new();
        for (name, _) in SCALES {
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            for m in mines {
                let l = match name {
                    "water" => &m.water_level,
                    "gas" => &m.gas_level,
                    _ => &m.burst_level,
                };
                *counts.entry(l.clone()).or_default() += 1;
            }
            levels.insert(name.into(), serde_json::json!(counts));
        }
        let mut rules: BTreeMap<&str, u64> = BTreeMap::new();
        for f in findings {
            *rules.entry(f.rule.as_str()).or_default() += 1;
        }
        serde_json::json!({
            "mines": mines.len(),
            "majors": findings.iter().filter(|f| f.severity == "major").count(),
            "warnings": findings.iter().filter(|f| f.severity != "major").count(),
            "levels": levels,
            "rules": rules,
        })
    }

    fn grouped<K: Ord + Clone>(
        &self,
        key: impl Fn(&Option<String>, &Option<String>) -> K,
    ) -> BTreeMap<K, serde_json::Value> {
        let mut mines: BTreeMap<K, Vec<&MineRow>> = BTreeMap::new();
        for m in &self.mines {
            mines.entry(key(&m.province, &m.county)).or_default().push(m);
        }
        let mut finds: BTreeMap<K, Vec<&FindingRow>> = BTreeMap::new();
        for f in &self.findings {
            finds.entry(key(&f.province, &f.county)).or_default().push(f);
        }
        mines.iter().map(|(k, ms)| (k.clone(), Self::group(ms, finds.get(k).map_or(&[][..], |v| v)))).collect()
    }

    /// `summary.json`.
    pub fn summary(&self) -> serde_json::Value {
        let by_province = self.grouped(|p, _| place(p));
        let by_county = self.grouped(|p, c| format!("{}/{}", place(p), place(c)));
        serde_json::json!({
            "format": FORMAT,
            "as_of": self.as_of.map(|d| d.to_string()),
            "mines": self.mines.len(),
            "failed": self.failed.iter().map(|(i, e)| serde_json::json!({"input": i, "error": e})).collect::<Vec<_>>(),
            "by_province": by_province,
            "by_county": by_county,
        })
    }

    /// `summary.csv`: the by_county table, one row per county: province, county, mines,
    /// majors, warnings, one column per level of each scale (`water_simple` …) and one per rule
    /// (`rule:<id>`).
    pub fn summary_csv(&self) -> String {
        let by_county = self.grouped(|p, c| (place(p), place(c)));
        let mut rules: std::collections::BTreeSet<String> = Default::default();
        for v in by_county.values() {
            if let Some(r) = v["rules"].as_object() {
                rules.extend(r.keys().cloned());
            }
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<String> = ["province", "county", "mines", "majors", "warnings"].map(String::from).to_vec();
        for (name, scale) in SCALES {
            header.extend(scale.iter().chain(["unknown"].iter()).map(|l| format!("{name}_{l}")));
        }
        header.extend(rules.iter().map(|r| format!("rule:{r}")));
        let _ = w.write_record(&header);
        for ((p, c), v) in &by_county {
            let mut row =
                vec![p.clone(), c.clone(), v["mines"].to_string(), v["majors"].to_string(), v["warnings"].to_string()];
            for (name, scale) in SCALES {
                for l in scale.iter().chain(["unknown"].iter()) {
                    row.push(v["levels"][name][*l].as_u64().unwrap_or(0).to_string());
                }
            }
            for r in &rules {
                row.push(v["rules"][r].as_u64().unwrap_or(0).to_string());
            }
            let _ = w.write_record(&row);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
