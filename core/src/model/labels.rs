//! Names users read for the survey format's fields and coded values (SURVEY-FORMAT.md), in
//! Chinese and English: `dip_dir_deg` is 倾向 / dip direction, `class = no_mining` is 禁采区 /
//! no-mining zone, a 0/1 flag is 是 / 否. The codes stay what the files and JSON hold; these are
//! for the attribute panel, legends and reports.

use crate::i18n::Lang;

/// (field, 中文, English), sorted by field.
const FIELDS: &[(&str, &str, &str)] = &[
    ("allowed_advance_m", "允许掘进距离", "allowed advance"),
    ("author", "标记人", "marked by"),
    ("azimuth_deg", "方位角", "azimuth"),
    ("basis", "依据", "basis"),
    ("bench_angle_max_deg", "台阶坡面角上限", "max bench face angle"),
    ("bench_height_max_m", "台阶高度上限", "max bench height"),
    ("berm_width_min_m", "平台宽度下限", "min berm width"),
    ("casing_m", "套管长度", "casing length"),
    ("class", "分区类别", "zone class"),
    ("declared", "已申报", "declared"),
    ("dip_deg", "倾角", "dip"),
    ("dip_dir_deg", "倾向", "dip direction"),
    ("drain_first", "须先放水", "drain first"),
    ("drained", "抽采达标", "drainage standard met"),
    ("drilled_at", "施工日期", "drilled on"),
    ("fan", "钻场", "drilling fan"),
    ("gas_content_m3t", "瓦斯含量", "gas content"),
    ("gas_pressure_mpa", "瓦斯压力", "gas pressure"),
    ("hazard", "灾害类型", "hazard"),
    ("head", "水位标高", "water level"),
    ("heading_id", "掘进工作面", "heading"),
    ("hole", "孔号", "hole"),
    ("id", "编号", "id"),
    ("inclination_deg", "孔倾角", "inclination"),
    ("inflow_m3h", "涌水量", "inflow"),
    ("interpretation", "解释", "interpretation"),
    ("kind", "类型", "kind"),
    ("length_m", "孔深", "hole length"),
    ("level", "危险等级", "hazard level"),
    ("marked_at", "标记时间", "marked at"),
    ("method", "物探方法", "method"),
    ("name", "名称", "name"),
    ("outburst_prone", "突出危险", "outburst-prone"),
    ("overall_angle_max_deg", "总体边坡角上限", "max overall slope angle"),
    ("pillar_m", "设计煤柱宽度", "designed pillar width"),
    ("pressure_mpa", "水压", "water pressure"),
    ("purpose", "用途", "purpose"),
    ("reliable", "位置可靠", "position reliable"),
    ("relieved", "卸压达标", "stress relief standard met"),
    ("sampled_at", "采样日期", "sampled on"),
    ("sealed", "已封闭", "sealed"),
    ("seam", "煤层", "seam"),
    ("source", "资料来源", "source"),
    ("sources", "探查对象", "targets"),
    ("status", "状态", "status"),
    ("throw_m", "落差", "throw"),
    ("treated", "已治理", "treated"),
    ("updated", "更新日期", "updated"),
    ("verified", "已验证", "verified"),
    ("water", "积水", "water-filled"),
    ("water_conducting", "导水", "water-conducting"),
    ("water_found", "见水", "water found"),
    ("water_level", "积水水位标高", "water level"),
    ("water_m3", "积水量", "water volume"),
    ("z_floor", "底界标高", "floor elevation"),
    ("z_ref", "迹线标高", "trace elevation"),
    ("z_roof", "顶界标高", "roof elevation"),
];

/// (field, code, 中文, English), sorted by field then code.
const VALUES: &[(&str, &str, &str, &str)] = &[
    ("class", "deferred", "缓采区", "deferred-mining zone"),
    ("class", "mineable", "可采区", "mineable zone"),
    ("class", "no_mining", "禁采区", "no-mining zone"),
    ("hazard", "burst", "冲击地压", "rock burst"),
    ("hazard", "fire", "火灾", "fire"),
    ("hazard", "gas", "瓦斯", "gas"),
    ("hazard", "other", "其他", "other"),
    ("hazard", "water", "水害", "water"),
    ("interpretation", "fault", "断层", "fault"),
    ("interpretation", "goaf", "老空区", "goaf"),
    ("interpretation", "unknown", "未明", "unknown"),
    ("interpretation", "water", "含水", "water"),
    ("kind", "aquifer", "含水层", "aquifer"),
    ("kind", "bench", "台阶", "bench"),
    ("kind", "gas", "气样", "gas"),
    ("kind", "heading", "掘进工作面", "heading"),
    ("kind", "karst", "岩溶水", "karst water"),
    ("kind", "longwall", "回采工作面", "longwall"),
    ("kind", "old_well", "老窑/废弃井", "old well"),
    ("kind", "reservoir", "水库", "reservoir"),
    ("kind", "river", "河流", "river"),
    ("kind", "roadway", "巷道", "roadway"),
    ("kind", "surface", "地表水", "surface water"),
    ("kind", "water", "水样", "water"),
    ("level", "medium", "中等", "medium"),
    ("level", "none", "无", "none"),
    ("level", "strong", "强", "strong"),
    ("level", "weak", "弱", "weak"),
    ("method", "dc", "直流电法", "DC resistivity"),
    ("method", "other", "其他", "other"),
    ("method", "radar", "探地雷达", "ground radar"),
    ("method", "seismic", "地震", "seismic"),
    ("method", "tem", "瞬变电磁", "transient EM"),
    ("purpose", "drainage", "放水", "drainage"),
    ("purpose", "gas_drainage", "瓦斯抽采", "gas drainage"),
    ("purpose", "geology", "地质", "geology"),
    ("purpose", "water_exploration", "探放水", "water exploration"),
    ("status", "active", "在掘/在采", "active"),
    ("status", "existing", "现有", "existing"),
    ("status", "planned", "设计", "planned"),
];

/// The criteria of the protection levels (`rules::levels`), (id, 中文, English), sorted.
const CRITERIA: &[(&str, &str, &str)] = &[
    ("absolute_gas_m3min", "矿井绝对瓦斯涌出量", "mine absolute gas emission"),
    ("burst_history", "冲击地压史", "rock-burst history"),
    ("burst_zone_level", "冲击危险区最高等级", "highest burst-zone level"),
    ("gas_pressure_mpa", "最大瓦斯压力", "highest gas pressure"),
    ("goaf_water", "位置不可靠的积水老空区", "water-filled goaf of unreliable position"),
    ("max_heading_gas_m3min", "掘进工作面最大绝对瓦斯涌出量", "highest heading gas emission"),
    ("max_inflow_m3h", "矿井最大涌水量", "mine maximum inflow"),
    ("max_inrush_m3h", "最大突水量", "largest inrush"),
    ("max_longwall_gas_m3min", "采煤工作面最大绝对瓦斯涌出量", "highest longwall gas emission"),
    ("normal_inflow_m3h", "矿井正常涌水量", "mine normal inflow"),
    ("outburst_history", "突出史", "outburst history"),
    ("outburst_prone_zone", "突出危险区", "outburst-prone zone"),
    ("relative_gas_m3t", "矿井相对瓦斯涌出量", "mine relative gas emission"),
];

/// The readable name of a protection-level criterion (`normal_inflow_m3h` is 矿井正常涌水量).
pub fn criterion_name(id: &str, lang: Lang) -> Option<&'static str> {
    let i = CRITERIA.binary_search_by(|e| e.0.cmp(id)).ok()?;
    Some(pick(CRITERIA[i].1, CRITERIA[i].2, lang))
}

/// Fields that hold 0/1 flags.
const FLAGS: &[&str] = &[
    "declared",
    "drain_first",
    "drained",
    "outburst_prone",
    "reliable",
    "relieved",
    "sealed",
    "treated",
    "verified",
    "water",
    "water_conducting",
    "water_found",
];

fn pick<'a>(zh: &'a str, en: &'a str, lang: Lang) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The readable name of a field; None for a field the format does not name (geochem's own
/// numeric fields).
pub fn field_name(field: &str, lang: Lang) -> Option<&'static str> {
    let i = FIELDS.binary_search_by(|e| e.0.cmp(field)).ok()?;
    Some(pick(FIELDS[i].1, FIELDS[i].2, lang))
}

/// The readable name of a coded text value of `field`; None when it is not a code.
pub fn value_name(field: &str, code: &str, lang: Lang) -> Option<&'static str> {
    let i = VALUES.binary_search_by(|e| (e.0, e.1).cmp(&(field, code))).ok()?;
    Some(pick(VALUES[i].2, VALUES[i].3, lang))
}

/// The reading of a 0/1 flag field: 是 / 否 (yes / no); None when `field` is not a flag.
pub fn flag_name(field: &str, v: i64, lang: Lang) -> Option<&'static str> {
    FLAGS.binary_search(&field).ok()?;
    match v {
        1 => Some(pick("是", "yes", lang)),
        0 => Some(pick("否", "no", lang)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(FIELDS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(VALUES.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
        assert!(FLAGS.windows(2).all(|w| w[0] < w[1]));
        assert!(CRITERIA.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn codes_read_as_words() {
        assert_eq!(field_name("dip_dir_deg", Lang::Zh), Some("倾向"));
        assert_eq!(field_name("dip_dir_deg", Lang::En), Some("dip direction"));
        assert_eq!(value_name("class", "no_mining", Lang::Zh), Some("禁采区"));
        assert_eq!(value_name("status", "active", Lang::En), Some("active"));
        assert_eq!(value_name("class", "sideways", Lang::Zh), None);
        assert_eq!(flag_name("water", 1, Lang::Zh), Some("是"));
        assert_eq!(flag_name("water", 2, Lang::Zh), None);
        assert_eq!(flag_name("throw_m", 1, Lang::Zh), None);
    }

    /// Every field of every layer kind has a name, and every enumerated code of the model.
    #[test]
    fn every_field_and_code_of_the_format_is_named() {
        use crate::model::record::Enumerated;
        let mut missing = Vec::new();
        for (layer, fields) in crate::model::Layers::FIELDS {
            for f in fields.iter() {
                if field_name(f.name, Lang::Zh).is_none() {
                    missing.push(format!("{layer}.{}", f.name));
                }
            }
        }
        fn codes<E: Enumerated + 'static>() -> Vec<&'static str> {
            E::ALL.iter().map(Enumerated::as_str).collect()
        }
        for (field, codes) in [
            ("kind", codes::<crate::model::WorkingKind>()),
            ("status", codes::<crate::model::WorkingStatus>()),
            ("class", codes::<crate::model::ZoneClass>()),
            ("level", codes::<crate::model::BurstLevel>()),
        ] {
            for c in codes {
                if value_name(field, c, Lang::Zh).is_none() {
                    missing.push(format!("{field} = {c}"));
                }
            }
        }
        // And every criterion of the protection levels.
        let levels = crate::rules::levels::derive(&crate::model::Survey::default(), &Default::default());
        for l in [&levels.water, &levels.gas, &levels.burst] {
            for d in &l.drivers {
                if criterion_name(d.criterion, Lang::Zh).is_none() {
                    missing.push(format!("criterion {}", d.criterion));
                }
            }
        }
        assert!(missing.is_empty(), "no readable name: {missing:?}");
    }
}
