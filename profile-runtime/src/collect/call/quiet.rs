//! The quiet paths of a call as assembly, for a runtime compiled without
//! optimisation on x86-64 Linux (`cfg(memprof_asm)`): a probe, a call's
//! start, its closing line and its end, each the same arithmetic as the
//! Rust when the thread made no allocator call since the line (or the call)
//! started, which is what every statement and most calls of a profiled
//! function run.
//!
//! There these are naked functions: a statement's probe is a call straight
//! into about twenty instructions, a call's start about ninety and its end
//! about forty, where the same Rust, every value through a stack slot and
//! every helper a call of its own, is over a hundred, seven hundred and
//! three hundred. Anything else goes to the Rust with the arguments as they
//! came, having written nothing: a line during which the thread allocated
//! or freed (`switch_busy`), a call whose function has no table on the
//! thread yet, a budget, a timeline's count, a call that holds blocks or
//! reached a new largest rise (`CallCore::start`, `leave`). Optimised, or
//! on another target, or under Miri, these are the Rust alone, which is
//! shorter there.
//!
//! The statics they read (`TABLE`'s published live bytes, `TRACK_ACTIVE`)
//! are named through the global offset table, which works in an executable
//! and in a shared library alike.

use std::mem::{offset_of, size_of};

use crate::collect::call::{count, CallCore};
use crate::collect::probe::Probe;
use crate::collect::record::{self, LineFigures, Table};
use crate::collect::site::{self, Site};
use crate::counting::thread::{self, ThreadState};
use crate::counting::totals;

/// `switch_quietly!(count)`: the body of a probe whose occurrences count
/// `count` (a `count::` constant), with the probe's handle in `rdi` and the
/// slot of its line in `esi` (the System V arguments of `(Probe, u32)`).
///
/// The quiet path of `CallCore::switch`, field by field: the call's own
/// fields (only this thread touches them), a relaxed load of its block's
/// `calls` and of the published live bytes (aligned 64-bit `mov`s are
/// single-copy atomic), and the single-writer relaxed load and store of
/// its table's Mem usage and occurrences (within `len`, checked first).
/// Clobbers only `rax`, `rcx`, `rdx` and `r8` (caller-saved), and the
/// flags; a line during which the thread allocated or freed goes to
/// `switch_busy` with `edx` = `count`, `rdi` and `esi` untouched.
macro_rules! switch_quietly {
    ($count:expr) => {
        std::arch::naked_asm!(
            "mov edx, {count}",
            // An unprofiled call's probe, another statement of the running
            // line, or a slot past the table: nothing to do.
            "test rdi, rdi",
            "jz 3f",
            "mov eax, dword ptr [rdi + {len}]",
            "cmp esi, eax",
            "jae 3f",
            "mov ecx, dword ptr [rdi + {cur_slot}]",
            "cmp esi, ecx",
            "jne 2f",
            "cmp edx, {always}",
            "jne 3f",
            // Quiet: the thread's allocator calls are as the line found them.
            "2:",
            "mov rax, qword ptr [rdi + {block}]",
            "mov rax, qword ptr [rax + {block_calls}]",
            "cmp rax, qword ptr [rdi + {line_calls}]",
            "jne 4f",
            // The running line's Mem usage, raised to the live bytes
            // (signed).
            "mov rax, qword ptr [rip + {totals}@GOTPCREL]",
            "mov rax, qword ptr [rax + {published_live}]",
            "add rax, qword ptr [rdi + {start_unpublished}]",
            "mov r8, qword ptr [rdi + {lines}]",
            "imul rcx, rcx, {figures_size}",
            "cmp rax, qword ptr [r8 + rcx + {mem_usage}]",
            "jle 5f",
            "mov qword ptr [r8 + rcx + {mem_usage}], rax",
            // One more occurrence of the new line, unless counted elsewhere.
            "5:",
            "cmp edx, {never}",
            "je 6f",
            "mov eax, esi",
            "imul rax, rax, {figures_size}",
            "inc qword ptr [r8 + rax + {occurrences}]",
            "6:",
            "mov dword ptr [rdi + {cur_slot}], esi",
            "3:",
            "ret",
            "4:",
            "jmp {busy}",
            count = const $count,
            len = const offset_of!(CallCore, m.len),
            cur_slot = const offset_of!(CallCore, m.slot),
            line_calls = const offset_of!(CallCore, m.line.calls),
            block = const offset_of!(CallCore, block),
            totals = sym totals::TABLE,
            published_live = const totals::at::PUBLISHED_LIVE,
            start_unpublished = const offset_of!(CallCore, start_unpublished),
            lines = const offset_of!(CallCore, lines),
            block_calls = const totals::at::CALLS,
            figures_size = const size_of::<LineFigures>(),
            mem_usage = const offset_of!(LineFigures, mem_usage),
            occurrences = const offset_of!(LineFigures, occurrences),
            always = const count::ALWAYS,
            never = const count::NEVER,
            busy = sym switch_busy,
        )
    };
}

/// Probe before a statement: its line starts running.
#[doc(hidden)]
// SAFETY: the body follows the System V ABI of the signature: it returns,
// or jumps to `switch_busy`, whose arguments extend these, with the stack
// as it came; it clobbers only caller-saved registers, and what it reads
// and writes is what `switch_quietly!` says.
#[unsafe(naked)]
pub extern "sysv64" fn line(probe: Probe, slot: u32) {
    switch_quietly!(count::IF_CHANGED)
}

/// Probe at a loop header: one more evaluation of the header.
#[doc(hidden)]
// SAFETY: the body follows the System V ABI of the signature: it returns,
// or jumps to `switch_busy`, whose arguments extend these, with the stack
// as it came; it clobbers only caller-saved registers, and what it reads
// and writes is what `switch_quietly!` says.
#[unsafe(naked)]
pub extern "sysv64" fn iteration(probe: Probe, slot: u32) {
    switch_quietly!(count::ALWAYS)
}

/// Probe before a `for` statement: its line runs, its iterator counts it.
#[doc(hidden)]
// SAFETY: the body follows the System V ABI of the signature: it returns,
// or jumps to `switch_busy`, whose arguments extend these, with the stack
// as it came; it clobbers only caller-saved registers, and what it reads
// and writes is what `switch_quietly!` says.
#[unsafe(naked)]
pub extern "sysv64" fn enter_line(probe: Probe, slot: u32) {
    switch_quietly!(count::NEVER)
}

/// A probe whose line the thread allocated or freed during: the Rust of
/// `switch`, which closes it.
extern "sysv64" fn switch_busy(probe: Probe, slot: u32, count: u32) {
    probe.switch(slot, count as u8);
}

/// The closing-brace line (the last) of the innermost call running on `t`
/// starts running, if that is a call of `site`: `Probe::current(site)` and
/// `Probe::close`, ending in `line`.
// SAFETY: the body follows the System V ABI of the signature: it returns,
// or jumps to `line`, whose arguments (the call and the slot) it puts in
// `rdi` and `esi`, with the stack as it came; it clobbers only
// caller-saved registers and the flags. `t` is the calling thread's state;
// its innermost measurement, when not null, is the first field of a
// running call, whose table is valid.
#[cfg(debug_assertions)]
#[unsafe(naked)]
pub(crate) extern "sysv64" fn close(t: &ThreadState, site: &'static Site) {
    std::arch::naked_asm!(
        "mov rax, qword ptr [rdi + {t_measuring}]",
        "test rax, rax",
        "jz 2f",
        "mov rcx, qword ptr [rax + {table}]",
        "cmp qword ptr [rcx + {table_site}], rsi",
        "jne 2f",
        "mov rdi, rax",
        "mov esi, dword ptr [rax + {len}]",
        "dec esi",
        "jmp {line}",
        "2:",
        "ret",
        t_measuring = const thread::at::MEASURING,
        table = const offset_of!(CallCore, table),
        table_site = const offset_of!(Table, site),
        len = const offset_of!(CallCore, m.len),
        line = sym line,
    )
}

/// Starts a call of `site` on `t` in `core`, as `CallCore::start` does when
/// the thread has the function's table and the call counts in no timeline
/// and no budget: returns `core`. Otherwise returns null having written
/// nothing, for the Rust to start it.
///
/// Field by field, `CallCore::start` and `SliceStart::link`: the call's
/// state from the thread's block counters (only this thread writes them)
/// and fields, the call linked as the thread's innermost and its table's
/// running one, the thread's mark started afresh and its peak watch
/// lowered, the signature line counted with its Mem usage raised, and the
/// first statement's line started. `excluded` stays uninitialised, as in
/// the Rust.
// SAFETY: the body follows the System V ABI of the signature, clobbering
// only caller-saved registers and the flags. `core` is valid for writes
// and outlives the call; `site` and `t` are valid (the thread's own state,
// which only this thread writes); the record, its index and the table are
// the thread's, each tested for null and the slot against the index's
// capacity before it is read; the lines' slots are 0 and `first` below
// `len`; the statics are read with single-copy atomic 64-bit `mov`s.
#[unsafe(naked)]
pub(super) extern "sysv64" fn start(
    core: *mut CallCore,
    site: &'static Site,
    t: &ThreadState,
    first: u32,
) -> *mut CallCore {
    std::arch::naked_asm!(
        // The function's table in the thread's record (r8), or the Rust.
        "mov rax, qword ptr [rdx + {t_collector}]",
        "test rax, rax",
        "jz 9f",
        "mov rax, qword ptr [rax + {record_index}]",
        "test rax, rax",
        "jz 9f",
        "mov r8, qword ptr [rsi + {site_id}]",
        "cmp r8, qword ptr [rax + {index_capacity}]",
        "jae 9f",
        "mov r8, qword ptr [rax + r8 * 8 + {index_tables}]",
        "test r8, r8",
        "jz 9f",
        // A timeline's count or a budget: the Rust.
        "mov rax, qword ptr [rip + {track_active}@GOTPCREL]",
        "cmp qword ptr [rax], 0",
        "jne 9f",
        "cmp qword ptr [rsi + {site_budget}], 0",
        "jne 9f",
        // The running line and the slice start at the block's counters
        // now; r10 = their net bytes.
        "mov r9, qword ptr [rdx + {t_counters}]",
        "mov rax, qword ptr [r9 + {b_allocated}]",
        "mov qword ptr [rdi + {line_allocated}], rax",
        "mov qword ptr [rdi + {slice_allocated}], rax",
        "mov r10, rax",
        "mov rax, qword ptr [r9 + {b_freed}]",
        "mov qword ptr [rdi + {line_freed}], rax",
        "mov qword ptr [rdi + {slice_freed}], rax",
        "sub r10, rax",
        "mov rax, qword ptr [r9 + {b_allocs}]",
        "mov qword ptr [rdi + {line_allocs}], rax",
        "mov qword ptr [rdi + {slice_allocs}], rax",
        "mov rax, qword ptr [r9 + {b_calls}]",
        "mov qword ptr [rdi + {line_calls}], rax",
        "mov qword ptr [rdi + {slice_calls}], rax",
        "mov qword ptr [rdi + {block}], r9",
        "mov rax, r10",
        "sub rax, qword ptr [r9 + {b_published}]",
        "mov qword ptr [rdi + {start_unpublished}], rax",
        // The caller's mark (the larger of the thread's high and the net
        // bytes), to put back at the end.
        "mov rax, qword ptr [rdx + {t_high}]",
        "cmp rax, r10",
        "jg 2f",
        "mov rax, r10",
        "2:",
        "mov qword ptr [rdi + {entry_high}], rax",
        "mov qword ptr [rdi + {max_high}], r10",
        "mov qword ptr [rdi + {rise_base}], r10",
        "mov rax, qword ptr [rdx + {t_measuring}]",
        "mov qword ptr [rdi + {outer}], rax",
        "mov dword ptr [rdi + {cur_slot}], 0",
        "mov eax, dword ptr [rsi + {site_len}]",
        "mov dword ptr [rdi + {len}], eax",
        "mov qword ptr [rdi + {site}], rsi",
        "mov qword ptr [rdi + {held}], 0",
        "mov r11, qword ptr [r8 + {table_call_peak}]",
        "mov qword ptr [rdi + {best_rise}], r11",
        "mov rax, qword ptr [rdx + {t_peak_watch}]",
        "mov qword ptr [rdi + {outer_watch}], rax",
        "mov dword ptr [rdi + {flags}], 0",
        "lea r9, [r8 + {table_lines}]",
        "mov qword ptr [rdi + {lines}], r9",
        "mov qword ptr [rdi + {carry}], 0",
        "mov qword ptr [rdi + {thread}], rdx",
        "mov qword ptr [rdi + {table}], r8",
        "mov rax, qword ptr [r8 + {table_running}]",
        "mov qword ptr [rdi + {outer_same}], rax",
        "mov qword ptr [rdi + {call_net}], 0",
        "mov qword ptr [rdi + {call_peak}], 0",
        "mov qword ptr [rdi + {call_lines}], 0",
        // Linked: the table's running call, the thread's innermost (its
        // measurement is the call's first field), which closes the
        // allocator's fast path; the mark starts afresh.
        "mov qword ptr [r8 + {table_running}], rdi",
        "mov qword ptr [rdx + {t_measuring}], rdi",
        "mov qword ptr [rdx + {t_own_block}], 0",
        "mov qword ptr [rdx + {t_high}], r10",
        // The watch goes down to where this call would pass its largest
        // rise (`peak_at`: net bytes plus `best_rise`, saturating).
        "mov rax, r10",
        "add rax, r11",
        "jno 3f",
        "mov rax, r11",
        "sar rax, 63",
        "mov r8, {i64_max}",
        "xor rax, r8",
        "3:",
        "cmp rax, qword ptr [rdi + {outer_watch}]",
        "jge 4f",
        "mov qword ptr [rdx + {t_peak_watch}], rax",
        "4:",
        // The signature line: one more occurrence, its Mem usage raised.
        "inc qword ptr [r9 + {occurrences}]",
        "mov rax, qword ptr [rip + {totals}@GOTPCREL]",
        "mov rax, qword ptr [rax + {published_live}]",
        "add rax, qword ptr [rdi + {start_unpublished}]",
        "cmp rax, qword ptr [r9 + {mem_usage}]",
        "jle 5f",
        "mov qword ptr [r9 + {mem_usage}], rax",
        "5:",
        // The first statement's line starts running, if the function has
        // one.
        "test ecx, ecx",
        "jz 6f",
        "cmp ecx, dword ptr [rdi + {len}]",
        "jae 6f",
        "mov eax, ecx",
        "imul rax, rax, {figures_size}",
        "inc qword ptr [r9 + rax + {occurrences}]",
        "mov dword ptr [rdi + {cur_slot}], ecx",
        "6:",
        "mov rax, rdi",
        "ret",
        "9:",
        "xor eax, eax",
        "ret",
        t_collector = const thread::at::COLLECTOR,
        t_counters = const thread::at::COUNTERS,
        t_high = const thread::at::HIGH_AT_FREE,
        t_measuring = const thread::at::MEASURING,
        t_peak_watch = const thread::at::PEAK_WATCH,
        t_own_block = const thread::at::OWN_BLOCK,
        record_index = const record::at::RECORD_INDEX,
        index_capacity = const record::at::INDEX_CAPACITY,
        index_tables = const record::at::INDEX_TABLES,
        table_lines = const record::at::TABLE_LINES,
        table_running = const offset_of!(Table, running),
        table_call_peak = const offset_of!(Table, call_peak),
        site_id = const Site::ID_OFFSET,
        site_len = const offset_of!(Site, len),
        site_budget = const offset_of!(Site, budget),
        track_active = sym site::TRACK_ACTIVE,
        totals = sym totals::TABLE,
        published_live = const totals::at::PUBLISHED_LIVE,
        b_allocated = const totals::at::ALLOCATED,
        b_freed = const totals::at::FREED,
        b_allocs = const totals::at::ALLOCS,
        b_calls = const totals::at::CALLS,
        b_published = const totals::at::PUBLISHED,
        line_allocated = const offset_of!(CallCore, m.line.allocated),
        line_freed = const offset_of!(CallCore, m.line.freed),
        line_allocs = const offset_of!(CallCore, m.line.allocs),
        line_calls = const offset_of!(CallCore, m.line.calls),
        slice_allocated = const offset_of!(CallCore, m.slice.allocated),
        slice_freed = const offset_of!(CallCore, m.slice.freed),
        slice_allocs = const offset_of!(CallCore, m.slice.allocs),
        slice_calls = const offset_of!(CallCore, m.slice.calls),
        entry_high = const offset_of!(CallCore, m.entry_high),
        max_high = const offset_of!(CallCore, m.max_high),
        outer = const offset_of!(CallCore, m.outer),
        cur_slot = const offset_of!(CallCore, m.slot),
        len = const offset_of!(CallCore, m.len),
        site = const offset_of!(CallCore, m.site),
        held = const offset_of!(CallCore, m.held),
        rise_base = const offset_of!(CallCore, m.rise_base),
        best_rise = const offset_of!(CallCore, m.best_rise),
        outer_watch = const offset_of!(CallCore, m.outer_watch),
        flags = const offset_of!(CallCore, flags),
        lines = const offset_of!(CallCore, lines),
        block = const offset_of!(CallCore, block),
        start_unpublished = const offset_of!(CallCore, start_unpublished),
        carry = const offset_of!(CallCore, carry),
        thread = const offset_of!(CallCore, thread),
        table = const offset_of!(CallCore, table),
        outer_same = const offset_of!(CallCore, outer_same),
        call_net = const offset_of!(CallCore, call_net),
        call_peak = const offset_of!(CallCore, call_peak),
        call_lines = const offset_of!(CallCore, call_lines),
        figures_size = const size_of::<LineFigures>(),
        mem_usage = const offset_of!(LineFigures, mem_usage),
        occurrences = const offset_of!(LineFigures, occurrences),
        i64_max = const i64::MAX,
    )
}

/// Ends the synchronous call at `core` (not null) on the thread that ran
/// it, as `leave` does when the thread made no allocator call during it,
/// no flag is set, and the call holds no record of blocks, passed no
/// largest rise, and counts in no timeline and no budget: the running
/// line's Mem usage raised, the caller's mark and peak watch put back, the
/// call unlinked. Anything else goes to `leave` with `core` as it came,
/// which may unwind (an exceeded budget panics).
// SAFETY: the body follows the System V ABI of the signature: it returns,
// or jumps to `leave_busy`, whose argument is this one, with the stack as
// it came; it clobbers only caller-saved registers and the flags. `core`
// is a running call on this thread (its guard's), whose `thread`, `table`,
// `lines` and `block` are valid, and whose slot is below `len`; the statics
// are read with single-copy atomic 64-bit `mov`s.
#[unsafe(naked)]
pub(super) extern "sysv64-unwind" fn leave(core: *mut CallCore) {
    std::arch::naked_asm!(
        // Quiet: the thread's allocator calls are as the call found them.
        "mov rax, qword ptr [rdi + {block}]",
        "mov rax, qword ptr [rax + {b_calls}]",
        "cmp rax, qword ptr [rdi + {slice_calls}]",
        "jne 9f",
        "cmp dword ptr [rdi + {flags}], 0",
        "jne 9f",
        // Nothing for the Rust to do: no record of held blocks, no new
        // largest rise, no timeline's count, no budget.
        "cmp qword ptr [rdi + {held}], 0",
        "jne 9f",
        "mov rax, qword ptr [rdi + {call_net}]",
        "cmp rax, qword ptr [rdi + {best_rise}]",
        "jg 9f",
        "mov rcx, qword ptr [rip + {track_active}@GOTPCREL]",
        "cmp qword ptr [rcx], 0",
        "jne 9f",
        "mov rcx, qword ptr [rdi + {table}]",
        "mov rcx, qword ptr [rcx + {table_site}]",
        "cmp qword ptr [rcx + {site_budget}], 0",
        "jne 9f",
        // The call's peak is at least its net bytes.
        "cmp rax, qword ptr [rdi + {call_peak}]",
        "jle 2f",
        "mov qword ptr [rdi + {call_peak}], rax",
        "2:",
        // The running line's Mem usage, raised to the live bytes.
        "mov r8, qword ptr [rdi + {lines}]",
        "mov ecx, dword ptr [rdi + {cur_slot}]",
        "imul rcx, rcx, {figures_size}",
        "mov rax, qword ptr [rip + {totals}@GOTPCREL]",
        "mov rax, qword ptr [rax + {published_live}]",
        "add rax, qword ptr [rdi + {start_unpublished}]",
        "cmp rax, qword ptr [r8 + rcx + {mem_usage}]",
        "jle 3f",
        "mov qword ptr [r8 + rcx + {mem_usage}], rax",
        "3:",
        // The caller's mark and watch back; the caller is the innermost
        // running call again (none: the allocator's fast path opens to a
        // block of the thread's own), and the table's running one.
        "mov rdx, qword ptr [rdi + {thread}]",
        "mov rax, qword ptr [rdi + {entry_high}]",
        "mov qword ptr [rdx + {t_high}], rax",
        "mov rax, qword ptr [rdi + {outer_watch}]",
        "mov qword ptr [rdx + {t_peak_watch}], rax",
        "mov rax, qword ptr [rdi + {outer}]",
        "mov qword ptr [rdx + {t_measuring}], rax",
        "xor ecx, ecx",
        "test rax, rax",
        "jnz 4f",
        "mov rcx, qword ptr [rdx + {t_own}]",
        "4:",
        "mov qword ptr [rdx + {t_own_block}], rcx",
        "mov rax, qword ptr [rdi + {table}]",
        "mov rcx, qword ptr [rdi + {outer_same}]",
        "mov qword ptr [rax + {table_running}], rcx",
        "ret",
        "9:",
        "jmp {busy}",
        t_high = const thread::at::HIGH_AT_FREE,
        t_measuring = const thread::at::MEASURING,
        t_peak_watch = const thread::at::PEAK_WATCH,
        t_own_block = const thread::at::OWN_BLOCK,
        t_own = const thread::at::OWN,
        table_running = const offset_of!(Table, running),
        table_site = const offset_of!(Table, site),
        site_budget = const offset_of!(Site, budget),
        track_active = sym site::TRACK_ACTIVE,
        totals = sym totals::TABLE,
        published_live = const totals::at::PUBLISHED_LIVE,
        b_calls = const totals::at::CALLS,
        slice_calls = const offset_of!(CallCore, m.slice.calls),
        entry_high = const offset_of!(CallCore, m.entry_high),
        outer = const offset_of!(CallCore, m.outer),
        cur_slot = const offset_of!(CallCore, m.slot),
        held = const offset_of!(CallCore, m.held),
        best_rise = const offset_of!(CallCore, m.best_rise),
        outer_watch = const offset_of!(CallCore, m.outer_watch),
        flags = const offset_of!(CallCore, flags),
        lines = const offset_of!(CallCore, lines),
        block = const offset_of!(CallCore, block),
        start_unpublished = const offset_of!(CallCore, start_unpublished),
        thread = const offset_of!(CallCore, thread),
        table = const offset_of!(CallCore, table),
        outer_same = const offset_of!(CallCore, outer_same),
        call_net = const offset_of!(CallCore, call_net),
        call_peak = const offset_of!(CallCore, call_peak),
        figures_size = const size_of::<LineFigures>(),
        mem_usage = const offset_of!(LineFigures, mem_usage),
        busy = sym leave_busy,
    )
}

/// A call's end that is not quiet: the Rust of `leave`. It unwinds when a
/// budget is over (`budget::check` panics), hence the ABI: the naked
/// `leave` jumped here, so the unwinding goes straight to the guard's drop.
extern "sysv64-unwind" fn leave_busy(core: *mut CallCore) {
    super::leave(core);
}

// The call's measurement is its first field: the thread's innermost
// measurement and the call are one address (`start` links it so).
const _: () = assert!(offset_of!(CallCore, m) == 0);
