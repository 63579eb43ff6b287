// Puts the probes into a function body.
//
// Every probe names the function's `static` site and the slot of its line;
// the runtime ignores a probe whose site is not the running frame's, so a
// probe can never charge another function's call.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote_spanned, Block, Expr, ExprForLoop, ExprLoop, ExprWhile, Stmt};

use crate::source::FnSource;

pub(crate) struct Probes<'a> {
    pub(crate) site: &'a Ident,
    pub(crate) source: &'a FnSource,
    /// Name of the local that moves attribution to the closing brace.
    pub(crate) close_marker: &'a Ident,
}

impl Probes<'_> {
    fn close_slot(&self) -> usize {
        self.source.len() - 1
    }

    /// `let __memprof_close = CloseMarker::new(..);`: when it drops, the
    /// closing-brace line starts running.
    pub(crate) fn close_marker(&self) -> Stmt {
        let site = self.site;
        let marker = self.close_marker;
        let slot = self.close_slot() as u32;
        parse_quote_spanned! {Span::mixed_site()=>
            #[allow(unreachable_code)]
            let #marker = ::memprof::__private::CloseMarker::new(&#site, #slot);
        }
    }

    /// The probe before `stmt`, if it gets one.
    fn probe_before(&self, stmt: &Stmt) -> Option<Stmt> {
        let function = match stmt {
            Stmt::Item(_) => return None,
            // A `while` counts itself in its condition (see below).
            Stmt::Expr(Expr::While(w), _) if !has_let(&w.cond) => return None,
            // A `for` is counted by its iterator; the statement probe only
            // makes the line run while the iterable is evaluated.
            Stmt::Expr(Expr::ForLoop(_), _) => quote!(enter_line),
            _ => quote!(line),
        };
        let span = stmt.span();
        let slot = self.source.slot(span)? as u32;
        let site = self.site;
        Some(parse_quote_spanned! {span=>
            ::memprof::__private::#function(&#site, #slot);
        })
    }

    fn iteration(&self, span: Span) -> Option<TokenStream> {
        let slot = self.source.slot(span)? as u32;
        let site = self.site;
        Some(quote_spanned! {span=> ::memprof::__private::iteration(&#site, #slot) })
    }

    /// A loop body starts with one more evaluation of its header.
    fn count_iterations(&self, header: Span, body: &mut Block) {
        if let Some(probe) = self.iteration(header) {
            body.stmts.insert(
                0,
                Stmt::Expr(syn::parse_quote!(#probe), Some(Default::default())),
            );
        }
    }
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

impl VisitMut for Probes<'_> {
    // Input:  { a; let b = c; d }
    // Output: { probe(a_line); a; probe(b_line); let b = c; probe(d_line); d }
    fn visit_block_mut(&mut self, block: &mut Block) {
        let stmts = std::mem::take(&mut block.stmts);
        for mut stmt in stmts {
            let probe = self.probe_before(&stmt);
            self.visit_stmt_mut(&mut stmt);
            block.stmts.extend(probe);
            block.stmts.push(stmt);
        }
    }

    // Input:  for x in xs { .. }
    // Output: for x in IterProbe::new(xs, &SITE, header_slot) { .. }
    fn visit_expr_for_loop_mut(&mut self, e: &mut ExprForLoop) {
        visit_mut::visit_expr_for_loop_mut(self, e);
        let Some(slot) = self.source.slot(e.for_token.span) else {
            return;
        };
        let slot = slot as u32;
        let site = self.site;
        let iterable = &e.expr;
        let span = iterable.span();
        *e.expr = parse_quote_spanned! {span=>
            ::memprof::__private::IterProbe::new(#iterable, &#site, #slot)
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
            let cond = &e.cond;
            *e.cond = parse_quote_spanned! {cond.span()=> { #probe; #cond } };
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
        let marker = self.close_marker();
        let value = e.expr.take();
        let span = e.return_token.span;
        e.expr = Some(Box::new(parse_quote_spanned! {span=> { #marker #value } }));
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
        let slot = slot as u32;
        let site = self.site;
        let body = &arm.body;
        *arm.body = parse_quote_spanned! {span=>
            { ::memprof::__private::line(&#site, #slot); #body }
        };
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
