#[memprof::profile(max_peak = "24 MX")]
fn work() -> Vec<u8> {
    vec![0; 10]
}

#[memprof::profile(max_increment = 1024)]
fn more() -> Vec<u8> {
    vec![0; 10]
}

fn main() {
    let _ = work();
    let _ = more();
}
