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
    /// The survey.toml text as read (empty for a model built in code).
    #[serde(skip)]
    pub source_text: String,
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
        ps.into_result()?;
        Ok(meta)
    }

    /// Validate the values (all problems collected).
    pub fn check(&self, path: &Path, ps: &mut Problems) {
        let at = |section: &str, field: &str| Location::file(path).layer(section).field(field);
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
