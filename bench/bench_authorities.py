"""The authorities table, an authority's figures and the record tables on the national dataset, uncached.

    .venv/bin/python bench/bench_authorities.py [--sqlite PATH] [--pg URL] [--repeat 15]

Targets (issue "every authority and every recipient has a page"): a page of 50 rows of the authorities table, any
sort, p95 <= 150 ms uncached; a page of a record table p95 <= 100 ms. Each timing is the reporting layer's whole
answer to one request with nothing cached: the table's query for the filter, then its search, sort and page; a
record page's count and rows. Builds the national dataset first when the database lacks it (bench_queries does
the same).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_queries import ensure_national, ensure_pg_database  # noqa: E402
from queries import authorities as au, db, make_filter, records, registry  # noqa: E402

SCENARIOS = {"all countries": {}, "country RO": dict(country="RO"), "region RO-CJ": dict(region="RO-CJ"),
             "RO 2021-2023": dict(country="RO", year_from=2021, year_to=2023)}
SORTS = (("name", False), ("late", True), ("amount", True), ("competitive_share_pct", False))


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def bench(engine, repeat: int) -> list[tuple[str, str, float, float]]:
    out = []
    table = registry.get("authorities")
    for name, filters in SCENARIOS.items():
        f = make_filter(**filters)
        samples = []
        for i in range(repeat + 1):
            sort, desc = SORTS[i % len(SORTS)]
            t0 = time.perf_counter()
            df = table.run(f, engine)
            au.authority_table(df, sort=sort, descending=desc, start=50, rows=50)
            if i:  # the first run warms the statement caches, as a running server's are
                samples.append((time.perf_counter() - t0) * 1000)
        out.append(("authorities page", name, *_stats(samples)))
    for kind in ("grants", "consultations", "trainings"):
        for name, filters in SCENARIOS.items():
            f = make_filter(**filters)
            samples = []
            for i in range(repeat + 1):
                sort = (None, records.COLUMNS[kind][1], records.COLUMNS[kind][0])[i % 3]
                t0 = time.perf_counter()
                records.page(kind, f, sort=sort, start=100, rows=50, engine=engine)
                if i:
                    samples.append((time.perf_counter() - t0) * 1000)
            out.append((f"records {kind}", name, *_stats(samples)))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sqlite", default=str(ROOT / "bench" / "out" / "national.db"))
    p.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/civmon_bench")
    p.add_argument("--only", choices=("sqlite", "postgres"))
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args(argv)
    targets = []
    if args.only != "postgres":
        Path(args.sqlite).parent.mkdir(parents=True, exist_ok=True)
        targets.append(("sqlite", f"sqlite:///{args.sqlite}"))
    if args.only != "sqlite":
        ensure_pg_database(args.pg)
        targets.append(("postgres", args.pg))
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print(f"{'engine':9} {'what':24} {'filter':14} {'median ms':>10} {'p95 ms':>8}")
    for kind, url in targets:
        engine = db.get_engine(url)
        ensure_national(engine)
        for what, name, median, p95 in bench(engine, args.repeat):
            print(f"{kind:9} {what:24} {name:14} {median:10.1f} {p95:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
