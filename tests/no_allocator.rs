//! A program that forgot `memprof::install!()` gets one line naming the fix,
//! not a table of zeros.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

#[path = "common/child.rs"]
mod child;

use child::{run, run_checks, text};

#[memprof::profile]
fn unmeasured() -> usize {
    let v = vec![0u8; 100];
    v.len()
}

fn main() {
    match std::env::var(child::SCENARIO).as_deref() {
        Ok("run") => {
            unmeasured();
        }
        Ok(other) => panic!("unknown scenario {other}"),
        Err(_) => run_checks(&[
            ("report_says_the_allocator_is_missing", report_data),
            ("exit_prints_one_line_naming_the_fix", exit_line),
        ]),
    }
}

fn report_data() {
    assert_eq!(unmeasured(), 100);
    let report = memprof::report();
    assert!(!report.allocator_installed);
    // Occurrences do not need the allocator; they are still counted.
    assert_eq!(report.function("unmeasured").unwrap().calls, 1);
    assert_eq!(
        report.to_string(),
        "memprof: no numbers to show: the counting allocator is not installed; add \
         `memprof::install!();` at the crate root of your binary (or test file)\n"
    );
}

fn exit_line() {
    let out = run("run", &[]);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stderr),
        "memprof: no numbers to show: the counting allocator is not installed; add \
         `memprof::install!();` at the crate root of your binary (or test file)\n"
    );
}
