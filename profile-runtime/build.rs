//! Tells the runtime whether it is compiled without optimisation:
//! `cfg(memprof_unoptimised)`. On x86-64 the probes are then naked
//! functions of assembly (`collect/call/quiet.rs`), and a call's state is
//! written field by field (`start_fields!` in `collect/call.rs`): both beat
//! unoptimised Rust by far and lose to optimised Rust, so they follow the
//! runtime's own opt-level (README's debug setting raises it to 3), which
//! no `cfg` of the compiler tells.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(memprof_unoptimised)");
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("OPT_LEVEL").as_deref() == Ok("0") {
        println!("cargo::rustc-cfg=memprof_unoptimised");
    }
}
