// The transform of a whole function, an `impl` block or a trait.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{
    parse_quote, parse_quote_spanned, Block, ImplItem, Item, ItemFn, ReturnType, Stmt, TraitItem,
};

use crate::args::{self, Args};
use crate::probes::Probes;
use crate::source::FnSource;

/// What `#[profile]` accepts, for error messages.
const SUPPORTED: &str = "#[memprof::profile] goes on a function or method with a body, an \
                         `impl` block, or a trait with default methods";

/// Expands `#[profile(args)] item`. On error, the error and the unchanged
/// item, so that the user sees one clean error and nothing else breaks.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let result = args::parse(args).and_then(|args| profile_item(item.clone(), &args));
    match result {
        Ok(tokens) => tokens,
        // In expression position (rustc rejects attributes there, but still
        // expands them), the item must stay one expression: a block.
        Err(error) if syn::parse2::<syn::ExprClosure>(item.clone()).is_ok() => {
            let error = error.to_compile_error();
            quote!({ #error; #item })
        }
        Err(error) => {
            let mut tokens = error.to_compile_error();
            tokens.extend(item);
            tokens
        }
    }
}

fn profile_item(item: TokenStream, args: &Args) -> syn::Result<TokenStream> {
    match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(mut func)) => {
            reject_const(&func)?;
            let name = func.sig.ident.to_string();
            instrument(&mut func, &name, args);
            Ok(func.into_token_stream())
        }
        Ok(Item::Impl(mut block)) => {
            let owner = type_name(&block.self_ty);
            for item in &mut block.items {
                if let ImplItem::Fn(method) = item {
                    if method.sig.constness.is_none() {
                        let name = format!("{owner}::{}", method.sig.ident);
                        let mut func = ItemFn {
                            attrs: std::mem::take(&mut method.attrs),
                            vis: method.vis.clone(),
                            sig: method.sig.clone(),
                            block: Box::new(method.block.clone()),
                        };
                        instrument(&mut func, &name, args);
                        method.attrs = func.attrs;
                        method.block = *func.block;
                    }
                }
            }
            Ok(block.into_token_stream())
        }
        Ok(Item::Trait(mut tr)) => {
            let owner = tr.ident.to_string();
            let mut profiled = 0;
            for item in &mut tr.items {
                if let TraitItem::Fn(method) = item {
                    let Some(body) = &method.default else {
                        continue;
                    };
                    if method.sig.constness.is_some() {
                        continue;
                    }
                    let name = format!("{owner}::{}", method.sig.ident);
                    let mut func = ItemFn {
                        attrs: std::mem::take(&mut method.attrs),
                        vis: syn::Visibility::Inherited,
                        sig: method.sig.clone(),
                        block: Box::new(body.clone()),
                    };
                    instrument(&mut func, &name, args);
                    method.attrs = func.attrs;
                    method.default = Some(*func.block);
                    profiled += 1;
                }
            }
            if profiled == 0 {
                return Err(syn::Error::new(
                    tr.trait_token.span,
                    format!("memprof: this trait has no default method to profile; {SUPPORTED}"),
                ));
            }
            Ok(tr.into_token_stream())
        }
        Ok(Item::Verbatim(_)) | Err(_) => Err(not_an_item(item)),
        Ok(other) => Err(not_a_function(&other)),
    }
}

fn reject_const(func: &ItemFn) -> syn::Result<()> {
    match &func.sig.constness {
        Some(constness) => Err(syn::Error::new(
            constness.span,
            format!(
                "memprof: a `const fn` cannot be profiled (it may run at compile time, where \
                 there is no allocator to count); {SUPPORTED}"
            ),
        )),
        None => Ok(()),
    }
}

/// The name a method's rows carry for its type: the type's last path
/// segment without generics (`Vec<T>` is `Vec`), else the type as written.
fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map_or_else(String::new, |s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        other => other.to_token_stream().to_string().replace(' ', ""),
    }
}

/// The error for an item that is not something with bodies, spanned on
/// what the item is.
fn not_a_function(item: &Item) -> syn::Error {
    let (span, what) = match item {
        Item::Struct(s) => (s.struct_token.span(), "a struct"),
        Item::Enum(e) => (e.enum_token.span(), "an enum"),
        Item::Union(u) => (u.union_token.span(), "a union"),
        Item::Mod(m) => (m.mod_token.span(), "a module"),
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
            closure.or1_token.span(),
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
//
// An `async fn`'s body runs in its future instead:
//     async fn name(args) -> R {
//         static ...;
//         Instrumented::<N, _>::new(&__MEMPROF_SITE, async move {
//             if false { let __memprof_return: R = loop {}; return __memprof_return; }
//             probe(..); stmt; ...; let __memprof_close = ...; tail
//         }).await
//     }
// The never-taken `return` tells inference the block's output type, as the
// function's signature did for the body (tracing's "fake return edge").
fn instrument(func: &mut ItemFn, name: &str, args: &Args) {
    let source = FnSource::of(func);
    let len = source.len();
    let first_line = source.first_line as u32;
    let text = &source.text;

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
    let budget_ident = Ident::new("__MEMPROF_BUDGET", Span::call_site());
    let has_budget = args.max_peak.is_some() || args.max_increment.is_some();
    // A budgeted call keeps its own per-line figures, to name the lines that
    // put it over budget.
    let call_lines = if has_budget { len } else { 0 };
    let limit = |b: &Option<args::Budget>| match b {
        Some(args::Budget { bytes, text }) => {
            quote!(::core::option::Option::Some(::memprof::__private::Limit::new(#bytes, #text)))
        }
        None => quote!(::core::option::Option::None),
    };
    let (max_peak, max_increment) = (limit(&args.max_peak), limit(&args.max_increment));
    let budget = if has_budget {
        quote!(::core::option::Option::Some(&#budget_ident))
    } else {
        quote!(::core::option::Option::None)
    };
    let budget_static = has_budget.then(|| {
        quote_spanned! {span=>
            static #budget_ident: ::memprof::__private::Budget =
                ::memprof::__private::Budget::new(#max_peak, #max_increment);
        }
    });
    let statics = quote_spanned! {span=>
        #budget_static
        static #slots: [::memprof::__private::LineSlot; #len] =
            [::memprof::__private::LineSlot::NEW; #len];
        static #site: ::memprof::__private::Site = ::memprof::__private::Site::new(
            ::core::concat!(::core::module_path!(), "::", #name),
            ::core::file!(),
            #first_line,
            #text,
            &#slots,
        );
    };
    let body: Block = if func.sig.asyncness.is_some() {
        let fake_return = fake_return_edge(&func.sig.output);
        parse_quote_spanned! {span=> {
            #statics
            ::memprof::__private::Instrumented::<#len, #call_lines, _>::new(&#site, #budget, async move {
                #fake_return
                #(#stmts)*
            })
            .await
        }}
    } else {
        parse_quote_spanned! {span=> {
            #statics
            let #frame = ::memprof::__private::pin!(
                ::memprof::__private::Frame::<#len, #call_lines>::new(&#site, #budget)
            );
            #frame.as_ref().enter();
            #(#stmts)*
        }}
    };
    func.block.stmts = body.stmts;
}

/// `if false { let r: R = loop {}; return r; }` for an `async fn` whose
/// return type can be written in a `let`; nothing when it is `impl Trait`.
fn fake_return_edge(output: &ReturnType) -> TokenStream {
    let ty: syn::Type = match output {
        ReturnType::Default => parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    if contains_impl_trait(&ty) {
        return TokenStream::new();
    }
    let ret = Ident::new("__memprof_return", Span::mixed_site());
    quote! {
        #[allow(
            unknown_lints,
            unreachable_code,
            clippy::diverging_sub_expression,
            clippy::empty_loop,
            clippy::let_unit_value,
            clippy::let_with_type_underscore,
            clippy::needless_return,
            clippy::unreachable
        )]
        if false {
            let #ret: #ty = loop {};
            return #ret;
        }
    }
}

fn contains_impl_trait(ty: &syn::Type) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}
