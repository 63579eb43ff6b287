//! Memory budgets in tests: `#[profile(max_peak = .., max_increment = ..,
//! max_retained = ..)]`
//! panics with the lines to blame; `capture` gives a test its own numbers
//! while other tests allocate on other threads.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

// Allocations are kept observable with `black_box` where an optimised
// build could otherwise drop them (only their length is read).
use std::hint::black_box;

mod common;

use std::panic::catch_unwind;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Barrier;

use common::Figures;
use memprof::capture;

memprof::install!();

/// The line number of the first line of this file containing `text`.
fn line_of(text: &str) -> u32 {
    common::line_in(include_str!("budgets.rs"), text)
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => payload.downcast_ref::<&str>().unwrap().to_string(),
    }
}

#[memprof::profile(max_peak = "2 MiB", max_increment = "0 B")]
fn within_budget() -> usize {
    let a = vec![0u8; 1 << 20];
    let b = vec![0u8; 1 << 19];
    a.len() + b.len()
}

#[test]
fn a_budget_that_holds_passes() {
    assert_eq!(within_budget(), 3 << 19);
    assert_eq!(within_budget(), 3 << 19);
}

#[memprof::profile(max_peak = "1 MiB")]
fn over_peak() -> usize {
    let small = vec![0u8; 1000];
    let big = vec![0u8; 3 << 20];
    let medium = vec![0u8; 1 << 20];
    black_box(&small).len() + black_box(&big).len() + black_box(&medium).len()
}

#[test]
fn an_exceeded_peak_names_the_budget_the_figure_and_the_lines() {
    let message = panic_message(catch_unwind(over_peak).unwrap_err());
    let expected = format!(
        "memprof: budgets::over_peak is over its budget max_peak = \"1 MiB\" (1048576 B): the \
         call peaked 4195304 B (4.0 MiB) above its entry; the lines with the largest peak:\n  \
         line {}: 3145728 B (3.0 MiB): let big = vec![0u8; 3 << 20];\n  \
         line {}: 1048576 B (1.0 MiB): let medium = vec![0u8; 1 << 20];\n  \
         line {}: 1000 B (1000 B): let small = vec![0u8; 1000];",
        line_of("let big = vec![0u8; 3 << 20];"),
        line_of("let medium = vec![0u8; 1 << 20];"),
        line_of("let small = vec![0u8; 1000];"),
    );
    assert_eq!(message, expected);
}

#[memprof::profile(max_peak = "64 B", max_increment = "0 B")]
fn leaks(cache: &mut Vec<String>) {
    let entry = "x".repeat(100);
    cache.push(entry);
}

#[test]
fn an_exceeded_increment_names_the_lines_that_kept_memory() {
    let mut cache = Vec::new();
    let message = panic_message(catch_unwind(move || leaks(&mut cache)).unwrap_err());
    // The call keeps the 100-byte string and the Vec's first buffer of 4
    // slots of 24 bytes; both budgets are over, each explained.
    let expected = format!(
        "memprof: budgets::leaks is over its budget max_peak = \"64 B\" (64 B): the call peaked \
         196 B (196 B) above its entry; the lines with the largest peak:\n  \
         line {repeat}: 100 B (100 B): let entry = \"x\".repeat(100);\n  \
         line {push}: 96 B (96 B): cache.push(entry);\n\
         memprof: budgets::leaks is over its budget max_increment = \"0 B\" (0 B): the call left \
         196 B (196 B) allocated and not freed; the lines with the largest increment:\n  \
         line {repeat}: 100 B (100 B): let entry = \"x\".repeat(100);\n  \
         line {push}: 96 B (96 B): cache.push(entry);",
        push = line_of("cache.push(entry);"),
        repeat = line_of("let entry = \"x\".repeat(100);"),
    );
    assert_eq!(message, expected);
}

#[memprof::profile(max_retained = "1 KiB")]
fn builds(n: usize) -> Vec<u8> {
    let scratch = vec![0u8; 4096];
    let kept = vec![1u8; n];
    drop(black_box(scratch));
    kept
}

#[test]
fn an_exceeded_retained_names_the_lines_whose_bytes_outlived_the_call() {
    // A 4 KiB temporary and 1000 B returned: within 1 KiB retained.
    assert_eq!(builds(1000).len(), 1000);
    let message = panic_message(catch_unwind(|| builds(2000)).unwrap_err());
    let expected = format!(
        "memprof: budgets::builds is over its budget max_retained = \"1 KiB\" (1024 B): the call \
         retained 2000 B (2.0 KiB) still live when it returned; the lines with the largest \
         retained:\n  line {kept}: 2000 B (2.0 KiB): let kept = vec![1u8; n];",
        kept = line_of("let kept = vec![1u8; n];"),
    );
    assert_eq!(message, expected);
}

#[memprof::profile]
fn steady() -> usize {
    let v = vec![0u8; 4096];
    black_box(&v).len()
}

#[test]
fn capture_sees_only_this_threads_calls_while_another_thread_allocates() {
    let stop = AtomicBool::new(false);
    let started = Barrier::new(2);
    std::thread::scope(|s| {
        s.spawn(|| {
            started.wait();
            while !stop.load(Ordering::Relaxed) {
                assert_eq!(steady(), 4096);
                drop(std::hint::black_box(vec![1u8; 8 << 20]));
            }
        });
        started.wait();
        let (total, report) = capture(|| (0..100).map(|_| steady()).sum::<usize>());
        stop.store(true, Ordering::Relaxed);
        assert_eq!(total, 409_600);
        assert_eq!(report.functions.len(), 1);
        let f = report.function("steady").unwrap();
        assert_eq!(f.calls, 100);
        let line = f.line_containing("vec![0u8; 4096]").unwrap().stats.unwrap();
        assert_eq!(
            (
                line.occurrences,
                line.allocs,
                line.allocated,
                line.freed,
                line.increment,
                line.peak
            ),
            (100, 100, 409_600, 0, 409_600, 4096)
        );
        let close = f.lines.last().unwrap().stats.unwrap();
        assert_eq!((close.occurrences, close.freed), (100, 409_600));
    });
}

#[memprof::profile]
fn per_test(n: usize) -> usize {
    let v = vec![0u8; n];
    black_box(&v).len()
}

/// Calls `per_test(size)` `calls` times inside a capture; the figures of
/// its allocating line.
fn captured(calls: usize, size: usize) -> Figures {
    let (_, report) = capture(|| {
        for _ in 0..calls {
            per_test(size);
        }
    });
    let line = report
        .function("per_test")
        .unwrap()
        .line_containing("vec![0u8; n]")
        .unwrap();
    Figures::of(line.stats.unwrap())
}

/// The figures of `calls` calls allocating `size` bytes each, once.
fn each_allocating(calls: u64, size: u64) -> Figures {
    Figures {
        occurrences: calls,
        allocs: calls,
        allocated: calls * size,
        increment: (calls * size) as i64,
        peak: size,
        ..Figures::default()
    }
}

#[test]
fn parallel_test_one_has_its_own_numbers() {
    assert_eq!(captured(300, 1 << 16), each_allocating(300, 1 << 16));
}

#[test]
fn parallel_test_two_has_its_own_numbers() {
    assert_eq!(captured(500, 1 << 10), each_allocating(500, 1 << 10));
}

#[memprof::profile]
fn outer_running() -> (usize, memprof::Report) {
    let before = vec![0u8; 5000];
    let (n, report) = capture(|| per_test(100));
    let after = vec![0u8; 7000];
    (
        n + black_box(&before).len() + black_box(&after).len(),
        report,
    )
}

#[test]
fn a_capture_inside_a_profiled_call_holds_only_what_ran_inside_it() {
    let (n, report) = outer_running();
    assert_eq!(n, 12100);
    // The capture holds `per_test`'s call, and the part of `outer_running`'s
    // line that ran inside it; not `before`, not `after`.
    let inner = report.function("per_test").unwrap();
    assert_eq!(inner.calls, 1);
    let outer = report.function("outer_running").unwrap();
    assert_eq!(outer.calls, 0);
    let capture_line = outer.line_containing("capture(||").unwrap().stats.unwrap();
    assert_eq!((capture_line.allocs, capture_line.allocated), (1, 100));
    assert!(outer.line_containing("let before").unwrap().stats.is_none());
    assert!(outer.line_containing("let after").unwrap().stats.is_none());
}
