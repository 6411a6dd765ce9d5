"""Query results as CSV, XLSX, JSON and aligned text: the same bytes for the CLI and the web API.

An empty ratio is an empty CSV cell and a JSON null, never 0 and never NaN. CSV and XLSX are
safe to open in a spreadsheet: text that it would run as a formula is neutralised (`neutralise`).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re

import numpy as np
import orjson
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
    # one conversion of the whole table to Python objects: 0.04 ms for a one-row answer, against 0.1 ms column
    # by column (each column a Series, which copies the frame's attrs) and 0.2 ms through itertuples
    return [{c: _py(v) for c, v in zip(cols, row)} for row in df.to_numpy(dtype=object).tolist()]


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text value that a spreadsheet would run as a formula, prefixed with an apostrophe; any other value as is.

    OWASP's advice against CSV injection: text starting with =, +, -, @, tab or carriage return.
    Numbers stay numbers (a negative number is not text). Used by every chart export (CSV, XLSX);
    not by `civmon export`, whose files must import back exactly."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(df: pd.DataFrame, *, safe: bool = True) -> str:
    """The rows as CSV; `safe` neutralises formula-like text (see `neutralise`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(df.columns)
    for row in records(df):
        writer.writerow([_cell(neutralise(v) if safe else v) for v in row.values()])
    return out.getvalue()


def to_xlsx(df: pd.DataFrame, *, sheet: str = "data", about: list[tuple[str, str]] | None = None) -> bytes:
    """The rows as an XLSX workbook: a header row, then one row per record, numbers as numbers and
    formula-like text neutralised; `about` (label, text) pairs go on a second sheet named "about"."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", sheet)[:31] or "data")

    def cell(sheet_, value, bold=False):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
        c = WriteOnlyCell(sheet_, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # never a formula, whatever the text
        if bold:
            c.font = Font(bold=True)
        return c
    ws.append([cell(ws, str(c), bold=True) for c in df.columns])
    for row in records(df):
        ws.append([cell(ws, v) for v in row.values()])
    if about:
        info = wb.create_sheet("about")
        for label, text in about:
            info.append([cell(info, label, bold=True), cell(info, text)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def generated_at() -> str:
    """Now, in UTC to the second: when an export or a document was made."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def document(query: Query, f: Filter, df: pd.DataFrame, **about) -> dict:
    """The JSON document of a query's result, for the command line and the API alike: which query, for which
    filters, when, the countries a comparison in euro left out, and the rows; `about` adds to it or overrides
    (the API's chart, translated title, source line…)."""
    from .money import left_out
    return {"query": query.id, "title": query.title, "definition": query.definition, "filters": f.describe(),
            "generated_at": generated_at(),
            "left_out": [{"country": g.country, "currency": g.currency, "years": list(g.years), "grants": g.grants}
                         for g in left_out(df)],
            **about, "columns": list(df.columns), "rows": records(df)}


def to_json(doc: dict) -> str:
    """The document as indented JSON, UTF-8 text as is, values JSON has no type for as their str().

    orjson writes the same bytes as json.dumps(doc, ensure_ascii=False, indent=2, default=str) for what the
    documents hold (checked on every chart's document and payload under five filters), but for a float's
    exponent (1e-7, not 1e-07): 1 µs against 26 µs for one county, where an indented json.dumps runs the
    pure-Python encoder. Dates and times go to str() as json.dumps would, not to orjson's own format."""
    return orjson.dumps(doc, default=str, option=orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME).decode()


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
