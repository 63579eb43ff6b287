//! The whole heap at one moment: `heap_stats()` and `print_heap_stats()`,
//! Rust's `sys._debugmallocstats()`.

memprof::install!();

fn main() {
    let before = memprof::heap_stats();
    let first: Vec<u8> = Vec::with_capacity(1 << 20);
    let second: Vec<u8> = Vec::with_capacity(2 << 20);
    drop(first);
    let after = memprof::heap_stats();
    println!(
        "live bytes: {} more; peak: {} more than live before",
        after.live_bytes - before.live_bytes,
        after.peak_live_bytes - before.live_bytes
    );
    memprof::print_heap_stats();
    drop(second);
}
