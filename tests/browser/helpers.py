"""What a user does, in Playwright terms, and the waits on content that follow each step."""
from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

PAGES = ("/", "/liaison", "/funding", "/consultations", "/training", "/data", "/about")
CHART_PAGES = ("/", "/liaison", "/funding", "/consultations", "/training")

# A graph is drawn once it holds the figure of its callback: traces, or the explained empty view's
# annotation. Until then it holds the placeholder figure (no trace, no annotation).
_DRAWN = """g => g.data && g.layout && (g.data.length > 0 || (g.layout.annotations || []).length > 0)"""


def wait_view(page: Page, path: str, search: str) -> None:
    """Wait until the page shows the view for path+search: the address, then the page drawn for it (its
    navigation link, which carries the address's parameters, is the current one)."""
    page.wait_for_url(lambda url: urlsplit(url).path == path and
                      (f"?{urlsplit(url).query}" if urlsplit(url).query else "") == search)
    expect(page.locator("header .nav-link.active")).to_have_attribute("href", path + search)
    wait_filters(page)
    # the headline figures come by their own callback (kpis.slot): until then, cards of "…" hold their place
    expect(page.locator(".kpi-loading")).to_have_count(0)


def wait_filters(page: Page) -> None:
    """Wait until the filter bar's dropdowns are there (they come with the page: see test_brw010) and
    assets/a11y.js has repaired them."""
    expect(page.locator(".filter-bar .dash-dropdown-focus-target")).to_have_count(6)
    expect(page.locator(".dash-dropdown-focus-target[aria-hidden]")).to_have_count(0)


def goto(page: Page, path_and_search: str) -> None:
    """Open an address and wait until its view is there."""
    page.goto(path_and_search)
    parts = urlsplit(path_and_search)
    wait_view(page, parts.path or "/", f"?{parts.query}" if parts.query else "")


def wait_charts(page: Page) -> int:
    """Wait until every chart card on the page is drawn (and every table card shows its table); returns the
    number of graphs."""
    graphs = page.locator(".chart-card .chart-graph").count()
    page.wait_for_function(
        f"""n => {{
            const plots = Array.from(document.querySelectorAll('.chart-card .js-plotly-plot'));
            return plots.length === n && plots.every({_DRAWN});
        }}""", arg=graphs)
    for card in page.locator(".chart-card:not(:has(.chart-graph))").all():
        expect(card.locator(".dash-spreadsheet, p").first).to_be_visible()
    return graphs


def choose(page: Page, control_id: str, text: str) -> None:
    """Pick an option of a dcc.Dropdown as a user does: open it, type in its search box, press Enter."""
    page.locator(f"#{control_id}").click()
    box = page.locator(".dash-dropdown-content[data-state=open] input.dash-dropdown-search")
    box.click()
    box.press_sequentially(text)
    expect(page.locator(".dash-dropdown-content[data-state=open] [role=option]").first).to_contain_text(text)
    box.press("Enter")


def kpi(page: Page, kpi_id: str) -> str:
    return page.locator(f"#{kpi_id}").inner_text()


def click_centre(page: Page, locator) -> None:
    """Click the middle of an SVG shape with the mouse (plotly's drag layer lies on top of its shapes, so the
    click has to be where a user's would be, not dispatched to the element)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.click(x, y)
