"""Data stewards' accounts and sign-in: `civmon user`, hashed passwords, the session cookie, form tokens,
the failed sign-in limit, the production key rule, and migration 0002 on an existing 0001 database."""
from __future__ import annotations

import datetime as dt
import io
import logging

import flask
import pytest
import sqlalchemy as sa

from dashboard import cli
from queries import migrate, schema as t, users

from . import small_dataset
from .conftest import make_engine
from .stewards import PASSWORD, STEWARD, client, form_token, server, sign_in, small_db, text  # noqa: F401


def _cli(url, capsys, monkeypatch, *args, stdin: str | None = None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(["--database-url", url, "user", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


# --- accounts ----------------------------------------------------------------------------------------

def test_auth001_user_add_list_password_remove(sqlite_engine, capsys, monkeypatch):
    url = sqlite_engine.url.render_as_string(hide_password=False)
    secret = "correct horse battery staple"
    code, out, err = _cli(url, capsys, monkeypatch, "add", "ana", "--password-stdin", stdin=secret + "\n")
    assert code == 0 and "User ana added" in out and secret not in out + err
    assert _cli(url, capsys, monkeypatch, "add", "ana", "--password-stdin", stdin=secret + "\n")[:1] == (1,)
    code, _out, err = _cli(url, capsys, monkeypatch, "add", "bob", "--password-stdin", stdin="short\n")
    assert code == 1 and "at least 12 characters" in err
    code, _out, err = _cli(url, capsys, monkeypatch, "add", "../bad name", "--password-stdin", stdin=secret + "\n")
    assert code == 1 and "username" in err
    code, out, _err = _cli(url, capsys, monkeypatch, "list")
    assert code == 0 and out.startswith("ana\tsteward\tcreated ") and "scrypt" not in out and len(out.splitlines()) == 1
    old = users.get(sqlite_engine, "ana").password_hash
    code, out, _err = _cli(url, capsys, monkeypatch, "password", "ana", "--password-stdin",
                           stdin="another passphrase\n")
    assert code == 0 and users.get(sqlite_engine, "ana").password_hash != old
    assert users.authenticate(sqlite_engine, "ana", "another passphrase") is not None
    assert users.authenticate(sqlite_engine, "ana", secret) is None
    assert _cli(url, capsys, monkeypatch, "remove", "ana")[0] == 0
    code, _out, err = _cli(url, capsys, monkeypatch, "remove", "ana")
    assert code == 1 and "There is no user ana" in err
    assert "No users" in _cli(url, capsys, monkeypatch, "list")[1]


def test_auth002_user_add_asks_twice_without_echo(sqlite_engine, capsys, monkeypatch):
    url = sqlite_engine.url.render_as_string(hide_password=False)
    typed = iter(["first passphrase!", "second passphrase"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    code, _out, err = _cli(url, capsys, monkeypatch, "add", "ana")
    assert code == 1 and "differ" in err and users.get(sqlite_engine, "ana") is None
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "same passphrase 42")
    assert _cli(url, capsys, monkeypatch, "add", "ana")[0] == 0
    assert users.authenticate(sqlite_engine, "ana", "same passphrase 42").username == "ana"


def test_auth003_passwords_are_stored_hashed(engine):
    users.add(engine, "ana", "correct horse battery staple")
    with engine.connect() as conn:
        row = conn.execute(sa.select(t.users)).one()
    assert all("correct horse" not in str(v) for v in row)
    assert row.password_hash.startswith("scrypt:32768:8:1$")
    users.add(engine, "ben", "correct horse battery staple")
    assert users.get(engine, "ben").password_hash != row.password_hash  # salted
    assert users.authenticate(engine, "ana", "correct horse battery staple").role == users.ROLE_STEWARD
    assert users.authenticate(engine, "ana", "wrong") is None and users.authenticate(engine, "nobody", "x") is None
    assert [u.password_hash for u in users.list_users(engine)] == ["", ""]


# --- signing in ----------------------------------------------------------------------------------------

def test_auth004_sign_in_sets_a_safe_session_cookie_and_goes_back(client):
    resp = sign_in(client, next_path="/admin/imports?lang=ro")
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/imports?lang=ro"
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("civmon_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development (CIVMON_ENV is not production)
    assert client.get("/admin/imports").status_code == 200
    assert client.get("/login").headers["Location"] == "/admin/import"  # already signed in
    assert client.head("/login?next=/admin/imports").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_auth005_sign_in_never_sends_to_another_site(client, target):
    resp = sign_in(client, next_path=target)
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/import"


def test_auth006_public_pages_set_no_cookie_and_need_no_account(client):
    for path in ("/api/v1/charts", "/healthz", "/api/v1/charts/funding-by-county.json"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert "Set-Cookie" not in resp.headers, path


def test_auth007_wrong_or_missing_form_token_is_refused(client, small_db, caplog):
    form_token(client)  # a session with a token exists
    for data in ({"username": STEWARD, "password": PASSWORD},
                 {"username": STEWARD, "password": PASSWORD, "csrf_token": "forged"}):
        resp = client.post("/login", data=data)
        assert resp.status_code == 400 and "This form has expired" in text(resp)
    assert client.get("/admin/import").status_code == 302  # still not signed in
    with users.state_engine(small_db).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.login_failures)).scalar_one() == 0
    assert PASSWORD not in caplog.text


def test_auth008_failed_sign_ins_are_slowed_then_refused(client, small_db, caplog):
    caplog.set_level(logging.INFO)
    for i in range(users.FREE_ATTEMPTS):
        resp = sign_in(client, password=f"wrong guess {i}")
        assert resp.status_code == 401 and "Wrong username or password" in text(resp)
    resp = sign_in(client)  # the right password, but too soon
    assert resp.status_code == 429 and resp.headers["Retry-After"] == str(users.LOCK_SECONDS)
    assert f"Wait {users.LOCK_SECONDS} seconds" in text(resp)
    assert client.get("/admin/import").status_code == 302
    # the log names the user and the address, never a password
    assert caplog.text.count(f"failed sign-in for user '{STEWARD}' from 127.0.0.1") == users.FREE_ATTEMPTS
    assert "wrong guess" not in caplog.text and PASSWORD not in caplog.text
    # once the wait is over, the right password works and clears the count
    with users.state_engine(small_db).begin() as conn:
        conn.execute(t.login_failures.update().values(
            last_failure_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=users.LOCK_SECONDS + 1)))
    assert sign_in(client).status_code == 302
    assert users.retry_after(small_db, STEWARD, "127.0.0.1") == 0
    with users.state_engine(small_db).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.login_failures)
                            .where(t.login_failures.c.client != "*")).scalar_one() == 0


def test_auth009_lock_grows_and_is_per_user_and_address(engine):
    assert [users.lock_seconds(n) for n in (0, 4, 5, 6, 7, 12, 100)] == [0, 0, 30, 60, 120, 3600, 3600]
    t0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
    for i in range(6):
        users.record_failure(engine, "Ana", "10.0.0.1", now=t0)
    assert users.retry_after(engine, "ana", "10.0.0.1", now=t0) == 60  # usernames compared without case
    assert users.retry_after(engine, "ana", "10.0.0.1", now=t0 + dt.timedelta(seconds=45)) == 15
    assert users.retry_after(engine, "ana", "10.0.0.1", now=t0 + dt.timedelta(seconds=60)) == 0
    assert users.retry_after(engine, "ana", "10.0.0.2", now=t0) == 0
    assert users.retry_after(engine, "ben", "10.0.0.1") == 0
    assert users.record_failure(engine, "ana", "10.0.0.1", now=t0 + dt.timedelta(seconds=61)) == 7
    # counts a day old are forgotten when the next failure is recorded
    users.record_failure(engine, "ben", "10.0.0.9", now=t0 + dt.timedelta(days=2))
    with users.state_engine(engine).connect() as conn:
        assert conn.execute(sa.select(t.login_failures.c.username)).scalars().all() == ["ben"]


def test_auth010_removed_account_or_new_password_ends_the_session(client, small_db):
    assert sign_in(client).status_code == 302
    users.set_password(small_db, STEWARD, "a brand new passphrase")
    assert client.get("/admin/import").status_code == 302
    assert sign_in(client, password="a brand new passphrase").status_code == 302
    assert client.get("/admin/import").status_code == 200
    users.remove(small_db, STEWARD)
    assert client.get("/admin/imports").status_code == 302


def test_auth011_sign_out_needs_the_form_token(client):
    assert sign_in(client).status_code == 302
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/admin/import").status_code == 200
    resp = client.post("/logout", data={"csrf_token": form_token(client, "/admin/import")})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert client.get("/admin/import").status_code == 302


def test_auth012_production_needs_a_secret_key(monkeypatch, tmp_path):
    from dashboard import auth
    monkeypatch.setenv("CIVMON_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(auth.ConfigError, match="SECRET_KEY"):
        auth.configure(flask.Flask("t"))
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    app = flask.Flask("t")
    auth.configure(app)
    assert app.config["SECRET_KEY"] == "k" * 64 and app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    # development: a key made once, kept readable by its owner only, the same at the next start
    key_file = tmp_path / "secret_key"
    first = auth._development_key(key_file)
    assert len(first) == 64 and auth._development_key(key_file) == first
    assert key_file.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("CIVMON_MAX_UPLOAD_MB", "lots")
    with pytest.raises(auth.ConfigError, match="CIVMON_MAX_UPLOAD_MB"):
        auth.configure(flask.Flask("t"))


def test_auth013_secure_cookie_in_production(client, server, monkeypatch):
    monkeypatch.setitem(server.config, "SESSION_COOKIE_SECURE", True)
    cookie = sign_in(client).headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


# --- migration 0002 on an existing database ----------------------------------------------------------

def _engine_at_0001(kind: str, tmp_path):
    return make_engine(kind, tmp_path, revision="0001")


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_auth014_init_upgrades_a_0001_database_keeping_rows(kind, tmp_path, capsys):
    engine, drop = _engine_at_0001(kind, tmp_path)
    try:
        small_dataset.load(engine)
        old_log = sa.table("import_log", *(sa.column(c) for c in ("kind", "file_name", "sha256", "rows", "added",
                                                                   "replaced", "source", "imported_at")))
        with engine.begin() as conn:
            conn.execute(old_log.insert().values(kind="grants", file_name="grants-2024.csv", sha256="ab" * 32, rows=3,
                                                 added=3, replaced=0, source="cli",
                                                 imported_at=dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc)))
        # the contract tables and the log (init adds reference rows it lacks and rebuilds the summaries they change)
        existing = [tb for tb in t.metadata.sorted_tables
                    if tb.name not in ("users", "login_failures", "sessions", "dataset_info", "mappings", "targets")
                    and tb not in t.SUMMARY_TABLES]
        with engine.connect() as conn:  # the columns revision 0001 has (later ones add some)
            kept = {tb.name: [c for c in tb.c if c.name != "imported_by" and c.name in
                              sa.Table(tb.name, sa.MetaData(), autoload_with=conn).c] for tb in existing}
            before = {name: set(conn.execute(sa.select(*columns)).all()) for name, columns in kept.items()}
        assert migrate.current(engine) == "0001"
        url = engine.url.render_as_string(hide_password=False)
        assert cli.main(["--database-url", url, "init"]) == 0
        assert f"upgraded from 0001 to revision {migrate.head()}" in capsys.readouterr().out
        assert migrate.current(engine) == migrate.head() == "0006"
        with engine.connect() as conn:
            after = {name: set(conn.execute(sa.select(*columns)).all()) for name, columns in kept.items()}
            old = conn.execute(sa.select(t.import_log).where(t.import_log.c.file_name == "grants-2024.csv")).one()
        for name, rows in before.items():
            assert rows <= after[name], name  # every row kept (init may add reference rows it did not have)
        assert old.imported_by is None and old.source == "cli"
        users.add(engine, "ana", "correct horse battery staple")  # the new tables work
        assert [u.username for u in users.list_users(engine)] == ["ana"]
    finally:
        drop()


# --- sessions on the server, attempts counted before the password is checked ---------------------------------------

def test_auth020_a_cookie_copied_before_sign_out_stops_working(client, server):
    assert sign_in(client).status_code == 302
    cookie = client.get_cookie("civmon_session").value
    thief = server.test_client()
    thief.set_cookie("civmon_session", cookie)
    assert thief.get("/admin/import").status_code == 200  # the copy works while the session is open
    assert client.post("/logout", data={"csrf_token": form_token(client, "/admin/import")}).status_code == 302
    assert thief.get("/admin/import").status_code == 302  # and not after the steward signed out


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_auth021_parallel_guesses_cannot_slip_past_the_limit(kind, tmp_path):
    """Four failures, then ten guesses at once: one is let through (the fifth), nine wait."""
    import threading
    engine, dispose = make_engine(kind, tmp_path)
    try:
        for _ in range(users.FREE_ATTEMPTS - 1):
            assert users.begin_attempt(engine, "ana", "10.0.0.1") == 0
        waits, barrier = [], threading.Barrier(10)

        def guess():
            barrier.wait()
            waits.append(users.begin_attempt(engine, "ana", "10.0.0.1"))
        threads = [threading.Thread(target=guess) for _ in range(10)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(30)
        assert sorted(waits) == [0] + [users.LOCK_SECONDS] * 9
        assert users.failures_in_a_row(engine, "ana", "10.0.0.1") == users.FREE_ATTEMPTS
    finally:
        dispose()


def test_auth022_at_most_thirty_attempts_a_minute_for_everyone(sqlite_engine):
    t0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
    for i in range(users.GLOBAL_ATTEMPTS):  # each from another name and address: no per-user limit applies
        assert users.begin_attempt(sqlite_engine, f"user{i}", f"10.0.{i}.1", now=t0 + dt.timedelta(seconds=i)) == 0
    later = t0 + dt.timedelta(seconds=40)
    assert users.begin_attempt(sqlite_engine, "someone", "10.9.9.9", now=later) == 20  # the minute's rest
    assert users.begin_attempt(sqlite_engine, "someone", "10.9.9.9", now=t0 + dt.timedelta(seconds=60)) == 0


def test_auth023_sign_in_and_out_while_an_import_writes_on_sqlite(client, small_db):
    """An import holds SQLite's write lock for as long as it runs; signing in and out does not wait for it."""
    import time
    with small_db.connect() as conn:
        with conn.begin():
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # what an import does at its start
            started = time.monotonic()
            assert sign_in(client).status_code == 302
            assert client.get("/admin/import").status_code == 200
            assert client.post("/logout", data={"csrf_token": form_token(client, "/admin/import")}).status_code == 302
            assert time.monotonic() - started < 3.0


def test_auth024_production_asks_for_https_only(monkeypatch):
    from dashboard import auth
    monkeypatch.setenv("CIVMON_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    app = flask.Flask("t")
    app.add_url_rule("/", view_func=lambda: "ok")
    auth.register(app)
    assert app.test_client().get("/").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    monkeypatch.setenv("CIVMON_ENV", "development")
    app = flask.Flask("t")
    app.add_url_rule("/", view_func=lambda: "ok")
    auth.register(app)
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers
