"""Median and p95 time of every registered query on the national dataset, SQLite and PostgreSQL.

    .venv/bin/python bench/bench_queries.py [--sqlite PATH] [--pg URL] [--repeat 21] [--only sqlite|postgres]

Builds the national demo dataset into each database once (skipped when it is already there),
then times each query uncached and through the dashboard's cache (memory for SQLite, Redis for
PostgreSQL), for all countries, a whole country, a single region, a 3-year range and
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


def _timed():
    """The queries timed here: every registered one but the record lists (records-*), which give every row of a kind
    (a million grants nationally) and are timed a page at a time by bench/bench_authorities.py."""
    return [q for q in registry.all_queries() if not q.id.startswith("records-")]


def ensure_pg_database(url: str) -> None:
    u = sa.engine.make_url(url)
    admin = sa.create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("select 1 from pg_database where datname = :n"), {"n": u.database}).first():
            conn.execute(sa.text(f'CREATE DATABASE "{u.database}"'))
    admin.dispose()


def ensure_national(engine) -> None:
    from dashboard import cli
    from queries import demo
    migrate.upgrade(engine)
    with engine.connect() as conn:
        grants = conn.execute(sa.select(sa.func.count()).select_from(t.grants)).scalar()
    if grants and grants >= 1_000_000:
        return
    cli.main(["--database-url", engine.url.render_as_string(hide_password=False), "init"])
    t0 = time.perf_counter()
    demo.build(engine, scale="national")
    print(f"  built national dataset in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def _stats(samples: list[float]) -> tuple[float, float]:
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def cached_app(engine, redis_url: str | None):
    """A Flask app whose dashboard cache is memory (SQLite) or Redis (PostgreSQL), on this engine."""
    import flask

    from dashboard import cache
    os.environ["DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    db.get_engine.cache_clear()
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
        import redis
        redis.Redis.from_url(redis_url).flushdb()
    else:
        os.environ.pop("REDIS_URL", None)
    app = flask.Flask("bench")
    cache.init_app(app)
    return app


def timings(engine, repeat: int, redis_url: str | None):
    """(query, scenario, cold (median, p95), cached (median, p95)) in ms; cached: as a page request asks
    the dashboard's cache (one data-version lookup per request, then the cache)."""
    from dashboard import cache
    app = cached_app(engine, redis_url)
    for q in _timed():
        for name, params in SCENARIOS.items():
            f = make_filter(**params, as_of="2024-12-31" if q.area == "liaison" else None)
            q.run(f, engine=engine)  # warm-up: caches and connection pool
            cold = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                q.run(f, engine=engine)
                cold.append((time.perf_counter() - t0) * 1000)
            warm = []
            for i in range(repeat + 1):
                with app.test_request_context():
                    t0 = time.perf_counter()
                    cache.query(q.id, f)
                    if i:  # the first call fills the cache
                        warm.append((time.perf_counter() - t0) * 1000)
            yield q, name, _stats(cold), _stats(warm)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sqlite", default=str(ROOT / "bench" / "out" / "national.db"))
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/civmon_bench")
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--only", choices=("sqlite", "postgres"))
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="the cache for the PostgreSQL figures")
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
        for q, scenario, cold, cached in timings(engine, args.repeat, args.redis if label == "postgres" else None):
            results[(q.id, scenario, label)] = cold
            results[(q.id, scenario, label + " cached")] = cached
    load_after = os.getloadavg()
    worst = 0.0
    columns = [c for e in engines for c in (e, e + " cached")]
    names = {"sqlite cached": "sqlite+memory", "postgres cached": "postgres+Redis"}
    print(f"{'query':38} {'scenario':14} " + " ".join(f"{names.get(e, e) + ' med/p95 ms':>24}" for e in columns))
    for q in _timed():
        for scenario in SCENARIOS:
            cells = []
            for label in columns:
                median, p95 = results[(q.id, scenario, label)]
                if label in engines:
                    worst = max(worst, median)
                cells.append(f"{median:10.1f} / {p95:7.1f}")
            star = "*" if q.indicator else " "
            print(f"{star}{q.id:37} {scenario:14} " + " ".join(f"{c:>24}" for c in cells))
    print(f"\nslowest uncached median: {worst:.1f} ms (target: 50 ms); * = one of the four indicators")
    for label in columns:
        if label not in engines:
            print(f"slowest {names[label]} median: {max(results[(q.id, s, label)][0] for q in _timed() for s in SCENARIOS):.1f} ms, "
                  f"p95 {max(results[(q.id, s, label)][1] for q in _timed() for s in SCENARIOS):.1f} ms")
    print(f"load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
