//! Qualification throughput: 1,000,000 generated enterprise profiles judged by both rule sets (科小, 高企, plus
//! 规上 and 加计扣除), without and with the gaps. Single-threaded, so the figures are per core.
//! Target (issue 3): ≥ 1,000,000 profiles per second per core for the rules without gaps.
//!
//! Run: `cargo bench -p plantrack-core --bench qualify`.
//!
//! Time is the benchmark thread's own CPU time (`/proc/thread-self/schedstat`), not wall time: the build machine
//! is shared, and a wall clock there measures the other jobs. Set `PLANTRACK_BENCH_WALL=1` for wall time.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::civil::Date;
use plantrack_core::qualify::input::{ExpertScoresInput, IpInput};
use plantrack_core::qualify::{
    EnterpriseInput, EnterpriseProfile, Num, Rules, Uscc, YearInput, evaluate, gaps, high_tech, tech_sme,
};
use rust_decimal::Decimal;

const PROFILES: usize = 1_000_000;

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// An amount in 万元 with two decimals, in [lo, hi).
    fn wan(&mut self, lo: u64, hi: u64) -> Num {
        let cents = lo * 100 + self.below((hi - lo) * 100);
        Num(Decimal::new(i64::try_from(cents).unwrap_or(0), 2))
    }
}

fn generate(n: usize) -> Vec<EnterpriseProfile> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let codes: Vec<Uscc> = (0..1000)
        .map(|i| Uscc::with_check_digit(&format!("91211102MA0{i:04}Q1")).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let industries = ["C3511", "C2651", "I6510", "M7320", "F5123", "C3911", "D4411"];
    let fields = ["电子信息", "新材料", "先进制造与自动化", "高技术服务"];
    (0..n)
        .map(|i| {
            let employees = 5 + rng.below(600);
            let tech_share = rng.below(45);
            let sales_base = 100 + rng.below(30_000);
            let rd_pct = rng.below(9);
            let years = (2015..=2017)
                .map(|year| {
                    let growth = 90 + rng.below(40);
                    let sales = sales_base * growth / 100;
                    let rd = sales * rd_pct / 100 + rng.below(20);
                    // Every twentieth profile lacks a figure, so that "cannot judge" paths are measured too.
                    let drop = i % 20 == 0 && year == 2015;
                    YearInput {
                        year: Num(Decimal::from(year)),
                        employees: Some(Num(Decimal::from(employees))),
                        tech_staff: Some(Num(Decimal::from(employees * tech_share / 100))),
                        sales_revenue: (!drop).then(|| Num(Decimal::from(sales))),
                        main_business_revenue: Some(Num(Decimal::from(sales * 95 / 100))),
                        total_revenue: Some(Num(Decimal::from(sales + 50))),
                        high_tech_revenue: Some(Num(Decimal::from(sales * (40 + rng.below(50)) / 100))),
                        total_assets: Some(rng.wan(sales / 2, sales + 1000)),
                        total_liabilities: Some(rng.wan(0, sales / 3 + 1)),
                        cost_expense_total: Some(Num(Decimal::from(sales * 85 / 100 + rd))),
                        rd_expense: Some(Num(Decimal::from(rd))),
                        rd_expense_domestic: Some(Num(Decimal::from(rd * (50 + rng.below(51)) / 100))),
                        conversions: Some(Num(Decimal::from(rng.below(7)))),
                        ..YearInput::default()
                    }
                })
                .collect();
            let input = EnterpriseInput {
                uscc: codes[i % codes.len()].to_string(),
                name: format!("企业{i}"),
                registered_on: Some(format!("{}-03-01", 2000 + rng.below(18))),
                industry_code: Some(industries[i % industries.len()].to_owned()),
                high_tech_field: (rng.below(10) > 1).then(|| fields[i % fields.len()].to_owned()),
                ip: Some(IpInput {
                    class_i: Some(Num(Decimal::from(rng.below(3) / 2))),
                    class_ii: Some(Num(Decimal::from(rng.below(7)))),
                }),
                ip_self_developed: Some(rng.below(2) == 0),
                years,
                expert_scores: (i % 3 == 0).then(|| ExpertScoresInput {
                    tech_advancement: Some(Num(Decimal::from(rng.below(9)))),
                    core_support: Some(Num(Decimal::from(rng.below(9)))),
                    ip_acquisition: Some(Num(Decimal::from(rng.below(7)))),
                    standards_bonus: Some(Num(Decimal::ZERO)),
                    conversion: Some(Num(Decimal::from(rng.below(31)))),
                    rd_management: Some(Num(Decimal::from(rng.below(21)))),
                }),
                ..EnterpriseInput::default()
            };
            EnterpriseProfile::from_input(&input).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

/// CPU time of the current thread, in nanoseconds, from the scheduler's own accounting.
struct ThreadCpuTime {
    wall: bool,
}

static WALL: WallTime = WallTime;

fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

impl Measurement for ThreadCpuTime {
    type Intermediate = (u64, std::time::Instant);
    type Value = Duration;

    fn start(&self) -> Self::Intermediate {
        (thread_cpu_ns().unwrap_or(0), std::time::Instant::now())
    }
    fn end(&self, (cpu, wall): Self::Intermediate) -> Duration {
        match thread_cpu_ns() {
            Some(now) if !self.wall => Duration::from_nanos(now.saturating_sub(cpu)),
            _ => wall.elapsed(),
        }
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

fn config() -> Criterion<ThreadCpuTime> {
    let wall = std::env::var_os("PLANTRACK_BENCH_WALL").is_some() || thread_cpu_ns().is_none();
    Criterion::default().with_measurement(ThreadCpuTime { wall })
}

fn bench(c: &mut Criterion<ThreadCpuTime>) {
    // Copy once so that each profile's heap parts lie in order, as they do when a store loads rows one after the
    // other; generation interleaves them with the inputs it frees.
    let profiles: Vec<EnterpriseProfile> = generate(PROFILES).to_vec();
    let as_of = Date::constant(2018, 6, 30);
    let rules = Rules::default();

    let mut g = c.benchmark_group("qualify");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(15));
    g.throughput(Throughput::Elements(PROFILES as u64));
    g.bench_function("rules_1m", |b| {
        b.iter(|| {
            for p in &profiles {
                black_box(evaluate(black_box(p), as_of, &rules));
            }
        });
    });
    g.bench_function("tech_sme_1m", |b| {
        b.iter(|| {
            for p in &profiles {
                black_box(tech_sme::evaluate(black_box(p), as_of, &rules));
            }
        });
    });
    g.bench_function("high_tech_1m", |b| {
        b.iter(|| {
            for p in &profiles {
                black_box(high_tech::evaluate(black_box(p), as_of, &rules));
            }
        });
    });
    // Gaps re-judge every option they propose (apply, then evaluate again), so they cost far more.
    g.measurement_time(Duration::from_secs(90));
    g.bench_function("rules_and_gaps_1m", |b| {
        b.iter(|| {
            for p in &profiles {
                let e = evaluate(black_box(p), as_of, &rules);
                black_box(gaps(p, &e, &rules));
            }
        });
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench
}
criterion_main!(benches);
