//! Province status benchmark (issue 4 "Benchmarks"): every target of the plan (eight indicators) for every org
//! unit of the province-sized data set (1 province, 14 cities, 100 districts), from the store — the registry
//! facts and observations loaded in a few queries, the derived elements computed for every unit and period,
//! then the indicators evaluated. Target: under 1 s.
//!
//! Run: `PLANTRACK_BENCH_DB=path.sqlite3 cargo bench -p plantrack-app --bench province_status` on a store filled
//! by `scripts/bench-import.sh` (250,000 enterprises); without `PLANTRACK_BENCH_DB` the bench generates
//! `PLANTRACK_BENCH_ENTERPRISES` (default 50,000) enterprises with `plantrack gen`'s generator and imports them
//! into a temporary store first.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use plantrack_app::generate::province::{GenOptions, file_name, write_csv_dir};
use plantrack_app::import::{ImportRequest, import};
use plantrack_app::status::{PlanData, StatusQuery, status};
use plantrack_app::{Principal, Role};
use plantrack_store::Store;

/// The allocator the `plantrack` binary uses, so that the figure is the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn admin() -> Principal {
    Principal::User {
        id: 1,
        username: "bench".into(),
        role: Role::Admin,
        department: None,
        enterprise: None,
        ip: None,
    }
}

async fn filled_store(dir: &std::path::Path) -> Store {
    let n: u64 = std::env::var("PLANTRACK_BENCH_ENTERPRISES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let summary = write_csv_dir(
        &dir.join("gen"),
        GenOptions {
            enterprises: n,
            seed: 1,
        },
    )
    .unwrap();
    let store = Store::open(&plantrack_store::sqlite_url(&dir.join("bench.sqlite3")))
        .await
        .unwrap();
    let t = Instant::now();
    for f in &summary.files {
        let req = ImportRequest {
            kind: f.kind,
            file_name: file_name(f.kind),
            bytes: std::fs::read(&f.path).unwrap(),
            dry_run: false,
            expect_sha256: None,
        };
        let report = import(&store, &admin(), req, None).await.unwrap();
        assert!(report.is_clean(), "{}: {:?}", f.kind, report.problems.first());
    }
    println!(
        "generated and imported {n} enterprises in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    store
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = match std::env::var("PLANTRACK_BENCH_DB") {
        Ok(path) => Store::open(&plantrack_store::sqlite_url(std::path::Path::new(&path)))
            .await
            .unwrap(),
        Err(_) => filled_store(dir.path()).await,
    };
    let (mut loads, mut evals, mut totals, mut single) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut summary = String::new();
    for _ in 0..5 {
        let t = Instant::now();
        let data = PlanData::load(&store).await.unwrap();
        let loaded = t.elapsed();
        let period = data.default_period().unwrap();
        let t2 = Instant::now();
        let (mut targets, mut with_value) = (0, 0);
        for u in data.plan().org_units() {
            let r = data.status(&u.code, period);
            targets += r.targets.len();
            with_value += r.targets.iter().filter(|t| t.value.is_some()).count();
        }
        let evaluated = t2.elapsed();
        loads.push(loaded);
        evals.push(evaluated);
        totals.push(t.elapsed());
        summary = format!(
            "{} org units, period {period}: {targets} targets evaluated ({with_value} with a value)",
            data.plan().org_units().len()
        );
        // The use case as `plantrack status` and the API call it: load, then one org unit.
        let t = Instant::now();
        let q = StatusQuery {
            org_unit: Some("210000".into()),
            period: None,
        };
        status(&store, &admin(), &q).await.unwrap();
        single.push(t.elapsed());
    }
    println!("{summary}");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "province status, every org unit (median of 5): {:.0} ms = load from the store {:.0} ms + evaluate {:.0} ms",
        ms(median(totals)),
        ms(median(loads)),
        ms(median(evals))
    );
    println!(
        "app::status for the province alone (median of 5): {:.0} ms",
        ms(median(single))
    );
    store.close().await;
}
