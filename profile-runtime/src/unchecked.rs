//! References (and `NonNull`s) made from raw pointers without the checks
//! that a build with debug assertions puts on every dereference written in
//! this crate.
//!
//! Why: with debug assertions (a `cargo test` profile, README's setting
//! that optimises the runtime alone, memchr's optimised test profile),
//! rustc checks each `&*pointer` for null and alignment, two tests and two
//! branches, and a call's start and end make several: 12 of the 143
//! instructions an optimised call's start and end ran. The standard library's
//! `NonNull::as_ref` and `as_mut` make the same reference in code compiled
//! without those checks. Every caller still owes what `&*pointer` owes:
//! a pointer that is not null, aligned, and to a live value.

use std::ptr::NonNull;

/// `NonNull::new_unchecked(pointer)`, without its test for null with debug
/// assertions (nor, in any build, `NonNull::new`'s branch).
///
/// # Safety
///
/// `pointer` is not null.
#[inline(always)]
pub(crate) unsafe fn non_null<T>(pointer: *mut T) -> NonNull<T> {
    // SAFETY: `NonNull<T>` has the layout of `*mut T`, and the caller
    // promises the pointer is not null.
    unsafe { std::mem::transmute::<*mut T, NonNull<T>>(pointer) }
}

/// `&*pointer`, unchecked.
///
/// # Safety
///
/// As for `&*pointer`: not null, aligned, to a live `T` that nothing
/// mutates for `'a`.
#[inline(always)]
pub(crate) unsafe fn as_ref<'a, T>(pointer: *const T) -> &'a T {
    // SAFETY: the caller promises what `non_null` and `as_ref` need.
    unsafe { non_null(pointer.cast_mut()).as_ref() }
}

/// `&mut *pointer`, unchecked.
///
/// # Safety
///
/// As for `&mut *pointer`: not null, aligned, to a live `T` that nothing
/// else reaches for `'a`.
#[inline(always)]
pub(crate) unsafe fn as_mut<'a, T>(pointer: *mut T) -> &'a mut T {
    // SAFETY: as in `as_ref`.
    unsafe { non_null(pointer).as_mut() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_references_are_to_the_values_pointed_at() {
        let mut value = 41u64;
        // SAFETY: a live local, not otherwise borrowed meanwhile.
        unsafe {
            *as_mut(&raw mut value) += 1;
            assert_eq!(*as_ref(&raw const value), 42);
        }
        assert_eq!(value, 42);
        // SAFETY: a live local's address is not null.
        assert_eq!(unsafe { non_null(&raw mut value) }.as_ptr(), &raw mut value);
    }
}
