//! Items written inside a profiled body: a macro that declares items runs
//! nothing, so its line is not counted; a nested profiled function is a
//! function of its own, named inside its parent.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

mod common;

use common::{closing, stats, Figures};
use memprof::capture;

memprof::install!();

#[memprof::profile]
fn declares_then_uses() -> usize {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    pin_project_lite::pin_project! {
        struct Pinned<F> {
            #[pin]
            inner: F,
        }
    }
    let pinned = Pinned { inner: 3usize };
    SCRATCH.with(|s| s.borrow_mut().len()) + pinned.inner
}

#[test]
fn a_macro_that_declares_items_is_not_a_line_that_runs() {
    let (n, r) = capture(declares_then_uses);
    assert_eq!(n, 3);
    let f = r.function("declares_then_uses").unwrap();
    for text in ["thread_local! {", "pin_project_lite::pin_project! {"] {
        let line = f.line_containing(text).unwrap();
        assert_eq!(line.stats, None, "{text}");
    }
    assert_eq!(
        Figures::of(stats(&r, "declares_then_uses", "let pinned")),
        Figures {
            occurrences: 1,
            ..Figures::default()
        }
    );
}

/// As twox-hash's `dispatch!`: input that reads as an item, an expansion
/// that declares a helper and ends in a call of it, the function's value.
macro_rules! dispatch {
    (fn $target:ident($arg:ident: $ty:ty) -> $ret:ty) => {
        fn helper($arg: $ty) -> $ret {
            $target($arg)
        }
        helper($arg)
    };
}

fn double(x: u64) -> u64 {
    x * 2
}

#[memprof::profile]
fn dispatched(x: u64) -> u64 {
    let v = vec![0u8; 64];
    let x = x + v.len() as u64;
    dispatch! { fn double(x: u64) -> u64 }
}

#[memprof::profile]
fn counts_in_a_thread_local_declared_last() {
    SEEN.with(|seen| seen.set(seen.get() + 1));
    thread_local! { static SEEN: std::cell::Cell<u32> = const { std::cell::Cell::new(0) }; }
}

#[test]
fn a_last_macro_that_looks_like_items_keeps_the_value_and_the_items_scope() {
    let (n, r) = capture(|| {
        counts_in_a_thread_local_declared_last();
        dispatched(1)
    });
    assert_eq!(n, 130);
    assert_eq!(
        Figures::of(stats(&r, "dispatched", "let v")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 64,
            increment: 64,
            peak: 64,
            ..Figures::default()
        }
    );
    assert_eq!(
        Figures::of(closing(&r, "dispatched")),
        Figures {
            occurrences: 1,
            freed: 64,
            increment: -64,
            ..Figures::default()
        }
    );
    assert_eq!(
        Figures::of(closing(&r, "counts_in_a_thread_local_declared_last")).occurrences,
        1
    );
}

#[memprof::profile]
fn outer() -> usize {
    #[memprof::profile]
    fn outer() -> usize {
        let v = vec![0u8; 10];
        v.len()
    }
    outer() + 1
}

#[test]
fn a_nested_function_named_like_its_parent_is_told_apart() {
    let (n, r) = capture(outer);
    assert_eq!(n, 11);
    let names: Vec<&str> = r.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["items_in_bodies::outer", "items_in_bodies::outer::outer"]
    );
    assert_eq!(r.function("outer::outer").unwrap().calls, 1);
}

// Only nested items, as hashbrown's `assert_covariance` (a compile-time
// check of variance): no line of the body runs, so a call counts on its
// signature and closing brace alone.
#[memprof::profile]
fn only_items() {
    #[allow(dead_code)]
    #[memprof::profile]
    fn shorten<'a>(v: Vec<&'static str>) -> Vec<&'a str> {
        v
    }
    struct Unit;
    impl Unit {
        #[allow(dead_code)]
        fn size() -> usize {
            std::mem::size_of::<Self>()
        }
    }
}

#[test]
fn a_body_of_nested_items_alone_is_profiled() {
    let ((), r) = capture(only_items);
    let f = r.function("items_in_bodies::only_items").unwrap();
    assert_eq!(f.calls, 1);
    let lines_run: Vec<&str> = f
        .lines
        .iter()
        .filter(|line| line.stats.is_some())
        .map(|line| line.contents.trim())
        .collect();
    assert_eq!(lines_run, ["fn only_items() {", "}"]);
    let one_occurrence = Figures {
        occurrences: 1,
        ..Figures::default()
    };
    assert_eq!(
        Figures::of(stats(&r, "only_items", "fn only_items() {")),
        one_occurrence
    );
    assert_eq!(
        Figures::of(closing(&r, "items_in_bodies::only_items")),
        one_occurrence
    );
    assert!(r.function("only_items::shorten").is_none());
}

// A type declared in a profiled body keeps the name rustc gives it
// unprofiled: the body runs in a closure, and its items stay outside it
// (http's tests compare such a name, printed by its `Extensions`).
#[memprof::profile]
fn names_a_local_type() -> &'static str {
    #[allow(dead_code)]
    struct Local(u8);
    std::any::type_name::<Local>()
}

fn names_a_local_type_unprofiled() -> &'static str {
    #[allow(dead_code)]
    struct Local(u8);
    std::any::type_name::<Local>()
}

#[test]
fn a_local_type_keeps_its_name() {
    assert_eq!(
        names_a_local_type(),
        "items_in_bodies::names_a_local_type::Local"
    );
    assert_eq!(
        names_a_local_type_unprofiled(),
        "items_in_bodies::names_a_local_type_unprofiled::Local"
    );
}
