"""Time `demo.build` at a scale on one database and print the figures.

    python bench/bench_demo.py --scale national --database-url sqlite:////tmp/civmon_bench.db
    createdb -h 127.0.0.1 -U postgres civmon_demo_bench
    python bench/bench_demo.py --scale national \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/civmon_demo_bench
    dropdb -h 127.0.0.1 -U postgres civmon_demo_bench

The database must be empty (a SQLite file is deleted first); Alembic runs before the build.
"""
from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from queries import db, demo, migrate
from queries import schema as t


def _fresh_sqlite(url: str) -> None:
    """Delete the SQLite file (and its WAL) so the build starts from nothing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=tuple(demo.SCALES), default="national")
    parser.add_argument("--database-url", default="sqlite:////tmp/civmon_bench.db")
    parser.add_argument("--seed", type=int, default=demo.SEED)
    args = parser.parse_args()
    _fresh_sqlite(args.database_url)
    engine = db.get_engine(args.database_url)
    start = time.perf_counter()
    migrate.upgrade(engine)
    migrated = time.perf_counter()

    def progress(message: str) -> None:
        print(f"  {time.perf_counter() - migrated:7.1f} s  {message}", flush=True)

    counts = demo.build(engine, scale=args.scale, seed=args.seed, progress=progress)
    built = time.perf_counter()
    with engine.connect() as conn:
        summary_rows = {s.name: conn.execute(sa.select(sa.func.count()).select_from(s)).scalar_one()
                        for s in t.SUMMARY_TABLES}
    print(f"database      {db.describe(engine)}")
    print(f"scale         {args.scale} (seed {args.seed})")
    print("rows          " + ", ".join(f"{kind} {n:,}" for kind, n in counts.items()))
    print("summary rows  " + ", ".join(f"{name} {n:,}" for name, n in summary_rows.items()))
    print(f"migrate       {migrated - start:7.1f} s")
    print(f"build         {built - migrated:7.1f} s  (generate, insert, refresh summaries, commit)")
    print(f"peak memory   {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.0f} MiB")
    engine.dispose()


if __name__ == "__main__":
    main()
