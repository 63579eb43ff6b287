memprof::install!();
fn main() {
    let mut s = 0;
    for _ in 0..20000 {
        s += memprof_bench::arithmetic_profiled(std::hint::black_box(10_000));
    }
    println!("{s}");
}
