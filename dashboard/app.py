"""The Dash app factory and the module-level `server` that gunicorn serves.

Dash Pages, one module per page in dashboard/pages. Every asset (plotly.js, Bootstrap, the map
topojson) is served from this server; the app makes no request elsewhere.
"""
from __future__ import annotations

from pathlib import Path

import dash
import flask
from dash import dcc, html

from queries import meta

from . import cache, components as c, maps

HERE = Path(__file__).resolve().parent


def create_app() -> dash.Dash:
    app = dash.Dash(
        __name__, use_pages=True, pages_folder=str(HERE / "pages"), assets_folder=str(maps.ASSETS_DIR),
        serve_locally=True, compress=True, title="civmon", update_title=None, suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    from . import callbacks  # noqa: F401  (registers the callbacks)
    cache.init_app(app.server)
    app.layout = html.Div([dcc.Location(id=c.URL, refresh="callback-nav"), dash.page_container])
    # A language on <html> (assets/a11y.js keeps it equal to the page's), and Dash's script holder as a plain
    # <div>: a second <footer> would be a second "contentinfo" landmark besides the site's footer.
    app.index_string = (app.index_string.replace("<html>", '<html lang="en">', 1)
                        .replace("<footer>", "<div>", 1).replace("</footer>", "</div>", 1))

    @app.server.route("/healthz")
    def healthz():
        ok = meta.ping()
        return flask.Response("ok\n" if ok else "database unavailable\n", status=200 if ok else 503,
                              mimetype="text/plain")
    return app


app = create_app()
server = app.server
