//! `async fn`: bytes count to a line only while its future is polled,
//! whichever thread polls it; interleaved tasks never leak into its rows.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

mod common;

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use common::yield_once::yield_once;
use common::{closing, stats, Figures};
use memprof::report;

memprof::install!();

#[memprof::profile]
async fn task_work(id: usize) -> usize {
    let first = vec![0u8; 1000];
    yield_once().await;
    let second = vec![0u8; 2000];
    yield_once().await;
    first.len() + second.len() + id % 2
}

#[test]
fn many_tasks_on_two_workers_sum_exactly() {
    const TASKS: u64 = 400;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let total: usize = runtime.block_on(async {
        let handles: Vec<_> = (0..TASKS as usize)
            .map(|id| tokio::spawn(task_work(id)))
            .collect();
        let mut total = 0;
        for h in handles {
            total += h.await.unwrap();
        }
        total
    });
    assert_eq!(total, 400 * 3000 + 200);
    let r = report();
    let f = "task_work";
    assert_eq!(r.function(f).unwrap().calls, TASKS);
    // (occurrences, allocs, allocated, freed, increment, peak)
    assert_eq!(
        Figures::of(stats(&r, f, "let first")),
        Figures {
            occurrences: TASKS,
            allocs: TASKS,
            allocated: TASKS * 1000,
            freed: 0,
            increment: (TASKS * 1000) as i64,
            peak: 1000,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, f, "let second")),
        Figures {
            occurrences: TASKS,
            allocs: TASKS,
            allocated: TASKS * 2000,
            freed: 0,
            increment: (TASKS * 2000) as i64,
            peak: 2000,
        }
    );
    for (i, line) in r
        .function(f)
        .unwrap()
        .lines
        .iter()
        .filter(|l| l.contents.contains("yield_once().await"))
        .enumerate()
    {
        let s = line.stats.unwrap();
        assert_eq!(
            Figures::of(s),
            Figures {
                occurrences: TASKS,
                allocs: 0,
                allocated: 0,
                freed: 0,
                increment: 0,
                peak: 0,
            },
            "await line {i} of {f}"
        );
    }
    assert_eq!(
        Figures::of(closing(&r, f)),
        Figures {
            occurrences: TASKS,
            allocs: 0,
            allocated: 0,
            freed: TASKS * 3000,
            increment: -((TASKS * 3000) as i64),
            peak: 0,
        }
    );
}

#[memprof::profile]
async fn patient() -> usize {
    let mine = vec![1u8; 100];
    yield_once().await;
    yield_once().await;
    mine.len()
}

async fn noisy_neighbour() -> usize {
    let mut kept = Vec::new();
    for _ in 0..3 {
        kept.push(vec![0u8; 1 << 20]);
        yield_once().await;
    }
    kept.len()
}

#[test]
fn another_task_on_the_same_thread_does_not_leak_in() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (a, b) = runtime.block_on(async {
        let a = tokio::spawn(patient());
        let b = tokio::spawn(noisy_neighbour());
        (a.await.unwrap(), b.await.unwrap())
    });
    assert_eq!((a, b), (100, 3));
    let r = report();
    assert_eq!(
        Figures::of(stats(&r, "patient", "let mine")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 100,
            freed: 0,
            increment: 100,
            peak: 100,
        }
    );
    let awaits: Vec<_> = r
        .function("patient")
        .unwrap()
        .lines
        .iter()
        .filter(|l| l.contents.contains("yield_once().await"))
        .map(|l| Figures::of(l.stats.unwrap()))
        .collect();
    let just_ran = || Figures {
        occurrences: 1,
        ..Figures::default()
    };
    assert_eq!(awaits, [just_ran(), just_ran()]);
    assert_eq!(
        Figures::of(closing(&r, "patient")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 100,
            increment: -100,
            peak: 0,
        }
    );
}

#[memprof::profile]
async fn spans_polls() -> usize {
    let grown = {
        let mut v = Vec::with_capacity(1000);
        v.push(1u8);
        yield_once().await;
        // Kept observable: an optimised build may drop an allocation that
        // only its length is read from.
        let more = std::hint::black_box(vec![0u8; 4000]);
        v.len() + more.len()
    };
    grown
}

#[test]
fn a_line_spanning_polls_keeps_its_peak_from_where_it_started() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(runtime.block_on(spans_polls()), 4001);
    let r = report();
    assert_eq!(
        Figures::of(stats(&r, "spans_polls", "Vec::with_capacity(1000)")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 1000,
            freed: 0,
            increment: 1000,
            peak: 1000,
        }
    );
    // `more` is allocated in the second poll, while `v` (1000) is alive;
    // both drop at the end of the block, on the `v.len() + more.len()` line.
    assert_eq!(
        Figures::of(stats(&r, "spans_polls", "let more")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 4000,
            freed: 0,
            increment: 4000,
            peak: 4000,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, "spans_polls", "v.len() + more.len()")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 5000,
            increment: -5000,
            peak: 0,
        }
    );
}

#[memprof::profile]
async fn cancelled() -> usize {
    let held = vec![0u8; 500];
    std::future::pending::<()>().await;
    held.len()
}

struct Noop;

impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

#[test]
fn a_future_dropped_while_suspended_finishes_its_call() {
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    {
        let mut future = pin!(cancelled());
        assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
        assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
    }
    let r = report();
    assert_eq!(r.function("cancelled").unwrap().calls, 1);
    assert_eq!(
        Figures::of(stats(&r, "cancelled", "let held")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 500,
            freed: 0,
            increment: 500,
            peak: 500,
        }
    );
    // Dropping the suspended future frees `held` on the line it waited on.
    assert_eq!(
        Figures::of(stats(&r, "cancelled", "pending::<()>().await")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 500,
            increment: -500,
            peak: 0,
        }
    );
    let close = r.function("cancelled").unwrap().lines.last().unwrap();
    assert!(close.stats.is_none());
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn a_send_future_stays_send() {
    let future = task_work(1);
    assert_send(&future);
}
