"""Server time of the dashboard's callbacks over HTTP, and time to a fully drawn page in Chromium.

    .venv/bin/python bench/bench_dashboard.py [--database-url URL] [--repeat 15] [--cache off|on|redis] [--pages-only]

Serves dashboard.app:server with gunicorn (2 workers) against the database (default: the
national dataset that bench/bench_queries.py builds in bench/out/national.db), then:
- for each page and filter change, POSTs the same /_dash-update-component requests the browser
  sends (the page layout callback, the headline figures' and every chart's draw callback) and reports median and
  p95 per callback;
- opens every page in headless Chromium and reports the time until every chart has drawn.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import charts  # noqa: E402

PAGES = {"/": ["funding-by-county", "liaison-coverage-by-year", "funding-by-year", "consultation-participation-rates",
               "training-reach"],
         "/liaison": [c for c in charts.CHARTS if c.startswith("liaison")],
         "/funding": [c for c in charts.CHARTS if c.startswith("funding")],
         "/consultations": [c for c in charts.CHARTS if c.startswith("consultation")],
         "/training": [c for c in charts.CHARTS if c.startswith("training")]}
FILTERS = {"whole country": "?country=RO", "one region": "?country=RO&region=RO-CJ",
           "3 years": "?country=RO&year_from=2021&year_to=2023", "all countries": ""}
DRAW = None   # the output keys of the chart callbacks, read from /_dash-dependencies at start (a duplicate
TABLE = None  # output's key carries a hash; and the figure's callback also drew the table before 2026-12-02)
KPIS = None   # the headline figures' callback (kpis.slot), when the server has one
AREAS = {"/": "overview", "/liaison": "liaison", "/funding": "funding", "/consultations": "consultations",
         "/training": "training"}
PAGE = ".._pages_content.children..._pages_store.data.."
# The benchmarks that time what they warm up themselves run without the app's own warming (dashboard/warm.py), whose
# thread would otherwise share the CPU with their first measurements; bench_warm.py measures warming.
NO_WARMING = {"CIVMON_WARM": "0"}
REDIS_URL = "redis://127.0.0.1:6379/14"   # --cache redis (bench_load.py uses it too, and empties it likewise)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, seconds: float = 30) -> None:
    """Wait for the server's /healthz to answer."""
    stop = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(base + "/healthz").read()
            return
        except OSError:
            if time.monotonic() > stop:
                raise
            time.sleep(0.2)


SIZES: dict[tuple, tuple[int, int]] = {}  # (page, filter, callback) -> (bytes sent gzipped, bytes of JSON)


def post(base: str, body: dict, size_key: tuple | None = None) -> float:
    """POST one callback as the browser does (gzip accepted); the time in ms, the sizes noted under size_key."""
    data = json.dumps(body).encode()
    req = urllib.request.Request(base + "/_dash-update-component", data=data,
                                 headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req) as resp:
        raw = resp.read()
        assert resp.status == 200
        plain = gzip.decompress(raw) if resp.headers.get("Content-Encoding") == "gzip" else raw
    if size_key:
        SIZES[size_key] = (len(raw), len(plain))
    return (time.perf_counter() - t0) * 1000


def page_body(path: str, search: str) -> dict:
    return {"output": PAGE, "outputs": [{"id": "_pages_content", "property": "children"},
                                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.search"], "state": []}


def chart_body(chart_id: str, search: str) -> dict:
    """The draw callback of a chart as the browser posts it: a figure's (chart-state store) or a table's."""
    is_table = charts.get(chart_id).build is charts.build_table
    store = {"chart": chart_id, "type": "table-state" if is_table else "chart-state"}
    output = TABLE if is_table else DRAW
    return {"output": output, "outputs": _outputs(output, chart_id),
            "inputs": [{"id": store, "property": "data", "value": search}],
            "changedPropIds": [json.dumps(store, sort_keys=True, separators=(",", ":")) + ".data"],
            "state": [{"id": store, "property": "id", "value": store}]}


def _outputs(output: str, chart_id: str):
    """The `outputs` of a request from a callback's output key: one {id, property}, or a list for several."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outs = []
    for part in parts:
        id_json, prop = part.rsplit(".", 1)
        outs.append({"id": {k: (chart_id if v == ["MATCH"] else v) for k, v in json.loads(id_json).items()},
                     "property": prop.split("@")[0]})
    return outs if output.startswith("..") else outs[0]


def kpi_body(area: str, search: str) -> dict:
    store = {"area": area, "type": "kpi-state"}
    return {"output": KPIS, "outputs": {"id": {"area": area, "type": "kpi-row"}, "property": "children"},
            "inputs": [{"id": store, "property": "data", "value": search}],
            "changedPropIds": [json.dumps(store, sort_keys=True, separators=(",", ":")) + ".data"],
            "state": [{"id": store, "property": "id", "value": store}]}


def read_callbacks(base: str) -> None:
    """The output keys of the server's chart and headline-figure callbacks (chart_body and kpi_body use them)."""
    global DRAW, TABLE, KPIS
    deps = json.loads(urllib.request.urlopen(base + "/_dash-dependencies").read())
    DRAW = next(d["output"] for d in deps if "chart-state" in d["inputs"][0]["id"] and "chart-graph" in d["output"])
    TABLE = next(d["output"] for d in deps if "table-state" in d["inputs"][0]["id"])
    KPIS = next((d["output"] for d in deps if "kpi-state" in d["inputs"][0]["id"]), None)


def measure_callbacks(base: str, repeat: int):
    read_callbacks(base)
    results = {}
    for path, chart_ids in PAGES.items():
        for label, search in FILTERS.items():
            bodies = [("page layout", page_body(path, search))] + [(c, chart_body(c, search)) for c in chart_ids]
            if KPIS:  # the headline figures, drawn by a callback of their own
                bodies.insert(1, ("headline figures", kpi_body(AREAS[path], search)))
            # warm-up: the view once, as a browser asks for it (the page, then each chart); with a cache, the page
            # then comes with its charts drawn and is kept whole (components.chart_view), as for its next reader
            for name, body in bodies:
                post(base, body)
            for name, body in bodies:  # bytes: of the last answer
                samples = sorted(post(base, body, (path, label, name)) for _ in range(repeat))
                results[(path, label, name)] = (statistics.median(samples), samples[int(0.95 * (len(samples) - 1))])
    return results


DRAWN = ("n => [...document.querySelectorAll('.js-plotly-plot')]"   # every chart drawn, and the headline figures
         ".filter(e => e.data && e.data.length && e.querySelector('.main-svg')).length >= n"
         " && !document.querySelector('.kpi-loading') && document.querySelector('.kpi-value')")


def open_page(page, url: str, n: int) -> float:
    """Seconds from opening the address to every chart drawn."""
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN, arg=n, timeout=30000)
    return time.perf_counter() - t0


def measure_pages(base: str):
    """Per page (?country=RO): median of 3 opens in one tab (the browser's cache warm: a colleague's second
    page), median of 3 opens each in a new, empty browser profile (a first visit), and the bytes of the last
    warm open. With a server cache, the opens in one tab come first: the first visits are then of a view someone
    has seen, which arrives with its charts drawn (components.chart_view)."""
    from playwright.sync_api import sync_playwright
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CIVMON_CHROMIUM", "/usr/bin/chromium"),
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--no-first-run"])
        viewport = {"width": 1400, "height": 1000}
        page = browser.new_page(viewport=viewport)
        for path, chart_ids in PAGES.items():
            n = sum(1 for c in chart_ids if charts.get(c).build is not charts.build_table)
            url = base + path + "?country=RO"
            warm = [open_page(page, url, n) for _ in range(3)]
            sent = page.evaluate("performance.getEntriesByType('navigation').concat("
                                 "performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)")
            cold = []
            for _ in range(3):
                context = browser.new_context(viewport=viewport)
                cold.append(open_page(context.new_page(), url, n))
                context.close()
            out[path] = (statistics.median(warm), statistics.median(cold), sent)
        browser.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench' / 'out' / 'national.db'}")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--cache", choices=("off", "on", "redis"), default="off",
                    help="off: every request computes (CIVMON_CACHE_TIMEOUT=0); on: the cache answers repeats, each "
                         "worker its own memory cache; redis: the workers share Redis (the production shape; "
                         f"{REDIS_URL}, emptied first)")
    ap.add_argument("--pages-only", action="store_true", help="only the pages drawn in Chromium (no callback table)")
    args = ap.parse_args()
    port = free_port()
    env = {**os.environ, **NO_WARMING, "DATABASE_URL": args.database_url}
    env.pop("REDIS_URL", None)
    if args.cache == "off":
        env["CIVMON_CACHE_TIMEOUT"] = "0"
    elif args.cache == "redis":
        import redis
        redis.Redis.from_url(REDIS_URL).flushdb()
        env["REDIS_URL"] = REDIS_URL
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "dashboard.app:server", "--bind",
                               f"127.0.0.1:{port}", "--workers", "2"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        results = {} if args.pages_only else measure_callbacks(base, args.repeat)
        pages = measure_pages(base)
    finally:
        server.terminate()
        server.wait()
    if results:
        print_callbacks(results, args.cache)
    print("\npage fully drawn in Chromium, ?country=RO (target 1.5 s): median of 3 opens, browser cache warm / "
          "empty (a new profile each)")
    for path, (warm, cold, sent) in pages.items():
        print(f"  {path:15} warm {warm:5.2f} s   empty {cold:5.2f} s   {sent / 1024:.0f} KB sent on the last warm open")
    return 0


def print_callbacks(results: dict, cache: str) -> None:
    worst = max(m for m, _ in results.values())
    print(f"{'page':15} {'filter':14} {'callback':38} {'median ms':>10} {'p95 ms':>8} {'KB sent':>8} {'KB JSON':>8}")
    for (path, label, name), (median, p95) in results.items():
        sent, plain = SIZES[(path, label, name)]
        print(f"{path:15} {label:14} {name:38} {median:10.1f} {p95:8.1f} {sent / 1024:8.1f} {plain / 1024:8.1f}")
    target = 100 if cache == "off" else 20  # issue 5: p95 uncached and cached
    over = sorted(((p, k) for k, (_, p) in results.items() if p > target), reverse=True)
    print(f"\nslowest callback p95: {max(p for _, p in results.values()):.1f} ms (target {target} ms, cache "
          f"{cache}); {len(over)} of {len(results)} callbacks over it"
          + "".join(f"\n  {p:6.1f} ms  {k[0]} {k[1]} {k[2]}" for p, k in over[:12]))
    figures = {k: v for k, v in SIZES.items() if k[2] not in ("page layout", "headline figures")}
    big = max(figures, key=lambda k: figures[k][1])
    print(f"largest figure (with its data table): {figures[big][1] / 1024:.1f} KB JSON, {figures[big][0] / 1024:.1f} KB "
          f"sent ({big[0]} {big[1]} {big[2]}; target 150 KB)")
    # a view someone has seen (cache on) comes whole in the page's answer; else the page, then each chart's answer
    drawn = cache != "off"
    print("bytes per page: " + ("the page layout's answer, which carries the charts and headline figures" if drawn
                                else "the page layout's answer and every chart's and the headline figures'"))
    for path in PAGES:
        for label in FILTERS:
            parts = [v for k, v in SIZES.items() if k[:2] == (path, label) and (not drawn or k[2] == "page layout")]
            sent, plain = sum(v[0] for v in parts), sum(v[1] for v in parts)
            print(f"  {path} {label}: {sent / 1024:.1f} KB sent, {plain / 1024:.1f} KB JSON")
    print(f"\nslowest callback median: {worst:.1f} ms (target 100 ms), cache {cache}")


if __name__ == "__main__":
    sys.exit(main())
