//! Each thread's figures: a record per thread, holding a table per profiled
//! function that ran on it, with one [`LineFigures`] per source line.
//!
//! Why per thread: a probe then writes only memory its own thread writes,
//! with plain stores (relaxed atomics, which compile to plain moves), so
//! threads running the same function never share a cache line, and a call
//! leaves nothing to flush when it ends. The report sums a function's
//! tables over all records, taken when asked, which is rare.
//!
//! A record outlives its thread, like a counting block: when a thread ends
//! its record is handed back, and the next thread to run a profiled
//! function continues adding to it. Sums and maxima are both kept correct
//! by that: nothing is ever moved or subtracted.
//!
//! The memory of records and tables comes straight from the system
//! allocator, so it never shows in any figure, and none of it is ever freed
//! while the process runs (but for the private records of captures): a
//! reader on another thread may hold any pointer it has read.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicPtr, AtomicU64, Ordering};

use crate::collect::call::CallCore;
use crate::collect::site::{self, Site};
use crate::counting::held;
use crate::counting::thread::{suspended, Local, Measurement, ThreadState};
use crate::counting::totals::settle;
use crate::relaxed;

/// One source line's figures in one thread's table, summed over the calls
/// that ran on that thread. Only the owning thread writes them; the report
/// reads them from any thread.
///
/// A cache line each: the probes touch one or two lines at a time, and the
/// figures of one line then never straddle two cache lines.
#[repr(C, align(64))]
#[derive(Default)]
pub(crate) struct LineFigures {
    /// Times the line started running.
    pub(crate) occurrences: AtomicU64,
    /// Largest live heap of the process right after the line (signed: see
    /// `live_with`).
    pub(crate) mem_usage: AtomicI64,
    /// Allocation calls while the line ran.
    pub(crate) allocs: AtomicU64,
    /// Gross bytes allocated while the line ran.
    pub(crate) allocated: AtomicU64,
    /// Gross bytes freed while the line ran.
    pub(crate) freed: AtomicU64,
    /// Largest rise of the thread's live bytes within one execution.
    pub(crate) peak: AtomicU64,
    /// Bytes made while the line ran that were live when its call returned.
    pub(crate) retained: AtomicU64,
    /// One more than the most bytes a suspended call held at this line (an
    /// `.await`); 0 when no call was suspended here.
    pub(crate) held_suspended: AtomicU64,
}

/// Relaxed single-writer updates: a load and a store, no locked
/// instruction (only the owning thread writes a table).
impl LineFigures {
    #[inline(always)]
    pub(crate) fn add(cell: &AtomicU64, by: u64) {
        relaxed::bump(cell, by);
    }

    #[inline(always)]
    pub(crate) fn raise(cell: &AtomicU64, value: u64) {
        relaxed::raise(cell, value);
    }

    /// Raises the line's Mem usage to the process's live bytes `live`.
    #[inline(always)]
    pub(crate) fn raise_mem_usage(&self, live: i64) {
        relaxed::raise_signed(&self.mem_usage, live);
    }

    /// Adds `other`'s figures into these (sums add, maxima rise).
    fn merge(&self, other: &LineFigures) {
        let read = |cell: &AtomicU64| cell.load(Ordering::Relaxed);
        LineFigures::add(&self.occurrences, read(&other.occurrences));
        LineFigures::add(&self.allocs, read(&other.allocs));
        LineFigures::add(&self.allocated, read(&other.allocated));
        LineFigures::add(&self.freed, read(&other.freed));
        LineFigures::raise(&self.peak, read(&other.peak));
        LineFigures::add(&self.retained, read(&other.retained));
        LineFigures::raise(&self.held_suspended, read(&other.held_suspended));
        self.raise_mem_usage(other.mem_usage.load(Ordering::Relaxed));
    }
}

/// A function's largest call peak on one thread.
#[derive(Default)]
pub(crate) struct TablePeak {
    /// The rise above the call's entry.
    pub(crate) bytes: i64,
    /// Which call of the function on the thread reached it (1 for the
    /// first).
    pub(crate) call: u64,
    /// That call's bytes live then, by line slot (empty when none was
    /// noted).
    pub(crate) lines: Vec<u64>,
}

/// One function's figures on one thread: a header and the function's
/// `site.len` lines right after it, in one allocation.
#[repr(C, align(64))]
pub(crate) struct Table {
    pub(crate) site: &'static Site,
    /// The innermost call of this function now running on the owning
    /// thread, or null: a call ending gives what it counted to this one's
    /// exclusions, so that a recursive function counts each byte once.
    pub(crate) running: Local<*mut CallCore>,
    /// The largest call peak of the function on this thread.
    pub(crate) call_peak: AtomicI64,
    /// Which call reached it: the thread's calls of the function so far
    /// when it ended.
    pub(crate) peak_call: AtomicU64,
    /// At that call's peak, its bytes still live by line (`site.len` of
    /// them, from the system allocator), or null before any call held
    /// some.
    pub(crate) peak_lines: AtomicPtr<u64>,
}

// The lines follow the header directly: both are 64-byte aligned, and the
// header is one cache line.
const _: () = assert!(std::mem::size_of::<Table>() == 64);
const _: () = assert!(std::mem::align_of::<LineFigures>() == 64);

impl Table {
    fn layout(len: u32) -> Layout {
        let size = std::mem::size_of::<Table>() + len as usize * std::mem::size_of::<LineFigures>();
        Layout::from_size_align(size, 64).expect("a function's table fits in memory")
    }

    /// A zeroed table for `site`, or `None` when the system allocator
    /// refuses.
    fn new(site: &'static Site) -> Option<NonNull<Table>> {
        let layout = Table::layout(site.len);
        // SAFETY: the layout has a non-zero size (the header).
        let table = NonNull::new(unsafe { System.alloc_zeroed(layout) }.cast::<Table>())?;
        // SAFETY: freshly allocated, aligned and large enough for a header;
        // all-zero line figures are valid atomics.
        unsafe {
            table.as_ptr().write(Table {
                site,
                running: Local::new(ptr::null_mut()),
                call_peak: AtomicI64::new(0),
                peak_call: AtomicU64::new(0),
                peak_lines: AtomicPtr::new(ptr::null_mut()),
            });
        }
        Some(table)
    }

    /// Where the function's lines start (`site.len` of them).
    #[inline(always)]
    pub(crate) fn lines_ptr(&self) -> *const LineFigures {
        // SAFETY: one header past the table's start: the lines follow it in
        // the same allocation (`Table::new`).
        unsafe { ptr::from_ref(self).add(1).cast::<LineFigures>() }
    }

    /// The function's lines.
    #[inline(always)]
    pub(crate) fn lines(&self) -> &[LineFigures] {
        // SAFETY: `Table::new` allocated `site.len` zeroed lines right after
        // the header, and the table is never freed while anything can reach
        // it.
        unsafe {
            std::slice::from_raw_parts(
                ptr::from_ref(self).add(1).cast::<LineFigures>(),
                self.site.len as usize,
            )
        }
    }

    /// The function's largest call peak on this thread so far.
    #[inline(always)]
    pub(crate) fn call_peak(&self) -> i64 {
        relaxed::load_signed(&self.call_peak)
    }

    /// A call measured by `m`, whose peak was `peak`, ends: if that is the
    /// function's largest on this thread, keeps its composition.
    pub(crate) fn note_call_peak(&self, peak: i64, m: &Measurement) {
        // Most calls end below the largest: tested before the call's
        // number is read, which an unoptimised build makes three calls of.
        if peak <= self.call_peak() {
            return;
        }
        let call = self
            .lines()
            .first()
            .map_or(0, |l| relaxed::load(&l.occurrences));
        self.keep_peak(peak, call, |lines| {
            held::composition(m, |slot, bytes| {
                if let Some(line) = lines.get_mut(slot as usize) {
                    *line = bytes;
                }
            });
        });
    }

    /// Takes `other`'s largest call peak (a capture's, merged into the
    /// thread's table) if it is larger.
    fn merge_peak(&self, other: &Table) {
        let theirs = other.peak();
        if theirs.lines.is_empty() {
            return;
        }
        self.keep_peak(theirs.bytes, theirs.call, |lines| {
            for (line, bytes) in lines.iter_mut().zip(theirs.lines) {
                *line = bytes;
            }
        });
    }

    /// Keeps `peak`, reached by the thread's call number `call`, as the
    /// function's largest if it is larger than the one kept: `write` fills
    /// its composition, by line slot, from zeros. Only the owning thread
    /// writes a table.
    fn keep_peak(&self, peak: i64, call: u64, write: impl FnOnce(&mut [u64])) {
        if peak <= self.call_peak() {
            return;
        }
        let lines = self.peak_lines_zeroed();
        if lines.is_null() {
            return;
        }
        // SAFETY: `site.len` figures (`peak_lines_zeroed`), which only this
        // thread writes, and a report reads only after `call_peak` is
        // stored below.
        write(unsafe { std::slice::from_raw_parts_mut(lines, self.site.len as usize) });
        self.peak_call.store(call, Ordering::Relaxed);
        self.call_peak.store(peak, Ordering::Release);
    }

    /// The peak composition's `site.len` figures, all zero, made at the
    /// first need; null when the system allocator refuses.
    fn peak_lines_zeroed(&self) -> *mut u64 {
        let len = self.site.len as usize;
        let lines = self.peak_lines.load(Ordering::Acquire);
        if !lines.is_null() {
            // SAFETY: `len` figures, written only by the owning thread.
            unsafe { ptr::write_bytes(lines, 0, len) };
            return lines;
        }
        let Ok(layout) = Layout::array::<u64>(len.max(1)) else {
            return ptr::null_mut();
        };
        // SAFETY: a non-zero size; zeroed `u64`s are valid.
        let lines: *mut u64 = unsafe { System.alloc_zeroed(layout) }.cast();
        if !lines.is_null() {
            self.peak_lines.store(lines, Ordering::Release);
        }
        lines
    }

    /// The function's largest call peak on this thread.
    pub(crate) fn peak(&self) -> TablePeak {
        let bytes = self.call_peak.load(Ordering::Acquire);
        let lines = self.peak_lines.load(Ordering::Acquire);
        let lines = if lines.is_null() {
            Vec::new()
        } else {
            // SAFETY: `site.len` figures, never freed while the table lives.
            unsafe { std::slice::from_raw_parts(lines, self.site.len as usize) }.to_vec()
        };
        TablePeak {
            bytes,
            call: self.peak_call.load(Ordering::Relaxed),
            lines,
        }
    }

    /// Frees a table made by `Table::new`.
    ///
    /// # Safety
    /// Nothing may use the table again.
    unsafe fn free(table: NonNull<Table>) {
        // SAFETY: the caller's promise; the layout is the one it was made
        // with.
        unsafe {
            let len = table.as_ref().site.len;
            let lines = table.as_ref().peak_lines.load(Ordering::Relaxed);
            if !lines.is_null() {
                let layout = Layout::array::<u64>((len as usize).max(1)).expect("as allocated");
                System.dealloc(lines.cast(), layout);
            }
            let layout = Table::layout(len);
            System.dealloc(table.as_ptr().cast(), layout);
        }
    }
}

/// Tables by site id, `capacity` of them, replaced by a larger one (never
/// freed) when a site beyond it runs on the thread.
#[repr(C)]
struct Index {
    capacity: usize,
    tables: [AtomicPtr<Table>; 0],
}

impl Index {
    fn layout(capacity: usize) -> Layout {
        Layout::new::<Index>()
            .extend(Layout::array::<AtomicPtr<Table>>(capacity).expect("an index fits"))
            .expect("an index fits")
            .0
            .pad_to_align()
    }

    /// A zeroed index of `capacity` null tables.
    fn new(capacity: usize) -> *mut Index {
        // SAFETY: a non-zero size; null atomics are all-zero bytes.
        let index = unsafe { System.alloc_zeroed(Index::layout(capacity)) }.cast::<Index>();
        if !index.is_null() {
            // SAFETY: just allocated, large enough.
            unsafe { (*index).capacity = capacity };
        }
        index
    }

    #[inline(always)]
    fn slots(&self) -> &[AtomicPtr<Table>] {
        // SAFETY: `Index::new` allocated `capacity` slots after the header.
        unsafe { std::slice::from_raw_parts(self.tables.as_ptr(), self.capacity) }
    }
}

/// One thread's tables (or, while a capture is open, the capture's).
pub(crate) struct Record {
    index: AtomicPtr<Index>,
    /// A thread uses this record now.
    owned: AtomicBool,
    /// In the process-wide list (not a capture's private record).
    listed: bool,
    next: AtomicPtr<Record>,
}

/// Where a call's start in assembly (`call/quiet.rs`, in an unoptimised
/// runtime) finds a site's table: the record's index, the index's capacity
/// and slots, and a table's lines, which follow it.
#[cfg(all(memprof_asm, not(miri)))]
pub(crate) mod at {
    use std::mem::{offset_of, size_of};

    use super::{Index, Record, Table};

    pub(crate) const RECORD_INDEX: usize = offset_of!(Record, index);
    pub(crate) const INDEX_CAPACITY: usize = offset_of!(Index, capacity);
    pub(crate) const INDEX_TABLES: usize = offset_of!(Index, tables);
    pub(crate) const TABLE_LINES: usize = size_of::<Table>();
}

// Records of every thread, for the report: pushed, never removed.
static RECORDS: AtomicPtr<Record> = AtomicPtr::new(ptr::null_mut());

/// Sites' ids are small and dense: enough slots for most programs at once.
const FIRST_CAPACITY: usize = 64;

impl Record {
    /// A new record, from the system allocator.
    fn new(listed: bool) -> Option<NonNull<Record>> {
        // SAFETY: a non-zero size.
        let record =
            NonNull::new(unsafe { System.alloc(Layout::new::<Record>()) }.cast::<Record>())?;
        // SAFETY: freshly allocated and aligned.
        unsafe {
            record.as_ptr().write(Record {
                index: AtomicPtr::new(ptr::null_mut()),
                owned: AtomicBool::new(true),
                listed,
                next: AtomicPtr::new(ptr::null_mut()),
            });
        }
        Some(record)
    }

    /// `site`'s table in this record, if the thread has run it.
    #[inline(always)]
    pub(crate) fn table(&self, id: u64) -> Option<&Table> {
        let index = self.index.load(Ordering::Acquire);
        if index as usize == 0 {
            return None;
        }
        // SAFETY: an index is never freed.
        let index = unsafe { &*index };
        if id >= index.capacity as u64 {
            return None;
        }
        // SAFETY: `id` is below the index's capacity.
        let slot = unsafe { &*index.tables.as_ptr().add(id as usize) };
        let table = slot.load(Ordering::Acquire);
        if table as usize == 0 {
            return None;
        }
        // SAFETY: tables of a listed record are never freed; a capture's
        // private record is freed only by its own thread, after use.
        Some(unsafe { &*table })
    }

    /// `table`, for the thread that owns the record: its own writes, read
    /// with relaxed loads (which stay one instruction unoptimised).
    #[inline(always)]
    fn own_table(&self, id: u64) -> *const Table {
        let index = relaxed::load_ptr(&self.index);
        if index as usize == 0 {
            return ptr::null();
        }
        // SAFETY: an index is never freed.
        let index = unsafe { &*index };
        if id >= index.capacity as u64 {
            return ptr::null();
        }
        // SAFETY: `id` is below the index's capacity.
        relaxed::load_ptr(unsafe { &*index.tables.as_ptr().add(id as usize) })
    }

    /// `site`'s table, made if this is its first call on the thread. Runs
    /// with counting suspended (its work is the profiler's).
    #[cold]
    #[inline(never)]
    fn make_table(&self, site: &'static Site, id: u64) -> Option<&Table> {
        let id = id as usize;
        let old = self.index.load(Ordering::Acquire);
        // SAFETY: never freed.
        let capacity = unsafe { old.as_ref() }.map_or(0, |i| i.capacity);
        if id >= capacity {
            let mut grown = capacity.max(FIRST_CAPACITY);
            while grown <= id {
                grown *= 2;
            }
            let index = Index::new(grown);
            // SAFETY: just allocated (null checked).
            let new_slots = unsafe { index.as_ref() }?.slots();
            // SAFETY: never freed.
            if let Some(old) = unsafe { old.as_ref() } {
                for (new, old) in new_slots.iter().zip(old.slots()) {
                    new.store(old.load(Ordering::Relaxed), Ordering::Relaxed);
                }
            }
            self.index.store(index, Ordering::Release);
        }
        let table = Table::new(site)?;
        // SAFETY: the index now has a slot for `id`.
        let index = unsafe { &*self.index.load(Ordering::Acquire) };
        index.slots()[id].store(table.as_ptr(), Ordering::Release);
        // SAFETY: just made; lives as long as the record.
        Some(unsafe { table.as_ref() })
    }

    /// Every table of this record.
    fn for_each_table(&self, mut f: impl FnMut(&Table)) {
        // SAFETY: never freed.
        if let Some(index) = unsafe { self.index.load(Ordering::Acquire).as_ref() } {
            for slot in index.slots() {
                // SAFETY: as in `table`.
                if let Some(table) = unsafe { slot.load(Ordering::Acquire).as_ref() } {
                    f(table);
                }
            }
        }
    }

    /// Adds every figure of `other` into this record's tables.
    pub(crate) fn merge(&self, other: &Record) {
        other.for_each_table(|theirs| {
            let site = theirs.site;
            if let Some(ours) = self.table_or_make(site) {
                for (line, their_line) in ours.lines().iter().zip(theirs.lines()) {
                    line.merge(their_line);
                }
                ours.merge_peak(theirs);
            }
        });
    }

    /// `site`'s table in this record, made if missing.
    pub(crate) fn table_or_make(&self, site: &'static Site) -> Option<&Table> {
        let id = site.registered_id();
        self.table(id).or_else(|| self.make_table(site, id))
    }
}

/// The calling thread's current record (a capture's while one is open), or
/// null before its first profiled call.
#[inline(always)]
pub(crate) fn current(t: &ThreadState) -> *const Record {
    t.collector().cast::<Record>()
}

/// `site`'s table in the calling thread's current record, made if need be:
/// for a call started in full, or an `async` call's slice (a lazy start
/// looks among the recent tables itself, `call.rs`'s `enter`). `None` when
/// the system allocator refused memory for a new one, and the call then
/// records nothing.
#[inline(always)]
pub(crate) fn table_for(t: &ThreadState, site: &'static Site) -> Option<&'static Table> {
    // `if let`, not `or_else`: a closure is a call in an unoptimised build.
    if let Some(table) = made_table(t, site) {
        return Some(table);
    }
    first_call_on_thread(t, site)
}

/// `site`'s table in the calling thread's current record if it has one
/// already: `table_for` without making it.
#[inline(always)]
fn made_table(t: &ThreadState, site: &'static Site) -> Option<&'static Table> {
    if let Some(table) = recent_table(t, site) {
        return Some(table);
    }
    made_table_in_record(t, site, site.id())
}

/// `site`'s table if it is among the calling thread's recent tables (see
/// `counting/thread/recent_tables.rs`): `made_table`'s common case, which
/// makes no call.
#[inline(always)]
pub(crate) fn recent_table(t: &ThreadState, site: &'static Site) -> Option<&'static Table> {
    // `let .. else`, not `?`: a call in an unoptimised build.
    #[allow(clippy::question_mark)]
    let Some(table) = t.recent_tables.get(site.id(), NonNull::from(site).cast()) else {
        return None;
    };
    // SAFETY: kept from the thread's current record, whose tables outlive
    // it.
    Some(unsafe { table.cast::<Table>().as_ref() })
}

/// `made_table` when the thread's recent tables do not have `site`'s: from
/// the record, kept there for the next call unless calls are tracked
/// (`site::calls_may_keep_recent_tables`).
#[cold]
#[inline(never)]
pub(crate) fn made_table_in_record(
    t: &ThreadState,
    site: &'static Site,
    id: u64,
) -> Option<&'static Table> {
    let record = current(t);
    if record as usize != 0 {
        // SAFETY: a thread's record lives as long as the process (or, for
        // a capture's, until the capture ends, after every call inside it).
        // An unregistered site's id is above every index: no table.
        let table = unsafe { &*record }.own_table(id);
        if let Some(table) = NonNull::new(table.cast_mut()) {
            if site::calls_may_keep_recent_tables() {
                t.recent_tables
                    .put(id, NonNull::from(site).cast(), table.cast());
            }
            // SAFETY: as above.
            return Some(unsafe { table.as_ref() });
        }
    }
    None
}

/// The calling thread's current record, claiming one if it has none.
/// Runs with counting suspended.
pub(crate) fn current_or_claim(t: &ThreadState) -> Option<&'static Record> {
    if current(t).is_null() {
        settle(t);
        let record = claim()?;
        t.set_collector(record.as_ptr().cast_const().cast());
        // Handed back when the thread ends (unless it is ending now).
        let _ = HOME.try_with(|home| home.0.set(record.as_ptr()));
    }
    // SAFETY: set just above or before; a thread's record lives as long as
    // the process, a capture's until the capture ends.
    Some(unsafe { &*current(t) })
}

/// `table_for` when the thread has no record yet, the site is not
/// registered, or the thread has not run it before.
#[cold]
#[inline(never)]
fn first_call_on_thread(t: &ThreadState, site: &'static Site) -> Option<&'static Table> {
    suspended(|| {
        // The block the thread counts in is settled before its first call
        // reads it, and stays the same while calls run.
        settle(t);
        let record = current_or_claim(t)?;
        record.table_or_make(site)
    })
}

/// A record for this thread: one a finished thread handed back, or a new
/// one.
fn claim() -> Option<NonNull<Record>> {
    let mut p = RECORDS.load(Ordering::Acquire);
    // SAFETY: listed records are never freed.
    while let Some(record) = unsafe { p.as_ref() } {
        if !record.owned.load(Ordering::Relaxed)
            && record
                .owned
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            return NonNull::new(p);
        }
        p = record.next.load(Ordering::Acquire);
    }
    let record = Record::new(true)?;
    let mut head = RECORDS.load(Ordering::Acquire);
    loop {
        // SAFETY: ours, not yet shared.
        unsafe { record.as_ref() }
            .next
            .store(head, Ordering::Relaxed);
        match RECORDS.compare_exchange_weak(
            head,
            record.as_ptr(),
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => return Some(record),
            Err(actual) => head = actual,
        }
    }
}

/// The thread's own record, handed back when the thread ends.
struct Home(Cell<*mut Record>);

impl Drop for Home {
    fn drop(&mut self) {
        let record = self.0.get();
        // SAFETY: listed records are never freed.
        let Some(record) = (unsafe { record.as_ref() }) else {
            return;
        };
        let running = crate::counting::thread::with_thread(|t| {
            // Forget it: a profiled call after this point claims another.
            if !t.measuring.get().is_null() {
                return true;
            }
            t.set_collector(ptr::null());
            false
        });
        // A call still running on this thread keeps writing to its tables:
        // then the record stays this thread's and is not reused.
        if running == Some(false) {
            record.owned.store(false, Ordering::Release);
        }
    }
}

thread_local! {
    static HOME: Home = const { Home(Cell::new(ptr::null_mut())) };
}

/// Calls `f` with `site`'s table in every thread's record.
pub(crate) fn for_each_table_of(site: &'static Site, mut f: impl FnMut(&Table)) {
    let id = site.id();
    let mut p = RECORDS.load(Ordering::Acquire);
    // SAFETY: listed records are never freed.
    while let Some(record) = unsafe { p.as_ref() } {
        if let Some(table) = record.table(id) {
            f(table);
        }
        p = record.next.load(Ordering::Acquire);
    }
}

/// A private record for a capture, not in the process-wide list.
pub(crate) fn private() -> Option<NonNull<Record>> {
    Record::new(false)
}

/// Frees a capture's private record and its tables.
///
/// # Safety
/// `record` came from `private`, and nothing uses it or its tables again.
pub(crate) unsafe fn free_private(record: NonNull<Record>) {
    // SAFETY: the caller's promise.
    let r = unsafe { record.as_ref() };
    debug_assert!(!r.listed);
    let index = r.index.load(Ordering::Acquire);
    // SAFETY: the caller's promise: nothing else holds these.
    if let Some(index_ref) = unsafe { index.as_ref() } {
        for slot in index_ref.slots() {
            if let Some(table) = NonNull::new(slot.load(Ordering::Acquire)) {
                // SAFETY: made by `Table::new`, used by nothing else now.
                unsafe { Table::free(table) };
            }
        }
        // SAFETY: made by `Index::new` with this capacity. A private record
        // grows its index only on its own thread, and each older index is
        // left behind unfreed (as for listed records), so this is the only
        // one still reachable.
        unsafe { System.dealloc(index.cast(), Index::layout(index_ref.capacity)) };
    }
    // SAFETY: made by `Record::new`.
    unsafe { System.dealloc(record.as_ptr().cast(), Layout::new::<Record>()) };
}
