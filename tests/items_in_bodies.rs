//! Items written inside a profiled body: a macro that declares items runs
//! nothing, so its line is not counted; a nested profiled function is a
//! function of its own, named inside its parent.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

mod common;

use common::{stats, Figures};
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
