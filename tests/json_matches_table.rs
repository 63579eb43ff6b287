//! The JSON and the table say the same thing, row by row.

use memprof::{report, RenderOptions, Unit};

mod common;

use common::json_function;

memprof::install!();

#[memprof::profile]
fn mixed(n: usize) -> usize {
    let mut words = Vec::new(); // a comment stays in the contents
    for i in 0..n {
        words.push(format!("word \"{i}\""));
    }

    let joined = words.join("\t");
    joined.len()
}

#[test]
fn json_parses_and_matches_the_table() {
    assert!(mixed(50) > 0);
    let r = report();
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).expect("valid JSON");
    assert_eq!(json["memprof"], 1);
    assert_eq!(json["allocator_installed"], true);

    let mut options = RenderOptions::default();
    options.unit = Unit::B;
    let table = r.to_table(&options);

    let f = r.function("mixed").unwrap();
    let jf = json_function(&json, "json_matches_table::mixed");
    assert_eq!(jf["file"], "tests/json_matches_table.rs");
    assert_eq!(jf["calls"], 1);
    assert_eq!(jf["future_size"], serde_json::Value::Null);
    let peak = f.peak.as_ref().expect("the call's live bytes rose");
    assert_eq!(jf["peak"]["bytes"], peak.bytes);
    assert_eq!(jf["peak"]["call"], 1);
    let jpeak: Vec<(u64, u64)> = jf["peak"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["line"].as_u64().unwrap(), l["bytes"].as_u64().unwrap()))
        .collect();
    let rpeak: Vec<(u64, u64)> = peak
        .lines
        .iter()
        .map(|l| (u64::from(l.line), l.bytes))
        .collect();
    assert_eq!(jpeak, rpeak);
    assert!(!rpeak.is_empty());
    let jlines = jf["lines"].as_array().unwrap();
    assert_eq!(jlines.len(), f.lines.len());
    assert_eq!(f.lines.len(), 9);

    // The table of this function, after its heading and header rows.
    let heading = "Function: json_matches_table::mixed\n\n";
    let start = table.find(heading).unwrap() + heading.len();
    let rows: Vec<&str> = table[start..].lines().skip(2).take(f.lines.len()).collect();

    for ((line, j), row) in f.lines.iter().zip(jlines).zip(rows) {
        assert_eq!(j["line"], line.line);
        assert_eq!(j["contents"], line.contents.as_str());
        assert!(row.ends_with(line.contents.replace('\t', "    ").trim_end()));
        let cells: Vec<&str> = row[..row.len() - line.contents.trim_end().len()]
            .split_whitespace()
            .collect();
        match line.stats {
            Some(s) => {
                assert_eq!(j["occurrences"], s.occurrences);
                assert_eq!(j["mem_usage"], s.mem_usage);
                assert_eq!(j["increment"], s.increment);
                assert_eq!(j["peak"], s.peak);
                assert_eq!(j["allocs"], s.allocs);
                assert_eq!(j["allocated"], s.allocated);
                assert_eq!(j["freed"], s.freed);
                assert_eq!(j["retained"], s.retained);
                assert_eq!(j["live_at_exit"], s.live_at_exit);
                assert_eq!(j["held_while_suspended"], serde_json::Value::Null);
                assert_eq!(
                    cells,
                    [
                        line.line.to_string(),
                        s.mem_usage.to_string(),
                        "B".into(),
                        s.increment.to_string(),
                        "B".into(),
                        s.retained.to_string(),
                        "B".into(),
                        s.peak.to_string(),
                        "B".into(),
                        s.allocs.to_string(),
                        s.occurrences.to_string(),
                    ]
                );
            }
            None => {
                assert_eq!(j["occurrences"], 0);
                for key in [
                    "mem_usage",
                    "increment",
                    "peak",
                    "allocs",
                    "allocated",
                    "freed",
                    "retained",
                    "live_at_exit",
                    "held_while_suspended",
                ] {
                    assert!(j[key].is_null(), "{key} of line {}", line.line);
                }
                assert_eq!(cells, [line.line.to_string()]);
            }
        }
    }

    // Exact figures where the allocator makes them exact.
    let push = f.line_containing("words.push").unwrap().stats.unwrap();
    assert_eq!(push.occurrences, 50);
    let loop_header = f.line_containing("for i in 0..n").unwrap().stats.unwrap();
    assert_eq!(loop_header.occurrences, 51);
    let blank = f.lines.iter().find(|l| l.contents.is_empty()).unwrap();
    assert!(blank.stats.is_none());
    let comment = f.line_containing("a comment stays").unwrap();
    assert_eq!(comment.stats.unwrap().allocs, 0);
}
