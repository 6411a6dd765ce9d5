"""Property-based: whatever the address's parameters, no page, chart or API route answers with a server error.

Hypothesis draws parameter values from plausible ones (codes, years, levels, languages), their near misses
and arbitrary text, and sends them through Flask's test client to the app on the small dataset: every
page's content (Dash Pages' routing callback), every chart's drawing callback and the data API.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dashboard import charts

from .server import chart_callback


PARAMS = ("country", "region", "year_from", "year_to", "level", "lang")
PAGES = ("/", "/liaison", "/funding", "/consultations", "/training", "/data", "/about", "/report",
         "/embed/funding-by-county", "/embed/no-such-chart", "/no-such-page")
PLAUSIBLE = ["RO", "BG", "RS", "KZ", "ro", "XX", "RO-CJ", "RO-CJ-001", "BG-18", "KZ-75", "RO,BG", "RO-CJ,BG-18",
             "2015", "2019", "2024", "2030", "1899", "0", "-1", "2019-2023", "1e3", "local", "central,local",
             "regional_department", "nope", "en", "ro", "ru", "bg", "sr", "xx", "", ",", ",,RO,", " RO ",
             "%00", "<script>alert(1)</script>", "' OR 1=1 --", "9" * 40, "Ⅻ", "١٢٣٤"]
VALUE = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=24), st.integers(-10**12, 10**12).map(str))
QUERY = st.dictionaries(st.sampled_from(PARAMS + ("charts", "width", "height", "junk")), VALUE, max_size=7)
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def client():
    from dashboard.app import server
    return server.test_client()


def _search(query: dict) -> str:
    from urllib.parse import urlencode
    return "?" + urlencode(query) if query else ""


def _post(client, body: dict):
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


NOT_FOUND = {p for p in PAGES if p.startswith("/embed/no-") or p.startswith("/no-")}


@SETTINGS
@given(path=st.sampled_from(PAGES), query=QUERY)
def test_prop001_no_page_answers_with_a_server_error(client, small_db, path, query):
    search = _search(query)
    # an address that names nothing is "not found" (404), never a server error; every other page answers 200
    assert client.get(path, query_string=query).status_code == (404 if path in NOT_FOUND else 200)
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.search"], "state": []}
    resp = _post(client, body)
    assert resp.status_code in (200, 204), (path, search, resp.status_code)
    assert "sideUpdate" not in (resp.get_json(silent=True) or {}), "the page fell back to the error notice"


@SETTINGS
@given(chart_id=st.sampled_from([c for c in charts.CHARTS if charts.get(c).build is not charts.build_table]),
       query=QUERY)
def test_prop002_no_chart_answers_with_a_server_error(client, small_db, chart_id, query):
    body = chart_callback(chart_id, _search(query))
    resp = _post(client, body)
    assert resp.status_code == 200, (chart_id, query)
    assert "sideUpdate" not in resp.get_json(), "the chart fell back to the error notice"


@SETTINGS
@given(chart_id=st.one_of(st.sampled_from(list(charts.CHARTS)), st.text(max_size=20)),
       fmt=st.sampled_from(["json", "csv", "xlsx", "txt", ""]), query=QUERY)
def test_prop003_no_api_answer_is_a_server_error(client, small_db, chart_id, fmt, query):
    resp = client.get(f"/api/v1/charts/{chart_id}.{fmt}" if fmt else f"/api/v1/charts/{chart_id}",
                      query_string=query)
    assert resp.status_code in (200, 400, 404), (chart_id, fmt, query, resp.status_code, resp.data[:200])
    assert b"Traceback" not in resp.data
