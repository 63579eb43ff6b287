//! Attribution is per thread: another thread's allocations never reach a
//! line's Increment, Peak or Allocs, and concurrent calls add up exactly.

// These tests allocate on purpose: `vec!` is the point, not an array.
#![allow(clippy::useless_vec)]

// Allocations are kept observable with `black_box` where an optimised
// build could otherwise drop them (only their length is read).
use std::hint::black_box;

mod common;

use std::sync::Barrier;

use common::{stats, Figures};
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
    assert_eq!(
        Figures::of(stats(&r, f, "started.wait()")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, f, "with_capacity(1 << 20)")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 1_048_576,
            freed: 0,
            increment: 1_048_576,
            peak: 1_048_576,
        }
    );
    assert_eq!(
        Figures::of(stats(&r, f, "finished.wait()")),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 0,
            increment: 0,
            peak: 0,
        }
    );
    // Mem usage is process-wide: the other thread's 4 MB shows there.
    assert!(stats(&r, f, "finished.wait()").mem_usage >= 1000 * 4096 + (1 << 20));
}

#[memprof::profile]
fn small_work(i: usize) -> usize {
    let v = vec![0u8; 64];
    let s = format!("{i:08}");
    black_box(&v).len() + s.len()
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
        Figures::of(stats(&r, "small_work", "vec![0u8; 64]")),
        Figures {
            occurrences: calls,
            allocs: calls,
            allocated: calls * 64,
            freed: 0,
            increment: (calls * 64) as i64,
            peak: 64,
        }
    );
    // `format!` of 8 digits allocates 8 bytes once.
    assert_eq!(
        Figures::of(stats(&r, "small_work", "format!")),
        Figures {
            occurrences: calls,
            allocs: calls,
            allocated: calls * 8,
            freed: 0,
            increment: (calls * 8) as i64,
            peak: 8,
        }
    );
    assert_eq!(
        Figures::of(common::closing(&r, "small_work")),
        Figures {
            occurrences: calls,
            allocs: 0,
            allocated: 0,
            freed: calls * 72,
            increment: -((calls * 72) as i64),
            peak: 0,
        }
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
        Figures::of(stats(
            &r,
            "frees_what_another_thread_allocated",
            "drop(handed)"
        )),
        Figures {
            occurrences: 1,
            allocs: 0,
            allocated: 0,
            freed: 3000,
            increment: -3000,
            peak: 0,
        }
    );
}

#[memprof::profile]
fn first_allocation_of_a_thread() -> usize {
    let buffer = Vec::<u8>::with_capacity(4096);
    black_box(&buffer).capacity()
}

// A thread started by std allocates before it runs its closure; one started
// with `pthread_create` makes its first allocation wherever its code does.
#[cfg(target_os = "linux")]
mod raw_thread {
    use std::ffi::c_void;

    extern "C" {
        fn pthread_create(
            thread: *mut libc_pthread_t,
            attr: *const c_void,
            start: extern "C" fn(*mut c_void) -> *mut c_void,
            arg: *mut c_void,
        ) -> i32;
        fn pthread_join(thread: libc_pthread_t, result: *mut *mut c_void) -> i32;
    }

    #[allow(non_camel_case_types)]
    type libc_pthread_t = std::ffi::c_ulong;

    /// Runs `start` on a new pthread and waits for it.
    pub fn run(start: extern "C" fn(*mut c_void) -> *mut c_void) {
        let mut thread: libc_pthread_t = 0;
        // SAFETY: plain pthread calls with valid pointers; `start` takes no
        // argument and returns null.
        unsafe {
            assert_eq!(
                pthread_create(&mut thread, std::ptr::null(), start, std::ptr::null_mut()),
                0
            );
            assert_eq!(pthread_join(thread, std::ptr::null_mut()), 0);
        }
    }
}

#[cfg(target_os = "linux")]
extern "C" fn first_allocation_on_a_raw_thread(_: *mut std::ffi::c_void) -> *mut std::ffi::c_void {
    assert_eq!(first_allocation_of_a_thread(), 4096);
    std::ptr::null_mut()
}

#[cfg(target_os = "linux")]
#[test]
fn a_threads_first_allocation_inside_a_line_counts_exactly() {
    // A thread that ends leaves its counting block with counts in it; the
    // next thread takes a block over on its first allocation, which here
    // happens inside a profiled line: the line still counts exactly its own.
    std::thread::spawn(|| drop(vec![1u8; 100_000]))
        .join()
        .unwrap();
    raw_thread::run(first_allocation_on_a_raw_thread);
    let r = report();
    assert_eq!(
        Figures::of(stats(&r, "first_allocation_of_a_thread", "with_capacity")),
        Figures {
            occurrences: 1,
            allocs: 1,
            allocated: 4096,
            freed: 0,
            increment: 4096,
            peak: 4096,
        }
    );
}
