// Arguments of `#[profile(...)]`, parsed strictly: anything not accepted is a
// spanned error that lists the accepted forms.

use proc_macro2::TokenStream;

/// The accepted forms, for error messages.
const ACCEPTED: &str = "`#[memprof::profile]` (it takes no arguments)";

/// The parsed arguments. There are none yet; the type exists so that the
/// expansion has one place to read them from when there are.
pub(crate) struct Args;

// Input: the tokens between the parentheses of `#[profile(...)]`.
// Output: `Args`, or an error spanned on the first unexpected token.
pub(crate) fn parse(args: TokenStream) -> syn::Result<Args> {
    match args.into_iter().next() {
        None => Ok(Args),
        Some(first) => Err(syn::Error::new(
            first.span(),
            format!("memprof: unexpected argument `{first}`; the accepted form is {ACCEPTED}"),
        )),
    }
}
