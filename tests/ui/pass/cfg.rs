// `#[cfg]` on statements and tails: each configuration compiles as written,
// with warnings denied, and a compiled-out line is not counted as run.
#![deny(warnings)]

memprof::install!();

#[memprof::profile]
pub fn pick() -> u32 {
    #[cfg(all())]
    {
        1
    }
    #[cfg(not(all()))]
    {
        2
    }
}

#[memprof::profile]
pub fn pick_other() -> u32 {
    #[cfg(any())]
    {
        1
    }
    #[cfg(not(any()))]
    {
        2
    }
}

#[memprof::profile]
pub fn matched_or_not(x: u32) -> u32 {
    #[cfg(all())]
    match x {
        0 => 10,
        _ => 20,
    }
    #[cfg(not(all()))]
    x
}

#[memprof::profile]
pub fn returned(x: u32) -> u32 {
    #[cfg(any())]
    return x + 1;
    #[cfg(not(any()))]
    return x + 2;
}

#[memprof::profile]
pub fn aborts_in_one_configuration(fail: bool) -> u32 {
    if fail {
        #[cfg(any())]
        {
            std::process::abort();
        }
        #[cfg(not(any()))]
        {
            return 0;
        }
    }
    7
}

#[memprof::profile]
pub fn compiled_out_let() -> usize {
    #[cfg(any())]
    let v = vec![0u8; 10];
    #[cfg(not(any()))]
    let v = vec![0u8; 20];
    v.len()
}

#[memprof::profile]
#[allow(unreachable_code)]
pub fn after_return() -> u32 {
    return 1;
    #[allow(unreachable_code)]
    2
}

#[memprof::profile]
pub fn unit_tail_chosen_by_cfg(v: &mut Vec<u8>) {
    v.push(1);
    #[cfg(all())]
    v.push(2);
    #[cfg(any())]
    v.push(3)
}

fn main() {
    assert_eq!(pick(), 1);
    assert_eq!(pick_other(), 2);
    assert_eq!(matched_or_not(0), 10);
    assert_eq!(returned(1), 3);
    assert_eq!(aborts_in_one_configuration(true), 0);
    assert_eq!(aborts_in_one_configuration(false), 7);
    assert_eq!(compiled_out_let(), 20);
    assert_eq!(after_return(), 1);
    let mut v = Vec::new();
    unit_tail_chosen_by_cfg(&mut v);
    assert_eq!(v, [1, 2]);

    let report = memprof::report();
    let f = report.function("compiled_out_let").unwrap();
    let out = f.line_containing("vec![0u8; 10]").unwrap();
    assert!(out.stats.is_none(), "a compiled-out line never runs");
    let kept = f.line_containing("vec![0u8; 20]").unwrap().stats.unwrap();
    assert_eq!((kept.occurrences, kept.allocated), (1, 20));
    // The closing brace still frees `v`: the close marker was placed.
    let close = f.lines.last().unwrap().stats.unwrap();
    assert_eq!((close.occurrences, close.freed), (1, 20));
    for name in ["pick", "pick_other", "matched_or_not", "returned"] {
        let close = report.function(name).unwrap().lines.last().unwrap();
        assert_eq!(close.stats.unwrap().occurrences, 1, "{name}");
    }
}
