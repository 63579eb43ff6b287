//! Attribute macros that rewrite a function's body the way some do: into a
//! closure it calls, or into a function of its own, where
//! `#[memprof::profile]` written below them cannot measure lines. The tests
//! check that this is an error naming the fix, not a silent one-row table.

use proc_macro::TokenStream;
use quote::quote;

/// `fn f() -> R { body }` becomes `fn f() -> R { (move || -> R { body })() }`.
#[proc_macro_attribute]
pub fn into_closure(_args: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: syn::ItemFn = syn::parse(item).expect("a function");
    let block = &func.block;
    let output = match &func.sig.output {
        syn::ReturnType::Default => quote!(()),
        syn::ReturnType::Type(_, ty) => quote!(#ty),
    };
    func.block = syn::parse_quote!({ (move || -> #output #block)() });
    quote!(#func).into()
}

/// `fn f() -> R { body }` becomes `fn f() -> R { fn inner() -> R { body }
/// inner() }` (for a function without parameters).
#[proc_macro_attribute]
pub fn into_inner_fn(_args: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: syn::ItemFn = syn::parse(item).expect("a function");
    let block = &func.block;
    let output = &func.sig.output;
    func.block = syn::parse_quote!({
        fn inner() #output #block
        inner()
    });
    quote!(#func).into()
}

/// `#[attr(const)] fn f()` becomes `const fn f()`, as
/// `#[rustversion::attr(since(1.83), const)]` does on a new enough rustc.
#[proc_macro_attribute]
pub fn attr(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: syn::ImplItemFn = syn::parse(item).expect("a function");
    if args.to_string() == "const" {
        func.sig.constness = Some(Default::default());
    }
    quote!(#func).into()
}
