#[memprof::profile(max_peak = "1 MiB", max_peak = "2 MiB")]
fn work() -> Vec<u8> {
    vec![0; 10]
}

fn main() {
    let _ = work();
}
