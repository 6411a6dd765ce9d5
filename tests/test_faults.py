"""Faults: the database cut and restored under a running server, and a Redis that does not answer.

The app runs under gunicorn (2 workers) against PostgreSQL through a small TCP proxy that the test can
cut (every connection dropped, nothing listening) and restore, on the same port, without restarting the
server. What is checked is what a user or an operator sees: /healthz, the API's answer, the notice a
page shows, and the server's log.
"""
from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from . import small_dataset
from .conftest import make_engine
from .server import chart_callback, get, serve, serve_small

DB_DOWN = "The database is not answering"


class Proxy:
    """A TCP proxy on 127.0.0.1 that can be cut and restored on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.hanging = False  # accept connections and never answer (a database that hangs)
        self.restore()

    def restore(self) -> None:
        self._open = True
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(64)
        self._listener.settimeout(0.1)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def cut(self) -> None:
        self._open = False
        self._thread.join()
        self._listener.close()
        with self._lock:
            for s in self._sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self._sockets.clear()

    def _accept(self) -> None:
        while self._open:
            try:
                client, _ = self._listener.accept()
            except (socket.timeout, OSError):
                continue
            if self.hanging:
                with self._lock:
                    self._sockets.append(client)
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _draw(base: str, chart_id: str, search: str) -> dict:
    """The chart callback as the browser sends it from the page at `search`; the decoded answer."""
    body = chart_callback(chart_id, search)
    req = urllib.request.Request(base + "/_dash-update-component", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Referer": base + "/funding" + search})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
        return json.loads(resp.read())


def _eventually(check, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


def _served_through_proxy(engine, tmp_path):
    """The app under gunicorn, without Redis, reaching PostgreSQL through a Proxy the test can cut."""
    proxy = Proxy((engine.url.host, engine.url.port or 5432))
    url = engine.url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("REDIS_URL", None)
    return proxy, serve(env, tmp_path)


@pytest.mark.postgres
def test_flt001_database_cut_and_restored_without_restart(tmp_path):
    engine, drop = make_engine("postgres", tmp_path)
    try:
        small_dataset.load(engine)
        proxy, served = _served_through_proxy(engine, tmp_path)
        base = served.base
        try:
            api = base + "/api/v1/charts/funding-by-county.json?country=RO"
            assert get(base + "/healthz")[0] == 200
            status, body = get(api)
            assert status == 200 and {r["region_code"] for r in json.loads(body)["rows"]} == {"RO-AB", "RO-BV", "RO-CJ"}

            proxy.cut()
            assert get(base + "/healthz") == (503, "database unavailable\n")
            status, body = get(base + "/api/v1/charts/funding-by-year.json?country=RO")
            assert status == 503 and DB_DOWN in body and "Traceback" not in body
            answer = _draw(base, "funding-by-year", "?country=RO&lang=ro")
            notice = json.dumps(answer["sideUpdate"], ensure_ascii=False)
            assert "Baza de date nu răspunde" in notice or DB_DOWN in notice  # the page's language when translated

            proxy.restore()
            assert _eventually(lambda: get(base + "/healthz")[0] == 200), "no recovery after the database returned"
            answer = _draw(base, "funding-by-year", "?country=RO")
            assert "sideUpdate" not in answer
            figure = answer["response"][json.dumps({"chart": "funding-by-year", "type": "chart-graph"},
                                                   separators=(",", ":"))]["figure"]
            assert figure["data"], "the chart draws again"
        finally:
            proxy.cut()
            served.stop()
        log = served.log
        assert "GET /healthz 503" in log and "GET /healthz 200" in log  # one line per request, with its status
        assert "database unavailable" in log
        assert "Traceback" not in log, "a database outage is a warning, not an error with a traceback"
    finally:
        drop()


@pytest.mark.postgres
def test_flt003_a_database_that_accepts_connections_but_never_answers(tmp_path):
    """A request meets one connection timeout (5 s), not one per query, and the next ones answer 503 at once
    (before: 61 s, gunicorn's timeout, for each page)."""
    engine, drop = make_engine("postgres", tmp_path)
    try:
        small_dataset.load(engine)
        proxy, served = _served_through_proxy(engine, tmp_path)
        try:
            proxy.cut()
            proxy.hanging = True
            proxy.restore()
            api = served.base + "/api/v1/charts/funding-by-year.json?country=RO"
            for _ in range(3):
                started = time.monotonic()
                status, body = get(api)
                assert status == 503 and DB_DOWN in body and time.monotonic() - started < 7.0
            started = time.monotonic()
            assert get(served.base + "/healthz")[0] == 503 and time.monotonic() - started < 7.0
            proxy.cut()
            proxy.hanging = False
            proxy.restore()
            assert _eventually(lambda: get(served.base + "/healthz")[0] == 200), "no recovery"
        finally:
            proxy.cut()
            served.stop()
        assert "Traceback" not in served.log
    finally:
        drop()


def test_flt002_unreachable_redis_serves_uncached(tmp_path):
    """REDIS_URL names a port where nothing listens: pages and the API still answer with the right numbers."""
    served = serve_small(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    base = served.base
    try:
        for _ in range(3):
            status, body = get(base + "/api/v1/charts/funding-by-county.json?country=RO&year_from=2024&year_to=2024")
            assert status == 200
            rows = {r["region_code"]: r["amount"] for r in json.loads(body)["rows"]}
            assert rows["RO-CJ"] == pytest.approx(2000.00) and rows["RO-AB"] == pytest.approx(300.00)
        answer = _draw(base, "funding-by-year", "?country=RO")
        assert "sideUpdate" not in answer
    finally:
        served.stop()
    log = served.log
    assert "cache unavailable" in log and "Traceback" not in log
