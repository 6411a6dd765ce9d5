"""The funding-by-county question answered by civmon and by Datasette on the same SQLite file.

    .venv/bin/python bench/bench_datasette.py [--repeat 21]

Datasette (installed on first use into bench/out/datasette-venv, so it never mixes with civmon's
dependencies) serves bench/out/national.db and answers the question with SQL over the grants table
through its JSON API; civmon answers it at /api/v1/charts/funding-by-county.json under gunicorn,
uncached (CIVMON_CACHE_TIMEOUT=0) and cached. The three servers run side by side and take turns, request by
request (timed_together); the table gives median and p95 and civmon's speed-up over Datasette, as the ratio of
the medians and as the median of each round's ratio.
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


def fetch(url: str) -> float:
    """Milliseconds to fetch the address (a 200 answer, read in full)."""
    t0 = time.perf_counter()
    with urllib.request.urlopen(url) as resp:
        resp.read()
        assert resp.status == 200, url
    return (time.perf_counter() - t0) * 1000


def timed_together(urls: dict[str, str], repeat: int) -> dict[str, list[float]]:
    """Each address fetched `repeat` times, the servers taking turns (the order rotating every round): the
    machine's speed drifts by tens of per cent within minutes here, and taking turns gives each server the
    same moments, where timing one server after the other compared different ones."""
    names = list(urls)
    for name in names:
        fetch(urls[name])  # warm-up
    samples: dict[str, list[float]] = {name: [] for name in names}
    for i in range(repeat):
        for name in names[i % len(names):] + names[:i % len(names)]:
            samples[name].append(fetch(urls[name]))
    return samples


def median_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


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
    procs, bases = [], {}
    try:
        port = bd.free_port()
        bases["Datasette"] = f"http://127.0.0.1:{port}"
        procs.append(serve([str(ensure_datasette()), "serve", str(DB), "--port", str(port), "--setting",
                            "sql_time_limit_ms", "60000"], dict(os.environ), bases["Datasette"], "/-/versions.json"))
        for cache in ("off", "on"):
            port = bd.free_port()
            base = bases[f"civmon, cache {cache}"] = f"http://127.0.0.1:{port}"
            env = {**os.environ, **bd.NO_WARMING, "DATABASE_URL": f"sqlite:///{DB}"}
            env.pop("REDIS_URL", None)
            if cache == "off":
                env["CIVMON_CACHE_TIMEOUT"] = "0"
            procs.append(serve([str(ROOT / ".venv" / "bin" / "gunicorn"), "dashboard.app:server", "--bind",
                                f"127.0.0.1:{port}", "--workers", "2"], env, base, "/healthz"))
        results = {}
        for label, params in SCENARIOS.items():
            sql = SQL.format(region="and r1.code = :region" if "region" in params else "")
            urls = {name: (f"{base}/{DB.stem}.json?" + urllib.parse.urlencode({"sql": sql, **params, "_shape": "array"})
                           if name == "Datasette" else
                           f"{base}/api/v1/charts/funding-by-county.json?{urllib.parse.urlencode(params)}")
                    for name, base in bases.items()}
            results[label] = timed_together(urls, args.repeat)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()

    print(f"{'server':20} {'scenario':14} {'median ms':>9} {'p95 ms':>8} {'Datasette median / this':>24}"
          f" {'median ratio per round':>24}")
    for label, samples in results.items():
        theirs = samples["Datasette"]
        for server, mine in samples.items():
            median, p95 = median_p95(mine)
            ratio = statistics.median(theirs) / median
            rounds = statistics.median(t / m for t, m in zip(theirs, mine))
            print(f"{server:20} {label:14} {median:9.1f} {p95:8.1f} {ratio:23.1f}x {rounds:23.1f}x")
    print(f"\nload average (1 min): {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
