//! Probe cost: a profiled function whose statements never allocate, against
//! the same function unprofiled; and two threads running it at once.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use memprof_bench::{arithmetic, arithmetic_profiled, ARITHMETIC_PROBES_PER_ITERATION};

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

/// Runs `work` `iters` times on each of `threads` threads at once; the time
/// per call on one thread.
fn concurrently(threads: usize, iters: u64, work: fn(u64) -> u64) -> Duration {
    let barrier = std::sync::Barrier::new(threads);
    let times: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..iters {
                        black_box(work(black_box(N)));
                    }
                    start.elapsed()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    times.into_iter().max().unwrap()
}

fn two_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("probe_threads");
    group.throughput(Throughput::Elements(N * ARITHMETIC_PROBES_PER_ITERATION));
    group.bench_function("profiled_1_thread", |b| {
        b.iter_custom(|iters| concurrently(1, iters, arithmetic_profiled))
    });
    group.bench_function("profiled_2_threads", |b| {
        b.iter_custom(|iters| concurrently(2, iters, arithmetic_profiled))
    });
    group.finish();
}

criterion_group!(benches, single_thread, two_threads);
criterion_main!(benches);
