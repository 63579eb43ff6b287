//! Process-wide totals (`memprof::heap_stats` and the Mem usage column):
//! exact, summed over threads, and nothing lost when threads end. Its own
//! binary and harness, so that no other test allocates meanwhile.

#[path = "common/child.rs"]
mod child;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::Barrier;

use memprof::HeapStats;
use stats_alloc::StatsAlloc;

memprof::install!();

fn totals() -> HeapStats {
    memprof::heap_stats()
}

/// What changed between two readings of the heap.
#[derive(Debug, Default, PartialEq, Eq)]
struct Change {
    live_bytes: i64,
    live_blocks: i64,
    allocated_bytes: u64,
    freed_bytes: u64,
    allocations: u64,
    deallocations: u64,
    reallocations: u64,
}

/// `later - earlier`, field by field.
fn delta(earlier: HeapStats, later: HeapStats) -> Change {
    Change {
        live_bytes: later.live_bytes as i64 - earlier.live_bytes as i64,
        live_blocks: later.live_blocks as i64 - earlier.live_blocks as i64,
        allocated_bytes: later.allocated_bytes - earlier.allocated_bytes,
        freed_bytes: later.freed_bytes - earlier.freed_bytes,
        allocations: later.allocations - earlier.allocations,
        deallocations: later.deallocations - earlier.deallocations,
        reallocations: later.reallocations - earlier.reallocations,
    }
}

fn main() {
    child::run_checks(&[
        // First, while no other thread has run: scoped threads below may
        // still be handing their counters back after their scope ended.
        (
            "a_call_that_allocates_nothing_raises_its_closing_line_to_the_live_heap",
            mem_usage_of_a_quiet_closing_line,
        ),
        ("one_allocation_and_its_free_are_exact", one_allocation),
        (
            "a_realloc_frees_the_old_size_and_allocates_the_new",
            reallocs,
        ),
        (
            "over_aligned_allocations_are_exact_and_aligned",
            over_aligned,
        ),
        ("threads_sum_exactly_while_they_run", threads_sum),
        (
            "threads_beyond_the_per_thread_blocks_count_exactly",
            many_threads,
        ),
        (
            "mem_usage_is_exact_after_many_threads_ended",
            mem_usage_after_threads_ended,
        ),
        (
            "mem_usage_counts_the_bytes_of_a_thread_beyond_the_blocks_once",
            mem_usage_beyond_the_blocks,
        ),
    ]);
}

fn one_allocation() {
    let before = totals();
    let v = black_box(Vec::<u8>::with_capacity(1 << 20));
    let held = totals();
    drop(v);
    let after = totals();
    let expected_alloc = Change {
        live_bytes: 1_048_576,
        live_blocks: 1,
        allocated_bytes: 1_048_576,
        allocations: 1,
        ..Change::default()
    };
    let expected_free = Change {
        live_bytes: -1_048_576,
        live_blocks: -1,
        freed_bytes: 1_048_576,
        deallocations: 1,
        ..Change::default()
    };
    assert_eq!(delta(before, held), expected_alloc);
    assert_eq!(delta(held, after), expected_free);
}

fn reallocs() {
    // A realloc frees its old size and allocates its new one, as line
    // attribution counts it; the same calls through a bare
    // `StatsAlloc<System>` leave the same net bytes.
    let reference = StatsAlloc::new(System);
    let mut v = Vec::<u8>::with_capacity(16);
    let layout = Layout::from_size_align(16, 1).unwrap();
    // SAFETY: a block of `layout` from the same allocator, resized and freed
    // with the layout it has.
    let p = unsafe { reference.alloc(layout) };
    let ref_before = reference.stats();
    let before = totals();

    v.reserve_exact(65_536);
    let p = unsafe { reference.realloc(p, layout, 65_536) };
    let grown = totals();
    v.shrink_to(32);
    let p = unsafe { reference.realloc(p, Layout::from_size_align(65_536, 1).unwrap(), 32) };
    let after = totals();
    let ref_after = reference.stats();
    unsafe { reference.dealloc(p, Layout::from_size_align(32, 1).unwrap()) };

    assert_eq!(v.capacity(), 32);
    assert_eq!(
        delta(before, grown),
        Change {
            live_bytes: 65_520,
            allocated_bytes: 65_536,
            freed_bytes: 16,
            reallocations: 1,
            ..Change::default()
        }
    );
    assert_eq!(
        delta(grown, after),
        Change {
            live_bytes: -65_504,
            allocated_bytes: 32,
            freed_bytes: 65_536,
            reallocations: 1,
            ..Change::default()
        }
    );
    let reference_net = (ref_after.bytes_allocated as i64 - ref_after.bytes_deallocated as i64)
        - (ref_before.bytes_allocated as i64 - ref_before.bytes_deallocated as i64);
    assert_eq!(delta(before, after).live_bytes, reference_net);
}

fn over_aligned() {
    // Alignments `malloc` does not give (larger than 16, or larger than the
    // size), which `System` serves with `posix_memalign`: counted the same.
    let layouts = [
        Layout::from_size_align(4096, 4096).unwrap(),
        Layout::from_size_align(8, 16).unwrap(),
        Layout::from_size_align(100, 64).unwrap(),
    ];
    for (layout, zeroed) in layouts.into_iter().flat_map(|l| [(l, false), (l, true)]) {
        let before = totals();
        // SAFETY: a non-zero-size layout; the block is freed with it below.
        let p = unsafe {
            if zeroed {
                std::alloc::alloc_zeroed(layout)
            } else {
                std::alloc::alloc(layout)
            }
        };
        let held = totals();
        assert!(!p.is_null());
        assert_eq!(p as usize % layout.align(), 0, "{layout:?}");
        if zeroed {
            // SAFETY: `p` is a live block of `layout.size()` bytes.
            let bytes = unsafe { std::slice::from_raw_parts(p, layout.size()) };
            assert!(bytes.iter().all(|&b| b == 0), "{layout:?}");
        }
        // SAFETY: allocated above with `layout`.
        unsafe { std::alloc::dealloc(p, layout) };
        let after = totals();
        let size = layout.size();
        assert_eq!(
            delta(before, held),
            Change {
                live_bytes: size as i64,
                live_blocks: 1,
                allocated_bytes: size as u64,
                allocations: 1,
                ..Change::default()
            },
            "{layout:?}, zeroed: {zeroed}"
        );
        assert_eq!(
            delta(held, after),
            Change {
                live_bytes: -(size as i64),
                live_blocks: -1,
                freed_bytes: size as u64,
                deallocations: 1,
                ..Change::default()
            },
            "{layout:?}, zeroed: {zeroed}"
        );
    }
}

/// Starts a scoped thread with a small stack: hundreds run at once here.
fn spawn_small<'scope, T: Send + 'scope>(
    s: &'scope std::thread::Scope<'scope, '_>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> std::thread::ScopedJoinHandle<'scope, T> {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn_scoped(s, f)
        .unwrap()
}

/// Process-wide totals just before and just after `threads` threads, all
/// started and waiting, each run `work` once; what `work` returns is kept
/// until the second reading, then dropped.
fn totals_around<T>(threads: usize, work: impl Fn() -> T + Sync) -> Change {
    let ready = Barrier::new(threads + 1);
    let go = Barrier::new(threads + 1);
    let done = Barrier::new(threads + 1);
    let measured = Barrier::new(threads + 1);
    let (before, after) = std::thread::scope(|s| {
        for _ in 0..threads {
            spawn_small(s, || {
                ready.wait();
                go.wait();
                let kept = work();
                done.wait();
                measured.wait();
                drop(kept);
            });
        }
        ready.wait();
        let before = totals();
        go.wait();
        done.wait();
        let after = totals();
        measured.wait();
        (before, after)
    });
    delta(before, after)
}

fn threads_sum() {
    const THREADS: usize = 8;
    const BLOCKS: usize = 100;
    let counted = totals_around(THREADS, || {
        (0..BLOCKS)
            .map(|_| Vec::<u8>::with_capacity(1000))
            .collect::<Vec<_>>()
    });
    // Each thread: its blocks, and the vector of 100 `Vec`s (24 B each).
    let bytes = (THREADS * (BLOCKS * 1000 + BLOCKS * 24)) as u64;
    let blocks = (THREADS * (BLOCKS + 1)) as u64;
    assert_eq!(
        counted,
        Change {
            live_bytes: bytes as i64,
            live_blocks: blocks as i64,
            allocated_bytes: bytes,
            allocations: blocks,
            ..Change::default()
        }
    );
}

#[memprof::profile]
fn keep_1000_bytes() -> Vec<u8> {
    Vec::with_capacity(1000)
}

fn many_threads() {
    // memprof has 256 per-thread blocks; the threads beyond them count in
    // shared counters, and attribute in a block of their own.
    const THREADS: u64 = 300;
    assert_eq!(
        totals_around(THREADS as usize, keep_1000_bytes),
        Change {
            live_bytes: (THREADS * 1000) as i64,
            live_blocks: THREADS as i64,
            allocated_bytes: THREADS * 1000,
            allocations: THREADS,
            ..Change::default()
        }
    );
    let report = memprof::report();
    let f = report.function("keep_1000_bytes").unwrap();
    assert_eq!(f.calls, THREADS);
    let line = f.line_containing("with_capacity").unwrap().stats.unwrap();
    assert_eq!(
        (line.allocs, line.allocated, line.freed, line.peak),
        (300, 300_000, 0, 1000)
    );
}

#[memprof::profile]
fn live_here() -> u64 {
    let live = memprof::heap_stats().live_bytes;
    black_box(live)
}

fn mem_usage_after_threads_ended() {
    // More threads than memprof has per-thread blocks, one after another,
    // each leaving 10,000 B behind: less than a thread publishes to Mem usage
    // at once, so the bytes reach it only when the thread hands its block
    // back.
    for _ in 0..300 {
        std::thread::spawn(|| {
            let leaked: &'static mut [u8] = Vec::leak(vec![7u8; 10_000]);
            black_box(leaked);
        })
        .join()
        .unwrap();
    }
    black_box(live_here());
    let (live, report) = memprof::capture(live_here);
    let line = report
        .function("live_here")
        .unwrap()
        .line_containing("let live =")
        .unwrap();
    // No other thread runs now: Mem usage is the exact live heap.
    assert_eq!(line.stats.unwrap().mem_usage, live);
    assert!(live >= 3_000_000, "{live}");
}

#[memprof::profile]
fn live_at_close() -> u64 {
    black_box(memprof::heap_stats().live_bytes)
}

fn mem_usage_of_a_quiet_closing_line() {
    let (live, report) = memprof::capture(|| {
        // The first call in the capture makes the function's table; the
        // second starts and ends the common way, with 1 MiB more live.
        black_box(live_at_close());
        let more = black_box(vec![0u8; 1 << 20]);
        let live = live_at_close();
        drop(more);
        live
    });
    let closing = report
        .function("live_at_close")
        .unwrap()
        .lines
        .last()
        .unwrap();
    // No other thread runs now: Mem usage is the exact live heap, here as
    // the second call ended.
    assert_eq!(closing.stats.unwrap().mem_usage, live);
    assert!(live >= 1 << 20, "{live}");
}

#[memprof::profile]
fn hold_then_measure() -> (Vec<u8>, u64) {
    let held = vec![1u8; 8 << 20];
    let live = memprof::heap_stats().live_bytes;
    (held, black_box(live))
}

fn mem_usage_beyond_the_blocks() {
    // 300 threads hold every per-thread block (and more), waiting; one more
    // then counts through the shared counters, which publish its bytes to
    // Mem usage at once: they must not count again as its unpublished part.
    const HOLDERS: usize = 300;
    let claimed = Barrier::new(HOLDERS + 1);
    let release = Barrier::new(HOLDERS + 1);
    let (mem_usage, live) = std::thread::scope(|s| {
        for _ in 0..HOLDERS {
            spawn_small(s, || {
                black_box(Box::new(0u64));
                claimed.wait();
                release.wait();
            });
        }
        claimed.wait();
        let measured = spawn_small(s, || {
            let ((held, live), report) = memprof::capture(hold_then_measure);
            drop(held);
            let line = report
                .function("hold_then_measure")
                .unwrap()
                .line_containing("let held")
                .unwrap();
            (line.stats.unwrap().mem_usage, live)
        })
        .join()
        .unwrap();
        release.wait();
        measured
    });
    // Each holder's bytes are at most a few hundred not yet published; the
    // 8 MiB counted twice would be far outside this.
    let off = mem_usage.abs_diff(live);
    assert!(off < 1 << 20, "Mem usage {mem_usage}, live {live}");
    assert!(live >= 8 << 20, "{live}");
}
