//! rustdoc and `#[profile]`: `tests/documented`, a library whose functions
//! are profiled, is documented with each signature as written (no
//! parameter renamed by the instrumentation) and its doctests run, against
//! the library as rustc built it, profiled.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/documented")
}

fn target() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/documented")
}

/// `cargo <args>` on the fixture, in a target directory of its own.
fn cargo(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .args(["--quiet", "--locked", "--manifest-path"])
        .arg(fixture().join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target())
        .env("MEMPROF_REPORT", "off")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?} fails:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The text of the declarations (`<pre class="rust item-decl">` and the
/// methods' `<h4 class="code-header">`) of a page rustdoc wrote, tags
/// dropped.
fn declarations(page: &str) -> Vec<String> {
    let html = std::fs::read_to_string(target().join("doc/documented").join(page))
        .expect("rustdoc wrote the page");
    let mut found = Vec::new();
    for (open, close) in [
        ("<pre class=\"rust item-decl\">", "</pre>"),
        ("<h4 class=\"code-header\">", "</h4>"),
    ] {
        for part in html.split(open).skip(1) {
            let inner = part.split(close).next().unwrap_or_default();
            let mut text = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            found.push(text.replace("&lt;", "<").replace("&gt;", ">"));
        }
    }
    found
}

#[test]
fn rustdoc_documents_profiled_functions_as_written_and_runs_their_doctests() {
    cargo(&["doc", "--no-deps"]);
    assert_eq!(
        declarations("fn.count_items.html"),
        ["pub fn count_items(_: Box<u8>, items: Vec<u8>) -> usize"]
    );
    let methods = declarations("struct.Counter.html");
    assert!(
        methods
            .iter()
            .any(|m| m == "pub fn add(self, (a, _): (u32, u32)) -> u32"),
        "{methods:?}"
    );

    // The doctests call the functions as rustc compiled them: profiled.
    let out = cargo(&["test", "--doc"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("test result: ok. 2 passed; 0 failed"),
        "{stdout}"
    );
}
