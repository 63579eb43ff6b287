//! The report as JSON (`MEMPROF_FORMAT=json`): exact integer bytes, for
//! tools. A pure function of the report.
//!
//! Hand-written rather than serde: the shape is small and fixed, and the
//! runtime stays free of dependencies beyond the ones the design names.

use std::fmt::Write;

use crate::heap_stats::HeapStats;
use crate::json_string::push_string;
use crate::report::Report;

impl Report {
    /// The report as one JSON document:
    ///
    /// ```text
    /// {"memprof": 1, "allocator_installed": true,
    ///  "functions": [{"name": "...", "file": "...", "calls": N, "future_size": B|null,
    ///    "peak": {"bytes": B, "call": N|null, "lines": [{"line": L, "bytes": B}]}|null,
    ///    "lines": [{"line": 7, "contents": "...", "occurrences": N, "mem_usage": B,
    ///               "increment": B, "peak": B, "allocs": N, "allocated": B, "freed": B,
    ///               "retained": B, "live_at_exit": B, "held_while_suspended": B|null}]}]}
    /// ```
    ///
    /// A line that never ran has `occurrences: 0` and `null` figures.
    pub fn to_json(&self) -> String {
        render_json(self)
    }
}

/// `Report::to_json`.
pub(crate) fn render_json(report: &Report) -> String {
    render_json_with(report, None)
}

/// The report's JSON, with the heap's statistics when given (the exit
/// report with `MEMPROF_HEAP_STATS=on`):
///
/// ```text
/// "heap_stats": {"live_bytes": B, "live_blocks": N, "peak_live_bytes": B,
///   "allocated_bytes": B, "freed_bytes": B, "allocations": N,
///   "deallocations": N, "reallocations": N,
///   "size_classes": [{"largest": B, "live_blocks": N, "live_bytes": B}]}
/// ```
pub(crate) fn render_json_with(report: &Report, heap: Option<&HeapStats>) -> String {
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
        let _ = write!(out, ", \"calls\": {}, \"future_size\": ", function.calls);
        push_optional(&mut out, function.future_size);
        out.push_str(", \"peak\": ");
        match &function.peak {
            Some(peak) => {
                let _ = write!(out, "{{\"bytes\": {}, \"call\": ", peak.bytes);
                push_optional(&mut out, peak.call);
                out.push_str(", \"lines\": [");
                for (k, line) in peak.lines.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(
                        out,
                        "{{\"line\": {}, \"bytes\": {}}}",
                        line.line, line.bytes
                    );
                }
                out.push_str("]}");
            }
            None => out.push_str("null"),
        }
        out.push_str(", \"lines\": [");
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
                         \"peak\": {}, \"allocs\": {}, \"allocated\": {}, \"freed\": {}, \
                         \"retained\": {}, \"live_at_exit\": {}, \"held_while_suspended\": ",
                        s.occurrences,
                        s.mem_usage,
                        s.increment,
                        s.peak,
                        s.allocs,
                        s.allocated,
                        s.freed,
                        s.retained,
                        s.live_at_exit
                    );
                    push_optional(&mut out, s.held_while_suspended);
                    out.push('}');
                }
                None => out.push_str(
                    ", \"occurrences\": 0, \"mem_usage\": null, \"increment\": null, \
                     \"peak\": null, \"allocs\": null, \"allocated\": null, \"freed\": null, \
                     \"retained\": null, \"live_at_exit\": null, \"held_while_suspended\": null}",
                ),
            }
        }
        out.push_str("]}");
    }
    out.push(']');
    if let Some(heap) = heap {
        push_heap_stats(&mut out, heap);
    }
    out.push_str("}\n");
    out
}

/// A figure that may be absent: its number, or `null`.
fn push_optional(out: &mut String, value: Option<u64>) {
    match value {
        Some(value) => {
            let _ = write!(out, "{value}");
        }
        None => out.push_str("null"),
    }
}

fn push_heap_stats(out: &mut String, heap: &HeapStats) {
    let _ = write!(
        out,
        ",\n\"heap_stats\": {{\"live_bytes\": {}, \"live_blocks\": {}, \"peak_live_bytes\": {}, \
         \"allocated_bytes\": {}, \"freed_bytes\": {}, \"allocations\": {}, \
         \"deallocations\": {}, \"reallocations\": {}, \"size_classes\": [",
        heap.live_bytes,
        heap.live_blocks,
        heap.peak_live_bytes,
        heap.allocated_bytes,
        heap.freed_bytes,
        heap.allocations,
        heap.deallocations,
        heap.reallocations
    );
    for (i, class) in heap.size_classes().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(
            out,
            "{{\"largest\": {}, \"live_blocks\": {}, \"live_bytes\": {}}}",
            class.largest, class.live_blocks, class.live_bytes
        );
    }
    out.push_str("]}");
}
