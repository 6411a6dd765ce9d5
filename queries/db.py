"""The gateway to the database: `Database`, the one object that holds an engine (datasette's Database is the model).

Every module of the reporting layer reaches the database through it, and the dashboard and the command line get
theirs from `database()` (DATABASE_URL, or the SQLite file in data/). What it owns:
- the engine: SQLite in WAL mode with foreign keys on, PostgreSQL through psycopg 3; a time limit on every
  statement (CIVMON_STATEMENT_TIMEOUT) but inside `unlimited`, which imports and the demo builder use; a server
  that did not answer in time is not asked again for a few seconds, so a request meets one connection timeout,
  not one per query;
- the import transaction, one import at a time (`Database.import_transaction`);
- the dataset's facts: its data version, which every import bumps and every cache key carries, read once per
  request (`one_version`), and the import log;
- writing many rows (COPY on PostgreSQL, executemany on SQLite) and fresh planner statistics (ANALYZE);
- the SQL that is spelled differently on each engine (year of a date, days between dates, floor, text maximum),
  compiled per dialect so every query runs unchanged on both.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import threading
import time
import weakref
from contextvars import ContextVar
from pathlib import Path
from typing import Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from . import schema as t, settings

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
    limit, options = statement_timeout(), parsed.query.get("options", "")
    if limit and "statement_timeout" not in options:  # the server's own limit, on every connection (imports lift it
        options = f"{options} -c statement_timeout={int(limit * 1000)}".strip()  # in their transaction)
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


def _portable(name: str, doc: str, type_: sa.types.TypeEngine, postgresql: str, sqlite: str):
    """A SQL function spelled `postgresql` (the default) or `sqlite`, where {0}, {1}… stand for its arguments."""
    function = type(name, (FunctionElement,), {"__doc__": doc, "type": type_, "inherit_cache": True})

    def spelling(template):
        return lambda element, compiler, **kw: template.format(
            *(compiler.process(arg, **kw) for arg in element.clauses))
    compiles(function)(spelling(postgresql))
    compiles(function, "sqlite")(spelling(sqlite))
    return function


year_of = _portable("year_of", "The calendar year of a DATE column, as an integer.", sa.Integer(),
                    "CAST(EXTRACT(YEAR FROM {0}) AS INTEGER)", "CAST(strftime('%Y', {0}) AS INTEGER)")
days_between = _portable("days_between", "Whole days from the first DATE argument to the second (second − first).",
                         sa.Integer(), "({1} - {0})", "CAST(julianday({1}) - julianday({0}) AS INTEGER)")
# SQLite has no floor() unless built with math functions; CAST truncates (= floor for x >= 0) but saturates at 2**63,
# above which every double is a whole number already
floor_positive = _portable("floor_positive", "floor(x) of a positive double, as a double on every engine.", sa.Float(),
                           "floor({0})", "CASE WHEN {0} < 9.0e18 THEN CAST({0} AS INTEGER) ELSE {0} END")
max_text = _portable("max_text", "max() of a text column in code-point order (Python's, SQLite's BINARY, "
                     "PostgreSQL's \"C\").", sa.String(), 'max({0} COLLATE "C")', "max({0})")


# --- the gateway -------------------------------------------------------------------------------------------------

# Each database's data version, read once within `one_version()` (the web app: one request).
_pinned: ContextVar[dict | None] = ContextVar("civmon_pinned_versions", default=None)
_VERSION = sa.select(t.dataset_info.c.value).where(t.dataset_info.c.key == "data_version")


@contextlib.contextmanager
def one_version():
    """Within the block, each database's data version is read once: what the block derives uses one version
    (an import landing meanwhile shows in the next block, whole), and the database is asked once, not per use."""
    token = _pinned.set({})
    try:
        yield
    finally:
        _pinned.reset(token)


class Database:
    """One database: its engine and everything done with it that is not a query of the registry."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine

    @classmethod
    def of(cls, where: "Database | sa.Engine | str | None" = None) -> "Database":
        """The gateway for a Database (itself), an engine, a URL, or the configured database (None)."""
        if isinstance(where, Database):
            return where
        if isinstance(where, sa.Engine):
            return _for_engine(where)
        return _for_engine(get_engine(where) if where else get_engine())  # get_engine() and (None) are cached apart

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        """The URL with any password hidden, for messages and cache keys."""
        return describe(self.engine)

    def connect(self) -> sa.Connection:
        """A connection (`with db.connect() as conn:`); its statements have the time limit."""
        return self.engine.connect()

    def begin(self):
        """A connection in a transaction that commits at the end of the `with` block."""
        return self.engine.begin()

    def import_transaction(self, **kwargs):
        """See `import_transaction`: one import at a time, no statement time limit."""
        return import_transaction(self.engine, **kwargs)

    def ping(self) -> bool:
        """True when the database answers."""
        try:
            with self.connect() as conn:
                conn.execute(sa.select(1))
            return True
        except sa.exc.SQLAlchemyError:
            return False

    # -- the dataset's facts ---------------------------------------------------------------------------------

    def data_version(self, conn: sa.Connection | None = None) -> str:
        """The dataset's version, bumped by every import: a cache key for anything derived from the data. Read on
        `conn` when given; within `one_version()` read once."""
        pinned = _pinned.get()
        if pinned is not None and self.engine in pinned:
            return pinned[self.engine]
        if conn is not None:
            version = conn.execute(_VERSION).scalar() or "0"
        else:
            with self.connect() as own:
                version = own.execute(_VERSION).scalar() or "0"
        if pinned is not None:
            pinned[self.engine] = version
        return version

    def forget_version(self) -> None:
        """After a write that bumps the version (an import), `one_version()`'s block reads it again."""
        pinned = _pinned.get()
        if pinned is not None:
            pinned.pop(self.engine, None)

    @staticmethod
    def set_info(conn: sa.Connection, key: str, value: str) -> None:
        """One fact of dataset_info (demo flag, last import…), in the caller's transaction."""
        info = t.dataset_info
        if not conn.execute(info.update().where(info.c.key == key).values(value=value)).rowcount:
            conn.execute(info.insert().values(key=key, value=value))

    @classmethod
    def bump_version(cls, conn: sa.Connection) -> int:
        """The data version + 1, in the caller's transaction: every cache key changes (dashboard/cache.py)."""
        info = t.dataset_info
        version = conn.execute(sa.select(info.c.value).where(info.c.key == "data_version").with_for_update()).scalar()
        new = int(version) + 1 if version and str(version).isdigit() else 1
        cls.set_info(conn, "data_version", str(new))
        return new

    @staticmethod
    def log_import(conn: sa.Connection, *, kind: str, file_name: str, sha256: str, rows: int, added: int,
                   replaced: int, source: str, at: dt.datetime, imported_by: str | None = None) -> None:
        """A row of the import log, in the caller's transaction (then `changed`)."""
        conn.execute(t.import_log.insert().values(
            kind=kind, file_name=file_name, sha256=sha256, rows=rows, added=added, replaced=replaced, source=source,
            imported_at=at, imported_by=imported_by))

    @classmethod
    def changed(cls, conn: sa.Connection, at: dt.datetime) -> None:
        """The data changed, in the caller's transaction: the next data version and the time of the last import,
        which every write of data records (an import, the demo builder)."""
        cls.bump_version(conn)
        cls.set_info(conn, "last_import_at", at.isoformat(timespec="seconds"))

    def imports(self, limit: int = 500) -> list[dict]:
        """The import log, latest first: when, who (or which command), kind, file name, SHA-256, rows added and
        replaced."""
        log = t.import_log
        stmt = (sa.select(log.c.id, log.c.imported_at, log.c.imported_by, log.c.source, log.c.kind, log.c.file_name,
                          log.c.sha256, log.c.rows, log.c.added, log.c.replaced)
                .order_by(log.c.id.desc()).limit(limit))
        with self.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(stmt)]
        for r in rows:  # SQLite gives back naive datetimes; the log is written in UTC
            if r["imported_at"].tzinfo is None:
                r["imported_at"] = r["imported_at"].replace(tzinfo=dt.timezone.utc)
        return rows

    # -- writing many rows -----------------------------------------------------------------------------------

    @staticmethod
    def bulk_insert(conn: sa.Connection, table: sa.Table, columns: list[str], records: Iterable[tuple]) -> int:
        """Insert rows through each driver's fastest path (COPY on PostgreSQL, executemany on SQLite); returns how
        many. `records` are tuples in the order of `columns`."""
        records = records if isinstance(records, list) else list(records)
        if not records:
            return 0
        if conn.dialect.name == "postgresql":
            from psycopg import sql
            copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)))
            with conn.connection.driver_connection.cursor() as cur, cur.copy(copy_sql) as copy:
                for record in records:
                    copy.write_row(record)
        elif conn.dialect.name == "sqlite":
            insert = table.insert().compile(dialect=conn.dialect, column_keys=columns)
            conn.exec_driver_sql(str(insert), records)
        else:
            conn.execute(table.insert(), [dict(zip(columns, r)) for r in records])
        return len(records)

    @staticmethod
    def analyze(conn: sa.Connection, tables: Iterable[sa.Table]) -> None:
        """Fresh planner statistics for these tables (temporary ones too: PostgreSQL keeps none on them otherwise);
        on SQLite from a sample, so it costs milliseconds, not a scan."""
        quote = conn.dialect.identifier_preparer.quote
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            previous = conn.exec_driver_sql("PRAGMA analysis_limit").scalar()
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        for table in tables:
            conn.exec_driver_sql(f"ANALYZE {quote(table.name)}")
        if sqlite:
            conn.exec_driver_sql(f"PRAGMA analysis_limit={int(previous or 0)}")


_GATEWAYS: "weakref.WeakKeyDictionary[sa.Engine, Database]" = weakref.WeakKeyDictionary()


def _for_engine(engine: sa.Engine) -> Database:
    gateway = _GATEWAYS.get(engine)
    if gateway is None:
        gateway = _GATEWAYS.setdefault(engine, Database(engine))
    return gateway


def database(url: str | None = None) -> Database:
    """The configured database (DATABASE_URL, else data/civmon.db), or the one at `url`."""
    return Database.of(url)

