//! `MEMPROF`: whether profiled functions record anything at all.
//!
//! Read once, on the first profiled call of the process; every call after
//! that reads one relaxed byte. A bad value is a one-line message on stderr
//! naming the accepted values, and profiling stays on.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::counting::thread::suspended;
use crate::relaxed;

const UNKNOWN: u64 = 0;
const ON: u64 = 1;
const OFF: u64 = 2;

static STATE: AtomicU64 = AtomicU64::new(UNKNOWN);

/// Whether profiling is on (`MEMPROF` unset, or a value meaning on).
#[inline(always)]
pub(crate) fn on() -> bool {
    let state = relaxed::load(&STATE);
    if state == ON {
        true
    } else if state == OFF {
        false
    } else {
        read()
    }
}

#[cold]
fn read() -> bool {
    let on = suspended(|| match parse(std::env::var("MEMPROF").ok().as_deref()) {
        Ok(on) => on,
        Err(message) => {
            eprintln!("{message}");
            true
        }
    });
    STATE.store(if on { ON } else { OFF }, Ordering::Relaxed);
    on
}

/// `on`, `off`, `1`, `0`, `true`, `false`, in any case; unset or empty is on.
pub(crate) fn parse(value: Option<&str>) -> Result<bool, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(true);
    };
    match value.to_ascii_lowercase().as_str() {
        "on" | "1" | "true" => Ok(true),
        "off" | "0" | "false" => Ok(false),
        _ => Err(format!(
            "memprof: MEMPROF={value:?} is not understood; set MEMPROF to on, off, 1, 0, true or \
             false (profiling stays on)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn on_and_off_in_every_spelling() {
        for on in [
            None,
            Some(""),
            Some("on"),
            Some("ON"),
            Some("1"),
            Some("True"),
        ] {
            assert_eq!(parse(on), Ok(true), "{on:?}");
        }
        for off in ["off", "Off", " 0 ", "false", "FALSE"] {
            assert_eq!(parse(Some(off)), Ok(false), "{off:?}");
        }
    }

    #[test]
    fn anything_else_is_one_line_naming_the_values() {
        assert_eq!(
            parse(Some("maybe")),
            Err(
                "memprof: MEMPROF=\"maybe\" is not understood; set MEMPROF to on, off, 1, 0, true \
                 or false (profiling stays on)"
                    .to_string()
            )
        );
    }
}
