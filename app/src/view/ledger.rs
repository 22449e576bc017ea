//! The viewer's side of the major-hazard ledger: the selected hazard (its finding selected and
//! flown to on the map) and the actions signed with a chosen key file, written through the
//! same core call as `minehaz ledger` (refusals write nothing), after which the store is read
//! again.

use super::state::AppState;
use minehaz_core::i18n::tr;
use minehaz_core::io::ledger_store;
use minehaz_core::ledger::{Action, Hazard, KeyFile};
use minehaz_core::text;

/// The ledger panel's inputs.
#[derive(Debug, Clone, Default)]
pub struct LedgerUi {
    pub selected: Option<String>,
    /// The key file the viewer's actions sign with, and its passphrase when it has one.
    pub key_path: String,
    pub passphrase: String,
    pub responsible: String,
    pub measures: String,
    pub funds: String,
    pub deadline: String,
    pub plan: String,
    pub note: String,
}

impl AppState {
    /// The hazards of the loaded store's ledger (empty without one).
    pub fn hazards(&self) -> &[Hazard] {
        self.loaded.as_ref().and_then(|l| l.survey().ledger.as_ref()).map_or(&[], |l| l.hazards.as_slice())
    }

    /// The index of the finding a hazard tracks, in the current report.
    pub fn hazard_finding(&self, h: &Hazard) -> Option<usize> {
        let l = self.loaded.as_ref()?;
        l.report.findings.iter().position(|f| (f.rule, f.working.as_deref(), f.feature.as_deref()) == h.key())
    }

    /// Select a hazard: its finding is selected and the view flies to it.
    pub fn select_hazard(&mut self, id: &str) {
        self.ledger.selected = Some(id.to_string());
        let Some(h) = self.hazards().iter().find(|h| h.id == id).cloned() else { return };
        match self.hazard_finding(&h) {
            Some(i) => self.select_finding(i),
            None => {
                self.selected_finding = None;
                self.info(
                    &format!("{} 的问题在 {} 的检查中已不存在", h.id, self.as_of),
                    &format!("{}'s finding is not found by the check as of {}", h.id, self.as_of),
                );
            }
        }
    }

    /// Sign `action` on the selected hazard with the chosen key and write it; the store is
    /// read again. Acceptance is refused while the finding is still in the check.
    pub fn ledger_act(&mut self, action: Action) -> anyhow::Result<()> {
        let l = self.loaded.as_ref().ok_or_else(|| anyhow::anyhow!("{}", tr("未打开工程", "nothing open")))?;
        if !l.is_store() {
            anyhow::bail!("{}", tr("台账需要 .gpkg 工程文件", "the ledger needs a .gpkg project store"));
        }
        let hz = self
            .ledger
            .selected
            .clone()
            .ok_or_else(|| anyhow::anyhow!("{}", tr("未选择隐患", "no hazard selected")))?;
        let path = l.path.clone();
        let pass = Some(self.ledger.passphrase.as_str()).filter(|p| !p.is_empty());
        let key = KeyFile::read_with(std::path::Path::new(self.ledger.key_path.trim()), pass)?;
        let ledger = l.survey().ledger.clone().unwrap_or_default();
        if let (Action::Accept { .. }, Some(h)) = (&action, ledger.hazard(&hz)) {
            if let Some(i) = self.hazard_finding(h) {
                let f = &l.report.findings[i];
                return Err(minehaz_core::Error::at(
                    minehaz_core::Location::file(&path).layer("hazards").feature(&hz).field("accept"),
                    text!(
                        "截至 {}，检查仍发现该问题（{} {}）：隐患未消除，不能销号",
                        "as of {} check still finds it ({} {}): the hazard is not gone and cannot be closed",
                        self.as_of,
                        f.rule,
                        f.subject()
                    ),
                )
                .into());
            }
        }
        let name = action.name();
        ledger_store::sign_and_write(&path, ledger, &[(hz.clone(), action)], &key, &crate::cmd::now())?;
        self.load_keeping_view(&path)?;
        self.ledger.selected = Some(hz.clone());
        self.info(&format!("{hz} 已签名：{name}（{}）", key.name), &format!("{hz} signed: {name} ({})", key.name));
        Ok(())
    }

    /// The five items from the form, checked as the command checks them.
    pub fn assign_from_form(&self) -> anyhow::Result<Action> {
        let f = &self.ledger;
        let funds_cny = f.funds.trim().parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0);
        let deadline = chrono::NaiveDate::parse_from_str(f.deadline.trim(), "%Y-%m-%d").ok();
        match (funds_cny, deadline) {
            (Some(funds_cny), Some(deadline)) => Ok(Action::Assign {
                responsible: f.responsible.trim().into(),
                measures: f.measures.trim().into(),
                funds_cny,
                deadline,
                plan: f.plan.trim().into(),
            }),
            _ => anyhow::bail!(
                "{}",
                tr(
                    "资金须为非负数，期限须为 YYYY-MM-DD",
                    "funds must be a non-negative number and the deadline YYYY-MM-DD"
                )
            ),
        }
    }
}
