"""The funding-by-county question answered by civmon and by Datasette on the same SQLite file.

    .venv/bin/python bench/bench_datasette.py [--repeat 21]

Datasette (installed on first use into bench/out/datasette-venv, so it never mixes with civmon's
dependencies) serves bench/out/national.db and answers the question with SQL over the grants table
through its JSON API; civmon answers it at /api/v1/charts/funding-by-county.json under gunicorn,
uncached (CIVMON_CACHE_TIMEOUT=0) and cached. Both run on this machine in the same run, one after the
other; the table gives median and p95 and civmon's speed-up over Datasette.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_dashboard as bd  # noqa: E402

ROOT = bd.ROOT
DB = ROOT / "bench" / "out" / "national.db"
VENV = ROOT / "bench" / "out" / "datasette-venv"

# Per county of a country: grants, distinct recipients, amount, amount per 1,000 inhabitants and the
# share awarded by competitive call; grants registered to a municipality count for its county.
SQL = """
select r1.code as region_code, r1.name as region_name, count(*) as grants,
       count(distinct coalesce(g.recipient_id, g.recipient_name)) as recipients,
       sum(g.amount_cents) / 100.0 as amount,
       round(sum(g.amount_cents) / 100.0 * 1000 / r1.population, 2) as per_1000_inhabitants,
       round(100.0 * sum(case when g.procedure = 'competitive' then g.amount_cents else 0 end)
             / sum(g.amount_cents), 1) as competitive_share_pct
from grants g
join regions r on r.code = g.region_code
join regions r1 on r1.code = case when r.level = 1 then r.code else r.parent_code end
where r1.country = :country {region}
group by r1.code order by r1.code
"""
SCENARIOS = {"country RO": {"country": "RO"}, "region RO-CJ": {"country": "RO", "region": "RO-CJ"}}


def ensure_datasette() -> Path:
    exe = VENV / "bin" / "datasette"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "datasette"], check=True)
    return exe


def timed(url: str, repeat: int) -> tuple[float, float]:
    urllib.request.urlopen(url).read()  # warm-up
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with urllib.request.urlopen(url) as resp:
            resp.read()
            assert resp.status == 200, url
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def serve(cmd: list[str], env: dict, base: str, probe: str) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stop = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + probe).read()
            return proc
        except OSError:
            if time.monotonic() > stop:
                proc.terminate()
                raise
            time.sleep(0.3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=21)
    args = ap.parse_args()
    results: dict[tuple[str, str], tuple[float, float]] = {}

    port = bd.free_port()
    base = f"http://127.0.0.1:{port}"
    proc = serve([str(ensure_datasette()), "serve", str(DB), "--port", str(port), "--setting", "sql_time_limit_ms",
                  "60000"], dict(os.environ), base, "/-/versions.json")
    try:
        for label, params in SCENARIOS.items():
            sql = SQL.format(region="and r1.code = :region" if "region" in params else "")
            query = urllib.parse.urlencode({"sql": sql, **params, "_shape": "array"})
            results[("Datasette", label)] = timed(f"{base}/{DB.stem}.json?{query}", args.repeat)
    finally:
        proc.terminate()
        proc.wait()

    for cache in ("off", "on"):
        port = bd.free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB}"}
        env.pop("REDIS_URL", None)
        if cache == "off":
            env["CIVMON_CACHE_TIMEOUT"] = "0"
        proc = serve([str(ROOT / ".venv" / "bin" / "gunicorn"), "dashboard.app:server", "--bind", f"127.0.0.1:{port}",
                      "--workers", "2"], env, base, "/healthz")
        try:
            for label, params in SCENARIOS.items():
                url = f"{base}/api/v1/charts/funding-by-county.json?{urllib.parse.urlencode(params)}"
                results[(f"civmon, cache {cache}", label)] = timed(url, args.repeat)
        finally:
            proc.terminate()
            proc.wait()

    print(f"{'server':20} {'scenario':14} {'median ms':>9} {'p95 ms':>8} {'Datasette median / this':>24}")
    for (server, label), (median, p95) in results.items():
        ratio = results[("Datasette", label)][0] / median
        print(f"{server:20} {label:14} {median:9.1f} {p95:8.1f} {ratio:23.1f}x")
    print(f"\nload average (1 min): {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
