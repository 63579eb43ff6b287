//! The report as a memory_profiler-style table: a pure function of the
//! report, so tests compare strings.

use std::fmt;

use comfy_table::{Cell, CellAlignment, ContentArrangement, LineStyle, Table, TableStyle};

use crate::report::{FunctionReport, LineStats, Report};
use crate::units::{format_bytes, Unit};

/// How [`Report::to_table`] shows byte figures.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// The unit of byte figures (`MEMPROF_UNIT`).
    pub unit: Unit,
    /// Decimals of figures in KiB and larger (`MEMPROF_PRECISION`); 1 when
    /// `None`.
    pub precision: Option<usize>,
}

const HEADER: [&str; 8] = [
    "Line #",
    "Mem usage",
    "Increment",
    "Retained",
    "Peak",
    "Allocs",
    "Occurrences",
    "Line Contents",
];

/// The one line shown instead of a table when the counting allocator is not
/// installed.
#[cfg(feature = "enabled")]
pub(crate) const MISSING_ALLOCATOR: &str =
    "memprof: no numbers to show: the counting allocator is not \
                                     installed; add `memprof::install!();` at the crate root of \
                                     your binary (or test file)";

/// The line shown instead of a table when memprof is compiled out.
#[cfg(not(feature = "enabled"))]
pub(crate) const MISSING_ALLOCATOR: &str = "memprof: no numbers to show: memprof is compiled out \
                                     (its `enabled` feature is off); turn the feature on to \
                                     profile";

impl Report {
    /// The report as the table printed at exit, with `options` for how
    /// bytes are shown; `to_string()` (`Display`) uses the defaults.
    ///
    /// ```
    /// # #[global_allocator]
    /// # static ALLOCATOR: memprof_runtime::Alloc = memprof_runtime::Alloc::system();
    /// # use memprof_runtime as memprof;
    /// use memprof::{RenderOptions, Unit};
    ///
    /// let report = memprof::report();
    /// let mut options = RenderOptions::default();
    /// options.unit = Unit::KiB;
    /// options.precision = Some(2);
    /// let in_kib = report.to_table(&options);
    /// let default = report.to_string();
    /// # let _ = (in_kib, default);
    /// ```
    pub fn to_table(&self, options: &RenderOptions) -> String {
        render_with(self, options)
    }
}

/// The table with default options: a `Filename:`/`Function:` heading and a
/// table per function, or one line when the allocator is missing.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render_with(self, &RenderOptions::default()))
    }
}

/// Renders the report as text: a `Filename:`/`Function:` heading and a
/// table per function, or one line when the allocator is missing.
pub(crate) fn render_with(report: &Report, options: &RenderOptions) -> String {
    if !report.allocator_installed {
        return format!("{MISSING_ALLOCATOR}\n");
    }
    let mut out = String::new();
    for (i, function) in report.functions.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&render_function(function, options));
    }
    out
}

fn render_function(function: &FunctionReport, options: &RenderOptions) -> String {
    let precision = options.precision.unwrap_or(1);
    let bytes = |value: i128| format_bytes(value, options.unit, precision);

    let mut table = Table::new();
    table
        .load_style(TableStyle::new().header_separator(LineStyle::none().fill('=')))
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(HEADER.iter().map(Cell::new));
    for line in &function.lines {
        let figures = match &line.stats {
            Some(LineStats {
                occurrences,
                mem_usage,
                increment,
                retained,
                peak,
                allocs,
                ..
            }) => [
                bytes(i128::from(*mem_usage)),
                bytes(i128::from(*increment)),
                bytes(i128::from(*retained)),
                bytes(i128::from(*peak)),
                allocs.to_string(),
                occurrences.to_string(),
            ],
            None => Default::default(),
        };
        let mut row = vec![Cell::new(line.line)];
        row.extend(figures.into_iter().map(Cell::new));
        row.push(Cell::new(line.contents.replace('\t', "    ")));
        table.add_row(row);
    }
    // Three spaces between columns, and a `===` rule exactly as wide as the
    // table (a junction character would make the rule overhang the rows).
    for (index, column) in table.column_iter_mut().enumerate() {
        if index > 0 {
            column.set_padding((2, 1));
        }
        if index < HEADER.len() - 1 {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = format!(
        "Filename: {}\nFunction: {}\n\n{}\n",
        function.file,
        function.name,
        table.trim_fmt()
    );
    if let Some(peak) = peak_summary(function, &bytes) {
        out.push('\n');
        out.push_str(&peak);
    }
    if let Some(live) = live_at_exit_summary(function, &bytes) {
        out.push_str(&live);
    }
    out
}

/// How many lines a summary under the table names, largest first.
const SUMMARY_LINES: usize = 5;

/// `Peak of one call: 3.0 MiB (call 1 of 1), live then: line 37 2.0 MiB,
/// line 36 1.0 MiB`, or `None` when no call's live bytes rose.
fn peak_summary(function: &FunctionReport, bytes: &dyn Fn(i128) -> String) -> Option<String> {
    let peak = function.peak.as_ref()?;
    let which = match peak.call {
        Some(call) => format!("call {call} of {}", function.calls),
        None => format!("the largest of {} calls", function.calls),
    };
    let mut out = format!(
        "Peak of one call: {} ({which})",
        bytes(i128::from(peak.bytes))
    );
    if !peak.lines.is_empty() {
        out.push_str(", live then: ");
        out.push_str(&first_lines(
            peak.lines
                .iter()
                .map(|l| format!("line {} {}", l.line, bytes(i128::from(l.bytes)))),
        ));
    }
    out.push('\n');
    Some(out)
}

/// `Still live at exit: 1.2 MiB — line 14 (1.0 MiB), line 17 (200.0 KiB)`,
/// or `None` when the function's lines hold nothing now.
fn live_at_exit_summary(
    function: &FunctionReport,
    bytes: &dyn Fn(i128) -> String,
) -> Option<String> {
    let mut lines: Vec<(u32, u64)> = function
        .lines
        .iter()
        .filter_map(|l| Some((l.line, l.stats?.live_at_exit)))
        .filter(|&(_, live)| live > 0)
        .collect();
    if lines.is_empty() {
        return None;
    }
    let total: u64 = lines.iter().map(|&(_, live)| live).sum();
    lines.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let named = first_lines(
        lines
            .iter()
            .map(|&(line, live)| format!("line {line} ({})", bytes(i128::from(live)))),
    );
    Some(format!(
        "Still live at exit: {} \u{2014} {named}\n",
        bytes(i128::from(total)),
    ))
}

/// The first `SUMMARY_LINES` of `named` (largest first) joined, and `...`
/// when there are more.
fn first_lines(named: impl ExactSizeIterator<Item = String>) -> String {
    let more = named.len() > SUMMARY_LINES;
    let mut text = named.take(SUMMARY_LINES).collect::<Vec<_>>().join(", ");
    if more {
        text.push_str(", ...");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{CallPeak, LineReport, LineStats, PeakLine};

    fn sample() -> Report {
        let stats = |occurrences, mem_usage, increment, peak, allocs| {
            Some(LineStats {
                occurrences,
                mem_usage,
                increment,
                peak,
                allocs,
                ..LineStats::default()
            })
        };
        let line = |line, contents: &str, stats| LineReport {
            line,
            contents: contents.to_string(),
            stats,
        };
        Report {
            allocator_installed: true,
            functions: vec![FunctionReport {
                name: "demo::keep".into(),
                file: "src/demo.rs".into(),
                calls: 1,
                future_size: None,
                peak: Some(CallPeak {
                    bytes: 104_857_600,
                    call: Some(1),
                    lines: vec![PeakLine {
                        line: 7,
                        bytes: 102_400_000,
                    }],
                }),
                lines: vec![
                    line(
                        4,
                        "fn keep(n: usize) -> Vec<String> {",
                        stats(1, 1229, 0, 0, 0),
                    ),
                    line(5, "    let mut data = Vec::new();", stats(1, 1229, 0, 0, 0)),
                    line(
                        6,
                        "    for _ in 0..n {",
                        stats(100_001, 103_200_000, 0, 0, 0),
                    ),
                    line(
                        7,
                        "        data.push(\"x\".repeat(1000));",
                        stats(100_000, 103_200_000, 103_198_771, 1_573_864, 100_017).map(|s| {
                            LineStats {
                                retained: 102_400_000,
                                live_at_exit: 102_400_000,
                                ..s
                            }
                        }),
                    ),
                    line(8, "    }", None),
                    line(9, "\tdata", stats(1, 103_200_000, -1024, 0, 0)),
                    line(10, "}", stats(1, 103_200_000, 0, 0, 0)),
                ],
            }],
        }
    }

    #[test]
    fn renders_a_memory_profiler_style_table() {
        let expected = "\
Filename: src/demo.rs
Function: demo::keep

 Line #   Mem usage   Increment   Retained      Peak   Allocs   Occurrences   Line Contents
===================================================================================================================
      4     1.2 KiB         0 B        0 B       0 B        0             1   fn keep(n: usize) -> Vec<String> {
      5     1.2 KiB         0 B        0 B       0 B        0             1       let mut data = Vec::new();
      6    98.4 MiB         0 B        0 B       0 B        0        100001       for _ in 0..n {
      7    98.4 MiB    98.4 MiB   97.7 MiB   1.5 MiB   100017        100000           data.push(\"x\".repeat(1000));
      8                                                                           }
      9    98.4 MiB    -1.0 KiB        0 B       0 B        0             1       data
     10    98.4 MiB         0 B        0 B       0 B        0             1   }

Peak of one call: 100.0 MiB (call 1 of 1), live then: line 7 97.7 MiB
Still live at exit: 97.7 MiB \u{2014} line 7 (97.7 MiB)
";
        assert_eq!(sample().to_string(), expected);
    }

    #[test]
    fn unit_and_precision_apply_to_every_byte_cell() {
        let options = RenderOptions {
            unit: Unit::KiB,
            precision: Some(0),
        };
        let text = render_with(&sample(), &options);
        let row = text.lines().find(|l| l.contains("data.push")).unwrap();
        assert_eq!(
            row,
            "      7   100781 KiB   100780 KiB   100000 KiB   1537 KiB   100017        100000           \
             data.push(\"x\".repeat(1000));"
        );
    }

    #[test]
    fn functions_are_separated_by_a_blank_line() {
        let mut report = sample();
        let mut second = report.functions[0].clone();
        second.name = "demo::again".into();
        report.functions.push(second);
        let text = report.to_string();
        assert_eq!(text.matches("Filename: src/demo.rs\n").count(), 2);
        assert!(text.contains("(97.7 MiB)\n\nFilename: src/demo.rs\nFunction: demo::again\n"));
    }

    #[test]
    fn a_summary_names_five_lines_and_says_when_there_are_more() {
        let named = |n: u32| (0..n).map(|i| format!("line {}", i + 1));
        assert_eq!(first_lines(named(2)), "line 1, line 2");
        assert_eq!(
            first_lines(named(5)),
            "line 1, line 2, line 3, line 4, line 5"
        );
        assert_eq!(
            first_lines(named(7)),
            "line 1, line 2, line 3, line 4, line 5, ..."
        );
    }

    #[test]
    fn a_missing_allocator_is_one_line_naming_the_fix() {
        let mut report = sample();
        report.allocator_installed = false;
        assert_eq!(report.to_string(), format!("{MISSING_ALLOCATOR}\n"));
        assert!(MISSING_ALLOCATOR.contains("memprof::install!();"));
    }
}
