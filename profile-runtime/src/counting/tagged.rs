//! Tracked blocks: a header before the bytes names the call and line that
//! hold them, and the block's address says whether it has one.
//!
//! A block is tracked when it is allocated while a profiled call runs on
//! the thread and counting is not suspended (`held.rs` keeps the figures).
//! Everything else must cost what it cost before, so a free has to tell a
//! tracked block from another almost for nothing:
//! - A tracked block aligned to 8 or less is handed out 24 bytes into an
//!   inner block of `size + 24` bytes aligned to 16: its address has bit 3
//!   set, where the system allocator's (16-aligned) never has. A free tests
//!   that bit, with no load; only a set bit reads the header.
//! - A block aligned to 16 or more cannot show it in its address: every such
//!   block, tracked or not, gets a header of `round_up(24, align)` bytes.
//!   They are few (hash tables' arrays, SIMD buffers); the header is all
//!   they cost more.
//!
//! The header's last word is the block's address xor a per-process key: a
//! block of another inner allocator that happens to have bit 3 set is never
//! taken for a tracked one. (That word is on the same 4 KiB page as the
//! block, whose address is not page aligned, so it is always readable.)
//!
//! ```text
//!   inner block:  [ record | slot | address ^ KEY ][ the block's bytes ... ]
//!                  ^base - (header size - 24)        ^ the address handed out
//! ```
//!
//! Every figure counts the sizes asked for; the headers show in none.
//! valgrind's DHAT sees each tracked block 24 bytes larger.

use std::alloc::{GlobalAlloc, Layout};
use std::ptr;

use crate::counting::held::{self, LiveRecord};
use crate::counting::thread::{this_thread, ThreadState};
use crate::counting::totals;

/// Header bytes of a tracked block aligned to 8 or less.
const HEADER: usize = 24;

/// The largest alignment whose blocks show in their address whether they
/// are tracked.
pub(crate) const TAGGED_ALIGN: usize = 8;

/// The header right before a block's bytes.
#[repr(C)]
struct Header {
    /// The record of the call holding the block; null when the system
    /// allocator refused one (the block is then in no figure of `held.rs`).
    record: *mut LiveRecord,
    /// The line of that call that made it.
    slot: u64,
    /// The block's address xor `key()`; 0 for an untracked block aligned to
    /// more than `TAGGED_ALIGN`.
    check: usize,
}

/// The per-process key: an address of this crate's, which differs from run
/// to run, mixed with a constant.
#[inline(always)]
fn key() -> usize {
    static ANCHOR: u8 = 0;
    (ptr::from_ref(&ANCHOR) as usize) ^ 0x9E37_79B9_7F4A_7C15
}

/// Header bytes before a block aligned to `align`.
#[inline(always)]
fn header_size(align: usize) -> usize {
    if align <= TAGGED_ALIGN {
        HEADER
    } else {
        // `HEADER` rounded up to `align`, a power of two (no division).
        (HEADER + align - 1) & !(align - 1)
    }
}

/// The inner block's layout for a block of `layout` with a header; `None`
/// when it would not fit in the address space.
#[inline(always)]
fn inner_layout(layout: Layout) -> Option<Layout> {
    let size = layout.size().checked_add(header_size(layout.align()))?;
    Layout::from_size_align(size, layout.align().max(16)).ok()
}

/// `inner_layout` of a block that was allocated with a header, so it fits.
///
/// # Safety
/// A block of `layout` was allocated with a header (`inner_layout` was
/// `Some` for it).
#[inline(always)]
unsafe fn made_inner_layout(layout: Layout) -> Layout {
    let size = layout.size() + header_size(layout.align());
    // Not `max(16)`: a call in an unoptimised build, on every tracked free.
    let align = if layout.align() > 16 {
        layout.align()
    } else {
        16
    };
    // SAFETY: the caller's promise: this layout was valid when the block
    // was allocated.
    unsafe { Layout::from_size_align_unchecked(size, align) }
}

/// Whether the block at `ptr` of alignment `align` may have a header: the
/// test a free makes before anything else.
#[inline(always)]
pub(crate) fn may_have_header(ptr: *mut u8, align: usize) -> bool {
    align > TAGGED_ALIGN || (ptr as usize) & TAGGED_ALIGN != 0
}

/// The header of the block at `ptr`, if it is a tracked block (or any block
/// aligned to more than `TAGGED_ALIGN`).
///
/// # Safety
/// `ptr` was handed out by `Alloc` for a block aligned to `align`.
#[inline(always)]
unsafe fn header_of(ptr: *mut u8, align: usize) -> Option<*mut Header> {
    if align <= TAGGED_ALIGN {
        if (ptr as usize) & TAGGED_ALIGN == 0 {
            return None;
        }
        // SAFETY: `ptr` is not 16-aligned, so not page aligned: the word
        // before it is on its page, readable whoever allocated it.
        let check = unsafe { ptr.sub(8).cast::<usize>().read() };
        if check != (ptr as usize) ^ key() {
            return None;
        }
    }
    // SAFETY: a tracked block, or a block aligned to more than
    // `TAGGED_ALIGN`, all of which have a header (`allocate`).
    Some(unsafe { ptr.sub(HEADER).cast::<Header>() })
}

/// Where a tracked allocation is held: the running call's record and line.
#[derive(Clone, Copy)]
struct Holder {
    record: *mut LiveRecord,
    slot: u32,
}

/// The holder of what `t` allocates now, if it allocates tracked blocks:
/// a profiled call runs on it and counting is not suspended.
#[inline(always)]
fn holder(t: &ThreadState) -> Option<Holder> {
    // The record is made from the running call's measurement, whole.
    t.settle_lazy_calls();
    let m = t.measuring.get();
    if m.is_null() || t.suspended.get() != 0 {
        return None;
    }
    // SAFETY: the innermost running call's measurement, alive while it is
    // on the chain; only this thread reaches it.
    let m = unsafe { &mut *m };
    Some(Holder {
        record: held::record_of(t, m),
        slot: m.slot,
    })
}

/// Whether `t` may allocate tracked blocks now: a profiled call runs on
/// it. One load, the allocator's only test for it; `allocate` and
/// `reallocate` then look at whether counting is suspended.
#[inline(always)]
pub(crate) fn tracking(t: &ThreadState) -> bool {
    !t.measuring.get().is_null()
}

/// Writes the header of the block at `ptr`.
///
/// # Safety
/// `ptr` is `header_size` bytes into an inner block made by `allocate`.
#[inline(always)]
unsafe fn write_header(ptr: *mut u8, holder: Option<Holder>) {
    let header = match holder {
        Some(h) => Header {
            record: h.record,
            slot: u64::from(h.slot),
            check: (ptr as usize) ^ key(),
        },
        None => Header {
            record: ptr::null_mut(),
            slot: 0,
            check: 0,
        },
    };
    // SAFETY: the caller's promise: the header's 24 bytes are the inner
    // block's, right before `ptr` (8-aligned).
    unsafe { ptr.sub(HEADER).cast::<Header>().write(header) }
}

// The functions generic over the inner allocator (`allocate`,
// `allocate_tracked`, `deallocate`) do little but call it: generic code is
// compiled in the crate that installs the allocator, at its optimisation
// level, and so is every `#[inline]` function it calls. The bookkeeping
// around each call is therefore in functions that are `#[inline]` in
// release, where LLVM inlines them, and out of line with debug assertions,
// where the installing crate is most likely unoptimised: they are then
// compiled once, in this crate's build, which README's setting optimises
// (unoptimised copies in the user's crate were 660 instructions an
// allocation and free there). Each says "See the allocator's bookkeeping"
// above its two attributes.

/// How `allocate` makes a block: the inner block's layout and where the
/// block starts in it (0: no header).
struct Plan<'a> {
    t: Option<&'a ThreadState>,
    holder: Option<Holder>,
    inner_layout: Layout,
    offset: usize,
}

/// Plans an allocation of `layout` on the calling thread; `None` when the
/// block with its header would not fit in the address space.
// See the allocator's bookkeeping (above `Plan`).
#[cfg_attr(not(debug_assertions), inline)]
#[cfg_attr(debug_assertions, inline(never))]
fn plan(layout: Layout) -> Option<Plan<'static>> {
    let t = this_thread();
    let holder = t.and_then(holder);
    if holder.is_none() && layout.align() <= TAGGED_ALIGN {
        // Counting is suspended (the profiler's own allocation): a plain
        // block, as outside any profiled call.
        return Some(Plan {
            t,
            holder,
            inner_layout: layout,
            offset: 0,
        });
    }
    Some(Plan {
        t,
        holder,
        inner_layout: inner_layout(layout)?,
        offset: header_size(layout.align()),
    })
}

/// Counts a block of `size` bytes made by `plan` at `base`, and writes its
/// header: the address to hand out.
///
/// # Safety
/// `base` is a live inner block of `plan.inner_layout`.
// See the allocator's bookkeeping (above `Plan`).
#[cfg_attr(not(debug_assertions), inline)]
#[cfg_attr(debug_assertions, inline(never))]
unsafe fn made(plan: &Plan<'_>, base: *mut u8, size: usize) -> *mut u8 {
    if let Some(t) = plan.t {
        totals::counting(t).alloc(size);
    }
    if plan.offset == 0 {
        return base;
    }
    // SAFETY: within the inner block.
    let ptr = unsafe { base.add(plan.offset) };
    // SAFETY: `ptr` is `header_size` bytes into the inner block.
    unsafe { write_header(ptr, plan.holder) };
    hold(plan.holder, size);
    ptr
}

/// An allocation with a header: a tracked block, or any block aligned to
/// more than `TAGGED_ALIGN`. Counts it.
///
/// # Safety
/// `GlobalAlloc::alloc`'s contract.
#[inline(never)]
pub(crate) unsafe fn allocate<A: GlobalAlloc>(inner: &A, layout: Layout, zeroed: bool) -> *mut u8 {
    let Some(plan) = plan(layout) else {
        return ptr::null_mut();
    };
    // SAFETY: a non-zero size; the caller's contract.
    let base = unsafe { inner_alloc(inner, plan.inner_layout, zeroed) };
    if base.is_null() {
        return base;
    }
    // SAFETY: the inner block just made by the plan.
    unsafe { made(&plan, base, layout.size()) }
}

/// An allocation by `t`, on which a profiled call runs (`tracking`): a
/// tracked block. The common case, a block aligned to 8 or less while
/// counting is not suspended, is made without `allocate`'s general tests.
///
/// # Safety
/// `GlobalAlloc::alloc`'s contract.
#[inline(never)]
pub(crate) unsafe fn allocate_tracked<A: GlobalAlloc>(
    t: &ThreadState,
    inner: &A,
    layout: Layout,
    zeroed: bool,
) -> *mut u8 {
    let Some(inner_layout) = tracked_inner_layout(t, layout) else {
        // SAFETY: the caller's contract.
        return unsafe { allocate(inner, layout, zeroed) };
    };
    // SAFETY: a non-zero size; the caller's contract.
    let base = unsafe { inner_alloc(inner, inner_layout, zeroed) };
    if base.is_null() {
        return base;
    }
    // SAFETY: an inner block of `tracked_inner_layout`, on `t`.
    unsafe { tracked_made(t, base, layout.size()) }
}

/// The inner block of a common tracked block of `layout` by `t` (aligned to
/// 8 or less, counting not suspended), or `None` for `allocate` to plan.
// See the allocator's bookkeeping (above `Plan`).
#[cfg_attr(not(debug_assertions), inline)]
#[cfg_attr(debug_assertions, inline(never))]
fn tracked_inner_layout(t: &ThreadState, layout: Layout) -> Option<Layout> {
    let size = layout.size();
    if t.suspended.get() != 0 || layout.align() > TAGGED_ALIGN || size > MAX_TRACKED {
        return None;
    }
    // SAFETY: 16 is a power of two, and `size + HEADER` rounded up to it
    // does not overflow `isize` (`MAX_TRACKED`).
    Some(unsafe { Layout::from_size_align_unchecked(size + HEADER, 16) })
}

/// Counts a tracked block of `size` bytes made at `base` by `t`, holds it
/// on the running line, and writes its header: the address to hand out.
///
/// # Safety
/// `base` is a live inner block of `tracked_inner_layout`, made on `t`
/// while a profiled call runs on it.
// See the allocator's bookkeeping (above `Plan`).
#[cfg_attr(not(debug_assertions), inline)]
#[cfg_attr(debug_assertions, inline(never))]
unsafe fn tracked_made(t: &ThreadState, base: *mut u8, size: usize) -> *mut u8 {
    // Settles the calls started lazily, before the measurement is read.
    totals::counting(t).alloc(size);
    // SAFETY: `tracking(t)`: the innermost running call's measurement,
    // alive while it is on the chain; only this thread reaches it.
    let m = unsafe { &mut *t.measuring.get() };
    let holder = Holder {
        record: held::record_of(t, m),
        slot: m.slot,
    };
    // SAFETY: within the inner block, `HEADER` bytes in.
    let ptr = unsafe { base.add(HEADER) };
    // SAFETY: as above.
    unsafe { write_header(ptr, Some(holder)) };
    hold(Some(holder), size);
    ptr
}

/// The largest block `allocate_tracked` makes without `allocate`'s checks.
const MAX_TRACKED: usize = isize::MAX as usize - 64;

/// The inner allocator's block, zeroed or not.
///
/// # Safety
/// `GlobalAlloc::alloc`'s contract.
#[inline(always)]
pub(crate) unsafe fn inner_alloc<A: GlobalAlloc>(
    inner: &A,
    layout: Layout,
    zeroed: bool,
) -> *mut u8 {
    // SAFETY: the caller's contract.
    unsafe {
        if zeroed {
            inner.alloc_zeroed(layout)
        } else {
            inner.alloc(layout)
        }
    }
}

/// Adds a tracked block's bytes to its holder.
#[inline(always)]
fn hold(holder: Option<Holder>, size: usize) {
    if let Some(h) = holder {
        if !h.record.is_null() {
            // SAFETY: the running call's record.
            held::hold(unsafe { &*h.record }, h.slot, size);
        }
    }
}

/// Takes a freed tracked block's bytes off its holder (`header`, the
/// block's header as it was).
#[inline(always)]
fn let_go(t: Option<&ThreadState>, header: &Header, size: usize) {
    // An untracked block's header (aligned to more than 8) names none.
    if !header.record.is_null() {
        held::let_go(t, header.record, header.slot as u32, size);
    }
}

/// A free of a block that may have a header (`may_have_header`): counted,
/// and let go by its holder if it has one.
///
/// # Safety
/// `GlobalAlloc::dealloc`'s contract.
#[inline(never)]
pub(crate) unsafe fn deallocate<A: GlobalAlloc>(inner: &A, ptr: *mut u8, layout: Layout) {
    // SAFETY: the caller's contract.
    let (block, block_layout) = unsafe { let_go_block(ptr, layout) };
    // SAFETY: the inner block `ptr` is in, as it was made.
    unsafe { inner.dealloc(block, block_layout) }
}

/// Counts the free of the block at `ptr` and lets its holder go: the inner
/// block to free, and its layout.
///
/// # Safety
/// `GlobalAlloc::dealloc`'s contract, for a block that may have a header.
// See the allocator's bookkeeping (above `Plan`).
#[cfg_attr(not(debug_assertions), inline)]
#[cfg_attr(debug_assertions, inline(never))]
unsafe fn let_go_block(ptr: *mut u8, layout: Layout) -> (*mut u8, Layout) {
    let t = this_thread();
    if let Some(t) = t {
        totals::count_free(t, layout.size());
    }
    // SAFETY: the caller's contract: `Alloc` handed `ptr` out for `layout`.
    let Some(header) = (unsafe { header_of(ptr, layout.align()) }) else {
        // An 8-aligned block of another inner allocator.
        return (ptr, layout);
    };
    // SAFETY: the block is live until the caller frees it.
    let_go(t, unsafe { &*header }, layout.size());
    // SAFETY: the inner block made by `allocate` with this layout.
    unsafe {
        (
            ptr.sub(header_size(layout.align())),
            made_inner_layout(layout),
        )
    }
}

/// A realloc of a block that may have a header, or by a thread that tracks
/// what it allocates. A tracked block grown outside any profiled call
/// becomes an untracked one (and the other way round): a free of the old
/// block and an allocation of the new, as the figures count every realloc.
///
/// # Safety
/// `GlobalAlloc::realloc`'s contract.
#[inline(never)]
pub(crate) unsafe fn reallocate<A: GlobalAlloc>(
    inner: &A,
    ptr: *mut u8,
    layout: Layout,
    new_size: usize,
) -> *mut u8 {
    let align = layout.align();
    // SAFETY: the caller's contract.
    let old_header = unsafe { header_of(ptr, align) };
    // Read now: the inner realloc may free the old header.
    // SAFETY: a live block's header.
    let old_holder = old_header.map(|header| unsafe { header.read() });
    let t = this_thread();
    let holder = t.and_then(holder);
    // SAFETY: the caller's contract: `new_size` with `align` is a valid
    // layout.
    let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, align) };
    let old_has_header = old_header.is_some();
    let new_has_header = holder.is_some() || align > TAGGED_ALIGN;
    let new_ptr = if old_has_header == new_has_header {
        if old_has_header {
            let Some(new_inner) = inner_layout(new_layout) else {
                return ptr::null_mut();
            };
            // SAFETY: the block has a header.
            let old_inner = unsafe { made_inner_layout(layout) };
            let offset = header_size(align);
            // SAFETY: the inner block made for `layout`, resized with its
            // header, which moves with the bytes.
            let base = unsafe { inner.realloc(ptr.sub(offset), old_inner, new_inner.size()) };
            if base.is_null() {
                return base;
            }
            // SAFETY: within the new inner block.
            unsafe { base.add(offset) }
        } else {
            // SAFETY: the caller's contract.
            let p = unsafe { inner.realloc(ptr, layout, new_size) };
            if p.is_null() {
                return p;
            }
            p
        }
    } else {
        // SAFETY: a valid layout (the caller's contract).
        let p = unsafe {
            if new_has_header {
                allocate_uncounted(inner, new_layout)
            } else {
                inner.alloc(new_layout)
            }
        };
        if p.is_null() {
            return p;
        }
        // SAFETY: both blocks are live and distinct; the smaller size fits
        // both.
        unsafe { ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size)) };
        // SAFETY: the old block, freed once, as it was made.
        unsafe {
            match old_header {
                Some(_) => inner.dealloc(ptr.sub(header_size(align)), made_inner_layout(layout)),
                None => inner.dealloc(ptr, layout),
            }
        }
        p
    };
    if new_has_header {
        // SAFETY: `new_ptr` is `header_size` into an inner block.
        unsafe { write_header(new_ptr, holder) };
    }
    // The new block is held before the realloc is counted, and the old one
    // let go after: the moment both exist is where a peak can be.
    hold(holder, new_size);
    if let Some(t) = t {
        totals::counting(t).realloc(layout.size(), new_size);
    }
    if let Some(old) = old_holder {
        let_go(t, &old, layout.size());
    }
    new_ptr
}

/// `allocate` without counting: the block of a realloc, counted as one.
///
/// # Safety
/// `GlobalAlloc::alloc`'s contract.
unsafe fn allocate_uncounted<A: GlobalAlloc>(inner: &A, layout: Layout) -> *mut u8 {
    let Some(inner_layout) = inner_layout(layout) else {
        return ptr::null_mut();
    };
    // SAFETY: a non-zero size; the caller's contract.
    let base = unsafe { inner.alloc(inner_layout) };
    if base.is_null() {
        return base;
    }
    // SAFETY: within the inner block.
    unsafe { base.add(header_size(layout.align())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_keep_the_block_aligned() {
        assert_eq!(header_size(1), 24);
        assert_eq!(header_size(8), 24);
        assert_eq!(header_size(16), 32);
        assert_eq!(header_size(32), 32);
        assert_eq!(header_size(64), 64);
        assert_eq!(header_size(4096), 4096);
        let layout = Layout::from_size_align(100, 16).unwrap();
        assert_eq!(inner_layout(layout), Layout::from_size_align(132, 16).ok());
        let layout = Layout::from_size_align(100, 2).unwrap();
        assert_eq!(inner_layout(layout), Layout::from_size_align(124, 16).ok());
        assert_eq!(
            inner_layout(Layout::from_size_align(usize::MAX / 2, 1).unwrap()),
            None
        );
    }

    #[test]
    fn only_bit_3_or_a_large_alignment_can_mean_a_header() {
        let at = |address: usize| address as *mut u8;
        assert!(!may_have_header(at(0x1000), 8));
        assert!(!may_have_header(at(0x1010), 1));
        assert!(may_have_header(at(0x1018), 8));
        assert!(may_have_header(at(0x1000), 16));
    }
}
