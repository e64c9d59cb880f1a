//! Normalising and extracting a 1 MB policy text (budget: under 100 ms, issue 7).
//!
//! The text is the seed's glossed traditional original followed by the four development texts, repeated to
//! 1 MiB: every step (gloss removal, traditional → simplified, folding, outline, targets) does real work.
//! Run: `cargo bench -p plantrack-text --bench extract`; throughput is printed in MiB/s.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn policy_text_of(bytes: usize) -> String {
    let parts = [
        include_str!("../tests/fixtures/seed/plan-explanation.original.txt"),
        include_str!("../tests/fixtures/policy-texts/01_hainan_keji_fanshenzhang_2021-2023.txt"),
        include_str!("../tests/fixtures/policy-texts/09_jiangsu_kjt_2020_qiye_jiqun.txt"),
        include_str!("../tests/fixtures/policy-texts/14_panjin_yanhai_jingjidai_2018_gongzuo_fangan.txt"),
        include_str!("../tests/fixtures/policy-texts/20_shenyang_kjj_2019_summary_stats_only.txt"),
    ];
    let mut text = String::with_capacity(bytes + 8192);
    while text.len() < bytes {
        for p in parts {
            text.push_str(p);
            text.push('\n');
        }
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = policy_text_of(1 << 20);
    let mut group = c.benchmark_group("policy_text_1MiB");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("normalize", |b| {
        b.iter(|| plantrack_text::normalize(black_box(&text)))
    });
    group.bench_function("normalize_and_extract", |b| {
        b.iter(|| plantrack_text::extract(black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
