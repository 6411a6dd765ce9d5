"""Adding a chart is one entry in the chart registry (dashboard/charts.py): the chart then shows on its area's page,
embeds, comes from the API in every format and goes into the printable report (README, "Adding a chart")."""
from __future__ import annotations

import pytest

from .test_callbacks import _components, cb  # noqa: F401  (fixture)

NEW = "funding-by-year-lines"


@pytest.fixture
def added_chart(monkeypatch):
    """A chart that is not in civmon: the funding over the years drawn again, added as a contributor would."""
    from dashboard import charts
    chart = charts.Chart("funding-by-year", charts.build_money_trend, "amount", "Amount", name=NEW,
                         heading="Funding over the years, once more")
    monkeypatch.setitem(charts.CHARTS, NEW, chart)
    return chart


def test_reg001_a_chart_added_in_one_registry_entry_shows_everywhere(cb, small_db, added_chart):
    import dash
    from dashboard import app, callbacks
    server = app.default().server
    client = server.test_client()
    # on its area's page, at the foot (the layout does not place it)
    layout = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/funding")(country="RO")
    assert NEW in [getattr(n, "id", None) for n in _components(layout)]
    figure, _table = callbacks.render_chart(NEW, "?country=RO")
    assert list(figure.data[0].y) == [100.0, 1500.5, 2300.0]  # 2022–2024 in RON: g5; g1 + g2; g3 + g4
    # in the API's listing and data formats, with its title and its query's definition
    listed = {c["id"]: c for c in client.get("/api/v1/charts").get_json()}
    assert listed[NEW]["title"] == "Funding over the years, once more" and listed[NEW]["area"] == "funding"
    assert listed[NEW]["urls"]["png"] == f"/api/v1/charts/{NEW}.png"
    doc = client.get(f"/api/v1/charts/{NEW}.json?country=RO").get_json()
    assert [r["amount"] for r in doc["rows"]] == [100.0, 1500.5, 2300.0]
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/api/v1/charts/{NEW}.{fmt}?country=RO").status_code == 200
    # embedded, and in the printable report (also among "all charts of this page")
    embed = next(p["layout"] for p in dash.page_registry.values() if p["path_template"] == "/embed/<chart_id>")
    assert "Funding over the years, once more" in str(embed(chart_id=NEW, country="RO"))
    report = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/report")
    assert NEW in [getattr(n, "id", None) for n in _components(report(charts=NEW, country="RO"))]
    assert NEW in str(report())
