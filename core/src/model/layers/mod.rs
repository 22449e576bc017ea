//! One module per vector layer kind of SURVEY-FORMAT.md.

mod anomaly;
mod burst_zone;
mod collapse_column;
mod drillhole;
mod fault;
mod fire_zone;
mod gas_zone;
mod geochem;
mod goaf;
mod licence;
mod planned;
mod slope_design;
mod water_body;
mod working;
mod zone;

pub use anomaly::{Anomaly, AnomalyMethod, Interpretation};
pub use burst_zone::{BurstLevel, BurstZone};
pub use collapse_column::CollapseColumn;
pub use drillhole::{DrillPurpose, Drillhole};
pub use fault::Fault;
pub use fire_zone::FireZone;
pub use gas_zone::GasZone;
pub use geochem::{Geochem, GeochemKind};
pub use goaf::Goaf;
pub use licence::Licence;
pub use planned::{PlannedDrillhole, StopPoint};
pub use slope_design::SlopeDesign;
pub use water_body::{WaterBody, WaterBodyKind};
pub use working::{Working, WorkingKind, WorkingStatus};
pub use zone::{Hazard, Zone, ZoneClass};
