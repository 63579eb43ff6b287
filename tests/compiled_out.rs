//! memprof compiled out: `tests/compiled-out`, a program that uses every
//! part of memprof, built with the `enabled` feature off, prints what it
//! prints without memprof, checks no budget and keeps no memprof symbol;
//! built with the feature on, the same program is profiled (and its
//! deliberately broken budget fails).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compiled-out")
}

/// Builds the fixture (release), with memprof's `enabled` feature or
/// without, and returns its executable.
fn build(enabled: bool) -> PathBuf {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/compiled-out");
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args([
            "build",
            "--release",
            "--quiet",
            "--locked",
            "--manifest-path",
        ])
        .arg(fixture().join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target);
    if enabled {
        cargo.args(["--features", "memprof/enabled"]);
    }
    let status = cargo.status().expect("cargo runs");
    assert!(status.success(), "the fixture builds");
    let built = target.join("release/compiled-out");
    // Each build is kept under its own name: the second replaces the file.
    let kept = target.join(if enabled { "enabled" } else { "compiled-out" });
    std::fs::copy(&built, &kept).expect("copy the executable");
    kept
}

fn run(executable: &Path) -> Output {
    let mut command = Command::new(executable);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("MEMPROF") {
            command.env_remove(key);
        }
    }
    command.output().expect("the fixture runs")
}

/// The executable's symbols whose names mention memprof (`nm`).
fn memprof_symbols(executable: &Path) -> Vec<String> {
    let out = Command::new("nm")
        .arg(executable)
        .output()
        .expect("nm (binutils) lists the executable's symbols");
    assert!(out.status.success(), "nm reads the executable");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| line.contains("memprof"))
        .map(str::to_string)
        .collect()
}

#[test]
fn compiled_out_memprof_leaves_the_program_as_written() {
    let off = build(false);
    let out = run(&off);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "9 words, 8 distinct, 35 letters\n\
         [\"brown\", \"dog\", \"fox\", \"jumps\", \"lazy\", \"over\", \"quick\", \"the\"]\n"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(memprof_symbols(&off), Vec::<String>::new());

    // The same program with memprof compiled in: its symbols are there,
    // and its budget (0 B left allocated) is checked and broken.
    let on = build(true);
    assert!(!memprof_symbols(&on).is_empty());
    let out = run(&on);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is over its budget"), "{stderr}");
}
