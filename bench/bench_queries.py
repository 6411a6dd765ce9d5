"""Median and p95 time of every registered query on the national dataset, SQLite and PostgreSQL.

    .venv/bin/python bench/bench_queries.py [--sqlite PATH] [--pg URL] [--repeat 21] [--only sqlite|postgres]

Builds the national demo dataset into each database once (skipped when it is already there),
then times each query for all countries, a whole country, a single region, a 3-year range and
a level of government, after one warm-up run. Prints a table and the machine's load average
(another busy process on a 2-core machine inflates every figure); figures are recorded in
bench/README.md.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queries import db, make_filter, migrate, registry  # noqa: E402
from queries import schema as t  # noqa: E402

SCENARIOS = {
    "all countries": dict(),
    "country RO": dict(country="RO"),
    "country KZ": dict(country="KZ"),
    "region RO-CJ": dict(region="RO-CJ"),
    "RO 2021-2023": dict(country="RO", year_from=2021, year_to=2023),
    "RO local": dict(country="RO", level="local"),
}


def ensure_pg_database(url: str) -> None:
    u = sa.engine.make_url(url)
    admin = sa.create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("select 1 from pg_database where datname = :n"), {"n": u.database}).first():
            conn.execute(sa.text(f'CREATE DATABASE "{u.database}"'))
    admin.dispose()


def ensure_national(engine) -> None:
    from queries import cli, demo
    migrate.upgrade(engine)
    with engine.connect() as conn:
        grants = conn.execute(sa.select(sa.func.count()).select_from(t.grants)).scalar()
    if grants and grants >= 1_000_000:
        return
    cli.main(["--database-url", engine.url.render_as_string(hide_password=False), "init"])
    t0 = time.perf_counter()
    demo.build(engine, scale="national")
    print(f"  built national dataset in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def timings(engine, repeat: int):
    for q in registry.all_queries():
        for name, params in SCENARIOS.items():
            f = make_filter(**params, as_of="2024-12-31" if q.area == "liaison" else None)
            q.run(f, engine=engine)  # warm-up: caches and connection pool
            samples = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                q.run(f, engine=engine)
                samples.append((time.perf_counter() - t0) * 1000)
            samples.sort()
            yield q, name, statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sqlite", default=str(ROOT / "bench" / "out" / "national.db"))
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/civmon_bench")
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--only", choices=("sqlite", "postgres"))
    args = ap.parse_args()
    engines = {}
    if args.only != "postgres":
        Path(args.sqlite).parent.mkdir(parents=True, exist_ok=True)
        engines["sqlite"] = db.get_engine(f"sqlite:///{args.sqlite}")
    if args.only != "sqlite":
        ensure_pg_database(args.pg)
        engines["postgres"] = db.get_engine(args.pg)
    results = {}
    for label, engine in engines.items():
        ensure_national(engine)
    load_before = os.getloadavg()
    for label, engine in engines.items():
        for q, scenario, median, p95 in timings(engine, args.repeat):
            results[(q.id, scenario, label)] = (median, p95)
    load_after = os.getloadavg()
    worst = 0.0
    print(f"{'query':38} {'scenario':14} " + " ".join(f"{e + ' med/p95 ms':>22}" for e in engines))
    for q in registry.all_queries():
        for scenario in SCENARIOS:
            cells = []
            for label in engines:
                median, p95 = results[(q.id, scenario, label)]
                worst = max(worst, median)
                cells.append(f"{median:10.1f} / {p95:7.1f}")
            star = "*" if q.indicator else " "
            print(f"{star}{q.id:37} {scenario:14} " + " ".join(f"{c:>22}" for c in cells))
    print(f"\nslowest median: {worst:.1f} ms (target: 50 ms); * = one of the four indicators")
    print(f"load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
