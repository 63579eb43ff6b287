//! `warnings PUBLISHED PROFILED POINTS`: compares the warnings of two builds
//! of one crate, as and without `#[memprof::profile]` on every function.
//!
//! `PUBLISHED` and `PROFILED` are cargo's JSON messages
//! (`--message-format=json`), run from each copy's root; `POINTS` is where
//! `annotate` wrote the attribute (`path:line:column`, paths as the
//! compiler gives them). A warning in the profiled copy on a line where the
//! attribute was written is moved back by the attribute's length, so that
//! both builds' positions are the user's text. Prints the warnings one build
//! has and the other has not, and exits non-zero if there are any.

use std::collections::BTreeMap;
use std::process::ExitCode;

use memprof_harness::ATTRIBUTE;

/// One warning: where, which lint, what it says.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Warning {
    file: String,
    line: u64,
    column: u64,
    code: String,
    message: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [published, profiled, points] = args.as_slice() else {
        eprintln!("usage: warnings PUBLISHED.json PROFILED.json POINTS");
        return ExitCode::FAILURE;
    };
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let points = insertions(&read(points));
    let before = warnings(&read(published), &BTreeMap::new());
    let after = warnings(&read(profiled), &points);
    let only_before = difference(&before, &after);
    let only_after = difference(&after, &before);
    println!(
        "{} warnings as published, {} profiled",
        before.len(),
        after.len()
    );
    for w in &only_before {
        println!(
            "  only as published: {}:{}:{} [{}] {}",
            w.file, w.line, w.column, w.code, w.message
        );
    }
    for w in &only_after {
        println!(
            "  only profiled:     {}:{}:{} [{}] {}",
            w.file, w.line, w.column, w.code, w.message
        );
    }
    if only_before.is_empty() && only_after.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The attribute's places, by file and line: their columns (0-based, in the
/// original text).
fn insertions(text: &str) -> BTreeMap<(String, u64), Vec<u64>> {
    let mut map: BTreeMap<(String, u64), Vec<u64>> = BTreeMap::new();
    for line in text.lines() {
        let mut parts = line.rsplitn(3, ':');
        let (Some(column), Some(number), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Ok(column), Ok(number)) = (column.parse(), number.parse()) else {
            continue;
        };
        let path = path.strip_prefix("./").unwrap_or(path).to_string();
        map.entry((path, number)).or_default().push(column);
    }
    map
}

/// The warnings of the crate's own files in cargo's JSON messages, sorted,
/// with profiled positions moved back to the user's text.
fn warnings(messages: &str, points: &BTreeMap<(String, u64), Vec<u64>>) -> Vec<Warning> {
    let attribute = ATTRIBUTE.chars().count() as u64;
    let mut out = Vec::new();
    for line in messages.lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if value["reason"] != "compiler-message" || value["message"]["level"] != "warning" {
            continue;
        }
        let message = &value["message"];
        let Some(span) = message["spans"]
            .as_array()
            .and_then(|spans| spans.iter().find(|s| s["is_primary"] == true))
        else {
            continue;
        };
        let file = span["file_name"].as_str().unwrap_or("").to_string();
        // The crate's own files only: dependencies (memprof among them) are
        // named by absolute paths or from the registry.
        if file.starts_with('/') || file.contains(".cargo") {
            continue;
        }
        let line = span["line_start"].as_u64().unwrap_or(0);
        let mut column = span["column_start"].as_u64().unwrap_or(0);
        if let Some(columns) = points.get(&(file.clone(), line)) {
            // 1-based in the compiler's, 0-based in ours: an attribute
            // written before this column moved it.
            let before = columns
                .iter()
                .enumerate()
                .filter(|(i, &c)| c + (*i as u64) * attribute < column)
                .count() as u64;
            column -= before * attribute;
        }
        out.push(Warning {
            file,
            line,
            column,
            code: message["code"]["code"].as_str().unwrap_or("").to_string(),
            message: message["message"].as_str().unwrap_or("").to_string(),
        });
    }
    out.sort();
    out
}

/// The warnings of `a` that `b` has not (counting repeats).
fn difference(a: &[Warning], b: &[Warning]) -> Vec<Warning> {
    let mut rest = b.to_vec();
    let mut out = Vec::new();
    for w in a {
        match rest.iter().position(|x| x == w) {
            Some(i) => {
                rest.remove(i);
            }
            None => out.push(w.clone()),
        }
    }
    out
}
