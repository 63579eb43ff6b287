// Where the user's body is when another attribute macro above
// `#[memprof::profile]` has already rewritten the function.
//
// Attribute macros expand from the top down, so `#[tokio::main]`,
// `#[tracing::instrument]` or `#[async_trait]` written above ours hand us
// their expansion, with the user's block somewhere inside it, and sometimes
// inside a future of theirs:
//
//     tokio::main / tokio::test   let body = async { USER }; ... block_on(body)
//     tracing::instrument (sync)  { let __tracing_attr_span; ..; { if false {..} USER } }
//     tracing::instrument (async) let __tracing_instrument_future = async move { if false {..} USER }; ..
//     async_trait                 Box::pin(async move { ..; let __ret: T = USER; __ret })
//     quickcheck                  fn p() { fn p(USER'S PARAMETERS) USER  ::quickcheck::quickcheck(p as fn(..)) }
//
// The last is a function of its own: the user's function, whole, is the
// property inside, which `expand.rs` profiles in place of the test around it.
// These are recognised by their shape and their own names, as
// tracing-attributes recognises async-trait's. Anything else is taken as
// the user's own block; a body whose statements all ended up where no probe
// reaches (in a closure another macro made, say) is an error naming the
// fix, found after the probes are placed (see `body.rs`).

use proc_macro2::TokenTree;
use quote::ToTokens;
use syn::{Block, Expr, Item, ItemFn, Local, LocalInit, Pat, Stmt};

/// One step from a block to a block nested in one of its statements (an
/// expression statement or a `let`'s initialiser), through a call's one
/// argument (`Box::pin(..)`) and an `async` block on the way.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step {
    index: usize,
    /// The step goes into an `async` block: the user's code runs in a
    /// future the other macro made.
    through_async: bool,
}

/// Finds the user's block in a function's block: the path to it (empty
/// when it is the function's block itself).
pub(crate) fn find(block: &Block) -> Vec<Step> {
    tokio_body(block)
        .or_else(|| tracing_async_body(block))
        .or_else(|| tracing_sync_body(block))
        .or_else(|| async_trait_body(block))
        .unwrap_or_default()
}

// tokio::main, tokio::test:
//     let body = async { USER }; ...; { ..; return Builder::..().block_on(body); }
fn tokio_body(block: &Block) -> Option<Vec<Step>> {
    let index = block
        .stmts
        .iter()
        .position(|s| matches!(let_named(s, "body"), Some(Expr::Async(_))))?;
    // Looked for second: it prints the last statement, which may be most
    // of the function.
    let runs_it = block.stmts.last().is_some_and(|last| {
        last.to_token_stream()
            .into_iter()
            .any(|t| contains_ident(&t, "block_on"))
    });
    runs_it.then(|| {
        vec![Step {
            index,
            through_async: true,
        }]
    })
}

// tracing::instrument on an async fn:
//     let __tracing_instrument_future = async move { if false {..} USER }; ..
fn tracing_async_body(block: &Block) -> Option<Vec<Step>> {
    let index = block.stmts.iter().position(|s| {
        matches!(
            let_named(s, "__tracing_instrument_future"),
            Some(Expr::Async(_))
        )
    })?;
    let Some(Expr::Async(future)) = let_named(&block.stmts[index], "__tracing_instrument_future")
    else {
        return None;
    };
    let user = last_block_statement(&future.block)?;
    Some(vec![
        Step {
            index,
            through_async: true,
        },
        Step {
            index: user,
            through_async: false,
        },
    ])
}

// tracing::instrument on a sync fn:
//     { let __tracing_attr_span; ..; { if false {..} USER } }
fn tracing_sync_body(block: &Block) -> Option<Vec<Step>> {
    let (outer, wrapper) = block.stmts.iter().enumerate().find_map(|(i, s)| {
        let inner = plain_block(s)?;
        inner
            .stmts
            .iter()
            .any(|s| declares(s, "__tracing_attr_span"))
            .then_some((i, inner))
    })?;
    let guarded = last_block_statement(wrapper)?;
    let guarded_block = plain_block(&wrapper.stmts[guarded])?;
    let user = last_block_statement(guarded_block)?;
    Some(
        [outer, guarded, user]
            .into_iter()
            .map(|index| Step {
                index,
                through_async: false,
            })
            .collect(),
    )
}

// async_trait:
//     Box::pin(async move { ..; let __ret: T = USER; __ret })
fn async_trait_body(block: &Block) -> Option<Vec<Step>> {
    let [Stmt::Expr(Expr::Call(call), None)] = block.stmts.as_slice() else {
        return None;
    };
    let [Expr::Async(future)] = call.args.iter().collect::<Vec<_>>().as_slice() else {
        return None;
    };
    let user = future
        .block
        .stmts
        .iter()
        .rposition(|s| matches!(let_named(s, "__ret"), Some(Expr::Block(_))))?;
    Some(vec![
        Step {
            index: 0,
            through_async: true,
        },
        Step {
            index: user,
            through_async: false,
        },
    ])
}

// quickcheck (`#[quickcheck]` from quickcheck_macros) on `fn p(x: T) { USER }`:
//     #[test] fn p() { fn p(x: T) { USER } ::quickcheck::quickcheck(p as fn(T)) }
/// Whether `func` is the test `#[quickcheck]` made of the user's function,
/// which is then its block's first statement.
pub(crate) fn is_quickcheck_test(func: &ItemFn) -> bool {
    let [Stmt::Item(Item::Fn(property)), Stmt::Expr(runs, None)] = func.block.stmts.as_slice()
    else {
        return false;
    };
    func.sig.inputs.is_empty()
        && property.sig.ident == func.sig.ident
        && runs
            .to_token_stream()
            .into_iter()
            .any(|t| contains_ident(&t, "quickcheck"))
}

/// Whether `name` is among a token tree's identifiers.
fn contains_ident(tree: &TokenTree, name: &str) -> bool {
    match tree {
        TokenTree::Ident(i) => i == name,
        TokenTree::Group(g) => g.stream().into_iter().any(|t| contains_ident(&t, name)),
        _ => false,
    }
}

/// The initialiser of `let name = ..;`, if `stmt` is that.
fn let_named<'a>(stmt: &'a Stmt, name: &str) -> Option<&'a Expr> {
    let Stmt::Local(Local {
        pat,
        init: Some(LocalInit { expr, .. }),
        ..
    }) = stmt
    else {
        return None;
    };
    let pat = match pat {
        Pat::Type(typed) => &*typed.pat,
        other => other,
    };
    matches!(pat, Pat::Ident(i) if i.ident == name).then_some(&**expr)
}

/// Whether `stmt` is `let name ..;`, with or without an initialiser.
fn declares(stmt: &Stmt, name: &str) -> bool {
    matches!(stmt, Stmt::Local(Local { pat: Pat::Ident(i), .. }) if i.ident == name)
}

/// The block of a block-expression statement.
fn plain_block(stmt: &Stmt) -> Option<&Block> {
    match stmt {
        Stmt::Expr(Expr::Block(b), _) => Some(&b.block),
        _ => None,
    }
}

/// The index of the last statement of `block`, if it is a block.
fn last_block_statement(block: &Block) -> Option<usize> {
    let last = block.stmts.len().checked_sub(1)?;
    plain_block(&block.stmts[last]).map(|_| last)
}

/// The block at the end of `path`, and whether it runs inside an `async`
/// block the path goes through.
pub(crate) fn follow<'a>(block: &'a mut Block, path: &[Step]) -> (&'a mut Block, bool) {
    let mut current = block;
    let mut in_async = false;
    for step in path {
        let expr = unwrap_call(statement_expr(&mut current.stmts[step.index]));
        current = match expr {
            Expr::Block(b) => &mut b.block,
            Expr::Async(a) => &mut a.block,
            _ => unreachable!("the path was found on this block"),
        };
        in_async |= step.through_async;
    }
    (current, in_async)
}

/// The `async` expression of the path's last step into one: the future the
/// user's code runs in, to be wrapped.
pub(crate) fn future_on_path<'a>(block: &'a mut Block, path: &[Step]) -> Option<&'a mut Expr> {
    let last = path.iter().rposition(|s| s.through_async)?;
    let (holder, _) = follow(block, &path[..last]);
    Some(unwrap_call(statement_expr(
        &mut holder.stmts[path[last].index],
    )))
}

/// The expression of an expression statement or a `let`'s initialiser.
fn statement_expr(stmt: &mut Stmt) -> &mut Expr {
    match stmt {
        Stmt::Expr(expr, _) => expr,
        Stmt::Local(Local {
            init: Some(LocalInit { expr, .. }),
            ..
        }) => expr,
        _ => unreachable!("the path was found on this block"),
    }
}

/// A call's one argument (`Box::pin(async move { .. })`), or `expr`.
fn unwrap_call(expr: &mut Expr) -> &mut Expr {
    if matches!(expr, Expr::Call(call) if call.args.len() == 1) {
        let Expr::Call(call) = expr else {
            unreachable!("matched just above")
        };
        return unwrap_call(&mut call.args[0]);
    }
    expr
}
