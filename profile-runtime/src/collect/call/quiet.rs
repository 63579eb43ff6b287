//! A probe's quiet path as inline assembly, for a runtime compiled without
//! optimisation on x86-64: the same arithmetic as `CallCore::switch` when
//! the thread made no allocator call since the running line started, which
//! every statement of a profiled function runs. Elsewhere `switch_if_quiet`
//! is false and the Rust does it all.

#[cfg(all(memprof_unoptimised, not(miri), target_arch = "x86_64"))]
use crate::collect::call::count;
use crate::collect::call::CallCore;
#[cfg(all(memprof_unoptimised, not(miri), target_arch = "x86_64"))]
use crate::collect::record::LineFigures;
#[cfg(all(memprof_unoptimised, not(miri), target_arch = "x86_64"))]
use crate::counting::totals::{published_live_at, Block};

/// A probe's whole quiet path, `CallCore::switch` when the thread made no
/// allocator call since the running line started, as one block of inline
/// assembly, for a runtime compiled without optimisation on x86-64
/// (`cfg(memprof_unoptimised)`, from `build.rs`): there it is about thirty
/// instructions, where the same Rust, every value through a stack slot, is
/// over a hundred, on every statement `cargo test` runs. Optimised, the
/// Rust is shorter: it runs alone.
///
/// Returns false, having changed nothing, when the thread did allocate or
/// free: the caller then runs `switch`, which closes the line.
///
/// # Safety
///
/// `core` is null (an unprofiled call: nothing to do) or points at a
/// running call on this thread that nothing else borrows, as a probe's
/// handle does.
#[cfg(all(memprof_unoptimised, not(miri), target_arch = "x86_64"))]
#[inline(always)]
pub(crate) unsafe fn switch_if_quiet(core: *mut CallCore, slot: u32, count: u8) -> bool {
    use std::mem::{offset_of, size_of};
    let done: u32;
    // SAFETY: the loads and stores are `switch`'s quiet path, field by
    // field: the call's own fields (only this thread touches them), a
    // relaxed load of its block's `calls` and of the published live bytes
    // (aligned 64-bit `mov`s are single-copy atomic), and the single-writer
    // relaxed load and store of its table's Mem usage and occurrences
    // (within `len`, as `switch` checks first).
    unsafe {
        std::arch::asm!(
            // An unprofiled call's probe, another statement of the running
            // line, or a slot past the table: nothing to do.
            "test {core}, {core}",
            "jz 3f",
            "mov {t:e}, dword ptr [{core} + {len}]",
            "cmp {slot:e}, {t:e}",
            "jae 3f",
            "mov {cur:e}, dword ptr [{core} + {cur_slot}]",
            "cmp {slot:e}, {cur:e}",
            "jne 2f",
            "cmp {count}, {always}",
            "jne 3f",
            // Quiet: the thread's allocator calls are as the line found them.
            "2:",
            "mov {t}, qword ptr [{core} + {block}]",
            "mov {t}, qword ptr [{t} + {block_calls}]",
            "cmp {t}, qword ptr [{core} + {line_calls}]",
            "jne 4f",
            // The running line's Mem usage, raised to the live bytes
            // (signed).
            "mov {t}, qword ptr [{published_live}]",
            "add {t}, qword ptr [{core} + {start_unpublished}]",
            "mov {lines}, qword ptr [{core} + {lines_at}]",
            "imul {cur}, {cur}, {figures_size}",
            "cmp {t}, qword ptr [{lines} + {cur} + {mem_usage}]",
            "jle 5f",
            "mov qword ptr [{lines} + {cur} + {mem_usage}], {t}",
            // One more occurrence of the new line, unless counted elsewhere.
            "5:",
            "cmp {count}, {never}",
            "je 6f",
            "mov {t:e}, {slot:e}",
            "imul {t}, {t}, {figures_size}",
            "inc qword ptr [{lines} + {t} + {occurrences}]",
            "6:",
            "mov dword ptr [{core} + {cur_slot}], {slot:e}",
            "3:",
            "mov {done:e}, 1",
            "jmp 7f",
            "4:",
            "xor {done:e}, {done:e}",
            "7:",
            core = in(reg) core,
            slot = in(reg) slot,
            count = in(reg_byte) count,
            published_live = in(reg) published_live_at(),
            t = out(reg) _,
            cur = out(reg) _,
            lines = out(reg) _,
            done = lateout(reg) done,
            len = const offset_of!(CallCore, m.len),
            cur_slot = const offset_of!(CallCore, m.slot),
            line_calls = const offset_of!(CallCore, m.line.calls),
            block = const offset_of!(CallCore, block),
            start_unpublished = const offset_of!(CallCore, start_unpublished),
            lines_at = const offset_of!(CallCore, lines),
            block_calls = const Block::CALLS_OFFSET,
            figures_size = const size_of::<LineFigures>(),
            mem_usage = const offset_of!(LineFigures, mem_usage),
            occurrences = const offset_of!(LineFigures, occurrences),
            always = const count::ALWAYS,
            never = const count::NEVER,
            options(nostack),
        );
    }
    done != 0
}

/// Elsewhere the Rust of `switch` is what runs (see the x86-64 one).
///
/// # Safety
///
/// As the x86-64 one; this one touches nothing.
#[cfg(not(all(memprof_unoptimised, not(miri), target_arch = "x86_64")))]
#[inline(always)]
pub(crate) unsafe fn switch_if_quiet(_core: *mut CallCore, _slot: u32, _count: u8) -> bool {
    false
}
