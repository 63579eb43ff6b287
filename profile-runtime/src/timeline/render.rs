//! The timeline as a plot (SVG) or as data (JSON): pure functions of the
//! recorded timeline, so tests compare their output.

use std::fmt::Write;

use crate::json_string::push_string;
use crate::timeline::sampler::Timeline;
use crate::timeline::svg;

/// The heap over time as an SVG document (see `svg.rs`).
pub(crate) fn render_svg(timeline: &Timeline) -> String {
    svg::plot(timeline)
}

/// The timeline as JSON: the samples (time in ns, live bytes, indices of
/// the functions that ran) and the spans derived from them.
pub(crate) fn render_json(timeline: &Timeline) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "{{\"memprof_timeline\": 1, \"program\": {}, \"interval_ns\": {}, \"peak\": {}, \
         \"functions\": [",
        quote(&timeline.program),
        timeline.interval.as_nanos(),
        timeline.peak()
    );
    for (i, name) in timeline.functions.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&quote(name));
    }
    out.push_str("],\n \"spans\": [");
    for (i, span) in timeline.spans().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "\n  {{\"function\": {}, \"start_ns\": {}, \"end_ns\": {}}}",
            span.function, span.start_ns, span.end_ns
        );
    }
    out.push_str("],\n \"samples\": [");
    for (i, s) in timeline.samples.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let active: Vec<String> = (0..64)
            .filter(|b| s.active & (1 << b) != 0)
            .map(|b| b.to_string())
            .collect();
        let _ = write!(out, "\n  [{}, {}, [{}]]", s.t_ns, s.live, active.join(", "));
    }
    out.push_str("]}\n");
    out
}

fn quote(text: &str) -> String {
    let mut out = String::new();
    push_string(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::sampler::{Sample, Span};
    use std::time::Duration;

    fn sample_timeline() -> Timeline {
        let ms = 1_000_000;
        let s = |t: u64, live: u64, active: u64| Sample {
            t_ns: t * ms,
            live,
            active,
        };
        Timeline {
            program: "demo".into(),
            interval: Duration::from_millis(1),
            functions: vec!["demo::load".into(), "demo::index".into()],
            samples: vec![
                s(0, 1000, 0b01),
                s(1, 3 << 20, 0b01),
                s(2, 5 << 20, 0b01),
                s(3, 5 << 20, 0b00),
                s(4, 6 << 20, 0b10),
                s(5, 2 << 20, 0b00),
                s(6, 2 << 20, 0b10),
            ],
        }
    }

    #[test]
    fn spans_are_runs_of_samples_and_a_lone_sample_lasts_one_interval() {
        let ms = 1_000_000;
        assert_eq!(
            sample_timeline().spans(),
            vec![
                Span {
                    function: 0,
                    start_ns: 0,
                    end_ns: 2 * ms
                },
                Span {
                    function: 1,
                    start_ns: 4 * ms,
                    end_ns: 5 * ms
                },
                Span {
                    function: 1,
                    start_ns: 6 * ms,
                    end_ns: 7 * ms
                },
            ]
        );
        assert_eq!(sample_timeline().peak(), 6 << 20);
    }

    #[test]
    fn the_svg_parses_and_holds_the_samples_spans_axes_and_title() {
        let svg = render_svg(&sample_timeline());
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(|t| t.trim().to_string()))
            .collect();
        assert!(texts.contains(&"demo: live heap over time (peak 6.0 MiB)".to_string()));
        assert!(texts.contains(&"live heap (MiB)".to_string()));
        assert!(texts.contains(&"time since the first profiled call (ms)".to_string()));
        // Each function is named once, at its first span.
        assert_eq!(texts.iter().filter(|t| *t == "demo::load").count(), 1);
        assert_eq!(texts.iter().filter(|t| *t == "demo::index").count(), 1);
        // The heap line has one point per sample.
        let line = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .map(|n| n.attribute("points").unwrap().split_whitespace().count())
            .max()
            .unwrap();
        assert_eq!(line, 7);
        // Three shaded spans (besides the background).
        let shaded = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("opacity") == Some("0.12"))
            .count();
        assert_eq!(shaded, 3);
    }

    #[test]
    fn the_json_holds_every_sample_and_span() {
        let json = render_json(&sample_timeline());
        assert!(json.starts_with(
            "{\"memprof_timeline\": 1, \"program\": \"demo\", \"interval_ns\": 1000000, \
             \"peak\": 6291456, \"functions\": [\"demo::load\", \"demo::index\"],\n \"spans\": ["
        ));
        assert!(json.contains("\n  {\"function\": 1, \"start_ns\": 4000000, \"end_ns\": 5000000}"));
        assert!(json.contains("\n  [2000000, 5242880, [0]]"));
        assert!(json.contains("\n  [3000000, 5242880, []]"));
        assert_eq!(json.matches("\n  [").count(), 7);
    }
}
