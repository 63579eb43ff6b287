//! The report as data: what the outputs print, and what tests assert on.
//!
//! Built from the collect layer's per-thread tables, summed per function
//! (`report`), or from one capture's private record (`capture`). Building
//! it runs with counting suspended, so it never shows in any figure.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::collect::call::close_running_lines;
use crate::collect::capture;
use crate::collect::record::{self, LineFigures, Record, Table, TablePeak};
use crate::collect::site::{self, Site};
use crate::counting::alloc;
use crate::counting::held;
use crate::counting::thread::{suspended, with_thread};

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
    /// The largest peak of one call, and what that call held then; `None`
    /// when no call's live bytes rose above their value at entry.
    pub peak: Option<CallPeak>,
    /// Every source line of the function, from its signature to its closing
    /// brace.
    pub lines: Vec<LineReport>,
}

/// The largest peak of one call of a function, and what made it.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallPeak {
    /// The largest rise of the thread's live bytes above their value at
    /// entry, during one call (the Peak of the signature line's call).
    pub bytes: u64,
    /// Which call reached it: 1 for the first call on its thread. `None`
    /// when the function ran on several threads.
    pub call: Option<u64>,
    /// The bytes that call had allocated (callees included) and not freed
    /// when it reached the peak, by the line that allocated them, largest
    /// first.
    pub lines: Vec<PeakLine>,
}

/// One line's share of a call's peak.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeakLine {
    /// Line number in [`FunctionReport::file`].
    pub line: u32,
    /// Bytes the line had allocated (callees included) and not freed then.
    pub bytes: u64,
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
    /// Bytes allocated while the line ran (callees included, as for
    /// Increment) that were still live when that call of the function
    /// returned, summed over calls: what the line's calls kept. A realloc
    /// is a free of the old block and an allocation of the new one.
    pub retained: u64,
    /// Bytes allocated while the line ran (callees included) that are
    /// still live now: at exit, leaks and long-lived data. In a
    /// [`capture`], still live when its closure returned.
    pub live_at_exit: u64,
    /// For a line with an `.await`: the most bytes the call had allocated
    /// (net) while its future was suspended there. `None` where no call was
    /// suspended.
    pub held_while_suspended: Option<u64>,
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
        let live = LiveAtExit::gather(None);
        Report {
            allocator_installed: allocator_installed(),
            functions: Site::all()
                .into_iter()
                .map(|site| {
                    let mut sums = vec![LineStats::default(); site.len as usize];
                    let mut peak = PeakOfTables::default();
                    record::for_each_table_of(site, |table| {
                        add_table(&mut sums, table);
                        peak.add(table);
                    });
                    live.add_to(site, &mut sums);
                    function_report(site, &sums, peak, &bodies)
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
    let report = open.close(|record, tag| {
        let bodies = site::body_paths();
        let live = LiveAtExit::gather(Some(tag));
        Report {
            allocator_installed: alloc::installed(),
            functions: Site::all()
                .into_iter()
                .filter_map(|site| {
                    let table = record_table(record, site)?;
                    let mut sums = vec![LineStats::default(); site.len as usize];
                    add_table(&mut sums, table);
                    let mut peak = PeakOfTables::default();
                    peak.add(table);
                    live.add_to(site, &mut sums);
                    Some(function_report(site, &sums, peak, &bodies))
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
        sum.retained += line.retained;
        sum.held_while_suspended = sum.held_while_suspended.max(line.held_while_suspended);
    }
}

/// The bytes still live of what each function's lines allocated, gathered
/// once per report from the held-bytes records (`counting/held.rs`).
struct LiveAtExit {
    /// Per site (by address), per line slot.
    by_site: HashMap<usize, Vec<u64>>,
}

impl LiveAtExit {
    /// Every record's (or, with `tag`, one capture's), and what the calls
    /// running on this thread hold in callees still running.
    fn gather(tag: Option<u64>) -> LiveAtExit {
        let mut live = LiveAtExit {
            by_site: HashMap::new(),
        };
        let mut add = |site: *const (), slot: u32, bytes: u64| {
            // SAFETY: the records name sites, which are `static`.
            let len = unsafe { &*site.cast::<Site>() }.len as usize;
            let lines = live
                .by_site
                .entry(site as usize)
                .or_insert_with(|| vec![0; len]);
            if let Some(line) = lines.get_mut(slot as usize) {
                *line += bytes;
            }
        };
        held::for_each_held(tag, &mut add);
        if tag.is_none() {
            with_thread(|t| held::for_each_held_below(t, &mut add));
        }
        live
    }

    fn add_to(&self, site: &'static Site, sums: &mut [LineStats]) {
        let Some(lines) = self.by_site.get(&(std::ptr::from_ref(site) as usize)) else {
            return;
        };
        for (sum, &bytes) in sums.iter_mut().zip(lines) {
            sum.live_at_exit += bytes;
        }
    }
}

/// The largest call peak among a function's tables, and its composition.
#[derive(Default)]
struct PeakOfTables {
    largest: TablePeak,
    /// Tables whose function ran a call.
    tables: u32,
}

impl PeakOfTables {
    fn add(&mut self, table: &Table) {
        if table
            .lines()
            .first()
            .is_some_and(|l| l.occurrences.load(Ordering::Relaxed) != 0)
        {
            self.tables += 1;
        }
        let peak = table.peak();
        if peak.bytes > self.largest.bytes {
            self.largest = peak;
        }
    }

    /// The report's form of it: lines numbered from `first_line`, largest
    /// first.
    fn into_report(self, first_line: u32) -> Option<CallPeak> {
        let largest = self.largest;
        if largest.bytes <= 0 {
            return None;
        }
        let mut lines: Vec<PeakLine> = largest
            .lines
            .iter()
            .enumerate()
            .filter(|&(_, &bytes)| bytes > 0)
            .map(|(slot, &bytes)| PeakLine {
                line: first_line + slot as u32,
                bytes,
            })
            .collect();
        lines.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.line.cmp(&b.line)));
        Some(CallPeak {
            bytes: largest.bytes as u64,
            call: (self.tables == 1).then_some(largest.call),
            lines,
        })
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
        retained: read(&line.retained),
        live_at_exit: 0,
        held_while_suspended: read(&line.held_suspended).checked_sub(1),
    }
}

/// The rows of `site`, with the figures of its lines; `bodies` is
/// `site::body_paths()`, for its name.
fn function_report(
    site: &'static Site,
    figures: &[LineStats],
    peak: PeakOfTables,
    bodies: &[&str],
) -> FunctionReport {
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
        peak: peak.into_report(site.first_line),
        lines,
    }
}
