//! A function called before, inside and after a capture, twice each: each
//! call counts in the record its thread counted in when it ran (the
//! capture's while it is open), whatever the thread kept of the function's
//! table from the call before (`counting/thread/recent_tables.rs`: a
//! function's second call in a record finds its table there). One test:
//! the process's report is read whole.

mod common;

use common::Figures;

memprof::install!();

#[memprof::profile]
fn reserve(bytes: usize) -> Vec<u8> {
    Vec::with_capacity(bytes)
}

#[test]
fn each_call_counts_in_the_record_it_ran_in() {
    let before = [reserve(1 << 10), reserve(1 << 10)];
    let (inside, captured) = memprof::capture(|| [reserve(1 << 12), reserve(1 << 12)]);
    let after = [reserve(1 << 14), reserve(1 << 14)];
    let capacities = |kept: &[Vec<u8>; 2]| kept.each_ref().map(Vec::capacity);
    assert_eq!(capacities(&before), [1 << 10; 2]);
    assert_eq!(capacities(&inside), [1 << 12; 2]);
    assert_eq!(capacities(&after), [1 << 14; 2]);

    assert_eq!(
        Figures::of(common::stats(&captured, "reserve", "with_capacity")),
        Figures {
            occurrences: 2,
            allocs: 2,
            allocated: 2 << 12,
            freed: 0,
            increment: 2 << 12,
            peak: 1 << 12,
        }
    );

    // The capture's figures are added to the thread's record when it
    // closes: all six calls, once each.
    let report = memprof::report();
    assert_eq!(report.function("reserve").expect("profiled").calls, 6);
    let bytes = 2 * ((1 << 10) + (1 << 12) + (1 << 14));
    assert_eq!(
        Figures::of(common::stats(&report, "reserve", "with_capacity")),
        Figures {
            occurrences: 6,
            allocs: 6,
            allocated: bytes,
            freed: 0,
            increment: bytes as i64,
            peak: 1 << 14,
        }
    );
}
