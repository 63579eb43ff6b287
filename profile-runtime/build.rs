//! Tells the runtime whether it is compiled without optimisation:
//! `cfg(memprof_unoptimised)`. A probe's quiet path is then one block of
//! inline assembly (`switch_if_quiet` in `collect/call/quiet.rs`), which beats
//! unoptimised Rust by far and loses to optimised Rust, so it follows the
//! runtime's own opt-level (README's debug setting raises it to 3), which
//! no `cfg` of the compiler tells.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(memprof_unoptimised)");
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("OPT_LEVEL").as_deref() == Ok("0") {
        println!("cargo::rustc-cfg=memprof_unoptimised");
    }
}
