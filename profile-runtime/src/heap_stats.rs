//! The allocator's state for the whole process, at one moment: Rust's
//! `sys._debugmallocstats()`. Summed from every thread's counters when
//! asked (`heap_stats`), and shown as a table (`Display`).

use std::fmt;

use crate::counting::totals;

/// The process's heap as the counting allocator saw it, at the moment
/// [`heap_stats`] was called. Exact: every allocation, free and
/// reallocation of every thread is in it.
///
/// ```
/// # #[global_allocator]
/// # static ALLOCATOR: memprof_runtime::Alloc = memprof_runtime::Alloc::system();
/// # use memprof_runtime as memprof;
/// # fn main() {
/// let before = memprof::heap_stats();
/// let buffer: Vec<u8> = Vec::with_capacity(1 << 20);
/// let after = memprof::heap_stats();
/// assert_eq!(after.live_bytes - before.live_bytes, 1 << 20);
/// assert_eq!(after.allocations - before.allocations, 1);
/// # drop(buffer);
/// # }
/// ```
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeapStats {
    /// Bytes allocated and not freed.
    pub live_bytes: u64,
    /// Blocks allocated and not freed.
    pub live_blocks: u64,
    /// Bytes allocated since the program started (a reallocation counts its
    /// new size).
    pub allocated_bytes: u64,
    /// Bytes freed since the program started (a reallocation counts its old
    /// size).
    pub freed_bytes: u64,
    /// Blocks allocated (a reallocation is not one).
    pub allocations: u64,
    /// Blocks freed.
    pub deallocations: u64,
    /// Reallocations (each moves or resizes one block).
    pub reallocations: u64,
}

/// The process's heap now: exact, summed over every thread's counters.
/// Cheap enough to call often (it reads a few hundred counters), and it
/// allocates nothing.
pub fn heap_stats() -> HeapStats {
    let t = totals::totals();
    HeapStats {
        live_bytes: t.allocated.wrapping_sub(t.freed),
        live_blocks: t.allocations.wrapping_sub(t.deallocations),
        allocated_bytes: t.allocated,
        freed_bytes: t.freed,
        allocations: t.allocations,
        deallocations: t.deallocations,
        reallocations: t.reallocations,
    }
}

impl fmt::Display for HeapStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "live           {:>14} B in {} blocks",
            self.live_bytes, self.live_blocks
        )?;
        writeln!(
            f,
            "allocated      {:>14} B in {} blocks",
            self.allocated_bytes, self.allocations
        )?;
        writeln!(
            f,
            "freed          {:>14} B in {} blocks",
            self.freed_bytes, self.deallocations
        )?;
        write!(f, "reallocations  {:>14}", self.reallocations)
    }
}
