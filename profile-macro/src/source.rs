// Where the function is in its file, and its source text, found at compile
// time so that the report needs no source file at run time.
//
// The lines are read verbatim from the file the compiler names for the
// body's span, so comments and layout are exact. Where that file cannot be
// read, the body's text comes from the compiler (`source_text` of the brace
// group's span covers the whole block) and the signature is laid out from its
// tokens' positions (exact but for comments inside it).

use proc_macro2::{LineColumn, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Block, Signature, Visibility};

/// The parts of a function the source is taken from: its signature and
/// the block the user wrote as its body (inside another attribute macro's
/// expansion, that block, not the one the function has now).
pub(crate) struct FnParts<'a> {
    pub(crate) vis: &'a Visibility,
    pub(crate) sig: &'a Signature,
    pub(crate) block: &'a Block,
}

/// The function's place in its file and its text.
pub(crate) struct FnSource {
    /// Line of the signature's first token (after any attributes).
    pub(crate) first_line: usize,
    /// Line of the body's closing brace.
    pub(crate) close_line: usize,
    /// Lines `first_line..=close_line`, joined with `\n`.
    pub(crate) text: String,
}

impl FnSource {
    pub(crate) fn of(func: &FnParts<'_>) -> FnSource {
        let braces = func.block.brace_token.span;
        let open = braces.open().start();
        // The group's span covers the whole block: its end is the closing
        // brace, wherever the delimiters' own spans were put.
        let close_line = braces.join().end().line;
        // The signature row is the line of the function's name: the first
        // signature token may come from elsewhere (a `macro_rules!`
        // definition that writes `pub fn $name`), the name and the body come
        // from where the function is written.
        let first_line = func.sig.ident.span().start().line.min(open.line);
        let close_line = close_line.max(first_line);
        let text = from_file(func, first_line, open, close_line)
            .or_else(|| from_tokens(func, first_line, open, close_line))
            .unwrap_or_default();
        FnSource {
            first_line,
            close_line,
            text,
        }
    }

    /// Number of source lines, and so of per-line slots.
    pub(crate) fn len(&self) -> usize {
        self.close_line + 1 - self.first_line
    }

    /// The slot of the line on which `span` starts, if it is in the function.
    pub(crate) fn slot(&self, span: Span) -> Option<usize> {
        let line = span.start().line;
        (self.first_line..=self.close_line)
            .contains(&line)
            .then(|| line - self.first_line)
    }
}

/// The lines verbatim from the source file, if it can be read and its
/// opening brace is where the compiler says.
fn from_file(func: &FnParts<'_>, first: usize, open: LineColumn, last: usize) -> Option<String> {
    let path = func.block.brace_token.span.open().local_file()?;
    let file = std::fs::read_to_string(path).ok()?;
    let lines: Vec<&str> = file.lines().collect();
    let brace_line = lines.get(open.line.checked_sub(1)?)?;
    if brace_line.chars().nth(open.column) != Some('{') || first == 0 || last > lines.len() {
        return None;
    }
    Some(lines[first - 1..last].join("\n"))
}

/// The body's text from the compiler, and the signature laid out from its
/// tokens' positions; or, without the body's text, everything from tokens.
fn from_tokens(func: &FnParts<'_>, first: usize, open: LineColumn, last: usize) -> Option<String> {
    let mut head = TokenStream::new();
    func.vis.to_tokens(&mut head);
    func.sig.to_tokens(&mut head);
    let mut tokens = Vec::new();
    collect_leaves(head, &mut tokens);
    let text = match func.block.brace_token.span.join().source_text() {
        Some(body) if body.lines().count() == last + 1 - open.line => {
            let mut lines = layout(&tokens, first, open.line);
            let mut body_lines = body.lines();
            if let Some(brace_line) = lines.last_mut() {
                pad_to(brace_line, open.column);
                brace_line.push_str(body_lines.next().unwrap_or(""));
            }
            lines.extend(body_lines.map(str::to_string));
            lines.join("\n")
        }
        _ => {
            let mut body = TokenStream::new();
            func.block.to_tokens(&mut body);
            collect_leaves(body, &mut tokens);
            layout(&tokens, first, last).join("\n")
        }
    };
    Some(text)
}

/// A token's text at its position.
struct Leaf {
    line: usize,
    column: usize,
    text: String,
}

fn collect_leaves(tokens: TokenStream, out: &mut Vec<Leaf>) {
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                // syn rebuilds delimiters with one span for the whole group,
                // so the closing one is placed by the group's end.
                let end = group.span_close().end();
                push_leaf(out, group.span_open().start(), open);
                collect_leaves(group.stream(), out);
                let close_at = LineColumn {
                    line: end.line,
                    column: end.column.saturating_sub(close.len()),
                };
                push_leaf(out, close_at, close);
            }
            other => push_leaf(out, other.span().start(), &other.to_string()),
        }
    }
}

fn push_leaf(out: &mut Vec<Leaf>, start: LineColumn, text: &str) {
    if text.is_empty() {
        return;
    }
    out.push(Leaf {
        line: start.line,
        column: start.column,
        text: text.to_string(),
    });
}

/// Lines `first..=last`, each token written at its column.
fn layout(tokens: &[Leaf], first: usize, last: usize) -> Vec<String> {
    let mut lines = vec![String::new(); last + 1 - first];
    for token in tokens {
        if let Some(line) = token.line.checked_sub(first).and_then(|i| lines.get_mut(i)) {
            if line.chars().count() > token.column {
                // A token the layout cannot place (a position from another
                // file, or out of order) still gets a separating space.
                line.push(' ');
            } else {
                pad_to(line, token.column);
            }
            line.push_str(&token.text);
        }
    }
    lines
}

fn pad_to(line: &mut String, column: usize) {
    let width = line.chars().count();
    if width < column {
        line.extend(std::iter::repeat_n(' ', column - width));
    }
}
