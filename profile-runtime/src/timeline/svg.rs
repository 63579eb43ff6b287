//! The timeline's plot, written as SVG text directly: live heap bytes
//! against time, each profiled function's calls as a shaded span with a
//! bracket and its name, axes with units, and a title with the program's
//! name and the peak. A pure function of the recorded timeline; the axes'
//! tick arithmetic is the small functions at the end.

use std::fmt::Write;

use crate::timeline::sampler::{Span, Timeline};
use crate::units::{auto_unit, format_bytes, Unit};

/// The document's size in pixels.
const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 500.0;
/// The plot area inside it: the title above, the axes' labels to the left
/// and below.
const LEFT: f64 = 84.0;
const RIGHT: f64 = 988.0;
const TOP: f64 = 39.0;
const BOTTOM: f64 = 446.0;

/// Colours of function spans, in first-call order (wrapping).
const PALETTE: [&str; 6] = [
    "#E67814", "#28A03C", "#C82878", "#7850C8", "#1496AA", "#AA8C14",
];
/// The heap line's colour.
const LINE: &str = "#0000FF";
const FONT: &str = "font-family=\"sans-serif\"";

/// The plot of `timeline` as an SVG document.
pub(crate) fn plot(timeline: &Timeline) -> String {
    let peak = timeline.peak();
    // The y axis is in the unit the peak is shown in.
    let (unit, scale) = auto_unit(u128::from(peak));
    let scale = scale as f64;
    let area = Area {
        x_max: timeline
            .samples
            .last()
            .map_or(1.0, |s| s.t_ns as f64 / 1e6)
            .max(timeline.interval.as_secs_f64() * 1e3),
        y_max: (peak as f64 / scale * 1.25).max(1.0),
    };
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         xmlns=\"http://www.w3.org/2000/svg\">"
    );
    let _ = writeln!(
        svg,
        "<rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#FFFFFF\"/>"
    );
    let title = format!(
        "{}: live heap over time (peak {})",
        timeline.program,
        format_bytes(i128::from(peak), Unit::Auto, 1)
    );
    text(&mut svg, WIDTH / 2.0, 26.0, "middle", 18, "#000000", &title);
    axes(&mut svg, &area, unit);
    let spans = timeline.spans();
    // One band near the top per function, for its brackets and names.
    let band = area.y_max * 0.045;
    for (index, name) in timeline.functions.iter().enumerate() {
        let mine: Vec<&Span> = spans.iter().filter(|s| s.function == index).collect();
        let Some(first) = mine.first() else {
            continue;
        };
        let color = PALETTE[index % PALETTE.len()];
        let top = area.y_max - band * (index as f64 + 1.0);
        for span in &mine {
            let (a, b) = (area.x(ms(span.start_ns)), area.x(ms(span.end_ns)));
            let _ = writeln!(
                svg,
                "<rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\" \
                 opacity=\"0.12\"/>",
                area.y(top),
                b - a,
                area.y(0.0) - area.y(top)
            );
            let (hook, bar) = (area.y(top - band * 0.5), area.y(top));
            polyline(&mut svg, color, &[(a, hook), (a, bar), (b, bar), (b, hook)]);
        }
        // The name at the first span: from its start, or ending at its end
        // when it starts near the right edge (so it is not cut off).
        let start = ms(first.start_ns);
        let (x, anchor) = if start > area.x_max * 0.7 {
            (area.x(ms(first.end_ns)), "end")
        } else {
            (area.x(start), "start")
        };
        text(
            &mut svg,
            x,
            area.y(top + band * 0.15),
            anchor,
            13,
            color,
            name,
        );
    }
    // No legend box: the axis names the line, and each bracket its
    // function; a box would cover brackets or the line somewhere.
    let points: Vec<(f64, f64)> = timeline
        .samples
        .iter()
        .map(|s| (area.x(ms(s.t_ns)), area.y(s.live as f64 / scale)))
        .collect();
    polyline(&mut svg, LINE, &points);
    svg.push_str("</svg>\n");
    svg
}

/// The grid, the axes with their ticks and labels, and what each axis
/// measures.
fn axes(svg: &mut String, area: &Area, unit: &str) {
    let x_step = tick_step(area.x_max, 10);
    let y_step = tick_step(area.y_max, 10);
    for value in ticks(area.x_max, x_step) {
        let x = area.x(value);
        grid_line(svg, (x, BOTTOM), (x, TOP));
        let label = tick_label(value, x_step);
        text(svg, x, BOTTOM + 16.0, "middle", 10, "#000000", &label);
    }
    for value in ticks(area.y_max, y_step) {
        let y = area.y(value);
        grid_line(svg, (LEFT, y), (RIGHT, y));
        let label = tick_label(value, y_step);
        text(svg, LEFT - 6.0, y + 3.5, "end", 10, "#000000", &label);
    }
    let _ = writeln!(
        svg,
        "<polyline fill=\"none\" stroke=\"#000000\" points=\"{LEFT},{TOP} {LEFT},{BOTTOM} \
         {RIGHT},{BOTTOM}\"/>"
    );
    let middle = (TOP + BOTTOM) / 2.0;
    let _ = writeln!(
        svg,
        "<text x=\"14\" y=\"{middle}\" text-anchor=\"middle\" {FONT} font-size=\"10\" \
         fill=\"#000000\" transform=\"rotate(270, 14, {middle})\">live heap ({unit})</text>"
    );
    text(
        svg,
        (LEFT + RIGHT) / 2.0,
        HEIGHT - 14.0,
        "middle",
        10,
        "#000000",
        "time since the first profiled call (ms)",
    );
}

/// Where values land in the plot area: `x_max` ms at its right edge,
/// `y_max` (in the axis's unit) at its top.
struct Area {
    x_max: f64,
    y_max: f64,
}

impl Area {
    /// The pixel column of `ms` (clamped to the area: a last span lasts an
    /// interval past the last sample).
    fn x(&self, ms: f64) -> f64 {
        LEFT + (RIGHT - LEFT) * (ms / self.x_max).clamp(0.0, 1.0)
    }

    /// The pixel row of `value`.
    fn y(&self, value: f64) -> f64 {
        BOTTOM - (BOTTOM - TOP) * (value / self.y_max).clamp(0.0, 1.0)
    }
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

fn text(svg: &mut String, x: f64, y: f64, anchor: &str, size: u32, color: &str, content: &str) {
    let _ = writeln!(
        svg,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" {FONT} font-size=\"{size}\" \
         fill=\"{color}\">{}</text>",
        escape(content)
    );
}

fn polyline(svg: &mut String, color: &str, points: &[(f64, f64)]) {
    let _ = write!(
        svg,
        "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\""
    );
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            svg.push(' ');
        }
        let _ = write!(svg, "{x:.1},{y:.1}");
    }
    svg.push_str("\"/>\n");
}

fn grid_line(svg: &mut String, from: (f64, f64), to: (f64, f64)) {
    let _ = writeln!(
        svg,
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#000000\" \
         stroke-opacity=\"0.2\"/>",
        from.0, from.1, to.0, to.1
    );
}

/// `text` with the characters XML gives a meaning escaped (function names
/// have `<` and `>`).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The step between an axis's ticks: 1, 2 or 5 times a power of ten, the
/// smallest that makes at most `most` steps from 0 to `max`.
fn tick_step(max: f64, most: u32) -> f64 {
    let raw = max / f64::from(most);
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

/// The ticks from 0 to `max`, `step` apart.
fn ticks(max: f64, step: f64) -> Vec<f64> {
    (0u32..)
        .map(|i| f64::from(i) * step)
        .take_while(|value| *value <= max * (1.0 + 1e-9))
        .collect()
}

/// A tick's label, with as many decimals as its step needs.
fn tick_label(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10() - 1e-9).ceil() as usize
    };
    format!("{value:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tick_step_is_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(tick_step(7.0, 10), 1.0);
        assert_eq!(tick_step(10.0, 10), 1.0);
        assert_eq!(tick_step(12.5, 10), 2.0);
        assert_eq!(tick_step(37.0, 10), 5.0);
        assert_eq!(tick_step(61.0, 10), 10.0);
        assert_eq!(tick_step(1_900.0, 10), 200.0);
        assert!((tick_step(0.1, 10) - 0.01).abs() < 1e-12);
        assert!((tick_step(0.35, 10) - 0.05).abs() < 1e-12);
        assert_eq!(tick_step(0.0, 10), 1.0);
    }

    #[test]
    fn ticks_run_from_zero_to_the_last_step_within_the_axis() {
        assert_eq!(
            ticks(7.5, 1.0),
            vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
        );
        assert_eq!(ticks(10.0, 2.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(0.5, 1.0), vec![0.0]);
    }

    #[test]
    fn a_tick_label_has_the_decimals_its_step_needs() {
        assert_eq!(tick_label(200.0, 200.0), "200");
        assert_eq!(tick_label(1.5, 0.5), "1.5");
        assert_eq!(tick_label(0.03, 0.01), "0.03");
        assert_eq!(tick_label(0.4, 0.2), "0.4");
    }

    #[test]
    fn a_function_name_is_escaped() {
        assert_eq!(escape("Vec<u8> & co"), "Vec&lt;u8&gt; &amp; co");
    }

    #[test]
    fn a_generic_function_name_leaves_the_document_well_formed() {
        use crate::timeline::sampler::Sample;
        let timeline = Timeline {
            program: "a<b>".into(),
            interval: std::time::Duration::from_millis(1),
            functions: vec!["<Vec<u8> as Extend<&u8>>::extend".into()],
            samples: vec![
                Sample {
                    t_ns: 0,
                    live: 64,
                    active: 1,
                },
                Sample {
                    t_ns: 1_000_000,
                    live: 0,
                    active: 0,
                },
            ],
        };
        let svg = plot(&timeline);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert!(texts.contains(&"<Vec<u8> as Extend<&u8>>::extend"));
        assert!(texts.contains(&"a<b>: live heap over time (peak 64 B)"));
    }

    #[test]
    fn values_map_into_the_plot_area() {
        let area = Area {
            x_max: 10.0,
            y_max: 4.0,
        };
        assert_eq!(area.x(0.0), LEFT);
        assert_eq!(area.x(10.0), RIGHT);
        assert_eq!(area.x(25.0), RIGHT);
        assert_eq!(area.y(0.0), BOTTOM);
        assert_eq!(area.y(4.0), TOP);
        assert_eq!(area.y(2.0), (TOP + BOTTOM) / 2.0);
    }
}
