"""Data stewards' accounts and the sign-in rate limit: every statement on `users` and `login_failures`.

Passwords are hashed with scrypt (werkzeug.security, a salted memory-hard key derivation that OWASP lists
for password storage); only the hash is stored, the password is never written or logged.
Failed sign-ins are counted per (username, client address) in the database, so the limit holds across
every worker and host: after FREE_ATTEMPTS failures in a row each further attempt waits
LOCK_SECONDS × 2^(failures − FREE_ATTEMPTS), at most MAX_LOCK_SECONDS; a success clears the count.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from . import schema as t

ROLE_STEWARD = "steward"
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 12
HASH_METHOD = "scrypt"  # werkzeug's default parameters: n=2**15, r=8, p=1, 16-byte salt
FREE_ATTEMPTS = 5
LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 3600
FORGET_AFTER = dt.timedelta(days=1)  # failure counts untouched this long are deleted


class UserError(ValueError):
    """A request about accounts that cannot be done; the message is one sentence for the user."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    created_at: dt.datetime
    password_hash: str = ""

    @property
    def fingerprint(self) -> str:
        """Changes when the password changes: a session records it and ends when it no longer matches."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]


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


def get(engine: sa.Engine, username: str) -> User | None:
    u = t.users
    with engine.connect() as conn:
        row = conn.execute(sa.select(u).where(u.c.username == username)).first()
    return _row_user(row) if row else None


def list_users(engine: sa.Engine) -> list[User]:
    """Every account, by name, without its hash."""
    u = t.users
    with engine.connect() as conn:
        rows = conn.execute(sa.select(u.c.username, u.c.role, u.c.created_at).order_by(u.c.username)).all()
    return [User(r.username, r.role, _utc(r.created_at)) for r in rows]


def add(engine: sa.Engine, username: str, password: str, role: str = ROLE_STEWARD) -> User:
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


def set_password(engine: sa.Engine, username: str, password: str) -> None:
    """Replace a user's password (which ends the user's open sessions)."""
    check_password_strength(password)
    with engine.begin() as conn:
        done = conn.execute(t.users.update().where(t.users.c.username == username)
                            .values(password_hash=hash_password(password))).rowcount
    if not done:
        raise UserError(f"There is no user {username}.")


def remove(engine: sa.Engine, username: str) -> None:
    with engine.begin() as conn:
        done = conn.execute(t.users.delete().where(t.users.c.username == username)).rowcount
    if not done:
        raise UserError(f"There is no user {username}.")


def authenticate(engine: sa.Engine, username: str, password: str) -> User | None:
    """The user when the password is theirs, else None (in about the same time whether or not the name exists)."""
    user = get(engine, username) if USERNAME.match(username or "") else None
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


# --- the sign-in rate limit ------------------------------------------------------------------------

def _key(username: str, client: str) -> tuple[str, str]:
    return (username or "").strip().lower()[:64], (client or "?")[:64]


def lock_seconds(failures: int) -> int:
    """How long an attempt must wait after `failures` failures in a row."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(LOCK_SECONDS * 2 ** min(failures - FREE_ATTEMPTS, 20), MAX_LOCK_SECONDS)


def retry_after(engine: sa.Engine, username: str, client: str, now: dt.datetime | None = None) -> int:
    """Seconds before this username may try again from this client (0: now)."""
    name, client = _key(username, client)
    f = t.login_failures
    with engine.connect() as conn:
        row = conn.execute(sa.select(f.c.failures, f.c.last_failure_at)
                           .where(f.c.username == name, f.c.client == client)).first()
    if row is None:
        return 0
    wait = lock_seconds(row.failures) - ((now or _now()) - _utc(row.last_failure_at)).total_seconds()
    return max(0, int(wait + 0.999))


def record_failure(engine: sa.Engine, username: str, client: str, now: dt.datetime | None = None) -> int:
    """Count one failed sign-in; returns the failures in a row. Forgets counts a day old."""
    name, client = _key(username, client)
    now = now or _now()
    f = t.login_failures
    where = (f.c.username == name, f.c.client == client)
    for _attempt in range(3):  # a concurrent first failure may insert the row between our update and insert
        try:
            with engine.begin() as conn:
                conn.execute(f.delete().where(f.c.last_failure_at < now - FORGET_AFTER))
                if not conn.execute(f.update().where(*where).values(failures=f.c.failures + 1,
                                                                     last_failure_at=now)).rowcount:
                    conn.execute(f.insert().values(username=name, client=client, failures=1, last_failure_at=now))
                return conn.execute(sa.select(f.c.failures).where(*where)).scalar_one()
        except sa.exc.IntegrityError:
            continue
    return FREE_ATTEMPTS


def clear_failures(engine: sa.Engine, username: str, client: str) -> None:
    name, client = _key(username, client)
    f = t.login_failures
    with engine.begin() as conn:
        conn.execute(f.delete().where(f.c.username == name, f.c.client == client))

