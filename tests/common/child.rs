//! Running this test binary again as a child process, to see what memprof
//! prints when that process exits.
// Each test binary that includes this uses only part of it.
#![allow(dead_code)]

use std::process::{Command, Output};

/// The variable that tells the binary it is the child, and which scenario
/// to run.
pub const SCENARIO: &str = "MEMPROF_TEST_SCENARIO";

/// Runs this binary as a child with `scenario` and the given environment;
/// every `MEMPROF*` variable of the parent is removed first.
pub fn run(scenario: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(std::env::current_exe().expect("own path"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("MEMPROF") {
            command.env_remove(key);
        }
    }
    command.env(SCENARIO, scenario);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("child runs")
}

/// Runs the named checks, prints one line each and the closing count, and
/// exits non-zero if any failed.
pub fn run_checks(checks: &[(&str, fn())]) {
    let mut failed = 0;
    for (name, check) in checks {
        match std::panic::catch_unwind(check) {
            Ok(()) => println!("test {name} ... ok"),
            Err(_) => {
                println!("test {name} ... FAILED");
                failed += 1;
            }
        }
    }
    println!();
    println!("{} passed, {} failed", checks.len() - failed, failed);
    if failed > 0 {
        std::process::exit(1);
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
