// Settings from the environment.
//
// `MEMPROF` is read on the first profiled call (it decides whether frames
// record anything); the output settings are read at exit, when the report is
// written. A bad value is a one-line message on stderr naming the accepted
// values; the program keeps running with the default.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::render::{RenderOptions, Unit};
use crate::thread::suspended;

const UNKNOWN: u8 = 0;
const ON: u8 = 1;
const OFF: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);

/// Whether profiling is on (`MEMPROF` unset, `on` or `1`).
#[inline(always)]
pub(crate) fn enabled() -> bool {
    match STATE.load(Ordering::Relaxed) {
        ON => true,
        OFF => false,
        _ => read_enabled(),
    }
}

#[cold]
fn read_enabled() -> bool {
    let on = suspended(
        || match parse_switch(std::env::var("MEMPROF").ok().as_deref()) {
            Ok(on) => on,
            Err(message) => {
                eprintln!("{message}");
                true
            }
        },
    );
    STATE.store(if on { ON } else { OFF }, Ordering::Relaxed);
    on
}

fn parse_switch(value: Option<&str>) -> Result<bool, String> {
    match value.map(str::trim) {
        None | Some("") | Some("on") | Some("1") => Ok(true),
        Some("off") | Some("0") => Ok(false),
        Some(other) => Err(format!(
            "memprof: MEMPROF={other:?} is not understood; set MEMPROF=on or MEMPROF=off \
             (profiling stays on)"
        )),
    }
}

/// Where the heap-over-time plot goes, and how often the heap is sampled.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TimelineSettings {
    pub(crate) path: PathBuf,
    pub(crate) format: TimelineFormat,
    pub(crate) interval: std::time::Duration,
}

/// The kind of file `MEMPROF_TIMELINE` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimelineFormat {
    Svg,
    Json,
}

/// Reads `MEMPROF_TIMELINE` and `MEMPROF_INTERVAL`; `None` when no plot is
/// asked for (or the path's kind is not understood, which is a message).
pub(crate) fn timeline_settings() -> (Option<TimelineSettings>, Vec<String>) {
    parse_timeline_settings(
        std::env::var("MEMPROF_TIMELINE").ok(),
        std::env::var("MEMPROF_INTERVAL").ok(),
    )
}

fn parse_timeline_settings(
    path: Option<String>,
    interval: Option<String>,
) -> (Option<TimelineSettings>, Vec<String>) {
    let mut messages = Vec::new();
    let interval = match interval.as_deref().map(str::trim) {
        None | Some("") => std::time::Duration::from_millis(1),
        Some(text) => match parse_interval(text) {
            Some(d) => d,
            None => {
                messages.push(format!(
                    "memprof: MEMPROF_INTERVAL={text:?} is not understood; set it to a duration \
                     from 100us to 10s, like 1ms, 500us or 0.5s (using 1ms)"
                ));
                std::time::Duration::from_millis(1)
            }
        },
    };
    let Some(path) = path.filter(|p| !p.trim().is_empty()) else {
        return (None, messages);
    };
    let format = if path.ends_with(".svg") {
        TimelineFormat::Svg
    } else if path.ends_with(".json") {
        TimelineFormat::Json
    } else {
        messages.push(format!(
            "memprof: MEMPROF_TIMELINE={path:?} is not understood; name a file ending in .svg \
             (a plot) or .json (the samples) (no timeline recorded)"
        ));
        return (None, messages);
    };
    (
        Some(TimelineSettings {
            path: PathBuf::from(path),
            format,
            interval,
        }),
        messages,
    )
}

/// `1ms`, `500us`, `0.5s`, `2 ms`: between 100 µs and 10 s.
fn parse_interval(text: &str) -> Option<std::time::Duration> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "s" => number,
        "ms" => number / 1e3,
        "us" | "µs" => number / 1e6,
        _ => return None,
    };
    (1e-4..=10.0)
        .contains(&seconds)
        .then(|| std::time::Duration::from_secs_f64(seconds))
}

/// The format the exit report is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Table,
    Json,
}

/// Where and how the exit report is written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct OutputSettings {
    pub(crate) output: Option<PathBuf>,
    pub(crate) format: Format,
    pub(crate) render: RenderOptions,
}

/// Reads the output settings; each bad value becomes one message.
pub(crate) fn output_settings() -> (OutputSettings, Vec<String>) {
    let var = |name: &str| std::env::var(name).ok();
    parse_output_settings(
        var("MEMPROF_OUTPUT"),
        var("MEMPROF_FORMAT"),
        var("MEMPROF_UNIT"),
        var("MEMPROF_PRECISION"),
    )
}

fn parse_output_settings(
    output: Option<String>,
    format: Option<String>,
    unit: Option<String>,
    precision: Option<String>,
) -> (OutputSettings, Vec<String>) {
    let mut messages = Vec::new();
    let output = output
        .filter(|path| !path.trim().is_empty())
        .map(PathBuf::from);
    let format = match format.as_deref().map(str::trim) {
        None | Some("") | Some("table") => Format::Table,
        Some("json") => Format::Json,
        Some(other) => {
            messages.push(format!(
                "memprof: MEMPROF_FORMAT={other:?} is not understood; set MEMPROF_FORMAT=table \
                 or MEMPROF_FORMAT=json (using table)"
            ));
            Format::Table
        }
    };
    let mut render = RenderOptions::default();
    match unit.as_deref().map(str::trim) {
        None | Some("") | Some("auto") => {}
        Some(value) => match Unit::parse(value) {
            Some(unit) => render.unit = unit,
            None => messages.push(format!(
                "memprof: MEMPROF_UNIT={value:?} is not understood; set MEMPROF_UNIT to auto, B, \
                 KiB, MiB or GiB (using auto)"
            )),
        },
    }
    match precision.as_deref().map(str::trim) {
        None | Some("") => {}
        Some(value) => match value.parse::<usize>() {
            Ok(digits) if digits <= 9 => render.precision = Some(digits),
            _ => messages.push(format!(
                "memprof: MEMPROF_PRECISION={value:?} is not understood; set MEMPROF_PRECISION \
                 to a number of decimals from 0 to 9 (using 1)"
            )),
        },
    }
    (
        OutputSettings {
            output,
            format,
            render,
        },
        messages,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_settings_accept_svg_json_and_durations() {
        assert_eq!(parse_timeline_settings(None, None), (None, vec![]));
        let (settings, messages) =
            parse_timeline_settings(Some("heap.svg".into()), Some("500us".into()));
        let settings = settings.unwrap();
        assert_eq!(settings.path, PathBuf::from("heap.svg"));
        assert_eq!(settings.format, TimelineFormat::Svg);
        assert_eq!(settings.interval, std::time::Duration::from_micros(500));
        assert!(messages.is_empty());
        let (settings, _) = parse_timeline_settings(Some("t.json".into()), Some("2 ms".into()));
        let settings = settings.unwrap();
        assert_eq!(settings.format, TimelineFormat::Json);
        assert_eq!(settings.interval, std::time::Duration::from_millis(2));
        assert_eq!(
            parse_timeline_settings(None, Some("0.5s".into())).1,
            Vec::<String>::new()
        );
    }

    #[test]
    fn bad_timeline_settings_are_one_line_each() {
        let (settings, messages) =
            parse_timeline_settings(Some("heap.png".into()), Some("fast".into()));
        assert_eq!(settings, None);
        assert_eq!(
            messages,
            vec![
                "memprof: MEMPROF_INTERVAL=\"fast\" is not understood; set it to a duration from \
                 100us to 10s, like 1ms, 500us or 0.5s (using 1ms)",
                "memprof: MEMPROF_TIMELINE=\"heap.png\" is not understood; name a file ending in \
                 .svg (a plot) or .json (the samples) (no timeline recorded)",
            ]
        );
        assert_eq!(parse_interval("1us"), None);
        assert_eq!(parse_interval("11s"), None);
    }

    #[test]
    fn switch_accepts_on_off_and_rejects_the_rest() {
        assert_eq!(parse_switch(None), Ok(true));
        assert_eq!(parse_switch(Some("on")), Ok(true));
        assert_eq!(parse_switch(Some("1")), Ok(true));
        assert_eq!(parse_switch(Some("off")), Ok(false));
        assert_eq!(parse_switch(Some(" 0 ")), Ok(false));
        assert_eq!(
            parse_switch(Some("maybe")),
            Err(
                "memprof: MEMPROF=\"maybe\" is not understood; set MEMPROF=on or MEMPROF=off \
                 (profiling stays on)"
                    .to_string()
            )
        );
    }

    #[test]
    fn output_settings_defaults() {
        let (settings, messages) = parse_output_settings(None, None, None, None);
        assert_eq!(settings.output, None);
        assert_eq!(settings.format, Format::Table);
        assert_eq!(settings.render, RenderOptions::default());
        assert!(messages.is_empty());
    }

    #[test]
    fn output_settings_accepts_every_documented_value() {
        let (settings, messages) = parse_output_settings(
            Some("out.json".into()),
            Some("json".into()),
            Some("MiB".into()),
            Some("3".into()),
        );
        assert_eq!(settings.output, Some(PathBuf::from("out.json")));
        assert_eq!(settings.format, Format::Json);
        assert_eq!(settings.render.unit, Unit::MiB);
        assert_eq!(settings.render.precision, Some(3));
        assert!(messages.is_empty());
    }

    #[test]
    fn each_bad_value_is_one_line_naming_the_accepted_values() {
        let (settings, messages) = parse_output_settings(
            None,
            Some("yaml".into()),
            Some("furlongs".into()),
            Some("12".into()),
        );
        assert_eq!(settings.format, Format::Table);
        assert_eq!(settings.render, RenderOptions::default());
        assert_eq!(
            messages,
            vec![
                "memprof: MEMPROF_FORMAT=\"yaml\" is not understood; set MEMPROF_FORMAT=table or \
                 MEMPROF_FORMAT=json (using table)",
                "memprof: MEMPROF_UNIT=\"furlongs\" is not understood; set MEMPROF_UNIT to auto, \
                 B, KiB, MiB or GiB (using auto)",
                "memprof: MEMPROF_PRECISION=\"12\" is not understood; set MEMPROF_PRECISION to a \
                 number of decimals from 0 to 9 (using 1)",
            ]
        );
        assert!(messages.iter().all(|m| !m.contains('\n')));
    }
}
