//! `#[memprof::profile]` below `#[quickcheck]`, which moves the user's
//! function into a test of its own: the property is profiled, one call a
//! case, as it is with the attributes the other way round.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

mod common;

use common::{closing, stats, Figures};
use memprof::capture;
use quickcheck::{QuickCheck, Testable};
use quickcheck_macros::quickcheck;

memprof::install!();

/// What quickcheck's runner does with a `#[quickcheck]` function: 100
/// passing cases (quickcheck's default, read here from no environment).
fn check(property: impl Testable) {
    QuickCheck::new()
        .tests(100)
        .max_tests(100)
        .min_tests_passed(100)
        .quickcheck(property);
}

// The test `#[quickcheck]` makes is `property_below()`; the property inside
// it, which memprof profiles, keeps the user's signature.
#[quickcheck]
#[memprof::profile]
fn property_below(n: u8) -> bool {
    let v = vec![n; 1000];
    v.len() == 1000
}

#[memprof::profile]
fn property_above(n: u8) -> bool {
    let v = vec![n; 1001];
    v.len() == 1001
}

#[test]
fn quickcheck_property_either_order() {
    // Below: the test quickcheck made runs its 100 cases (its default, with
    // `QUICKCHECK_TESTS` unset).
    let ((), below) = capture(property_below);
    // Above, the order that needs no recognising: the same property run
    // through the same runner.
    let ((), above) = capture(|| check(property_above as fn(u8) -> bool));
    for (report, name, bytes) in [
        (&below, "property_below", 1000),
        (&above, "property_above", 1001),
    ] {
        assert_eq!(
            Figures::of(stats(report, name, "let v = vec!")),
            Figures {
                occurrences: 100,
                allocs: 100,
                allocated: 100 * bytes,
                increment: 100 * bytes as i64,
                peak: bytes,
                ..Figures::default()
            },
            "{name}"
        );
        assert_eq!(
            Figures::of(closing(report, name)),
            Figures {
                occurrences: 100,
                freed: 100 * bytes,
                increment: -100 * bytes as i64,
                ..Figures::default()
            },
            "{name}"
        );
    }
}
