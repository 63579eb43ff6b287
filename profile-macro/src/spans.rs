// Where a statement's first and last tokens are, read off its syntax tree.
//
// A probe is placed on its statement's line (the first token's) and spans
// the statement (first token to last), so that a lint it draws points where
// the statement's own would. Printing each statement to find those two
// tokens cost the time of printing the body once per level of nesting; the
// tree names them directly. Each answer is the span of the token that
// printing the statement would put first or last (a delimited group's span
// being its whole, as syn prints groups), and a shape whose printing can
// differ from its tree (syn parenthesizes an operand that has attributes)
// or that is not spelled out here is printed, as before.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Expr, Member, Path, RangeLimits, Stmt, UnOp};

/// The span of a statement's first token after its outer attributes.
pub(crate) fn first_token_span(stmt: &Stmt) -> Option<Span> {
    tree_first(stmt).or_else(|| printed_first(stmt.to_token_stream()))
}

/// The span of a statement's last token.
pub(crate) fn last_token_span(stmt: &Stmt) -> Option<Span> {
    tree_last(stmt).or_else(|| printed_last(stmt.to_token_stream()))
}

/// `first_token_span` read off the tree, or `None` to print the statement.
fn tree_first(stmt: &Stmt) -> Option<Span> {
    match stmt {
        Stmt::Local(local) => Some(local.let_token.span),
        Stmt::Macro(m) => Some(path_first(&m.mac.path)),
        Stmt::Expr(expr, _) => expr_first(expr),
        Stmt::Item(_) => None,
    }
}

/// `last_token_span` read off the tree, or `None` to print the statement.
fn tree_last(stmt: &Stmt) -> Option<Span> {
    match stmt {
        Stmt::Local(local) => Some(local.semi_token.span),
        Stmt::Macro(m) => Some(match &m.semi_token {
            Some(semi) => semi.span,
            None => m.mac.delimiter.span().join(),
        }),
        Stmt::Expr(_, Some(semi)) => Some(semi.span),
        Stmt::Expr(expr, None) => expr_last(expr),
        Stmt::Item(_) => None,
    }
}

/// The first token of printed `tokens` after any outer attributes.
fn printed_first(tokens: TokenStream) -> Option<Span> {
    let mut tokens = tokens.into_iter().peekable();
    while matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '#') {
        tokens.next();
        tokens.next();
    }
    tokens.next().map(|t| match t {
        TokenTree::Group(g) => g.span_open(),
        other => other.span(),
    })
}

/// The last token of printed `tokens`.
fn printed_last(tokens: TokenStream) -> Option<Span> {
    tokens.into_iter().last().map(|t| match t {
        TokenTree::Group(g) => g.span_close(),
        other => other.span(),
    })
}

/// `expr`'s first token after its outer attributes (and those of its
/// leftmost operand), or `None` to print it.
fn expr_first(expr: &Expr) -> Option<Span> {
    // A label comes first where there is one: `'outer: loop { .. }`.
    let label = |label: &Option<syn::Label>, then: Span| {
        Some(label.as_ref().map_or(then, |l| l.name.apostrophe))
    };
    match expr {
        // The leftmost operand comes first; printed with attributes of its
        // own, an operand may be put in parentheses.
        Expr::Assign(e) if e.attrs.is_empty() => expr_first(&e.left),
        Expr::Await(e) if e.attrs.is_empty() => expr_first(&e.base),
        Expr::Binary(e) if e.attrs.is_empty() => expr_first(&e.left),
        Expr::Call(e) if e.attrs.is_empty() => expr_first(&e.func),
        Expr::Cast(e) if e.attrs.is_empty() => expr_first(&e.expr),
        Expr::Field(e) if e.attrs.is_empty() => expr_first(&e.base),
        Expr::Index(e) if e.attrs.is_empty() => expr_first(&e.expr),
        Expr::MethodCall(e) if e.attrs.is_empty() => expr_first(&e.receiver),
        Expr::Try(e) if e.attrs.is_empty() => expr_first(&e.expr),
        Expr::Range(e) if e.attrs.is_empty() => match &e.start {
            Some(start) => expr_first(start),
            None => Some(match &e.limits {
                RangeLimits::HalfOpen(dots) => dots.spans[0],
                RangeLimits::Closed(dots) => dots.spans[0],
            }),
        },
        // A keyword, a delimiter or a path comes first.
        Expr::Array(e) => Some(e.bracket_token.span.join()),
        Expr::Async(e) => Some(e.async_token.span),
        Expr::Block(e) => label(&e.label, e.block.brace_token.span.join()),
        Expr::Break(e) => Some(e.break_token.span),
        Expr::Const(e) => Some(e.const_token.span),
        Expr::Continue(e) => Some(e.continue_token.span),
        Expr::ForLoop(e) => label(&e.label, e.for_token.span),
        Expr::If(e) => Some(e.if_token.span),
        Expr::Infer(e) => Some(e.underscore_token.span),
        Expr::Let(e) => Some(e.let_token.span),
        Expr::Lit(e) => Some(e.lit.span()),
        Expr::Loop(e) => label(&e.label, e.loop_token.span),
        Expr::Macro(e) => Some(path_first(&e.mac.path)),
        Expr::Match(e) => Some(e.match_token.span),
        Expr::Paren(e) => Some(e.paren_token.span.join()),
        Expr::Path(e) => Some(match &e.qself {
            Some(qself) => qself.lt_token.span,
            None => path_first(&e.path),
        }),
        Expr::RawAddr(e) => Some(e.and_token.span),
        Expr::Reference(e) => Some(e.and_token.span),
        Expr::Repeat(e) => Some(e.bracket_token.span.join()),
        Expr::Return(e) => Some(e.return_token.span),
        Expr::Struct(e) => Some(match &e.qself {
            Some(qself) => qself.lt_token.span,
            None => path_first(&e.path),
        }),
        Expr::TryBlock(e) => Some(e.try_token.span),
        Expr::Tuple(e) => Some(e.paren_token.span.join()),
        Expr::Unary(e) => match e.op {
            UnOp::Deref(star) => Some(star.span),
            UnOp::Not(bang) => Some(bang.span),
            UnOp::Neg(minus) => Some(minus.span),
            _ => None,
        },
        Expr::Unsafe(e) => Some(e.unsafe_token.span),
        Expr::While(e) => label(&e.label, e.while_token.span),
        Expr::Yield(e) => Some(e.yield_token.span),
        _ => None,
    }
}

/// `expr`'s last token, for an expression statement without a semicolon,
/// or `None` to print it.
fn expr_last(expr: &Expr) -> Option<Span> {
    match expr {
        Expr::If(e) => match &e.else_branch {
            Some((_, otherwise)) => expr_last(otherwise),
            None => Some(e.then_branch.brace_token.span.join()),
        },
        Expr::Array(e) => Some(e.bracket_token.span.join()),
        Expr::Async(e) => Some(e.block.brace_token.span.join()),
        Expr::Await(e) => Some(e.await_token.span),
        Expr::Block(e) => Some(e.block.brace_token.span.join()),
        Expr::Call(e) => Some(e.paren_token.span.join()),
        Expr::Const(e) => Some(e.block.brace_token.span.join()),
        Expr::Field(e) => Some(match &e.member {
            Member::Named(name) => name.span(),
            Member::Unnamed(index) => index.span,
        }),
        Expr::ForLoop(e) => Some(e.body.brace_token.span.join()),
        Expr::Index(e) => Some(e.bracket_token.span.join()),
        Expr::Lit(e) => Some(e.lit.span()),
        Expr::Loop(e) => Some(e.body.brace_token.span.join()),
        Expr::Macro(e) => Some(e.mac.delimiter.span().join()),
        Expr::Match(e) => Some(e.brace_token.span.join()),
        Expr::MethodCall(e) => Some(e.paren_token.span.join()),
        Expr::Paren(e) => Some(e.paren_token.span.join()),
        // A plain name (`value`), the most common tail.
        Expr::Path(e) if e.qself.is_none() => match e.path.segments.last() {
            Some(segment) if segment.arguments.is_none() => Some(segment.ident.span()),
            _ => None,
        },
        Expr::Reference(e) => expr_last(&e.expr),
        Expr::Repeat(e) => Some(e.bracket_token.span.join()),
        Expr::Struct(e) => Some(e.brace_token.span.join()),
        Expr::Try(e) => Some(e.question_token.span),
        Expr::TryBlock(e) => Some(e.block.brace_token.span.join()),
        Expr::Tuple(e) => Some(e.paren_token.span.join()),
        Expr::Unsafe(e) => Some(e.block.brace_token.span.join()),
        Expr::While(e) => Some(e.body.brace_token.span.join()),
        _ => None,
    }
}

/// A path's first token: its leading `::`, or its first segment's name.
fn path_first(path: &Path) -> Span {
    match (&path.leading_colon, path.segments.first()) {
        (Some(colons), _) => colons.spans[0],
        (None, Some(segment)) => segment.ident.span(),
        (None, None) => Span::call_site(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::visit::Visit;

    /// Every statement of `body`, at any depth.
    fn statements(body: &str) -> Vec<Stmt> {
        struct All(Vec<Stmt>);
        impl<'ast> Visit<'ast> for All {
            fn visit_stmt(&mut self, stmt: &'ast Stmt) {
                self.0.push(stmt.clone());
                syn::visit::visit_stmt(self, stmt);
            }
        }
        let block: syn::Block = syn::parse_str(body).expect("a block");
        let mut all = All(Vec::new());
        all.visit_block(&block);
        all.0
    }

    /// Where a span starts and ends, as (line, column) pairs.
    fn start(span: Span) -> (usize, usize) {
        (span.start().line, span.start().column)
    }
    fn end(span: Span) -> (usize, usize) {
        (span.end().line, span.end().column)
    }

    // Each statement on lines of its own, at columns that differ, so that
    // a token taken for another shows.
    const READ_OFF_THE_TREE: &str = r#"{
        let a = 1;
        #[allow(unused)] let b: Vec<u8> = Vec::new();
        println!("{}", a);
        vec![1, 2]
            .len();
        ::std::mem::drop(b);
        <Vec<u8> as Default>::default().len();
        x.y.z = a + 1;
        #[allow(unused_assignments)] a = 2;
        -a;
        !a;
        *r = 2;
        &mut a;
        Ok(b)
            .map(|x| x);
        ..a;
        a..;
        (a, b).0;
        [0u8; 4];
        [a, b];
        S { a: 1 }.a;
        'outer: loop { break 'outer; }
        'inner: { b }
        'each: for x in xs { continue 'each; }
        while a < 3 { a += 1; }
        if a { b } else if c { d } else { e }
        match a { _ => 1 }
        unsafe { f() }
        async { 1 }.await;
        const { 1 };
        f(a)?;
        call(
            a,
        )
    }"#;

    #[test]
    fn a_statements_first_and_last_tokens_read_off_the_tree_are_the_printed_ones() {
        let statements = statements(READ_OFF_THE_TREE);
        assert_eq!(statements.len(), 40);
        for stmt in &statements {
            let text = stmt.to_token_stream().to_string();
            let tree = tree_first(stmt).unwrap_or_else(|| panic!("not read off the tree: {text}"));
            let printed = printed_first(stmt.to_token_stream()).expect("a first token");
            assert_eq!(start(tree), start(printed), "first token of {text}");
            let tree = tree_last(stmt).unwrap_or_else(|| panic!("not read off the tree: {text}"));
            let printed = printed_last(stmt.to_token_stream()).expect("a last token");
            assert_eq!(end(tree), end(printed), "last token of {text}");
        }
    }

    #[test]
    fn shapes_not_spelled_out_here_are_printed() {
        // A closure's first token, a binary operation's last.
        let tail = statements("{ #[allow(unused)] |x| x + 1 }");
        assert!(tree_first(&tail[0]).is_none());
        assert_eq!(first_token_span(&tail[0]).map(start), Some((1, 19)));
        let tail = statements("{ a + 1 }");
        assert!(tree_last(&tail[0]).is_none());
        assert_eq!(last_token_span(&tail[0]).map(end), Some((1, 7)));
    }
}
