//! The arithmetic of one line's figures, as pure functions over counters.
//!
//! A line is measured from the thread's counters when it starts to its
//! counters when the next line starts. In between, the allocator bumps the
//! counters and, at each free, notes the thread's net bytes just before it
//! if they were the highest since the line started (`high`). So when the
//! line ends:
//!
//! - what it allocated and freed is `now - start`, less what nested calls
//!   of the same function already counted on their own rows (recursion);
//! - its peak is how far the thread's net bytes rose above their value at
//!   the line's start: `high - start`, where `high` is the larger of the
//!   highest value noted at a free and the net bytes now.
//!
//! Worked example. A line starts at 1,000 net bytes. It allocates 300
//! (1,300), frees 200 (the free notes 1,300 as the high; 1,100), and
//! allocates 50 (1,150). Then `now - start` is 350 allocated, 200 freed,
//! net +150, and the peak is `max(1,300, 1,150) - 1,000` = 300.
//!
//! An `async` call's line can span polls, on different threads, whose
//! counters cannot be compared. Each poll's part is measured on its own
//! thread, and the net bytes of the earlier parts (`carry`) are added to the
//! later part's rise, so the peak is still measured from the line's start.

use crate::counting::thread::Counters;

/// The larger of two: `max`, which is a call in an unoptimised build, where
/// a line's end and a call's end take several.
#[inline(always)]
pub(crate) fn larger(a: i64, b: i64) -> i64 {
    if a > b {
        a
    } else {
        b
    }
}

/// Whether a call entering with the line in slot `first` running starts
/// that line (`first != 0 && first < len`; 0 is the signature line, which
/// the entry counts anyway), as one compare: a branch fewer on every call.
/// `len` is at least 1 (`Site::new`).
///
/// With `len` 3 (signature, body, closing brace): `first` 1 starts the body
/// line; 0 leaves the signature line running; 3, beyond the function,
/// starts nothing.
#[inline(always)]
pub(crate) fn entry_starts_line(first: u32, len: u32) -> bool {
    first.wrapping_sub(1) < len.wrapping_sub(1)
}

/// What one line did, from its start to now, on one thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineEnd {
    /// Allocations, bytes allocated and freed, less what nested calls of
    /// the same function counted on their own rows.
    pub(crate) counted: Counters,
    /// Net bytes of `counted`.
    pub(crate) net: i64,
    /// Largest rise of the thread's live bytes above the line's start.
    pub(crate) peak: u64,
}

/// The figures of a line that started at `start` and ends at `now` (the
/// thread's raw counters), while the thread's net bytes reached at most
/// `high` since `start` (at least `now.net()`); `carry` is the line's net
/// bytes in earlier polls, and `excluded` what nested calls of the same
/// function counted meanwhile.
#[inline(always)]
pub(crate) fn line_end(
    start: Counters,
    now: Counters,
    high: i64,
    carry: i64,
    excluded: Counters,
) -> LineEnd {
    let delta = now.since(start);
    // Live bytes are far from the ends of i64: plain arithmetic.
    let rise = high.wrapping_sub(now.net()).wrapping_add(delta.net());
    let counted = delta.since(excluded);
    LineEnd {
        counted,
        net: counted.net(),
        peak: larger(carry.wrapping_add(rise), 0) as u64,
    }
}

/// The largest rise of a call's live bytes above their value at its entry,
/// after a poll (or the whole call, for a synchronous one) that began at
/// `entry_live` live bytes, reached `slice_high` at most, and followed
/// earlier polls that left `earlier_net` net bytes and rose at most
/// `earlier_peak`.
#[inline(always)]
pub(crate) fn call_peak(
    earlier_peak: i64,
    earlier_net: i64,
    entry_live: i64,
    slice_high: i64,
) -> i64 {
    larger(
        earlier_peak,
        earlier_net.wrapping_add(slice_high.wrapping_sub(entry_live)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(allocated: u64, freed: u64, allocs: u64) -> Counters {
        Counters {
            allocated,
            freed,
            allocs,
            calls: allocs,
        }
    }

    #[test]
    fn an_entry_starts_a_line_of_the_body_only() {
        assert!(entry_starts_line(1, 3));
        assert!(entry_starts_line(2, 3));
        assert!(!entry_starts_line(0, 3));
        assert!(!entry_starts_line(3, 3));
        assert!(!entry_starts_line(u32::MAX, 3));
        // A one-line function: the signature is all there is.
        assert!(!entry_starts_line(0, 1));
        assert!(!entry_starts_line(1, 1));
        for len in 1..=66 {
            for first in 0..=67 {
                assert_eq!(entry_starts_line(first, len), first != 0 && first < len);
            }
        }
    }

    #[test]
    fn the_worked_example() {
        // Starts at 1,000 net; +300, -200 (high 1,300 noted), +50.
        let start = counters(5_000, 4_000, 10);
        let now = counters(5_350, 4_200, 12);
        let end = line_end(start, now, 1_300, 0, Counters::ZERO);
        assert_eq!(end.counted, counters(350, 200, 2));
        assert_eq!(end.net, 150);
        assert_eq!(end.peak, 300);
    }

    #[test]
    fn a_line_that_only_frees_has_no_peak() {
        let start = counters(1_000, 0, 1);
        let now = counters(1_000, 1_000, 1);
        let end = line_end(start, now, 1_000, 0, Counters::ZERO);
        assert_eq!(end.net, -1_000);
        assert_eq!(end.peak, 0);
    }

    #[test]
    fn a_temporary_shows_in_the_peak_only() {
        // A 1 MiB buffer allocated and freed within the line.
        let start = counters(0, 0, 0);
        let now = counters(1 << 20, 1 << 20, 1);
        let end = line_end(start, now, 1 << 20, 0, Counters::ZERO);
        assert_eq!(end.net, 0);
        assert_eq!(end.peak, 1 << 20);
    }

    #[test]
    fn nested_calls_of_the_same_function_are_left_out_of_the_sums_not_the_peak() {
        // The line called the function again, which counted 1,000 bytes on
        // its own rows; the line itself allocated 24.
        let start = counters(0, 0, 0);
        let now = counters(1_024, 0, 2);
        let excluded = counters(1_000, 0, 1);
        let end = line_end(start, now, 1_024, 0, excluded);
        assert_eq!(end.counted, counters(24, 0, 1));
        assert_eq!(end.net, 24);
        assert_eq!(end.peak, 1_024);
    }

    #[test]
    fn an_earlier_poll_carries_its_net_bytes_into_the_peak() {
        // 1,000 bytes in the first poll; in the second, on another thread
        // whose counters start elsewhere, 4,000 more.
        let start = counters(70_000, 10_000, 7);
        let now = counters(74_000, 10_000, 8);
        let end = line_end(start, now, 64_000, 1_000, Counters::ZERO);
        assert_eq!(end.net, 4_000);
        assert_eq!(end.peak, 5_000);
    }

    #[test]
    fn a_call_peak_is_the_largest_over_its_polls() {
        // First poll: entry at 100 live, high 600: rose 500, left +300.
        let first = call_peak(0, 0, 100, 600);
        assert_eq!(first, 500);
        // Second poll on another thread: entry 2,000 live, high 2,400: the
        // call then stood at 300 + 400 above its entry.
        assert_eq!(call_peak(first, 300, 2_000, 2_400), 700);
        // A poll that only frees leaves the peak where it was.
        assert_eq!(call_peak(700, 700, 5_000, 5_000), 700);
    }
}
