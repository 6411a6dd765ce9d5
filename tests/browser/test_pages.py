"""Every page in a real browser: it loads cleanly, draws its charts, fetches nothing from elsewhere, explains
an address it cannot use, passes axe-core, and fits a phone's width."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import new_page, serve_checked
from .helpers import CHART_PAGES, PAGES, choose, goto, wait_charts, wait_filters

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", PAGES)
def test_brw001_page_loads_cleanly_and_draws_its_charts(page, path):
    goto(page, path)
    graphs = wait_charts(page)
    cards = page.locator(".chart-card:has(.chart-graph)").count()
    drawn = page.locator(".chart-card .js-plotly-plot:has(svg.main-svg)").count()
    assert drawn == cards == graphs
    if path in CHART_PAGES:
        assert cards >= 4
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#demo-notice")).to_be_visible()  # the demo dataset says it is one
    page.log.assert_clean()


@pytest.mark.parametrize("path", ["/", "/liaison", "/funding", "/consultations", "/training"])
def test_brw008_the_unfiltered_view_has_data_in_every_chart(page, path):
    """On the whole demo dataset (what a director sees first) no chart is the explained empty view, nor a frame
    whose traces hold no number (bars of unknown length draw empty axes). The reference data has RSD rates only
    to 2021: funding across currencies is compared in euro without Serbia, and says so; Kazakhstan's tenge has its
    rates (2015-2025) and is compared."""
    goto(page, path)
    wait_charts(page)
    empty = page.evaluate("""() => {
        const finite = v => Array.isArray(v) || ArrayBuffer.isView(v) ? Array.from(v).some(finite)
                                                                     : typeof v === 'number' && isFinite(v);
        const values = t => t.type === 'bar' ? (t.orientation === 'h' ? t.x : t.y) : t.type === 'scatter' ? t.y : t.z;
        return Array.from(document.querySelectorAll('.chart-card .js-plotly-plot'))  // _fullData: arrays decoded
            .filter(g => !(g._fullData || []).some(t => finite(values(t)))).map(g => g.closest('.chart-card').id);
    }""")
    assert not empty, f"charts without data on {path}: {empty}"
    if path in ("/", "/funding"):
        expect(page.locator("#kpi-amount")).to_contain_text("EUR")
        expect(page.locator("#card-funding-by-year .js-plotly-plot")).to_contain_text("Not included")
        expect(page.locator("#card-funding-by-year .js-plotly-plot")).to_contain_text("Serbia(RSD, 2022–2024)")
        expect(page.locator("#card-funding-by-year .js-plotly-plot")).not_to_contain_text("Kazakhstan")


@pytest.mark.parametrize("path", ["/consultations", "/funding", "/training"])
def test_brw009_every_bar_of_a_ranking_has_a_label_of_its_own(page, path):
    """Authorities of different countries share names (Ministry of Justice, Ministry of Culture…), and plotly
    draws bars with equal labels as one: each label carries the country (or region, or id) that sets it apart."""
    goto(page, path)
    wait_charts(page)
    merged = page.evaluate("""() => Array.from(document.querySelectorAll('.chart-card .js-plotly-plot'))
        .flatMap(g => (g._fullData || []).filter(t => t.type === 'bar' && t.orientation === 'h')
            .filter(t => new Set(Array.from(t.y)).size !== t.y.length)
            .map(t => g.closest('.chart-card').id + ': ' + t.y.length + ' bars, '
                      + new Set(Array.from(t.y)).size + ' labels'))""")
    assert not merged, merged


def test_brw002_data_page_shows_the_table_behind_a_chart(page):
    goto(page, "/data?country=RO")
    expect(page.locator("#data-table")).to_contain_text("coverage_pct")  # the first table, liaison coverage
    choose(page, "data-table-select", "NGOs by county")
    expect(page.locator("#data-table")).to_contain_text("per_1000_inhabitants")
    expect(page.locator("#data-table")).to_contain_text("RO-CJ")
    expect(page.locator("#data-table")).not_to_contain_text("BG-")
    page.log.assert_clean()


@pytest.mark.parametrize("search, words", [
    ("?year_from=abc", ["year_from", "abc"]),
    ("?region=XX-99", ["XX-99"]),
    ("?country=Romania", ["country", "ROMANIA"]),
    ("?year_from=2024&year_to=2019", ["2024-2019"]),
])
@pytest.mark.parametrize("path", ["/", "/funding", "/liaison", "/data"])
def test_brw003_an_address_that_cannot_be_used_is_explained(page, path, search, words):
    page.goto(path + search)
    message = page.locator("#problem-message")
    expect(message).to_be_visible()
    for word in words:
        expect(message).to_contain_text(word)
    expect(page.locator("header")).to_be_visible()      # the site, not an error page
    expect(page.locator("#f-country")).to_be_visible()  # with the filters to get out of it
    assert page.locator(".chart-card").count() == 0
    # once every request is done, the address is still the one opened: the page did not silently fall back
    # to the unfiltered view (the filter bar's first callback used to rewrite it)
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(path + search)
    expect(message).to_be_visible()
    page.log.assert_clean()


def test_brw004_an_unknown_page_is_explained(page):
    assert page.goto("/no-such-page?country=RO").status == 404  # and the page says so
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("#main a[href='/?country=RO']")).to_be_visible()


AXE_PAGES = [*PAGES, "/funding?country=RO&lang=ru", "/liaison?country=KZ&lang=sr", "/funding?year_from=abc",
             "/authorities?country=RO&follow_up=1", "/authority/RO-CJ-CJC?country=RO&lang=ro",
             "/recipient/RO-CJ-NGO-0184?country=RO", "/data/records/grants?country=RO&region=RO-CJ"]


@pytest.mark.parametrize("address", AXE_PAGES)
def test_brw005_axe_finds_no_serious_or_critical_violation(page, address):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(address)
    expect(page.locator("#main")).to_be_visible()
    wait_filters(page)
    if "year_from=abc" in address:
        expect(page.locator("#problem-message")).to_be_visible()
    else:
        wait_charts(page)
    # the tables behind the charts are part of the page too
    for summary in page.locator(".chart-data summary").all():
        summary.click()
    for data in page.locator(".chart-data").all():  # each table is fetched when its summary is opened
        expect(data.locator(".dash-spreadsheet, p:not(.text-muted)").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", page.locator("#_pages_content [lang]").first
                                                   .get_attribute("lang"))
    results = Axe().run(page)
    bad = [f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(bad)


def test_brw006_the_filters_work_from_the_keyboard(page):
    """Tab reaches the country filter, Enter opens it, typing searches, Enter picks."""
    goto(page, "/funding")
    wait_charts(page)
    page.locator("header a.navbar-brand").focus()
    visited = []
    for _ in range(12):  # the brand, seven navigation links, then the filters
        page.keyboard.press("Tab")
        visited.append(page.evaluate("(e => e.id || e.className || e.tagName)(document.activeElement)"))
        if visited[-1] == "f-country":
            break
    assert visited[-1] == "f-country", " → ".join(visited)
    page.keyboard.press("Enter")
    expect(page.locator(".dash-dropdown-content[data-state=open] input.dash-dropdown-search")).to_be_focused()
    page.keyboard.type("Bulgaria")
    expect(page.locator(".dash-dropdown-content[data-state=open] [role=option]").first).to_contain_text("Bulgaria")
    page.keyboard.press("Enter")
    page.wait_for_url("**/funding?country=BG")
    expect(page.locator("#kpi-amount")).to_contain_text("BGN")


MOBILE = {"width": 390, "height": 844}


@pytest.mark.parametrize("path", PAGES)
def test_brw007_a_phone_screen_needs_no_sideways_scrolling(open_page, path):
    page = open_page(MOBILE)
    goto(page, path)
    if path in CHART_PAGES:
        wait_charts(page)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= MOBILE["width"] + 1, f"{path} is {width}px wide at {MOBILE['width']}px"
    page.locator("#f-toggle").click()  # on a phone the filters fold behind their button (brw018)
    for control in ("#f-country", "#f-region", "#f-year-from", "#f-year-to", "#f-level", "#f-lang"):
        expect(page.locator(control)).to_be_visible()
        box = page.locator(control).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"], control
    if path in CHART_PAGES:
        first = page.locator(".chart-card").first
        first.scroll_into_view_if_needed()
        expect(first.locator(".js-plotly-plot svg.main-svg").first).to_be_visible()
        box = first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"] + 1
    else:
        expect(page.locator("h1")).to_be_visible()
    page.log.assert_clean()


FILTER_CONTROLS = ("#f-country", "#f-region", "#f-year-from", "#f-year-to", "#f-level", "#f-lang")


@pytest.mark.parametrize("address", ["/", "/funding?country=RO"])
def test_brw018_a_phone_shows_a_headline_figure_on_its_first_screen_and_the_filters_on_demand(open_page, address):
    """At 390×844 the filter bar folds behind a "Filters" button, so the first headline figure is on the first
    screen without scrolling; the button opens the filters and folds them again."""
    page = open_page(MOBILE)
    goto(page, address)
    value = page.locator(".kpi .kpi-value").first
    expect(value).to_be_visible()
    bottom, height, scrolled = value.evaluate(
        "e => [e.getBoundingClientRect().bottom, window.innerHeight, window.scrollY]")
    assert scrolled == 0 and bottom <= height, f"{address}: the first headline figure ends at {bottom}px of {height}"
    toggle = page.locator(".filter-bar #f-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    for control in FILTER_CONTROLS:
        expect(page.locator(control)).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    for control in FILTER_CONTROLS:
        expect(page.locator(control)).to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#f-country")).to_be_hidden()
    page.log.assert_clean()


def test_brw019_from_a_tablets_width_up_the_filters_are_always_open(open_page):
    """From the md breakpoint (768 px) the filter bar is open and its button is not shown."""
    page = open_page({"width": 768, "height": 1000})
    goto(page, "/funding?country=RO")
    expect(page.locator("#f-toggle")).to_be_hidden()
    for control in FILTER_CONTROLS:
        expect(page.locator(control)).to_be_visible()
    page.log.assert_clean()


def test_brw010_the_filter_bar_is_drawn_with_the_page(page):
    """The filter dropdowns come with the page, not after its charts. Dash loads dcc.Dropdown's code lazily, and on
    a page of charts React drew the waiting dropdowns only once every chart was drawn, 1-3 s after the page: the
    app's shell now loads that code before any page."""
    page.add_init_script("""new MutationObserver(() => {
        const now = performance.now();
        if (!window.__heading && document.querySelector('#main h1')) window.__heading = now;
        if (!window.__filters && document.querySelectorAll('.filter-bar .dash-dropdown').length === 6) window.__filters = now;
        if (!window.__chart && document.querySelector('.chart-card .js-plotly-plot .main-svg .bars, .chart-card .js-plotly-plot .main-svg .heatmaplayer .hm')) window.__chart = now;
    }).observe(document, {childList: true, subtree: true});""")
    goto(page, "/funding")
    wait_charts(page)
    heading, filters, chart = page.evaluate("[window.__heading, window.__filters, window.__chart]")
    assert filters is not None and filters - heading < 250, (heading, filters, chart)
    assert chart is None or filters <= chart, (heading, filters, chart)
    # the dropdowns' code comes with the page's HTML, before Dash even asks for the layout (app.CivmonDash.PRELOAD)
    started = dict(page.evaluate("performance.getEntriesByType('resource')"
                                 ".map(e => [e.name.split('?')[0].split('/').pop(), e.startTime])"))
    assert started["async-dropdown.js"] < started["_dash-layout"], started


@pytest.mark.parametrize("lang", ["en", "ro", "ru", "bg", "sr"])
def test_brw011_the_menu_is_one_line_and_the_year_fields_show_their_placeholder(page, lang):
    """At 1400 px the menu fits one line in every language, and the narrow year fields show "all" whole."""
    goto(page, f"/about?lang={lang}" if lang != "en" else "/about")
    tops = {round(box["y"]) for box in (link.bounding_box() for link in page.locator("header .nav-link").all())}
    assert len(tops) == 1, f"{lang}: the menu takes {len(tops)} lines"
    for control in ("#f-year-from", "#f-year-to"):
        cut = page.locator(f"{control} .dash-dropdown-value").evaluate("e => e.scrollWidth > e.clientWidth")
        assert not cut, f"{lang}: the placeholder of {control} is cut off"



@pytest.mark.parametrize("address", ["/funding?country=RO", "/liaison?country=KZ"])
def test_brw012_charts_are_drawn_by_the_partial_plotly_bundle(page, address):
    """The browser gets plotly.js as assets/vendor/plotly-civmon.min.js (1.5 MB: scatter, bar, heatmap and
    choropleth; scripts/plotly_bundle), never Dash's full 4.8 MB plotly.min.js; it may keep the file (its address
    changes with it), and with it the county map, the tile map and the bars are drawn."""
    from plotly.offline import get_plotlyjs_version

    goto(page, address)
    wait_charts(page)
    bundles = [u for u in page.log.requests if "plotly" in u.rsplit("/", 1)[-1] and u.split("?")[0].endswith(".js")]
    assert len(bundles) == 1 and "/assets/vendor/plotly-civmon.min.js?m=" in bundles[0], bundles
    assert page.evaluate("Plotly.version") == get_plotlyjs_version()
    response = page.request.get(bundles[0])
    assert response.ok and "immutable" in response.headers["cache-control"]
    missing = page.evaluate("""() => {
        const known = Object.keys(Plotly.PlotSchema.get().traces);
        return Array.from(document.querySelectorAll('.chart-card .js-plotly-plot'))
            .flatMap(g => g.data.map(t => t.type || 'scatter')).filter(t => !known.includes(t));
    }""")
    assert not missing, missing
    region_map = ("#card-funding-by-county .choroplethlocation" if "RO" in address   # counties' outlines
                  else "#card-liaison-coverage-by-region .heatmaplayer .hm image")          # Kazakhstan's tiles
    assert page.locator(region_map).count() > 0
    assert page.locator(".js-plotly-plot .bars path").count() > 0
    page.log.assert_clean()


def test_brw013_a_charts_table_and_its_code_come_when_the_reader_opens_them(page):
    """A figure's table ("Show the data behind this chart") is fetched, with the DataTable's code, when a reader
    first opens it, from the keyboard too; closing and opening it again gets nothing more from the server, and the
    table stays as the reader left it."""
    goto(page, "/funding?country=RO")
    wait_charts(page)

    def table_code():
        return [u for u in page.log.requests if "async-table" in u]

    def callbacks():
        return sum(1 for u in page.log.requests if "/_dash-update-component" in u)
    assert not table_code() and page.locator(".dash-spreadsheet").count() == 0
    card = page.locator("#card-funding-by-county")
    summary = card.locator(".chart-data summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = card.locator(".chart-data .dash-spreadsheet-container")
    expect(table).to_be_visible()
    expect(table).to_contain_text("RO-AB")  # the first of Romania's counties, by code
    expect(table).to_contain_text("Alba")
    expect(card.locator(".chart-data")).not_to_contain_text("Loading the data")
    assert table_code()
    assert callbacks() > 0
    card.locator(".chart-data button.next-page").click()   # the reader turns to the table's second page
    expect(table).not_to_contain_text("Alba")
    second_page = table.inner_text()
    summary.click()
    expect(table).to_be_hidden()
    with page.expect_response(lambda r: "/_dash-update-component" in r.url) as answer:
        summary.click()
    assert answer.value.json().get("response", {}) == {}   # "no update": the table is not drawn again
    expect(table).to_be_visible()
    assert table.inner_text() == second_page
    assert page.locator(".dash-spreadsheet-container").count() == 1  # the other charts' tables were not fetched
    page.log.assert_clean()


@pytest.mark.parametrize("address", ["/funding?country=RO&region=RO-AB,RO-CJ", "/training?country=RO"])
def test_brw014_the_tool_bar_shown_on_hover_covers_no_bar(page, address):
    """plotly's tool bar appears at a chart's top right when the pointer is over it; it sits above the plot,
    not over the top bar of a ranking or the tallest bar of a year's series."""
    goto(page, address)
    wait_charts(page)
    checked = 0
    for graph in page.locator(".chart-card .js-plotly-plot").all():
        if graph.locator(".bars path").count() == 0:
            continue
        graph.scroll_into_view_if_needed()
        graph.hover()
        bar = graph.locator(".modebar")
        expect(bar).to_be_visible()
        tools = bar.bounding_box()
        for shape in graph.locator(".bars path").all():
            box = shape.bounding_box()
            if not box or box["width"] < 1 or box["height"] < 1:
                continue
            overlap = (box["x"] < tools["x"] + tools["width"] and tools["x"] < box["x"] + box["width"]
                       and box["y"] < tools["y"] + tools["height"] and tools["y"] < box["y"] + box["height"])
            assert not overlap, (graph.evaluate("g => g.closest('.chart-card').id"), box, tools)
        checked += 1
    assert checked >= 2


def test_brw015_pages_run_without_dashs_babel_polyfill(page):
    """Dash's Babel polyfill (core-js, for browsers before 2017) is not sent; the one thing Dash's code needs
    from it, `regeneratorRuntime` for its lazily loaded components, comes from assets/vendor: the dropdowns,
    the graphs and a chart's table (all loaded lazily) still draw."""
    goto(page, "/funding?country=RO")
    wait_charts(page)
    assert not [u for u in page.log.requests if "polyfill" in u]
    assert page.evaluate("() => typeof regeneratorRuntime.mark") == "function"
    assert [u for u in page.log.requests if "async-dropdown" in u] and [u for u in page.log.requests
                                                                         if "async-graph" in u]
    page.locator("#card-funding-by-year .chart-data summary").click()
    expect(page.locator("#card-funding-by-year .dash-spreadsheet-container")).to_contain_text("2024")
    page.log.assert_clean()


@pytest.fixture
def redis_server(browser, demo_env, tmp_path):
    """The production shape: two workers sharing one Redis (a database of its own, emptied first)."""
    import redis
    url = "redis://127.0.0.1:6379/12"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379: start redis-server to run this test")
    yield from serve_checked({**demo_env, "REDIS_URL": url}, tmp_path)


def test_brw016_a_view_someone_has_seen_arrives_drawn(browser, redis_server):
    """The first reader of a view waits for one request per chart; the next reader (a new browser, nothing in its
    cache) gets the page with its charts and headline figures in the one answer, and sees the same numbers."""
    address = "/funding?country=BG&year_from=2021&year_to=2024"

    def visit():
        page = new_page(browser, redis_server)
        goto(page, address)
        wait_charts(page)
        callbacks = sum(1 for u in page.log.requests if "/_dash-update-component" in u)
        bars = page.locator("#card-funding-by-county-ranking .ytick text").all_inner_texts()   # the regions ranked
        kpi = page.locator("#kpi-amount").inner_text()
        page.log.assert_clean()
        page.context.close()
        return callbacks, bars, kpi

    first, second = visit(), visit()
    charts = 7
    assert first[0] >= 1 + charts + 1   # the page, then each chart and the headline figures by a request of its own
    assert second[0] == first[0] - charts - 1   # the page (the filter bar's callbacks that answer "no change" aside)
    assert second[1:] == first[1:] and len(first[1]) > 1 and first[2].endswith("BGN")


@pytest.mark.parametrize("card", ["funding-by-year", "liaison-coverage-by-year"])
def test_brw017_a_chart_over_the_years_labels_the_latest_year(page, card):
    """With more years than fit upright, every other year is labelled: counted back from the latest one, so the
    bar or point a reader looks at first (the last year) always has its year under it."""
    search = "?country=RO&year_from=2015&year_to=2024"   # ten years: the first and the last can't both be labelled
    goto(page, ("/funding" if card.startswith("funding") else "/liaison") + search)
    wait_charts(page)
    graph = page.locator(f"#card-{card} .js-plotly-plot")
    years = page.evaluate("g => Array.from(g._fullData[0].x)", graph.element_handle())
    labels = graph.locator(".xtick text").all_text_contents()
    assert len(set(years)) > 8 and len(labels) < len(set(years))   # every other year, as on a card's width
    assert labels[-1] == str(max(years)), (labels, years)
