//! The calling thread's state through a thread-local slot of this module's
//! own, for unoptimised builds on x86-64 Linux: every allocation of a test
//! process and every profiled call looks the thread up.
//!
//! Why: the standard library's accessor (`LocalKey::try_with`) is generic,
//! so it is compiled in the crate that uses it, at that crate's
//! optimisation level; unoptimised, each layer of it is a call, about 130
//! instructions a lookup. Here the lookup is one call of a naked function
//! that holds the slot (8 bytes of `.tbss`) and reads it with the ELF
//! general-dynamic sequence: the linker relaxes that to two instructions in
//! an executable, and a shared library, even one loaded with `dlopen`,
//! calls `__tls_get_addr`. The slot holds the address of the thread's
//! `ThreadState` (a `const`, destructor-free thread local, which lives as
//! long as its thread), filled at the thread's first lookup.

use std::ptr;

use super::{ThreadState, THREAD};

/// The address of the calling thread's state. Null only if the standard
/// library's accessor refused, which for a `const`, destructor-free thread
/// local does not happen.
// SAFETY: the body follows the System V ABI of the signature. Its own
// instructions clobber only `rax`, `rcx`, `rdi` and the flags; the call of
// `__tls_get_addr` (in a shared library) is made with the stack aligned to
// 16 bytes, and clobbers at most the caller-saved registers; an empty slot
// goes to `fill`, with its address in `rdi` and the stack as it came. The
// slot is 8 bytes of this thread's TLS block, aligned to 8, read only by
// this thread. The symbol is local to its object file: no other object's
// can clash with it.
#[unsafe(naked)]
pub(crate) extern "sysv64" fn thread_state() -> *const ThreadState {
    std::arch::naked_asm!(
        ".pushsection .tbss,\"awT\",@nobits",
        ".p2align 3",
        ".type memprof_thread_state_slot,@tls_object",
        ".size memprof_thread_state_slot,8",
        "memprof_thread_state_slot:",
        ".zero 8",
        ".popsection",
        // The general-dynamic sequence, byte for byte as the linker
        // expects it to relax it.
        "push rax",
        "data16",
        "lea rdi, [rip + memprof_thread_state_slot@TLSGD]",
        "data16",
        "data16",
        "rex64",
        "call __tls_get_addr@PLT",
        "pop rcx",
        "mov rcx, qword ptr [rax]",
        "test rcx, rcx",
        "jz 2f",
        "mov rax, rcx",
        "ret",
        "2:",
        "mov rdi, rax",
        "jmp {fill}",
        fill = sym fill,
    )
}

/// The thread's first lookup: puts its state's address in its `slot`.
extern "sysv64" fn fill(slot: *mut *const ThreadState) -> *const ThreadState {
    let state = THREAD.try_with(ptr::from_ref).unwrap_or(ptr::null());
    // SAFETY: `slot` is the calling thread's, aligned, and only it writes
    // it.
    unsafe { slot.write(state) };
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_thread_finds_its_own_state_in_its_slot() {
        let here = || {
            let from_slot = thread_state();
            let from_std = THREAD.with(ptr::from_ref);
            assert_eq!(from_slot, from_std);
            // Filled at the first lookup: the second reads it back.
            assert_eq!(thread_state(), from_std);
            from_slot as usize
        };
        let main = here();
        let other = std::thread::spawn(here).join().unwrap();
        assert_ne!(main, other);
    }
}
