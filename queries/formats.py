"""Query results as CSV, JSON and aligned text: the same bytes for the CLI and the web API.

An empty ratio is an empty CSV cell and a JSON null, never 0 and never NaN.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math

import numpy as np
import pandas as pd

from .filters import Filter
from .registry import Query


def _py(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return _py(value.item())
    return value


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as plain Python dicts (numpy scalars unwrapped, NaN as None)."""
    cols = list(df.columns)
    return [{c: _py(v) for c, v in zip(cols, row)} for row in df.itertuples(index=False, name=None)]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(df: pd.DataFrame) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(df.columns)
    for row in records(df):
        writer.writerow([_cell(v) for v in row.values()])
    return out.getvalue()


def payload(query: Query, f: Filter, df: pd.DataFrame, *, demo: bool | None = None) -> dict:
    """The JSON document for a query result: what was asked, when, and the rows."""
    doc = {"id": query.id, "title": query.title, "definition": query.definition,
           "filters": f.describe(),
           "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
           "columns": list(df.columns), "rows": records(df)}
    if demo is not None:
        doc["demo_data"] = demo
    return doc


def to_json(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


def to_table(df: pd.DataFrame) -> str:
    """Aligned plain text; numbers right-aligned, empty values blank."""
    rows = [[_cell(v) for v in r.values()] for r in records(df)]
    header = [str(c) for c in df.columns]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    numeric = [df[c].dtype.kind in "if" or all(isinstance(v, (int, float)) or v is None for v in df[c])
               for c in df.columns]

    def line(cells):
        return "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows]) + "\n"
