//! A short name for each rule id, in Chinese and English, for labels on maps, the viewer's
//! findings list and the report: the id stays the key (JSON, attribute panel), the name is what
//! a user reads. Every rule id any part of minehaz emits has a name (tested against the ids in
//! the sources).

use crate::i18n::Lang;

/// (rule id, 中文名, English name).
pub const RULE_NAMES: &[(&str, &str, &str)] = &[
    ("burst.face_spacing", "采掘面间距不足", "faces too close"),
    ("burst.proneness_test_required", "未做冲击倾向性鉴定", "burst proneness test required"),
    ("burst.zone_unrelieved", "冲击危险区未卸压", "burst zone not relieved"),
    ("fire.working_in_fire_zone", "火区内作业", "working in fire zone"),
    ("gas.ch4_over_limit", "瓦斯超限", "CH4 over limit"),
    ("gas.outburst_zone_undrained", "突出危险区未抽采", "outburst zone not drained"),
    ("gas.rich_zone_undrained", "瓦斯富集区未抽采", "gas-rich zone not drained"),
    ("gas.sensor_flatline", "瓦斯传感器数据不变", "gas sensor flatline"),
    ("hidden.energy_mismatch", "用电与产量不符", "power and output mismatch"),
    ("hidden.output_mismatch", "产量数据不符", "output mismatch"),
    ("hidden.production_while_stopped", "停产期间生产", "production while stopped"),
    ("hidden.undeclared_activity", "未申报区域人员活动", "undeclared activity"),
    ("hidden.undeclared_working", "隐蔽工作面", "undeclared working"),
    ("ledger.close_recommended", "提请关闭", "closure recommended"),
    ("ledger.overdue", "重大隐患逾期", "hazard overdue"),
    ("ledger.repeat", "隐患反复出现", "hazard repeated"),
    ("ledger.unassigned", "隐患未落实责任", "hazard unassigned"),
    ("licence.expired", "采矿许可证过期", "licence expired"),
    ("licence.intrudes_neighbour", "越界进入相邻矿", "working in neighbour's licence"),
    ("licence.outside_boundary", "越界", "outside licence boundary"),
    ("licence.outside_levels", "超层", "outside licensed levels"),
    ("licence.over_capacity", "超能力生产", "over capacity"),
    ("licence.over_intensity", "超强度生产", "over intensity"),
    ("licence.overlap", "矿权重叠", "licences overlap"),
    ("licence.seam_not_permitted", "开采未批准煤层", "seam not permitted"),
    ("parameters.loosened", "参数放宽", "parameter loosened"),
    ("pillar.boundary", "境界煤柱不足", "boundary pillar"),
    ("pillar.fault", "断层防水煤柱不足", "fault pillar"),
    ("plan.advance_into_source", "设计掘进进入水源", "planned advance into source"),
    ("plan.bulkhead_required", "需设防水闸门", "bulkhead required"),
    ("slope.accelerating", "边坡加速变形", "slope accelerating"),
    ("slope.bench_angle", "台阶坡面角超陡", "bench face too steep"),
    ("slope.bench_height", "台阶超高", "bench too high"),
    ("slope.berm_width", "平台宽度不足", "berm too narrow"),
    ("slope.displacement_rate", "边坡位移速率超限", "displacement rate"),
    ("slope.monitoring_missing", "边坡未监测", "slope not monitored"),
    ("slope.overall_angle", "边坡总体角超陡", "overall slope too steep"),
    ("water.drainage_exceeds_pumps", "疏放水量超排水能力", "drainage exceeds pumps"),
    ("water.drilling_incomplete", "探放水钻孔不足", "drilling incomplete"),
    ("water.exploration_required", "未探先掘", "exploration drilling required"),
    ("water.inside_water_body", "进入积水区", "working in water body"),
    ("water.warning_zone", "进入警戒线", "inside warning line"),
    ("zone.deferred_untreated", "缓采区未治理", "deferred zone untreated"),
    ("zone.no_mining", "禁采区内作业", "working in no-mining zone"),
];

/// The name of `rule` in `lang`; an id without a name (a rule added later) is its own name.
pub fn rule_name(rule: &str, lang: Lang) -> &str {
    match RULE_NAMES.binary_search_by(|(id, _, _)| (*id).cmp(rule)) {
        Ok(i) => {
            let (_, zh, en) = RULE_NAMES[i];
            if lang == Lang::Zh {
                zh
            } else {
                en
            }
        }
        Err(_) => rule,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn names_are_sorted_unique_and_looked_up() {
        assert!(RULE_NAMES.windows(2).all(|w| w[0].0 < w[1].0), "sorted by id, no duplicates");
        assert_eq!(rule_name("licence.outside_boundary", Lang::Zh), "越界");
        assert_eq!(rule_name("water.warning_zone", Lang::En), "inside warning line");
        assert_eq!(rule_name("no.such_rule", Lang::Zh), "no.such_rule");
    }

    /// Every rule id written as a string literal in the core sources has a name.
    #[test]
    fn every_emitted_rule_has_a_name() {
        let families = ["burst", "fire", "gas", "hidden", "ledger", "licence", "parameters", "pillar", "plan"];
        let families: Vec<&str> = families.into_iter().chain(["slope", "water", "zone"]).collect();
        let mut ids = std::collections::BTreeSet::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("src") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().is_none_or(|x| x != "rs") || p.ends_with("names.rs") || p.ends_with("tests.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).expect("read");
                // Not the test modules: they use made-up ids.
                let text = text.split("#[cfg(test)]").next().unwrap_or_default();
                for fam in &families {
                    let pat = format!("\"{fam}.");
                    for (i, _) in text.match_indices(&pat) {
                        let rest: String = text[i + pat.len()..].chars().take_while(|c| *c != '"').collect();
                        let id_like = !rest.is_empty()
                            && rest.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit());
                        if id_like && !matches!(rest.as_str(), "csv" | "toml" | "add" | "update" | "delete") {
                            ids.insert(format!("{fam}.{rest}"));
                        }
                    }
                }
            }
        }
        assert!(ids.len() >= 40, "found the rule ids: {ids:?}");
        let missing: Vec<_> = ids.iter().filter(|id| rule_name(id, Lang::En) == id.as_str()).collect();
        assert!(missing.is_empty(), "rules without a name: {missing:?}");
    }
}
