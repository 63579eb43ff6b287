//! The heap over time: a sampler thread that reads the process-wide totals
//! (the counting layer) and notes which profiled functions were running
//! (their sites), and the plot or samples written from what it recorded.

pub(crate) mod render;
pub(crate) mod sampler;
pub(crate) mod settings;
mod svg;
