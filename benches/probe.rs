//! Probe cost: a profiled function whose statements never allocate, against
//! the same function unprofiled; and two threads running it at once.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use memprof_bench::{
    arithmetic, arithmetic_profiled, time_on_threads, ARITHMETIC_PROBES_PER_ITERATION,
};

memprof::install!();

const N: u64 = 10_000;

fn single_thread(c: &mut Criterion) {
    let mut group = c.benchmark_group("probe");
    // Throughput in executed statements, so criterion reports time per probe.
    group.throughput(Throughput::Elements(N * ARITHMETIC_PROBES_PER_ITERATION));
    group.bench_function("unprofiled", |b| b.iter(|| arithmetic(black_box(N))));
    group.bench_function("profiled", |b| b.iter(|| arithmetic_profiled(black_box(N))));
    group.finish();
}

fn two_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("probe_threads");
    group.throughput(Throughput::Elements(N * ARITHMETIC_PROBES_PER_ITERATION));
    group.bench_function("profiled_1_thread", |b| {
        b.iter_custom(|iters| {
            time_on_threads(1, iters, &|| {
                black_box(arithmetic_profiled(black_box(N)));
            })
        })
    });
    group.bench_function("profiled_2_threads", |b| {
        b.iter_custom(|iters| {
            time_on_threads(2, iters, &|| {
                black_box(arithmetic_profiled(black_box(N)));
            })
        })
    });
    group.finish();
}

criterion_group!(benches, single_thread, two_threads);
criterion_main!(benches);
