"""The Dash app factory, and the process's one app: `dashboard.app.server` (what gunicorn serves) and
`dashboard.app.app` are made at their first use, not when the module is imported.

Dash Pages, one module per page in dashboard/pages. Every asset (plotly.js, Bootstrap, the map
topojson) is served from this server; the app makes no request elsewhere. One app per process: Dash's pages and
callbacks register globally and are taken by the first app that sets itself up.
"""
from __future__ import annotations

import gc
import re
import threading
from pathlib import Path

import dash
import flask
from dash import dcc, html

from queries import db

from . import admin, api, auth, cache, components as c, maps, service, warm

HERE = Path(__file__).resolve().parent


class CivmonDash(dash.Dash):
    """Dash without its Babel polyfill (core-js, for browsers older than 2017): the browsers civmon supports
    have everything it adds, and running it cost ~120 ms of the main thread on every page load, before and
    while the charts drew (it also replaces native methods such as String.prototype.trim with slower ones
    that plotly.js calls often). What Dash's compiled code still needs from it, the global
    `regeneratorRuntime` of its lazy loaders, comes from assets/vendor/regenerator-runtime.js."""

    POLYFILL = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>\s*')
    # dcc.Dropdown's code, which Dash loads only when a page first shows one (the shell's hidden dropdown, see
    # create_app), fetched with the page's HTML: when a page arrives with its charts drawn (components.chart_view),
    # plotly.js draws them as the page mounts, and a filter bar still waiting for that code waited behind them
    # (+0.3 s in test_brw010 once). Every page has the shell's dropdown, so the preload is always used.
    PRELOAD = ("dash/dcc/async-dropdown.js",)

    def interpolate_index(self, **kwargs):
        kwargs["scripts"] = self.POLYFILL.sub("", kwargs.get("scripts", ""))
        prefix = self.config.requests_pathname_prefix
        kwargs["css"] = kwargs.get("css", "") + "".join(
            f'\n<link rel="preload" href="{prefix}_dash-component-suites/{path}" as="script">' for path in self.PRELOAD)
        return super().interpolate_index(**kwargs)


def create_app() -> dash.Dash:
    app = CivmonDash(
        __name__, use_pages=True, pages_folder=str(HERE / "pages"), assets_folder=str(maps.ASSETS_DIR),
        serve_locally=True, compress=True, on_error=service.on_callback_error, title="civmon", update_title=None, suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    from . import callbacks  # noqa: F401  (registers the callbacks)
    cache.init_app(app.server)
    service.register(app)  # request log, security headers; errors answered with a sentence, logged with their traceback
    app.layout = html.Div([dcc.Location(id=c.URL, refresh="callback-nav"),
                           html.Div(id=service.NOTICE, className="no-print"),  # e.g. "the database is not answering"
                           dash.page_container,
                           # Dash loads dcc.Dropdown's code lazily, when a page first shows one, and React drew the
                           # suspended filter dropdowns only once every chart of the page was drawn (1-3 s after
                           # the page). A hidden dropdown in the shell loads that code with the shell: each page's
                           # filter bar then draws with the page.
                           html.Div(dcc.Dropdown(id=c.DROPDOWN_PRELOAD, options=[]), hidden=True)])
    # A language on <html> (assets/a11y.js keeps it equal to the page's), and Dash's script holder as a plain
    # <div>: a second <footer> would be a second "contentinfo" landmark besides the site's footer.
    app.index_string = (app.index_string.replace("<html>", '<html lang="en">', 1)
                        .replace("<footer>", "<div>", 1).replace("</footer>", "</div>", 1))

    @app.server.route("/healthz")
    def healthz():
        ok = db.database().ping()
        return flask.Response("ok\n" if ok else "database unavailable\n", status=200 if ok else 503,
                              mimetype="text/plain")
    maps.register(app.server)  # /geo/<CC>.json: the map geometry, fetched once per page by plotly.js
    api.register(app.server)  # /api/v1 (chart data and images) and the frame-ancestors headers
    auth.register(app.server)  # /login, /logout, the session cookie; refuses production without SECRET_KEY
    admin.register(app.server)  # the data stewards' /admin/import and /admin/imports
    _set_up_before_serving(app)
    _page_status(app.server)
    app.server.wsgi_app = _one_version_per_request(app.server.wsgi_app)
    warm.register(app.server)  # the main pages drawn into the cache at start-up and after every import (CIVMON_WARM)
    return app


def _set_up_before_serving(app: dash.Dash) -> None:
    """Dash sets itself up at its first request (the component libraries it serves, the pages' routing callback),
    marking that done before doing it: under threaded workers, a request served beside that first one found the
    libraries not yet registered (500 for dash_bootstrap_components' code, a page stuck at "Loading…"). One request
    made here, before any thread serves, does all of it."""
    with app.server.test_request_context("/_dash-layout"):
        for hook in app.server.before_request_funcs.get(None, ()):
            if getattr(hook, "__qualname__", "").startswith("Dash."):
                hook()


PAGE_RULES = ("/", "/<path:path>")  # Dash's routes of its page, whatever the address


def _page_status(server: flask.Flask) -> None:
    """Dash answers every address with its page (200) and draws "not found" in the browser. An address that names no
    page, or a page whose registration's `exists(**path_variables)` says there is nothing there (/embed/nope),
    answers 404 with that same page: a link checker, a crawler and a monitoring probe read the status."""
    @server.after_request
    def status(response: flask.Response) -> flask.Response:
        rule = flask.request.url_rule
        if response.status_code != 200 or rule is None or rule.rule not in PAGE_RULES \
                or response.mimetype != "text/html":
            return response
        # Dash Pages' own lookup of an address's page (private, but the one its router uses)
        page, variables = dash._pages._path_to_page(flask.request.path.strip("/"))
        exists = page.get("exists")
        if not page or page.get("module", "").endswith("not_found_404") or (
                exists is not None and not exists(**(variables or {}))):
            response.status_code = 404
        return response


def _one_version_per_request(wsgi_app):
    """Each request reads each database's data version once (queries.db.one_version): its cache keys, the
    regions and reference data kept per version, and the version it reports all agree."""
    def app(environ, start_response):
        with db.one_version():
            return wsgi_app(environ, start_response)
    return app


_default: dash.Dash | None = None
_default_lock = threading.Lock()


def default() -> dash.Dash:
    """The process's app, made by create_app at its first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = create_app()
            # What start-up built (plotly's validators, the pages, the catalogues, the geometry) lives as long as the
            # process: moved out of the collector's reach, it no longer lengthens full collections (the source of p95
            # spikes of ~100 ms in bench_queries.py).
            gc.freeze()
    return _default


def __getattr__(name: str):
    """`app` and `server`, made when first asked for (PEP 562): importing this module starts nothing."""
    if name == "app":
        return default()
    if name == "server":
        return default().server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
