//! One running call of a profiled `async fn`: the call's future.
//!
//! Bytes count to a line only while this future is being polled, whichever
//! thread polls it: each poll is a slice that makes the call the innermost
//! running one on the polling thread, points it at that thread's table and
//! counters, and accounts to the running line when the poll returns.
//! Between polls the call is on no thread's chain, so other tasks
//! interleaved on the same thread, and moves between worker threads, never
//! leak into its rows (the pattern of tracing's `Instrument`).

use std::future::Future;
use std::marker::PhantomPinned;
use std::mem::{ManuallyDrop, MaybeUninit};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::collect::call::CallCore;
use crate::collect::record;
use crate::collect::site::Site;
use crate::collect::switch;
use crate::counting::thread::{this_thread, ThreadState};

const NOT_STARTED: u8 = 0;
const RUNNING: u8 = 1;
const FINISHED: u8 = 2;

/// The future of a profiled `async fn` call. Created only by `#[profile]`.
#[doc(hidden)]
pub struct Instrumented<F> {
    site: &'static Site,
    /// Written on the first poll of a profiled call (`RUNNING`).
    core: MaybeUninit<CallCore>,
    state: u8,
    inner: ManuallyDrop<F>,
    _pinned: PhantomPinned,
}

// SAFETY: the raw pointers inside the call (its thread, table and place on
// that thread's chain) are set at the start of a poll and used only by the
// polling thread until that poll returns, when the call unlinks itself.
// Between polls nothing refers to them, so the future may move to another
// thread whenever its body may.
unsafe impl<F: Send> Send for Instrumented<F> {}
// SAFETY: nothing is reachable through `&Instrumented`: every access goes
// through `Pin<&mut Self>` in `poll` or through `drop`.
unsafe impl<F: Sync> Sync for Instrumented<F> {}

impl<F: Future> Instrumented<F> {
    #[doc(hidden)]
    #[inline]
    pub fn new(site: &'static Site, inner: F) -> Self {
        site.note_future_size(std::mem::size_of::<F>());
        Instrumented {
            site,
            core: MaybeUninit::uninit(),
            state: NOT_STARTED,
            inner: ManuallyDrop::new(inner),
            _pinned: PhantomPinned,
        }
    }
}

/// A slice of a call: from `begin` to drop (unwinding included), the call
/// is the innermost running one on the polling thread.
struct Slice<'a> {
    core: &'a mut CallCore,
    thread: &'a ThreadState,
}

impl<'a> Slice<'a> {
    /// `None` when the thread has no table for the function (the system
    /// allocator refused memory): the poll then records nothing.
    fn begin(core: &'a mut CallCore, site: &'static Site) -> Option<Self> {
        let thread = this_thread()?;
        let table = record::table_for(thread, site)?;
        core.begin_slice(thread, table);
        Some(Slice { core, thread })
    }

    /// The thread the slice runs on.
    fn thread(&self) -> *const ThreadState {
        self.thread
    }

    /// The first slice of a call, which starting it began.
    fn first(core: &'a mut CallCore, thread: &'a ThreadState) -> Self {
        Slice { core, thread }
    }
}

impl Drop for Slice<'_> {
    fn drop(&mut self) {
        self.core.end_slice(self.thread);
    }
}

impl<F: Future> Future for Instrumented<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned: it is never moved out, and
        // it is dropped in place in `drop`. `core` needs only to stay put,
        // which `Pin` guarantees for the whole value.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above.
        let inner = unsafe { Pin::new_unchecked(&mut *this.inner) };
        let slice = match this.state {
            NOT_STARTED => {
                this.state = FINISHED;
                let started = switch::on()
                    .then(this_thread)
                    .flatten()
                    .and_then(|t| Some((CallCore::start(&mut this.core, this.site, t, 0)?, t)));
                match started {
                    Some((core, thread)) => {
                        this.state = RUNNING;
                        Some(Slice::first(core, thread))
                    }
                    None => return inner.poll(cx),
                }
            }
            // SAFETY: written when the state became `RUNNING`.
            RUNNING => Slice::begin(unsafe { this.core.assume_init_mut() }, this.site),
            _ => return inner.poll(cx),
        };
        let result = inner.poll(cx);
        let thread = slice.as_ref().map(Slice::thread);
        drop(slice);
        // SAFETY: as above.
        let core = unsafe { this.core.assume_init_mut() };
        // SAFETY: the thread that polled, this one.
        let thread = thread.map(|t| unsafe { &*t });
        if result.is_ready() {
            this.state = FINISHED;
            core.finish(thread);
        } else if thread.is_some() {
            core.note_suspended();
        }
        result
    }
}

impl<F> Drop for Instrumented<F> {
    fn drop(&mut self) {
        if self.state == RUNNING {
            // Cancelled while suspended: what its locals free as they drop
            // belongs to the line it was suspended on.
            // SAFETY: written when the state became `RUNNING`.
            let core = unsafe { self.core.assume_init_mut() };
            let slice = Slice::begin(core, self.site);
            let thread = slice.as_ref().map(Slice::thread);
            // SAFETY: dropped in place, once; `inner` is not used again.
            unsafe { ManuallyDrop::drop(&mut self.inner) };
            drop(slice);
            // SAFETY: the thread that began the slice, this one.
            let thread = thread.map(|t| unsafe { &*t });
            // SAFETY: as above.
            unsafe { self.core.assume_init_mut() }.finish(thread);
        } else {
            // SAFETY: as above.
            unsafe { ManuallyDrop::drop(&mut self.inner) };
        }
    }
}
