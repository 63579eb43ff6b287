//! Generated code is hygienic: it compiles with warnings and clippy denied
//! (CI lints this file with `-D warnings`), next to user items named like
//! ours, a module named `memprof` or `core`, and `no_implicit_prelude`.
#![deny(warnings, clippy::all, clippy::pedantic)]
#![forbid(unsafe_code)]

::memprof::install!();

/// A user module that shadows the crate's name for relative paths.
mod memprof {}

/// A user module named like the standard library's `core`.
mod core {}

#[::memprof::profile]
fn locals_named_like_ours(n: usize) -> usize {
    let __memprof_frame = 3;
    let __memprof_close = n;
    let mut total = 0;
    for i in 0..n {
        total += i * __memprof_frame;
    }
    total + __memprof_close
}

mod bare {
    #![no_implicit_prelude]

    #[::memprof::profile]
    pub fn add(a: u32, b: u32) -> u32 {
        let sum = a + b;
        if sum > 10 {
            return sum;
        }
        sum * 2
    }
}

#[test]
fn hygiene_keeps_the_users_names_and_meaning() {
    assert_eq!(locals_named_like_ours(3), 12);
    assert_eq!(bare::add(1, 2), 6);
    assert_eq!(bare::add(6, 6), 12);
    let report = ::memprof::report();
    assert_eq!(report.function("locals_named_like_ours").unwrap().calls, 1);
    assert_eq!(report.function("bare::add").unwrap().calls, 2);
}
