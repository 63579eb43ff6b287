// Whether the compiler running the attribute is rustdoc.
//
// rustdoc expands a crate only to document its items or to collect its
// doctests: no function body it expands is ever compiled or run (each
// doctest is a crate of its own, linked against the library cargo built
// with rustc). There the attribute leaves the item as written, which
// spares rustdoc the instrumentation (most of what collecting a profiled
// crate's doctests cost; see docs/performance.md) and documents each
// signature exactly as written (no parameter renamed, see `params.rs`). The arguments are still checked;
// what only the instrumentation finds (a `const fn`, a body another macro
// hid) is reported by rustc's build of the same crate.
//
// No `cfg` says "rustdoc" to a proc macro, which runs before `cfg`s are
// evaluated, and `#[cfg(doc)]` on the output loses the items' doctests (see
// `expand.rs`); the compiler process's executable does. Any other name,
// or none (neither the executable nor its invocation can be read), means
// rustc: the item is instrumented as before.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Whether this compiler process is rustdoc (decided once per process).
pub(crate) fn running_in_rustdoc() -> bool {
    static RUSTDOC: OnceLock<bool> = OnceLock::new();
    *RUSTDOC.get_or_init(|| {
        // The executable as the system resolves it, and as it was invoked
        // (a packaged toolchain may link `rustdoc` to a versioned name).
        let names = [
            std::env::current_exe().ok(),
            std::env::args_os().next().map(PathBuf::from),
        ];
        names
            .iter()
            .flatten()
            .any(|path| is_rustdoc(path.file_stem()))
    })
}

/// Whether an executable's name (without extension) is rustdoc's.
fn is_rustdoc(stem: Option<&OsStr>) -> bool {
    stem == Some(OsStr::new("rustdoc"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn only_rustdoc_is_rustdoc() {
        let stem = |path: &str| Path::new(path).file_stem().map(OsStr::to_owned);
        assert!(is_rustdoc(
            stem("/root/.rustup/toolchains/stable/bin/rustdoc").as_deref()
        ));
        assert!(is_rustdoc(stem(r"rustdoc.exe").as_deref()));
        assert!(!is_rustdoc(stem("/usr/bin/rustc").as_deref()));
        assert!(!is_rustdoc(stem("/usr/bin/clippy-driver").as_deref()));
        assert!(!is_rustdoc(stem("/usr/bin/rustdoc-wrapper").as_deref()));
        assert!(!is_rustdoc(None));
    }
}
