//! `survey.toml`: the mine, its CRS, the licence, classification inputs and parameter
//! overrides. The text is kept verbatim so the project store round-trips it without loss.

use crate::error::{Location, Problems, Result};
use crate::text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SurveyMeta {
    pub mine: Mine,
    #[serde(default)]
    pub licence: LicenceTerms,
    #[serde(default)]
    pub classification: Classification,
    /// Rule parameter overrides by name (RULES.md).
    #[serde(default)]
    pub parameters: BTreeMap<String, f64>,
    /// The official datum transformation of layers in an older datum (Xi'an 80, Beijing 54).
    #[serde(default)]
    pub crs: CrsSettings,
    /// Drainage capacity (PLANNING.md).
    #[serde(default)]
    pub drainage: Drainage,
    /// The survey.toml text as read (empty for a model built in code).
    #[serde(skip)]
    pub source_text: String,
    /// Warnings met while parsing (unknown keys).
    #[serde(skip)]
    pub warnings: Vec<crate::error::Problem>,
}

/// `[crs]` of survey.toml: how layers in another datum reach the mine CRS. Without it PROJ may
/// have only a "ballpark" transformation (no datum shift: metres to tens of metres off).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CrsSettings {
    /// The 3- or 7-parameter transformation of the layers' datum to WGS 84 / CGCS2000
    /// (dx, dy, dz [m], rx, ry, rz [″], ds [ppm]), as the survey office gives it.
    pub towgs84: Option<Vec<f64>>,
    /// Or a whole PROJ pipeline from the layers' CRS to the mine CRS.
    pub pipeline: Option<String>,
    /// The CRS of the layers `towgs84` / `pipeline` is for (e.g. "EPSG:2383"); layers in any
    /// other CRS get PROJ's best transformation. Without it, `towgs84` applies to every layer
    /// outside the mine CRS whose datum is not WGS 84 or CGCS2000 (for those it would be wrong).
    pub from: Option<String>,
}

/// `[drainage]` of survey.toml.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Drainage {
    /// Working pump capacity, m³/h.
    pub pump_capacity_m3h: Option<f64>,
}

/// The keys survey.toml may hold, by section ("*": any key).
const KNOWN: &[(&str, &[&str])] = &[
    ("mine", &["id", "name", "kind", "crs", "province", "county"]),
    ("licence", &["z_top", "z_bottom", "valid_until", "seams", "capacity_mt_per_year"]),
    (
        "classification",
        &[
            "normal_inflow_m3h",
            "max_inflow_m3h",
            "max_inrush_m3h",
            "relative_gas_m3t",
            "absolute_gas_m3min",
            "max_heading_gas_m3min",
            "max_longwall_gas_m3min",
            "outburst_history",
            "burst_history",
            "mining_depth_max_m",
            "flood_threat",
        ],
    ),
    ("parameters", &["*"]),
    ("crs", &["towgs84", "pipeline", "from"]),
    ("drainage", &["pump_capacity_m3h"]),
];

/// Unknown sections and keys (warnings: a misspelt key would otherwise be silently ignored).
fn unknown_keys(text_in: &str, path: &Path) -> Vec<crate::error::Problem> {
    let mut ps = Problems::default();
    let Ok(toml::Value::Table(t)) = text_in.parse::<toml::Value>() else { return Vec::new() };
    for (section, v) in &t {
        let Some((_, keys)) = KNOWN.iter().find(|(s, _)| s == section) else {
            ps.warning(
                Location::file(path).layer(section),
                text!("未知的节 [{}]，已忽略", "unknown section [{}], ignored", section),
            );
            continue;
        };
        if keys.contains(&"*") {
            continue;
        }
        if let toml::Value::Table(inner) = v {
            for k in inner.keys().filter(|k| !keys.contains(&k.as_str())) {
                ps.warning(
                    Location::file(path).layer(section).field(k),
                    text!("未知的键 {}.{}，已忽略", "unknown key {}.{}, ignored", section, k),
                );
            }
        }
    }
    ps.0
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mine {
    pub id: String,
    pub name: String,
    pub kind: MineKind,
    /// Projected CRS of every layer, e.g. "EPSG:4547".
    pub crs: String,
    pub province: Option<String>,
    pub county: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MineKind {
    #[default]
    UndergroundCoal,
    UndergroundMetal,
    OpenPit,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LicenceTerms {
    pub z_top: Option<f64>,
    pub z_bottom: Option<f64>,
    pub valid_until: Option<String>,
    #[serde(default)]
    pub seams: Vec<String>,
    pub capacity_mt_per_year: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub normal_inflow_m3h: Option<f64>,
    pub max_inflow_m3h: Option<f64>,
    pub max_inrush_m3h: Option<f64>,
    pub relative_gas_m3t: Option<f64>,
    pub absolute_gas_m3min: Option<f64>,
    pub max_heading_gas_m3min: Option<f64>,
    pub max_longwall_gas_m3min: Option<f64>,
    pub outburst_history: Option<bool>,
    pub burst_history: Option<bool>,
    pub mining_depth_max_m: Option<f64>,
    /// 受水害威胁 (MONITORING.md).
    pub flood_threat: Option<bool>,
}

impl SurveyMeta {
    /// Parse survey.toml text; `path` names the file in problems.
    pub fn parse(text_in: &str, path: &Path) -> Result<Self> {
        let mut meta: SurveyMeta = toml::from_str(text_in).map_err(|e| {
            let start = e.span().map(|s| s.start.min(text_in.len()));
            let line = start.map(|s| text_in[..s].lines().count().max(1) as u64);
            let mut at = Location::file(path);
            // Name the section and key of the offending line, not only its number.
            if let Some(s) = start {
                let line_start = text_in[..s].rfind('\n').map_or(0, |i| i + 1);
                let this = text_in[line_start..].lines().next().unwrap_or("");
                if let Some((key, _)) = this.split_once('=') {
                    at.field = Some(key.trim().trim_matches('"').to_string());
                }
                let section = text_in[..line_start]
                    .lines()
                    .rev()
                    .find_map(|l| l.trim().strip_prefix('[').and_then(|r| r.split(']').next()))
                    .map(|x| x.trim().to_string());
                at.layer = section;
            }
            at.line = line;
            crate::Error::at(at, text!("survey.toml 无法解析: {}", "survey.toml cannot be parsed: {}", e.message()))
        })?;
        meta.source_text = text_in.to_string();
        let mut ps = Problems::default();
        meta.check(path, &mut ps);
        meta.warnings = ps.into_result()?;
        meta.warnings.extend(unknown_keys(text_in, path));
        Ok(meta)
    }

    /// Validate the values (all problems collected).
    pub fn check(&self, path: &Path, ps: &mut Problems) {
        let at = |section: &str, field: &str| Location::file(path).layer(section).field(field);
        if let Some(t) = &self.crs.towgs84 {
            if !(t.len() == 3 || t.len() == 7) || t.iter().any(|v| !v.is_finite()) {
                ps.error(
                    at("crs", "towgs84"),
                    text!(
                        "towgs84 须为 3 或 7 个有限数（dx,dy,dz[,rx,ry,rz,ds]），实为 {:?}",
                        "towgs84 must be 3 or 7 finite numbers (dx,dy,dz[,rx,ry,rz,ds]), found {:?}",
                        t
                    ),
                );
            }
        }
        if self.crs.towgs84.is_some() && self.crs.pipeline.is_some() {
            ps.error(
                at("crs", "pipeline"),
                text!("towgs84 与 pipeline 只能给一个", "give towgs84 or pipeline, not both"),
            );
        }
        if self.mine.id.trim().is_empty() {
            ps.error(at("mine", "id"), text!("缺少矿井编号", "missing mine id"));
        }
        if self.mine.crs.trim().is_empty() {
            ps.error(at("mine", "crs"), text!("缺少坐标系 (如 EPSG:4547)", "missing CRS (e.g. EPSG:4547)"));
        }
        if let (Some(t), Some(b)) = (self.licence.z_top, self.licence.z_bottom) {
            if b > t {
                ps.error(
                    at("licence", "z_bottom"),
                    text!("开采下限 z_bottom ({}) 高于上限 z_top ({})", "z_bottom ({}) is above z_top ({})", b, t),
                );
            }
        }
        if let Some(v) = &self.licence.valid_until {
            if chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_err() {
                ps.error(at("licence", "valid_until"), text!("日期格式无效: \"{}\"", "invalid date: \"{}\"", v));
            }
        }
        let c = &self.classification;
        for (name, v) in [
            ("normal_inflow_m3h", c.normal_inflow_m3h),
            ("max_inflow_m3h", c.max_inflow_m3h),
            ("max_inrush_m3h", c.max_inrush_m3h),
            ("relative_gas_m3t", c.relative_gas_m3t),
            ("absolute_gas_m3min", c.absolute_gas_m3min),
            ("max_heading_gas_m3min", c.max_heading_gas_m3min),
            ("max_longwall_gas_m3min", c.max_longwall_gas_m3min),
            ("mining_depth_max_m", c.mining_depth_max_m),
        ] {
            if let Some(v) = v {
                if !(0.0..=1e7).contains(&v) {
                    ps.error(at("classification", name), text!("数值 {} 不合理", "implausible value {}", v));
                }
            }
        }
        if let (Some(n), Some(m)) = (c.normal_inflow_m3h, c.max_inflow_m3h) {
            if n > m {
                ps.warning(
                    at("classification", "normal_inflow_m3h"),
                    text!("正常涌水量 ({}) 大于最大涌水量 ({})", "normal inflow ({}) exceeds max inflow ({})", n, m),
                );
            }
        }
    }

    /// The TOML text to write: the source text when there is one, else a serialisation.
    pub fn to_toml(&self) -> String {
        if !self.source_text.is_empty() {
            return self.source_text.clone();
        }
        toml::to_string_pretty(self).unwrap_or_default()
    }
}
