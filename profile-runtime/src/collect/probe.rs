//! The probes `#[profile]` puts into a function body: before each
//! statement, at each loop header, and where the closing brace starts.
//!
//! Each takes the call's [`Probe`] handle and the slot of its line (the line
//! number less the signature's). In release builds LLVM inlines the probe
//! into the function, and the common case, a line that did no allocator
//! call, is two loads, two compares, a raised maximum and a counter. In
//! unoptimised builds it is one call with two arguments instead: inlined,
//! every probe would add its own stack slots to the function. There, when
//! the runtime itself is unoptimised on x86-64, the probes are naked
//! functions of assembly (`call/quiet.rs`), since unoptimised Rust would put
//! every value of that common case through the stack. A release library's
//! generic function, instantiated by an unoptimised crate, calls the probe
//! too (see `line` below).

#[cfg(not(debug_assertions))]
use std::marker::PhantomData;
use std::ptr::NonNull;

#[cfg(not(all(memprof_asm, not(miri))))]
use crate::collect::call::count;
#[cfg(all(memprof_asm, not(miri)))]
pub use crate::collect::call::quiet::{enter_line, iteration, line};
use crate::collect::call::CallCore;
use crate::collect::site::Site;
use crate::counting::thread::this_thread;

/// How a profiled function's probes reach its running call; null when the
/// call is not profiled (`MEMPROF=off`). Created only by `#[profile]`'s code.
#[doc(hidden)]
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Probe(Option<NonNull<CallCore>>);

// SAFETY: the handle is used only while its call runs on the thread using
// it: a synchronous call's body runs on one thread, and an `async` call's
// body runs only inside its future's `poll`, on the polling thread, which
// points the call at that thread first. Sending it with the future is what
// lets a `Send` body stay `Send`.
unsafe impl Send for Probe {}
// SAFETY: as above; a shared handle gives no access outside those polls.
unsafe impl Sync for Probe {}

impl Probe {
    #[inline(always)]
    pub(crate) fn new(core: *mut CallCore) -> Probe {
        // SAFETY: `Option<NonNull<T>>` has the layout of `*mut T`, null
        // being `None` (a documented guarantee). A transmute, not
        // `NonNull::new`: that is a call, with a check, in an unoptimised
        // build, and this runs on every call.
        Probe(unsafe { std::mem::transmute::<*mut CallCore, Option<NonNull<CallCore>>>(core) })
    }

    /// Whether the call is profiled (the handle is not null).
    #[doc(hidden)]
    #[inline(always)]
    pub fn is_on(self) -> bool {
        // A `match`, not `is_some`, which is a call in an unoptimised build
        // (this runs in the profiled function, and on every `for` iteration).
        #[allow(clippy::redundant_pattern_matching)]
        match self.0 {
            Some(_) => true,
            None => false,
        }
    }

    /// The handle of the innermost call running on this thread, if it is a
    /// call of `site`: how an `async` function's body, which runs inside
    /// its future's poll, finds its call.
    #[doc(hidden)]
    #[inline]
    pub fn current(site: &'static Site) -> Probe {
        let Some(t) = this_thread() else {
            return Probe(None);
        };
        let core = t.measuring.get().cast::<CallCore>();
        // SAFETY: a running call on this thread's chain (see `call.rs`).
        match unsafe { core.as_ref() } {
            Some(c) if c.is_call_of(site) => Probe::new(core),
            _ => Probe(None),
        }
    }

    /// The closing-brace line, the function's last, starts running. (An
    /// unoptimised runtime built with debug assertions does this in
    /// assembly: `close` below.)
    #[cfg(not(all(debug_assertions, memprof_asm, not(miri))))]
    #[inline(always)]
    fn close(self) {
        if let Some(core) = self.0 {
            // SAFETY: the handle points at a running call on this thread
            // (see `unsafe impl Send`), which nothing else borrows while a
            // probe of its body runs.
            let close_slot = unsafe { core.as_ref() }.close_slot();
            // The assembly's entry where there is one, and in release
            // `line`, which stays one call in the exported MIR (see `line`
            // below); else, with debug assertions, the Rust itself, which
            // `line` would be one more call to.
            #[cfg(any(all(memprof_asm, not(miri)), not(debug_assertions)))]
            line(self, close_slot);
            #[cfg(not(any(all(memprof_asm, not(miri)), not(debug_assertions))))]
            self.switch(close_slot, count::IF_CHANGED);
        }
    }

    /// The line in `slot` starts running, or the running line goes on:
    /// what every probe does. Out of line where the probes are assembly,
    /// which run it only for a line the thread allocated or freed during.
    #[cfg_attr(all(memprof_asm, not(miri)), inline(never))]
    #[cfg_attr(not(all(memprof_asm, not(miri))), inline(always))]
    pub(crate) fn switch(self, slot: u32, count: u8) {
        // `NonNull::as_mut`, not `&mut *`: an unoptimised build checks a
        // reference made from a raw pointer here for null and alignment,
        // and core's function is compiled without those checks.
        if let Some(mut core) = self.0 {
            // SAFETY: the handle is null or points at a running call on
            // this thread (see `unsafe impl Send`), which nothing else
            // borrows while a probe of its body runs.
            unsafe { core.as_mut() }.switch(slot, count);
        }
    }
}

// The three probes below are what the generated code calls, by these
// names. Each is a constant pointer to its function rather than the
// function itself, because rustc's MIR inliner inlines calls of function
// items only: an optimised library exports its generic functions as
// optimised MIR, for the crates that use them to compile, and with the
// probe inlined there, an unoptimised user (each doctest of the library,
// which `cargo test --release` compiles at opt-level 0) compiled the
// probe's whole fast path, unoptimised, at every statement. Through the
// pointer it compiles one call; an optimised build sees a direct call of
// an `#[inline]` function, which LLVM inlines as before (the same
// instructions per statement).

/// Probe before a statement: its line starts running.
#[cfg(not(all(memprof_asm, not(miri))))]
#[doc(hidden)]
#[allow(non_upper_case_globals)]
pub const line: extern "C" fn(Probe, u32) = line_probe;

/// Probe at a loop header: one more evaluation of the header.
#[cfg(not(all(memprof_asm, not(miri))))]
#[doc(hidden)]
#[allow(non_upper_case_globals)]
pub const iteration: extern "C" fn(Probe, u32) = iteration_probe;

/// Probe before a `for` statement: its line runs, its iterator counts it.
#[cfg(not(all(memprof_asm, not(miri))))]
#[doc(hidden)]
#[allow(non_upper_case_globals)]
pub const enter_line: extern "C" fn(Probe, u32) = enter_line_probe;

/// `line`'s function.
#[cfg(not(all(memprof_asm, not(miri))))]
#[cfg_attr(debug_assertions, inline(never))]
#[cfg_attr(not(debug_assertions), inline)]
extern "C" fn line_probe(probe: Probe, slot: u32) {
    probe.switch(slot, count::IF_CHANGED);
}

/// `iteration`'s function.
#[cfg(not(all(memprof_asm, not(miri))))]
#[cfg_attr(debug_assertions, inline(never))]
#[cfg_attr(not(debug_assertions), inline)]
extern "C" fn iteration_probe(probe: Probe, slot: u32) {
    probe.switch(slot, count::ALWAYS);
}

/// `enter_line`'s function.
#[cfg(not(all(memprof_asm, not(miri))))]
#[cfg_attr(debug_assertions, inline(never))]
#[cfg_attr(not(debug_assertions), inline)]
extern "C" fn enter_line_probe(probe: Probe, slot: u32) {
    probe.switch(slot, count::NEVER);
}

/// Switches to the closing-brace line (the function's last) when dropped:
/// declared just before the function's tail expression (and inside
/// `return`), so it runs after the returned value is computed and before
/// the function's locals drop.
///
/// In an optimised build the marker keeps the probe, which stays in a
/// register. In an unoptimised one every marker and every argument passed
/// to make one is a stack slot of its own, one per `return`; there it keeps
/// a `bool` (whether the call is profiled) and finds the running call
/// through the thread, by its site: `F` is the function's `fn() -> &'static
/// Site` item, a type of no size. Which of the two the function passes is
/// chosen by [`close_handle!`](crate::close_handle), with this crate's
/// build.
#[doc(hidden)]
pub struct CloseMarker<F: Fn() -> &'static Site> {
    #[cfg(not(debug_assertions))]
    probe: Probe,
    #[cfg(not(debug_assertions))]
    site: PhantomData<F>,
    #[cfg(debug_assertions)]
    site: F,
    #[cfg(debug_assertions)]
    on: bool,
}

/// What a close marker keeps: the probe, or in an unoptimised build
/// whether the call is profiled (see [`CloseMarker`]).
#[cfg(not(debug_assertions))]
#[doc(hidden)]
pub type CloseHandle = Probe;
#[cfg(debug_assertions)]
#[doc(hidden)]
pub type CloseHandle = bool;

/// `close_handle!(probe, on)`: the one of the two a [`CloseMarker`] takes
/// in this crate's build.
#[cfg(not(debug_assertions))]
#[doc(hidden)]
#[macro_export]
macro_rules! close_handle {
    ($probe:ident, $on:ident) => {
        $probe
    };
}
#[cfg(debug_assertions)]
#[doc(hidden)]
#[macro_export]
macro_rules! close_handle {
    ($probe:ident, $on:ident) => {
        $on
    };
}

impl<F: Fn() -> &'static Site> CloseMarker<F> {
    /// Inlined even unoptimised: a call's result would take a slot of its
    /// own in a frame that has anything to drop.
    #[doc(hidden)]
    #[inline(always)]
    pub fn new(site: F, handle: CloseHandle) -> Self {
        #[cfg(not(debug_assertions))]
        let marker = {
            let _ = site;
            CloseMarker {
                probe: handle,
                site: PhantomData,
            }
        };
        #[cfg(debug_assertions)]
        let marker = CloseMarker { site, on: handle };
        marker
    }
}

impl<F: Fn() -> &'static Site> Drop for CloseMarker<F> {
    #[inline(always)]
    fn drop(&mut self) {
        #[cfg(not(debug_assertions))]
        self.probe.close();
        #[cfg(debug_assertions)]
        if self.on {
            close((self.site)());
        }
    }
}

/// The closing-brace line of the call of `site` running on this thread
/// starts running.
#[cfg(debug_assertions)]
#[inline(never)]
fn close(site: &'static Site) {
    // Where the probes are assembly, so is finding the call after the
    // thread.
    #[cfg(all(memprof_asm, not(miri)))]
    if let Some(t) = this_thread() {
        crate::collect::call::quiet::close(t, site);
    }
    #[cfg(not(all(memprof_asm, not(miri))))]
    Probe::current(site).close();
}

/// Wraps a `for` loop's iterator: each `next()` is one evaluation of the loop
/// header (n + 1 for n iterations, like memory_profiler), and what the
/// iterator itself allocates belongs to the header line.
#[doc(hidden)]
pub struct IterProbe<I> {
    inner: I,
    probe: Probe,
    slot: u32,
}

impl<I: Iterator> IterProbe<I> {
    #[doc(hidden)]
    #[inline(always)]
    pub fn new<T: IntoIterator<IntoIter = I>>(iterable: T, probe: Probe, slot: u32) -> Self {
        IterProbe {
            inner: iterable.into_iter(),
            probe,
            slot,
        }
    }
}

impl<I: Iterator> Iterator for IterProbe<I> {
    type Item = I::Item;

    #[inline(always)]
    fn next(&mut self) -> Option<I::Item> {
        if self.probe.is_on() {
            iteration(self.probe, self.slot);
        }
        self.inner.next()
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
