//! A loop of calls of one profiled function, for counting instructions
//! (`valgrind --tool=callgrind`); not a benchmark.
memprof::install!();
fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let mut x = 1u64;
    let calls: u64 = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    // The word index's text, made only for its two modes.
    let text = if which.starts_with("word") {
        memprof_bench::generate_text(2_000, 12)
    } else {
        Vec::new()
    };
    for _ in 0..calls {
        x = match which.as_str() {
            "plain" => memprof_bench::one_statement(std::hint::black_box(x)),
            "alloc-plain" => memprof_bench::allocates_64(std::hint::black_box(x)),
            "ten" => memprof_bench::ten_statements_profiled(std::hint::black_box(x)),
            "alloc" => memprof_bench::allocates_64_profiled(std::hint::black_box(x)),
            "returns" => memprof_bench::returns_64_profiled(std::hint::black_box(x))[0] as u64,
            "returns-plain" => memprof_bench::returns_64(std::hint::black_box(x))[0] as u64,
            "loop" => memprof_bench::arithmetic_profiled(std::hint::black_box(100)),
            "loop-plain" => memprof_bench::arithmetic(std::hint::black_box(100)),
            "churn" => memprof_bench::churn_profiled(std::hint::black_box(1_000)) as u64,
            // The timed workload's one long call, whose map has stopped
            // growing for most of its rounds.
            "churn-long" => memprof_bench::churn_profiled(std::hint::black_box(200_000)) as u64,
            "churn-long-plain" => memprof_bench::churn(std::hint::black_box(200_000)) as u64,
            "word" => memprof_bench::word_index_profiled(&text).len() as u64,
            "word-plain" => memprof_bench::word_index(&text).len() as u64,
            "churn-plain" => memprof_bench::churn(std::hint::black_box(1_000)) as u64,
            _ => memprof_bench::one_statement_profiled(std::hint::black_box(x)),
        };
    }
    println!("{x}");
}
