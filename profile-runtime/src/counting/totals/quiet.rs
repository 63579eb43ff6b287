//! The allocator's common case in unoptimised x86-64 builds, as inline
//! assembly: counting an allocation or a free of a thread that has a block
//! of its own, when the count publishes nothing and (for a free) notes no
//! new high.
//!
//! Why: `cargo test` builds the allocator without optimisation, and there
//! the Rust of `Counting::alloc` and `Counting::dealloc`, each value through
//! a stack slot and each helper a layer of copies, is a few hundred
//! instructions, paid by every allocation of a test process that installs
//! memprof, profiled code or not. The same arithmetic here is about twenty.
//! Anything else (no block of its own yet, a count that publishes, a free
//! that notes a high) returns `false` having changed nothing, and the Rust
//! path counts it. Optimised builds, other targets and Miri have only the
//! Rust: these return `false` there.

use crate::counting::thread::ThreadState;
#[cfg(all(debug_assertions, not(miri), target_arch = "x86_64"))]
use crate::counting::{
    thread,
    totals::{Block, ClassCount},
};

/// `count_quietly!(t, size, [test...], [count...], operands...)`: the
/// shape both functions share, as one block of assembly. With `{block}`
/// the thread's own block (none: not done) and `{class}` the address of
/// the size class of `size` in it (the bit length of `size - 1`, modulo 64,
/// as `size_class` computes it), the `test` lines jump to `4f` when the
/// count must be left to the Rust, having written nothing, and the `count`
/// lines write it. Evaluates to whether it was done.
#[cfg(all(debug_assertions, not(miri), target_arch = "x86_64"))]
macro_rules! count_quietly {
    ($t:expr, $size:expr, [$($test:literal,)*], [$($count:literal,)*], $($operands:tt)*) => {{
        use std::mem::{offset_of, size_of};
        let done: u32;
        // SAFETY: reads of `t`'s fields, which only this thread writes, and
        // single-writer relaxed loads and stores (aligned 64-bit `mov`s,
        // `add`s and `inc`s, single-copy atomic) of the counters of `t`'s
        // own block, which only its owner writes; the size class is below
        // `SIZE_CLASSES` (`and 63`).
        unsafe {
            std::arch::asm!(
                "mov {block}, qword ptr [{t} + {own_block}]",
                "test {block}, {block}",
                "jz 4f",
                "mov {class}, {size}",
                "dec {class}",
                "bsr {class}, {class}",
                "jnz 2f",
                "mov {class}, -1",
                "2:",
                "inc {class}",
                "and {class}, 63",
                "imul {class}, {class}, {class_size}",
                "lea {class}, [{block} + {class} + {classes_at}]",
                $($test,)*
                $($count,)*
                "mov {done:e}, 1",
                "jmp 5f",
                "4:",
                "xor {done:e}, {done:e}",
                "5:",
                t = in(reg) std::ptr::from_ref($t),
                size = in(reg) $size,
                block = out(reg) _,
                class = out(reg) _,
                done = lateout(reg) done,
                own_block = const thread::at::OWN_BLOCK,
                allocated_at = const offset_of!(Block, allocated),
                freed_at = const offset_of!(Block, freed),
                calls_at = const offset_of!(Block, calls),
                classes_at = const offset_of!(Block, classes),
                class_size = const size_of::<ClassCount>(),
                blocks_at = const offset_of!(ClassCount, blocks),
                bytes_at = const offset_of!(ClassCount, bytes),
                $($operands)*
                options(nostack),
            );
        }
        done != 0
    }};
}

/// Counts an allocation of `size` bytes by `t` as `Counting::alloc` does,
/// if `t` has a block of its own (`own_block`) and the count does not
/// publish; else returns false having changed nothing.
#[cfg(all(debug_assertions, not(miri), target_arch = "x86_64"))]
#[inline(always)]
pub(crate) fn count_alloc_quietly(t: &ThreadState, size: usize) -> bool {
    count_quietly!(
        t,
        size,
        [
            // The net bytes after the allocation, against the limit above
            // which the block publishes.
            "mov {allocated}, qword ptr [{block} + {allocated_at}]",
            "add {allocated}, {size}",
            "mov {net}, {allocated}",
            "sub {net}, qword ptr [{block} + {freed_at}]",
            "cmp {net}, qword ptr [{t} + {rise_limit}]",
            "jg 4f",
        ],
        [
            "mov qword ptr [{block} + {allocated_at}], {allocated}",
            "inc qword ptr [{block} + {allocs_at}]",
            "inc qword ptr [{block} + {calls_at}]",
            "inc qword ptr [{class} + {blocks_at}]",
            "add qword ptr [{class} + {bytes_at}], {size}",
        ],
        allocated = out(reg) _,
        net = out(reg) _,
        rise_limit = const thread::at::RISE_LIMIT,
        allocs_at = const offset_of!(Block, allocs),
    )
}

/// Counts a free of `size` bytes by `t` as `Counting::dealloc` does, if
/// `t` has a block of its own, the bytes before the free are no new high
/// (`ThreadState::record_high_at_free`) and the count does not publish;
/// else returns false having changed nothing.
#[cfg(all(debug_assertions, not(miri), target_arch = "x86_64"))]
#[inline(always)]
pub(crate) fn count_free_quietly(t: &ThreadState, size: usize) -> bool {
    count_quietly!(
        t,
        size,
        [
            // The net bytes after the free and before it: not below the
            // limit under which the block publishes, and no new high.
            "mov {freed}, qword ptr [{block} + {freed_at}]",
            "add {freed}, {size}",
            "mov {net}, qword ptr [{block} + {allocated_at}]",
            "sub {net}, {freed}",
            "cmp {net}, qword ptr [{t} + {fall_limit}]",
            "jl 4f",
            "add {net}, {size}",
            "cmp {net}, qword ptr [{t} + {high_at_free}]",
            "jg 4f",
        ],
        [
            "mov qword ptr [{block} + {freed_at}], {freed}",
            "inc qword ptr [{block} + {calls_at}]",
            "dec qword ptr [{class} + {blocks_at}]",
            "sub qword ptr [{class} + {bytes_at}], {size}",
        ],
        freed = out(reg) _,
        net = out(reg) _,
        fall_limit = const thread::at::FALL_LIMIT,
        high_at_free = const thread::at::HIGH_AT_FREE,
    )
}

/// Elsewhere the Rust counts every allocation (see the x86-64 one).
#[cfg(not(all(debug_assertions, not(miri), target_arch = "x86_64")))]
#[inline(always)]
pub(crate) fn count_alloc_quietly(_t: &ThreadState, _size: usize) -> bool {
    false
}

/// Elsewhere the Rust counts every free (see the x86-64 one).
#[cfg(not(all(debug_assertions, not(miri), target_arch = "x86_64")))]
#[inline(always)]
pub(crate) fn count_free_quietly(_t: &ThreadState, _size: usize) -> bool {
    false
}
