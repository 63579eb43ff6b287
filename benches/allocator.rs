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

/// What one benchmark iteration does.
#[derive(Clone, Copy)]
enum Pattern {
    /// `alloc_free` of 64 B.
    Small,
    /// `alloc_free` of 4 KiB.
    Page,
    /// `realloc_growth`.
    Growth,
}

impl Pattern {
    const ALL: [Pattern; 3] = [Pattern::Small, Pattern::Page, Pattern::Growth];
}

/// One pattern through one allocator, called statically (no dynamic
/// dispatch in the measured loop but `time_on_threads`' call of the
/// closure, the same for every allocator).
fn bench_allocator<A: GlobalAlloc + Sync>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    threads: usize,
    name: &str,
    pattern: Pattern,
    a: &'static A,
) {
    let mut bench = |id: &str, work: &(dyn Fn() + Sync)| {
        group.bench_function(format!("{name}/{id}"), |b| {
            b.iter_custom(|iters| time_on_threads(threads, iters, work))
        });
    };
    // One closure per pattern, so that the pattern is not chosen at run time.
    match pattern {
        Pattern::Small => bench("64B", &|| alloc_free(a, 64)),
        Pattern::Page => bench("4KiB", &|| alloc_free(a, 4096)),
        Pattern::Growth => bench("growth", &|| realloc_growth(a)),
    }
}

// Each pattern through the three allocators in turn, memprof right after
// `System`: criterion measures one benchmark after the other, several
// seconds each, and on a shared virtual machine the host's speed drifts over
// that time, so the two figures the target compares are taken next to each
// other (see also the `alloc_interleaved` example, which alternates them).
fn patterns(c: &mut Criterion) {
    for threads in [1, 2] {
        let mut group = c.benchmark_group(format!("alloc_{threads}t"));
        for pattern in Pattern::ALL {
            bench_allocator(&mut group, threads, "system", pattern, &System);
            bench_allocator(&mut group, threads, "memprof", pattern, &MEMPROF);
            bench_allocator(&mut group, threads, "stats_alloc", pattern, &STATS);
        }
        group.finish();
    }
}

criterion_group!(benches, patterns);
criterion_main!(benches);
