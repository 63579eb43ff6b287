//! Blocks made inside profiled calls and freed on other threads while the
//! calls run, end, or start again: every byte comes off exactly once.

use std::sync::mpsc;
use std::thread;

memprof::install!();

const PRODUCERS: usize = 4;
const CALLS: usize = 200;
const BLOCKS: usize = 100;

/// Sends `BLOCKS` buffers to a consumer that frees them as they come,
/// racing this call's end.
#[memprof::profile]
fn produce(out: &mpsc::Sender<Vec<u8>>) -> usize {
    let mut sent = 0;
    for i in 0..BLOCKS {
        let block = vec![1u8; 64 + i % 64];
        sent += block.len();
        out.send(block).unwrap();
    }
    sent
}

#[test]
fn frees_on_other_threads_leave_nothing_live() {
    let (send, receive) = mpsc::channel::<Vec<u8>>();
    let consumer = thread::spawn(move || {
        let mut bytes = 0;
        for block in receive {
            bytes += block.len();
        }
        bytes
    });
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|_| {
            let send = send.clone();
            thread::spawn(move || (0..CALLS).map(|_| produce(&send)).sum::<usize>())
        })
        .collect();
    drop(send);
    let sent: usize = producers.into_iter().map(|p| p.join().unwrap()).sum();
    let received = consumer.join().unwrap();
    assert_eq!(sent, received);

    let report = memprof::report();
    let f = report.function("produce").unwrap();
    let per_call: u64 = (0..BLOCKS as u64).map(|i| 64 + i % 64).sum();
    let made = f.line_containing("let block").unwrap().stats.unwrap();
    assert_eq!(made.allocated, per_call * (PRODUCERS * CALLS) as u64);
    // Some were freed before their call returned, some after: never more
    // than were made, and none of them is live now.
    assert!(made.retained <= made.allocated, "{made:?}");
    for line in &f.lines {
        if let Some(stats) = line.stats {
            assert_eq!(stats.live_at_exit, 0, "line {}: {stats:?}", line.line);
        }
    }
}
