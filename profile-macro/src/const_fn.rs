// Which functions are, or may be made, `const fn`: `#[memprof::profile]`
// refuses such a function annotated alone and leaves it as written in a
// block or module. The harness (`harness/src/lib.rs`) includes this file
// too, so that it never annotates what the attribute would refuse.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Attribute, Signature};

/// Whether a function is `const`, or may be made so by an attribute macro
/// that runs after ours: one that names the keyword, as generic-array's
/// `#[rustversion::attr(since(1.83), const)]`, or the `const_fn` crate's.
pub(crate) fn is_or_may_be_const(sig: &Signature, attrs: &[Attribute]) -> bool {
    sig.constness.is_some() || attrs.iter().any(may_make_const)
}

/// Whether an attribute names `const` (or is `const_fn`) anywhere in its
/// path and arguments; a doc comment's text is not read.
pub(crate) fn may_make_const(attr: &Attribute) -> bool {
    fn names_const(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|tree| match tree {
            TokenTree::Ident(ident) => ident == "const" || ident == "const_fn",
            TokenTree::Group(group) => names_const(group.stream()),
            _ => false,
        })
    }
    !attr.path().is_ident("doc") && names_const(attr.meta.to_token_stream())
}
