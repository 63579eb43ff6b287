# Sourced from the workspace root by scripts/bench, scripts/seed_sweep and
# scripts/seed_layouts: the environment every benchmark runs in, and what
# the two seed repeats share.

# The profiled benchmark functions print their tables at exit; keep them out
# of the way.
export MEMPROF_OUTPUT="$PWD/target/bench-memprof-report.txt"
# glibc returns freed heap tops and large blocks to the kernel; a workload
# that frees 200 MB per iteration then spends most of its time in page
# faults, which buries what the allocators themselves cost in noise. Keep
# freed memory in the process, for every variant alike.
export MALLOC_TRIM_THRESHOLD_=17179869184
export MALLOC_MMAP_THRESHOLD_=33554432

# Runs the seed_sweep example as last built, with its arguments; without
# address-space randomisation where the system allows, so that only what
# the calling script varies moves between runs.
seed_sweep() {
    local bin
    bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/examples/seed_sweep"
    if setarch -R true 2>/dev/null; then
        setarch -R "$bin" "$@"
    else
        "$bin" "$@"
    fi
}

# Prints the smallest, median and largest of the ratios in field $1 of the
# lines on standard input, taken over $2 (say, "heap offsets").
print_spread() {
    awk -v field="$1" '{ print $field + 0 }' | sort -n | awk -v over="$2" '{ r[NR] = $1 } END {
        printf "seed, profiled / unprofiled over %d %s: min %.3f×, median %.3f×, max %.3f×\n", NR, over, r[1], r[int((NR + 1) / 2)], r[NR]
    }'
}
