// The transform of an item: a function, an `impl` block, a trait, or an
// inline module.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::spanned::Spanned;
use syn::{Attribute, ImplItem, Item, ItemFn, Stmt, TraitItem};

use crate::args::{self, Args};
use crate::body::{self, Function, SUPPORTED};
use crate::const_fn::{is_or_may_be_const, may_make_const};
use crate::rustdoc::running_in_rustdoc;
use crate::stacked;

/// Expands `#[profile(args)] item`. On error, the error and the unchanged
/// item, so that the user sees one clean error and nothing else breaks.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    if running_in_rustdoc() {
        return as_documented(args, item);
    }
    let result = args::parse(args).and_then(|args| profile_item(item.clone(), &args));
    match result {
        Ok(instrumented) => as_written_and_instrumented(item, instrumented),
        Err(error) => error_and_item(error, item),
    }
}

/// The error, and the item unchanged.
fn error_and_item(error: syn::Error, item: TokenStream) -> TokenStream {
    let error = error.to_compile_error();
    if syn::parse2::<syn::ExprClosure>(item.clone()).is_ok() {
        // In expression position (rustc rejects attributes there, but still
        // expands them), the item must stay one expression: a block.
        quote!({ #error; #item })
    } else {
        quote!(#error #item)
    }
}

// Input:  #[profile(args)] item
// Output: item, as the compiler gave it (or the error, as `expand` gives it)
pub(crate) fn check_only(args: TokenStream, item: TokenStream) -> TokenStream {
    if running_in_rustdoc() {
        return as_documented(args, item);
    }
    let checked = args::parse(args).and_then(|args| profile_item(item.clone(), &args));
    match checked {
        Ok(_) => item,
        Err(error) => error_and_item(error, item),
    }
}

// Input:  #[profile(args)] item, in rustdoc (see `rustdoc.rs`)
// Output: item, as the compiler gave it (or the arguments' error and the
//         item)
fn as_documented(args: TokenStream, item: TokenStream) -> TokenStream {
    match args::parse(args) {
        Ok(_) => item,
        Err(error) => error_and_item(error, item),
    }
}

fn profile_item(item: TokenStream, args: &Args) -> syn::Result<TokenStream> {
    match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(func)) => {
            reject_const(&func)?;
            Ok(profile_fn(func, args)?.into_token_stream())
        }
        Ok(Item::Impl(block)) => Ok(profile_impl(block, args)?.into_token_stream()),
        Ok(Item::Trait(tr)) => {
            if !tr.items.iter().any(profiled_trait_item) {
                return Err(syn::Error::new(
                    tr.trait_token.span,
                    format!("memprof: this trait has no default method to profile; {SUPPORTED}"),
                ));
            }
            Ok(profile_trait(tr, args)?.into_token_stream())
        }
        Ok(Item::Mod(module)) if module.content.is_some() => {
            Ok(profile_mod(module, args)?.into_token_stream())
        }
        Ok(Item::Verbatim(_)) | Err(_) => Err(not_an_item(item)),
        Ok(other) => Err(not_a_function(&other)),
    }
}

fn reject_const(func: &ItemFn) -> syn::Result<()> {
    if let Some(constness) = &func.sig.constness {
        return Err(syn::Error::new(
            constness.span,
            format!(
                "memprof: a `const fn` cannot be profiled (it may run at compile time, where \
                 there is no allocator to count); {SUPPORTED}"
            ),
        ));
    }
    if let Some(attr) = func.attrs.iter().find(|attr| may_make_const(attr)) {
        return Err(syn::Error::new_spanned(
            attr,
            format!(
                "memprof: this attribute may make the function a `const fn`, which cannot be \
                 profiled (it may run at compile time, where there is no allocator to count); \
                 {SUPPORTED}"
            ),
        ));
    }
    Ok(())
}

// Input:  #[attrs] fn f(..) { .. }
// Output: #[attrs] fn f(..') { instrumented }
fn profile_fn(func: ItemFn, args: &Args) -> syn::Result<ItemFn> {
    if stacked::is_quickcheck_test(&func) {
        return profile_quickcheck_property(func, args);
    }
    let mut function = Function {
        attrs: func.attrs,
        vis: func.vis,
        sig: func.sig,
        block: *func.block,
    };
    body::instrument(&mut function, args)?;
    Ok(ItemFn {
        attrs: function.attrs,
        vis: function.vis,
        modifiers: func.modifiers,
        sig: function.sig,
        block: Box::new(function.block),
    })
}

// Input:  (what `#[quickcheck]` above ours made of `fn p(x: T) { .. }`)
//         #[test] fn p() { fn p(x: T) { .. } ::quickcheck::quickcheck(p as fn(T)) }
// Output: #[test] fn p() { <fn p(x: T) instrumented> ::quickcheck::quickcheck(p as fn(T)) }
// The user's function is the property, which quickcheck calls once a case;
// the test around it is quickcheck's, and no line of it is the user's.
fn profile_quickcheck_property(mut test: ItemFn, args: &Args) -> syn::Result<ItemFn> {
    let placeholder = Stmt::Item(Item::Verbatim(TokenStream::new()));
    let Stmt::Item(Item::Fn(property)) = std::mem::replace(&mut test.block.stmts[0], placeholder)
    else {
        unreachable!("`is_quickcheck_test` found the property first")
    };
    test.block.stmts[0] = Stmt::Item(Item::Fn(profile_fn(property, args)?));
    Ok(test)
}

// Input:  item (the tokens the compiler gave)
// Output: #[cfg(clippy)] item
//         #[cfg(not(clippy))] item instrumented
// Clippy sees the item as written: its advice is about the user's code, not
// about the probes. The item's own tokens, not syn's rendering of them: a
// `///` comment rendered comes back as a `#[doc]` attribute, which clippy's
// lints of doc comments as written (`doc_lazy_continuation`, ...) skip.
// (Not rustdoc too: `cfg(doc)` on these items makes rustdoc lose their
// doctests.)
fn as_written_and_instrumented(original: TokenStream, instrumented: impl ToTokens) -> TokenStream {
    quote! {
        #[cfg(clippy)]
        #original
        #[cfg(not(clippy))]
        #instrumented
    }
}

/// Whether a trait item is a default method to profile.
fn profiled_trait_item(item: &TraitItem) -> bool {
    matches!(item, TraitItem::Fn(f) if f.default.is_some() && !is_or_may_be_const(&f.sig, &f.attrs))
}

// Input:  impl T for S { fn a(..) { .. } const fn b() {} }
// Output: impl T for S { <a instrumented> const fn b() {} }
fn profile_impl(mut block: syn::ItemImpl, args: &Args) -> syn::Result<syn::ItemImpl> {
    let mut items = Vec::with_capacity(block.items.len());
    for item in block.items {
        match item {
            ImplItem::Fn(method)
                if !is_or_may_be_const(&method.sig, &method.attrs)
                    && !has_own_profile(&method.attrs) =>
            {
                let mut function = Function {
                    attrs: method.attrs,
                    vis: method.vis,
                    sig: method.sig,
                    block: method.block,
                };
                body::instrument(&mut function, args)?;
                items.push(ImplItem::Fn(syn::ImplItemFn {
                    attrs: function.attrs,
                    vis: function.vis,
                    modifiers: method.modifiers,
                    sig: function.sig,
                    block: function.block,
                }));
            }
            other => items.push(other),
        }
    }
    block.items = items;
    Ok(block)
}

// Input:  trait T { fn a(&self) { .. } fn b(&self); }
// Output: trait T { <a instrumented> fn b(&self); }
fn profile_trait(mut tr: syn::ItemTrait, args: &Args) -> syn::Result<syn::ItemTrait> {
    let mut items = Vec::with_capacity(tr.items.len());
    for item in tr.items {
        match item {
            TraitItem::Fn(method)
                if profiled_trait_item(&TraitItem::Fn(method.clone()))
                    && !has_own_profile(&method.attrs) =>
            {
                let mut function = Function {
                    attrs: method.attrs,
                    vis: syn::Visibility::Inherited,
                    sig: method.sig,
                    block: method.default.expect("a default method"),
                };
                body::instrument(&mut function, args)?;
                items.push(TraitItem::Fn(syn::TraitItemFn {
                    attrs: function.attrs,
                    modifiers: method.modifiers,
                    sig: function.sig,
                    default: Some(function.block),
                    semi_token: None,
                }));
            }
            other => items.push(other),
        }
    }
    tr.items = items;
    Ok(tr)
}

// Input:  mod m { fn f() {..} impl S {..} trait T {..} mod inner {..} }
// Output: mod m { <each profiled as if annotated on its own> }
// Items with a `#[memprof::profile(..)]` of their own keep it (and its
// arguments), and are expanded by it.
fn profile_mod(mut module: syn::ItemMod, args: &Args) -> syn::Result<syn::ItemMod> {
    let (brace, items) = module.content.take().expect("an inline module");
    let mut profiled = Vec::with_capacity(items.len());
    for item in items {
        let item = match item {
            Item::Fn(f) if !is_or_may_be_const(&f.sig, &f.attrs) && !has_own_profile(&f.attrs) => {
                Item::Fn(profile_fn(f, args)?)
            }
            Item::Impl(i) if !has_own_profile(&i.attrs) => Item::Impl(profile_impl(i, args)?),
            Item::Trait(t)
                if !has_own_profile(&t.attrs) && t.items.iter().any(profiled_trait_item) =>
            {
                Item::Trait(profile_trait(t, args)?)
            }
            Item::Mod(m) if m.content.is_some() && !has_own_profile(&m.attrs) => {
                Item::Mod(profile_mod(m, args)?)
            }
            other => other,
        };
        profiled.push(item);
    }
    module.content = Some((brace, profiled));
    Ok(module)
}

/// Whether an item has a `#[memprof::profile]` of its own.
fn has_own_profile(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let segments: Vec<String> = attr
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        matches!(segments.as_slice(), [m, p] if m == "memprof" && p == "profile")
    })
}

/// The error for an item that is not something with bodies, spanned on
/// what the item is.
fn not_a_function(item: &Item) -> syn::Error {
    let (span, what) = match item {
        Item::Struct(s) => (s.struct_token.span(), "a struct"),
        Item::Enum(e) => (e.enum_token.span(), "an enum"),
        Item::Union(u) => (u.union_token.span(), "a union"),
        // rustc hands an attribute macro no file module's items (and
        // reports that itself, E0658): the fix is the attribute on them.
        Item::Mod(m) => {
            return syn::Error::new(
                m.mod_token.span(),
                "memprof: cannot profile a module declared in another file (`mod name;`): \
                 rustc passes its items to no attribute macro; put #[memprof::profile] on \
                 the `impl` blocks and functions in that file",
            )
        }
        Item::Const(c) => (c.const_token.span(), "a const"),
        Item::Static(s) => (s.static_token.span(), "a static"),
        Item::Type(t) => (t.type_token.span(), "a type alias"),
        Item::Use(u) => (u.use_token.span(), "a use declaration"),
        Item::ForeignMod(f) => (f.abi.extern_token.span(), "an extern block"),
        Item::Macro(m) => (m.mac.path.span(), "a macro"),
        other => (other.span(), "this item"),
    };
    syn::Error::new(span, format!("memprof: cannot profile {what}; {SUPPORTED}"))
}

fn not_an_item(item: TokenStream) -> syn::Error {
    if let Ok(method) = syn::parse2::<syn::TraitItemFn>(item.clone()) {
        if method.default.is_none() {
            return syn::Error::new(
                method.semi_token.span(),
                format!("memprof: this function has no body to profile; {SUPPORTED}"),
            );
        }
    }
    if let Ok(closure) = syn::parse2::<syn::ExprClosure>(item.clone()) {
        return syn::Error::new(
            closure.inputs_begin.span(),
            format!("memprof: cannot profile a closure; {SUPPORTED}"),
        );
    }
    let span = item
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span());
    syn::Error::new(
        span,
        format!("memprof: cannot profile this item; {SUPPORTED}"),
    )
}
