//! 井巷工程 / 工作面: live mine workings as 3D lines. An active heading's face is its last
//! vertex (direction: the last segment); a longwall's face is its last segment.
use crate::enumerated;
use crate::model::kinds::{line_geom, record, LayerKind};
use crate::model::record::*;

enumerated!(WorkingKind { Roadway = "roadway", Heading = "heading", Longwall = "longwall", Bench = "bench" });
enumerated!(WorkingStatus { Existing = "existing", Active = "active", Planned = "planned" });

#[derive(Debug, Clone, PartialEq)]
pub struct Working {
    pub id: String,
    pub name: Option<String>,
    pub kind: WorkingKind,
    pub status: WorkingStatus,
    pub seam: Option<String>,
    /// Declared to the regulator (0 = a concealed working).
    pub declared: Option<bool>,
    pub updated: Option<String>,
    pub line: Vec<[f64; 3]>,
}

impl Working {
    /// An active heading: the workings whose face the water lines, drilling cover and
    /// `minehaz plan` are about.
    pub fn is_active_heading(&self) -> bool {
        self.kind == WorkingKind::Heading && self.status == WorkingStatus::Active
    }
}

impl LayerKind for Working {
    const NAME: &'static str = "workings";
    const NAME_ZH: &'static str = "井巷工程";
    const GEOMETRY: GeomType = GeomType::LineStringZ;
    const FIELDS: &'static [FieldDef] = &[
        text_field("name"),
        text_field("kind"),
        text_field("status"),
        text_field("seam"),
        int_field("declared"),
        date_field("updated"),
    ];
    fn read(r: &mut FieldReader<'_>) -> Option<Self> {
        let id = r.id();
        let name = r.text("name");
        let kind = r.enumerated_required("kind");
        let status = r.enumerated_required("status");
        let seam = r.text("seam");
        let declared = r.flag("declared");
        let updated = r.date("updated");
        let line = r.line(true)?;
        Some(Self { id, name, kind: kind?, status: status?, seam, declared, updated, line })
    }
    fn write(&self) -> Record {
        let mut rec = record(&self.id, line_geom(&self.line));
        rec.set_text("name", &self.name);
        rec.set_text("kind", &Some(self.kind.as_str().to_string()));
        rec.set_text("status", &Some(self.status.as_str().to_string()));
        rec.set_text("seam", &self.seam);
        rec.set_flag("declared", self.declared);
        rec.set_text("updated", &self.updated);
        rec
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn vertices(&self) -> &[[f64; 3]] {
        &self.line
    }
}
