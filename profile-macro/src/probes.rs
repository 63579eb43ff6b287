// Puts the probes into a function body.
//
// Every probe passes the call's handle (`__memprof_probe`) and the slot of
// its line. Three rules keep the compiler's view of the body the user's:
//
// - a probe carries its statement's `cfg` and `cfg_attr` attributes, so it
//   is compiled out with the statement;
// - it carries the statement's lint levels (`allow`, `warn`, `deny`,
//   `forbid`, and an `expect` as `allow`), and spans the whole statement,
//   so that the one lint a probe can draw, `unreachable_code` after a
//   statement that diverges, is reported where and as the user's statement
//   would have been;
// - a macro call that declares items (`pin_project! { struct .. }`) gets no
//   probe: nothing runs there.

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{
    parse_quote_spanned, token, Attribute, Block, Expr, ExprBlock, ExprCall, ExprForLoop, ExprIf,
    ExprLit, ExprLoop, ExprPath, ExprWhile, Lit, Macro, Meta, Path, PathSegment, Stmt, Token,
};

use crate::source::FnSource;
use crate::spans::{first_token_span, last_token_span};

pub(crate) struct Probes<'a> {
    /// The call's probe handle.
    pub(crate) probe: &'a Ident,
    /// Whether the call is profiled: a local `bool`, tested before each
    /// probe, so that a call that is not (`MEMPROF=off`) costs a test and a
    /// jump a statement even in an unoptimised build.
    pub(crate) on: &'a Ident,
    pub(crate) source: &'a FnSource,
    /// The crate is compiled with optimisation: the probes and the close
    /// marker are the runtime's inlined ones (see `opt_level.rs`).
    pub(crate) inlined: bool,
    /// How many probes were placed.
    pub(crate) placed: usize,
}

impl Probes<'_> {
    /// `let __memprof_close = CloseMarker::new(__memprof_site,
    /// close_handle!(__memprof_probe, __memprof_on));` (optimised:
    /// `InlinedCloseMarker::new(__memprof_site, __memprof_probe)`): when it
    /// drops, the closing-brace line starts running.
    pub(crate) fn close_marker(&self) -> TokenStream {
        let marker = Ident::new("__memprof_close", Span::mixed_site());
        let site = site_fn();
        let (probe, on) = (self.probe, self.on);
        if self.inlined {
            return quote_spanned! {Span::mixed_site()=>
                let #marker = ::memprof::__private::InlinedCloseMarker::new(#site, #probe);
            };
        }
        quote_spanned! {Span::mixed_site()=>
            let #marker = ::memprof::__private::CloseMarker::new(
                #site,
                ::memprof::__private::close_handle!(#probe, #on),
            );
        }
    }

    /// The name of the runtime's probe `function` (`line`, `iteration`,
    /// `enter_line`) this crate calls: optimised, its inlined one.
    fn probe_function(&self, function: &str) -> String {
        if self.inlined {
            format!("inlined_{function}")
        } else {
            function.to_string()
        }
    }

    /// The probe before `stmt`, if it gets one.
    fn probe_before(&mut self, stmt: &Stmt) -> Option<Stmt> {
        if declares_only_items(stmt) {
            return None;
        }
        let function = match stmt {
            // A `while` counts itself in its condition (see below).
            Stmt::Expr(Expr::While(w), _) if !has_let(&w.cond) => return None,
            // A `for` is counted by its iterator; the statement probe only
            // makes the line run while the iterable is evaluated.
            Stmt::Expr(Expr::ForLoop(_), _) => "enter_line",
            _ => "line",
        };
        let first = first_token_span(stmt)?;
        let slot = self.source.slot(first)? as u32;
        let last = last_token_span(stmt)?;
        let attrs = probe_attributes(statement_attributes(stmt));
        let attrs = if attrs.is_empty() {
            Vec::new()
        } else {
            Attribute::parse_outer
                .parse2(quote!(#(#attrs)*))
                .expect("a probe's attributes are its statement's")
        };
        self.placed += 1;
        // `if` at the statement's first token and the braces at its last:
        // the compiler spans the probe from one to the other, as the
        // statement (see `respan_ends`).
        let spans = ProbeSpans {
            keyword: first,
            braces: last,
            path: Span::mixed_site(),
            function: Span::call_site(),
        };
        Some(self.probe_statement(attrs, function, slot, spans))
    }

    // Input:  the probe's attributes, its function (`line`), its slot (3)
    // Output: #[attrs] if __memprof_on { ::memprof::__private::line(__memprof_probe, 3u32) }
    /// A probe, built as the syntax tree that parsing its tokens gave (a
    /// parse per statement was a twentieth of a profiled crate's `cargo
    /// check`), spanned as those tokens were: `spans` where `quote_spanned!`
    /// put them, the handles' own spans, and the slot's literal at the call
    /// site.
    fn probe_statement(
        &self,
        attrs: Vec<Attribute>,
        function: &str,
        slot: u32,
        spans: ProbeSpans,
    ) -> Stmt {
        let mut segments = Punctuated::new();
        segments.push_value(PathSegment::from(Ident::new("memprof", spans.path)));
        segments.push_punct(Token![::](spans.path));
        segments.push_value(PathSegment::from(Ident::new("__private", spans.path)));
        segments.push_punct(Token![::](spans.path));
        let function = self.probe_function(function);
        segments.push_value(PathSegment::from(Ident::new(&function, spans.function)));
        let function = Path {
            leading_colon: Some(Token![::](spans.path)),
            segments,
        };
        let mut args = Punctuated::new();
        args.push_value(path_expr(Path::from(self.probe.clone())));
        args.push_punct(Token![,](spans.path));
        args.push_value(Expr::Lit(ExprLit {
            attrs: Vec::new(),
            lit: Lit::new(Literal::u32_suffixed(slot)),
        }));
        let call = Expr::Call(ExprCall {
            attrs: Vec::new(),
            func: Box::new(path_expr(function)),
            paren_token: token::Paren(spans.path),
            args,
        });
        let probe = Expr::If(ExprIf {
            attrs,
            if_token: Token![if](spans.keyword),
            cond: Box::new(path_expr(Path::from(self.on.clone()))),
            then_branch: Block {
                brace_token: token::Brace(spans.braces),
                stmts: vec![Stmt::Expr(call, None)],
            },
            else_branch: None,
        });
        Stmt::Expr(probe, None)
    }

    /// The probe at a loop header: one more evaluation of it. Its tokens
    /// are all spanned `mixed_site` (the function's name too).
    fn iteration(&mut self, span: Span) -> Option<Stmt> {
        let slot = self.source.slot(span)? as u32;
        self.placed += 1;
        let spans = ProbeSpans::all(Span::mixed_site());
        Some(self.probe_statement(Vec::new(), "iteration", slot, spans))
    }

    /// A loop body starts with one more evaluation of its header.
    fn count_iterations(&mut self, header: Span, body: &mut Block) {
        if let Some(probe) = self.iteration(header) {
            body.stmts.insert(0, probe);
        }
    }
}

// Input:  { if __memprof_on { line(__memprof_probe, 3u32) } a; .. }
// Output: { a; .. }, and Some(3)
/// Takes out the probe of the body's first statement when it always runs
/// (no `cfg`, not a loop's), so that the call starts with that line running
/// instead: one probe less a call. Returns its slot.
pub(crate) fn take_entry_probe(stmts: &mut Vec<Stmt>) -> Option<u32> {
    let Some(Stmt::Expr(Expr::If(probe), None)) = stmts.first() else {
        return None;
    };
    if !probe.attrs.is_empty() || probe.else_branch.is_some() {
        return None;
    }
    let [Stmt::Expr(Expr::Call(call), None)] = probe.then_branch.stmts.as_slice() else {
        return None;
    };
    let Expr::Path(function) = &*call.func else {
        return None;
    };
    let is_line_probe = function.path.segments.len() == 3
        && function.path.segments[0].ident == "memprof"
        && function.path.segments[1].ident == "__private"
        && (function.path.segments[2].ident == "line"
            || function.path.segments[2].ident == "inlined_line");
    let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(slot),
        ..
    })) = call.args.iter().nth(1)
    else {
        return None;
    };
    let slot = slot.base10_parse::<u32>().ok().filter(|_| is_line_probe)?;
    stmts.remove(0);
    Some(slot)
}

/// The function's `fn() -> &'static Site` item, which the close markers
/// take (see `body.rs`).
pub(crate) fn site_fn() -> Ident {
    Ident::new("__memprof_site", Span::call_site())
}

/// Whether a condition is a `let` (or a let chain).
fn has_let(cond: &Expr) -> bool {
    match cond {
        Expr::Let(_) => true,
        Expr::Binary(b) => has_let(&b.left) || has_let(&b.right),
        Expr::Paren(p) => has_let(&p.expr),
        _ => false,
    }
}

/// Whether a statement only declares items (an item, or a macro call that
/// declares them): nothing runs there, so it gets no probe.
pub(crate) fn declares_only_items(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Item(_) => true,
        Stmt::Macro(m) => declares_items(&m.mac),
        _ => false,
    }
}

/// Whether a macro call in statement position declares items rather than
/// running code: its input starts (after outer attributes and a visibility)
/// with an item keyword, as `pin_project! { #[..] pub struct .. }`,
/// `thread_local! { static .. }` and `bitflags! { struct .. }` do.
pub(crate) fn declares_items(mac: &Macro) -> bool {
    let mut tokens = mac.tokens.clone().into_iter().peekable();
    loop {
        match tokens.peek() {
            // `#` and its bracketed attribute.
            Some(TokenTree::Punct(p)) if p.as_char() == '#' => {
                tokens.next();
                if matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
                    tokens.next();
                }
                tokens.next();
            }
            Some(TokenTree::Ident(i)) if i == "pub" => {
                tokens.next();
                if matches!(tokens.peek(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
                {
                    tokens.next();
                }
            }
            Some(TokenTree::Ident(i)) => {
                let word = i.to_string();
                return matches!(
                    word.as_str(),
                    "struct"
                        | "enum"
                        | "union"
                        | "fn"
                        | "impl"
                        | "trait"
                        | "static"
                        | "const"
                        | "type"
                        | "mod"
                        | "use"
                        | "extern"
                        | "macro_rules"
                );
            }
            _ => return false,
        }
    }
}

/// The outer attributes written on a statement.
pub(crate) fn statement_attributes(stmt: &Stmt) -> &[Attribute] {
    match stmt {
        Stmt::Local(local) => &local.attrs,
        Stmt::Macro(m) => &m.attrs,
        Stmt::Expr(expr, _) => expression_attributes(expr),
        Stmt::Item(_) => &[],
    }
}

fn expression_attributes(expr: &Expr) -> &[Attribute] {
    macro_rules! attrs_of {
        ($($variant:ident),*) => {
            match expr {
                $(Expr::$variant(e) => &e.attrs,)*
                _ => &[],
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

/// The attributes a statement's probe carries: its `cfg`s, `cfg_attr`s and
/// lint levels (an `expect` as `allow`: the probe must not fulfil, or
/// leave unfulfilled, the statement's expectation).
pub(crate) fn probe_attributes(attrs: &[Attribute]) -> Vec<TokenStream> {
    attrs
        .iter()
        .filter_map(|attr| {
            let meta = probe_meta(&attr.meta)?;
            let pound = attr.pound_token;
            Some(quote!(#pound[#meta]))
        })
        .collect()
}

/// What of one attribute a probe carries, if anything.
fn probe_meta(meta: &Meta) -> Option<TokenStream> {
    let path = meta.path();
    let is = |name: &str| path.is_ident(name);
    if is("cfg") || is("allow") || is("warn") || is("deny") || is("forbid") {
        return Some(meta.to_token_stream());
    }
    let Meta::List(list) = meta else {
        return None;
    };
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated
        .parse2(list.tokens.clone())
        .ok()?;
    if is("expect") {
        let lints: Vec<&Path> = metas
            .iter()
            .filter(|m| !m.path().is_ident("reason"))
            .map(Meta::path)
            .collect();
        return Some(quote!(allow(#(#lints),*)));
    }
    if is("cfg_attr") {
        let mut metas = metas.iter();
        let predicate = metas.next()?;
        let kept: Vec<TokenStream> = metas.filter_map(probe_meta).collect();
        return (!kept.is_empty()).then(|| quote!(cfg_attr(#predicate, #(#kept),*)));
    }
    None
}

/// `tokens` with its first token spanned at `first` and its last at `last`:
/// the compiler spans what they parse to from one to the other (the stable
/// stand-in for joining two spans).
pub(crate) fn respan_ends(tokens: TokenStream, first: Span, last: Span) -> TokenStream {
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    if let Some(tree) = trees.first_mut() {
        set_span(tree, first);
    }
    if let Some(tree) = trees.last_mut() {
        set_span(tree, last);
    }
    trees.into_iter().collect()
}

fn set_span(tree: &mut TokenTree, span: Span) {
    match tree {
        TokenTree::Group(g) => {
            let mut respanned = Group::new(g.delimiter(), g.stream());
            respanned.set_span(span);
            *g = respanned;
        }
        other => other.set_span(span),
    }
}

/// Where `Probes::probe_statement` spans a probe's own tokens.
struct ProbeSpans {
    /// `if`.
    keyword: Span,
    /// The braces of its block.
    braces: Span,
    /// `::memprof::__private::`, the call's parentheses and comma.
    path: Span,
    /// The probe function's name.
    function: Span,
}

impl ProbeSpans {
    /// Every token of the probe at `span`.
    fn all(span: Span) -> ProbeSpans {
        ProbeSpans {
            keyword: span,
            braces: span,
            path: span,
            function: span,
        }
    }
}

/// A path as an expression.
fn path_expr(path: Path) -> Expr {
    Expr::Path(ExprPath {
        attrs: Vec::new(),
        qself: None,
        path,
    })
}

impl VisitMut for Probes<'_> {
    // Input:  { a; let b = c; d }
    // Output: { probe(a_line); a; probe(b_line); let b = c; probe(d_line); d }
    fn visit_block_mut(&mut self, block: &mut Block) {
        let stmts = std::mem::take(&mut block.stmts);
        for mut stmt in stmts {
            let probe = self.probe_before(&stmt);
            self.visit_stmt_mut(&mut stmt);
            if let Some(probe) = probe {
                block.stmts.push(probe);
            }
            block.stmts.push(stmt);
        }
    }

    // Input:  for x in xs { .. }
    // Output: for x in IterProbe::<_, false>::new(xs, __memprof_probe, header_slot) { .. }
    //         (optimised: `true`, the inlined probe)
    fn visit_expr_for_loop_mut(&mut self, e: &mut ExprForLoop) {
        visit_mut::visit_expr_for_loop_mut(self, e);
        let Some(slot) = self.source.slot(e.for_token.span) else {
            return;
        };
        let slot = slot as u32;
        let probe = self.probe;
        let iterable = &e.expr;
        let span = iterable.span().resolved_at(Span::mixed_site());
        let inlined = self.inlined;
        *e.expr = parse_quote_spanned! {span=>
            ::memprof::__private::IterProbe::<_, #inlined>::new(#iterable, #probe, #slot)
        };
    }

    // Input:  while cond { .. }          while let p = e { .. }
    // Output: while { iteration(); cond } { .. }
    //                                    while let p = e { iteration(); .. }
    // A plain condition is wrapped, so every evaluation (n + 1) counts and
    // what it allocates belongs to the header. A `let` scrutinee is left
    // alone (wrapping would move a place expression and change temporaries'
    // lifetimes): the probe opens the body instead, plus the statement probe.
    fn visit_expr_while_mut(&mut self, e: &mut ExprWhile) {
        visit_mut::visit_expr_while_mut(self, e);
        if has_let(&e.cond) {
            self.count_iterations(e.while_token.span, &mut e.body);
        } else if let Some(probe) = self.iteration(e.while_token.span) {
            let span = e.cond.span().resolved_at(Span::mixed_site());
            let cond = std::mem::replace(&mut *e.cond, Expr::Verbatim(TokenStream::new()));
            *e.cond = block_of(span, vec![probe, Stmt::Expr(cond, None)]);
        }
    }

    // Input:  loop { .. }
    // Output: loop { iteration(); .. }
    fn visit_expr_loop_mut(&mut self, e: &mut ExprLoop) {
        visit_mut::visit_expr_loop_mut(self, e);
        self.count_iterations(e.loop_token.span, &mut e.body);
    }

    // Input:  return value
    // Output: return { let __memprof_close = CloseMarker::new(..); value }
    // The marker drops after `value` is computed and before the locals drop,
    // so the locals' frees show on the closing-brace line.
    fn visit_expr_return_mut(&mut self, e: &mut syn::ExprReturn) {
        visit_mut::visit_expr_return_mut(self, e);
        let marker: Stmt = syn::parse2(self.close_marker()).expect("a let statement");
        let span = e.return_token.span.resolved_at(Span::mixed_site());
        let value = e.expr.take().map(|value| Stmt::Expr(*value, None));
        e.expr = Some(Box::new(block_of(
            span,
            [marker].into_iter().chain(value).collect(),
        )));
    }

    // Input:  pattern => expression,
    // Output: pattern => { probe(line of expression); expression },
    // An arm's body is already a temporary scope of its own, so the block
    // changes no drop order, no lifetime extension and no coercion.
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        visit_mut::visit_arm_mut(self, arm);
        if matches!(*arm.body, Expr::Block(_)) {
            return;
        }
        let span = arm.body.span();
        let Some(slot) = self.source.slot(span) else {
            return;
        };
        // Input:  expression
        // Output: { if __memprof_on { ::memprof::__private::line(__memprof_probe, 3u32) } expression }
        // Built as a tree, as `probe_statement` says why, every token of
        // ours spanned at the expression (resolved as `mixed_site`).
        let span = span.resolved_at(Span::mixed_site());
        let probe = self.probe_statement(Vec::new(), "line", slot as u32, ProbeSpans::all(span));
        let body = std::mem::replace(&mut *arm.body, Expr::Verbatim(TokenStream::new()));
        *arm.body = block_of(span, vec![probe, Stmt::Expr(body, None)]);
        if arm.comma.is_none() {
            arm.comma = Some(Default::default());
        }
    }

    // Not ours to instrument: code that runs at another time or in another
    // context (closures, async blocks, nested items), or at compile time
    // (const blocks, array lengths, types, const generic arguments), and
    // macro invocations, whose tokens we cannot see into.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_expr_const_mut(&mut self, _: &mut syn::ExprConst) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    fn visit_type_mut(&mut self, _: &mut syn::Type) {}
    fn visit_generic_argument_mut(&mut self, _: &mut syn::GenericArgument) {}
    fn visit_macro_mut(&mut self, _: &mut syn::Macro) {}
    fn visit_expr_repeat_mut(&mut self, e: &mut syn::ExprRepeat) {
        self.visit_expr_mut(&mut e.expr);
    }
}

// Input:  stmts (the last one, without `;`, the block's value)
// Output: { stmts }
/// A block of `stmts`, braces spanned at `span`. Built as a tree, not as
/// tokens parsed again: printed, syn puts a last expression in parentheses
/// where it would otherwise end as a statement (a condition such as
/// `{ v = next(); v } == 0`, as yansi's `while` has).
fn block_of(span: Span, stmts: Vec<Stmt>) -> Expr {
    Expr::Block(ExprBlock {
        attrs: Vec::new(),
        label: None,
        block: Block {
            brace_token: token::Brace(span),
            stmts,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac(tokens: &str) -> Macro {
        syn::parse_str::<Stmt>(tokens)
            .map(|s| match s {
                Stmt::Macro(m) => m.mac,
                Stmt::Expr(Expr::Macro(m), _) => m.mac,
                _ => panic!("not a macro statement: {tokens}"),
            })
            .unwrap()
    }

    #[test]
    fn macros_that_declare_items_are_told_from_those_that_run() {
        for items in [
            "pin_project! { #[project = P] pub struct S<T> { #[pin] f: T } }",
            "thread_local! { static X: u8 = 0; }",
            "lazy_static! { static ref X: u8 = 0; }",
            "bitflags! { #[derive(Debug)] pub(crate) struct F: u8 { const A = 1; } }",
            "m! { fn f() {} }",
            "m! { impl T for S {} }",
        ] {
            assert!(declares_items(&mac(items)), "{items}");
        }
        for code in [
            "println!(\"{}\", 1);",
            "tokio::select! { v = f => v, }",
            "assert!(x > 1);",
            "m! { x + 1 }",
            "vec![1, 2];",
        ] {
            assert!(!declares_items(&mac(code)), "{code}");
        }
    }

    #[test]
    fn an_optimised_crate_names_the_inlined_probes_and_close_marker() {
        let source = FnSource {
            first_line: 1,
            close_line: 1,
            text: String::new(),
        };
        let probe = Ident::new("__memprof_probe", Span::call_site());
        let on = Ident::new("__memprof_on", Span::call_site());
        for (inlined, line, marker) in [
            (false, "line", "CloseMarker"),
            (true, "inlined_line", "InlinedCloseMarker"),
        ] {
            let probes = Probes {
                probe: &probe,
                on: &on,
                source: &source,
                inlined,
                placed: 0,
            };
            let spans = ProbeSpans::all(Span::call_site());
            let stmt = probes.probe_statement(Vec::new(), "line", 3, spans);
            assert_eq!(
                stmt.to_token_stream().to_string(),
                format!(
                    "if __memprof_on {{ :: memprof :: __private :: {line} (__memprof_probe , 3u32) }}"
                )
            );
            // Either is the first statement's probe, which the entry replaces.
            let mut stmts = vec![stmt];
            assert_eq!(take_entry_probe(&mut stmts), Some(3));
            let close = probes.close_marker().to_string();
            assert!(
                close.contains(&format!(":: memprof :: __private :: {marker} :: new")),
                "{close}"
            );
        }
    }

    #[test]
    fn a_probe_carries_cfgs_and_lint_levels_and_allows_what_was_expected() {
        let stmt: Stmt = syn::parse_str(
            "#[cfg(feature = \"x\")] #[cfg_attr(test, allow(dead_code))] #[allow(unreachable_code)] \
             #[expect(unused_variables, reason = \"kept\")] #[rustfmt::skip] let a = 1;",
        )
        .unwrap();
        let attrs: Vec<String> = probe_attributes(statement_attributes(&stmt))
            .into_iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(
            attrs,
            [
                "# [cfg (feature = \"x\")]",
                "# [cfg_attr (test , allow (dead_code))]",
                "# [allow (unreachable_code)]",
                "# [allow (unused_variables)]",
            ]
        );
        let stmt: Stmt = syn::parse_str(
            "#[cfg_attr(test, expect(unused), rustfmt::skip)] #[cfg_attr(x, doc = \"d\")] a();",
        )
        .unwrap();
        let attrs: Vec<String> = probe_attributes(statement_attributes(&stmt))
            .into_iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(attrs, ["# [cfg_attr (test , allow (unused))]"]);
    }
}
