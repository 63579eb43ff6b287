//! A probe's quiet path as assembly, for a runtime compiled without
//! optimisation on x86-64: the same arithmetic as `CallCore::switch` when
//! the thread made no allocator call since the running line started, which
//! every statement of a profiled function runs.
//!
//! There the probes `line`, `iteration` and `enter_line` are naked
//! functions: a statement's probe is a call straight into about twenty
//! instructions, where the same Rust, every value through a stack slot and
//! every helper a call of its own, is over a hundred. A line during which
//! the thread allocated or freed jumps, with the probe's arguments as they
//! came, to the Rust (`switch_busy`), which closes it. Optimised, or on
//! another target, or under Miri, the probes are the Rust (`probe.rs`),
//! which is shorter there.

use std::mem::{offset_of, size_of};

use crate::collect::call::{count, CallCore};
use crate::collect::probe::Probe;
use crate::collect::record::LineFigures;
use crate::counting::totals::Block;

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
            "mov rax, qword ptr [rdi + {published_live}]",
            "mov rax, qword ptr [rax]",
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
            published_live = const offset_of!(CallCore, published_live),
            start_unpublished = const offset_of!(CallCore, start_unpublished),
            lines = const offset_of!(CallCore, lines),
            block_calls = const Block::CALLS_OFFSET,
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
