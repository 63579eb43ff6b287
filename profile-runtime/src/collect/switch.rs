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

/// `MEMPROF`: on unless it says off.
pub(crate) fn parse(value: Option<&str>) -> Result<bool, String> {
    parse_flag("MEMPROF", value, true, "profiling stays on")
}

/// An on/off setting `name`: `on`, `off`, `1`, `0`, `true`, `false`, in any
/// case; unset or empty is `default`. Anything else is the one-line message,
/// ending with what happens instead (`fallback`).
pub(crate) fn parse_flag(
    name: &str,
    value: Option<&str>,
    default: bool,
    fallback: &str,
) -> Result<bool, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(default);
    };
    match value.to_ascii_lowercase().as_str() {
        "on" | "1" | "true" => Ok(true),
        "off" | "0" | "false" => Ok(false),
        _ => Err(format!(
            "memprof: {name}={value:?} is not understood; set {name} to on, off, 1, 0, true or \
             false ({fallback})"
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
    fn other_settings_name_themselves_and_their_default() {
        assert_eq!(
            super::parse_flag("MEMPROF_REPORT", None, true, "the report is printed"),
            Ok(true)
        );
        assert_eq!(
            super::parse_flag("MEMPROF_HEAP_STATS", Some("yes"), false, "not printed"),
            Err(
                "memprof: MEMPROF_HEAP_STATS=\"yes\" is not understood; set MEMPROF_HEAP_STATS \
                 to on, off, 1, 0, true or false (not printed)"
                    .to_string()
            )
        );
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
