//! The first thing to run: `cargo run --release --example quickstart`.
//!
//! A function that keeps 100,000 strings of 1,000 bytes. At exit, memprof
//! prints its table to stderr: the `push` line holds the memory, the loop
//! header line carries the iterator, and the signature line counts the call.

memprof::install!();

#[memprof::profile]
fn memory_leak(n: usize) -> Vec<String> {
    let mut data = Vec::new();
    for _ in 0..n {
        data.push("x".repeat(1000));
    }
    data
}

fn main() {
    let data = memory_leak(100_000);
    println!("kept {} strings", data.len());
}
