// Printing the report when the process exits.
//
// `atexit` handlers run on return from `main`, on `std::process::exit` and
// after a panic in `main` (the runtime exits with 101 through `exit`); not on
// `abort` or a fatal signal, where no report is printed.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::config::{self, Format, TimelineFormat};
use crate::json::render_json;
use crate::render::render_with;
use crate::report::report;
use crate::thread::suspended;
use crate::timeline;
use crate::timeline_render;

static HOOKED: AtomicBool = AtomicBool::new(false);

extern "C" {
    fn atexit(callback: extern "C" fn()) -> std::os::raw::c_int;
}

/// Arranges for the report to be printed at exit; once per process.
#[inline(always)]
pub(crate) fn ensure_report_at_exit() {
    if !HOOKED.load(Ordering::Relaxed) {
        hook();
    }
}

#[cold]
fn hook() {
    if !HOOKED.swap(true, Ordering::AcqRel) {
        // SAFETY: registering a plain `extern "C" fn` with the C runtime.
        let status = unsafe { atexit(report_at_exit) };
        if status != 0 {
            suspended(|| {
                eprintln!(
                    "memprof: could not register the exit report (atexit failed); call \
                     `memprof::print_report()` at the end of main instead"
                )
            });
        }
    }
}

extern "C" fn report_at_exit() {
    // A panic must not cross the C boundary: report it as one line instead.
    let outcome = std::panic::catch_unwind(print_report);
    if outcome.is_err() {
        let _ = writeln!(std::io::stderr(), "memprof: the exit report failed");
    }
}

/// Writes the report now, as it is written at exit: to stderr, or to the
/// file `MEMPROF_OUTPUT` names, as a table or as JSON (`MEMPROF_FORMAT`).
pub fn print_report() {
    suspended(|| {
        let (settings, messages) = config::output_settings();
        let mut stderr = std::io::stderr().lock();
        for message in &messages {
            let _ = writeln!(stderr, "{message}");
        }
        let report = report();
        let text = match settings.format {
            Format::Table => render_with(&report, &settings.render),
            Format::Json => render_json(&report),
        };
        if settings.format == Format::Json && !report.allocator_installed {
            let _ = writeln!(stderr, "{}", crate::render::MISSING_ALLOCATOR);
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
    let Some(timeline) = timeline::finish() else {
        return;
    };
    let (Some(settings), _) = config::timeline_settings() else {
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
