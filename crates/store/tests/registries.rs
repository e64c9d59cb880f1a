//! Registry CRUD, optimistic concurrency, audit-in-the-same-transaction and bulk upserts, on SQLite and (when
//! PLANTRACK_TEST_PG_URL is set) PostgreSQL.
#![allow(clippy::unwrap_used)]

use jiff::civil::{Date, date};
use plantrack_store::audit::AuditQuery;
use plantrack_store::registries::{Platform, PlatformKind, Talent, TechContract};
use plantrack_store::testing::TestDb;
use plantrack_store::{Actor, ListQuery, Store, StoreError, ToParam, for_each_backend};
use rust_decimal_macros::dec;

fn talent(name: &str, on: Date) -> Talent {
    Talent {
        name: name.into(),
        category: "高端创新创业人才".into(),
        introduced_on: on,
        employer_uscc: None,
        org_unit_code: "211102".into(),
        note: Some("<b>html</b> stays text".into()),
    }
}

fn contract(n: u32, turnover: rust_decimal::Decimal) -> TechContract {
    TechContract {
        contract_number: format!("2019211102{n:06}"),
        contract_type: "技术开发".into(),
        registered_on: date(2019, 3, 1),
        seller_uscc: "91211100MA0000000X".into(),
        buyer_name: Some("某公司".into()),
        turnover,
        tech_turnover: None,
        org_unit_code: "211102".into(),
    }
}

async fn audit_count(store: &Store, entity: &str) -> i64 {
    store
        .audit_events(&AuditQuery {
            entity: Some(entity.into()),
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn create_read_update_delete_with_audit() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut tx = store
            .begin(Actor::user("alice").with_ip("10.0.0.1"))
            .await
            .unwrap();
        let t = tx.insert(&talent("张三", date(2019, 5, 1))).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(t.version, 1);

        let got = store.get::<Talent>(t.id).await.unwrap();
        assert_eq!(got, t);
        let by_key = store
            .find_by_key::<Talent>(&[
                "张三".to_param(),
                date(2019, 5, 1).to_param(),
                "211102".to_param(),
            ])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(by_key.id, t.id);

        let mut changed = t.record.clone();
        changed.category = "其他人才".into();
        let mut tx = store.begin(Actor::user("bob")).await.unwrap();
        let u = tx.update(t.id, 1, &changed).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(u.version, 2);
        assert_eq!(
            store.get::<Talent>(t.id).await.unwrap().record.category,
            "其他人才"
        );

        let events = store
            .audit_events(&AuditQuery {
                entity: Some("talent".into()),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(events.total, 2);
        let upd = &events.items[0];
        assert_eq!((upd.action.as_str(), upd.actor.as_str()), ("update", "bob"));
        assert_eq!(upd.before.as_ref().unwrap()["category"], "高端创新创业人才");
        assert_eq!(upd.after.as_ref().unwrap()["category"], "其他人才");
        assert_eq!(events.items[1].ip.as_deref(), Some("10.0.0.1"));

        // Same data again: no write, no audit.
        let mut tx = store.begin(Actor::user("bob")).await.unwrap();
        let same = tx.update(t.id, 2, &changed).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(same.version, 2);
        assert_eq!(audit_count(store, "talent").await, 2);

        let mut tx = store.begin(Actor::user("bob")).await.unwrap();
        tx.delete::<Talent>(t.id, 2).await.unwrap();
        tx.commit().await.unwrap();
        assert!(matches!(
            store.get::<Talent>(t.id).await,
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(audit_count(store, "talent").await, 3);
    });
}

#[tokio::test]
async fn has_rows_says_whether_a_table_holds_any_row() {
    for_each_backend!(|db| {
        let store = &db.store;
        assert!(!store.has_rows::<Talent>().await.unwrap());
        let mut tx = store.begin(Actor::user("a")).await.unwrap();
        let t = tx.insert(&talent("王五", date(2019, 1, 3))).await.unwrap();
        tx.commit().await.unwrap();
        assert!(store.has_rows::<Talent>().await.unwrap());
        assert!(!store.has_rows::<Platform>().await.unwrap());
        let mut tx = store.begin(Actor::user("a")).await.unwrap();
        tx.delete::<Talent>(t.id, t.version).await.unwrap();
        tx.commit().await.unwrap();
        assert!(!store.has_rows::<Talent>().await.unwrap());
    });
}

#[tokio::test]
async fn a_stale_write_is_refused_not_lost() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut tx = store.begin(Actor::user("a")).await.unwrap();
        let t = tx.insert(&talent("李四", date(2019, 1, 2))).await.unwrap();
        tx.commit().await.unwrap();

        let mut first = t.record.clone();
        first.note = Some("first".into());
        let mut second = t.record.clone();
        second.note = Some("second".into());
        let mut tx = store.begin(Actor::user("a")).await.unwrap();
        tx.update(t.id, 1, &first).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin(Actor::user("b")).await.unwrap();
        let err = tx.update(t.id, 1, &second).await.unwrap_err();
        assert!(
            matches!(err, StoreError::StaleVersion { expected: 1, actual: 2, id, .. } if id == t.id),
            "{err:?}"
        );
        let err = tx.delete::<Talent>(t.id, 1).await.unwrap_err();
        assert!(matches!(err, StoreError::StaleVersion { .. }), "{err:?}");
        drop(tx);
        assert_eq!(
            store.get::<Talent>(t.id).await.unwrap().record.note.as_deref(),
            Some("first")
        );
    });
}

#[tokio::test]
async fn a_rolled_back_unit_leaves_neither_row_nor_audit() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut tx = store.begin(Actor::user("a")).await.unwrap();
        tx.insert(&talent("王五", date(2019, 1, 3))).await.unwrap();
        tx.insert(&contract(1, dec!(10))).await.unwrap();
        // A duplicate natural key fails; the use case drops the unit of work.
        let err = tx.insert(&talent("王五", date(2019, 1, 3))).await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Conflict {
                    kind: plantrack_store::ConflictKind::Duplicate,
                    ..
                }
            ),
            "{err:?}"
        );
        drop(tx);
        assert_eq!(
            store.list::<Talent>(&ListQuery::default()).await.unwrap().total,
            0
        );
        assert_eq!(
            store
                .list::<TechContract>(&ListQuery::default())
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(store.audit_events(&AuditQuery::default()).await.unwrap().total, 0);
    });
}

#[tokio::test]
async fn list_searches_filters_and_pages() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut tx = store.begin(Actor::system()).await.unwrap();
        for (i, name) in [
            "盘锦产业技术研究院",
            "辽河众创空间",
            "Panjin Tech 50%_Lab",
            "双台子孵化器",
        ]
        .iter()
        .enumerate()
        {
            let kind = [
                PlatformKind::IndustrialTechInstitute,
                PlatformKind::MakerSpace,
                PlatformKind::IndustrialTechInstitute,
                PlatformKind::Incubator,
            ][i];
            tx.insert(&Platform {
                name: (*name).into(),
                kind,
                level: Some("省级".into()),
                recognised_on: date(2018, 1, 1 + i as i8),
                revoked_on: None,
                org_unit_code: "211102".into(),
                host_unit: None,
                host_uscc: None,
            })
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let all = store.list::<Platform>(&ListQuery::default()).await.unwrap();
        assert_eq!(all.total, 4);
        // Default order: newest recognition first.
        assert_eq!(all.items[0].record.name, "双台子孵化器");
        let hit = store
            .list::<Platform>(&ListQuery::default().search("众创"))
            .await
            .unwrap();
        assert_eq!(
            hit.items
                .iter()
                .map(|p| p.record.name.as_str())
                .collect::<Vec<_>>(),
            ["辽河众创空间"]
        );
        // Case-insensitive on both engines; % and _ are literal.
        assert_eq!(
            store
                .list::<Platform>(&ListQuery::default().search("panjin TECH"))
                .await
                .unwrap()
                .total,
            1
        );
        assert_eq!(
            store
                .list::<Platform>(&ListQuery::default().search("50%_"))
                .await
                .unwrap()
                .total,
            1
        );
        assert_eq!(
            store
                .list::<Platform>(&ListQuery::default().search("%"))
                .await
                .unwrap()
                .total,
            1
        );
        let inst = ListQuery::default().eq("kind", PlatformKind::IndustrialTechInstitute);
        assert_eq!(store.list::<Platform>(&inst).await.unwrap().total, 2);
        let page = store
            .list::<Platform>(&ListQuery::default().page(1, 2))
            .await
            .unwrap();
        assert_eq!((page.items.len(), page.total, page.offset), (2, 4, 1));
        assert_eq!(page.items[0].record.name, all.items[1].record.name);
        let bad = ListQuery::default().eq("name; drop table platform", "x");
        assert!(matches!(
            store.list::<Platform>(&bad).await,
            Err(StoreError::Invalid { .. })
        ));
    });
}

#[tokio::test]
async fn bulk_upsert_is_idempotent_and_audits_only_changes() {
    for_each_backend!(|db| {
        let store = &db.store;
        let rows: Vec<TechContract> = (0..1234)
            .map(|i| contract(i, rust_decimal::Decimal::from(i) / dec!(4)))
            .collect();
        let mut tx = store.begin(Actor::user("importer")).await.unwrap();
        let c = tx.import_rows(&rows).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (1234, 0, 0));
        assert_eq!(
            audit_count(store, "tech_contract").await,
            0,
            "inserts are covered by the import summary"
        );

        let mut tx = store.begin(Actor::user("importer")).await.unwrap();
        let c = tx.import_rows(&rows).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (0, 0, 1234));
        assert_eq!(audit_count(store, "tech_contract").await, 0);

        let mut changed = rows.clone();
        changed[7].turnover = dec!(999.5);
        changed.push(contract(5000, dec!(1)));
        let mut tx = store.begin(Actor::user("importer")).await.unwrap();
        let c = tx.import_rows(&changed).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (1, 1, 1233));
        let events = store
            .audit_events(&AuditQuery {
                entity: Some("tech_contract".into()),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(events.total, 1);
        assert_eq!(events.items[0].after.as_ref().unwrap()["turnover"], "999.5");
        let row = store
            .find_by_key::<TechContract>(&[rows[7].contract_number.to_param()])
            .await
            .unwrap()
            .unwrap();
        assert_eq!((row.record.turnover, row.version), (dec!(999.5), 2));

        // upsert_many audits inserts too.
        let mut tx = store.begin(Actor::user("web")).await.unwrap();
        let c = tx
            .upsert_many(&[contract(6000, dec!(2)), contract(6001, dec!(3))])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(c.inserted, 2);
        let events = store
            .audit_events(&AuditQuery {
                entity: Some("tech_contract".into()),
                action: Some("create".into()),
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(events.total, 2);
        for e in &events.items {
            let id: i64 = e.entity_id.parse().unwrap();
            let row = store.get::<TechContract>(id).await.unwrap();
            assert_eq!(
                e.after.as_ref().unwrap()["contract_number"],
                row.record.contract_number.as_str()
            );
        }
    });
}

/// A first import into an empty table skips the lookups for keys it has not written yet; a key it has written
/// in an earlier batch of the same transaction must still be found, so that it is updated or left alone, and
/// counted so — and a write by another path in between ends the shortcut.
#[tokio::test]
async fn batches_of_one_import_into_an_empty_table_see_each_others_rows() {
    for_each_backend!(|db| {
        let store = &db.store;
        let first: Vec<TechContract> = (0..1500).map(|i| contract(i, dec!(1))).collect();
        let mut second: Vec<TechContract> = (1000..2500).map(|i| contract(i, dec!(1))).collect();
        second[0].turnover = dec!(7.5); // contract 1000: changed
        let mut tx = store.begin(Actor::user("importer")).await.unwrap();
        let a = tx.import_rows(&first).await.unwrap();
        let b = tx.import_rows(&second).await.unwrap();
        assert_eq!((a.inserted, a.updated, a.unchanged), (1500, 0, 0));
        // 1000..1500 were written by the first batch: one changed, 499 unchanged; 1500..2500 are new.
        assert_eq!((b.inserted, b.updated, b.unchanged), (1000, 1, 499));
        // Another path writes a row the import has not seen: the next batch must look it up.
        tx.insert(&contract(9000, dec!(3))).await.unwrap();
        let c = tx
            .import_rows(&[contract(9000, dec!(3)), contract(9001, dec!(3))])
            .await
            .unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (1, 0, 1));
        tx.commit().await.unwrap();
        let row = store
            .find_by_key::<TechContract>(&[contract(1000, dec!(0)).contract_number.to_param()])
            .await
            .unwrap()
            .unwrap();
        assert_eq!((row.record.turnover, row.version), (dec!(7.5), 2));
        let all = store.list::<TechContract>(&ListQuery::all()).await.unwrap();
        assert_eq!(all.total, 2502);
    });
}

#[tokio::test]
async fn a_bad_row_in_a_bulk_upsert_writes_nothing() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut rows: Vec<TechContract> = (0..700).map(|i| contract(i, dec!(1))).collect();
        // Duplicate key within the batch.
        rows.push(contract(3, dec!(2)));
        let mut tx = store.begin(Actor::user("importer")).await.unwrap();
        let err = tx.import_rows(&rows).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid { .. }), "{err:?}");
        drop(tx);
        assert_eq!(
            store
                .list::<TechContract>(&ListQuery::default())
                .await
                .unwrap()
                .total,
            0
        );

        // A row the database refuses late (second chunk): the first chunk is rolled back with it.
        let mut rows: Vec<TechContract> = (0..700).map(|i| contract(i, dec!(1))).collect();
        rows[650].contract_type = String::new();
        let mut tx = store.begin(Actor::user("importer")).await.unwrap();
        tx.import_rows(&rows[..600]).await.unwrap();
        let summary = plantrack_store::audit::ImportSummary {
            kind: "contracts".into(),
            file_name: Some("x.xlsx".into()),
            sha256: None,
            rows_total: 700,
            counts: Default::default(),
        };
        tx.record_import(&summary).await.unwrap();
        drop(tx); // the use case found row 651 bad and gave up
        assert_eq!(
            store
                .list::<TechContract>(&ListQuery::default())
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(store.audit_events(&AuditQuery::default()).await.unwrap().total, 0);
    });
}

#[tokio::test]
async fn a_second_store_on_the_same_database_sees_committed_writes() {
    for_each_backend!(|db| {
        let other = db.reopen().await.unwrap();
        let mut tx = db.store.begin(Actor::system()).await.unwrap();
        let t = tx.insert(&talent("赵六", date(2020, 2, 2))).await.unwrap();
        assert!(matches!(
            other.get::<Talent>(t.id).await,
            Err(StoreError::NotFound { .. })
        ));
        tx.commit().await.unwrap();
        assert_eq!(other.get::<Talent>(t.id).await.unwrap(), t);
        other.close().await;
    });
}

#[tokio::test]
async fn schema_is_the_same_on_both_engines() {
    let sqlite = TestDb::sqlite().await;
    let Some(pg) = TestDb::postgres().await else {
        sqlite.finish().await;
        return;
    };
    assert_eq!(
        plantrack_store::schema_columns(&sqlite.store).await.unwrap(),
        plantrack_store::schema_columns(&pg.store).await.unwrap()
    );
    sqlite.finish().await;
    pg.finish().await;
}

#[tokio::test]
async fn an_in_memory_store_keeps_its_writes() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let mut tx = store.begin(Actor::system()).await.unwrap();
    let t = tx.insert(&talent("内存", date(2020, 1, 1))).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.get::<Talent>(t.id).await.unwrap(), t);
    assert!(matches!(
        Store::open("mysql://x").await,
        Err(StoreError::UnsupportedUrl(_))
    ));
}
