//! The report as JSON (`MEMPROF_FORMAT=json`): exact integer bytes, for
//! tools. A pure function of the report.
//!
//! Hand-written rather than serde: the shape is small and fixed, and the
//! runtime stays free of dependencies beyond the ones the design names.

use std::fmt::Write;

use crate::json_string::push_string;
use crate::report::Report;

/// The report as one JSON document:
///
/// ```text
/// {"memprof": 1, "allocator_installed": true,
///  "functions": [{"name": "...", "file": "...", "calls": N,
///    "lines": [{"line": 7, "contents": "...", "occurrences": N, "mem_usage": B,
///               "increment": B, "peak": B, "allocs": N, "allocated": B, "freed": B}]}]}
/// ```
///
/// A line that never ran has `occurrences: 0` and `null` figures.
pub fn render_json(report: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "{{\"memprof\": 1, \"allocator_installed\": {}, \"functions\": [",
        report.allocator_installed
    );
    for (i, function) in report.functions.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("\n  {\"name\": ");
        push_string(&mut out, &function.name);
        out.push_str(", \"file\": ");
        push_string(&mut out, &function.file);
        let _ = write!(out, ", \"calls\": {}, \"lines\": [", function.calls);
        for (j, line) in function.lines.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let _ = write!(out, "\n    {{\"line\": {}, \"contents\": ", line.line);
            push_string(&mut out, &line.contents);
            match &line.stats {
                Some(s) => {
                    let _ = write!(
                        out,
                        ", \"occurrences\": {}, \"mem_usage\": {}, \"increment\": {}, \
                         \"peak\": {}, \"allocs\": {}, \"allocated\": {}, \"freed\": {}}}",
                        s.occurrences,
                        s.mem_usage,
                        s.increment,
                        s.peak,
                        s.allocs,
                        s.allocated,
                        s.freed
                    );
                }
                None => out.push_str(
                    ", \"occurrences\": 0, \"mem_usage\": null, \"increment\": null, \
                     \"peak\": null, \"allocs\": null, \"allocated\": null, \"freed\": null}",
                ),
            }
        }
        out.push_str("]}");
    }
    out.push_str("]}\n");
    out
}
