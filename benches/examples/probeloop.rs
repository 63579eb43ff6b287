//! A loop over one workload, for `perf record` (not a benchmark).
memprof::install!();
fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let mut s = 0;
    for _ in 0..2000 {
        s += match which.as_str() {
            "churn" => memprof_bench::churn_profiled(std::hint::black_box(200_000)) as u64,
            "churn-plain" => memprof_bench::churn(std::hint::black_box(200_000)) as u64,
            "seed" => memprof_bench::seed_profiled(std::hint::black_box(200_000)).len() as u64,
            _ => memprof_bench::arithmetic_profiled(std::hint::black_box(10_000)),
        };
    }
    println!("{s}");
}
