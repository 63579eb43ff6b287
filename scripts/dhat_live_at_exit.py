#!/usr/bin/env python3
"""Cross-checks memprof's Live at exit against valgrind's DHAT.

    cargo build --example leak
    MEMPROF_FORMAT=json MEMPROF_OUTPUT=/tmp/report.json \
        valgrind --tool=dhat --num-callers=60 --dhat-out-file=/tmp/dhat.json \
        target/debug/examples/leak
    scripts/dhat_live_at_exit.py /tmp/dhat.json /tmp/report.json leak::index_document

Sums DHAT's bytes live at exit ("eb") of the allocation points under the
function, leaves out memprof's own memory (its tables and records, which
come from the system allocator directly) and each tracked block's header
(24 bytes; 32 for a hash table's 16-aligned array, see
docs/leak-tracking.md), and prints it beside the sum of memprof's
`live_at_exit` over the function's lines.
"""

import json
import sys


def main(dhat_path, report_path, function):
    dhat = json.load(open(dhat_path))
    frames_of = dhat["ftbl"]
    short = function.rsplit("::", 1)[-1]
    user = 0
    own = 0
    for point in dhat["pps"]:
        frames = [frames_of[i] for i in point["fs"]]
        if not point["eb"] or not any(function in f or f" {short} (" in f for f in frames):
            continue
        if any("memprof_runtime::collect::record" in f or "memprof_runtime::counting::held" in f
               for f in frames[:8]):
            own += point["eb"]
            continue
        over_aligned = any("hashbrown" in f and "RawTable" in f for f in frames)
        header = 32 if over_aligned else 24
        user += point["eb"] - header * point["ebk"]
    report = json.load(open(report_path))
    rows = next(f for f in report["functions"] if f["name"] == function)["lines"]
    memprof = sum(line["live_at_exit"] or 0 for line in rows)
    print(f"DHAT, live at exit under {function}: {user} B requested "
          f"(headers left out; memprof's own {own} B left out)")
    print(f"memprof, Live at exit of {function}: {memprof} B")
    return 0 if user == memprof else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
