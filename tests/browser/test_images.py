"""Static images drawn on the server by kaleido in headless Chromium: every chart as PNG and SVG.

Flask's test client on the small dataset (tests/small_dataset.py); kaleido drives the same Chromium as
the other browser tests (CIVMON_CHROMIUM, default /usr/bin/chromium), given to it as BROWSER_PATH.
Without Chromium these tests skip, unless CIVMON_REQUIRE_BROWSER=1, which makes that a failure.
"""
from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest

from queries import db

from .. import small_dataset
from .conftest import _unavailable, chromium_path

pytestmark = pytest.mark.browser
SVG = "{http://www.w3.org/2000/svg}"


def _chart_ids():
    from dashboard import api, charts
    return [c.id for c in charts.CHARTS.values() if not api.is_table(c)]


@pytest.fixture(scope="module")
def chromium():
    path = chromium_path()
    try:
        import kaleido  # noqa: F401
    except ImportError:
        _unavailable("The Python package kaleido is not installed: make install (pip install -e .).")
    yield path
    from dashboard import images
    images.close()


@pytest.fixture
def client(chromium, sqlite_engine, monkeypatch):
    import dashboard.app
    small_dataset.load(sqlite_engine)  # a new database per test: new cache keys (they carry the database)
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("BROWSER_PATH", chromium)
    db.get_engine.cache_clear()
    yield dashboard.app.server.test_client()
    db.get_engine.cache_clear()


def png_size(body: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR"
    return struct.unpack(">II", body[16:24])


def svg_texts(root: ET.Element) -> str:
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("chart_id", _chart_ids())
def test_img001_png_of_every_chart_has_the_asked_size(client, chart_id):
    resp = client.get(f"/api/v1/charts/{chart_id}.png?country=RO&width=800&height=500")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "image/png" and resp.headers["Content-Disposition"].startswith("inline")
    assert png_size(resp.get_data()) == (800, 500)


@pytest.mark.parametrize("chart_id", _chart_ids())
def test_img002_svg_of_every_chart_parses_and_carries_title_filters_and_source(client, chart_id):
    from dashboard import charts
    resp = client.get(f"/api/v1/charts/{chart_id}.svg?country=RO&year_from=2023&year_to=2024")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    root = ET.fromstring(resp.get_data())
    assert root.tag == f"{SVG}svg"
    text = svg_texts(root)
    assert charts.get(chart_id).title in text
    assert "Romania · 2023–2024 · All levels of government" in text
    assert "Source: civmon" in text


def test_img003_default_size_scale_and_download(client):
    body = client.get("/api/v1/charts/funding-by-year.png").get_data()
    width, height = png_size(body)
    assert width == 1000 and height >= 600
    assert png_size(client.get("/api/v1/charts/funding-by-year.png?width=600&height=400&scale=2").get_data()) == \
        (1200, 800)
    resp = client.get("/api/v1/charts/funding-by-year.png?country=RO&download=1")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="funding-by-year_RO.png"'


def test_img004_a_map_draws_its_regions_without_network(client):
    """The choropleth's regions are in the SVG: the geometry and the base topojson were read from disk."""
    root = ET.fromstring(client.get("/api/v1/charts/funding-by-county.svg?country=RO").get_data())
    regions = [p for p in root.iter(f"{SVG}path") if "choroplethlocation" in (p.get("class") or "")]
    assert len(regions) == 3  # RO-AB, RO-BV, RO-CJ in the small dataset
    assert all(len(p.get("d") or "") > 50 for p in regions)


def test_img005_images_are_cached_by_chart_filters_size_and_data_version(client, monkeypatch):
    from dashboard import images
    calls = []
    real = images._browser.render
    monkeypatch.setattr(images._browser, "render", lambda *a, **k: calls.append(a) or real(*a, **k))
    first = client.get("/api/v1/charts/funding-by-domain.png?country=RO")
    again = client.get("/api/v1/charts/funding-by-domain.png?country=RO")
    assert first.get_data() == again.get_data() and len(calls) == 1
    client.get("/api/v1/charts/funding-by-domain.png?country=RO&lang=ro")
    client.get("/api/v1/charts/funding-by-domain.png?country=RO&width=700")
    assert len(calls) == 3
    tag = again.headers["ETag"]
    assert client.get("/api/v1/charts/funding-by-domain.png?country=RO",
                      headers={"If-None-Match": tag}).status_code == 304


def test_img006_the_image_speaks_the_language_asked(client):
    from dashboard import charts, i18n
    root = ET.fromstring(client.get("/api/v1/charts/training-reach.svg?lang=ru").get_data())
    assert i18n.translator("ru")(charts.get("training-reach").title) in svg_texts(root)


def test_img020_a_chart_added_to_the_registry_has_its_images(client, monkeypatch):
    """The image half of tests/test_registry.py: a chart added in one registry entry is drawn as PNG and SVG."""
    from dashboard import charts
    chart = charts.Chart("funding-by-year", charts.build_money_trend, "amount", "Amount", name="funding-by-year-lines",
                         heading="Funding over the years, once more")
    monkeypatch.setitem(charts.CHARTS, chart.id, chart)
    png = client.get("/api/v1/charts/funding-by-year-lines.png?country=RO")
    assert png.status_code == 200 and png_size(png.data)[0] == 1000
    svg = ET.fromstring(client.get("/api/v1/charts/funding-by-year-lines.svg?country=RO").data)
    assert "Funding over the years, once more" in svg_texts(svg)
