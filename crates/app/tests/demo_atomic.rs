//! `plantrack demo` is all or nothing: a failure in the middle of the load (disk full, say — injected here by a
//! trigger that makes the database refuse a row) leaves the store's registries and supervision history as they
//! were, and a later load completes; a history left half-written by an interrupted load (the process killed) is
//! replayed by the next load.
#![allow(clippy::unwrap_used)]

use plantrack_app::Principal;
use plantrack_app::demo::{DEMO_SEED, load_demo};
use plantrack_store::Store;
use plantrack_store::testing::TestDb;

const TABLES: [&str; 6] = [
    "supervised_item",
    "supervision_step",
    "score_entry",
    "enterprise",
    "observation",
    "talent",
];

async fn counts(store: &Store) -> Vec<i64> {
    let mut out = Vec::new();
    for t in TABLES {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("select count(*) as n from {t}")))
            .fetch_one(store.pool())
            .await
            .unwrap();
        out.push(sqlx::Row::get::<i64, _>(&row, "n"));
    }
    out
}

async fn exec(store: &Store, sql: &'static str) {
    sqlx::query(sql).execute(store.pool()).await.unwrap();
}

/// The counts of a complete demo load.
async fn complete() -> Vec<i64> {
    let db = TestDb::sqlite().await;
    load_demo(&db.store, &Principal::system(), DEMO_SEED, false)
        .await
        .unwrap();
    let c = counts(&db.store).await;
    db.finish().await;
    c
}

#[tokio::test]
async fn a_failure_midway_leaves_the_store_as_it_was_and_a_later_demo_completes() {
    let full = complete().await;
    assert!(full.iter().all(|&n| n > 0), "{full:?}");
    for (what, trigger) in [
        // In the supervision history, after 45 steps.
        (
            "history",
            "create trigger fail_midway before insert on supervision_step \
             when (select count(*) from supervision_step) >= 45 \
             begin select raise(abort, 'injected failure'); end",
        ),
        // In the registry rows' transaction, which comes after the history.
        (
            "registries",
            "create trigger fail_midway before insert on observation \
             begin select raise(abort, 'injected failure'); end",
        ),
    ] {
        let db = TestDb::sqlite().await;
        plantrack_app::demo::ensure_plan(&db.store).await.unwrap();
        let before = counts(&db.store).await;
        exec(&db.store, trigger).await;
        let err = load_demo(&db.store, &Principal::system(), DEMO_SEED, false)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("injected failure") || format!("{err:?}").contains("injected"),
            "{what}: {err}"
        );
        assert_eq!(counts(&db.store).await, before, "{what}: the store changed");
        exec(&db.store, "drop trigger fail_midway").await;
        // Not refused as "already holds data", and complete.
        load_demo(&db.store, &Principal::system(), DEMO_SEED, false)
            .await
            .unwrap();
        assert_eq!(counts(&db.store).await, full, "{what}");
        db.finish().await;
    }
}

#[tokio::test]
async fn a_history_left_half_written_by_an_interrupted_load_is_replayed() {
    let full = complete().await;
    let db = TestDb::sqlite().await;
    plantrack_app::demo::ensure_plan(&db.store).await.unwrap();
    // What a load killed in the middle of the history leaves: part of it, and nothing after it.
    exec(
        &db.store,
        "create trigger fail_midway before insert on supervision_step \
         when (select count(*) from supervision_step) >= 45 \
         begin select raise(abort, 'killed'); end",
    )
    .await;
    let plan = plantrack_core::plan::embedded::shuangtaizi().unwrap();
    assert!(
        plantrack_app::supervision::seed_demo_history(&db.store, &plan)
            .await
            .is_err()
    );
    exec(&db.store, "drop trigger fail_midway").await;
    let partial = counts(&db.store).await;
    assert!(partial[1] == 45 && partial[3] == 0, "{partial:?}");
    load_demo(&db.store, &Principal::system(), DEMO_SEED, false)
        .await
        .unwrap();
    assert_eq!(counts(&db.store).await, full);
    db.finish().await;
}
