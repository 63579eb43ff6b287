// The counting global allocator.
//
// One set of counters per thread (a block, see `totals.rs`), read two ways:
// - summed over all blocks (plus `stats_alloc::StatsAlloc<System>` for threads
//   without a block), they answer "how much heap does the process hold now":
//   the Mem usage column, `Alloc::stats`, the timeline.
// - one thread's, less what the profiler itself did (see `thread.rs`), they
//   answer "what did *this* thread allocate and free while this line ran":
//   the Increment, Peak and Allocs columns, with no other thread leaking in.
//
// `Alloc` is a zero-sized handle: all state is in this crate's statics and
// thread locals, so the probes can read it without knowing the name of the
// user's `#[global_allocator]` static.
//
// Nothing here may panic or allocate: this code runs inside `GlobalAlloc`.

use std::alloc::{GlobalAlloc, Layout, System};

use crate::thread::{this_thread, ThreadState};
use crate::totals::{self, Block, Counting, COUNT_FIRST_MAX, SHARED};

/// The counting global allocator. Declare it once per binary with
/// `memprof::install!();` at the crate root, which expands to
/// `#[global_allocator] static …: memprof::Alloc = memprof::Alloc::system();`.
///
/// Every call goes to the system allocator and is counted once, in counters
/// of the calling thread's own: they serve line attribution, and summed when
/// read, the process-wide totals (`stats_alloc::StatsAlloc` counts for
/// threads that have no counters of their own).
///
/// Wrapping another allocator (jemalloc, mimalloc) is not possible on stable
/// Rust today: a `#[global_allocator]` static needs a `const` constructor, and
/// `stats_alloc::StatsAlloc::new` is `const` only with stats_alloc's nightly
/// feature. `memprof::Alloc` therefore always uses the system allocator.
#[derive(Debug, Default, Clone, Copy)]
pub struct Alloc {
    _private: (),
}

impl Alloc {
    /// The counting allocator over the system allocator, usable in a `static`.
    pub const fn system() -> Self {
        Alloc { _private: () }
    }

    /// Process-wide totals counted so far, exact, in stats_alloc's terms. A
    /// realloc counts as stats_alloc counts it: one reallocation, and the
    /// change in size as bytes allocated or deallocated. Failed calls are not
    /// counted.
    pub fn stats(&self) -> stats_alloc::Stats {
        totals::totals()
    }
}

pub(crate) use totals::installed;

// The shape of a realloc: find where the thread counts, make the call
// straight to `System` (or, on the cold path, through `SHARED`, which counts
// it in the totals itself), and count it if it succeeded. Allocations differ
// (`counted_alloc`), frees are counted first (`dealloc`). Forced inline: this
// is the whole hot path, and an out-of-line call here costs as much as the
// counting.
#[inline(always)]
fn counted(
    system: impl FnOnce() -> *mut u8,
    shared: impl FnOnce() -> *mut u8,
    count: impl FnOnce(&Counting<'_>),
) -> *mut u8 {
    let Some(t) = this_thread() else {
        return system();
    };
    let Some(c) = totals::own_block(t) else {
        return counted_slow(t, system, shared, count);
    };
    let p = system();
    if !p.is_null() {
        count(&c);
    }
    p
}

/// An allocation, counted before it is made when it is small, so that after
/// `malloc` returns only its result is tested, and no register but the size
/// is kept across the call. Why: in a loop that allocates and fills fresh
/// memory (the seed benchmark), the same count made after the call cost
/// 5–6% of the loop's time, and made before it about 1% (paired runs of one
/// binary; how much a change costs this loop also depends on the code
/// layout, see README, Performance). A failed call is taken
/// back (`uncount_failed_alloc`), so the counters never keep it; a reader
/// on another thread may see it in the moment between, as it may see any
/// allocation counted a moment before its call returns. Larger allocations,
/// which fail more often and cost far more than their count, are counted
/// after the call, as a realloc is (`counted`).
#[inline(always)]
fn counted_alloc(
    size: usize,
    system: impl FnOnce() -> *mut u8,
    shared: impl FnOnce() -> *mut u8,
) -> *mut u8 {
    let Some(t) = this_thread() else {
        return system();
    };
    let Some(c) = totals::own_block(t) else {
        return counted_slow(t, system, shared, move |c| c.alloc(size));
    };
    if size > COUNT_FIRST_MAX {
        return counted_after(size, system);
    }
    c.alloc(size);
    let p = system();
    if p.is_null() {
        uncount_failed_alloc(size);
    }
    p
}

/// A large allocation by a thread with a block of its own: counted after
/// the call, if it succeeded. Takes plain values and looks the thread up
/// again: anything built in memory for this call would be built on the
/// small allocations' path too.
#[inline(never)]
fn counted_after(size: usize, system: impl FnOnce() -> *mut u8) -> *mut u8 {
    let p = system();
    if !p.is_null() {
        if let Some(c) = this_thread().and_then(totals::own_block) {
            c.alloc(size);
        }
    }
    p
}

/// Takes back a small allocation counted before it failed. The thread's
/// state is looked up again, so that nothing but the size is kept across
/// the call to `System`.
#[cold]
#[inline(never)]
fn uncount_failed_alloc(size: usize) {
    if let Some(c) = this_thread().and_then(totals::own_block) {
        c.block.uncount_failed_alloc(c.thread, size);
    }
}

/// A thread without a block of its own yet, or without one for good.
#[cold]
#[inline(never)]
fn counted_slow(
    t: &ThreadState,
    system: impl FnOnce() -> *mut u8,
    shared: impl FnOnce() -> *mut u8,
    count: impl FnOnce(&Counting<'_>),
) -> *mut u8 {
    let c = totals::counting(t);
    let p = if c.shared { shared() } else { system() };
    if !p.is_null() {
        count(&c);
    }
    p
}

unsafe impl GlobalAlloc for Alloc {
    #[inline(always)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        counted_alloc(
            layout.size(),
            move || System.alloc(layout),
            move || SHARED.alloc(layout),
        )
    }

    #[inline(always)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        counted_alloc(
            layout.size(),
            move || System.alloc_zeroed(layout),
            move || SHARED.alloc_zeroed(layout),
        )
    }

    #[inline(always)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // A free cannot fail, so it is counted first and the call to
        // `System` comes last: a jump, with no register to keep across a
        // call (see `counted`).
        let Some(t) = this_thread() else {
            return System.dealloc(ptr, layout);
        };
        let Some(c) = totals::own_block(t) else {
            return dealloc_slow(t, ptr, layout);
        };
        if c.dealloc(layout.size()) {
            dealloc_publishing(c.thread, c.block, ptr, layout);
        } else {
            System.dealloc(ptr, layout);
        }
    }

    #[inline(always)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        counted(
            || System.realloc(ptr, layout, new_size),
            || SHARED.realloc(ptr, layout, new_size),
            |c| c.realloc(layout.size(), new_size),
        )
    }
}

/// A free by a thread without a block of its own yet, or for good.
#[cold]
#[inline(never)]
fn dealloc_slow(t: &ThreadState, ptr: *mut u8, layout: Layout) {
    let count = |c: &Counting<'_>| {
        if c.dealloc(layout.size()) {
            c.block.publish_now(c.thread);
        }
    };
    counted_slow(
        t,
        || {
            // SAFETY: the caller's `GlobalAlloc::dealloc` contract.
            unsafe { System.dealloc(ptr, layout) };
            ptr
        },
        || {
            // SAFETY: as above.
            unsafe { SHARED.dealloc(ptr, layout) };
            ptr
        },
        count,
    );
}

/// A free after which the thread's block publishes its net bytes.
#[cold]
#[inline(never)]
fn dealloc_publishing(t: &ThreadState, block: &Block, ptr: *mut u8, layout: Layout) {
    block.publish_now(t);
    // SAFETY: the caller's `GlobalAlloc::dealloc` contract.
    unsafe { System.dealloc(ptr, layout) }
}
