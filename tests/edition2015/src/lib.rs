//! Edition-2015 code under `#[profile]`: crates are reached through
//! `extern crate`, so `::core` is not a path there, and the generated code
//! (the site, a budget and its panic) must not use it.

extern crate memprof;

/// A zeroed buffer of `bytes`, held to a budget: its panic is generated
/// code too.
#[memprof::profile(max_peak = "1 KiB")]
pub fn buffer(bytes: usize) -> Vec<u8> {
    let zeroed = vec![0u8; bytes];
    zeroed
}

/// A counter whose methods are profiled as a block.
pub struct Counter {
    /// The count.
    pub n: u64,
}

#[memprof::profile]
impl Counter {
    /// Adds one, returning the counter.
    pub fn bump(&mut self) -> &mut Counter {
        self.n += 1;
        self
    }

    /// The count, boxed.
    pub fn boxed(&self) -> Box<u64> {
        Box::new(self.n)
    }
}
