//! Imports through the use case, on SQLite and (when configured) PostgreSQL: all or nothing, idempotent
//! re-imports, export → import round trips, dry runs, the confirm step, and permissions.
#![allow(clippy::unwrap_used)]

use plantrack_app::demo::ensure_demo;
use plantrack_app::export::{ExportFormat, ExportWhat, export};
use plantrack_app::import::{ImportRequest, import};
use plantrack_app::{AppError, Principal, Role};
use plantrack_core::qualify::Uscc;
use plantrack_exchange::Kind;
use plantrack_store::audit::AuditQuery;
use plantrack_store::enterprises::{EnterpriseYear, Qualification};
use plantrack_store::{ListQuery, Record, Store, for_each_backend};

fn admin() -> Principal {
    Principal::User {
        id: 1,
        username: "admin".into(),
        role: Role::Admin,
        department: None,
        enterprise: None,
        ip: None,
    }
}

fn uscc(n: u32) -> String {
    Uscc::with_check_digit(&format!("91211102MA{n:07}"))
        .unwrap()
        .to_string()
}

fn req(kind: Kind, name: &str, bytes: Vec<u8>, dry_run: bool) -> ImportRequest {
    ImportRequest {
        kind,
        file_name: name.into(),
        bytes,
        dry_run,
        expect_sha256: None,
    }
}

async fn count<T: Record>(store: &Store) -> i64 {
    store
        .list::<T>(&ListQuery::default().page(0, 1))
        .await
        .unwrap()
        .total
}

const HEADER: &str = "统一社会信用代码,企业名称,成立日期,所在区划代码,行业代码,高新技术领域,年度,职工总数,科技人员数,销售收入(万元),主营业务收入(万元),总收入(万元),高新技术产品(服务)收入(万元),资产总额(万元),负债总额(万元),成本费用支出总额(万元),研发费用(万元),境内研发费用(万元),Ⅰ类知识产权数,Ⅱ类知识产权数,研发机构级别,科技成果转化数";

fn rows(n: u32, bad_at: Option<u32>) -> Vec<u8> {
    let mut s = format!("{HEADER}\n");
    for i in 0..n {
        let tech = if Some(i) == bad_at { 999 } else { 5 };
        s.push_str(&format!(
            "{},企业{i}（演示）,2010-01-01,211102,C2614,,2019,10,{tech},100,100,100,10,100,10,90,5,5,0,1,,0\n",
            uscc(i)
        ));
    }
    s.into_bytes()
}

#[tokio::test]
async fn one_bad_row_imports_nothing_and_every_bad_row_is_reported() {
    for_each_backend!(|db| {
        let store = &db.store;
        plantrack_app::demo::ensure_plan(store).await.unwrap();
        let audit_before = store.audit_events(&AuditQuery::default()).await.unwrap().total;
        let r = import(
            store,
            &admin(),
            req(Kind::Enterprises, "e.csv", rows(12_000, Some(11_500)), false),
            None,
        )
        .await
        .unwrap();
        assert!(!r.imported && r.problems_total == 1, "{:?}", r.problems);
        assert_eq!(r.problems[0].row, Some(11_502));
        assert_eq!(r.rows_total, 12_000);
        // Nothing of the 11 999 good rows (two batches were written before the bad row) stayed, not even audit.
        assert_eq!(count::<EnterpriseYear>(store).await, 0);
        assert_eq!(
            store.audit_events(&AuditQuery::default()).await.unwrap().total,
            audit_before
        );
    });
}

#[tokio::test]
async fn reimporting_a_file_changes_nothing_and_a_changed_row_is_an_update() {
    for_each_backend!(|db| {
        let store = &db.store;
        let first = import(
            store,
            &admin(),
            req(Kind::Enterprises, "e.csv", rows(50, None), false),
            None,
        )
        .await
        .unwrap();
        assert!(first.imported, "{:?}", first.problems);
        assert_eq!(first.counts[1].1.inserted, 50);
        let again = import(
            store,
            &admin(),
            req(Kind::Enterprises, "e.csv", rows(50, None), false),
            None,
        )
        .await
        .unwrap();
        assert_eq!(
            (
                again.counts[1].1.inserted,
                again.counts[1].1.updated,
                again.counts[1].1.unchanged
            ),
            (0, 0, 50)
        );
        let changed = String::from_utf8(rows(50, None))
            .unwrap()
            .replacen(",10,5,100,", ",10,6,100,", 1);
        let r = import(
            store,
            &admin(),
            req(Kind::Enterprises, "e.csv", changed.into_bytes(), true),
            None,
        )
        .await
        .unwrap();
        assert!(!r.imported && r.is_clean());
        assert_eq!((r.counts[1].1.updated, r.counts[1].1.unchanged), (1, 49));
        assert_eq!(count::<EnterpriseYear>(store).await, 50);
    });
}

#[tokio::test]
async fn every_export_imports_back_unchanged() {
    for_each_backend!(|db| {
        let store = &db.store;
        ensure_demo(store).await.unwrap();
        for kind in Kind::ALL {
            for format in [ExportFormat::Xlsx, ExportFormat::Csv] {
                let name = if format == ExportFormat::Csv {
                    "x.csv"
                } else {
                    "x.xlsx"
                };
                let bytes = export(store, &admin(), ExportWhat::Registry(kind), format)
                    .await
                    .unwrap();
                let r = import(store, &admin(), req(kind, name, bytes, false), None)
                    .await
                    .unwrap();
                assert!(r.imported, "{kind} {format:?}: {:?}", r.problems);
                for (table, c) in &r.counts {
                    assert_eq!((c.inserted, c.updated), (0, 0), "{kind} {format:?} {table}");
                    assert!(c.unchanged > 0, "{kind} {table}");
                }
            }
        }
    });
}

#[tokio::test]
async fn the_confirm_step_refuses_a_different_file_and_permissions_hold() {
    for_each_backend!(|db| {
        let store = &db.store;
        let check = import(
            store,
            &admin(),
            req(Kind::Enterprises, "e.csv", rows(3, None), true),
            None,
        )
        .await
        .unwrap();
        assert!(check.is_clean() && !check.imported);
        let mut confirm = req(Kind::Enterprises, "e.csv", rows(4, None), false);
        confirm.expect_sha256 = Some(check.sha256.clone());
        assert!(matches!(
            import(store, &admin(), confirm, None).await,
            Err(AppError::Conflict(_))
        ));
        let mut confirm = req(Kind::Enterprises, "e.csv", rows(3, None), false);
        confirm.expect_sha256 = Some(check.sha256);
        assert!(import(store, &admin(), confirm, None).await.unwrap().imported);
        let leader = Principal::User {
            id: 2,
            username: "leader".into(),
            role: Role::Leader,
            department: None,
            enterprise: None,
            ip: None,
        };
        assert!(matches!(
            import(
                store,
                &leader,
                req(Kind::Talents, "t.csv", Vec::new(), false),
                None
            )
            .await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            import(
                store,
                &Principal::Public,
                req(Kind::Talents, "t.csv", Vec::new(), false),
                None
            )
            .await,
            Err(AppError::Unauthenticated)
        ));
    });
}

#[tokio::test]
async fn qualifications_need_their_enterprise_and_derived_elements_cannot_be_imported() {
    for_each_backend!(|db| {
        let store = &db.store;
        import(
            store,
            &admin(),
            req(Kind::Enterprises, "e.csv", rows(2, None), false),
            None,
        )
        .await
        .unwrap();
        let q = format!(
            "统一社会信用代码,资质类型,证书编号,发证日期\n{},高新技术企业,GR1,2019-11-01\n{},科技型中小企业,TS1,2019-05-01\n",
            uscc(0),
            uscc(7)
        );
        let r = import(
            store,
            &admin(),
            req(Kind::Qualifications, "q.csv", q.into_bytes(), false),
            None,
        )
        .await
        .unwrap();
        assert_eq!(r.problems_total, 1, "{:?}", r.problems);
        assert_eq!(r.problems[0].row, Some(3));
        assert!(r.problems[0].message_en.contains("no such enterprise"));
        assert_eq!(count::<Qualification>(store).await, 0);
        let o = "区划代码,期间,指标,数值\n211102,2019,tech_sme_count,41\n";
        let r = import(
            store,
            &admin(),
            req(Kind::Observations, "o.csv", o.into(), false),
            None,
        )
        .await
        .unwrap();
        assert!(!r.imported && r.problems[0].message_en.contains("derived from the registries"));
    });
}
