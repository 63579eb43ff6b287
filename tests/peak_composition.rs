//! What made a call's peak: the call's bytes still live at that moment, by
//! the line that allocated them.

use std::hint::black_box;

use memprof::CallPeak;

mod common;

memprof::install!();

const MIB: usize = 1 << 20;

#[memprof::profile]
fn peaks(scale: usize) -> usize {
    let first = black_box(vec![1u8; MIB * scale]);
    let second = black_box(vec![2u8; 2 * MIB * scale]);
    drop(first);
    let third = black_box(vec![3u8; MIB / 2 * scale]);
    black_box(&second).len() + black_box(&third).len()
}

/// The shape, run only inside a capture.
#[memprof::profile]
fn one_two_half() -> usize {
    let one = black_box(vec![1u8; MIB]);
    let two = black_box(vec![2u8; 2 * MIB]);
    drop(one);
    let half = black_box(vec![3u8; MIB / 2]);
    black_box(&two).len() + black_box(&half).len()
}

#[memprof::profile]
fn spikes_inside() -> usize {
    let base = black_box(vec![0u8; 1000]);
    let spike = spike();
    black_box(&base).len() + spike
}

#[memprof::profile]
fn spike() -> usize {
    let temporary = black_box(vec![0u8; 5000]);
    black_box(&temporary).len()
}

/// One line's share of a peak, as the test expects it.
#[derive(Debug, PartialEq, Eq)]
struct Share {
    line: u32,
    bytes: u64,
}

fn shares(peak: &CallPeak) -> Vec<Share> {
    peak.lines
        .iter()
        .map(|l| Share {
            line: l.line,
            bytes: l.bytes,
        })
        .collect()
}

/// The line number of the first line of this file containing `text`.
fn line_of(text: &str) -> u32 {
    common::line_in(include_str!("peak_composition.rs"), text)
}

#[test]
fn the_peak_is_what_the_call_held_then_by_line() {
    peaks(1);
    peaks(2);
    peaks(1);
    let report = memprof::report();
    let f = report.function("peaks").unwrap();
    // The second call peaked at 2 + 4 MiB, after its first two lines.
    let peak = f.peak.as_ref().unwrap();
    assert_eq!(peak.bytes, 6 * MIB as u64);
    assert_eq!(peak.call, Some(2));
    assert_eq!(
        shares(peak),
        [
            Share {
                line: line_of("let second"),
                bytes: 4 * MIB as u64,
            },
            Share {
                line: line_of("let first"),
                bytes: 2 * MIB as u64,
            },
        ]
    );
    let table = report.to_string();
    assert!(
        table.contains(&format!(
            "\nPeak of one call: 6.0 MiB (call 2 of 3), live then: line {} 4.0 MiB, line {} 2.0 \
             MiB\n",
            line_of("let second"),
            line_of("let first")
        )),
        "{table}"
    );
}

#[test]
fn a_peak_inside_a_callee_counts_on_the_line_that_called_it() {
    spikes_inside();
    let report = memprof::report();
    let f = report.function("spikes_inside").unwrap();
    let peak = f.peak.as_ref().unwrap();
    assert_eq!(peak.bytes, 6000);
    assert_eq!(
        shares(peak),
        [
            Share {
                line: line_of("let spike = spike();"),
                bytes: 5000,
            },
            Share {
                line: line_of("let base"),
                bytes: 1000,
            },
        ]
    );
    assert_eq!(peak.call, Some(1));
}

#[test]
fn one_captured_call_peaks_at_its_first_two_buffers() {
    let (_, report) = memprof::capture(one_two_half);
    let peak = report
        .function("one_two_half")
        .unwrap()
        .peak
        .clone()
        .unwrap();
    // 1 MiB, then 2 MiB, the first freed, then 512 KiB: 3 MiB = 1 + 2.
    assert_eq!(peak.bytes, 3 * MIB as u64);
    assert_eq!(peak.call, Some(1));
    assert_eq!(
        shares(&peak),
        [
            Share {
                line: line_of("let two"),
                bytes: 2 * MIB as u64,
            },
            Share {
                line: line_of("let one"),
                bytes: MIB as u64,
            },
        ]
    );
}
