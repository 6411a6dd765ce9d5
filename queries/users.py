"""Data stewards' accounts, their sessions and the sign-in rate limit: every statement on `users`, `sessions` and
`login_failures`.

Passwords are hashed with scrypt (werkzeug.security, a salted memory-hard key derivation that OWASP lists
for password storage); only the hash is stored, the password is never written or logged.
A session is a row (`start_session`): signing out deletes it, a new password or a removed account deletes all of
the user's, so a copied cookie stops working at once. Only the SHA-256 of the cookie's token is stored.
Sign-in attempts are counted per (username, client address) in the database, so the limit holds across
every worker and host: an attempt is counted before its password is checked (`begin_attempt`, one at a time,
so parallel guesses cannot slip past the limit) and a success clears the count; after FREE_ATTEMPTS in a row
each further attempt waits LOCK_SECONDS × 2^(failures − FREE_ATTEMPTS), at most MAX_LOCK_SECONDS. Besides,
at most GLOBAL_ATTEMPTS attempts a minute are let through for all users and addresses together.
With SQLite, sessions and attempts live in a file of their own beside the database (`state_engine`).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from . import db, schema as t
from .db import Database

ROLE_STEWARD = "steward"
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 12
HASH_METHOD = "scrypt"  # werkzeug's default parameters: n=2**15, r=8, p=1, 16-byte salt
FREE_ATTEMPTS = 5
LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 3600
FORGET_AFTER = dt.timedelta(days=1)  # failure counts untouched this long are deleted
GLOBAL_ATTEMPTS, GLOBAL_WINDOW = 30, dt.timedelta(minutes=1)  # sign-in attempts let through, all users together
GLOBAL_KEY = ("*", "*")  # the login_failures row counting the window's attempts (no username or address is "*")
SESSION_HOURS = 12
STATE_TABLES = (t.sessions, t.login_failures)


class UserError(ValueError):
    """A request about accounts that cannot be done; the message is one sentence for the user."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    created_at: dt.datetime
    password_hash: str = ""


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; everything stored here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def check_username(username: str) -> str:
    if not USERNAME.match(username or ""):
        raise UserError("A username is 1 to 64 letters, digits or . _ @ -, starting with a letter or digit.")
    return username


def check_password_strength(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"The password must have at least {MIN_PASSWORD} characters.")
    return password


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


@functools.cache
def _dummy_hash() -> str:
    """Checked when the username is unknown, so that a wrong name costs as much time as a wrong password."""
    return hash_password("civmon: no such user")


def _row_user(row) -> User:
    return User(row.username, row.role, _utc(row.created_at), row.password_hash)


def get(engine: Database | sa.Engine, username: str) -> User | None:
    u = t.users
    with engine.connect() as conn:
        row = conn.execute(sa.select(u).where(u.c.username == username)).first()
    return _row_user(row) if row else None


def list_users(engine: Database | sa.Engine) -> list[User]:
    """Every account, by name, without its hash."""
    u = t.users
    with engine.connect() as conn:
        rows = conn.execute(sa.select(u.c.username, u.c.role, u.c.created_at).order_by(u.c.username)).all()
    return [User(r.username, r.role, _utc(r.created_at)) for r in rows]


def add(engine: Database | sa.Engine, username: str, password: str, role: str = ROLE_STEWARD) -> User:
    """Create an account; UserError when the name is taken or invalid or the password too short."""
    check_username(username)
    check_password_strength(password)
    user = User(username, role, _now(), hash_password(password))
    try:
        with engine.begin() as conn:
            conn.execute(t.users.insert().values(username=user.username, password_hash=user.password_hash,
                                                 role=user.role, created_at=user.created_at))
    except sa.exc.IntegrityError:
        raise UserError(f"There is already a user {username}.") from None
    return user


def set_password(engine: Database | sa.Engine, username: str, password: str) -> None:
    """Replace a user's password (which ends the user's open sessions)."""
    check_password_strength(password)
    with engine.begin() as conn:
        done = conn.execute(t.users.update().where(t.users.c.username == username)
                            .values(password_hash=hash_password(password))).rowcount
    if not done:
        raise UserError(f"There is no user {username}.")
    end_sessions(engine, username)


def remove(engine: Database | sa.Engine, username: str) -> None:
    with engine.begin() as conn:
        done = conn.execute(t.users.delete().where(t.users.c.username == username)).rowcount
    if not done:
        raise UserError(f"There is no user {username}.")
    end_sessions(engine, username)


def authenticate(engine: Database | sa.Engine, username: str, password: str) -> User | None:
    """The user when the password is theirs, else None (in about the same time whether or not the name exists)."""
    user = get(engine, username) if USERNAME.match(username or "") else None
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


# --- where sessions and attempts are kept ---------------------------------------------------------

def state_engine(engine: Database | sa.Engine) -> sa.Engine:
    """The database of sessions and sign-in attempts: `engine`'s own, except for a SQLite file, whose sessions live
    in a second file beside it (civmon.db → civmon-sessions.db). SQLite lets one connection write at a time, and an
    import writes for as long as it runs: with the sessions in the same file, nobody could sign in or out then."""
    engine = Database.of(engine).engine
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return engine
    path = Path(url.database)
    return _sqlite_state(url.set(database=str(path.with_name(f"{path.stem}-sessions{path.suffix}")))
                         .render_as_string(hide_password=False))


@functools.cache
def _sqlite_state(url: str) -> sa.Engine:
    engine = db.get_engine(url)
    t.metadata.create_all(engine, tables=list(STATE_TABLES))  # nothing to migrate: sessions are short-lived
    return engine


@contextlib.contextmanager
def _one_at_a_time(engine: sa.Engine):
    """A transaction on the state database that no other sign-in runs beside (an attempt reads, then counts)."""
    with engine.connect() as conn:
        with conn.begin():
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(db.IMPORT_LOCK + 1)))
            yield conn


# --- sessions --------------------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(engine: Database | sa.Engine, username: str, now: dt.datetime | None = None) -> str:
    """A new session of the user, valid SESSION_HOURS; returns its token (for the cookie; only its hash is kept)."""
    now, token, s = now or _now(), secrets.token_urlsafe(32), t.sessions
    with state_engine(engine).begin() as conn:
        conn.execute(s.delete().where(s.c.expires_at < now))
        conn.execute(s.insert().values(session_hash=_hash(token), username=username, created_at=now,
                                       expires_at=now + dt.timedelta(hours=SESSION_HOURS)))
    return token


def session_user(engine: Database | sa.Engine, token: str, now: dt.datetime | None = None) -> User | None:
    """The user of an open session, or None (ended, expired, or the account removed)."""
    if not token:
        return None
    s = t.sessions
    with state_engine(engine).connect() as conn:
        row = conn.execute(sa.select(s.c.username, s.c.expires_at).where(s.c.session_hash == _hash(token))).first()
    if row is None or _utc(row.expires_at) <= (now or _now()):
        return None
    return get(engine, row.username)


def end_session(engine: Database | sa.Engine, token: str) -> None:
    with state_engine(engine).begin() as conn:
        conn.execute(t.sessions.delete().where(t.sessions.c.session_hash == _hash(token or "")))


def end_sessions(engine: Database | sa.Engine, username: str) -> None:
    """End every open session of the user (a new password, a removed account)."""
    with state_engine(engine).begin() as conn:
        conn.execute(t.sessions.delete().where(t.sessions.c.username == username))


# --- the sign-in rate limit ------------------------------------------------------------------------

def _key(username: str, client: str) -> tuple[str, str]:
    return (username or "").strip().lower()[:64], (client or "?")[:64]


def lock_seconds(failures: int) -> int:
    """How long an attempt must wait after `failures` failures in a row."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(LOCK_SECONDS * 2 ** min(failures - FREE_ATTEMPTS, 20), MAX_LOCK_SECONDS)


def _wait(row, now: dt.datetime) -> int:
    if row is None:
        return 0
    wait = lock_seconds(row.failures) - (now - _utc(row.last_failure_at)).total_seconds()
    return max(0, int(wait + 0.999))


def _failures(conn, name: str, client: str):
    f = t.login_failures
    return conn.execute(sa.select(f.c.failures, f.c.last_failure_at)
                        .where(f.c.username == name, f.c.client == client)).first()


def retry_after(engine: Database | sa.Engine, username: str, client: str, now: dt.datetime | None = None) -> int:
    """Seconds before this username may try again from this client (0: now)."""
    with state_engine(engine).connect() as conn:
        return _wait(_failures(conn, *_key(username, client)), now or _now())


def _count(conn, name: str, client: str, now: dt.datetime, failures) -> int:
    f = t.login_failures
    if conn.execute(f.update().where(f.c.username == name, f.c.client == client)
                    .values(failures=failures, last_failure_at=now)).rowcount:
        return conn.execute(sa.select(f.c.failures).where(f.c.username == name, f.c.client == client)).scalar_one()
    conn.execute(f.insert().values(username=name, client=client, failures=1, last_failure_at=now))
    return 1


def begin_attempt(engine: Database | sa.Engine, username: str, client: str, now: dt.datetime | None = None) -> int:
    """Before a password is checked: the seconds this attempt must wait (it is then refused and not counted), or 0,
    and the attempt counted as a failure until `clear_failures` says it succeeded. Attempts run one at a time, so
    the count each sees includes every attempt before it."""
    (name, client), f = _key(username, client), t.login_failures
    with _one_at_a_time(state_engine(engine)) as conn:
        # the clock is read once the lock is held: an attempt that waited for it is not older than the last
        now = now or _now()
        conn.execute(f.delete().where(f.c.last_failure_at < now - FORGET_AFTER))
        wait = _wait(_failures(conn, name, client), now)
        window = _failures(conn, *GLOBAL_KEY)
        if window is not None and now - _utc(window.last_failure_at) < GLOBAL_WINDOW \
                and window.failures >= GLOBAL_ATTEMPTS:
            wait = max(wait, int((_utc(window.last_failure_at) + GLOBAL_WINDOW - now).total_seconds() + 0.999))
        if wait:
            return wait
        if window is not None and now - _utc(window.last_failure_at) >= GLOBAL_WINDOW:
            conn.execute(f.delete().where(f.c.username == GLOBAL_KEY[0], f.c.client == GLOBAL_KEY[1]))
            window = None
        if window is None:
            _count(conn, *GLOBAL_KEY, now, f.c.failures + 1)  # the window starts now
        else:
            conn.execute(f.update().where(f.c.username == GLOBAL_KEY[0], f.c.client == GLOBAL_KEY[1])
                         .values(failures=f.c.failures + 1))
        _count(conn, name, client, now, f.c.failures + 1)
    return 0


def failures_in_a_row(engine: Database | sa.Engine, username: str, client: str) -> int:
    with state_engine(engine).connect() as conn:
        row = _failures(conn, *_key(username, client))
    return row.failures if row else 0


def record_failure(engine: Database | sa.Engine, username: str, client: str, now: dt.datetime | None = None) -> int:
    """Count one failed sign-in; returns the failures in a row. Forgets counts a day old."""
    now, (name, client), f = now or _now(), _key(username, client), t.login_failures
    with _one_at_a_time(state_engine(engine)) as conn:
        conn.execute(f.delete().where(f.c.last_failure_at < now - FORGET_AFTER))
        return _count(conn, name, client, now, f.c.failures + 1)


def clear_failures(engine: Database | sa.Engine, username: str, client: str) -> None:
    name, client = _key(username, client)
    f = t.login_failures
    with state_engine(engine).begin() as conn:
        conn.execute(f.delete().where(f.c.username == name, f.c.client == client))
