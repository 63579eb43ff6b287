//! The bottom layer: the counting allocator, each thread's counters, and
//! the process-wide totals made from them.
//!
//! Data flows up from here. The allocator bumps the calling thread's
//! counters (`thread.rs`, `totals.rs`); the collect layer reads them at line
//! boundaries; the report and the timeline sum them over threads. Nothing
//! here knows about profiled functions: a running call is, to this layer,
//! only a [`Measurement`](thread::Measurement) whose start it may move.

pub(crate) mod alloc;
pub(crate) mod held;
pub(crate) mod tagged;
pub(crate) mod thread;
pub(crate) mod totals;
