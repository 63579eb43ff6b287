//! The middle layer: profiled functions' calls, the probes in their bodies,
//! and the per-thread tables their figures go to.
//!
//! Data flows up through here. A call (`call.rs`, `future.rs`) reads the
//! thread's counters (the counting layer) at each line boundary its probes
//! (`probe.rs`) mark, works out the line's figures (`line.rs`), and adds
//! them to the thread's table of the function (`record.rs`), described by
//! its `static` site (`site.rs`). Budgets (`budget.rs`) check a call when it
//! ends; a capture (`capture.rs`) gives a thread a private record for a
//! while. The report above sums the tables; nothing here prints.

pub(crate) mod budget;
pub(crate) mod call;
pub(crate) mod capture;
pub(crate) mod future;
pub(crate) mod line;
pub(crate) mod probe;
pub(crate) mod record;
pub(crate) mod site;
pub(crate) mod switch;
