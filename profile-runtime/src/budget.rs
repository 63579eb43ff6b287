// Memory budgets: `#[profile(max_peak = "24 MiB", max_increment = "0 B")]`.
//
// A budgeted function's calls keep their own per-line figures (the shared
// table sums every call on every thread), so that a call over budget can
// name the lines that put it there.

use std::cell::Cell;
use std::fmt::Write;

use crate::render::Unit;
use crate::site::Site;
use crate::units::format_bytes;

/// One limit: bytes, and the text the user wrote.
#[doc(hidden)]
pub struct Limit {
    bytes: u64,
    text: &'static str,
}

impl Limit {
    #[doc(hidden)]
    pub const fn new(bytes: u64, text: &'static str) -> Self {
        Limit { bytes, text }
    }
}

/// The budget of a profiled function. Created only by `#[profile(..)]`.
#[doc(hidden)]
pub struct Budget {
    max_peak: Option<Limit>,
    max_increment: Option<Limit>,
}

impl Budget {
    #[doc(hidden)]
    pub const fn new(max_peak: Option<Limit>, max_increment: Option<Limit>) -> Self {
        Budget {
            max_peak,
            max_increment,
        }
    }
}

/// One line's figures within one call.
pub(crate) struct CallLine {
    pub(crate) increment: Cell<i64>,
    pub(crate) peak: Cell<u64>,
}

impl CallLine {
    pub(crate) const fn new() -> Self {
        CallLine {
            increment: Cell::new(0),
            peak: Cell::new(0),
        }
    }
}

/// What one call did, for the budget check.
pub(crate) struct CallFigures<'a> {
    /// Largest rise of the thread's live bytes above their value at entry.
    pub(crate) peak: i64,
    /// Net bytes the call left behind.
    pub(crate) increment: i64,
    pub(crate) lines: &'a [CallLine],
}

/// The message of a call over its budget, or `None` within it.
pub(crate) fn check(site: &Site, budget: &Budget, call: &CallFigures<'_>) -> Option<String> {
    let mut message = String::new();
    if let Some(limit) = &budget.max_peak {
        if call.peak > limit.bytes as i64 {
            explain(
                &mut message,
                site,
                ("max_peak", limit),
                ("peaked", "above its entry", call.peak),
                ("peak", &|l: &CallLine| l.peak.get() as i64),
                call.lines,
            );
        }
    }
    if let Some(limit) = &budget.max_increment {
        if call.increment > limit.bytes as i64 {
            explain(
                &mut message,
                site,
                ("max_increment", limit),
                ("left", "allocated and not freed", call.increment),
                ("increment", &|l: &CallLine| l.increment.get()),
                call.lines,
            );
        }
    }
    (!message.is_empty()).then_some(message)
}

type Figure<'a> = &'a dyn Fn(&CallLine) -> i64;

fn explain(
    out: &mut String,
    site: &Site,
    (key, limit): (&str, &Limit),
    (verb, what, bytes): (&str, &str, i64),
    (column, figure): (&str, Figure<'_>),
    lines: &[CallLine],
) {
    let size = |b: i64| format_bytes(i128::from(b), Unit::Auto, 1);
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = write!(
        out,
        "memprof: {} is over its budget {key} = \"{}\" ({} B): the call {verb} {} B ({}) {what}; \
         the lines with the largest {column}:",
        site.name,
        limit.text,
        limit.bytes,
        bytes,
        size(bytes)
    );
    let mut ranked: Vec<(usize, i64)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i, figure(l)))
        .filter(|&(_, value)| value > 0)
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (i, value) in ranked.into_iter().take(3) {
        let text = site.source.lines().nth(i).unwrap_or("").trim();
        let _ = write!(
            out,
            "\n  line {}: {} B ({}): {text}",
            site.first_line + i as u32,
            value,
            size(value)
        );
    }
}
