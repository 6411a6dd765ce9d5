"""Helpers for the data stewards' tests: the app on the small dataset, an account, signing in, form tokens."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from queries import db, meta, schema as t, users

from . import small_dataset
from .conftest import make_engine

STEWARD, PASSWORD = "maria", "a long enough passphrase"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_PENDING = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture(scope="module")
def server():
    import dashboard.app
    return dashboard.app.server


@pytest.fixture
def small_db(request, monkeypatch, tmp_path):
    """The small dataset and one steward, with the dashboard's engine pointed at it (as tests/test_api.py does).
    SQLite, unless a test asks for others with @pytest.mark.parametrize("small_db", ENGINES, indirect=True)."""
    engine, dispose = make_engine(getattr(request, "param", "sqlite"), tmp_path)
    small_dataset.load(engine)
    users.add(engine, STEWARD, PASSWORD)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CIVMON_UPLOAD_DIR", str(tmp_path / "uploads"))
    db.get_engine.cache_clear()
    yield engine
    db.get_engine.cache_clear()
    dispose()


@pytest.fixture
def client(server, small_db):
    return server.test_client()


def form_token(client, path: str = "/login") -> str:
    """The form token a page carries (the session's, made when the page is drawn)."""
    return _TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def pending_token(html: str) -> str:
    return _PENDING.search(html).group(1)


def sign_in(client, username: str = STEWARD, password: str = PASSWORD, next_path: str = "/admin/import"):
    return client.post("/login", data={"username": username, "password": password, "next": next_path,
                                       "csrf_token": form_token(client)})


def text(response) -> str:
    """A page's text without its tags, spaces collapsed (what a reader sees)."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").replace("&amp;", "&").strip()


def database_state(engine) -> dict:
    """Row counts of every table and the data version: equal before and after means nothing was written."""
    with engine.connect() as conn:
        counts = {tb.name: conn.execute(sa.select(sa.func.count()).select_from(tb)).scalar_one()
                  for tb in t.metadata.sorted_tables if tb.name != "login_failures"}
    return {"counts": counts, "data_version": meta.data_version(engine)}
