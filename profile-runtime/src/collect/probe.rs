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
//!
//! Which of the two a function's probes are follows the build: the ones
//! above (`line`, `iteration`, `enter_line`, [`CloseMarker`]) choose by this
//! crate's debug assertions, which stand for "unoptimised" in the usual
//! profiles; where `#[profile]` can tell that the crate it expands in is
//! compiled with optimisation, it names the inlined ones instead
//! (`inlined_line`, `inlined_iteration`, `inlined_enter_line`,
//! [`InlinedCloseMarker`]), so that an optimised build with debug
//! assertions (a `[profile.test]` at `opt-level = 3`, a `[profile.dev]` at 1)
//! inlines its probes as a release build does. The inlined probes read and
//! write their counters through the standard atomics in every build, which
//! optimised code folds into its compares and increments; the runtime's
//! own copy keeps the assembly's (`relaxed.rs`), which an unoptimised
//! runtime needs.

use std::marker::PhantomData;
use std::ptr::NonNull;

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

    /// The closing-brace line, the function's last, starts running, for a
    /// site's close marker with debug assertions (an unoptimised runtime
    /// does this in assembly: `close` below).
    #[cfg(all(debug_assertions, not(all(memprof_asm, not(miri)))))]
    #[inline(always)]
    fn close(self) {
        if let Some(core) = self.0 {
            // SAFETY: the handle points at a running call on this thread
            // (see `unsafe impl Send`), which nothing else borrows while a
            // probe of its body runs.
            let close_slot = unsafe { core.as_ref() }.close_slot();
            self.switch(close_slot, count::IF_CHANGED);
        }
    }

    /// The closing-brace line starts running, through the inlined probe:
    /// what an [`InlinedCloseMarker`] does. Through `inlined_line`, which
    /// stays one call in a library's exported MIR (see `line` below).
    #[inline(always)]
    fn close_inlined(self) {
        if let Some(core) = self.0 {
            // SAFETY: as in `close`.
            let close_slot = unsafe { core.as_ref() }.close_slot();
            inlined_line(self, close_slot);
        }
    }

    /// The line in `slot` starts running, or the running line goes on:
    /// what every probe does. Out of line where the probes are assembly,
    /// which run it only for a line the thread allocated or freed during.
    #[cfg_attr(all(memprof_asm, not(miri)), inline(never))]
    #[cfg_attr(not(all(memprof_asm, not(miri))), inline(always))]
    pub(crate) fn switch(self, slot: u32, count: u8) {
        // As in `switch_inlined`, through the assembly's loads and stores,
        // which an unoptimised runtime needs.
        if let Some(mut core) = self.0 {
            // SAFETY: as in `switch_inlined`.
            unsafe { core.as_mut() }.switch(slot, count);
        }
    }

    /// `switch`, inlined in every build, its counters read and written as
    /// optimised code reads them: the inlined probes' body.
    #[inline(always)]
    fn switch_inlined(self, slot: u32, count: u8) {
        // `NonNull::as_mut`, not `&mut *`: an unoptimised build checks a
        // reference made from a raw pointer here for null and alignment,
        // and core's function is compiled without those checks.
        if let Some(mut core) = self.0 {
            // SAFETY: the handle is null or points at a running call on
            // this thread (see `unsafe impl Send`), which nothing else
            // borrows while a probe of its body runs.
            unsafe { core.as_mut() }.switch_optimised(slot, count);
        }
    }
}

// The probes below (three ways of counting, each in two kinds) are what the
// generated code calls, by these names. Each is a constant pointer to its
// function rather than the function itself, because rustc's MIR inliner
// inlines calls of function items only: an optimised library exports its
// generic functions as optimised MIR, for the crates that use them to
// compile, and with the probe inlined there, an unoptimised user (each
// doctest of the library, which `cargo test --release` compiles at opt-level
// 0) compiled the probe's whole fast path, unoptimised, at every statement.
// Through the pointer it compiles one call; an optimised build sees a direct
// call of an `#[inline]` function, which LLVM inlines as before (the same
// instructions per statement).

/// `probes!(name, inlined_name, count; ..)`: for each way of counting an
/// occurrence, the two probes of that name. `inlined_name` is a constant
/// pointer to an `#[inline]` function, the common case of
/// `CallCore::switch` in the caller: the probe of a crate compiled with
/// optimisation, whatever this crate's build (see the module
/// documentation). `name` is the runtime's choice: with debug assertions a
/// call of the runtime's own copy (where the runtime is unoptimised, the
/// assembly's of the same name, and not defined here), in release the
/// inlined probe.
macro_rules! probes {
    ($($(#[$doc:meta])* $name:ident, $inlined:ident, $count:expr;)*) => {$(
        $(#[$doc])*
        #[cfg(not(all(memprof_asm, not(miri))))]
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        pub const $name: extern "C" fn(Probe, u32) = if cfg!(debug_assertions) {
            #[inline(never)]
            extern "C" fn out_of_line(probe: Probe, slot: u32) {
                probe.switch(slot, $count);
            }
            out_of_line
        } else {
            $inlined
        };

        $(#[$doc])*
        /// Inlined.
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        pub const $inlined: extern "C" fn(Probe, u32) = {
            #[inline]
            extern "C" fn inlined(probe: Probe, slot: u32) {
                probe.switch_inlined(slot, $count);
            }
            inlined
        };
    )*};
}

probes! {
    /// Probe before a statement: its line starts running.
    line, inlined_line, count::IF_CHANGED;
    /// Probe at a loop header: one more evaluation of the header.
    iteration, inlined_iteration, count::ALWAYS;
    /// Probe before a `for` statement: its line runs, its iterator counts
    /// it.
    enter_line, inlined_enter_line, count::NEVER;
}

/// Switches to the closing-brace line (the function's last) when dropped:
/// declared just before the function's tail expression (and inside
/// `return`), so it runs after the returned value is computed and before
/// the function's locals drop.
///
/// In an optimised build the marker keeps the probe, which stays in a
/// register ([`InlinedCloseMarker`], which this is in release). In an
/// unoptimised one every marker and every argument passed to make one is a
/// stack slot of its own, one per `return`; there it keeps a `bool`
/// (whether the call is profiled) and finds the running call through the
/// thread, by its site: `F` is the function's `fn() -> &'static Site` item,
/// a type of no size. Which of the two the function passes is chosen by
/// [`close_handle!`](crate::close_handle), with this crate's build.
#[cfg(debug_assertions)]
#[doc(hidden)]
pub struct CloseMarker<F: Fn() -> &'static Site> {
    site: F,
    on: bool,
}

/// In release, the marker that keeps the probe.
#[cfg(not(debug_assertions))]
#[doc(hidden)]
pub type CloseMarker<F> = InlinedCloseMarker<F>;

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

#[cfg(debug_assertions)]
impl<F: Fn() -> &'static Site> CloseMarker<F> {
    /// Inlined even unoptimised: a call's result would take a slot of its
    /// own in a frame that has anything to drop.
    #[doc(hidden)]
    #[inline(always)]
    pub fn new(site: F, on: CloseHandle) -> Self {
        CloseMarker { site, on }
    }
}

#[cfg(debug_assertions)]
impl<F: Fn() -> &'static Site> Drop for CloseMarker<F> {
    #[inline(always)]
    fn drop(&mut self) {
        if self.on {
            close((self.site)());
        }
    }
}

/// The close marker that keeps the probe and ends in the inlined probe:
/// what a crate compiled with optimisation declares (see the module
/// documentation), and the [`CloseMarker`] of a release build. `F` only
/// keeps the function's site item used.
#[doc(hidden)]
pub struct InlinedCloseMarker<F: Fn() -> &'static Site> {
    probe: Probe,
    site: PhantomData<F>,
}

impl<F: Fn() -> &'static Site> InlinedCloseMarker<F> {
    /// Inlined even unoptimised, as [`CloseMarker::new`].
    #[doc(hidden)]
    #[inline(always)]
    pub fn new(site: F, probe: Probe) -> Self {
        let _ = site;
        InlinedCloseMarker {
            probe,
            site: PhantomData,
        }
    }
}

impl<F: Fn() -> &'static Site> Drop for InlinedCloseMarker<F> {
    #[inline(always)]
    fn drop(&mut self) {
        self.probe.close_inlined();
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
/// iterator itself allocates belongs to the header line. `INLINED`: it
/// counts through `inlined_iteration` rather than `iteration` (see the
/// module documentation).
#[doc(hidden)]
pub struct IterProbe<I, const INLINED: bool> {
    inner: I,
    probe: Probe,
    slot: u32,
}

impl<I: Iterator, const INLINED: bool> IterProbe<I, INLINED> {
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

impl<I: Iterator, const INLINED: bool> Iterator for IterProbe<I, INLINED> {
    type Item = I::Item;

    #[inline(always)]
    fn next(&mut self) -> Option<I::Item> {
        if self.probe.is_on() {
            if INLINED {
                inlined_iteration(self.probe, self.slot);
            } else {
                iteration(self.probe, self.slot);
            }
        }
        self.inner.next()
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
