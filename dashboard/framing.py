"""Who may show civmon in a frame: nobody, except the chart-only pages under /embed/.

Every response gets `Content-Security-Policy: frame-ancestors 'none'` and `X-Frame-Options: DENY`
(clickjacking protection); responses under /embed/ get `frame-ancestors` with the sources of
CIVMON_EMBED_ANCESTORS (default `*`, any site) and no X-Frame-Options, which cannot express a list.
"""
from __future__ import annotations

import logging
import re

import flask

from queries import settings

log = logging.getLogger(__name__)

EMBED_PREFIX = "/embed/"
_SOURCE = re.compile(r"^(\*|'self'|'none'|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*://)?(\*\.)?[A-Za-z0-9.-]+(:(\d+|\*))?(/\S*)?)$")


def embed_ancestors(value: str | None = None) -> str:
    """The frame-ancestors sources for /embed/ from CIVMON_EMBED_ANCESTORS (spaces or commas between them).

    A source that is not a CSP source expression is left out with a warning, so a typo cannot
    inject another directive; nothing valid left means 'none'."""
    raw = settings.get("CIVMON_EMBED_ANCESTORS", value)
    sources = []
    for token in re.split(r"[\s,]+", raw.strip()):
        if not token:
            continue
        if _SOURCE.match(token) and ";" not in token:
            sources.append(token)
        else:
            log.warning("CIVMON_EMBED_ANCESTORS: %r is not a frame-ancestors source; left out", token)
    return " ".join(sources) or "'none'"


def _frame_headers(response: flask.Response) -> flask.Response:
    path = flask.request.path
    embed = path.startswith(EMBED_PREFIX) or path.rstrip("/") == EMBED_PREFIX.rstrip("/")
    directive = "frame-ancestors " + (embed_ancestors() if embed else "'none'")
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        response.headers["Content-Security-Policy"] = directive
    elif "frame-ancestors" not in csp:
        response.headers["Content-Security-Policy"] = csp.rstrip("; ") + "; " + directive
    if embed:
        response.headers.pop("X-Frame-Options", None)
    else:
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def register(server: flask.Flask) -> None:
    server.after_request(_frame_headers)
