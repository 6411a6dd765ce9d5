"""First visits of each page: this checkout against another commit, side by side.

    .venv/bin/python bench/bench_pages_ab.py REF [--rounds 8] [--cache redis|off] [--page /funding ...]

Checks REF out in a git worktree (bench/out/ab-worktree, run with this checkout's virtualenv), serves it and this
checkout with gunicorn (2 workers each) on the national dataset that bench/bench_queries.py builds, each with a
Redis database of its own (emptied first) or with the cache off; opens each page once on each server, untimed
(with a cache, the view is then one someone has seen), then `rounds` times each in a new, empty browser profile,
alternating which server goes first; prints the median and every time. On this machine the speed drifts by tens
of per cent within minutes: timing two commits in turn, not one after the other, compares them at the same moment.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bench_dashboard as bd

ROOT = bd.ROOT
WORKTREE = ROOT / "bench" / "out" / "ab-worktree"
REDIS = {"ref": "redis://127.0.0.1:6379/10", "now": "redis://127.0.0.1:6379/11"}


def checkout(ref: str) -> None:
    if WORKTREE.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(WORKTREE)], cwd=ROOT, check=False)
        shutil.rmtree(WORKTREE, ignore_errors=True)
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(WORKTREE), ref], cwd=ROOT, check=True,
                   capture_output=True)
    (WORKTREE / ".venv").symlink_to(ROOT / ".venv")


def start(folder: Path, name: str, cache: str, database_url: str) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    if cache == "off":
        env["CIVMON_CACHE_TIMEOUT"] = "0"
    else:
        import redis
        redis.Redis.from_url(REDIS[name]).flushdb()
        env["REDIS_URL"] = REDIS[name]
    port = bd.free_port()
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "dashboard.app:server", "--bind",
                             f"127.0.0.1:{port}", "--workers", "2"], cwd=folder, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    bd.wait_until_up(base)
    return proc, base


def first_visits(bases: dict[str, str], pages: list[str], rounds: int) -> dict[str, dict[str, list[float]]]:
    from playwright.sync_api import sync_playwright
    charts = bd.charts
    times = {page: {name: [] for name in bases} for page in pages}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CIVMON_CHROMIUM", "/usr/bin/chromium"),
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--no-first-run"])

        def visit(base: str, path: str, n: int) -> float:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            seconds = bd.open_page(context.new_page(), base + path + "?country=RO", n)
            context.close()
            return seconds
        for path in pages:
            n = sum(1 for c in bd.PAGES[path] if charts.get(c).build is not charts.build_table)
            for base in bases.values():
                visit(base, path, n)
            for r in range(rounds):
                for name in (list(bases) if r % 2 == 0 else list(bases)[::-1]):
                    times[path][name].append(visit(bases[name], path, n))
        browser.close()
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ref", help="the commit to compare with (e.g. main~3 or a hash)")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--cache", choices=("redis", "off"), default="redis")
    ap.add_argument("--page", action="append", choices=list(bd.PAGES), help="(repeatable) default: every page")
    ap.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench' / 'out' / 'national.db'}")
    args = ap.parse_args()
    ref = subprocess.run(["git", "rev-parse", "--short", args.ref], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    now = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    checkout(args.ref)
    procs, bases = [], {}
    try:
        for name, folder in (("ref", WORKTREE), ("now", ROOT)):
            proc, bases[name] = start(folder, name, args.cache, args.database_url)
            procs.append(proc)
        started = time.strftime("%H:%M")
        times = first_visits(bases, args.page or list(bd.PAGES), args.rounds)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
        subprocess.run(["git", "worktree", "remove", "--force", str(WORKTREE)], cwd=ROOT, check=False)
    print(f"\nfirst visit (empty browser profile), ?country=RO, cache {args.cache}, from {started}: median of "
          f"{args.rounds}, servers alternating (target 1.5 s)")
    named = ref if args.ref.startswith(ref) else f"{ref} ({args.ref})"
    print(f"{'page':15} {named:>22} {now + ' (this checkout)':>22}")
    for path, by in times.items():
        print(f"{path:15} {statistics.median(by['ref']):21.2f}s {statistics.median(by['now']):21.2f}s")
    for path, by in times.items():
        for name, label in (("ref", ref), ("now", now)):
            print(f"  {path:15} {label:10} " + " ".join(f"{t:.2f}" for t in by[name]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
