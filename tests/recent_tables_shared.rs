//! 65 profiled functions, first called in order, so that the first and the
//! last share an entry of the thread's recent tables (64 entries, by the
//! order of first calls: `counting/thread/recent_tables.rs`). Called in
//! turn, each finds the other's table there and looks its own up: every
//! call still counts on its own function's rows. One test: the process's
//! report is read whole.

mod common;

use common::Figures;

memprof::install!();

/// `fNN` allocates `16 × (NN + 1)` bytes and keeps them.
macro_rules! functions {
    ($($name:ident = $index:literal),* $(,)?) => {
        $(
            #[memprof::profile]
            fn $name() -> Vec<u8> {
                Vec::with_capacity(16 * ($index + 1))
            }
        )*
        const ALL: [fn() -> Vec<u8>; 65] = [$($name),*];
    };
}

#[rustfmt::skip]
functions!(
    f00 = 0, f01 = 1, f02 = 2, f03 = 3, f04 = 4, f05 = 5, f06 = 6, f07 = 7,
    f08 = 8, f09 = 9, f10 = 10, f11 = 11, f12 = 12, f13 = 13, f14 = 14, f15 = 15,
    f16 = 16, f17 = 17, f18 = 18, f19 = 19, f20 = 20, f21 = 21, f22 = 22, f23 = 23,
    f24 = 24, f25 = 25, f26 = 26, f27 = 27, f28 = 28, f29 = 29, f30 = 30, f31 = 31,
    f32 = 32, f33 = 33, f34 = 34, f35 = 35, f36 = 36, f37 = 37, f38 = 38, f39 = 39,
    f40 = 40, f41 = 41, f42 = 42, f43 = 43, f44 = 44, f45 = 45, f46 = 46, f47 = 47,
    f48 = 48, f49 = 49, f50 = 50, f51 = 51, f52 = 52, f53 = 53, f54 = 54, f55 = 55,
    f56 = 56, f57 = 57, f58 = 58, f59 = 59, f60 = 60, f61 = 61, f62 = 62, f63 = 63,
    f64 = 64,
);

#[test]
fn functions_sharing_an_entry_count_on_their_own_rows() {
    let mut kept: Vec<Vec<u8>> = ALL.iter().map(|f| f()).collect();
    for _ in 0..3 {
        kept.push(f00());
        kept.push(f64());
    }
    assert_eq!(kept.len(), 65 + 6);

    let report = memprof::report();
    for (index, name) in (0..65).map(|i| (i, format!("f{i:02}"))) {
        let calls = if index == 0 || index == 64 { 4 } else { 1 };
        let bytes = 16 * (index as u64 + 1);
        let function = report.function(&name).expect("profiled");
        assert_eq!(function.calls, calls, "calls of {name}");
        assert_eq!(
            Figures::of(common::stats(&report, &name, "with_capacity")),
            Figures {
                occurrences: calls,
                allocs: calls,
                allocated: calls * bytes,
                freed: 0,
                increment: (calls * bytes) as i64,
                peak: bytes,
            },
            "{name}'s line"
        );
    }
}
