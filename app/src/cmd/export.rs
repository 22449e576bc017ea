//! `minehaz export SURVEY --format dxf --out plan.dxf`: the mine plan for CAD (AutoCAD, CASS):
//! one DXF layer per map element with its Chinese name and colour, the derived lines and
//! pillars of the assessment included, ids and names as TEXT labels. `derive --out x.dxf` writes
//! only the derived layers the same way.

use crate::scene::style::{water_line_aci, water_line_pattern, WaterLine};
use minehaz_core::i18n::tr;
use minehaz_core::io::dxf::{write_dxf, DxfLayer};
use minehaz_core::model::record::Geom;
use minehaz_core::model::{LayerKind, Survey, ZoneClass};
use minehaz_core::rules::{derived, Assessment};
use std::path::{Path, PathBuf};

/// The dash unit of the water lines in the drawing, in metres: 1 mm of paper on a 1:5000
/// 采掘工程平面图, so 探水线 dashes are 30 m with 15 m gaps there.
const DASH_UNIT_M: f64 = 5.0;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    Dxf,
}

#[derive(clap::Args)]
pub struct Args {
    /// 调查数据包目录或 .gpkg / survey folder or .gpkg
    pub survey: PathBuf,
    /// 格式 / format
    #[arg(long, value_enum, default_value = "dxf")]
    pub format: ExportFormat,
    /// 输出文件 / output file
    #[arg(long)]
    pub out: PathBuf,
    /// 覆盖已存在的输出文件 / replace an existing output file
    #[arg(long)]
    pub force: bool,
}

fn label(id: &str, name: Option<&String>) -> Option<String> {
    Some(match name {
        Some(n) if !n.trim().is_empty() => format!("{id} {n}"),
        _ => id.to_string(),
    })
}

fn layer<K: LayerKind>(name: &str, aci: u8, items: &[K], name_of: impl Fn(&K) -> Option<&String>) -> DxfLayer {
    DxfLayer {
        name: name.into(),
        aci,
        linetype: Vec::new(),
        entities: items.iter().filter_map(|f| f.write().geom.map(|g| (g, label(f.id(), name_of(f))))).collect(),
    }
}

fn none<K>(_: &K) -> Option<&String> {
    None
}

/// The survey's own map elements, in drawing order.
pub fn survey_layers(s: &Survey) -> Vec<DxfLayer> {
    let l = &s.layers;
    let (water_goaf, dry_goaf): (Vec<_>, Vec<_>) = l.goaf.iter().cloned().partition(|g| g.water == Some(true));
    let zones = |c: ZoneClass| l.zones.iter().filter(|z| z.class == c).cloned().collect::<Vec<_>>();
    let mut v = vec![
        layer("采矿许可范围", 3, &l.licence, none::<_>),
        layer("采空区", 8, &dry_goaf, |g| g.name.as_ref()),
        layer("积水线", water_line_aci(WaterLine::Logging), &water_goaf, |g| g.name.as_ref()),
        layer("水体", 5, &l.water_bodies, |w| w.name.as_ref()),
        layer("陷落柱", 6, &l.collapse_columns, |c| c.name.as_ref()),
        layer("瓦斯富集区", 2, &l.gas_zones, none::<_>),
        layer("冲击地压危险区", 30, &l.burst_zones, none::<_>),
        layer("火区", 1, &l.fire_zones, |f| f.name.as_ref()),
        layer("物探异常区", 9, &l.anomalies, none::<_>),
        layer("禁采区", 1, &zones(ZoneClass::NoMining), none::<_>),
        layer("缓采区", 30, &zones(ZoneClass::Deferred), none::<_>),
        layer("可采区", 3, &zones(ZoneClass::Mineable), none::<_>),
        layer("断层", 1, &l.faults, |f| f.name.as_ref()),
        layer("巷道", 7, &l.workings, |w| w.name.as_ref()),
        layer("探放水钻孔", 4, &l.drillholes, none::<_>),
        layer("设计钻孔", 140, &l.planned_drillholes, none::<_>),
        layer("停掘点", 1, &l.stop_points, none::<_>),
    ];
    v.push(DxfLayer {
        name: "钻孔".into(),
        aci: 4,
        linetype: Vec::new(),
        entities: s
            .boreholes
            .iter()
            .map(|b| {
                let c = &b.collar;
                (Geom::Point { pos: [c.x, c.y, c.z], has_z: true }, Some(c.id.clone()))
            })
            .collect(),
    });
    v
}

/// The derived lines and pillars, under their Chinese map names.
pub fn derived_layers(a: &Assessment) -> Vec<DxfLayer> {
    derived::layers(a)
        .into_iter()
        .map(|l| {
            let water = |kind: WaterLine| {
                let pattern = water_line_pattern(kind, DASH_UNIT_M as f32);
                (water_line_aci(kind), pattern.into_iter().map(f64::from).collect())
            };
            let (name, (aci, linetype)) = match l.name.as_str() {
                "exploration_lines" => ("探水线", water(WaterLine::Exploration)),
                "warning_lines" => ("警戒线", water(WaterLine::Warning)),
                "fault_pillars" => ("断层煤柱", (6, Vec::new())),
                "boundary_pillar" => ("境界煤柱", (6, Vec::new())),
                "heading_cover" => ("超前探查允许掘进距离", (3, Vec::new())),
                other => (other, (7, Vec::new())),
            };
            let entities = l
                .records
                .into_iter()
                .filter_map(|r| {
                    let id = r.get("id").and_then(|v| match v {
                        minehaz_core::model::record::Value::Text(s) => Some(s.clone()),
                        _ => None,
                    });
                    r.geom.map(|g| (g, id))
                })
                .collect();
            DxfLayer { name: name.to_string(), aci, linetype, entities }
        })
        .collect()
}

pub fn run(a: &Args) -> anyhow::Result<u8> {
    match a.format {
        ExportFormat::Dxf => super::guard_output(&a.out, &a.survey, a.force, &["dxf"])?,
    }
    let survey = super::open(&a.survey)?;
    super::print_warnings(&survey.warnings);
    let assessment = Assessment::without_slopes(survey, chrono::Local::now().date_naive())?;
    let mut layers = survey_layers(assessment.survey());
    layers.extend(derived_layers(&assessment));
    write(&layers, &a.out)
}

/// Write and report.
pub fn write(layers: &[DxfLayer], out: &Path) -> anyhow::Result<u8> {
    let n = write_dxf(layers, out)?;
    println!("{} {} ({} {}, GBK / ANSI_936):", tr("已写入", "Wrote"), out.display(), n, tr("个实体", "entities"));
    for l in layers.iter().filter(|l| !l.entities.is_empty()) {
        println!("  {} {}", super::pad(&l.name, 24), l.entities.len());
    }
    Ok(0)
}
