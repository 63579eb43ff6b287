// Where the user's body is when another attribute macro above
// `#[memprof::profile]` has already rewritten the function.
//
// Attribute macros expand from the top down, so `#[tokio::main]`,
// `#[tracing::instrument]` or `#[async_trait]` written above ours hand us
// their expansion, with the user's block somewhere inside it. Their own
// tokens carry the span of their attribute (or of the whole original
// block); the user's block keeps its braces where the user wrote them. So
// the user's body is found as the block whose braces are genuine, and
// whether it runs in a future (an `async` block the other macro made) says
// how the call is instrumented:
//
//     tokio::main / tokio::test   let body = async { USER };  ... block_on(body)
//     tracing::instrument (sync)  { span; guard; { if false {..} USER } }
//     tracing::instrument (async) let fut = async move { if false {..} USER }; ..fut.await
//     async_trait                 Box::pin(async move { ..; let __ret: T = USER; __ret })
//
// A rewritten body with no genuine block in it cannot be instrumented: that
// is an error naming the fix (put `#[memprof::profile]` first), never a
// silent one-row table.

use syn::{Block, Expr, Local, LocalInit, Stmt};

/// What was found of the user's body.
pub(crate) enum UserBody {
    /// The function's own block, as written: nothing above rewrote it.
    Own,
    /// Inside another macro's expansion: the path of statement indices (and
    /// steps into nested expressions) from the function's block to the
    /// user's block, and whether that block runs inside an `async` block of
    /// the expansion (the path's step into it).
    Nested(Vec<Step>),
    /// Rewritten, and the user's block is not in it.
    Hidden,
}

/// One step from a block to a block nested in it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Step {
    /// Into the block of statement `index`, an expression statement or the
    /// initialiser of a `let`, through any `async` block or call argument
    /// on the way (`through_async` when an `async` block is crossed).
    Into { index: usize, through_async: bool },
}

/// Whether `block`'s braces are where the user wrote them. A block another
/// macro made carries one span on both braces (its attribute's, or the
/// original block's whole span), so both start at the same place.
pub(crate) fn genuine(block: &Block) -> bool {
    let braces = block.brace_token.span;
    braces.open().start() != braces.close().start()
}

/// Finds the user's body in a function's block.
pub(crate) fn find(block: &Block) -> UserBody {
    if genuine(block) {
        return UserBody::Own;
    }
    match search(block) {
        Some(path) => UserBody::Nested(path),
        None => UserBody::Hidden,
    }
}

/// The path to the last genuine block among `block`'s statements, nearest
/// first (breadth before depth, so the user's block is found before any
/// block inside it).
fn search(block: &Block) -> Option<Vec<Step>> {
    for (index, stmt) in block.stmts.iter().enumerate().rev() {
        if let Some((inner, through_async)) = nested_block(stmt) {
            if genuine(inner) {
                return Some(vec![Step::Into {
                    index,
                    through_async,
                }]);
            }
        }
    }
    for (index, stmt) in block.stmts.iter().enumerate().rev() {
        if let Some((inner, through_async)) = nested_block(stmt) {
            if let Some(mut path) = search(inner) {
                path.insert(
                    0,
                    Step::Into {
                        index,
                        through_async,
                    },
                );
                return Some(path);
            }
        }
    }
    None
}

/// The block a statement holds, if it is a block, an `async` block, or a
/// call of one (`Box::pin(async move { .. })`), as an expression statement
/// or a `let` initialiser; and whether it is an `async` block's.
fn nested_block(stmt: &Stmt) -> Option<(&Block, bool)> {
    let expr = match stmt {
        Stmt::Expr(expr, _) => expr,
        Stmt::Local(Local {
            init: Some(LocalInit { expr, .. }),
            ..
        }) => expr,
        _ => return None,
    };
    block_of(expr)
}

fn block_of(expr: &Expr) -> Option<(&Block, bool)> {
    match expr {
        Expr::Block(b) => Some((&b.block, false)),
        Expr::Async(a) => Some((&a.block, true)),
        Expr::Call(call) if call.args.len() == 1 => {
            let (block, through_async) = block_of(&call.args[0])?;
            Some((block, through_async))
        }
        _ => None,
    }
}

/// The block at the end of `path`, and whether it runs inside an `async`
/// block of the path (counting from the end: the nearest one).
pub(crate) fn follow<'a>(block: &'a mut Block, path: &[Step]) -> (&'a mut Block, bool) {
    let mut current = block;
    let mut in_async = false;
    for step in path {
        let Step::Into {
            index,
            through_async,
        } = *step;
        let expr = match &mut current.stmts[index] {
            Stmt::Expr(expr, _) => expr,
            Stmt::Local(Local {
                init: Some(LocalInit { expr, .. }),
                ..
            }) => &mut **expr,
            _ => unreachable!("the path was found on this block"),
        };
        current = block_of_mut(expr).expect("the path was found on this block");
        in_async |= through_async;
    }
    (current, in_async)
}

fn block_of_mut(expr: &mut Expr) -> Option<&mut Block> {
    match expr {
        Expr::Block(b) => Some(&mut b.block),
        Expr::Async(a) => Some(&mut a.block),
        Expr::Call(call) if call.args.len() == 1 => block_of_mut(&mut call.args[0]),
        _ => None,
    }
}

/// The `async` expression on `path` nearest the user's block (the future
/// the call lives in), as a mutable reference to the expression holding
/// it, so that it can be wrapped.
pub(crate) fn async_on_path<'a>(block: &'a mut Block, path: &[Step]) -> Option<&'a mut Expr> {
    let last_async = path
        .iter()
        .rposition(|Step::Into { through_async, .. }| *through_async)?;
    let mut current = block;
    for (i, step) in path.iter().enumerate() {
        let Step::Into { index, .. } = *step;
        let expr = match &mut current.stmts[index] {
            Stmt::Expr(expr, _) => expr,
            Stmt::Local(Local {
                init: Some(LocalInit { expr, .. }),
                ..
            }) => &mut **expr,
            _ => unreachable!("the path was found on this block"),
        };
        let expr = async_expr_in(expr)?;
        if i == last_async {
            return Some(expr);
        }
        current = block_of_mut(expr)?;
    }
    None
}

/// `expr` itself, or the one argument of a call it is, down to the block or
/// `async` block the path goes through.
fn async_expr_in(expr: &mut Expr) -> Option<&mut Expr> {
    if matches!(expr, Expr::Call(call) if call.args.len() == 1) {
        let Expr::Call(call) = expr else {
            unreachable!("matched just above")
        };
        return async_expr_in(&mut call.args[0]);
    }
    Some(expr)
}
