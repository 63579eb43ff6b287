//! `memprof::install!(mimalloc::MiMalloc)`: memprof counts on top of a real
//! allocator crate, exactly.

mod common;

use common::{closing, stats, Figures};

memprof::install!(mimalloc::MiMalloc);

#[memprof::profile]
fn words(n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(format!("{i:08}"));
    }
    let scratch = vec![0u8; 1 << 20];
    std::hint::black_box(&scratch);
    out
}

#[test]
fn figures_are_exact_over_mimalloc() {
    let (kept, report) = memprof::capture(|| words(100));
    assert_eq!(kept.len(), 100);
    assert_eq!(
        Figures::of(stats(&report, "words", "with_capacity")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 100 * 24,
            increment: 100 * 24,
            peak: 100 * 24,
            ..Figures::default()
        }
    );
    // 100 strings of 8 bytes.
    assert_eq!(
        Figures::of(stats(&report, "words", "out.push")),
        Figures {
            occurrences: 100,
            allocs: 100,
            allocated: 800,
            increment: 800,
            peak: 8,
            ..Figures::default()
        }
    );
    assert_eq!(
        Figures::of(stats(&report, "words", "vec![0u8")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 1 << 20,
            increment: 1 << 20,
            peak: 1 << 20,
            ..Figures::default()
        }
    );
    assert_eq!(
        Figures::of(closing(&report, "words")),
        Figures {
            occurrences: 1,
            freed: 1 << 20,
            increment: -(1 << 20),
            ..Figures::default()
        }
    );
    let heap = memprof::heap_stats();
    assert!(heap.live_bytes >= 100 * 24 + 800);
}
