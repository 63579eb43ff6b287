//! Every example runs, prints its own output unchanged, and reports exact
//! figures. The example binaries are the ones `cargo test` builds beside
//! this test.

// Figures below are products of sizes; spelled out for review.
#![allow(clippy::identity_op)]

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// Runs an example with the report as JSON in a file; returns its stdout
/// and the parsed report.
fn run_example(name: &str) -> (String, Value) {
    let dir = std::env::current_exe().unwrap();
    let dir = dir.parent().unwrap().parent().unwrap();
    let exe: PathBuf = dir.join("examples").join(name);
    assert!(
        exe.exists(),
        "{} is missing: `cargo test` builds the examples; run it from the workspace root",
        exe.display()
    );
    let out_file = std::env::temp_dir().join(format!(
        "memprof-example-{name}-{}.json",
        std::process::id()
    ));
    let out = Command::new(&exe)
        .env("MEMPROF_FORMAT", "json")
        .env("MEMPROF_OUTPUT", &out_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let json = serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    std::fs::remove_file(&out_file).unwrap();
    (String::from_utf8(out.stdout).unwrap(), json)
}

fn line<'a>(function: &'a Value, text: &str) -> &'a Value {
    function["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["contents"].as_str().unwrap().contains(text))
        .unwrap_or_else(|| panic!("no line containing {text:?}"))
}

fn function<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no function {name}"))
}

/// (occurrences, allocs, allocated, freed, increment, peak)
fn figures(line: &Value) -> (u64, u64, u64, u64, i64, u64) {
    (
        line["occurrences"].as_u64().unwrap(),
        line["allocs"].as_u64().unwrap(),
        line["allocated"].as_u64().unwrap(),
        line["freed"].as_u64().unwrap(),
        line["increment"].as_i64().unwrap(),
        line["peak"].as_u64().unwrap(),
    )
}

#[test]
fn quickstart() {
    let (stdout, report) = run_example("quickstart");
    assert_eq!(stdout, "kept 100000 strings\n");
    let f = function(&report, "quickstart::memory_leak");
    assert_eq!(f["calls"], 1);
    // 100,000 strings of 1,000 bytes, and the Vec<String> growing by
    // doubling from 4 to 131,072 slots of 24 bytes: 1 alloc + 15 reallocs.
    let grown: u64 = (2..=17).map(|k| (1u64 << k) * 24).sum();
    let released: u64 = (2..=16).map(|k| (1u64 << k) * 24).sum();
    assert_eq!(
        figures(line(f, "data.push")),
        (
            100_000,
            100_016,
            100_000 * 1000 + grown,
            released,
            100_000 * 1000 + 131_072 * 24,
            131_072 * 24 + 1000
        )
    );
    assert_eq!(figures(line(f, "for _ in 0..n")), (100_001, 0, 0, 0, 0, 0));
    assert_eq!(figures(line(f, "let mut data")), (1, 0, 0, 0, 0, 0));
    assert_eq!(figures(line(f, "fn memory_leak")), (1, 0, 0, 0, 0, 0));
}

#[test]
fn classic() {
    let (stdout, report) = run_example("classic");
    assert_eq!(
        stdout,
        "a has 1000000 items; the loop kept 3000000 in total\n"
    );
    let once = function(&report, "classic::my_func");
    assert_eq!(
        figures(line(once, "let a =")),
        (1, 1, 8_000_000, 0, 8_000_000, 8_000_000)
    );
    assert_eq!(
        figures(line(once, "let b =")),
        (1, 1, 160_000_000, 0, 160_000_000, 160_000_000)
    );
    assert_eq!(
        figures(line(once, "drop(b)")),
        (1, 0, 0, 160_000_000, -160_000_000, 0)
    );
    // Mem usage is process-wide: a and b were both alive after `let b`.
    assert!(line(once, "let b =")["mem_usage"].as_u64().unwrap() >= 168_000_000);

    let looped = function(&report, "classic::my_func_in_a_loop");
    assert_eq!(figures(line(looped, "for _ in 0..rounds")).0, 4);
    assert_eq!(
        figures(line(looped, "let b =")),
        (3, 3, 480_000_000, 0, 480_000_000, 160_000_000)
    );
    assert_eq!(
        figures(line(looped, "drop(b)")),
        (3, 0, 0, 480_000_000, -480_000_000, 0)
    );
    // `a` drops at the end of each pass through the body.
    assert_eq!(
        figures(line(looped, "kept += a.len()")),
        (3, 0, 0, 24_000_000, -24_000_000, 0)
    );
}

#[test]
fn word_index() {
    let (stdout, report) = run_example("word_index");
    assert_eq!(
        stdout,
        "20000 lines, 584 distinct words; \"ru\" occurs on 10186 lines\n"
    );
    let f = function(&report, "word_index::build_index");
    assert_eq!(figures(line(f, "for word in")).0, 260_000);
    assert_eq!(
        figures(line(f, "match index.get_mut")),
        (240_000, 0, 0, 0, 0, 0)
    );
    assert_eq!(figures(line(f, "Some(postings)")).0, 240_000 - 584);
    let insert = line(f, "index.insert");
    assert_eq!(insert["occurrences"], 584);
    // Each new word: its String key and its one-element Vec, plus the
    // table's own growth.
    assert!(insert["allocs"].as_u64().unwrap() > 2 * 584);
    let lines: Vec<&Value> = f["lines"].as_array().unwrap().iter().collect();
    let allocated: u64 = lines.iter().filter_map(|l| l["allocated"].as_u64()).sum();
    let freed: u64 = lines.iter().filter_map(|l| l["freed"].as_u64()).sum();
    let increment: i64 = lines.iter().filter_map(|l| l["increment"].as_i64()).sum();
    assert_eq!(increment, allocated as i64 - freed as i64);
}
