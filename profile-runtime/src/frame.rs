// One running call of a profiled function, and the probes its body calls.
//
// The frame lives on the profiled function's own stack (pinned, so that the
// thread-local pointer to it stays valid), and the probes reach it through
// that pointer. Attribution is exclusive and in source order: whatever the
// thread allocates or frees between one probe and the next belongs to the
// line that was running. Calls are inclusive, because a nested frame does not
// touch its parent's line snapshot.
//
// Occurrences and the per-line figures are kept in the frame itself (see
// `pending.rs`) and added to the shared per-line table when the call ends: a
// probe writes no shared cache line, so threads running the same function do
// not slow each other down.

use std::cell::Cell;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr;

use crate::budget::{self, Budget, CallFigures, CallLine};
use crate::capture;
use crate::config;
use crate::exit;
use crate::pending::{Entry, Pending};
use crate::site::Site;
use crate::thread::{this_thread, with_thread, Counters, ThreadState};
use crate::timeline;
use crate::totals::{live_with, own_unpublished, own_unpublished_at, process_live};

/// How a probe counts an occurrence of the line it switches to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Count {
    /// When the line differs from the one that was running: a statement.
    IfChanged,
    /// Always: a new iteration of a loop header.
    Always,
    /// Never: a `for` statement, whose iterations are counted by its iterator.
    Never,
}

pub(crate) struct FrameCore {
    site: &'static Site,
    /// Set once the call has started (and `MEMPROF` is not `off`).
    pub(crate) active: Cell<bool>,
    parent: Cell<*const FrameCore>,
    occurrences: Cell<*const Cell<u32>>,
    /// The figures of the call's recent lines, not yet in the shared table.
    pending: Pending,
    len: usize,
    /// The slot of the line now running.
    current: Cell<u32>,
    /// The thread block's raw counters when the running line (or this slice
    /// of it) started. Raw, not the attribution view, so that the probe's
    /// fast test compares two loads with two loads; when the thread's
    /// exclusions change, `shift_line_starts` moves them along.
    start: CounterCells,
    /// The thread's unpublished net bytes when the running line started;
    /// they stay the same while the thread neither allocates nor frees.
    start_unpublished: Cell<i64>,
    /// Net bytes of the running line in earlier slices (an `async` call's
    /// earlier polls), so that its peak is measured from where it started.
    carry: Cell<i64>,
    /// What nested calls of this same function already attributed to their
    /// own rows while the running line ran; subtracted so that a recursive
    /// function's totals equal what really happened.
    excluded: Cell<Counters>,
    /// Whether `excluded` is non-zero: one test on the slow path instead of
    /// three.
    has_excluded: Cell<bool>,
    /// Thread counters when the slice began.
    slice_entry: Cell<Counters>,
    /// The thread's high-water mark when the slice began, restored (raised by
    /// this slice's own highs) when it ends, so that the caller's running
    /// line still sees the peak reached inside this call.
    entry_high: Cell<i64>,
    max_high: Cell<i64>,
    /// The thread's live bytes when the slice began.
    slice_entry_live: Cell<i64>,
    /// The function's budget, if it has one; then the call keeps its own
    /// per-line figures in `call_lines`.
    budget: Option<&'static Budget>,
    call_lines: Cell<*const CallLine>,
    call_lines_len: usize,
    /// Net bytes of the call in its slices so far.
    call_net: Cell<i64>,
    /// Largest rise of the thread's live bytes above their value at entry.
    call_peak: Cell<i64>,
}

/// A running call of a profiled function. Created only by `#[profile]`.
/// `N` is the function's number of lines; `M` is `N` for a function with a
/// budget (whose calls keep their own per-line figures) and 0 otherwise.
#[doc(hidden)]
pub struct Frame<const N: usize, const M: usize> {
    core: FrameCore,
    occurrences: [Cell<u32>; N],
    call_lines: [CallLine; M],
    _pinned: PhantomPinned,
}

impl<const N: usize, const M: usize> Frame<N, M> {
    #[doc(hidden)]
    #[inline]
    pub fn new(site: &'static Site, budget: Option<&'static Budget>) -> Self {
        Frame {
            core: FrameCore::new(site, N, budget, M),
            occurrences: [const { Cell::new(0) }; N],
            call_lines: [const { CallLine::new() }; M],
            _pinned: PhantomPinned,
        }
    }

    /// Starts the call: the signature line runs. A synchronous call is one
    /// slice, from here to the frame's drop.
    #[doc(hidden)]
    #[inline]
    pub fn enter(self: Pin<&Self>) {
        let core = &self.core;
        if core.start_call(self.occurrences.as_ptr(), self.call_lines.as_ptr()) {
            with_thread(|t| core.begin_slice(t));
        }
    }
}

impl<const N: usize, const M: usize> Drop for Frame<N, M> {
    fn drop(&mut self) {
        if self.core.active.get() {
            with_thread(|t| {
                self.core.end_slice(t);
                self.core.finish_call();
            });
            self.core.check_budget();
        }
    }
}

impl FrameCore {
    pub(crate) fn new(
        site: &'static Site,
        len: usize,
        budget: Option<&'static Budget>,
        call_lines_len: usize,
    ) -> Self {
        FrameCore {
            site,
            active: Cell::new(false),
            parent: Cell::new(ptr::null()),
            occurrences: Cell::new(ptr::null()),
            pending: Pending::new(),
            len,
            current: Cell::new(0),
            start: CounterCells::new(),
            start_unpublished: Cell::new(0),
            carry: Cell::new(0),
            excluded: Cell::new(Counters::default()),
            has_excluded: Cell::new(false),
            slice_entry: Cell::new(Counters::default()),
            entry_high: Cell::new(0),
            max_high: Cell::new(0),
            slice_entry_live: Cell::new(0),
            budget,
            call_lines: Cell::new(ptr::null()),
            call_lines_len,
            call_net: Cell::new(0),
            call_peak: Cell::new(0),
        }
    }

    /// Counts the call on its signature line, unless profiling is off.
    /// Returns whether the call is profiled. `occurrences` is the call's own
    /// array of per-line counts, pinned with it.
    #[inline]
    pub(crate) fn start_call(
        &self,
        occurrences: *const Cell<u32>,
        call_lines: *const CallLine,
    ) -> bool {
        if !config::enabled() {
            return false;
        }
        self.site.register();
        exit::ensure_report_at_exit();
        timeline::ensure_started();
        timeline::call_started(self.site);
        self.occurrences.set(occurrences);
        self.call_lines.set(call_lines);
        self.current.set(0);
        self.active.set(true);
        self.bump(0);
        let entry = self.pending.select(self.site, 0);
        if let Some(live) = with_thread(process_live) {
            entry.raise_mem_usage(live);
        }
        true
    }

    /// Makes this call the innermost running one on this thread: from here
    /// on, what the thread allocates belongs to the running line.
    #[inline]
    pub(crate) fn begin_slice(&self, t: &ThreadState) {
        self.parent.set(t.top.get());
        t.top.set(self);
        let now = t.snapshot();
        let live = now.net();
        self.slice_entry.set(now);
        self.slice_entry_live.set(live);
        self.restart_line(t.raw(), own_unpublished(t));
        self.entry_high.set(t.high());
        self.max_high.set(live);
        t.set_high(live);
    }

    /// Accounts the running line's part of this slice and stops being the
    /// innermost running call. The line keeps running: a later slice (the
    /// next poll of an `async` call) continues it.
    pub(crate) fn end_slice(&self, t: &ThreadState) {
        self.close_part_of_line(t);
        let slice_peak = self.max_high.get().max(t.high()) - self.slice_entry_live.get();
        self.call_peak
            .set(self.call_peak.get().max(self.call_net.get() + slice_peak));
        let slice = t.snapshot().since(self.slice_entry.get());
        self.call_net
            .set(self.call_net.get().wrapping_add(slice.net()));
        let high = self.entry_high.get().max(self.max_high.get()).max(t.high());
        t.set_high(high);
        t.top.set(self.parent.get());
        // Whatever this slice did is now in this function's rows; take it out
        // of the enclosing call of the same function, if any.
        if let Some(outer) = frames_from(t, self.parent.get()).find(|f| ptr::eq(f.site, self.site))
        {
            outer.excluded.set(outer.excluded.get().plus(slice));
            outer.has_excluded.set(true);
        }
    }

    /// Accounts the running line so far without ending it: its net bytes are
    /// carried, so that its peak stays measured from where it started.
    fn close_part_of_line(&self, t: &ThreadState) {
        let net = t.raw().since(self.start.get()).net();
        self.close_line(t);
        self.carry.set(self.carry.get().wrapping_add(net));
    }

    /// Ends the call: its figures go to the shared table.
    pub(crate) fn finish_call(&self) {
        self.flush();
        self.active.set(false);
        timeline::call_finished(self.site);
    }

    /// Panics with `memprof:` and the lines to blame if the finished call
    /// went over its function's budget; if the thread is already unwinding,
    /// prints the message instead (a second panic would abort).
    pub(crate) fn check_budget(&self) {
        let Some(budget) = self.budget else {
            return;
        };
        let lines: &[CallLine] = if self.call_lines_len == 0 {
            &[]
        } else {
            // SAFETY: `call_lines` points at the call's own array of
            // `call_lines_len` entries, pinned with it.
            unsafe { std::slice::from_raw_parts(self.call_lines.get(), self.call_lines_len) }
        };
        let call = CallFigures {
            peak: self.call_peak.get(),
            increment: self.call_net.get(),
            lines,
        };
        if let Some(message) = budget::check(self.site, budget, &call) {
            if std::thread::panicking() {
                eprintln!("{message}");
            } else {
                panic!("{message}");
            }
        }
    }

    #[inline(always)]
    fn bump(&self, slot: u32) {
        if (slot as usize) < self.len {
            // SAFETY: `occurrences` points at the call's own array of `len`
            // cells, pinned with it, set by `start_call`.
            let cell = unsafe { &*self.occurrences.get().add(slot as usize) };
            cell.set(cell.get().wrapping_add(1));
        }
    }

    #[inline(always)]
    fn switch(&self, t: &ThreadState, slot: u32, count: Count) {
        // Another statement of the line that is running continues it: one
        // execution, one peak. Only a new loop iteration restarts a line.
        if slot == self.current.get() && count != Count::Always {
            return;
        }
        self.close_line(t);
        // Non-zero only after an `async` call's line spanned polls: a load
        // and a predictable branch cost less than a store on every switch.
        if self.carry.get() != 0 {
            self.carry.set(0);
        }
        if count != Count::Never {
            self.bump(slot);
        }
        self.current.set(slot);
    }

    /// Accounts what happened since the running line (or this slice of it)
    /// started to that line, and starts a new measurement.
    #[inline(always)]
    fn close_line(&self, t: &ThreadState) {
        let (allocs, freed) = t.block().activity();
        if allocs == self.start.allocs.get() && freed == self.start.freed.get() {
            // The common case: this thread neither allocated nor freed while
            // the line ran (a nested call of this function that did nothing
            // leaves nothing to exclude either). Only the process-wide Mem
            // usage can have moved, and the measurement need not restart.
            // The shared maximum is only read here; a new maximum goes to
            // the call's cache.
            let live = live_with(self.start_unpublished.get());
            if let Some(slot) = self.site.slot(self.current.get()) {
                if live > slot.mem_usage.load(std::sync::atomic::Ordering::Relaxed) {
                    self.raise_mem_usage(live);
                }
            }
            return;
        }
        self.close_changed_line(t);
    }

    /// Raises the running line's Mem usage in the call's cache. Out of line:
    /// the cache is touched only when a line has something to record.
    #[inline(never)]
    fn raise_mem_usage(&self, live: u64) {
        let current = self.current.get();
        // Split so that the common case (the line's entry is there) saves
        // no register: it runs once per iteration of a loop that grows.
        if !self.pending.raise_if_held(current, live) {
            self.raise_in_new_entry(current, live);
        }
    }

    #[cold]
    #[inline(never)]
    fn raise_in_new_entry(&self, current: u32, live: u64) {
        self.pending
            .select(self.site, current)
            .raise_mem_usage(live);
    }

    /// Accounts a line during which the thread allocated or freed.
    //
    // Split in two so that the common case (the line's pending entry is
    // held, nothing to exclude, no budget) makes no call before its last,
    // a jump: it needs no stack frame and keeps fewer values across calls.
    // With `close_into` written counter by counter it saves no register
    // (before that it saved five, and as one function six). In a loop whose
    // body allocates, this runs once per iteration.
    #[inline(never)]
    fn close_changed_line(&self, t: &ThreadState) {
        let current = self.current.get();
        match self.pending.held(current) {
            Some(entry) if !self.has_excluded.get() && self.call_lines_len == 0 => {
                self.close_into(t, entry, current, false);
            }
            _ => self.close_changed_line_in_general(t, current),
        }
    }

    /// `close_changed_line` when the entry must be selected (which may
    /// flush another line's figures), nested calls left something to
    /// exclude, or the function has a budget.
    #[cold]
    #[inline(never)]
    fn close_changed_line_in_general(&self, t: &ThreadState, current: u32) {
        // Selected first: it may flush another line's figures (a call), and
        // nothing read below then has to survive that call.
        let entry = self.pending.select(self.site, current);
        self.close_into(t, entry, current, true);
    }

    /// Adds the running line's figures to `entry` and starts the next
    /// line's measurement. `general` compiles in the rare cases: exclusions
    /// and a budget's per-call figures.
    //
    // Counter by counter: each start is replaced (the next line is measured
    // from here) and each sum added as soon as its counter is read. Few
    // values are then live at once, so `close_changed_line` pushes no
    // register (it pushed five when all counters were loaded first).
    //
    // A loop that fills fresh memory (the seed benchmark) pays for the
    // stores the probes make, pushes included (most likely they wait behind
    // the loop's own stores). Written this way, and with `freed` stored only
    // when it moved, this ran about 3% faster there than loading all
    // counters first (paired runs over six code layouts, four batches).
    #[inline(always)]
    fn close_into(&self, t: &ThreadState, entry: &Entry, current: u32, general: bool) {
        let block = t.block();
        let allocs = block.allocs();
        entry.add_allocs(allocs.wrapping_sub(self.start.allocs.replace(allocs)));
        let freed = block.freed();
        let freed_delta = freed.wrapping_sub(self.start.freed.get());
        // A line that only allocated (most lines that allocate) stores
        // neither: the start and the sum of bytes freed stay as they are.
        if freed_delta != 0 {
            self.start.freed.set(freed);
            entry.add_freed(freed_delta);
        }
        let allocated = block.allocated();
        let allocated_delta = allocated.wrapping_sub(self.start.allocated.replace(allocated));
        entry.add_allocated(allocated_delta);
        let net = allocated.wrapping_sub(freed) as i64;
        // Live bytes are far from the ends of i64: plain arithmetic.
        let mut line_net = allocated_delta.wrapping_sub(freed_delta) as i64;
        let unpublished = own_unpublished_at(t, net);
        self.start_unpublished.set(unpublished);
        // How far the thread's high is above its net bytes now.
        let above = t.high_raw(net).wrapping_sub(net);
        let peak = self
            .carry
            .get()
            .wrapping_add(above)
            .wrapping_add(line_net)
            .max(0) as u64;
        if general && self.has_excluded.get() {
            let excluded = self.take_excluded();
            entry.take_back(excluded);
            line_net = line_net.wrapping_sub(excluded.net());
        }
        entry.raise_peak(peak);
        entry.raise_mem_usage(live_with(unpublished));
        if general && self.call_lines_len != 0 {
            self.add_to_call_line(current, line_net, peak);
        }
        // The new line's peak is measured from here too. When the line just
        // closed ended on its high (a line that only allocated), the mark
        // is already there and stays in the thread: no store.
        if above != 0 {
            self.lower_high(t, net);
        }
    }

    /// What nested calls of this same function attributed to their own rows
    /// while the line ran, to be taken out of its figures; there is then
    /// nothing left to exclude.
    #[cold]
    #[inline(never)]
    fn take_excluded(&self) -> Counters {
        self.has_excluded.set(false);
        self.excluded.replace(Counters::ZERO)
    }

    /// Starts the thread's high mark afresh at `net` raw bytes, keeping the
    /// high it had for the slice's peak.
    #[inline(never)]
    fn lower_high(&self, t: &ThreadState, net: i64) {
        let high = t.high();
        if high > self.max_high.get() {
            self.max_high.set(high);
        }
        t.set_high_raw(net);
    }

    /// A function with a budget: its call keeps its own per-line figures.
    #[cold]
    #[inline(never)]
    fn add_to_call_line(&self, current: u32, net: i64, peak: u64) {
        if (current as usize) < self.call_lines_len {
            // SAFETY: as in `check_budget`.
            let line = unsafe { &*self.call_lines.get().add(current as usize) };
            line.increment.set(line.increment.get().wrapping_add(net));
            line.peak.set(line.peak.get().max(peak));
        }
    }

    /// Starts measuring the running line (or this slice of it) afresh from
    /// `now`, the thread's raw counters, with `unpublished` of its net bytes
    /// not yet in the process total.
    #[inline(always)]
    fn restart_line(&self, now: Counters, unpublished: i64) {
        self.start.set(now);
        self.start_unpublished.set(unpublished);
    }

    /// Moves the figures counted in the call so far to the shared table.
    fn flush(&self) {
        self.pending.flush(self.site);
        self.flush_occurrences();
    }

    /// Adds the occurrences counted in the call to the shared table.
    fn flush_occurrences(&self) {
        for i in 0..self.len {
            // SAFETY: as in `bump`.
            let cell = unsafe { &*self.occurrences.get().add(i) };
            let n = cell.replace(0);
            if n != 0 {
                if let Some(slot) = self.site.slot(i as u32) {
                    slot.occurrences
                        .fetch_add(u64::from(n), std::sync::atomic::Ordering::Relaxed);
                }
                capture::record(self.site, i as u32, |line| {
                    line.occurrences += u64::from(n);
                });
            }
        }
    }
}

/// Moves the line starts of the calls running on this thread by `by`: the
/// thread's raw counters just jumped by that much for reasons that are no
/// line's (the profiler's own work, a move to another block).
pub(crate) fn shift_line_starts(t: &ThreadState, by: Counters) {
    for f in frames_from(t, t.top.get()) {
        f.start.set(f.start.get().plus(by));
    }
}

/// The frames of the thread's chain from `first` outwards (to the outermost
/// running call).
fn frames_from(_t: &ThreadState, first: *const FrameCore) -> impl Iterator<Item = &FrameCore> {
    let mut p = first;
    std::iter::from_fn(move || {
        // SAFETY: frames on the thread's chain are pinned and alive until
        // they unlink themselves, which happens after their callees'; the
        // borrow of the thread's state keeps the walk on this thread.
        let f = unsafe { p.as_ref() }?;
        p = f.parent.get();
        Some(f)
    })
}

/// Three counters in separate cells, so that reading one does not load the
/// others (a wide load of values just stored one by one stalls).
struct CounterCells {
    allocated: Cell<u64>,
    freed: Cell<u64>,
    allocs: Cell<u64>,
}

impl CounterCells {
    const fn new() -> Self {
        CounterCells {
            allocated: Cell::new(0),
            freed: Cell::new(0),
            allocs: Cell::new(0),
        }
    }

    #[inline(always)]
    fn get(&self) -> Counters {
        Counters {
            allocated: self.allocated.get(),
            freed: self.freed.get(),
            allocs: self.allocs.get(),
        }
    }

    #[inline(always)]
    fn set(&self, c: Counters) {
        self.allocated.set(c.allocated);
        self.freed.set(c.freed);
        self.allocs.set(c.allocs);
    }
}

/// Brings the figures of calls still running on this thread up to date, so
/// that a report taken inside a profiled function (or at a
/// `std::process::exit` inside one) includes them.
pub(crate) fn flush_running_frames() {
    with_thread(|t| {
        let mut carried = i64::MIN;
        for f in frames_from(t, t.top.get()) {
            t.set_high(t.high().max(carried));
            let before = t.high();
            f.close_part_of_line(t);
            f.flush();
            carried = carried
                .max(before)
                .max(f.max_high.get())
                .max(f.entry_high.get());
        }
    });
}

#[inline(always)]
fn step(site: &'static Site, slot: u32, count: Count) {
    let Some(t) = this_thread() else {
        return;
    };
    let top = t.top.get();
    if top.is_null() {
        return;
    }
    // SAFETY: `top` is a pinned, live frame (see `FrameCore::end_slice`).
    let f = unsafe { &*top };
    if ptr::eq(f.site, site) {
        f.switch(t, slot, count);
    }
}

/// Probe before a statement: its line starts running.
#[doc(hidden)]
#[inline(always)]
pub fn line(site: &'static Site, slot: u32) {
    step(site, slot, Count::IfChanged);
}

/// Probe at a loop header: one more evaluation of the header.
#[doc(hidden)]
#[inline(always)]
pub fn iteration(site: &'static Site, slot: u32) {
    step(site, slot, Count::Always);
}

/// Probe before a `for` statement: its line runs, its iterator counts it.
#[doc(hidden)]
#[inline(always)]
pub fn enter_line(site: &'static Site, slot: u32) {
    step(site, slot, Count::Never);
}

/// Switches to the closing-brace line when dropped: declared just before the
/// function's tail expression (and inside `return`), so it runs after the
/// returned value is computed and before the function's locals drop.
#[doc(hidden)]
pub struct CloseMarker {
    site: &'static Site,
    slot: u32,
}

impl CloseMarker {
    #[doc(hidden)]
    #[inline(always)]
    pub fn new(site: &'static Site, slot: u32) -> Self {
        CloseMarker { site, slot }
    }
}

impl Drop for CloseMarker {
    #[inline(always)]
    fn drop(&mut self) {
        step(self.site, self.slot, Count::IfChanged);
    }
}

/// Wraps a `for` loop's iterator: each `next()` is one evaluation of the loop
/// header (n + 1 for n iterations, like memory_profiler), and what the
/// iterator itself allocates belongs to the header line.
#[doc(hidden)]
pub struct IterProbe<I> {
    inner: I,
    site: &'static Site,
    slot: u32,
}

impl<I: Iterator> IterProbe<I> {
    #[doc(hidden)]
    #[inline(always)]
    pub fn new<T: IntoIterator<IntoIter = I>>(iterable: T, site: &'static Site, slot: u32) -> Self {
        IterProbe {
            inner: iterable.into_iter(),
            site,
            slot,
        }
    }
}

impl<I: Iterator> Iterator for IterProbe<I> {
    type Item = I::Item;

    #[inline(always)]
    fn next(&mut self) -> Option<I::Item> {
        iteration(self.site, self.slot);
        self.inner.next()
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
