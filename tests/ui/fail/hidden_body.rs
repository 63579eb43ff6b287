// A body another attribute macro moved into a closure, or into a function
// of its own, cannot be measured line by line: one error naming the fix.
memprof::install!();

#[memprof_test_macros::into_closure]
#[memprof::profile]
fn in_closure() -> usize {
    let v = vec![0u8; 10];
    v.len()
}

#[memprof_test_macros::into_inner_fn]
#[memprof::profile]
fn in_inner_fn() -> usize {
    let v = vec![0u8; 10];
    v.len()
}

fn main() {
    in_closure();
    in_inner_fn();
}
