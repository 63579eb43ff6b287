//! A failed allocation is not counted, anywhere. Small allocations are
//! counted before they are made and taken back if they fail (see the
//! runtime's `alloc.rs`); here a real `malloc` fails, under an address-space
//! limit, and neither the line nor the process-wide totals may show it. Its
//! own binary and harness: the limit holds for the whole process.

#[path = "common/child.rs"]
mod child;

use memprof::capture;

memprof::install!();

/// Small enough to be counted before the call; below glibc's mmap
/// threshold, so it comes from the heap, which the limit stops growing.
const CHUNK: usize = 60_000;

/// Keeps reserving `CHUNK` bytes until the system allocator refuses one, or
/// `limit` times. The refused reservation is the loop's last.
#[memprof::profile]
fn reserve_until_refused(kept: &mut Vec<Vec<u8>>, limit: usize) -> bool {
    for _ in 0..limit {
        let mut chunk: Vec<u8> = Vec::new();
        if chunk.try_reserve_exact(CHUNK).is_err() {
            return true;
        }
        kept.push(chunk);
    }
    false
}

#[repr(C)]
struct RLimit {
    current: u64,
    max: u64,
}

// The address-space limit, `RLIMIT_AS` on Linux.
const RLIMIT_AS: i32 = 9;

extern "C" {
    fn getrlimit(resource: i32, limit: *mut RLimit) -> i32;
    fn setrlimit(resource: i32, limit: *const RLimit) -> i32;
}

/// The process's address space now, in bytes (`VmSize`).
fn address_space() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmSize:"))
        .expect("a VmSize line");
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("VmSize in kB");
    kib * 1024
}

fn set_address_space_limit(bytes: u64, max: u64) {
    let limit = RLimit {
        current: bytes,
        max,
    };
    // SAFETY: a valid pointer to a properly laid out `struct rlimit`.
    assert_eq!(unsafe { setrlimit(RLIMIT_AS, &limit) }, 0, "setrlimit");
}

fn main() {
    child::run_checks(&[("a_refused_allocation_is_in_no_figure", refused_allocation)]);
}

fn refused_allocation() {
    let mut kept: Vec<Vec<u8>> = Vec::with_capacity(100_000);
    // The first call registers the function (which allocates); the measured
    // calls then allocate only their chunks.
    reserve_until_refused(&mut kept, 0);
    let mut old = RLimit { current: 0, max: 0 };
    // SAFETY: a valid pointer to a properly laid out `struct rlimit`.
    assert_eq!(unsafe { getrlimit(RLIMIT_AS, &mut old) }, 0, "getrlimit");
    set_address_space_limit(address_space() + (64 << 20), old.max);

    // The process-wide totals, across a call that nothing else runs beside.
    let before = memprof::heap_stats();
    let refused = reserve_until_refused(&mut kept, 100_000);
    let after = memprof::heap_stats();
    let made = kept.len();
    // The line's figures, in a second call once the first's chunks are
    // back with the allocator (`capture` itself allocates, so it is kept
    // out of the totals above).
    kept.clear();
    let (refused_again, report) = capture(|| reserve_until_refused(&mut kept, 100_000));
    set_address_space_limit(old.current, old.max);

    assert!(
        refused && refused_again,
        "the limit never refused an allocation"
    );
    assert!(made > 100, "only {made} chunks before the refusal");
    assert_eq!(after.allocations - before.allocations, made as u64);
    assert_eq!(
        after.allocated_bytes - before.allocated_bytes,
        (made * CHUNK) as u64
    );
    assert_eq!(after.deallocations, before.deallocations);
    let made = kept.len();
    assert!(made > 100, "only {made} chunks before the second refusal");
    let line = report
        .function("reserve_until_refused")
        .and_then(|f| f.line_containing("try_reserve_exact"))
        .and_then(|l| l.stats)
        .expect("the reserving line ran");
    assert_eq!(line.allocs, made as u64);
    assert_eq!(line.allocated, (made * CHUNK) as u64);
    assert_eq!(line.increment, (made * CHUNK) as i64);
    assert_eq!(line.peak, CHUNK as u64);
}
