// The counting global allocator.
//
// Two layers of counting, each for its own question:
// - `stats_alloc::StatsAlloc<System>` keeps process-wide totals (shared
//   atomics). They answer "how much heap does the process hold now": the
//   Mem usage column.
// - thread-local counters (see `thread.rs`) answer "what did *this* thread
//   allocate and free while this line ran": the Increment, Peak and Allocs
//   columns, with no other thread leaking in.
//
// There is exactly one `StatsAlloc` in the process, a static of this crate,
// and `Alloc` is a zero-sized handle to it. That way the probes can read the
// totals without knowing the name of the user's `#[global_allocator]` static.
//
// Nothing here may panic or allocate: this code runs inside `GlobalAlloc`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use stats_alloc::StatsAlloc;

use crate::thread::with_thread;

static PROCESS: StatsAlloc<System> = StatsAlloc::system();

// Set by the first allocation served by an `Alloc`. False at exit means the
// program never installed one, and the report says so instead of zeros.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The counting global allocator. Declare it once per binary with
/// `memprof::install!();` at the crate root, which expands to
/// `#[global_allocator] static …: memprof::Alloc = memprof::Alloc::system();`.
///
/// Every call goes to the system allocator through
/// `stats_alloc::StatsAlloc<System>` (process-wide totals), plus thread-local
/// counters for line attribution.
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

    /// Process-wide totals counted so far (stats_alloc's view).
    pub fn stats(&self) -> stats_alloc::Stats {
        PROCESS.stats()
    }
}

/// True once an [`Alloc`] has served an allocation.
pub(crate) fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// Live heap bytes of the whole process, as counted by [`Alloc`]; 0 when it
/// is not installed.
#[inline(always)]
pub(crate) fn process_live() -> u64 {
    let s = PROCESS.stats();
    (s.bytes_allocated as u64).saturating_sub(s.bytes_deallocated as u64)
}

#[inline(always)]
fn after_alloc(size: usize) {
    // A plain load on the hot path; the store happens once.
    if !INSTALLED.load(Ordering::Relaxed) {
        INSTALLED.store(true, Ordering::Relaxed);
    }
    with_thread(|t| t.record_alloc(size));
}

unsafe impl GlobalAlloc for Alloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = PROCESS.alloc(layout);
        if !p.is_null() {
            after_alloc(layout.size());
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = PROCESS.alloc_zeroed(layout);
        if !p.is_null() {
            after_alloc(layout.size());
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        PROCESS.dealloc(ptr, layout);
        with_thread(|t| t.record_free(layout.size()));
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = PROCESS.realloc(ptr, layout, new_size);
        if !p.is_null() {
            // One allocation of the new size, then one free of the old: the
            // moment both blocks exist counts towards the peak, as it does
            // when the block moves.
            after_alloc(new_size);
            with_thread(|t| t.record_free(layout.size()));
        }
        p
    }
}
