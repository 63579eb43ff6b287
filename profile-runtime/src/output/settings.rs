//! The exit report's settings, from the environment: whether it is printed
//! (`MEMPROF_REPORT`) and with the heap's statistics (`MEMPROF_HEAP_STATS`),
//! where it goes (`MEMPROF_OUTPUT`), in which format (`MEMPROF_FORMAT`), and
//! how bytes are shown (`MEMPROF_UNIT`, `MEMPROF_PRECISION`). Read at exit,
//! when the report is written. A bad value is a one-line message on stderr naming the
//! accepted values; the report is written with the default.

use std::path::PathBuf;

use crate::collect::switch::parse_flag;
use crate::output::table::RenderOptions;
use crate::units::Unit;

/// The format the exit report is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Table,
    Json,
}

/// Where and how the exit report is written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct OutputSettings {
    /// Whether the report is printed at exit (`capture`, budgets and
    /// `report()` work either way).
    pub(crate) at_exit: bool,
    /// Whether the heap's statistics follow the report.
    pub(crate) heap_stats: bool,
    pub(crate) output: Option<PathBuf>,
    pub(crate) format: Format,
    pub(crate) render: RenderOptions,
}

/// Reads the output settings; each bad value becomes one message.
pub(crate) fn output_settings() -> (OutputSettings, Vec<String>) {
    let var = |name: &str| std::env::var(name).ok();
    parse_output_settings(
        var("MEMPROF_REPORT"),
        var("MEMPROF_HEAP_STATS"),
        var("MEMPROF_OUTPUT"),
        var("MEMPROF_FORMAT"),
        var("MEMPROF_UNIT"),
        var("MEMPROF_PRECISION"),
    )
}

fn parse_output_settings(
    at_exit: Option<String>,
    heap_stats: Option<String>,
    output: Option<String>,
    format: Option<String>,
    unit: Option<String>,
    precision: Option<String>,
) -> (OutputSettings, Vec<String>) {
    let mut messages = Vec::new();
    let mut flag = |name: &str, value: Option<String>, default: bool, fallback: &str| {
        parse_flag(name, value.as_deref(), default, fallback).unwrap_or_else(|message| {
            messages.push(message);
            default
        })
    };
    let at_exit = flag("MEMPROF_REPORT", at_exit, true, "the report is printed");
    let heap_stats = flag("MEMPROF_HEAP_STATS", heap_stats, false, "not printed");
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
                 KiB, MiB, GiB, KB, MB or GB (using auto)"
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
            at_exit,
            heap_stats,
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
    fn output_settings_defaults() {
        let (settings, messages) = parse_output_settings(None, None, None, None, None, None);
        assert!(settings.at_exit);
        assert!(!settings.heap_stats);
        assert_eq!(settings.output, None);
        assert_eq!(settings.format, Format::Table);
        assert_eq!(settings.render, RenderOptions::default());
        assert!(messages.is_empty());
    }

    #[test]
    fn output_settings_accepts_every_documented_value() {
        let (settings, messages) = parse_output_settings(
            Some("off".into()),
            Some("On".into()),
            Some("out.json".into()),
            Some("json".into()),
            Some("MiB".into()),
            Some("3".into()),
        );
        assert!(!settings.at_exit);
        assert!(settings.heap_stats);
        assert_eq!(settings.output, Some(PathBuf::from("out.json")));
        assert_eq!(settings.format, Format::Json);
        assert_eq!(settings.render.unit, Unit::MiB);
        assert_eq!(settings.render.precision, Some(3));
        assert!(messages.is_empty());
    }

    #[test]
    fn each_bad_value_is_one_line_naming_the_accepted_values() {
        let (settings, messages) = parse_output_settings(
            Some("quiet".into()),
            None,
            None,
            Some("yaml".into()),
            Some("furlongs".into()),
            Some("12".into()),
        );
        assert!(settings.at_exit);
        assert_eq!(settings.format, Format::Table);
        assert_eq!(settings.render, RenderOptions::default());
        assert_eq!(
            messages,
            vec![
                "memprof: MEMPROF_REPORT=\"quiet\" is not understood; set MEMPROF_REPORT to on, \
                 off, 1, 0, true or false (the report is printed)",
                "memprof: MEMPROF_FORMAT=\"yaml\" is not understood; set MEMPROF_FORMAT=table or \
                 MEMPROF_FORMAT=json (using table)",
                "memprof: MEMPROF_UNIT=\"furlongs\" is not understood; set MEMPROF_UNIT to auto, \
                 B, KiB, MiB, GiB, KB, MB or GB (using auto)",
                "memprof: MEMPROF_PRECISION=\"12\" is not understood; set MEMPROF_PRECISION to a \
                 number of decimals from 0 to 9 (using 1)",
            ]
        );
        assert!(messages.iter().all(|m| !m.contains('\n')));
    }
}
