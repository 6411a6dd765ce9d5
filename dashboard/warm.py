"""Warming: the views most readers open first are drawn before anyone asks for them.

A view nobody has seen since the last import costs its first reader every chart's queries (on the national dataset,
a first visit ~0.3-0.5 s slower than one of a view someone has seen: bench/bench_warm.py). So each web process watches
the data version (every CHECK_S seconds) and, at start-up and after every import, whether it came through the
upload page, `civmon import` or another host, draws into the cache every chart and headline row of the main pages
(the pages registered with warm=True) for the whole dataset and for each of its countries, then the pages themselves: their first readers get
them whole, in one answer (components.chart_view). Unfiltered views come first, then the countries in order.

With REDIS_URL one process warms the shared cache for all workers and hosts (the first to claim the version);
with each worker's own memory cache, each worker warms its own. A new import while warming stops the round and
the next one starts for the new version. Warming shares the workers' CPU: for the seconds it takes (logged as
"warmed N views"), requests are somewhat slower. CIVMON_WARM=0 turns it off (the tests do, except its own), and
so does a cache that is off.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from urllib.parse import parse_qsl

import dash
import flask

from queries import db, meta, settings

from . import cache, callbacks, components, kpis, service, state as st

log = logging.getLogger("civmon.warm")
CHECK_S = 5.0        # how often a process looks at the data version
CLAIM_S = 3600       # how long a process's claim to warm a version keeps other processes from doing it too
_started_in: int | None = None  # the process whose watcher runs (a fork does not inherit threads)
_start_lock = threading.Lock()


def enabled() -> bool:
    """CIVMON_WARM is not 0 and the app has a cache (cache.init_app has run: app.py registers warming after it)."""
    return settings.get("CIVMON_WARM") != "0" and cache.is_on()


def register(server: flask.Flask) -> None:
    """Start this process's watcher now and, should the app have been loaded before a fork, at its first request."""
    if not enabled():
        return
    start(server)
    server.before_request(lambda: start(server))


def start(server: flask.Flask) -> None:
    global _started_in
    if _started_in == os.getpid():  # (every request asks: the common answer without the lock)
        return
    with _start_lock:
        if _started_in == os.getpid():
            return
        _started_in = os.getpid()
    threading.Thread(target=_watch, args=(server,), name="civmon-warm", daemon=True).start()


def _watch(server: flask.Flask) -> None:
    warmed, failing = None, False
    while True:
        try:
            with server.test_request_context("/"), db.one_version():
                dataset = cache.dataset()
                if dataset != warmed and _claim(dataset):
                    warm(server, dataset)
            warmed, failing = dataset, False
        except Exception as exc:  # noqa: BLE001 - e.g. the database not answering: tried again at the next look
            if not failing:
                log.warning("warming the cache failed; trying again every %.0f s: %s", CHECK_S,
                            str(exc).splitlines()[0] if str(exc) else exc)
            failing = True
        time.sleep(CHECK_S)


def _claim(dataset: str) -> bool:
    """Whether this process warms the cache for this dataset: with Redis, the first process to ask."""
    return bool(cache.cache.add(cache.key("warm-claim", dataset), os.getpid(), timeout=CLAIM_S))


def paths() -> list[str]:
    """The main pages, which their registration marks warm=True (dashboard/components.py)."""
    return [page["path"] for page in components.pages("warm")]


def searches() -> list[str]:
    """The addresses warmed on each page: the whole dataset, then each country."""
    return [""] + [st.State().with_filter(countries=(country,)).search for country in meta.dataset_info().countries]


def warm(server: flask.Flask, dataset: str | None = None) -> int:
    """Draw every view of paths() × searches() into the cache; the number of views, fewer when the data changed
    meanwhile (`dataset`: the version the round is for)."""
    started = time.perf_counter()
    layouts = {page["path"]: page["layout"] for page in dash.page_registry.values()}
    views = failed = 0
    for search in searches():
        for path in paths():
            with server.test_request_context(path + search), db.one_version():
                if dataset is not None and cache.dataset() != dataset:
                    log.info("the data changed while warming: stopped after %d views", views)
                    return views
                try:
                    warm_view(layouts[path], search)
                except Exception as exc:
                    if service.is_database_down(exc):
                        raise  # the round is tried again at the next look
                    log.exception("warming %s%s failed; its first reader will draw it", path, search)
                    failed += 1
                    continue
            views += 1
    log.info("warmed %d views in %.1f s%s", views, time.perf_counter() - started,
             f" ({failed} failed)" if failed else "")
    return views


def warm_view(layout, search: str) -> None:
    """A page's charts and headline figures for an address, then the page, which now holds them, into the cache."""
    query = dict(parse_qsl(search.lstrip("?")))
    pending = [c for c in layout(**query)._traverse() if isinstance(getattr(c, "id", None), dict)
               and c.id.get("type") in components.STATES]
    for store in pending:
        if store.id["type"] == components.KPI_STATE:
            kpis.row(store.id["area"], store.data)
        else:
            callbacks.cached_chart(store.id["chart"], store.data)
    if pending:
        layout(**query)
