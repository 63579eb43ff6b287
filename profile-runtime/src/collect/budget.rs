//! Memory budgets: `#[profile(max_peak = "24 MiB", max_increment = "0 B",
//! max_retained = "1 MiB")]`.
//!
//! A budgeted function's calls keep their own per-line figures (the tables
//! sum every call), so that a call over budget can name the lines that put
//! it there. They are kept off the stack, in memory from the system
//! allocator (never counted), so that a long budgeted function costs no
//! more stack than any other.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write;

use crate::collect::site::Site;
use crate::counting::thread::suspended;
use crate::units::{format_bytes, Unit};

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
    max_retained: Option<Limit>,
    /// Panics with the message: made in the profiled function's own code,
    /// so that the panic points at the function, not at memprof.
    over: fn(String),
}

impl Budget {
    #[doc(hidden)]
    pub const fn new(
        max_peak: Option<Limit>,
        max_increment: Option<Limit>,
        max_retained: Option<Limit>,
        over: fn(String),
    ) -> Self {
        Budget {
            max_peak,
            max_increment,
            max_retained,
            over,
        }
    }
}

/// One line's figures within one call.
#[derive(Clone, Copy, Default)]
pub(crate) struct CallLine {
    increment: i64,
    peak: u64,
    retained: u64,
}

/// One call's figures, checked against its budget.
#[derive(Clone, Copy)]
pub(crate) struct CallFigures {
    /// Largest rise of the thread's live bytes above the call's entry.
    pub(crate) peak: i64,
    /// Net bytes the call allocated and did not free.
    pub(crate) net: i64,
    /// Bytes the call's lines made that were live when it returned.
    pub(crate) retained: u64,
}

/// Zeroed per-line figures for one call of a function of `len` lines, or
/// null when the system allocator refuses (the budget then still checks
/// the call's totals, and names no lines).
pub(crate) fn call_lines(len: u32) -> *mut CallLine {
    let Ok(layout) = Layout::array::<CallLine>(len.max(1) as usize) else {
        return std::ptr::null_mut();
    };
    // SAFETY: a non-zero size; all-zero `CallLine`s are valid.
    unsafe { System.alloc_zeroed(layout) }.cast()
}

/// Adds a line's net bytes and peak to a call's figures of line `slot`.
pub(crate) fn add(lines: *mut CallLine, len: u32, slot: u32, net: i64, peak: u64) {
    if slot < len {
        // SAFETY: `lines` holds `len` figures (`call_lines`).
        let line = unsafe { &mut *lines.add(slot as usize) };
        line.increment = line.increment.wrapping_add(net);
        line.peak = line.peak.max(peak);
    }
}

/// Adds a line's retained bytes to a call's figures of line `slot`.
pub(crate) fn add_retained(lines: *mut CallLine, len: u32, slot: u32, retained: u64) {
    if slot < len {
        // SAFETY: `lines` holds `len` figures (`call_lines`).
        let line = unsafe { &mut *lines.add(slot as usize) };
        line.retained += retained;
    }
}

/// Checks a finished call against its budget, and frees its per-line
/// figures: panics with the message when over budget (or prints it when
/// the call is already unwinding).
pub(crate) fn check(
    site: &'static Site,
    budget: &Budget,
    call: CallFigures,
    lines: *mut CallLine,
    len: u32,
) {
    let figures: Vec<CallLine> = if lines.is_null() {
        Vec::new()
    } else {
        // SAFETY: `lines` holds `len` figures, freed just below and not used
        // again.
        let copied =
            suspended(|| unsafe { std::slice::from_raw_parts(lines, len as usize) }.to_vec());
        // SAFETY: made by `call_lines` with this length.
        unsafe {
            System.dealloc(
                lines.cast(),
                Layout::array::<CallLine>(len.max(1) as usize).expect("as allocated"),
            );
        }
        copied
    };
    let message = suspended(|| over_budget(site, budget, call, &figures));
    if let Some(message) = message {
        if std::thread::panicking() {
            suspended(|| eprintln!("{message}"));
        } else {
            (budget.over)(message);
        }
    }
}

/// The message of a call over its budget, or `None` within it.
fn over_budget(
    site: &Site,
    budget: &Budget,
    call: CallFigures,
    lines: &[CallLine],
) -> Option<String> {
    let mut message = String::new();
    let (peak, increment) = (call.peak, call.net);
    if let Some(limit) = &budget.max_peak {
        if peak > limit.bytes as i64 {
            explain(
                &mut message,
                site,
                ("max_peak", limit),
                ("peaked", "above its entry", peak),
                ("peak", &|l: &CallLine| l.peak as i64),
                lines,
            );
        }
    }
    if let Some(limit) = &budget.max_increment {
        if increment > limit.bytes as i64 {
            explain(
                &mut message,
                site,
                ("max_increment", limit),
                ("left", "allocated and not freed", increment),
                ("increment", &|l: &CallLine| l.increment),
                lines,
            );
        }
    }
    if let Some(limit) = &budget.max_retained {
        let retained = call.retained as i64;
        if retained > limit.bytes as i64 {
            explain(
                &mut message,
                site,
                ("max_retained", limit),
                ("retained", "still live when it returned", retained),
                ("retained", &|l: &CallLine| l.retained as i64),
                lines,
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
        site.name(),
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
