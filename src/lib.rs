//! # memprof: line-level memory profiling for Rust
//!
//! Put `#[memprof::profile]` on a suspect function, install the counting
//! allocator once, run the program, and read at exit, line by line, what
//! each line of that function allocated: exact bytes from the allocator, the
//! peak inside each line, and no other thread's allocations mixed in.
//!
//! ```no_run
//! memprof::install!(); // the counting #[global_allocator], once per binary
//!
//! #[memprof::profile]
//! fn memory_leak(n: usize) -> Vec<String> {
//!     let mut data = Vec::new();
//!     for _ in 0..n {
//!         data.push("x".repeat(1000));
//!     }
//!     data
//! }
//!
//! fn main() {
//!     let kept = memory_leak(100_000);
//!     println!("{} strings", kept.len());
//! } // the table is printed to stderr at exit
//! ```
//!
//! The table has one row per source line of the function:
//!
//! | column | meaning |
//! |---|---|
//! | Mem usage | live heap of the whole process right after the line (largest over its executions; other threads' within 64 KiB each) |
//! | Increment | net bytes allocated minus freed by the thread running the line, summed |
//! | Peak | largest rise of the thread's live bytes during one execution of the line |
//! | Allocs | allocation calls |
//! | Occurrences | executions (a loop header: iterations + 1; the signature: calls) |
//!
//! Settings (environment): `MEMPROF=off` disables profiling and the report;
//! `MEMPROF_OUTPUT=path` writes the report to a file; `MEMPROF_FORMAT=json`
//! writes JSON; `MEMPROF_UNIT` (`auto`, `B`, `KiB`, `MiB`, `GiB`) and
//! `MEMPROF_PRECISION` (0–9) fix how bytes are shown.
//!
//! The report is also available as data: [`report()`] returns a [`Report`],
//! which prints as the table (`Display`, [`Report::to_table`]) or as JSON
//! ([`Report::to_json`]). [`heap_stats()`] is the whole heap at one moment,
//! [`print_heap_stats`] prints it (Rust's `sys._debugmallocstats()`).
//!
//! ## In tests: budgets and captures
//!
//! `#[profile(max_peak = "24 MiB", max_increment = "0 B")]` makes a call
//! that goes over budget panic with `memprof:` and the lines to blame, so a
//! failing `#[test]` says which line broke the budget. [`capture`] returns
//! what the profiled functions did inside a closure on this thread only, so
//! tests running in parallel do not disturb each other:
//!
//! ```
//! memprof::install!();
//!
//! #[memprof::profile]
//! fn build() -> Vec<u64> {
//!     let v = vec![0; 1024];
//!     v
//! }
//!
//! # fn main() {
//! let (v, report) = memprof::capture(build);
//! let line = report.function("build").unwrap().line_containing("vec!").unwrap();
//! assert_eq!(line.stats.unwrap().allocated, 8192);
//! # drop(v);
//! # }
//! ```
//!
//! ## Heap over time
//!
//! `MEMPROF_TIMELINE=heap.svg` records the process's live heap every
//! `MEMPROF_INTERVAL` (default `1ms`) from the first profiled call, and
//! writes at exit a plot with each profiled function's calls marked
//! (`.json` writes the samples instead).

#![deny(missing_docs)]

#[cfg(feature = "enabled")]
pub use memprof_macro::profile;
/// `#[profile]` with memprof compiled out (the `enabled` feature off): the
/// item is left as written. Its arguments are still checked, so a typo is
/// the same error with the feature on or off.
#[cfg(not(feature = "enabled"))]
pub use memprof_macro::profile_compiled_out as profile;
pub use memprof_runtime::{
    capture, heap_stats, print_heap_stats, print_report, report, Alloc, CallPeak, FunctionReport,
    HeapStats, LineReport, LineStats, PeakLine, RenderOptions, Report, SizeClass, Unit,
};

/// Declares memprof's counting allocator as the program's
/// `#[global_allocator]`. Write it once, at the crate root of a binary (or of
/// each integration-test file):
///
/// ```no_run
/// memprof::install!();
/// # fn main() {}
/// ```
///
/// It counts on top of the system allocator, or of the allocator the
/// program already uses: a unit struct given by path
/// (`memprof::install!(mimalloc::MiMalloc)`), or any allocator with a
/// `const` constructor (`memprof::install!(MyAlloc = MyAlloc::new())`).
///
/// Without it, `#[profile]` still counts occurrences, but the report shows a
/// one-line message naming this fix instead of zeros.
///
/// With memprof compiled out (the `enabled` feature off), it declares the
/// allocator it was given, uncounted (`install!()` declares none): the
/// program keeps its allocator.
#[cfg(feature = "enabled")]
#[macro_export]
macro_rules! install {
    () => {
        #[global_allocator]
        static __MEMPROF_GLOBAL_ALLOCATOR: $crate::Alloc = $crate::Alloc::system();
    };
    ($inner:path) => {
        #[global_allocator]
        static __MEMPROF_GLOBAL_ALLOCATOR: $crate::Alloc<$inner> = $crate::Alloc::new($inner);
    };
    ($inner:ty = $init:expr) => {
        #[global_allocator]
        static __MEMPROF_GLOBAL_ALLOCATOR: $crate::Alloc<$inner> = $crate::Alloc::new($init);
    };
}

/// Declares memprof's counting allocator as the program's
/// `#[global_allocator]`; compiled out (the `enabled` feature is off), it
/// declares the allocator it was given, uncounted (`install!()` declares
/// none), so that the program keeps its allocator.
#[cfg(not(feature = "enabled"))]
#[macro_export]
macro_rules! install {
    () => {};
    ($inner:path) => {
        #[global_allocator]
        static __MEMPROF_GLOBAL_ALLOCATOR: $inner = $inner;
    };
    ($inner:ty = $init:expr) => {
        #[global_allocator]
        static __MEMPROF_GLOBAL_ALLOCATOR: $inner = $init;
    };
}

/// What code generated by `#[profile]` calls. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use memprof_runtime::__private::*;
}
