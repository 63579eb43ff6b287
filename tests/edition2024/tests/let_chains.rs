//! Let chains behave as written and their lines are counted exactly.

use memprof_edition2024::{even_sum, long_words};

memprof::install!();

#[test]
fn let_chains_in_while_and_if() {
    let values = [Some(2), None, Some(3), Some(4), Some(10), Some(6)];
    assert_eq!(even_sum(&values, 6), 6);
    let report = memprof::report();
    let f = report.function("even_sum").unwrap();
    // Four values are taken before `total < limit` fails: 2, None, 3, 4.
    let header = f
        .line_containing("while let Some(value)")
        .unwrap()
        .stats
        .unwrap();
    assert_eq!(header.occurrences, 5);
    let add = f.line_containing("total += v;").unwrap().stats.unwrap();
    assert_eq!(add.occurrences, 2);
}

#[test]
fn let_chains_with_allocations() {
    let kept = long_words("a bb 3ccc dddd eeeee", 3);
    assert_eq!(kept, ["dddd", "eeeee"]);
    let report = memprof::report();
    let f = report.function("long_words").unwrap();
    let push = f
        .line_containing("kept.push(word.to_string())")
        .unwrap()
        .stats
        .unwrap();
    assert_eq!((push.occurrences, push.allocs, push.allocated), (2, 2, 9));
    let with_capacity = f
        .line_containing("Vec::with_capacity(8)")
        .unwrap()
        .stats
        .unwrap();
    assert_eq!(with_capacity.allocated, 8 * 24);
}
