"""The one place that creates engines: DATABASE_URL or the SQLite file in data/.

SQLite connections run in WAL mode with foreign keys on; PostgreSQL goes through psycopg 3.
Every statement has a time limit (CIVMON_STATEMENT_TIMEOUT) except inside `unlimited`, which imports
and the demo builder use; a server that fails to connect is not asked again for a few seconds, so a
request meets one connection timeout, not one per query. Imports are serialised (`import_transaction`).
Also the two portable SQL expressions the reporting layer needs (year of a date, days between
two dates), compiled per dialect so every query runs unchanged on both engines.
"""
from __future__ import annotations

import contextlib
import functools
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from . import settings

DEADLINE = "civmon_deadline"     # a connection record's info: [monotonic time its statement must end by, or 0]
UNLIMITED = "civmon_unlimited"   # a Connection's info: its statements have no time limit (imports, demo)
DOWN_FOR_S = 3.0                 # after a connection attempt that timed out, others fail at once for this long
SLOW_CONNECT_S = 1.0             # … an attempt that failed after this long (a refusal takes milliseconds)
IMPORT_LOCK = 0x63_69_76_6D_6F_6E  # "civmon": PostgreSQL's advisory lock that serialises imports


class ImportBusy(RuntimeError):
    """Another import is running and this one did not wait for it; nothing was changed."""


def statement_timeout() -> float:
    """Seconds a statement may run outside imports; 0: no limit."""
    return max(0.0, float(settings.get("CIVMON_STATEMENT_TIMEOUT")))


def _sqlite_pragmas(dbapi_conn, record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache per connection
    cur.close()
    # SQLite has no statement timeout of its own: a progress handler, called every few thousand steps of a
    # statement, interrupts it once its deadline (set as each statement starts, see _deadline) has passed
    deadline = record.info[DEADLINE] = [0.0]
    dbapi_conn.set_progress_handler(lambda: deadline[0] and time.monotonic() > deadline[0], 20_000)


def _deadline(conn, _cursor, _statement, _parameters, _context, _executemany) -> None:
    holder = conn.connection.info.get(DEADLINE)
    if holder is not None:
        limit = 0.0 if conn.info.get(UNLIMITED) else statement_timeout()
        holder[0] = time.monotonic() + limit if limit else 0.0


class _Breaker:
    """Remembers a connection attempt that waited for a server that never answered, so that the next ones, for
    DOWN_FOR_S, fail at once. An attempt refused at once (nothing listening) costs nothing and is not remembered:
    a worker then reconnects as soon as the server is back."""

    def __init__(self):
        self.until = 0.0
        self.reason = ""
        self.lock = threading.Lock()

    def connect(self, dialect, _record, cargs, cparams):
        if time.monotonic() < self.until:
            raise dialect.loaded_dbapi.OperationalError(
                f"the database did not answer a moment ago ({self.reason}); not asked again yet")
        started = time.monotonic()
        try:
            return dialect.loaded_dbapi.connect(*cargs, **cparams)
        except Exception as exc:
            if time.monotonic() - started >= SLOW_CONNECT_S:
                with self.lock:
                    self.until, self.reason = time.monotonic() + DOWN_FOR_S, str(exc).splitlines()[0][:200]
            raise


@functools.cache
def get_engine(url: str | None = None) -> sa.Engine:
    """The engine for `url` (default: settings' DATABASE_URL), created once per URL."""
    url = settings.database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "before_cursor_execute", _deadline)
        return engine
    if parsed.drivername == "postgresql":  # plain postgresql:// means psycopg 3 here
        parsed = parsed.set(drivername="postgresql+psycopg")
    limit = statement_timeout()
    if limit:  # the server's own limit, on every connection (imports lift it in their transaction)
        options = f"{parsed.query.get('options', '')} -c statement_timeout={int(limit * 1000)}".strip()
        parsed = parsed.update_query_dict({"options": options})
    # pre-ping replaces connections a restarted server broke; a server that does not answer fails in
    # CIVMON_CONNECT_TIMEOUT seconds, and for DOWN_FOR_S afterwards at once
    engine = sa.create_engine(parsed, pool_pre_ping=True,
                              connect_args={"connect_timeout": max(1, settings.get_int("CIVMON_CONNECT_TIMEOUT"))})
    sa.event.listen(engine, "do_connect", _Breaker().connect)
    return engine


def describe(engine: sa.Engine) -> str:
    """The engine's URL with any password hidden, for messages."""
    return engine.url.render_as_string(hide_password=True)


@contextlib.contextmanager
def unlimited(conn: sa.Connection) -> Iterator[sa.Connection]:
    """Within the block, `conn`'s statements have no time limit (inside a transaction on PostgreSQL): loading a
    large file legitimately takes minutes."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        yield conn
        return
    holder = conn.connection.info.get(DEADLINE)
    conn.info[UNLIMITED] = True
    if holder is not None:
        holder[0] = 0.0
    try:
        yield conn
    finally:
        conn.info.pop(UNLIMITED, None)


_SQLITE_TEMP_STORE = ("PRAGMA temp_store=DEFAULT", "PRAGMA temp_store=FILE", "PRAGMA temp_store=MEMORY")


def _is_locked(exc: sa.exc.OperationalError) -> bool:
    return "locked" in str(exc.orig).lower() or "lock" in exc.orig.__class__.__name__.lower()


@contextlib.contextmanager
def import_transaction(engine: sa.Engine, *, write: bool = True, wait: float | None = None,
                       on_wait: Callable[[], None] | None = None) -> Iterator[sa.Connection]:
    """A connection inside one transaction that commits when the block ends without error, with no statement
    time limit. With `write`, the transaction is the only import running: imports are serialised, because each
    rewrites the summary rows of the regions it touches from what it reads, and two at once would both count
    what only one of them added. Another import running: `on_wait()` is called once, then this waits up to
    `wait` seconds (None: as long as it takes) and raises ImportBusy, having changed nothing, if it is still
    running. Without `write` (a dry run), nothing is locked and nothing may be written to the contract tables.

    PostgreSQL: an advisory lock held until the transaction ends. SQLite: the database's own write lock, taken
    at the start (BEGIN IMMEDIATE), so checks and writes see the same data; temporary tables go to a file for
    the duration, so staging a large file does not grow memory.
    """
    deadline = None if wait is None else time.monotonic() + wait
    waited = False
    while True:
        with engine.connect() as conn:
            try:
                if conn.dialect.name == "sqlite":
                    with _sqlite_transaction(conn, write):
                        yield conn
                    return
                with conn.begin():
                    if write and not conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(IMPORT_LOCK))).scalar():
                        raise _Locked
                    with unlimited(conn):
                        yield conn
                return
            except _Locked:
                pass
        if deadline is not None and time.monotonic() >= deadline:
            raise ImportBusy("Another import is running; nothing was changed. Try again when it has finished.")
        if not waited and on_wait is not None:
            on_wait()
        waited = True
        time.sleep(0.25 if deadline is None else min(0.25, max(0.0, deadline - time.monotonic())))


class _Locked(Exception):
    """The import lock is held by another import (raised before anything is done in the transaction)."""


@contextlib.contextmanager
def _sqlite_transaction(conn: sa.Connection, write: bool) -> Iterator[None]:
    raw = conn.connection.driver_connection
    previous = raw.execute("PRAGMA temp_store").fetchone()[0]
    raw.execute(_SQLITE_TEMP_STORE[1])
    try:
        with conn.begin():
            if write:
                raw.execute("PRAGMA busy_timeout=0")  # another writer: answer at once, the caller waits
                try:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                except sa.exc.OperationalError as exc:
                    if _is_locked(exc):
                        raise _Locked from None
                    raise
                finally:
                    raw.execute("PRAGMA busy_timeout=10000")
            else:
                conn.exec_driver_sql("BEGIN")
            with unlimited(conn):
                yield
    finally:
        raw.execute(_SQLITE_TEMP_STORE[previous])


class year_of(FunctionElement):
    """The calendar year of a DATE column, as an integer."""
    type = sa.Integer()
    inherit_cache = True


@compiles(year_of)
def _year_of_default(element, compiler, **kw):
    return "CAST(EXTRACT(YEAR FROM %s) AS INTEGER)" % compiler.process(element.clauses, **kw)


@compiles(year_of, "sqlite")
def _year_of_sqlite(element, compiler, **kw):
    return "CAST(strftime('%%Y', %s) AS INTEGER)" % compiler.process(element.clauses, **kw)


class days_between(FunctionElement):
    """Whole days from the first DATE argument to the second (second − first)."""
    type = sa.Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    start, end = list(element.clauses)
    return "(%s - %s)" % (compiler.process(end, **kw), compiler.process(start, **kw))


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return "CAST(julianday(%s) - julianday(%s) AS INTEGER)" % (
        compiler.process(end, **kw), compiler.process(start, **kw))
