//! Which call holds each tracked block, and which of its lines made it.
//!
//! A block allocated while a profiled call runs on the thread (and counting
//! is not suspended) is *tracked*: its header (`tagged.rs`) names the call's
//! record and the line that was running. The record keeps, per line, the
//! bytes made there (callees included) that are still live. Three figures
//! come from it:
//! - Retained: when the call ends, each line's live bytes are what that line
//!   retained in this call. They then move to the line of the enclosing
//!   call that ran this one, and the record forwards there: a block freed
//!   later comes off this record's line and off every record it was
//!   forwarded to, up to the first call still running.
//! - Live at exit: when the report is made, every record's lines still hold
//!   what the process holds of what they made.
//! - What made a call's peak: when the thread's net bytes pass a running
//!   call's largest rise so far (just before a free, or when it ends), the
//!   live bytes of its lines are copied (`at_peak`).
//!
//! Worked example. `f` line 10 calls `g`; `g` line 3 allocates 64 B (block
//! b) and 32 B (block c), then frees c: `g`'s record holds 64 on line 3.
//! `g` returns: its line 3 retained 64 in this call, `f`'s line 10 now holds
//! 64, and `g`'s record forwards to `(f, 10)`. `f` line 11 frees b: 64 comes
//! off `(g, 3)` (ended) and `(f, 10)` (running, where the walk stops); `g`'s
//! record then holds nothing, and is released for reuse. Had `f` returned
//! before freeing b, its line 10 would have retained 64, forwarded in turn
//! to `f`'s caller.
//!
//! Recursion counts each byte once, as Increment does: when a call ends
//! inside a running call of the same function, what it held is also added
//! to that call's `same` on its running line, which the figures subtract,
//! and a free walking through the inner record takes it off again.
//!
//! Threads. While a call runs, only the thread running it (its owner)
//! writes `live`, with plain stores. A free on another thread goes to
//! `remote_freed`, which the owner folds in when the call ends; a free that
//! finds the call ended by then folds itself in (`swap`: exactly once).
//! After its end, anyone freeing its blocks writes a record with atomic
//! operations, and `total` (the bytes of live blocks whose way up runs
//! through it) says when none is left: the record is then released.
//!
//! The records' memory comes from the system allocator and is never
//! returned, so it never shows in a figure and the report may read any
//! record on the list of all of them; a released record is reused.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicPtr, AtomicU32, AtomicU64, Ordering};

use crate::counting::thread::{Local, Measurement, ThreadState};
use crate::relaxed;

/// One line's bytes in one call's record.
#[repr(C)]
pub(crate) struct LineHeld {
    /// Bytes made on the line (callees' too, once they ended) still live,
    /// as far as the owner knows: see `remote_freed`.
    live: AtomicI64,
    /// Bytes of `live` freed by other threads while the call ran, not yet
    /// folded in.
    remote_freed: AtomicI64,
    /// Bytes of `live` that an inner call of the same function already
    /// counts on its own rows.
    same: AtomicI64,
    /// `live - same` when the call's largest rise so far was reached (the
    /// running callees' bytes on the line that runs them).
    at_peak: AtomicI64,
}

impl LineHeld {
    /// The bytes this line counts as its own: live, less what an inner call
    /// of the same function counts (never below zero: see `same`).
    fn own(&self) -> i64 {
        let live = self.live.load(Ordering::Relaxed) - self.remote_freed.load(Ordering::Relaxed);
        (live - self.same.load(Ordering::Relaxed)).max(0)
    }
}

/// One call's record: its header, then `len` lines in the same allocation.
#[repr(C)]
pub(crate) struct LiveRecord {
    /// The thread running the call now, or null (between the polls of an
    /// `async` call, and once it ended).
    owner: AtomicPtr<ThreadState>,
    ended: AtomicBool,
    /// On a free list, or being reused: the report skips it.
    released: AtomicBool,
    /// The record has room for `1 << class` lines.
    class: u8,
    /// Lines in use (a `u32`, in 64 bits for `relaxed::store`).
    len: AtomicU64,
    /// The collect layer's site of the function, opaque here.
    site: AtomicPtr<()>,
    /// The thread's `held_tag` when the call made its record: which
    /// capture it ran in (0: none).
    tag: AtomicU64,
    /// Where the record forwards once ended: the enclosing call's record
    /// and the line that ran this call (null: no profiled call enclosed
    /// it).
    parent: AtomicPtr<LiveRecord>,
    parent_slot: AtomicU32,
    /// The enclosing call of the same function, whose `same` on
    /// `same_slot` counts what this call holds; null when none.
    same_outer: AtomicPtr<LiveRecord>,
    same_slot: AtomicU32,
    /// Once ended: the bytes of live blocks whose way up runs through this
    /// record (plus `BIAS` while the owner is ending it).
    total: AtomicI64,
    /// While the call runs: the sum of the lines' `live`, kept by the owner.
    held_total: AtomicI64,
    /// While the call runs: the sum of the lines' `remote_freed` so far.
    /// With `held_total`, it lets a call whose blocks are all gone end
    /// without looking at its lines.
    remote_total: AtomicI64,
    /// While the call runs: the lines bytes were held on, as a set of
    /// slots modulo 64 (`touched_slots`), kept by the owner. Every other
    /// line holds nothing, so a call that ends holding bytes looks at these
    /// lines only, not at every line of a long function.
    touched: AtomicU64,
    /// The next record on the list of all records (set once).
    listed_next: *mut LiveRecord,
    /// The next record on a free list.
    free_next: AtomicPtr<LiveRecord>,
}

/// What `total` holds while the owner is still ending the call, so that a
/// free on another thread never releases the record under it.
const BIAS: i64 = 1 << 62;

/// Size classes of records: up to `1 << (CLASSES - 1)` lines.
pub(crate) const CLASSES: usize = 24;

/// Released records a thread keeps for itself, per class, before it gives
/// more to the shared lists.
const KEPT: u32 = 64;

/// Every record ever made, newest first.
static ALL: AtomicPtr<LiveRecord> = AtomicPtr::new(ptr::null_mut());

/// Released records for any thread, per class: a pointer and, in the top 16
/// bits, a count of pops that keeps a stale pop from succeeding.
static SHARED_FREE: [AtomicU64; CLASSES] = [const { AtomicU64::new(0) }; CLASSES];

/// A thread's released records, per class.
pub(crate) struct FreeRecords {
    heads: [Local<*mut LiveRecord>; CLASSES],
    counts: [Local<u32>; CLASSES],
}

impl FreeRecords {
    pub(crate) const fn new() -> Self {
        FreeRecords {
            heads: [const { Local::new(ptr::null_mut()) }; CLASSES],
            counts: [const { Local::new(0) }; CLASSES],
        }
    }
}

impl LiveRecord {
    fn layout(class: u8) -> Option<Layout> {
        let size =
            std::mem::size_of::<LiveRecord>() + (1usize << class) * std::mem::size_of::<LineHeld>();
        Layout::from_size_align(size, 64).ok()
    }

    /// The line in `slot` (< `len`).
    #[inline(always)]
    fn line(&self, slot: u32) -> &LineHeld {
        // SAFETY: the lines follow the header in the same allocation, with
        // room for `1 << class` of them, all initialised (`new_record`);
        // every slot passed here is below `len`, at most that.
        unsafe {
            &*ptr::from_ref(self)
                .add(1)
                .cast::<LineHeld>()
                .add(slot as usize)
        }
    }

    fn lines(&self) -> impl Iterator<Item = &LineHeld> {
        (0..self.len.load(Ordering::Relaxed) as u32).map(|slot| self.line(slot))
    }

    /// The slots of the lines that may hold bytes while the call runs
    /// (`touched`); read by the owner, which alone writes `touched`.
    fn touched_slots(&self) -> impl Iterator<Item = u32> {
        touched_slots(
            relaxed::load(&self.touched),
            self.len.load(Ordering::Relaxed) as u32,
        )
    }

    /// Whether the call runs on `t` now (so that it cannot end meanwhile).
    #[inline(always)]
    fn runs_on(&self, t: *const ThreadState) -> bool {
        ptr::eq(relaxed::load_ptr(&self.owner), t)
    }
}

/// The smallest class with room for `len` lines: `ceil(log2(len))`, 0
/// for 0 or 1. (No `max` or `next_power_of_two`: calls in an unoptimised
/// build, and this runs at every call's first tracked allocation.)
#[inline(always)]
fn class_of(len: u32) -> u8 {
    if len <= 1 {
        0
    } else {
        (u32::BITS - (len - 1).leading_zeros()) as u8
    }
}

/// The record of the call `m` measures, made at its first need; null when
/// the system allocator refuses memory (the call's blocks are then not
/// tracked).
#[inline(always)]
pub(crate) fn record_of(t: &ThreadState, m: &mut Measurement) -> *mut LiveRecord {
    if m.held.is_null() {
        m.held = make(t, m.len, m.site);
    }
    m.held
}

/// A record for a call of `len` lines of `site` on its owner `t`: a
/// released one of its class, the common case, which makes no call.
#[cold]
#[inline(never)]
fn make(t: &ThreadState, len: u32, site: *const ()) -> *mut LiveRecord {
    let class = class_of(len);
    if class as usize >= CLASSES {
        return ptr::null_mut();
    }
    let Some(record) = take_free(t, class) else {
        return make_new(t, len, site, class);
    };
    start_record(record, t, len, site);
    record
}

/// `make` when no released record of the class is left: a new one, or
/// null when the system allocator refuses it.
#[cold]
#[inline(never)]
fn make_new(t: &ThreadState, len: u32, site: *const (), class: u8) -> *mut LiveRecord {
    let Some(record) = new_record(class) else {
        return ptr::null_mut();
    };
    start_record(record, t, len, site);
    record
}

/// Writes what a record made for a new call starts with.
#[inline(always)]
fn start_record(record: *mut LiveRecord, t: &ThreadState, len: u32, site: *const ()) {
    // SAFETY: a released record (or a new one), which nothing else writes:
    // its blocks are all freed, and it is on no free list now.
    let r = unsafe { &*record };
    // The lines are all zero but for `at_peak` (which a call writes before
    // it reads): a record is released only when it holds nothing, with
    // nothing pending (`end`, `let_go_elsewhere`), and a new one is zeroed.
    // The `relaxed` stores are the atomics' relaxed stores, one instruction
    // each in an unoptimised build too.
    relaxed::store(&r.len, u64::from(len));
    relaxed::store_ptr(&r.site, site.cast_mut());
    relaxed::store(&r.tag, t.held_tag.get());
    relaxed::store_ptr(&r.parent, ptr::null_mut());
    relaxed::store_ptr(&r.same_outer, ptr::null_mut());
    relaxed::store_signed(&r.total, 0);
    relaxed::store_signed(&r.held_total, 0);
    relaxed::store_signed(&r.remote_total, 0);
    relaxed::store(&r.touched, 0);
    relaxed::store_ptr(&r.owner, ptr::from_ref(t).cast_mut());
    r.ended.store(false, Ordering::Relaxed);
    r.released.store(false, Ordering::Release);
}

/// A new record, listed, from the system allocator.
fn new_record(class: u8) -> Option<*mut LiveRecord> {
    let layout = LiveRecord::layout(class)?;
    // SAFETY: the layout has a non-zero size (the header).
    let record = unsafe { System.alloc_zeroed(layout) }.cast::<LiveRecord>();
    if record.is_null() {
        return None;
    }
    // SAFETY: fresh, aligned and large enough; all-zero lines are valid.
    unsafe {
        record.write(LiveRecord {
            owner: AtomicPtr::new(ptr::null_mut()),
            ended: AtomicBool::new(false),
            released: AtomicBool::new(true),
            class,
            len: AtomicU64::new(0),
            site: AtomicPtr::new(ptr::null_mut()),
            tag: AtomicU64::new(0),
            parent: AtomicPtr::new(ptr::null_mut()),
            parent_slot: AtomicU32::new(0),
            same_outer: AtomicPtr::new(ptr::null_mut()),
            same_slot: AtomicU32::new(0),
            total: AtomicI64::new(0),
            held_total: AtomicI64::new(0),
            remote_total: AtomicI64::new(0),
            touched: AtomicU64::new(0),
            listed_next: ptr::null_mut(),
            free_next: AtomicPtr::new(ptr::null_mut()),
        });
    }
    let mut head = ALL.load(Ordering::Relaxed);
    loop {
        // SAFETY: not listed yet: only this thread reaches it.
        unsafe { (*record).listed_next = head };
        match ALL.compare_exchange_weak(head, record, Ordering::Release, Ordering::Relaxed) {
            Ok(_) => return Some(record),
            Err(now) => head = now,
        }
    }
}

/// A released record of `class`: the thread's own, else a shared one.
fn take_free(t: &ThreadState, class: u8) -> Option<*mut LiveRecord> {
    let free = &t.free_records;
    let head = free.heads[class as usize].get();
    if !head.is_null() {
        // SAFETY: records are never freed.
        let next = relaxed::load_ptr(&unsafe { &*head }.free_next);
        free.heads[class as usize].set(next);
        free.counts[class as usize].set(free.counts[class as usize].get() - 1);
        return Some(head);
    }
    let shared = &SHARED_FREE[class as usize];
    let mut word = shared.load(Ordering::Acquire);
    loop {
        let head = (word & POINTER_BITS) as *mut LiveRecord;
        if head.is_null() {
            return None;
        }
        // SAFETY: records are never freed, so a stale head is still
        // readable; the count in the word makes a stale pop fail.
        let next = unsafe { &*head }.free_next.load(Ordering::Relaxed);
        let popped = (next as u64) | (word & !POINTER_BITS).wrapping_add(1 << 48);
        match shared.compare_exchange_weak(word, popped, Ordering::Acquire, Ordering::Acquire) {
            Ok(_) => return Some(head),
            Err(now) => word = now,
        }
    }
}

/// The low 48 bits of a shared free list's word: the pointer.
const POINTER_BITS: u64 = (1 << 48) - 1;

/// Puts an ended record holding nothing on a free list: the thread's own
/// (`t`) while it keeps few, else a shared one.
fn release(t: Option<&ThreadState>, record: *mut LiveRecord) {
    // SAFETY: records are never freed; only the caller releases it
    // (`total` reached zero once).
    let r = unsafe { &*record };
    r.released.store(true, Ordering::Release);
    let class = r.class as usize;
    if let Some(t) = t {
        let free = &t.free_records;
        if free.counts[class].get() < KEPT {
            relaxed::store_ptr(&r.free_next, free.heads[class].get());
            free.heads[class].set(record);
            free.counts[class].set(free.counts[class].get() + 1);
            return;
        }
    }
    let shared = &SHARED_FREE[class];
    let mut word = shared.load(Ordering::Relaxed);
    loop {
        r.free_next
            .store((word & POINTER_BITS) as *mut LiveRecord, Ordering::Relaxed);
        let pushed = (record as u64) | (word & !POINTER_BITS);
        match shared.compare_exchange_weak(word, pushed, Ordering::Release, Ordering::Relaxed) {
            Ok(_) => return,
            Err(now) => word = now,
        }
    }
}

/// A tracked allocation of `size` bytes on `slot` of `record`, by the
/// thread running the call.
#[inline(always)]
pub(crate) fn hold(record: &LiveRecord, slot: u32, size: usize) {
    owner_add(record, slot, size as i64);
    let touched = &record.touched;
    relaxed::store(touched, relaxed::load(touched) | touched_bit(slot));
}

/// The bit of `slot` in a record's `touched`.
#[inline(always)]
fn touched_bit(slot: u32) -> u64 {
    1 << (slot % 64)
}

/// The slots below `len` whose bit is set in `touched`, in ascending
/// order: the lines that may hold bytes.
///
/// Worked example: lines 3 and 70 of a 100-line function held bytes, so
/// bits 3 and 6 are set; the slots are 3, 6, 67 and 70 (two of them
/// holding nothing, which costs a look each).
fn touched_slots(touched: u64, len: u32) -> impl Iterator<Item = u32> {
    (0..len.div_ceil(64)).flat_map(move |round| {
        let mut bits = touched;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let bit = bits.trailing_zeros();
            bits &= bits - 1;
            Some(round * 64 + bit)
        })
        .take_while(move |&slot| slot < len)
    })
}

/// The owner adds `bytes` (negative: takes them off) to a running call's
/// line.
#[inline(always)]
fn owner_add(record: &LiveRecord, slot: u32, bytes: i64) {
    let live = &record.line(slot).live;
    relaxed::store_signed(live, relaxed::load_signed(live).wrapping_add(bytes));
    let total = &record.held_total;
    relaxed::store_signed(total, relaxed::load_signed(total).wrapping_add(bytes));
}

/// A tracked block of `size` bytes, made on `slot` of `record`, is freed by
/// thread `t` (`None`: a thread whose state is gone).
#[inline(always)]
pub(crate) fn let_go(t: Option<&ThreadState>, record: *mut LiveRecord, slot: u32, size: usize) {
    // SAFETY: records are never freed, and a block's record is not released
    // while the block is live.
    let r = unsafe { &*record };
    if let Some(t) = t {
        if r.runs_on(t) {
            // The call runs here, so it cannot end meanwhile: plain stores.
            owner_add(r, slot, (size as i64).wrapping_neg());
            return;
        }
    }
    let_go_elsewhere(t, record, slot, size as i64);
}

/// `let_go` for a call not running on the freeing thread: ended, suspended,
/// or running on another thread.
#[cold]
#[inline(never)]
fn let_go_elsewhere(
    t: Option<&ThreadState>,
    mut record: *mut LiveRecord,
    mut slot: u32,
    mut size: i64,
) {
    loop {
        // SAFETY: as in `let_go`; a record on the way up holds these bytes
        // in `total`, so it is not released before they come off it.
        let r = unsafe { &*record };
        if !r.ended.load(Ordering::SeqCst) {
            if let Some(t) = t {
                if r.runs_on(t) {
                    owner_add(r, slot, size.wrapping_neg());
                    return;
                }
            }
            r.remote_total.fetch_add(size, Ordering::Relaxed);
            let remote = &r.line(slot).remote_freed;
            remote.fetch_add(size, Ordering::SeqCst);
            if !r.ended.load(Ordering::SeqCst) {
                return; // the owner folds it in when the call ends
            }
            // It ended meanwhile: fold in what is pending, unless the owner
            // already has.
            size = remote.swap(0, Ordering::SeqCst);
            if size == 0 {
                return;
            }
        }
        let line = r.line(slot);
        line.live.fetch_sub(size, Ordering::Relaxed);
        let same = r.same_outer.load(Ordering::Acquire);
        if !same.is_null() {
            // SAFETY: an enclosing record on the way up: alive while these
            // bytes are in it.
            let same_line = unsafe { &*same }.line(r.same_slot.load(Ordering::Relaxed));
            same_line.same.fetch_sub(size, Ordering::Relaxed);
        }
        let parent = r.parent.load(Ordering::Acquire);
        let parent_slot = r.parent_slot.load(Ordering::Relaxed);
        if r.total.fetch_sub(size, Ordering::AcqRel) == size {
            release(t, record);
        }
        if parent.is_null() {
            return;
        }
        record = parent;
        slot = parent_slot;
    }
}

/// What a call held when it ended.
pub(crate) struct Ended {
    /// Bytes the call's lines retained (each line's own: see `same`).
    pub(crate) retained: u64,
}

/// Takes the record of the call measured by `m` on its owner `t`, and ends
/// it when it holds nothing, the common case: every block the call made is
/// gone, freed on this thread. `None` then, and for a call without a
/// record; otherwise the record, which the caller ends with
/// `end_holding_bytes`.
#[inline(always)]
pub(crate) fn end_if_empty(t: &ThreadState, m: &mut Measurement) -> Option<*mut LiveRecord> {
    let record = m.held;
    m.held = ptr::null_mut();
    if record.is_null() {
        return None;
    }
    // SAFETY: the call's own record, alive while the call runs.
    let r = unsafe { &*record };
    if relaxed::load_signed(&r.held_total) == 0 && r.remote_total.load(Ordering::SeqCst) == 0 {
        // Each line's `live` is then zero. A free on another thread would
        // have added to `remote_total` first.
        relaxed::store_ptr(&r.owner, ptr::null_mut());
        release(Some(t), record);
        return None;
    }
    Some(record)
}

/// Ends `record`, the record of a call on its owner `t` that may still
/// hold bytes (`end_if_empty` returned it): each line's retained bytes go
/// to `retained(slot, bytes)`, and what the call still holds to the
/// running line of `parent` (the enclosing call on this thread, or null),
/// and, for recursion, to `same` (the enclosing running call of the same
/// function, or null) as bytes it must not count again. Pointers, not
/// references: in direct recursion the two are the same call.
///
/// # Safety
/// `record` is the call's own, taken from its measurement; `parent` and
/// `same` are null or running calls' measurements on `t` (not the call's),
/// which nothing else borrows while this runs.
#[inline(never)]
pub(crate) unsafe fn end_holding_bytes(
    t: &ThreadState,
    record: *mut LiveRecord,
    parent: *mut Measurement,
    same: *mut Measurement,
    mut retained: impl FnMut(u32, u64),
) -> Ended {
    // SAFETY: the call's own record, alive while the call runs.
    let r = unsafe { &*record };
    let mut ended = Ended { retained: 0 };
    // Read once for both passes below: only this thread writes them.
    let touched = relaxed::load(&r.touched);
    let len = r.len.load(Ordering::Relaxed) as u32;
    let mut total = 0i64;
    for slot in touched_slots(touched, len) {
        let line = r.line(slot);
        let mut live = relaxed::load_signed(&line.live);
        if line.remote_freed.load(Ordering::Relaxed) != 0 {
            live = live.wrapping_sub(line.remote_freed.swap(0, Ordering::SeqCst));
            relaxed::store_signed(&line.live, live);
        }
        if live != 0 {
            let own = (live - line.same.load(Ordering::Relaxed)).max(0) as u64;
            if own != 0 {
                retained(slot, own);
                ended.retained += own;
            }
        }
        total = total.wrapping_add(live);
    }
    if total == 0 {
        // Every block of the call is gone (each line's `live` is never
        // below zero), so no free can reach the record any more: no need
        // for the protocol below.
        r.owner.store(ptr::null_mut(), Ordering::Relaxed);
        release(Some(t), record);
        return ended;
    }
    // SAFETY: the caller's promise; this borrow ends before `same`'s.
    if let Some(parent) = unsafe { parent.as_mut() } {
        let up = record_of(t, parent);
        if !up.is_null() {
            // SAFETY: the enclosing call's record, running on `t`.
            hold(unsafe { &*up }, parent.slot, total as usize);
            r.parent.store(up, Ordering::Relaxed);
            r.parent_slot.store(parent.slot, Ordering::Relaxed);
        }
    }
    // SAFETY: as above.
    if let Some(same) = unsafe { same.as_mut() } {
        let outer = record_of(t, same);
        if !outer.is_null() {
            // SAFETY: as above.
            let line = unsafe { &*outer }.line(same.slot);
            line.same.fetch_add(total, Ordering::Relaxed);
            r.same_outer.store(outer, Ordering::Relaxed);
            r.same_slot.store(same.slot, Ordering::Relaxed);
        }
    }
    r.total.store(total.wrapping_add(BIAS), Ordering::Relaxed);
    relaxed::store_ptr(&r.owner, ptr::null_mut());
    r.ended.store(true, Ordering::SeqCst);
    // Frees on other threads that found the call running a moment ago.
    for slot in touched_slots(touched, len) {
        let remote = &r.line(slot).remote_freed;
        // A free adding after this load finds the call ended, and folds
        // itself in.
        if remote.load(Ordering::SeqCst) == 0 {
            continue;
        }
        let late = remote.swap(0, Ordering::SeqCst);
        if late != 0 {
            // Counted in `total` above: they come off it and the way up.
            let_go_elsewhere(Some(t), record, slot, late);
        }
    }
    if r.total.fetch_sub(BIAS, Ordering::AcqRel) == BIAS {
        release(Some(t), record);
    }
    ended
}

/// The call `m` measures stops or starts running on a thread (`t`, or null
/// between the polls of an `async` call).
#[inline(always)]
pub(crate) fn set_owner(m: &Measurement, t: *const ThreadState) {
    if !m.held.is_null() {
        // SAFETY: the call's own record.
        relaxed::store_ptr(&unsafe { &*m.held }.owner, t.cast_mut());
    }
}

/// The thread's net bytes were `before` just before a free, above its
/// `peak_watch`: notes the composition of every running call whose rise
/// it is a new largest of, and sets the watch again.
#[cold]
#[inline(never)]
pub(crate) fn note_new_high(t: &ThreadState, before: i64) {
    if t.suspended.get() != 0 {
        // The profiler's own bytes are in `before`: no call's peak.
        return;
    }
    let mut below = 0i64;
    let mut watch = i64::MAX;
    let mut m = t.measuring.get();
    // SAFETY: measurements on the chain are alive until they unlink
    // themselves, and only this thread reaches them.
    while let Some(measurement) = unsafe { m.as_mut() } {
        let rise = before.wrapping_sub(measurement.rise_base);
        if rise > measurement.best_rise {
            measurement.best_rise = rise;
            let record = record_of(t, measurement);
            if !record.is_null() {
                // SAFETY: the call's own record.
                note_composition(unsafe { &*record }, measurement.slot, below);
            }
        }
        // What this call holds counts on the running line of the calls
        // outside it, if there are any.
        if !measurement.outer.is_null() {
            below += own_total(measurement);
        }
        watch = watch.min(measurement.peak_at());
        m = measurement.outer;
    }
    t.peak_watch.set(watch);
}

/// The bytes the call `m` measures holds as its own, over all its lines
/// (0 before it has a record). On the thread running the call.
fn own_total(m: &Measurement) -> i64 {
    // SAFETY: the call's own record, if any.
    unsafe { m.held.as_ref() }.map_or(0, |r| {
        r.touched_slots().map(|slot| r.line(slot).own()).sum()
    })
}

/// The call ends (or is suspended) with `rise` above its entry: notes its
/// composition if that is its largest rise yet.
pub(crate) fn note_end_rise(t: &ThreadState, m: &mut Measurement, rise: i64) {
    if rise > m.best_rise {
        m.best_rise = rise;
        let record = record_of(t, m);
        if !record.is_null() {
            // SAFETY: the call's own record.
            note_composition(unsafe { &*record }, m.slot, 0);
        }
    }
}

/// Copies each line's own bytes to `at_peak`, with `running` more on
/// `slot`, the line running the callees that hold them.
fn note_composition(r: &LiveRecord, slot: u32, running: i64) {
    for line in r.lines() {
        line.at_peak.store(line.own(), Ordering::Relaxed);
    }
    let line = r.line(slot);
    line.at_peak.store(
        line.at_peak.load(Ordering::Relaxed) + running,
        Ordering::Relaxed,
    );
}

/// The composition of the call `m` measures at its largest rise: `f(slot,
/// bytes)` for each line holding some.
pub(crate) fn composition(m: &Measurement, mut f: impl FnMut(u32, u64)) {
    if m.held.is_null() {
        return;
    }
    // SAFETY: the call's own record.
    let r = unsafe { &*m.held };
    for (slot, line) in r.lines().enumerate() {
        let bytes = line.at_peak.load(Ordering::Relaxed);
        if bytes > 0 {
            f(slot as u32, bytes as u64);
        }
    }
}

/// Every record not released (with `tag`, if given): `f(site, slot,
/// bytes)` for each line that holds some bytes of its own.
pub(crate) fn for_each_held(tag: Option<u64>, mut f: impl FnMut(*const (), u32, u64)) {
    let mut record = ALL.load(Ordering::Acquire);
    // SAFETY: records are never freed, and `listed_next` is set before a
    // record is listed.
    while let Some(r) = unsafe { record.as_ref() } {
        let tagged = tag.is_none_or(|tag| r.tag.load(Ordering::Relaxed) == tag);
        if tagged && !r.released.load(Ordering::Acquire) {
            let site = r.site.load(Ordering::Relaxed);
            for (slot, line) in r.lines().enumerate() {
                let own = line.own();
                if own > 0 {
                    f(site, slot as u32, own as u64);
                }
            }
        }
        record = r.listed_next;
    }
}

/// The calls running on `t`, innermost first: `f(site, slot, bytes)` for
/// each whose running line has callees still running that hold bytes (what
/// `for_each_held` cannot see on that line, as the callees have not ended).
pub(crate) fn for_each_held_below(t: &ThreadState, mut f: impl FnMut(*const (), u32, u64)) {
    let mut below = 0i64;
    let mut m = t.measuring.get();
    // SAFETY: as in `note_new_high`.
    while let Some(measurement) = unsafe { m.as_ref() } {
        if below > 0 {
            f(measurement.site, measurement.slot, below as u64);
        }
        below += own_total(measurement);
        m = measurement.outer;
    }
}

// SAFETY: a record's fields are atomics but for `listed_next` (written
// before the record is published, read only after) and `class` (set once).
unsafe impl Sync for LiveRecord {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counting::thread::{this_thread, Counters};

    /// What a call's end does with its record: `end_if_empty`, then
    /// `end_holding_bytes` for a record that holds bytes.
    ///
    /// # Safety
    /// As for `end_holding_bytes`, with `m` the call's measurement.
    unsafe fn end(
        t: &ThreadState,
        m: &mut Measurement,
        parent: *mut Measurement,
        same: *mut Measurement,
        retained: impl FnMut(u32, u64),
    ) -> Ended {
        match end_if_empty(t, m) {
            None => Ended { retained: 0 },
            // SAFETY: the caller's promise.
            Some(record) => unsafe { end_holding_bytes(t, record, parent, same, retained) },
        }
    }

    /// A call's measurement of `len` lines, with no record yet, running
    /// line `slot`.
    fn call(len: u32, slot: u32) -> Measurement {
        Measurement {
            line: Counters::ZERO,
            slice: Counters::ZERO,
            entry_high: 0,
            max_high: 0,
            outer: ptr::null_mut(),
            slot,
            len,
            site: ptr::null(),
            held: ptr::null_mut(),
            rise_base: 0,
            best_rise: 0,
            outer_watch: i64::MAX,
        }
    }

    fn live(record: *mut LiveRecord, slot: u32) -> i64 {
        // SAFETY: records are never freed.
        unsafe { &*record }.line(slot).own()
    }

    /// The module doc's worked example: `f` line 10 calls `g`; `g` line 3
    /// makes a 64 B block and a 32 B one, frees the 32 B one and returns;
    /// `f` line 11 frees the 64 B one.
    #[test]
    fn the_worked_example() {
        let t = this_thread().unwrap();
        let mut f = call(20, 10);
        let mut g = call(5, 3);
        let f_record = record_of(t, &mut f);
        let g_record = record_of(t, &mut g);
        // SAFETY: just made, running on this thread.
        hold(unsafe { &*g_record }, 3, 64);
        // SAFETY: as above.
        hold(unsafe { &*g_record }, 3, 32);
        let_go(Some(t), g_record, 3, 32);
        assert_eq!(live(g_record, 3), 64);

        let mut retained = Vec::new();
        // SAFETY: `f` runs `g`, on this thread.
        let ended = unsafe {
            end(t, &mut g, &mut f, ptr::null_mut(), |slot, bytes| {
                retained.push((slot, bytes));
            })
        };
        assert_eq!(retained, [(3, 64)]);
        assert_eq!(ended.retained, 64);
        assert_eq!(live(f_record, 10), 64);

        // `f` line 11 frees the block `g` made: it comes off both.
        f.slot = 11;
        let_go(Some(t), g_record, 3, 64);
        assert_eq!(live(g_record, 3), 0);
        assert_eq!(live(f_record, 10), 0);
        // SAFETY: records are never freed.
        assert!(unsafe { &*g_record }.released.load(Ordering::Relaxed));

        // SAFETY: no call encloses `f`.
        let ended = unsafe {
            end(
                t,
                &mut f,
                ptr::null_mut(),
                ptr::null_mut(),
                |_, _| unreachable!(),
            )
        };
        assert_eq!(ended.retained, 0);
        // SAFETY: records are never freed.
        assert!(unsafe { &*f_record }.released.load(Ordering::Relaxed));
    }

    /// A call of the function inside a running call of it (direct
    /// recursion): what the inner call retained is on its own rows, and the
    /// outer call leaves it out of its own; freed later, it comes off both.
    #[test]
    fn recursion_counts_a_byte_once() {
        let t = this_thread().unwrap();
        let mut outer = call(10, 4);
        let mut inner = call(10, 6);
        let outer_record = record_of(t, &mut outer);
        let inner_record = record_of(t, &mut inner);
        // SAFETY: just made, running on this thread.
        hold(unsafe { &*inner_record }, 6, 100);
        let outer_m: *mut Measurement = &mut outer;
        // SAFETY: `outer` runs `inner` and is the same function's call.
        let ended = unsafe { end(t, &mut inner, outer_m, outer_m, |_, _| {}) };
        assert_eq!(ended.retained, 100);
        // The outer line holds the 100 B, all of them the inner call's.
        assert_eq!(live(outer_record, 4), 0);
        // SAFETY: no call encloses `outer`.
        let ended = unsafe { end(t, &mut outer, ptr::null_mut(), ptr::null_mut(), |_, _| {}) };
        assert_eq!(ended.retained, 0);
        let_go(Some(t), inner_record, 6, 100);
        assert_eq!(live(inner_record, 6), 0);
        // SAFETY: records are never freed.
        assert!(unsafe { &*inner_record }.released.load(Ordering::Relaxed));
        // SAFETY: as above.
        assert!(unsafe { &*outer_record }.released.load(Ordering::Relaxed));
    }

    #[test]
    fn classes_have_room_for_their_lines() {
        assert_eq!(class_of(0), 0);
        assert_eq!(class_of(1), 0);
        assert_eq!(class_of(2), 1);
        assert_eq!(class_of(3), 2);
        assert_eq!(class_of(64), 6);
        assert_eq!(class_of(65), 7);
    }

    #[test]
    fn touched_slots_are_the_lines_bytes_were_held_on() {
        let slots = |touched: u64, len: u32| touched_slots(touched, len).collect::<Vec<u32>>();
        // The worked example: lines 3 and 70 of 100.
        let touched = touched_bit(3) | touched_bit(70);
        assert_eq!(touched, 0b100_1000);
        assert_eq!(slots(touched, 100), vec![3, 6, 67, 70]);
        // Within 64 lines, exactly the lines held on.
        assert_eq!(slots(touched_bit(0) | touched_bit(63), 64), vec![0, 63]);
        assert_eq!(slots(touched_bit(5), 6), vec![5]);
        // None held, or no lines.
        assert_eq!(slots(0, 200), Vec::<u32>::new());
        assert_eq!(slots(u64::MAX, 0), Vec::<u32>::new());
        // A partial last round stops at `len`.
        assert_eq!(slots(touched_bit(1) | touched_bit(9), 66), vec![1, 9, 65]);
    }

    #[test]
    fn a_call_ending_with_bytes_on_a_late_line_retains_them() {
        // A long function whose line 130 (bit 2, like line 2 and 66) keeps
        // a block: the line is found among the touched slots.
        let t = this_thread().unwrap();
        let mut m = call(140, 130);
        let record = record_of(t, &mut m);
        // SAFETY: records are never freed.
        hold(unsafe { &*record }, 130, 48);
        let mut retained = Vec::new();
        // SAFETY: no enclosing call.
        let ended = unsafe {
            end(
                t,
                &mut m,
                ptr::null_mut(),
                ptr::null_mut(),
                |slot, bytes| retained.push((slot, bytes)),
            )
        };
        assert_eq!(retained, vec![(130, 48)]);
        assert_eq!(ended.retained, 48);
        // The block still holds the record; its free releases it.
        let_go(Some(t), record, 130, 48);
        // SAFETY: as above.
        assert!(unsafe { &*record }.released.load(Ordering::Relaxed));
    }
}
