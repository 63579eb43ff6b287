// The transform of a whole function.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Item, ItemFn, Stmt};

use crate::args;
use crate::probes::Probes;
use crate::source::FnSource;

/// What `#[profile]` accepts, for error messages.
const SUPPORTED: &str = "#[memprof::profile] goes on a function or method with a body \
                         (a free `fn`, a method in an `impl`, a trait's default method)";

/// Expands `#[profile(args)] item`. On error, the error and the unchanged
/// item, so that the user sees one clean error and nothing else breaks.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let result = args::parse(args).and_then(|_args| {
        let func = parse_function(item.clone())?;
        Ok(profile_function(func))
    });
    match result {
        Ok(tokens) => tokens,
        Err(error) => {
            let mut tokens = error.to_compile_error();
            tokens.extend(item);
            tokens
        }
    }
}

fn parse_function(item: TokenStream) -> syn::Result<ItemFn> {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(_) => return Err(not_a_function(item)),
    };
    if let Some(constness) = &func.sig.constness {
        return Err(syn::Error::new(
            constness.span,
            format!(
                "memprof: a `const fn` cannot be profiled (it may run at compile time, where \
                 there is no allocator to count); {SUPPORTED}"
            ),
        ));
    }
    if let Some(asyncness) = &func.sig.asyncness {
        return Err(syn::Error::new(
            asyncness.span,
            "memprof: `async fn` is not supported yet; profile the synchronous functions it \
             calls, or move the body into a synchronous helper",
        ));
    }
    Ok(func)
}

/// The error for an item that is not a function with a body, spanned on
/// what the item is.
fn not_a_function(item: TokenStream) -> syn::Error {
    let found = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Struct(s)) => Some((s.struct_token.span(), "a struct")),
        Ok(Item::Enum(e)) => Some((e.enum_token.span(), "an enum")),
        Ok(Item::Trait(t)) => Some((t.trait_token.span(), "a trait declaration")),
        Ok(Item::Impl(i)) => Some((i.impl_token.span(), "an impl block")),
        Ok(Item::Mod(m)) => Some((m.mod_token.span(), "a module")),
        Ok(Item::Const(c)) => Some((c.const_token.span(), "a const")),
        Ok(Item::Static(s)) => Some((s.static_token.span(), "a static")),
        Ok(Item::Type(t)) => Some((t.type_token.span(), "a type alias")),
        Ok(Item::Use(u)) => Some((u.use_token.span(), "a use declaration")),
        _ => None,
    };
    if let Some((span, what)) = found {
        return syn::Error::new(span, format!("memprof: cannot profile {what}; {SUPPORTED}"));
    }
    if let Ok(method) = syn::parse2::<syn::TraitItemFn>(item.clone()) {
        if method.default.is_none() {
            return syn::Error::new(
                method.semi_token.span(),
                format!("memprof: this function has no body to profile; {SUPPORTED}"),
            );
        }
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

// Input:
//     fn name(args) -> R { stmts; tail }
// Output:
//     fn name(args) -> R {
//         static __MEMPROF_SLOTS: [LineSlot; N] = [LineSlot::NEW; N];
//         static __MEMPROF_SITE: Site = Site::new("path::name", file!(), first, SOURCE, &__MEMPROF_SLOTS);
//         let __memprof_frame = pin!(Frame::<N>::new(&__MEMPROF_SITE));
//         __memprof_frame.as_ref().enter();
//         probe(line of stmt); stmt; ...
//         probe(line of tail);
//         let __memprof_close = CloseMarker::new(&__MEMPROF_SITE, N - 1);
//         tail
//     }
// The frame is declared first, so it is dropped last: after the function's
// own locals, on every exit path, unwinding included. The close marker is
// declared last, so it drops first, right after the tail is computed.
fn profile_function(mut func: ItemFn) -> TokenStream {
    let source = FnSource::of(&func);
    let len = source.len();
    let first_line = source.first_line as u32;
    let text = &source.text;
    let name = func.sig.ident.to_string();

    let site = Ident::new("__MEMPROF_SITE", Span::call_site());
    let slots = Ident::new("__MEMPROF_SLOTS", Span::call_site());
    let frame = Ident::new("__memprof_frame", Span::mixed_site());
    let close_marker = Ident::new("__memprof_close", Span::mixed_site());

    let mut probes = Probes {
        site: &site,
        source: &source,
        close_marker: &close_marker,
    };
    probes.visit_block_mut(&mut func.block);

    // The close marker goes right before the tail expression, or at the end.
    let mut stmts = std::mem::take(&mut func.block.stmts);
    let tail = match stmts.last() {
        Some(Stmt::Expr(_, None)) => stmts.pop(),
        _ => None,
    };
    stmts.push(probes.close_marker());
    stmts.extend(tail);

    let span = func.sig.ident.span();
    let prologue = quote_spanned! {span=>
        static #slots: [::memprof::__private::LineSlot; #len] =
            [::memprof::__private::LineSlot::NEW; #len];
        static #site: ::memprof::__private::Site = ::memprof::__private::Site::new(
            ::core::concat!(::core::module_path!(), "::", #name),
            ::core::file!(),
            #first_line,
            #text,
            &#slots,
        );
        let #frame = ::memprof::__private::pin!(
            ::memprof::__private::Frame::<#len>::new(&#site)
        );
        #frame.as_ref().enter();
    };
    let body = quote! { #prologue #(#stmts)* };
    let brace = func.block.brace_token;
    let mut out = TokenStream::new();
    for attr in &func.attrs {
        attr.to_tokens(&mut out);
    }
    func.vis.to_tokens(&mut out);
    func.sig.to_tokens(&mut out);
    brace.surround(&mut out, |out| out.extend(body));
    out
}
