"""How the server behaves when things go wrong, and what it writes to its log.

- One log line per request: method, path, status and duration.
- A callback that fails never shows a traceback: the database not answering becomes a short notice at
  the top of the page (and the charts keep their last state); any other error is logged with its
  traceback and the page says something went wrong. Nothing is cached, so everything recovers by itself
  once the database answers again (SQLAlchemy's pool replaces broken connections).
- Other routes (API, images, embeds) answer 503 with one sentence while the database is down, and a
  plain 500 sentence for anything unexpected; /healthz answers 503.
- Security headers on every response: a Content-Security-Policy that Dash works under (scripts only from
  this server, Dash's own inline scripts allowed by their hashes), no MIME sniffing, and the referrer
  kept to this site. Which sites may frame a page is dashboard/framing.py's part of the policy.
"""
from __future__ import annotations

import logging
import sys
import time
from urllib.parse import parse_qsl, urlsplit

import dash
import flask
import sqlalchemy as sa
from dash import html, set_props
from werkzeug.exceptions import HTTPException

from . import cache, i18n
from .i18n import _

log = logging.getLogger("civmon")
request_log = logging.getLogger("civmon.request")
NOTICE = "service-notice"  # the app shell's notice area (app.create_app)



DB_DOWN = _("The database is not answering, so the figures cannot be shown right now. civmon keeps trying: "
            "reload the page in a minute.")
FAILED = _("Something went wrong while drawing this part of the page. The error has been logged; reload the page "
           "or try other filters.")


def configure_logging() -> None:
    """civmon's loggers write to stderr (gunicorn's log) unless the host configured logging already."""
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def is_database_down(exc: BaseException) -> bool:
    """True for errors that mean the database cannot be reached (not for a wrong query)."""
    return isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)) or (
        isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated)


def _page_lang() -> str:
    """The language of the page a callback came from (its address is the request's Referer)."""
    referrer = flask.request.referrer if flask.has_request_context() else None
    query = dict(parse_qsl(urlsplit(referrer).query)) if referrer else {}
    return i18n.normalise(query.get("lang"))


def notice(message: str, lang: str) -> html.Div:
    return html.Div(i18n.translator(lang)(message), className="alert alert-danger mb-0 rounded-0", role="alert")


def on_callback_error(exc: Exception):
    """Dash's error handler for every callback: a notice on the page, never a traceback; no output changes.
    The answer is not cached (cache.mark_incomplete): the next request tries again."""
    cache.mark_incomplete()
    if is_database_down(exc):
        log.warning("database unavailable during a callback: %s", str(exc).splitlines()[0] if str(exc) else exc)
        set_props(NOTICE, {"children": notice(DB_DOWN, _page_lang())})
    else:
        log.exception("callback failed", exc_info=exc)
        set_props(NOTICE, {"children": notice(FAILED, _page_lang())})
    return None


def content_security_policy(app: dash.Dash) -> str:
    """The policy: everything from this server; Dash's inline scripts by hash; inline styles (plotly.js sets
    style attributes as it draws); images also from data: and blob: (plotly's PNG download)."""
    scripts = " ".join(app.csp_hashes())  # each already quoted: 'sha256-…'
    return "; ".join((
        "default-src 'self'", f"script-src 'self' {scripts}".strip(), "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:", "font-src 'self' data:", "connect-src 'self'", "object-src 'none'",
        "base-uri 'self'", "form-action 'self'"))


def register(app: dash.Dash) -> None:
    """Request log lines, security headers and error answers for the Flask routes."""
    configure_logging()
    server = app.server
    policy: list[str] = []  # computed at the first response, once every clientside callback is registered

    @server.after_request
    def _security_headers(response: flask.Response):
        if not policy:
            policy.append(content_security_policy(app))
        existing = response.headers.get("Content-Security-Policy")  # e.g. framing's frame-ancestors
        response.headers["Content-Security-Policy"] = policy[0] + (f"; {existing}" if existing else "")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        return response

    @server.after_request
    def _cache_versioned_assets(response: flask.Response):
        # Dash names every asset with its file's mtime (/assets/…?m=…), so a new file gets a new address: browsers
        # may keep an addressed version for good instead of asking again for plotly.js (1.5 MB) on every page.
        if (flask.request.endpoint or "").endswith("dash_assets.static") and "m" in flask.request.args \
                and response.status_code in (200, 304):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response

    @server.before_request
    def _start_timer():
        flask.g.civmon_started = time.perf_counter()

    @server.after_request
    def _log_request(response: flask.Response):
        started = flask.g.get("civmon_started")
        ms = (time.perf_counter() - started) * 1000 if started else 0.0
        request_log.info("%s %s %s %.1f ms", flask.request.method, flask.request.full_path.rstrip("?"),
                         response.status_code, ms)
        return response

    @server.errorhandler(sa.exc.DBAPIError)
    def _database_error(exc):
        if not is_database_down(exc):
            return _unexpected(exc)
        log.warning("database unavailable: %s %s", flask.request.path, str(exc).splitlines()[0] if str(exc) else exc)
        return flask.Response(i18n.translator(flask.request.args.get("lang"))(DB_DOWN) + "\n", status=503,
                              mimetype="text/plain", headers={"Retry-After": "30"})

    @server.errorhandler(Exception)
    def _unexpected(exc):
        if isinstance(exc, HTTPException):
            return exc
        log.exception("request failed: %s %s", flask.request.method, flask.request.path, exc_info=exc)
        return flask.Response("Something went wrong on the server. The error has been logged.\n", status=500,
                              mimetype="text/plain")
