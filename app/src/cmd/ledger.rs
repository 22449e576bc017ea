//! `minehaz ledger sync|assign|rectify|accept|list|show STORE …` (LEDGER.md): the signed
//! major-hazard ledger. A refused action exits 2 and writes nothing.

use crate::Format;
use minehaz_core::i18n::{lang, tr};
use minehaz_core::io::ledger_store;
use minehaz_core::ledger::{keys, Action, Evidence, Hazard, KeyFile, Ledger, Status};
use minehaz_core::rules::{self, Severity};
use minehaz_core::{text, Location};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand)]
pub enum LedgerCmd {
    /// 把检查出的重大问题登记为隐患；已销号又出现的重新打开 / Open a hazard for each major finding not yet tracked; reopen a closed one whose finding is back
    Sync {
        store: PathBuf,
        #[arg(long)]
        key: PathBuf,
        /// 检查日期 YYYY-MM-DD（默认今天）/ as-of date (default: today)
        #[arg(long)]
        as_of: Option<String>,
    },
    /// 五落实：责任人、措施、资金、时限、预案 / The five items: responsible, measures, funds, deadline, plan
    Assign {
        store: PathBuf,
        hazard: String,
        #[arg(long)]
        responsible: Option<String>,
        #[arg(long)]
        measures: Option<String>,
        /// 资金（元）/ funds (CNY)
        #[arg(long)]
        funds: Option<String>,
        /// 整改期限 YYYY-MM-DD / deadline
        #[arg(long)]
        deadline: Option<String>,
        #[arg(long)]
        plan: Option<String>,
        #[arg(long)]
        key: PathBuf,
    },
    /// 责任人提交整改，证据文件按 SHA-256 记录 / The responsible person reports the rectification; evidence files bound by SHA-256
    Rectify {
        store: PathBuf,
        hazard: String,
        #[arg(long)]
        note: String,
        #[arg(long, num_args = 1..)]
        evidence: Vec<PathBuf>,
        #[arg(long)]
        key: PathBuf,
    },
    /// 验收销号（问题须已在检查中消失；验收人不能是责任人或整改人）/ Accept and close (the finding must be gone; not by the responsible person or the rectifier)
    Accept {
        store: PathBuf,
        hazard: String,
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        key: PathBuf,
    },
    /// 列出隐患 / List the hazards
    List {
        store: PathBuf,
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// 只列逾期未销号的 / only those past their deadline and not closed
        #[arg(long)]
        overdue: bool,
        /// 判断逾期的日期（默认今天）/ the date overdue is judged on (default: today)
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// 一条隐患及其签名事件 / One hazard and its signed events
    Show {
        store: PathBuf,
        hazard: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum StatusArg {
    Open,
    Assigned,
    Rectified,
    Closed,
}

impl StatusArg {
    fn status(self) -> Status {
        Status::ALL[self as usize]
    }
}

fn refused(store: &Path, hazard: &str, field: &str, why: minehaz_core::i18n::Text) -> anyhow::Error {
    minehaz_core::Error::at(Location::file(store).layer("hazards").feature(hazard).field(field), why).into()
}

fn required(v: Option<String>, flag: &str, store: &Path, hazard: &str) -> anyhow::Result<String> {
    v.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
        refused(
            store,
            hazard,
            flag,
            text!(
                "五落实不全：缺少 {}（责任、措施、资金、时限、预案缺一不可）",
                "the five items are incomplete: {} is missing (responsibility, measures, funds, deadline and plan are all required)",
                flag
            ),
        )
    })
}

/// Sign the actions and write them; a refusal of any writes none.
fn commit(store: &Path, l: Ledger, acts: Vec<(String, Action)>, key: &KeyFile) -> anyhow::Result<u8> {
    let (events, entry, l) = ledger_store::sign_and_write(store, l, &acts, key, &super::now())?;
    let Some(entry) = entry else {
        println!("{}", tr("没有需要登记的新隐患", "nothing new to open"));
        return Ok(0);
    };
    for e in &events {
        let h = l.hazard(&e.hazard_id);
        println!(
            "{}  {:<8} {}  {}  [{} #{} {}]",
            e.hazard_id,
            e.action,
            h.map_or("", |h| h.status.as_str()),
            h.map_or(String::new(), |h| format!("{} {}", h.rule, subject(h))),
            tr("事件", "event"),
            e.seq,
            &e.hash[..12]
        );
    }
    println!(
        "{} {}  {} #{}",
        events.len(),
        tr("个事件已签名写入", "events signed and written"),
        tr("审计", "audit"),
        entry.seq
    );
    Ok(0)
}

/// The store's ledger and the signer's key, refused (exit 2) when the key is not the one
/// registered for its name — before any work, even when there turns out to be nothing to sign.
fn signer(store: &Path, key: &Path) -> anyhow::Result<(Ledger, KeyFile)> {
    let k = super::key::read_key(key)?;
    let l = ledger_store::load_path(store)?;
    if let Some(why) = l.signer_refusal(&k) {
        return Err(minehaz_core::Error::at(
            Location::file(store).layer("people").feature(&k.name).field("--key"),
            why,
        )
        .into());
    }
    Ok((l, k))
}

fn subject(h: &Hazard) -> String {
    match (&h.working, &h.feature) {
        (Some(w), Some(f)) => format!("{w} → {f}"),
        (Some(w), None) => w.clone(),
        (None, Some(f)) => f.clone(),
        _ => String::new(),
    }
}

fn assess(store: &Path, as_of: chrono::NaiveDate) -> anyhow::Result<rules::Assessment> {
    let survey = super::open(store)?;
    super::print_warnings(&survey.warnings);
    Ok(super::assess("按规则检查", "checking the rules", survey, as_of)?)
}

fn sha256_file(p: &Path) -> anyhow::Result<Evidence> {
    use std::io::Read;
    let mut f = std::fs::File::open(p).map_err(|e| minehaz_core::Error::io(p, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| minehaz_core::Error::io(p, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok(Evidence { file: p.display().to_string(), sha256: keys::hex(&h.finalize()), bytes })
}

fn hazard_json(h: &Hazard, as_of: chrono::NaiveDate) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (k, v) in h.row() {
        let v = match v {
            minehaz_core::model::record::Value::Null => serde_json::Value::Null,
            minehaz_core::model::record::Value::Int(i) => i.into(),
            minehaz_core::model::record::Value::Real(x) => x.into(),
            minehaz_core::model::record::Value::Text(s) => s.into(),
        };
        m.insert(k.to_string(), v);
    }
    m.insert("overdue".into(), (h.status != Status::Closed && h.deadline.is_some_and(|d| d < as_of)).into());
    serde_json::Value::Object(m)
}

pub fn run(cmd: LedgerCmd) -> anyhow::Result<u8> {
    match cmd {
        LedgerCmd::Sync { store, key, as_of } => {
            let as_of = super::parse_as_of(as_of.as_deref())?;
            let (l, key) = signer(&store, &key)?;
            let a = assess(&store, as_of)?;
            let report = a.report();
            let majors = report.findings.iter().filter(|f| f.severity == Severity::Major && !f.planned);
            let acts = l.sync_actions(
                majors.map(|f| (f.rule, f.working.as_deref(), f.feature.as_deref(), f.severity.as_str())),
                as_of,
            );
            commit(&store, l, acts, &key)
        }
        LedgerCmd::Assign { store, hazard, responsible, measures, funds, deadline, plan, key } => {
            let responsible = required(responsible, "--responsible", &store, &hazard)?;
            let measures = required(measures, "--measures", &store, &hazard)?;
            let funds_text = required(funds, "--funds", &store, &hazard)?;
            let deadline_text = required(deadline, "--deadline", &store, &hazard)?;
            let plan = required(plan, "--plan", &store, &hazard)?;
            let funds_cny =
                funds_text.trim().parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0).ok_or_else(|| {
                    refused(
                        &store,
                        &hazard,
                        "--funds",
                        text!(
                            "资金无效: \"{}\"（应为非负的元数）",
                            "invalid funds \"{}\" (a non-negative amount in CNY)",
                            funds_text
                        ),
                    )
                })?;
            let deadline = chrono::NaiveDate::parse_from_str(deadline_text.trim(), "%Y-%m-%d").map_err(|_| {
                refused(
                    &store,
                    &hazard,
                    "--deadline",
                    text!(
                        "日期格式无效: \"{}\"（应为 YYYY-MM-DD）",
                        "invalid date \"{}\" (expected YYYY-MM-DD)",
                        deadline_text
                    ),
                )
            })?;
            let (l, key) = signer(&store, &key)?;
            let act = Action::Assign { responsible, measures, funds_cny, deadline, plan };
            commit(&store, l, vec![(hazard, act)], &key)
        }
        LedgerCmd::Rectify { store, hazard, note, evidence, key } => {
            let evidence = evidence.iter().map(|p| sha256_file(p)).collect::<anyhow::Result<Vec<_>>>()?;
            let (l, key) = signer(&store, &key)?;
            commit(&store, l, vec![(hazard, Action::Rectify { note, evidence })], &key)
        }
        LedgerCmd::Accept { store, hazard, as_of, key } => {
            let as_of = super::parse_as_of(as_of.as_deref())?;
            let (l, key) = signer(&store, &key)?;
            let act = Action::Accept { as_of };
            // The state-machine refusals first (they need no check), then the finding itself.
            if let Some(why) = l.refusal(&hazard, &key.name, &act) {
                return Err(refused(&store, &hazard, "accept", why));
            }
            let h = l
                .hazard(&hazard)
                .cloned()
                .ok_or_else(|| refused(&store, &hazard, "id", text!("没有该隐患", "no such hazard")))?;
            let a = assess(&store, as_of)?;
            if let Some(f) = a.findings().find(|f| (f.rule, f.working.as_deref(), f.feature.as_deref()) == h.key()) {
                return Err(refused(
                    &store,
                    &hazard,
                    "accept",
                    text!(
                        "截至 {}，检查仍发现该问题（{} {}）：隐患未消除，不能销号",
                        "as of {} check still finds it ({} {}): the hazard is not gone and cannot be closed",
                        as_of,
                        f.rule,
                        f.subject()
                    ),
                ));
            }
            commit(&store, l, vec![(hazard, act)], &key)
        }
        LedgerCmd::List { store, status, overdue, as_of, format } => {
            let as_of = super::parse_as_of(as_of.as_deref())?;
            let l = ledger_store::load_path(&store)?;
            let hs: Vec<&Hazard> = l
                .hazards
                .iter()
                .filter(|h| status.is_none_or(|s| h.status == s.status()))
                .filter(|h| !overdue || (h.status != Status::Closed && h.deadline.is_some_and(|d| d < as_of)))
                .collect();
            match format {
                Format::Json => {
                    let v: Vec<serde_json::Value> = hs.iter().map(|h| hazard_json(h, as_of)).collect();
                    println!("{}", serde_json::to_string_pretty(&v)?);
                }
                Format::Text => print_list(&hs, as_of),
            }
            Ok(0)
        }
        LedgerCmd::Show { store, hazard, format } => {
            let l = ledger_store::load_path(&store)?;
            let h = l
                .hazard(&hazard)
                .ok_or_else(|| refused(&store, &hazard, "id", text!("没有该隐患", "no such hazard")))?;
            let today = chrono::Local::now().date_naive();
            let events: Vec<_> = l.events.iter().filter(|e| e.hazard_id == hazard).collect();
            match format {
                Format::Json => {
                    let mut v = hazard_json(h, today);
                    v["events"] = events
                        .iter()
                        .map(|e| {
                            serde_json::json!({
                                "seq": e.seq, "time": e.time, "actor": e.actor, "action": e.action,
                                "payload": serde_json::from_str::<serde_json::Value>(&e.payload).unwrap_or_default(),
                                "hash": e.hash, "signature": e.signature,
                            })
                        })
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&v)?);
                }
                Format::Text => {
                    print_list(&[h], today);
                    let five = [
                        (tr("责任人", "responsible"), h.responsible.clone()),
                        (tr("措施", "measures"), h.measures.clone()),
                        (tr("资金（元）", "funds (CNY)"), h.funds_cny.map(|x| format!("{x}"))),
                        (tr("期限", "deadline"), h.deadline.map(|d| d.to_string())),
                        (tr("预案", "plan"), h.plan.clone()),
                    ];
                    println!("{}", tr("五落实", "the five items"));
                    for (k, v) in five {
                        println!(
                            "  {} {}",
                            super::pad(k, 12),
                            v.unwrap_or_else(|| tr("（未落实）", "(not set)").into())
                        );
                    }
                    println!("{}", tr("签名事件", "signed events"));
                    for e in events {
                        println!(
                            "  #{:<5} {}  {:<8} {}  {}  sig {}…",
                            e.seq,
                            e.time,
                            e.action,
                            super::pad(&e.actor, 8),
                            e.payload,
                            e.signature.chars().take(16).collect::<String>()
                        );
                    }
                }
            }
            Ok(0)
        }
    }
}

fn print_list(hs: &[&Hazard], as_of: chrono::NaiveDate) {
    let red = |s: String| if crate::color_stdout() { format!("\x1b[1;31m{s}\x1b[0m") } else { s };
    println!(
        "{} {} {} {} {} {}",
        super::pad(tr("编号", "id"), 10),
        super::pad(tr("状态", "status"), 10),
        super::pad(tr("规则", "rule"), 34),
        super::pad(tr("对象", "subject"), 24),
        super::pad(tr("责任人", "responsible"), 12),
        tr("期限", "deadline")
    );
    for h in hs {
        let status = if lang() == minehaz_core::i18n::Lang::Zh { h.status.zh() } else { h.status.as_str() };
        let late = h.status != Status::Closed && h.deadline.is_some_and(|d| d < as_of);
        let deadline = h.deadline.map_or("-".to_string(), |d| d.to_string());
        let line = format!(
            "{} {} {} {} {} {}{}{}",
            super::pad(&h.id, 10),
            super::pad(status, 10),
            super::pad(&h.rule, 34),
            super::pad(&subject(h), 24),
            super::pad(h.responsible.as_deref().unwrap_or("-"), 12),
            deadline,
            if late { tr("  逾期", "  OVERDUE") } else { "" },
            if h.reopened > 0 { format!("  {}{}", tr("重开×", "reopened×"), h.reopened) } else { String::new() },
        );
        println!("{}", if late { red(line) } else { line });
    }
    println!("{} {}", hs.len(), tr("条隐患", "hazards"));
}
