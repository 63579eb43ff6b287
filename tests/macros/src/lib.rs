//! An attribute macro that rewrites a function's body the way some do:
//! into a closure it calls, where `#[memprof::profile]` written below it
//! cannot measure lines. The tests check that this is an error naming the
//! fix, not a silent one-row table.

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
