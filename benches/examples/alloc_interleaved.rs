//! The 64 B alloc+free ratio, memprof against `System`, measured in
//! alternating batches: `alloc_interleaved [rounds]`.
//!
//! Criterion measures one allocator after the other, several seconds apart,
//! and on a shared virtual machine the speed of the host drifts by several
//! percent over that time. Here each round times `System`, then
//! `memprof::Alloc`, then `System` again, 200,000 calls each, and takes the
//! ratio against the two `System` batches either side, so drift cancels out.
//! Prints the median ratio of the rounds and its quartiles, for the calls
//! made outside any profiled function (untracked: the common case) and
//! inside one (every block tracked: its header, its call's record).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::time::Instant;

use memprof_bench::{median_and_quartiles, rounds_from_args};

static MEMPROF: memprof::Alloc = memprof::Alloc::system();

const CALLS: usize = 200_000;

/// Nanoseconds per alloc+free of 64 B through `a`, over `CALLS` pairs.
#[inline(never)]
fn batch<A: GlobalAlloc>(a: &A) -> f64 {
    let layout = Layout::from_size_align(black_box(64), 8).expect("a valid layout");
    let start = Instant::now();
    for _ in 0..CALLS {
        // SAFETY: a non-zero size, and the block is freed with its layout.
        unsafe {
            let p = a.alloc(layout);
            black_box(p);
            a.dealloc(p, layout);
        }
    }
    start.elapsed().as_secs_f64() * 1e9 / CALLS as f64
}

/// `batch` run inside a profiled function, on one of its lines: every
/// block is then tracked.
#[memprof::profile]
fn batch_inside_a_profiled_line<A: GlobalAlloc>(a: &A) -> f64 {
    batch(a)
}

fn main() {
    let rounds = rounds_from_args("alloc_interleaved [rounds]", 200);
    // Warm up every path (memprof's first call claims the thread's block).
    batch(&System);
    batch(&MEMPROF);
    batch_inside_a_profiled_line(&MEMPROF);
    let (mut outside, mut inside) = (Vec::new(), Vec::new());
    let (mut system, mut memprof, mut tracked) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let before = batch(&System);
        let counted = batch(&MEMPROF);
        let in_call = batch_inside_a_profiled_line(&MEMPROF);
        let after = batch(&System);
        outside.push(2.0 * counted / (before + after));
        inside.push(2.0 * in_call / (before + after));
        system.extend([before, after]);
        memprof.push(counted);
        tracked.push(in_call);
    }
    let system = median_and_quartiles(&mut system)[0];
    for (label, times, ratios) in [
        ("inside a profiled line", &mut tracked, &mut inside),
        ("outside profiled code", &mut memprof, &mut outside),
    ] {
        let time = median_and_quartiles(times)[0];
        let [median, q1, q3] = median_and_quartiles(ratios);
        println!(
            "64 B alloc+free {label}, interleaved: memprof {time:.2} ns, System {system:.2} ns: \
             {median:.3}× (quartiles {q1:.3}× to {q3:.3}×, {rounds} rounds)"
        );
    }
}
