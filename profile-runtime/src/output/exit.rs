//! Printing the report when the process exits, and starting what runs
//! from the first profiled call on (the exit report, the timeline).
//!
//! `atexit` handlers run on return from `main`, on `std::process::exit` and
//! after a panic in `main` (the runtime exits with 101 through `exit`); not
//! on `abort` or a fatal signal, where no report is printed.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::counting::thread::suspended;
use crate::heap_stats::heap_stats;
use crate::output::json::render_json_with;
use crate::output::settings::{self, Format};
use crate::output::table::{render_with, MISSING_ALLOCATOR};
use crate::report::report;
use crate::timeline::render as timeline_render;
use crate::timeline::sampler;
use crate::timeline::settings::{timeline_settings, TimelineFormat};

extern "C" {
    fn atexit(callback: extern "C" fn()) -> std::os::raw::c_int;
}

/// Runs once, on the process's first profiled call (every site is given it
/// by `#[profile]`'s code): arranges for the report to be printed at exit,
/// and starts the timeline if one is asked for.
pub(crate) fn first_call() {
    suspended(|| {
        // SAFETY: registering a plain `extern "C" fn` with the C runtime.
        let status = unsafe { atexit(report_at_exit) };
        if status != 0 {
            eprintln!(
                "memprof: could not register the exit report (atexit failed); call \
                 `memprof::print_report()` at the end of main instead"
            );
        }
    });
    sampler::ensure_started();
}

extern "C" fn report_at_exit() {
    // A panic must not cross the C boundary: report it as one line instead.
    let outcome = std::panic::catch_unwind(|| write_report(Moment::Exit));
    if outcome.is_err() {
        let _ = writeln!(std::io::stderr(), "memprof: the exit report failed");
    }
}

/// Set once the program has printed the report itself.
static PRINTED_BY_PROGRAM: AtomicBool = AtomicBool::new(false);

/// When the report is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Moment {
    /// At exit, unless `MEMPROF_REPORT=off` or the program printed it.
    Exit,
    /// When the program asks ([`print_report`]).
    Asked,
}

/// Writes the report now, as it is written at exit: to stderr, or to the
/// file `MEMPROF_OUTPUT` names, as a table or as JSON (`MEMPROF_FORMAT`),
/// followed by the heap's statistics with `MEMPROF_HEAP_STATS=on`.
///
/// A program that prints the report itself takes over from the exit
/// report: it is not printed again at exit.
///
/// ```text
/// memprof::install!();
///
/// #[memprof::profile]
/// fn work() -> Vec<u8> {
///     vec![0; 1024]
/// }
///
/// fn main() {
///     let _kept = work();
///     memprof::print_report(); // now, and not again at exit
/// }
/// ```
pub fn print_report() {
    PRINTED_BY_PROGRAM.store(true, Ordering::Relaxed);
    write_report(Moment::Asked);
}

fn write_report(moment: Moment) {
    suspended(|| {
        let (settings, messages) = settings::output_settings();
        let mut stderr = std::io::stderr().lock();
        for message in &messages {
            let _ = writeln!(stderr, "{message}");
        }
        let skipped = moment == Moment::Exit
            && (!settings.at_exit || PRINTED_BY_PROGRAM.load(Ordering::Relaxed));
        if skipped {
            write_timeline(&mut stderr);
            return;
        }
        // The heap as the program left it, before the report's own strings.
        let heap = settings.heap_stats.then(heap_stats);
        let report = report();
        let text = match settings.format {
            Format::Table => {
                let mut text = render_with(&report, &settings.render);
                if let Some(heap) = &heap {
                    text.push('\n');
                    text.push_str(&heap.to_string());
                }
                text
            }
            Format::Json => render_json_with(&report, heap.as_ref()),
        };
        if settings.format == Format::Json && !report.allocator_installed {
            let _ = writeln!(stderr, "{MISSING_ALLOCATOR}");
        }
        match &settings.output {
            None => {
                let _ = stderr.write_all(text.as_bytes());
            }
            Some(path) => {
                if let Err(error) = std::fs::write(path, &text) {
                    let _ = writeln!(
                        stderr,
                        "memprof: cannot write the report to MEMPROF_OUTPUT={} ({error}); set \
                         MEMPROF_OUTPUT to a writable file path, or unset it to print to stderr; \
                         printing to stderr instead",
                        path.display()
                    );
                    let _ = stderr.write_all(text.as_bytes());
                }
            }
        }
        write_timeline(&mut stderr);
        let _ = stderr.flush();
    });
}

/// Writes the heap-over-time plot (or its samples) where
/// `MEMPROF_TIMELINE` says, if a timeline was recorded.
fn write_timeline(stderr: &mut impl Write) {
    let Some(timeline) = sampler::finish() else {
        return;
    };
    let (Some(settings), _) = timeline_settings() else {
        return;
    };
    let text = match settings.format {
        TimelineFormat::Svg => timeline_render::render_svg(&timeline),
        TimelineFormat::Json => timeline_render::render_json(&timeline),
    };
    if let Err(error) = std::fs::write(&settings.path, text) {
        let _ = writeln!(
            stderr,
            "memprof: cannot write the timeline to MEMPROF_TIMELINE={} ({error}); set \
             MEMPROF_TIMELINE to a writable file path ending in .svg or .json",
            settings.path.display()
        );
    }
}
