//! A timeline's spans end when the calls end: a function called many times
//! over, on two threads, is marked only while those calls run, and the
//! report counts every call of it. Runs this binary again as a child,
//! which writes the timeline at exit.

#[path = "common/child.rs"]
mod child;
mod common;

use std::time::Duration;

use child::{run, run_checks, text};
use serde_json::Value;

memprof::install!();

/// Calls made in a burst: all but a thread's first start lazily.
#[memprof::profile]
fn quick(x: u64) -> u64 {
    x.rotate_left(7) ^ 0x9E37
}

/// One call, well after the burst.
#[memprof::profile]
fn later() -> usize {
    std::thread::sleep(Duration::from_millis(30));
    1
}

const CALLS: u64 = 100_000;

fn burst() -> u64 {
    let mut x = 1;
    for _ in 0..CALLS {
        x = quick(std::hint::black_box(x));
    }
    x
}

fn main() {
    match std::env::var(child::SCENARIO).as_deref() {
        Ok("burst") => {
            let other = std::thread::spawn(burst);
            let x = burst() ^ other.join().unwrap();
            // A pause far longer than the sampling interval, so that even a
            // late sample after the burst comes before `later` starts.
            std::thread::sleep(Duration::from_millis(100));
            println!("{}", x as usize + later());
        }
        Ok(other) => panic!("unknown scenario {other}"),
        Err(_) => run_checks(&[(
            "a_function_called_in_a_burst_is_marked_only_during_it",
            a_function_called_in_a_burst_is_marked_only_during_it,
        )]),
    }
}

fn a_function_called_in_a_burst_is_marked_only_during_it() {
    let dir = std::env::temp_dir();
    let timeline_file = dir.join(format!(
        "memprof-timeline-spans-{}.json",
        std::process::id()
    ));
    let report_file = dir.join(format!(
        "memprof-timeline-report-{}.json",
        std::process::id()
    ));
    let out = run(
        "burst",
        &[
            ("MEMPROF_TIMELINE", timeline_file.to_str().unwrap()),
            ("MEMPROF_INTERVAL", "1ms"),
            ("MEMPROF_FORMAT", "json"),
            ("MEMPROF_OUTPUT", report_file.to_str().unwrap()),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let timeline: Value =
        serde_json::from_str(&std::fs::read_to_string(&timeline_file).unwrap()).unwrap();
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_file).unwrap()).unwrap();
    std::fs::remove_file(&timeline_file).unwrap();
    std::fs::remove_file(&report_file).unwrap();

    let functions = timeline["functions"].as_array().unwrap();
    let index_of = |name: &str| functions.iter().position(|f| f == name).unwrap() as u64;
    let quick = index_of("timeline_spans::quick");
    let later = index_of("timeline_spans::later");
    let spans = timeline["spans"].as_array().unwrap();
    let of = |function: u64| -> Vec<(u64, u64)> {
        spans
            .iter()
            .filter(|s| s["function"] == function)
            .map(|s| {
                (
                    s["start_ns"].as_u64().unwrap(),
                    s["end_ns"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let later_spans = of(later);
    assert_eq!(later_spans.len(), 1, "{later_spans:?}");
    let quick_spans = of(quick);
    assert!(!quick_spans.is_empty());
    // Had a call's end not uncounted it, the function would stay marked to
    // the end of the timeline.
    for (_, end) in &quick_spans {
        assert!(
            *end <= later_spans[0].0,
            "{quick_spans:?} then {later_spans:?}"
        );
    }

    let calls = |name: &str| {
        common::json_function(&report, name)["calls"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(calls("timeline_spans::quick"), 2 * CALLS);
    assert_eq!(calls("timeline_spans::later"), 1);
}
