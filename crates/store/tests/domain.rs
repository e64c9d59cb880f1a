//! Org units, observations, enterprises, plan files, derived data elements, accounts and backup/restore, on
//! SQLite and (when PLANTRACK_TEST_PG_URL is set) PostgreSQL.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use plantrack_core::period::Period;
use plantrack_core::plan::model::DerivationRule;
use plantrack_store::accounts::{Admission, AppUser, Role, ThrottlePolicy};
use plantrack_store::audit::AuditQuery;
use plantrack_store::enterprises::{
    Enterprise, EnterpriseRecord, EnterpriseRecordKind, EnterpriseYear, EnterpriseYearRow, Qualification,
};
use plantrack_store::observations::Observation;
use plantrack_store::org::OrgUnit;
use plantrack_store::registries::{Platform, PlatformKind, Talent, TechContract};
use plantrack_store::{Actor, ConflictKind, ListQuery, Store, StoreError, for_each_backend};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const DISTRICT: &str = "211102";
const OTHER: &str = "211103";

fn org(code: &str, name: &str, parent: Option<&str>, level: &str, from: Date, to: Option<Date>) -> OrgUnit {
    OrgUnit {
        code: code.into(),
        name: name.into(),
        parent_code: parent.map(Into::into),
        level: level.into(),
        valid_from: from,
        valid_to: to,
    }
}

async fn seed_org(store: &Store) {
    let mut tx = store.begin(Actor::system()).await.unwrap();
    let d0 = date(2000, 1, 1);
    for o in [
        org("2111", "盘锦市", None, "city", d0, None),
        org(DISTRICT, "双台子区", Some("2111"), "district", d0, None),
        org(OTHER, "兴隆台区", Some("2111"), "district", d0, None),
        org("211102001", "红旗街道", Some(DISTRICT), "street", d0, None),
        // A street that moved from 兴隆台区 to 双台子区 on 2019-07-01.
        org(
            "211103009",
            "新村街道",
            Some(OTHER),
            "street",
            d0,
            Some(date(2019, 6, 30)),
        ),
        org(
            "211103009",
            "新村街道",
            Some(DISTRICT),
            "street",
            date(2019, 7, 1),
            None,
        ),
    ] {
        tx.insert(&o).await.unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn org_tree_keeps_history_of_boundary_changes() {
    for_each_backend!(|db| {
        let store = &db.store;
        seed_org(store).await;
        let before = store.org_subtree_codes(DISTRICT, date(2019, 1, 1)).await.unwrap();
        assert_eq!(before, [DISTRICT, "211102001"]);
        let after = store.org_subtree_codes(DISTRICT, date(2020, 1, 1)).await.unwrap();
        assert_eq!(after, [DISTRICT, "211102001", "211103009"]);
        assert_eq!(
            store
                .org_subtree_codes("2111", date(2019, 1, 1))
                .await
                .unwrap()
                .len(),
            5
        );
        assert_eq!(store.org_units_on(date(2019, 1, 1)).await.unwrap().len(), 5);
        let street = store
            .org_unit_on("211103009", date(2019, 8, 1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(street.record.parent_code.as_deref(), Some(DISTRICT));
        assert!(
            store
                .org_unit_on("999999", date(2019, 8, 1))
                .await
                .unwrap()
                .is_none()
        );
    });
}

#[tokio::test]
async fn observations_for_a_subtree_and_period_range() {
    for_each_backend!(|db| {
        let store = &db.store;
        seed_org(store).await;
        let obs = |org: &str, p: &str, el: &str, v: Decimal| {
            Observation::new(
                org,
                Period::parse(p).unwrap(),
                el,
                v,
                Some("区统计局".into()),
                Some("alice".into()),
            )
        };
        let rows = vec![
            obs(DISTRICT, "2018", "gdp", dec!(1000000)),
            obs(DISTRICT, "2019", "gdp", dec!(1100000.50)),
            obs(DISTRICT, "2019Q4", "rd_expenditure", dec!(300)),
            obs("211102001", "2019-03", "rd_expenditure", dec!(12.5)),
            obs(OTHER, "2019", "gdp", dec!(5)),
            obs("211103009", "2019", "gdp", dec!(7)),
        ];
        let mut tx = store.begin(Actor::user("alice")).await.unwrap();
        let c = tx.upsert_many(&rows).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(c.inserted, 6);

        let got = store
            .observations_in(
                DISTRICT,
                date(2019, 12, 31),
                date(2019, 1, 1),
                date(2019, 12, 31),
                None,
            )
            .await
            .unwrap();
        let keys: Vec<(String, String, String)> = got
            .iter()
            .map(|o| {
                (
                    o.record.data_element.clone(),
                    o.record.org_unit_code.clone(),
                    o.record.period.clone(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("gdp".into(), DISTRICT.into(), "2019".into()),
                ("gdp".into(), "211103009".into(), "2019".into()),
                ("rd_expenditure".into(), DISTRICT.into(), "2019Q4".into()),
                ("rd_expenditure".into(), "211102001".into(), "2019-03".into()),
            ]
        );
        assert_eq!(got[0].record.value, dec!(1100000.5));
        let only = store
            .observations_in(
                DISTRICT,
                date(2019, 12, 31),
                date(2018, 1, 1),
                date(2019, 12, 31),
                Some(&["gdp".to_string()]),
            )
            .await
            .unwrap();
        assert_eq!(only.len(), 3);
        assert_eq!(
            store
                .observations_between(date(2019, 1, 1), date(2019, 12, 31))
                .await
                .unwrap()
                .len(),
            5
        );

        // Re-entering equal values (1100000.50 == 1100000.5) changes nothing.
        let mut tx = store.begin(Actor::user("alice")).await.unwrap();
        let c = tx.upsert_many(&rows).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (0, 0, 6));

        // Bounds that disagree with the period code are refused.
        let mut bad = rows[0].clone();
        bad.period = "2019".into();
        let mut tx = store.begin(Actor::user("alice")).await.unwrap();
        assert!(matches!(tx.insert(&bad).await, Err(StoreError::Invalid { .. })));
    });
}

fn uscc(n: u32) -> String {
    // Valid codes (GB 32100 check digit), as the import would hand over.
    plantrack_core::qualify::Uscc::with_check_digit(&format!("91211102MA{n:07}"))
        .unwrap()
        .as_str()
        .to_owned()
}

fn enterprise_row(
    n: u32,
    year: i32,
    industry: &str,
    revenue: Decimal,
    rd: Option<&str>,
) -> EnterpriseYearRow {
    EnterpriseYearRow {
        enterprise: Enterprise {
            uscc: uscc(n),
            name: format!("企业{n}-{year}"),
            founded_on: Some(date(2010, 1, 1)),
            org_unit_code: Some(DISTRICT.into()),
            industry_code: Some(industry.into()),
            high_tech_field: None,
            reported_year: Some(year),
        },
        figures: EnterpriseYear {
            uscc: uscc(n),
            year,
            org_unit_code: Some(if n.is_multiple_of(2) {
                DISTRICT.into()
            } else {
                "211102001".into()
            }),
            employees: Some(100),
            tech_staff: Some(20),
            main_business_revenue: Some(revenue),
            sales_revenue: Some(revenue),
            rd_expense: Some(dec!(100)),
            domestic_rd_expense: Some(dec!(90)),
            rd_institution_level: rd.map(Into::into),
            ..EnterpriseYear::default()
        },
    }
}

#[tokio::test]
async fn enterprise_import_is_idempotent_and_keeps_the_latest_master_data() {
    for_each_backend!(|db| {
        let store = &db.store;
        let rows: Vec<EnterpriseYearRow> = (0..30)
            .flat_map(|n| (2017..=2019).map(move |y| enterprise_row(n, y, "C3511", dec!(2500), None)))
            .collect();
        let mut tx = store.begin(Actor::user("importer")).await.unwrap();
        let (m, y) = tx.import_enterprise_years(&rows).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!((m.inserted, y.inserted), (30, 90));
        assert_eq!(
            store
                .enterprise_by_uscc(&uscc(3))
                .await
                .unwrap()
                .unwrap()
                .record
                .name,
            "企业3-2019"
        );

        let mut tx = store.begin(Actor::user("importer")).await.unwrap();
        let (m, y) = tx.import_enterprise_years(&rows).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            (
                m.unchanged,
                y.unchanged,
                m.updated + y.updated + m.inserted + y.inserted
            ),
            (30, 90, 0)
        );

        // An older report later does not overwrite the 2019 master data, but its figures do update.
        let mut old = enterprise_row(3, 2017, "C3511", dec!(2600), None);
        old.enterprise.name = "旧名称".into();
        let mut tx = store.begin(Actor::user("importer")).await.unwrap();
        let (m, y) = tx.import_enterprise_years(&[old]).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!((m.unchanged, y.updated), (1, 1));
        let profile = store.enterprise_profile(&uscc(3)).await.unwrap();
        assert_eq!(profile.enterprise.record.name, "企业3-2019");
        assert_eq!(
            profile.years.iter().map(|y| y.record.year).collect::<Vec<_>>(),
            [2017, 2018, 2019]
        );
        assert_eq!(profile.years[0].record.main_business_revenue, Some(dec!(2600)));
        assert_eq!(store.enterprise_years_of(2018).await.unwrap().len(), 30);
        let found = store
            .list::<Enterprise>(&ListQuery::default().search("企业2"))
            .await
            .unwrap();
        assert_eq!(found.total, 11); // 企业2, 企业20 … 企业29

        // A qualification for an unknown enterprise is refused; the whole batch with it.
        let mut tx = store.begin(Actor::user("importer")).await.unwrap();
        let err = tx
            .import_rows(&[
                Qualification::high_tech(uscc(1), "GR201921000001", date(2019, 11, 1)),
                Qualification::high_tech(uscc(999), "GR201921000002", date(2019, 11, 1)),
            ])
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Conflict {
                    kind: ConflictKind::Reference,
                    ..
                }
            ),
            "{err:?}"
        );
        drop(tx);
        assert_eq!(
            store
                .list::<Qualification>(&ListQuery::default())
                .await
                .unwrap()
                .total,
            0
        );
    });
}

#[test]
fn high_tech_certificates_last_three_years_and_registrations_one() {
    let q = Qualification::high_tech("x", "GR1", date(2017, 12, 1));
    assert_eq!(q.valid_until, date(2020, 11, 30));
    assert!(
        q.valid_on(date(2019, 12, 31)) && q.valid_on(date(2020, 11, 30)) && !q.valid_on(date(2020, 12, 1))
    );
    // Issued on 29 February: valid through 28 February three years on (as core's Certificate::valid_on).
    let leap = Qualification::high_tech("x", "GR2", date(2020, 2, 29));
    assert_eq!(leap.valid_until, date(2023, 2, 28));
    let sme = Qualification::tech_sme("x", "2019211102A0001", date(2019, 5, 1), 2019);
    assert_eq!((sme.year, sme.valid_until), (2019, date(2019, 12, 31)));
}

async fn seed_registries(store: &Store) {
    seed_org(store).await;
    // Enterprises 0..10 in 2019 (even: district itself, odd: 红旗街道).
    let mut rows = Vec::new();
    for n in 0..10 {
        let (industry, revenue) = if n < 6 {
            ("C3511", dec!(2000))
        } else {
            ("I6510", dec!(5000))
        };
        rows.push(enterprise_row(
            n,
            2019,
            industry,
            revenue,
            if n == 0 || n == 7 { Some("省级") } else { None },
        ));
    }
    rows.push(enterprise_row(5, 2018, "C3511", dec!(1999.99), None));
    let mut tx = store.begin(Actor::user("seed")).await.unwrap();
    tx.import_enterprise_years(&rows).await.unwrap();
    let quals = vec![
        Qualification::tech_sme(uscc(0), "2019-0", date(2019, 4, 1), 2019),
        Qualification::tech_sme(uscc(1), "2019-1", date(2019, 4, 1), 2019),
        Qualification::tech_sme(uscc(6), "2019-6", date(2019, 4, 1), 2019),
        Qualification::tech_sme(uscc(2), "2018-2", date(2018, 4, 1), 2018),
        {
            let mut r = Qualification::tech_sme(uscc(8), "2019-8", date(2019, 4, 1), 2019);
            r.revoked_on = Some(date(2019, 9, 1));
            r
        },
        Qualification::high_tech(uscc(2), "GR2017-2", date(2017, 1, 10)), // valid through 2020-01-09
        Qualification::high_tech(uscc(3), "GR2016-3", date(2016, 12, 1)), // expired 2019-11-30
        Qualification::high_tech(uscc(4), "GR2019-4", date(2019, 12, 31)), // valid on its first day
        Qualification::high_tech(uscc(0), "GR2019-0", date(2019, 6, 1)),  // both kinds: counted once per rule
    ];
    tx.import_rows(&quals).await.unwrap();
    tx.insert(&EnterpriseRecord {
        uscc: uscc(1),
        kind: EnterpriseRecordKind::RdInstitution,
        title: "企业技术中心".into(),
        level: Some("市级".into()),
        occurred_on: date(2018, 1, 1),
        ended_on: None,
        detail: None,
        rank: None,
    })
    .await
    .unwrap();
    tx.insert(&EnterpriseRecord {
        uscc: uscc(4),
        kind: EnterpriseRecordKind::RdInstitution,
        title: "已撤销中心".into(),
        level: None,
        occurred_on: date(2015, 1, 1),
        ended_on: Some(date(2019, 6, 30)),
        detail: None,
        rank: None,
    })
    .await
    .unwrap();
    let talent = |name: &str, cat: &str, on: Date, org: &str| Talent {
        name: name.into(),
        category: cat.into(),
        introduced_on: on,
        employer_uscc: None,
        org_unit_code: org.into(),
        note: None,
    };
    tx.import_rows(&[
        talent("甲", "高端创新创业人才", date(2019, 1, 1), DISTRICT),
        talent("乙", "高端创新创业人才", date(2019, 12, 31), "211102001"),
        talent("丙", "高端创新创业人才", date(2020, 1, 1), DISTRICT),
        talent("丁", "青年人才", date(2019, 5, 1), DISTRICT),
        talent("戊", "高端创新创业人才", date(2019, 5, 1), OTHER),
    ])
    .await
    .unwrap();
    let contract = |n: &str, on: Date, amount: Decimal, org: &str| TechContract {
        contract_number: n.into(),
        contract_type: "技术开发".into(),
        registered_on: on,
        seller_uscc: uscc(0),
        buyer_name: None,
        turnover: amount,
        tech_turnover: None,
        org_unit_code: org.into(),
    };
    tx.import_rows(&[
        contract("C1", date(2019, 2, 1), dec!(100.25), DISTRICT),
        contract("C2", date(2019, 12, 31), dec!(0.75), DISTRICT),
        contract("C3", date(2018, 12, 31), dec!(1000), DISTRICT),
        contract("C4", date(2019, 6, 1), dec!(50), OTHER),
    ])
    .await
    .unwrap();
    let platform = |name: &str, kind: PlatformKind, on: Date, revoked: Option<Date>| Platform {
        name: name.into(),
        kind,
        level: None,
        recognised_on: on,
        revoked_on: revoked,
        org_unit_code: DISTRICT.into(),
        host_unit: None,
        host_uscc: None,
    };
    tx.import_rows(&[
        platform(
            "研究院甲",
            PlatformKind::IndustrialTechInstitute,
            date(2018, 5, 1),
            None,
        ),
        platform(
            "研究院乙",
            PlatformKind::IndustrialTechInstitute,
            date(2019, 12, 31),
            None,
        ),
        platform(
            "研究院丙",
            PlatformKind::IndustrialTechInstitute,
            date(2018, 5, 1),
            Some(date(2019, 12, 31)),
        ),
        platform(
            "研究院丁",
            PlatformKind::IndustrialTechInstitute,
            date(2020, 1, 1),
            None,
        ),
        platform("众创空间", PlatformKind::MakerSpace, date(2018, 5, 1), None),
    ])
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

fn values(v: Vec<plantrack_store::derive::DerivedValue>) -> BTreeMap<String, Decimal> {
    v.into_iter().map(|d| (d.org_unit_code, d.value)).collect()
}

fn expect(pairs: &[(&str, Decimal)]) -> BTreeMap<String, Decimal> {
    pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
}

#[tokio::test]
async fn derived_elements_follow_the_registries() {
    for_each_backend!(|db| {
        let store = &db.store;
        seed_registries(store).await;
        let y2019 = Period::parse("2019").unwrap();
        let d = |rule| store.derive(rule, y2019);
        // tech_sme 2019: 0 (district), 1 (street), 6 (district); 8 revoked, 2 is 2018's.
        assert_eq!(
            values(d(DerivationRule::TechSmeRegistrations).await.unwrap()),
            expect(&[(DISTRICT, dec!(2)), ("211102001", dec!(1))])
        );
        // 高企 valid on 2019-12-31: 2, 4, 0 (3 expired).
        assert_eq!(
            values(
                d(DerivationRule::HighTechCertificatesValidAtYearEnd)
                    .await
                    .unwrap()
            ),
            expect(&[(DISTRICT, dec!(3))])
        );
        // 规上工业 (C, ≥ 2000) ∩ 科技型: 0, 1, 2, 4 (6 is not industrial; 3 has no valid qualification).
        assert_eq!(
            values(d(DerivationRule::AboveScaleTechIndustrial).await.unwrap()),
            expect(&[(DISTRICT, dec!(3)), ("211102001", dec!(1))])
        );
        // … with an R&D institution: 0 (year's level), 1 (institution record); 4's ended in June.
        assert_eq!(
            values(d(DerivationRule::AboveScaleTechIndustrialWithRd).await.unwrap()),
            expect(&[(DISTRICT, dec!(1)), ("211102001", dec!(1))])
        );
        assert_eq!(
            values(d(DerivationRule::HighEndTalentsIntroduced).await.unwrap()),
            expect(&[(DISTRICT, dec!(1)), ("211102001", dec!(1)), (OTHER, dec!(1))])
        );
        assert_eq!(
            values(d(DerivationRule::TechContractTurnover).await.unwrap()),
            expect(&[(DISTRICT, dec!(101)), (OTHER, dec!(50))])
        );
        // Institutes at 2019-12-31: 甲, 乙 (丙 revoked that day, 丁 later).
        assert_eq!(
            values(
                d(DerivationRule::IndustrialTechInstitutesRecognised)
                    .await
                    .unwrap()
            ),
            expect(&[(DISTRICT, dec!(2))])
        );
        // 2018: enterprise 5's 2018 revenue is under the threshold, 2 holds a 2018 registration.
        let y2018 = Period::parse("2018").unwrap();
        assert_eq!(
            values(
                store
                    .derive(DerivationRule::TechSmeRegistrations, y2018)
                    .await
                    .unwrap()
            ),
            expect(&[(DISTRICT, dec!(1))])
        );
        let q = Period::parse("2019Q1").unwrap();
        assert_eq!(
            values(
                store
                    .derive(DerivationRule::TechContractTurnover, q)
                    .await
                    .unwrap()
            ),
            expect(&[(DISTRICT, dec!(100.25))])
        );
        let evidence = store
            .derive_evidence(DerivationRule::TechContractTurnover, y2019)
            .await
            .unwrap();
        assert_eq!(
            evidence.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(),
            ["C1", "C2", "C4"]
        );
        assert_eq!(
            store.derive_all(y2019).await.unwrap().len(),
            DerivationRule::ALL.len()
        );
    });
}

#[tokio::test]
async fn a_stored_enterprise_becomes_the_qualification_rules_input() {
    for_each_backend!(|db| {
        let store = &db.store;
        seed_registries(store).await;
        let mut tx = store.begin(Actor::system()).await.unwrap();
        for (kind, title, level, rank) in [
            (
                EnterpriseRecordKind::Award,
                "国家科技进步奖",
                Some("national"),
                Some(2),
            ),
            (
                EnterpriseRecordKind::Standard,
                "某行业标准",
                Some("行业标准"),
                None,
            ),
            (
                EnterpriseRecordKind::Incident,
                "安全事故",
                Some("major_safety"),
                None,
            ),
        ] {
            tx.insert(&EnterpriseRecord {
                uscc: uscc(1),
                kind,
                title: title.into(),
                level: level.map(Into::into),
                occurred_on: date(2018, 3, 1),
                ended_on: None,
                detail: None,
                rank,
            })
            .await
            .unwrap();
        }
        tx.import_rows(&[Qualification::high_tech(uscc(1), "GR-1", date(2018, 10, 1))])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let input = store.enterprise_profile(&uscc(1)).await.unwrap().to_input();
        assert_eq!(input.years.len(), 1);
        assert_eq!(
            input.certificates.len(),
            2,
            "the 2019 registration and the certificate"
        );
        assert_eq!(
            (
                input.national_awards.len(),
                input.standards_led.len(),
                input.incidents.len()
            ),
            (1, 1, 1)
        );
        assert_eq!(input.rd_institutions.len(), 1);
        // The rules' own checker accepts it.
        let profile = plantrack_core::qualify::EnterpriseProfile::from_input(&input).unwrap();
        assert_eq!(profile.years().len(), 1);
        assert_eq!(profile.national_awards()[0].rank, 2);
    });
}

#[tokio::test]
async fn plan_files_are_versioned() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut tx = store.begin(Actor::user("admin")).await.unwrap();
        let r1 = tx.save_plan_file("p", "a = 1\n", Some("初版")).await.unwrap();
        let same = tx.save_plan_file("p", "a = 1\n", None).await.unwrap();
        let r2 = tx.save_plan_file("p", "a = 2\n", Some("修订")).await.unwrap();
        tx.save_plan_file("q", "b = 1\n", None).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!((r1.record.revision, same.id, r2.record.revision), (1, r1.id, 2));
        assert_eq!(
            store
                .current_plan_file("p")
                .await
                .unwrap()
                .unwrap()
                .record
                .content,
            "a = 2\n"
        );
        assert!(store.current_plan_file("none").await.unwrap().is_none());
        let plans = store.plan_files().await.unwrap();
        assert_eq!(
            plans
                .iter()
                .map(|p| (p.record.plan_key.as_str(), p.record.revision))
                .collect::<Vec<_>>(),
            [("p", 2), ("q", 1)]
        );
        assert!(plans.iter().all(|p| !p.record.draft));
    });
}

#[tokio::test]
async fn draft_plans_are_stored_beside_the_others_and_never_take_their_key() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut tx = store.begin(Actor::user("admin")).await.unwrap();
        tx.save_plan_file("p", "a = 1\n", None).await.unwrap();
        let d = tx
            .save_draft_plan_file("draft_p", "a = 2\n", Some("起草"))
            .await
            .unwrap();
        assert!(tx.plan_key_taken("draft_p").await.unwrap());
        assert!(!tx.plan_key_taken("draft_q").await.unwrap());
        // A draft under a taken key — a draft or the plan in force — is refused, not a new revision.
        for key in ["p", "draft_p"] {
            let err = tx.save_draft_plan_file(key, "a = 3\n", None).await.unwrap_err();
            assert!(matches!(err, StoreError::Conflict { .. }), "{key}: {err}");
        }
        tx.commit().await.unwrap();
        assert!(d.record.draft && d.record.revision == 1);
        let plans = store.plan_files().await.unwrap();
        let summary: Vec<_> = plans
            .iter()
            .map(|p| (p.record.plan_key.as_str(), p.record.revision, p.record.draft))
            .collect();
        assert_eq!(summary, [("draft_p", 1, true), ("p", 1, false)]);
        assert_eq!(
            store
                .current_plan_file("p")
                .await
                .unwrap()
                .unwrap()
                .record
                .content,
            "a = 1\n"
        );
    });
}

fn user(name: &str, role: Role) -> AppUser {
    AppUser {
        username: name.into(),
        display_name: None,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        role,
        department_code: None,
        enterprise_uscc: None,
        disabled: false,
    }
}

#[tokio::test]
async fn the_data_version_moves_with_data_and_on_sqlite_not_with_sign_ins() {
    for_each_backend!(|db| {
        let store = &db.store;
        let v0 = store.data_version().await.unwrap();
        let mut tx = store.begin(Actor::system()).await.unwrap();
        let bob = tx.insert(&user("bob", Role::Admin)).await.unwrap();
        tx.create_session(bob.id, SignedDuration::from_hours(8), None, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let v1 = store.data_version().await.unwrap();
        if store.backend() == plantrack_store::Backend::Sqlite {
            // Accounts and sign-ins change nothing a cached result is computed from.
            assert_eq!(v0, v1, "an account and a sign-in moved the data version");
        }
        let mut tx = store.begin(Actor::user("bob")).await.unwrap();
        tx.insert(&Talent {
            name: "赵六".into(),
            category: "其他".into(),
            introduced_on: date(2019, 4, 1),
            employer_uscc: None,
            org_unit_code: "211102".into(),
            note: None,
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let v2 = store.data_version().await.unwrap();
        assert_ne!(v1, v2, "a registry write must move the data version");
        // A second instance reads the same version. On PostgreSQL the snapshot also moves with every other
        // transaction on the server (the other tests run side by side), so equality holds only on SQLite here.
        let other = db.reopen().await.unwrap().data_version().await.unwrap();
        if store.backend() == plantrack_store::Backend::Sqlite {
            assert_eq!(other, v2);
        } else {
            assert!(!other.is_empty());
        }
    });
}

#[tokio::test]
async fn sessions_tokens_and_throttling_live_in_the_store() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut tx = store.begin(Actor::system()).await.unwrap();
        let alice = tx.insert(&user("alice", Role::Admin)).await.unwrap();
        let (token, session) = tx
            .create_session(
                alice.id,
                SignedDuration::from_hours(8),
                Some("10.0.0.2"),
                Some("test"),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_ne!(session.session_id, token, "only the hash is stored");
        // Instants are stored in milliseconds.
        let now = Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap();

        // A second server instance on the same database sees the session.
        let other = db.reopen().await.unwrap();
        let (s, u) = other.session_by_token(&token, now).await.unwrap().unwrap();
        assert_eq!(
            (s.csrf_token.as_str(), u.record.username.as_str()),
            (session.csrf_token.as_str(), "alice")
        );
        assert!(other.session_by_token("wrong", now).await.unwrap().is_none());
        let later = now.checked_add(SignedDuration::from_hours(9)).unwrap();
        assert!(
            other.session_by_token(&token, later).await.unwrap().is_none(),
            "expired"
        );
        let soon = now.checked_add(SignedDuration::from_hours(2)).unwrap();
        other
            .touch_session(&s, soon, SignedDuration::from_hours(8))
            .await
            .unwrap();
        assert!(
            other.session_by_token(&token, later).await.unwrap().is_some(),
            "sliding expiry"
        );

        let (raw, api) = {
            let mut tx = store.begin(Actor::user("alice")).await.unwrap();
            let t = tx.create_api_token(alice.id, "cli", None).await.unwrap();
            tx.commit().await.unwrap();
            t
        };
        assert_eq!(
            store.user_by_api_token(&raw, now).await.unwrap().unwrap().1.id,
            alice.id
        );
        assert_eq!(
            store.api_tokens_of(alice.id).await.unwrap()[0].last_used_at,
            Some(now)
        );

        // Disabling the user stops its session and token.
        let mut disabled = alice.record.clone();
        disabled.disabled = true;
        let mut tx = store.begin(Actor::user("root")).await.unwrap();
        tx.update(alice.id, 1, &disabled).await.unwrap();
        tx.commit().await.unwrap();
        assert!(store.session_by_token(&token, now).await.unwrap().is_none());
        assert!(store.user_by_api_token(&raw, now).await.unwrap().is_none());
        let mut tx = store.begin(Actor::user("root")).await.unwrap();
        tx.update(alice.id, 2, &alice.record).await.unwrap();
        tx.revoke_api_token(api.id).await.unwrap();
        tx.delete_session(&token).await.unwrap();
        tx.commit().await.unwrap();
        assert!(store.user_by_api_token(&raw, now).await.unwrap().is_none());
        assert!(store.session_by_token(&token, now).await.unwrap().is_none());

        // The audit log has login/logout and never the password hash.
        let events = store.audit_events(&AuditQuery::default()).await.unwrap();
        let actions: Vec<&str> = events.items.iter().rev().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "create", "login", "create", "update", "update", "revoke", "logout"
            ]
        );
        for e in &events.items {
            let text = format!("{:?}{:?}", e.before, e.after);
            assert!(!text.contains("argon2id$"), "{text}");
        }

        // Throttling: an attempt is admitted (and counted) before its password is checked; the fifth failure
        // locks; a lock is visible from the other instance and refuses the next attempt; a window later the
        // count starts again; reset clears it. The refusals and the lock are audited.
        let policy = ThrottlePolicy::default();
        let keys = vec!["user:alice".to_owned()];
        let who = || Actor {
            name: "public".into(),
            ip: Some("192.0.2.7".into()),
        };
        for _ in 1..=4 {
            let admitted = store
                .throttle_admit(&keys, "alice", now, policy, who())
                .await
                .unwrap();
            assert!(matches!(admitted, Admission::Allowed));
            let locked = store
                .throttle_failed(&keys, "alice", "bad password", now, policy, who())
                .await
                .unwrap();
            assert_eq!(locked, None);
        }
        let admitted = other
            .throttle_admit(&keys, "alice", now, policy, who())
            .await
            .unwrap();
        assert!(matches!(admitted, Admission::Allowed));
        let locked = other
            .throttle_failed(&keys, "alice", "bad password", now, policy, who())
            .await
            .unwrap();
        assert!(locked.is_some());
        let admitted = store
            .throttle_admit(&keys, "alice", now, policy, who())
            .await
            .unwrap();
        assert!(matches!(admitted, Admission::Locked { .. }), "{admitted:?}");
        let after_lock = now.checked_add(SignedDuration::from_mins(16)).unwrap();
        let admitted = store
            .throttle_admit(&keys, "alice", after_lock, policy, who())
            .await
            .unwrap();
        assert!(matches!(admitted, Admission::Allowed), "{admitted:?}");
        store.throttle_reset("user:alice").await.unwrap();
        let admitted = store
            .throttle_admit(&keys, "alice", now, policy, who())
            .await
            .unwrap();
        assert!(matches!(admitted, Admission::Allowed));
        store.throttle_reset("user:alice").await.unwrap();
        let audited = store.audit_events(&AuditQuery::default()).await.unwrap();
        let actions: Vec<&str> = audited.items.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"login_failed"), "{actions:?}");
        assert!(actions.contains(&"lockout"), "{actions:?}");
        assert!(actions.contains(&"login_locked"), "{actions:?}");
        assert_eq!(store.purge_expired_sessions(later).await.unwrap(), 0);
        other.close().await;
    });
}

#[tokio::test]
async fn backup_and_restore_round_trip_on_both_engines() {
    for_each_backend!(|db| {
        let store = &db.store;
        seed_registries(store).await;
        // Bytes travel too (BLOB / BYTEA).
        let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let mut tx = store.begin(Actor::user("jx")).await.unwrap();
        let meta = tx
            .add_attachment(&plantrack_store::supervision::NewAttachment {
                plan_key: "p".into(),
                item_key: "t1".into(),
                file_name: "佐证.pdf".into(),
                media_type: "application/pdf".into(),
                content: bytes.clone(),
            })
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let native = dir.path().join("backup.bin");
        let logical = dir.path().join("backup.jsonl");
        store.backup(&native).await.unwrap();
        store.export_logical(&logical).await.unwrap();
        assert!(
            matches!(store.backup(&native).await, Err(StoreError::Invalid { .. })),
            "never overwrites"
        );
        let y2019 = Period::parse("2019").unwrap();
        let before = store.derive_all(y2019).await.unwrap();
        let audit_before = store.audit_events(&AuditQuery::default()).await.unwrap().total;

        // Change things, then restore each backup kind.
        let mut tx = store.begin(Actor::user("x")).await.unwrap();
        let c = store
            .list::<TechContract>(&ListQuery::default())
            .await
            .unwrap()
            .items
            .remove(0);
        tx.delete::<TechContract>(c.id, c.version).await.unwrap();
        tx.commit().await.unwrap();
        assert_ne!(store.derive_all(y2019).await.unwrap(), before);

        for file in [&native, &logical] {
            let summary = store.restore(file, Actor::user("admin")).await.unwrap();
            assert_eq!(summary.rows["tech_contract"], 4);
            assert_eq!(store.attachment(meta.id).await.unwrap().unwrap().content, bytes);
            assert_eq!(store.derive_all(y2019).await.unwrap(), before);
            // The restored audit log, plus the restore's own event.
            assert_eq!(
                store.audit_events(&AuditQuery::default()).await.unwrap().total,
                audit_before + 1
            );
            // New rows get fresh ids after a restore.
            let mut tx = store.begin(Actor::user("x")).await.unwrap();
            tx.insert(&Talent {
                name: "新".into(),
                category: "x".into(),
                introduced_on: date(2020, 1, 1),
                employer_uscc: None,
                org_unit_code: DISTRICT.into(),
                note: None,
            })
            .await
            .unwrap();
            drop(tx);
        }

        // Across engines: a backup of this store restores into a fresh SQLite store.
        let target = plantrack_store::testing::TestDb::sqlite().await;
        target.store.restore(&native, Actor::system()).await.unwrap();
        assert_eq!(target.store.derive_all(y2019).await.unwrap(), before);
        target.finish().await;

        // A damaged logical export restores nothing.
        let text = std::fs::read_to_string(&logical).unwrap();
        let broken = dir.path().join("broken.jsonl");
        std::fs::write(&broken, format!("{}\n[1, 2\n", text.trim_end())).unwrap();
        let mut tx = store.begin(Actor::user("x")).await.unwrap();
        let c = store
            .list::<TechContract>(&ListQuery::default())
            .await
            .unwrap()
            .items
            .remove(0);
        tx.delete::<TechContract>(c.id, c.version).await.unwrap();
        tx.commit().await.unwrap();
        assert!(store.restore(&broken, Actor::system()).await.is_err());
        assert_eq!(
            store
                .list::<TechContract>(&ListQuery::default())
                .await
                .unwrap()
                .total,
            3
        );
    });
}
