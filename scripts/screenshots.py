"""Full-page screenshots of every page in every language, to look at (not a test).

    .venv/bin/python scripts/screenshots.py [--out shots/] [--base-url http://127.0.0.1:8050] [--query country=RO]

Without --base-url it serves the app itself with gunicorn on a free port of 127.0.0.1, on the database
at DATABASE_URL (default: the SQLite file in data/; `civmon init && civmon demo` fills it). Chromium is
CIVMON_CHROMIUM or /usr/bin/chromium. Files are named <page>-<lang>.png, 1400 px wide.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"overview": "/", "liaison": "/liaison", "funding": "/funding", "consultations": "/consultations",
         "training": "/training", "data": "/data", "about": "/about"}
LANGS = ("en", "ro", "ru", "bg", "sr")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
DRAWN = """() => Array.from(document.querySelectorAll('.chart-card .js-plotly-plot')).length ===
                 document.querySelectorAll('.chart-card .chart-graph').length &&
                 Array.from(document.querySelectorAll('.chart-card .js-plotly-plot')).every(
                     g => g.data && g.layout && (g.data.length > 0 || (g.layout.annotations || []).length > 0))"""


def serve() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from gunicorn.config import KNOWN_SETTINGS
    quiet = ["--no-control-socket"] if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS) else []
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "dashboard.app:server", "--bind", f"127.0.0.1:{port}",
                             "--workers", "2", *quiet], cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"the app did not answer on {base}/healthz")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="shots", help="folder for the PNG files (created)")
    ap.add_argument("--base-url", help="a running app; default: start one with gunicorn")
    ap.add_argument("--query", default="", help="extra parameters for every page, e.g. country=RO&year_from=2020")
    ap.add_argument("--langs", default=",".join(LANGS))
    ap.add_argument("--pages", default=",".join(PAGES))
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    proc, base = (None, args.base_url.rstrip("/")) if args.base_url else serve()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("CIVMON_CHROMIUM", "/usr/bin/chromium"),
                                         args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            for name in args.pages.split(","):
                for lang in args.langs.split(","):
                    query = "&".join(q for q in (args.query, "" if lang == "en" else f"lang={lang}") if q)
                    page.goto(f"{base}{PAGES[name]}" + (f"?{query}" if query else ""))
                    page.wait_for_selector("#main")
                    page.wait_for_function(DRAWN, timeout=60_000)
                    page.wait_for_load_state("networkidle")
                    path = out / f"{name}-{lang}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path)
            browser.close()
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
