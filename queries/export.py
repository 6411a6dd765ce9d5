"""`civmon export DIR`: every contract table written as KIND.csv in the import format.

Importing the files in contract.LOAD_ORDER into an empty database gives the same rows and so
the same numbers. The files include officers' full names: they are a backup for operators,
not a publication.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from .contract import KINDS, LOAD_ORDER, Kind
from .conventions import one_way


def _text(column, value) -> str:
    if value is None:
        return ""
    if column.type == "money":
        cents = int(value)
        return f"{cents // 100}.{cents % 100:02d}"
    if column.type == "bool":
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if column.type == "rate":  # never a number that reads two ways (conventions)
        return one_way(repr(float(value)))
    return str(value)


def export_kind(conn: sa.Connection, kind: Kind, path: Path) -> int:
    """Write one kind, ordered by its key; returns the number of rows."""
    table = kind.table
    cols = [table.c[c.db_name] for c in kind.columns]
    stmt = sa.select(*cols).order_by(*[table.c[kind.column(k).db_name] for k in kind.key])
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(kind.column_names)
        for row in conn.execution_options(stream_results=True, yield_per=10000).execute(stmt):
            writer.writerow([_text(c, v) for c, v in zip(kind.columns, row)])
            n += 1
    return n


def export_all(engine: sa.Engine, directory: Path) -> dict[str, tuple[Path, int]]:
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    with engine.connect() as conn:
        for name in LOAD_ORDER:
            path = directory / f"{name}.csv"
            written[name] = (path, export_kind(conn, KINDS[name], path))
    return written
