//! Call cost: functions of 1, 10 and 100 statements, one that allocates
//! 64 B, and a statement in a loop, each profiled against the same function
//! as written. `scripts/bench` runs it built in release and in debug (as
//! `cargo test` builds), each with and without `MEMPROF=off`; the group's
//! name says which (`call_cost_release`, `call_cost_debug_off`, ...).
//!
//! The `call_cost` example measures the same rows in alternating batches,
//! which a drifting host skews less.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use memprof_bench::{memprof_off, BUILD, CALL_COST_ROWS};

memprof::install!();

/// Criterion's group name for this build and switch.
fn group_name() -> String {
    if memprof_off() {
        format!("call_cost_{BUILD}_off")
    } else {
        format!("call_cost_{BUILD}")
    }
}

fn call_cost(c: &mut Criterion) {
    let mut group = c.benchmark_group(group_name());
    // Each benchmark is a few instructions repeated: a short measurement is
    // as exact, and keeps the debug run short.
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(2));
    for row in &CALL_COST_ROWS {
        // Throughput in the row's unit (a call, or a statement), so that
        // criterion's per-element time is the row's.
        group.throughput(Throughput::Elements(row.per));
        group.bench_function(format!("{}/plain", row.id), |b| {
            b.iter(|| (row.plain)(black_box(1)))
        });
        group.bench_function(format!("{}/profiled", row.id), |b| {
            b.iter(|| (row.profiled)(black_box(1)))
        });
    }
    group.finish();
}

criterion_group!(benches, call_cost);
criterion_main!(benches);
