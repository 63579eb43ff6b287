//! Relaxed atomic loads and stores of 64-bit counters that stay one
//! instruction in unoptimised builds.
//!
//! Why: in a debug build (what `cargo test` runs) `AtomicU64::load` is a
//! call into a call with a match on the ordering, for what is one `mov`;
//! the probes and the allocator do a few of these on every statement and
//! every allocation. On x86-64 and AArch64 an aligned 64-bit load or store
//! is single-copy atomic, so a `mov` (`ldr`, `str`) written as inline
//! assembly is a relaxed atomic access, written once, in the macros
//! `relaxed_load!` and `relaxed_store!`, which every function here uses.
//! Optimised builds, other targets and Miri use the standard atomics, which
//! compile to the same instruction there. Code that only optimised builds
//! run (the inlined probes) uses `optimised_load!` and `optimised_store!`,
//! the standard atomics in every build; code that only this crate's own
//! build compiles (a call's lazy start and end) uses `runtime_load!` and
//! `runtime_store!`, the standard atomics wherever this crate is optimised.
//!
//! The macros take the counter's address as a raw pointer: the quiet paths
//! of probes and calls use them directly on addresses taken with `addr_of!`,
//! because in an unoptimised build a reference made from a raw pointer is
//! checked for null and alignment (about twenty instructions), and every
//! function layer, even an inlined one, copies its arguments and result
//! through stack slots.

use std::ptr;
use std::sync::atomic::{AtomicI64, AtomicPtr, AtomicU64};

/// `relaxed_load!(address)`: a relaxed load of the 64-bit atomic at a raw
/// address (`*const` or `*mut` of `AtomicU64`, `AtomicI64`, a 64-bit
/// `AtomicPtr` or `u64`), as a `u64`; unsafe, the address must be of a live
/// atomic.
#[cfg(all(
    debug_assertions,
    not(miri),
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
macro_rules! relaxed_load {
    ($cell:expr) => {{
        let cell = $cell as *const u64;
        let value: u64;
        // An aligned 64-bit load is single-copy atomic on this target (see
        // the module's doc): a relaxed atomic load, touching nothing else.
        #[cfg(target_arch = "x86_64")]
        ::std::arch::asm!("mov {value}, qword ptr [{cell}]", cell = in(reg) cell,
            value = out(reg) value, options(nostack, readonly, preserves_flags));
        #[cfg(target_arch = "aarch64")]
        ::std::arch::asm!("ldr {value}, [{cell}]", cell = in(reg) cell,
            value = out(reg) value, options(nostack, readonly, preserves_flags));
        value
    }};
}
#[cfg(not(all(
    debug_assertions,
    not(miri),
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
macro_rules! relaxed_load {
    ($cell:expr) => {
        (*($cell as *const ::std::sync::atomic::AtomicU64))
            .load(::std::sync::atomic::Ordering::Relaxed)
    };
}
pub(crate) use relaxed_load;

/// `relaxed_store!(address, value)`: a relaxed store of a `u64` to the
/// 64-bit atomic at a raw address; unsafe, as `relaxed_load!`, and only for
/// an atomic no other thread writes.
#[cfg(all(
    debug_assertions,
    not(miri),
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
macro_rules! relaxed_store {
    ($cell:expr, $value:expr) => {{
        let cell = $cell as *mut u64;
        let value: u64 = $value;
        // As in `relaxed_load!`: an aligned 64-bit store is single-copy
        // atomic, a relaxed atomic store to `cell` alone.
        #[cfg(target_arch = "x86_64")]
        ::std::arch::asm!("mov qword ptr [{cell}], {value}", cell = in(reg) cell,
            value = in(reg) value, options(nostack, preserves_flags));
        #[cfg(target_arch = "aarch64")]
        ::std::arch::asm!("str {value}, [{cell}]", cell = in(reg) cell,
            value = in(reg) value, options(nostack, preserves_flags));
    }};
}
#[cfg(not(all(
    debug_assertions,
    not(miri),
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
macro_rules! relaxed_store {
    ($cell:expr, $value:expr) => {
        (*($cell as *const ::std::sync::atomic::AtomicU64))
            .store($value, ::std::sync::atomic::Ordering::Relaxed)
    };
}
pub(crate) use relaxed_store;

/// `optimised_load!(address)`, `optimised_store!(address, value)`: the
/// same accesses as `relaxed_load!` and `relaxed_store!`, for code that is
/// only ever compiled with optimisation (the inlined probes, which
/// `#[profile]` names only in an optimised crate): the standard atomics,
/// which optimised compile to one instruction that can fold into the next
/// (a compare, an increment), where the assembly is an opaque block of its
/// own. Through `AtomicU64::from_ptr`, whose standard library code carries
/// no alignment check, where a dereference here would be checked in a
/// build with debug assertions. Unsafe, as those.
macro_rules! optimised_load {
    ($cell:expr) => {
        ::std::sync::atomic::AtomicU64::from_ptr($cell as *mut u64)
            .load(::std::sync::atomic::Ordering::Relaxed)
    };
}
pub(crate) use optimised_load;

/// See `optimised_load!`.
macro_rules! optimised_store {
    ($cell:expr, $value:expr) => {
        ::std::sync::atomic::AtomicU64::from_ptr($cell as *mut u64)
            .store($value, ::std::sync::atomic::Ordering::Relaxed)
    };
}
pub(crate) use optimised_store;

/// `runtime_load!(address)`, `runtime_store!(address, value)`: the
/// accesses of `relaxed_load!` and `relaxed_store!`, for code that only
/// this crate's own build compiles (a function out of line, and what it
/// inlines, that no generic or `#[inline]` function reaches): there the
/// runtime's own optimisation is known (`cfg(memprof_optimised)`, from
/// build.rs), and an optimised runtime gets `optimised_load!`, whatever its
/// debug assertions. Not for code a user's crate may compile (the
/// allocator's, generic over the inner allocator, or an `#[inline]`
/// function): that crate may be unoptimised where the runtime is not
/// (README's debug setting), and needs the assembly there.
#[cfg(memprof_optimised)]
macro_rules! runtime_load {
    ($cell:expr) => {
        $crate::relaxed::optimised_load!($cell)
    };
}
#[cfg(not(memprof_optimised))]
macro_rules! runtime_load {
    ($cell:expr) => {
        $crate::relaxed::relaxed_load!($cell)
    };
}
pub(crate) use runtime_load;

/// See `runtime_load!`.
#[cfg(memprof_optimised)]
macro_rules! runtime_store {
    ($cell:expr, $value:expr) => {
        $crate::relaxed::optimised_store!($cell, $value)
    };
}
#[cfg(not(memprof_optimised))]
macro_rules! runtime_store {
    ($cell:expr, $value:expr) => {
        $crate::relaxed::relaxed_store!($cell, $value)
    };
}
pub(crate) use runtime_store;

/// A relaxed load.
#[inline(always)]
pub(crate) fn load(cell: &AtomicU64) -> u64 {
    // SAFETY: the address of an `AtomicU64`.
    unsafe { relaxed_load!(cell as *const AtomicU64) }
}

/// A relaxed store.
#[inline(always)]
pub(crate) fn store(cell: &AtomicU64, value: u64) {
    // SAFETY: the address of an `AtomicU64`, whose `UnsafeCell` permits
    // writes through a shared reference.
    unsafe { relaxed_store!(cell as *const AtomicU64, value) }
}

/// `load`, in code that only this crate's own build compiles (see
/// `runtime_load!`). Unused where a call's lazy start is assembly.
#[cfg_attr(all(memprof_asm, not(miri)), allow(dead_code))]
#[inline(always)]
pub(crate) fn load_in_runtime(cell: &AtomicU64) -> u64 {
    // SAFETY: the address of an `AtomicU64`.
    unsafe { runtime_load!(cell as *const AtomicU64) }
}

/// A signed counter as the unsigned one of the same bits, for the loads
/// that take an `AtomicU64`.
#[inline(always)]
pub(crate) fn unsigned(cell: &AtomicI64) -> &AtomicU64 {
    // SAFETY: `AtomicI64` has the size, alignment and bit validity of
    // `AtomicU64` (an integer in an `UnsafeCell`).
    unsafe { &*ptr::from_ref(cell).cast::<AtomicU64>() }
}

/// A relaxed load of a signed counter.
#[inline(always)]
pub(crate) fn load_signed(cell: &AtomicI64) -> i64 {
    // SAFETY: `AtomicI64` has the size, alignment and bit validity of
    // `AtomicU64` (an integer in an `UnsafeCell`).
    unsafe { relaxed_load!(cell as *const AtomicI64) as i64 }
}

/// A relaxed store of a signed counter.
#[inline(always)]
pub(crate) fn store_signed(cell: &AtomicI64, value: i64) {
    // SAFETY: as in `load_signed` and `store`.
    unsafe { relaxed_store!(cell as *const AtomicI64, value as u64) }
}

/// A relaxed load of a pointer.
#[inline(always)]
pub(crate) fn load_ptr<T>(cell: &AtomicPtr<T>) -> *mut T {
    #[cfg(target_pointer_width = "64")]
    {
        // SAFETY: on a 64-bit target `AtomicPtr<T>` has the size,
        // alignment and bit validity of `AtomicU64` (an address in an
        // `UnsafeCell`).
        unsafe { relaxed_load!(cell as *const AtomicPtr<T>) as *mut T }
    }
    #[cfg(not(target_pointer_width = "64"))]
    {
        cell.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// A relaxed store of a pointer.
#[inline(always)]
pub(crate) fn store_ptr<T>(cell: &AtomicPtr<T>, value: *mut T) {
    #[cfg(target_pointer_width = "64")]
    {
        // SAFETY: as in `load_ptr`, and as in `store` for the write.
        unsafe { relaxed_store!(cell as *const AtomicPtr<T>, value as u64) }
    }
    #[cfg(not(target_pointer_width = "64"))]
    {
        cell.store(value, std::sync::atomic::Ordering::Relaxed)
    }
}

/// Adds to a counter only one thread writes: a load and a store, no locked
/// instruction. Returns the new value.
#[inline(always)]
pub(crate) fn bump(cell: &AtomicU64, by: u64) -> u64 {
    let value = load(cell).wrapping_add(by);
    store(cell, value);
    value
}

/// Raises a maximum only one thread writes; reads first, so that no new
/// maximum stores nothing.
#[inline(always)]
pub(crate) fn raise(cell: &AtomicU64, value: u64) {
    if value > load(cell) {
        store(cell, value);
    }
}

/// Raises a signed maximum only one thread writes.
#[inline(always)]
pub(crate) fn raise_signed(cell: &AtomicI64, value: i64) {
    if value > load_signed(cell) {
        store_signed(cell, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;
    use std::sync::atomic::Ordering;

    #[test]
    fn loads_and_stores_are_what_the_atomics_hold() {
        let cell = AtomicU64::new(7);
        assert_eq!(load(&cell), 7);
        store(&cell, 9);
        assert_eq!(cell.load(Ordering::Relaxed), 9);
        assert_eq!(bump(&cell, 3), 12);
        raise(&cell, 10);
        assert_eq!(load(&cell), 12);
        raise(&cell, 20);
        assert_eq!(load(&cell), 20);
        let mut target = 5u8;
        let pointer = AtomicPtr::new(ptr::null_mut());
        store_ptr(&pointer, &raw mut target);
        assert_eq!(load_ptr(&pointer), &raw mut target);
        assert_eq!(pointer.load(Ordering::Relaxed), &raw mut target);
        let signed = AtomicI64::new(-5);
        assert_eq!(load_signed(&signed), -5);
        store_signed(&signed, -8);
        assert_eq!(signed.load(Ordering::Relaxed), -8);
        raise_signed(&signed, -9);
        assert_eq!(load_signed(&signed), -8);
        raise_signed(&signed, 3);
        assert_eq!(load_signed(&signed), 3);
        let (at_cell, at_signed) = (&raw const cell, &raw const signed);
        // SAFETY: the addresses of live atomics only this thread writes.
        unsafe {
            relaxed_store!(at_cell, relaxed_load!(at_cell) + 5);
            assert_eq!(relaxed_load!(at_cell), 25);
            relaxed_store!(at_signed, (-11i64) as u64);
            assert_eq!(relaxed_load!(at_signed) as i64, -11);
        }
        assert_eq!(cell.load(Ordering::Relaxed), 25);
        assert_eq!(signed.load(Ordering::Relaxed), -11);
        assert_eq!(load_in_runtime(&cell), 25);
        assert_eq!(load_in_runtime(unsigned(&signed)) as i64, -11);
        // SAFETY: as above.
        unsafe {
            runtime_store!(at_cell, runtime_load!(at_cell) + 2);
        }
        assert_eq!(cell.load(Ordering::Relaxed), 27);
    }
}
