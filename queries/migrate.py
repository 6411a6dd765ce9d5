"""Create or upgrade a database to the latest schema through Alembic, keeping its rows."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from . import db
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> tuple[str | None, str]:
    """Upgrade to head (or an earlier revision, for tests of a migration); returns (revision before, after)."""
    before = current(engine)
    cfg = _config()
    with engine.begin() as conn, db.unlimited(conn):  # a migration over a national dataset takes its time
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return before, current(engine)
