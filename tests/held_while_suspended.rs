//! What an `async fn` holds across an `.await`: the bytes its call had
//! allocated and not freed while its future was suspended there.

mod common;

use common::block_on;
use common::yield_once::yield_once;

memprof::install!();

#[memprof::profile]
async fn holds(bytes: usize) -> usize {
    let buffer = vec![0u8; bytes];
    yield_once().await;
    let total = buffer.len();
    drop(buffer);
    yield_once().await;
    total
}

#[memprof::profile]
async fn awaits_a_holder() -> usize {
    let before = vec![0u8; 500];
    let n = holds(10_000).await;
    n + before.len()
}

#[test]
fn an_async_fn_holding_a_buffer_across_an_await() {
    assert_eq!(block_on(holds(10_000)), 10_000);
    assert_eq!(block_on(awaits_a_holder()), 10_500);
    let report = memprof::report();
    let f = report.function("holds").unwrap();
    let held = |text: &str| {
        f.line_containing(text)
            .unwrap()
            .stats
            .unwrap()
            .held_while_suspended
    };
    let awaits: Vec<_> = f
        .lines
        .iter()
        .filter(|l| l.contents.contains(".await"))
        .collect();
    assert_eq!(awaits.len(), 2);
    // Suspended with the buffer, then after freeing it.
    assert_eq!(awaits[0].stats.unwrap().held_while_suspended, Some(10_000));
    assert_eq!(awaits[1].stats.unwrap().held_while_suspended, Some(0));
    assert_eq!(held("let buffer"), None);
    assert_eq!(held("let total"), None);
    // The caller was suspended while `holds` was: it held its own 500 B
    // and the callee's buffer.
    let caller = report.function("awaits_a_holder").unwrap();
    let calling = caller.line_containing("holds(10_000).await").unwrap();
    assert_eq!(calling.stats.unwrap().held_while_suspended, Some(10_500));
    // Both calls returned the buffer's length, not the buffer.
    assert_eq!(
        f.line_containing("let buffer")
            .unwrap()
            .stats
            .unwrap()
            .retained,
        0
    );

    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let holds = common::json_function(&json, "held_while_suspended::holds");
    let lines = holds["lines"].as_array().unwrap();
    let first_await = lines
        .iter()
        .find(|l| l["contents"].as_str().unwrap().contains(".await"))
        .unwrap();
    assert_eq!(first_await["held_while_suspended"], 10_000);
    let buffer = lines
        .iter()
        .find(|l| l["contents"].as_str().unwrap().contains("let buffer"))
        .unwrap();
    assert_eq!(buffer["held_while_suspended"], serde_json::Value::Null);
}
