//! The in-memory derivation ([`RegistryFacts`]) gives exactly what the SQL derivation gives, for every rule and
//! for years, quarters and months, on a varied registry — on SQLite and (when configured) PostgreSQL.
#![allow(clippy::unwrap_used)]

use jiff::civil::{Date, date};
use plantrack_core::period::Period;
use plantrack_core::plan::model::DerivationRule;
use plantrack_core::qualify::Uscc;
use plantrack_store::enterprises::{
    Enterprise, EnterpriseRecord, EnterpriseRecordKind, EnterpriseYear, EnterpriseYearRow, Qualification,
};
use plantrack_store::registries::{Platform, PlatformKind, Talent, TechContract};
use plantrack_store::{Actor, Store, for_each_backend};
use rust_decimal::Decimal;

const ORGS: [&str; 3] = ["211102", "211103", "211102001"];

fn uscc(n: u32) -> String {
    Uscc::with_check_digit(&format!("91211102MA{n:07}"))
        .unwrap()
        .to_string()
}

/// A small deterministic pseudo-random sequence (no dependency needed for a fixture).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn day(&mut self, from_year: i16, years: u64) -> Date {
        let y = from_year + i16::try_from(self.next(years)).unwrap();
        date(y, 1, 1)
            .checked_add(jiff::Span::new().days(i64::try_from(self.next(365)).unwrap()))
            .unwrap()
    }
}

async fn seed(store: &Store) {
    let mut r = Lcg(7);
    let mut tx = store.begin(Actor::system()).await.unwrap();
    let mut rows = Vec::new();
    for n in 0..60u32 {
        let master_org = ORGS[r.next(3) as usize];
        for year in 2016..=2020 {
            if r.next(5) == 0 {
                continue;
            }
            rows.push(EnterpriseYearRow {
                enterprise: Enterprise {
                    uscc: uscc(n),
                    name: format!("企业{n}"),
                    founded_on: None,
                    org_unit_code: Some(master_org.into()),
                    industry_code: Some(if n % 4 == 0 { "I6510" } else { "C2614" }.into()),
                    high_tech_field: None,
                    reported_year: Some(year),
                },
                figures: EnterpriseYear {
                    uscc: uscc(n),
                    year,
                    org_unit_code: (r.next(4) > 0).then(|| ORGS[r.next(3) as usize].to_string()),
                    main_business_revenue: Some(Decimal::from(1500 + r.next(1500))),
                    above_scale_industrial: match r.next(6) {
                        0 => Some(true),
                        1 => Some(false),
                        _ => None,
                    },
                    rd_institution_level: (r.next(3) == 0).then(|| "市级".to_string()),
                    ..EnterpriseYear::default()
                },
            });
        }
    }
    tx.import_enterprise_years(&rows).await.unwrap();
    let mut quals = Vec::new();
    for n in 0..60u32 {
        for k in 0..r.next(4) {
            let on = r.day(2015, 6);
            let mut q = if r.next(2) == 0 {
                Qualification::high_tech(uscc(n), format!("GR{n}-{k}"), on)
            } else {
                Qualification::tech_sme(uscc(n), format!("TS{n}-{k}"), on, on.year())
            };
            if r.next(8) == 0 {
                q.revoked_on = Some(on.checked_add(jiff::Span::new().days(200)).unwrap());
            }
            quals.push(q);
        }
        if r.next(5) == 0 {
            tx.insert(&EnterpriseRecord {
                uscc: uscc(n),
                kind: EnterpriseRecordKind::RdInstitution,
                title: format!("研发中心{n}"),
                level: None,
                occurred_on: r.day(2015, 5),
                ended_on: (r.next(2) == 0).then(|| r.day(2019, 2)),
                detail: None,
                rank: None,
            })
            .await
            .unwrap();
        }
    }
    tx.import_rows(&quals).await.unwrap();
    let talents: Vec<Talent> = (0..40)
        .map(|i| Talent {
            name: format!("人才{i}"),
            category: if i % 3 == 0 {
                "青年人才"
            } else {
                "高端创新创业人才"
            }
            .into(),
            introduced_on: r.day(2016, 5),
            employer_uscc: None,
            org_unit_code: ORGS[r.next(3) as usize].into(),
            note: None,
        })
        .collect();
    tx.import_rows(&talents).await.unwrap();
    let contracts: Vec<TechContract> = (0..80)
        .map(|i| TechContract {
            contract_number: format!("2019210000{i:06}"),
            contract_type: "技术开发".into(),
            registered_on: r.day(2016, 5),
            seller_uscc: uscc(i % 60),
            buyer_name: None,
            turnover: Decimal::new(i64::try_from(r.next(100_000)).unwrap(), 2),
            tech_turnover: None,
            org_unit_code: ORGS[r.next(3) as usize].into(),
        })
        .collect();
    tx.import_rows(&contracts).await.unwrap();
    let platforms: Vec<Platform> = (0..12)
        .map(|i| Platform {
            name: format!("平台{i}"),
            kind: if i % 4 == 0 {
                PlatformKind::MakerSpace
            } else {
                PlatformKind::IndustrialTechInstitute
            },
            level: None,
            recognised_on: r.day(2016, 5),
            revoked_on: (i % 3 == 0).then(|| r.day(2019, 2)),
            org_unit_code: ORGS[r.next(3) as usize].into(),
            host_unit: None,
            host_uscc: None,
        })
        .collect();
    tx.import_rows(&platforms).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn in_memory_derivation_equals_the_sql_derivation() {
    for_each_backend!(|db| {
        let store = &db.store;
        seed(store).await;
        let facts = store.registry_facts().await.unwrap();
        assert!(!facts.is_empty());
        assert!(facts.latest_date().unwrap() >= date(2020, 1, 1));
        let mut periods = Vec::new();
        for y in 2016..=2020 {
            periods.push(Period::year_of(y).unwrap());
            for q in 1..=4 {
                periods.push(Period::quarter_of(y, q).unwrap());
            }
            for m in [1, 6, 11] {
                periods.push(Period::month_of(y, m).unwrap());
            }
        }
        let mut nonzero = 0;
        for rule in DerivationRule::ALL {
            for p in &periods {
                let sql = store.derive(rule, *p).await.unwrap();
                let mem = facts.derive(rule, *p);
                assert_eq!(mem, sql, "{} {p}", rule.name());
                nonzero += usize::from(!sql.is_empty());
            }
        }
        // The fixture exercises the rules: most (rule, period) pairs have values.
        assert!(nonzero > periods.len() * 4, "{nonzero}");
    });
}

#[tokio::test]
async fn a_registration_counts_from_its_issue_day_and_a_revocation_only_afterwards() {
    for_each_backend!(|db| {
        let store = &db.store;
        let mut tx = store.begin(Actor::system()).await.unwrap();
        tx.import_enterprise_years(&[EnterpriseYearRow {
            enterprise: Enterprise {
                uscc: uscc(1),
                name: "甲".into(),
                founded_on: None,
                org_unit_code: Some("211102".into()),
                industry_code: None,
                high_tech_field: None,
                reported_year: Some(2019),
            },
            figures: EnterpriseYear {
                uscc: uscc(1),
                year: 2019,
                ..EnterpriseYear::default()
            },
        }])
        .await
        .unwrap();
        let mut q = Qualification::tech_sme(uscc(1), "TS1", date(2019, 5, 10), 2019);
        q.revoked_on = Some(date(2019, 11, 1));
        tx.import_rows(&[q]).await.unwrap();
        tx.commit().await.unwrap();
        let facts = store.registry_facts().await.unwrap();
        for (p, expected) in [("2019Q1", 0), ("2019Q2", 1), ("2019Q3", 1), ("2019", 0)] {
            let p = Period::parse(p).unwrap();
            let sql = store
                .derive(DerivationRule::TechSmeRegistrations, p)
                .await
                .unwrap();
            let n: Decimal = sql.iter().map(|v| v.value).sum();
            assert_eq!(n, Decimal::from(expected), "{p}");
            assert_eq!(facts.derive(DerivationRule::TechSmeRegistrations, p), sql);
        }
    });
}

#[tokio::test]
async fn lookups_for_imports_find_stored_enterprises_and_org_units() {
    for_each_backend!(|db| {
        let store = &db.store;
        seed(store).await;
        let asked: Vec<String> = (55..65).map(uscc).collect();
        let known = store.known_usccs(&asked).await.unwrap();
        // Enterprises 0..60 exist (those with at least one year: nearly all).
        assert!(known.iter().all(|u| asked.contains(u)));
        assert!(!known.contains(&uscc(61)) && !known.contains(&uscc(64)));
        assert!(!known.is_empty());
        let many: Vec<String> = (0..2500).map(uscc).collect();
        assert_eq!(
            store.known_usccs(&many).await.unwrap().len(),
            store
                .known_usccs(&(0..60).map(uscc).collect::<Vec<_>>())
                .await
                .unwrap()
                .len()
        );
        assert!(store.org_unit_codes().await.unwrap().is_empty());
    });
}
