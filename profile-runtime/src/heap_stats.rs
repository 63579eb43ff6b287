//! The allocator's state for the whole process, at one moment: Rust's
//! `sys._debugmallocstats()`. Summed from every thread's counters when
//! asked (`heap_stats`), and shown as a table (`Display`,
//! `print_heap_stats`).

use std::fmt;
use std::io::Write;

use crate::counting::thread::suspended;
use crate::counting::totals::{self, LiveClass, SIZE_CLASSES};
use crate::units::{format_bytes, Unit};

/// The process's heap as the counting allocator saw it, at the moment
/// [`heap_stats`] was called. Exact: every allocation, free and
/// reallocation of every thread is in it (the high-water mark is exact for
/// the thread that reaches it; see [`peak_live_bytes`](Self::peak_live_bytes)).
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
/// let class = after.size_classes().find(|c| c.largest == 1 << 20).unwrap();
/// assert!(class.live_blocks >= 1);
/// # drop(buffer);
/// # }
/// ```
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeapStats {
    /// Bytes allocated and not freed.
    pub live_bytes: u64,
    /// Blocks allocated and not freed.
    pub live_blocks: u64,
    /// The most bytes live at any moment so far: the process's high-water
    /// mark. Exact in a single-threaded program; with several threads, each
    /// thread but the one reaching the mark counts within 64 KiB (as Mem
    /// usage does), because threads count apart and sum on demand.
    pub peak_live_bytes: u64,
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
    classes: [LiveClass; SIZE_CLASSES],
}

/// The live blocks of one power-of-two size class (see
/// [`HeapStats::size_classes`]).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeClass {
    /// The smallest size in the class, in bytes.
    pub smallest: u64,
    /// The largest size in the class, in bytes: a power of two.
    pub largest: u64,
    /// Blocks of a size in the class, allocated and not freed.
    pub live_blocks: u64,
    /// Their bytes.
    pub live_bytes: u64,
}

impl HeapStats {
    /// The size classes that have live blocks, smallest first: sizes up to
    /// 1 B, then 2 B, 3–4 B, 5–8 B, ..., each class up to the next power of
    /// two.
    pub fn size_classes(&self) -> impl Iterator<Item = SizeClass> + '_ {
        self.classes
            .iter()
            .enumerate()
            .filter(|(_, class)| class.blocks != 0)
            .map(|(k, class)| SizeClass {
                smallest: if k == 0 { 1 } else { (1u64 << (k - 1)) + 1 },
                largest: 1u64 << k,
                live_blocks: class.blocks,
                live_bytes: class.bytes,
            })
    }
}

/// The process's heap now: exact, summed over every thread's counters.
/// It allocates nothing; it reads a few thousand counters, so call it at
/// points of interest rather than in a hot loop.
pub fn heap_stats() -> HeapStats {
    let t = totals::totals();
    HeapStats {
        live_bytes: t.allocated.wrapping_sub(t.freed),
        live_blocks: t.allocations.wrapping_sub(t.deallocations),
        // From the same sum as the other figures, not a second one.
        peak_live_bytes: totals::peak_live(t.allocated.saturating_sub(t.freed)),
        allocated_bytes: t.allocated,
        freed_bytes: t.freed,
        allocations: t.allocations,
        deallocations: t.deallocations,
        reallocations: t.reallocations,
        classes: totals::live_by_class(),
    }
}

/// Prints [`heap_stats`] to stderr, as a table:
///
/// ```text
/// memprof heap statistics
///   live           2.0 MiB (2,098,724 B) in 4 blocks
///   peak live      3.0 MiB (3,146,276 B)
///   allocated      3.0 MiB (3,147,300 B) in 5 allocations
///   freed          1.0 MiB (1,048,576 B) in 1 free
///   reallocations  0
///   live blocks by size (each size class up to a power of two):
///                size     blocks          bytes
///               ≤ 4 B          1            4 B
///             ≤ 1 KiB          2        1.5 KiB
///             ≤ 2 MiB          1        2.0 MiB
/// ```
///
/// The exit report ends with the same table when `MEMPROF_HEAP_STATS=on`.
pub fn print_heap_stats() {
    suspended(|| {
        let text = heap_stats().to_string();
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    });
}

/// `1.0 MiB (1,048,640 B)`: readable and exact.
fn bytes_both_ways(bytes: u64) -> String {
    format!(
        "{} ({} B)",
        format_bytes(i128::from(bytes), Unit::Auto, 1),
        thousands(bytes)
    )
}

/// `1,048,640`.
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `1 block`, `1,024 blocks`.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// A size class by its largest size: `≤ 64 B` holds the sizes from 33 to
/// 64 bytes, the class above the one before it.
fn class_label(class: &SizeClass) -> String {
    format!(
        "≤ {}",
        format_bytes(i128::from(class.largest), Unit::Auto, 0)
    )
}

impl fmt::Display for HeapStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "memprof heap statistics")?;
        writeln!(
            f,
            "  live           {} in {}",
            bytes_both_ways(self.live_bytes),
            counted(self.live_blocks, "block", "blocks")
        )?;
        writeln!(
            f,
            "  peak live      {}",
            bytes_both_ways(self.peak_live_bytes)
        )?;
        writeln!(
            f,
            "  allocated      {} in {}",
            bytes_both_ways(self.allocated_bytes),
            counted(self.allocations, "allocation", "allocations")
        )?;
        writeln!(
            f,
            "  freed          {} in {}",
            bytes_both_ways(self.freed_bytes),
            counted(self.deallocations, "free", "frees")
        )?;
        writeln!(f, "  reallocations  {}", thousands(self.reallocations))?;
        writeln!(
            f,
            "  live blocks by size (each size class up to a power of two):"
        )?;
        writeln!(f, "  {:>17} {:>10} {:>14}", "size", "blocks", "bytes")?;
        for class in self.size_classes() {
            writeln!(
                f,
                "  {:>17} {:>10} {:>14}",
                class_label(&class),
                thousands(class.live_blocks),
                format_bytes(i128::from(class.live_bytes), Unit::Auto, 1)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(classes: &[(usize, u64, u64)]) -> HeapStats {
        let mut all = [LiveClass::default(); SIZE_CLASSES];
        for &(k, blocks, bytes) in classes {
            all[k] = LiveClass { blocks, bytes };
        }
        HeapStats {
            live_bytes: 1_048_640,
            live_blocks: 2,
            peak_live_bytes: 1_048_640,
            allocated_bytes: 1_049_664,
            freed_bytes: 1_024,
            allocations: 5,
            deallocations: 3,
            reallocations: 1,
            classes: all,
        }
    }

    #[test]
    fn classes_are_powers_of_two() {
        let stats = stats(&[(0, 1, 1), (3, 2, 13), (20, 1, 1 << 20)]);
        let classes: Vec<SizeClass> = stats.size_classes().collect();
        assert_eq!(
            classes,
            vec![
                SizeClass {
                    smallest: 1,
                    largest: 1,
                    live_blocks: 1,
                    live_bytes: 1
                },
                SizeClass {
                    smallest: 5,
                    largest: 8,
                    live_blocks: 2,
                    live_bytes: 13
                },
                SizeClass {
                    smallest: 524_289,
                    largest: 1_048_576,
                    live_blocks: 1,
                    live_bytes: 1 << 20
                },
            ]
        );
    }

    #[test]
    fn the_table_reads_at_a_glance() {
        let text = stats(&[(6, 1, 64), (20, 1, 1 << 20)]).to_string();
        assert_eq!(
            text,
            "memprof heap statistics\n\
             \x20 live           1.0 MiB (1,048,640 B) in 2 blocks\n\
             \x20 peak live      1.0 MiB (1,048,640 B)\n\
             \x20 allocated      1.0 MiB (1,049,664 B) in 5 allocations\n\
             \x20 freed          1.0 KiB (1,024 B) in 3 frees\n\
             \x20 reallocations  1\n\
             \x20 live blocks by size (each size class up to a power of two):\n\
             \x20              size     blocks          bytes\n\
             \x20            ≤ 64 B          1           64 B\n\
             \x20           ≤ 1 MiB          1        1.0 MiB\n"
        );
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_048_576), "1,048,576");
    }
}
