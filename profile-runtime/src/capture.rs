// `capture(|| work())`: the rows of the profiled functions that ran inside
// the closure, on this thread only.
//
// Calls flush their figures (to the shared table) when they end, or when a
// report or capture asks. While a capture is open on a thread, the same
// figures also go to the capture's own table. Other threads' calls flush on
// their own threads, so `cargo test`'s parallel test threads never see each
// other's numbers.

use std::cell::{Cell, RefCell};

use crate::alloc;
use crate::frame::flush_running_frames;
use crate::report::{function_report, LineStats, Report};
use crate::site::Site;
use crate::thread::suspended;

/// The figures of one function within one capture.
struct Captured {
    site: &'static Site,
    lines: Vec<LineStats>,
}

thread_local! {
    // How many captures are open on this thread; a plain counter so that a
    // call's flush can skip the capture tables at the cost of one read.
    static OPEN: Cell<u32> = const { Cell::new(0) };
    static TABLES: RefCell<Vec<Vec<Captured>>> = const { RefCell::new(Vec::new()) };
}

/// Adds figures of `site`'s line `slot` to every capture open on this
/// thread.
#[inline]
pub(crate) fn record(site: &'static Site, slot: u32, add: impl Fn(&mut LineStats)) {
    if OPEN.try_with(Cell::get).unwrap_or(0) == 0 {
        return;
    }
    suspended(|| {
        let _ = TABLES.try_with(|tables| {
            for table in tables.borrow_mut().iter_mut() {
                let index = match table.iter().position(|c| std::ptr::eq(c.site, site)) {
                    Some(i) => i,
                    None => {
                        table.push(Captured {
                            site,
                            lines: vec![LineStats::default(); site.slots.len()],
                        });
                        table.len() - 1
                    }
                };
                if let Some(line) = table[index].lines.get_mut(slot as usize) {
                    add(line);
                }
            }
        });
    });
}

/// Runs `work` and returns its result with the report of what the profiled
/// functions did inside it, on this thread (and in futures polled on this
/// thread inside it): nothing from other threads, and nothing from before.
///
/// ```text
/// memprof::install!();
///
/// #[memprof::profile]
/// fn build() -> Vec<u64> {
///     vec![0; 1024]
/// }
///
/// let (v, report) = memprof::capture(build);
/// let line = report.function("build").unwrap().line_containing("vec!").unwrap();
/// assert_eq!(line.stats.unwrap().allocated, 8192);
/// ```
pub fn capture<R>(work: impl FnOnce() -> R) -> (R, Report) {
    // What calls already running did before the capture is not its own.
    suspended(|| {
        flush_running_frames();
        let _ = TABLES.try_with(|t| t.borrow_mut().push(Vec::new()));
        let _ = OPEN.try_with(|o| o.set(o.get() + 1));
    });
    struct Close;
    impl Drop for Close {
        fn drop(&mut self) {
            suspended(|| {
                let _ = OPEN.try_with(|o| o.set(o.get() - 1));
                let _ = TABLES.try_with(|t| t.borrow_mut().pop());
            });
        }
    }
    let close = Close;
    let result = work();
    let report = suspended(|| {
        // Calls still running owe the capture what they did inside it.
        flush_running_frames();
        let table = TABLES
            .try_with(|t| t.borrow_mut().last_mut().map(std::mem::take))
            .ok()
            .flatten()
            .unwrap_or_default();
        Report {
            allocator_installed: alloc::installed(),
            functions: table
                .into_iter()
                .map(|c| function_report(c.site, |i| c.lines[i]))
                .collect(),
        }
    });
    drop(close);
    (result, report)
}
