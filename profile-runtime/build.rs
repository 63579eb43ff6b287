//! Tells the runtime whether it is compiled without optimisation, which no
//! `cfg` of the compiler tells (README's debug setting raises the runtime's
//! opt-level to 3 while the rest of the build stays at 0):
//! `cfg(memprof_asm)`, on x86-64 Linux, when the runtime is unoptimised: a
//! call's start and end and the probes are naked functions of assembly
//! (`collect/call/quiet.rs`), and the thread is looked up through a slot of
//! the runtime's own (`counting/thread/slot.rs`; also in any build with
//! debug assertions).
//!
//! The assembly beats unoptimised Rust by far and loses to optimised Rust,
//! hence the runtime's own opt-level. Linux only: the assembly names statics
//! through the global offset table and thread-local storage in ELF's terms.
//!
//! `cfg(memprof_optimised)`, on any target, when the runtime is optimised:
//! the code only its own build compiles (a call's lazy start and end) reads
//! its counters as optimised code does, whatever its debug assertions
//! (`runtime_load!` in `relaxed.rs`).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(memprof_asm)");
    println!("cargo::rustc-check-cfg=cfg(memprof_optimised)");
    println!("cargo::rerun-if-changed=build.rs");
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    if env("OPT_LEVEL") != "0" {
        println!("cargo::rustc-cfg=memprof_optimised");
    }
    if env("OPT_LEVEL") == "0"
        && env("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && env("CARGO_CFG_TARGET_OS") == "linux"
    {
        println!("cargo::rustc-cfg=memprof_asm");
    }
}
