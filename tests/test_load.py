"""A bounded load test: 50 concurrent clients for 60 s on loopback end with zero errors.

The app runs under gunicorn (2 workers of 8 threads, as gunicorn.conf.py) on the small dataset; each client sends page
loads, chart callbacks, API requests and health checks in turn, the next when the last one answered.
Any answer but 200, or none within 30 s, is an error. CIVMON_LOAD_SECONDS shortens the run locally.
"""
from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request

from .server import chart_callback, serve_small

CLIENTS = 50
SECONDS = float(os.environ.get("CIVMON_LOAD_SECONDS", "60"))


def _requests(base: str) -> list[urllib.request.Request]:
    out = []
    for search in ("", "?country=RO", "?country=RO&region=RO-CJ&year_from=2023&year_to=2024", "?country=BG&lang=bg"):
        out.append(urllib.request.Request(base + "/funding" + search))
        out.append(urllib.request.Request(base + "/api/v1/charts/funding-by-county.json" + search))
        for chart_id in ("funding-by-year", "liaison-coverage-by-region", "training-reach"):
            body = chart_callback(chart_id, search)
            out.append(urllib.request.Request(base + "/_dash-update-component", data=json.dumps(body).encode(),
                                              headers={"Content-Type": "application/json"}))
    out.append(urllib.request.Request(base + "/healthz"))
    return out


def test_load001_fifty_clients_for_a_minute_without_an_error(tmp_path):
    served = serve_small(tmp_path)
    requests = _requests(served.base)
    done, errors, lock = [0], [], threading.Lock()
    stop = time.monotonic() + SECONDS

    def client(k: int):
        i = k
        while time.monotonic() < stop:
            req = requests[i % len(requests)]
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    resp.read()
                    ok = resp.status == 200
            except (urllib.error.URLError, OSError) as exc:
                ok, resp = False, exc
            with lock:
                done[0] += 1
                if not ok:
                    errors.append(f"{req.full_url}: {resp}")
            i += CLIENTS

    try:
        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        served.stop()
    print(f"{done[0]} requests in {SECONDS:.0f} s from {CLIENTS} clients ({done[0] / SECONDS:.0f}/s), "
          f"{len(errors)} errors")
    assert not errors, f"{len(errors)} of {done[0]} requests failed, e.g. {errors[:3]}"
    assert done[0] >= CLIENTS * 2, "every client got answers"
    assert "Traceback" not in served.log
