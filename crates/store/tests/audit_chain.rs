//! The audit chain (crate::chain, docs/audit.md) on SQLite and (when PLANTRACK_TEST_PG_URL is set) PostgreSQL:
//! an intact chain verifies; an edited, deleted, inserted, reordered or truncated event is named; concurrent
//! writers on PostgreSQL still give one linear chain; the events of an old store are chained on first open;
//! backups restore into a verifying chain, across engines too.
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use plantrack_store::chain::{BreakKind, ChainContent, GENESIS};
use plantrack_store::registries::Talent;
use plantrack_store::testing::TestDb;
use plantrack_store::{Actor, Backend, Store, for_each_backend};
use sqlx::AssertSqlSafe;

async fn exec(store: &Store, sql: &str) {
    sqlx::query(AssertSqlSafe(sql.to_owned()))
        .execute(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// `n` units of work, each with one event, at fixed instants (so both engines write the same events).
async fn write_events(store: &Store, n: i64) {
    for i in 0..n {
        let mut tx = store
            .begin(Actor::user(format!("u{}", i % 3)).with_ip("10.0.0.7"))
            .await
            .unwrap();
        tx.set_now(Timestamp::from_second(1_600_000_000 + i).unwrap());
        let after = serde_json::json!({ "n": i, "name": "张三", "a": [1, 2] });
        tx.audit(
            "update",
            "talent",
            &i.to_string(),
            Some(serde_json::json!({"n": i - 1})),
            Some(after),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

async fn hashes(store: &Store) -> Vec<(i64, String, String)> {
    let rows = sqlx::query("select audit_event_id, prev_hash, hash from audit_event order by audit_event_id")
        .fetch_all(store.pool())
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            use sqlx::Row;
            (
                r.get::<i64, _>("audit_event_id"),
                r.get::<String, _>("prev_hash"),
                r.get::<String, _>("hash"),
            )
        })
        .collect()
}

async fn broken_at(store: &Store) -> (BreakKind, i64) {
    let r = store.verify_audit_chain(None).await.unwrap();
    let b = r
        .broken
        .clone()
        .unwrap_or_else(|| panic!("the chain verified: {r:?}"));
    (b.kind, b.id)
}

#[tokio::test]
async fn an_untouched_chain_verifies_and_both_engines_hash_alike() {
    let mut per_engine = Vec::new();
    for_each_backend!(|db| {
        let store = &db.store;
        let empty = store.verify_audit_chain(None).await.unwrap();
        assert!(empty.intact(), "{empty:?}");
        assert_eq!(empty.verified, 0);
        write_events(store, 6).await;
        // A unit with several events and a record write: the store's own events go through the chain too.
        let mut tx = store.begin(Actor::user("alice")).await.unwrap();
        tx.set_now(Timestamp::from_second(1_700_000_000).unwrap());
        let t = tx
            .insert(&Talent {
                name: "李四".into(),
                category: "高端人才".into(),
                introduced_on: jiff::civil::date(2019, 5, 1),
                employer_uscc: None,
                org_unit_code: "211102".into(),
                note: None,
            })
            .await
            .unwrap();
        tx.audit("note", "talent", &t.id.to_string(), None, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let r = store.verify_audit_chain(None).await.unwrap();
        assert!(r.intact(), "{r:?}");
        assert_eq!(r.verified, 8);
        assert_eq!(r.first_id, Some(1));
        let chain = hashes(store).await;
        assert_eq!(chain[0].1, GENESIS);
        for w in chain.windows(2) {
            assert_eq!(w[1].1, w[0].2, "each event links to the one before");
            assert_eq!(w[1].0, w[0].0 + 1, "ids follow one another");
        }
        assert_eq!(r.head_id, Some(8));
        assert_eq!(r.head_hash.as_deref(), Some(chain[7].2.as_str()));
        // From an event on: that event and the newer ones.
        let tail = store.verify_audit_chain(Some(5)).await.unwrap();
        assert!(tail.intact());
        assert_eq!((tail.verified, tail.first_id), (4, Some(5)));
        // The stored JSON is canonical (keys sorted, no spaces).
        let row = sqlx::query("select after_json from audit_event where audit_event_id = 1")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let after: String = sqlx::Row::get(&row, "after_json");
        assert_eq!(after, r#"{"a":[1,2],"n":0,"name":"张三"}"#);
        per_engine.push(chain[..6].to_vec());
    });
    if let [a, b] = per_engine.as_slice() {
        assert_eq!(
            a, b,
            "SQLite and PostgreSQL give the same hashes for the same events"
        );
    }
}

#[tokio::test]
async fn an_edited_event_is_named() {
    for_each_backend!(|db| {
        write_events(&db.store, 5).await;
        exec(
            &db.store,
            "update audit_event set actor = 'admin' where audit_event_id = 3",
        )
        .await;
        assert_eq!(broken_at(&db.store).await, (BreakKind::Edited, 3));
        let r = db.store.verify_audit_chain(None).await.unwrap();
        assert_eq!(r.verified, 2, "the events before it verified");
        let msg = r.broken.unwrap();
        assert!(msg.message_zh().contains("#3") && msg.message_en().contains("#3 was edited"));
    });
}

#[tokio::test]
async fn an_edited_and_rehashed_event_is_named() {
    for_each_backend!(|db| {
        write_events(&db.store, 5).await;
        // The attacker also recomputes the edited event's own hash: the next event's link gives it away.
        let chain = hashes(&db.store).await;
        let row = sqlx::query(
            "select created_at, ip, action, entity, entity_id, before_json, after_json from audit_event where audit_event_id = 3",
        )
        .fetch_one(db.store.pool())
        .await
        .unwrap();
        use sqlx::Row;
        let (before, after): (Option<String>, Option<String>) =
            (row.get("before_json"), row.get("after_json"));
        let (entity, entity_id, action): (String, String, String) =
            (row.get("entity"), row.get("entity_id"), row.get("action"));
        let ip: Option<String> = row.get("ip");
        let forged = ChainContent {
            prev_hash: &chain[1].2,
            at_ms: row.get("created_at"),
            actor: "admin",
            ip: ip.as_deref(),
            action: &action,
            entity: &entity,
            entity_id: &entity_id,
            before: before.as_deref(),
            after: after.as_deref(),
        }
        .hash();
        exec(
            &db.store,
            &format!("update audit_event set actor = 'admin', hash = '{forged}' where audit_event_id = 3"),
        )
        .await;
        assert_eq!(broken_at(&db.store).await, (BreakKind::Edited, 3));
    });
}

#[tokio::test]
async fn a_deleted_event_is_named() {
    for_each_backend!(|db| {
        write_events(&db.store, 5).await;
        exec(&db.store, "delete from audit_event where audit_event_id = 3").await;
        let r = db.store.verify_audit_chain(None).await.unwrap();
        let b = r.broken.unwrap();
        assert_eq!((b.kind, b.id, b.other), (BreakKind::Deleted, 4, Some(3)));
        // The first event deleted.
        exec(&db.store, "delete from audit_event where audit_event_id = 1").await;
        assert_eq!(broken_at(&db.store).await, (BreakKind::Deleted, 2));
    });
}

#[tokio::test]
async fn deleting_the_newest_events_is_noticed_by_the_head() {
    for_each_backend!(|db| {
        write_events(&db.store, 5).await;
        exec(&db.store, "delete from audit_event where audit_event_id >= 4").await;
        let r = db.store.verify_audit_chain(None).await.unwrap();
        let b = r.broken.unwrap();
        assert_eq!((b.kind, b.id, b.other), (BreakKind::Truncated, 3, Some(5)));
        // Writing goes on after the cut, and the break stays visible.
        write_events(&db.store, 1).await;
        assert!(!db.store.verify_audit_chain(None).await.unwrap().intact());
    });
}

#[tokio::test]
async fn an_inserted_event_is_named() {
    for_each_backend!(|db| {
        write_events(&db.store, 5).await;
        let chain = hashes(&db.store).await;
        // Room after event 3, then a forged event 4 correctly chained after event 3.
        exec(
            &db.store,
            "update audit_event set audit_event_id = audit_event_id + 100 where audit_event_id > 3",
        )
        .await;
        let forged = ChainContent {
            prev_hash: &chain[2].2,
            at_ms: 1_600_000_003_500,
            actor: "admin",
            ip: None,
            action: "delete",
            entity: "talent",
            entity_id: "9",
            before: None,
            after: None,
        };
        exec(
            &db.store,
            &format!(
                "insert into audit_event (audit_event_id, created_at, actor, ip, action, entity, entity_id, before_json, after_json, prev_hash, hash) \
                 values (4, 1600000003500, 'admin', null, 'delete', 'talent', '9', null, null, '{}', '{}')",
                forged.prev_hash,
                forged.hash()
            ),
        )
        .await;
        assert_eq!(broken_at(&db.store).await, (BreakKind::Inserted, 4));
        // An event without hashes, appended at the end, is not part of the chain either.
        exec(&db.store, "delete from audit_event where audit_event_id = 4").await;
        exec(
            &db.store,
            "update audit_event set audit_event_id = audit_event_id - 100 where audit_event_id > 100",
        )
        .await;
        assert!(db.store.verify_audit_chain(None).await.unwrap().intact());
        exec(
            &db.store,
            "insert into audit_event (audit_event_id, created_at, actor, action, entity, entity_id) \
             values (6, 1600000009000, 'admin', 'login', 'app_user', '1')",
        )
        .await;
        assert_eq!(broken_at(&db.store).await, (BreakKind::Inserted, 6));
    });
}

#[tokio::test]
async fn reordered_events_are_named() {
    for_each_backend!(|db| {
        write_events(&db.store, 6).await;
        // Swap the whole content (hashes included) of events 2 and 5.
        let cols = [
            "created_at",
            "actor",
            "ip",
            "action",
            "entity",
            "entity_id",
            "before_json",
            "after_json",
            "prev_hash",
            "hash",
        ];
        let sets: Vec<String> = cols
            .iter()
            .map(|c| {
                format!(
                    "{c} = (select o.{c} from audit_event o where o.audit_event_id = \
                     case when audit_event.audit_event_id = 2 then 5 else 2 end)"
                )
            })
            .collect();
        // Through a copy, so that both rows read the values from before the update.
        exec(&db.store, "create table ae_copy as select * from audit_event").await;
        let sql = format!(
            "update audit_event set {} where audit_event_id in (2, 5)",
            sets.join(", ").replace("from audit_event o", "from ae_copy o")
        );
        exec(&db.store, &sql).await;
        exec(&db.store, "drop table ae_copy").await;
        let r = db.store.verify_audit_chain(None).await.unwrap();
        let b = r.broken.unwrap();
        assert_eq!((b.kind, b.id, b.other), (BreakKind::Reordered, 2, Some(4)));
        assert!(b.message_en().contains("reordered"));
    });
}

#[tokio::test]
async fn the_events_of_an_older_store_are_chained_on_first_open() {
    for_each_backend!(|db| {
        write_events(&db.store, 4).await;
        // The state migration 6 leaves in a store that had events: no hashes, the head at the start, and how far
        // the old events reach.
        exec(&db.store, "update audit_event set prev_hash = null, hash = null").await;
        exec(
            &db.store,
            &format!("update audit_chain set head_id = 0, head_hash = '{GENESIS}', legacy_until = 4"),
        )
        .await;
        assert_eq!(broken_at(&db.store).await, (BreakKind::Inserted, 1));
        let reopened = db.reopen().await.unwrap();
        let r = reopened.verify_audit_chain(None).await.unwrap();
        assert!(r.intact(), "{r:?}");
        assert_eq!(r.verified, 4);
        // New events chain on after them; opening again changes nothing.
        write_events(&reopened, 2).await;
        let again = db.reopen().await.unwrap();
        let r = again.verify_audit_chain(None).await.unwrap();
        assert!(r.intact() && r.verified == 6, "{r:?}");
        again.close().await;
        reopened.close().await;
    });
}

#[tokio::test]
async fn concurrent_writers_on_postgres_make_one_linear_chain() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    // Two store instances (as two servers would be), 8 writers each.
    let second = db.reopen().await.unwrap();
    let mut tasks = Vec::new();
    for w in 0..16 {
        let store = if w % 2 == 0 {
            db.store.clone()
        } else {
            second.clone()
        };
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                let mut tx = store.begin(Actor::user(format!("w{w}"))).await.unwrap();
                // Some work between the event and the commit, so that transactions overlap.
                tx.audit("update", "talent", &format!("{w}-{i}"), None, None)
                    .await
                    .unwrap();
                tokio::task::yield_now().await;
                tx.audit("update", "talent", &format!("{w}-{i}b"), None, None)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let r = db.store.verify_audit_chain(None).await.unwrap();
    assert!(r.intact(), "{r:?}");
    assert_eq!(r.verified, 320);
    // The two events of one unit of work stay next to each other.
    let rows = sqlx::query("select entity_id from audit_event order by audit_event_id")
        .fetch_all(db.store.pool())
        .await
        .unwrap();
    let ids: Vec<String> = rows.iter().map(|r| sqlx::Row::get(r, "entity_id")).collect();
    for pair in ids.chunks(2) {
        assert_eq!(format!("{}b", pair[0]), pair[1]);
    }
    second.close().await;
    db.finish().await;
}

#[tokio::test]
async fn a_restored_backup_verifies_on_both_engines_and_across_them() {
    for_each_backend!(|db| {
        write_events(&db.store, 5).await;
        let dir = tempfile::tempdir().unwrap();
        let native = dir.path().join("backup.bin");
        let logical = dir.path().join("backup.jsonl");
        db.store.backup(&native).await.unwrap();
        db.store.export_logical(&logical).await.unwrap();
        let mut targets = vec![TestDb::sqlite().await];
        targets.extend(TestDb::postgres().await);
        for target in targets {
            for file in [&native, &logical] {
                target.store.restore(file, Actor::user("admin")).await.unwrap();
                let r = target.store.verify_audit_chain(None).await.unwrap();
                assert!(
                    r.intact(),
                    "{:?} → {:?} from {}: {r:?}",
                    db.backend(),
                    target.backend(),
                    file.display()
                );
                // The restored events plus the restore's own.
                assert_eq!(r.verified, 6);
                // Writing goes on.
                write_events(&target.store, 1).await;
                assert!(target.store.verify_audit_chain(None).await.unwrap().intact());
            }
            if target.backend() == Backend::Postgres {
                // The identity stays ahead of the ids the chain gave.
                exec(
                    &target.store,
                    "insert into audit_event (created_at, actor, action, entity, entity_id) values (0, 'x', 'x', 'x', 'x')",
                )
                .await;
            }
            target.finish().await;
        }
    });
}

fn talent(i: usize, note: &str) -> Talent {
    Talent {
        name: format!("人才{i}"),
        category: "高端人才".into(),
        introduced_on: jiff::civil::date(2019, 5, 1),
        employer_uscc: None,
        org_unit_code: "211102".into(),
        note: Some(note.into()),
    }
}

#[tokio::test]
async fn bulk_writes_and_very_large_units_go_through_the_chain() {
    for_each_backend!(|db| {
        let store = &db.store;
        // The import path: inserts summarised, updates audited row by row.
        for note in ["a", "b"] {
            let rows: Vec<Talent> = (0..300).map(|i| talent(i, note)).collect();
            let mut tx = store.begin(Actor::user("import")).await.unwrap();
            tx.import_rows(&rows).await.unwrap();
            tx.upsert_many(&rows).await.unwrap();
            tx.commit().await.unwrap();
        }
        let r = store.verify_audit_chain(None).await.unwrap();
        assert!(r.intact(), "{r:?}");
        assert!(r.verified >= 300, "{r:?}");
        // More events in one unit than are queued: the first ones are appended early, still in order.
        let mut tx = store.begin(Actor::user("bulk")).await.unwrap();
        for i in 0..plantrack_store::chain::EARLY_FLUSH + 5 {
            tx.audit("update", "talent", &i.to_string(), None, None)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let r2 = store.verify_audit_chain(None).await.unwrap();
        assert!(r2.intact(), "{r2:?}");
        assert_eq!(
            r2.verified,
            r.verified + plantrack_store::chain::EARLY_FLUSH as u64 + 5
        );
        // A unit rolled back leaves no event and no gap behind.
        let mut tx = store.begin(Actor::user("x")).await.unwrap();
        tx.audit("update", "talent", "1", None, None).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(
            store.verify_audit_chain(None).await.unwrap().verified,
            r2.verified
        );
    });
}
