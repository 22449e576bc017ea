//! The ledger panel: hazards by status (overdue in red), the selected hazard's five items and
//! its event history (who signed what), and the actions signed with a chosen key file.

use super::*;
use minehaz_core::ledger::{Action, Status};

fn status_name(s: Status) -> &'static str {
    if lang() == Lang::Zh {
        s.zh()
    } else {
        s.as_str()
    }
}

pub fn ledger_ui(ui: &mut egui::Ui, state: &mut AppState) {
    // The ledger is borrowed, not cloned, while it is shown (it may hold 100 000 events: a
    // clone every frame would cost more than the drawing); only the selected hazard is copied
    // out for the action form below.
    let Some(h) = show(ui, state) else { return };
    action_ui(ui, state, &h);
}

/// The lists, the selected hazard's five items and its history; the selected hazard.
fn show(ui: &mut egui::Ui, state: &mut AppState) -> Option<minehaz_core::ledger::Hazard> {
    let ledger = state.loaded.as_ref()?.survey().ledger.as_ref()?;
    let as_of = state.as_of;
    ui.separator();
    ui.heading(format!("{} ({})", tr("重大事故隐患台账", "Major-hazard ledger"), ledger.hazards.len()));
    let overdue = ledger.overdue(as_of).count();
    ui.horizontal_wrapped(|ui| {
        for s in Status::ALL {
            ui.label(format!("{} {}", status_name(s), ledger.hazards.iter().filter(|h| h.status == s).count()));
        }
        if overdue > 0 {
            ui.label(
                RichText::new(format!("{} {overdue}", tr("逾期", "overdue")))
                    .color(Color32::from_rgb(200, 30, 30))
                    .strong(),
            );
        }
    });
    let mut clicked = None;
    for s in Status::ALL {
        let hs: Vec<_> = ledger.hazards.iter().filter(|h| h.status == s).collect();
        if hs.is_empty() {
            continue;
        }
        egui::CollapsingHeader::new(format!("{} ({})", status_name(s), hs.len()))
            .id_salt(("ledger", s.as_str()))
            .default_open(s != Status::Closed)
            .show(ui, |ui| {
                for h in hs {
                    let late = h.status != Status::Closed && h.deadline.is_some_and(|d| d < as_of);
                    let subject =
                        [h.working.clone(), h.feature.clone()].into_iter().flatten().collect::<Vec<_>>().join(" → ");
                    let mut text = RichText::new(format!("{} {} {}", h.id, h.rule, subject));
                    if late {
                        text = text.color(Color32::from_rgb(200, 30, 30)).strong();
                    }
                    let selected = state.ledger.selected.as_deref() == Some(h.id.as_str());
                    if ui.selectable_label(selected, text).clicked() {
                        clicked = Some(h.id.clone());
                    }
                }
            });
    }
    let h = state.ledger.selected.as_deref().and_then(|id| ledger.hazard(id)).cloned();
    if let Some(h) = &h {
        details_ui(ui, ledger, h);
    }
    if let Some(id) = clicked {
        state.select_hazard(&id);
    }
    h
}

fn details_ui(ui: &mut egui::Ui, ledger: &minehaz_core::ledger::Ledger, h: &minehaz_core::ledger::Hazard) {
    ui.separator();
    ui.strong(format!("{} — {}", h.id, status_name(h.status)));
    egui::Grid::new("five").num_columns(2).striped(true).show(ui, |ui| {
        let na = || tr("（未落实）", "(not set)").to_string();
        for (k, v) in [
            (tr("责任人", "responsible"), h.responsible.clone()),
            (tr("措施", "measures"), h.measures.clone()),
            (tr("资金（元）", "funds (CNY)"), h.funds_cny.map(|x| format!("{x}"))),
            (tr("期限", "deadline"), h.deadline.map(|d| d.to_string())),
            (tr("预案", "plan"), h.plan.clone()),
            (tr("发现", "found"), Some(format!("{} {}", h.found_at, h.found_by))),
            (tr("重开次数", "reopened"), Some(h.reopened.to_string())),
        ] {
            ui.label(k);
            ui.label(v.unwrap_or_else(na));
            ui.end_row();
        }
    });
    ui.label(RichText::new(tr("签名事件", "Signed events")).strong());
    for e in ledger.events.iter().filter(|e| e.hazard_id == h.id) {
        ui.label(
            RichText::new(format!(
                "#{} {} {} {} · sig {}…",
                e.seq,
                e.time,
                e.actor,
                e.action,
                e.signature.chars().take(12).collect::<String>()
            ))
            .small(),
        )
        .on_hover_text(&e.payload);
    }
}

/// The actions the selected hazard's status allows, signed with the chosen key file.
fn action_ui(ui: &mut egui::Ui, state: &mut AppState, h: &minehaz_core::ledger::Hazard) {
    let as_of = state.as_of;
    if !state.loaded.as_ref().is_some_and(|l| l.is_store()) {
        return;
    }
    ui.separator();
    ui.horizontal(|ui| {
        let lab = ui.label(tr("签名密钥文件", "Key file"));
        ui.text_edit_singleline(&mut state.ledger.key_path).labelled_by(lab.id);
    });
    ui.horizontal(|ui| {
        let lab = ui.label(tr("口令（如有）", "Passphrase (if any)"));
        ui.add(egui::TextEdit::singleline(&mut state.ledger.passphrase).password(true)).labelled_by(lab.id);
    });
    let mut act: Option<anyhow::Result<Action>> = None;
    match h.status {
        Status::Open | Status::Assigned => {
            egui::Grid::new("assign").num_columns(2).show(ui, |ui| {
                for (k, v) in [
                    (tr("责任人", "responsible"), &mut state.ledger.responsible),
                    (tr("措施", "measures"), &mut state.ledger.measures),
                    (tr("资金（元）", "funds (CNY)"), &mut state.ledger.funds),
                    (tr("期限 YYYY-MM-DD", "deadline YYYY-MM-DD"), &mut state.ledger.deadline),
                    (tr("预案", "plan"), &mut state.ledger.plan),
                ] {
                    let lab = ui.label(k);
                    ui.text_edit_singleline(v).labelled_by(lab.id);
                    ui.end_row();
                }
            });
            if ui.button(tr("签名：五落实", "Sign: assign the five items")).clicked() {
                act = Some(state.assign_from_form());
            }
            if h.status == Status::Assigned {
                ui.horizontal(|ui| {
                    let lab = ui.label(tr("整改说明", "note"));
                    ui.text_edit_singleline(&mut state.ledger.note).labelled_by(lab.id);
                });
                if ui.button(tr("签名：整改完成", "Sign: rectified")).clicked() {
                    act =
                        Some(Ok(Action::Rectify { note: state.ledger.note.trim().to_string(), evidence: Vec::new() }));
                }
            }
        }
        Status::Rectified => {
            if ui.button(tr("签名：验收销号", "Sign: accept and close")).clicked() {
                act = Some(Ok(Action::Accept { as_of }));
            }
        }
        Status::Closed => {}
    }
    if let Some(a) = act {
        if let Err(e) = a.and_then(|a| state.ledger_act(a)) {
            state.error(&e);
        }
    }
}
