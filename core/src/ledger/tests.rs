use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

struct World {
    l: Ledger,
    keys: Vec<KeyFile>,
}

impl World {
    fn new() -> Self {
        let keys: Vec<KeyFile> = [("张三", "inspector"), ("李四", "engineer"), ("王五", "principal")]
            .iter()
            .map(|(n, r)| KeyFile::generate(n, r).expect("key"))
            .collect();
        let people = keys
            .iter()
            .map(|k| Person {
                name: k.name.clone(),
                role: k.role.clone(),
                algorithm: k.signer().algorithm().into(),
                public_key: k.signer().public_key(),
                registered_at: "2026-11-01T08:00:00+08:00".into(),
                registered_by: "admin".into(),
            })
            .collect();
        Self { l: Ledger { people, ..Ledger::default() }, keys }
    }
    fn key(&self, name: &str) -> &KeyFile {
        self.keys.iter().find(|k| k.name == name).expect("key")
    }
    fn sign(&mut self, hz: &str, a: Action, by: &str) -> Result<Event, Text> {
        let k = self.key(by).clone();
        self.l.sign(hz, &a, &k, "2026-11-29T09:00:00+08:00")
    }
    fn open(&mut self, rule: &str, on: &str) -> String {
        let acts = self.l.sync_actions([(rule, Some("W1"), Some("G1"), "major")], d(on));
        assert_eq!(acts.len(), 1);
        let (id, a) = acts.into_iter().next().expect("one");
        self.sign(&id, a, "张三").expect("open");
        id
    }
}

fn assign(to: &str) -> Action {
    Action::Assign {
        responsible: to.into(),
        measures: "探放水".into(),
        funds_cny: 120000.0,
        deadline: d("2026-12-31"),
        plan: "预案 A".into(),
    }
}

#[test]
fn a_hazard_lives_open_assigned_rectified_closed_and_reopens() {
    let mut w = World::new();
    let id = w.open("water.exploration_line_crossed", "2026-11-29");
    assert_eq!(id, "HZ-000001");
    assert_eq!(w.l.hazard(&id).expect("h").status, Status::Open);
    // A second sync of the same finding opens nothing.
    assert!(w
        .l
        .sync_actions([("water.exploration_line_crossed", Some("W1"), Some("G1"), "major")], d("2026-11-30"))
        .is_empty());
    w.sign(&id, assign("李四"), "张三").expect("assign");
    w.sign(&id, Action::Rectify { note: "已探放水".into(), evidence: vec![] }, "李四").expect("rectify");
    w.sign(&id, Action::Accept { as_of: d("2026-12-05") }, "王五").expect("accept");
    let h = w.l.hazard(&id).expect("h");
    assert_eq!((h.status, h.closed_by.as_deref(), h.closed_at), (Status::Closed, Some("王五"), Some(d("2026-12-05"))));
    // The finding is back: reopened, counted.
    let acts = w.l.sync_actions([("water.exploration_line_crossed", Some("W1"), Some("G1"), "major")], d("2026-12-20"));
    assert_eq!(acts, vec![(id.clone(), Action::Reopen { found_at: d("2026-12-20") })]);
    let (hz, a) = acts.into_iter().next().expect("one");
    w.sign(&hz, a, "张三").expect("reopen");
    let h = w.l.hazard(&id).expect("h");
    assert_eq!((h.status, h.reopened, h.opened_on()), (Status::Open, 1, d("2026-12-20")));
    // The replay of the events gives the same hazards, without breaks.
    let (again, breaks) = Ledger::replay(w.l.people.clone(), w.l.events.clone());
    assert!(breaks.is_empty(), "{breaks:?}");
    assert_eq!(again.hazards, w.l.hazards);
}

#[test]
fn every_refusal_of_the_contract_holds_and_changes_nothing() {
    let mut w = World::new();
    let id = w.open("zones.no_mining_entered", "2026-11-29");
    let before = w.l.clone();
    // rectify before assign; accept before rectify.
    assert!(w.sign(&id, Action::Rectify { note: "x".into(), evidence: vec![] }, "李四").is_err());
    assert!(w.sign(&id, Action::Accept { as_of: d("2026-12-01") }, "王五").is_err());
    // 五落实 incomplete, or to an unregistered person.
    let mut a = assign("李四");
    if let Action::Assign { measures, .. } = &mut a {
        measures.clear();
    }
    let e = w.sign(&id, a, "张三").expect_err("refused");
    assert!(e.en.contains("--measures"), "{}", e.en);
    assert!(w.sign(&id, assign("赵六"), "张三").expect_err("refused").en.contains("not registered"));
    assert_eq!(w.l, before, "a refusal writes nothing");
    w.sign(&id, assign("李四"), "张三").expect("assign");
    // Only the responsible person rectifies.
    assert!(w.sign(&id, Action::Rectify { note: "x".into(), evidence: vec![] }, "王五").is_err());
    w.sign(&id, Action::Rectify { note: "x".into(), evidence: vec![] }, "李四").expect("rectify");
    // The responsible person (who also rectified) cannot accept.
    assert!(w.sign(&id, Action::Accept { as_of: d("2026-12-01") }, "李四").is_err());
    // Reopen of a hazard not closed; an unknown hazard.
    assert!(w.sign(&id, Action::Reopen { found_at: d("2026-12-01") }, "张三").is_err());
    assert!(w.sign("HZ-000009", assign("李四"), "张三").is_err());
    // A key that is not the registered one for its name.
    let stranger = KeyFile::generate("王五", "principal").expect("key");
    let e = w.l.sign(&id, &Action::Accept { as_of: d("2026-12-01") }, &stranger, "t").expect_err("refused");
    assert!(e.en.contains("does not match"), "{}", e.en);
    w.sign(&id, Action::Accept { as_of: d("2026-12-01") }, "王五").expect("accept");
}

#[test]
fn the_replay_catches_forged_edited_reordered_and_deleted_events() {
    let mut w = World::new();
    let a = w.open("zones.no_mining_entered", "2026-11-29");
    let b = w.open("licence.boundary_crossed", "2026-11-29");
    w.sign(&a, assign("李四"), "张三").expect("assign");
    w.sign(&b, assign("李四"), "张三").expect("assign");
    w.sign(&a, Action::Rectify { note: "done".into(), evidence: vec![] }, "李四").expect("rectify");
    let (people, events) = (w.l.people.clone(), w.l.events.clone());
    let breaks = |evs: Vec<Event>| Ledger::replay(people.clone(), evs).1;
    assert!(breaks(events.clone()).is_empty());

    // Edited payload (the funds) without re-hashing.
    let mut ev = events.clone();
    ev[2].payload = ev[2].payload.replace("120000", "1");
    let br = breaks(ev);
    assert!(br.iter().any(|x| x.seq == 3 && x.hazard == a && x.what.en.contains("hash")), "{br:?}");

    // Edited and re-hashed, but not re-signed: the signature fails.
    let mut ev = events.clone();
    ev[2].payload = ev[2].payload.replace("120000", "1");
    ev[2].hash = ev[2].compute_hash();
    let br = breaks(ev);
    assert!(br.iter().any(|x| x.seq == 3 && x.what.en.contains("signature")), "{br:?}");

    // Forged: signed by a key registered to nobody (an unregistered key), under 李四's name.
    let mut ev = events.clone();
    let forger = KeyFile::generate("李四", "engineer").expect("key");
    ev[4].signature = forger.signer().sign(&ev[4].hash_bytes());
    let br = breaks(ev);
    assert!(br.iter().any(|x| x.seq == 5 && x.hazard == a && x.what.en.contains("signature")), "{br:?}");

    // An actor nobody registered.
    let mut ev = events.clone();
    ev[1].actor = "无名".into();
    ev[1].hash = ev[1].compute_hash();
    assert!(breaks(ev).iter().any(|x| x.seq == 2 && x.what.en.contains("not registered")));

    // Reordered and deleted.
    let mut ev = events.clone();
    ev.swap(2, 3);
    assert!(breaks(ev).iter().any(|x| x.what.en.contains("reordered")));
    let mut ev = events.clone();
    ev.remove(1);
    let br = breaks(ev);
    assert!(br.iter().any(|x| x.seq == 3 && x.what.en.contains("deleted")), "{br:?}");

    // A validly signed event that breaks a rule (the responsible person accepting their own
    // work) is caught by the replay.
    let mut ev = events.clone();
    let k = w.key("李四").clone();
    let mut e = Event {
        hazard_id: a.clone(),
        seq: 6,
        time: "t".into(),
        actor: "李四".into(),
        action: "accept".into(),
        payload: Action::Accept { as_of: d("2026-12-01") }.payload(),
        prev_hash: ev[4].hash.clone(),
        hash: String::new(),
        signature: String::new(),
    };
    e.hash = e.compute_hash();
    e.signature = k.signer().sign(&e.hash_bytes());
    ev.push(e);
    let br = breaks(ev);
    assert!(br.iter().any(|x| x.seq == 6 && x.what.en.contains("should have been refused")), "{br:?}");
}

#[test]
fn payloads_round_trip() {
    let acts = [
        Action::Open {
            rule: "r".into(),
            working: None,
            feature: Some("f".into()),
            severity: "major".into(),
            found_at: d("2026-01-02"),
        },
        Action::Reopen { found_at: d("2026-03-04") },
        assign("李四"),
        Action::Rectify {
            note: "n".into(),
            evidence: vec![Evidence { file: "a.pdf".into(), sha256: "ab".repeat(32), bytes: 7 }],
        },
        Action::Accept { as_of: d("2026-05-06") },
    ];
    for a in acts {
        assert_eq!(Action::parse(a.name(), &a.payload()), Some(a.clone()));
    }
    assert_eq!(Action::parse("assign", "{}"), None);
}
