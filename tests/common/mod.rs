//! Helpers shared by the integration tests.
#![allow(dead_code)]

use memprof::{LineStats, Report};

/// The figures of the first line of `function` whose text contains `text`.
/// Panics with the rendered report when there is no such line or it never
/// ran, so a failing test shows what was measured.
pub fn stats(report: &Report, function: &str, text: &str) -> LineStats {
    let f = report
        .function(function)
        .unwrap_or_else(|| panic!("no function {function} in\n{}", memprof::render(report)));
    let line = f.line_containing(text).unwrap_or_else(|| {
        panic!(
            "no line containing {text:?} in\n{}",
            memprof::render(report)
        )
    });
    line.stats
        .unwrap_or_else(|| panic!("line {text:?} never ran in\n{}", memprof::render(report)))
}

/// The figures of the last line (the closing brace) of `function`.
pub fn closing(report: &Report, function: &str) -> LineStats {
    let f = report.function(function).expect("function ran");
    let last = f.lines.last().expect("has lines");
    assert_eq!(last.contents.trim(), "}");
    last.stats.expect("closing brace ran")
}

/// A line's figures as a tuple, for compact exact assertions:
/// (occurrences, allocs, allocated, freed, increment, peak).
pub fn figures(s: LineStats) -> (u64, u64, u64, u64, i64, u64) {
    (
        s.occurrences,
        s.allocs,
        s.allocated,
        s.freed,
        s.increment,
        s.peak,
    )
}
