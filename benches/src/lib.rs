//! Workloads and the switchable allocator shared by memprof's benchmarks.
//!
//! Every workload exists twice from one body: a plain function and the same
//! function under `#[memprof::profile]`, so that profiled and unprofiled
//! runs are measured in the same binary and the same run.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// Which allocator [`Switch`] forwards to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Backend {
    /// `std::alloc::System`: the unprofiled baseline.
    System = 0,
    /// `memprof::Alloc`.
    Memprof = 1,
    /// `dhat::Alloc` (heap profiling when a `dhat::Profiler` runs).
    Dhat = 2,
}

static BACKEND: AtomicU8 = AtomicU8::new(Backend::System as u8);

/// Selects the allocator for what follows. All three allocate from the
/// system allocator underneath, so a block may be freed by another backend
/// than the one that allocated it (only the counters of that one miss it).
pub fn use_backend(backend: Backend) {
    BACKEND.store(backend as u8, Ordering::SeqCst);
}

/// A global allocator that forwards to the selected [`Backend`]; the
/// benchmark binaries install it, so that each backend is measured in the
/// same process. The dispatch costs one relaxed load and a predictable
/// branch, paid by every backend alike.
pub struct Switch;

unsafe impl GlobalAlloc for Switch {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match BACKEND.load(Ordering::Relaxed) {
            1 => memprof::Alloc::system().alloc(layout),
            2 => dhat::Alloc.alloc(layout),
            _ => System.alloc(layout),
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match BACKEND.load(Ordering::Relaxed) {
            1 => memprof::Alloc::system().dealloc(ptr, layout),
            2 => dhat::Alloc.dealloc(ptr, layout),
            _ => System.dealloc(ptr, layout),
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        match BACKEND.load(Ordering::Relaxed) {
            1 => memprof::Alloc::system().realloc(ptr, layout, new_size),
            2 => dhat::Alloc.realloc(ptr, layout, new_size),
            _ => System.realloc(ptr, layout, new_size),
        }
    }
}

/// Defines a workload twice from one body: `$plain` as written and
/// `$profiled` under `#[memprof::profile]`.
macro_rules! plain_and_profiled {
    ($(#[$doc:meta])* fn $plain:ident / $profiled:ident ($($arg:ident : $ty:ty),*) -> $ret:ty $body:block) => {
        $(#[$doc])*
        #[inline(never)]
        pub fn $plain($($arg: $ty),*) -> $ret $body

        $(#[$doc])*
        #[doc = "(profiled)"]
        #[inline(never)]
        #[memprof::profile]
        pub fn $profiled($($arg: $ty),*) -> $ret $body
    };
}

plain_and_profiled! {
    /// Statements that never allocate: four probes per iteration (the
    /// header and three statements).
    fn arithmetic / arithmetic_profiled(n: u64) -> u64 {
        let mut a = 0u64;
        for i in 0..n {
            a = a.wrapping_add(i);
            a ^= a >> 3;
            a = a.rotate_left(5);
        }
        a
    }
}

/// Executed statements (probes) per iteration of [`arithmetic`].
pub const ARITHMETIC_PROBES_PER_ITERATION: u64 = 4;

plain_and_profiled! {
    /// The seed workload: append `n` strings of 1,000 bytes.
    fn seed / seed_profiled(n: usize) -> Vec<String> {
        let mut data = Vec::new();
        for _ in 0..n {
            data.push("x".repeat(1000));
        }
        data
    }
}

plain_and_profiled! {
    /// Which lines each word occurs on.
    fn word_index / word_index_profiled(text: &[String]) -> HashMap<String, Vec<usize>> {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (number, line) in text.iter().enumerate() {
            for word in line.split_whitespace() {
                match index.get_mut(word) {
                    Some(postings) => postings.push(number),
                    None => {
                        index.insert(word.to_string(), vec![number]);
                    }
                }
            }
        }
        index
    }
}

plain_and_profiled! {
    /// A `HashMap<u64, Vec<u64>>` that keeps growing and losing entries.
    fn churn / churn_profiled(rounds: u64) -> usize {
        let mut map: HashMap<u64, Vec<u64>> = HashMap::new();
        for i in 0..rounds {
            let key = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % 4096;
            map.entry(key).or_default().push(i);
            if i % 3 == 0 {
                map.remove(&((key + 1) % 4096));
            }
        }
        map.len()
    }
}

/// Runs `work` `iters` times on each of `threads` threads started together;
/// the time the slowest thread took.
pub fn time_on_threads(threads: usize, iters: u64, work: &(dyn Fn() + Sync)) -> Duration {
    let barrier = Barrier::new(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..iters {
                        work();
                    }
                    start.elapsed()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .max()
            .unwrap()
    })
}

/// Deterministic text: `lines` lines of `words_per_line` short words.
pub fn generate_text(lines: usize, words_per_line: usize) -> Vec<String> {
    const SYLLABLES: [&str; 8] = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi"];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..lines)
        .map(|_| {
            let words: Vec<String> = (0..words_per_line)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let len = 1 + (state % 3) as usize;
                    (0..len)
                        .map(|i| SYLLABLES[((state >> (8 * i)) % 8) as usize])
                        .collect()
                })
                .collect();
            words.join(" ")
        })
        .collect()
}

#[cfg(test)]
memprof::install!();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_versions_of_each_workload_agree() {
        assert_eq!(arithmetic(1000), arithmetic_profiled(1000));
        assert_eq!(seed(100), seed_profiled(100));
        let text = generate_text(200, 8);
        assert_eq!(word_index(&text), word_index_profiled(&text));
        assert_eq!(churn(10_000), churn_profiled(10_000));
    }
}
