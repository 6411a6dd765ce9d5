"""Where a chart goes when it leaves the dashboard: download addresses, a link to the view, an embed code.

The server builds every text from the view's state. Absolute addresses need the origin the browser
opened the site at, which only the browser knows: texts meant for the clipboard hold the tokens
ORIGIN and PAGE, which assets/civmon-share.js replaces (with location.origin, and with
location.origin + location.pathname) at the moment it copies them.
"""
from __future__ import annotations

import html
from urllib.parse import quote

ORIGIN = "{origin}"  # the site's origin, e.g. https://civmon.example.org
PAGE = "{page}"      # the current page's address without its query, e.g. https://civmon.example.org/funding

IMAGE_FORMATS = ("png", "svg")
DATA_FORMATS = ("csv", "xlsx")
EMBED_HEIGHT = 450  # px: a chart, its title and its source line, without scrolling


def api_href(chart_id: str, fmt: str, search: str) -> str:
    """The address of a chart's image or data for a view (served by dashboard/api.py)."""
    return f"/api/v1/charts/{chart_id}.{fmt}{search}"


def view_link(chart_id: str, search: str, page: str = PAGE) -> str:
    """The address of the current page with the view's filters, scrolled to the chart."""
    return f"{page}{search}#{chart_id}"


def embed_src(chart_id: str, search: str, origin: str = ORIGIN) -> str:
    return f"{origin}/embed/{chart_id}{search}"


def embed_code(chart_id: str, search: str, title: str, origin: str = ORIGIN) -> str:
    """An <iframe> snippet for a partner's web page: the chart alone, as wide as its column."""
    src = html.escape(embed_src(chart_id, search, origin), quote=True)
    return (f'<iframe src="{src}" title="{html.escape(title, quote=True)}" width="100%" height="{EMBED_HEIGHT}" '
            'style="border:0" loading="lazy"></iframe>')


def area_href(chart_id: str, path: str, search: str) -> str:
    """The page at `path` (the chart's area's) with the view's filters, scrolled to the chart."""
    return f"{path}{search}#{chart_id}"


def report_href(chart_ids, search: str) -> str:
    """The printable report of these charts, in this order, for the view's filters."""
    rest = search.lstrip("?")
    return "/report?charts=" + ",".join(chart_ids) + (f"&{rest}" if rest else "")


def record_href(kind: str, record_id: str, search: str) -> str:
    """The address of one record's page (dashboard/pages/record.py), in the view's filters and language."""
    return f"/data/record/{kind}/{quote(str(record_id), safe='')}{search}"
