//! `plantrack gen`'s files: byte-identical for one seed, different for another, every file imports back without
//! a problem (in the printed order), a second import changes nothing, and the province's status computes from
//! the store with every target of the plan evaluated.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use plantrack_app::generate::province::{GenOptions, IMPORT_ORDER, file_name, write_csv_dir};
use plantrack_app::import::{ImportRequest, import};
use plantrack_app::status::PlanData;
use plantrack_app::{Principal, Role};
use plantrack_core::plan::OrgUnitCode;
use plantrack_exchange::Kind;
use plantrack_store::testing::TestDb;

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

fn files(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn one_seed_gives_byte_identical_files_and_another_seed_other_files() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    // More enterprises than one generator chunk, so that the threaded chunks are stitched together.
    let opts = GenOptions {
        enterprises: 9_000,
        seed: 7,
    };
    let sa = write_csv_dir(a.path(), opts).unwrap();
    write_csv_dir(b.path(), opts).unwrap();
    write_csv_dir(c.path(), GenOptions { seed: 8, ..opts }).unwrap();
    let (fa, fb, fc) = (files(a.path()), files(b.path()), files(c.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(
            bytes == &fb[name],
            "{name} differs between two runs with one seed"
        );
    }
    assert_ne!(fa["enterprises.csv"], fc["enterprises.csv"]);
    // Every kind has a file at this size, named for the bench scripts' globs.
    for kind in IMPORT_ORDER {
        assert!(fa.contains_key(&file_name(kind)), "no {}", file_name(kind));
    }
    let ent = sa.files.iter().find(|f| f.kind == Kind::Enterprises).unwrap();
    assert_eq!(ent.rows, 36_000);
    // Labelled synthetic: every enterprise name and every statistic's source.
    let text = String::from_utf8(fa["enterprises.csv"].clone()).unwrap();
    assert!(text.lines().skip(1).all(|l| l.contains("（演示）")));
    let obs = String::from_utf8(fa["observations.csv"].clone()).unwrap();
    assert!(obs.lines().skip(1).all(|l| l.contains("合成")));
}

#[tokio::test]
async fn the_files_import_back_cleanly_and_the_province_status_computes() {
    let dir = tempfile::tempdir().unwrap();
    let summary = write_csv_dir(
        dir.path(),
        GenOptions {
            enterprises: 600,
            seed: 3,
        },
    )
    .unwrap();
    let db = TestDb::sqlite().await;
    let store = &db.store;
    let mut imported = Vec::new();
    for f in &summary.files {
        let req = ImportRequest {
            kind: f.kind,
            file_name: file_name(f.kind),
            bytes: std::fs::read(&f.path).unwrap(),
            dry_run: false,
            expect_sha256: None,
        };
        let report = import(store, &admin(), req, None).await.unwrap();
        assert!(
            report.is_clean() && report.imported,
            "{}: {:#?}",
            f.kind,
            &report.problems[..report.problems.len().min(5)]
        );
        assert_eq!(report.rows_total, f.rows, "{}", f.kind);
        imported.push(f.kind);
    }
    assert_eq!(imported.first(), Some(&Kind::OrgUnits));
    // A second import of the biggest file changes nothing.
    let ent = summary
        .files
        .iter()
        .find(|f| f.kind == Kind::Enterprises)
        .unwrap();
    let again = import(
        store,
        &admin(),
        ImportRequest {
            kind: Kind::Enterprises,
            file_name: "enterprises.csv".into(),
            bytes: std::fs::read(&ent.path).unwrap(),
            dry_run: false,
            expect_sha256: None,
        },
        None,
    )
    .await
    .unwrap();
    assert!(
        again
            .counts
            .iter()
            .all(|(_, c)| c.inserted == 0 && c.updated == 0),
        "{:?}",
        again.counts
    );

    let data = PlanData::load(store).await.unwrap();
    assert_eq!(data.plan().org_units().len(), 115);
    let period = data.default_period().unwrap();
    assert_eq!(period.to_string(), "2020");
    let province = OrgUnitCode::parse("210000").unwrap();
    let report = data.status(&province, period);
    assert_eq!(report.targets.len(), data.plan().targets().len());
    let missing: Vec<String> = report
        .targets
        .iter()
        .filter(|t| t.value.is_none())
        .map(|t| t.id.to_string())
        .collect();
    assert!(missing.is_empty(), "no value for {missing:?}");
    // The province's counts are the sums of its cities'.
    let value = |org: &str, id: &str| {
        data.status(&OrgUnitCode::parse(org).unwrap(), period)
            .targets
            .iter()
            .find(|t| t.id.to_string() == id)
            .and_then(|t| t.value)
            .unwrap()
    };
    let cities: rust_decimal::Decimal = plantrack_app::generate::province::CITIES
        .iter()
        .map(|(code, _, _)| value(code, "tech_smes"))
        .sum();
    assert_eq!(value("210000", "tech_smes"), cities);
    assert!(cities > rust_decimal::Decimal::ZERO);
    db.finish().await;
}
