"""Import one file of the data contract (CSV or XLSX): check every rule, then load all of it or nothing.

The file streams in chunks of CIVMON_IMPORT_CHUNK_ROWS rows. Each chunk is checked cell by cell
with vectorised pandas operations and copied into a temporary staging table; the rules that span
rows or tables (duplicate keys, references, currencies, parents) then run as SQL over staging
joined with the contract tables, where a reference may be met by the database or by the file.
A clean file is merged with INSERT … SELECT and UPDATE … FROM in the transaction that also writes
the import log, the data version and the summary tables; any problem rolls all of it back.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import queue
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
import pandas as pd
import pycountry
import sqlalchemy as sa

from . import conventions, db, mappings, quality, schema, settings, sources, summary
from .db import Database
from .contract import KINDS, LOAD_ORDER, Column, Kind
from .sources import Chunk, FileProblem, Problem
from .settings import DATA_DIR

FACT_KINDS = ("grants", "consultations", "trainings")


@dataclass
class ImportResult:
    """What one import did, or every reason why it did nothing."""
    kind: str
    file_name: str
    sha256: str = ""
    rows: int = 0
    added: int = 0
    replaced: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    dry_run: bool = False
    imported_by: str | None = None  # recorded in the import log
    busy: bool = False  # not loaded because another import was running (the file itself may be fine)
    decimal: str | None = None  # the file's declared decimal separator: "comma", "point" or None (not declared)
    ignored: list[str] = field(default_factory=list)  # the file's columns a mapping does not read
    warnings: list["Finding"] = field(default_factory=list)  # what loaded but deserves a look (queries.quality)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


@dataclass(frozen=True)
class Finding:
    """Records of the file one data-quality check finds (queries.quality): how many, the first few ids."""
    check: str
    title: str
    count: int
    ids: list[str]

    def __str__(self) -> str:
        more = f", and {self.count - len(self.ids):,} more" if self.count > len(self.ids) else ""
        return f"{self.title}: {self.count:,} ({', '.join(self.ids)}{more})"


class _Rejected(Exception):
    """Raised inside the import transaction to roll it back."""


# --- problems ---------------------------------------------------------------------------------

class _Problems:
    """Problems found so far: all are counted, the first `cap` by (row, column) are kept."""

    def __init__(self, kind: Kind, cap: int):
        self.cap = cap
        self.count = 0
        self._kept: list[Problem] = []
        self._order = {name: i for i, name in enumerate(kind.column_names)}

    def add(self, problems: Iterable[Problem], total: int) -> None:
        self._kept.extend(problems)
        self.count += total
        if len(self._kept) > 2 * self.cap:
            self._kept = self.sorted()

    def add_rows(self, rows: np.ndarray, column: str | None, reason: str) -> None:
        self.add((Problem(int(r), column, reason) for r in rows[: self.cap]), len(rows))

    def add_mask(self, rows: np.ndarray, mask, column: str | None, reason: str) -> None:
        hit = rows[np.asarray(mask, dtype=bool)]
        if len(hit):
            self.add_rows(hit, column, reason)

    def _position(self, problem: Problem) -> tuple[int, int]:
        return problem.row or 0, self._order.get(problem.column, -1)

    def sorted(self) -> list[Problem]:
        return sorted(self._kept, key=self._position)[: self.cap]


def _check_header(kind: Kind, header: list[str]) -> None:
    """The header names the template's columns, each once, required ones all present."""
    named = [h for h in header if not h.startswith("\x00")]
    if len(named) == 1 and ";" in named[0]:
        raise FileProblem("The header is one column with semicolons in it: the file must be comma-separated; "
                           "save it as CSV UTF-8 (comma delimited).")
    if "" in named:
        raise FileProblem(f"Column {named.index('') + 1} of the header has no name; every column needs one.")
    twice = sorted({h for h in named if named.count(h) > 1})
    if twice:
        raise FileProblem(f"Columns named more than once in the header: {', '.join(twice)}.")
    unknown = [h for h in named if h not in kind.column_names]
    missing = [c for c in kind.required if c not in named]
    columns = f"the {kind.name} template's columns are: {', '.join(kind.column_names)}"
    if unknown:  # one sentence: each unknown header with the column it may have meant
        free = [c for c in kind.column_names if c not in named] or list(kind.column_names)
        raise FileProblem("Unknown columns: "
                          + ", ".join(f"{h} (closest: {mappings.closest(h, free)})" for h in unknown)
                          + (f"; missing required columns: {', '.join(missing)}" if missing else "")
                          + f"; {columns} (a file with its own headers loads through a mapping: --map, or a mapping "
                            "saved on the upload page).")
    if missing:
        raise FileProblem(f"Missing required columns: {', '.join(missing)}. {columns[0].upper()}{columns[1:]}.")


# --- checking cells ---------------------------------------------------------------------------

_INT_MAX = {sa.SmallInteger: 32767, sa.Integer: 2**31 - 1, sa.BigInteger: 10**15 - 1}


@functools.cache
def _alpha2() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@functools.cache
def _subdivision_country() -> dict[str, str]:
    return {s.code: s.country_code for s in pycountry.subdivisions}


def _each(test: Callable[[str], object], values: np.ndarray) -> np.ndarray:
    """`test` applied to every string of a column, as a boolean array."""
    return np.fromiter(map(test, values), dtype=bool, count=len(values))


def _each_distinct(test: Callable[[str], object], values: np.ndarray) -> np.ndarray:
    """`_each` for a column of few distinct values (codes, enums, years): each is tested once."""
    if len(values) < 1000:
        return _each(test, values)
    codes, uniques = pd.factorize(values)
    return np.fromiter(map(test, uniques), dtype=bool, count=len(uniques))[codes]


class _Cells:
    """The checks of one column in one chunk: each failing cell is reported once, with the
    first rule it breaks; `ok` marks the non-empty cells that passed every check so far."""

    def __init__(self, values: np.ndarray):
        self.v = values
        self.ok = values != ""
        self.failures: list[tuple[np.ndarray, str]] = []

    def fail(self, bad, reason: str) -> None:
        bad = np.asarray(bad, dtype=bool) & self.ok
        if bad.any():
            self.failures.append((bad, reason))
            self.ok &= ~bad

    def strings(self) -> pd.Series:
        return pd.Series(np.where(self.ok, self.v, None), dtype=object)

    def numbers(self, dtype) -> np.ndarray:
        """The cells still valid as numbers of `dtype` (0 elsewhere): callers checked the format."""
        return np.where(self.ok, self.v, "0").astype(dtype)


def _is_currency(v: str) -> bool:
    return len(v) == 3 and v.isascii() and v.isalpha() and v.isupper()


def _is_int(v: str) -> bool:
    return v.isascii() and (v.isdigit() or (v[:1] == "-" and v[1:].isdigit()))


_NAMED_CODES = {  # single-column rules for code columns by name
    "country": (lambda v: _each_distinct(_alpha2().__contains__, v),
                "must be an ISO 3166 alpha-2 country code such as RO"),
    "currency": (lambda v: _each_distinct(_is_currency, v),
                 "must be an ISO 4217 code of 3 upper-case letters such as RON"),
}


def _lengths(values: np.ndarray) -> np.ndarray:
    return np.fromiter(map(len, values), dtype=np.int64, count=len(values))


def _canonical(cells: _Cells, odd: np.ndarray, read: Callable[[str], tuple[str | None, str | None]],
               reason: str | None, fast: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None) -> None:
    """Cells written in one of the offices' own forms (`odd`) rewritten in the contract's, each distinct value read
    once: `read(text)` gives (the canonical text, None), or (None, why) for a value that cannot be read, which fails
    with its own reason, else with `reason` (None: left as it is, for the column's own checks to explain). `fast`,
    when given, reads the usual forms of a whole column at once first (conventions.read_numbers)."""
    odd = odd & cells.ok
    if not odd.any():
        return
    cells.v = cells.v.copy()  # the chunk's own array stays as the file had it
    if fast is not None:
        where = np.flatnonzero(odd)
        usual, read_fast = fast(cells.v[where])
        cells.v[where[usual]] = read_fast
        odd[where[usual]] = False
        if not odd.any():
            return
    where = np.flatnonzero(odd)
    codes, uniques = pd.factorize(cells.v[where])
    read_values = [read(v) for v in uniques]
    canonical = np.array([c for c, _why in read_values], dtype=object)[codes]
    why = np.array([w or reason for _c, w in read_values], dtype=object)[codes]
    read_ok = np.array([c is not None for c in canonical], dtype=bool)
    cells.v[where[read_ok]] = canonical[read_ok]
    for text in pd.unique(why[~read_ok & (why != None)]):  # noqa: E711 (element-wise)
        bad = np.zeros(len(cells.v), dtype=bool)
        bad[where[~read_ok & (why == text)]] = True
        cells.fail(bad, text)


def _text(col: Column, cells: _Cells, limit: int | None, decimal: str | None = None) -> pd.Series:
    if limit:
        cells.fail(_lengths(cells.v) > limit, f"is longer than {limit:,} characters")
    if col.name in _NAMED_CODES:
        good, reason = _NAMED_CODES[col.name]
        cells.fail(~good(cells.v), reason)
    return cells.strings()


def _enum(col: Column, cells: _Cells, limit: int | None, decimal: str | None = None) -> pd.Series:
    cells.fail(~_each_distinct(frozenset(col.choices).__contains__, cells.v),
               f"must be one of: {', '.join(col.choices)}")
    return cells.strings()


def _int(col: Column, cells: _Cells, type_max: int | None, decimal: str | None = None) -> pd.Series:
    _canonical(cells, ~_each_distinct(_is_int, cells.v),
               lambda v: conventions.read_number(v, decimal, whole=True), "must be a whole number")
    cells.fail(_lengths(cells.v) > 16, "is too large")
    n = cells.numbers(np.int64)
    low, high = col.min, min(v for v in (col.max, type_max) if v is not None)
    if col.min is not None and col.max is not None:
        cells.fail((n < low) | (n > high), f"must be between {low} and {high}")
    else:
        if low is not None:
            cells.fail(n < low, f"must be at least {low}")
        cells.fail(n > high, f"must be at most {high}")
    return pd.Series(n, dtype="Int64").where(cells.ok)


def _date(col: Column, cells: _Cells, limit: int | None, decimal: str | None = None) -> pd.Series:
    """A date in one of conventions.DATE_FORMS, then strictly YYYY-MM-DD: ten characters that pandas parses with
    that exact format."""
    _canonical(cells, ~_each_distinct(conventions.ISO_DATE.fullmatch, cells.v),
               lambda v: (conventions.read_date(v), None), f"must be a date written {conventions.DATE_FORMS}")
    parsed = pd.to_datetime(pd.Series(np.where(cells.ok, cells.v, None)), format="%Y-%m-%d", errors="coerce")
    bad = (parsed.isna().to_numpy() | (_lengths(cells.v) != 10)) & cells.ok
    shape = np.zeros(len(bad), dtype=bool)
    shape[bad] = ~_each(conventions.ISO_DATE.fullmatch, cells.v[bad])
    cells.fail(shape, f"must be a date written {conventions.DATE_FORMS}")
    cells.fail(bad, "is not a real date")
    return pd.Series(np.where(cells.ok, cells.v, None), dtype="str")


def _bool(col: Column, cells: _Cells, limit: int | None, decimal: str | None = None) -> pd.Series:
    _canonical(cells, np.ones(len(cells.v), dtype=bool), lambda v: (conventions.read_bool(v), None),
               f"must be one of {conventions.BOOL_FORMS}")
    return pd.Series(cells.v == "true", dtype="boolean").where(cells.ok)


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_MAX_DIGITS = 13  # before the decimal point; keeps cents exact in a float and in a BIGINT


def _number_problem(value: str, decimals: int | None, example: str) -> str:
    """Why a value that failed the quick pattern is not an acceptable positive number."""
    if not _NUMBER.fullmatch(value):
        return f"must be a number such as {example} or {example.replace('.', ',')}"
    whole, _, fraction = value.lstrip("-").partition(".")
    if decimals is not None and len(fraction) > decimals:
        return f"must have at most {decimals} decimals"
    return "is too large"


def _positive_number(cells: _Cells, decimals: int | None, example: str, decimal: str | None,
                     zero: bool = False) -> pd.Series:
    places = r"\d+" if decimals is None else r"\d{1,%d}" % decimals
    # the contract's own form, but for a value that also reads as grouped thousands (117.307)
    quick = re.compile(r"(?!-?[1-9]\d{0,2}\.\d{3}$)-?\d{1,%d}(?:\.%s)?" % (_MAX_DIGITS, places))
    _canonical(cells, ~_each(quick.fullmatch, cells.v), lambda v: conventions.read_number(v, decimal), None,
               lambda values: conventions.read_numbers(values, decimal))
    plain = re.compile(r"-?\d{1,%d}(?:\.%s)?" % (_MAX_DIGITS, places))
    bad = ~_each(plain.fullmatch, cells.v) & cells.ok
    reasons = pd.Series([_number_problem(v, decimals, example) for v in cells.v[bad]], dtype=object)
    for reason in reasons.unique():
        where = np.zeros(len(cells.v), dtype=bool)
        where[np.flatnonzero(bad)[(reasons == reason).to_numpy()]] = True
        cells.fail(where, reason)
    n = cells.numbers(np.float64)
    if zero:
        cells.fail(n < 0, "must be 0 or more")
    else:
        cells.fail(n <= 0, "must be greater than 0")
    return pd.Series(n).where(cells.ok)


def _money(col: Column, cells: _Cells, limit: int | None, decimal: str | None = None) -> pd.Series:
    return (_positive_number(cells, 2, col.example, decimal) * 100).round().astype("Int64")


def _rate(col: Column, cells: _Cells, limit: int | None, decimal: str | None = None) -> pd.Series:
    return _positive_number(cells, None, col.example, decimal)


def _number(col: Column, cells: _Cells, limit: int | None, decimal: str | None = None) -> pd.Series:
    return _positive_number(cells, None, col.example, decimal, zero=True)


_PARSERS = {"text": _text, "code": _text, "enum": _enum, "int": _int, "date": _date, "bool": _bool,
            "money": _money, "rate": _rate, "number": _number}


def _limit(col: Column, table: sa.Table) -> int | None:
    """The largest value (ints) or length (strings) the database column holds."""
    db_type = table.c[col.db_name].type
    if col.type == "int":
        return _INT_MAX.get(type(db_type), 2**31 - 1)
    return getattr(db_type, "length", None)


def _parse_column(col: Column, table: sa.Table, values: np.ndarray, rows: np.ndarray,
                  problems: _Problems, decimal: str | None = None) -> pd.Series:
    """Typed values of one column (NA where empty or invalid), reporting every bad cell."""
    cells = _Cells(values)
    if col.required:
        problems.add_mask(rows, values == "", col.name, "is required")
    typed = _PARSERS[col.type](col, cells, _limit(col, table), decimal)
    for bad, reason in cells.failures:
        problems.add_mask(rows, bad, col.name, reason)
    return typed


# --- rules between columns of one row ---------------------------------------------------------

@dataclass(frozen=True)
class _RowRule:
    """A rule over the typed values of one row: `bad` marks the rows that break it."""
    kind: str
    column: str
    bad: Callable[[pd.DataFrame, dict[str, np.ndarray]], pd.Series]  # typed values, empty cells per column
    reason: str


_SECTORS = ("participants_public", "participants_cso", "participants_other")


def _blank(blank: dict[str, np.ndarray], columns: tuple[str, ...]) -> np.ndarray:
    """Rows whose cells in `columns` were all empty in the file (a cell that failed its own check is not empty: it was
    reported already)."""
    return np.logical_and.reduce([blank[c] for c in columns])


def _not_subdivision(f: pd.DataFrame) -> pd.Series:
    return f.code.notna() & f.country.notna() & (f.code.map(_subdivision_country()) != f.country)


_ROW_RULES = (
    _RowRule("regions", "code", lambda f, blank: (f.level == 1) & _not_subdivision(f),
             "must be an ISO 3166-2 subdivision code of the region's country (like RO-CJ) for a level-1 region"),
    _RowRule("regions", "parent_code", lambda f, blank: (f.level == 1) & f.parent_code.notna(),
             "must be empty for a level-1 region"),
    _RowRule("regions", "parent_code", lambda f, blank: (f.level == 2) & f.parent_code.isna(),
             "is required for a level-2 region"),
    _RowRule("authorities", "region_code",
             lambda f, blank: f.level.notna() & (f.level != "central") & f.region_code.isna(),
             "is required unless level is central"),
    _RowRule("liaison_officers", "ended_on", lambda f, blank: f.ended_on < f.appointed_on,
             "must not be before appointed_on"),
    _RowRule("currencies", "to_year", lambda f, blank: f.to_year < f.from_year, "must not be before from_year"),
    _RowRule("consultations", "comments_deadline", lambda f, blank: f.comments_deadline < f.published_on,
             "must not be before published_on"),
    _RowRule("consultations", "comments_accepted", lambda f, blank: f.comments_accepted > f.comments_received,
             "must not be greater than comments_received"),
    _RowRule("trainings", "participants_total", lambda f, blank: _blank(blank, ("participants_total",) + _SECTORS),
             "is required when no sector count (participants_public, participants_cso, participants_other) is given"),
    _RowRule("trainings", "participants_total",
             lambda f, blank: f.participants_total < f[list(_SECTORS)].fillna(0).sum(axis=1),
             "must be at least participants_public + participants_cso + participants_other"),
)


def _stripped(chunk: Chunk) -> dict[str, np.ndarray]:
    """The chunk's cells without surrounding whitespace, as arrays of Python strings per column."""
    return {name: np.array([v.strip() for v in chunk.frame[name].to_numpy(dtype=object)], dtype=object)
            for name in chunk.frame.columns}


def _check_chunk(kind: Kind, chunk: Chunk, problems: _Problems,
                 decimal: str | None = None) -> tuple[np.ndarray, pd.DataFrame]:
    """Row numbers and typed values of the chunk's non-empty rows, after reporting their problems. `decimal`: the
    file's declared decimal separator (conventions.DECIMAL_SEPARATORS), or None."""
    problems.add(chunk.problems, len(chunk.problems))
    cells = _stripped(chunk)
    keep = ~np.logical_and.reduce([v == "" for v in cells.values()])
    cells, rows = {name: v[keep] for name, v in cells.items()}, chunk.rows[keep]
    for name in (n for n in cells if n.startswith("\x00")):
        problems.add_mask(rows, cells[name] != "", None, "has a value in a column whose header is empty")
    empty = np.full(len(rows), "", dtype=object)
    typed = pd.DataFrame({c.name: _parse_column(c, kind.table, cells.get(c.name, empty), rows, problems, decimal)
                          for c in kind.columns})
    blank = {c.name: cells.get(c.name, empty) == "" for c in kind.columns}
    for rule in (r for r in _ROW_RULES if r.kind == kind.name):
        problems.add_mask(rows, pd.Series(rule.bad(typed, blank)).fillna(False), rule.column, rule.reason)
    return rows, typed


# --- staging ----------------------------------------------------------------------------------

def _loose(type_: sa.types.TypeEngine) -> sa.types.TypeEngine:
    """The staging type of a column: strings unbounded, so an over-long value is reported, not refused."""
    return sa.String() if isinstance(type_, sa.String) else type_


def _stage_table(kind: Kind) -> sa.Table:
    return sa.Table(
        f"civmon_stage_{kind.name}", sa.MetaData(),
        sa.Column("rownum", sa.Integer, primary_key=True, autoincrement=False),
        *(sa.Column(c.db_name, _loose(kind.table.c[c.db_name].type)) for c in kind.columns),
        sa.Column("existed", sa.Boolean, nullable=False, server_default=sa.false()),
        prefixes=["TEMPORARY"],
    )


def _records(kind: Kind, rows: np.ndarray, typed: pd.DataFrame) -> list[tuple]:
    """The chunk as DB-API rows: Python values, None for empty or invalid cells."""
    columns = [rows.tolist()] + [typed[c.name].to_numpy(dtype=object, na_value=None).tolist()
                                 for c in kind.columns]
    return list(zip(*columns))


def _stage_rows(conn: sa.Connection, stage: sa.Table, records: list[tuple]) -> None:
    """Bulk-insert rows into the staging table through each driver's fastest path."""
    Database.bulk_insert(conn, stage, [c.name for c in stage.columns if c.name != "existed"], records)


def _key_match(kind: Kind, a, b) -> list:
    """The key's columns equal, where an empty value in an optional key column (a target's level) equals another
    empty one: `=` alone is never true for NULL, so such a row would never be replaced nor found twice. Required
    columns keep `=`, which every engine answers from an index."""
    return [a.c[k] == b.c[k] if kind.column(k).required else a.c[k].is_not_distinct_from(b.c[k]) for k in kind.key]


@dataclass
class _Staging:
    """The staging table of one import, and the rows each table will hold once it is merged."""
    kind: Kind
    table: sa.Table
    only_new: bool

    def effective(self, kind_name: str):
        """Rows of a kind's table after the import: for the kind being imported, staged rows
        replace (or, with only_new, yield to) the rows with the same key."""
        table = KINDS[kind_name].table
        if kind_name != self.kind.name:
            return table
        s = self.table
        staged = sa.select(*(s.c[c.name] for c in table.columns))
        if self.only_new:
            staged = staged.where(~sa.exists().where(*_key_match(self.kind, table, s)))
            kept = sa.select(table)
        else:
            kept = sa.select(table).where(~sa.exists().where(*_key_match(self.kind, table, s)))
        return sa.union_all(staged, kept).subquery("effective")


# --- rules across rows and tables (SQL over staging) ------------------------------------------

@dataclass(frozen=True)
class _CrossRule:
    """A rule that needs other rows: `failing` selects (rownum, *message arguments) of the staged
    rows that break it, `message` turns those arguments into the reason. `clean`, when given,
    proves from the distinct values of the `seen` columns that no row fails, so that the query
    over every staged row can be skipped (a large file is mostly a few thousand distinct codes)."""
    kind: str
    column: str
    failing: Callable[[_Staging], sa.Select]
    message: Callable[..., str]
    seen: tuple[str, ...] = ()
    clean: Callable[[sa.Connection, set], bool] | None = None


class _Seen:
    """Distinct non-empty values (or value tuples) of some columns over all chunks of a file."""

    def __init__(self, rules: Iterable[_CrossRule]):
        self.values: dict[tuple[str, ...], set] = {r.seen: set() for r in rules if r.clean}

    def add(self, typed: pd.DataFrame) -> None:
        for columns, found in self.values.items():
            frame = typed[list(columns)].dropna()
            if len(columns) == 1:
                found.update(pd.unique(frame[columns[0]].to_numpy(dtype=object)).tolist())
            else:
                found.update(map(tuple, frame.drop_duplicates().to_numpy(dtype=object).tolist()))


def _existing_keys(conn: sa.Connection, column: sa.Column, values) -> set:
    """Which of `values` the column holds (asked in batches that every engine accepts)."""
    values, found = list(values), set()
    for i in range(0, len(values), 500):
        found.update(conn.execute(sa.select(column).where(column.in_(values[i:i + 500]))).scalars())
    return found


def _reference(kind: str, column: str, target: str, noun: str) -> _CrossRule:
    """`column` names an existing row of `target`: in the database, or in this file if same kind."""
    key = KINDS[target].key[0]

    def failing(st: _Staging) -> sa.Select:
        s, table = st.table, KINDS[target].table
        value = s.c[column]
        cond = [value.is_not(None), ~sa.exists().where(table.c[key] == value)]
        if target == kind:
            other = s.alias("same_file")
            cond.append(~sa.exists().where(other.c[key] == value))
        return sa.select(s.c.rownum, value).where(*cond)
    where = "in the database or in this file" if target == kind else f"in the database (import {target} first)"
    message = lambda v: f"there is no {noun} {v} {where}"  # noqa: E731
    if target == kind:
        return _CrossRule(kind, column, failing, message)

    def clean(conn: sa.Connection, values: set) -> bool:
        return len(_existing_keys(conn, KINDS[target].table.c[key], values)) == len(values)
    return _CrossRule(kind, column, failing, message, (column,), clean)


def _parent_elsewhere(st: _Staging) -> sa.Select:
    s, parent = st.table, st.effective("regions")
    return (sa.select(s.c.rownum, s.c.parent_code, s.c.country)
            .select_from(s.join(parent, parent.c.code == s.c.parent_code))
            .where(s.c.level == 2, sa.or_(parent.c.level != 1, parent.c.country != s.c.country)))


def _children_left_behind(st: _Staging) -> sa.Select:
    """Replaced regions that stop being a level-1 region of their children's country."""
    s, child, replacement = st.table, schema.regions, st.table.alias("replacement")
    stmt = (sa.select(s.c.rownum, s.c.code, sa.func.min(child.c.code), sa.func.min(child.c.country))
            .select_from(s.join(child, child.c.parent_code == s.c.code))
            .where(~sa.exists().where(replacement.c.code == child.c.code),
                   sa.or_(s.c.level != 1, s.c.country != child.c.country))
            .group_by(s.c.rownum, s.c.code))
    return stmt.where(sa.false()) if st.only_new else stmt  # only_new replaces no row


def _region_elsewhere(st: _Staging) -> sa.Select:
    s, r = st.table, schema.regions
    return (sa.select(s.c.rownum, s.c.region_code, r.c.country, s.c.country)
            .select_from(s.join(r, r.c.code == s.c.region_code))
            .where(r.c.country != s.c.country))


def _currency_in_use(country, year, currency=None):
    c = schema.currencies
    cond = [c.c.country == country, c.c.from_year <= year, sa.or_(c.c.to_year.is_(None), c.c.to_year >= year)]
    return cond + ([c.c.currency == currency] if currency is not None else [])


def _wrong_currency(st: _Staging) -> sa.Select:
    s, r, c = st.table, schema.regions, schema.currencies
    expected = sa.select(sa.func.min(c.c.currency)).where(*_currency_in_use(r.c.country, s.c.year))
    return (sa.select(s.c.rownum, r.c.country, s.c.year, expected.scalar_subquery())
            .select_from(s.join(r, r.c.code == s.c.region_code))
            .where(s.c.currency.is_not(None), s.c.year.is_not(None),
                   ~sa.exists().where(*_currency_in_use(r.c.country, s.c.year, s.c.currency))))


def _currencies_clean(conn: sa.Connection, triples: set) -> bool:
    """Every distinct (region_code, year, currency) of the file is in use for the region's country
    in that year (an unknown region proves nothing: the query then runs)."""
    r, c = schema.regions, schema.currencies
    codes = {code for code, _y, _c in triples}
    country = {}
    for batch in (list(codes)[i:i + 500] for i in range(0, len(codes), 500)):
        country.update(conn.execute(sa.select(r.c.code, r.c.country).where(r.c.code.in_(batch))).all())
    if len(country) != len(codes):
        return False
    periods: dict[str, list] = {}
    for ctry, currency, start, end in conn.execute(sa.select(c.c.country, c.c.currency, c.c.from_year, c.c.to_year)):
        periods.setdefault(ctry, []).append((currency, start, end))
    return all(any(cur == currency and start <= year and (end is None or end >= year)
                   for cur, start, end in periods.get(country[code], ()))
               for code, year, currency in triples)


def _currency_message(country: str, year: int, expected: str | None) -> str:
    if expected is None:
        return f"no currency is recorded for {country} in {year} (import currencies first)"
    return f"must be {expected}, the currency of {country} in {year}"


_CROSS_RULES = (
    _reference("regions", "parent_code", "regions", "region"),
    _CrossRule("regions", "parent_code", _parent_elsewhere,
               lambda parent, country: f"{parent} is not a level-1 region of {country}"),
    _CrossRule("regions", "level", _children_left_behind,
               lambda code, child, country: f"{code} has level-2 regions in the database (such as {child}); "
                                            f"it must stay a level-1 region of {country}"),
    _reference("authorities", "region_code", "regions", "region"),
    _CrossRule("authorities", "region_code", _region_elsewhere,
               lambda code, region_country, country: f"region {code} is in {region_country}, not in {country}"),
    _reference("authorities", "parent_id", "authorities", "authority"),
    _reference("liaison_officers", "authority_id", "authorities", "authority"),
    _reference("grants", "funder_authority_id", "authorities", "authority"),
    _reference("grants", "region_code", "regions", "region"),
    _CrossRule("grants", "currency", _wrong_currency, _currency_message, ("region_code", "year", "currency"),
               _currencies_clean),
    _reference("consultations", "authority_id", "authorities", "authority"),
    _reference("trainings", "region_code", "regions", "region"),
    _reference("trainings", "organiser_authority_id", "authorities", "authority"),
)


def _duplicates(st: _Staging) -> sa.Select:
    """Rows whose key an earlier row of the file already has, with that earlier row."""
    s = st.table
    key = [s.c[k] for k in st.kind.key]
    required = [s.c[k] for k in st.kind.key if st.kind.column(k).required]
    first = (sa.select(*key, sa.func.min(s.c.rownum).label("first"))
             .where(*(k.is_not(None) for k in required)).group_by(*key)
             .having(sa.func.count() > 1).subquery())
    return (sa.select(s.c.rownum, first.c.first)
            .select_from(s.join(first, sa.and_(*_key_match(st.kind, s, first))))
            .where(s.c.rownum > first.c.first))


def _duplicate_rule(kind: Kind) -> _CrossRule:
    same = "" if len(kind.key) == 1 else f" (same {', '.join(kind.key)})"
    return _CrossRule(kind.name, kind.key[0], _duplicates, lambda first: f"duplicate of row {first}{same}")


def _report(conn: sa.Connection, st: _Staging, rule: _CrossRule, problems: _Problems) -> None:
    stmt = rule.failing(st)
    found = conn.execute(stmt.order_by(stmt.selected_columns[0]).limit(problems.cap)).all()
    total = len(found)
    if total == problems.cap:
        total = conn.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()
    problems.add((Problem(row[0], rule.column, rule.message(*row[1:])) for row in found), total)


# --- the import -------------------------------------------------------------------------------

_DONE = object()


def _in_background(items: Iterator, depth: int = 2) -> Iterator:
    """The items of an iterator computed by a worker thread, at most `depth` ahead of the caller:
    the file's next chunk is read and checked on the second core while this one is written (the
    database drivers release the GIL while they work). An exception in the worker is raised here;
    leaving early stops the worker after its current item."""
    results: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((True, _DONE))
        except BaseException as exc:  # handed to the caller, raised there
            put((False, exc))

    worker = threading.Thread(target=work, name="civmon-import-reader", daemon=True)
    worker.start()
    try:
        while True:
            ok, item = results.get()
            if not ok:
                raise item
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        worker.join()


def _stage_file(conn: sa.Connection, kind: Kind, source, problems: _Problems,
                stage: sa.Table, delta: summary.GrantDelta | None = None, seen: _Seen | None = None,
                decimal: str | None = None) -> int:
    """Check every chunk cell by cell and copy it to staging; returns the number of data rows.
    `delta`, when given, also keeps each chunk for the summaries (see `_apply`); `seen` collects
    the distinct values some cross rules can be proved clean from. Reading and checking run in a
    worker thread (which alone touches `problems`, `delta` and `seen`), writing in this one."""
    def checked() -> Iterator[tuple[int, list[tuple]]]:
        for chunk in source.chunks(settings.get_int("CIVMON_IMPORT_CHUNK_ROWS")):
            rows, typed = _check_chunk(kind, chunk, problems, decimal)
            records = _records(kind, rows, typed) if len(rows) else []
            if len(rows):
                if seen is not None:
                    seen.add(typed)
                if delta is not None:
                    delta.add(typed) if not problems.count else delta.discard()
            yield len(rows) + sum(p.row is not None for p in chunk.problems), records

    count = 0
    for rows, records in _in_background(checked()):
        count += rows
        if records:
            _stage_rows(conn, stage, records)
    return count


def _kind_rules(kind: Kind) -> list[_CrossRule]:
    return [r for r in _CROSS_RULES if r.kind == kind.name]


def _check_staged(conn: sa.Connection, st: _Staging, problems: _Problems, seen: _Seen | None = None) -> None:
    """Run the duplicate-key rule and the kind's cross rules over the staged rows (a rule that
    the file's distinct values prove clean is skipped)."""
    if conn.dialect.name == "postgresql":
        Database.analyze(conn, [st.table])
    for rule in (_duplicate_rule(st.kind), *_kind_rules(st.kind)):
        if seen is not None and rule.clean is not None and rule.clean(conn, seen.values[rule.seen]):
            continue
        _report(conn, st, rule, problems)


def _touched_regions(conn: sa.Connection, st: _Staging, replaced: int) -> set | None:
    """Level-1 regions whose summary rows the merge can change (ALL for dimension kinds)."""
    kind, s = st.kind, st.table
    if kind.affects_all_summaries or kind.name not in FACT_KINDS:
        return summary.ALL
    new = sa.select(s).where(~s.c.existed).subquery() if st.only_new else s
    codes = summary.regions_of(conn, kind.name, new)
    if replaced and not st.only_new:
        old = sa.select(kind.table).where(sa.exists().where(*_key_match(kind, kind.table, s), s.c.existed))
        codes |= summary.regions_of(conn, kind.name, old.subquery())
    return codes


def _merge(conn: sa.Connection, st: _Staging, result: ImportResult, existing: int) -> None:
    """New keys are inserted first, so that replaced rows may point at them; then replacements.
    A fact table that the file at least doubles gets its secondary indexes rebuilt once after the
    insert instead of updated row by row (fact tables only: nothing references them)."""
    kind, s, table = st.kind, st.table, st.kind.table
    names = [c.db_name for c in kind.columns]
    insert = table.insert().from_select(names, sa.select(*(s.c[n] for n in names)).where(~s.c.existed))
    if kind.name in FACT_KINDS:
        with summary.indexes_rebuilt(conn, table, result.added):
            conn.execute(insert)
    else:
        conn.execute(insert)
    if existing and not st.only_new:
        values = {n: s.c[n] for n in names if n not in kind.key}
        conn.execute(table.update().where(*_key_match(kind, table, s), s.c.existed).values(values))


def _log(conn: sa.Connection, result: ImportResult, source: str) -> None:
    """The import log row, the next data version and the time of this import."""
    now = dt.datetime.now(dt.timezone.utc)
    Database.log_import(conn, kind=result.kind, file_name=result.file_name, sha256=result.sha256, rows=result.rows,
                        added=result.added, replaced=result.replaced, source=source, at=now,
                        imported_by=result.imported_by)
    Database.changed(conn, now)


def _stage_and_check(conn: sa.Connection, kind: Kind, source, result: ImportResult,
                     problems: _Problems, only_new: bool, delta: summary.GrantDelta | None = None) -> _Staging:
    """Stage the whole file and run every rule; raises _Rejected when any is broken."""
    stage = _stage_table(kind)
    stage.create(conn)
    seen = _Seen(_kind_rules(kind))
    result.rows = _stage_file(conn, kind, source, problems, stage, delta, seen, result.decimal)
    if not result.rows and not problems.count:
        raise FileProblem("The file has a header row but no data rows.")
    sa.Index(f"ix_{stage.name}_key", *(stage.c[k] for k in kind.key)).create(conn)
    st = _Staging(kind, stage, only_new)
    _check_staged(conn, st, problems, seen)
    if problems.count:
        raise _Rejected
    return st


def _count_existing(conn: sa.Connection, st: _Staging, result: ImportResult) -> int:
    """Flag the staged rows whose key is already in the table; set added and replaced."""
    kind, stage = st.kind, st.table
    conn.execute(stage.update().values(existed=True)
                 .where(sa.exists().where(*_key_match(kind, kind.table, stage))))
    existing = conn.execute(sa.select(sa.func.count()).select_from(stage).where(stage.c.existed)).scalar_one()
    result.added, result.replaced = result.rows - existing, 0 if st.only_new else existing
    return existing


def _apply(conn: sa.Connection, st: _Staging, result: ImportResult, existing: int, log_source: str,
           delta: summary.GrantDelta | None = None) -> None:
    """Merge the staged rows, bring the summaries they can change up to date, and log the import.

    A grants file whose rows are all new has its summary rows summed in memory while it was
    checked (`delta`): they are added to the touched regions' rows, with no rebuild from the
    grants table. Anything else (replaced rows, other kinds) rebuilds the touched regions."""
    families = summary.FAMILIES_BY_KIND.get(st.kind.name, ())
    incremental = delta is not None and delta.ok and existing == 0
    regions = _touched_regions(conn, st, existing) if families and not incremental else set()
    if incremental:
        delta.start(conn)  # sums in a worker thread while the rows are merged
    _merge(conn, st, result, existing)
    if incremental:
        delta.finish(conn)
    elif families and result.added + result.replaced:
        summary.refresh(conn, families, regions)
    if any(c.kind == st.kind.name for c in quality.CHECKS):  # what loaded but deserves a look (over the summaries
        result.warnings = [Finding(c.id, c.title, n, ids) for c, n, ids in  # that now count the file's rows)
                           quality.in_import(conn, st.kind.name, st.table)]
    st.table.drop(conn)
    _log(conn, result, log_source)


def _run(conn: sa.Connection, kind: Kind, source, result: ImportResult, problems: _Problems,
         only_new: bool, log_source: str) -> None:
    """Everything inside the transaction; raises _Rejected to roll it back."""
    delta = summary.GrantDelta(conn) if kind.name == "grants" and not result.dry_run else None
    st = _stage_and_check(conn, kind, source, result, problems, only_new, delta)
    existing = _count_existing(conn, st, result)
    if result.dry_run:
        raise _Rejected
    _apply(conn, st, result, existing, log_source, delta)


def import_file(engine: Database | sa.Engine, kind: str, path, *, dry_run: bool = False, source: str = "cli",
                only_new: bool = False, imported_by: str | None = None, file_name: str | None = None,
                wait: float | None = None, on_wait: Callable[[], None] | None = None,
                mapping: mappings.Mapping | None = None, decimal: str | None = None) -> ImportResult:
    """Validate one file of `kind` and, if it has no problem and this is not a dry run, load it
    (replacing rows whose key exists, or skipping them with only_new). Never raises for bad input.
    `file_name` is the name the log records when the file was saved under another (an upload).
    Imports run one at a time: while another runs, this one calls `on_wait()` and waits for it up to `wait`
    seconds (None: as long as it takes), then gives up with a problem and nothing changed (a dry run waits for
    nothing). A file with its own headers and values is read through a `mapping` (queries.mappings); `decimal`
    declares its decimal separator (conventions.DECIMAL_SEPARATORS), else the mapping's, else none is declared."""
    path, database = Path(path), Database.of(engine)
    result = ImportResult(kind, file_name or path.name, dry_run=dry_run, imported_by=imported_by,
                          decimal=decimal or (mapping.decimal if mapping else None))
    try:
        if kind not in KINDS:
            raise FileProblem(f"Unknown kind {kind!r}; the kinds are: {', '.join(LOAD_ORDER)}.")
        spec = KINDS[kind]
        if mapping is not None and mapping.kind != kind:
            raise FileProblem(f"The mapping {mapping.name or ''} is for {mapping.kind}, not for {kind}."
                              .replace("  ", " "))
        result.sha256, source_file = sources.open_source(path)
        if mapping is not None:
            source_file = mapping.apply(source_file)
            result.ignored = source_file.ignored
        _check_header(spec, source_file.header)
        problems = _Problems(spec, max(1, settings.get_int("CIVMON_MAX_REPORTED_PROBLEMS")))
        try:
            with database.import_transaction(write=not dry_run, wait=wait, on_wait=on_wait) as conn:
                _run(conn, spec, source_file, result, problems, only_new, source)
        except _Rejected:
            pass
        except (sa.exc.IntegrityError, sa.exc.DataError) as exc:  # a rule the checks above missed
            raise FileProblem(f"The database refused the file: {exc.orig}".rstrip() + ".") from None
        except db.ImportBusy as exc:
            result.busy = True
            raise FileProblem(str(exc)) from None
        finally:
            database.forget_version()  # a web request that imports, then reads, reads the new version
        result.problems, result.problem_count = problems.sorted(), problems.count
        if mapping is not None:  # each column as the file names it
            result.problems = [Problem(p.row, source_file.source_name(p.column), p.reason) for p in result.problems]
    except FileProblem as exc:
        result.problems, result.problem_count = [Problem(None, None, str(exc))], 1
    except OSError as exc:
        result.problems, result.problem_count = [Problem(None, None, f"The file cannot be read: {exc}.")], 1
    if not result.ok:
        result.added = result.replaced = 0
    return result


def write_templates(directory=DATA_DIR / "templates") -> list[Path]:
    """Write data/templates/KIND.csv for every kind: the header and the example row of the contract."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in LOAD_ORDER:
        kind = KINDS[name]
        path = directory / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(kind.column_names)
            writer.writerow(c.example for c in kind.columns)
        paths.append(path)
    return paths
