//! Whole workloads, profiled against unprofiled, in the same binary and
//! run: the unprofiled runs use the system allocator and plain functions;
//! the profiled runs use `memprof::Alloc` and `#[memprof::profile]`;
//! `allocator_only` runs the plain functions on `memprof::Alloc`, which
//! splits the allocator's share of the cost from the probes'; the dhat runs
//! use dhat-rs's heap profiler, a peer.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use memprof_bench::{
    churn, churn_profiled, generate_text, seed, seed_profiled, use_backend, word_index,
    word_index_profiled, Backend, Switch,
};

#[global_allocator]
static ALLOCATOR: Switch = Switch;

const SEED_STRINGS: usize = 200_000;
const CHURN_ROUNDS: u64 = 200_000;

fn seed_workload(c: &mut Criterion) {
    let mut group = c.benchmark_group("seed");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("unprofiled", |b| {
        use_backend(Backend::System);
        b.iter_with_large_drop(|| seed(black_box(SEED_STRINGS)))
    });
    group.bench_function("allocator_only", |b| {
        use_backend(Backend::Memprof);
        b.iter_with_large_drop(|| seed(black_box(SEED_STRINGS)))
    });
    group.bench_function("profiled", |b| {
        use_backend(Backend::Memprof);
        b.iter_with_large_drop(|| seed_profiled(black_box(SEED_STRINGS)))
    });
    group.bench_function("dhat", |b| {
        use_backend(Backend::Dhat);
        let path = std::env::temp_dir().join("memprof-bench-dhat-heap.json");
        let profiler = dhat::Profiler::builder().file_name(&path).build();
        b.iter_with_large_drop(|| seed(black_box(SEED_STRINGS)));
        drop(profiler);
        let _ = std::fs::remove_file(path);
    });
    use_backend(Backend::System);
    group.finish();
}

fn word_index_workload(c: &mut Criterion) {
    let text = generate_text(20_000, 12);
    let mut group = c.benchmark_group("word_index");
    group.sample_size(20);
    group.bench_function("unprofiled", |b| {
        use_backend(Backend::System);
        b.iter_batched(|| (), |()| word_index(&text), BatchSize::PerIteration)
    });
    group.bench_function("allocator_only", |b| {
        use_backend(Backend::Memprof);
        b.iter_batched(|| (), |()| word_index(&text), BatchSize::PerIteration)
    });
    group.bench_function("profiled", |b| {
        use_backend(Backend::Memprof);
        b.iter_batched(
            || (),
            |()| word_index_profiled(&text),
            BatchSize::PerIteration,
        )
    });
    use_backend(Backend::System);
    group.finish();
}

fn churn_workload(c: &mut Criterion) {
    let mut group = c.benchmark_group("churn");
    group.sample_size(20);
    group.bench_function("unprofiled", |b| {
        use_backend(Backend::System);
        b.iter(|| churn(black_box(CHURN_ROUNDS)))
    });
    group.bench_function("allocator_only", |b| {
        use_backend(Backend::Memprof);
        b.iter(|| churn(black_box(CHURN_ROUNDS)))
    });
    group.bench_function("profiled", |b| {
        use_backend(Backend::Memprof);
        b.iter(|| churn_profiled(black_box(CHURN_ROUNDS)))
    });
    use_backend(Backend::System);
    group.finish();
}

criterion_group!(benches, seed_workload, word_index_workload, churn_workload);
criterion_main!(benches);
