#[memprof::profile(label = "a", label = "b")]
fn work() -> Vec<u8> {
    vec![0; 10]
}

fn main() {
    let _ = work();
}
