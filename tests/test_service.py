"""Security headers, the request log and error answers (Flask's test client on the app)."""
from __future__ import annotations

import logging
import re

import pytest

from .server import chart_callback



@pytest.fixture(scope="module")
def client():
    from dashboard.app import server
    return server.test_client()


def _policy(resp) -> dict[str, str]:
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else ""
            for d in (p.strip() for p in resp.headers["Content-Security-Policy"].split(";")) if d}


def test_svc001_every_page_gets_the_security_headers(client, small_db):
    resp = client.get("/funding?country=RO")
    policy = _policy(resp)
    assert policy["default-src"] == "'self'"
    # scripts only from this server, plus Dash's own inline scripts by their hashes: no 'unsafe-inline'
    assert policy["script-src"].startswith("'self'") and "unsafe-inline" not in policy["script-src"]
    assert re.search(r"'sha256-[A-Za-z0-9+/=]+'", policy["script-src"])
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_svc002_only_embeds_may_be_framed(client, small_db):
    resp = client.get("/embed/funding-by-county?country=RO")
    assert _policy(resp)["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in resp.headers
    assert _policy(client.get("/api/v1/charts"))["frame-ancestors"] == "'none'"


def test_svc003_one_log_line_per_request(client, small_db, caplog):
    with caplog.at_level(logging.INFO, logger="civmon.request"):
        client.get("/healthz")
        client.get("/api/v1/charts/no-such-chart.json")
    lines = [r.getMessage() for r in caplog.records if r.name == "civmon.request"]
    assert re.fullmatch(r"GET /healthz 200 \d+\.\d ms", lines[0])
    assert re.fullmatch(r"GET /api/v1/charts/no-such-chart.json 404 \d+\.\d ms", lines[1])


def test_svc004_an_unexpected_error_is_a_sentence_for_the_user_and_a_traceback_in_the_log(client, small_db,
                                                                                         monkeypatch, caplog):
    from queries import db

    def broken(self):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(db.Database, "ping", broken)
    with caplog.at_level(logging.ERROR, logger="civmon"):
        resp = client.get("/healthz")
    assert resp.status_code == 500
    assert resp.get_data(as_text=True) == "Something went wrong on the server. The error has been logged.\n"
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "disk on fire" in str(logged[0].exc_info[1])


def test_svc005_a_failing_callback_shows_a_notice_not_a_traceback(client, small_db, monkeypatch):
    """A chart whose drawing fails: the answer is 200 with the page's notice, and the chart keeps its state."""
    import json

    from dashboard import charts
    chart = charts.get("funding-by-year")

    def broken(*_args):
        raise RuntimeError("figure builder bug")
    monkeypatch.setattr(type(chart), "figure", broken)
    body = chart_callback("funding-by-year", "?country=KZ&year_from=2019")
    resp = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    text = resp.get_data(as_text=True)
    assert resp.status_code in (200, 204) and "Traceback" not in text and "figure builder bug" not in text
    assert "Something went wrong while drawing this part of the page" in text
