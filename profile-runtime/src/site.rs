// One profiled function: its compile-time description and its per-line
// tables, all in `static`s emitted by `#[profile]`, so that the probe path
// never allocates and never locks.
//
// Sites register themselves, on their first call, in a lock-free intrusive
// list; the report walks that list at exit.

use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicPtr, AtomicU64, AtomicU8, Ordering};

use crate::thread::Counters;

/// Figures of one source line, summed over all calls and threads.
///
/// Padded to a cache line so that threads running different lines of the
/// same function do not write to the same cache line.
#[doc(hidden)]
#[repr(align(64))]
pub struct LineSlot {
    pub(crate) occurrences: AtomicU64,
    pub(crate) allocs: AtomicU64,
    pub(crate) allocated: AtomicU64,
    pub(crate) freed: AtomicU64,
    pub(crate) peak: AtomicU64,
    pub(crate) mem_usage: AtomicU64,
}

impl LineSlot {
    /// An empty slot, for `[LineSlot::NEW; N]` in generated statics.
    #[allow(clippy::declare_interior_mutable_const)]
    pub const NEW: LineSlot = LineSlot {
        occurrences: AtomicU64::new(0),
        allocs: AtomicU64::new(0),
        allocated: AtomicU64::new(0),
        freed: AtomicU64::new(0),
        peak: AtomicU64::new(0),
        mem_usage: AtomicU64::new(0),
    };

    #[inline]
    pub(crate) fn add(&self, d: Counters) {
        if d.is_zero() {
            return;
        }
        self.allocs.fetch_add(d.allocs, Ordering::Relaxed);
        self.allocated.fetch_add(d.allocated, Ordering::Relaxed);
        self.freed.fetch_add(d.freed, Ordering::Relaxed);
    }

    /// Raises a max-type figure; reads first so that a probe which sets no
    /// new maximum writes no shared cache line.
    #[inline]
    pub(crate) fn raise(cell: &AtomicU64, value: u64) {
        if value > cell.load(Ordering::Relaxed) {
            cell.fetch_max(value, Ordering::Relaxed);
        }
    }
}

/// Compile-time description and run-time tables of one profiled function.
/// Created only by `#[profile]`.
#[doc(hidden)]
pub struct Site {
    pub(crate) name: &'static str,
    pub(crate) file: &'static str,
    /// Line number of `slots[0]`, the first line of the signature.
    pub(crate) first_line: u32,
    /// The function's source, from its first line to its closing brace.
    pub(crate) source: &'static str,
    /// One slot per source line, `slots[i]` is line `first_line + i`.
    pub(crate) slots: &'static [LineSlot],
    state: AtomicU8,
    /// First-call order among sites, for the report.
    pub(crate) order: AtomicU64,
    next: AtomicPtr<Site>,
    /// Calls running now, counted only while a timeline is recorded.
    pub(crate) active: AtomicI64,
    /// A call started since the timeline's last sample.
    pub(crate) touched: AtomicBool,
}

const UNREGISTERED: u8 = 0;
const REGISTERING: u8 = 1;
const REGISTERED: u8 = 2;

static HEAD: AtomicPtr<Site> = AtomicPtr::new(ptr::null_mut());
static NEXT_ORDER: AtomicU64 = AtomicU64::new(0);

impl Site {
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        file: &'static str,
        first_line: u32,
        source: &'static str,
        slots: &'static [LineSlot],
    ) -> Self {
        Site {
            name,
            file,
            first_line,
            source,
            slots,
            state: AtomicU8::new(UNREGISTERED),
            order: AtomicU64::new(0),
            next: AtomicPtr::new(ptr::null_mut()),
            active: AtomicI64::new(0),
            touched: AtomicBool::new(false),
        }
    }

    /// Adds this site to the list the report walks, once.
    #[inline]
    pub(crate) fn register(&'static self) {
        if self.state.load(Ordering::Acquire) != UNREGISTERED {
            return;
        }
        self.register_slow();
    }

    #[cold]
    fn register_slow(&'static self) {
        if self
            .state
            .compare_exchange(
                UNREGISTERED,
                REGISTERING,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_err()
        {
            return;
        }
        self.order.store(
            NEXT_ORDER.fetch_add(1, Ordering::Relaxed),
            Ordering::Relaxed,
        );
        let me = self as *const Site as *mut Site;
        let mut head = HEAD.load(Ordering::Acquire);
        loop {
            self.next.store(head, Ordering::Relaxed);
            match HEAD.compare_exchange_weak(head, me, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => break,
                Err(actual) => head = actual,
            }
        }
        self.state.store(REGISTERED, Ordering::Release);
    }

    /// Every site that has been called, in first-call order.
    pub(crate) fn all() -> Vec<&'static Site> {
        let mut sites = Vec::new();
        Site::for_each(|site| sites.push(site));
        sites.sort_by_key(|s| s.order.load(Ordering::Relaxed));
        sites
    }

    /// Calls `f` with every site that has been called, in no set order,
    /// without allocating.
    pub(crate) fn for_each(mut f: impl FnMut(&'static Site)) {
        let mut p = HEAD.load(Ordering::Acquire);
        while !p.is_null() {
            // SAFETY: only `&'static Site`s are ever pushed on the list.
            let site: &'static Site = unsafe { &*p };
            f(site);
            p = site.next.load(Ordering::Acquire);
        }
    }

    pub(crate) fn slot(&self, index: u32) -> Option<&LineSlot> {
        self.slots.get(index as usize)
    }
}
