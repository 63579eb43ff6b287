//! Profiled edition-2015 code compiles, counts exactly, and keeps its
//! budget.

extern crate memprof;
extern crate memprof_edition2015;

use std::panic::catch_unwind;

use memprof_edition2015::{buffer, Counter};

memprof::install!();

#[test]
fn a_function_with_a_budget_and_an_impl_block() {
    assert_eq!(buffer(512).len(), 512);
    let over = catch_unwind(|| buffer(4096)).unwrap_err();
    let message = over.downcast_ref::<String>().expect("a message");
    assert!(
        message.starts_with(
            "memprof: memprof_edition2015::buffer is over its budget max_peak = \"1 KiB\" \
             (1024 B): the call peaked 4096 B"
        ),
        "{}",
        message
    );

    let mut counter = Counter { n: 0 };
    assert_eq!(*counter.bump().bump().boxed(), 2);
    let report = memprof::report();
    let zeroed = report
        .function("buffer")
        .unwrap()
        .line_containing("vec![0u8; bytes]")
        .unwrap()
        .stats
        .unwrap();
    assert_eq!(
        (zeroed.occurrences, zeroed.allocs, zeroed.allocated),
        (2, 2, 512 + 4096)
    );
    assert_eq!(report.function("Counter::bump").unwrap().calls, 2);
    let boxed = report
        .function("Counter::boxed")
        .unwrap()
        .line_containing("Box::new")
        .unwrap()
        .stats
        .unwrap();
    assert_eq!((boxed.allocs, boxed.allocated), (1, 8));
}
