//! Allocator cost: `memprof::Alloc` against `System` and bare
//! `stats_alloc::StatsAlloc<System>`, called directly (so all three are
//! measured in one binary), on one thread and on two at once.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use memprof_bench::time_on_threads;
use stats_alloc::StatsAlloc;

static STATS: StatsAlloc<System> = StatsAlloc::system();
static MEMPROF: memprof::Alloc = memprof::Alloc::system();

/// One allocation and its free.
fn alloc_free<A: GlobalAlloc>(a: &A, size: usize) {
    let layout = Layout::from_size_align(size, 8).unwrap();
    unsafe {
        let p = a.alloc(layout);
        black_box(p);
        a.dealloc(p, layout);
    }
}

/// A `Vec`'s growth: 16 bytes doubled by realloc up to 64 KiB, then freed.
fn realloc_growth<A: GlobalAlloc>(a: &A) {
    let mut layout = Layout::from_size_align(16, 8).unwrap();
    unsafe {
        let mut p = a.alloc(layout);
        while layout.size() < 64 * 1024 {
            let new_size = layout.size() * 2;
            p = a.realloc(p, layout, new_size);
            layout = Layout::from_size_align(new_size, 8).unwrap();
            black_box(p);
        }
        a.dealloc(p, layout);
    }
}

/// The three patterns through one allocator, called statically (no
/// dynamic dispatch in the measured loop).
fn bench_allocator<A: GlobalAlloc + Sync>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    threads: usize,
    name: &str,
    a: &'static A,
) {
    group.bench_function(format!("{name}/64B"), |b| {
        b.iter_custom(|iters| time_on_threads(threads, iters, &|| alloc_free(a, 64)))
    });
    group.bench_function(format!("{name}/4KiB"), |b| {
        b.iter_custom(|iters| time_on_threads(threads, iters, &|| alloc_free(a, 4096)))
    });
    group.bench_function(format!("{name}/growth"), |b| {
        b.iter_custom(|iters| time_on_threads(threads, iters, &|| realloc_growth(a)))
    });
}

fn patterns(c: &mut Criterion) {
    for threads in [1, 2] {
        let mut group = c.benchmark_group(format!("alloc_{threads}t"));
        bench_allocator(&mut group, threads, "system", &System);
        bench_allocator(&mut group, threads, "stats_alloc", &STATS);
        bench_allocator(&mut group, threads, "memprof", &MEMPROF);
        group.finish();
    }
}

criterion_group!(benches, patterns);
criterion_main!(benches);
