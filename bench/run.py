"""`make bench`: every benchmark in one run, on the national dataset built once.

    .venv/bin/python bench/run.py [--quick]

Runs, in this order, and prints each one's table (also written to bench/out/results.txt):
  1. bench_queries.py    every chart query, median and p95, SQLite and PostgreSQL, uncached and cached
                         (builds the national dataset into bench/out/national.db and civmon_bench once)
  2. bench_dashboard.py  each page's filter-change callbacks over HTTP, uncached, then cached with the two
                         workers sharing Redis; bytes per figure and per page; each page fully drawn in
                         headless Chromium
  3. bench_warm.py       first visits after a data change, the app warming its main pages and not
  4. bench_load.py       gunicorn (2 workers) under 20 and 50 clients for 60 s, cached and uncached,
                         SQLite and PostgreSQL + Redis: requests/s, errors, latency, peak memory per worker
  5. bench_datasette.py  the funding-by-county question against Datasette on the same SQLite file
  6. bench_images.py     20 PNGs for 20 filter sets, cold and warm
  7. bench_scaleout.py   two instances, one PostgreSQL, one Redis: an import through one, seen by the other
The import and demo-build benchmarks (bench_import.py, bench_demo.py) are run on their own (README).
`--quick` shortens the load runs to 10 s and the repeats, to check that everything works.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    repeat = ["--repeat", "5"] if args.quick else []
    steps = [
        ["bench_queries.py", *repeat],
        ["bench_dashboard.py", "--cache", "off", *repeat],
        ["bench_dashboard.py", "--cache", "redis", *repeat],
        ["bench_warm.py", *(["--rounds", "2"] if args.quick else [])],
        ["bench_load.py", *(["--seconds", "10"] if args.quick else [])],
        ["bench_datasette.py", *repeat],
        ["bench_images.py", "--database-url", f"sqlite:///{HERE / 'out' / 'national.db'}"],
        ["bench_scaleout.py"],
    ]
    out = HERE / "out" / "results.txt"
    out.parent.mkdir(exist_ok=True)
    failed = []
    with out.open("w") as log:
        for step in steps:
            title = f"\n=== {' '.join(step)} ({time.strftime('%Y-%m-%d %H:%M:%S')}) ==="
            print(title, flush=True)
            log.write(title + "\n")
            proc = subprocess.Popen([sys.executable, str(HERE / step[0]), *step[1:]], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            for line in proc.stdout:
                print(line, end="", flush=True)
                log.write(line)
            if proc.wait():
                failed.append(step[0])
    print(f"\nwritten to {out}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
