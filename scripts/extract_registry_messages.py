#!/usr/bin/env python3
"""Add the texts Babel cannot see to the message template, then write the template.

`pybabel extract` finds the `_()` and `tr()` calls of the dashboard. The query registry's texts
are keyword arguments of the `@query(...)` decorator and the import kinds' titles are fields of
`queries.contract.KINDS`, so this script adds them from the loaded registry:

* every registered query's title, definition and legal basis (shown on the pages and /about),
* every column name of the query tables (the translation is the column header's tooltip),
* every import kind's title (/about),
* the demo dataset's training topics (the training-by-topic chart translates topic names),
* the data-quality warnings' names and explanations (queries.quality.CHECKS, on /data/quality),
* the messages of the query layer's FilterError (shown on a page's explained empty view), extracted from
  the `FilterError("…")` calls in queries/.

The template's creation date is kept when its messages did not change, so `make messages` run
twice changes no file.

Run (from `make messages`):
    .venv/bin/python scripts/extract_registry_messages.py EXTRACTED.pot dashboard/locales/messages.pot
EXTRACTED.pot (pybabel's output) is read, completed, written to the second path and removed.
"""
from __future__ import annotations

import inspect
import sys
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from queries import all_queries  # noqa: E402
from queries.contract import KINDS, LOAD_ORDER  # noqa: E402
from queries.demo import TOPICS  # noqa: E402
from queries.quality import CHECKS  # noqa: E402


def _where(obj) -> tuple[str, None]:
    return (Path(inspect.getsourcefile(obj)).resolve().relative_to(ROOT).as_posix(), None)


def registry_messages() -> list[tuple[str, tuple[str, None], str]]:
    """(msgid, location, comment for translators) in registry order."""
    out = []
    for q in all_queries():
        where = _where(q.func)
        out.append((q.title, where, f"Title of the query {q.id}"))
        out.append((q.definition, where, f"Definition of the query {q.id}"))
        if q.legal_basis:
            out.append((q.legal_basis, where, f"Legal basis of the query {q.id}"))
    for q in all_queries():
        for col in q.columns:
            out.append((col, _where(q.func), "Column of a data table (the translation is the header's tooltip)"))
    contract = ("queries/contract.py", None)
    for k in LOAD_ORDER:
        out.append((KINDS[k].title, contract, f"Title of the import kind {k}"))
    for topic in TOPICS:
        out.append((topic, ("queries/demo.py", None), "Training topic of the demo data"))
    for check in CHECKS:
        out.append((check.title, ("queries/quality.py", None), f"Name of the data-quality warning {check.id}"))
        out.append((check.explain, ("queries/quality.py", None), f"Why the warning {check.id} deserves a look"))
    for path in sorted((ROOT / "queries").glob("*.py")):
        where = (path.relative_to(ROOT).as_posix(), None)
        for _line, msgid, _comments, _context in extract_from_file("python", str(path),
                                                                   keywords={"FilterError": None}):
            out.append((msgid, where, "Message about a filter that cannot be used; keep the {placeholders}"))
    return out


def _messages(catalog) -> list:
    return [(m.id, m.string, tuple(m.locations), tuple(m.auto_comments), tuple(sorted(m.flags)))
            for m in catalog if m.id]


def main(extracted: str, target: str) -> None:
    src, dst = Path(extracted), Path(target)
    with src.open("rb") as fh:
        catalog = read_po(fh)
    for msgid, location, comment in registry_messages():
        if msgid in catalog:
            m = catalog[msgid]
            if location not in m.locations:
                m.locations.append(location)
            if comment not in m.auto_comments:
                m.auto_comments.append(comment)
        else:
            catalog.add(msgid, locations=[location], auto_comments=[comment])
    if dst.exists():
        with dst.open("rb") as fh:
            old = read_po(fh)
        if _messages(old) == _messages(catalog):
            catalog.creation_date = old.creation_date
    with dst.open("wb") as fh:
        write_po(fh, catalog, include_lineno=False)
    src.unlink()
    print(f"{target}: {sum(1 for m in catalog if m.id)} messages")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
