"""The dashboard's callbacks called as plain functions (no browser, no server).

filters_to_address and region_click_to_address write the address; state.parse / State.search read and
write it; render_chart draws a chart card from it. The charts run on the small hand-made dataset
(tests/small_dataset.py) through the dashboard's own engine: DATABASE_URL points at the test database.
"""
from __future__ import annotations

import contextvars
import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import dash_table, html, no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict


@pytest.fixture(scope="module")
def cb():
    from dashboard import app  # Dash Pages: pages and callbacks register once the app exists
    app.default()
    from dashboard import callbacks
    return callbacks


def address(cb, country=(), region=(), year_from=None, year_to=None, level=(), lang="en", current="", shown=None):
    """filters_to_address with the controls' values as the browser sends them."""
    as_list = lambda v: None if v is None else list(v)  # noqa: E731  (a cleared multi dropdown may send None)
    return cb.filters_to_address(as_list(country), as_list(region), year_from, year_to, as_list(level), lang,
                                 current, shown)


# --- filters → address ---------------------------------------------------------------------------------------

def test_cb001_filters_build_the_canonical_address(cb):
    """Parameters in the fixed order country, region, year_from, year_to, level, lang; values joined by commas."""
    assert address(cb, country=["RO", "BG"], region=["RO-CJ", "BG-18"], year_from=2020, year_to=2023,
                   level=["local", "regional"], lang="ro") == \
        "?country=RO,BG&region=RO-CJ,BG-18&year_from=2020&year_to=2023&level=local,regional&lang=ro"
    assert address(cb, level=["district"], country=["KZ"]) == "?country=KZ&level=district"
    assert address(cb, year_to=2021) == "?year_to=2021"


def test_cb002_default_language_and_empty_filters_leave_no_parameter(cb):
    assert address(cb, lang="en", current="?country=RO") == ""
    assert address(cb, lang="ru", current="") == "?lang=ru"
    assert address(cb, country=None, region=None, level=None, lang="en", current="?lang=ro") == ""


def test_cb003_swapped_years_are_put_in_order(cb):
    assert address(cb, year_from=2023, year_to=2019) == "?year_from=2019&year_to=2023"
    assert address(cb, year_from=2021, year_to=2021) == "?year_from=2021&year_to=2021"


def test_cb004_regions_outside_the_chosen_countries_are_dropped(cb):
    assert address(cb, country=["BG"], region=["RO-CJ", "BG-18"]) == "?country=BG&region=BG-18"
    assert address(cb, country=["BG"], region=["RO-CJ"]) == "?country=BG"
    assert address(cb, region=["RO-CJ", "BG-18"]) == "?region=RO-CJ,BG-18"  # no country: every region stays


def test_cb005_no_update_when_the_address_would_not_change(cb):
    assert address(cb, country=["RO"], current="?country=RO") is no_update
    assert address(cb, current="") is no_update
    assert address(cb, current=None) is no_update
    assert address(cb, year_from=2022, year_to=2020, current="?year_from=2020&year_to=2022") is no_update


def test_cb006_the_values_a_filter_bar_was_drawn_with_never_rewrite_the_address(cb):
    """The callback fires when a page's filter bar appears; an address the page could not use keeps its
    explained empty view instead of silently becoming the unfiltered page."""
    from dashboard import components as c, state as st

    for bad in ("?year_from=abc", "?country=Romania", "?year_from=2024&year_to=2019", "?region=XX-99"):
        shown = c.shown_values(st.parse(bad))
        assert address(cb, *shown[:5], lang=shown[5], current=bad, shown=shown) is no_update, bad
    shown = c.shown_values(st.parse("?country=RO&lang=ro"))
    assert shown == [["RO"], [], None, None, [], "ro"]
    # a change by the user is written as usual
    assert address(cb, country=["RO", "BG"], lang="ro", current="?country=RO&lang=ro", shown=shown) == \
        "?country=RO,BG&lang=ro"
    # on a page showing the problem view, choosing a filter replaces the bad address
    assert address(cb, country=["RO"], current="?year_from=abc", shown=c.shown_values(st.parse("?year_from=abc"))) == \
        "?country=RO"


# --- clicks on a region → address --------------------------------------------------------------------------

def click(cb, chart_id: str, click_data, current: str):
    """region_click_to_address as Dash calls it, with the callback context naming the clicked graph."""
    prop_id = json.dumps({"chart": chart_id, "type": "chart-graph"}, separators=(",", ":")) + ".clickData"

    def run():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": click_data}]))
        return cb.region_click_to_address([click_data], current)
    return contextvars.copy_context().run(run)


MAP_CLICK = {"points": [{"curveNumber": 0, "pointNumber": 12, "pointIndex": 12, "location": "RO-CJ",
                         "z": 1234.5, "customdata": "RO-CJ"}]}
TILE_CLICK = {"points": [{"curveNumber": 0, "x": 3, "y": 1, "z": 61.2, "text": "Almaty", "customdata": ["KZ-75"]}]}
RANKING_CLICK = {"points": [{"curveNumber": 0, "pointNumber": 4, "x": 2500000, "y": "Ruse",
                             "customdata": "BG-18"}]}


def test_cb007_a_click_on_a_map_region_filters_to_it(cb):
    assert click(cb, "funding-by-county", MAP_CLICK, "?year_from=2020&lang=ro") == \
        "?country=RO&region=RO-CJ&year_from=2020&lang=ro"
    # the region's country replaces the countries chosen before, so the region is in scope
    assert click(cb, "funding-by-county", MAP_CLICK, "?country=BG,KZ&region=BG-18&level=local") == \
        "?country=RO&region=RO-CJ&level=local"
    assert click(cb, "liaison-coverage-by-region", TILE_CLICK, "") == "?country=KZ&region=KZ-75"


def test_cb008_a_click_on_a_ranking_bar_filters_to_its_region(cb):
    assert click(cb, "funding-by-county-ranking", RANKING_CLICK, "?year_to=2024") == \
        "?country=BG&region=BG-18&year_to=2024"


def test_cb009_clicks_that_name_no_region_change_nothing(cb):
    assert click(cb, "funding-by-county", MAP_CLICK, "?country=RO&region=RO-CJ") is no_update  # already there
    year_bar = {"points": [{"x": 2023, "y": 120, "curveNumber": 0}]}
    assert click(cb, "funding-by-year", year_bar, "?country=RO") is no_update
    assert click(cb, "funding-by-county", {"points": [{"customdata": None, "z": None}]}, "") is no_update
    assert click(cb, "funding-by-county", None, "?country=RO") is no_update


# --- the address ↔ state ---------------------------------------------------------------------------------------

def test_cb010_parse_and_search_round_trip():
    from dashboard import state as st

    s = st.parse("?lang=ro&level=local,regional&country=ro,BG&year_to=2023&year_from=2020&region=RO-CJ&x=1")
    assert s.error is None and s.lang == "ro"
    assert s.filter.countries == ("RO", "BG") and s.filter.regions == ("RO-CJ",)
    assert (s.filter.year_from, s.filter.year_to) == (2020, 2023) and s.filter.levels == ("local", "regional")
    canonical = "?country=RO,BG&region=RO-CJ&year_from=2020&year_to=2023&level=local,regional&lang=ro"
    assert s.search == canonical
    assert st.parse(canonical).search == canonical
    assert st.parse(s.query) == s  # Dash Pages hands the layout a dict of parameters
    assert st.parse("").search == st.parse(None).search == ""
    assert st.parse("?lang=xx").lang == "en"  # an unknown language falls back to English
    assert st.parse("?country=RO&country=BG").filter.countries in (("RO",), ("BG",))  # one value per parameter


@pytest.mark.parametrize("query, words", [
    ("?year_from=abc", ["year_from", "abc"]),
    ("?country=Romania", ["country", "ROMANIA"]),
    ("?level=federal", ["level", "federal"]),
    ("?year_from=2024&year_to=2019", ["2024-2019"]),
])
def test_cb011_parameters_that_cannot_be_used_are_explained(query, words):
    from dashboard import state as st

    s = st.parse(query)
    assert s.error and all(w in s.error for w in words), s.error
    assert s.search == ""  # nothing of the bad address is carried on


# --- drawing a chart from the address ------------------------------------------------------------------------

def datatable(box) -> dash_table.DataTable:
    """The DataTable inside the focusable, named box that data_table() puts it in."""
    assert isinstance(box, html.Div) and box.tabIndex == 0, box
    assert isinstance(box.children, dash_table.DataTable), box
    return box.children


def _chart_ids():
    from dashboard import charts
    return list(charts.CHARTS)


# ranks authorities with at least 5 consultations under a legal minimum: the small dataset's have at most 2
# (tests/test_records.py ranks a dataset that has them)
EMPTY_ON_SMALL = {"consultations-on-time-by-authority"}


@pytest.mark.parametrize("chart_id", _chart_ids())
def test_cb012_render_chart_gives_a_figure_and_its_table(cb, small_db, chart_id):
    from dashboard import charts

    chart = charts.get(chart_id)
    for search in ("", "?country=RO&lang=ro"):
        fig, box = cb.render_chart(chart_id, search)
        if chart_id in EMPTY_ON_SMALL:
            assert not fig.data and fig.layout.annotations, chart_id  # the explained empty view
            continue
        table = datatable(box)
        assert box.role == "region" and box.to_plotly_json()["props"]["aria-label"]  # named after the chart
        assert table.data and [col["id"] for col in table.columns] == list(chart.query.columns)
        if chart.build is charts.build_table:
            assert fig is None
            continue
        assert isinstance(fig, go.Figure)
        assert len(fig.data) >= 1, (chart_id, search)  # drawn: the explained empty view has no trace


def test_cb013_render_chart_follows_the_filters(cb, small_db):
    _fig, box = cb.render_chart("funding-by-county", "?country=RO")
    assert sorted(r["region_code"] for r in datatable(box).data) == ["RO-AB", "RO-BV", "RO-CJ"]
    _fig, box = cb.render_chart("funding-by-county", "?region=RO-CJ-001")  # a municipality rolls up
    assert [r["region_code"] for r in datatable(box).data] == ["RO-CJ"]
    fig, _table = cb.render_chart("funding-by-county-ranking", "?country=RO&year_from=2023&year_to=2023")
    # counties that granted nothing in 2023 are left out of the ranking (the table keeps them) and the caption says so
    assert dict(zip(fig.data[0].customdata, fig.data[0].x)) == {"RO-CJ": 1500.5}
    assert "2 regions without records left out" in fig.layout.title.text
    assert fig.layout.xaxis.rangemode == "nonnegative"  # never an axis below 0


@pytest.mark.parametrize("chart_id", ["funding-by-county", "funding-by-county-ranking", "funding-by-year",
                                      "liaison-authorities-without-officer"])
def test_cb014_an_unknown_region_gives_an_explained_empty_chart(cb, small_db, chart_id):
    fig, table = cb.render_chart(chart_id, "?region=XX-99")
    assert isinstance(table, html.P) and "XX-99" in table.children
    assert isinstance(fig, go.Figure) and len(fig.data) == 0
    assert any("XX-99" in a.text for a in fig.layout.annotations)


def test_cb015_a_bad_parameter_gives_an_explained_empty_chart(cb, small_db):
    fig, table = cb.render_chart("training-reach", "?year_from=abc")
    assert len(fig.data) == 0 and "year_from" in fig.layout.annotations[0].text
    assert isinstance(table, html.P) and "abc" in table.children


def test_cb016_no_rows_is_said_in_words(cb, small_db):
    fig, table = cb.render_chart("funding-top-recipients", "?country=KZ")
    assert isinstance(table, html.P) and table.children == "No rows for these filters."
    assert len(fig.data) == 0 and fig.layout.annotations[0].text == "No data for these filters."


# --- funding across currencies, bar labels, translated messages ----------------------------------------------

def _finite(values) -> list:
    return [v for v in values if v is not None and v == v]


@pytest.mark.parametrize("chart_id", ["funding-by-year", "funding-by-domain", "funding-by-procedure",
                                      "funding-top-recipients", "funding-by-funder"])
def test_cb017_several_currencies_are_compared_in_euro_without_the_countries_that_lack_a_rate(cb, small_db,
                                                                                               chart_id):
    """All countries: RON, BGN and EUR grants, and no RON rate for 2022. The amounts are in euro, Romania (whose
    2022 grant has no euro value) is left out, and the chart says so; Bulgaria's grants are there."""
    fig, box = cb.render_chart(chart_id, "")
    bar = fig.data[0]
    values = _finite(bar.x if bar.orientation == "h" else bar.y)
    assert values and sum(values) > 0, (chart_id, values)
    assert "EUR" in (fig.layout.xaxis.title.text or "") + (fig.layout.yaxis.title.text or "")
    assert "Romania" in fig.layout.title.text and "RON" in fig.layout.title.text and "2022" in fig.layout.title.text
    rows = datatable(box).data
    assert {r["currency"] for r in rows} == {"EUR"}


def test_cb018_one_currency_keeps_its_own_and_a_range_with_rates_leaves_nobody_out(cb, small_db):
    fig, _box = cb.render_chart("funding-by-year", "?country=RO")
    assert fig.layout.yaxis.title.text == "Amount (RON)" and not fig.layout.title.text
    fig, _box = cb.render_chart("funding-by-year", "?year_from=2023")  # RON 2023-2024, BGN 2025, EUR 2026: rates
    assert fig.layout.yaxis.title.text == "Amount (EUR)" and not fig.layout.title.text
    assert _finite(fig.data[0].y)


def test_cb019_the_county_map_and_ranking_compare_in_euro_across_currencies(cb, small_db):
    fig, _box = cb.render_chart("funding-by-county-ranking", "")
    ranked = dict(zip(fig.data[0].customdata, fig.data[0].x))
    # Romania is left out (its 2022 grant has no euro value), Kazakhstan has no grants: not ranked
    assert set(ranked) == {"BG-18"} and ranked["BG-18"] > 0
    assert fig.layout.xaxis.title.text == "Amount (EUR), 2022–2026 (5 years)" and "Romania" in fig.layout.title.text
    fig, _box = cb.render_chart("funding-by-county", "")  # per 1,000 inhabitants in euro; Romania's counties grey
    assert any((t.colorbar.title.text or "").replace("<br>", " ") == "Amount per 1,000 inhabitants (EUR), 2022–2026 (5 years)"
               for t in fig.data if t.showscale is not False)
    assert any("Romania (RON, 2022)" in a.text.replace("<br>", " ") for a in fig.layout.annotations)


def test_cb020_bars_of_authorities_with_the_same_name_keep_apart():
    from dashboard import charts
    from dashboard.state import State

    df = pd.DataFrame({"authority_id": ["RO-MJ", "KZ-MJ", "RO-CJ-A", "RO-AB-A"],
                       "authority_name": ["Ministry of Justice", "Ministry of Justice", "City Hall", "City Hall"],
                       "country": ["RO", "KZ", "RO", "RO"], "level": ["central", "central", "local", "local"],
                       "region_code": [None, None, "RO-CJ", "RO-AB"], "consultations": [9, 8, 7, 6],
                       "on_time_pct": [50.0, 60.0, 70.0, 80.0]})
    fig = charts.get("consultations-by-authority").figure(df, State())
    labels = list(fig.data[0].y)
    assert len(set(labels)) == 4, labels
    assert "Ministry of Justice (KZ)" in labels and any("Cluj" in label for label in labels)


def test_cb021_a_long_table_sends_its_first_rows_and_links_the_csv(cb, small_db, monkeypatch):
    """A chart's table holds at most TABLE_ROWS rows; a note says how many there are and links the full CSV."""
    monkeypatch.setattr(cb, "TABLE_ROWS", 2)
    _fig, box = cb.render_chart("funding-by-county", "?country=RO&lang=ro")
    note, table = box.children
    assert len(datatable(table).data) == 2
    assert note.children[0] == "Primele 2 din 3 rânduri; "
    assert note.children[1].href == "/api/v1/charts/funding-by-county.csv?country=RO&lang=ro"
    _fig, box = cb.render_chart("funding-by-county", "?region=RO-CJ")  # one row: the table alone
    assert len(datatable(box).data) == 1 and not isinstance(box.children, list)


VIEWS = ("", "?country=RO&lang=ro", "?country=RO,BG&lang=bg", "?country=KZ&year_from=2023&year_to=2023",
         "?region=RO-CJ&lang=sr", "?country=RO&year_from=2001&year_to=2001", "?country=XX")


@pytest.mark.parametrize("chart_id", [c for c in _chart_ids() if c != "liaison-authorities-without-officer"])
def test_cb022_figures_built_unvalidated_are_what_plotly_would_validate(cb, small_db, chart_id):
    """Figures are built without plotly's validation (dashboard/figures.py), so each must already be in the form
    the validators would give: validated afterwards, every chart of every kind of view (one or several countries,
    tiles, one region, no rows, a bad parameter, four languages) is the same JSON, and no property is unknown."""
    import plotly.io as pio

    from dashboard import charts, images, state

    def same_validated(fig, where):
        built = json.loads(pio.to_json(fig, validate=False))
        validated = json.loads(pio.to_json(go.Figure(fig.to_plotly_json())))   # raises on an unknown property
        assert built == validated, where

    chart = charts.get(chart_id)
    for search in VIEWS:
        fig, _table = cb.render_chart(chart_id, search)
        same_validated(fig, (chart_id, search))
        if fig is not None and not search.endswith("XX"):  # the image's figure: title, filters and source added
            view = state.parse(search)
            same_validated(images.report_figure(chart, chart.data(view), view, images.Size())[0], (chart_id, search))



def test_cb025_a_country_without_a_legal_minimum_period_is_named_on_the_on_time_card(cb, small_db):
    """Consultations of a country with no legal minimum period (no consultation rule: Kazakhstan here) are neither
    on time nor late (SPEC); the on-time card says "no legal minimum" instead of a share and names such countries,
    on the consultations page and on the overview, in the reader's language."""
    def on_time(search, area):
        row = cb.draw_kpis(search, {"type": "kpi-state", "area": area})
        card = next(n for n in _components(row) if getattr(n, "className", "") == "kpi"
                    and getattr(n.children[1], "id", None) == "kpi-on-time")
        return card.children[1].children, card.children[2].children

    value, note = on_time("?country=KZ", "consultations")  # neither on time nor late: no share, and why
    assert value == "no legal minimum" and "No legal minimum recorded: Kazakhstan" in note
    assert "No legal minimum recorded: Kazakhstan" in on_time("?country=KZ", "overview")[1]
    _value, note = on_time("", "consultations")     # every country: only those without a rule are named
    assert "No legal minimum recorded: Kazakhstan" in note and "Romania" not in note
    assert "legal minimum" not in (on_time("?country=RO", "consultations")[1] or "")
    assert "No legal minimum recorded: Kazakhstan" in on_time("?region=KZ-75", "consultations")[1]
    assert "Fără perioadă minimă legală înregistrată: Kazahstan" in on_time("?country=KZ&lang=ro", "consultations")[1]

def test_cb024_the_browsers_plotly_bundle_draws_every_trace_type_the_charts_use(cb, small_db):
    """The browser draws with assets/vendor/plotly-civmon.min.js, plotly.js with only some trace types
    (scripts/plotly_bundle): every chart of every kind of view uses only those, and the bundle is the plotly.js
    version plotly.py builds its figures for (after upgrading plotly, `make plotly-bundle`)."""
    import re

    from plotly.offline import get_plotlyjs_version

    from dashboard import maps

    head = (maps.ASSETS_DIR / "vendor" / "plotly-civmon.min.js").read_text(encoding="utf-8")[:400]
    found = re.search(r"plotly\.js \(civmon partial bundle: ([a-z, ]+)\) v([0-9.]+)", head)
    assert found, head
    bundled, version = set(found.group(1).split(", ")), found.group(2)
    assert version == get_plotlyjs_version()
    used = set()
    for chart_id in _chart_ids():
        for search in VIEWS:
            fig, _table = cb.render_chart(chart_id, search)
            used |= {trace.type for trace in (fig.data if fig is not None else ())}
    assert used == {"bar", "scatter", "heatmap", "choropleth"}, used   # a new type must also be bundled
    assert used <= bundled

def _components(node):
    """Every component in a layout tree, depth first."""
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from _components(child)
    elif hasattr(node, "to_plotly_json"):
        yield node
        yield from _components(getattr(node, "children", None))


def _by_id(layout, component_id):
    return [n for n in _components(layout) if getattr(n, "id", None) == component_id]


def test_cb023_headline_figures_are_drawn_by_their_own_callback(cb, small_db):
    """The page answers without the headline figures' queries; draw_kpis fills them for the page's address with
    the numbers of the charts' own query, and a bad address is still explained by the page at once."""
    import dash
    from queries import Filter, registry

    # the page as Dash Pages registered it: importing dashboard.pages.funding would register it a second time
    page = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/funding")
    layout = page(country="RO")
    store = _by_id(layout, {"type": "kpi-state", "area": "funding"})
    assert len(store) == 1 and store[0].data == "?country=RO"
    assert not _by_id(layout, "kpi-amount")   # the numbers are not in the page: their cards hold the place
    assert [n.children for n in _components(layout) if getattr(n, "className", "") == "kpi-value"] == ["…"] * 4

    row = cb.draw_kpis("?country=RO", {"type": "kpi-state", "area": "funding"})
    years = registry.get("funding-by-year").run(Filter(countries=("RO",)))
    total = sum(years["amount"])
    assert total == 3900.5 and _by_id(row, "kpi-amount")[0].children == "3,901 RON"   # whole units, rounded half up
    assert _by_id(row, "kpi-grants")[0].children == f"{int(sum(years['grants'])):,}"
    ro = cb.draw_kpis("?country=RO&lang=ro", {"type": "kpi-state", "area": "funding"})
    assert _by_id(ro, "kpi-grants")[0].children == f"{int(sum(years['grants'])):,}".replace(",", ".")

    bad = page(country="RO", region="RO-XX")   # explained by the page itself, no headline slot
    assert "unknown region code: RO-XX" in _by_id(bad, "problem-message")[0].children
    assert not _by_id(bad, {"type": "kpi-state", "area": "funding"})
    assert cb.draw_kpis("?region=RO-XX", {"type": "kpi-state", "area": "funding"}).children.startswith("unknown region")
    assert cb.draw_kpis("?country=RO", {"type": "kpi-state", "area": "nowhere"}) is None


def test_cb026_a_map_or_ranking_whose_regions_all_have_one_value_says_it_in_words(cb, small_db):
    """No grant in a year: every county is 0. The map has one colour and no colour bar (a scale of one value says
    nothing), the ranking no bar to see; both say "Every region: 0" instead of leaving a yellow map or an empty
    plot to be read. Where values differ, no such line."""
    fig, _ = cb.render_chart("funding-by-county", "?country=RO&year_from=2030&year_to=2030")
    words = [a.text for a in fig.layout.annotations]  # one county has no population: no amount per inhabitant
    assert words[-1] == "<b>Amount per 1,000 inhabitants (RON), 2030</b><br>Every region with data: 0", words
    assert "no population figure (1)" in words[0]  # Brașov: its own reason, never "no data"
    assert all(t.showscale is False for t in fig.data)
    fig, _ = cb.render_chart("funding-by-county-ranking", "?country=RO&year_from=2030&year_to=2030")
    # no region has a grant: nothing to rank, said in words
    assert not fig.data and "No region in these filters has records" in fig.layout.annotations[0].text.replace(
        "<br>", " ")
    fig, _ = cb.render_chart("funding-by-county", "?country=RO")
    assert not any("Every region" in (a.text or "") for a in fig.layout.annotations)
    assert any(t.showscale is not False for t in fig.data)
    fig, _ = cb.render_chart("funding-by-county-ranking", "?country=RO")
    assert "Every region" not in (fig.layout.title.text or "")


def test_cb026b_a_long_ranking_of_one_value_calls_no_region_highest(small_db):  # the axis names the reference date
    """Thirty counties all at 0 %: the ranking shows 25 of them and says so, without calling them "the highest";
    with values that differ, it shows the 12 highest and the 12 lowest."""
    import pandas as pd

    from dashboard import charts, state as st
    chart = charts.get("liaison-coverage-by-region-ranking")
    df = pd.DataFrame({"region_code": [f"RO-X{i:02d}" for i in range(30)],
                       "region_name": [f"County {i}" for i in range(30)], chart.value: [0.0] * 30})
    fig = chart.figure(df, st.parse("?country=RO"))
    assert fig.layout.title.text.replace("<br>", " ") == \
        "Every region: 0.0%. 25 of 30 shown; every region is in the data table"
    assert list(fig.layout.xaxis.tickvals) == [0.0]  # one tick, at the one value (not "0, 1, 1")
    title = chart.figure(df, st.parse("?country=RO&lang=ro")).layout.title.text.replace("<br>", " ")
    assert title == "Toate regiunile: 0,0%. 25 din 30 afișate; toate regiunile sunt în tabelul de date"
    df[chart.value] = [float(i) for i in range(30)]
    fig = chart.figure(df, st.parse("?country=RO"))
    # the top and the bottom, a dotted line between them: where it goes badly is not hidden
    assert fig.layout.title.text.replace("<br>", " ") == \
        "The 12 highest and the 12 lowest of 30; every region is in the data table"
    assert list(fig.data[0].customdata) == [f"RO-X{i:02d}" for i in (*range(12), *range(18, 30))]
    assert len(fig.layout.shapes) == 1 and fig.layout.xaxis.tickvals is None


@pytest.mark.parametrize("chart_id", ["liaison-coverage-by-year", "consultation-participation-rates"])
def test_cb027_lines_of_one_chart_differ_by_dash_as_well_as_colour(cb, small_db, chart_id):
    """Two equal series (Bulgaria's coverage and rank compliance in the demo data) would draw one line over the
    other: each line has a dash of its own, so both stay visible, also printed in grey."""
    fig, _ = cb.render_chart(chart_id, "")
    lines = [t for t in fig.data if t.type == "scatter"]
    assert len(lines) >= 2
    assert len({t.line.dash for t in lines}) == len(lines) and len({t.line.color for t in lines}) == len(lines)


def test_cb028_a_figures_table_is_drawn_on_the_first_opening_and_kept(cb, small_db):
    """"Show the data behind this chart" asks for the table until it has arrived (a failed answer leaves the
    store at False, so the next opening tries again), then never again."""
    from dash import no_update
    store = {"type": "chart-data", "chart": "funding-by-county"}
    table, data = cb.draw_chart_data(1, {"search": "?country=RO", "loaded": False}, store)
    assert data == {"search": "?country=RO", "loaded": True} and "RO-CJ" in str(table) and "Cluj" in str(table)
    assert cb.draw_chart_data(3, {"search": "?country=RO", "loaded": False}, store)[1]["loaded"] is True   # an
    # earlier answer that never came
    assert cb.draw_chart_data(2, {"search": "?country=RO", "loaded": True}, store) == (no_update, no_update)
