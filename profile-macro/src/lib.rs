//! The `#[profile]` attribute of [memprof](https://docs.rs/memprof).
//!
//! Use it through the `memprof` crate: `#[memprof::profile]`. It rewrites only
//! the body of the function it is put on, so that the memprof runtime can
//! attribute every byte the function allocates to the source line that
//! allocated it:
//!
//! - a probe before each statement, recursing into nested blocks (`if`/`else`,
//!   `match` arm blocks, loop bodies, `unsafe` and labeled blocks), but not
//!   into closures, `async` blocks, nested items or const contexts;
//! - loop headers counted once per evaluation (a `for` over n items: n + 1);
//! - a frame guard that finishes the call on every exit path (return, `?`,
//!   panic), and a marker that moves attribution to the closing brace before
//!   the function's locals drop;
//! - the function's source text, embedded at compile time, and per-line
//!   tables in `static`s sized at compile time.
//!
//! The signature, attributes, visibility and every span stay as written; the
//! function's behaviour does not change.

extern crate proc_macro;

mod args;
mod expand;
mod probes;
mod source;

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
/// At exit, memprof prints one table per profiled function that ran. The
/// attribute takes no arguments.
#[proc_macro_attribute]
pub fn profile(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into()).into()
}
