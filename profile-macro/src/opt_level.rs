// Whether the crate being expanded is compiled with optimisation.
//
// What the probes cost depends on it. Optimised, a function inlines each
// probe's common case and its closing line keeps the call's handle in a
// register; unoptimised, each probe is a call (inlined, every probe would
// add stack slots of its own) and the closing line finds its call through
// the thread (see the runtime's `collect/probe.rs`). The runtime picks one
// by its own debug assertions, which stand for "unoptimised" in cargo's
// usual profiles but not in an optimised profile that keeps them: memchr's
// `[profile.test]` at `opt-level = 3`, a `[profile.dev]` at 1. There every
// probe was a call into the runtime and every closing line a lookup. No
// `cfg` tells a proc macro the optimisation level; the compiler's command
// line does, and a proc macro runs in the compiler's process.
//
// Only a command line that is rustc's (it names the crate) is read. One
// with an argument file (`@path`), or none (an editor's expansion server),
// says nothing, and the generated code leaves the choice to the runtime,
// as before; so does an unoptimised build, which the runtime's choice
// serves.

use std::sync::OnceLock;

/// Whether the compiler's command line says the crate is optimised
/// (decided once per process).
pub(crate) fn compiled_optimised() -> bool {
    static OPTIMISED: OnceLock<bool> = OnceLock::new();
    *OPTIMISED.get_or_init(|| {
        let args = std::env::args_os().map(|arg| arg.to_string_lossy().into_owned());
        optimised_by(args) == Some(true)
    })
}

/// Whether the rustc command line `args` optimises (`-O`, or an
/// `opt-level` other than 0, the last one given); `None` when `args` is
/// not a rustc command line that can be read whole.
fn optimised_by(args: impl IntoIterator<Item = String>) -> Option<bool> {
    let mut names_a_crate = false;
    let mut optimised = false;
    let mut codegen_option_next = false;
    for arg in args {
        if arg.starts_with('@') {
            return None;
        }
        if arg == "--crate-name" || arg.starts_with("--crate-name=") {
            names_a_crate = true;
        }
        let option = if codegen_option_next {
            codegen_option_next = false;
            Some(arg.as_str())
        } else if arg == "-C" || arg == "--codegen" {
            codegen_option_next = true;
            None
        } else if arg == "-O" {
            optimised = true;
            None
        } else {
            arg.strip_prefix("-C")
                .or_else(|| arg.strip_prefix("--codegen="))
        };
        if let Some(level) = option.and_then(|o| o.strip_prefix("opt-level=")) {
            optimised = level != "0";
        }
    }
    names_a_crate.then_some(optimised)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn optimised(line: &str) -> Option<bool> {
        optimised_by(line.split_whitespace().map(String::from))
    }

    #[test]
    fn cargo_command_lines() {
        // cargo's dev profile passes no opt-level; release and memchr's test
        // profile pass one, as two arguments.
        let dev = "rustc --crate-name memchr --edition=2021 src/lib.rs -C debuginfo=2";
        assert_eq!(optimised(dev), Some(false));
        let release = "rustc --crate-name memchr src/lib.rs -C opt-level=3 -C embed-bitcode=no";
        assert_eq!(optimised(release), Some(true));
        let test = "rustc --crate-name memchr src/lib.rs --test -C opt-level=3 -C debuginfo=2 \
                    -C debug-assertions=on";
        assert_eq!(optimised(test), Some(true));
    }

    #[test]
    fn every_spelling_and_the_last_one_wins() {
        assert_eq!(optimised("rustc --crate-name a -Copt-level=1"), Some(true));
        assert_eq!(
            optimised("rustc --crate-name a --codegen opt-level=s"),
            Some(true)
        );
        assert_eq!(
            optimised("rustc --crate-name a --codegen=opt-level=z"),
            Some(true)
        );
        assert_eq!(optimised("rustc --crate-name a -O"), Some(true));
        // RUSTFLAGS come after the profile's flags.
        assert_eq!(
            optimised("rustc --crate-name a -C opt-level=3 -C opt-level=0"),
            Some(false)
        );
        assert_eq!(
            optimised("rustc --crate-name=a -O -Copt-level=0"),
            Some(false)
        );
        // Another codegen option is not an opt-level.
        assert_eq!(
            optimised("rustc --crate-name a -C lto=fat -C panic=abort"),
            Some(false)
        );
    }

    #[test]
    fn what_cannot_be_read_says_nothing() {
        assert_eq!(optimised("rustc @/tmp/args --crate-name a"), None);
        assert_eq!(optimised("rust-analyzer-proc-macro-srv"), None);
        assert_eq!(optimised(""), None);
    }
}
