//! memory_profiler's classic example, in Rust:
//!
//! ```python
//! @profile
//! def my_func():
//!     a = [1] * (10 ** 6)
//!     b = [2] * (2 * 10 ** 7)
//!     del b
//!     return a
//! ```
//!
//! once, and inside a loop. Run `cargo run --release --example classic`.
//! Where memory_profiler shows the freed `b` as a negative increment only if
//! the OS took the pages back, memprof shows the exact 160,000,000 bytes,
//! and the Peak column shows the moment both vectors were alive.

memprof::install!();

#[memprof::profile]
fn my_func() -> Vec<u64> {
    let a = vec![1u64; 10usize.pow(6)];
    let b = vec![2u64; 2 * 10usize.pow(7)];
    drop(b);
    a
}

#[memprof::profile]
fn my_func_in_a_loop(rounds: usize) -> usize {
    let mut kept = 0;
    for _ in 0..rounds {
        let a = vec![1u64; 10usize.pow(6)];
        let b = vec![2u64; 2 * 10usize.pow(7)];
        drop(b);
        kept += a.len();
    }
    kept
}

fn main() {
    let a = my_func();
    let kept = my_func_in_a_loop(3);
    println!("a has {} items; the loop kept {kept} in total", a.len());
}
