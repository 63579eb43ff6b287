//! The top layer: the report as text (a table, JSON) and where it goes at
//! exit, by the settings the user gives in the environment.
//!
//! Data arrives here as a [`Report`](crate::Report) (and, when one was
//! recorded, the timeline); everything here is a pure function of it but
//! `exit.rs`, the thin printer.

pub(crate) mod exit;
pub(crate) mod json;
pub(crate) mod settings;
pub(crate) mod table;
