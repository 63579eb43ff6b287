//! `annotate [--points FILE] SOURCE...`: rewrites each Rust file in place
//! with `#[::memprof::profile]` on every function, impl block and trait with
//! a body; prints how many items each file got, and writes where each
//! attribute went (`path:line:column`, in the original text) to `FILE`.

use std::fmt::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let points_file = match args.iter().position(|a| a == "--points") {
        Some(i) if i + 1 < args.len() => {
            let file = args.remove(i + 1);
            args.remove(i);
            Some(file)
        }
        Some(_) => {
            eprintln!("annotate: --points takes a file path");
            return ExitCode::FAILURE;
        }
        None => None,
    };
    let mut failed = false;
    let mut points = String::new();
    for path in &args {
        let result = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|source| {
                memprof_harness::annotate(&source).map_err(|e| {
                    let at = e.span().start();
                    format!("line {}:{}: {e}", at.line, at.column + 1)
                })
            })
            .and_then(|annotated| {
                std::fs::write(path, &annotated.text)
                    .map(|()| annotated.points)
                    .map_err(|e| e.to_string())
            });
        match result {
            Ok(file_points) => {
                println!("{:5}  {path}", file_points.len());
                for (line, column) in file_points {
                    let _ = writeln!(points, "{path}:{line}:{column}");
                }
            }
            Err(error) => {
                eprintln!("annotate: {path}: {error}");
                failed = true;
            }
        }
    }
    if let Some(file) = points_file {
        if let Err(error) = std::fs::write(&file, points) {
            eprintln!("annotate: cannot write {file}: {error}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
