//! Exact per-line figures: bytes, allocation calls, peaks and occurrences.
//!
//! Each test profiles its own function, and every figure asserted here is
//! counted per thread, so the tests may run in parallel in one process.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

// Allocations are kept observable with `black_box` where an optimised
// build could otherwise drop them (only their length is read).
use std::hint::black_box;

mod common;

use common::{closing, stats, Figures};
use memprof::report;

memprof::install!();

#[memprof::profile]
fn one_mebibyte() -> usize {
    let buffer = black_box(Vec::<u8>::with_capacity(1 << 20));
    buffer.capacity()
}

#[test]
fn a_vec_with_capacity_is_exactly_its_bytes_and_drops_on_the_closing_brace() {
    assert_eq!(one_mebibyte(), 1 << 20);
    let r = report();
    // (occurrences, allocs, allocated, freed, increment, peak)
    assert_eq!(
        Figures::of(stats(&r, "one_mebibyte", "with_capacity")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 1_048_576,
            freed: 0,
            increment: 1_048_576,
            peak: 1_048_576,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "one_mebibyte", "buffer.capacity()")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
    assert_eq!(
        Figures::of(closing(&r, "one_mebibyte")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 1_048_576,
            increment: -1_048_576,
            peak: 0,
        }
    );
    let signature = stats(&r, "one_mebibyte", "fn one_mebibyte");
    assert_eq!(
        Figures::of(signature),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
    assert_eq!(r.function("one_mebibyte").unwrap().calls, 1);
}

// The temporary is made and dropped on a line of its own.
#[allow(clippy::let_and_return)]
#[memprof::profile]
fn temporary() -> usize {
    let n = black_box(vec![0u8; 1 << 20]).len();
    n
}

#[test]
fn a_temporary_shows_in_peak_but_not_in_increment() {
    assert_eq!(temporary(), 1 << 20);
    let r = report();
    assert_eq!(
        Figures::of(stats(&r, "temporary", "vec![0u8; 1 << 20]")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 1_048_576,
            freed: 1_048_576,
            increment: 0,
            peak: 1_048_576,
        }
    );
}

#[memprof::profile]
#[rustfmt::skip]
fn two_on_one_line() -> usize {
    let a = vec![1u8; 100]; let b = vec![2u8; 200];
    black_box(&a).len() + black_box(&b).len()
}

#[test]
fn two_statements_on_one_line_merge_into_one_row() {
    assert_eq!(two_on_one_line(), 300);
    let r = report();
    assert_eq!(
        Figures::of(stats(&r, "two_on_one_line", "let a = vec!")),
        Figures {
            occurrences: 1,
            allocs: 2,
            allocated: 300,
            freed: 0,
            increment: 300,
            peak: 300,
        }
    );
    assert_eq!(
        Figures::of(closing(&r, "two_on_one_line")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 300,
            increment: -300,
            peak: 0,
        }
    );
}

#[memprof::profile]
fn loops(n: usize) -> usize {
    let mut total = 0;
    for i in 0..n {
        total += i;
    }
    let mut j = 0;
    while j < n {
        j += 1;
    }
    let mut k = 0;
    loop {
        k += 1;
        if k == n {
            break;
        }
    }
    let mut stack = vec![0u32; n];
    while let Some(top) = black_box(&mut stack).pop() {
        total += top as usize;
    }
    total + j + k
}

#[test]
fn loop_headers_count_iterations_plus_one_and_bodies_count_iterations() {
    assert_eq!(loops(5), 20);
    let r = report();
    let occurrences = |text| stats(&r, "loops", text).occurrences;
    assert_eq!(occurrences("for i in 0..n"), 6);
    assert_eq!(occurrences("total += i;"), 5);
    assert_eq!(occurrences("while j < n"), 6);
    assert_eq!(occurrences("j += 1;"), 5);
    assert_eq!(occurrences("loop {"), 6);
    assert_eq!(occurrences("k += 1;"), 5);
    assert_eq!(occurrences("if k == n"), 5);
    assert_eq!(occurrences("break;"), 1);
    assert_eq!(occurrences("while let Some(top)"), 6);
    assert_eq!(occurrences("total += top"), 5);
    assert_eq!(occurrences("total + j + k"), 1);
    assert_eq!(
        Figures::of(stats(&r, "loops", "vec![0u32; n]")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 20,
            freed: 0,
            increment: 20,
            peak: 20,
        }
    );
    assert_eq!(
        Figures::of(closing(&r, "loops")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 20,
            increment: -20,
            peak: 0,
        }
    );
}

// Expressions led by a block, which the probes put where a statement
// starts: yansi's `while { v = load(); v } == INITING`, and a `return` of
// one. Each must keep its meaning (they did not build before).
#[memprof::profile]
fn block_led_expressions(n: usize) -> usize {
    let mut left = n;
    let mut total = 0;
    while {
        total += black_box(vec![0u8; 16]).len();
        left -= 1;
        left
    } != 0
    {
        total += 1;
    }
    if n > 100 {
        return { n } + total;
    }
    n * 2 + total
}

#[test]
fn an_expression_led_by_a_block_keeps_its_meaning_and_its_figures() {
    assert_eq!(block_led_expressions(4), 75);
    assert_eq!(block_led_expressions(101), 1_817);
    let r = report();
    let occurrences = |text| stats(&r, "block_led_expressions", text).occurrences;
    assert_eq!(occurrences("while {"), 105);
    assert_eq!(
        Figures::of(stats(&r, "block_led_expressions", "vec![0u8; 16]")),
        Figures {
            occurrences: 105,
            allocs: 105,
            allocated: 1_680,
            freed: 1_680,
            increment: 0,
            peak: 16,
        }
    );
    assert_eq!(occurrences("total += 1;"), 103);
    assert_eq!(occurrences("return { n }"), 1);
    assert_eq!(occurrences("n * 2 + total"), 1);
}

#[memprof::profile]
fn iterator_allocates() -> usize {
    let mut total = 0;
    for v in (1..=3).map(|i| vec![0u8; 100 * i]) {
        total += black_box(&v).len();
    }
    total
}

#[test]
fn what_a_for_loop_iterator_allocates_belongs_to_the_header() {
    assert_eq!(iterator_allocates(), 600);
    let r = report();
    // (occurrences, allocs, allocated, freed, increment, peak)
    assert_eq!(
        Figures::of(stats(&r, "iterator_allocates", "for v in")),
        Figures {
            occurrences: 4,
            allocs: 3,
            allocated: 600,
            freed: 0,
            increment: 600,
            peak: 300,
        }
    );
    // The loop variable drops at the end of each pass through the body.
    assert_eq!(
        Figures::of(stats(
            &r,
            "iterator_allocates",
            "total += black_box(&v).len()"
        )),
        Figures {
            occurrences: 3,
            allocs: 0,
            allocated: 0,
            freed: 600,
            increment: -600,
            peak: 0,
        }
    );
}

#[memprof::profile]
fn early(flag: bool) -> usize {
    let big = vec![0u8; 4096];
    if flag {
        return black_box(&big).len();
    }
    let more = vec![0u8; 8192];
    black_box(&big).len() + black_box(&more).len()
}

#[test]
fn locals_dropped_by_an_early_return_show_on_the_closing_brace() {
    assert_eq!(early(true), 4096);
    assert_eq!(early(false), 12288);
    let r = report();
    assert_eq!(r.function("early").unwrap().calls, 2);
    assert_eq!(
        Figures::of(stats(&r, "early", "let big")),
        Figures {
            occurrences: 2,
            allocs: 2,
            allocated: 8192,
            freed: 0,
            increment: 8192,
            peak: 4096,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "early", "return black_box(&big).len()")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "early", "let more")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 8192,
            freed: 0,
            increment: 8192,
            peak: 8192,
        }
    );
    assert_eq!(
        Figures::of(closing(&r, "early")),
        Figures {
            occurrences: 2,
            allocs: 0,
            allocated: 0,
            freed: 16384,
            increment: -16384,
            peak: 0,
        }
    );
}

#[memprof::profile]
fn recurse(depth: usize) -> usize {
    let block = vec![0u8; 1000];
    let below = if depth > 0 { recurse(depth - 1) } else { 0 };
    black_box(&block).len() + below
}

#[test]
fn a_recursive_function_counts_each_byte_once() {
    assert_eq!(recurse(3), 4000);
    let r = report();
    let f = r.function("recurse").unwrap();
    assert_eq!(f.calls, 4);
    assert_eq!(
        Figures::of(stats(&r, "recurse", "let block")),
        Figures {
            occurrences: 4,
            allocs: 4,
            allocated: 4000,
            freed: 0,
            increment: 4000,
            peak: 1000,
        }
    );
    // The recursive call's bytes are already on the rows of the inner calls.
    let call = stats(&r, "recurse", "let below");
    assert_eq!(
        (call.occurrences, call.allocs, call.allocated, call.freed),
        (4, 0, 0, 0)
    );
    assert_eq!(
        Figures::of(closing(&r, "recurse")),
        Figures {
            occurrences: 4,
            allocs: 0,
            allocated: 0,
            freed: 4000,
            increment: -4000,
            peak: 0,
        }
    );
    let (allocated, freed): (u64, u64) = f
        .lines
        .iter()
        .filter_map(|l| l.stats)
        .fold((0, 0), |(a, d), s| (a + s.allocated, d + s.freed));
    assert_eq!((allocated, freed), (4000, 4000));
}

#[memprof::profile]
fn nests(level: u32) -> usize {
    match level {
        0 => 0,
        1 => black_box(vec![0u8; 1000]).len(),
        _ => nests(0) + nests(1),
    }
}

#[test]
fn a_nested_call_after_one_that_ended_quietly_is_left_out_of_the_outer_line() {
    // The first call makes the function's table: the nested calls below
    // start the common way. `nests(0)` ends without allocating; `nests(1)`
    // after it must still find the outer call as the enclosing call of its
    // function, which leaves its bytes out of the line running it.
    assert_eq!(nests(0), 0);
    assert_eq!(nests(2), 1000);
    let r = report();
    assert_eq!(
        Figures::of(stats(&r, "nests", "_ => nests(0) + nests(1)")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 1000,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "nests", "1 => black_box(vec![0u8; 1000]).len()")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 1000,
            freed: 1000,
            increment: 0,
            peak: 1000,
        }
    );
}

#[memprof::profile]
fn chain_leaf() -> Vec<u8> {
    let mut v = Vec::with_capacity(4096);
    v.push(1u8);
    v
}

#[memprof::profile]
fn chain_middle() -> usize {
    let quiet = black_box(3usize) * 2;
    let v = chain_leaf();
    v.len() + quiet
}

#[memprof::profile]
fn chain_top() -> usize {
    let before = black_box(1usize);
    let n = chain_middle();
    n + before
}

#[test]
fn three_calls_deep_only_the_innermost_allocates() {
    // The first run makes the functions' tables; in the second, none of the
    // three calls has seen the thread allocate when the innermost does, so
    // an optimised runtime finishes starting all three there, outermost
    // first (`collect/call.rs`, "Lazy starts"). Both runs count the same.
    for _ in 0..2 {
        assert_eq!(chain_top(), 8);
    }
    let r = report();
    assert_eq!(
        Figures::of(stats(&r, "chain_top", "let n = chain_middle()")),
        Figures {
            occurrences: 2,
            allocs: 2,
            allocated: 8192,
            freed: 8192,
            increment: 0,
            peak: 4096,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "chain_top", "let before = black_box(1usize)")),
        Figures {
            occurrences: 2,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "chain_middle", "let v = chain_leaf()")),
        Figures {
            occurrences: 2,
            allocs: 2,
            allocated: 8192,
            freed: 0,
            increment: 8192,
            peak: 4096,
        }
    );
    assert_eq!(
        Figures::of(closing(&r, "chain_middle")),
        Figures {
            occurrences: 2,
            allocs: 0,
            allocated: 0,
            freed: 8192,
            increment: -8192,
            peak: 0,
        }
    );
    assert_eq!(
        Figures::of(stats(
            &r,
            "chain_leaf",
            "let mut v = Vec::with_capacity(4096)"
        )),
        Figures {
            occurrences: 2,
            allocs: 2,
            allocated: 8192,
            freed: 0,
            increment: 8192,
            peak: 4096,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "chain_leaf", "v.push(1u8)")),
        Figures {
            occurrences: 2,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
}

#[memprof::profile]
fn callee() -> Vec<u8> {
    let v = vec![7u8; 2048];
    v
}

#[memprof::profile]
fn transient_callee() -> usize {
    let scratch = vec![0u8; 1 << 16];
    black_box(&scratch).len()
}

#[memprof::profile]
fn caller() -> usize {
    let kept = callee();
    let n = transient_callee();
    black_box(&kept).len() + n
}

#[test]
fn a_call_carries_its_callees_bytes_and_peak() {
    assert_eq!(caller(), 2048 + 65536);
    let r = report();
    assert_eq!(
        Figures::of(stats(&r, "caller", "let kept = callee()")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 2048,
            freed: 0,
            increment: 2048,
            peak: 2048,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "caller", "let n = transient_callee()")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 65536,
            freed: 65536,
            increment: 0,
            peak: 65536,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "callee", "let v = vec![7u8; 2048]")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 2048,
            freed: 0,
            increment: 2048,
            peak: 2048,
        }
    );
    assert_eq!(
        Figures::of(closing(&r, "transient_callee")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 65536,
            increment: -65536,
            peak: 0,
        }
    );
    assert_eq!(
        Figures::of(closing(&r, "caller")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 2048,
            increment: -2048,
            peak: 0,
        }
    );
}

/// Not profiled: makes a temporary and frees it.
fn temporary_freed() -> usize {
    let scratch = vec![0u8; 4096];
    black_box(&scratch).len()
}

#[memprof::profile]
fn adds_one(x: usize) -> usize {
    x + 1
}

#[memprof::profile]
fn temporary_then_call() -> usize {
    // Its first call on the thread is set up apart: the call below is a
    // call of a function that has its table, the common start.
    let warm = adds_one(0);
    let n = temporary_freed() + adds_one(warm);
    black_box(n)
}

#[test]
fn a_call_gives_back_the_peak_its_line_reached_before_it() {
    // The temporary is made and freed before `adds_one` starts, on the same
    // line: the call starts its own lines' peaks afresh, and gives the
    // line's high back when it ends.
    assert_eq!(temporary_then_call(), 4098);
    let r = report();
    assert_eq!(
        Figures::of(stats(
            &r,
            "temporary_then_call",
            "let n = temporary_freed() + adds_one(warm)"
        )),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 4096,
            freed: 4096,
            increment: 0,
            peak: 4096,
        }
    );
}

#[memprof::profile]
fn frees_a_temporary() -> usize {
    let scratch = black_box(vec![0u8; 100]);
    scratch.len()
}

#[memprof::profile]
fn calls_below_zero() -> usize {
    let n = frees_a_temporary();
    black_box(n)
}

#[test]
fn a_call_on_a_thread_that_freed_more_than_it_allocated_peaks_at_its_own_bytes() {
    let given = vec![0u8; 1 << 20];
    std::thread::spawn(move || {
        // This thread's net bytes go 1 MiB below zero, and stay there.
        drop(given);
        // Makes the callee's table: the call below starts the common way.
        black_box(frees_a_temporary());
        black_box(calls_below_zero());
    })
    .join()
    .unwrap();
    let r = report();
    assert_eq!(
        Figures::of(stats(&r, "calls_below_zero", "let n = frees_a_temporary()")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 100,
            freed: 100,
            increment: 0,
            peak: 100,
        }
    );
}

#[memprof::profile]
fn arms(values: &[u8]) -> usize {
    let mut small = Vec::new();
    let mut total = 0;
    for v in values {
        match v {
            0 => small.push(vec![0u8; 10]),
            1 => total += black_box(vec![0u8; 1000]).len(),
            _ => {
                total += 1;
            }
        }
    }
    total + black_box(&small).len()
}

#[test]
fn each_match_arm_has_its_own_row() {
    assert_eq!(arms(&[0, 0, 1, 2]), 1003);
    let r = report();
    // (occurrences, allocs, allocated, freed, increment, peak)
    assert_eq!(
        Figures::of(stats(&r, "arms", "match v {")),
        Figures {
            occurrences: 4,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
    // Two 10-byte vectors, and `small` growing to 4 × 24 bytes once.
    assert_eq!(
        Figures::of(stats(&r, "arms", "0 => small.push")),
        Figures {
            occurrences: 2,
            allocs: 3,
            allocated: 116,
            freed: 0,
            increment: 116,
            peak: 106,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "arms", "1 => total += black_box(vec!")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 1000,
            freed: 1000,
            increment: 0,
            peak: 1000,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "arms", "total += 1;")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
}
