//! The report printed at exit: where it goes, in which format, and what the
//! environment settings do. Each check runs this binary again as a child.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

#[path = "common/child.rs"]
mod child;

use child::{run, run_checks, text};

memprof::install!();

#[memprof::profile]
fn reported(n: usize) -> usize {
    let v = vec![0u8; n];
    v.len()
}

#[memprof::profile]
fn exits_inside(code: i32) {
    let kept = vec![0u8; 4096];
    std::hint::black_box(&kept);
    std::process::exit(code);
}

#[memprof::profile]
fn panics_inside() {
    let kept = vec![0u8; 4096];
    std::hint::black_box(&kept);
    panic!("the profiled function panicked");
}

fn main() {
    match std::env::var(child::SCENARIO).as_deref() {
        Ok("run") => {
            println!("child output stays");
            assert_eq!(reported(1 << 20), 1 << 20);
        }
        Ok("capture") => {
            // What a test does: a capture and its assertion, then exit.
            let (n, report) = memprof::capture(|| reported(1 << 20));
            assert_eq!(n, 1 << 20);
            let line = report.function("reported").unwrap().line_containing("vec!");
            assert_eq!(line.unwrap().stats.unwrap().allocated, 1 << 20);
            println!("captured {}", line.unwrap().stats.unwrap().allocated);
        }
        Ok("print_then_exit") => {
            assert_eq!(reported(1 << 20), 1 << 20);
            memprof::print_report();
            eprintln!("-- printed by the program --");
        }
        Ok("exit") => exits_inside(3),
        Ok("panic") => panics_inside(),
        Ok(other) => panic!("unknown scenario {other}"),
        Err(_) => run_checks(&[
            ("table_on_stderr_at_exit", table_on_stderr_at_exit),
            ("json_to_a_file", json_to_a_file),
            (
                "unwritable_output_is_one_line_and_stderr",
                unwritable_output,
            ),
            ("memprof_off_prints_nothing", memprof_off_prints_nothing),
            (
                "report_off_keeps_capture_and_prints_no_table",
                report_off_keeps_capture,
            ),
            (
                "print_report_is_not_repeated_at_exit",
                print_report_is_not_repeated,
            ),
            ("heap_stats_follow_the_report", heap_stats_follow_the_report),
            (
                "bad_settings_are_one_line_each",
                bad_settings_are_one_line_each,
            ),
            ("unit_and_precision", unit_and_precision),
            ("process_exit_inside_still_reports", process_exit_inside),
            ("panic_in_main_still_reports", panic_in_main),
        ]),
    }
}

fn row<'a>(stderr: &'a str, contents: &str) -> &'a str {
    stderr
        .lines()
        .find(|l| l.ends_with(contents))
        .unwrap_or_else(|| panic!("no row ending with {contents:?} in\n{stderr}"))
}

/// The cells of a table row, split on runs of two or more spaces.
fn cells(row: &str) -> Vec<&str> {
    row.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

fn table_on_stderr_at_exit() {
    let out = run("run", &[]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "child output stays\n");
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "Filename: tests/exit_report.rs\nFunction: exit_report::reported\n\n Line #   Mem usage   \
             Increment   Retained      Peak   Allocs   Occurrences   Line Contents\n====="
        ),
        "{stderr}"
    );
    let alloc = cells(row(&stderr, "let v = vec![0u8; n];"));
    assert_eq!(
        alloc[2..7],
        ["1.0 MiB", "0 B", "1.0 MiB", "1", "1"],
        "{alloc:?}"
    );
    let close = cells(row(&stderr, "   }"));
    assert_eq!(
        close[2..7],
        ["-1.0 MiB", "0 B", "0 B", "0", "1"],
        "{close:?}"
    );
    let signature = cells(row(&stderr, "fn reported(n: usize) -> usize {"));
    assert_eq!(
        signature[2..7],
        ["0 B", "0 B", "0 B", "0", "1"],
        "{signature:?}"
    );
}

fn json_to_a_file() {
    let path = std::env::temp_dir().join(format!("memprof-exit-{}.json", std::process::id()));
    let out = run(
        "run",
        &[
            ("MEMPROF_FORMAT", "json"),
            ("MEMPROF_OUTPUT", path.to_str().unwrap()),
        ],
    );
    assert!(out.status.success());
    assert_eq!(text(&out.stderr), "");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(json["memprof"], 1);
    assert_eq!(json["allocator_installed"], true);
    let f = &json["functions"][0];
    assert_eq!(f["name"], "exit_report::reported");
    assert_eq!(f["file"], "tests/exit_report.rs");
    assert_eq!(f["calls"], 1);
    let lines = f["lines"].as_array().unwrap();
    let alloc = lines
        .iter()
        .find(|l| l["contents"] == "    let v = vec![0u8; n];")
        .unwrap();
    assert_eq!(alloc["occurrences"], 1);
    assert_eq!(alloc["increment"], 1_048_576);
    assert_eq!(alloc["allocated"], 1_048_576);
    assert_eq!(alloc["freed"], 0);
    assert_eq!(alloc["peak"], 1_048_576);
    assert_eq!(alloc["allocs"], 1);
    assert!(alloc["mem_usage"].as_u64().unwrap() >= 1_048_576);
}

fn unwritable_output() {
    let out = run(
        "run",
        &[("MEMPROF_OUTPUT", "/nonexistent-memprof-dir/report.txt")],
    );
    assert!(out.status.success());
    let stderr = text(&out.stderr);
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with(
            "memprof: cannot write the report to MEMPROF_OUTPUT=/nonexistent-memprof-dir/report.txt ("
        ),
        "{first}"
    );
    assert!(first.ends_with(
        "); set MEMPROF_OUTPUT to a writable file path, or unset it to print to stderr; printing \
         to stderr instead"
    ));
    assert!(stderr.contains("Function: exit_report::reported"));
}

fn memprof_off_prints_nothing() {
    let out = run("run", &[("MEMPROF", "off")]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "child output stays\n");
    assert_eq!(text(&out.stderr), "");
}

fn bad_settings_are_one_line_each() {
    let out = run(
        "run",
        &[
            ("MEMPROF", "loud"),
            ("MEMPROF_FORMAT", "xml"),
            ("MEMPROF_UNIT", "MiBs"),
        ],
    );
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "child output stays\n");
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().take(3).collect();
    assert_eq!(
        lines,
        [
            "memprof: MEMPROF=\"loud\" is not understood; set MEMPROF to on, off, 1, 0, true or \
             false (profiling stays on)",
            "memprof: MEMPROF_FORMAT=\"xml\" is not understood; set MEMPROF_FORMAT=table or \
             MEMPROF_FORMAT=json (using table)",
            "memprof: MEMPROF_UNIT=\"MiBs\" is not understood; set MEMPROF_UNIT to auto, B, KiB, \
             MiB, GiB, KB, MB or GB (using auto)",
        ]
    );
    assert!(stderr.contains("Function: exit_report::reported"));
}

fn unit_and_precision() {
    let out = run(
        "run",
        &[("MEMPROF_UNIT", "KiB"), ("MEMPROF_PRECISION", "2")],
    );
    let stderr = text(&out.stderr);
    let alloc = cells(row(&stderr, "let v = vec![0u8; n];"));
    assert_eq!(
        [alloc[2], alloc[3], alloc[4]],
        ["1024.00 KiB", "0.00 KiB", "1024.00 KiB"],
        "{alloc:?}"
    );
    let out = run("run", &[("MEMPROF_UNIT", "B")]);
    let stderr = text(&out.stderr);
    let alloc = cells(row(&stderr, "let v = vec![0u8; n];"));
    assert_eq!(
        [alloc[2], alloc[3], alloc[4]],
        ["1048576 B", "0 B", "1048576 B"],
        "{alloc:?}"
    );
}

fn process_exit_inside() {
    let out = run("exit", &[]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("Function: exit_report::exits_inside"),
        "{stderr}"
    );
    // The call never returned, yet its lines so far are in the report.
    // It never returned either: nothing is retained, and what it holds is
    // still live at exit.
    let kept = cells(row(&stderr, "let kept = vec![0u8; 4096];"));
    assert_eq!(
        kept[2..7],
        ["4.0 KiB", "0 B", "4.0 KiB", "1", "1"],
        "{kept:?}"
    );
    let exit = cells(row(&stderr, "std::process::exit(code);"));
    assert_eq!(exit[6], "1", "{exit:?}");
}

fn panic_in_main() {
    let out = run("panic", &[]);
    assert_eq!(out.status.code(), Some(101));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("the profiled function panicked"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Function: exit_report::panics_inside"),
        "{stderr}"
    );
    let kept = cells(row(&stderr, "let kept = vec![0u8; 4096];"));
    assert_eq!(
        kept[2..7],
        ["4.0 KiB", "0 B", "4.0 KiB", "1", "1"],
        "{kept:?}"
    );

    // The unwinding frees `kept` on the line that panicked; that line also
    // carries what std's panic machinery allocates (its payload), whose size
    // depends on the Rust version, so the exact check is on the freed bytes.
    let path = std::env::temp_dir().join(format!("memprof-panic-{}.json", std::process::id()));
    let out = run(
        "panic",
        &[
            ("MEMPROF_FORMAT", "json"),
            ("MEMPROF_OUTPUT", path.to_str().unwrap()),
        ],
    );
    assert_eq!(out.status.code(), Some(101));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    std::fs::remove_file(&path).unwrap();
    let f = &json["functions"][0];
    assert_eq!(f["name"], "exit_report::panics_inside");
    let lines = f["lines"].as_array().unwrap();
    let panicked = lines
        .iter()
        .find(|l| l["contents"].as_str().unwrap().contains("panic!("))
        .unwrap();
    let allocated = panicked["allocated"].as_u64().unwrap();
    let freed = panicked["freed"].as_u64().unwrap();
    assert!(freed >= 4096, "{panicked}");
    assert_eq!(
        panicked["increment"].as_i64().unwrap(),
        allocated as i64 - freed as i64
    );
    // The closing brace never ran: the call ended by unwinding.
    assert_eq!(lines.last().unwrap()["occurrences"], 0);
}

fn report_off_keeps_capture() {
    let out = run("capture", &[("MEMPROF_REPORT", "off")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "captured 1048576\n");
    assert_eq!(text(&out.stderr), "");
    // On by default: the same run prints its table.
    let out = run("capture", &[]);
    assert!(text(&out.stderr).contains("Function: exit_report::reported"));
}

fn print_report_is_not_repeated() {
    let out = run("print_then_exit", &[]);
    assert!(out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches("Function: exit_report::reported").count(), 1);
    // The table comes where the program printed it, not at exit.
    assert!(
        stderr.trim_end().ends_with("-- printed by the program --"),
        "{stderr}"
    );
}

fn heap_stats_follow_the_report() {
    let out = run("run", &[("MEMPROF_HEAP_STATS", "on")]);
    assert!(out.status.success());
    let stderr = text(&out.stderr);
    let table = stderr
        .find("Function: exit_report::reported")
        .expect("the table");
    let stats = stderr
        .find("memprof heap statistics")
        .expect("the statistics");
    assert!(table < stats, "{stderr}");
    assert!(stderr.contains("  peak live      "), "{stderr}");
    // The 1 MiB vector was allocated and freed: one allocation of at least
    // 1 MiB happened, and the peak was at least that high.
    let peak = stderr
        .lines()
        .find(|l| l.starts_with("  peak live"))
        .and_then(|l| l.split('(').nth(1))
        .and_then(|b| b.split(' ').next())
        .map(|digits| digits.replace(',', "").parse::<u64>().unwrap())
        .expect("peak in bytes");
    assert!(peak >= 1 << 20, "{stderr}");
    // Off by default.
    let out = run("run", &[]);
    assert!(!text(&out.stderr).contains("memprof heap statistics"));
}
