//! The profiler allocates nothing while profiled code runs: a profiled
//! function that allocates nothing leaves the process-wide totals untouched.
//! Its own binary and harness, so that no other test allocates meanwhile.

#[path = "common/child.rs"]
mod child;

use std::hint::black_box;

memprof::install!();

#[memprof::profile]
fn allocates_nothing(n: u64) -> u64 {
    let mut total = 0u64;
    for i in 0..n {
        total = total.wrapping_add(i * i);
        if total.is_multiple_of(7) {
            total += 1;
        }
    }
    let mut j = 0;
    while j < 3 {
        j += 1;
    }
    total + j
}

fn process_totals() -> memprof::HeapStats {
    memprof::heap_stats()
}

fn main() {
    child::run_checks(&[
        ("first_call_leaves_no_net_bytes", first_call),
        ("later_calls_allocate_nothing_at_all", later_calls),
        ("nested_and_recursive_calls_allocate_nothing", nested_calls),
    ]);
}

fn first_call() {
    // The first profiled call reads `MEMPROF` from the environment (std
    // allocates the string), with counting suspended; it frees all of it.
    let before = process_totals();
    black_box(allocates_nothing(black_box(1000)));
    let after = process_totals();
    assert_eq!(after.live_bytes, before.live_bytes, "{before:?} {after:?}");
}

fn later_calls() {
    black_box(allocates_nothing(black_box(10)));
    let before = process_totals();
    for _ in 0..100 {
        black_box(allocates_nothing(black_box(1000)));
    }
    let after = process_totals();
    assert_eq!(before, after);
}

#[memprof::profile]
fn outer(depth: u32) -> u64 {
    let here = allocates_nothing(u64::from(depth));
    if depth == 0 {
        return here;
    }
    here + outer(depth - 1)
}

fn nested_calls() {
    black_box(outer(1));
    let before = process_totals();
    black_box(outer(black_box(20)));
    let after = process_totals();
    assert_eq!(before, after);
}
