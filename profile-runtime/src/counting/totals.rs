//! The counters: what each thread allocated and freed, and from them the
//! process-wide totals.
//!
//! Why not one set of shared counters: `stats_alloc::StatsAlloc` keeps its
//! totals in six shared atomics, and an allocation or a free updates two of
//! them with locked read-modify-writes. Measured on the benchmark machine,
//! that alone made a 64 B alloc+free 4× the cost of `System` on one thread
//! and 12× on two (the cache line bounces between cores). So each thread
//! counts in a block of its own, written only by that thread with plain
//! loads and stores, and the totals are the sum of all blocks, taken when
//! someone asks (`heap_stats`, the timeline sampler, a test), which is rare.
//! The same counters serve line attribution (see `thread.rs`), so an
//! allocator call bumps one set of counters, not two.
//!
//! `SHARED`, a block counted with locked adds, serves the threads that have
//! no block of their own: a thread allocating while its block is being set
//! up or after its thread-local destructors ran, and threads beyond
//! `BLOCKS`. It is part of the totals; the thread's attribution then counts
//! in its `fallback` block.
//!
//! Mem usage (the live heap at a line) is read on every probe, far too often
//! to sum the blocks. Each thread therefore also publishes its net bytes to
//! one shared counter, `published_live`, whenever they have moved by more
//! than `PUBLISH_STEP` since it last did: Mem usage is that counter plus the
//! reading thread's own unpublished part. It is exact for the thread reading
//! it and within `PUBLISH_STEP` per other thread, at the cost of one locked
//! add per `PUBLISH_STEP` bytes of net change.
//!
//! A block outlives its thread: its counters are cumulative, and when a
//! thread ends it hands the block back (publishing what it had not), for the
//! next thread to continue counting in. No count is ever moved, so a sum
//! taken at any moment neither misses nor doubles anything.
//!
//! Nothing here may panic or allocate: it runs inside `GlobalAlloc`.

use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use crate::counting::held;
use crate::counting::thread::{with_thread, Counters, ThreadState};
use crate::relaxed;

pub(crate) mod quiet;

/// Threads that can count in a block of their own at the same time.
const BLOCKS: usize = 256;

/// Net bytes a thread may move before it publishes them to Mem usage.
pub(crate) const PUBLISH_STEP: i64 = 64 * 1024;

/// The largest allocation the allocator counts before making it (see
/// `alloc.rs`): a failed one is in the counters only until it is taken back,
/// and a reader in that moment is off by no more than what every reader
/// allows for another thread's bytes.
pub(crate) const COUNT_FIRST_MAX: usize = PUBLISH_STEP as usize;

/// The blocks, and the sum of the net bytes every thread has published, in
/// one static so that their addresses relative to each other are fixed.
//
// Why: a load whose address shares its offset within a 4 KiB page with a
// store still waiting in the CPU's store buffer can be held until that store
// is written ("4K aliasing"), and in a workload that writes much fresh memory
// stores wait long. Every probe loads `published_live`, and the allocator
// stores into the thread's block on every call. As separate statics, the
// linker had placed the two exactly 32 KiB apart, at the same page offset.
// Here `published_live` sits at an offset within 128 bytes that no block's
// counters use, whatever the linker does.
#[repr(C, align(128))]
pub(crate) struct Table {
    _before: [u8; PUBLISHED_LIVE_OFFSET],
    published_live: AtomicI64,
    blocks: [Block; BLOCKS],
}

/// Where `published_live` sits in its 128 bytes: past every counter of a
/// block (checked below).
const PUBLISHED_LIVE_OFFSET: usize = 96;

const _: () = assert!(std::mem::size_of::<Block>().is_multiple_of(128));
const _: () = assert!(std::mem::offset_of!(Block, owned) < PUBLISHED_LIVE_OFFSET);
const _: () = assert!(std::mem::offset_of!(Table, blocks) % 128 == 0);

/// `pub(crate)` for the assembly of an unoptimised runtime
/// (`collect/call/quiet.rs`), which names it; the fields stay private.
pub(crate) static TABLE: Table = Table {
    _before: [0; PUBLISHED_LIVE_OFFSET],
    published_live: AtomicI64::new(0),
    blocks: [Block::NEW; BLOCKS],
};

/// The counts of threads without a block of their own (see the module
/// documentation): bumped with locked adds, since several threads share it.
static SHARED: Block = Block::NEW;

// Set by the first allocation served by an `Alloc`. False at exit means the
// program never installed one, and the report says so instead of zeros.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// One thread's counters. Only the owning thread writes them (relaxed load
/// plus store, no locked instruction); anyone may read them. Two cache lines
/// each, so that neighbours' writes (and the adjacent-line prefetcher) do
/// not bounce them.
///
/// Counted in attribution's terms: a realloc is one allocation call of the
/// new size and one free of the old, plus one reallocation.
#[repr(C, align(128))]
pub(crate) struct Block {
    allocs: AtomicU64,
    allocated: AtomicU64,
    freed: AtomicU64,
    /// Allocator calls: allocs plus frees (`deallocations` is the
    /// difference).
    calls: AtomicU64,
    reallocations: AtomicU64,
    /// Net bytes (`allocated - freed`) when the block last published them
    /// to `published_live`: what is in it from this block.
    published: AtomicI64,
    /// The process's live bytes just before the largest of this block's
    /// frees (see `freed_bytes`).
    peak_live: AtomicI64,
    owned: AtomicBool,
    /// Live blocks and bytes by size class, net of this block's frees.
    classes: [ClassCount; SIZE_CLASSES],
}

/// Where a call's assembly in an unoptimised runtime
/// (`collect/call/quiet.rs`) finds a block's counters, and the published
/// live bytes in `TABLE`.
#[cfg(all(memprof_asm, not(miri)))]
pub(crate) mod at {
    use std::mem::offset_of;

    use super::{Block, Table};

    pub(crate) const ALLOCATED: usize = offset_of!(Block, allocated);
    pub(crate) const FREED: usize = offset_of!(Block, freed);
    pub(crate) const ALLOCS: usize = offset_of!(Block, allocs);
    pub(crate) const CALLS: usize = offset_of!(Block, calls);
    pub(crate) const PUBLISHED: usize = offset_of!(Block, published);
    pub(crate) const PUBLISHED_LIVE: usize = offset_of!(Table, published_live);
}

/// Power-of-two size classes: class `k` holds the sizes from `2^(k-1) + 1`
/// to `2^k` bytes (class 0 holds 1 byte).
pub(crate) const SIZE_CLASSES: usize = 64;

/// The size class of a block of `size` bytes (at least 1).
#[inline(always)]
pub(crate) fn size_class(size: usize) -> usize {
    (usize::BITS - size.wrapping_sub(1).leading_zeros()) as usize % SIZE_CLASSES
}

/// One size class's blocks and bytes in one block of counters: what its
/// thread allocated minus what it freed (wrapping; only the sum over all
/// blocks is a count, since a thread may free another's blocks).
pub(crate) struct ClassCount {
    blocks: AtomicU64,
    bytes: AtomicU64,
}

impl ClassCount {
    #[allow(clippy::declare_interior_mutable_const)]
    const NEW: ClassCount = ClassCount {
        blocks: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
    };

    /// Adds a block of `size` bytes (`sign` 1) or takes one away (`sign`
    /// -1, as `u64::MAX`).
    #[inline(always)]
    fn count(&self, sign: u64, size: usize) {
        bump(&self.blocks, sign);
        bump(&self.bytes, sign.wrapping_mul(size as u64));
    }
}

// Single writer: a plain add, not a locked one. Returns the new value, so
// that callers use it from a register instead of loading it back (a load
// right after the store would wait for store forwarding).
use crate::relaxed::bump;

impl Block {
    #[allow(clippy::declare_interior_mutable_const)]
    pub(crate) const NEW: Block = Block {
        allocs: AtomicU64::new(0),
        allocated: AtomicU64::new(0),
        freed: AtomicU64::new(0),
        calls: AtomicU64::new(0),
        reallocations: AtomicU64::new(0),
        published: AtomicI64::new(0),
        peak_live: AtomicI64::new(0),
        owned: AtomicBool::new(false),
        classes: [ClassCount::NEW; SIZE_CLASSES],
    };

    /// The size class counts of a block of `size` bytes.
    #[inline(always)]
    fn class(&self, size: usize) -> &ClassCount {
        // `size_class` is below `SIZE_CLASSES`: no bounds check is needed,
        // and the compiler sees that.
        &self.classes[size_class(size)]
    }

    #[inline(always)]
    pub(crate) fn attribution_counters(&self) -> Counters {
        Counters {
            allocated: self.allocated(),
            freed: self.freed(),
            allocs: self.allocs(),
            calls: self.calls(),
        }
    }

    /// Allocator calls of any kind: whether anything happened.
    #[inline(always)]
    pub(crate) fn calls(&self) -> u64 {
        relaxed::load(&self.calls)
    }

    /// The address of `calls` of the block at `block`, for
    /// `relaxed_load!`: no reference made, which an unoptimised build
    /// would check.
    #[inline(always)]
    pub(crate) fn calls_at(block: *const Block) -> *const AtomicU64 {
        // SAFETY: only the field's address is computed, which `addr_of!`
        // does without reading or checking.
        unsafe { ptr::addr_of!((*block).calls) }
    }

    /// Allocation calls (a realloc is one).
    #[inline(always)]
    pub(crate) fn allocs(&self) -> u64 {
        relaxed::load(&self.allocs)
    }

    /// Gross bytes allocated (a realloc adds its new size).
    #[inline(always)]
    pub(crate) fn allocated(&self) -> u64 {
        relaxed::load(&self.allocated)
    }

    /// Gross bytes freed (a realloc adds its old size).
    #[inline(always)]
    pub(crate) fn freed(&self) -> u64 {
        relaxed::load(&self.freed)
    }

    /// Net bytes of the block: what its owners allocated minus what they
    /// freed.
    #[inline(always)]
    pub(crate) fn net(&self) -> i64 {
        self.net_at(self.allocated())
    }

    /// Net bytes, given `allocated` just counted (used from a register, not
    /// loaded back).
    #[inline(always)]
    fn net_at(&self, allocated: u64) -> i64 {
        allocated.wrapping_sub(self.freed()) as i64
    }

    /// Counts an allocation. Its high needs no test here: see
    /// `ThreadState::high_at_free`.
    #[inline(always)]
    fn count_alloc(&self, t: &ThreadState, size: usize) {
        if self.count_alloc_deferring(t, size) {
            self.publish_now(t);
        }
    }

    /// Counts an allocation, and tells whether the block must publish
    /// (`publish_now`): the allocator's fast path leaves that to its
    /// out-of-line path, so that it keeps no register across a call it
    /// comes back from.
    #[inline(always)]
    fn count_alloc_deferring(&self, t: &ThreadState, size: usize) -> bool {
        bump(&self.allocs, 1);
        bump(&self.calls, 1);
        self.class(size).count(1, size);
        let allocated = bump(&self.allocated, size as u64);
        // Never for the `fallback` block: its limit is `i64::MAX`.
        self.net_at(allocated) > t.rise_limit()
    }

    /// Takes back an allocation counted before it was made, which failed.
    /// Not a free: the high does not record the bytes it never had.
    #[cold]
    #[inline(never)]
    pub(crate) fn uncount_failed_alloc(&self, t: &ThreadState, size: usize) {
        bump(&self.allocs, 1u64.wrapping_neg());
        bump(&self.calls, 1u64.wrapping_neg());
        self.class(size).count(u64::MAX, size);
        let allocated = bump(&self.allocated, (size as u64).wrapping_neg());
        let net = self.net_at(allocated);
        if net < t.fall_limit.get() {
            self.publish(t, net);
        }
    }

    /// Counts a free. True when the net bytes have fallen enough to be
    /// published, which the caller does (`publish_now`) once the free is
    /// made: so a free needs no register kept across a call.
    #[inline(always)]
    fn count_dealloc(&self, t: &ThreadState, size: usize) -> bool {
        bump(&self.calls, 1);
        self.freed_bytes(t, size)
    }

    /// Counts a free on the allocator's fast path, and tells whether
    /// anything else is due: the notes of a new high (`freed_bytes`), or a
    /// publication. Those are left to `finish_dealloc`, out of line, so
    /// that the fast path makes no call it comes back from and saves no
    /// register.
    #[inline(always)]
    fn count_dealloc_deferring(&self, t: &ThreadState, size: usize) -> bool {
        bump(&self.calls, 1);
        let net = self.count_freed(size);
        t.is_high_at_free(net.wrapping_add(size as i64)) || net < t.fall_limit.get()
    }

    /// What is due after a free of `size` bytes by `t` that
    /// `count_dealloc_deferring` counted: the notes of a new high and the
    /// publication, as `freed_bytes` and `publish_now` make them. Inlined
    /// in the allocator's out-of-line `dealloc_finishing`.
    #[inline(always)]
    pub(crate) fn finish_dealloc(&self, t: &ThreadState, size: usize) {
        let net = self.net();
        self.note_if_high_before_free(t, net.wrapping_add(size as i64));
        if net < t.fall_limit.get() {
            self.publish_now(t);
        }
    }

    /// Publishes the block's net bytes (see `count_dealloc`).
    #[cold]
    #[inline(never)]
    pub(crate) fn publish_now(&self, t: &ThreadState) {
        self.publish(t, self.net());
    }

    /// Counts bytes freed, noting the net bytes before them as the high if
    /// they are one; true when the net bytes fell below the limit and must
    /// be published (`publish_now`).
    #[inline(always)]
    fn freed_bytes(&self, t: &ThreadState, size: usize) -> bool {
        let net = self.count_freed(size);
        self.note_if_high_before_free(t, net.wrapping_add(size as i64));
        net < t.fall_limit.get()
    }

    /// Counts `size` bytes freed (and their size class); the net bytes
    /// after them.
    #[inline(always)]
    fn count_freed(&self, size: usize) -> i64 {
        let freed = bump(&self.freed, size as u64);
        self.class(size).count(u64::MAX, size);
        self.allocated().wrapping_sub(freed) as i64
    }

    /// Notes `before`, the net bytes just before a free, if they are a new
    /// high: the process's peak (`note_peak_live`) and the composition of
    /// a watched peak (`held::note_new_high`).
    #[inline(always)]
    fn note_if_high_before_free(&self, t: &ThreadState, before: i64) {
        if t.record_high_at_free(before) {
            self.note_peak_live(before);
            if before > t.peak_watch.get() {
                held::note_new_high(t, before);
            }
        }
    }

    /// Notes the process's live bytes when this thread's net bytes were
    /// `net`, if they are the largest seen. Called where a peak can be: just
    /// before a free that follows a new high of the thread's own bytes (the
    /// same test as the line peaks' mark, so a free that is not after a new
    /// high pays nothing more), and at each publication, which brings in
    /// the other threads' growth every `PUBLISH_STEP`. Exact for a
    /// single-threaded program; each other thread's bytes within
    /// `PUBLISH_STEP`.
    #[inline(always)]
    fn note_peak_live(&self, net: i64) {
        let live = published_live().wrapping_add(self.unpublished(net));
        relaxed::raise_signed(&self.peak_live, live);
    }

    /// Counts a realloc.
    #[inline(always)]
    fn count_realloc(&self, t: &ThreadState, old_size: usize, new_size: usize) {
        // The moment both blocks exist counts towards the peak, as it does
        // when the block moves.
        self.count_alloc(t, new_size);
        if self.freed_bytes(t, old_size) {
            self.publish_now(t);
        }
        bump(&self.reallocations, 1);
    }

    /// What a call's start reads of the block, each counter read with
    /// `load`: `relaxed::load`, or `relaxed::load_in_runtime` in code only
    /// this crate's build compiles.
    #[inline(always)]
    pub(crate) fn start_counts(&self, load: fn(&AtomicU64) -> u64) -> StartCounts {
        let net = load(&self.allocated).wrapping_sub(load(&self.freed)) as i64;
        StartCounts {
            calls: load(&self.calls),
            unpublished: net.wrapping_sub(load(relaxed::unsigned(&self.published)) as i64),
        }
    }

    /// Net bytes not yet in `published_live`, given the block's net bytes.
    /// Zero for a thread counting in the shared counters: they publish at
    /// once, and its `fallback` block keeps step (`count_shared`).
    #[inline(always)]
    pub(crate) fn unpublished(&self, net: i64) -> i64 {
        net.wrapping_sub(self.published())
    }

    #[inline(always)]
    pub(crate) fn published(&self) -> i64 {
        relaxed::load_signed(&self.published)
    }

    /// Adds the net bytes not yet published to `published_live`.
    #[cold]
    #[inline(never)]
    fn publish(&self, t: &ThreadState, net: i64) {
        let change = self.unpublished(net);
        let live = TABLE
            .published_live
            .fetch_add(change, Ordering::Relaxed)
            .wrapping_add(change);
        relaxed::store_signed(&self.published, net);
        relaxed::raise_signed(&self.peak_live, live);
        if !t.shared.get() {
            t.set_published(Some(net));
        }
    }

    /// The block's counts, read by another thread.
    fn totals(&self) -> Totals {
        let allocs = self.allocs.load(Ordering::Relaxed);
        let reallocations = self.reallocations.load(Ordering::Relaxed);
        Totals {
            allocations: allocs.wrapping_sub(reallocations),
            deallocations: self.calls.load(Ordering::Relaxed).wrapping_sub(allocs),
            reallocations,
            allocated: self.allocated.load(Ordering::Relaxed),
            freed: self.freed.load(Ordering::Relaxed),
        }
    }

    /// Counts in `SHARED`, which several threads write: locked adds.
    fn count_shared(&self, call: SharedCall) {
        let add = |cell: &AtomicU64, by: u64| {
            if by != 0 {
                cell.fetch_add(by, Ordering::Relaxed);
            }
        };
        add(&self.allocs, call.allocs);
        add(&self.allocated, call.allocated);
        add(&self.freed, call.freed);
        add(&self.calls, call.allocs.wrapping_add(call.deallocations));
        add(&self.reallocations, call.reallocations);
        // A block allocated (`allocated`, its size) and one freed (`freed`).
        if call.allocs != 0 {
            let class = self.class(call.allocated as usize);
            add(&class.blocks, 1);
            add(&class.bytes, call.allocated);
        }
        if call.freed != 0 {
            let class = self.class(call.freed as usize);
            add(&class.blocks, u64::MAX);
            add(&class.bytes, call.freed.wrapping_neg());
        }
    }

    /// This block's part of each size class's live blocks and bytes.
    fn add_classes_to(&self, sums: &mut [LiveClass; SIZE_CLASSES]) {
        for (sum, class) in sums.iter_mut().zip(&self.classes) {
            sum.blocks = sum
                .blocks
                .wrapping_add(class.blocks.load(Ordering::Relaxed));
            sum.bytes = sum.bytes.wrapping_add(class.bytes.load(Ordering::Relaxed));
        }
    }
}

/// What a call's start reads of its thread's block (`Block::start_counts`).
pub(crate) struct StartCounts {
    /// Allocator calls so far.
    pub(crate) calls: u64,
    /// Net bytes not yet published (`Block::unpublished`).
    pub(crate) unpublished: i64,
}

/// The live blocks and bytes of one size class, summed over all blocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LiveClass {
    pub(crate) blocks: u64,
    pub(crate) bytes: u64,
}

/// Live blocks and bytes by size class, over the whole process.
pub(crate) fn live_by_class() -> [LiveClass; SIZE_CLASSES] {
    let mut sums = [LiveClass::default(); SIZE_CLASSES];
    SHARED.add_classes_to(&mut sums);
    for block in &TABLE.blocks {
        block.add_classes_to(&mut sums);
    }
    sums
}

/// The process's high-water mark of live bytes: the largest value seen
/// just before any thread's free, or `live_now`, the caller's exact sum of
/// the blocks. Exact for a program's own thread (a single-threaded
/// program's is exact); other threads' bytes count within `PUBLISH_STEP`
/// each, as in Mem usage.
pub(crate) fn peak_live(live_now: u64) -> u64 {
    let seen = TABLE
        .blocks
        .iter()
        .map(|block| block.peak_live.load(Ordering::Relaxed))
        .max()
        .unwrap_or(0);
    (seen.max(0) as u64).max(live_now)
}

/// One allocator call counted in `SHARED`.
#[derive(Clone, Copy, Default)]
struct SharedCall {
    allocs: u64,
    allocated: u64,
    freed: u64,
    deallocations: u64,
    reallocations: u64,
}

/// Process-wide counts of allocator calls and bytes, summed over blocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    /// Blocks allocated (a realloc is not one).
    pub(crate) allocations: u64,
    /// Blocks freed.
    pub(crate) deallocations: u64,
    /// Reallocations.
    pub(crate) reallocations: u64,
    /// Gross bytes allocated (a realloc counts its new size).
    pub(crate) allocated: u64,
    /// Gross bytes freed (a realloc counts its old size).
    pub(crate) freed: u64,
}

impl Totals {
    fn plus(self, other: Totals) -> Totals {
        Totals {
            allocations: self.allocations.wrapping_add(other.allocations),
            deallocations: self.deallocations.wrapping_add(other.deallocations),
            reallocations: self.reallocations.wrapping_add(other.reallocations),
            allocated: self.allocated.wrapping_add(other.allocated),
            freed: self.freed.wrapping_add(other.freed),
        }
    }
}

/// `ThreadState::counters` before the thread's first allocation: all zeros,
/// never written (a thread claims a block before it counts anything), so
/// that readers need not test for null.
pub(crate) static UNCLAIMED: Block = Block::NEW;

/// How the calling thread counts one allocator call.
#[derive(Clone, Copy)]
pub(crate) struct Counting<'a> {
    pub(crate) thread: &'a ThreadState,
    pub(crate) block: &'a Block,
    /// The thread has no block of its own: the call also counts in
    /// `SHARED`, for the totals.
    pub(crate) shared: bool,
}

impl Counting<'_> {
    #[inline(always)]
    pub(crate) fn alloc(&self, size: usize) {
        self.block.count_alloc(self.thread, size);
        if self.shared {
            self.count_shared(
                SharedCall {
                    allocs: 1,
                    allocated: size as u64,
                    ..SharedCall::default()
                },
                size as i64,
            );
        }
    }

    /// True when the block must publish after the free (`publish_now`).
    #[inline(always)]
    #[must_use]
    pub(crate) fn dealloc(&self, size: usize) -> bool {
        let publish = self.block.count_dealloc(self.thread, size);
        if self.shared {
            self.count_shared(
                SharedCall {
                    freed: size as u64,
                    deallocations: 1,
                    ..SharedCall::default()
                },
                (size as i64).wrapping_neg(),
            );
        }
        publish
    }

    /// `alloc` on the allocator's fast path, for a thread's own block: true
    /// when the block must publish (`Block::publish_now`).
    #[inline(always)]
    #[must_use]
    pub(crate) fn alloc_deferring(&self, size: usize) -> bool {
        debug_assert!(!self.shared, "the fast path counts in its own block");
        self.block.count_alloc_deferring(self.thread, size)
    }

    /// `dealloc` on the allocator's fast path, for a thread's own block:
    /// true when `Block::finish_dealloc` is due before the block is freed.
    #[inline(always)]
    #[must_use]
    pub(crate) fn dealloc_deferring(&self, size: usize) -> bool {
        debug_assert!(!self.shared, "the fast path counts in its own block");
        self.block.count_dealloc_deferring(self.thread, size)
    }

    #[inline(always)]
    pub(crate) fn realloc(&self, old_size: usize, new_size: usize) {
        self.block.count_realloc(self.thread, old_size, new_size);
        if self.shared {
            self.count_shared(
                SharedCall {
                    allocs: 1,
                    allocated: new_size as u64,
                    freed: old_size as u64,
                    reallocations: 1,
                    ..SharedCall::default()
                },
                (new_size as i64).wrapping_sub(old_size as i64),
            );
        }
    }

    /// A call of a thread without a block of its own: counted in `SHARED`
    /// for the totals, and its change in net bytes published at once.
    #[cold]
    #[inline(never)]
    fn count_shared(&self, call: SharedCall, change: i64) {
        SHARED.count_shared(call);
        TABLE.published_live.fetch_add(change, Ordering::Relaxed);
        // The block (the thread's `fallback`) has then nothing unpublished,
        // which spares `own_unpublished` a test.
        self.block
            .published
            .store(self.block.net(), Ordering::Relaxed);
    }
}

/// The allocator's fast path: the thread has a block of its own.
#[inline(always)]
pub(crate) fn own_block(t: &ThreadState) -> Option<Counting<'_>> {
    let b = t.own_block.get();
    if b.is_null() {
        return None;
    }
    Some(Counting {
        thread: t,
        // SAFETY: a non-null `own_block` is a static block.
        block: unsafe { &*b },
        shared: false,
    })
}

/// Where the calling thread counts, on any path. The first call on a thread
/// claims a block; until that has finished (it may allocate), the thread
/// counts in the shared counters.
// See the allocator's bookkeeping (`tagged.rs`).
#[cfg_attr(not(debug_assertions), inline)]
#[cfg_attr(debug_assertions, inline(never))]
pub(crate) fn counting(t: &ThreadState) -> Counting<'_> {
    // Every count but the fast path's (open only while no profiled call
    // runs) comes here first: calls started lazily are finished first.
    t.settle_lazy_calls_in_place();
    if ptr::eq(t.counters.get(), &UNCLAIMED) {
        first_count(t);
    }
    Counting {
        thread: t,
        // SAFETY: once set, `counters` is a static block or the thread's own
        // `fallback`, which lives as long as `t`.
        block: unsafe { &*t.counters.get() },
        shared: t.shared.get(),
    }
}

/// `counting` on a thread's first allocation, out of line so that the
/// common case saves no register: the thread claims a block.
#[cold]
#[inline(never)]
fn first_count(t: &ThreadState) {
    // Only an allocation served by an `Alloc` comes here first.
    INSTALLED.store(true, Ordering::Relaxed);
    claim(t);
}

/// Counts a free by `t` on any path, publishing the thread's net bytes if
/// they fell enough (before the block is freed: this is not the fast
/// path, which frees first).
// See the allocator's bookkeeping (`tagged.rs`).
#[cfg_attr(not(debug_assertions), inline)]
#[cfg_attr(debug_assertions, inline(never))]
pub(crate) fn count_free(t: &ThreadState, size: usize) {
    let c = counting(t);
    if c.dealloc(size) {
        c.block.publish_now(c.thread);
    }
}

/// Makes sure the calling thread counts somewhere for good (a block of its
/// own, or its fallback), so that the block a running call reads stays the
/// same until the call ends.
pub(crate) fn settle(t: &ThreadState) {
    if ptr::eq(t.counters.get(), &UNCLAIMED) {
        claim(t);
    }
}

#[cold]
#[inline(never)]
fn claim(t: &ThreadState) {
    // Until the block is ours and the release at thread exit is arranged,
    // this thread counts in the shared counters: registering a thread-local
    // destructor may allocate, and that allocation comes back here.
    t.move_to(&t.fallback, true);
    if RELEASE.try_with(|_| ()).is_err() {
        // The thread is already tearing down its thread locals.
        return;
    }
    for block in &TABLE.blocks {
        if !block.owned.load(Ordering::Relaxed)
            && block
                .owned
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            t.move_to(block, false);
            return;
        }
    }
}

/// Hands the thread's block back when its thread locals are destroyed.
struct Release;

impl Drop for Release {
    fn drop(&mut self) {
        with_thread(|t| {
            // A call still running on this thread (a profiled function called
            // from another thread local's destructor) keeps reading this
            // block: then it stays this thread's, and is not reused.
            if t.shared.get() || !t.measuring.get().is_null() {
                return;
            }
            // SAFETY: not shared and claimed, so a static block.
            let block = unsafe { &*t.counters.get() };
            t.move_to(&t.fallback, true);
            block.publish_now(t);
            block.owned.store(false, Ordering::Release);
        });
    }
}

thread_local! {
    static RELEASE: Release = const { Release };
}

/// True once an [`Alloc`](crate::Alloc) has served an allocation.
pub(crate) fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// The sum of the net bytes every thread has published.
#[inline(always)]
pub(crate) fn published_live() -> i64 {
    relaxed::load_signed(&TABLE.published_live)
}

/// The address of `published_live()`'s counter, for `relaxed_load!`.
#[inline(always)]
pub(crate) fn published_live_at() -> *const AtomicI64 {
    &TABLE.published_live
}

/// Mem usage given the calling thread's unpublished net bytes (which do not
/// change while the thread neither allocates nor frees). Signed: while
/// another thread's frees are published and its allocations not yet, the
/// sum can dip below zero for a moment; the report shows such a value as 0.
#[inline(always)]
pub(crate) fn live_with(own_unpublished: i64) -> i64 {
    published_live().wrapping_add(own_unpublished)
}

/// Exact process-wide totals: the shared counters plus every block.
pub(crate) fn totals() -> Totals {
    TABLE
        .blocks
        .iter()
        .fold(SHARED.totals(), |sum, block| sum.plus(block.totals()))
}

/// Exact live heap bytes of the whole process.
pub(crate) fn exact_live() -> u64 {
    let t = totals();
    t.allocated.saturating_sub(t.freed)
}
