//! Per-thread state: what the allocator counts and the probes read.
//!
//! Why thread-local: attribution must not see other threads' allocations, and
//! a thread-local bump costs well under a nanosecond where a shared atomic
//! would bounce a cache line between cores. The `const` initialiser and the
//! absence of any `Drop` type make this a plain TLS access with no lazy
//! initialisation and no destructor registration, so the allocator can touch
//! it at any moment, including during thread start-up and teardown.
//!
//! The counters themselves live in the thread's block (`totals.rs`), which
//! also makes the process-wide totals: one set of counters, bumped once per
//! allocator call, serves both. The attribution view of them subtracts
//! `excluded`: what the thread did while counting was suspended (the
//! profiler's own work) and the jump when the thread moves to another block.
//!
//! Data flows up from here: the collect layer reads the counters at line
//! boundaries, and keeps its own per-thread record behind `collector`,
//! with the tables of the functions the thread called last beside it
//! (`thread/recent_tables.rs`), which this layer never looks into.

use std::cell::UnsafeCell;
use std::ptr;

use crate::counting::held::{FreeRecords, LiveRecord};
use crate::counting::totals::{Block, PUBLISH_STEP, UNCLAIMED};
use crate::unchecked;

#[cfg(all(
    any(debug_assertions, memprof_asm),
    not(miri),
    target_arch = "x86_64",
    target_os = "linux"
))]
mod slot;

mod recent_tables;

pub(crate) use recent_tables::RecentTables;

/// What a running call measures, in the thread's raw counters: where its
/// running line started, where its slice (the whole call, or one poll of
/// an `async` call) started, and high-water marks of the net bytes. The
/// collect layer embeds one at the start of every running call; this layer
/// keeps them in a chain (innermost first) so that it can move them all when
/// the counters jump for reasons that are no line's (see `exclude`).
#[repr(C)]
#[derive(Debug)]
pub(crate) struct Measurement {
    /// The running line's start.
    pub(crate) line: Counters,
    /// The slice's start.
    pub(crate) slice: Counters,
    /// The thread's high-water mark (raw net bytes) when the slice began,
    /// to be put back, raised, when it ends.
    pub(crate) entry_high: i64,
    /// The highest raw net bytes the slice's ended lines reached.
    pub(crate) max_high: i64,
    /// The next measurement outwards on this thread, or null.
    pub(crate) outer: *mut Measurement,
    /// The slot of the running line: where a tracked allocation is held.
    pub(crate) slot: u32,
    /// How many line slots the function has.
    pub(crate) len: u32,
    /// The collect layer's description of the function, opaque here.
    pub(crate) site: *const (),
    /// The call's record of the blocks it holds, made at its first tracked
    /// allocation; null before.
    pub(crate) held: *mut LiveRecord,
    /// Raw net bytes at which the call's rise above its entry is zero, in
    /// this slice (the slice's start less the earlier slices' net bytes).
    pub(crate) rise_base: i64,
    /// The largest rise of the call whose composition was noted.
    pub(crate) best_rise: i64,
    /// The thread's `peak_watch` when this call's slice began.
    pub(crate) outer_watch: i64,
}

impl Measurement {
    /// Moves every figure by `by`, a jump of the raw counters that is no
    /// line's.
    fn shift(&mut self, by: Counters) {
        self.line = self.line.plus(by);
        self.slice = self.slice.plus(by);
        self.entry_high = self.entry_high.wrapping_add(by.net());
        self.max_high = self.max_high.wrapping_add(by.net());
        self.rise_base = self.rise_base.wrapping_add(by.net());
        if self.outer_watch != i64::MAX {
            self.outer_watch = self.outer_watch.wrapping_add(by.net());
        }
    }

    /// Raw net bytes above which the call reaches a new largest rise.
    #[inline(always)]
    pub(crate) fn peak_at(&self) -> i64 {
        self.rise_base.saturating_add(self.best_rise)
    }
}

/// A `Cell` for `Copy` values whose `get` and `set` stay inlined in an
/// unoptimised build (`Cell::get` is a call there): the allocator and the
/// probes read a few of these on every allocation and statement.
#[repr(transparent)]
pub(crate) struct Local<T: Copy>(UnsafeCell<T>);

impl<T: Copy> Local<T> {
    pub(crate) const fn new(value: T) -> Self {
        Local(UnsafeCell::new(value))
    }

    #[inline(always)]
    pub(crate) fn get(&self) -> T {
        // Read through a reference, not the cell's raw pointer, which an
        // unoptimised build would check for null and alignment.
        // SAFETY: `UnsafeCell<T>` has `T`'s layout, and like `Cell` the
        // value is only ever copied in or out, by one thread (`Local` is not
        // `Sync`): nothing writes it while this reference lives.
        unsafe { *std::mem::transmute::<&UnsafeCell<T>, &T>(&self.0) }
    }

    #[inline(always)]
    pub(crate) fn set(&self, value: T) {
        // SAFETY: as in `get`.
        unsafe { *self.0.get() = value }
    }

    #[inline(always)]
    pub(crate) fn replace(&self, value: T) -> T {
        let old = self.get();
        self.set(value);
        old
    }
}

/// One thread's counting state.
pub(crate) struct ThreadState {
    /// The block this thread counts in: one of `totals.rs`'s, or `fallback`
    /// while it has none; `UNCLAIMED` until the thread's first allocation.
    pub(crate) counters: Local<*const Block>,
    /// `counters` when it is a block of the thread's own and no profiled
    /// call runs on the thread, else null: the allocator's fast path tests
    /// only this, so that outside profiled code it tests nothing more for
    /// tracked blocks (`tagged.rs`), which the slow path makes.
    pub(crate) own_block: Local<*const Block>,
    /// `counters` when it is a block of the thread's own, else null.
    own: Local<*const Block>,
    /// True while `counters` is `fallback`: the process-wide totals then go
    /// through the shared counters instead.
    pub(crate) shared: Local<bool>,
    /// Attribution counters for a thread without a block of its own.
    pub(crate) fallback: Block,
    /// Subtracted from the block's counters to give attribution counters.
    excluded: Local<Counters>,
    /// With the block's net bytes (`allocated - freed`) now, their highest
    /// value since the last probe reset it: the high is the larger of the
    /// two (see `high_raw`, and `high` for the attribution view).
    //
    // Why only the frees record it: the net bytes fall only at a free, so
    // their highest value over any stretch is either where they are now or
    // where they were just before some free. An allocation then tests
    // nothing about the high, and in a loop that only allocates (each call
    // a new high) that is one test and two stores fewer per allocation.
    high_at_free: Local<i64>,
    /// Net bytes above which the block publishes (`i64::MAX` when the thread
    /// has no block: the shared counters publish at once).
    rise_limit: Local<i64>,
    /// Net bytes below which the block publishes after a free.
    pub(crate) fall_limit: Local<i64>,
    /// Nesting depth of `suspended`: while it is not zero, nothing the
    /// thread allocates is tracked.
    pub(crate) suspended: Local<u32>,
    /// Raw net bytes above which a running call on this thread reaches a
    /// new largest rise (at most: it may be lower than needed); `i64::MAX`
    /// with no call running. A free just after the net bytes passed it
    /// notes what the running calls hold (`held::note_new_high`).
    pub(crate) peak_watch: Local<i64>,
    /// Block counters and attribution high when the outermost `suspended`
    /// began.
    suspend_start: Local<Counters>,
    suspend_high: Local<i64>,
    /// The innermost line being measured on this thread (a running call's),
    /// or null.
    pub(crate) measuring: Local<*mut Measurement>,
    /// Set while calls on the `measuring` chain were started lazily (the
    /// collect layer's `Call::enter`): their measurements hold only what
    /// their probes read, since nothing that moves the thread's counters,
    /// its high-water mark or its peak watch has happened since they
    /// started. Whatever is about to move them first calls this
    /// (`settle_lazy_calls`), which finishes starting those calls as if
    /// it had been done at their entries, and clears it.
    pub(crate) lazy_start: Local<Option<fn(&ThreadState)>>,
    /// The collect layer's record of this thread, opaque here. Set only
    /// through `set_collector`, which empties `recent_tables`.
    collector: Local<*const ()>,
    /// The collect layer's tables of the functions called last, in
    /// `collector`'s record.
    pub(crate) recent_tables: RecentTables,
    /// The collect layer's mark of the records of calls made now (the open
    /// capture's), opaque here.
    pub(crate) held_tag: Local<u64>,
    /// Records of ended calls released here, for reuse (`held.rs`).
    pub(crate) free_records: FreeRecords,
}

/// Where assembly finds the fields it reads and writes in a `ThreadState`
/// (a `Local<T>` has `T`'s layout): the allocator's (`totals/quiet.rs`, in
/// unoptimised builds) and a call's start and end
/// (`collect/call/quiet.rs`, in an unoptimised runtime).
#[cfg(all(any(debug_assertions, memprof_asm), not(miri), target_arch = "x86_64"))]
pub(crate) mod at {
    use std::mem::offset_of;

    use super::ThreadState;

    pub(crate) const OWN_BLOCK: usize = offset_of!(ThreadState, own_block);
    pub(crate) const HIGH_AT_FREE: usize = offset_of!(ThreadState, high_at_free);
    #[cfg(debug_assertions)]
    pub(crate) const RISE_LIMIT: usize = offset_of!(ThreadState, rise_limit);
    #[cfg(debug_assertions)]
    pub(crate) const FALL_LIMIT: usize = offset_of!(ThreadState, fall_limit);
    #[cfg(memprof_asm)]
    pub(crate) const COUNTERS: usize = offset_of!(ThreadState, counters);
    #[cfg(memprof_asm)]
    pub(crate) const OWN: usize = offset_of!(ThreadState, own);
    #[cfg(memprof_asm)]
    pub(crate) const PEAK_WATCH: usize = offset_of!(ThreadState, peak_watch);
    #[cfg(memprof_asm)]
    pub(crate) const MEASURING: usize = offset_of!(ThreadState, measuring);
    #[cfg(memprof_asm)]
    pub(crate) const COLLECTOR: usize = offset_of!(ThreadState, collector);
}

impl ThreadState {
    const fn new() -> Self {
        ThreadState {
            counters: Local::new(&UNCLAIMED),
            own_block: Local::new(ptr::null()),
            own: Local::new(ptr::null()),
            shared: Local::new(false),
            fallback: Block::NEW,
            excluded: Local::new(Counters::ZERO),
            high_at_free: Local::new(0),
            rise_limit: Local::new(i64::MAX),
            fall_limit: Local::new(i64::MIN),
            suspended: Local::new(0),
            peak_watch: Local::new(i64::MAX),
            suspend_start: Local::new(Counters::ZERO),
            suspend_high: Local::new(0),
            measuring: Local::new(ptr::null_mut()),
            lazy_start: Local::new(None),
            collector: Local::new(ptr::null()),
            recent_tables: RecentTables::new(),
            held_tag: Local::new(0),
            free_records: FreeRecords::new(),
        }
    }

    /// The block's counters as they are (zero before the first allocation).
    #[inline(always)]
    pub(crate) fn raw(&self) -> Counters {
        self.block().attribution_counters()
    }

    /// The collect layer's record of this thread (null before it has one).
    #[inline(always)]
    pub(crate) fn collector(&self) -> *const () {
        self.collector.get()
    }

    /// Points the thread at another record of the collect layer, and
    /// forgets the tables kept from the one before; returns that one.
    pub(crate) fn set_collector(&self, record: *const ()) -> *const () {
        self.recent_tables.clear();
        self.collector.replace(record)
    }

    /// The block this thread counts in.
    #[inline(always)]
    pub(crate) fn block(&self) -> &Block {
        // SAFETY: `counters` is a static block or this thread's `fallback`.
        // Unchecked: every call's start reads it.
        unsafe { unchecked::as_ref(self.counters.get()) }
    }

    /// What this thread allocated and freed outside the profiler's own work.
    #[inline(always)]
    pub(crate) fn snapshot(&self) -> Counters {
        self.raw().since(self.excluded.get())
    }

    /// This thread's live bytes: what it allocated minus what it freed. It can
    /// be negative on a thread that frees memory other threads allocated.
    #[inline(always)]
    pub(crate) fn live(&self) -> i64 {
        self.snapshot().net()
    }

    /// Net bytes of the attribution view's exclusions: raw net minus this is
    /// `live()`.
    #[inline(always)]
    pub(crate) fn excluded_net(&self) -> i64 {
        self.excluded.get().net()
    }

    /// The highest `live()` since the last `set_high`.
    #[inline(always)]
    pub(crate) fn high(&self) -> i64 {
        self.high_raw(self.raw().net())
            .wrapping_sub(self.excluded_net())
    }

    #[inline(always)]
    pub(crate) fn set_high(&self, high: i64) {
        self.set_high_raw(high.wrapping_add(self.excluded_net()));
    }

    #[inline(always)]
    pub(crate) fn rise_limit(&self) -> i64 {
        self.rise_limit.get()
    }

    /// The highest net bytes of the block since the last reset, given
    /// `net`, the block's net bytes now.
    #[inline(always)]
    pub(crate) fn high_raw(&self, net: i64) -> i64 {
        let high = self.high_at_free.get();
        // Not `max`: that is a call in an unoptimised build.
        if high > net {
            high
        } else {
            net
        }
    }

    /// Starts the high afresh at `high` raw net bytes (at least the net
    /// bytes now).
    #[inline(always)]
    pub(crate) fn set_high_raw(&self, high: i64) {
        self.high_at_free.set(high);
    }

    /// Whether `net`, the block's net bytes just before a free, is a new
    /// high (which `record_high_at_free` then records).
    #[inline(always)]
    pub(crate) fn is_high_at_free(&self, net: i64) -> bool {
        net > self.high_at_free.get()
    }

    /// Records `net`, the block's net bytes just before a free, if it is a
    /// new high; true when it is.
    #[inline(always)]
    pub(crate) fn record_high_at_free(&self, net: i64) -> bool {
        let higher = net > self.high_at_free.get();
        if higher {
            self.high_at_free.set(net);
        }
        higher
    }

    /// The block's counters were last published at `published` net bytes;
    /// `None` when the thread counts in the shared counters, which publish
    /// every call themselves.
    pub(crate) fn set_published(&self, published: Option<i64>) {
        let (rise, fall) = match published {
            Some(p) => (
                p.saturating_add(PUBLISH_STEP),
                p.saturating_sub(PUBLISH_STEP),
            ),
            None => (i64::MAX, i64::MIN),
        };
        self.rise_limit.set(rise);
        self.fall_limit.set(fall);
    }

    /// Leaves `by`, a jump of the raw counters that is no line's, out of
    /// attribution: out of the thread's view and out of the lines being
    /// measured.
    fn exclude(&self, by: Counters) {
        self.excluded.set(self.excluded.get().plus(by));
        let watch = self.peak_watch.get();
        if watch != i64::MAX {
            self.peak_watch.set(watch.wrapping_add(by.net()));
        }
        let mut m = self.measuring.get();
        // SAFETY: measurements on the chain are alive until they unlink
        // themselves, and only this thread reaches them.
        while let Some(measurement) = unsafe { m.as_mut() } {
            measurement.shift(by);
            m = measurement.outer;
        }
    }

    /// Finishes starting the calls started lazily on this thread, if any
    /// (see `lazy_start`): called before anything moves the thread's
    /// counters, its high-water mark or its peak watch while a profiled call
    /// runs.
    #[inline(always)]
    pub(crate) fn settle_lazy_calls(&self) {
        if self.lazy_start.get().is_some() {
            self.finish_lazy_calls();
        }
    }

    /// `settle_lazy_calls` with the finishing call made in place: for the
    /// allocator's counting, where the first allocation inside a lazily
    /// started call comes with one.
    #[inline(always)]
    pub(crate) fn settle_lazy_calls_in_place(&self) {
        if let Some(finish) = self.lazy_start.get() {
            finish(self);
        }
    }

    /// `settle_lazy_calls` when there are some: out of line, so that the
    /// allocator's paths that test for them keep their registers.
    #[cold]
    #[inline(never)]
    fn finish_lazy_calls(&self) {
        self.settle_lazy_calls_in_place();
    }

    /// Makes `m` the innermost running call's measurement (null: none).
    #[inline(always)]
    pub(crate) fn set_measuring(&self, m: *mut Measurement) {
        self.measuring.set(m);
        self.open_fast_path();
    }

    /// Opens the allocator's fast path to a thread with a block of its own
    /// while no profiled call runs on it, and closes it otherwise.
    #[inline(always)]
    fn open_fast_path(&self) {
        let open = if self.measuring.get().is_null() {
            self.own.get()
        } else {
            ptr::null()
        };
        self.own_block.set(open);
    }

    /// Moves the thread's counting to `block`, keeping the attribution view
    /// continuous: the jump between the two blocks' counters is excluded.
    pub(crate) fn move_to(&self, block: *const Block, shared: bool) {
        self.settle_lazy_calls();
        let high = self.high();
        let before = self.raw();
        self.counters.set(block);
        self.own.set(if shared { ptr::null() } else { block });
        self.open_fast_path();
        self.shared.set(shared);
        self.exclude(self.raw().since(before));
        // SAFETY: `block` is a static block or this thread's `fallback`.
        self.set_published((!shared).then(|| unsafe { &*block }.published()));
        self.set_high(high);
    }
}

/// A copy of a thread's monotonic counters at one moment.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(crate) struct Counters {
    /// Gross bytes allocated (a realloc adds its new size).
    pub(crate) allocated: u64,
    /// Gross bytes freed (a realloc adds its old size).
    pub(crate) freed: u64,
    /// Allocation calls (a realloc is one).
    pub(crate) allocs: u64,
    /// Allocator calls of any kind: no figure, but the one counter that
    /// tells whether anything happened, which every probe asks.
    pub(crate) calls: u64,
}

impl Counters {
    pub(crate) const ZERO: Counters = Counters {
        allocated: 0,
        freed: 0,
        allocs: 0,
        calls: 0,
    };

    /// What happened between `earlier` and `self`.
    #[inline(always)]
    pub(crate) fn since(self, earlier: Counters) -> Counters {
        Counters {
            allocated: self.allocated.wrapping_sub(earlier.allocated),
            freed: self.freed.wrapping_sub(earlier.freed),
            allocs: self.allocs.wrapping_sub(earlier.allocs),
            calls: self.calls.wrapping_sub(earlier.calls),
        }
    }

    #[inline(always)]
    pub(crate) fn plus(self, other: Counters) -> Counters {
        Counters {
            allocated: self.allocated.wrapping_add(other.allocated),
            freed: self.freed.wrapping_add(other.freed),
            allocs: self.allocs.wrapping_add(other.allocs),
            calls: self.calls.wrapping_add(other.calls),
        }
    }

    /// Net bytes: allocated minus freed (negative when more was freed).
    #[inline(always)]
    pub(crate) fn net(self) -> i64 {
        self.allocated.wrapping_sub(self.freed) as i64
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

/// This thread's state, for the probes and the runtime's own work. Only
/// its address passes through the thread-local accessor: a closure holding
/// their work would make the accessor too big to be inlined, and LLVM then
/// calls it out of line. Where the runtime is unoptimised on x86-64 Linux,
/// through a slot of its own instead (`thread/slot.rs`), a twentieth of the
/// accessor there.
#[inline(always)]
pub(crate) fn this_thread<'a>() -> Option<&'a ThreadState> {
    #[cfg(all(memprof_asm, not(miri)))]
    {
        from_slot()
    }
    #[cfg(not(all(memprof_asm, not(miri))))]
    {
        from_accessor()
    }
}

/// `this_thread` for the allocator's functions that are generic over the
/// inner allocator, which are compiled in the crate that installs it, at
/// that crate's optimisation level: through the slot where debug
/// assertions are on (the sign of an unoptimised build that the
/// allocator's assembly takes, `totals/quiet.rs`).
#[inline(always)]
pub(crate) fn this_thread_in_allocator<'a>() -> Option<&'a ThreadState> {
    #[cfg(all(
        debug_assertions,
        not(miri),
        target_arch = "x86_64",
        target_os = "linux"
    ))]
    {
        from_slot()
    }
    #[cfg(not(all(
        debug_assertions,
        not(miri),
        target_arch = "x86_64",
        target_os = "linux"
    )))]
    {
        from_accessor()
    }
}

/// This thread's state through the slot (`thread/slot.rs`).
#[cfg(all(
    any(debug_assertions, memprof_asm),
    not(miri),
    target_arch = "x86_64",
    target_os = "linux"
))]
#[inline(always)]
fn from_slot<'a>() -> Option<&'a ThreadState> {
    let t = slot::thread_state();
    // Not `as_ref`: a call in an unoptimised build.
    if t as usize == 0 {
        None
    } else {
        // SAFETY: as in `from_accessor`.
        Some(unsafe { &*t })
    }
}

/// This thread's state through the standard library's accessor.
#[cfg(not(all(memprof_asm, debug_assertions, not(miri))))]
#[inline(always)]
fn from_accessor<'a>() -> Option<&'a ThreadState> {
    match THREAD.try_with(|t| t as *const ThreadState) {
        // SAFETY: a `const` thread local without a destructor lives as long
        // as its thread, and the reference does not leave the thread:
        // callers use it within one allocator call, one probe or one call
        // of a function.
        Ok(t) => Some(unsafe { unchecked::as_ref(t) }),
        Err(_) => None,
    }
}

/// Runs `f` with counting suspended on this thread, so that the profiler's own
/// allocations (configuration, report building, rendering) never appear in
/// any attribution figure. They still count in the process-wide totals: they
/// are real heap. Re-entrant; resumes counting even if `f` panics.
///
/// The allocator does not look at this: on the way in it notes the counters,
/// on the way out it excludes what changed, and the thread's high-water mark
/// goes back to what it was (or to the live bytes the profiler kept).
pub(crate) fn suspended<R>(f: impl FnOnce() -> R) -> R {
    struct Resume;
    impl Drop for Resume {
        fn drop(&mut self) {
            with_thread(|t| {
                let depth = t.suspended.get() - 1;
                t.suspended.set(depth);
                if depth == 0 {
                    let high = t.suspend_high.get();
                    t.exclude(t.raw().since(t.suspend_start.get()));
                    t.set_high(high.max(t.live()));
                }
            });
        }
    }
    with_thread(|t| {
        let depth = t.suspended.get();
        if depth == 0 {
            // The running calls' figures move with the counters when the
            // suspension ends (`exclude`): they must be whole by then.
            t.settle_lazy_calls();
            t.suspend_start.set(t.raw());
            t.suspend_high.set(t.high());
        }
        t.suspended.set(depth + 1);
    });
    let _resume = Resume;
    f()
}
