//! One running call of a profiled function: where its lines start and end,
//! and how its figures reach the thread's table.
//!
//! A synchronous call keeps its state ([`CallCore`]) in a slot on the
//! profiled function's own stack; an `async` call keeps it in its future
//! (`future.rs`). Either way the probes reach it through a pointer
//! ([`Probe`](crate::collect::probe::Probe)), and attribution is exclusive
//! and in source order: whatever the thread allocates or frees between one
//! probe and the next belongs to the line that was running. A probe whose
//! line did no allocator call costs two loads to find that out, and then
//! only raises the line's Mem usage; the line's other figures are worked out
//! (out of line) only for a line during which the thread allocated or freed.
//!
//! # The high-water mark across nested calls
//!
//! A line's peak is the largest rise of the thread's live bytes above their
//! value when the line started. The thread keeps one high-water mark (see
//! `counting/thread.rs`), which each line resets when it starts. A nested
//! call, profiled or not, runs inside the caller's line; a profiled one
//! resets the mark for its own lines, so on entry it saves the caller's mark
//! (`entry_high`) and on exit puts back the larger of that and every high
//! its own lines reached (`max_high`): the caller's line then sees the peak
//! reached inside the call. All of these are the thread's raw counters and
//! net bytes; when the profiler's own work moves the counters, the counting
//! layer moves every running call's figures with them.
//!
//! Worked example. `caller` is at 0 live bytes when its line `let n =
//! work();` starts. `work` enters (saves 0), allocates 64 KiB on its first
//! line (high 64 KiB), and frees it on its closing line (the mark is reset
//! to 64 KiB at that line's start, then the free notes 64 KiB). On exit it
//! restores `max(0, 64 KiB)`. When `caller`'s next line starts, its line `let
//! n = work();` closes with `now - start` = 64 KiB allocated and freed, net 0,
//! and a peak of 64 KiB: the callee's temporary shows where it was called.
//!
//! An `async` call runs in slices, one per poll, each on the thread that
//! polls it: a slice saves and restores the mark the same way, and the
//! call's peak and net bytes add up over slices (`line.rs`).
//!
//! # Lazy starts
//!
//! Most calls neither allocate nor free: a helper returning a field, an
//! arithmetic function. Such a call needs its lines counted and their Mem
//! usage raised, and nothing else of its start. In an optimised runtime a
//! call without a budget therefore starts lazily (`start_lazily`): it
//! writes what its probes and a quiet end read (the allocator calls at
//! entry, the block, the table's lines) and links itself as the thread's
//! innermost call, and the rest (the other counters at entry, its entry
//! high-water mark, peak watch, recursion link) is left unwritten. The
//! thread's `lazy_start` is set meanwhile, and everything that moves the
//! thread's counters, mark or watch (the allocator's counting, a suspension
//! of counting, a move to another block) or reads a whole call (a nested
//! call's full start, an `async` slice, a report) calls it first: it
//! finishes starting every lazily started call on the chain, outermost
//! first, exactly as their entries would have, since nothing those entries
//! read has moved since (`finish_lazy_starts`). A call still lazy when it
//! ends did not see the thread allocate or free: it raises its closing
//! line's Mem usage and unlinks (`end_lazily`). The figures are the same
//! either way; the common call writes and reads less.
//!
//! Worked example. `outer` (lazy) calls `inner` (lazy), whose second line
//! allocates 64 B. The allocator counts through `counting`, which settles
//! first: `outer` is finished starting with the counters as they are (as
//! at its entry: nothing moved), its mark saved and started afresh, then
//! `inner` the same way inside it. The allocation is then counted, and
//! `inner`'s line closes at its next probe exactly as if both calls had
//! started in full.
//!
//! # Recursion
//!
//! A call of the function that is already running on the thread counts its
//! bytes on its own rows, and the enclosing call of the same function
//! leaves them out of its running line (`excluded`), so a recursive
//! function's figures count each byte once.

use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::AtomicU64;

use crate::collect::budget::{self, CallLine};
use crate::collect::line::{call_peak, entry_starts_line, larger, line_end};
use crate::collect::probe::Probe;
use crate::collect::record::{self, LineFigures, Record, Table};
use crate::collect::site::{self, Site};
use crate::collect::switch;
use crate::counting::held::{self, LiveRecord};
use crate::counting::thread::{this_thread, with_thread, Counters, Measurement, ThreadState};
use crate::counting::totals::{live_with, published_live_at, Block};
use crate::relaxed::{
    self, optimised_load, optimised_store, relaxed_load, relaxed_store, runtime_load, runtime_store,
};
use crate::unchecked;

#[cfg(all(memprof_asm, not(miri)))]
pub(crate) mod quiet;

/// `excluded` holds what nested calls of the same function counted (it is
/// uninitialised without this flag).
const EXCLUDED: u32 = 1;
/// `m.line.calls` is one below the line's real start, so that the next
/// probe takes the slow path, which adds the earlier polls' `carry` to the
/// peak. Set whenever `carry` is not zero.
const POISONED: u32 = 2;
/// `call_lines` is not null: the function has a budget.
const BUDGETED: u32 = 4;
/// The call was started lazily and is not finished starting: only what its
/// probes and a quiet end read is written (see "Lazy starts" above).
const LAZY: u32 = 8;
/// With `LAZY`: a call started lazily ran this one, so the thread's
/// `lazy_start` stays set when this one ends.
const OUTER_LAZY: u32 = 16;
/// With `LAZY`: the call counted itself among its site's running calls (a
/// timeline is recorded), and its lazy end uncounts it. A call started in
/// full, or whose lazy start was finished, asks the site layer at its end
/// instead, as at its start (the same answer, unless the process's first
/// call, on another thread, settled it in between).
const TRACKED: u32 = 32;

/// How a probe counts an occurrence of the line it switches to. Plain
/// numbers, not an enum: comparing them is one instruction even in an
/// unoptimised build, where a derived `PartialEq` is a call.
pub(crate) mod count {
    /// When the line differs from the one that was running: a statement.
    pub(crate) const IF_CHANGED: u8 = 0;
    /// Always: a new iteration of a loop header.
    pub(crate) const ALWAYS: u8 = 1;
    /// Never: a `for` statement, whose iterations its iterator counts.
    pub(crate) const NEVER: u8 = 2;
}

/// The state of one running call. Created only by `#[profile]`'s code, in
/// storage it provides (see [`Call::enter`]).
#[doc(hidden)]
#[repr(C)]
pub struct CallCore {
    /// The running line's and slice's starts, on the thread's chain. First,
    /// so that a pointer to it is a pointer to the call.
    /// Its `slot` is the line now running, `len` the function's lines.
    m: Measurement,
    /// `EXCLUDED`, `POISONED`, `BUDGETED`: zero in the common case, where
    /// a line's end is plain arithmetic.
    flags: u32,
    /// This thread's figures of the function's lines, `m.len` of them.
    lines: *const LineFigures,
    /// The block the running thread counts in.
    block: *const Block,
    /// The thread's net bytes not yet published when the running line
    /// started: they stay the same while the thread neither allocates nor
    /// frees.
    start_unpublished: i64,
    /// Net bytes of the running line in earlier slices.
    carry: i64,
    thread: *const ThreadState,
    table: *const Table,
    /// The call of the same function this one runs inside, on this thread.
    outer_same: *mut CallCore,
    /// What nested calls of the same function counted on their own rows
    /// while the running line ran; written only by the first of them (see
    /// `EXCLUDED`), so that a call's start stores less.
    excluded: MaybeUninit<Counters>,
    /// Net bytes of the call in its slices so far.
    call_net: i64,
    /// Largest rise of the live bytes above their value at entry.
    call_peak: i64,
    /// A budgeted call's own per-line figures, `len` of them, or null.
    call_lines: *mut CallLine,
}

// The quiet paths (a probe, a call's start and end where the thread
// neither allocated nor freed) as macros over a `CallCore`, reading and
// writing through raw addresses with the `relaxed_*!` macros. Why not
// methods: in an unoptimised build, which is what `cargo test` runs, every
// reference made from a raw pointer is checked for null and alignment
// (about twenty instructions), and every function layer, even an inlined
// one, copies its arguments through the stack; these run on every
// statement.

/// `quiet_since!(core, calls)`: whether the thread made no allocator call
/// since its count was `calls`.
macro_rules! quiet_since {
    ($core:expr, $calls:expr) => {
        quiet_since!($core, $calls, relaxed_load)
    };
    ($core:expr, $calls:expr, $load:ident) => {
        // SAFETY: the block is a static one or the thread's fallback, which
        // outlive the call.
        unsafe { $load!(Block::calls_at($core.block)) == $calls }
    };
}

/// `raise_mem_usage!(core, slot)`: raises the Mem usage of the line in
/// `slot` (< `len`) to the process's live bytes, the thread's unpublished
/// bytes being `start_unpublished`.
macro_rules! raise_mem_usage {
    ($core:expr, $slot:expr) => {
        raise_mem_usage!($core, $slot, relaxed_load, relaxed_store)
    };
    ($core:expr, $slot:expr, $load:ident, $store:ident) => {
        // SAFETY: the process's published bytes are a static's; the line's
        // figures are the call's table's (see `CallCore::line`), which only
        // this thread writes.
        unsafe {
            let live = ($load!(published_live_at()) as i64).wrapping_add($core.start_unpublished);
            let mem_usage = ptr::addr_of!((*$core.lines.wrapping_add($slot as usize)).mem_usage);
            if live > $load!(mem_usage) as i64 {
                $store!(mem_usage, live as u64);
            }
        }
    };
}

/// `count_occurrence!(core, slot)`: one more run of the line in `slot`
/// (< `len`).
macro_rules! count_occurrence {
    ($core:expr, $slot:expr) => {
        count_occurrence!($core, $slot, relaxed_load, relaxed_store)
    };
    ($core:expr, $slot:expr, $load:ident, $store:ident) => {
        // SAFETY: as in `raise_mem_usage!`.
        unsafe {
            let occurrences =
                ptr::addr_of!((*$core.lines.wrapping_add($slot as usize)).occurrences);
            $store!(occurrences, $load!(occurrences).wrapping_add(1));
        }
    };
}

/// `count_entry!(core, first, load, store)`: what a call just started
/// counts in its table (see `CallCore::count_entry`), its counters read
/// and written with the macros `load` and `store`.
macro_rules! count_entry {
    ($core:expr, $first:expr, $load:ident, $store:ident) => {
        count_occurrence!($core, 0, $load, $store);
        raise_mem_usage!($core, 0, $load, $store);
        if entry_starts_line($first, $core.m.len) {
            // The signature line ran no code of its own: nothing to close.
            count_occurrence!($core, $first, $load, $store);
            $core.m.slot = $first;
        }
    };
}

/// `switch_body!(core, slot, count, load, store)`: what a probe does,
/// its counters read and written with the macros `load` and `store` (see
/// `CallCore::switch`).
macro_rules! switch_body {
    ($core:expr, $slot:expr, $count:expr, $load:ident, $store:ident) => {
        if $slot >= $core.m.len || ($slot == $core.m.slot && $count != count::ALWAYS) {
            // Another statement of the running line continues it: one
            // execution, one peak. Only a new loop iteration restarts a line.
            return;
        }
        if quiet_since!($core, $core.m.line.calls, $load) {
            // The common case: the thread neither allocated nor freed while
            // the line ran. Only the process-wide Mem usage can have moved,
            // and the measurement need not restart.
            raise_mem_usage!($core, $core.m.slot, $load, $store);
        } else {
            $core.close_changed_line();
        }
        if $count != count::NEVER {
            count_occurrence!($core, $slot, $load, $store);
        }
        $core.m.slot = $slot;
    };
}

impl CallCore {
    /// Starts a call of `site` on `t`, in `storage`: counts it on the
    /// signature line, and makes it the innermost running call. The line in
    /// slot `first` starts running at once, as if its probe had run (the
    /// signature line itself when `first` is 0). `None` when the thread has
    /// no table for the function.
    #[inline]
    pub(crate) fn start<'a>(
        storage: &'a mut MaybeUninit<CallCore>,
        site: &'static Site,
        t: &ThreadState,
        first: u32,
    ) -> Option<&'a mut CallCore> {
        // `let .. else`, not `?`: that is a call in an unoptimised build.
        #[allow(clippy::question_mark)]
        let Some(table) = record::table_for(t, site) else {
            return None;
        };
        // This start reads the thread's mark and the calls outside it.
        t.settle_lazy_calls();
        let core = CallCore::write_start(storage, site, t, table, 0, relaxed::load);
        // The call's first slice is begun here rather than by `begin_slice`.
        core.finish_start(t);
        core.count_entry(first);
        if site::tracking_active() {
            site::call_started(site);
        }
        // Not `is_some`: a call in an unoptimised build.
        #[allow(clippy::redundant_pattern_matching)]
        if let Some(_) = site.budget {
            core.call_lines = budget::call_lines(site.len);
            if !core.call_lines.is_null() {
                core.flags |= BUDGETED;
            }
        }
        Some(core)
    }

    /// Starts a call of `site` on `t` in `storage` as `start` does, but
    /// lazily (see "Lazy starts"): the allocator calls at entry, the
    /// block, the table's lines and the chain link, with the signature line
    /// and the line in slot `first` counted; the rest is unwritten until
    /// `finish_lazy_starts`. For a function without a budget whose table
    /// the thread has. Only `enter` and `enter_otherwise` call it: it reads
    /// and writes as code only the runtime's build compiles
    /// (`runtime_load!`). Inlined in both, so that the common start makes
    /// no call.
    #[cfg(not(all(memprof_asm, not(miri))))]
    #[inline(always)]
    pub(crate) fn start_lazily<'a>(
        storage: &'a mut MaybeUninit<CallCore>,
        site: &'static Site,
        t: &ThreadState,
        table: &'static Table,
        first: u32,
    ) -> &'a mut CallCore {
        let flags = if t.lazy_start.get().is_some() {
            LAZY | OUTER_LAZY
        } else {
            LAZY
        };
        let core = CallCore::write_start(storage, site, t, table, flags, relaxed::load_in_runtime);
        t.set_measuring(&mut core.m);
        t.lazy_start.set(Some(finish_lazy_starts));
        core.count_entry_in_runtime(first);
        core
    }

    /// Writes the state of a call of `site` on `t` in `storage` as a lazy
    /// start leaves it, with `flags`: what the probes and a quiet end read
    /// (the line's start in `calls`, the block, the table's lines, the
    /// running slot) and the link to the call outside it. The rest stays
    /// unwritten until `finish_start`, which nothing before it reads (see
    /// "Lazy starts"): a quiet call stores a dozen words, not thirty. Not yet
    /// linked. The block's counters are read with `load` (see
    /// `Block::start_counts`).
    #[inline(always)]
    fn write_start<'a>(
        storage: &'a mut MaybeUninit<CallCore>,
        site: &'static Site,
        t: &ThreadState,
        table: &'static Table,
        flags: u32,
        load: fn(&AtomicU64) -> u64,
    ) -> &'a mut CallCore {
        let block = t.block();
        let counts = block.start_counts(load);
        // SAFETY: the slot is valid for writes and aligned; a reference to
        // a partly written `CallCore` is sound as long as no field is read
        // before it is written, and only the fields below are read before
        // `finish_start` writes the others (a `CallCore` is never copied
        // whole). Field by field, not one struct literal, which would
        // write all of them; through one reference, because an
        // unoptimised build checks every dereference of a raw pointer.
        let core = unsafe { &mut *storage.as_mut_ptr() };
        core.m.line.calls = counts.calls;
        core.m.outer = t.measuring.get();
        core.m.slot = 0;
        core.m.len = site.len;
        core.m.site = ptr::from_ref(site).cast();
        // Read by a report walking the thread's running calls.
        core.m.held = ptr::null_mut();
        core.flags = flags;
        core.lines = table.lines_ptr();
        core.block = block;
        core.start_unpublished = counts.unpublished;
        core.thread = t;
        core.table = table;
        core
    }

    /// A call just started counts its signature line (whose Mem usage it
    /// raises) and starts the line in slot `first` running (0: the
    /// signature line itself).
    #[inline(always)]
    fn count_entry(&mut self, first: u32) {
        count_entry!(self, first, relaxed_load, relaxed_store);
    }

    /// `count_entry` in code only the runtime's build compiles (see
    /// `runtime_load!`).
    #[cfg(not(all(memprof_asm, not(miri))))]
    #[inline(always)]
    fn count_entry_in_runtime(&mut self, first: u32) {
        count_entry!(self, first, runtime_load, runtime_store);
    }

    /// Finishes a call's start from what `write_start` wrote: at once for
    /// a full start, and for a lazy one when it is first needed, with the
    /// thread's counters, mark and watch as they were at its entry
    /// (whatever moves them settles first). The calls outside it are whole.
    /// Writes every field `write_start` left: the counters at entry (read
    /// again, unmoved), its entry mark, peak watch, recursion link, largest
    /// rise so far and zeros; it becomes the innermost running call on `t`
    /// and on its table.
    fn finish_start(&mut self, t: &ThreadState) {
        // SAFETY: the table outlives the call (see `line`).
        let table = unsafe { &*self.table };
        // The block's counters have not moved since the call's entry
        // (whatever moves them settles first): its line and slice start
        // where they are now.
        // SAFETY: a static block or the thread's fallback, which outlive
        // the call.
        let now = unsafe { &*self.block }.attribution_counters();
        let slice = SliceStart {
            block: self.block,
            now,
            unpublished: self.start_unpublished,
        };
        let net = now.net();
        self.m.line = now;
        self.m.slice = now;
        self.m.entry_high = t.high_raw(net);
        self.m.max_high = net;
        self.m.rise_base = net;
        self.m.best_rise = table.call_peak();
        self.m.outer_watch = t.peak_watch.get();
        self.carry = 0;
        self.outer_same = table.running.get();
        self.call_net = 0;
        self.call_peak = 0;
        self.call_lines = ptr::null_mut();
        self.flags = 0;
        slice.link(self, t, table);
    }

    /// Ends a call still started lazily: the thread neither allocated nor
    /// freed since it began, so its closing line's Mem usage is all there is
    /// to account, and the mark, the watch and its table's running call are
    /// as they were.
    /// Only `leave` calls it (see `runtime_load!`).
    #[inline]
    fn end_lazily(&mut self, t: &ThreadState) {
        raise_mem_usage!(self, self.m.slot, runtime_load, runtime_store);
        t.set_measuring(self.m.outer);
        if self.flags & OUTER_LAZY == 0 {
            t.lazy_start.set(None);
        }
        if self.flags & TRACKED != 0 {
            site::call_finished(self.site());
        }
    }

    /// Whether this is a call of `site`.
    #[inline(always)]
    pub(crate) fn is_call_of(&self, site: &'static Site) -> bool {
        ptr::eq(self.site(), site)
    }

    /// The function this is a call of.
    #[inline(always)]
    fn site(&self) -> &'static Site {
        // Not through the table: one load fewer, on the path of every
        // `async` poll and closing line that finds its call by its site.
        // SAFETY: every start writes the call's `&'static Site` here.
        // Unchecked: a call's end reads it, and a check's panic path would
        // make the lazy end save a register.
        unsafe { unchecked::as_ref(self.m.site.cast::<Site>()) }
    }

    /// The figures of the line in `slot` (< `len`).
    #[inline(always)]
    fn line(&self, slot: u32) -> &LineFigures {
        // SAFETY: `lines` points at `len` figures of a table that outlives
        // the call (tables of a thread's record are never freed; a
        // capture's are freed only after its calls are pointed elsewhere),
        // and every slot stored in `current` or passed here is below `len`.
        unsafe { &*self.lines.wrapping_add(slot as usize) }
    }

    /// Makes this call the innermost running one on `t`, whose table of the
    /// function is `table`: from here on, what the thread allocates belongs
    /// to the running line. (A call's first slice is begun by `start`.)
    #[inline]
    pub(crate) fn begin_slice(&mut self, t: &ThreadState, table: &Table) {
        t.settle_lazy_calls();
        let slice = SliceStart::of(t);
        self.thread = t;
        self.block = slice.block;
        self.table = table;
        self.lines = table.lines_ptr();
        self.m.len = table.site.len;
        self.start_unpublished = slice.unpublished;
        self.outer_same = table.running.get();
        slice.restart(&mut self.m, t, self.call_net);
        held::set_owner(&self.m, t);
        slice.link(self, t, table);
        if self.carry != 0 {
            self.poison();
        }
    }

    /// Accounts the running line's part of this slice and stops being the
    /// innermost running call. The line keeps running: a later slice (the
    /// next poll of an `async` call) continues it.
    #[inline]
    pub(crate) fn end_slice(&mut self, t: &ThreadState) {
        self.end_slice_with::<false>(t);
    }

    /// `end_slice`; `CALL_ENDS`: the slice is a synchronous call's only
    /// one, which ends the call, and its busy part is inlined (one call and
    /// its saved registers fewer) and carries nothing to a next slice.
    #[inline(always)]
    fn end_slice_with<const CALL_ENDS: bool>(&mut self, t: &ThreadState) {
        if quiet_since!(self, self.m.slice.calls) && self.flags == 0 {
            // The common case: nothing allocated or freed in the whole
            // slice. The running line's Mem usage may have moved; nothing
            // else did, and the caller's mark goes back as it was.
            raise_mem_usage!(self, self.m.slot);
            if self.call_net > self.call_peak {
                self.call_peak = self.call_net;
            }
            t.set_high_raw(self.m.entry_high);
            self.note_slice_end(t);
            self.unlink(t);
        } else if CALL_ENDS {
            self.end_busy_slice_with::<true>(t);
        } else {
            self.end_busy_slice(t);
        }
    }

    /// `end_slice` when the thread allocated or freed during it.
    #[inline(never)]
    fn end_busy_slice(&mut self, t: &ThreadState) {
        self.end_busy_slice_with::<false>(t);
    }

    /// `end_busy_slice`'s body; `CALL_ENDS` as in `end_slice_with`: the
    /// running line then closes for good rather than in part.
    #[inline(always)]
    fn end_busy_slice_with<const CALL_ENDS: bool>(&mut self, t: &ThreadState) {
        if CALL_ENDS {
            self.close_line(t);
        } else {
            self.close_part_of_line(t);
        }
        // The line's measurement starts afresh here: at the counters now
        // (but for a poisoned `calls`, which no figure uses), with the
        // thread's mark at their net bytes.
        let now = self.m.line;
        let slice_high = larger(self.m.max_high, now.net());
        self.call_peak = call_peak(
            self.call_peak,
            self.call_net,
            self.m.slice.net(),
            slice_high,
        );
        let slice = now.since(self.m.slice);
        self.call_net = self.call_net.wrapping_add(slice.net());
        t.set_high_raw(larger(self.m.entry_high, slice_high));
        self.note_slice_end(t);
        self.unlink(t);
        // Whatever this slice did is now on this function's rows; the
        // enclosing call of the same function leaves it out.
        // SAFETY: the enclosing call is alive (it runs this one) and is not
        // otherwise borrowed while this one ends.
        if let Some(outer) = unsafe { self.outer_same.as_mut() } {
            let excluded = if outer.flags & EXCLUDED != 0 {
                // SAFETY: written when the flag was set.
                unsafe { outer.excluded.assume_init() }.plus(slice)
            } else {
                slice
            };
            outer.excluded.write(excluded);
            outer.flags |= EXCLUDED;
        }
    }

    /// What the call holds as a slice ends: the composition of its
    /// largest rise, if it ends on it.
    #[inline(always)]
    fn note_slice_end(&mut self, t: &ThreadState) {
        if self.call_net > self.m.best_rise {
            held::note_end_rise(t, &mut self.m, self.call_net);
        }
    }

    /// Stops being the innermost running call on `t`.
    #[inline(always)]
    fn unlink(&mut self, t: &ThreadState) {
        held::set_owner(&self.m, ptr::null());
        t.peak_watch.set(self.m.outer_watch);
        t.set_measuring(self.m.outer);
        // SAFETY: the table outlives the call (see `line`).
        unsafe { &*self.table }.running.set(self.outer_same);
    }

    /// Ends the call: after its last slice, on the thread that ran it
    /// (`None` when that slice could not begin: the call then holds on to
    /// what it holds, in no figure but Live at exit).
    #[inline]
    pub(crate) fn finish(&mut self, t: Option<&ThreadState>) {
        self.finish_with::<false>(t);
    }

    /// `finish`, with the end of the call's record inlined when
    /// `HOLDING_INLINED` (the end of a synchronous call).
    #[inline(always)]
    fn finish_with<const HOLDING_INLINED: bool>(&mut self, t: Option<&ThreadState>) {
        let site = self.site();
        if site::tracking_active() {
            site::call_finished(site);
        }
        let retained = match t {
            Some(t) if self.m.held as usize != 0 => {
                if HOLDING_INLINED {
                    self.end_holding_inlined(t)
                } else {
                    self.end_holding(t)
                }
            }
            _ => 0,
        };
        if let Some(budget) = site.budget {
            let lines = self.call_lines;
            self.call_lines = ptr::null_mut();
            self.flags &= !BUDGETED;
            let call = budget::CallFigures {
                peak: self.call_peak,
                net: self.call_net,
                retained,
            };
            budget::check(site, budget, call, lines, self.m.len);
        }
    }

    /// Ends the call's record of the blocks it holds (`held.rs`): each
    /// line's retained bytes go to its figures, the composition of the
    /// call's peak to the table if it is the function's largest, and what
    /// the call still holds to the call that ran it. Returns the bytes
    /// retained.
    #[inline(never)]
    fn end_holding(&mut self, t: &ThreadState) -> u64 {
        self.end_holding_inlined(t)
    }

    /// `end_holding`'s body: the common end, a record that holds nothing,
    /// inline; the rest out of line (`end_retaining`).
    #[inline(always)]
    fn end_holding_inlined(&mut self, t: &ThreadState) -> u64 {
        // SAFETY: the table outlives the call (see `line`).
        let table = unsafe { &*self.table };
        table.note_call_peak(self.call_peak, &self.m);
        match held::end_if_empty(t, &mut self.m) {
            None => 0,
            Some(record) => self.end_retaining(t, record),
        }
    }

    /// `end_holding` for a record that may still hold bytes.
    #[inline(never)]
    fn end_retaining(&mut self, t: &ThreadState, record: *mut LiveRecord) -> u64 {
        // The enclosing call on `t` (this one has unlinked itself), and the
        // enclosing call of the same function, which in direct recursion is
        // the same one.
        let parent = t.measuring.get();
        let same = if self.outer_same.is_null() {
            ptr::null_mut()
        } else {
            // SAFETY: the enclosing call of the same function runs this
            // one: alive; only its address is taken.
            unsafe { ptr::addr_of_mut!((*self.outer_same).m) }
        };
        let lines = self.lines;
        let len = self.m.len;
        let call_lines = self.call_lines;
        // SAFETY: the call's own record, just taken from its measurement;
        // both run this call on `t`, and nothing else borrows them while it
        // ends.
        let ended = unsafe {
            held::end_holding_bytes(t, record, parent, same, |slot, bytes| {
                if slot < len {
                    // SAFETY: as in `line`.
                    LineFigures::add(&(*lines.add(slot as usize)).retained, bytes);
                }
                if !call_lines.is_null() {
                    budget::add_retained(call_lines, len, slot, bytes);
                }
            })
        };
        ended.retained
    }

    /// The call's future is suspended on its running line: what the call
    /// holds then (its net bytes so far) raises the line's
    /// held-while-suspended.
    pub(crate) fn note_suspended(&self) {
        let held = self.call_net.max(0) as u64;
        LineFigures::raise(&self.line(self.m.slot).held_suspended, held + 1);
    }

    /// The probes' entry: the line in `slot` starts running, or the running
    /// line goes on.
    #[inline(always)]
    pub(crate) fn switch(&mut self, slot: u32, count: u8) {
        switch_body!(self, slot, count, relaxed_load, relaxed_store);
    }

    /// `switch` for the inlined probes, which only optimised code runs:
    /// through the standard atomics (`optimised_load!`).
    #[inline(always)]
    pub(crate) fn switch_optimised(&mut self, slot: u32, count: u8) {
        switch_body!(self, slot, count, optimised_load, optimised_store);
    }

    /// The slot of the closing-brace line, the function's last.
    #[inline(always)]
    pub(crate) fn close_slot(&self) -> u32 {
        self.m.len.wrapping_sub(1)
    }

    /// Accounts a line during which the thread allocated or freed, which
    /// has ended.
    #[inline(never)]
    fn close_changed_line(&mut self) {
        // SAFETY: the call runs on the thread it points at.
        let t = unsafe { &*self.thread };
        self.close_line(t);
        self.carry = 0;
    }

    /// Accounts the running line so far without ending it: its net bytes are
    /// carried, so that its peak stays measured from where it started.
    #[inline(always)]
    pub(crate) fn close_part_of_line(&mut self, t: &ThreadState) {
        let net = self.close_line(t);
        self.carry = self.carry.wrapping_add(net);
        if self.carry != 0 {
            self.poison();
        }
    }

    /// Makes the next probe's quick test fail, so that it adds `carry`.
    fn poison(&mut self) {
        self.m.line.calls = self.m.line.calls.wrapping_sub(1);
        self.flags |= POISONED;
    }

    /// Adds what happened since the running line (or this part of it)
    /// started to its figures, and starts measuring afresh. Returns the
    /// thread's net bytes over that stretch (before exclusions).
    #[inline(always)]
    fn close_line(&mut self, t: &ThreadState) -> i64 {
        if self.flags == 0 {
            self.close_line_with(t, false)
        } else {
            self.close_line_with_flags(t)
        }
    }

    /// `close_line` when a flag is set.
    #[inline(never)]
    fn close_line_with_flags(&mut self, t: &ThreadState) -> i64 {
        self.close_line_with(t, true)
    }

    /// `close_line`, where `flagged` tells whether a flag may be set: the
    /// common case compiles without their branches.
    #[inline(always)]
    fn close_line_with(&mut self, t: &ThreadState, flagged: bool) -> i64 {
        debug_assert!(self.flags & LAZY == 0, "a lazy call's line closed");
        // SAFETY: as in `switch`.
        let block = unsafe { &*self.block };
        let now = block.attribution_counters();
        let start = self.m.line;
        let mut excluded = Counters::ZERO;
        let mut carry = 0;
        if flagged {
            if self.flags & POISONED != 0 {
                self.flags &= !POISONED;
                carry = self.carry;
            }
            if self.flags & EXCLUDED != 0 {
                self.flags &= !EXCLUDED;
                // SAFETY: written when the flag was set.
                excluded = unsafe { self.excluded.assume_init() };
            }
        }
        let net_now = now.net();
        let high = t.high_raw(net_now);
        let end = line_end(start, now, high, carry, excluded);
        let line = self.line(self.m.slot);
        LineFigures::add(&line.allocs, end.counted.allocs);
        LineFigures::add(&line.allocated, end.counted.allocated);
        if end.counted.freed != 0 {
            LineFigures::add(&line.freed, end.counted.freed);
        }
        LineFigures::raise(&line.peak, end.peak);
        let unpublished = block.unpublished(net_now);
        line.raise_mem_usage(live_with(unpublished));
        if flagged && self.flags & BUDGETED != 0 {
            budget::add(self.call_lines, self.m.len, self.m.slot, end.net, end.peak);
        }
        self.m.line = now;
        self.start_unpublished = unpublished;
        // The next line's peak is measured from here. When the line just
        // closed ended on its high (a line that only allocated), the mark is
        // already here.
        if high != net_now {
            self.m.max_high = larger(self.m.max_high, high);
            t.set_high_raw(net_now);
        }
        now.since(start).net()
    }
}

/// Where a slice starts, read from the thread.
struct SliceStart {
    block: *const Block,
    now: Counters,
    unpublished: i64,
}

impl SliceStart {
    #[inline(always)]
    fn of(t: &ThreadState) -> SliceStart {
        let block = t.block();
        let now = block.attribution_counters();
        SliceStart {
            block,
            now,
            unpublished: block.unpublished(now.net()),
        }
    }

    /// `m`, of a call whose earlier slices' net bytes are `call_net`,
    /// starts a slice here.
    #[inline(always)]
    fn restart(&self, m: &mut Measurement, t: &ThreadState, call_net: i64) {
        let net = self.now.net();
        m.line = self.now;
        m.slice = self.now;
        m.entry_high = t.high_raw(net);
        m.max_high = net;
        m.outer = t.measuring.get();
        m.rise_base = net.wrapping_sub(call_net);
        m.outer_watch = t.peak_watch.get();
    }

    /// Makes `core` the innermost running call on `t` (and of its function,
    /// on `table`), and starts the thread's mark afresh for its lines.
    #[inline(always)]
    fn link(&self, core: &mut CallCore, t: &ThreadState, table: &Table) {
        table.running.set(core);
        t.set_measuring(&mut core.m);
        t.set_high_raw(self.now.net());
        let peak_at = core.m.peak_at();
        if peak_at < core.m.outer_watch {
            t.peak_watch.set(peak_at);
        }
    }
}

/// A running synchronous call: dropped when the function returns or
/// unwinds, after its locals, which ends the call. Created only by
/// `#[profile]`'s code.
#[doc(hidden)]
pub struct Call(*mut CallCore);

impl Call {
    /// Starts a call of `site` in `storage`, a slot on the profiled
    /// function's stack that outlives the returned guard, with the line in
    /// slot `first` running (the function's first statement, whose probe
    /// this replaces; 0 for none).
    #[doc(hidden)]
    #[inline]
    pub fn enter(storage: &mut MaybeUninit<CallCore>, site: &'static Site, first: u32) -> Call {
        if !switch::on() {
            return Call(ptr::null_mut());
        }
        enter(storage, site, first)
    }

    /// The handle the function's probes use.
    #[doc(hidden)]
    #[inline(always)]
    pub fn probe(&self) -> Probe {
        Probe::new(self.0)
    }

    /// Runs the function's body, which `#[profile]` makes a closure called
    /// once, while this guard is alive.
    ///
    /// Why a closure: in an unoptimised build, each call made while a value
    /// with a destructor is in scope gets a landing pad, and LLVM's fast
    /// register allocator then keeps each such call's result in a stack
    /// slot of its own; a long function with nothing of its own to drop
    /// would grow by 16 bytes a statement with the guard in its scope. In
    /// the closure, the guard is not in scope. `FnOnce`, not `FnMut`: the
    /// body may return what it borrows through a captured `&mut` parameter.
    #[doc(hidden)]
    #[inline(always)]
    pub fn run<R>(&self, body: impl FnOnce() -> R) -> R {
        body()
    }
}

#[inline(never)]
fn enter(storage: &mut MaybeUninit<CallCore>, site: &'static Site, first: u32) -> Call {
    let Some(t) = this_thread() else {
        return Call(ptr::null_mut());
    };
    // Where the runtime is unoptimised, the common start is assembly; null
    // when it leaves the call to the Rust, having written nothing.
    #[cfg(all(memprof_asm, not(miri)))]
    {
        let core = quiet::start(storage.as_mut_ptr(), site, t, first);
        if core as usize != 0 {
            return Call(core);
        }
    }
    // Elsewhere a call starts lazily, unless a budget needs it whole. Here
    // only when the function's table is among the thread's recent ones, the
    // common case, which makes no call: this function then saves only the
    // registers the start itself needs. No table is kept there while calls
    // are tracked (`site::calls_may_keep_recent_tables`), so this start
    // makes no test for it.
    #[cfg(not(all(memprof_asm, not(miri))))]
    if site.budget.is_none() {
        if let Some(table) = record::recent_table(t, site) {
            return Call(CallCore::start_lazily(storage, site, t, table, first));
        }
    }
    enter_otherwise(storage, site, t, first)
}

/// `enter` for the rest: a start the assembly leaves to the Rust, a
/// budget, or a function whose table is not among the thread's recent
/// ones (its first call on the thread, or one of many called in turn),
/// which starts lazily too once its table is found. Out of line, so that
/// the common start keeps no more registers than it uses.
#[cfg_attr(not(all(memprof_asm, not(miri))), cold)]
#[inline(never)]
fn enter_otherwise(
    storage: &mut MaybeUninit<CallCore>,
    site: &'static Site,
    t: &ThreadState,
    first: u32,
) -> Call {
    // Not among the recent tables (`enter` looked): from the record, where
    // every call of a tracked process starts, and counts itself.
    #[cfg(not(all(memprof_asm, not(miri))))]
    if site.budget.is_none() {
        if let Some(table) = record::made_table_in_record(t, site, site.id()) {
            let core = CallCore::start_lazily(storage, site, t, table, first);
            if site::tracking_active() {
                site::call_started(site);
                core.flags |= TRACKED;
            }
            return Call(core);
        }
    }
    match CallCore::start(storage, site, t, first) {
        Some(core) => Call(core),
        None => Call(ptr::null_mut()),
    }
}

impl Drop for Call {
    #[inline]
    fn drop(&mut self) {
        // Not `is_null`: a call in an unoptimised build.
        if self.0 as usize != 0 {
            // Where the runtime is unoptimised, the common end is assembly,
            // which leaves any other to `leave`.
            #[cfg(all(memprof_asm, not(miri)))]
            quiet::leave(self.0);
            #[cfg(not(all(memprof_asm, not(miri))))]
            leave(self.0);
        }
    }
}

#[inline(never)]
fn leave(core: *mut CallCore) {
    // SAFETY: the storage outlives the guard, and nothing else borrows the
    // call while it ends. Unchecked: this runs at every call's end.
    let core = unsafe { unchecked::as_mut(core) };
    // SAFETY: a synchronous call ends on the thread it started on.
    let t = unsafe { unchecked::as_ref(core.thread) };
    if core.flags & LAZY != 0 {
        core.end_lazily(t);
        return;
    }
    leave_whole(core, t);
}

/// `leave` for a call started in full. Out of line, so that the end of a
/// lazily started one keeps no more registers than it uses. Where the
/// runtime is optimised, the whole end is inlined here; unoptimised, its
/// parts stay functions of their own, since there every inlined part keeps
/// stack slots of its own (one frame of 4.4 KiB, where the deepest part
/// alone takes 3.5).
#[inline(never)]
fn leave_whole(core: &mut CallCore, t: &ThreadState) {
    #[cfg(memprof_optimised)]
    {
        core.end_slice_with::<true>(t);
        core.finish_with::<true>(Some(t));
    }
    #[cfg(not(memprof_optimised))]
    {
        core.end_slice(t);
        core.finish(Some(t));
    }
}

/// Finishes starting the lazily started calls on `t`'s chain (see "Lazy
/// starts"), outermost first, as their entries would have: each reads the
/// thread as the one outside it left it. `t`'s `lazy_start`.
#[cfg(not(all(memprof_asm, not(miri))))]
fn finish_lazy_starts(t: &ThreadState) {
    t.lazy_start.set(None);
    // SAFETY: as below.
    let Some(innermost) = (unsafe { t.measuring.get().cast::<CallCore>().as_mut() }) else {
        return;
    };
    // While `lazy_start` is set the innermost call is a lazy one: a call
    // started in full settles first.
    if innermost.flags & LAZY == 0 {
        return;
    }
    // SAFETY: as below.
    if unsafe { innermost.m.outer.cast::<CallCore>().as_ref() }
        .is_none_or(|outer| outer.flags & LAZY == 0)
    {
        // The common case: one lazy call, the innermost.
        innermost.finish_start(t);
        return;
    }
    // The lazy calls are the innermost ones on the chain: turn their links
    // inwards, to walk them back outermost first without allocating.
    let mut inner: *mut CallCore = ptr::null_mut();
    let mut m = t.measuring.get().cast::<CallCore>();
    // SAFETY: every measurement on the chain is the first field of a
    // running `CallCore` (see `running_calls`), which only this thread
    // reaches, and none is otherwise borrowed while the allocator or the
    // collect layer settles.
    while let Some(core) = unsafe { m.as_mut() } {
        if core.flags & LAZY == 0 {
            break;
        }
        let outer = core.m.outer.cast::<CallCore>();
        core.m.outer = inner.cast();
        inner = core;
        m = outer;
    }
    let mut outer = m;
    // SAFETY: as above.
    while let Some(core) = unsafe { inner.as_mut() } {
        let next = core.m.outer.cast::<CallCore>();
        core.m.outer = outer.cast();
        core.finish_start(t);
        outer = core;
        inner = next;
    }
}

/// The running calls of the calling thread, innermost first.
fn running_calls(t: &ThreadState) -> impl Iterator<Item = *mut CallCore> {
    let mut m = t.measuring.get();
    std::iter::from_fn(move || {
        if m.is_null() {
            return None;
        }
        let core = m.cast::<CallCore>();
        // SAFETY: every measurement on the chain is the first field of a
        // running `CallCore` (repr(C)), alive until it unlinks itself.
        m = unsafe { (*m).outer };
        Some(core)
    })
}

/// Accounts the running lines of the calls running on this thread so far,
/// so that a report taken inside a profiled function (or at a
/// `std::process::exit` inside one) includes them.
pub(crate) fn close_running_lines() {
    with_thread(close_running_lines_of);
}

fn close_running_lines_of(t: &ThreadState) {
    t.settle_lazy_calls();
    // Closing an inner call's line starts the thread's high-water mark
    // afresh; what it was still belongs to the lines outside, so it is
    // carried outwards.
    let mut carried = i64::MIN;
    for core in running_calls(t) {
        // SAFETY: see `running_calls`; no other borrow of it is live.
        let core = unsafe { &mut *core };
        let net = t.raw().net();
        t.set_high_raw(t.high_raw(net).max(carried));
        let before = t.high_raw(net);
        core.close_part_of_line(t);
        carried = carried
            .max(before)
            .max(core.m.max_high)
            .max(core.m.entry_high);
    }
}

/// Points the calls running on this thread at `record`'s tables (a
/// capture opening or closing), after accounting their lines so far to the
/// tables they had.
pub(crate) fn move_running_calls_to(t: &ThreadState, record: &Record) {
    close_running_lines_of(t);
    // Outermost first, so that each function's innermost running call ends
    // up as its table's `running`.
    let calls: Vec<*mut CallCore> = running_calls(t).collect();
    for &core in calls.iter().rev() {
        // SAFETY: see `running_calls`.
        let core = unsafe { &mut *core };
        let Some(table) = record.table_or_make(core.site()) else {
            continue;
        };
        // SAFETY: the old table outlives the call.
        unsafe { &*core.table }.running.set(ptr::null_mut());
        core.table = table;
        core.lines = table.lines_ptr();
        core.m.len = table.site.len;
        table.running.set(core);
    }
}
