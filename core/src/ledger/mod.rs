//! The major-hazard ledger (LEDGER.md): hazards opened from `check`'s major findings, the five
//! items assigned (五落实), rectified by the responsible person, accepted and closed (销号) by
//! someone else — every step an event signed by a registered person and hash-chained.
//!
//! `hazards` is a replay of `hazard_events`: [`Ledger::replay`] rebuilds the hazards from the
//! events and re-checks, for every event, the chain, the signature and the refusal rules of
//! LEDGER.md as they stood when the event was written. The same [`Ledger::refusal`] decides,
//! before anything is written, whether an action may be signed.

pub mod keys;

use crate::i18n::Text;
use crate::model::record::Value;
use crate::text;
use chrono::NaiveDate;
pub use keys::{KeyFile, Signer};
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A hazard's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Open,
    Assigned,
    Rectified,
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Open, Status::Assigned, Status::Rectified, Status::Closed];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Assigned => "assigned",
            Status::Rectified => "rectified",
            Status::Closed => "closed",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Status::Open => "待落实",
            Status::Assigned => "整改中",
            Status::Rectified => "待验收",
            Status::Closed => "已销号",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A registered person (the store's `people`).
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub name: String,
    pub role: String,
    pub algorithm: String,
    pub public_key: String,
    pub registered_at: String,
    pub registered_by: String,
}

/// A file offered as evidence of a rectification, bound by its SHA-256.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
}

/// What an event does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `sync`: a major finding of `check` becomes a hazard.
    Open {
        rule: String,
        working: Option<String>,
        feature: Option<String>,
        severity: String,
        found_at: NaiveDate,
    },
    /// `sync`: the finding of a closed hazard is back (屡改屡犯).
    Reopen {
        found_at: NaiveDate,
    },
    /// 五落实.
    Assign {
        responsible: String,
        measures: String,
        funds_cny: f64,
        deadline: NaiveDate,
        plan: String,
    },
    Rectify {
        note: String,
        evidence: Vec<Evidence>,
    },
    /// 验收销号.
    Accept {
        as_of: NaiveDate,
    },
}

fn date(d: &NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Open { .. } => "open",
            Action::Reopen { .. } => "reopen",
            Action::Assign { .. } => "assign",
            Action::Rectify { .. } => "rectify",
            Action::Accept { .. } => "accept",
        }
    }

    /// The event's payload (JSON, keys in a fixed order: it is hashed as written).
    pub fn payload(&self) -> String {
        use serde_json::json;
        let v = match self {
            Action::Open { rule, working, feature, severity, found_at } => json!({
                "rule": rule, "working": working, "feature": feature, "severity": severity, "found_at": date(found_at)
            }),
            Action::Reopen { found_at } => json!({ "found_at": date(found_at) }),
            Action::Assign { responsible, measures, funds_cny, deadline, plan } => json!({
                "responsible": responsible, "measures": measures, "funds_cny": funds_cny,
                "deadline": date(deadline), "plan": plan
            }),
            Action::Rectify { note, evidence } => json!({
                "note": note,
                "evidence": evidence.iter().map(|e| json!({"file": e.file, "sha256": e.sha256, "bytes": e.bytes})).collect::<Vec<_>>(),
            }),
            Action::Accept { as_of } => json!({ "as_of": date(as_of) }),
        };
        v.to_string()
    }

    /// Parse an event's action and payload.
    pub fn parse(action: &str, payload: &str) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_str(payload).ok()?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let d = |k: &str| s(k).as_deref().and_then(parse_date);
        Some(match action {
            "open" => Action::Open {
                rule: s("rule")?,
                working: s("working"),
                feature: s("feature"),
                severity: s("severity")?,
                found_at: d("found_at")?,
            },
            "reopen" => Action::Reopen { found_at: d("found_at")? },
            "assign" => Action::Assign {
                responsible: s("responsible")?,
                measures: s("measures")?,
                funds_cny: v.get("funds_cny")?.as_f64()?,
                deadline: d("deadline")?,
                plan: s("plan")?,
            },
            "rectify" => Action::Rectify {
                note: s("note")?,
                evidence: v
                    .get("evidence")?
                    .as_array()?
                    .iter()
                    .map(|e| {
                        Some(Evidence {
                            file: e.get("file")?.as_str()?.to_string(),
                            sha256: e.get("sha256")?.as_str()?.to_string(),
                            bytes: e.get("bytes")?.as_u64()?,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?,
            },
            "accept" => Action::Accept { as_of: d("as_of")? },
            _ => return None,
        })
    }
}

/// One row of `hazards`, with what the replay knows besides.
#[derive(Debug, Clone, PartialEq)]
pub struct Hazard {
    pub id: String,
    pub rule: String,
    pub working: Option<String>,
    pub feature: Option<String>,
    pub severity: String,
    pub found_at: NaiveDate,
    pub found_by: String,
    pub status: Status,
    pub responsible: Option<String>,
    pub measures: Option<String>,
    pub funds_cny: Option<f64>,
    pub deadline: Option<NaiveDate>,
    pub plan: Option<String>,
    pub reopened: u32,
    pub closed_at: Option<NaiveDate>,
    pub closed_by: Option<String>,
    /// Not in the table: the date of each opening (the first, then each reopening).
    pub openings: Vec<NaiveDate>,
    /// Not in the table: who signed the last rectification.
    pub rectified_by: Option<String>,
}

/// The columns of `hazards` besides `id`, in order.
pub const HAZARD_COLUMNS: [&str; 15] = [
    "rule",
    "working",
    "feature",
    "severity",
    "found_at",
    "found_by",
    "status",
    "responsible",
    "measures",
    "funds_cny",
    "deadline",
    "plan",
    "reopened",
    "closed_at",
    "closed_by",
];

impl Hazard {
    /// The finding this hazard tracks: (rule, working, feature).
    pub fn key(&self) -> (&str, Option<&str>, Option<&str>) {
        (&self.rule, self.working.as_deref(), self.feature.as_deref())
    }

    /// The row as the store holds it (`id` first, then [`HAZARD_COLUMNS`]).
    pub fn row(&self) -> Vec<(&'static str, Value)> {
        let t = |s: &Option<String>| s.clone().map_or(Value::Null, Value::Text);
        let d = |x: &Option<NaiveDate>| x.map_or(Value::Null, |x| Value::Text(date(&x)));
        vec![
            ("id", Value::Text(self.id.clone())),
            ("rule", Value::Text(self.rule.clone())),
            ("working", t(&self.working)),
            ("feature", t(&self.feature)),
            ("severity", Value::Text(self.severity.clone())),
            ("found_at", Value::Text(date(&self.found_at))),
            ("found_by", Value::Text(self.found_by.clone())),
            ("status", Value::Text(self.status.as_str().into())),
            ("responsible", t(&self.responsible)),
            ("measures", t(&self.measures)),
            ("funds_cny", self.funds_cny.map_or(Value::Null, Value::Real)),
            ("deadline", d(&self.deadline)),
            ("plan", t(&self.plan)),
            ("reopened", Value::Int(self.reopened as i64)),
            ("closed_at", d(&self.closed_at)),
            ("closed_by", t(&self.closed_by)),
        ]
    }

    /// The five items (五落实) are all set.
    pub fn assigned(&self) -> bool {
        self.responsible.is_some()
            && self.measures.is_some()
            && self.funds_cny.is_some()
            && self.deadline.is_some()
            && self.plan.is_some()
    }

    /// The date it was last opened (the first opening, or the last reopening).
    pub fn opened_on(&self) -> NaiveDate {
        self.openings.last().copied().unwrap_or(self.found_at)
    }
}

/// One row of `hazard_events`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub hazard_id: String,
    pub seq: u64,
    /// When it was signed (RFC 3339).
    pub time: String,
    pub actor: String,
    pub action: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
    pub signature: String,
}

impl Event {
    /// SHA-256 over the previous hash and the fields (each length-prefixed), hex.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let seq = self.seq.to_string();
        for part in [&self.prev_hash, &seq, &self.hazard_id, &self.time, &self.actor, &self.action, &self.payload] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        keys::hex(&h.finalize())
    }

    fn hash_bytes(&self) -> Vec<u8> {
        keys::unhex(&self.hash).unwrap_or_default()
    }
}

/// A break found when replaying the events: the hazard, the event's seq, what.
#[derive(Debug, Clone, PartialEq)]
pub struct Break {
    pub hazard: String,
    pub seq: u64,
    pub what: Text,
}

/// What identifies a hazard's finding: (rule, working, feature).
type FindingKey = (String, Option<String>, Option<String>);

/// People, events, and the hazards they replay to.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub people: Vec<Person>,
    pub events: Vec<Event>,
    pub hazards: Vec<Hazard>,
    /// The hazard of each finding key, for the hazards opened through [`Ledger::sign`] or the
    /// replay (a ledger built by hand is searched instead).
    by_key: std::collections::HashMap<FindingKey, usize>,
    /// The breaks its replay found: a ledger with any is not signed on (see
    /// [`Ledger::tampered`]).
    pub breaks: Vec<Break>,
}

impl PartialEq for Ledger {
    fn eq(&self, o: &Self) -> bool {
        self.people == o.people && self.events == o.events && self.hazards == o.hazards
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// `HZ-000001`, in order of opening.
pub fn hazard_id(n: usize) -> String {
    format!("HZ-{n:06}")
}

impl Ledger {
    /// A ledger of people and hazards without events (hazards built by hand, e.g. in tests).
    pub fn new(people: Vec<Person>, hazards: Vec<Hazard>) -> Self {
        Self { people, hazards, ..Self::default() }
    }

    pub fn person(&self, name: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.name == name)
    }

    pub fn hazard(&self, id: &str) -> Option<&Hazard> {
        // Ids are HZ-nnnnnn in order of opening: the position is the number.
        let n: usize = id.strip_prefix("HZ-")?.parse().ok()?;
        self.hazards.get(n.checked_sub(1)?).filter(|h| h.id == id)
    }

    /// The hazard that tracks (rule, working, feature), if any.
    pub fn hazard_of(&self, key: (&str, Option<&str>, Option<&str>)) -> Option<&Hazard> {
        if self.by_key.len() == self.hazards.len() {
            let k = (key.0.to_string(), key.1.map(str::to_string), key.2.map(str::to_string));
            return self.by_key.get(&k).and_then(|&i| self.hazards.get(i));
        }
        self.hazards.iter().find(|h| h.key() == key)
    }

    fn last(&self) -> (u64, String) {
        self.events.last().map_or((0, GENESIS.to_string()), |e| (e.seq, e.hash.clone()))
    }

    /// Why `actor` may not do `action` on `hazard` now (LEDGER.md's refusals), or None.
    /// (That the finding is gone as of the acceptance date is checked by `accept` itself: it
    /// needs the survey.)
    pub fn refusal(&self, hazard: &str, actor: &str, action: &Action) -> Option<Text> {
        let h = self.hazard(hazard);
        match (action, h) {
            (Action::Open { rule, working, feature, .. }, _) => {
                if hazard != hazard_id(self.hazards.len() + 1) {
                    return Some(text!(
                        "新隐患编号应为 {}",
                        "a new hazard's id must be {}",
                        hazard_id(self.hazards.len() + 1)
                    ));
                }
                if self.hazard_of((rule, working.as_deref(), feature.as_deref())).is_some() {
                    return Some(text!("该问题已有隐患记录", "a hazard already tracks this finding"));
                }
                None
            }
            (_, None) => Some(text!("没有编号为 {} 的隐患", "no hazard {}", hazard)),
            (Action::Reopen { .. }, Some(h)) => (h.status != Status::Closed).then(|| {
                text!(
                    "只能重新打开已销号的隐患（当前状态 {}）",
                    "only a closed hazard can be reopened (status is {})",
                    h.status.as_str()
                )
            }),
            (Action::Assign { responsible, measures, funds_cny, plan, .. }, Some(h)) => {
                let mut missing = Vec::new();
                for (k, v) in [("--responsible", responsible), ("--measures", measures), ("--plan", plan)] {
                    if blank(v) {
                        missing.push(k);
                    }
                }
                if !funds_cny.is_finite() || *funds_cny < 0.0 {
                    missing.push("--funds");
                }
                if !missing.is_empty() {
                    return Some(text!(
                        "五落实不全：缺少 {}（责任、措施、资金、时限、预案缺一不可）",
                        "the five items are incomplete: {} missing (responsibility, measures, funds, deadline and plan are all required)",
                        missing.join(", ")
                    ));
                }
                if self.person(responsible).is_none() {
                    return Some(text!(
                        "责任人 \"{}\" 未登记（先用 minehaz key new --into 登记）",
                        "the responsible person \"{}\" is not registered (register with minehaz key new --into)",
                        responsible
                    ));
                }
                (h.status == Status::Closed)
                    .then(|| text!("隐患已销号，不能再落实", "the hazard is closed; nothing to assign"))
            }
            (Action::Rectify { note, .. }, Some(h)) => {
                if h.status != Status::Assigned {
                    return Some(text!(
                        "只有已落实（assigned）的隐患才能整改（当前状态 {}）",
                        "only an assigned hazard can be rectified (status is {})",
                        h.status.as_str()
                    ));
                }
                if h.responsible.as_deref() != Some(actor) {
                    return Some(text!(
                        "整改须由责任人 {} 签名，而不是 {}",
                        "the rectification must be signed by the responsible person {}, not {}",
                        h.responsible.as_deref().unwrap_or("?"),
                        actor
                    ));
                }
                blank(note).then(|| text!("缺少整改说明 --note", "the rectification note --note is missing"))
            }
            (Action::Accept { .. }, Some(h)) => {
                if h.status != Status::Rectified {
                    return Some(text!(
                        "只有已整改（rectified）的隐患才能验收销号（当前状态 {}）",
                        "only a rectified hazard can be accepted (status is {})",
                        h.status.as_str()
                    ));
                }
                if h.responsible.as_deref() == Some(actor) || h.rectified_by.as_deref() == Some(actor) {
                    return Some(text!(
                        "验收人不能是责任人或整改人（{}）：谁检查、谁签名、谁负责",
                        "the acceptor cannot be the responsible person or the rectifier ({})",
                        actor
                    ));
                }
                None
            }
        }
    }

    /// Apply an event that passed [`Ledger::refusal`].
    fn apply(&mut self, hazard: &str, actor: &str, action: &Action) {
        if let Action::Open { rule, working, feature, severity, found_at } = action {
            if self.by_key.len() == self.hazards.len() {
                self.by_key.insert((rule.clone(), working.clone(), feature.clone()), self.hazards.len());
            }
            self.hazards.push(Hazard {
                id: hazard.to_string(),
                rule: rule.clone(),
                working: working.clone(),
                feature: feature.clone(),
                severity: severity.clone(),
                found_at: *found_at,
                found_by: actor.to_string(),
                status: Status::Open,
                responsible: None,
                measures: None,
                funds_cny: None,
                deadline: None,
                plan: None,
                reopened: 0,
                closed_at: None,
                closed_by: None,
                openings: vec![*found_at],
                rectified_by: None,
            });
            return;
        }
        let Some(n) = hazard.strip_prefix("HZ-").and_then(|n| n.parse::<usize>().ok()) else { return };
        let Some(h) = self.hazards.get_mut(n.wrapping_sub(1)) else { return };
        match action {
            Action::Open { .. } => {}
            Action::Reopen { found_at } => {
                h.status = Status::Open;
                h.reopened += 1;
                h.closed_at = None;
                h.closed_by = None;
                h.rectified_by = None;
                h.openings.push(*found_at);
            }
            Action::Assign { responsible, measures, funds_cny, deadline, plan } => {
                h.status = Status::Assigned;
                h.responsible = Some(responsible.clone());
                h.measures = Some(measures.clone());
                h.funds_cny = Some(*funds_cny);
                h.deadline = Some(*deadline);
                h.plan = Some(plan.clone());
            }
            Action::Rectify { .. } => {
                h.status = Status::Rectified;
                h.rectified_by = Some(actor.to_string());
            }
            Action::Accept { as_of } => {
                h.status = Status::Closed;
                h.closed_at = Some(*as_of);
                h.closed_by = Some(actor.to_string());
            }
        }
    }

    /// Why `key` may not sign in this ledger (its name is not registered, or registered with
    /// another public key), or None.
    pub fn signer_refusal(&self, key: &KeyFile) -> Option<Text> {
        let actor = &key.name;
        match self.person(actor) {
            None => Some(text!(
                "签名人 \"{}\" 未在本工程登记（minehaz key new --into）",
                "the signer \"{}\" is not registered in this store (minehaz key new --into)",
                actor
            )),
            Some(p) if p.public_key != key.signer().public_key() || p.algorithm != key.signer().algorithm() => {
                Some(text!(
                    "密钥与 \"{}\" 登记的公钥不符",
                    "the key does not match the public key registered for \"{}\"",
                    actor
                ))
            }
            Some(_) => None,
        }
    }

    /// Sign `action` on `hazard` with `key` at `time` and apply it: the new event, or the
    /// refusal (nothing changes).
    pub fn sign(&mut self, hazard: &str, action: &Action, key: &KeyFile, time: &str) -> Result<Event, Text> {
        let actor = &key.name;
        if let Some(why) = self.signer_refusal(key) {
            return Err(why);
        }
        if let Some(b) = self.breaks.first() {
            return Err(text!(
                "台账已被篡改（{} 事件 #{}: {}），拒绝在其上签名；请先 minehaz audit verify",
                "the ledger was tampered with ({} event #{}: {}): nothing is signed on it; run minehaz audit verify",
                b.hazard,
                b.seq,
                b.what.get(crate::i18n::lang())
            ));
        }
        if let Some(why) = self.refusal(hazard, actor, action) {
            return Err(why);
        }
        let (seq, prev) = self.last();
        let mut e = Event {
            hazard_id: hazard.to_string(),
            seq: seq + 1,
            time: time.to_string(),
            actor: actor.clone(),
            action: action.name().to_string(),
            payload: action.payload(),
            prev_hash: prev,
            hash: String::new(),
            signature: String::new(),
        };
        e.hash = e.compute_hash();
        e.signature = key.signer().sign(&e.hash_bytes());
        self.apply(hazard, actor, action);
        self.events.push(e.clone());
        Ok(e)
    }

    /// What `sync` does for the major findings `keys` (rule, working, feature) of `check` as
    /// of `as_of`: open a hazard for each not yet tracked, reopen a closed one whose finding
    /// is back. Ledger findings themselves are not hazards.
    pub fn sync_actions<'a>(
        &self,
        keys: impl IntoIterator<Item = (&'a str, Option<&'a str>, Option<&'a str>, &'a str)>,
        as_of: NaiveDate,
    ) -> Vec<(String, Action)> {
        let mut out = Vec::new();
        let mut next = self.hazards.len();
        let mut seen = std::collections::BTreeSet::new();
        for (rule, working, feature, severity) in keys {
            if rule.starts_with("ledger.") || !seen.insert((rule, working, feature)) {
                continue;
            }
            match self.hazard_of((rule, working, feature)) {
                Some(h) if h.status == Status::Closed => out.push((h.id.clone(), Action::Reopen { found_at: as_of })),
                Some(_) => {}
                None => {
                    next += 1;
                    out.push((
                        hazard_id(next),
                        Action::Open {
                            rule: rule.into(),
                            working: working.map(str::to_string),
                            feature: feature.map(str::to_string),
                            severity: severity.into(),
                            found_at: as_of,
                        },
                    ));
                }
            }
        }
        out
    }

    /// Rebuild the hazards from `events`, checking for each: its place in the chain, its hash,
    /// its signature against the actor's registered key, its payload, and that the refusal
    /// rules held. A broken event is reported and not applied.
    pub fn replay(people: Vec<Person>, events: Vec<Event>) -> (Ledger, Vec<Break>) {
        use rayon::prelude::*;
        // The signatures, checked in parallel batches (the expensive part); the rest in order.
        let checks: Vec<keys::Check<'_>> = events
            .par_iter()
            .map(|e| match people.iter().find(|p| p.name == e.actor) {
                Some(p) => keys::Check {
                    algorithm: &p.algorithm,
                    public_key: &p.public_key,
                    msg: e.hash_bytes(),
                    signature: &e.signature,
                },
                None => keys::Check { algorithm: "", public_key: "", msg: Vec::new(), signature: "" },
            })
            .collect();
        let signed = keys::verify_all(&checks);
        drop(checks);
        let mut l = Ledger { people, ..Ledger::default() };
        let mut breaks = Vec::new();
        let mut prev = GENESIS.to_string();
        let mut expect = 1u64;
        for (e, signed) in events.into_iter().zip(signed) {
            let mut bad = |what: Text| breaks.push(Break { hazard: e.hazard_id.clone(), seq: e.seq, what });
            if e.seq != expect {
                bad(text!(
                    "事件序号应为 {}（有事件被删除或调换顺序）",
                    "event seq should be {} (an event was deleted or reordered)",
                    expect
                ));
            }
            if e.prev_hash != prev {
                bad(text!(
                    "前一事件哈希不符（前面的事件被修改、删除或调换）",
                    "previous-hash mismatch (an earlier event was edited, deleted or reordered)"
                ));
            }
            let mut ok = true;
            if e.compute_hash() != e.hash {
                bad(text!("事件内容与其哈希不符（事件被修改）", "the event does not match its hash (it was edited)"));
                ok = false;
            }
            match l.person(&e.actor) {
                None => {
                    bad(text!("签名人 \"{}\" 未登记", "the signer \"{}\" is not registered", e.actor));
                    ok = false;
                }
                Some(_) if !signed => {
                    bad(text!(
                        "签名无效：不是 \"{}\" 登记的密钥所签（伪造或被改动）",
                        "the signature does not verify against the key registered for \"{}\" (forged or altered)",
                        e.actor
                    ));
                    ok = false;
                }
                Some(_) => {}
            }
            match Action::parse(&e.action, &e.payload) {
                None => {
                    bad(text!("无法解析的动作 \"{}\" 或其内容", "unreadable action \"{}\" or payload", e.action));
                }
                Some(a) => {
                    if let Some(why) = l.refusal(&e.hazard_id, &e.actor, &a) {
                        bad(text!(
                            "该事件违反台账规则，本应被拒绝：{}",
                            "the event breaks a ledger rule and should have been refused: {}",
                            why.get(crate::i18n::lang())
                        ));
                    } else if ok {
                        l.apply(&e.hazard_id, &e.actor, &a);
                    }
                }
            }
            prev = e.hash.clone();
            expect = e.seq + 1;
            l.events.push(e);
        }
        l.breaks = breaks.clone();
        (l, breaks)
    }

    /// The hazards not closed whose deadline is before `as_of`.
    pub fn overdue(&self, as_of: NaiveDate) -> impl Iterator<Item = &Hazard> + '_ {
        self.hazards.iter().filter(move |h| h.status != Status::Closed && h.deadline.is_some_and(|d| d < as_of))
    }
}

#[cfg(test)]
mod tests;
