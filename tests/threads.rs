//! Attribution is per thread: another thread's allocations never reach a
//! line's Increment, Peak or Allocs, and concurrent calls add up exactly.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

mod common;

use std::sync::Barrier;

use common::{figures, stats};
use memprof::report;

memprof::install!();

#[memprof::profile]
fn while_another_thread_allocates(started: &Barrier, finished: &Barrier) -> usize {
    started.wait();
    let buffer = Vec::<u8>::with_capacity(1 << 20);
    finished.wait();
    buffer.capacity()
}

#[test]
fn another_threads_allocations_do_not_leak_into_a_line() {
    let started = Barrier::new(2);
    let finished = Barrier::new(2);
    let returned = Barrier::new(2);
    std::thread::scope(|s| {
        s.spawn(|| {
            started.wait();
            // Allocates while the profiled thread runs its next lines, which
            // wait for this thread at `finished`; keeps it until the profiled
            // call has returned.
            let kept: Vec<Vec<u8>> = (0..1000).map(|_| vec![1u8; 4096]).collect();
            finished.wait();
            returned.wait();
            drop(kept);
        });
        assert_eq!(while_another_thread_allocates(&started, &finished), 1 << 20);
        returned.wait();
    });
    let r = report();
    let f = "while_another_thread_allocates";
    // (occurrences, allocs, allocated, freed, increment, peak)
    assert_eq!(figures(stats(&r, f, "started.wait()")), (1, 0, 0, 0, 0, 0));
    assert_eq!(
        figures(stats(&r, f, "with_capacity(1 << 20)")),
        (1, 1, 1_048_576, 0, 1_048_576, 1_048_576)
    );
    assert_eq!(figures(stats(&r, f, "finished.wait()")), (1, 0, 0, 0, 0, 0));
    // Mem usage is process-wide: the other thread's 4 MB shows there.
    assert!(stats(&r, f, "finished.wait()").mem_usage >= 1000 * 4096 + (1 << 20));
}

#[memprof::profile]
fn small_work(i: usize) -> usize {
    let v = vec![0u8; 64];
    let s = format!("{i:08}");
    v.len() + s.len()
}

#[test]
fn concurrent_calls_from_eight_threads_add_up_exactly() {
    const THREADS: u64 = 8;
    const CALLS: u64 = 2000;
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for i in 0..CALLS as usize {
                    assert_eq!(small_work(i), 72);
                }
            });
        }
    });
    let r = report();
    let calls = THREADS * CALLS;
    assert_eq!(r.function("small_work").unwrap().calls, calls);
    assert_eq!(
        figures(stats(&r, "small_work", "vec![0u8; 64]")),
        (calls, calls, calls * 64, 0, (calls * 64) as i64, 64)
    );
    // `format!` of 8 digits allocates 8 bytes once.
    assert_eq!(
        figures(stats(&r, "small_work", "format!")),
        (calls, calls, calls * 8, 0, (calls * 8) as i64, 8)
    );
    assert_eq!(
        figures(common::closing(&r, "small_work")),
        (calls, 0, 0, calls * 72, -((calls * 72) as i64), 0)
    );
}

#[memprof::profile]
fn frees_what_another_thread_allocated(handed: Vec<u8>) -> usize {
    let n = handed.len();
    drop(handed);
    n
}

#[test]
fn memory_freed_on_another_thread_counts_where_it_is_freed() {
    let handed = std::thread::spawn(|| vec![9u8; 3000]).join().unwrap();
    assert_eq!(frees_what_another_thread_allocated(handed), 3000);
    let r = report();
    assert_eq!(
        figures(stats(
            &r,
            "frees_what_another_thread_allocated",
            "drop(handed)"
        )),
        (1, 0, 0, 3000, -3000, 0)
    );
}
