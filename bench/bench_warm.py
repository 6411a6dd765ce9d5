"""First visits after the data changed: the app warming its main pages (CIVMON_WARM=1, the default) against not.

    .venv/bin/python bench/bench_warm.py [--rounds 5] [--page /funding ...]

Serves the national dataset that bench/bench_queries.py builds with two gunicorn instances of this checkout, 2 workers
each, each with a Redis database of its own (emptied first), one warming and one not (dashboard/warm.py). Each round
bumps the data version as an import does (the benchmark adds 1 to dataset_info.data_version: every cache key changes,
the numbers do not), waits until the warming instance's log says it has warmed the new version, and prints how long
that took; then opens each page at ?country=RO once on each instance, in a new, empty browser profile, alternating
which goes first. Without warming that is the view's first visit since the change: the page arrives with
placeholders and each chart is drawn by a callback of its own; with warming, the page arrives with its charts.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import sqlalchemy as sa

import bench_dashboard as bd
import bench_pages_ab as ab

ROOT = bd.ROOT
OUT = ROOT / "bench" / "out"
REDIS = {"warm": "redis://127.0.0.1:6379/10", "cold": "redis://127.0.0.1:6379/11"}
WARMED = re.compile(r"warmed (\d+) views in ([\d.]+) s")


def bump(database_url: str) -> None:
    """The data version + 1, as an import leaves it."""
    from queries.db import Database
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        Database.bump_version(conn)
    engine.dispose()


def wait_for_warming(log: Path, rounds_done: int, since: float) -> tuple[float, str]:
    """Seconds from `since` until the log holds rounds_done+1 "warmed" lines, and the last one's figures."""
    while True:
        found = WARMED.findall(log.read_text())
        if len(found) > rounds_done:
            views, seconds = found[-1]
            return time.perf_counter() - since, f"{views} views drawn in {seconds} s"
        if time.perf_counter() - since > 300:
            sys.exit(f"no 'warmed' line in {log} after 300 s:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--page", action="append", choices=list(bd.PAGES), help="(repeatable) default: every page")
    ap.add_argument("--database-url", default=f"sqlite:///{OUT / 'national.db'}")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    logs = {name: OUT / f"warm-{name}.log" for name in REDIS}
    procs, bases = [], {}
    try:
        for name, warming in (("warm", "1"), ("cold", "0")):
            proc, bases[name] = ab.start(ROOT, REDIS[name], args.database_url, {"CIVMON_WARM": warming}, logs[name])
            procs.append(proc)
        warmed = []
        wait_for_warming(logs["warm"], 0, time.perf_counter())  # the round at start-up

        def next_round() -> None:
            since = time.perf_counter()
            bump(args.database_url)
            warmed.append(wait_for_warming(logs["warm"], len(warmed) + 1, since))
        started = time.strftime("%H:%M")
        times = ab.first_visits(bases, args.page or list(bd.PAGES), args.rounds, seen=False, before_round=next_round)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
    print("\nafter each data change: seconds until the warming instance had warmed it (it looks every few seconds)")
    for i, (seconds, figures) in enumerate(warmed, 1):
        print(f"  round {i}: {seconds:.1f} s ({figures})")
    print(f"\nfirst visit (empty browser profile) of a view after the data changed, ?country=RO, Redis, from "
          f"{started}: median of {args.rounds}, instances alternating (target 1.5 s)")
    ab.print_times(times, {"warm": "warming (CIVMON_WARM=1)", "cold": "not warming (0)"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
