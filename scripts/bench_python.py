#!/usr/bin/env python3
"""Times Python's memory_profiler on the seed workload, next to memprof's.

Creates a throwaway virtualenv under target/, installs memory_profiler from
PyPI, and times `seed(n)` (append n strings of 1,000 bytes) plain and under
memory_profiler's line-by-line `profile`, with its psutil backend (the
default) and its tracemalloc backend. Writes target/bench-python.json for
scripts/bench_table.py.

`'x' * size` with `size` a parameter: CPython folds `'x' * 1000` into one
constant, which would not allocate at all; the Rust side allocates each
string, and so must this side.
"""

import json
import os
import subprocess
import sys
import venv

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TARGET = os.path.join(ROOT, "target")
VENV = os.path.join(TARGET, "bench-venv")
OUT = os.path.join(TARGET, "bench-python.json")

WORKLOAD = r'''
import json, os, sys, time
from memory_profiler import profile

def seed(n, size):
    data = []
    for _ in range(n):
        data.append('x' * size)
    return data

def timed(f, n):
    start = time.perf_counter()
    kept = f(n, 1000)
    elapsed = time.perf_counter() - start
    assert len(kept) == n and len(kept[-1]) == 1000
    return elapsed

n, backend = int(sys.argv[1]), sys.argv[2]
if backend == "plain":
    print(min(timed(seed, n) for _ in range(5)))
else:
    with open(os.devnull, "w") as sink:
        print(timed(profile(seed, stream=sink, backend=backend), n))
'''


def python_in_venv():
    if not os.path.exists(VENV):
        venv.create(VENV, with_pip=True)
    exe = os.path.join(VENV, "bin", "python")
    subprocess.run([exe, "-m", "pip", "install", "--quiet", "memory_profiler", "psutil"],
                   check=True)
    return exe


def run(exe, script, n, backend):
    out = subprocess.run([exe, script, str(n), backend], check=True, capture_output=True,
                         text=True)
    return float(out.stdout.strip())


def main():
    os.makedirs(TARGET, exist_ok=True)
    exe = python_in_venv()
    script = os.path.join(TARGET, "bench_seed.py")
    with open(script, "w") as f:
        f.write(WORKLOAD)
    n = 200_000
    # The tracemalloc backend snapshots the heap at every line: ~100,000x
    # slower, so it runs on a smaller n, against a plain run of the same n.
    n_small = 2_000
    result = {
        "n": n,
        "plain": run(exe, script, n, "plain"),
        "psutil": run(exe, script, n, "psutil"),
        "n_tracemalloc": n_small,
        "plain_small": run(exe, script, n_small, "plain"),
        "tracemalloc": run(exe, script, n_small, "tracemalloc"),
    }
    with open(OUT, "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
