// A function's by-value parameters, moved into locals of its body so that
// what they free when they drop is counted.
//
// The parameters of a function drop after its body's locals, so after the
// call's guard has ended the call: without this, a function that consumes
// a 1 MiB `Vec` would show nothing freed. Each binding of a parameter that
// may own memory is rebound at the top of the body, after the guard
// (`let name = name;`), so it drops with the locals, in the same order as
// before (last declared, first dropped), while the closing-brace line runs.
//
// A body that runs in a closure (see `body.rs`) has every binding rebound,
// numbers and references too, inside the closure: its statements then see
// their parameters as locals of their own, as written, so that rustc's
// liveness lints (`value assigned to `n` is never read`) say what they said
// about the parameters; a captured variable gets none of them.
//
// `self` cannot be rebound under its own name, so a method taking `self` by
// value binds it to `__memprof_self` and the body's `self` is renamed.

use proc_macro2::{Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Block, FnArg, Pat, PatIdent, ReceiverKind, Signature, Type};

use crate::probes::declares_items;

/// The local a by-value `self` is moved to. Call-site hygiene: format
/// strings' inline arguments (`"{self:?}"`, renamed with it) resolve there.
pub(crate) fn self_local(span: Span) -> Ident {
    Ident::new("__memprof_self", span)
}

/// Which parameters are rebound.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Bindings {
    /// Those that may own memory: the body runs in the function's frame.
    MayOwnMemory,
    /// Every binding: the body runs in a closure.
    All,
}

/// What rebinding the parameters takes.
pub(crate) struct Rebinding {
    /// `let name = name;` for each binding, in parameter order.
    pub(crate) statements: TokenStream,
    /// A by-value `self` was moved to `__memprof_self`: the body must say so.
    pub(crate) renames_self: bool,
}

// Input:  fn f(mut a: String, (b, _): (Vec<u8>, u8), _: Box<u8>, n: u32)
// Output: fn f(a: String, (b, _): (Vec<u8>, u8), __memprof_arg2: Box<u8>, n: u32)
//         and `let mut a = a; let b = b; let __memprof_arg2 = __memprof_arg2;`
// With `Bindings::MayOwnMemory`, parameters that cannot own memory
// (references, raw pointers, numbers, `bool`, `char`, function pointers)
// are left alone; with `Bindings::All`, only a `_` that cannot own memory
// is. A `ref` binding is always left alone: it borrows the parameter
// instead of holding it.
pub(crate) fn rebind(sig: &mut Signature, which: Bindings) -> Rebinding {
    let mut statements = TokenStream::new();
    let mut renames_self = false;
    for (index, input) in sig.inputs.iter_mut().enumerate() {
        match input {
            FnArg::Receiver(receiver) => {
                let by_value = match &receiver.kind {
                    ReceiverKind::Value => true,
                    ReceiverKind::Typed(_, ty) => !borrows(ty),
                    // `&self`, and receivers later syntax adds (`&pin mut
                    // self`) borrow.
                    _ => false,
                };
                if !by_value {
                    continue;
                }
                let mutability = receiver.mutability.take();
                let local = self_local(receiver.self_token.span);
                let self_token = receiver.self_token;
                let attrs = binding_attributes(&mut receiver.attrs);
                statements.extend(quote! {
                    #(#attrs)* let #mutability #local = #self_token;
                });
                renames_self = true;
            }
            FnArg::Typed(typed) => {
                let owns = may_own_memory(&typed.ty);
                let wild = matches!(&*typed.pat, Pat::Wild(_));
                if !owns && (wild || which == Bindings::MayOwnMemory) {
                    continue;
                }
                let attrs = binding_attributes(&mut typed.attrs);
                if let Pat::Wild(wild) = &*typed.pat {
                    let name = Ident::new(
                        &format!("__memprof_arg{index}"),
                        wild.underscore_token.span.resolved_at(Span::mixed_site()),
                    );
                    *typed.pat = Pat::Ident(PatIdent {
                        attrs: Vec::new(),
                        by_ref: None,
                        mutability: None,
                        ident: name.clone(),
                        subpat: None,
                    });
                    statements.extend(quote!(#(#attrs)* let #name = #name;));
                    continue;
                }
                let mut bindings = Vec::new();
                take_bindings(&mut typed.pat, &mut bindings);
                for (mutability, name) in bindings {
                    statements.extend(quote!(#(#attrs)* let #mutability #name = #name;));
                }
            }
        }
    }
    Rebinding {
        statements,
        renames_self,
    }
}

/// The attributes a parameter's rebinding carries: its `cfg`s and lint
/// levels. The lint levels move: the parameter is now always used, and the
/// rebinding is what the unused-variable lints see.
fn binding_attributes(attrs: &mut Vec<Attribute>) -> Vec<Attribute> {
    let lint_level = |a: &Attribute| {
        ["allow", "warn", "deny", "forbid", "expect"]
            .iter()
            .any(|l| a.path().is_ident(l))
    };
    let carried: Vec<Attribute> = attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg") || lint_level(a))
        .cloned()
        .collect();
    attrs.retain(|a| !lint_level(a));
    carried
}

/// Collects a pattern's by-value bindings, taking their `mut` (the
/// rebinding is the variable now).
fn take_bindings(pat: &mut Pat, out: &mut Vec<(Option<syn::token::Mut>, Ident)>) {
    match pat {
        Pat::Ident(p) => {
            if p.by_ref.is_none() {
                out.push((p.mutability.take(), p.ident.clone()));
            }
            if let Some((_, sub)) = &mut p.subpat {
                take_bindings(sub, out);
            }
        }
        Pat::Tuple(t) => t.elems.iter_mut().for_each(|p| take_bindings(p, out)),
        Pat::TupleStruct(t) => t.elems.iter_mut().for_each(|p| take_bindings(p, out)),
        Pat::Struct(s) => s
            .fields
            .iter_mut()
            .for_each(|f| take_bindings(&mut f.pat, out)),
        Pat::Slice(s) => s.elems.iter_mut().for_each(|p| take_bindings(p, out)),
        Pat::Paren(p) => take_bindings(&mut p.pat, out),
        Pat::Type(t) => take_bindings(&mut t.pat, out),
        _ => {}
    }
}

/// Whether a `self` type borrows (`self: &Self`, `self: Pin<&mut Self>`).
fn borrows(ty: &Type) -> bool {
    match ty {
        Type::Reference(_) | Type::Ptr(_) => true,
        Type::Path(p) => p.path.segments.last().is_some_and(|s| {
            s.ident == "Pin" && s.arguments.to_token_stream().to_string().contains('&')
        }),
        Type::Paren(p) => borrows(&p.elem),
        _ => false,
    }
}

/// Whether a parameter of type `ty` may own heap memory: anything but a
/// reference, a raw pointer, a primitive number, `bool`, `char`, `()` or a
/// function pointer.
fn may_own_memory(ty: &Type) -> bool {
    match ty {
        Type::Reference(_) | Type::Ptr(_) | Type::FnPtr(_) | Type::Never(_) => false,
        Type::Tuple(t) => !t.elems.is_empty(),
        Type::Paren(p) => may_own_memory(&p.elem),
        Type::Path(p) if p.qself.is_none() => !p.path.get_ident().is_some_and(|i| {
            matches!(
                i.to_string().as_str(),
                "bool"
                    | "char"
                    | "u8"
                    | "u16"
                    | "u32"
                    | "u64"
                    | "u128"
                    | "usize"
                    | "i8"
                    | "i16"
                    | "i32"
                    | "i64"
                    | "i128"
                    | "isize"
                    | "f32"
                    | "f64"
            )
        }),
        _ => true,
    }
}

/// Renames the body's `self` to `__memprof_self`: in expressions, in macro
/// arguments, and in format strings' inline arguments (`"{self:?}"`); not
/// in nested items, which have a `self` of their own.
pub(crate) fn rename_self(block: &mut Block) {
    RenameSelf.visit_block_mut(block);
}

struct RenameSelf;

impl VisitMut for RenameSelf {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        if ident == "self" {
            *ident = self_local(ident.span());
        }
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        // `self` alone is the receiver; `self::item` is a module path.
        if path.leading_colon.is_none() && path.segments.len() == 1 {
            visit_mut::visit_path_mut(self, path);
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if !declares_items(mac) {
            mac.tokens = rename_in_tokens(std::mem::take(&mut mac.tokens));
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `self` (not a path's first segment) and `{self` in string literals,
/// renamed in macro arguments.
fn rename_in_tokens(tokens: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    for (i, tree) in trees.iter().enumerate() {
        let renamed = match tree {
            TokenTree::Ident(ident) if ident == "self" && !starts_path(&trees[i + 1..]) => {
                TokenTree::Ident(self_local(ident.span()))
            }
            TokenTree::Group(group) => {
                let mut renamed = Group::new(group.delimiter(), rename_in_tokens(group.stream()));
                renamed.set_span(group.span());
                TokenTree::Group(renamed)
            }
            TokenTree::Literal(literal) => {
                rename_in_format_string(literal).map_or_else(|| tree.clone(), TokenTree::Literal)
            }
            other => other.clone(),
        };
        out.push(renamed);
    }
    out.into_iter().collect()
}

/// Whether the tokens after an identifier make it a path's first segment.
fn starts_path(rest: &[TokenTree]) -> bool {
    matches!(
        rest,
        [TokenTree::Punct(a), TokenTree::Punct(b), ..]
            if a.as_char() == ':' && b.as_char() == ':'
    )
}

/// A string literal with `{self}` or `{self:..}` inline arguments renamed,
/// or `None` if it has none (escaped `{{self}}` is text, not an argument).
fn rename_in_format_string(literal: &Literal) -> Option<Literal> {
    let text = literal.to_string();
    if !text.starts_with('"') || !text.contains("{self") {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text.as_str();
    let mut changed = false;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(escaped) = after.strip_prefix('{') {
            out.push_str("{{");
            rest = escaped;
            continue;
        }
        match after.strip_prefix("self") {
            Some(tail) if tail.starts_with('}') || tail.starts_with(':') => {
                out.push_str("{__memprof_self");
                rest = tail;
                changed = true;
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    if !changed {
        return None;
    }
    let mut renamed: Literal = out.parse().ok()?;
    renamed.set_span(literal.span());
    Some(renamed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn rebound(sig: Signature) -> (String, String, bool) {
        rebound_as(sig, Bindings::MayOwnMemory)
    }

    fn rebound_as(sig: Signature, which: Bindings) -> (String, String, bool) {
        let mut sig = sig;
        let rebinding = rebind(&mut sig, which);
        (
            sig.to_token_stream().to_string(),
            rebinding.statements.to_string(),
            rebinding.renames_self,
        )
    }

    #[test]
    fn owning_parameters_are_rebound_in_order_with_their_mut() {
        let (sig, lets, renames) = rebound(parse_quote! {
            fn f(mut a: String, (b, _): (Vec<u8>, u8), _: Box<u8>, n: u32, r: &str, ref s: String)
        });
        assert_eq!(
            sig,
            "fn f (a : String , (b , _) : (Vec < u8 > , u8) , __memprof_arg2 : Box < u8 > , n : \
             u32 , r : & str , ref s : String)"
        );
        assert_eq!(
            lets,
            "let mut a = a ; let b = b ; let __memprof_arg2 = __memprof_arg2 ;"
        );
        assert!(!renames);
    }

    #[test]
    fn a_body_in_a_closure_has_every_binding_rebound_but_ref_and_plain_underscore() {
        let (sig, lets, renames) = rebound_as(
            parse_quote! {
                fn f(mut n: u32, r: &mut [u8], (a, b): (u8, u8), _: u64, _: Box<u8>, ref s: String)
            },
            Bindings::All,
        );
        assert_eq!(
            sig,
            "fn f (n : u32 , r : & mut [u8] , (a , b) : (u8 , u8) , _ : u64 , __memprof_arg4 : \
             Box < u8 > , ref s : String)"
        );
        assert_eq!(
            lets,
            "let mut n = n ; let r = r ; let a = a ; let b = b ; let __memprof_arg4 = \
             __memprof_arg4 ;"
        );
        assert!(!renames);
    }

    #[test]
    fn self_by_value_is_moved_to_a_local_and_borrowed_self_is_not() {
        let (sig, lets, renames) = rebound(parse_quote!(fn f(mut self, x: Vec<u8>)));
        assert_eq!(sig, "fn f (self , x : Vec < u8 >)");
        assert_eq!(lets, "let mut __memprof_self = self ; let x = x ;");
        assert!(renames);
        for borrowed in [
            parse_quote!(fn f(&self)),
            parse_quote!(fn f(&mut self)),
            parse_quote!(fn f(self: &Self)),
            parse_quote!(fn f(self: Pin<&mut Self>)),
        ] {
            let (_, lets, renames) = rebound(borrowed);
            assert_eq!((lets.as_str(), renames), ("", false));
        }
        let (_, lets, renames) = rebound(parse_quote!(fn f(self: Box<Self>)));
        assert_eq!(
            (lets.as_str(), renames),
            ("let __memprof_self = self ;", true)
        );
    }

    #[test]
    fn the_body_says_self_by_its_new_name_but_nested_items_and_paths_keep_theirs() {
        let mut block: Block = parse_quote!({
            let n = self.len();
            println!("{} {self:?} {{self}} {}", self.0, n);
            let f = || self::helper(&self);
            impl Other {
                fn g(&self) -> &Self {
                    self
                }
            }
            self
        });
        rename_self(&mut block);
        assert_eq!(
            block.to_token_stream().to_string(),
            "{ let n = __memprof_self . len () ; println ! (\"{} {__memprof_self:?} {{self}} {}\" , \
             __memprof_self . 0 , n) ; let f = | | self :: helper (& __memprof_self) ; impl Other \
             { fn g (& self) -> & Self { self } } __memprof_self }"
        );
    }
}
