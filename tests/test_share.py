"""Charts leaving the dashboard, without a browser: the addresses and texts of a card's download / share menu,
the printable-report link of a page, and the layouts of /embed/<chart> and /report (Dash Pages functions called
as plain functions, on the small hand-made dataset)."""
from __future__ import annotations

import dash
import pytest
from dash import dcc, html
from dash.development.base_component import Component




@pytest.fixture(scope="module")
def app():
    from dashboard import app  # Dash Pages: pages and callbacks register once the app exists
    app.default()
    return app


def nodes(component):
    """Every component in a layout (the root included)."""
    root = component if isinstance(component, html.Div) else html.Div(component)
    return [root, *(n for n in root._traverse() if isinstance(n, Component))]


def prop(node, name):
    return node.to_plotly_json()["props"].get(name)


def by_id(layout, wanted):
    found = [n for n in nodes(layout) if getattr(n, "id", None) == wanted]
    assert found, f"no component with id {wanted!r}"
    return found[0]


def text(component) -> str:
    """The text a layout shows, as one string."""
    out = []
    for n in nodes(component):
        children = getattr(n, "children", None)
        for child in children if isinstance(children, (list, tuple)) else [children]:
            if isinstance(child, (str, int, float)):
                out.append(str(child))
    return " ".join(out)


def page_layout(name: str):
    return dash.page_registry[f"pages.{name}"]["layout"]


# --- the texts ----------------------------------------------------------------------------------------------------

def test_shr001_download_addresses_carry_the_view():
    from dashboard import share

    assert share.api_href("funding-by-county", "png", "?country=RO&year_from=2020&lang=ro") == \
        "/api/v1/charts/funding-by-county.png?country=RO&year_from=2020&lang=ro"
    assert share.api_href("funding-by-year", "xlsx", "") == "/api/v1/charts/funding-by-year.xlsx"


def test_shr002_a_link_to_the_view_reopens_the_page_at_the_chart():
    from dashboard import share

    assert share.view_link("funding-by-year", "?country=RO,BG&region=RO-CJ", page="https://civmon.example/funding") \
        == "https://civmon.example/funding?country=RO,BG&region=RO-CJ#funding-by-year"
    assert share.view_link("funding-by-year", "", page="http://127.0.0.1:8050/") == \
        "http://127.0.0.1:8050/#funding-by-year"
    # the card's text holds the token the browser replaces with its own address (assets/civmon-share.js)
    assert share.view_link("funding-by-year", "?country=RO") == "{page}?country=RO#funding-by-year"
    assert share.area_href("funding-by-year", "/funding", "?country=RO") == "/funding?country=RO#funding-by-year"


def test_shr003_the_embed_code_is_an_iframe_of_the_chart_alone():
    from dashboard import share

    code = share.embed_code("funding-by-county", "?country=RO&year_from=2020", "Funding by county",
                            origin="https://civmon.example")
    assert code == ('<iframe src="https://civmon.example/embed/funding-by-county?country=RO&amp;year_from=2020" '
                    'title="Funding by county" width="100%" height="450" style="border:0" loading="lazy"></iframe>')
    # a title with quotes or markup cannot break out of its attribute
    assert 'title="Les &quot;ONG&quot; &amp; &lt;co&gt;"' in share.embed_code("x", "", 'Les "ONG" & <co>')
    assert share.embed_code("x", "", "T").startswith('<iframe src="{origin}/embed/x" ')  # the browser puts its origin


def test_shr004_the_report_link_lists_the_charts_in_order_with_the_filters():
    from dashboard import share

    assert share.report_href(["a", "b"], "?country=RO&lang=ro") == "/report?charts=a,b&country=RO&lang=ro"
    assert share.report_href(["a"], "") == "/report?charts=a"


# --- the card's menu ----------------------------------------------------------------------------------------------

def menu_items(card):
    """(label, href or None, data-copy or None) of every action of a card's download / share menu."""
    out = []
    for n in nodes(card):
        classes = (prop(n, "className") or "").split()
        if "dropdown-item" in classes and not prop(n, "header") and not prop(n, "divider"):
            out.append((n.children, prop(n, "href"), prop(n, "data-copy")))
    return out


def test_shr005_a_chart_card_offers_images_data_a_link_and_an_embed_code(app):
    from dashboard import components as c, state as st

    state = st.parse("?country=RO&year_from=2020&year_to=2023")
    items = menu_items(c.chart_card("funding-by-county", state))
    hrefs = {label: href for label, href, _copy in items if href}
    search = "?country=RO&year_from=2020&year_to=2023"
    assert hrefs == {"Download PNG image": f"/api/v1/charts/funding-by-county.png{search}",
                     "Download SVG image": f"/api/v1/charts/funding-by-county.svg{search}",
                     "Download data (CSV)": f"/api/v1/charts/funding-by-county.csv{search}",
                     "Download data (XLSX)": f"/api/v1/charts/funding-by-county.xlsx{search}"}
    copies = {label: copy for label, _href, copy in items if copy}
    assert copies["Copy link to this view"] == "{page}" + search + "#funding-by-county"
    assert copies["Copy embed code"] == (
        '<iframe src="{origin}/embed/funding-by-county?country=RO&amp;year_from=2020&amp;year_to=2023" '
        'title="Funding per 1,000 inhabitants by county" width="100%" height="450" style="border:0" '
        'loading="lazy"></iframe>')
    links = [n for n in nodes(c.chart_card("funding-by-county", state)) if prop(n, "download")]
    assert {prop(n, "download") for n in links} == {f"funding-by-county.{f}" for f in ("png", "svg", "csv", "xlsx")}


def test_shr006_a_table_card_offers_data_and_links_but_no_image(app):
    from dashboard import components as c, state as st

    items = menu_items(c.chart_card("liaison-authorities-without-officer", st.parse("?country=KZ&lang=ro")))
    hrefs = [href for _label, href, _copy in items if href]
    assert hrefs == ["/api/v1/charts/liaison-authorities-without-officer.csv?country=KZ&lang=ro",
                     "/api/v1/charts/liaison-authorities-without-officer.xlsx?country=KZ&lang=ro"]
    assert sum(1 for *_rest, copy in items if copy) == 2


def test_shr007_the_menu_is_named_after_its_chart_and_translated(app):
    from dashboard import components as c, i18n, state as st

    card = c.chart_card("funding-by-county", st.parse("?lang=ro"))
    tr = i18n.translator("ro")
    menu = next(n for n in nodes(card) if type(n).__name__ == "DropdownMenu")
    label = text(html.Div(menu.label))
    assert tr("Funding per 1,000 inhabitants by county") in label  # each card's menu says whose it is
    status = next(n for n in nodes(card) if "copy-status" in (prop(n, "className") or ""))
    assert prop(status, "role") == "status"  # "Link copied" is announced
    assert by_id(card, "funding-by-county")  # the anchor of a link to the view


def test_shr008_an_area_page_links_to_the_report_of_its_charts(app, small_db):
    state_search = "?country=RO&year_from=2020"
    layout = page_layout("funding")(country="RO", year_from="2020")
    link = by_id(layout, "report-link")
    assert prop(link, "href") == (
        "/report?charts=funding-by-county,funding-by-county-ranking,funding-by-year,funding-by-domain,"
        "funding-by-procedure,funding-top-recipients,funding-by-funder&" + state_search.lstrip("?"))
    # a page that cannot show its charts has no report to offer
    assert not [n for n in nodes(page_layout("funding")(year_from="abc")) if getattr(n, "id", None) == "report-link"]
    assert not [n for n in nodes(page_layout("about")()) if getattr(n, "id", None) == "report-link"]


# --- /embed/<chart> -----------------------------------------------------------------------------------------------

def test_shr009_the_embed_page_draws_its_chart_from_the_card_callbacks(app, small_db):
    from dashboard import components as c

    layout = page_layout("embed")(chart_id="funding-by-county", country="RO", year_from="2023", year_to="2023")
    store = by_id(layout, c.chart_state_id("funding-by-county"))
    assert store.data == "?country=RO&year_from=2023&year_to=2023"  # draw_chart draws the graph from it
    graph = by_id(layout, c.chart_graph_id("funding-by-county"))
    assert isinstance(graph, dcc.Graph) and graph.responsive  # follows the frame's size
    assert by_id(layout, "embed-summary").children.startswith("Romania")
    assert "2023" in by_id(layout, "embed-summary").children
    assert by_id(layout, "embed-source").children.startswith("Source: civmon")
    back = by_id(layout, "embed-open")
    assert back.href == "/funding?country=RO&year_from=2023&year_to=2023#funding-by-county"
    assert back.target == "_blank"
    assert "Funding per 1,000 inhabitants by county" in text(layout)
    assert "filter-bar" not in str(layout) and "navbar" not in str(layout).lower()


def test_shr010_the_embed_page_speaks_the_language_asked(app, small_db):
    from dashboard import i18n

    layout = page_layout("embed")(chart_id="funding-by-county", lang="ro")
    assert layout.lang == "ro"
    assert i18n.translator("ro")("Funding per 1,000 inhabitants by county") in text(layout)
    assert i18n.translator("ro")("Open in civmon") == by_id(layout, "embed-open").children


def test_shr011_an_unknown_chart_or_filter_is_explained(app, small_db):
    from dashboard import components as c

    layout = page_layout("embed")(chart_id="no-such-chart", country="RO")
    assert "no-such-chart" in by_id(layout, "embed-problem").children
    layout = page_layout("embed")(chart_id="funding-by-year", year_from="abc")
    assert "year_from" in by_id(layout, "problem-message").children
    assert not [n for n in nodes(layout) if getattr(n, "id", None) == c.chart_state_id("funding-by-year")]


# --- /report ------------------------------------------------------------------------------------------------------

def test_shr012_the_report_draws_the_asked_charts_in_order_and_names_the_unknown(app, small_db):
    layout = page_layout("report")(charts="funding-by-year,nope,liaison-coverage,funding-by-year,also-nope",
                                   country="RO")
    sections = [n.id for n in nodes(layout) if "report-chart" in (prop(n, "className") or "")]
    assert sections == ["funding-by-year", "liaison-coverage"]
    missing = text(by_id(layout, "report-missing"))
    assert "nope" in missing and "also-nope" in missing
    assert by_id(layout, "report-filters").children.startswith("Romania")
    assert by_id(layout, "report-source").children.startswith("Source: civmon")
    from queries import registry
    assert registry.get("liaison-coverage").definition in text(layout)  # each chart with its definition


def test_shr013_a_report_without_charts_lists_the_charts_to_choose_from(app, small_db):
    from dashboard import charts

    layout = page_layout("report")(country="RO")
    hrefs = [prop(n, "href") for n in nodes(layout) if prop(n, "href") and "/report?" in prop(n, "href")]
    assert "/report?charts=funding-by-county&country=RO" in hrefs
    assert {h.split("charts=")[1].split("&")[0] for h in hrefs} >= set(charts.CHARTS)
    assert "charts=" in by_id(layout, "report-explain").children


def test_shr014_clicks_on_an_embedded_or_reported_map_do_not_rewrite_the_address(app):
    import contextvars
    import json

    from dash import no_update
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    from dashboard import callbacks

    click = {"points": [{"location": "RO-CJ", "customdata": "RO-CJ"}]}
    prop_id = json.dumps({"chart": "funding-by-county", "type": "chart-graph"}, separators=(",", ":")) + ".clickData"

    def run(path):
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": click}]))
        return callbacks.region_click_to_address([click], "?year_from=2020", path)
    assert contextvars.copy_context().run(run, "/embed/funding-by-county") is no_update
    assert contextvars.copy_context().run(run, "/report") is no_update
    assert contextvars.copy_context().run(run, "/funding") == "?country=RO&region=RO-CJ&year_from=2020"
