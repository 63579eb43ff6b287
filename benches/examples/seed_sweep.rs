//! The seed workload, profiled against unprofiled, with the heap shifted by
//! a padding allocation made first:
//! `seed_sweep <rounds> <pad bytes> [strings per call]`.
//! `scripts/seed_sweep` runs it at several paddings, because this
//! memory-bound workload's time depends on where the heap lands (see
//! README, Performance). Prints the median of the rounds' ratios, each
//! round's profiled run set against the unprofiled runs on either side, and
//! the time profiling adds per string.
//!
//! Each run makes 200,000 strings: one call of 200,000 by default (200 MB,
//! far more than the caches hold), or as many calls of fewer strings as make
//! 200,000 (`scripts/bench` runs 100 calls of 2,000, whose 2 MB stay in the
//! cache), so that the two show what the same probes cost when the loop
//! streams to memory and when it does not.

use std::hint::black_box;
use std::time::Instant;

use memprof_bench::{seed, seed_profiled, use_backend, Backend, Switch};

#[global_allocator]
static ALLOCATOR: Switch = Switch;

/// Strings per run, whatever the strings per call.
const STRINGS: usize = 200_000;

/// The seconds `calls` calls of `work` take, each call's strings freed
/// outside the time.
fn timed(calls: usize, work: impl Fn() -> Vec<String>) -> f64 {
    let mut seconds = 0.0;
    for _ in 0..calls {
        let start = Instant::now();
        let kept = work();
        seconds += start.elapsed().as_secs_f64();
        drop(kept);
    }
    seconds
}

fn unprofiled(calls: usize, per_call: usize) -> f64 {
    use_backend(Backend::System);
    timed(calls, || seed(black_box(per_call)))
}

fn arg(n: usize, default: usize) -> usize {
    std::env::args()
        .nth(n)
        .map(|a| {
            a.parse()
                .expect("seed_sweep <rounds> <pad bytes> [strings per call]")
        })
        .unwrap_or(default)
}

fn median(mut values: Vec<f64>) -> f64 {
    memprof_bench::median_and_quartiles(&mut values)[0]
}

fn main() {
    let rounds = arg(1, 16).max(1);
    let pad = arg(2, 0);
    let per_call = arg(3, STRINGS).clamp(1, STRINGS);
    let calls = STRINGS / per_call;
    let padding = black_box(vec![0u8; pad + 1]);
    let (mut ratios, mut plain, mut profiled) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let before = unprofiled(calls, per_call);
        use_backend(Backend::Memprof);
        let p = timed(calls, || seed_profiled(black_box(per_call)));
        let after = unprofiled(calls, per_call);
        ratios.push(2.0 * p / (before + after));
        plain.extend([before, after]);
        profiled.push(p);
    }
    drop(padding);
    let (plain, profiled) = (median(plain), median(profiled));
    let strings = (calls * per_call) as f64;
    println!(
        "pad {pad:>5} B: {:.3}×  (unprofiled {:.2} ms, profiled {:.2} ms, +{:.1} ns per string; {} of {per_call} strings)",
        median(ratios),
        plain * 1e3,
        profiled * 1e3,
        (profiled - plain) * 1e9 / strings,
        match calls {
            1 => "1 call".to_string(),
            _ => format!("{calls} calls"),
        },
    );
}
