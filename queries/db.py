"""The one place that creates engines: DATABASE_URL or the SQLite file in data/.

SQLite connections run in WAL mode with foreign keys on; PostgreSQL goes through psycopg 3.
Also the two portable SQL expressions the reporting layer needs (year of a date, days between
two dates), compiled per dialect so every query runs unchanged on both engines.
"""
from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from . import settings


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache per connection
    cur.close()


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
        return engine
    if parsed.drivername == "postgresql":  # plain postgresql:// means psycopg 3 here
        parsed = parsed.set(drivername="postgresql+psycopg")
    # pre-ping replaces connections a restarted server broke; a server that does not answer fails in 5 s
    return sa.create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 5})


def describe(engine: sa.Engine) -> str:
    """The engine's URL with any password hidden, for messages."""
    return engine.url.render_as_string(hide_password=True)


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
