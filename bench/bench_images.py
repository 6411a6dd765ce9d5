"""Time to serve 20 chart PNGs for 20 different filter sets over HTTP: cold (drawn) and warm (cached).

    .venv/bin/python bench/bench_images.py [--database-url URL] [--workers 1] [--threads 1]

Serves dashboard.app:server with gunicorn against the database (default: a demo dataset built
once into bench/out/demo.db), asks one image first to start each worker's browser (timed apart),
then GETs /api/v1/charts/<chart>.png for 20 filter sets (a map, a ranking, a trend and a mix in
turn) and the same 20 again. `--threads N` sends N requests at a time, as a report page does.
The server reads a fresh copy of the database, so no image is in the cache before the cold round
(cache keys carry the database). Without REDIS_URL the cache is each worker's memory: with several
workers a repeated image may land on a worker that has not drawn it yet; set REDIS_URL to share it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHARTS = ("funding-by-county", "funding-by-county-ranking", "funding-by-year", "funding-by-domain")
COUNTRIES = ("RO", "BG", "RS", "KZ", "RO,BG")
YEARS = ("", "&year_from=2019&year_to=2023", "&year_from=2022&year_to=2022", "&year_from=2016&year_to=2020")
FILTER_SETS = [f"?country={c}{y}" for y in YEARS for c in COUNTRIES]  # 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as resp:
        body = resp.read()
        assert resp.status == 200 and body[:4] == b"\x89PNG", url
    return (time.perf_counter() - t0) * 1000, len(body)


def round_trip(urls: list[str], threads: int) -> tuple[float, list[float]]:
    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        times = [ms for ms, _ in pool.map(fetch, urls)]
    return (time.perf_counter() - t0), times


def ensure_demo(url: str) -> None:
    path = Path(url.removeprefix("sqlite:///"))
    if url.startswith("sqlite:///") and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DATABASE_URL": url}
        for args in (["init"], ["demo"]):
            subprocess.run([sys.executable, "-m", "dashboard.cli", *args], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench' / 'out' / 'demo.db'}")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--width", type=int, default=1000)
    args = ap.parse_args()
    ensure_demo(args.database_url)
    scratch = tempfile.mkdtemp(prefix="civmon-bench-images-")
    url = args.database_url
    if url.startswith("sqlite:///"):
        copy = Path(scratch) / "civmon.db"
        shutil.copy(url.removeprefix("sqlite:///"), copy)
        url = f"sqlite:///{copy}"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "CIVMON_WARM": "0"}  # (see bench_dashboard.NO_WARMING)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "dashboard.app:server", "--bind",
                               f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads",
                               str(max(args.threads, 1)), "--timeout", "120"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    urls = [f"{base}/api/v1/charts/{CHARTS[i % len(CHARTS)]}.png{f}&width={args.width}"
            for i, f in enumerate(FILTER_SETS)]
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz").read()
                break
            except OSError:
                time.sleep(0.2)
        with ThreadPoolExecutor(args.workers) as pool:  # at the same time, so that each worker gets one
            starts = [ms for ms, _ in pool.map(
                fetch, [f"{base}/api/v1/charts/training-reach.png?year_from={2015 + i}" for i in range(args.workers)])]
        cold_total, cold = round_trip(urls, args.threads)
        warm_total, warm = round_trip(urls, args.threads)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(scratch, ignore_errors=True)

    def line(name, total, times):
        times = sorted(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{name:6} total {total:6.2f} s   per image: median {statistics.median(times):7.1f} ms, "
              f"p95 {p95:7.1f} ms, max {times[-1]:7.1f} ms")
    print(f"{len(urls)} PNGs ({args.width} px wide), {args.workers} worker(s), {args.threads} request(s) at a time, "
          f"cache: {'Redis' if os.environ.get('REDIS_URL') else 'memory per worker'}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print("first images, one per worker at the same time (each starts its worker's Chromium): " + ", ".join(f"{ms / 1000:.2f} s" for ms in starts))
    line("cold", cold_total, cold)
    line("warm", warm_total, warm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
