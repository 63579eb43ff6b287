//! `annotate FILE...`: rewrites each Rust file in place with
//! `#[::memprof::profile]` on every function, impl block and trait with a
//! body; prints how many items each file got.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut failed = false;
    for path in std::env::args().skip(1) {
        let result = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|source| {
                memprof_harness::annotate(&source).map_err(|e| {
                    let at = e.span().start();
                    format!("line {}:{}: {e}", at.line, at.column + 1)
                })
            })
            .and_then(|(text, count)| {
                std::fs::write(&path, text)
                    .map(|()| count)
                    .map_err(|e| e.to_string())
            });
        match result {
            Ok(count) => println!("{count:5}  {path}"),
            Err(error) => {
                eprintln!("annotate: {path}: {error}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
