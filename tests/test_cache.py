"""The dashboard's cache: an import shows at once, Redis is shared, and a dead Redis is no error.

Charts are drawn with callbacks.cached_chart (as the chart callback does) on the small dataset; the
import goes through the importer, as `civmon import` and the upload page do.
"""
from __future__ import annotations

import base64
import socket

import flask
import numpy as np
import pytest

from dashboard import cache
from queries import db, importer

from . import small_dataset
from .server import chart_callback, kpi_callback, page_callback
from .test_callbacks import cb  # noqa: F401  (fixture)

NEW_GRANT = ("grant_id,year,funder_authority_id,region_code,recipient_name,recipient_id,amount,currency,domain,"
             "procedure,awarded_on\ng9,2024,RO-AB-AJC,RO-AB,E Sport,R9,1500.00,RON,sport,direct,2024-06-01\n")


def _values(array) -> list:
    """A figure's array as values: a cached figure carries numbers as plotly's base64 typed arrays."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _ranking_amounts(cb, search="?country=RO&year_from=2024&year_to=2024") -> dict[str, float]:
    """The amounts a user reads on the counties ranking, by region code."""
    fig, _table = cb.cached_chart("funding-by-county-ranking", search)
    bar = fig["data"][0]
    return dict(zip(_values(bar["customdata"]), _values(bar["x"])))


@pytest.fixture
def with_cache(request):
    """The module's cache configured for the test (memory, Redis, or an unreachable Redis), restored after."""
    def configure(redis_url: str | None):
        app = flask.Flask("cache-test")
        if redis_url:
            request.getfixturevalue("monkeypatch").setenv("REDIS_URL", redis_url)
        else:
            request.getfixturevalue("monkeypatch").delenv("REDIS_URL", raising=False)
        cache.init_app(app)
        cache._down_until = 0.0
        return app
    yield configure
    cache.init_app(flask.Flask("cache-restored"))
    cache._down_until = 0.0


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def test_cache001_an_import_shows_at_once(cb, small_db, with_cache, tmp_path):
    """Alba's 2024 funding is 300 RON; after importing a 1,500 RON grant the ranking shows 1,800 at once."""
    with_cache(None)
    assert _ranking_amounts(cb)["RO-AB"] == pytest.approx(300.00)
    assert _ranking_amounts(cb)["RO-AB"] == pytest.approx(300.00)  # the cached answer is the same
    path = tmp_path / "grants.csv"
    path.write_text(NEW_GRANT, encoding="utf-8")
    result = importer.import_file(db.get_engine(), "grants", path)
    assert result.ok, result.problems
    assert _ranking_amounts(cb)["RO-AB"] == pytest.approx(1800.00)


def test_cache002_a_cached_chart_is_served_without_the_query(cb, small_db, with_cache, monkeypatch):
    """The second drawing of the same view is served from the cache: the query function is not called."""
    with_cache(None)
    first = _ranking_amounts(cb, "?country=RO")
    from queries import registry
    query = registry.get("funding-by-county")
    monkeypatch.setattr(type(query), "run", lambda *a, **k: pytest.fail("query ran although the chart was cached"))
    assert _ranking_amounts(cb, "?country=RO") == first
    assert first["RO-CJ"] == pytest.approx(3500.50)


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379: start redis-server to run this test")
def test_cache003_redis_holds_the_entries_for_every_worker(cb, small_db, with_cache):
    """With REDIS_URL set, drawn charts are stored in Redis under the civmon: prefix."""
    import redis
    url = "redis://127.0.0.1:6379/15"
    client = redis.Redis.from_url(url)
    client.flushdb()
    with_cache(url)
    assert _ranking_amounts(cb, "?country=RO")["RO-CJ"] == pytest.approx(3500.50)
    keys = [k.decode() for k in client.keys("civmon:*")]
    assert any(k.startswith("civmon:chart:") for k in keys) and any(k.startswith("civmon:query:") for k in keys)
    client.flushdb()


def test_cache004_an_unreachable_redis_serves_uncached(cb, small_db, with_cache, caplog):
    """REDIS_URL pointing at a closed port: the chart still draws with the right numbers, and one warning is logged."""
    with_cache("redis://127.0.0.1:1/0")
    for _ in range(3):
        assert _ranking_amounts(cb, "?country=RO")["RO-CJ"] == pytest.approx(3500.50)
    warnings = [r for r in caplog.records if "cache unavailable" in r.getMessage()]
    assert len(warnings) == 1


def test_cache005_settings_choose_the_backend(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert cache.config()["CACHE_TYPE"] == "dashboard.cache.MemoryCache"
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    assert cache.config()["CACHE_TYPE"] == "RedisCache"
    assert cache.config()["CACHE_REDIS_URL"] == "redis://cache:6379/0"
    assert small_dataset  # the dataset module the fixtures load


def test_cache011_the_cache_turned_off_is_never_asked(cb, small_db, with_cache, monkeypatch):
    """CIVMON_CACHE_TIMEOUT=0: charts are drawn right, and no cache key is made (each costs the data version)."""
    with monkeypatch.context() as patch:  # undone before with_cache restores the cache for the next tests
        patch.setenv("CIVMON_CACHE_TIMEOUT", "0")
        with_cache(None)
        assert cache.config()["CACHE_TYPE"] == "NullCache"
        patch.setattr(cache, "key", lambda *a: pytest.fail("a cache key was made with the cache off"))
        assert _ranking_amounts(cb, "?country=RO")["RO-CJ"] == pytest.approx(3500.50)


def _posted_amounts(client, body) -> tuple[dict[str, float], bytes]:
    """The counties ranking's amounts (by region code) in a callback's answer, and the answer itself."""
    import json
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code == 200
    graph = next(v for k, v in json.loads(resp.data)["response"].items() if "chart-graph" in k)
    bar = graph["figure"]["data"][0]
    return dict(zip(_values(bar["customdata"]), _values(bar["x"]))), resp.data


def test_cache006_a_callback_answer_is_kept_whole_until_the_data_changes(cb, small_db, monkeypatch, tmp_path):
    """The second post of the same callback is answered from the cache without reaching the callback, byte for
    byte; an import changes the data version, so the next post computes the new numbers; an answer given while
    something failed is not kept."""
    from dashboard.app import server
    from dashboard import callbacks, service

    from .server import chart_callback

    client = server.test_client()
    body = chart_callback("funding-by-county-ranking", "?country=RO&year_from=2024&year_to=2024")
    drawn = []
    real = callbacks.cached_chart
    monkeypatch.setattr(callbacks, "cached_chart", lambda *args: drawn.append(args) or real(*args))

    amounts, first = _posted_amounts(client, body)
    assert amounts["RO-AB"] == pytest.approx(300.00) and len(drawn) == 1
    again, second = _posted_amounts(client, body)
    assert second == first and len(drawn) == 1     # answered whole from the cache

    path = tmp_path / "grants.csv"
    path.write_text(NEW_GRANT, encoding="utf-8")
    assert importer.import_file(db.get_engine(), "grants", path).ok
    amounts, _ = _posted_amounts(client, body)
    assert amounts["RO-AB"] == pytest.approx(1800.00) and len(drawn) == 2

    other = chart_callback("funding-by-county-ranking", "?country=RO")
    failing = [True]

    def fails_once(*args):
        if failing.pop() if failing else False:
            raise RuntimeError("a failure for the test")
        return real(*args)
    monkeypatch.setattr(callbacks, "cached_chart", fails_once)
    resp = client.post("/_dash-update-component", json=other)
    assert resp.status_code == 200 and "Something went wrong" in resp.get_data(as_text=True)
    amounts, _ = _posted_amounts(client, other)      # the failed answer was not kept: drawn now
    assert amounts["RO-AB"] > 0
    assert service.FAILED.startswith("Something went wrong")


def _components(tree):
    """Every component (as Dash sends it: {type, namespace, props}) in an answer's tree."""
    if isinstance(tree, list):
        for item in tree:
            yield from _components(item)
    elif isinstance(tree, dict):
        if "props" in tree and "type" in tree:
            yield tree
            tree = tree["props"]
        for value in tree.values():
            yield from _components(value)


def _page(client, search: str) -> tuple[list[dict], bytes]:
    import json
    resp = client.post("/_dash-update-component", json=page_callback("/funding", search))
    assert resp.status_code == 200
    return list(_components(json.loads(resp.data)["response"]["_pages_content"]["children"])), resp.data


def _pending(components) -> list[str]:
    """The charts and headline rows a page leaves to callbacks (the stores that make them draw)."""
    ids = [c["props"].get("id") for c in components]
    return sorted(i.get("chart") or i.get("area") for i in ids
                  if isinstance(i, dict) and i.get("type") in ("chart-state", "table-state", "kpi-state"))


def test_cache010_a_page_arrives_drawn_once_its_charts_are_cached(cb, small_db):
    """A page whose charts and headline figures the cache holds for its address arrives with them, and no request
    per chart follows; until then it arrives with placeholders and the stores that make each draw itself, and such
    an answer is not kept (else the page would keep its placeholders until the next import)."""
    import json
    from dashboard.app import server

    client = server.test_client()
    search = "?country=RO&year_from=2023"
    charts_of_page = sorted(["funding-by-county", "funding-by-county-ranking", "funding-by-year", "funding-by-domain",
                             "funding-by-procedure", "funding-top-recipients", "funding-by-funder"])
    first, _ = _page(client, search)
    assert _pending(first) == sorted(charts_of_page + ["funding"])
    assert not [c for c in first if c["props"].get("id") == "kpi-amount"]

    drawn = {}
    for chart_id in charts_of_page:
        resp = client.post("/_dash-update-component", json=chart_callback(chart_id, search))
        drawn[chart_id] = json.loads(resp.data)["response"][json.dumps(
            {"chart": chart_id, "type": "chart-graph"}, separators=(",", ":"))]["figure"]
    resp = client.post("/_dash-update-component", json=kpi_callback("funding", search))
    kpis = list(_components(json.loads(resp.data)["response"]))
    amount = next(c for c in kpis if c["props"].get("id") == "kpi-amount")["props"]["children"]
    assert amount == "3,801 RON"   # the small dataset's grants of 2023 and 2024, 3,800.50 RON, rounded half up

    page, answer = _page(client, search)
    assert _pending(page) == []
    graphs = {c["props"]["id"]["chart"]: c["props"]["figure"] for c in page
              if isinstance(c["props"].get("id"), dict) and c["props"]["id"]["type"] == "chart-graph"}
    assert graphs == drawn and all(fig["data"] for fig in graphs.values())
    assert next(c for c in page if c["props"].get("id") == "kpi-amount")["props"]["children"] == amount
    assert _page(client, search)[1] == answer     # now kept whole


def test_cache009_an_api_data_file_is_kept_whole_until_the_data_changes(small_db, monkeypatch, tmp_path):
    """A chart's CSV (and JSON) asked again is answered from the cache, byte for byte and with the same headers,
    without running the chart's query; an import makes the next download carry the new numbers; an answer that
    is not a 200 (a bad address) is never kept."""
    import csv
    import io

    from dashboard import charts
    from dashboard.app import server

    client = server.test_client()
    asked = []
    real = charts.Chart.data
    monkeypatch.setattr(charts.Chart, "data", lambda self, state: asked.append(self.id) or real(self, state))

    def amounts(resp) -> dict[str, str]:
        assert resp.status_code == 200
        return {row["region_code"]: row["amount"] for row in csv.DictReader(io.StringIO(resp.get_data(as_text=True)))}

    url = "/api/v1/charts/funding-by-county.csv?country=RO&year_from=2024&year_to=2024"
    first = client.get(url)
    assert amounts(first)["RO-AB"] == "300.0" and asked == ["funding-by-county"]
    again = client.get(url)
    assert again.data == first.data and asked == ["funding-by-county"]  # kept whole: the query did not run
    assert again.headers["Content-Disposition"] == first.headers["Content-Disposition"] == \
        'attachment; filename="funding-by-county_RO_2024.csv"'
    assert again.mimetype == "text/csv" and again.headers["X-Content-Type-Options"] == "nosniff"

    doc = client.get(url.replace(".csv", ".json"))
    assert client.get(url.replace(".csv", ".json")).data == doc.data and doc.mimetype == "application/json"
    assert asked.count("funding-by-county") == 2

    path = tmp_path / "grants.csv"
    path.write_text(NEW_GRANT, encoding="utf-8")
    assert importer.import_file(db.get_engine(), "grants", path).ok
    assert amounts(client.get(url))["RO-AB"] == "1800.0" and asked.count("funding-by-county") == 3

    bad = "/api/v1/charts/funding-by-county.csv?region=RO-XX"
    assert [client.get(bad).status_code for _ in range(2)] == [400, 400] and asked.count("funding-by-county") == 5


def test_cache007_a_request_reads_the_data_version_once(cb, small_db, tmp_path):
    """A request reads the data version once (dashboard.app wraps each in queries.db.one_version): its cache
    keys, the regions and currencies kept per version, and the version the answer reports all agree. Uncached,
    the API's rows for one county take 3 statements: the version, the sums and the recipients (every grant there
    has a euro rate, so none is looked for without one)."""
    import sqlalchemy as sa

    from dashboard.app import server

    client = server.test_client()
    url = "/api/v1/charts/funding-by-county.json?country=RO&region=RO-AB&year_from=2024&year_to=2024"
    statements: list[str] = []
    sa.event.listen(db.get_engine(), "before_cursor_execute",
                    lambda conn, cursor, stmt, *args: statements.append(" ".join(stmt.split())))
    first = client.get(url).get_json()
    reads = [s for s in statements if s.startswith("SELECT dataset_info.value FROM dataset_info WHERE")]
    assert len(reads) == 1, statements
    statements.clear()
    assert client.get(url).get_json()["rows"] == first["rows"]
    assert len(statements) == 1, statements     # the version; the rows come from the cache
    statements.clear()
    assert client.get(url.replace("2024", "2023")).status_code == 200
    assert len(statements) == 3, statements     # not cached, but the region and currencies kept for the version

    path = tmp_path / "grants.csv"
    path.write_text(NEW_GRANT, encoding="utf-8")
    assert importer.import_file(db.get_engine(), "grants", path).ok
    after = client.get(url).get_json()
    assert after["data_version"] == first["data_version"] + 1
    assert after["rows"][0]["amount"] == first["rows"][0]["amount"] + 1500


def test_cache008_values_kept_per_data_version_are_safe_across_threads(monkeypatch):
    """queries.meta.per_version is shared by a process's threads (civmon serve, gunicorn --threads): many threads
    asking for values that come and go from its memo all get their value, none an error."""
    import random
    import sys
    import threading
    from types import SimpleNamespace

    from queries import meta
    monkeypatch.setattr(meta, "PER_VERSION_SIZE", 4)
    monkeypatch.setattr(meta, "_versioned", lambda conn: (SimpleNamespace(engine="an engine"), "1", conn))
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible

    @meta.per_version
    def double(conn, x):
        return 2 * x

    conn = SimpleNamespace(engine="an engine")
    errors = []

    def work():
        for _ in range(5000):
            x = random.randrange(8)
            try:
                assert double(conn, x) == 2 * x
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
                return
    threads = [threading.Thread(target=work) for _ in range(8)]
    try:
        [t.start() for t in threads]
        [t.join() for t in threads]
    finally:
        sys.setswitchinterval(old_interval)
    assert not errors, errors[:3]


def test_cache012_the_memory_cache_is_bounded_by_bytes():
    mem = cache.MemoryCache(max_bytes=100_000, default_timeout=60)
    for i in range(200):
        assert mem.set(f"k{i}", b"x" * 2_000)
        mem.get("k0")  # used again and again: the least recently used entries go, not this one
    assert mem.bytes <= 100_000 and mem.get("k0") == b"x" * 2_000 and mem.get("k1") is None
    assert mem.get("k199") == b"x" * 2_000
    assert not mem.set("huge", b"x" * 20_000)  # above an eighth of the budget: not kept at all
    assert mem.add("k199", b"other") is False and mem.delete("k199") and mem.get("k199") is None


def test_cache013_made_up_variants_of_an_address_take_no_room(small_db):
    """600 requests with varied meaningless or unusable parameters (as a prober sends): answered as their view,
    and the cache holds no more than for the few real views (before: 222 MB in Redis, 1.3 GB in a worker)."""
    from dashboard.app import server
    client = server.test_client()
    with server.app_context():
        backend = cache.cache.cache
    backend.clear()
    for i in range(200):
        assert client.get(f"/api/v1/charts/funding-by-county.json?country=RO&utm={i}").status_code == 200
        assert client.get(f"/api/v1/charts/funding-by-county.csv?year_from=abc{i}").status_code == 400
        body = chart_callback("funding-by-county-ranking", f"?country=RO&ref={i}")
        assert client.post("/_dash-update-component", json=body).status_code == 200
    after_varied = backend.bytes
    body = chart_callback("funding-by-county-ranking", "?country=BG")
    client.post("/_dash-update-component", json=body)
    one_view = backend.bytes - after_varied
    assert after_varied < 3 * max(one_view, 20_000), (after_varied, one_view)  # the RO view once, not 600 times
