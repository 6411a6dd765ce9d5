"""The stewards' mappings (queries.mappings): /admin/mappings lists the saved ones and exports each as TOML; a
sample of the source's file gives its headers, each template column is matched to one (the closest preselected),
given a constant, or left out, and a column's values translated; the mapping is saved under a name and chosen on
the upload page."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

import flask

from queries import db, mappings, sources
from queries.contract import KINDS
from queries.conventions import DECIMAL_SEPARATORS

from . import auth, i18n
from .i18n import _

bp = flask.Blueprint("civmon_mappings", __name__, url_prefix="/admin/mappings")
PRESELECT = 0.75  # how alike (difflib's ratio) a header must be to a template column to be chosen for it
SAMPLE_ROWS = 2000  # rows of the sample read for the values a column holds
TRANSLATABLE = ("enum", "bool", "code")  # columns whose values a mapping usually translates


@bp.before_request
def _sample_limit():
    """A sample of a source's file may be as large as a file to load (only its first rows are read)."""
    if flask.request.endpoint == "civmon_mappings.build":
        auth.allow_upload()


def separators() -> list[tuple[str, str]]:
    tr = i18n.translator(auth.lang())
    return [("", tr(_("Not stated (a cell such as 25.000 is refused)"))),
            ("comma", tr(_("Decimal comma: 25.000,50"))), ("point", tr(_("Decimal point: 25,000.50")))]


def _list_page(status: int = 200, **context):
    rows = [{**r, "when": r["saved_at"].strftime("%Y-%m-%d %H:%M"),
             "export": auth.with_lang(f"/admin/mappings/{r['name']}.toml")} for r in mappings.saved(db.database())]
    return auth.render(_("Mappings"), "mappings.html", status=status, texts=TEXTS, active="mappings", rows=rows,
                       kinds=auth.kind_choices(), build=auth.with_lang("/admin/mappings/new"), **context)


@bp.get("")
@auth.steward_required
def index():
    return _list_page()


@bp.get("/<name>.toml")
@auth.steward_required
def export(name: str):
    found = mappings.get(db.database(), name)
    if found is None:
        flask.abort(404)
    response = flask.make_response(found.to_toml())
    response.headers["Content-Type"] = "application/toml; charset=utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.toml"
    return response


def _sample(storage) -> tuple[list[str], dict[str, list[str]]]:
    """The sample file's headers and, per header, its first distinct values."""
    folder = Path(tempfile.mkdtemp(prefix="civmon-sample-"))
    try:
        suffix = Path(storage.filename or "").suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise sources.FileProblem(_("Choose a .csv or .xlsx file that holds the source's own headers."))
        path = folder / f"sample{suffix}"
        storage.save(path)
        _digest, source = sources.open_source(path)
        headers = [h for h in source.header if h and not h.startswith("\x00")]
        values: dict[str, list[str]] = {h: [] for h in headers}
        for chunk in source.chunks(SAMPLE_ROWS):
            for h in headers:
                values[h] = list(dict.fromkeys(v.strip() for v in chunk.frame[h] if v.strip()))[:30]
            break
        return headers, values
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _matched(name: str, headers: list[str]) -> str:
    """The header that is the template column, or close enough to preselect; '' when none is."""
    return mappings.closest(name, headers, cutoff=PRESELECT) or ""


def _columns(kind: str, headers: list[str], values: dict[str, list[str]], form=None) -> list[dict]:
    spec, out = KINDS[kind], []
    for col in spec.columns:
        source = form.get(f"column:{col.name}", "") if form else _matched(col.name, headers)
        given = form.get(f"values:{col.name}", "") if form else "\n".join(
            f"{v} = {mappings.closest(v, col.choices)}" for v in values.get(source, [])
            if col.choices and v not in col.choices)
        out.append({"name": col.name, "required": col.required, "choices": ", ".join(col.choices),
                    "source": source, "constant": form.get(f"constant:{col.name}", "") if form else "",
                    "translatable": col.type in TRANSLATABLE, "values": given})
    return out


def _builder(kind: str, file: str, headers: list[str], columns: list[dict], status: int = 200, **context):
    tr = i18n.translator(auth.lang())
    return auth.render(_("New mapping"), "mapping.html", status=status, texts=TEXTS, active="mappings", kind=kind,
                       file=file, headers=headers, headers_json=json.dumps(headers), columns=columns,
                       separators=separators(), save=auth.with_lang("/admin/mappings/save"),
                       back=auth.with_lang("/admin/mappings"), kind_title=tr(KINDS[kind].title), **context)


@bp.post("/new")
@auth.steward_required
def build():
    auth.check_csrf()
    tr = i18n.translator(auth.lang())
    kind, storage = flask.request.form.get("kind", ""), flask.request.files.get("file")
    if kind not in KINDS or not storage or not storage.filename:
        return _list_page(400, error=tr(_("Choose the kind of data and a sample file with the source's headers.")))
    try:
        headers, values = _sample(storage)
    except sources.FileProblem as exc:
        return _list_page(400, error=tr(str(exc)))
    return _builder(kind, storage.filename, headers, _columns(kind, headers, values),
                    name=Path(storage.filename).stem, decimal="")


def _translations(text: str) -> dict[str, str]:
    """'source value = contract value' lines; a line without '=' is skipped (it says nothing to translate)."""
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {source.strip(): value.strip() for source, value in pairs if source.strip() and value.strip()}


@bp.post("/save")
@auth.steward_required
def save():
    auth.check_csrf()
    tr, form = i18n.translator(auth.lang()), flask.request.form
    kind, name = form.get("kind", ""), form.get("name", "").strip()
    try:
        headers = [h for h in json.loads(form.get("headers", "[]")) if isinstance(h, str)]
    except ValueError:
        headers = []
    if kind not in KINDS:
        return _list_page(400, error=tr(_("Choose the kind of data and a sample file with the source's headers.")))
    columns = _columns(kind, headers, {}, form)
    decimal = form.get("decimal") if form.get("decimal") in DECIMAL_SEPARATORS else None

    def again(message: str):
        return _builder(kind, "", headers, columns, status=400, error=message, name=name, decimal=decimal or "")
    if not name or len(name) > 100 or "/" in name:
        return again(tr(_("Give the mapping a name of at most 100 characters, without '/'.")))
    try:
        mapping = mappings.Mapping(
            kind=kind, name=name, decimal=decimal,
            columns={c["name"]: c["source"] for c in columns if c["source"] and c["source"] in headers},
            constants={c["name"]: c["constant"].strip() for c in columns if c["constant"].strip() and not c["source"]},
            values={c["name"]: t for c in columns if c["source"] and (t := _translations(c["values"]))})
        missing = [c for c in KINDS[kind].required if c not in mapping.columns and c not in mapping.constants]
        if missing:
            raise mappings.MappingProblem(tr(_("Give each required column a source column or a constant: "
                                               "{columns}.")).format(columns=", ".join(missing)))
    except mappings.MappingProblem as exc:
        return again(str(exc))
    mappings.save(db.database(), mapping, auth.current_user().username)
    return _list_page(saved=tr(_("Saved the mapping {name}. Choose it on the upload page to load the source's "
                                 "files.")).format(name=name))


TEXTS = {
    "title": _("Mappings"),
    "intro": _("A mapping reads a source's own file (its headers, its words, its decimal comma) as a template of "
               "civmon. Build one from a sample of the file, save it under a name, and choose it on the upload page."),
    "name": _("Name"), "kind": _("Kind of data"), "who": _("Saved by"), "when": _("Saved (UTC)"),
    "export": _("Export"), "none": _("No mapping has been saved yet."), "new": _("New mapping"),
    "new_help": _("A sample of the source's file: civmon reads its header row and first rows, and keeps nothing."),
    "sample": _("Sample file (.csv or .xlsx)"), "read": _("Read its headers"), "choose": _("Choose…"),
    "build_title": _("New mapping"),
    "build_intro": _("Match each column of the {kind} template to a column of {file}, or give it one value for every "
                     "row. Columns of the file left unmatched are not read."),
    "decimal": _("Decimal separator of the source's numbers"), "columns_caption": _("Template columns and their source"),
    "template_column": _("Template column"), "source_column": _("Column of the file"), "constant": _("Or one value"),
    "values": _("Values to translate"), "values_placeholder": _("source value = template value"),
    "values_help": _("Values to translate: one per line, the file's value, '=', the template's value (case and "
                     "spaces are ignored). A star marks a required column."),
    "required": _("required"), "not_in_file": _("— not in the file —"), "save": _("Save the mapping"),
    "cancel": _("Cancel"),
}
