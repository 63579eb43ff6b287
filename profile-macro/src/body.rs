// The transform of one function: its statics, the call around its body,
// and the marker that moves attribution to the closing brace.

use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{parse_quote, Attribute, Block, Expr, Meta, ReturnType, Signature, Stmt, Visibility};

use crate::args::{self, Args};
use crate::opt_level;
use crate::params;
use crate::probes;
use crate::probes::{
    declares_items, declares_only_items, respan_ends, site_fn, statement_attributes, Probes,
};
use crate::source::{FnParts, FnSource};
use crate::spans::first_token_span;
use crate::stacked;

/// What `#[profile]` accepts, for error messages.
pub(crate) const SUPPORTED: &str = "#[memprof::profile] goes on a function or method with a \
                                    body, an `impl` block, a trait with default methods, or an \
                                    inline module";

/// A function with a body, wherever it is written (a free function, a
/// method, a trait's default method).
pub(crate) struct Function {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    pub(crate) block: Block,
}

// Input:
//     fn name(params) -> R { stmts; tail }
// Output:
//     fn name(params') -> R {
//         fn __memprof_here() -> &'static str { type_name_of_val(&__memprof_here) }
//         fn __memprof_site() -> &'static Site { &__MEMPROF_SITE }
//         static __MEMPROF_SITE: Site = site(__memprof_here, module_path!(), file!(), ..);
//         let mut __memprof_storage = MaybeUninit::uninit();
//         let __memprof_call = Call::enter(&mut __memprof_storage, &__MEMPROF_SITE, FIRST);
//         let __memprof_probe = __memprof_call.probe();
//         let __memprof_on = __memprof_probe.is_on();
//         __memprof_call.run(move || -> R {
//             let param = param; ...
//             stmt; probe(line of stmt); stmt; ...
//             probe(line of tail);
//             { let __memprof_close = CloseMarker::new(__memprof_site, __memprof_probe); tail }
//         })
//     }
// where FIRST is the slot of the first statement's line, whose probe the
// entry replaces when it would always run (0 when there is none).
// The call guard is declared before everything of the body, so it drops
// after the body's locals and the rebound parameters, on every exit path,
// unwinding included. The close marker drops right after the tail is
// computed, before those locals drop, so their frees show on the
// closing-brace line. The body is a closure so that the guard is not in
// its scope (why: `Call::run`); `return` and `?` leave the closure as they
// left the function, with the same type. A `move` closure: it owns the
// parameters as the function did, so a body may return what it borrows
// through `self: &mut Self` (`if let Some(v) = self { v }`), which a
// closure holding a borrow of `self` could not. The body stays in the
// function's own frame where a closure would change what it means: under
// `#[track_caller]` (`Location::caller()`), with an `impl Trait` return
// type (see `returns_impl_trait`), where a repeat expression's length is a
// macro's (see `repeats_by_macro`), and where another attribute macro
// rewrote it.
//
// An `async fn`'s body runs in its future instead:
//     async fn name(params') -> R {
//         fn __memprof_here ..; static ..;
//         Instrumented::new(&__MEMPROF_SITE, async move {
//             let __memprof_probe = Probe::current(&__MEMPROF_SITE);
//             let param = param; ...
//             if false { let __memprof_return: R = loop {}; return __memprof_return; }
//             probe(..); stmt; ...; { let __memprof_close = ..; tail }
//         }).await
//     }
// The never-taken `return` tells inference the block's output type, as the
// function's signature did for the body (tracing's "fake return edge").
pub(crate) fn instrument(func: &mut Function, args: &Args) -> syn::Result<()> {
    let path = stacked::find(&func.block);
    let nested = !path.is_empty();
    let (user_block, in_future) = {
        let (block, in_async) = stacked::follow(&mut func.block, &path);
        (
            block.clone(),
            in_async || (!nested && func.sig.asyncness.is_some()),
        )
    };
    let source = FnSource::of(&FnParts {
        vis: &func.vis,
        sig: &func.sig,
        block: &user_block,
    });
    let span = func.sig.ident.span();
    let site = Ident::new("__MEMPROF_SITE", Span::call_site());
    let probe = Ident::new("__memprof_probe", Span::mixed_site());
    let on = Ident::new("__memprof_on", Span::mixed_site());
    let in_closure = !in_future
        && !nested
        && !tracks_caller(&func.attrs)
        && !returns_impl_trait(&func.sig.output)
        && !repeats_by_macro(&user_block);
    let statics = statics(&source, args, span, &site, in_closure || in_future);

    // Parameters are the function's own only when nothing rewrote it.
    let which = if in_closure {
        params::Bindings::All
    } else {
        params::Bindings::MayOwnMemory
    };
    let rebinding = (!nested).then(|| params::rebind(&mut func.sig, which));
    let mut body = user_block;
    if rebinding.as_ref().is_some_and(|r| r.renames_self) {
        params::rename_self(&mut body);
    }
    let mut probes = Probes {
        probe: &probe,
        on: &on,
        source: &source,
        inlined: opt_level::compiled_optimised(),
        placed: 0,
    };
    probes.visit_block_mut(&mut body);
    if probes.placed == 0 && statements_in(&func.block, &source) > 0 {
        return Err(syn::Error::new(
            span,
            "memprof: cannot see into this function's body: an attribute macro above \
             `#[memprof::profile]` moved the code you wrote where no line can be measured; put \
             `#[memprof::profile]` first, above the other attributes",
        ));
    }
    place_close_marker(&mut body.stmts, &probes);
    let rebinds = rebinding.map(|r| r.statements).unwrap_or_default();

    if !in_future {
        // A synchronous call around the user's block.
        let storage = Ident::new("__memprof_storage", Span::mixed_site());
        let call = Ident::new("__memprof_call", Span::mixed_site());
        let first = probes::take_entry_probe(&mut body.stmts).unwrap_or(0);
        let stmts = &body.stmts;
        let entry = quote_spanned! {Span::mixed_site()=>
            let mut #storage = ::memprof::__private::MaybeUninit::uninit();
            let #call = ::memprof::__private::Call::enter(&mut #storage, &#site, #first);
            let #probe = #call.probe();
            let #on = #probe.is_on();
        };
        let new_block = if in_closure {
            let output = return_type(&func.sig.output);
            let (items, stmts) = items_kept_in_frame(stmts);
            generated_block(quote!(
                #(#items)*
                #entry
                #call.run(move || -> #output { #rebinds #(#stmts)* })
            ))
        } else {
            generated_block(quote!(#entry #rebinds #(#stmts)*))
        };
        let (target, _) = stacked::follow(&mut func.block, &path);
        *target = with_braces_of(new_block, target);
        prepend(&mut func.block, statics);
        return Ok(());
    }

    let stmts = &body.stmts;
    let current = quote_spanned! {Span::mixed_site()=>
        let #probe = ::memprof::__private::Probe::current(&#site);
        let #on = #probe.is_on();
    };
    if nested {
        // The other macro's future: wrapped, so that each of its polls is a
        // slice of the call; the user's block inside it finds the call.
        let new_block = generated_block(quote!(#current #rebinds #(#stmts)*));
        {
            let (target, _) = stacked::follow(&mut func.block, &path);
            *target = with_braces_of(new_block, target);
        }
        let future = stacked::future_on_path(&mut func.block, &path)
            .expect("the path goes through an async block");
        let inner = future.clone();
        *future = Expr::Verbatim(quote! {
            ::memprof::__private::Instrumented::new(&#site, #inner)
        });
        prepend(&mut func.block, statics);
        return Ok(());
    }
    let fake_return = fake_return_edge(&func.sig.output);
    let wrapped = generated_block(quote! {
        #statics
        ::memprof::__private::Instrumented::new(&#site, async move {
            #current
            #rebinds
            #fake_return
            #(#stmts)*
        })
        .await
    });
    func.block = with_braces_of(wrapped, &func.block);
    Ok(())
}

/// The statements in `block`, at any depth (closures, `async` blocks and
/// items another macro generated included), that the user wrote in the
/// function's lines and that `Probes` would give a probe if it looked there.
/// An item, or a macro call that declares items, never gets one, and the
/// statements of an item the user wrote are that item's own: a body of
/// nested items alone (hashbrown's `assert_covariance`) has none.
fn statements_in(block: &Block, source: &FnSource) -> usize {
    struct Counter<'a> {
        source: &'a FnSource,
        count: usize,
    }
    impl Counter<'_> {
        /// On a line of the body: a slot past the signature's (0).
        fn in_body(&self, span: Span) -> bool {
            self.source.slot(span).is_some_and(|slot| slot > 0)
        }
    }
    impl<'ast> Visit<'ast> for Counter<'_> {
        fn visit_item(&mut self, item: &'ast syn::Item) {
            if !self.in_body(item.span()) {
                syn::visit::visit_item(self, item);
            }
        }
        fn visit_stmt(&mut self, stmt: &'ast Stmt) {
            if !declares_only_items(stmt) && self.in_body(stmt.span()) {
                self.count += 1;
            }
            syn::visit::visit_stmt(self, stmt);
        }
    }
    let mut counter = Counter { source, count: 0 };
    counter.visit_block(block);
    counter.count
}

// Input:  the body's statements, about to go into the closure
// Output: (the items they declare, the rest in order)
// The items stay in the function's own block: declared in the closure,
// rustc would name them inside it (`f::{{closure}}::S` in `type_name`),
// which a program may print or compare (http's tests do). An item is
// visible throughout its block, so the closure's code sees them as before.
// Macro calls stay in place (`macro_rules!` scope is textual, and others
// may use a macro defined before them), and so does what the attribute
// generated.
fn items_kept_in_frame(stmts: &[Stmt]) -> (Vec<&Stmt>, Vec<&Stmt>) {
    stmts.iter().partition(|stmt| {
        matches!(stmt, Stmt::Item(item) if !matches!(item, syn::Item::Macro(_) | syn::Item::Verbatim(_)))
    })
}

/// A block of the statements `tokens`, kept as tokens: from here on the
/// function is only printed. Parsed back, the body was printed and parsed
/// twice over, a tenth of a profiled crate's `cargo check`.
fn generated_block(tokens: TokenStream) -> Block {
    Block {
        brace_token: Default::default(),
        stmts: vec![Stmt::Item(syn::Item::Verbatim(tokens))],
    }
}

/// `block` with the braces (and so the span) of `like`.
fn with_braces_of(mut block: Block, like: &Block) -> Block {
    block.brace_token = like.brace_token;
    block
}

/// Puts `tokens` (items) before the block's statements, as tokens (see
/// `generated_block`).
fn prepend(block: &mut Block, tokens: TokenStream) {
    block
        .stmts
        .insert(0, Stmt::Item(syn::Item::Verbatim(tokens)));
}

/// Whether `block` may hold a repeat expression with a macro in its length,
/// as memoffset's `assert_eq!([0; offset_of!(Foo, b)].len(), 4)`. In a
/// closure, rustc takes such a length for one that may depend on the
/// closure's generic parameters and warns (`const_evaluatable_unchecked`, a
/// future-incompatibility lint, rust-lang/rust#76200) where the function's
/// own frame draws nothing; `core::mem::offset_of!` does it, and any macro
/// may expand to it. Read from the tokens, since the repeat is often inside
/// another macro's arguments, which syn leaves unparsed: any `[..; ..]`
/// whose length calls a macro (an array type too, which only keeps the body
/// in the frame for nothing).
fn repeats_by_macro(block: &Block) -> bool {
    fn calls_macro(tokens: TokenStream) -> bool {
        let mut bang = false;
        for tree in tokens {
            match tree {
                TokenTree::Punct(p) => bang = p.as_char() == '!',
                TokenTree::Group(g) => {
                    if bang || calls_macro(g.stream()) {
                        return true;
                    }
                    bang = false;
                }
                _ => bang = false,
            }
        }
        false
    }
    fn scan(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|tree| {
            let TokenTree::Group(g) = tree else {
                return false;
            };
            if g.delimiter() == Delimiter::Bracket {
                let mut trees = g.stream().into_iter();
                let before_semicolon = trees
                    .by_ref()
                    .take_while(|t| !matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
                    .count();
                let length: TokenStream = trees.collect();
                if !length.is_empty() && before_semicolon > 0 && calls_macro(length) {
                    return true;
                }
            }
            scan(g.stream())
        })
    }
    scan(quote!(#block))
}

/// Whether the function carries `#[track_caller]`.
fn tracks_caller(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("track_caller"))
}

/// The function's return type, written out (`()` when it has none): what a
/// closure or a `let` that stands for the body is annotated with.
fn return_type(output: &ReturnType) -> syn::Type {
    match output {
        ReturnType::Default => parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    }
}

/// Whether the function returns `impl Trait`, which a closure's signature
/// cannot name: left to inference, the body would lose what the bounds
/// tell it (`-> impl Fn(u32) -> u32 { |x| x + 1 }` types `x` by them).
fn returns_impl_trait(output: &ReturnType) -> bool {
    matches!(output, ReturnType::Type(_, ty) if contains_impl_trait(ty))
}

/// The function's `static`s: its site, its budget, and the item whose type
/// name gives the function's path.
fn statics(
    source: &FnSource,
    args: &Args,
    span: Span,
    site: &Ident,
    body_in_closure: bool,
) -> TokenStream {
    let len = source.len() as u32;
    let first_line = source.first_line as u32;
    let text = &source.text;
    let here = Ident::new("__memprof_here", span);
    let budget_ident = Ident::new("__MEMPROF_BUDGET", Span::call_site());
    let has_budget =
        args.max_peak.is_some() || args.max_increment.is_some() || args.max_retained.is_some();
    let limit = |b: &Option<args::Budget>| match b {
        Some(args::Budget { bytes, text }) => {
            quote!(::memprof::__private::core::option::Option::Some(::memprof::__private::Limit::new(#bytes, #text)))
        }
        None => quote!(::memprof::__private::core::option::Option::None),
    };
    let (max_peak, max_increment, max_retained) = (
        limit(&args.max_peak),
        limit(&args.max_increment),
        limit(&args.max_retained),
    );
    let budget = if has_budget {
        quote!(::memprof::__private::core::option::Option::Some(&#budget_ident))
    } else {
        quote!(::memprof::__private::core::option::Option::None)
    };
    // The budget's panic is raised here, in the function's own code, so
    // that it points at the function.
    let over = Ident::new("__memprof_over_budget", span);
    let budget_static = has_budget.then(|| {
        quote_spanned! {span=>
            fn #over(message: ::memprof::__private::std::string::String) {
                ::memprof::__private::core::panic!("{}", message)
            }
            static #budget_ident: ::memprof::__private::Budget =
                ::memprof::__private::Budget::new(#max_peak, #max_increment, #max_retained, #over);
        }
    });
    let site_fn = site_fn();
    quote_spanned! {span=>
        fn #here() -> &'static str {
            ::memprof::__private::core::any::type_name_of_val(&#here)
        }
        fn #site_fn() -> &'static ::memprof::__private::Site {
            &#site
        }
        #budget_static
        static #site: ::memprof::__private::Site = ::memprof::__private::site(
            #here,
            ::memprof::__private::core::module_path!(),
            ::memprof::__private::core::file!(),
            #first_line,
            #text,
            #len,
            #budget,
            #body_in_closure,
        );
    }
}

// Input:  { stmts; tail }                { stmts; }
// Output: { stmts; { marker; tail } }    { stmts; marker; }
// The marker drops right after the tail is computed (the block is the tail
// now, with the tail's own temporaries as before). Where `#[cfg]` decides
// which trailing statement is the tail, each candidate is wrapped only in
// the configuration where it is the tail, and the marker closes the block
// in the configurations where none is:
//     #[cfg(a)] { 1 }  #[cfg(not(a))] { 2 }
// becomes
//     #[cfg(a)] #[cfg(not(any(not(a))))] { marker; { 1 } }
//     #[cfg(a)] #[cfg(any(not(a)))] { 1 }
//     #[cfg(not(a))] { marker; { 2 } }
//     #[cfg(not(any(all(a, not(any(not(a)))), not(a))))] marker;
fn place_close_marker(stmts: &mut Vec<Stmt>, probes: &Probes<'_>) {
    let marker = probes.close_marker();
    let user: Vec<usize> = (0..stmts.len()).filter(|&i| !is_probe(&stmts[i])).collect();
    let unconditional_marker = || -> Stmt {
        syn::parse2(quote!(#[allow(unreachable_code)] #marker)).expect("a let statement")
    };
    // Input:  { stmts; dispatch! { fn f() -> u64 [] } }
    // Output: { stmts; marker; dispatch! { fn f() -> u64 [] } }
    // A last macro call that looks like items may still give the block its
    // value: twox-hash's `dispatch!` declares helper functions and ends in
    // a call of one. Wrapped in a block, items it declares would leave the
    // block's scope (earlier statements may name them); the marker goes
    // before it instead, and drops as the block ends.
    if let Some(&last) = user.last() {
        if let Stmt::Macro(m) = &stmts[last] {
            if m.semi_token.is_none() && declares_items(&m.mac) && presence(&m.attrs).is_none() {
                stmts.insert(last, unconditional_marker());
                return;
            }
        }
    }
    // The user's statements of the trailing run that `cfg` may remove, and
    // the one before it, which is always there: the possible tails.
    let mut candidates: Vec<(usize, Option<TokenStream>)> = Vec::new();
    for &i in user.iter().rev() {
        let presence = presence(statement_attributes(&stmts[i]));
        let always = presence.is_none();
        candidates.push((i, presence));
        if always {
            break;
        }
    }
    candidates.reverse();
    let presences: Vec<Option<TokenStream>> = candidates.iter().map(|(_, p)| p.clone()).collect();
    // For each possible tail, the condition that it is the tail: it is
    // there, and every later user statement is not.
    let mut tail_conditions = Vec::new();
    let mut always_a_tail = false;
    let mut replacements: Vec<(usize, Vec<Stmt>)> = Vec::new();
    for (k, (i, presence)) in candidates.iter().enumerate() {
        if !is_tail_candidate(&stmts[*i]) {
            continue;
        }
        let later: Vec<&TokenStream> = presences[k + 1..].iter().flatten().collect();
        let mine = presence.clone().unwrap_or_else(|| quote!(all()));
        let stmt = stmts[*i].clone();
        if later.is_empty() {
            always_a_tail |= presence.is_none();
            tail_conditions.push(mine);
            replacements.push((*i, vec![wrap_tail(stmt, &marker, None)]));
        } else {
            let none_later = quote!(not(any(#(#later),*)));
            tail_conditions.push(quote!(all(#mine, #none_later)));
            let wrapped = wrap_tail(stmt.clone(), &marker, Some(none_later));
            let kept = with_attribute(stmt, quote!(#[cfg(any(#(#later),*))]));
            replacements.push((*i, vec![wrapped, kept]));
        }
    }
    for (i, replacement) in replacements.into_iter().rev() {
        stmts.splice(i..=i, replacement);
    }
    if always_a_tail {
        return;
    }
    let end_marker: Stmt = if tail_conditions.is_empty() {
        unconditional_marker()
    } else {
        syn::parse2(quote! {
            #[cfg(not(any(#(#tail_conditions),*)))]
            #[allow(unreachable_code)]
            #marker
        })
        .expect("a let statement")
    };
    stmts.push(end_marker);
}

/// Whether a statement is one of ours (a probe), not the user's.
fn is_probe(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::If(probe), None) = stmt else {
        return false;
    };
    let Some(Stmt::Expr(Expr::Call(call), None)) = probe.then_branch.stmts.first() else {
        return false;
    };
    let Expr::Path(path) = &*call.func else {
        return false;
    };
    path.path
        .segments
        .first()
        .is_some_and(|s| s.ident == "memprof")
        && path.path.segments.iter().any(|s| s.ident == "__private")
}

/// Whether a statement is an expression that, last, would be the block's
/// value.
fn is_tail_candidate(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Expr(_, None) => true,
        Stmt::Macro(m) => m.semi_token.is_none() && !declares_items(&m.mac),
        _ => false,
    }
}

/// `{ marker; stmt }` as a statement, with the statement's outer
/// attributes on the block (a `cfg` must remove the block, not empty it),
/// and `extra_cfg` besides.
fn wrap_tail(stmt: Stmt, marker: &TokenStream, extra_cfg: Option<TokenStream>) -> Stmt {
    let (attrs, inner) = take_outer_attributes(stmt);
    let first = first_token_span(&inner).unwrap_or_else(Span::call_site);
    let extra = extra_cfg.map(|cfg| quote!(#[cfg(#cfg)]));
    let block = respan_ends(
        quote_spanned! {Span::mixed_site()=> { #marker #inner } },
        first,
        first,
    );
    // Kept as tokens: only printed from here on (see `generated_block`).
    Stmt::Expr(Expr::Verbatim(quote!(#(#attrs)* #extra #block)), None)
}

/// A statement with `attr` added to its outer attributes.
fn with_attribute(stmt: Stmt, attr: TokenStream) -> Stmt {
    syn::parse2(quote!(#attr #stmt)).expect("a statement takes outer attributes")
}

/// A statement's outer attributes, taken off, and the statement without
/// them.
fn take_outer_attributes(mut stmt: Stmt) -> (Vec<Attribute>, Stmt) {
    let attrs = match &mut stmt {
        Stmt::Macro(m) => std::mem::take(&mut m.attrs),
        Stmt::Expr(expr, _) => expression_attrs_mut(expr)
            .map(std::mem::take)
            .unwrap_or_default(),
        Stmt::Local(l) => std::mem::take(&mut l.attrs),
        Stmt::Item(_) => Vec::new(),
    };
    (attrs, stmt)
}

fn expression_attrs_mut(expr: &mut Expr) -> Option<&mut Vec<Attribute>> {
    macro_rules! attrs_of {
        ($($variant:ident),*) => {
            match expr {
                $(Expr::$variant(e) => Some(&mut e.attrs),)*
                _ => None,
            }
        };
    }
    attrs_of!(
        Array, Assign, Async, Await, Binary, Block, Break, Call, Cast, Closure, Const, Continue,
        Field, ForLoop, Group, If, Index, Infer, Let, Lit, Loop, Macro, Match, MethodCall, Paren,
        Path, Range, RawAddr, Reference, Repeat, Return, Struct, Try, TryBlock, Tuple, Unary,
        Unsafe, While, Yield
    )
}

/// The configurations in which a statement is there, from its `cfg`s (and
/// the `cfg`s its `cfg_attr`s may add): `None` when it always is.
fn presence(attrs: &[Attribute]) -> Option<TokenStream> {
    let mut conditions = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("cfg") {
            if let Meta::List(list) = &attr.meta {
                conditions.push(list.tokens.clone());
            }
        } else if attr.path().is_ident("cfg_attr") {
            if let Some(condition) = cfg_attr_presence(attr) {
                conditions.push(condition);
            }
        }
    }
    (!conditions.is_empty()).then(|| quote!(all(#(#conditions),*)))
}

/// `cfg_attr(p, .., cfg(q), ..)` keeps its statement where `p` is false or
/// `q` holds.
fn cfg_attr_presence(attr: &Attribute) -> Option<TokenStream> {
    let Meta::List(list) = &attr.meta else {
        return None;
    };
    let parts: Vec<TokenStream> = split_top_level_commas(list.tokens.clone());
    let (predicate, attrs) = parts.split_first()?;
    let cfgs: Vec<TokenStream> = attrs
        .iter()
        .filter_map(|a| {
            let meta: Meta = syn::parse2(a.clone()).ok()?;
            match meta {
                Meta::List(inner) if inner.path.is_ident("cfg") => Some(inner.tokens),
                _ => None,
            }
        })
        .collect();
    (!cfgs.is_empty()).then(|| quote!(any(not(#predicate), all(#(#cfgs),*))))
}

fn split_top_level_commas(tokens: TokenStream) -> Vec<TokenStream> {
    let mut parts = vec![TokenStream::new()];
    for tree in tokens {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => parts.push(TokenStream::new()),
            _ => parts.last_mut().expect("one part at least").extend([tree]),
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// `if false { let r: R = loop {}; return r; }` for an `async fn` whose
/// return type can be written in a `let`; nothing when it is `impl Trait`.
fn fake_return_edge(output: &ReturnType) -> TokenStream {
    if returns_impl_trait(output) {
        return TokenStream::new();
    }
    let ty = return_type(output);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `statements_in` of the block `body`, whose function's signature is
    /// on the block's first line.
    fn statements(body: &str) -> usize {
        let block: Block = syn::parse_str(body).expect("a block");
        let source = FnSource {
            first_line: 1,
            close_line: body.lines().count(),
            text: String::new(),
        };
        statements_in(&block, &source)
    }

    #[test]
    fn nested_items_written_in_the_body_count_nothing() {
        let only_items = "{
            fn shorten<'a>(v: Vec<&'static str>) -> Vec<&'a str> {
                v
            }
            struct Unit;
            thread_local! { static X: u8 = const { 0 }; }
        }";
        assert_eq!(statements(only_items), 0);
        let items_and_a_line = "{
            fn one() -> u8 {
                1
            }
            let two = one() + 1;
        }";
        assert_eq!(statements(items_and_a_line), 1);
    }

    #[test]
    fn a_repeat_length_made_by_a_macro_is_found() {
        let found = |body: &str| repeats_by_macro(&syn::parse_str(body).expect("a block"));
        assert!(found("{ [0u8; core::mem::offset_of!(Foo, b)].len() }"));
        assert!(found("{ let f = || [0u8; { 1 + offset_of!(Foo, b) }]; }"));
        assert!(!found("{ [0u8; core::mem::size_of::<Foo>()].len() }"));
        assert!(!found("{ let v = vec![0u8; 4]; [v.len(); 2] }"));
        assert!(!found("{ const N: usize = offset_of!(Foo, b); [0u8; N] }"));
        assert!(found("{ assert_eq!([0; offset_of!(Foo, b)].len(), 4); }"));
        assert!(found("{ m!([0; { memoffset::offset_of!(Foo, b) }]) }"));
        assert!(!found("{ assert_eq!([0; 4].len(), 4); }"));
        assert!(!found("{ #[allow(unused)] let a = [f(); 3]; }"));
    }

    #[test]
    fn closures_and_items_another_macro_generated_are_looked_into() {
        // The closure's statement is the user's, where no probe goes.
        let closure = "{
            let f = || {
                1
            };
        }";
        assert_eq!(statements(closure), 2);
        // An item that starts on the signature's line is none the user
        // wrote in the body: another macro put the body's lines in it.
        let moved = "{ fn inner() -> usize {
                let v = 1;
                v
            }
            inner()
        }";
        assert_eq!(statements(moved), 3);
    }
}
