//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod yield_once;

use memprof::{LineStats, Report};

/// The figures of the first line of `function` whose text contains `text`.
/// Panics with the rendered report when there is no such line or it never
/// ran, so a failing test shows what was measured.
pub fn stats(report: &Report, function: &str, text: &str) -> LineStats {
    let f = report
        .function(function)
        .unwrap_or_else(|| panic!("no function {function} in\n{}", report));
    let line = f
        .line_containing(text)
        .unwrap_or_else(|| panic!("no line containing {text:?} in\n{}", report));
    line.stats
        .unwrap_or_else(|| panic!("line {text:?} never ran in\n{}", report))
}

/// The entry of the function `name` in a JSON report.
pub fn json_function<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}

/// The line number of the first line of `source` (a test file's
/// `include_str!`) containing `text`.
pub fn line_in(source: &str, text: &str) -> u32 {
    let index = source
        .lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no line containing {text:?}"));
    index as u32 + 1
}

/// The figures of the last line (the closing brace) of `function`.
pub fn closing(report: &Report, function: &str) -> LineStats {
    let f = report.function(function).expect("function ran");
    let last = f.lines.last().expect("has lines");
    assert_eq!(last.contents.trim(), "}");
    last.stats.expect("closing brace ran")
}

/// A line's figures but Mem usage (which depends on the whole process),
/// with named fields, for exact assertions.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub occurrences: u64,
    pub allocs: u64,
    pub allocated: u64,
    pub freed: u64,
    pub increment: i64,
    pub peak: u64,
}

impl Figures {
    pub fn of(s: LineStats) -> Figures {
        Figures {
            occurrences: s.occurrences,
            allocs: s.allocs,
            allocated: s.allocated,
            freed: s.freed,
            increment: s.increment,
            peak: s.peak,
        }
    }
}

impl Figures {
    /// A line's figures from the JSON report.
    pub fn of_json(line: &serde_json::Value) -> Figures {
        let number = |key: &str| line[key].as_u64().unwrap();
        Figures {
            occurrences: number("occurrences"),
            allocs: number("allocs"),
            allocated: number("allocated"),
            freed: number("freed"),
            increment: line["increment"].as_i64().unwrap(),
            peak: number("peak"),
        }
    }
}

/// Runs a future to completion on this thread, polling it in a loop.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}
