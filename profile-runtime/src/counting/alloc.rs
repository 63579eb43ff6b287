//! The counting global allocator.
//!
//! One set of counters per thread (a block, see `totals.rs`), read two ways:
//! - summed over all blocks, they answer "how much heap does the process
//!   hold now": the Mem usage column, [`heap_stats`](crate::heap_stats), the
//!   timeline.
//! - one thread's, less what the profiler itself did (see `thread.rs`), they
//!   answer "what did *this* thread allocate and free while this line ran":
//!   the Increment, Peak and Allocs columns, with no other thread leaking in.
//!
//! `Alloc<A>` holds only the allocator it wraps: all counting state is in
//! this crate's statics and thread locals, so the probes can read it without
//! knowing the name of the user's `#[global_allocator]` static.
//!
//! Nothing here may panic or allocate: this code runs inside `GlobalAlloc`.

use std::alloc::{GlobalAlloc, Layout, System};

use crate::counting::tagged::{self, TAGGED_ALIGN};
use crate::counting::thread::{this_thread_in_allocator, ThreadState};
use crate::counting::totals::{self, quiet, Block, Counting, COUNT_FIRST_MAX};

/// The counting global allocator: counts every allocation, free and
/// reallocation of the program, then passes it on to the allocator it wraps
/// (`A`, the system allocator by default).
///
/// Declare it once per binary with [`install!`](../memprof/macro.install.html):
///
/// ```text
/// memprof::install!();                       // over the system allocator
/// memprof::install!(mimalloc::MiMalloc);     // over another allocator
/// ```
///
/// which expands to a `#[global_allocator] static` of this type. Counting
/// happens in counters of the calling thread's own: they serve line
/// attribution, and summed when read, the process-wide totals.
#[derive(Debug, Default, Clone, Copy)]
pub struct Alloc<A = System> {
    inner: A,
}

impl Alloc<System> {
    /// The counting allocator over the system allocator, usable in a `static`.
    pub const fn system() -> Self {
        Alloc { inner: System }
    }
}

impl<A> Alloc<A> {
    /// The counting allocator over `inner`, usable in a `static` when
    /// `inner` can be built in a constant.
    pub const fn new(inner: A) -> Self {
        Alloc { inner }
    }

    /// The allocator this one passes every call on to.
    pub const fn inner(&self) -> &A {
        &self.inner
    }
}

pub(crate) use totals::installed;

// The shape of a realloc: find where the thread counts, make the call, and
// count it if it succeeded (or, while a profiled call runs on the thread,
// make a tracked block: `tracked`). Allocations differ (`counted_alloc`), frees are
// counted first (`dealloc`). Forced inline: this is the whole hot path, and
// an out-of-line call here costs as much as the counting.
#[inline(always)]
fn counted(
    call: impl FnOnce() -> *mut u8,
    count: impl FnOnce(&Counting<'_>),
    tracked: impl FnOnce() -> *mut u8,
) -> *mut u8 {
    let Some(t) = this_thread_in_allocator() else {
        return call();
    };
    let Some(c) = totals::own_block(t) else {
        if tagged::tracking(t) {
            return tracked();
        }
        return counted_slow(t, call, count);
    };
    let p = call();
    if !p.is_null() {
        count(&c);
    }
    p
}

/// An allocation, counted before it is made when it is small, so that after
/// the inner allocator returns only its result is tested, and no register
/// but the size is kept across the call. Why: in a loop that allocates and
/// fills fresh memory (the seed benchmark), the same count made after the
/// call cost 5–6% of the loop's time, and made before it about 1% (see
/// docs/performance.md). A failed call is taken back
/// (`uncount_failed_alloc`), so the counters never keep it; a reader on
/// another thread may see it in the moment between, as it may see any
/// allocation counted a moment before its call returns. Larger allocations,
/// which fail more often and cost far more than their count, are counted
/// after the call, as a realloc is (`counted`).
///
/// While a profiled call runs on the thread, the block is a tracked one
/// instead (`tagged::allocate_tracked`).
///
/// Every path but the common one leaves through a jump to a function that
/// takes plain values: the common path then keeps only the size across the
/// inner call, and builds nothing in memory for the others.
///
/// # Safety
/// `GlobalAlloc::alloc`'s contract (`alloc_zeroed`'s when `zeroed`).
#[inline(always)]
unsafe fn counted_alloc<A: GlobalAlloc>(inner: &A, layout: Layout, zeroed: bool) -> *mut u8 {
    let size = layout.size();
    let Some(t) = this_thread_in_allocator() else {
        // SAFETY: the caller's contract.
        return unsafe { tagged::inner_alloc(inner, layout, zeroed) };
    };
    // In a debug build on x86-64 the common count is one block of assembly
    // (`totals/quiet.rs`); elsewhere `count_alloc_quietly` is false.
    if !(size <= COUNT_FIRST_MAX && quiet::count_alloc_quietly(t, size)) {
        let Some(c) = totals::own_block(t) else {
            if tagged::tracking(t) {
                // SAFETY: the caller's contract.
                return unsafe { tagged::allocate_tracked(t, inner, layout, zeroed) };
            }
            // SAFETY: the caller's contract.
            return unsafe { alloc_slow(t, inner, layout, zeroed) };
        };
        if size > COUNT_FIRST_MAX {
            // SAFETY: the caller's contract.
            return unsafe { counted_after(inner, layout, zeroed) };
        }
        if c.alloc_deferring(size) {
            // SAFETY: the caller's contract.
            return unsafe { alloc_publishing(c.thread, c.block, inner, layout, zeroed) };
        }
    }
    // SAFETY: the caller's contract.
    unsafe { alloc_counted_before(inner, layout, zeroed) }
}

/// The inner allocation of a small block already counted: taken back if it
/// failed.
///
/// # Safety
/// As `counted_alloc`.
#[inline(always)]
unsafe fn alloc_counted_before<A: GlobalAlloc>(inner: &A, layout: Layout, zeroed: bool) -> *mut u8 {
    // SAFETY: the caller's contract.
    let p = unsafe { tagged::inner_alloc(inner, layout, zeroed) };
    if p.is_null() {
        uncount_failed_alloc(layout.size());
    }
    p
}

/// A large allocation by a thread with a block of its own: counted after
/// the call, if it succeeded; the thread is looked up again.
///
/// # Safety
/// As `counted_alloc`.
#[inline(never)]
unsafe fn counted_after<A: GlobalAlloc>(inner: &A, layout: Layout, zeroed: bool) -> *mut u8 {
    // SAFETY: the caller's contract.
    let p = unsafe { tagged::inner_alloc(inner, layout, zeroed) };
    if !p.is_null() {
        if let Some(c) = this_thread_in_allocator().and_then(totals::own_block) {
            c.alloc(layout.size());
        }
    }
    p
}

/// A small allocation counted on its thread's own block, after which the
/// block publishes (see `Counting::alloc_deferring`).
///
/// # Safety
/// As `counted_alloc`.
#[cold]
#[inline(never)]
unsafe fn alloc_publishing<A: GlobalAlloc>(
    t: &ThreadState,
    block: &Block,
    inner: &A,
    layout: Layout,
    zeroed: bool,
) -> *mut u8 {
    block.publish_now(t);
    // SAFETY: the caller's contract.
    unsafe { alloc_counted_before(inner, layout, zeroed) }
}

/// An allocation by a thread without a block of its own, outside profiled
/// code: counted wherever the thread counts (`counted_slow`).
///
/// # Safety
/// As `counted_alloc`.
#[cold]
#[inline(never)]
unsafe fn alloc_slow<A: GlobalAlloc>(
    t: &ThreadState,
    inner: &A,
    layout: Layout,
    zeroed: bool,
) -> *mut u8 {
    counted_slow(
        t,
        // SAFETY: the caller's contract.
        || unsafe { tagged::inner_alloc(inner, layout, zeroed) },
        |c| c.alloc(layout.size()),
    )
}

/// Takes back a small allocation counted before it failed. The thread's
/// state is looked up again, so that nothing but the size is kept across
/// the call to the inner allocator.
#[cold]
#[inline(never)]
fn uncount_failed_alloc(size: usize) {
    if let Some(c) = this_thread_in_allocator().and_then(totals::own_block) {
        c.block.uncount_failed_alloc(c.thread, size);
    }
}

/// A thread without a block of its own yet, or without one for good.
#[cold]
#[inline(never)]
fn counted_slow(
    t: &ThreadState,
    call: impl FnOnce() -> *mut u8,
    count: impl FnOnce(&Counting<'_>),
) -> *mut u8 {
    let c = totals::counting(t);
    let p = call();
    if !p.is_null() {
        count(&c);
    }
    p
}

// SAFETY: every call is passed on to `inner`, which upholds `GlobalAlloc`'s
// contract: unchanged, or for a block with a header (`tagged.rs`) as a
// larger inner block whose header is never handed out, freed with the
// layout it was made with. The counting around it neither allocates (but
// for its own records, from the system allocator) nor unwinds, and does not
// touch the memory handed out.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Alloc<A> {
    #[inline(always)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() > TAGGED_ALIGN {
            // SAFETY: the caller's `GlobalAlloc::alloc` contract, passed on.
            return unsafe { tagged::allocate(&self.inner, layout, false) };
        }
        // SAFETY: as above.
        unsafe { counted_alloc(&self.inner, layout, false) }
    }

    #[inline(always)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() > TAGGED_ALIGN {
            // SAFETY: the caller's `GlobalAlloc::alloc_zeroed` contract.
            return unsafe { tagged::allocate(&self.inner, layout, true) };
        }
        // SAFETY: as above.
        unsafe { counted_alloc(&self.inner, layout, true) }
    }

    #[inline(always)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // One test of the address (and alignment) tells a block that may
        // be tracked (see `tagged.rs`), which is freed out of line.
        if tagged::may_have_header(ptr, layout.align()) {
            // SAFETY: the caller's `GlobalAlloc::dealloc` contract.
            return unsafe { tagged::deallocate(&self.inner, ptr, layout) };
        }
        // A free cannot fail, so it is counted first and the call to the
        // inner allocator comes last: a jump, with no register to keep
        // across a call (see `counted`).
        let Some(t) = this_thread_in_allocator() else {
            // SAFETY: the caller's `GlobalAlloc::dealloc` contract.
            return unsafe { self.inner.dealloc(ptr, layout) };
        };
        // As in `counted_alloc`: one block of assembly in a debug build.
        if quiet::count_free_quietly(t, layout.size()) {
            // SAFETY: as above.
            return unsafe { self.inner.dealloc(ptr, layout) };
        }
        let Some(c) = totals::own_block(t) else {
            return dealloc_slow(t, &self.inner, ptr, layout);
        };
        if c.dealloc_deferring(layout.size()) {
            dealloc_finishing(c.thread, c.block, &self.inner, ptr, layout);
        } else {
            // SAFETY: as above.
            unsafe { self.inner.dealloc(ptr, layout) }
        }
    }

    #[inline(always)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if tagged::may_have_header(ptr, layout.align()) {
            // SAFETY: the caller's `GlobalAlloc::realloc` contract.
            return unsafe { tagged::reallocate(&self.inner, ptr, layout, new_size) };
        }
        counted(
            // SAFETY: the caller's `GlobalAlloc::realloc` contract.
            || unsafe { self.inner.realloc(ptr, layout, new_size) },
            |c| c.realloc(layout.size(), new_size),
            // SAFETY: as above.
            || unsafe { tagged::reallocate(&self.inner, ptr, layout, new_size) },
        )
    }
}

/// A free by a thread without a block of its own yet, or for good.
#[cold]
#[inline(never)]
fn dealloc_slow<A: GlobalAlloc>(t: &ThreadState, inner: &A, ptr: *mut u8, layout: Layout) {
    totals::count_free(t, layout.size());
    // SAFETY: the caller's `GlobalAlloc::dealloc` contract.
    unsafe { inner.dealloc(ptr, layout) }
}

/// A free after which more is due than counting (a new high's notes, a
/// publication; see `Counting::dealloc_deferring`): out of line, so that
/// the fast path only jumps.
#[cold]
#[inline(never)]
fn dealloc_finishing<A: GlobalAlloc>(
    t: &ThreadState,
    block: &Block,
    inner: &A,
    ptr: *mut u8,
    layout: Layout,
) {
    block.finish_dealloc(t, layout.size());
    // SAFETY: the caller's `GlobalAlloc::dealloc` contract.
    unsafe { inner.dealloc(ptr, layout) }
}
