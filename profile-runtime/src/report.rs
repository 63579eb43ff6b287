//! The report as data: what the outputs print, and what tests assert on.
//!
//! Built from the collect layer's per-thread tables, summed per function
//! (`report`), or from one capture's private record (`capture`). Building
//! it runs with counting suspended, so it never shows in any figure.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::collect::call::close_running_lines;
use crate::collect::capture;
use crate::collect::record::{self, LineFigures, Record, Table};
use crate::collect::site::{self, Site};
use crate::counting::alloc;
use crate::counting::thread::suspended;

/// Everything memprof measured, one entry per profiled function that ran.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Whether the counting allocator ([`Alloc`](crate::Alloc)) served this
    /// program. Without it every byte figure would be zero, so the rendered
    /// report says how to install it instead.
    pub allocator_installed: bool,
    /// The profiled functions that ran, in first-call order.
    pub functions: Vec<FunctionReport>,
}

/// The rows of one profiled function.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionReport {
    /// Path of the function: `module::path::name`, with a method's type
    /// (`app::Index::add`, `app::<A as Display>::fmt`).
    pub name: String,
    /// Source file, as `file!()` gives it.
    pub file: String,
    /// How many times the function was called.
    pub calls: u64,
    /// For an `async fn`, the size in bytes of its body's future: what each
    /// call holds while it runs, in its task or in the future awaiting it
    /// (without `-Zprint-type-sizes`). `None` for a synchronous function.
    pub future_size: Option<u64>,
    /// Every source line of the function, from its signature to its closing
    /// brace.
    pub lines: Vec<LineReport>,
}

/// One source line and its figures.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineReport {
    /// Line number in [`FunctionReport::file`].
    pub line: u32,
    /// The line's source text.
    pub contents: String,
    /// The figures, or `None` for a line that never ran (comments, blank
    /// lines, lone braces, branches not taken).
    pub stats: Option<LineStats>,
}

/// Figures of one line, summed over all its executions on all threads.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineStats {
    /// How many times the line started running. A loop header counts one
    /// more than its iterations; the signature line counts calls.
    pub occurrences: u64,
    /// Live heap bytes of the whole process right after the line, the
    /// largest over its executions. Exact for the running thread's own
    /// allocations; each other thread's are included to within 64 KiB (they
    /// publish their net bytes in steps, so that the allocator stays cheap).
    pub mem_usage: u64,
    /// Net bytes (allocated minus freed) by the thread running the line,
    /// summed over executions.
    pub increment: i64,
    /// Largest rise of the running thread's live bytes above their value when
    /// the line started, within one execution.
    pub peak: u64,
    /// Allocation calls (a realloc counts as one).
    pub allocs: u64,
    /// Gross bytes allocated (a realloc counts its new size).
    pub allocated: u64,
    /// Gross bytes freed (a realloc counts its old size).
    pub freed: u64,
}

impl Report {
    /// The function named `name`: its full name
    /// (`app::parser::Index::add`), or the end of it after a `::`
    /// (`Index::add`, `add`). `None` when no profiled function has that
    /// name.
    ///
    /// # Panics
    ///
    /// When several functions have it (`fmt` of two trait impls, `new` of
    /// two types), naming them all, so that a test says which one to ask
    /// for by a longer name. [`functions_named`](Self::functions_named)
    /// returns them all.
    pub fn function(&self, name: &str) -> Option<&FunctionReport> {
        if let Some(exact) = self.functions.iter().find(|f| f.name == name) {
            return Some(exact);
        }
        let mut matches = self.functions.iter().filter(|f| f.is_named(name));
        let first = matches.next()?;
        let others: Vec<&str> = matches.map(|f| f.name.as_str()).collect();
        if !others.is_empty() {
            panic!(
                "memprof: {} profiled functions are named {name:?}: {}, {}; ask for one by a \
                 longer name",
                others.len() + 1,
                first.name,
                others.join(", ")
            );
        }
        Some(first)
    }

    /// Every function whose full name is `name` or ends with `::name`.
    pub fn functions_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a FunctionReport> + 'a {
        self.functions.iter().filter(move |f| f.is_named(name))
    }
}

impl FunctionReport {
    /// Whether the full name is `name` or ends with `::name`.
    fn is_named(&self, name: &str) -> bool {
        self.name == name
            || self
                .name
                .strip_suffix(name)
                .is_some_and(|prefix| prefix.ends_with("::"))
    }

    /// The first line whose source text contains `text`.
    pub fn line_containing(&self, text: &str) -> Option<&LineReport> {
        self.lines.iter().find(|l| l.contents.contains(text))
    }

    /// The line numbered `line`.
    pub fn line(&self, line: u32) -> Option<&LineReport> {
        self.lines.iter().find(|l| l.line == line)
    }
}

/// The report of everything measured so far in this process.
///
/// Calls still running on this thread are brought up to date first. Building
/// the report runs with counting suspended: it never shows in any figure.
pub fn report() -> Report {
    suspended(|| {
        close_running_lines();
        let bodies = site::body_paths();
        Report {
            allocator_installed: allocator_installed(),
            functions: Site::all()
                .into_iter()
                .map(|site| {
                    let mut sums = vec![LineStats::default(); site.len as usize];
                    record::for_each_table_of(site, |table| add_table(&mut sums, table));
                    function_report(site, &sums, &bodies)
                })
                .collect(),
        }
    })
}

/// Runs `work` and returns its result with the report of what the profiled
/// functions did inside it, on this thread (and in futures polled on this
/// thread inside it): nothing from other threads, and nothing from before.
///
/// ```text
/// memprof::install!();
///
/// #[memprof::profile]
/// fn build() -> Vec<u64> {
///     vec![0; 1024]
/// }
///
/// let (v, report) = memprof::capture(build);
/// let line = report.function("build").unwrap().line_containing("vec!").unwrap();
/// assert_eq!(line.stats.unwrap().allocated, 8192);
/// ```
///
/// With memprof compiled out (its `enabled` feature off), the report is
/// empty and `work` runs as it would.
pub fn capture<R>(work: impl FnOnce() -> R) -> (R, Report) {
    #[cfg(feature = "enabled")]
    let captured = capture_on_this_thread(work);
    #[cfg(not(feature = "enabled"))]
    let captured = (
        work(),
        Report {
            allocator_installed: false,
            functions: Vec::new(),
        },
    );
    captured
}

#[cfg(feature = "enabled")]
fn capture_on_this_thread<R>(work: impl FnOnce() -> R) -> (R, Report) {
    let Some(open) = capture::open() else {
        let result = work();
        return (result, suspended(empty_report));
    };
    let result = work();
    let report = open.close(|record| {
        let bodies = site::body_paths();
        Report {
            allocator_installed: alloc::installed(),
            functions: Site::all()
                .into_iter()
                .filter_map(|site| {
                    let table = record_table(record, site)?;
                    let mut sums = vec![LineStats::default(); site.len as usize];
                    add_table(&mut sums, table);
                    Some(function_report(site, &sums, &bodies))
                })
                .collect(),
        }
    });
    (result, report)
}

/// A report with no functions in it.
fn empty_report() -> Report {
    Report {
        allocator_installed: alloc::installed(),
        functions: Vec::new(),
    }
}

fn record_table(record: &Record, site: &'static Site) -> Option<&'static Table> {
    let table = record.table(site.id())?;
    // SAFETY: the capture's record is alive while its report is built.
    Some(unsafe { &*std::ptr::from_ref(table) })
}

fn allocator_installed() -> bool {
    if !alloc::installed() {
        // A program may have installed the allocator and not allocated yet:
        // one allocation settles it.
        drop(std::hint::black_box(Box::new(0u8)));
    }
    alloc::installed()
}

/// Adds one thread's table of a function to the sums of its lines.
fn add_table(sums: &mut [LineStats], table: &Table) {
    for (sum, line) in sums.iter_mut().zip(table.lines()) {
        let line = line_stats(line);
        sum.occurrences += line.occurrences;
        sum.allocs += line.allocs;
        sum.allocated += line.allocated;
        sum.freed += line.freed;
        sum.increment = sum.increment.wrapping_add(line.increment);
        sum.peak = sum.peak.max(line.peak);
        sum.mem_usage = sum.mem_usage.max(line.mem_usage);
    }
}

/// One thread's figures of one line.
fn line_stats(line: &LineFigures) -> LineStats {
    let read = |cell: &AtomicU64| cell.load(Ordering::Relaxed);
    let allocated = read(&line.allocated);
    let freed = read(&line.freed);
    LineStats {
        occurrences: read(&line.occurrences),
        // A moment's dip below zero (see `live_with`) shows as none.
        mem_usage: line.mem_usage.load(Ordering::Relaxed).max(0) as u64,
        // Net bytes: derived, so it can never disagree with the two.
        increment: allocated.wrapping_sub(freed) as i64,
        peak: read(&line.peak),
        allocs: read(&line.allocs),
        allocated,
        freed,
    }
}

/// The rows of `site`, with the figures of its lines; `bodies` is
/// `site::body_paths()`, for its name.
fn function_report(site: &'static Site, figures: &[LineStats], bodies: &[&str]) -> FunctionReport {
    let mut source_lines = site.source.lines();
    let lines: Vec<LineReport> = figures
        .iter()
        .enumerate()
        .map(|(i, stats)| LineReport {
            line: site.first_line + i as u32,
            contents: source_lines.next().unwrap_or("").to_string(),
            stats: (*stats != LineStats::default()).then_some(*stats),
        })
        .collect();
    FunctionReport {
        name: site.name_among(bodies),
        file: site.file.to_string(),
        calls: lines
            .first()
            .and_then(|l| l.stats)
            .map_or(0, |s| s.occurrences),
        future_size: site.future_size(),
        lines,
    }
}
