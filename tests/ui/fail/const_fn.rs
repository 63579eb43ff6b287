#[memprof::profile]
const fn answer() -> u32 {
    42
}

// Made `const` by an attribute that runs after ours (as
// `#[rustversion::attr(since(1.83), const)]`): the same error, on it.
#[memprof::profile]
#[memprof_test_macros::attr(const)]
fn made_const() -> u32 {
    43
}

fn main() {
    let _ = answer();
    let _ = made_const();
}
