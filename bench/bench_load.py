"""Throughput, errors and memory of the dashboard under concurrent clients, cached and uncached.

    .venv/bin/python bench/bench_load.py [--engines sqlite,postgres] [--clients 20,50] [--seconds 60]

For each engine (SQLite: bench/out/national.db; PostgreSQL: database civmon_bench, with Redis as the
shared cache), each cache mode and each number of clients, starts gunicorn as the Procfile does (2
workers) and lets N clients POST the chart callbacks of every page and filter (the requests a
browser sends on a filter change) for the given time, each client sending its next request when the
last one answered. Prints requests per second, latency median and p95, the error count (any answer
but 200, or no answer within 30 s) and each worker's peak memory (VmHWM). Builds nothing: run
bench/bench_queries.py once first (it builds both national databases).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_dashboard as bd  # noqa: E402

ROOT = bd.ROOT
SQLITE_URL = f"sqlite:///{ROOT / 'bench' / 'out' / 'national.db'}"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/civmon_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
TIMEOUT_S = 30.0


def requests_to_send(base: str) -> list[bytes]:
    """Every chart callback of every page and filter, as raw HTTP requests."""
    bd.read_callbacks(base)
    out = []
    for chart_ids in bd.PAGES.values():
        for search in bd.FILTERS.values():
            for chart_id in chart_ids:
                body = json.dumps(bd.chart_body(chart_id, search)).encode()
                out.append(b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Content-Type: application/json\r\nAccept-Encoding: gzip\r\nConnection: close\r\n"
                           b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    return out


async def _one(port: int, request: bytes) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        await reader.read()  # Connection: close — the body ends with the connection
        return status
    finally:
        writer.close()


async def _load(port: int, requests: list[bytes], clients: int, seconds: float):
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def client(offset: int):
        nonlocal errors
        i = offset
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                status = await asyncio.wait_for(_one(port, requests[i % len(requests)]), TIMEOUT_S)
            except (OSError, asyncio.TimeoutError, ValueError, IndexError):
                status = 0
            if status == 200:
                latencies.append((time.perf_counter() - t0) * 1000)
            else:
                errors += 1
            i += clients
    started = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return latencies, errors, time.perf_counter() - started


def worker_peaks(master: int) -> list[int]:
    """Peak resident memory (MiB) of the gunicorn master's workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) // 1024)
    return peaks


def scenario(database_url: str, redis_url: str | None, cache: str, clients: int, seconds: float) -> dict:
    port = bd.free_port()
    env = {**os.environ, **bd.NO_WARMING, "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    if cache == "off":
        env["CIVMON_CACHE_TIMEOUT"] = "0"
    elif redis_url:
        env["REDIS_URL"] = redis_url
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "dashboard.app:server", "--bind",
                               f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60", "--backlog", "2048"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        bd.wait_until_up(base)
        requests = requests_to_send(base)
        if redis_url and cache == "on":
            import redis
            redis.Redis.from_url(redis_url).flushdb()
        asyncio.run(_load(port, requests, 2, len(requests) / 2 * 0.05 + 1))  # warm both workers (and the cache)
        latencies, errors, elapsed = asyncio.run(_load(port, requests, clients, seconds))
        peaks = worker_peaks(server.pid)
    finally:
        server.terminate()
        server.wait()
    latencies.sort()
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "errors": errors,
            "median": statistics.median(latencies) if latencies else float("nan"),
            "p95": latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
            "peak_mib": peaks}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engines", default="sqlite,postgres")
    ap.add_argument("--clients", default="20,50")
    ap.add_argument("--cache", default="on,off")
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    engines = {"sqlite": (SQLITE_URL, None), "postgres": (PG_URL, REDIS_URL)}
    print(f"{'engine':22} {'cache':6} {'clients':>7} {'req/s':>7} {'errors':>6} {'median ms':>9} {'p95 ms':>8}  "
          f"worker peak MiB", flush=True)
    for name in args.engines.split(","):
        url, redis_url = engines[name]
        label = name + (" + Redis" if redis_url else " (memory cache)")
        for cache in args.cache.split(","):
            for clients in map(int, args.clients.split(",")):
                r = scenario(url, redis_url, cache, clients, args.seconds)
                print(f"{label:22} {cache:6} {clients:7d} {r['rps']:7.1f} {r['errors']:6d} {r['median']:9.1f} "
                      f"{r['p95']:8.1f}  {', '.join(map(str, r['peak_mib']))}", flush=True)
    load1 = os.getloadavg()[0]
    print(f"\nload average (1 min) at the end: {load1:.2f}; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
