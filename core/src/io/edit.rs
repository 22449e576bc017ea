//! Audited edits of a project store: zones marked, changed and deleted by a geologist in the
//! viewer (可采 / 缓采 / 禁采区, "谁标注、谁签字、谁负责"). Each edit is validated against the
//! store (unique id, valid polygon, ordered z range, known class), written in one transaction
//! with its audit row, or not at all.

use super::audit;
use super::gdal_vector;
use crate::error::{Location, Problems, Result};
use crate::model::record::Enumerated;
use crate::model::{LayerKind, Survey, Zone};
use crate::text;
use std::path::Path;

fn layer_loc(store: &Path, id: &str) -> Location {
    Location::file(store).layer(Zone::NAME).feature(id)
}

/// Validate a zone on its own (geometry, z order, id).
fn validate(store: &Path, zone: &Zone) -> Result<()> {
    let mut ps = Problems::default();
    if zone.id.trim().is_empty() {
        ps.error(layer_loc(store, "").field("id"), text!("缺少编号", "missing id"));
    }
    crate::validate::check_polygon(&zone.outline, layer_loc(store, &zone.id), &mut ps);
    if let (Some(f), Some(r)) = (zone.z.floor_m, zone.z.roof_m) {
        if f > r {
            ps.error(
                layer_loc(store, &zone.id).field("z_floor"),
                text!("z_floor ({}) 高于 z_roof ({})", "z_floor ({}) is above z_roof ({})", f, r),
            );
        }
    }
    ps.into_result().map(|_| ())
}

/// The store's zone with this id (None when there is none), after checking that `store` is a
/// project store; only the zones layer is read.
fn zone_in(store: &Path, id: &str) -> Result<Option<Zone>> {
    if !store.extension().is_some_and(|e| e.eq_ignore_ascii_case("gpkg")) {
        return Err(crate::Error::at(
            Location::file(store),
            text!(
                "只能在 .gpkg 工程文件中编辑；请先 minehaz import",
                "edits need a .gpkg project store: run minehaz import first"
            ),
        ));
    }
    Ok(super::store::zones_with_id(store, id)?.into_iter().next())
}

/// Run `f` on the zones layer inside one transaction, then append the audit row.
fn edit(
    store: &Path,
    who: &str,
    when: &str,
    action: &str,
    id: &str,
    detail: &str,
    f: impl FnOnce(&gdal::Dataset) -> Result<()>,
) -> Result<audit::Entry> {
    let mut ds = super::store::open_update(store)?;
    let e = |err: gdal::errors::GdalError| {
        crate::Error::at(layer_loc(store, id), text!("写入失败: {}", "writing failed: {}", err))
    };
    let entry;
    {
        let tx = ds.start_transaction().map_err(e)?;
        let mut seal = super::seal::Seal::default();
        seal.base(&tx, store, "zones")?;
        let this = format!("id = '{}'", id.replace('\'', "''"));
        let removed = super::seal::rows(&tx, store, "zones", Some(&this))?;
        f(&tx)?;
        let added = super::seal::rows(&tx, store, "zones", Some(&this))?;
        seal.change("zones", &removed, &added)?;
        let target = format!("zones/{id}");
        entry = audit::append(&tx, store, &audit::Act { at: when, who, action, target: &target, detail }, &seal)?;
        tx.commit().map_err(e)?;
    }
    ds.close().map_err(e)?;
    Ok(entry)
}

fn delete_rows(ds: &gdal::Dataset, store: &Path, id: &str) -> Result<usize> {
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let n = ds
        .execute_sql(format!("SELECT fid FROM zones WHERE id = {}", q(id)), None, gdal::vector::sql::Dialect::SQLITE)
        .map_err(|err| crate::Error::at(layer_loc(store, id), text!("查询失败: {}", "query failed: {}", err)))?
        .map_or(0, |mut rs| {
            use gdal::vector::LayerAccess;
            rs.features().count()
        });
    ds.execute_sql(format!("DELETE FROM zones WHERE id = {}", q(id)), None, gdal::vector::sql::Dialect::SQLITE)
        .map_err(|err| crate::Error::at(layer_loc(store, id), text!("删除失败: {}", "delete failed: {}", err)))?;
    Ok(n)
}

fn describe(z: &Zone) -> String {
    serde_json::json!({
        "class": z.class.as_str(),
        "hazard": z.hazard.map(|h| h.as_str()),
        "basis": z.basis,
        "treated": z.treated,
        "z_floor": z.z.floor_m,
        "z_roof": z.z.roof_m,
        "author": z.author,
        "marked_at": z.marked_at,
        "vertices": z.outline.exterior().0.len(),
    })
    .to_string()
}

/// Add a new zone (its id must be new).
pub fn add_zone(store: &Path, zone: &Zone, who: &str, when: &str) -> Result<audit::Entry> {
    validate(store, zone)?;
    if zone_in(store, &zone.id)?.is_some() {
        return Err(crate::Error::at(
            layer_loc(store, &zone.id).field("id"),
            text!("编号已存在", "the id already exists"),
        ));
    }
    edit(store, who, when, "zone.add", &zone.id, &describe(zone), |ds| {
        gdal_vector::append_records(ds, Zone::NAME, &[zone.write()], store)
    })
}

/// Replace an existing zone (same id) with new values.
pub fn update_zone(store: &Path, zone: &Zone, who: &str, when: &str) -> Result<audit::Entry> {
    validate(store, zone)?;
    let Some(before) = zone_in(store, &zone.id)? else {
        return Err(crate::Error::at(
            layer_loc(store, &zone.id).field("id"),
            text!("没有此编号的分区", "no zone with this id"),
        ));
    };
    let detail = format!("{{\"before\":{},\"after\":{}}}", describe(&before), describe(zone));
    edit(store, who, when, "zone.update", &zone.id, &detail, |ds| {
        delete_rows(ds, store, &zone.id)?;
        gdal_vector::append_records(ds, Zone::NAME, &[zone.write()], store)
    })
}

/// Delete a zone.
pub fn delete_zone(store: &Path, id: &str, who: &str, when: &str) -> Result<audit::Entry> {
    let Some(before) = zone_in(store, id)? else {
        return Err(crate::Error::at(
            layer_loc(store, id).field("id"),
            text!("没有此编号的分区", "no zone with this id"),
        ));
    };
    let detail = describe(&before);
    edit(store, who, when, "zone.delete", id, &detail, |ds| delete_rows(ds, store, id).map(|_| ()))
}

/// A new zone id: `ZM-<n>` with n one more than the largest in use.
pub fn next_zone_id(survey: &Survey) -> String {
    let n = survey
        .layers
        .zones
        .iter()
        .filter_map(|z| z.id.strip_prefix("ZM-").and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap_or(0);
    format!("ZM-{}", n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hazard, ZRange, ZoneClass};
    use geo_types::polygon;

    fn store() -> (tempfile::TempDir, std::path::PathBuf) {
        let d = tempfile::tempdir().expect("tmp");
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine");
        let s = super::super::open(&src).expect("sample");
        let out = d.path().join("m.gpkg");
        super::super::store::write_store(&s, &out, "tester", "2026-11-29T10:00:00+08:00", false).expect("store");
        (d, out)
    }

    fn zone(id: &str) -> Zone {
        Zone {
            id: id.into(),
            class: ZoneClass::NoMining,
            hazard: Some(Hazard::Water),
            basis: Some("物探低阻异常未验证".into()),
            treated: Some(false),
            outline: polygon![(x: 483000.0, y: 4050000.0), (x: 483100.0, y: 4050000.0), (x: 483100.0, y: 4050100.0), (x: 483000.0, y: 4050100.0)],
            z: ZRange { floor_m: Some(900.0), roof_m: None },
            author: Some("张工".into()),
            marked_at: Some("2026-11-29".into()),
        }
    }

    #[test]
    fn add_update_delete_are_audited_and_the_chain_stays_intact() {
        let (_d, out) = store();
        let s = super::super::open(&out).expect("open");
        let id = next_zone_id(&s);
        assert_eq!(id, "ZM-1");
        let n0 = s.layers.zones.len();
        add_zone(&out, &zone(&id), "张工", "2026-11-29T10:05:00+08:00").expect("add");
        let s = super::super::open(&out).expect("open");
        assert_eq!(s.layers.zones.len(), n0 + 1);
        assert_eq!(s.layers.zones.iter().find(|z| z.id == id), Some(&zone(&id)));
        // The same id again is refused and nothing changes.
        let e = add_zone(&out, &zone(&id), "张工", "2026-11-29T10:06:00+08:00").expect_err("dup");
        assert_eq!(e.problems()[0].at.field.as_deref(), Some("id"));
        let mut z = zone(&id);
        z.class = ZoneClass::Deferred;
        z.treated = Some(true);
        update_zone(&out, &z, "李工", "2026-11-29T11:00:00+08:00").expect("update");
        let s = super::super::open(&out).expect("open");
        assert_eq!(s.layers.zones.iter().filter(|x| x.id == id).count(), 1);
        assert_eq!(s.layers.zones.iter().find(|x| x.id == id).map(|x| x.class), Some(ZoneClass::Deferred));
        delete_zone(&out, &id, "王工", "2026-11-29T12:00:00+08:00").expect("delete");
        let s = super::super::open(&out).expect("open");
        assert_eq!(s.layers.zones.len(), n0);
        let v = audit::verify(&out).expect("verify");
        assert!(v.ok(), "{:?}", v.breaks);
        assert_eq!(v.rows, 4);
        let ds = gdal_vector::open_vector(&out).expect("open");
        let actions: Vec<String> =
            audit::entries(&ds, &out).expect("rows").into_iter().map(|e| format!("{} {}", e.action, e.who)).collect();
        assert_eq!(actions, ["import tester", "zone.add 张工", "zone.update 李工", "zone.delete 王工"]);
    }

    #[test]
    fn invalid_zones_and_folders_are_refused_without_writing() {
        let (_d, out) = store();
        let mut bow = zone("ZM-9");
        bow.outline = polygon![(x: 483000.0, y: 4050000.0), (x: 483100.0, y: 4050100.0), (x: 483100.0, y: 4050000.0), (x: 483000.0, y: 4050100.0)];
        let e = add_zone(&out, &bow, "x", "2026-11-29T10:00:00+08:00").expect_err("bow tie");
        assert_eq!(e.exit_code(), 2);
        assert_eq!(audit::verify(&out).expect("verify").rows, 1);
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-surveys/coal-mine");
        let e = add_zone(&folder, &zone("ZM-1"), "x", "t").expect_err("folder");
        assert!(e.problems()[0].text.en.contains("minehaz import"));
        let e = delete_zone(&out, "nope", "x", "t").expect_err("missing");
        assert_eq!(e.problems()[0].at.feature.as_deref(), Some("nope"));
    }
}
