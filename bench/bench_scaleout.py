"""Scale-out shown: two gunicorn instances share one PostgreSQL and one Redis; an import through one is
served by the other at once.

    .venv/bin/python bench/bench_scaleout.py

Creates database civmon_scaleout (demo dataset), starts instance A and instance B on two ports with the
same DATABASE_URL and REDIS_URL, asks both for Cluj's funding (which fills the shared cache), imports
one grant of 123,456.78 RON to Cluj through instance A's command line (`civmon import`, the same
importer the upload page uses), and asks instance B again, printing each answer and its time.
Drops the database at the end.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_dashboard as bd  # noqa: E402

ROOT = bd.ROOT
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB = "civmon_scaleout"
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
REDIS_URL = "redis://127.0.0.1:6379/13"
QUESTION = "/api/v1/charts/funding-by-county.json?country=RO&region=RO-CJ&year_from=2024&year_to=2024"
GRANT = ("grant_id,year,funder_authority_id,region_code,recipient_name,recipient_id,amount,currency,domain,"
         "procedure,awarded_on\nSCALEOUT-1,2024,{funder},RO-CJ,Asociatia Scale-out,RO99999999,123456.78,RON,"
         "civic,competitive,2024-06-01\n")


def civmon(*args: str) -> str:
    env = {**os.environ, "DATABASE_URL": URL}
    return subprocess.run([str(ROOT / ".venv" / "bin" / "civmon"), *args], env=env, check=True,
                          capture_output=True, text=True).stdout


def ask(base: str) -> tuple[float, float]:
    t0 = time.perf_counter()
    rows = json.loads(urllib.request.urlopen(base + QUESTION).read())["rows"]
    return rows[0]["amount"], (time.perf_counter() - t0) * 1000


def main() -> int:
    import sqlalchemy as sa
    import redis
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {DB}")
        conn.exec_driver_sql(f"CREATE DATABASE {DB}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    servers = []
    try:
        civmon("init")
        civmon("demo")
        funder = sa.create_engine(URL).connect().execute(sa.text(
            "select authority_id from authorities where region_code = 'RO-CJ' order by authority_id limit 1")).scalar()
        env = {**os.environ, "DATABASE_URL": URL, "REDIS_URL": REDIS_URL}
        bases = []
        for _name in ("A", "B"):
            port = bd.free_port()
            servers.append(subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "dashboard.app:server",
                                             "--bind", f"127.0.0.1:{port}", "--workers", "2"], cwd=ROOT, env=env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            bd.wait_until_up(base)
        a, b = bases
        print(f"instance A {a}, instance B {b}; one PostgreSQL ({DB}), one Redis ({REDIS_URL})")
        for label, base in (("A", a), ("B", b), ("B", b)):
            amount, ms = ask(base)
            print(f"  before: instance {label} says Cluj 2024 = {amount:,.2f} RON ({ms:.1f} ms)")
        before = amount
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as fh:
            fh.write(GRANT.format(funder=funder))
        t0 = time.perf_counter()
        out = civmon("import", "grants", fh.name)
        print(f"  import through instance A's command line: {out.strip().splitlines()[-1]} "
              f"({(time.perf_counter() - t0):.1f} s)")
        amount, ms = ask(b)
        print(f"  after: instance B says Cluj 2024 = {amount:,.2f} RON ({ms:.1f} ms), "
              f"change {amount - before:,.2f} RON (expected 123,456.78)")
        ok = abs(amount - before - 123456.78) < 0.005
        amount, ms = ask(b)
        print(f"  again: instance B = {amount:,.2f} RON ({ms:.1f} ms, from the shared cache)")
        print("scale-out: " + ("PASS — the other instance served the new numbers at once" if ok else "FAIL"))
        return 0 if ok else 1
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        redis.Redis.from_url(REDIS_URL).flushdb()


if __name__ == "__main__":
    sys.exit(main())
