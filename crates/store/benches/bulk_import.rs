//! Bulk import benchmark (issue 4 "Benchmarks"): the store's part of importing N enterprise-year rows into a
//! fresh SQLite store, next to `sqlite3`'s own `.import` of the same rows as CSV, in one run.
//!
//! Run: `cargo bench -p plantrack-store --bench bulk_import` (N = 1 000 000; set PLANTRACK_BENCH_ROWS to change,
//! PLANTRACK_TEST_PG_URL to add a PostgreSQL run). Rows are built in memory first (already validated, as the
//! exchange crate hands them over), so the figure is the store's cost alone.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use jiff::civil::date;
use plantrack_store::enterprises::{Enterprise, EnterpriseYear, EnterpriseYearRow};
use plantrack_store::{Actor, Store};
use rust_decimal::Decimal;

fn rows(n: usize) -> Vec<EnterpriseYearRow> {
    // 4 years per enterprise, 2017–2020, like `plantrack gen`.
    let years = [2017, 2018, 2019, 2020];
    (0..n)
        .map(|i| {
            let e = i / years.len();
            let year = years[i % years.len()];
            let money = |k: u64| {
                Some(Decimal::new(
                    (e as i64 * 7919 + k as i64 * 104_729) % 10_000_000,
                    2,
                ))
            };
            EnterpriseYearRow {
                enterprise: Enterprise {
                    uscc: format!("91{:06}MA{:08}X", 210000 + e % 1000, e),
                    name: format!("盘锦合成企业{e}有限公司"),
                    founded_on: Some(date(
                        2000 + (e % 20) as i16,
                        1 + (e % 12) as i8,
                        1 + (e % 28) as i8,
                    )),
                    org_unit_code: Some(format!("21{:04}", e % 100)),
                    industry_code: Some(format!("C{:04}", 1300 + e % 2000)),
                    high_tech_field: Some("先进制造与自动化".into()),
                    reported_year: Some(2020),
                },
                figures: EnterpriseYear {
                    uscc: format!("91{:06}MA{:08}X", 210000 + e % 1000, e),
                    year,
                    org_unit_code: Some(format!("21{:04}", e % 100)),
                    employees: Some((e % 500) as i64 + 10),
                    tech_staff: Some((e % 50) as i64),
                    sales_revenue: money(1),
                    main_business_revenue: money(2),
                    total_revenue: money(3),
                    high_tech_revenue: money(4),
                    total_assets: money(5),
                    total_liabilities: money(6),
                    total_cost: money(7),
                    rd_expense: money(8),
                    domestic_rd_expense: money(9),
                    ip_class1: Some((e % 5) as i64),
                    ip_class2: Some((e % 17) as i64),
                    rd_institution_level: if e % 7 == 0 { Some("市级".into()) } else { None },
                    achievements_transformed: Some((e % 3) as i64),
                    above_scale_industrial: None,
                },
            }
        })
        .collect()
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn write_csv(path: &std::path::Path, rows: &[EnterpriseYearRow]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for r in rows {
        let (e, y) = (&r.enterprise, &r.figures);
        writeln!(
            f,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            e.uscc,
            e.name,
            opt(&e.founded_on),
            opt(&y.org_unit_code),
            opt(&e.industry_code),
            opt(&e.high_tech_field),
            y.year,
            opt(&y.employees),
            opt(&y.tech_staff),
            opt(&y.sales_revenue),
            opt(&y.main_business_revenue),
            opt(&y.total_revenue),
            opt(&y.high_tech_revenue),
            opt(&y.total_assets),
            opt(&y.total_liabilities),
            opt(&y.total_cost),
            opt(&y.rd_expense),
            opt(&y.domestic_rd_expense),
            opt(&y.ip_class1),
            opt(&y.ip_class2),
            opt(&y.rd_institution_level),
            opt(&y.achievements_transformed),
        )
        .unwrap();
    }
    f.flush().unwrap();
}

/// CPU seconds (user + system, all threads) this process has used: on a loaded machine a steadier measure
/// than wall time. Linux only; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

async fn import(store: &Store, rows: &[EnterpriseYearRow]) -> (f64, f64) {
    let cpu = cpu_seconds();
    let t = Instant::now();
    let mut tx = store.begin(Actor::user("bench")).await.unwrap();
    let (m, y) = tx.import_enterprise_years(rows).await.unwrap();
    tx.commit().await.unwrap();
    let s = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    println!(
        "    enterprises +{} ~{} ={}, years +{} ~{} ={}",
        m.inserted, m.updated, m.unchanged, y.inserted, y.updated, y.unchanged
    );
    (s, cpu)
}

fn report(label: &str, n: usize, (secs, cpu): (f64, f64)) {
    println!(
        "{label:<58} {secs:>7.2} s wall {:>9.0} rows/s | {cpu:>6.2} s CPU {:>9.0} rows/CPU-s",
        n as f64 / secs,
        n as f64 / cpu.max(0.001)
    );
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("PLANTRACK_BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let data = rows(n);
    println!("built {n} rows in memory in {:.2} s", t.elapsed().as_secs_f64());

    let db = dir.path().join("bench.sqlite3");
    let store = Store::open(&plantrack_store::sqlite_url(&db)).await.unwrap();
    let first = import(&store, &data).await;
    report("store: import into empty SQLite (one transaction)", n, first);
    if std::env::var("PLANTRACK_BENCH_FIRST_ONLY").is_ok() {
        return;
    }
    let again = import(&store, &data).await;
    report("store: re-import, nothing changed", n, again);
    store.close().await;
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!("    database file {:.0} MB", size as f64 / 1e6);

    let csv = dir.path().join("bench.csv");
    write_csv(&csv, &data);
    let plain = dir.path().join("plain.sqlite3");
    let script = format!(
        "pragma journal_mode = wal;\npragma synchronous = normal;\n\
         create table t (uscc text, name text, founded_on text, org_unit_code text, industry_code text, \
         high_tech_field text, year integer, employees integer, tech_staff integer, sales_revenue text, \
         main_business_revenue text, total_revenue text, high_tech_revenue text, total_assets text, \
         total_liabilities text, total_cost text, rd_expense text, domestic_rd_expense text, ip_class1 integer, \
         ip_class2 integer, rd_institution_level text, achievements_transformed integer, unique (uscc, year));\n\
         .import --csv {} t\n",
        csv.display()
    );
    let script_file = dir.path().join("import.sql");
    std::fs::write(&script_file, &script).unwrap();
    // bash's `time` reports the child's CPU seconds on stderr (TIMEFORMAT "%U %S").
    let cmd = format!(
        "TIMEFORMAT='%U %S'; time sqlite3 '{}' < '{}' > /dev/null",
        plain.display(),
        script_file.display()
    );
    let t = Instant::now();
    let out = Command::new("bash").arg("-c").arg(&cmd).output();
    let secs = t.elapsed().as_secs_f64();
    match out {
        Ok(o) if o.status.success() => {
            let err = String::from_utf8_lossy(&o.stderr);
            let cpu: f64 = err
                .lines()
                .last()
                .map(|l| l.split_whitespace().filter_map(|v| v.parse::<f64>().ok()).sum())
                .unwrap_or(0.0);
            report(
                "sqlite3 .import of the same CSV (one table, unique index)",
                n,
                (secs, cpu),
            );
        }
        Ok(o) => println!("sqlite3 failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => println!("sqlite3 not available: {e}"),
    }

    // A PostgreSQL run when PLANTRACK_TEST_PG_URL is set (a fresh database, dropped afterwards).
    if let Some(pg) = plantrack_store::testing::TestDb::postgres().await {
        let first = import(&pg.store, &data).await;
        report("store: import into empty PostgreSQL (one transaction)", n, first);
        let again = import(&pg.store, &data).await;
        report("store: re-import into PostgreSQL, nothing changed", n, again);
        pg.finish().await;
    }
}
