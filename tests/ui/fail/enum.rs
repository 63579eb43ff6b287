#[memprof::profile]
enum Mode {
    Fast,
    Slow,
}

fn main() {
    let _ = Mode::Fast;
    let _ = Mode::Slow;
}
