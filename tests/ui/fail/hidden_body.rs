// A body another attribute macro moved into a closure cannot be measured
// line by line: one error naming the fix.
memprof::install!();

#[memprof_test_macros::into_closure]
#[memprof::profile]
fn work() -> usize {
    let v = vec![0u8; 10];
    v.len()
}

fn main() {
    work();
}
