"""The import history for the stewards' page: the import log, latest first."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from . import schema as t


def imports(engine: sa.Engine, limit: int = 500) -> list[dict]:
    """The latest imports first: when, who (or which command), kind, file name, sha256, rows added and replaced."""
    log = t.import_log
    stmt = (sa.select(log.c.id, log.c.imported_at, log.c.imported_by, log.c.source, log.c.kind, log.c.file_name,
                      log.c.sha256, log.c.rows, log.c.added, log.c.replaced)
            .order_by(log.c.id.desc()).limit(limit))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
    for r in rows:  # SQLite gives back naive datetimes; the log is written in UTC
        if r["imported_at"].tzinfo is None:
            r["imported_at"] = r["imported_at"].replace(tzinfo=dt.timezone.utc)
    return rows
