// The report as a memprof-style table: a pure function of the report, so
// tests compare strings.

use comfy_table::{Cell, CellAlignment, ContentArrangement, LineStyle, Table, TableStyle};

use crate::report::{FunctionReport, LineStats, Report};
use crate::units::format_bytes;

/// The unit byte figures are shown in.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unit {
    /// The largest unit in which the value is at least 1 (the default).
    #[default]
    Auto,
    /// Bytes.
    B,
    /// Kibibytes (1,024 bytes).
    KiB,
    /// Mebibytes (1,048,576 bytes).
    MiB,
    /// Gibibytes (1,073,741,824 bytes).
    GiB,
}

impl Unit {
    /// Parses `auto`, `B`, `KiB`, `MiB` or `GiB` (case-insensitive).
    pub fn parse(text: &str) -> Option<Unit> {
        match text.to_ascii_lowercase().as_str() {
            "auto" => Some(Unit::Auto),
            "b" => Some(Unit::B),
            "kib" => Some(Unit::KiB),
            "mib" => Some(Unit::MiB),
            "gib" => Some(Unit::GiB),
            _ => None,
        }
    }
}

/// How [`render_with`] shows byte figures.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// The unit of byte figures (`MEMPROF_UNIT`).
    pub unit: Unit,
    /// Decimals of figures in KiB and larger (`MEMPROF_PRECISION`); 1 when
    /// `None`.
    pub precision: Option<usize>,
}

const HEADER: [&str; 7] = [
    "Line #",
    "Mem usage",
    "Increment",
    "Peak",
    "Allocs",
    "Occurrences",
    "Line Contents",
];

/// The one line shown instead of a table when the counting allocator is not
/// installed.
pub const MISSING_ALLOCATOR: &str = "memprof: no numbers to show: the counting allocator is not \
                                     installed; add `memprof::install!();` at the crate root of \
                                     your binary (or test file)";

/// Renders the report as text with default options.
pub fn render(report: &Report) -> String {
    render_with(report, &RenderOptions::default())
}

/// Renders the report as text: a `Filename:`/`Function:` heading and a
/// table per function, or one line when the allocator is missing.
pub fn render_with(report: &Report, options: &RenderOptions) -> String {
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
        .load_style(TableStyle::new().header_separator(LineStyle::none().fill('=').junction('=')))
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(HEADER.iter().map(|h| Cell::new(h)));
    for line in &function.lines {
        let figures = match &line.stats {
            Some(LineStats {
                occurrences,
                mem_usage,
                increment,
                peak,
                allocs,
                ..
            }) => [
                bytes(i128::from(*mem_usage)),
                bytes(i128::from(*increment)),
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
    for column in 0..HEADER.len() - 1 {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!(
        "Filename: {}\nFunction: {}\n\n{}\n",
        function.file,
        function.name,
        table.trim_fmt()
    )
}
