//! `capture(|| work())`: the rows of the profiled functions that ran inside
//! the closure, on this thread only.
//!
//! While a capture is open, the thread writes to a private record of the
//! capture's own instead of its usual one; calls already running are pointed
//! at it for the time of the capture. When the closure returns, the private
//! record becomes the capture's report, and is then added to the record it
//! replaced, so the process-wide report misses nothing. Other threads keep
//! writing their own records, so `cargo test`'s parallel test threads never
//! see each other's numbers.

use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::collect::call::{close_running_lines, move_running_calls_to};
use crate::collect::record::{self, Record};
use crate::counting::thread::{suspended, this_thread, ThreadState};
use crate::counting::totals::settle;

/// An open capture: the private record, and the record it replaced (null
/// when the thread had none yet).
pub(crate) struct OpenCapture {
    thread: &'static ThreadState,
    record: NonNull<Record>,
    replaced: *const (),
    /// The mark of the records of calls made inside the capture.
    tag: u64,
    /// The thread's mark before.
    replaced_tag: u64,
}

/// The last capture's mark.
static TAGS: AtomicU64 = AtomicU64::new(0);

/// Opens a capture on this thread; `None` when the thread's state or the
/// memory for a record cannot be had (the closure then runs uncaptured).
pub(crate) fn open() -> Option<OpenCapture> {
    let thread = this_thread()?;
    suspended(|| {
        settle(thread);
        let record = record::private()?;
        // What calls already running did before the capture is not its own.
        // SAFETY: just made, private to this thread.
        move_running_calls_to(thread, unsafe { record.as_ref() });
        let replaced = thread.set_collector(record.as_ptr().cast_const().cast());
        let tag = TAGS.fetch_add(1, Ordering::Relaxed) + 1;
        let replaced_tag = thread.held_tag.replace(tag);
        Some(OpenCapture {
            thread,
            record,
            replaced,
            tag,
            replaced_tag,
        })
    })
}

impl OpenCapture {
    /// Closes the capture: calls `read` with its record and its mark (of
    /// the held-bytes records of its calls), then adds the record's figures
    /// to the one it replaced.
    pub(crate) fn close<R>(self, read: impl FnOnce(&Record, u64) -> R) -> R {
        let result = suspended(|| {
            // Calls still running owe the capture what they did inside it.
            close_running_lines();
            // SAFETY: the capture's record, freed only when `self` drops.
            read(unsafe { self.record.as_ref() }, self.tag)
        });
        drop(self);
        result
    }
}

impl Drop for OpenCapture {
    /// Points the thread (and its running calls) back at the replaced
    /// record, adds the capture's figures to it, and frees the capture's:
    /// when the capture closes, and when its closure unwinds.
    fn drop(&mut self) {
        suspended(|| {
            close_running_lines();
            self.thread.set_collector(self.replaced);
            self.thread.held_tag.set(self.replaced_tag);
            // SAFETY: the capture's record, freed just below.
            let captured = unsafe { self.record.as_ref() };
            if let Some(target) = record::current_or_claim(self.thread) {
                move_running_calls_to(self.thread, target);
                target.merge(captured);
            }
            // SAFETY: nothing points at the capture's record or its tables
            // any more: the thread points at the record it replaced, and the
            // running calls were moved to it (a thread that could not claim
            // a record had no running call on it: a call needs a record).
            unsafe { record::free_private(self.record) };
        });
    }
}
