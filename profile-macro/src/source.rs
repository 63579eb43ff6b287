// Where the function is in its file, and its source text, found at compile
// time so that the report needs no source file at run time.
//
// The lines are read verbatim from the file the compiler names for the
// body's span, so comments and layout are exact. Where that file cannot be
// read, the body's text comes from the compiler (`source_text` of the brace
// group's span covers the whole block) and the signature is laid out from its
// tokens' positions (exact but for comments inside it).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

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
        // Braces the user wrote are two tokens in two places. A macro that
        // rebuilt the block (syn does, and so do attribute macros above
        // ours) puts one span on both: then they say little, and the body's
        // own tokens say where it is.
        let genuine = open != braces.close().start();
        let ident = func.sig.ident.span().start();
        let file = read_file(func, ident);
        // The signature row is the line of the function's name: the first
        // signature token may come from elsewhere (a `macro_rules!`
        // definition that writes `pub fn $name`), the name and the body come
        // from where the function is written.
        let first_line = if genuine {
            ident.line.min(open.line)
        } else {
            ident.line
        };
        // The group's span covers the whole block: its end is the closing
        // brace, wherever the delimiters' own spans were put.
        let mut close_line = braces.join().end().line;
        if !genuine {
            if let Some(end) = last_token_end(func.block) {
                let brace = file
                    .as_deref()
                    .and_then(|lines| closing_brace_after(lines, end))
                    .unwrap_or(end.line);
                close_line = close_line.max(brace);
            }
        }
        let close_line = close_line.max(first_line);
        let text = file
            .as_deref()
            .and_then(|lines| lines_of(lines, first_line, close_line))
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

/// The lines of the file the function is in, if it can be read and has the
/// function's name where the compiler says.
fn read_file(func: &FnParts<'_>, ident: LineColumn) -> Option<Arc<Vec<String>>> {
    let path = func.sig.ident.span().local_file()?;
    let lines = file_lines(path)?;
    let line = lines.get(ident.line.checked_sub(1)?)?;
    let name = func.sig.ident.to_string();
    let at: String = line
        .chars()
        .skip(ident.column)
        .take(name.chars().count())
        .collect();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    (at == name || at == format!("r#{name}")).then_some(lines)
}

/// A source file's lines as last read, and what it was when read.
struct ReadFile {
    len: u64,
    modified: Option<SystemTime>,
    lines: Arc<Vec<String>>,
}

/// The files read so far in this compiler process. The functions of a
/// crate share a few files (an `impl` block of fifty methods is fifty
/// expansions of one file), and reading and splitting the whole file for
/// each took a tenth of a profiled crate's `cargo check`. A file is read
/// again when its size or modification time changed: the process may
/// outlive an edit (rust-analyzer's proc-macro server).
static READ_FILES: Mutex<BTreeMap<PathBuf, ReadFile>> = Mutex::new(BTreeMap::new());

/// How many files `READ_FILES` keeps. A crate's items are expanded file by
/// file, so a few suffice; a process that lives on (rust-analyzer's) should
/// not keep every file it ever expanded.
const FILES_KEPT: usize = 32;

/// The lines of the file at `path`, read once while it is unchanged.
fn file_lines(path: PathBuf) -> Option<Arc<Vec<String>>> {
    let metadata = std::fs::metadata(&path).ok()?;
    let (len, modified) = (metadata.len(), metadata.modified().ok());
    // A panic elsewhere while the lock was held left nothing half-written
    // that matters: every entry is replaced whole.
    let mut files = READ_FILES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(read) = files.get(&path) {
        if read.len == len && read.modified == modified && modified.is_some() {
            return Some(Arc::clone(&read.lines));
        }
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let lines = Arc::new(text.lines().map(str::to_string).collect::<Vec<String>>());
    if files.len() >= FILES_KEPT {
        files.clear();
    }
    files.insert(
        path,
        ReadFile {
            len,
            modified,
            lines: Arc::clone(&lines),
        },
    );
    Some(lines)
}

/// Lines `first..=last` of a file.
fn lines_of(lines: &[String], first: usize, last: usize) -> Option<String> {
    if first == 0 || last > lines.len() {
        return None;
    }
    Some(lines[first - 1..last].join("\n"))
}

/// Where the block's last token ends, at any depth.
fn last_token_end(block: &syn::Block) -> Option<LineColumn> {
    fn latest(tokens: TokenStream, end: &mut Option<LineColumn>) {
        for tree in tokens {
            let e = match &tree {
                TokenTree::Group(g) => {
                    latest(g.stream(), end);
                    g.span_close().end()
                }
                other => other.span().end(),
            };
            if end.is_none_or(|end| (e.line, e.column) > (end.line, end.column)) {
                *end = Some(e);
            }
        }
    }
    let mut end = None;
    for stmt in &block.stmts {
        latest(stmt.to_token_stream(), &mut end);
    }
    end
}

/// The line of the first `}` after `from` in the file, past whitespace and
/// comments.
fn closing_brace_after(lines: &[String], from: LineColumn) -> Option<usize> {
    let mut in_block_comment = false;
    for (index, line) in lines.iter().enumerate().skip(from.line.checked_sub(1)?) {
        let chars: Vec<char> = line.chars().collect();
        let mut i = if index + 1 == from.line {
            from.column
        } else {
            0
        };
        while i < chars.len() {
            if in_block_comment {
                if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    in_block_comment = false;
                    i += 1;
                }
            } else if chars[i] == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            } else if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                in_block_comment = true;
                i += 1;
            } else if chars[i] == '}' {
                return Some(index + 1);
            } else if !chars[i].is_whitespace() && chars[i] != ';' {
                return None;
            }
            i += 1;
        }
    }
    None
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
