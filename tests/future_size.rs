//! The size of an `async fn`'s body future, what `-Zprint-type-sizes`
//! would tell on nightly: in `Report` and in the JSON.

mod common;

use std::hint::black_box;

use common::block_on;
use common::yield_once::yield_once;

memprof::install!();

#[memprof::profile]
async fn holds_a_buffer(byte: u8) -> u8 {
    let buffer = [byte; 10_000];
    yield_once().await;
    black_box(&buffer)[9_999]
}

async fn holds_a_buffer_as_written(byte: u8) -> u8 {
    let buffer = [byte; 10_000];
    yield_once().await;
    black_box(&buffer)[9_999]
}

#[memprof::profile]
fn synchronous(n: usize) -> usize {
    n + 1
}

#[test]
fn an_async_fn_has_its_body_future_size_and_a_synchronous_one_none() {
    let as_written = std::mem::size_of_val(&holds_a_buffer_as_written(7)) as u64;
    assert_eq!(block_on(holds_a_buffer(7)), 7);
    assert_eq!(synchronous(1), 2);
    let report = memprof::report();
    let size = report
        .function("holds_a_buffer")
        .unwrap()
        .future_size
        .expect("an async fn has a future size");
    println!("as written {as_written} B, profiled body {size} B");
    // The body as written, and the probe handle it keeps across the await
    // (a pointer and a flag).
    assert!(
        (as_written..=as_written + 16).contains(&size),
        "{size} B, as written {as_written} B"
    );
    assert_eq!(report.function("synchronous").unwrap().future_size, None);

    let json = report.to_json();
    assert!(json.contains(&format!(
        "\"name\": \"future_size::holds_a_buffer\", \"file\": \"tests/future_size.rs\", \
         \"calls\": 1, \"future_size\": {size}, "
    )));
    assert!(json.contains(
        "\"name\": \"future_size::synchronous\", \"file\": \"tests/future_size.rs\", \
         \"calls\": 1, \"future_size\": null, "
    ));
}
