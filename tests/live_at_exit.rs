//! Live at exit: of what a line allocated, what is still live when the
//! report is made; and frees on other threads.

use std::sync::mpsc;
use std::thread;

use memprof::LineStats;

mod common;

memprof::install!();

#[memprof::profile]
fn leaks(bytes: usize) {
    let leaked: Vec<u8> = Vec::with_capacity(bytes);
    std::mem::forget(std::hint::black_box(leaked));
}

#[memprof::profile]
fn makes(bytes: usize) -> Vec<u8> {
    Vec::with_capacity(bytes)
}

#[memprof::profile]
fn hands_over(bytes: usize) -> Vec<u8> {
    let mut made = makes(bytes);
    made.truncate(bytes);
    made
}

/// Sends a buffer to another thread, which frees it before this call ends.
#[memprof::profile]
fn frees_elsewhere_first(bytes: usize) {
    let sent: Vec<u8> = Vec::with_capacity(bytes);
    thread::spawn(move || drop(sent)).join().unwrap();
}

/// The line number of the first line of this file containing `text`.
fn line_of(text: &str) -> u32 {
    common::line_in(include_str!("live_at_exit.rs"), text)
}

fn stats(function: &str, text: &str) -> LineStats {
    common::stats(&memprof::report(), function, text)
}

#[test]
fn leaked_and_freed_on_another_thread() {
    leaks(4096);

    // Freed on another thread after the call returned: retained, not live.
    let buffer = hands_over(10_000);
    let (send, receive) = mpsc::channel();
    let receiver = thread::spawn(move || drop(receive.recv().unwrap()));
    send.send(buffer).unwrap();
    receiver.join().unwrap();

    // Freed on another thread while the call ran: neither.
    frees_elsewhere_first(20_000);

    let leak = stats("leaks", "Vec::with_capacity(bytes);");
    assert_eq!(leak.retained, 4096);
    assert_eq!(leak.live_at_exit, 4096);

    let made = stats("makes", "Vec::with_capacity(bytes)");
    assert_eq!(made.retained, 10_000);
    assert_eq!(made.live_at_exit, 0);
    let handed = stats("hands_over", "let mut made = makes(bytes);");
    assert_eq!(handed.retained, 10_000);
    assert_eq!(handed.live_at_exit, 0);

    let sent = stats("frees_elsewhere_first", "Vec::with_capacity(bytes);");
    assert_eq!(sent.allocated, 20_000);
    assert_eq!(sent.retained, 0);
    assert_eq!(sent.live_at_exit, 0);

    let report = memprof::report();
    let table = report.to_string();
    let leaks = &table[table.find("Function: live_at_exit::leaks").unwrap()..];
    let leaking = line_of("let leaked: Vec<u8>");
    assert!(
        leaks.contains(&format!(
            "\nStill live at exit: 4.0 KiB \u{2014} line {leaking} (4.0 KiB)\n"
        )),
        "{leaks}"
    );
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    let leaks = common::json_function(&json, "live_at_exit::leaks");
    let line = leaks["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["line"] == leaking)
        .unwrap();
    assert_eq!(line["retained"], 4096);
    assert_eq!(line["live_at_exit"], 4096);
}
