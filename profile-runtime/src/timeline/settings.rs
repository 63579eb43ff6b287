//! The timeline's settings, from the environment: where the plot goes
//! (`MEMPROF_TIMELINE`, a `.svg` or `.json` path) and how often the heap is
//! sampled (`MEMPROF_INTERVAL`). A bad value is a one-line message on stderr
//! naming the accepted values.

use std::path::PathBuf;

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
}
