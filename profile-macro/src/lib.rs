//! The `#[profile]` attribute of [memprof](https://docs.rs/memprof).
//!
//! Use it through the `memprof` crate: `#[memprof::profile]`. It rewrites only
//! the body of the function it is put on, so that the memprof runtime can
//! attribute every byte the function allocates to the source line that
//! allocated it:
//!
//! - a probe before each statement, recursing into nested blocks (`if`/`else`,
//!   `match` arm blocks, loop bodies, `unsafe` and labeled blocks), but not
//!   into closures, `async` blocks, nested items or const contexts; a probe
//!   carries its statement's `cfg` and lint attributes;
//! - loop headers counted once per evaluation (a `for` over n items: n + 1);
//! - a call guard that finishes the call on every exit path (return, `?`,
//!   panic), by-value parameters moved into the body so that what they free
//!   is counted, and a marker that moves attribution to the closing brace
//!   before the function's locals drop;
//! - the function's source text, embedded at compile time.
//!
//! The signature, attributes, visibility and every span stay as written; the
//! function's behaviour does not change. Clippy and rustdoc see the function
//! exactly as written.

extern crate proc_macro;

mod args;
mod body;
mod const_fn;
mod expand;
mod opt_level;
mod params;
mod probes;
mod rustdoc;
mod source;
mod spans;
mod stacked;

use proc_macro::TokenStream;

/// Profiles the memory of a function, line by line.
///
/// ```text
/// memprof::install!();
///
/// #[memprof::profile]
/// fn build(n: usize) -> Vec<String> {
///     (0..n).map(|i| i.to_string()).collect()
/// }
/// ```
///
/// At exit, memprof prints one table per profiled function that ran.
///
/// It goes on a function or method with a body (`async` included), an
/// `impl` block or a trait (each method with a body), or an inline module
/// (each function, `impl` block, trait and module inside it). Put it above
/// other attribute macros (`#[tokio::main]`, `#[tracing::instrument]`,
/// `#[async_trait]`); below them it recognises those three.
///
/// # Arguments
///
/// All optional, each at most once: memory budgets, checked when each call
/// returns (or unwinds). A call over budget panics with a message naming the
/// budget, the figure, and the lines to blame.
///
/// - `max_peak = "size"`: the largest rise of the thread's live bytes above
///   their value at entry, during one call.
/// - `max_increment = "size"`: the net bytes one call may leave allocated.
/// - `max_retained = "size"`: the bytes one call's lines may allocate and
///   leave live when it returns (its Retained column).
///
/// A size is a number and a unit: `B`, `KB`, `KiB`, `MB`, `MiB`, `GB`,
/// `GiB` (`"24 MiB"`, `"1.5 GB"`, `"0 B"`).
///
/// ```text
/// #[memprof::profile(max_peak = "24 MiB", max_increment = "0 B")]
/// fn build_index(words: &[String]) -> HashMap<String, usize> { ... }
/// ```
#[proc_macro_attribute]
pub fn profile(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into()).into()
}

/// `#[profile]` with memprof compiled out (its `enabled` feature off): the
/// item as written, after the same checks, so that misuse is the same
/// error either way.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn profile_compiled_out(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::check_only(args.into(), item.into()).into()
}
