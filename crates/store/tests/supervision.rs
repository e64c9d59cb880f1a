//! Supervision persistence on SQLite and (when PLANTRACK_TEST_PG_URL is set) PostgreSQL: items and their
//! append-only steps with the version check, attachments, inspections, the append-only ledger and appeals,
//! issued report snapshots and reminder receipts.
#![allow(clippy::unwrap_used)]

use jiff::civil::{Date, DateTime, date};
use plantrack_core::supervise::{
    Action, Actor as SvActor, Command, DepartmentId, DueDateRule, Finding, FindingId, InspectionDraft,
    InspectionId, InspectionRound, InspectionScope, ItemId, ItemKind, ItemSpec, Ledger, Percent,
    ProgressInput, ReportingCycle, State, SupervisedItem, SupervisionRules, UserId, derive_entries,
};
use plantrack_store::audit::AuditQuery;
use plantrack_store::supervision::{MAX_ATTACHMENT_BYTES, NewAttachment};
use plantrack_store::{Actor, StoreError, for_each_backend};
use rust_decimal_macros::dec;

const PLAN: &str = "test-plan";

fn at(y: i16, m: i8, d: i8) -> DateTime {
    date(y, m, d).at(9, 0, 0, 0)
}

fn dept(id: &str) -> DepartmentId {
    DepartmentId::parse(id).unwrap()
}

fn admin() -> SvActor {
    SvActor::admin(UserId::parse("duchashi").unwrap())
}

fn lead() -> SvActor {
    SvActor::department(UserId::parse("jx").unwrap(), dept("jingxin"))
}

fn spec(id: &str, deadline: Date) -> ItemSpec {
    ItemSpec {
        id: ItemId::parse(id).unwrap(),
        kind: ItemKind::Adhoc,
        title: format!("事项{id}"),
        lead_department: dept("jingxin"),
        co_departments: vec![dept("caizheng")],
        responsible_leader: None,
        leader_in_charge: None,
        deadline,
        milestones: Vec::new(),
        targets: Vec::new(),
        cycle: ReportingCycle::Quarterly,
    }
}

fn step(item: &mut SupervisedItem, actor: SvActor, when: DateTime, action: Action, reason: &str) {
    item.apply(
        &Command::new(actor, when, action).because(reason),
        &DueDateRule::default(),
    )
    .unwrap();
}

fn registered(id: &str) -> SupervisedItem {
    SupervisedItem::register(spec(id, date(2019, 12, 31)), admin(), at(2019, 1, 5), "立项").unwrap()
}

fn report(percent: rust_decimal::Decimal) -> Action {
    Action::ReportProgress(ProgressInput {
        period: None,
        percent: Percent::new(percent).unwrap(),
        text: "进展".into(),
        evidence: vec![],
        data_links: vec![],
    })
}

#[tokio::test]
async fn items_store_their_steps_and_replay_to_the_same_item() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut item = registered("t1");
        let mut tx = store.begin(Actor::user("duchashi")).await.unwrap();
        let stored = tx.register_item(PLAN, &item).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(stored.version, 1);

        step(&mut item, admin(), at(2019, 1, 6), Action::Assign, "");
        step(&mut item, lead(), at(2019, 1, 7), Action::Accept, "");
        step(&mut item, lead(), at(2019, 4, 8), report(dec!(30)), "");
        let mut tx = store.begin(Actor::user("jx")).await.unwrap();
        let after = tx.record_steps(PLAN, &item, 1).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(after.version, 2);
        assert_eq!(after.state, State::InProgress);

        let loaded = store.supervised_item(PLAN, "t1").await.unwrap().unwrap();
        assert_eq!(loaded.version, 2);
        assert_eq!(loaded.record, item.record());
        let replayed = SupervisedItem::restore(loaded.record).unwrap();
        assert_eq!(replayed, item);

        // One audit event per step plus the registration's create.
        let events = store
            .audit_events(&AuditQuery {
                entity: Some("supervised_item".into()),
                entity_id: Some("t1".into()),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        let mut actions: Vec<String> = events.items.iter().map(|e| e.action.clone()).collect();
        actions.reverse();
        assert_eq!(
            actions,
            [
                "create",
                "supervise.register",
                "supervise.assign",
                "supervise.accept",
                "supervise.report_progress"
            ]
        );
        assert_eq!(store.supervised_items(PLAN).await.unwrap().len(), 1);
        assert!(store.supervised_items("other").await.unwrap().is_empty());
    });
}

#[tokio::test]
async fn a_second_writer_on_the_same_version_is_refused_and_changes_nothing() {
    for_each_backend!(|db| {
        let store = &db.store;
        let item = registered("t2");
        let mut tx = store.begin(Actor::system()).await.unwrap();
        tx.register_item(PLAN, &item).await.unwrap();
        tx.commit().await.unwrap();

        let mut first = item.clone();
        step(&mut first, admin(), at(2019, 1, 6), Action::Assign, "");
        let mut second = item.clone();
        step(&mut second, admin(), at(2019, 1, 6), Action::Comment, "请抓紧");

        let mut tx = store.begin(Actor::system()).await.unwrap();
        tx.record_steps(PLAN, &first, 1).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin(Actor::system()).await.unwrap();
        let err = tx.record_steps(PLAN, &second, 1).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::StaleVersion {
                    expected: 1,
                    actual: 2,
                    ..
                }
            ),
            "{err}"
        );
        drop(tx);
        // A history that rewrites a stored step is refused even with the right version.
        let mut tx = store.begin(Actor::system()).await.unwrap();
        let err = tx.record_steps(PLAN, &second, 2).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid { .. }), "{err}");
        drop(tx);
        let loaded = store.supervised_item(PLAN, "t2").await.unwrap().unwrap();
        assert_eq!(loaded.record, first.record());
        // Registering the same key twice is a conflict.
        let mut tx = store.begin(Actor::system()).await.unwrap();
        let err = tx.register_item(PLAN, &item).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    });
}

#[tokio::test]
async fn attachments_keep_their_bytes_and_refuse_oversized_files() {
    for_each_backend!(|db| {
        let store = &db.store;
        let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
        let file = NewAttachment {
            plan_key: PLAN.into(),
            item_key: "t1".into(),
            file_name: "佐证.pdf".into(),
            media_type: "application/pdf".into(),
            content: bytes.clone(),
        };
        let mut tx = store.begin(Actor::user("jx")).await.unwrap();
        let meta = tx.add_attachment(&file).await.unwrap();
        tx.commit().await.unwrap();
        let back = store.attachment(meta.id).await.unwrap().unwrap();
        assert_eq!(back.content, bytes);
        assert_eq!(back.meta, meta);
        assert_eq!(back.meta.uploaded_by, "jx");
        assert_eq!(back.meta.size_bytes, 70_000);
        let listed = store.attachments_of(PLAN, "t1").await.unwrap();
        assert_eq!(listed, vec![meta]);

        let huge = NewAttachment {
            content: vec![0; MAX_ATTACHMENT_BYTES + 1],
            ..file
        };
        let mut tx = store.begin(Actor::user("jx")).await.unwrap();
        assert!(matches!(
            tx.add_attachment(&huge).await,
            Err(StoreError::Invalid { .. })
        ));
    });
}

fn round(findings: Vec<Finding>) -> InspectionRound {
    InspectionRound::new(InspectionDraft {
        id: InspectionId::parse("2019-q3").unwrap(),
        title: "第三季度督查".into(),
        started_on: date(2019, 9, 10),
        ended_on: None,
        scope: InspectionScope {
            departments: vec![dept("jingxin")],
            ..InspectionScope::default()
        },
        findings,
    })
    .unwrap()
}

#[tokio::test]
async fn inspections_update_with_the_version_check() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut tx = store.begin(Actor::system()).await.unwrap();
        let stored = tx.insert_inspection(PLAN, &round(vec![])).await.unwrap();
        tx.commit().await.unwrap();
        let with_finding = round(vec![Finding {
            id: FindingId::parse("f1").unwrap(),
            description: "台账不全".into(),
            department: dept("jingxin"),
            item: None,
            rectifications: vec![],
        }]);
        let mut tx = store.begin(Actor::system()).await.unwrap();
        let updated = tx
            .update_inspection(PLAN, &with_finding, stored.version)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(updated.version, 2);
        let mut tx = store.begin(Actor::system()).await.unwrap();
        assert!(matches!(
            tx.update_inspection(PLAN, &round(vec![]), 1).await,
            Err(StoreError::StaleVersion { .. })
        ));
        drop(tx);
        let all = store.inspections(PLAN).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].round, with_finding);
        assert_eq!(
            store.inspection(PLAN, "2019-q3").await.unwrap().unwrap().round,
            with_finding
        );
    });
}

#[tokio::test]
async fn the_ledger_is_append_only_and_appeals_are_decided_once() {
    for_each_backend!(|db| {
        let store = &db.store;
        // An item whose quarterly reports were never sent: late-report deductions.
        let mut item = registered("t3");
        step(&mut item, admin(), at(2019, 1, 6), Action::Assign, "");
        step(&mut item, lead(), at(2019, 1, 7), Action::Accept, "");
        let rules = SupervisionRules::default();
        let derived = derive_entries(&[item.clone()], &rules, date(2019, 8, 1));
        assert_eq!(derived.len(), 2, "{derived:?}");

        let mut tx = store.begin(Actor::system()).await.unwrap();
        let appended = tx.append_score_entries(PLAN, &derived).await.unwrap();
        assert_eq!(appended.len(), 2);
        // Deriving again appends nothing.
        assert!(tx.append_score_entries(PLAN, &derived).await.unwrap().is_empty());
        tx.commit().await.unwrap();
        let entries = store.score_entries(PLAN).await.unwrap();
        assert_eq!(entries, derived);

        // Appeal and accept through the core ledger; store both.
        let mut ledger = Ledger::from_parts(entries, vec![]).unwrap();
        let filed = ledger
            .file_appeal(&derived[0].key, &lead(), at(2019, 8, 2), "系统故障未能报送")
            .unwrap();
        let mut tx = store.begin(Actor::user("jx")).await.unwrap();
        let stored = tx.insert_appeal(PLAN, &filed).await.unwrap();
        tx.commit().await.unwrap();
        let reversal = ledger
            .decide_appeal(&filed.id, &admin(), at(2019, 8, 3), true, "情况属实")
            .unwrap()
            .unwrap();
        let decided = ledger.appeals()[0].clone();
        let mut tx = store.begin(Actor::user("duchashi")).await.unwrap();
        tx.append_score_entries(PLAN, std::slice::from_ref(&reversal))
            .await
            .unwrap();
        tx.decide_appeal(PLAN, &decided, stored.version).await.unwrap();
        tx.commit().await.unwrap();
        // A second decision is refused.
        let mut tx = store.begin(Actor::user("duchashi")).await.unwrap();
        assert!(matches!(
            tx.decide_appeal(PLAN, &decided, stored.version).await,
            Err(StoreError::StaleVersion { .. })
        ));
        drop(tx);

        let appeals = store.appeals(PLAN).await.unwrap();
        assert_eq!(appeals.len(), 1);
        assert_eq!(appeals[0].appeal, decided);
        let entries = store.score_entries(PLAN).await.unwrap();
        let rebuilt = Ledger::from_parts(entries, appeals.into_iter().map(|a| a.appeal).collect()).unwrap();
        assert_eq!(rebuilt, ledger);
    });
}

#[tokio::test]
async fn issued_reports_are_numbered_and_keep_their_snapshot_byte_for_byte() {
    for_each_backend!(|db| {
        let store = &db.store;
        let snapshot = r#"{"period":"2019Q4","values":["2.31","0.10"],"text":"研发"}"#;
        let mut tx = store.begin(Actor::user("duchashi")).await.unwrap();
        let first = tx
            .issue_report(PLAN, "2019Q4", date(2020, 1, 15), "通报", snapshot)
            .await
            .unwrap();
        let second = tx
            .issue_report(PLAN, "2020Q1", date(2020, 4, 15), "通报二", "{}")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!((first.report_no, second.report_no), (1, 2));
        let back = store.issued_report(PLAN, 1).await.unwrap().unwrap();
        assert_eq!(back.snapshot_json, snapshot);
        assert_eq!(back, first);
        let all = store.issued_reports(PLAN).await.unwrap();
        assert_eq!(all.iter().map(|r| r.report_no).collect::<Vec<_>>(), [2, 1]);
    });
}

#[tokio::test]
async fn reminder_receipts_remember_reads_and_mails() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut tx = store.begin(Actor::user("jx")).await.unwrap();
        tx.mark_reminders_read("jx", &["t1/report_overdue/2019Q1".into()])
            .await
            .unwrap();
        tx.record_reminder_mailed("jx", "t1/report_overdue/2019Q1", date(2019, 4, 12))
            .await
            .unwrap();
        tx.record_reminder_mailed("jx", "t2/deadline_soon", date(2019, 4, 12))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let receipts = store.reminder_receipts("jx").await.unwrap();
        assert_eq!(receipts.len(), 2);
        let r = &receipts["t1/report_overdue/2019Q1"];
        assert!(r.read_at.is_some());
        assert_eq!(r.mailed_on, Some(date(2019, 4, 12)));
        assert!(receipts["t2/deadline_soon"].read_at.is_none());
        assert!(store.reminder_receipts("other").await.unwrap().is_empty());
    });
}
