//! Every example runs, prints its own output unchanged, and reports exact
//! figures. The example binaries are the ones `cargo test` builds beside
//! this test.

// Figures below are products of sizes; spelled out for review.
#![allow(clippy::identity_op)]

mod common;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use common::{json_function as function, Figures};

/// The path of an example's binary, built by `cargo test` beside this test.
fn example_binary(name: &str) -> PathBuf {
    let dir = std::env::current_exe().unwrap();
    let dir = dir.parent().unwrap().parent().unwrap();
    let exe = dir.join("examples").join(name);
    assert!(
        exe.exists(),
        "{} is missing: `cargo test` builds the examples; run it from the workspace root",
        exe.display()
    );
    exe
}

/// A file path in the temporary directory, unique to this process.
fn temp_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("memprof-example-{}-{name}", std::process::id()))
}

/// Runs an example with the report as JSON in a file, and `env` besides;
/// returns its stdout and the parsed report.
fn run_example_with(name: &str, env: &[(&str, &str)]) -> (String, Value) {
    // One file per run: two tests run the same example at once (timeline).
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out_file = temp_file(&format!("{name}-{run}-report.json"));
    let out = Command::new(example_binary(name))
        .env("MEMPROF_FORMAT", "json")
        .env("MEMPROF_OUTPUT", &out_file)
        .envs(env.iter().copied())
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

fn run_example(name: &str) -> (String, Value) {
    run_example_with(name, &[])
}

fn line<'a>(function: &'a Value, text: &str) -> &'a Value {
    function["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["contents"].as_str().unwrap().contains(text))
        .unwrap_or_else(|| panic!("no line containing {text:?}"))
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
        Figures::of_json(line(f, "data.push")),
        Figures {
            occurrences: 100_000,
            allocs: 100_016,
            allocated: 100_000 * 1000 + grown,
            freed: released,
            increment: 100_000 * 1000 + 131_072 * 24,
            peak: 131_072 * 24 + 1000,
        }
    );
    assert_eq!(
        Figures::of_json(line(f, "for _ in 0..n")),
        Figures {
            occurrences: 100_001,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
    assert_eq!(
        Figures::of_json(line(f, "let mut data")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
    assert_eq!(
        Figures::of_json(line(f, "fn memory_leak")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
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
        Figures::of_json(line(once, "let a =")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 8_000_000,
            freed: 0,
            increment: 8_000_000,
            peak: 8_000_000,
        }
    );
    assert_eq!(
        Figures::of_json(line(once, "let b =")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 160_000_000,
            freed: 0,
            increment: 160_000_000,
            peak: 160_000_000,
        }
    );
    assert_eq!(
        Figures::of_json(line(once, "drop(b)")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 160_000_000,
            increment: -160_000_000,
            peak: 0,
        }
    );
    // Mem usage is process-wide: a and b were both alive after `let b`.
    assert!(line(once, "let b =")["mem_usage"].as_u64().unwrap() >= 168_000_000);

    let looped = function(&report, "classic::my_func_in_a_loop");
    assert_eq!(
        Figures::of_json(line(looped, "for _ in 0..rounds")).occurrences,
        4
    );
    assert_eq!(
        Figures::of_json(line(looped, "let b =")),
        Figures {
            occurrences: 3,
            allocs: 3,
            allocated: 480_000_000,
            freed: 0,
            increment: 480_000_000,
            peak: 160_000_000,
        }
    );
    assert_eq!(
        Figures::of_json(line(looped, "drop(b)")),
        Figures {
            occurrences: 3,
            allocs: 0,
            allocated: 0,
            freed: 480_000_000,
            increment: -480_000_000,
            peak: 0,
        }
    );
    // `a` drops at the end of each pass through the body.
    assert_eq!(
        Figures::of_json(line(looped, "kept += a.len()")),
        Figures {
            occurrences: 3,
            allocs: 0,
            allocated: 0,
            freed: 24_000_000,
            increment: -24_000_000,
            peak: 0,
        }
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
    assert_eq!(
        Figures::of_json(line(f, "for word in")).occurrences,
        260_000
    );
    assert_eq!(
        Figures::of_json(line(f, "match index.get_mut")),
        Figures {
            occurrences: 240_000,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
    assert_eq!(
        Figures::of_json(line(f, "Some(postings)")).occurrences,
        240_000 - 584
    );
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

const TIMELINE_FUNCTIONS: [&str; 3] = ["timeline::load", "timeline::index", "timeline::summarize"];

#[test]
fn timeline_svg_parses_and_holds_the_samples_and_function_spans() {
    let svg_file = temp_file("timeline.svg");
    let (stdout, report) = run_example_with(
        "timeline",
        &[("MEMPROF_TIMELINE", svg_file.to_str().unwrap())],
    );
    assert_eq!(stdout, "2002 distinct words\n");
    assert_eq!(function(&report, "timeline::load")["calls"], 1);
    let svg = std::fs::read_to_string(&svg_file).unwrap();
    std::fs::remove_file(&svg_file).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::trim))
        .collect();
    assert!(texts
        .iter()
        .any(|t| t.starts_with("timeline: live heap over time (peak ")));
    assert!(texts.contains(&"live heap (MiB)"));
    assert!(texts.contains(&"time since the first profiled call (ms)"));
    for name in TIMELINE_FUNCTIONS {
        assert_eq!(texts.iter().filter(|t| **t == name).count(), 1, "{name}");
    }
    // The heap line: one point per sample. The run sleeps for more than
    // 80 ms at one sample a millisecond; a loaded machine (the other tests
    // run beside this one) may oversleep, so the floor leaves room.
    let points = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .map(|n| n.attribute("points").unwrap().split_whitespace().count())
        .max()
        .unwrap();
    assert!(points >= 20, "{points} points");
    // A shaded span for each of the three calls.
    let spans = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("opacity") == Some("0.12"))
        .count();
    assert_eq!(spans, 3);
}

#[test]
fn timeline_json_holds_the_samples_and_spans_in_call_order() {
    let json_file = temp_file("timeline.json");
    run_example_with(
        "timeline",
        &[
            ("MEMPROF_TIMELINE", json_file.to_str().unwrap()),
            ("MEMPROF_INTERVAL", "2ms"),
        ],
    );
    let timeline: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    std::fs::remove_file(&json_file).unwrap();
    assert_eq!(timeline["memprof_timeline"], 1);
    assert_eq!(timeline["program"], "timeline");
    assert_eq!(timeline["interval_ns"], 2_000_000);
    assert_eq!(timeline["functions"], serde_json::json!(TIMELINE_FUNCTIONS));
    // 24,000 documents of 40 repeats of "document b i " stay alive at once.
    let peak = timeline["peak"].as_u64().unwrap();
    assert!(peak >= 24_000 * 40 * 13, "peak {peak}");
    let spans = timeline["spans"].as_array().unwrap();
    let functions: Vec<u64> = spans
        .iter()
        .map(|s| s["function"].as_u64().unwrap())
        .collect();
    assert_eq!(functions, [0, 1, 2], "one stretch per call, in call order");
    for pair in spans.windows(2) {
        assert!(pair[0]["end_ns"].as_u64() <= pair[1]["start_ns"].as_u64());
    }
    let samples = timeline["samples"].as_array().unwrap();
    assert!(samples.len() >= 10, "{} samples", samples.len());
    let times: Vec<u64> = samples.iter().map(|s| s[0].as_u64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]));
    assert!(samples.iter().any(|s| s[1].as_u64() == Some(peak)));
}

#[test]
fn heap_stats_example_prints_exact_figures_and_the_table() {
    let out = Command::new(example_binary("heap_stats"))
        .env_remove("MEMPROF_HEAP_STATS")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "live bytes: 2097152 more; peak: 3145728 more than live before\n"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("memprof heap statistics\n"), "{stderr}");
    // The 2 MiB vector is the one live block of its class.
    assert!(
        stderr
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["≤", "2", "MiB", "1", "2.0", "MiB"]),
        "{stderr}"
    );
}

#[test]
fn leak_retained_and_live_at_exit_point_at_the_cache() {
    let (stdout, report) = run_example("leak");
    assert_eq!(stdout, "indexed 10 versions, 2000 distinct words\n");
    let f = function(&report, "leak::index_document");
    // The 2,000 distinct words "word0".."word1999" (14,890 bytes of
    // lowercase strings) and the index's table (4,096 buckets of a 24-byte
    // String and a usize, plus 4,096 + 16 control bytes: 135,184 bytes),
    // kept by each of the ten calls and all still live at exit.
    let words = line(f, "let words");
    assert_eq!(words["retained"], 10 * 14_890);
    assert_eq!(words["live_at_exit"], 10 * 14_890);
    let index = line(f, "let index = count(words);");
    assert_eq!(index["retained"], 10 * 135_184);
    assert_eq!(index["live_at_exit"], 10 * 135_184);
    // The cache's own vector of 4, then 8, then 16 indexes of 48 bytes,
    // (re)allocated by calls 1, 5 and 9, each of which retained its new
    // buffer; the last one is live.
    let push = line(f, "LATEST.lock()");
    assert_eq!(push["retained"], (4 + 8 + 16) * 48);
    assert_eq!(push["live_at_exit"], 16 * 48);
    // The first call peaked when collecting the 16,385th word grew the
    // words' vector from 16,384 to 32,768 slots of 24 bytes, with 16,385
    // strings made (8 × 14,890 + 2,585 bytes).
    assert_eq!(
        f["peak"],
        serde_json::json!({
            "bytes": 786_432 + 393_216 + 8 * 14_890 + 2_585,
            "call": 1,
            "lines": [{"line": 19, "bytes": 786_432 + 393_216 + 8 * 14_890 + 2_585}],
        })
    );
}
