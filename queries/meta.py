"""Facts about the dataset that the interface needs: filter options, demo flag, last import."""
from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa

from . import schema as t
from .db import Database

T = TypeVar("T")
PER_VERSION_SIZE = 256  # results kept per function (filters × databases × versions)


@dataclass(frozen=True)
class DatasetInfo:
    demo: str | None          # 'demo' / 'national' when the database holds demo data
    data_version: int
    last_import_at: dt.datetime | None
    countries: tuple[str, ...]
    years: tuple[int, ...]
    ruled_countries: frozenset[str] = frozenset()  # with a legal minimum consultation period (consultation_rules)


def data_version(engine=None, conn: sa.Connection | None = None) -> str:
    """The dataset's version (db.Database.data_version) of `conn`'s database, or of `engine` (default: the
    configured database)."""
    return Database.of(conn.engine if conn is not None else engine).data_version(conn)


def _versioned(where) -> tuple[Database, str, sa.Connection | None]:
    """The database of a connection, engine, db.Database or None (the configured one), its data version, and the
    connection when one was given."""
    conn = where if isinstance(where, sa.Connection) else None
    database = Database.of(conn.engine if conn is not None else where)
    return database, database.data_version(conn), conn


def per_version(fn: Callable[..., T]) -> Callable[..., T]:
    """fn(conn, *args) kept in this process by (database, data version, args), for what changes only with an import:
    the dataset's facts, reference tables, the regions a filter names. Called with a connection, or with an engine or
    a db.Database (None: the configured database), which is connected to only when the value must be computed. The
    result is shared between callers, who must not change it."""
    memo: OrderedDict = OrderedDict()
    lock = threading.Lock()  # threaded servers (civmon serve, gunicorn --threads) share the memo

    @functools.wraps(fn)
    def kept(where, *args):
        database, version, conn = _versioned(where)
        key = (database.engine, version, args)
        with lock:
            if key in memo:
                memo.move_to_end(key)
                return memo[key]
        if conn is not None:  # computed outside the lock: two threads may both compute a missing value, once
            value = fn(conn, *args)
        else:
            with database.connect() as own:
                value = fn(own, *args)
        with lock:
            memo[key] = value
            if len(memo) > PER_VERSION_SIZE:
                memo.popitem(last=False)
        return value
    return kept


def dataset_info(engine=None) -> DatasetInfo:
    """What is in the database: countries with regions, years with facts, demo flag, last import."""
    return _dataset_info(engine)


@per_version
def _dataset_info(conn) -> DatasetInfo:
    info = dict(conn.execute(sa.select(t.dataset_info.c.key, t.dataset_info.c.value)).all())
    countries = tuple(conn.execute(sa.select(t.regions.c.country).distinct().order_by(t.regions.c.country)).scalars())
    spans = [conn.execute(sa.select(sa.func.min(s.c.year), sa.func.max(s.c.year))).one()
             for s in (t.s_grants, t.s_consultations, t.s_trainings)]
    ruled = frozenset(conn.execute(sa.select(t.consultation_rules.c.country)).scalars())
    lows = [lo for lo, _ in spans if lo is not None]
    highs = [hi for _, hi in spans if hi is not None]
    years = tuple(range(min(lows), max(highs) + 1)) if lows else ()
    last = info.get("last_import_at")
    return DatasetInfo(info.get("demo"), int(info.get("data_version", 0) or 0),
                       dt.datetime.fromisoformat(last) if last else None, countries, years, ruled)


def level1_regions(countries: tuple[str, ...] = (), engine=None) -> list[tuple[str, str, str]]:
    """(code, name, country) of level-1 regions, of some countries or all."""
    return _level1_regions(engine, tuple(countries))


@per_version
def _level1_regions(conn, countries: tuple[str, ...]) -> list[tuple[str, str, str]]:
    r = t.regions
    stmt = sa.select(r.c.code, r.c.name, r.c.country).where(r.c.level == 1).order_by(r.c.country, r.c.code)
    if countries:
        stmt = stmt.where(r.c.country.in_(countries))
    return [tuple(row) for row in conn.execute(stmt)]
