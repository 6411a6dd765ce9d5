"""Time the import of a large grants file (default 1,000,000 rows) and print rows/s and peak RSS.

    .venv/bin/python bench/bench_import.py --rows 1000000 [--twice]
    .venv/bin/python bench/bench_import.py --office   # an office's own file: Romanian headers, dates 15.03.2024,
                                                       # amounts 12.345,67, the council's words, through a mapping
    .venv/bin/python bench/bench_import.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Without --database-url it uses a new SQLite file in /tmp. A PostgreSQL URL gets a schema of its own
(dropped afterwards), so the benchmark never touches existing tables. Run under `/usr/bin/time -v`
for the kernel's view of peak memory; the script prints its own ru_maxrss too.
"""
from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pycountry
import sqlalchemy as sa

from queries import db, importer, mappings, migrate, summary
from queries.contract import KINDS
from queries.vocabulary import DOMAINS, PROCEDURES

MUNICIPALITIES_PER_COUNTY = 10


def _write(directory: Path, kind: str, rows) -> tuple[str, Path]:
    path = directory / f"{kind}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(KINDS[kind].column_names)
        writer.writerows(rows)
    return kind, path


def reference_files(directory: Path) -> tuple[list[tuple[str, Path]], list[tuple[str, str, str]]]:
    """Romania's counties with ten municipalities each, a council per county, a mayor per
    municipality, and RON; also (town, mayor, county council) triples for the grants."""
    counties = sorted(s.code for s in pycountry.subdivisions.get(country_code="RO"))
    towns = [(f"{c}-M{i:02d}", c) for c in counties for i in range(MUNICIPALITIES_PER_COUNTY)]
    regions = [(c, c, "RO", 1, "", 500000) for c in counties] + [(t, t, "RO", 2, c, 20000) for t, c in towns]
    authorities = ([(f"{c}-CJ", f"Council {c}", "RO", "regional", c, "") for c in counties]
                   + [(f"{t}-P", f"Mayor {t}", "RO", "local", t, f"{c}-CJ") for t, c in towns])
    files = [_write(directory, "regions", regions),
             _write(directory, "currencies", [("RO", "RON", 2005, "")]),
             _write(directory, "authorities", authorities)]
    return files, [(t, f"{t}-P", f"{c}-CJ") for t, c in towns]


# An office's own grants spreadsheet: its headers, its words for domains and procedures (read through OFFICE_MAPPING)
OFFICE_HEADER = ("Nr. contract", "Anul", "Finanțator", "Cod localitate", "Beneficiar", "CUI", "Suma (lei)", "Moneda",
                 "Domeniul", "Procedura de atribuire", "Data semnării")
OFFICE_DOMAINS = ("asistență socială", "cultură", "sport", "educație", "tineret", "mediu", "sănătate", "civic",
                  "culte", "altele")
OFFICE_PROCEDURES = ("competiție de proiecte", "atribuire directă")
OFFICE_MAPPING = mappings.Mapping(
    kind="grants", name="bench: county council spreadsheet", decimal="comma",
    columns=dict(zip(KINDS["grants"].column_names, OFFICE_HEADER)),
    values={"domain": dict(zip(OFFICE_DOMAINS, DOMAINS)), "procedure": dict(zip(OFFICE_PROCEDURES, PROCEDURES))})


def _office_amount(cents: int) -> str:
    """12.345,67: grouped thousands, a decimal comma."""
    return f"{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"


def grants_file(path: Path, rows: int, towns: list[tuple[str, str, str]], office: bool = False) -> Path:
    """A valid grants CSV of `rows` rows: each town's grants come from its mayor (70%) or its county
    council, to one of its 200 local NGOs. Written in blocks so the generator stays small too. `office`: in an
    office's own form (OFFICE_HEADER), for the import through OFFICE_MAPPING."""
    rng = np.random.default_rng(42)
    domains, procedures = (OFFICE_DOMAINS, OFFICE_PROCEDURES) if office else (DOMAINS, PROCEDURES)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(OFFICE_HEADER if office else KINDS["grants"].column_names) + "\n")
        for start in range(0, rows, 100_000):
            n = min(100_000, rows - start)
            town = rng.integers(0, len(towns), n)
            by_council = rng.random(n) < 0.3
            year = rng.integers(2015, 2025, n)
            ngo = town * 200 + rng.integers(0, 200, n)
            cents = rng.integers(10_000, 50_000_000, n)
            domain = rng.integers(0, len(DOMAINS), n)
            procedure = rng.integers(0, len(PROCEDURES), n)
            month = rng.integers(1, 13, n)
            if office:
                f.writelines(
                    f"G{i:09d},{y},{towns[t][2] if council else towns[t][1]},{towns[t][0]},Asociatia {r},RO{r:08d},"
                    f"\"{_office_amount(c)}\",RON,{domains[d]},{procedures[p]},15.{m:02d}.{y}\n"
                    for i, t, council, y, r, c, d, p, m in zip(range(start, start + n), town, by_council, year, ngo,
                                                              cents, domain, procedure, month))
                continue
            f.writelines(
                f"G{i:09d},{y},{towns[t][2] if council else towns[t][1]},{towns[t][0]},Asociatia {r},RO{r:08d},"
                f"{c // 100}.{c % 100:02d},RON,{DOMAINS[d]},{PROCEDURES[p]},{y}-{m:02d}-15\n"
                for i, t, council, y, r, c, d, p, m in zip(range(start, start + n), town, by_council, year, ngo,
                                                          cents, domain, procedure, month))
    return path


def database(url: str | None, workdir: Path):
    """An engine on a fresh database (SQLite in `workdir`, or a new PostgreSQL schema) and a
    function that removes it."""
    if not url:
        engine = db.get_engine(f"sqlite:///{workdir / 'bench.db'}")
        return engine, engine.dispose
    schema_name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.schema.CreateSchema(schema_name))
    scoped = sa.engine.make_url(url).update_query_dict({"options": f"-csearch_path={schema_name}"})
    engine = db.get_engine(scoped.render_as_string(hide_password=False))

    def drop():
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.schema.DropSchema(schema_name, cascade=True))
    return engine, drop


def time_summaries() -> list[float]:
    """Wrap the two ways summaries are kept current (summary.refresh, a rebuild; GrantDelta.start and
    finish, the in-memory sums of new grants) so the seconds spent on them can be reported apart
    (the sums themselves run in a worker thread during the merge of the rows, uncounted)."""
    spent = [0.0]

    def timed(func):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started
        return wrapper
    summary.refresh = timed(summary.refresh)
    summary.GrantDelta.start = timed(summary.GrantDelta.start)
    summary.GrantDelta.finish = timed(summary.GrantDelta.finish)
    return spent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file in /tmp")
    parser.add_argument("--twice", action="store_true", help="import the file a second time (all rows replaced)")
    parser.add_argument("--office", action="store_true", help="the file in an office's own form, through a mapping")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="civmon-bench-") as tmp:
        workdir = Path(tmp)
        engine, drop = database(args.database_url, workdir)
        try:
            migrate.upgrade(engine)
            refs, towns = reference_files(workdir)
            for kind, path in refs:
                result = importer.import_file(engine, kind, path, source="bench")
                assert result.ok, [str(p) for p in result.problems]
            started = time.perf_counter()
            path = grants_file(workdir / "grants.csv", args.rows, towns, args.office)
            form = "an office's own form, through a mapping" if args.office else "the template's form"
            print(f"generated {args.rows:,} grants in {form} ({path.stat().st_size / 1e6:.0f} MB) "
                  f"in {time.perf_counter() - started:.1f}s")
            mapping = OFFICE_MAPPING if args.office else None
            spent = time_summaries()
            for attempt in range(2 if args.twice else 1):
                spent[0] = 0.0
                started = time.perf_counter()
                result = importer.import_file(engine, "grants", path, source="bench", mapping=mapping)
                seconds = time.perf_counter() - started
                assert result.ok, [str(p) for p in result.problems[:5]]
                print(f"{engine.dialect.name}: imported {result.rows:,} rows (added {result.added:,}, "
                      f"replaced {result.replaced:,}) in {seconds:.1f}s = {result.rows / seconds:,.0f} rows/s; "
                      f"summaries {spent[0]:.1f}s, the rest {result.rows / (seconds - spent[0]):,.0f} rows/s")
        finally:
            drop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB; load average (1 min) {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
