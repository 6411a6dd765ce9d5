"""Warming (dashboard/warm.py): the main pages are in the cache before their first reader, after start-up and after
every import, in every worker; with Redis, one process warms for all."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from dashboard import cache, warm
from queries import db, importer

from .server import ROOT, page_callback, serve
from .test_cache import NEW_GRANT, _components, _pending, _redis_up, with_cache  # noqa: F401  (fixture)
from .test_callbacks import cb  # noqa: F401  (fixture)

COUNTRIES = ["", "?country=BG", "?country=KZ", "?country=RO"]  # the countries of the small dataset's regions


def _funding(post, search: str) -> tuple[list[str], str | None]:
    """What /funding at an address arrives with: the parts left to later requests, and the amount granted.
    post(body) sends a callback request and returns its answer's body."""
    components = list(_components(json.loads(post(page_callback("/funding", search)))["response"]))
    amount = next((c["props"]["children"] for c in components if c["props"].get("id") == "kpi-amount"), None)
    return _pending(components), amount


def test_warm001_every_main_page_arrives_drawn_after_warming(cb, small_db, tmp_path):
    """Before warming a page arrives with placeholders; after it, every main page, for the whole dataset and for
    each country, arrives with its charts and headline figures; after an import, warming shows the new amount."""
    from dashboard.app import server

    client = server.test_client()

    def post(body) -> bytes:
        resp = client.post("/_dash-update-component", json=body)
        assert resp.status_code == 200
        return resp.data
    assert warm.searches() == COUNTRIES
    pending, amount = _funding(post, "?country=RO")
    assert "funding-by-county" in pending and amount is None

    assert warm.warm(server) == len(warm.paths()) * len(COUNTRIES)
    for path in warm.paths():
        for search in COUNTRIES:
            assert _pending(list(_components(json.loads(post(page_callback(path, search)))))) == [], (path, search)
    assert _funding(post, "?country=RO") == ([], "3,901 RON")

    grants = tmp_path / "grants.csv"
    grants.write_text(NEW_GRANT, encoding="utf-8")
    assert importer.import_file(db.get_engine(), "grants", grants).ok
    assert _funding(post, "?country=BG")[0] != []    # a new version: nothing of it is cached yet
    warm.warm(server)
    assert _funding(post, "?country=RO") == ([], "5,401 RON")


def test_warm004_a_view_that_fails_is_left_to_its_reader_and_the_rest_is_warmed(cb, small_db, monkeypatch, caplog):
    """A chart that cannot be drawn (a defect) costs its own views, not the round: the others are warmed, and the
    log says which view failed. The database not answering stops the round instead, to be tried again."""
    from dashboard.app import server

    drawn = cb.cached_chart

    def cached_chart(chart_id, search):
        if chart_id == "training-by-topic":
            raise ValueError("a defect in one chart")
        return drawn(chart_id, search)
    monkeypatch.setattr(warm.callbacks, "cached_chart", cached_chart)
    caplog.set_level("INFO", logger="civmon.warm")
    assert warm.warm(server) == (len(warm.paths()) - 1) * len(COUNTRIES)   # every view but /training's
    said = [r.getMessage() for r in caplog.records if r.name == "civmon.warm"]
    assert said[:-1] == [f"warming /training{search} failed; its first reader will draw it" for search in COUNTRIES]
    assert said[-1].startswith("warmed 16 views in ") and said[-1].endswith(" s (4 failed)")

    import sqlalchemy as sa
    monkeypatch.setattr(warm.callbacks, "cached_chart", lambda *a: (_ for _ in ()).throw(
        sa.exc.OperationalError("select", {}, Exception("database is down"))))
    with pytest.raises(sa.exc.OperationalError):
        warm.warm(server, None)


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379: start redis-server to run this test")
def test_warm002_with_redis_one_process_warms_a_version(cb, small_db, with_cache):
    """The claim to warm a version is Redis's: the first process to ask gets it, the others leave it to that one."""
    import redis
    url = "redis://127.0.0.1:6379/9"
    redis.Redis.from_url(url).flushdb()
    with with_cache(url).app_context():
        dataset = cache.dataset()
        assert warm._claim(dataset) is True
        assert warm._claim(dataset) is False
        assert warm._claim(dataset + "-next") is True
    redis.Redis.from_url(url).flushdb()


def _wait_for(served, text: str, count: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while served.log.count(text) < count:
        assert time.monotonic() < deadline, f"{count}× {text!r} not in the server's log:\n{served.log[-3000:]}"
        time.sleep(0.2)


def test_warm003_gunicorn_workers_warm_at_start_and_after_a_cli_import(small_db, tmp_path):
    """Two gunicorn workers, each with its own memory cache, warm at start-up; `civmon import` in another process
    bumps the data version, and within seconds both workers hold the new numbers, whole, with nobody asking."""
    import os
    import urllib.request

    env = {**os.environ, "DATABASE_URL": small_db.url.render_as_string(hide_password=False), "CIVMON_WARM": "1"}
    env.pop("REDIS_URL", None)
    served = serve(env, tmp_path)
    try:
        _wait_for(served, "warmed 20 views", 2)

        def post(body) -> bytes:
            request = urllib.request.Request(served.base + "/_dash-update-component", data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as resp:
                return resp.read()
        for _ in range(4):  # either worker may answer: each has its own cache
            assert _funding(post, "?country=RO") == ([], "3,901 RON")

        grants = tmp_path / "grants.csv"
        grants.write_text(NEW_GRANT, encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "dashboard.cli", "import", "grants", str(grants)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        _wait_for(served, "warmed 20 views", 4)
        for _ in range(4):
            assert _funding(post, "?country=RO") == ([], "5,401 RON")
    finally:
        served.stop()
    assert "Traceback" not in served.log


def test_warm005_no_warming_without_a_cache_or_when_turned_off(with_cache, monkeypatch):
    """CIVMON_WARM=1 warms only where there is a cache to warm; CIVMON_WARM=0 never."""
    monkeypatch.setenv("CIVMON_WARM", "1")
    with monkeypatch.context() as patch:
        patch.setenv("CIVMON_CACHE_TIMEOUT", "0")
        with_cache(None)
        assert not warm.enabled()
    with_cache(None)
    assert warm.enabled()
    monkeypatch.setenv("CIVMON_WARM", "0")
    assert not warm.enabled()
