#!/usr/bin/env python3
"""Prints memprof's benchmark results as one table of ratios.

Reads criterion's estimates (target/criterion/<group>/<bench>/new/estimates.json)
written by `cargo bench -p memprof-bench`, and, if present, the outputs of
the alloc_interleaved example, scripts/seed_sweep, scripts/seed_layouts and
the seed_sweep run in calls of 2,000 strings, and the Python
memory_profiler timings written by scripts/bench_python.py.
Every ratio is taken between two benchmarks of the same run.
"""

import json
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CRITERION = os.path.join(ROOT, "target", "criterion")
PYTHON = os.path.join(ROOT, "target", "bench-python.json")
INTERLEAVED = os.path.join(ROOT, "target", "bench-interleaved.txt")
SEED_SWEEP = os.path.join(ROOT, "target", "bench-seed-sweep.txt")
WORKLOADS_INTERLEAVED = os.path.join(ROOT, "target", "bench-workloads-interleaved.txt")
SEED_LAYOUTS = os.path.join(ROOT, "target", "bench-seed-layouts.txt")
SEED_CACHED = os.path.join(ROOT, "target", "bench-seed-cached.txt")
CALL_COST = os.path.join(ROOT, "target", "bench-call-cost.txt")

# The call-cost rows (benches/src/lib.rs, CALL_COST_ROWS): criterion id,
# what the tables print, and what the figure is per (a call, or each of a
# loop call's 100 iterations × 4 statements).
CALL_COST_ROWS = (
    ("1_statement", "call of a 1-statement function", 1),
    ("10_statements", "call of a 10-statement function", 1),
    ("100_statements", "call of a 100-statement function", 1),
    ("allocates_64", "call of a function allocating 64 B", 1),
    ("loop_statement", "statement in a loop", 400),
)

# Issue targets for the call cost, by build and row.
CALL_COST_TARGETS = {
    ("release", "1_statement"): "≤ 10 ns",
    ("release", "10_statements"): "≤ 20 ns",
    ("release", "loop_statement"): "≤ 1 ns",
    ("release", "allocates_64"): "≤ 15 ns",
    ("release, MEMPROF=off", "10_statements"): "≤ 2 ns",
    ("debug", "10_statements"): "≤ 100 ns",
    ("debug", "loop_statement"): "≤ 10 ns",
    ("debug, MEMPROF=off", "loop_statement"): "≤ 2 ns",
}
CALL_COST_GROUPS = (
    ("release", "call_cost_release"),
    ("release, MEMPROF=off", "call_cost_release_off"),
    ("debug", "call_cost_debug"),
    ("debug, MEMPROF=off", "call_cost_debug_off"),
    ("debug, runtime at opt-level 3", None),
    ("debug, runtime at opt-level 3, MEMPROF=off", None),
)

# Strings the seed workload makes per run.
SEED_STRINGS = 200_000

# Executed statements per call of the probe benchmark's function.
PROBES_PER_CALL = 10_000 * 4


def median_ns(group, bench):
    path = os.path.join(CRITERION, group, bench.replace("/", "_"), "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except FileNotFoundError:
        return None


def last_match(path, pattern):
    """The groups of the last line of `path` that matches `pattern`, or None."""
    try:
        with open(path) as f:
            found = [m.groups() for m in map(re.compile(pattern).search, f) if m]
    except FileNotFoundError:
        return None
    return found[-1] if found else None


def fmt_ns(ns):
    if ns is None:
        return "n/a"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.2f} ns"


def ratio(a, b):
    return "n/a" if a is None or b is None else f"{a / b:.2f}×"


def call_cost_rows():
    """Extra nanoseconds of each profiled row over the row as written: from
    criterion, and from the call_cost example's alternating batches."""
    rows = []
    for build, group in CALL_COST_GROUPS:
        for bench, what, per in CALL_COST_ROWS:
            criterion = None
            if group is not None:
                plain = median_ns(group, f"{bench}/plain")
                profiled = median_ns(group, f"{bench}/profiled")
                if plain is not None and profiled is not None:
                    criterion = (profiled - plain) / per
            batches = last_match(CALL_COST, rf"call cost \({re.escape(build)}\): {re.escape(what)}: "
                                            r"([-+][\d.]+) ns \(quartiles ([-\d.]+) to ([-\d.]+)\)")
            if criterion is None and batches is None:
                continue
            measured = []
            if criterion is not None:
                measured.append(f"{criterion:+.2f} ns (criterion)")
            if batches is not None:
                median, low, high = batches
                measured.append(f"{median} ns (alternating batches, quartiles {low} to {high})")
            rows.append((f"call cost ({build}): {what}", ", ".join(measured), "",
                         CALL_COST_TARGETS.get((build, bench), "")))
    return rows


def main():
    rows = call_cost_rows()  # (what, measured, ratio, target)

    unprofiled = median_ns("probe", "unprofiled")
    profiled = median_ns("probe", "profiled")
    per_probe = None
    if unprofiled is not None and profiled is not None:
        per_probe = (profiled - unprofiled) / PROBES_PER_CALL
    rows.append(("probe: cost per executed statement", fmt_ns(per_probe), "", "≤ 3 ns"))
    one = median_ns("probe_threads", "profiled_1_thread")
    two = median_ns("probe_threads", "profiled_2_threads")
    rows.append(("probe: 2 threads vs 1 (time per call)", f"{fmt_ns(two)} vs {fmt_ns(one)}",
                 ratio(two, one), "≤ 1.30×"))

    for threads in (1, 2):
        group = f"alloc_{threads}t"
        for pattern, label in (("64B", "alloc+free 64 B"), ("4KiB", "alloc+free 4 KiB"),
                               ("growth", "realloc growth 16 B → 64 KiB")):
            system = median_ns(group, f"system/{pattern}")
            stats = median_ns(group, f"stats_alloc/{pattern}")
            memprof = median_ns(group, f"memprof/{pattern}")
            target = ""
            if pattern == "64B":
                target = "≤ 1.25× System" if threads == 1 else "≤ 1.30× StatsAlloc"
            rows.append((f"allocator, {threads} thread{'s' if threads > 1 else ''}: {label}",
                         f"memprof {fmt_ns(memprof)}, StatsAlloc {fmt_ns(stats)}, System {fmt_ns(system)}",
                         f"{ratio(memprof, system)} System, {ratio(memprof, stats)} StatsAlloc",
                         target))

    for where, label, target in (
            ("outside profiled code", "alloc+free 64 B, alternating batches", "≤ 1.25× System"),
            ("inside a profiled line", "alloc+free 64 B inside a profiled line (tracked)",
             "≤ 2.5× System")):
        interleaved = last_match(INTERLEAVED, where + r", interleaved: memprof ([\d.]+) ns, "
                                 r"System ([\d.]+) ns: ([\d.]+)× \(quartiles ([\d.]+)× to ([\d.]+)×")
        if interleaved:
            memprof, system, median, q1, q3 = interleaved
            rows.append((f"allocator, 1 thread: {label}",
                         f"memprof {memprof} ns, System {system} ns (quartiles {q1}× to {q3}×)",
                         f"{median}× System", target))

    for group, label in (("seed", "seed: 200,000 strings of 1,000 B"),
                         ("word_index", "word index over 20,000 lines"),
                         ("churn", "HashMap<u64, Vec<u64>> churn")):
        unprofiled = median_ns(group, "unprofiled")
        profiled = median_ns(group, "profiled")
        allocator_only = median_ns(group, "allocator_only")
        measured = f"{fmt_ns(profiled)} vs {fmt_ns(unprofiled)}"
        if group == "seed" and profiled is not None and unprofiled is not None:
            measured += f" (+{(profiled - unprofiled) / SEED_STRINGS:.1f} ns per string)"
        # The runtime's targets, and (after the slash) those with every
        # block of the profiled calls tracked (Retained, Live at exit).
        target = {"seed": "≤ 1.10× / 1.20×", "word_index": "≤ 1.15× / 1.25×",
                  "churn": "≤ 1.25×"}[group]
        rows.append((f"workload, {label}: profiled / unprofiled", measured,
                     ratio(profiled, unprofiled), target))
        rows.append(("  (of which the allocator alone)",
                     f"{fmt_ns(allocator_only)} vs {fmt_ns(unprofiled)}",
                     ratio(allocator_only, unprofiled), ""))
    # The same two workloads in alternating runs, which a drifting host
    # skews less than criterion's one-after-the-other medians.
    for label, target in (("word index over 20,000 lines", "≤ 1.15× / 1.25×"),
                          ("HashMap<u64, Vec<u64>> churn", "≤ 1.25×")):
        found = last_match(WORKLOADS_INTERLEAVED, re.escape(label) +
                           r", profiled / unprofiled, alternating runs: ([\d.]+)× \(quartiles "
                           r"([\d.]+)× to ([\d.]+)×, (\d+) rounds; unprofiled ([\d.]+) ms, "
                           r"profiled ([\d.]+) ms\)")
        if found:
            median, q1, q3, count, plain_ms, profiled_ms = found
            rows.append((f"workload, {label}, {count} alternating runs",
                         f"{profiled_ms} ms vs {plain_ms} ms (quartiles {q1}× to {q3}×)",
                         f"{median}×", target))
    # The seed ratio's spread: over heap offsets, and over code layouts.
    for path, where, over, script in ((SEED_SWEEP, "at", "heap offsets", "seed_sweep"),
                                      (SEED_LAYOUTS, "in", "code layouts", "seed_layouts")):
        spread = last_match(path, rf"over (\d+) {over}: min ([\d.]+)×, median ([\d.]+)×, "
                                  r"max ([\d.]+)×")
        if spread:
            count, low, median, high = spread
            rows.append((f"workload, seed {where} {count} {over} (scripts/{script})",
                         f"from {low}× to {high}×", f"{median}× (median)", "≤ 1.10× / 1.20×"))
    # The same 200,000 strings in calls small enough to stay in the cache.
    cached = last_match(SEED_CACHED, r": ([\d.]+)×  \(unprofiled ([\d.]+) ms, profiled ([\d.]+) ms, "
                                     r"\+([\d.]+) ns per string; (\d+) calls of (\d+) strings")
    if cached:
        cached_ratio, plain_ms, profiled_ms, per_string, calls, per_call = cached
        rows.append((f"workload, seed in cache: {int(calls):,} calls of {int(per_call):,} strings",
                     f"{profiled_ms} ms vs {plain_ms} ms (+{per_string} ns per string)",
                     f"{cached_ratio}×", ""))
    unprofiled = median_ns("seed", "unprofiled")
    dhat = median_ns("seed", "dhat")
    rows.append(("peer: dhat-rs heap profiler on the seed workload",
                 f"{fmt_ns(dhat)} vs {fmt_ns(unprofiled)}", ratio(dhat, unprofiled), ""))

    if os.path.exists(PYTHON):
        with open(PYTHON) as f:
            py = json.load(f)
        rows.append((f"peer: Python memory_profiler (psutil) on the seed workload, n={py['n']:,}",
                     f"{py['psutil']:.2f} s vs {py['plain']:.4f} s",
                     f"{py['psutil'] / py['plain']:,.0f}×", ""))
        rows.append((f"peer: Python memory_profiler (tracemalloc), n={py['n_tracemalloc']:,}",
                     f"{py['tracemalloc']:.2f} s vs {py['plain_small']:.5f} s",
                     f"{py['tracemalloc'] / py['plain_small']:,.0f}×", ""))

    widths = [max(len(r[i]) for r in rows + [("what", "measured (median)", "ratio", "target")])
              for i in range(4)]
    header = ("what", "measured (median)", "ratio", "target")
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-|-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
