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


def start(folder: Path, redis_url: str | None, database_url: str, env: dict | None = None,
          log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """gunicorn (2 workers) serving the checkout in `folder` with the cache in Redis at redis_url (emptied first)
    or off; its output to `log`, else discarded."""
    env = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    env.pop("REDIS_URL", None)
    if redis_url is None:
        env["CIVMON_CACHE_TIMEOUT"] = "0"
    else:
        import redis
        redis.Redis.from_url(redis_url).flushdb()
        env["REDIS_URL"] = redis_url
    port = bd.free_port()
    out = log.open("w") if log else subprocess.DEVNULL
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "dashboard.app:server", "--bind",
                             f"127.0.0.1:{port}", "--workers", "2"], cwd=folder, env=env,
                            stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    bd.wait_until_up(base)
    return proc, base


def first_visits(bases: dict[str, str], pages: list[str], rounds: int, seen: bool = True,
                 before_round=None) -> dict[str, dict[str, list[float]]]:
    """Seconds to each page at ?country=RO drawn whole in a new, empty browser profile, `rounds` times on each
    server, alternating which goes first. seen: each page is first opened once on each server, untimed (with a
    cache, the view is then one someone has seen); before_round(): called before each round."""
    from playwright.sync_api import sync_playwright
    charts = bd.charts
    times = {page: {name: [] for name in bases} for page in pages}
    drawn = {path: sum(1 for c in bd.PAGES[path] if charts.get(c).build is not charts.build_table) for path in pages}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CIVMON_CHROMIUM", "/usr/bin/chromium"),
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--no-first-run"])

        def visit(base: str, path: str) -> float:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            seconds = bd.open_page(context.new_page(), base + path + "?country=RO", drawn[path])
            context.close()
            return seconds
        for path in pages if seen else ():
            for base in bases.values():
                visit(base, path)
        for r in range(rounds):
            if before_round:
                before_round()
            for path in pages:
                for name in (list(bases) if r % 2 == 0 else list(bases)[::-1]):
                    times[path][name].append(visit(bases[name], path))
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
            proc, bases[name] = start(folder, REDIS[name] if args.cache == "redis" else None, args.database_url)
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
    print_times(times, {"ref": ref if args.ref.startswith(ref) else f"{ref} ({args.ref})",
                        "now": now + " (this checkout)"})
    return 0


def print_times(times: dict[str, dict[str, list[float]]], labels: dict[str, str]) -> None:
    """A table of the medians per page and server, then every time."""
    print(f"{'page':15} " + " ".join(f"{label:>24}" for label in labels.values()))
    for path, by in times.items():
        print(f"{path:15} " + " ".join(f"{statistics.median(by[name]):23.2f}s" for name in labels))
    for path, by in times.items():
        for name, label in labels.items():
            print(f"  {path:15} {label.split()[0]:10} " + " ".join(f"{t:.2f}" for t in by[name]))


if __name__ == "__main__":
    sys.exit(main())
