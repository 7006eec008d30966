//! Full `analyze` of one product with three years of realistic history (target: ≥ 5,000
//! products/s on one core). Products come from the deterministic fixture generator, several
//! seeds so branch predictors and caches see varied data.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domain::analysis::analyze;
use domain::config::AnalysisConfig;
use domain::fixtures::{NOW, realistic_textbook};
use domain::history::ChartHistory;
use domain::time::days;

fn bench_analyze(c: &mut Criterion) {
    let products: Vec<_> = (1..=16).map(|seed| realistic_textbook(seed, NOW)).collect();
    let config = AnalysisConfig::default();
    let rank_points: usize = products.iter().map(|p| p.history[3].len()).sum::<usize>() / products.len();

    let mut group = c.benchmark_group(format!("analyze (3-year history, ~{rank_points} rank points)"));
    group.throughput(Throughput::Elements(1));
    let mut next = 0;
    group.bench_function("analyze", |b| {
        b.iter(|| {
            next = (next + 1) % products.len();
            black_box(analyze(black_box(&products[next]), NOW, &config))
        })
    });
    group.bench_function("analyze + chart history", |b| {
        b.iter(|| {
            next = (next + 1) % products.len();
            let product = black_box(&products[next]);
            let analysis = analyze(product, NOW, &config);
            black_box(ChartHistory::build(product, &analysis.sales, NOW, days(1095)))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_analyze);
criterion_main!(benches);
