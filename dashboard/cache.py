"""The dashboard's cache: results keyed by what was asked and the dataset's version.

Flask-Caching with a per-process memory cache by default, and Redis when REDIS_URL is set, so all
gunicorn workers and hosts share one cache. Every key carries the data version that every import
bumps (queries.db.Database.data_version), so a new import is visible at once and stale entries simply
stop being asked for (they expire after CIVMON_CACHE_TIMEOUT seconds).

The cache is an accelerator, never a dependency: when Redis does not answer, the value is computed
and served uncached, the failure is logged once, and the cache is tried again a few seconds later.
"""
from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import OrderedDict
from typing import Any, Callable

import flask
import sqlalchemy as sa
from flask_caching import Cache
from flask_caching.backends.simplecache import SimpleCache

from queries import db, registry, settings

log = logging.getLogger(__name__)
cache = Cache()
RETRY_AFTER_S = 5.0        # after a cache failure, compute without the cache for this long
_down_until = 0.0
_configured = False


def config() -> dict[str, Any]:
    """Flask-Caching configuration from the settings: Redis when REDIS_URL is set, else memory."""
    timeout = settings.get_int("CIVMON_CACHE_TIMEOUT")
    if timeout <= 0:  # the cache turned off (benchmarks of the uncached path)
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    redis_url = settings.get("REDIS_URL")
    if redis_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url, "CACHE_KEY_PREFIX": "civmon:",
                "CACHE_DEFAULT_TIMEOUT": timeout,
                # a Redis that does not answer must not hold a request up
                "CACHE_OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}}
    return {"CACHE_TYPE": "dashboard.cache.MemoryCache", "CACHE_DEFAULT_TIMEOUT": timeout,
            "CIVMON_CACHE_BYTES": max(1, settings.get_int("CIVMON_CACHE_MEMORY_MB")) << 20}


class MemoryCache(SimpleCache):
    """Flask-Caching's memory cache, bounded by the bytes it holds rather than by its number of entries (a page's
    answer is ~50 kB, a figure ~5 kB, a map's image ~200 kB: 2,000 entries of varied views grew a worker by 1.3 GB).
    The least recently used entries go first; one value above an eighth of the budget is not kept at all."""

    def __init__(self, max_bytes: int, default_timeout: int = 300):
        super().__init__(threshold=0, default_timeout=default_timeout)
        self._cache: OrderedDict = OrderedDict()
        self.max_bytes, self.bytes = max_bytes, 0

    @classmethod
    def factory(cls, app, config, args, kwargs):
        return cls(config["CIVMON_CACHE_BYTES"], config["CACHE_DEFAULT_TIMEOUT"])

    def _drop(self, key: str) -> bool:
        entry = self._cache.pop(key, None)
        if entry is not None:
            self.bytes -= len(entry[1])
        return entry is not None

    def get(self, key: str):
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            if entry[0] and entry[0] <= time.time():
                self._drop(key)
                return None
            self._cache.move_to_end(key)
            return self.serializer.loads(entry[1])

    def has(self, key: str) -> bool:
        with self._lock:
            entry = self._cache.get(key)
            return entry is not None and (not entry[0] or entry[0] > time.time())

    def set(self, key: str, value, timeout=None) -> bool:
        data = self.serializer.dumps(value)
        if len(data) > self.max_bytes // 8:
            return False
        with self._lock:
            self._drop(key)
            self._cache[key] = (self._normalize_timeout(timeout), data)
            self.bytes += len(data)
            while self.bytes > self.max_bytes:
                self._drop(next(iter(self._cache)))
            return True

    def add(self, key: str, value, timeout=None) -> bool:
        with self._lock:
            return False if self.has(key) else self.set(key, value, timeout)

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._drop(key)

    def clear(self) -> bool:
        with self._lock:
            self._cache.clear()
            self.bytes = 0
            return True


def init_app(server: flask.Flask) -> None:
    global _configured
    chosen = config()
    cache.init_app(server, config=chosen)
    # with the cache off nothing is looked up or kept: no key is made (each costs the data version and a hash)
    _configured = chosen["CACHE_TYPE"] != "NullCache"
    server.before_request(_answer_from_cache)
    server.after_request(_keep_answer)  # runs before flask-compress's (registered earlier): keeps plain JSON


# --- whole answers: callbacks and the API's data files -------------------------------------------------------
#
# Every callback of the pages is a function of what the browser posts (the page's address, the chart's id) and of
# the data: the serialised answer is kept under (request body, data version), so a repeated view costs a lookup
# and no Dash work at all. A page layout answer is ~45 KB of components, ~10 ms to serialise again on every hit;
# the objects' own caches above still serve the first answer for a body. A chart's data file from the API
# (/api/v1/charts/<id>.json, .csv, .xlsx) is a function of its address and the data: it is kept under (address,
# data version) with the headers that describe it, so a repeated download skips the query's DataFrame, the
# document and the serialisation (a JSON document then says when it was first generated, for that data). An answer
# given while something failed (callbacks' on_error, see service.py) or while a part of it was left to a later
# callback (a page whose charts are not drawn yet, see components.chart_view), or any answer but 200, is never kept.
CALLBACK_PATH = "_dash-update-component"
DATA_FILE = re.compile(r"^/api/v1/charts/[^/]+\.(json|csv|xlsx)$")
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "X-Content-Type-Options")
INCOMPLETE = "civmon_incomplete"  # flask.g: how many parts of this answer failed or are still to come


def _answer_from_cache():
    request = flask.request
    if not _cache_usable():
        return None
    if request.method == "POST" and request.path.endswith(CALLBACK_PATH):
        asked = request.get_data(cache=True)
    elif request.method == "GET" and DATA_FILE.match(request.path):
        asked = request.url  # the XLSX names its address; the host is part of it
    else:
        return None
    try:
        k = key("answer", asked)
        hit = cache.get(k)
    except Exception as exc:  # noqa: BLE001 - the database or the cache not answering: the callback says which
        if not _database_error(exc):
            _failed(exc)
        return None
    if hit is not None:
        body, headers = hit if isinstance(hit, tuple) else (hit, {"Content-Type": "application/json"})
        return flask.Response(body, headers=headers)
    flask.g.civmon_answer_key = k
    return None


def _keep_answer(response: flask.Response) -> flask.Response:
    k = flask.g.pop("civmon_answer_key", None)
    if k and response.status_code == 200 and not _incomplete() and not response.direct_passthrough:
        kept = response.get_data()
        if flask.request.method == "GET":
            kept = (kept, {h: response.headers[h] for h in KEPT_HEADERS if h in response.headers})
        try:
            cache.set(k, kept)
        except Exception as exc:  # noqa: BLE001
            _failed(exc)
    return response


def mark_incomplete() -> None:
    """This request's answer is not whole: a part of it failed, or is left to a later request. Neither the answer
    nor a cached() value computed around that part is kept, so the next request builds it again."""
    if flask.has_app_context():  # (Dash runs callbacks in a copy of the request's context: a ContextVar set there
        setattr(flask.g, INCOMPLETE, _incomplete() + 1)  # would not be seen by _keep_answer; flask.g is shared)


def _incomplete() -> int:
    return flask.g.get(INCOMPLETE, 0) if flask.has_app_context() else 0


def _database_error(exc: Exception) -> bool:
    return isinstance(exc, sa.exc.DBAPIError)


def dataset() -> str:
    """Which data a result comes from: the database and its version (read once per request: dashboard.app)."""
    database = db.database()
    return f"{database.describe()}#{database.data_version()}"


def key(kind: str, *parts: Any) -> str:
    """A short cache key for (kind, parts…, database, data version)."""
    digest = hashlib.blake2b(repr((dataset(), parts)).encode(), digest_size=16).hexdigest()
    return f"{kind}:{digest}"


def is_on() -> bool:
    """Whether this process has a cache (CIVMON_CACHE_TIMEOUT > 0), Redis answering or not."""
    return _configured


def _cache_usable() -> bool:
    return _configured and time.monotonic() >= _down_until


def _failed(exc: Exception) -> None:
    global _down_until
    if time.monotonic() >= _down_until:
        log.warning("cache unavailable, serving uncached for %.0f s: %s", RETRY_AFTER_S, exc)
    _down_until = time.monotonic() + RETRY_AFTER_S


def cached(kind: str, parts: tuple, compute: Callable[[], Any]) -> Any:
    """compute() through the cache, under the key (kind, parts, data version); a value whose computing marked the
    answer incomplete (mark_incomplete) is returned but not kept."""
    if not _cache_usable():
        return compute()
    try:
        k = key(kind, *parts)
        hit = cache.get(k)
    except Exception as exc:  # noqa: BLE001 - any backend failure means "no cache", never an error page
        _failed(exc)
        return compute()
    if hit is not None:
        return hit
    before = _incomplete()
    value = compute()
    if _incomplete() != before:
        return value
    try:
        cache.set(k, value)
    except Exception as exc:  # noqa: BLE001
        _failed(exc)
    return value


def peek(kind: str, parts: tuple) -> Any:
    """What cached() holds under (kind, parts, data version), or None: never computes."""
    if not _cache_usable():
        return None
    try:
        return cache.get(key(kind, *parts))
    except Exception as exc:  # noqa: BLE001 - the database not answering is said by the queries that follow
        if not _database_error(exc):
            _failed(exc)
        return None


def query(query_id: str, f):
    """A registered query's rows for a filter, through the cache."""
    return cached("query", (query_id, f), lambda: registry.get(query_id).run(f))
