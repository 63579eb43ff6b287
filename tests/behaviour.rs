//! `#[profile]` never changes what a function does: panics still unwind and
//! are caught, recursion (direct and mutual) counts each byte once, and
//! functions of every kind of signature behave as written.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

// Allocations are kept observable with `black_box` where an optimised
// build could otherwise drop them (only their length is read).
use std::hint::black_box;

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use common::{stats, Figures};
use memprof::report;

memprof::install!();

#[memprof::profile]
fn may_panic(fail: bool) -> usize {
    let kept = vec![0u8; 256];
    if fail {
        panic!("asked to fail");
    }
    black_box(&kept).len()
}

#[test]
fn a_panic_unwinds_through_a_profiled_function_and_is_caught() {
    let caught = catch_unwind(|| may_panic(true));
    let message = caught.unwrap_err();
    assert_eq!(message.downcast_ref::<&str>(), Some(&"asked to fail"));
    // The frame was finished by unwinding: the next calls are counted
    // normally, and the thread is not left inside the panicked call.
    assert_eq!(may_panic(false), 256);
    assert_eq!(may_panic(false), 256);
    let r = report();
    assert_eq!(r.function("may_panic").unwrap().calls, 3);
    assert_eq!(
        Figures::of(stats(&r, "may_panic", "let kept")),
        Figures {
            occurrences: 3,
            allocs: 3,
            allocated: 768,
            freed: 0,
            increment: 768,
            peak: 256,
        }
    );
    assert_eq!(stats(&r, "may_panic", "panic!(").occurrences, 1);
    // The two calls that returned free `kept` on the closing brace.
    assert_eq!(
        Figures::of(common::closing(&r, "may_panic")),
        Figures {
            occurrences: 2,
            allocs: 0,
            allocated: 0,
            freed: 512,
            increment: -512,
            peak: 0,
        }
    );
}

#[memprof::profile]
fn is_even(n: u32, trail: &mut Vec<Vec<u8>>) -> bool {
    trail.push(vec![0u8; 10]);
    if n == 0 {
        return true;
    }
    is_odd(n - 1, trail)
}

#[memprof::profile]
fn is_odd(n: u32, trail: &mut Vec<Vec<u8>>) -> bool {
    trail.push(vec![1u8; 10]);
    if n == 0 {
        return false;
    }
    is_even(n - 1, trail)
}

#[test]
fn mutual_recursion_counts_each_byte_once_per_function() {
    let mut trail = Vec::with_capacity(16);
    assert!(is_even(6, &mut trail));
    assert_eq!(trail.len(), 7);
    let r = report();
    // is_even runs for 6, 4, 2, 0 and is_odd for 5, 3, 1.
    assert_eq!(r.function("is_even").unwrap().calls, 4);
    assert_eq!(r.function("is_odd").unwrap().calls, 3);
    assert_eq!(
        Figures::of(stats(&r, "is_even", "trail.push")),
        Figures {
            occurrences: 4,
            allocs: 4,
            allocated: 40,
            freed: 0,
            increment: 40,
            peak: 10,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "is_odd", "trail.push")),
        Figures {
            occurrences: 3,
            allocs: 3,
            allocated: 30,
            freed: 0,
            increment: 30,
            peak: 10,
        }
    );
    // The call to the other function carries what that call did, minus the
    // nested calls of this same function, which have their own rows: the
    // outermost is_even's call to is_odd holds is_odd(5)'s 10 bytes, and so
    // on down the chain.
    let is_even_calls = stats(&r, "is_even", "is_odd(n - 1, trail)");
    assert_eq!(
        (is_even_calls.occurrences, is_even_calls.allocated),
        (3, 30)
    );
    let is_odd_calls = stats(&r, "is_odd", "is_even(n - 1, trail)");
    assert_eq!((is_odd_calls.occurrences, is_odd_calls.allocated), (3, 30));
    let total = |f: &str| -> u64 {
        r.function(f)
            .unwrap()
            .lines
            .iter()
            .filter_map(|l| l.stats)
            .map(|s| s.allocated)
            .sum()
    };
    assert_eq!(total("is_even"), 40 + 30);
    assert_eq!(total("is_odd"), 30 + 30);
}

macro_rules! make_builder {
    ($name:ident, $size:expr) => {
        #[memprof::profile]
        fn $name() -> Vec<u8> {
            let v = vec![7u8; $size];
            v
        }
    };
}

make_builder!(build_small, 100);
make_builder!(build_large, 5000);

#[test]
fn functions_made_by_macro_rules_are_profiled_each_on_its_own() {
    assert_eq!(black_box(build_small()).len(), 100);
    assert_eq!(black_box(build_large()).len(), 5000);
    let r = report();
    assert_eq!(
        Figures::of(stats(&r, "build_small", "let v")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 100,
            freed: 0,
            increment: 100,
            peak: 100,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "build_large", "let v")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 5000,
            freed: 0,
            increment: 5000,
            peak: 5000,
        }
    );
}

struct Wrapper(u32);

#[memprof::profile]
extern "C" fn c_callable(x: u32) -> u32 {
    let doubled = vec![x; 2];
    doubled.iter().sum()
}

#[memprof::profile]
#[track_caller]
fn caller_line() -> u32 {
    std::panic::Location::caller().line()
}

#[memprof::profile]
fn destructure(Wrapper(inner): Wrapper, (a, mut b): (u32, u32)) -> u32 {
    b += a;
    inner + b
}

#[test]
fn signatures_behave_as_written() {
    assert_eq!(c_callable(21), 42);
    let expected = line!() + 1;
    assert_eq!(caller_line(), expected);
    assert_eq!(destructure(Wrapper(1), (2, 3)), 6);
    let mut counter = 0;
    let result = catch_unwind(AssertUnwindSafe(|| {
        counter += 1;
        panics_with(&mut counter)
    }));
    assert_eq!(
        result.unwrap_err().downcast_ref::<String>().unwrap(),
        "counter at 2"
    );
    assert_eq!(counter, 2);
}

#[memprof::profile]
fn panics_with(counter: &mut u32) -> u32 {
    *counter += 1;
    panic!("counter at {counter}");
}
