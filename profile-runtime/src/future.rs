// One running call of a profiled `async fn`: the call's future.
//
// Bytes count to a line only while this future is being polled, whichever
// thread polls it: each poll is a slice that makes the call the innermost
// running one on the polling thread, measures from that thread's counters,
// and accounts to the running line when the poll returns. Between polls the
// call is not on any thread's chain, so other tasks interleaved on the same
// thread, and moves between worker threads, never leak into its rows (the
// pattern of tracing's `Instrument`).

use std::cell::Cell;
use std::future::Future;
use std::marker::PhantomPinned;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::budget::{Budget, CallLine};
use crate::frame::FrameCore;
use crate::site::Site;
use crate::thread::with_thread;

const NOT_STARTED: u8 = 0;
const RUNNING: u8 = 1;
const FINISHED: u8 = 2;

/// The future of a profiled `async fn` call. Created only by `#[profile]`.
#[doc(hidden)]
pub struct Instrumented<const N: usize, const M: usize, F> {
    core: FrameCore,
    occurrences: [Cell<u32>; N],
    call_lines: [CallLine; M],
    state: Cell<u8>,
    inner: ManuallyDrop<F>,
    _pinned: PhantomPinned,
}

// SAFETY: the raw pointers inside `FrameCore` (its parent on the polling
// thread's chain, and its own occurrence counts) are set at the start of a
// poll and used only by the polling thread until that poll returns, when the
// call unlinks itself. Between polls nothing refers to them, so the future
// may move to another thread whenever its body may.
unsafe impl<const N: usize, const M: usize, F: Send> Send for Instrumented<N, M, F> {}
// SAFETY: nothing is reachable through `&Instrumented`: every access goes
// through `Pin<&mut Self>` in `poll` or through `drop`.
unsafe impl<const N: usize, const M: usize, F: Sync> Sync for Instrumented<N, M, F> {}

impl<const N: usize, const M: usize, F: Future> Instrumented<N, M, F> {
    #[doc(hidden)]
    #[inline]
    pub fn new(site: &'static Site, budget: Option<&'static Budget>, inner: F) -> Self {
        Instrumented {
            core: FrameCore::new(site, N, budget, M),
            occurrences: [const { Cell::new(0) }; N],
            call_lines: [const { CallLine::new() }; M],
            state: Cell::new(NOT_STARTED),
            inner: ManuallyDrop::new(inner),
            _pinned: PhantomPinned,
        }
    }
}

/// A slice of a call: from `begin` to drop (unwinding included), the call
/// is the innermost running one on this thread.
struct Slice<'a>(&'a FrameCore);

impl<'a> Slice<'a> {
    fn begin(core: &'a FrameCore) -> Self {
        with_thread(|t| core.begin_slice(t));
        Slice(core)
    }
}

impl Drop for Slice<'_> {
    fn drop(&mut self) {
        with_thread(|t| self.0.end_slice(t));
    }
}

impl<const N: usize, const M: usize, F: Future> Future for Instrumented<N, M, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned: it is never moved out, and
        // it is dropped in place in `drop`. Nothing else needs pinning
        // beyond staying put, which `Pin` guarantees for the whole value.
        let this = unsafe { self.get_unchecked_mut() };
        if this.state.get() == NOT_STARTED {
            let profiled = this
                .core
                .start_call(this.occurrences.as_ptr(), this.call_lines.as_ptr());
            this.state.set(if profiled { RUNNING } else { FINISHED });
        }
        // SAFETY: see above.
        let inner = unsafe { Pin::new_unchecked(&mut *this.inner) };
        if this.state.get() != RUNNING {
            return inner.poll(cx);
        }
        let slice = Slice::begin(&this.core);
        let result = inner.poll(cx);
        drop(slice);
        if result.is_ready() {
            this.core.finish_call();
            this.state.set(FINISHED);
            this.core.check_budget();
        }
        result
    }
}

impl<const N: usize, const M: usize, F> Drop for Instrumented<N, M, F> {
    fn drop(&mut self) {
        if self.state.get() == RUNNING {
            // Cancelled while suspended: what its locals free as they drop
            // belongs to the line it was suspended on.
            let slice = Slice::begin(&self.core);
            // SAFETY: dropped in place, once; `inner` is not used again.
            unsafe { ManuallyDrop::drop(&mut self.inner) };
            drop(slice);
            self.core.finish_call();
        } else {
            // SAFETY: as above.
            unsafe { ManuallyDrop::drop(&mut self.inner) };
        }
    }
}
