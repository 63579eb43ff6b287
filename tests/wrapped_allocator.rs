//! `memprof::install!(T = expr)`: memprof counts on top of an allocator of
//! the program's own (here one that counts its calls), every figure stays
//! exact, and the inner allocator serves every call.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use common::{stats, Figures};

/// The program's own allocator: forwards to `System`, counting.
struct Tally {
    allocs: AtomicU64,
    deallocs: AtomicU64,
    reallocs: AtomicU64,
}

impl Tally {
    const fn new() -> Tally {
        Tally {
            allocs: AtomicU64::new(0),
            deallocs: AtomicU64::new(0),
            reallocs: AtomicU64::new(0),
        }
    }
}

// SAFETY: forwards every call to `System` unchanged.
unsafe impl GlobalAlloc for Tally {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.allocs.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.deallocs.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `ptr` came from `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        self.reallocs.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as in `dealloc`, with a valid new size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

memprof::install!(Tally = Tally::new());

fn tally() -> &'static Tally {
    __MEMPROF_GLOBAL_ALLOCATOR.inner()
}

#[memprof::profile]
fn build() -> usize {
    let mut v: Vec<u64> = Vec::with_capacity(16);
    v.extend(0..64);
    let kept = v.len();
    drop(v);
    kept
}

#[test]
fn memprof_counts_exactly_and_the_inner_allocator_serves_every_call() {
    let (kept, report) = memprof::capture(build);
    assert_eq!(kept, 64);
    assert_eq!(
        Figures::of(stats(&report, "build", "with_capacity")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 128,
            increment: 128,
            peak: 128,
            ..Figures::default()
        }
    );
    // 16 slots grow to 64: one reallocation, freeing the 128 B and
    // allocating 512 B; both are live for the moment the block moves, 512 B
    // above the line's start.
    assert_eq!(
        Figures::of(stats(&report, "build", "extend")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 512,
            freed: 128,
            increment: 384,
            peak: 512,
        }
    );
    assert_eq!(
        Figures::of(stats(&report, "build", "drop(v)")),
        Figures {
            occurrences: 1,
            freed: 512,
            increment: -512,
            ..Figures::default()
        }
    );
    // The inner allocator serves the function's calls: one allocation, one
    // reallocation, one free, in a call outside the capture (whose report
    // is built with the program's allocator too).
    let allocs = tally().allocs.load(Ordering::Relaxed);
    let deallocs = tally().deallocs.load(Ordering::Relaxed);
    let reallocs = tally().reallocs.load(Ordering::Relaxed);
    assert_eq!(build(), 64);
    assert_eq!(tally().allocs.load(Ordering::Relaxed) - allocs, 1);
    assert_eq!(tally().reallocs.load(Ordering::Relaxed) - reallocs, 1);
    assert_eq!(tally().deallocs.load(Ordering::Relaxed) - deallocs, 1);
}
