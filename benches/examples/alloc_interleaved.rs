//! The 64 B alloc+free ratio, memprof against `System`, measured in
//! alternating batches: `alloc_interleaved [rounds]`.
//!
//! Criterion measures one allocator after the other, several seconds apart,
//! and on a shared virtual machine the speed of the host drifts by several
//! percent over that time. Here each round times `System`, then
//! `memprof::Alloc`, then `System` again, 200,000 calls each, and takes the
//! ratio against the two `System` batches either side, so drift cancels out.
//! Prints the median ratio of the rounds and its quartiles.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::time::Instant;

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

/// The value at fraction `q` of the sorted `values`.
fn quantile(values: &[f64], q: f64) -> f64 {
    values[((values.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("alloc_interleaved [rounds]"))
        .unwrap_or(200)
        .max(1);
    // Warm up both paths (memprof's first call claims the thread's block).
    batch(&System);
    batch(&MEMPROF);
    let (mut ratios, mut system, mut memprof) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let before = batch(&System);
        let counted = batch(&MEMPROF);
        let after = batch(&System);
        ratios.push(2.0 * counted / (before + after));
        system.extend([before, after]);
        memprof.push(counted);
    }
    for v in [&mut ratios, &mut system, &mut memprof] {
        v.sort_by(f64::total_cmp);
    }
    println!(
        "64 B alloc+free, interleaved: memprof {:.2} ns, System {:.2} ns: {:.3}× (quartiles {:.3}× to {:.3}×, {rounds} rounds)",
        quantile(&memprof, 0.5),
        quantile(&system, 0.5),
        quantile(&ratios, 0.5),
        quantile(&ratios, 0.25),
        quantile(&ratios, 0.75),
    );
}
