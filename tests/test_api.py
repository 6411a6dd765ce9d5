"""The chart API through Flask's test client: listing, every data format of every chart against the
reporting layer's own numbers, errors, safe exports and the frame-ancestors headers.

Runs on the small hand-made dataset (tests/small_dataset.py) through the dashboard's own engine, as
tests/test_callbacks.py does. Images need Chromium and are in tests/browser/test_images.py, except
the answer without one (503), tested here.
"""
from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from queries import Filter, formats, money, registry, schema as t, summary

from . import small_dataset

FILTERS = ("", "?country=RO&year_from=2023&year_to=2024", "?region=RO-CJ&level=local,regional&lang=ro")
OFFICER_NAMES = [row[-1] for row in small_dataset.ROWS["liaison_officers"]]


def _chart_ids():
    from dashboard import charts
    return list(charts.CHARTS)


@pytest.fixture(scope="module")
def server():
    import dashboard.app
    return dashboard.app.server


@pytest.fixture
def client(server, small_db):
    return server.test_client()


def expected_rows(small_db, chart_id: str, search: str) -> list[dict]:
    """The reporting layer's rows for the chart, straight from the registry, as JSON values."""
    from dashboard import charts, state as st
    chart = charts.get(chart_id)
    df = registry.get(chart.query_id).run(st.parse(search).filter, engine=small_db)
    return json.loads(json.dumps(formats.records(df), default=str))


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def xlsx_rows(body: bytes, sheet: int = 0) -> list[list]:
    wb = openpyxl.load_workbook(io.BytesIO(body))
    return [list(r) for r in wb.worksheets[sheet].iter_rows(values_only=True)]


# --- listing ---------------------------------------------------------------------------------------------------

def test_api001_listing_has_every_chart_in_page_order(client):
    from dashboard import charts
    resp = client.get("/api/v1/charts")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    listed = resp.get_json()
    assert [c["id"] for c in listed] == list(charts.CHARTS)
    by_id = {c["id"]: c for c in listed}
    fbc = by_id["funding-by-county"]
    assert fbc["title"] == "Funding per 1,000 inhabitants by county" and fbc["area"] == "funding"
    assert fbc["definition"] == registry.get(charts.get("funding-by-county").query_id).definition
    assert list(fbc["parameters"]) == ["country", "region", "year_from", "year_to", "level", "lang"]
    assert all(isinstance(v, str) and v for v in fbc["parameters"].values())
    assert fbc["formats"] == ["json", "csv", "xlsx", "png", "svg"]
    assert fbc["urls"]["png"] == "/api/v1/charts/funding-by-county.png"
    assert fbc["urls"]["embed"] == "/embed/funding-by-county"
    table = by_id["liaison-authorities-without-officer"]
    assert table["formats"] == ["json", "csv", "xlsx"] and "png" not in table["urls"]


def test_api002_listing_speaks_the_language_asked(client):
    from dashboard import charts, i18n
    listed = client.get("/api/v1/charts?lang=ro").get_json()
    tr = i18n.translator("ro")
    assert listed[0]["title"] == tr(charts.get(listed[0]["id"]).title)


# --- data formats against the reporting layer ---------------------------------------------------------------

@pytest.mark.parametrize("chart_id", _chart_ids())
def test_api003_json_rows_are_the_reporting_layers(client, small_db, chart_id):
    from dashboard import charts
    for search in FILTERS:
        resp = client.get(f"/api/v1/charts/{chart_id}.json{search}")
        assert resp.status_code == 200, resp.get_data(as_text=True)
        doc = resp.get_json()
        assert doc["chart"] == chart_id and doc["query"] == charts.get(chart_id).query_id
        assert doc["columns"] == list(charts.get(chart_id).query.columns)
        assert doc["rows"] == expected_rows(small_db, chart_id, search), search
        assert doc["generated_at"].endswith("+00:00") and doc["demo"] is False and doc["demo_scale"] is None
        assert isinstance(doc["data_version"], int) and doc["source"] and doc["filter_summary"]


def test_api003b_json_is_indented_text_with_letters_as_they_are(client, small_db):
    body = client.get("/api/v1/charts/funding-by-county.json?country=RO").get_data(as_text=True)
    assert body.startswith('{\n  "chart": "funding-by-county",\n  "title": "Funding per 1,000 inhabitants by county",\n')
    assert '\n      "region_name": "Brașov",\n' in body and body.endswith("\n}\n")  # not "Bra\\u0219ov"


def test_api003c_json_writes_dates_and_times_as_text():
    import datetime as dt
    doc = {"day": dt.date(2024, 12, 31), "at": dt.datetime(2024, 12, 31, 9, 30, tzinfo=dt.timezone.utc),
           "rows": [{"n": 1, "share": 12.5, "none": None, "name": "Timiș"}], "empty": []}
    assert formats.to_json(doc) == (
        '{\n  "day": "2024-12-31",\n  "at": "2024-12-31 09:30:00+00:00",\n  "rows": [\n    {\n      "n": 1,\n'
        '      "share": 12.5,\n      "none": null,\n      "name": "Timiș"\n    }\n  ],\n  "empty": []\n}')


@pytest.mark.parametrize("chart_id", _chart_ids())
def test_api004_csv_has_the_same_rows(client, small_db, chart_id):
    from dashboard import charts
    for search in FILTERS:
        resp = client.get(f"/api/v1/charts/{chart_id}.csv{search}")
        assert resp.status_code == 200 and resp.mimetype == "text/csv"
        assert resp.headers["Content-Disposition"].startswith(f'attachment; filename="{chart_id}')
        rows = list(csv.reader(io.StringIO(resp.get_data().decode("utf-8"))))
        expected = expected_rows(small_db, chart_id, search)
        assert rows[0] == list(charts.get(chart_id).query.columns)
        assert rows[1:] == [[csv_cell(v) for v in r.values()] for r in expected], search


@pytest.mark.parametrize("chart_id", _chart_ids())
def test_api005_xlsx_opens_with_the_same_rows(client, small_db, chart_id):
    from dashboard import charts
    search = FILTERS[1]
    resp = client.get(f"/api/v1/charts/{chart_id}.xlsx{search}")
    assert resp.status_code == 200
    rows = xlsx_rows(resp.get_data())
    assert rows[0] == list(charts.get(chart_id).query.columns)
    expected = [list(r.values()) for r in expected_rows(small_db, chart_id, search)]
    assert rows[1:] == expected
    about = dict((k, v) for k, v in xlsx_rows(resp.get_data(), sheet=1))
    assert about["chart"] == chart_id and "Romania" in about["filters"] and about["source"].startswith("Source")


@pytest.mark.parametrize("chart_id", ["funding-by-year", "funding-by-county"])
def test_api006a_json_says_which_countries_a_euro_comparison_leaves_out(client, small_db, chart_id):
    """funding-by-year compares only the countries with every rate; funding-by-county keeps every county and
    marks those without a euro amount (and looks for the grants without a rate only then): both say who."""
    doc = client.get(f"/api/v1/charts/{chart_id}.json").get_json()
    _f, gaps = money.euro_comparable(Filter(), engine=small_db)
    assert gaps and doc["left_out"] == [{"country": g.country, "currency": g.currency, "years": list(g.years),
                                         "grants": g.grants} for g in gaps]
    assert doc["note"] and all(g.currency in doc["note"] for g in gaps)
    for search in ("?country=BG", "?country=RO"):
        assert client.get(f"/api/v1/charts/{chart_id}.json{search}").get_json()["left_out"] == []


def test_api006_numbers_are_the_pages_numbers(client):
    """One worked value: Cluj's grants 2023–2024 (3 grants, 3,500.50 RON), as tests/test_cli.py has it."""
    doc = client.get("/api/v1/charts/funding-by-county.json?country=RO&year_from=2023&year_to=2024").get_json()
    cluj = next(r for r in doc["rows"] if r["region_code"] == "RO-CJ")
    assert (cluj["grants"], cluj["recipients"], cluj["amount"], cluj["currency"]) == (3, 2, 3500.5, "RON")
    brasov = next(r for r in doc["rows"] if r["region_code"] == "RO-BV")
    assert brasov["per_1000_inhabitants"] is None  # no population: null, never 0


# --- errors ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, words", [
    ("/api/v1/charts/no-such-chart.json", ["no chart", "no-such-chart"]),
    ("/api/v1/charts/funding-by-county.pdf", ["no format", "pdf"]),
    ("/api/v1/charts/funding-by-county", ["no such address"]),
    ("/api/v1/charts/", ["no such address"]),
    ("/api/v1/nothing", ["no such address"]),
    ("/api/v1/charts/liaison-authorities-without-officer.png", ["is a table"]),
    ("/api/v1/charts/liaison-authorities-without-officer.svg", ["is a table"]),
])
def test_api007_unknown_charts_formats_and_addresses_are_404(client, path, words):
    resp = client.get(path)
    assert resp.status_code == 404 and resp.mimetype == "application/json"
    message = resp.get_json()["error"]
    assert all(w in message for w in words), message
    assert "Traceback" not in resp.get_data(as_text=True)


@pytest.mark.parametrize("query, words", [
    ("?year_from=abc", ["year_from", "abc"]),
    ("?country=Romania", ["country", "ROMANIA"]),
    ("?level=federal", ["level", "federal"]),
    ("?year_from=2024&year_to=2019", ["2024-2019"]),
    ("?region=RO-XX", ["unknown region code", "RO-XX"]),
])
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "png", "svg"])
def test_api008_parameters_that_cannot_be_used_are_400(client, query, words, fmt):
    resp = client.get(f"/api/v1/charts/funding-by-county.{fmt}{query}")
    assert resp.status_code == 400, resp.get_data(as_text=True)
    message = resp.get_json()["error"]
    assert all(w in message for w in words), message


@pytest.mark.parametrize("query, words", [
    ("?width=100", ["width", "400"]), ("?height=abc", ["height", "abc"]), ("?scale=9", ["scale", "4"]),
    ("?width=2400&height=2400&scale=3", ["too large"]),
])
def test_api009_image_sizes_out_of_bounds_are_400(client, query, words):
    resp = client.get(f"/api/v1/charts/funding-by-year.png{query}")
    assert resp.status_code == 400
    assert all(w in resp.get_json()["error"] for w in words)


def test_api010_images_answer_503_without_chromium_and_the_rest_works(client, monkeypatch, tmp_path):
    from dashboard import images
    images.close()
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    for fmt in images.FORMATS:
        resp = client.get(f"/api/v1/charts/funding-by-year.{fmt}?country=RO")
        assert resp.status_code == 503
        message = resp.get_json()["error"]
        assert "Chromium" in message and "apt-get install chromium" in message and "BROWSER_PATH" in message
    assert client.get("/api/v1/charts/funding-by-year.json?country=RO").status_code == 200
    assert client.get("/api/v1/charts").status_code == 200
    assert client.get("/healthz").status_code == 200


# --- safe exports ----------------------------------------------------------------------------------------------

def test_api011_neutralise_prefixes_formula_like_text_only():
    n = formats.neutralise
    for text in ("=SUM(A1:A9)", "+1", "-2", "@cmd", "\tx", "\rx"):
        assert n(text) == "'" + text
    for value in ("Asociația A", "", "RO-CJ", "a=b", 3, -2, -2.5, 0.0, None, True):
        assert n(value) == value


@pytest.fixture
def formula_grant(small_db):
    """A recipient whose name a spreadsheet would run, and one with a minus sign, in 2023 in Cluj."""
    with small_db.begin() as conn:
        conn.execute(t.grants.insert(), [
            dict(grant_id="gx1", year=2023, funder_authority_id="RO-CJ-CJC", region_code="RO-CJ",
                 recipient_name='=HYPERLINK("http://evil.example","x")', recipient_id=None, amount_cents=900000,
                 currency="RON", domain="social", procedure="direct", awarded_on=None),
            dict(grant_id="gx2", year=2023, funder_authority_id="RO-CJ-CJC", region_code="RO-CJ",
                 recipient_name="-minus club", recipient_id=None, amount_cents=800000,
                 currency="RON", domain="social", procedure="direct", awarded_on=None)])
        summary.refresh(conn, ("grants",), summary.ALL)
    return small_db


def test_api012_formula_like_values_come_out_neutralised(client, formula_grant):
    url = "/api/v1/charts/funding-top-recipients.{}?country=RO&year_from=2023&year_to=2023"
    rows = list(csv.DictReader(io.StringIO(client.get(url.format("csv")).get_data().decode("utf-8"))))
    names = [r["recipient_name"] for r in rows]
    assert names[:2] == ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'-minus club"]
    assert rows[0]["amount"] == "9000.0"
    wb = openpyxl.load_workbook(io.BytesIO(client.get(url.format("xlsx")).get_data()))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    name, amount = ws.cell(2, header.index("recipient_name") + 1), ws.cell(2, header.index("amount") + 1)
    assert name.value == "'=HYPERLINK(\"http://evil.example\",\"x\")" and name.data_type == "s"
    assert amount.value == 9000.0 and amount.data_type == "n"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    # JSON keeps the exact value: it is data, not a spreadsheet
    doc = client.get(url.format("json")).get_json()
    assert doc["rows"][0]["recipient_name"] == '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("chart_id", _chart_ids())
def test_api013_officers_names_never_appear(client, chart_id):
    from dashboard import charts
    assert not any("name" in col and "officer" in col for col in charts.get(chart_id).query.columns)
    assert "full_name" not in charts.get(chart_id).query.columns
    for fmt in ("json", "csv", "xlsx"):
        body = client.get(f"/api/v1/charts/{chart_id}.{fmt}").get_data()
        text = body.decode("utf-8") if fmt != "xlsx" else json.dumps(xlsx_rows(body) + xlsx_rows(body, 1), default=str)
        assert not [n for n in OFFICER_NAMES if n in text], (chart_id, fmt)


def test_api014_download_names_say_chart_and_filters(client):
    resp = client.get("/api/v1/charts/funding-by-domain.xlsx?country=RO&year_from=2019&year_to=2023&lang=ro")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="funding-by-domain_RO_2019-2023_ro.xlsx"'
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- frames ----------------------------------------------------------------------------------------------------

def test_api015_only_embed_pages_may_be_framed(client, monkeypatch):
    def frame_ancestors(resp) -> list[str]:
        directives = [d.strip() for d in resp.headers["Content-Security-Policy"].split(";")]
        return [d for d in directives if d.startswith("frame-ancestors")]

    for path in ("/api/v1/charts", "/healthz", "/funding", "/api/v1/charts/funding-by-year.csv"):
        resp = client.get(path)
        assert frame_ancestors(resp) == ["frame-ancestors 'none'"], path
        assert resp.headers["X-Frame-Options"] == "DENY", path
    resp = client.get("/embed/funding-by-county?country=RO")
    assert frame_ancestors(resp) == ["frame-ancestors *"]
    assert "X-Frame-Options" not in resp.headers
    monkeypatch.setenv("CIVMON_EMBED_ANCESTORS", "'self' https://portal.example.gov, https://*.example.org bad;script-src")
    resp = client.get("/embed/funding-by-county")
    assert frame_ancestors(resp) == ["frame-ancestors 'self' https://portal.example.gov https://*.example.org"]


def test_api016_an_unexpected_error_is_a_500_without_traceback(client, monkeypatch):
    from dashboard import charts

    def broken(self, state):
        raise RuntimeError("boom")
    monkeypatch.setattr(charts.Chart, "data", broken)
    resp = client.get("/api/v1/charts/funding-by-year.csv?country=KZ")
    assert resp.status_code == 500
    assert "Traceback" not in resp.get_data(as_text=True) and "boom" not in resp.get_data(as_text=True)


def test_api017_a_browser_that_does_not_start_is_a_503_not_a_hang(client, monkeypatch):
    from dashboard import images
    images.close()
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")  # executable, exits at once
    resp = client.get("/api/v1/charts/funding-by-year.svg?country=RO")
    assert resp.status_code == 503
    assert "did not start" in resp.get_json()["error"] and "BROWSER_PATH" in resp.get_json()["error"]
    assert client.get("/api/v1/charts/funding-by-year.json?country=RO").status_code == 200
