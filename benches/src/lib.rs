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

/// The median, lower and upper quartiles of `values` (sorted here): each
/// the value at that fraction of the sorted values, the nearest one.
pub fn median_and_quartiles(values: &mut [f64]) -> [f64; 3] {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    [at(0.5), at(0.25), at(0.75)]
}

/// The rounds an alternating-batch example runs: its first argument, or
/// `default`; at least one. `usage` is what a bad argument prints.
pub fn rounds_from_args(usage: &str, default: usize) -> usize {
    std::env::args()
        .nth(1)
        .map(|a| a.parse().expect(usage))
        .unwrap_or(default)
        .max(1)
}

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
/// than the one that allocated it (only the counters of that one miss it),
/// but for the blocks memprof gives a header (see `is_memprofs`).
pub fn use_backend(backend: Backend) {
    BACKEND.store(backend as u8, Ordering::SeqCst);
}

/// A global allocator that forwards to the selected [`Backend`]; the
/// benchmark binaries install it, so that each backend is measured in the
/// same process. The dispatch costs one relaxed load and a predictable
/// branch, paid by every backend alike.
pub struct Switch;

/// Whether memprof must free or grow the block at `ptr`, whichever backend
/// is selected: a block memprof tracked (allocated inside a profiled call:
/// its address has bit 3 set, see docs/leak-tracking.md), or any block
/// aligned to more than 8, which memprof allocates with a header whichever
/// backend asks (so the other backends pay that header too, and dhat does
/// not see those blocks).
#[inline(always)]
fn is_memprofs(ptr: *mut u8, layout: Layout) -> bool {
    layout.align() > 8 || (ptr as usize) & 8 != 0
}

unsafe impl GlobalAlloc for Switch {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() > 8 {
            return memprof::Alloc::system().alloc(layout);
        }
        match BACKEND.load(Ordering::Relaxed) {
            1 => memprof::Alloc::system().alloc(layout),
            2 => dhat::Alloc.alloc(layout),
            _ => System.alloc(layout),
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if is_memprofs(ptr, layout) {
            return memprof::Alloc::system().dealloc(ptr, layout);
        }
        match BACKEND.load(Ordering::Relaxed) {
            1 => memprof::Alloc::system().dealloc(ptr, layout),
            2 => dhat::Alloc.dealloc(ptr, layout),
            _ => System.dealloc(ptr, layout),
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if is_memprofs(ptr, layout) {
            return memprof::Alloc::system().realloc(ptr, layout, new_size);
        }
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

// What one call costs: functions of 1, 10 and 100 statements that do not
// allocate, and one that allocates 64 B, each profiled and not.

plain_and_profiled! {
    /// A call of one statement (its tail).
    fn one_statement / one_statement_profiled(x: u64) -> u64 {
        x.rotate_left(7) ^ 0x9E37
    }
}

plain_and_profiled! {
    /// A call of ten statements, straight through.
    fn ten_statements / ten_statements_profiled(x: u64) -> u64 {
        let mut x = x;
        x = x.rotate_left(1) ^ 1;
        x = x.rotate_left(2) ^ 2;
        x = x.rotate_left(3) ^ 3;
        x = x.rotate_left(4) ^ 4;
        x = x.rotate_left(5) ^ 5;
        x = x.rotate_left(6) ^ 6;
        x = x.rotate_left(7) ^ 7;
        x = x.rotate_left(8) ^ 8;
        x = x.rotate_left(9) ^ 9;
        x = x.rotate_left(10) ^ 10;
        x
    }
}

plain_and_profiled! {
    /// A call of a hundred statements, straight through.
    fn hundred_statements / hundred_statements_profiled(x: u64) -> u64 {
        let mut x = x;
        x = x.rotate_left(1) ^ 1;
        x = x.rotate_left(2) ^ 2;
        x = x.rotate_left(3) ^ 3;
        x = x.rotate_left(4) ^ 4;
        x = x.rotate_left(5) ^ 5;
        x = x.rotate_left(6) ^ 6;
        x = x.rotate_left(7) ^ 7;
        x = x.rotate_left(8) ^ 8;
        x = x.rotate_left(9) ^ 9;
        x = x.rotate_left(10) ^ 10;
        x = x.rotate_left(11) ^ 11;
        x = x.rotate_left(12) ^ 12;
        x = x.rotate_left(13) ^ 13;
        x = x.rotate_left(14) ^ 14;
        x = x.rotate_left(15) ^ 15;
        x = x.rotate_left(16) ^ 16;
        x = x.rotate_left(17) ^ 17;
        x = x.rotate_left(18) ^ 18;
        x = x.rotate_left(19) ^ 19;
        x = x.rotate_left(20) ^ 20;
        x = x.rotate_left(21) ^ 21;
        x = x.rotate_left(22) ^ 22;
        x = x.rotate_left(23) ^ 23;
        x = x.rotate_left(24) ^ 24;
        x = x.rotate_left(25) ^ 25;
        x = x.rotate_left(26) ^ 26;
        x = x.rotate_left(27) ^ 27;
        x = x.rotate_left(28) ^ 28;
        x = x.rotate_left(29) ^ 29;
        x = x.rotate_left(30) ^ 30;
        x = x.rotate_left(31) ^ 31;
        x = x.rotate_left(32) ^ 32;
        x = x.rotate_left(33) ^ 33;
        x = x.rotate_left(34) ^ 34;
        x = x.rotate_left(35) ^ 35;
        x = x.rotate_left(36) ^ 36;
        x = x.rotate_left(37) ^ 37;
        x = x.rotate_left(38) ^ 38;
        x = x.rotate_left(39) ^ 39;
        x = x.rotate_left(40) ^ 40;
        x = x.rotate_left(41) ^ 41;
        x = x.rotate_left(42) ^ 42;
        x = x.rotate_left(43) ^ 43;
        x = x.rotate_left(44) ^ 44;
        x = x.rotate_left(45) ^ 45;
        x = x.rotate_left(46) ^ 46;
        x = x.rotate_left(47) ^ 47;
        x = x.rotate_left(48) ^ 48;
        x = x.rotate_left(49) ^ 49;
        x = x.rotate_left(50) ^ 50;
        x = x.rotate_left(51) ^ 51;
        x = x.rotate_left(52) ^ 52;
        x = x.rotate_left(53) ^ 53;
        x = x.rotate_left(54) ^ 54;
        x = x.rotate_left(55) ^ 55;
        x = x.rotate_left(56) ^ 56;
        x = x.rotate_left(57) ^ 57;
        x = x.rotate_left(58) ^ 58;
        x = x.rotate_left(59) ^ 59;
        x = x.rotate_left(60) ^ 60;
        x = x.rotate_left(61) ^ 61;
        x = x.rotate_left(62) ^ 62;
        x = x.rotate_left(63) ^ 63;
        x = x.rotate_left(1) ^ 64;
        x = x.rotate_left(2) ^ 65;
        x = x.rotate_left(3) ^ 66;
        x = x.rotate_left(4) ^ 67;
        x = x.rotate_left(5) ^ 68;
        x = x.rotate_left(6) ^ 69;
        x = x.rotate_left(7) ^ 70;
        x = x.rotate_left(8) ^ 71;
        x = x.rotate_left(9) ^ 72;
        x = x.rotate_left(10) ^ 73;
        x = x.rotate_left(11) ^ 74;
        x = x.rotate_left(12) ^ 75;
        x = x.rotate_left(13) ^ 76;
        x = x.rotate_left(14) ^ 77;
        x = x.rotate_left(15) ^ 78;
        x = x.rotate_left(16) ^ 79;
        x = x.rotate_left(17) ^ 80;
        x = x.rotate_left(18) ^ 81;
        x = x.rotate_left(19) ^ 82;
        x = x.rotate_left(20) ^ 83;
        x = x.rotate_left(21) ^ 84;
        x = x.rotate_left(22) ^ 85;
        x = x.rotate_left(23) ^ 86;
        x = x.rotate_left(24) ^ 87;
        x = x.rotate_left(25) ^ 88;
        x = x.rotate_left(26) ^ 89;
        x = x.rotate_left(27) ^ 90;
        x = x.rotate_left(28) ^ 91;
        x = x.rotate_left(29) ^ 92;
        x = x.rotate_left(30) ^ 93;
        x = x.rotate_left(31) ^ 94;
        x = x.rotate_left(32) ^ 95;
        x = x.rotate_left(33) ^ 96;
        x = x.rotate_left(34) ^ 97;
        x = x.rotate_left(35) ^ 98;
        x = x.rotate_left(36) ^ 99;
        x = x.rotate_left(37) ^ 100;
        x
    }
}

plain_and_profiled! {
    /// A call that allocates 64 B and frees it.
    fn allocates_64 / allocates_64_profiled(x: u64) -> u64 {
        let v: Vec<u8> = Vec::with_capacity(64);
        std::hint::black_box(&v);
        x ^ v.capacity() as u64
    }
}

plain_and_profiled! {
    /// A constructor as real code writes one: a long function (mostly
    /// comments) whose call ends holding the 64 B block it returns, freed
    /// by its caller.
    fn returns_64 / returns_64_profiled(x: u64) -> Vec<u8> {
        // The block is made on the first line and filled below; every
        // line of the function is one of its table's rows, comments too,
        // which is what makes such a function long: here forty rows.
        //
        // A call that ends holding bytes hands each line's share to the
        // line that ran it (Retained), so its end looks at the lines that
        // held some.
        let mut v: Vec<u8> = Vec::with_capacity(64);
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        //
        v.push(x as u8);
        v
    }
}

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

/// Statements per call of the loop row of [`CALL_COST_ROWS`]: its loop's
/// iterations times [`ARITHMETIC_PROBES_PER_ITERATION`].
const LOOP_ITERATIONS: u64 = 100;

/// One row of the call-cost tables: a function as written and profiled.
pub struct CallCostRow {
    /// What the row measures, as the tables print it.
    pub what: &'static str,
    /// A short name, for criterion's benchmark ids.
    pub id: &'static str,
    /// The function as written.
    pub plain: fn(u64) -> u64,
    /// The same function under `#[memprof::profile]`.
    pub profiled: fn(u64) -> u64,
    /// How many times a one-statement call's time a call takes, roughly:
    /// batches of the row make that many times fewer calls.
    pub weight: u64,
    /// What the row's figure is per: a call (1) or each of a call's
    /// statements.
    pub per: u64,
}

/// The rows of the call-cost tables (issue targets in `docs/performance.md`),
/// shared by the criterion benchmark `call_cost` and the `call_cost`
/// example, which measures them in alternating batches.
pub const CALL_COST_ROWS: [CallCostRow; 5] = [
    CallCostRow {
        what: "call of a 1-statement function",
        id: "1_statement",
        plain: one_statement,
        profiled: one_statement_profiled,
        weight: 1,
        per: 1,
    },
    CallCostRow {
        what: "call of a 10-statement function",
        id: "10_statements",
        plain: ten_statements,
        profiled: ten_statements_profiled,
        weight: 1,
        per: 1,
    },
    CallCostRow {
        what: "call of a 100-statement function",
        id: "100_statements",
        plain: hundred_statements,
        profiled: hundred_statements_profiled,
        weight: 10,
        per: 1,
    },
    CallCostRow {
        what: "call of a function allocating 64 B",
        id: "allocates_64",
        plain: allocates_64,
        profiled: allocates_64_profiled,
        weight: 1,
        per: 1,
    },
    CallCostRow {
        what: "statement in a loop",
        id: "loop_statement",
        // The parity of `x` keeps the count from being a constant.
        plain: |x| arithmetic(LOOP_ITERATIONS + (x & 1)),
        profiled: |x| arithmetic_profiled(LOOP_ITERATIONS + (x & 1)),
        weight: 10,
        per: LOOP_ITERATIONS * ARITHMETIC_PROBES_PER_ITERATION,
    },
];

/// The build and switch the call-cost figures are for: `release` or
/// `debug` (or what `MEMPROF_BENCH_BUILD` names, for a build the profile
/// alone does not tell, such as debug with the runtime optimised), with
/// `, MEMPROF=off` when the environment turns profiling off.
pub fn call_cost_configuration() -> String {
    let build = std::env::var("MEMPROF_BENCH_BUILD").unwrap_or_else(|_| BUILD.to_string());
    if memprof_off() {
        format!("{build}, MEMPROF=off")
    } else {
        build
    }
}

/// The profile this crate is built in: `debug` or `release`.
pub const BUILD: &str = if cfg!(debug_assertions) {
    "debug"
} else {
    "release"
};

/// Whether the environment turns profiling off (`MEMPROF=off`).
pub fn memprof_off() -> bool {
    std::env::var("MEMPROF").as_deref() == Ok("off")
}

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
