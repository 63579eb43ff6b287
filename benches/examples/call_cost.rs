//! What a profiled call costs, and a statement in a loop: each function
//! against the same function unprofiled, in alternating batches so that the
//! host's drift cancels out. Built in release or in debug (as `cargo test`
//! builds), run with or without `MEMPROF=off`; `scripts/bench` runs all
//! four. An argument runs only the rows whose name contains it. Prints one
//! line per row: the median extra nanoseconds over 40 rounds, and the
//! quartiles.

use std::hint::black_box;
use std::time::Instant;

use memprof_bench::{call_cost_configuration, CALL_COST_ROWS};

memprof::install!();

const ROUNDS: usize = 40;

/// Nanoseconds per call of `f` over `calls` calls.
#[inline(never)]
fn batch(f: fn(u64) -> u64, calls: u64) -> f64 {
    let start = Instant::now();
    let mut x = black_box(1u64);
    for _ in 0..calls {
        x = f(black_box(x));
    }
    black_box(x);
    start.elapsed().as_secs_f64() * 1e9 / calls as f64
}

/// The median and quartiles of the extra nanoseconds of `profiled` over
/// `plain`, per call, divided by `per`.
fn extra(plain: fn(u64) -> u64, profiled: fn(u64) -> u64, calls: u64, per: f64) -> [f64; 3] {
    batch(plain, calls);
    batch(profiled, calls);
    let mut extras: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let before = batch(plain, calls);
            let with = batch(profiled, calls);
            let after = batch(plain, calls);
            (with - (before + after) / 2.0) / per
        })
        .collect();
    memprof_bench::median_and_quartiles(&mut extras)
}

fn main() {
    let configuration = call_cost_configuration();
    // Fewer calls in a debug build, where each is tens of times slower.
    let scale = if cfg!(debug_assertions) { 10 } else { 1 };
    // An argument picks the rows whose name contains it.
    let only = std::env::args().nth(1).unwrap_or_default();
    for row in CALL_COST_ROWS.iter().filter(|row| row.what.contains(&only)) {
        let calls = 200_000 / row.weight / scale;
        let [median, low, high] = extra(row.plain, row.profiled, calls, row.per as f64);
        println!(
            "call cost ({configuration}): {}: {median:+.2} ns (quartiles {low:.2} to {high:.2})",
            row.what
        );
    }
}
