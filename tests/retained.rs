//! Retained: the bytes a line allocated (callees included) that were still
//! live when its call returned, summed over calls.

use std::hint::black_box;

use memprof::LineStats;

mod common;

memprof::install!();

const MIB: usize = 1 << 20;

#[memprof::profile]
fn temporary() -> usize {
    let scratch: Vec<u8> = Vec::with_capacity(MIB);
    black_box(&scratch).capacity()
}

#[memprof::profile]
fn returned(bytes: usize) -> Vec<u8> {
    let kept: Vec<u8> = Vec::with_capacity(bytes);
    kept
}

#[memprof::profile]
fn keeps_one_result() -> Vec<u8> {
    let kept = returned(MIB);
    let dropped = returned(2 * MIB);
    drop(black_box(dropped));
    kept
}

#[memprof::profile]
fn grows() -> Vec<u64> {
    let mut v = Vec::new();
    for i in 0..1000u64 {
        v.push(i);
    }
    v
}

#[memprof::profile]
fn moved_to_another_line() -> Vec<u8> {
    let mut v: Vec<u8> = Vec::with_capacity(1000);
    v.reserve_exact(3000);
    v
}

#[memprof::profile]
fn nested(depth: u32) -> Vec<Vec<u8>> {
    let mut all = if depth == 0 {
        Vec::new()
    } else {
        nested(depth - 1)
    };
    all.reserve_exact(1);
    all.push(vec![0u8; 100]);
    all
}

fn stats(function: &str, text: &str) -> LineStats {
    common::stats(&memprof::report(), function, text)
}

#[test]
fn a_temporary_is_not_retained() {
    assert_eq!(temporary(), MIB);
    let line = stats("temporary", "Vec::with_capacity(MIB)");
    assert_eq!(line.allocated, MIB as u64);
    assert_eq!(line.retained, 0);
}

#[test]
fn a_returned_buffer_is_retained_by_its_line_and_the_callers() {
    let kept = keeps_one_result();
    assert_eq!(kept.capacity(), MIB);
    let made = stats("returned", "Vec::with_capacity(bytes)");
    assert_eq!(made.occurrences, 2);
    // Both calls returned their buffer.
    assert_eq!(made.retained, 3 * MIB as u64);
    // The caller kept one result and dropped the other.
    let kept_line = stats("keeps_one_result", "let kept = returned(MIB);");
    assert_eq!(kept_line.retained, MIB as u64);
    let dropped_line = stats("keeps_one_result", "let dropped = returned(2 * MIB);");
    assert_eq!(dropped_line.retained, 0);
    assert_eq!(dropped_line.increment, 2 * MIB as i64);
    drop(kept);
}

#[test]
fn a_growing_vec_retains_its_final_buffer_only() {
    let v = grows();
    let push = stats("grows", "v.push(i);");
    assert_eq!(v.capacity(), 1024);
    // Every realloc freed the buffer before it.
    assert_eq!(push.retained, 1024 * 8);
    assert_eq!(
        push.allocated,
        (4 + 8 + 16 + 32 + 64 + 128 + 256 + 512 + 1024) * 8
    );
}

#[test]
fn a_realloc_moves_the_bytes_to_the_line_doing_it() {
    let v = moved_to_another_line();
    assert_eq!(v.capacity(), 3000);
    let first = stats("moved_to_another_line", "Vec::with_capacity(1000)");
    let grown = stats("moved_to_another_line", "reserve_exact(3000)");
    assert_eq!(first.retained, 0);
    assert_eq!(grown.retained, 3000);
}

#[test]
fn recursion_retains_each_byte_once() {
    let all = nested(2);
    assert_eq!(all.len(), 3);
    let f = memprof::report();
    let f = f.function("nested").unwrap();
    let total: u64 = f
        .lines
        .iter()
        .filter_map(|l| l.stats)
        .map(|s| s.retained)
        .sum();
    // Each call returns one more 100 B buffer and the outer vector's buffer
    // grown by one 24 B slot (1, 2, then 3 slots): what the inner calls
    // returned is on their rows only, not again on the line that called
    // them.
    assert_eq!(total, 3 * 100 + (24 + 48 + 72), "{f:#?}");
    let push = f
        .line_containing("all.push(vec![0u8; 100]);")
        .unwrap()
        .stats
        .unwrap();
    assert_eq!(push.retained, 300);
    let reserve = f
        .line_containing("all.reserve_exact(1);")
        .unwrap()
        .stats
        .unwrap();
    assert_eq!(reserve.retained, 24 + 48 + 72);
    let call = f
        .line_containing("nested(depth - 1)")
        .unwrap()
        .stats
        .unwrap();
    assert_eq!(call.retained, 0);
}
