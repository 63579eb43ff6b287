//! `heap_stats()`: the whole heap's figures, exact, in a program of one
//! thread (its own `main`, so that no test harness thread allocates).

use memprof::{heap_stats, HeapStats};

memprof::install!();

const MIB: u64 = 1 << 20;

fn live_in_class(stats: &HeapStats, largest: u64) -> u64 {
    class_of(stats, largest).blocks
}

/// The live blocks and bytes of the class of sizes up to `largest`.
fn class_of(stats: &HeapStats, largest: u64) -> LiveInClass {
    stats
        .size_classes()
        .find(|class| class.largest == largest)
        .map_or(
            LiveInClass {
                blocks: 0,
                bytes: 0,
            },
            |class| LiveInClass {
                blocks: class.live_blocks,
                bytes: class.live_bytes,
            },
        )
}

#[derive(Debug, PartialEq)]
struct LiveInClass {
    blocks: u64,
    bytes: u64,
}

impl LiveInClass {
    fn minus(&self, earlier: &LiveInClass) -> LiveInClass {
        LiveInClass {
            blocks: self.blocks - earlier.blocks,
            bytes: self.bytes - earlier.bytes,
        }
    }
}

fn main() {
    let before = heap_stats();
    let first: Vec<u8> = Vec::with_capacity(MIB as usize);
    let second: Vec<u8> = Vec::with_capacity(2 * MIB as usize);
    let during = heap_stats();
    drop(first);
    let third: Vec<u8> = Vec::with_capacity(MIB as usize / 2);
    let after = heap_stats();

    // Counts and bytes, exact.
    assert_eq!(during.allocations - before.allocations, 2);
    assert_eq!(during.live_bytes - before.live_bytes, 3 * MIB);
    assert_eq!(after.live_bytes - before.live_bytes, 2 * MIB + MIB / 2);
    assert_eq!(after.deallocations - before.deallocations, 1);
    assert_eq!(after.freed_bytes - before.freed_bytes, MIB);
    assert_eq!(
        after.allocated_bytes - before.allocated_bytes,
        3 * MIB + MIB / 2
    );
    // The high-water mark: 1 MiB and 2 MiB live at once, before the first
    // was freed.
    assert_eq!(after.peak_live_bytes, before.live_bytes + 3 * MIB);
    // Size classes: one more live block of up to 2 MiB, the 512 KiB one in
    // the class up to 512 KiB, none left of the 1 MiB one.
    assert_eq!(
        live_in_class(&after, 2 * MIB) - live_in_class(&before, 2 * MIB),
        1
    );
    assert_eq!(
        live_in_class(&after, MIB / 2) - live_in_class(&before, MIB / 2),
        1
    );
    assert_eq!(live_in_class(&after, MIB), live_in_class(&before, MIB));
    assert_eq!(live_in_class(&during, MIB) - live_in_class(&before, MIB), 1);

    // A reallocation: one more, its old size freed and its new allocated.
    let mut growing: Vec<u8> = Vec::with_capacity(64);
    let grown = heap_stats();
    growing.reserve_exact(4096);
    let regrown = heap_stats();
    assert_eq!(regrown.reallocations - grown.reallocations, 1);
    assert_eq!(regrown.allocations, grown.allocations);
    assert_eq!(regrown.live_bytes - grown.live_bytes, 4096 - 64);
    assert_eq!(regrown.live_blocks, grown.live_blocks);

    drop((second, third, growing));

    // Small blocks, which the allocator counts on its common path: 100 of
    // 24 B (the class up to 32 B) and 10 of 100 B (up to 128 B), then the
    // same freed.
    let mut small: Vec<Box<[u8; 24]>> = Vec::with_capacity(100);
    let mut medium: Vec<Box<[u8; 100]>> = Vec::with_capacity(10);
    let empty = heap_stats();
    small.extend((0..100).map(|_| Box::new([1; 24])));
    medium.extend((0..10).map(|_| Box::new([2; 100])));
    let full = heap_stats();
    assert_eq!(
        class_of(&full, 32).minus(&class_of(&empty, 32)),
        LiveInClass {
            blocks: 100,
            bytes: 2_400
        }
    );
    assert_eq!(
        class_of(&full, 128).minus(&class_of(&empty, 128)),
        LiveInClass {
            blocks: 10,
            bytes: 1_000
        }
    );
    assert_eq!(full.allocations - empty.allocations, 110);
    assert_eq!(full.live_bytes - empty.live_bytes, 3_400);
    small.clear();
    medium.clear();
    let emptied = heap_stats();
    assert_eq!(class_of(&emptied, 32), class_of(&empty, 32));
    assert_eq!(class_of(&emptied, 128), class_of(&empty, 128));
    assert_eq!(emptied.deallocations - full.deallocations, 110);
    assert_eq!(emptied.live_bytes, empty.live_bytes);
    assert_eq!(emptied.freed_bytes - full.freed_bytes, 3_400);
    println!("heap_stats: exact counts, peak and size classes ... ok");
}
