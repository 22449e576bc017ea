//! 可采 / 缓采 / 禁采区 (mineable / deferred / no-mining zones), marked and signed by a geologist.
use crate::enumerated;
use crate::model::kinds::{record, LayerKind, ZRange};
use crate::model::record::*;
use geo_types::Polygon;

enumerated!(ZoneClass { Mineable = "mineable", Deferred = "deferred", NoMining = "no_mining" });
enumerated!(Hazard { Water = "water", Gas = "gas", Burst = "burst", Fire = "fire", Other = "other" });

#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub id: String,
    pub class: ZoneClass,
    pub hazard: Option<Hazard>,
    pub basis: Option<String>,
    pub treated: Option<bool>,
    pub outline: Polygon<f64>,
    pub z: ZRange,
    pub author: Option<String>,
    pub marked_at: Option<String>,
}

impl LayerKind for Zone {
    const NAME: &'static str = "zones";
    const NAME_ZH: &'static str = "分区(可采/缓采/禁采)";
    const GEOMETRY: GeomType = GeomType::Polygon;
    const FIELDS: &'static [FieldDef] = &[
        text_field("class"),
        text_field("hazard"),
        text_field("basis"),
        int_field("treated"),
        real_field("z_floor"),
        real_field("z_roof"),
        text_field("author"),
        date_field("marked_at"),
    ];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let class = r.enumerated_required("class");
        let hazard = r.enumerated("hazard");
        let basis = r.text("basis");
        let treated = r.flag("treated");
        let z = ZRange::read(r);
        let author = r.text("author");
        let marked_at = r.date("marked_at");
        let outline = r.polygon()?;
        Some(Self { id, class: class?, hazard, basis, treated, outline, z, author, marked_at })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, Geom::Polygon(self.outline.clone()));
        rec.set_text("class", &Some(self.class.as_str().to_string()));
        rec.set_text("hazard", &self.hazard.map(|k| k.as_str().to_string()));
        rec.set_text("basis", &self.basis);
        rec.set_flag("treated", self.treated);
        self.z.write(&mut rec);
        rec.set_text("author", &self.author);
        rec.set_text("marked_at", &self.marked_at);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn outline(&self) -> Option<&geo_types::Polygon<f64>> {
        Some(&self.outline)
    }
}
