//! Puts `#[::memprof::profile]` on every function of a crate's source: each
//! non-`const` free function (nested ones too), each `impl` block with a
//! method, each trait with a default method. The attribute is written on the
//! item's first line, after its own attributes, so no line number moves.
//! An item whose bodies declare a module in another file (`mod name;`) gets
//! none: rustc refuses any attribute macro on it (E0658), as a user would
//! find.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::{self, Visit};
use syn::{Block, ImplItem, ItemFn, ItemImpl, ItemMod, ItemTrait, TraitItem};

// The attribute's own test of which functions it leaves as written: a
// function it would refuse gets no attribute of its own.
#[path = "../../profile-macro/src/const_fn.rs"]
mod const_fn;
use const_fn::is_or_may_be_const;

/// The attribute written before each profiled item.
pub const ATTRIBUTE: &str = "#[::memprof::profile] ";

/// A source file with the attribute written in.
pub struct Annotated {
    /// The new text.
    pub text: String,
    /// Where the attribute was written: 1-based line, 0-based character
    /// column in the original text, in order.
    pub points: Vec<(usize, usize)>,
}

/// `source` with the attribute on every function, impl block and trait that
/// has a body to profile.
pub fn annotate(source: &str) -> syn::Result<Annotated> {
    let file = syn::parse_file(source)?;
    let mut finder = Finder::default();
    finder.visit_file(&file);
    let mut points = finder.points;
    points.sort_unstable();
    points.dedup();
    let offsets: Vec<usize> = points
        .iter()
        .filter_map(|&(line, column)| offset(source, line, column))
        .collect();
    let mut text = source.to_string();
    for &at in offsets.iter().rev() {
        text.insert_str(at, ATTRIBUTE);
    }
    Ok(Annotated { text, points })
}

#[derive(Default)]
struct Finder {
    /// (line, column) of each item's first token after its attributes.
    points: Vec<(usize, usize)>,
}

impl Finder {
    fn mark(&mut self, item: &impl ToTokens) {
        if let Some(start) = first_token_after_attributes(item.to_token_stream()) {
            self.points.push(start);
        }
    }
}

/// Where an item's tokens start once its outer attributes (`#[..]`, doc
/// comments) are skipped.
fn first_token_after_attributes(tokens: TokenStream) -> Option<(usize, usize)> {
    let mut iter = tokens.into_iter().peekable();
    while let Some(TokenTree::Punct(p)) = iter.peek() {
        if p.as_char() != '#' {
            break;
        }
        iter.next();
        iter.next(); // the bracketed group
    }
    let start = iter.next()?.span().start();
    Some((start.line, start.column))
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_item_fn(&mut self, item: &'ast ItemFn) {
        if !is_or_may_be_const(&item.sig, &item.attrs) && !declares_file_module(&item.block) {
            self.mark(item);
        }
        visit::visit_item_fn(self, item);
    }

    fn visit_item_impl(&mut self, item: &'ast ItemImpl) {
        let has_method = item
            .items
            .iter()
            .any(|i| matches!(i, ImplItem::Fn(f) if !is_or_may_be_const(&f.sig, &f.attrs)));
        let file_module = item
            .items
            .iter()
            .any(|i| matches!(i, ImplItem::Fn(f) if declares_file_module(&f.block)));
        if has_method && !file_module {
            self.mark(item);
        }
        // Nested items inside method bodies are still visited; the methods
        // themselves are covered by the block's attribute.
        for inner in &item.items {
            if let ImplItem::Fn(f) = inner {
                visit::visit_block(self, &f.block);
            }
        }
    }

    fn visit_item_trait(&mut self, item: &'ast ItemTrait) {
        let has_default = item.items.iter().any(
            |i| matches!(i, TraitItem::Fn(f) if f.default.is_some() && !is_or_may_be_const(&f.sig, &f.attrs)),
        );
        let file_module = item.items.iter().any(
            |i| matches!(i, TraitItem::Fn(syn::TraitItemFn { default: Some(body), .. }) if declares_file_module(body)),
        );
        if has_default && !file_module {
            self.mark(item);
        }
        for inner in &item.items {
            if let TraitItem::Fn(syn::TraitItemFn {
                default: Some(body),
                ..
            }) = inner
            {
                visit::visit_block(self, body);
            }
        }
    }
}

/// Whether `block` declares, at any depth, a module in another file
/// (`mod name;`), which rustc passes to no attribute macro on stable.
fn declares_file_module(block: &Block) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_item_mod(&mut self, item: &'ast ItemMod) {
            self.0 |= item.content.is_none();
            visit::visit_item_mod(self, item);
        }
    }
    let mut finder = Finder(false);
    finder.visit_block(block);
    finder.0
}

/// Byte offset of a 1-based line and 0-based character column.
fn offset(source: &str, line: usize, column: usize) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += source[start..].find('\n')? + 1;
    }
    let rest = &source[start..];
    let within = rest
        .char_indices()
        .nth(column)
        .map_or(rest.len(), |(i, _)| i);
    Some(start + within)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotates_functions_impls_and_traits_in_place() {
        let source = r#"//! A crate.
use std::fmt;

/// Adds.
#[inline]
pub fn add(a: u32, b: u32) -> u32 {
    fn helper(x: u32) -> u32 { x }
    helper(a) + b
}

const fn fixed() -> u32 { 1 }

pub struct S;

impl S {
    pub const fn new() -> Self { S }
    pub fn get(&self) -> u32 { 1 }
}

impl Copy for S {}
impl Clone for S { fn clone(&self) -> Self { *self } }

pub trait T {
    fn required(&self);
    fn provided(&self) -> u32 { 2 }
}

trait OnlyRequired { fn r(&self); }

mod inner {
    pub(crate) fn deep() {}
}

impl fmt::Debug for S {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn nested() {}
        nested();
        f.write_str("S")
    }
}
"#;
        let annotated = annotate(source).unwrap();
        let (out, count) = (annotated.text, annotated.points.len());
        let expected = r#"//! A crate.
use std::fmt;

/// Adds.
#[inline]
#[::memprof::profile] pub fn add(a: u32, b: u32) -> u32 {
    #[::memprof::profile] fn helper(x: u32) -> u32 { x }
    helper(a) + b
}

const fn fixed() -> u32 { 1 }

pub struct S;

#[::memprof::profile] impl S {
    pub const fn new() -> Self { S }
    pub fn get(&self) -> u32 { 1 }
}

impl Copy for S {}
#[::memprof::profile] impl Clone for S { fn clone(&self) -> Self { *self } }

#[::memprof::profile] pub trait T {
    fn required(&self);
    fn provided(&self) -> u32 { 2 }
}

trait OnlyRequired { fn r(&self); }

mod inner {
    #[::memprof::profile] pub(crate) fn deep() {}
}

#[::memprof::profile] impl fmt::Debug for S {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[::memprof::profile] fn nested() {}
        nested();
        f.write_str("S")
    }
}
"#;
        assert_eq!(out, expected);
        assert_eq!(count, 8);
        assert_eq!(out.lines().count(), source.lines().count());
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let source = "/* é */ fn f() {}\n";
        let annotated = annotate(source).unwrap();
        assert_eq!(annotated.text, "/* é */ #[::memprof::profile] fn f() {}\n");
        assert_eq!(annotated.points, [(1, 8)]);
    }

    #[test]
    fn items_declaring_a_file_module_are_left_as_written() {
        // getrandom's `fill_inner` declares `#[path = ".."] mod lazy;`.
        let source = r#"fn fill() {
    #[path = "lazy.rs"]
    mod lazy;
    inline::f();
}
fn inline() {
    mod inline { pub fn f() {} }
}
impl S { fn a(&self) { mod m; } fn b(&self) {} }
trait T { fn c(&self) { mod m; } }
"#;
        let annotated = annotate(source).unwrap();
        let expected = r#"fn fill() {
    #[path = "lazy.rs"]
    mod lazy;
    inline::f();
}
#[::memprof::profile] fn inline() {
    mod inline { #[::memprof::profile] pub fn f() {} }
}
impl S { fn a(&self) { mod m; } fn b(&self) {} }
trait T { fn c(&self) { mod m; } }
"#;
        assert_eq!(annotated.text, expected);
        assert_eq!(annotated.points, [(6, 0), (7, 17)]);
    }

    #[test]
    fn a_file_that_does_not_parse_is_an_error() {
        assert!(annotate("fn f( {").is_err());
    }
}
