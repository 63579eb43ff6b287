//! The seed workload, profiled against unprofiled, with the heap shifted by
//! a padding allocation made first: `seed_sweep <rounds> <pad bytes>`.
//! `scripts/seed_sweep` runs it at several paddings, because this
//! memory-bound workload's time depends on where the heap lands (see
//! README, Performance). Prints the median of the rounds' ratios, each
//! round's profiled run set against the unprofiled runs on either side.

use std::hint::black_box;
use std::time::Instant;

use memprof_bench::{seed, seed_profiled, use_backend, Backend, Switch};

#[global_allocator]
static ALLOCATOR: Switch = Switch;

const STRINGS: usize = 200_000;

fn timed(work: impl FnOnce() -> Vec<String>) -> f64 {
    let start = Instant::now();
    let kept = work();
    let seconds = start.elapsed().as_secs_f64();
    drop(kept);
    seconds
}

fn unprofiled() -> f64 {
    use_backend(Backend::System);
    timed(|| seed(black_box(STRINGS)))
}

fn arg(n: usize, default: usize) -> usize {
    std::env::args()
        .nth(n)
        .map(|a| a.parse().expect("seed_sweep <rounds> <pad bytes>"))
        .unwrap_or(default)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let rounds = arg(1, 16).max(1);
    let pad = arg(2, 0);
    let padding = black_box(vec![0u8; pad + 1]);
    let (mut ratios, mut plain, mut profiled) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let before = unprofiled();
        use_backend(Backend::Memprof);
        let p = timed(|| seed_profiled(black_box(STRINGS)));
        let after = unprofiled();
        ratios.push(2.0 * p / (before + after));
        plain.extend([before, after]);
        profiled.push(p);
    }
    drop(padding);
    println!(
        "pad {pad:>5} B: {:.3}×  (unprofiled {:.2} ms, profiled {:.2} ms)",
        median(ratios),
        median(plain) * 1e3,
        median(profiled) * 1e3
    );
}
