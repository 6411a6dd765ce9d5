"""Shared fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL.

PostgreSQL tests use the server at CIVMON_TEST_PG (default the machine's local server,
postgresql+psycopg://postgres@127.0.0.1:5432/test), each test in a schema of its own that is
dropped afterwards. When that server is unreachable they skip with a message, unless
CIVMON_REQUIRE_PG=1 (set by .ci/run), in which case they fail.
"""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from queries import db, migrate

# The app drawing its main pages into the cache in a thread of its own (dashboard/warm.py) would make what a test
# finds cached depend on timing: off for every test and server the tests start, except test_warm's.
os.environ["CIVMON_WARM"] = "0"

PG_URL = os.environ.get("CIVMON_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("CIVMON_REQUIRE_PG") == "1"
ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _pg_admin() -> sa.Engine:
    engine = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as exc:  # unreachable server, wrong URL, no driver
        message = (f"PostgreSQL not reachable at {PG_URL} ({exc.__class__.__name__}). "
                   "Start a server or set CIVMON_TEST_PG=postgresql+psycopg://user@host:port/db to run these tests.")
        if REQUIRE_PG:
            pytest.fail(message + " CIVMON_REQUIRE_PG=1 makes this a failure.")
        pytest.skip(message)
    return engine


def make_engine(kind: str, tmp_path, revision: str = "head") -> tuple[sa.Engine, callable]:
    """A new, empty database of the given kind migrated to `revision`, and a function that disposes of it."""
    if kind == "sqlite":
        engine = db.get_engine(f"sqlite:///{tmp_path / 'civmon.db'}")
        migrate.upgrade(engine, revision)
        return engine, engine.dispose
    admin = _pg_admin()
    name = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    url = sa.engine.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={name}"})
    engine = db.get_engine(url.render_as_string(hide_password=False))
    migrate.upgrade(engine, revision)

    def drop():
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()
    return engine, drop


@pytest.fixture(params=ENGINES)
def engine(request, tmp_path):
    """An empty database at the latest schema, on SQLite and on PostgreSQL."""
    eng, dispose = make_engine(request.param, tmp_path)
    yield eng
    dispose()


@pytest.fixture
def sqlite_engine(tmp_path):
    eng, dispose = make_engine("sqlite", tmp_path)
    yield eng
    dispose()


@pytest.fixture
def small_db(sqlite_engine, monkeypatch):
    """The small dataset (tests/small_dataset.py), and the dashboard's default engine (get_engine() without
    a URL) pointed at it.

    get_engine() caches its engine per argument, and the argument-less call reads DATABASE_URL only on
    its first call: the cache is cleared around the test so the dashboard sees this database."""
    from . import small_dataset
    small_dataset.load(sqlite_engine)
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    db.get_engine.cache_clear()
    yield sqlite_engine
    db.get_engine.cache_clear()
