//! Benchmark: the eight indicators and their statuses for every org unit of a province-sized tree
//! (1 province, 14 cities, 100 districts = 115 units; annual data 2017–2020), on the embedded plan.
//! Target (issue 4): under 1 s. Run: `cargo bench -p plantrack-core --bench status`.

#![allow(clippy::unwrap_used)] // a benchmark on fixed, generated data

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use plantrack_core::indicator::Observations;
use plantrack_core::period::Period;
use plantrack_core::plan::{DataElementId, OrgUnitCode, Plan, embedded};
use plantrack_core::progress::plan_status;
use rust_decimal::Decimal;

/// The embedded plan with 13 more cities of 2101xx–2114xx and enough districts for 100 in all.
fn province_plan() -> (Plan, Vec<OrgUnitCode>) {
    let mut text = embedded::SHUANGTAIZI_TOML.to_string();
    let mut districts: Vec<String> = ["211102", "211103", "211104", "211122"]
        .map(String::from)
        .to_vec();
    let cities: Vec<u32> = (1..=14).filter(|c| *c != 11).collect();
    for (i, c) in cities.iter().enumerate() {
        let city = format!("21{c:02}00");
        text.push_str(&format!(
            "\n[[org_units]]\ncode = \"{city}\"\nname_zh = \"市{c}\"\nname_en = \"city {c}\"\nparent = \"210000\"\n"
        ));
        // 96 more districts over 13 cities: 7 or 8 each.
        let n = if i < 5 { 8 } else { 7 };
        for d in 1..=n {
            let code = format!("21{c:02}{d:02}");
            text.push_str(&format!(
                "\n[[org_units]]\ncode = \"{code}\"\nname_zh = \"区{code}\"\nname_en = \"district {code}\"\nparent = \"{city}\"\n"
            ));
            districts.push(code);
        }
    }
    let plan = Plan::from_toml(&text, "province.toml").unwrap_or_else(|e| panic!("{e}"));
    let codes = districts.iter().map(|c| OrgUnitCode::parse(c).unwrap()).collect();
    (plan, codes)
}

fn province_data(plan: &Plan, districts: &[OrgUnitCode]) -> Observations {
    let mut t = Observations::new();
    for (k, d) in districts.iter().enumerate() {
        for (yi, year) in (2017..=2020).enumerate() {
            let p = Period::year_of(year).unwrap();
            for (ei, el) in plan.data_elements().iter().enumerate() {
                // Deterministic, growing, district-specific values.
                let v = Decimal::from(1000 + (k as i64) * 37 + (ei as i64) * 101)
                    * Decimal::from(10 + yi as i64)
                    / Decimal::from(10);
                let v = if el.id.as_str() == "above_scale_tech_industrial_with_rd" {
                    v / Decimal::TWO
                } else {
                    v
                };
                t.insert(
                    d.clone(),
                    p,
                    DataElementId::parse(el.id.as_str()).unwrap(),
                    v.round_dp(0),
                )
                .unwrap();
            }
        }
    }
    t
}

fn bench(c: &mut Criterion) {
    let (plan, districts) = province_plan();
    let data = province_data(&plan, &districts);
    let units: Vec<OrgUnitCode> = plan.org_units().iter().map(|u| u.code.clone()).collect();
    assert_eq!(units.len(), 115);
    let period = Period::year_of(2019).unwrap();
    c.bench_function("status: 8 targets × 115 org units (province)", |b| {
        b.iter(|| {
            for u in &units {
                black_box(plan_status(&plan, &data, u, period));
            }
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
