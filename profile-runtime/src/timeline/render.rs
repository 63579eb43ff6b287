//! The timeline as a plot (SVG, drawn with plotters) or as data (JSON): pure
//! functions of the recorded timeline, so tests compare their output.

use std::fmt::Write;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::json_string::push_string;
use crate::timeline::sampler::{Span, Timeline};
use crate::units::{auto_unit, format_bytes, Unit};

/// Colours of function spans, in first-call order (wrapping).
const PALETTE: [RGBColor; 6] = [
    RGBColor(230, 120, 20),
    RGBColor(40, 160, 60),
    RGBColor(200, 40, 120),
    RGBColor(120, 80, 200),
    RGBColor(20, 150, 170),
    RGBColor(170, 140, 20),
];

/// The heap over time as an SVG document: live heap bytes against time,
/// each profiled function's calls as a shaded span with a bracket and its
/// name, axes with units, and a title with the program name and peak.
pub(crate) fn render_svg(timeline: &Timeline) -> String {
    let mut svg = String::new();
    if let Err(error) = draw(timeline, &mut svg) {
        // Drawing into a string fails only on a plotting bug; say so in the
        // document rather than write nothing.
        svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><text x=\"10\" y=\"20\">memprof: the \
             timeline could not be drawn: {}</text></svg>\n",
            escape(&error.to_string())
        );
    }
    svg
}

fn draw(timeline: &Timeline, svg: &mut String) -> Result<(), Box<dyn std::error::Error>> {
    let peak = timeline.peak();
    // The y axis is in the unit the peak is shown in.
    let (unit, scale) = auto_unit(u128::from(peak));
    let scale = scale as f64;
    let end_ms = timeline
        .samples
        .last()
        .map_or(1.0, |s| s.t_ns as f64 / 1e6)
        .max(timeline.interval.as_secs_f64() * 1e3);
    let y_max = (peak as f64 / scale * 1.25).max(1.0);
    let spans = timeline.spans();
    let title = format!(
        "{}: live heap over time (peak {})",
        timeline.program,
        format_bytes(i128::from(peak), Unit::Auto, 1)
    );
    {
        let root = SVGBackend::with_string(svg, (1000, 500)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(42)
            .y_label_area_size(72)
            .build_cartesian_2d(0f64..end_ms, 0f64..y_max)?;
        chart
            .configure_mesh()
            .x_desc("time since the first profiled call (ms)")
            .y_desc(format!("live heap ({unit})"))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;

        // One band near the top per function, for its brackets and names.
        let band = y_max * 0.045;
        for (index, name) in timeline.functions.iter().enumerate() {
            let color = PALETTE[index % PALETTE.len()];
            let mine: Vec<&Span> = spans.iter().filter(|s| s.function == index).collect();
            if mine.is_empty() {
                continue;
            }
            let top = y_max - band * (index as f64 + 1.0);
            chart.draw_series(mine.iter().map(|s| {
                let (a, b) = (s.start_ns as f64 / 1e6, s.end_ns as f64 / 1e6);
                Rectangle::new([(a, 0.0), (b, top)], color.mix(0.12).filled())
            }))?;
            chart.draw_series(mine.iter().map(|s| {
                let (a, b) = (s.start_ns as f64 / 1e6, s.end_ns as f64 / 1e6);
                PathElement::new(
                    vec![
                        (a, top - band * 0.5),
                        (a, top),
                        (b, top),
                        (b, top - band * 0.5),
                    ],
                    color.stroke_width(2),
                )
            }))?;
            // The name at the first span: from its start, or ending at its
            // end when it starts near the right edge (so it is not cut off).
            chart.draw_series(mine.iter().take(1).map(|s| {
                let start = s.start_ns as f64 / 1e6;
                let (x, h_pos) = if start > end_ms * 0.7 {
                    (s.end_ns as f64 / 1e6, HPos::Right)
                } else {
                    (start, HPos::Left)
                };
                let font = ("sans-serif", 13)
                    .into_font()
                    .color(&color)
                    .pos(Pos::new(h_pos, VPos::Bottom));
                Text::new(name.clone(), (x, top + band * 0.15), font)
            }))?;
        }

        // No legend box: the axis names the line, and each bracket its
        // function; a box would cover brackets or the line somewhere.
        chart.draw_series(LineSeries::new(
            timeline
                .samples
                .iter()
                .map(|s| (s.t_ns as f64 / 1e6, s.live as f64 / scale)),
            BLUE.stroke_width(2),
        ))?;
        root.present()?;
    }
    Ok(())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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
    use crate::timeline::sampler::Sample;
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
