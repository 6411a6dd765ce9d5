"""Mappings: a source's own headers and values read as an import template's (SPEC, Records as they come).

A mapping says which source column feeds which contract column, which contract columns take one value for every row
(country = RO, level = central), how a column's values translate ("atribuire directă" -> direct) and, optionally,
the file's decimal separator. It is written as TOML, the same for `civmon import KIND FILE --map M.toml` and for the
mappings stewards save on the upload page (kept in the `mappings` table, exported as the same TOML):

    kind = "grants"
    name = "County council grants spreadsheet (Romanian headers)"
    decimal_separator = "comma"          # optional: "comma" (25.000,50) or "point" (25,000.50)

    [columns]                            # contract column = the source's header
    grant_id = "Nr. contract"
    amount = "Suma (lei)"

    [constants]                          # contract column = the value of every row
    currency = "RON"

    [values.procedure]                   # the source's value = the contract's (case and spaces ignored)
    "atribuire directă" = "direct"

Columns of the file that the mapping does not name are left out (and listed after the import).
"""
from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import sqlalchemy as sa
import tomli_w

from . import schema as t
from .db import Database
from .contract import KINDS
from .conventions import DECIMAL_SEPARATORS
from .sources import Chunk, FileProblem

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "data" / "mappings"


class MappingProblem(ValueError):
    """A mapping that cannot be used, with the sentence that says why."""


@dataclass(frozen=True)
class Mapping:
    kind: str
    name: str = ""
    columns: dict[str, str] = field(default_factory=dict)     # contract column -> source header
    constants: dict[str, str] = field(default_factory=dict)   # contract column -> value of every row
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # contract column -> {source value: value}
    decimal: str | None = None                                # conventions.DECIMAL_SEPARATORS, or None

    def __post_init__(self):
        check(self)

    def apply(self, source) -> "MappedSource":
        return MappedSource(self, source)

    def to_toml(self) -> str:
        doc: dict = {"kind": self.kind}
        if self.name:
            doc["name"] = self.name
        if self.decimal:
            doc["decimal_separator"] = self.decimal
        for key, value in (("columns", self.columns), ("constants", self.constants)):
            if value:
                doc[key] = dict(value)
        if self.values:
            doc["values"] = {column: dict(table) for column, table in self.values.items()}
        return tomli_w.dumps(doc)


def closest(name: str, choices, cutoff: float = 0.0) -> str | None:
    """The choice most like `name` (case and spaces ignored), for a sentence that suggests it; None when none is at
    least `cutoff` alike (difflib's ratio)."""
    folded = {c.casefold().replace(" ", "_"): c for c in choices}
    found = difflib.get_close_matches(name.casefold().replace(" ", "_"), list(folded), n=1, cutoff=cutoff)
    return folded[found[0]] if found else None


def check(m: Mapping) -> None:
    """Every reason the mapping cannot be used, in one sentence each (raised together)."""
    if m.kind not in KINDS:
        raise MappingProblem(f"The mapping's kind {m.kind!r} is not a kind of the data contract; the kinds are: "
                             f"{', '.join(KINDS)}.")
    names, problems = KINDS[m.kind].column_names, []
    for part, table in (("columns", m.columns), ("constants", m.constants), ("values", m.values)):
        for column in table:
            if column not in names:
                problems.append(f"[{part}] names {column!r}, which is not a column of the {m.kind} template "
                                f"(closest: {closest(column, names)}).")
    both = sorted(set(m.columns) & set(m.constants))
    if both:
        problems.append(f"{', '.join(both)}: both a source column and a constant; give one of them.")
    unfed = sorted(set(m.values) - set(m.columns))
    if unfed:
        problems.append(f"[values] translates {', '.join(unfed)}, which no source column feeds.")
    if m.decimal not in (None, *DECIMAL_SEPARATORS):
        problems.append(f"decimal_separator must be \"comma\" or \"point\", not {m.decimal!r}.")
    if problems:
        raise MappingProblem(" ".join(problems))


def _strings(table, what: str) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, (str, int, float, bool))
                                              for k, v in table.items()):
        raise MappingProblem(f"[{what}] must be a table of names and values.")
    return {k: (("true" if v else "false") if isinstance(v, bool) else str(v)) for k, v in table.items()}


def from_toml(text: str, kind: str | None = None) -> Mapping:
    """A mapping from its TOML; `kind`, when given, must be the mapping's."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingProblem(f"The mapping is not valid TOML: {exc}.") from None
    unknown = sorted(set(doc) - {"kind", "name", "decimal_separator", "columns", "constants", "values"})
    if unknown:
        raise MappingProblem(f"The mapping has keys civmon does not know: {', '.join(unknown)} (it knows kind, name, "
                             "decimal_separator, columns, constants and values).")
    mapped = doc.get("kind", kind)
    if not mapped:
        raise MappingProblem("The mapping does not say its kind (kind = \"grants\", for example).")
    if kind is not None and mapped != kind:
        raise MappingProblem(f"The mapping is for {mapped}, not for {kind}.")
    values = doc.get("values", {})
    if not isinstance(values, dict):
        raise MappingProblem("[values] must hold one table per column.")
    return Mapping(kind=mapped, name=str(doc.get("name", "")), columns=_strings(doc.get("columns", {}), "columns"),
                   constants=_strings(doc.get("constants", {}), "constants"),
                   values={c: _strings(t, f"values.{c}") for c, t in values.items()},
                   decimal=doc.get("decimal_separator"))


def load(path, kind: str | None = None) -> Mapping:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingProblem(f"The mapping {path} cannot be read: {exc}.") from None
    return from_toml(text, kind)


def _folded(values: pd.Series) -> pd.Series:
    return values.str.strip().str.casefold()


class MappedSource:
    """A file read through a mapping: its header and chunks as the template's, the source's own names kept for
    messages."""

    def __init__(self, mapping: Mapping, source):
        self.mapping, self.source = mapping, source
        found = set(source.header)
        absent = [h for h in mapping.columns.values() if h not in found]
        if absent:
            named = [h for h in source.header if not h.startswith("\x00")]
            raise FileProblem("The file has no column " + "; no column ".join(
                f"{h!r} (closest in the file: {closest(h, named)!r})" for h in absent)
                + f", which the mapping {mapping.name or ''} reads.".replace("  ", " "))
        used = set(mapping.columns.values())
        self.ignored = [h for h in source.header if h not in used and not h.startswith("\x00") and h]
        self.header = [*mapping.columns, *mapping.constants]
        self._translate = {column: {k.strip().casefold(): v for k, v in table.items()}
                           for column, table in mapping.values.items()}

    def source_name(self, column: str | None) -> str | None:
        """'Data publicării (published_on)': a contract column as the file names it, for a problem's message."""
        header = self.mapping.columns.get(column) if column else None
        return f"{header} ({column})" if header else column

    def chunks(self, chunk_rows: int) -> Iterator[Chunk]:
        """The source's chunks as the template's columns (its problems are renamed with the rest: import_file)."""
        m = self.mapping
        for chunk in self.source.chunks(chunk_rows):
            frame = pd.DataFrame({column: chunk.frame[header] for column, header in m.columns.items()},
                                 index=chunk.frame.index)
            for column, table in self._translate.items():
                values = frame[column].astype(str)
                frame[column] = _folded(values).map(table).fillna(values)
            if m.constants:  # a constant fills the rows that hold anything; blank rows stay blank (and are skipped)
                filled = np.logical_or.reduce([(chunk.frame[c].str.strip() != "").to_numpy()
                                               for c in chunk.frame.columns])
                for column, value in m.constants.items():
                    frame[column] = np.where(filled, value, "")
            yield Chunk(chunk.rows, frame, chunk.problems)



# --- saved mappings (the upload page's) -------------------------------------------------------------------------

def save(engine, mapping: Mapping, user: str) -> None:
    """Keep a mapping under its name, replacing one of the same name."""
    m = t.mappings
    with Database.of(engine).begin() as conn:
        conn.execute(m.delete().where(m.c.name == mapping.name))
        conn.execute(m.insert().values(name=mapping.name, kind=mapping.kind, toml=mapping.to_toml(), saved_by=user,
                                       saved_at=dt.datetime.now(dt.timezone.utc)))


def saved(engine) -> list[dict]:
    """The saved mappings (name, kind, saved_by, saved_at), by name."""
    m = t.mappings
    with Database.of(engine).connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(m.c.name, m.c.kind, m.c.saved_by, m.c.saved_at)
                                              .order_by(m.c.name)).mappings()]


def get(engine, name: str) -> Mapping | None:
    m = t.mappings
    with Database.of(engine).connect() as conn:
        text = conn.execute(sa.select(m.c.toml).where(m.c.name == name)).scalar()
    return from_toml(text) if text is not None else None
