// The report as data: what `render` and `render_json` print, and what tests
// assert on.

use std::sync::atomic::Ordering;

use crate::alloc;
use crate::frame::flush_running_frames;
use crate::site::Site;
use crate::thread::{suspended, Counters};

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
    /// Path of the function: `module::path::name`.
    pub name: String,
    /// Source file, as `file!()` gives it.
    pub file: String,
    /// How many times the function was called.
    pub calls: u64,
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
    /// The function whose name is `name` or ends with `::name`.
    pub fn function(&self, name: &str) -> Option<&FunctionReport> {
        self.functions.iter().find(|f| {
            f.name == name
                || f.name
                    .strip_suffix(name)
                    .is_some_and(|prefix| prefix.ends_with("::"))
        })
    }
}

impl FunctionReport {
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
        flush_running_frames();
        Report {
            allocator_installed: allocator_installed(),
            functions: Site::all()
                .into_iter()
                .map(|site| function_report(site, shared_figures(site)))
                .collect(),
        }
    })
}

fn allocator_installed() -> bool {
    if !alloc::installed() {
        // A program may have installed the allocator and not allocated yet:
        // one allocation settles it.
        drop(std::hint::black_box(Box::new(0u8)));
    }
    alloc::installed()
}

/// The rows of `site`, with the figures of line `i` given by `figures(i)`.
pub(crate) fn function_report(
    site: &'static Site,
    figures: impl Fn(usize) -> LineStats,
) -> FunctionReport {
    let mut source_lines = site.source.lines();
    let lines: Vec<LineReport> = (0..site.slots.len())
        .map(|i| {
            let stats = figures(i);
            LineReport {
                line: site.first_line + i as u32,
                contents: source_lines.next().unwrap_or("").to_string(),
                stats: (stats != LineStats::default()).then_some(stats),
            }
        })
        .collect();
    FunctionReport {
        name: site.name.to_string(),
        file: site.file.to_string(),
        calls: lines
            .first()
            .and_then(|l| l.stats)
            .map_or(0, |s| s.occurrences),
        lines,
    }
}

fn shared_figures(site: &'static Site) -> impl Fn(usize) -> LineStats {
    move |i| {
        let slot = &site.slots[i];
        let counters = Counters {
            allocated: slot.allocated.load(Ordering::Relaxed),
            freed: slot.freed.load(Ordering::Relaxed),
            allocs: slot.allocs.load(Ordering::Relaxed),
        };
        LineStats {
            occurrences: slot.occurrences.load(Ordering::Relaxed),
            mem_usage: slot.mem_usage.load(Ordering::Relaxed),
            // Net bytes: derived, so it can never disagree with the two.
            increment: counters.net(),
            peak: slot.peak.load(Ordering::Relaxed),
            allocs: counters.allocs,
            allocated: counters.allocated,
            freed: counters.freed,
        }
    }
}
