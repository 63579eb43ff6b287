// Per-thread counters: the allocator writes them, the probes read them.
//
// Why thread-local: attribution must not see other threads' allocations, and
// a thread-local bump costs well under a nanosecond where a shared atomic
// would bounce a cache line between cores. The `const` initialiser and the
// absence of any `Drop` type make this a plain TLS access with no lazy
// initialisation and no destructor registration, so the allocator can touch
// it at any moment, including during thread start-up and teardown.

use std::cell::Cell;
use std::ptr;

use crate::frame::FrameCore;

pub(crate) struct ThreadState {
    /// Gross bytes allocated by this thread (a realloc adds its new size).
    pub(crate) allocated: Cell<u64>,
    /// Gross bytes freed by this thread (a realloc adds its old size).
    pub(crate) freed: Cell<u64>,
    /// Allocation calls made by this thread (a realloc is one).
    pub(crate) allocs: Cell<u64>,
    /// Highest value of `allocated - freed` since the last probe reset it.
    pub(crate) high: Cell<i64>,
    /// Non-zero while the profiler's own code runs: nothing is counted then.
    pub(crate) suspended: Cell<u32>,
    /// The innermost profiled frame running on this thread, or null.
    pub(crate) top: Cell<*const FrameCore>,
}

impl ThreadState {
    const fn new() -> Self {
        ThreadState {
            allocated: Cell::new(0),
            freed: Cell::new(0),
            allocs: Cell::new(0),
            high: Cell::new(0),
            suspended: Cell::new(0),
            top: Cell::new(ptr::null()),
        }
    }

    /// This thread's live bytes: what it allocated minus what it freed. It can
    /// be negative on a thread that frees memory other threads allocated.
    #[inline(always)]
    pub(crate) fn live(&self) -> i64 {
        self.snapshot().net()
    }

    #[inline(always)]
    pub(crate) fn snapshot(&self) -> Counters {
        Counters {
            allocated: self.allocated.get(),
            freed: self.freed.get(),
            allocs: self.allocs.get(),
        }
    }

    #[inline(always)]
    pub(crate) fn record_alloc(&self, size: usize) {
        if self.suspended.get() != 0 {
            return;
        }
        self.allocs.set(self.allocs.get() + 1);
        self.allocated.set(self.allocated.get() + size as u64);
        let live = self.live();
        if live > self.high.get() {
            self.high.set(live);
        }
    }

    #[inline(always)]
    pub(crate) fn record_free(&self, size: usize) {
        if self.suspended.get() != 0 {
            return;
        }
        self.freed.set(self.freed.get() + size as u64);
    }
}

/// A copy of a thread's monotonic counters at one moment.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(crate) struct Counters {
    pub(crate) allocated: u64,
    pub(crate) freed: u64,
    pub(crate) allocs: u64,
}

impl Counters {
    pub(crate) fn since(self, earlier: Counters) -> Counters {
        Counters {
            allocated: self.allocated.wrapping_sub(earlier.allocated),
            freed: self.freed.wrapping_sub(earlier.freed),
            allocs: self.allocs.wrapping_sub(earlier.allocs),
        }
    }

    pub(crate) fn minus(self, other: Counters) -> Counters {
        self.since(other)
    }

    pub(crate) fn plus(self, other: Counters) -> Counters {
        Counters {
            allocated: self.allocated.wrapping_add(other.allocated),
            freed: self.freed.wrapping_add(other.freed),
            allocs: self.allocs.wrapping_add(other.allocs),
        }
    }

    /// Net bytes: allocated minus freed (negative when more was freed).
    #[inline(always)]
    pub(crate) fn net(self) -> i64 {
        self.allocated.wrapping_sub(self.freed) as i64
    }

    pub(crate) fn is_zero(self) -> bool {
        self == Counters::default()
    }
}

thread_local! {
    static THREAD: ThreadState = const { ThreadState::new() };
}

/// Runs `f` with this thread's state. Returns `None` only if the state cannot
/// be reached, which for a `const`, destructor-free thread local does not
/// happen; callers treat it as "nothing to do" rather than panicking.
#[inline(always)]
pub(crate) fn with_thread<R>(f: impl FnOnce(&ThreadState) -> R) -> Option<R> {
    THREAD.try_with(f).ok()
}

/// Runs `f` with counting suspended on this thread, so that the profiler's own
/// allocations (configuration, report building, rendering) never appear in
/// any number. Re-entrant; resumes counting even if `f` panics.
pub(crate) fn suspended<R>(f: impl FnOnce() -> R) -> R {
    struct Resume;
    impl Drop for Resume {
        fn drop(&mut self) {
            with_thread(|t| t.suspended.set(t.suspended.get() - 1));
        }
    }
    with_thread(|t| t.suspended.set(t.suspended.get() + 1));
    let _resume = Resume;
    f()
}
