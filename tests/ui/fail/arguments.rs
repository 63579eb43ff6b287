#[memprof::profile(sample_rate = 10)]
fn work() -> Vec<u8> {
    vec![0; 10]
}

fn main() {
    let _ = work();
}
