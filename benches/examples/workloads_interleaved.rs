//! The word index and `HashMap` churn workloads, profiled against
//! unprofiled, in alternating runs: `workloads_interleaved [rounds]`.
//!
//! Criterion times one variant after the other, seconds apart, and on a
//! shared virtual machine whose speed drifts that can put the unprofiled
//! run above the profiled one. Here each round times the unprofiled
//! workload, the profiled one, and the unprofiled one again, and sets the
//! profiled time against the two either side. Prints the median ratio of
//! the rounds and its quartiles, per workload.

use std::hint::black_box;
use std::time::Instant;

use memprof_bench::{
    churn, churn_profiled, generate_text, median_and_quartiles, rounds_from_args, use_backend,
    word_index, word_index_profiled, Backend, Switch,
};

#[global_allocator]
static ALLOCATOR: Switch = Switch;

const CHURN_ROUNDS: u64 = 200_000;

/// Seconds `work` takes on `backend`; its result is dropped outside the
/// time.
fn timed<R>(backend: Backend, work: impl FnOnce() -> R) -> f64 {
    use_backend(backend);
    let start = Instant::now();
    let result = black_box(work());
    let seconds = start.elapsed().as_secs_f64();
    drop(result);
    use_backend(Backend::System);
    seconds
}

/// Alternating rounds of `plain` and `profiled`; prints their ratio.
fn compare<R>(label: &str, rounds: usize, plain: impl Fn() -> R, profiled: impl Fn() -> R) {
    timed(Backend::System, &plain);
    timed(Backend::Memprof, &profiled);
    let (mut ratios, mut plain_ms, mut profiled_ms) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let before = timed(Backend::System, &plain);
        let with = timed(Backend::Memprof, &profiled);
        let after = timed(Backend::System, &plain);
        ratios.push(2.0 * with / (before + after));
        plain_ms.extend([before * 1e3, after * 1e3]);
        profiled_ms.push(with * 1e3);
    }
    let [median, q1, q3] = median_and_quartiles(&mut ratios);
    println!(
        "{label}, profiled / unprofiled, alternating runs: {median:.3}× (quartiles {q1:.3}× to \
         {q3:.3}×, {rounds} rounds; unprofiled {:.2} ms, profiled {:.2} ms)",
        median_and_quartiles(&mut plain_ms)[0],
        median_and_quartiles(&mut profiled_ms)[0],
    );
}

fn main() {
    let rounds = rounds_from_args("workloads_interleaved [rounds]", 30);
    let text = generate_text(20_000, 12);
    compare(
        "word index over 20,000 lines",
        rounds,
        || word_index(&text),
        || word_index_profiled(&text),
    );
    compare(
        "HashMap<u64, Vec<u64>> churn",
        rounds,
        || churn(CHURN_ROUNDS),
        || churn_profiled(CHURN_ROUNDS),
    );
}
