"""The data stewards' pages: /admin/import (check a file, then confirm to load it) and /admin/imports (history).

A file is checked by the importer in dry-run mode: every problem is listed (row, column, reason) and
nothing is written. A clean file waits (dashboard/uploads.py) under a random token that only this session
knows, with its SHA-256; Confirm loads exactly those bytes (the digest is checked again) in one
transaction, as `civmon import` does, recording the steward in the import log. The pages' HTML is in
dashboard/templates/, their script in dashboard/static/.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import shutil
import tempfile
from pathlib import Path

import flask
from werkzeug.exceptions import RequestEntityTooLarge

from queries import db, importer, mappings, settings
from queries.conventions import DECIMAL_SEPARATORS
from queries.contract import KINDS

from . import auth, i18n, mapping_admin, uploads
from .i18n import _

log = logging.getLogger(__name__)

bp = flask.Blueprint("civmon_admin", __name__, url_prefix="/admin")
SUFFIXES = (".csv", ".xlsx")
CONFIRM_WAIT_S = 20  # how long Confirm waits for another import (of any steward, or the command line) to end
_BLOCK = 1 << 20
STATIC = Path(__file__).resolve().parent / "static"

SOURCE_LABELS = {"cli": _("command line"), "web": _("upload page"), "init": _("civmon init"),
                 "demo": _("civmon demo")}


class _TooLarge(Exception):
    pass


def _options() -> dict:
    """The saved mappings and the decimal separators the upload form offers."""
    tr = i18n.translator(auth.lang())
    return {"saved_mappings": [(m["name"], f"{m['name']} ({m['kind']})") for m in mappings.saved(db.database())],
            "separators": mapping_admin.separators(), "mappings_href": auth.with_lang("/admin/mappings"),
            "no_mapping": tr(_("None: the file has the template's headers"))}


def _reading() -> tuple[mappings.Mapping | None, str | None, str | None]:
    """The mapping and decimal separator the form chose, or the sentence that says why they cannot be used."""
    form = flask.request.form
    decimal = form.get("decimal") if form.get("decimal") in DECIMAL_SEPARATORS else None
    name = form.get("mapping", "")
    if not name:
        return None, decimal, None
    try:
        mapping = mappings.get(db.database(), name)
    except mappings.MappingProblem as exc:
        return None, decimal, str(exc)
    if mapping is None:
        return None, decimal, i18n.translator(auth.lang())(_("There is no saved mapping {name}.")).format(name=name)
    return mapping, decimal, None


def register(server: flask.Flask) -> None:
    server.register_blueprint(mapping_admin.bp)
    server.register_blueprint(bp)


@bp.before_request
def _upload_limit():
    """The one request that may be large: a file sent to be checked (a little more than the largest file, for the
    form's other fields and the multipart framing)."""
    if flask.request.endpoint == "civmon_admin.import_check":
        auth.allow_upload()


def _display_name(raw: str | None) -> str:
    """The uploaded file's own name, without any folder and control characters, for the page and the log."""
    name = re.split(r"[\\/]", raw or "")[-1]
    return "".join(ch for ch in name if ch.isprintable()).strip()[:200]


class _NoRoom(Exception):
    pass


def _save(storage, folder: Path, suffix: str, room: int) -> tuple[Path, str]:
    """Copy the upload into `folder`, counting its size against the upload limit and the `room` left for files
    waiting for their confirmation; its path and SHA-256."""
    limit, size, digest = auth.max_upload_bytes(), 0, hashlib.sha256()
    path = folder / f"upload{suffix}"
    with path.open("wb") as out:
        while block := storage.stream.read(_BLOCK):
            size += len(block)
            if size > limit:
                raise _TooLarge
            if size > room:
                raise _NoRoom
            digest.update(block)
            out.write(block)
    return path, digest.hexdigest()


# --- pages -------------------------------------------------------------------------------------------

def _import_page(status: int = 200, **context):
    limit_mb = settings.get("CIVMON_MAX_UPLOAD_MB")
    tr = i18n.translator(auth.lang())
    too_large = tr(TOO_LARGE).format(mb=limit_mb)
    if "kind" not in context:  # the form keeps the kind chosen (not read for a request above the limit)
        context["kind"] = flask.request.form.get("kind") or flask.request.args.get("kind") or ""
    context = {**_options(), **context}
    context.setdefault("mapping", flask.request.form.get("mapping", ""))
    context.setdefault("decimal", flask.request.form.get("decimal", ""))
    return auth.render(_("Load data"), "import.html", status=status, texts=IMPORT_TEXTS, active="import",
                       kinds=auth.kind_choices(), max_bytes=auth.max_upload_bytes(), limit_mb=limit_mb, too_large=too_large,
                       number=lambda v: i18n.number(v, auth.lang()), action=auth.with_lang("/admin/import"),
                       confirm=auth.with_lang("/admin/import/confirm"), cancel=auth.with_lang("/admin/import/cancel"),
                       history=auth.with_lang("/admin/imports"), script="/admin/upload.js", **context)


def _problems_view(result: importer.ImportResult) -> dict:
    tr = i18n.translator(auth.lang())
    count = result.problem_count
    return {"rejected": {
        "summary": tr(_("{file}: {count} problems. Nothing was written; correct the file and check it again.")).format(
            file=result.file_name, count=i18n.number(count, auth.lang())),
        "problems": result.problems,
        "more": tr(_("… and {count} more problems.")).format(count=i18n.number(count - len(result.problems),
                                                                                auth.lang()))
        if count > len(result.problems) else None}}


@bp.get("/")
@bp.get("")
def index():
    return flask.redirect(auth.with_lang("/admin/import"))


@bp.get("/import")
@auth.steward_required
def import_form():
    return _import_page()


@bp.post("/import")
@auth.steward_required
def import_check():
    """Check the uploaded file (dry run): its problems, or what Confirm would load."""
    auth.check_csrf()
    uploads.discard_pending()
    tr = i18n.translator(auth.lang())
    kind = flask.request.form.get("kind", "")
    storage = flask.request.files.get("file")
    name = _display_name(storage.filename if storage else "")
    if kind not in KINDS:
        return _import_page(400, error=_("Choose the kind of data the file holds."))
    mapping, decimal, problem = _reading()
    if problem:
        return _import_page(400, error=problem)
    if mapping is not None and mapping.kind != kind:
        return _import_page(400, error=tr(_("The mapping {name} is for {mapped}, not for {kind}.")).format(
            name=mapping.name, mapped=mapping.kind, kind=kind))
    if not storage or not name:
        return _import_page(400, error=_("Choose a file to check."))
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        return _import_page(400, error=tr(_("{file} is not a .csv or .xlsx file: save it as CSV UTF-8 or as an "
                                            "Excel workbook (.xlsx).")).format(file=name))
    user = auth.current_user()
    room = uploads.pending_limit_bytes() - uploads.sweep(user.username)
    token = secrets.token_urlsafe(24)
    folder = uploads.upload_dir() / token
    folder.mkdir(mode=0o700)
    try:
        path, sha256 = _save(storage, folder, suffix, room)
    except _TooLarge:
        shutil.rmtree(folder, ignore_errors=True)
        return _too_large()
    except _NoRoom:
        shutil.rmtree(folder, ignore_errors=True)
        log.warning("user %s: upload refused, the files waiting for confirmation fill CIVMON_MAX_PENDING_MB",
                    user.username)
        return _import_page(507, error=_("The server is holding too many checked files that wait for their "
                                         "confirmation to take this one; nothing was written. Try again later, or "
                                         "ask the operator to raise CIVMON_MAX_PENDING_MB."))
    result = importer.import_file(db.database(), kind, path, dry_run=True, file_name=name,
                                  imported_by=user.username, mapping=mapping, decimal=decimal)
    if not result.ok:
        shutil.rmtree(folder, ignore_errors=True)
        log.info("user %s checked %r (%s): rejected, %d problems", user.username, name, kind, result.problem_count)
        return _import_page(422, **_problems_view(result))
    (folder / "upload.json").write_text(json.dumps({"user": user.username, "kind": kind, "name": name,
                                                     "sha256": sha256}), encoding="utf-8")
    flask.session["pending"] = pending = {"token": token, "kind": kind, "name": name, "sha256": sha256,
                                          "rows": result.rows, "added": result.added, "replaced": result.replaced,
                                          "mapping": mapping.name if mapping else "", "decimal": decimal or ""}
    log.info("user %s checked %r (%s): %d rows, clean", user.username, name, kind, result.rows)
    return _import_page(checked=_checked_view(pending))


def _checked_view(pending: dict) -> dict:
    """What the page says of a checked file that Confirm would load."""
    tr = i18n.translator(auth.lang())
    return {"token": pending["token"], "name": pending["name"], "kind_title": dict(auth.kind_choices())[pending["kind"]],
            "sha256": pending["sha256"], "added": pending.get("added", 0), "replaced": pending.get("replaced", 0),
            "summary": tr(_("{file}: {rows} rows checked, no problem found. Nothing has been written yet.")).format(
                file=pending["name"], rows=i18n.number(pending.get("rows", 0), auth.lang()))}


@bp.post("/import/confirm")
@auth.steward_required
def import_confirm():
    """Load the file this session checked, if its bytes are still those that were checked."""
    auth.check_csrf()
    tr = i18n.translator(auth.lang())
    pending = flask.session.get("pending") or {}
    sent = flask.request.form.get("token", "")
    folder = uploads.pending_dir(pending.get("token", ""))
    path = folder / f"upload{Path(pending.get('name', '')).suffix.lower()}" if folder else None
    user = auth.current_user()
    if not (folder and sent and secrets.compare_digest(sent, pending["token"]) and path.is_file()
            and uploads.upload_meta(folder).get("user") == user.username):
        uploads.discard_pending()
        return _import_page(409, error=_("There is no checked file to load (it was loaded, cancelled or is more "
                                         "than a day old). Check the file again."))
    with tempfile.TemporaryDirectory(prefix="civmon-load-") as private:
        copy, sha256 = uploads.snapshot(path, Path(private))
        if sha256 != pending["sha256"]:
            uploads.discard_pending()
            log.warning("user %s: upload %s changed between check and confirmation; not loaded", user.username,
                        pending["token"])
            return _import_page(409, error=_("The checked file changed on the server before it was loaded; nothing "
                                             "was written. Check the file again."))
        mapping = mappings.get(db.database(), pending["mapping"]) if pending.get("mapping") else None
        result = importer.import_file(db.database(), pending["kind"], copy, source="web",
                                      imported_by=user.username, file_name=pending["name"], wait=CONFIRM_WAIT_S,
                                      mapping=mapping, decimal=pending.get("decimal") or None)
    if result.busy:  # the checked file stays, so that Confirm can be pressed again
        log.info("user %s: %r not loaded yet, another import is running", user.username, pending["name"])
        return _import_page(409, error=_("Another import is running, so this file was not loaded yet; nothing was "
                                         "written. Press Confirm again in a minute."), checked=_checked_view(pending))
    uploads.discard_pending()
    if not result.ok:  # the database changed since the check (a reference removed, say)
        log.info("user %s: %r (%s) rejected at confirmation, %d problems", user.username, pending["name"],
                 pending["kind"], result.problem_count)
        return _import_page(422, **_problems_view(result))
    log.info("user %s loaded %r (%s, sha256 %s): %d rows, %d added, %d replaced", user.username, result.file_name,
             result.kind, result.sha256, result.rows, result.added, result.replaced)
    return _import_page(loaded=tr(_("Loaded {file}: {added} rows added, {replaced} replaced. The pages show the new "
                                    "figures now.")).format(file=result.file_name,
                                                            added=i18n.number(result.added, auth.lang()),
                                                            replaced=i18n.number(result.replaced, auth.lang())),
                        warnings=[{"title": tr(w.title), "count": i18n.number(w.count, auth.lang()),
                                   "ids": ", ".join(w.ids)} for w in result.warnings],
                        quality=auth.with_lang("/data/quality"))


@bp.post("/import/cancel")
@auth.steward_required
def import_cancel():
    auth.check_csrf()
    uploads.discard_pending()
    return flask.redirect(auth.with_lang("/admin/import"))


def _too_large():
    tr = i18n.translator(auth.lang())
    return _import_page(413, kind="", error=tr(TOO_LARGE).format(mb=settings.get("CIVMON_MAX_UPLOAD_MB")))


@bp.errorhandler(RequestEntityTooLarge)
def request_too_large(_exc):
    """A request above MAX_CONTENT_LENGTH: the upload page with the limit, not an error page. The body is read
    to its end first (up to a bound) so that the browser, still sending, gets the answer."""
    stream, left = flask.request.environ.get("wsgi.input"), min(flask.request.content_length or 0,
                                                                 4 * auth.max_upload_bytes())
    try:
        while stream is not None and left > 0 and (block := stream.read(min(_BLOCK, left))):
            left -= len(block)
    except OSError:
        pass
    if auth.current_user() is None:
        return flask.redirect(auth.with_lang("/login", next="/admin/import"))
    return _too_large()


@bp.get("/imports")
@auth.steward_required
def imports():
    tr = i18n.translator(auth.lang())
    rows = db.database().imports()
    for r in rows:
        r["who"] = r["imported_by"] or "—"
        r["how"] = tr(SOURCE_LABELS.get(r["source"], r["source"]))
        r["when"] = r["imported_at"].strftime("%Y-%m-%d %H:%M")
        r["kind_title"] = tr(KINDS[r["kind"]].title) if r["kind"] in KINDS else r["kind"]
    return auth.render(_("Import history"), "imports.html", texts=IMPORTS_TEXTS, active="history", rows=rows,
                       number=lambda v: i18n.number(v, auth.lang()))


@bp.get("/upload.js")
def upload_script():
    """Refuses a too large file in the browser, before it is sent (the server checks again)."""
    return flask.send_from_directory(STATIC, "upload.js", mimetype="text/javascript", max_age=3600)


TOO_LARGE = _("The file is larger than the limit of {mb} MB. Split it into smaller files (a file is loaded "
              "completely or not at all), or ask the operator to raise CIVMON_MAX_UPLOAD_MB.")

IMPORT_TEXTS = {
    "title": _("Load data"),
    "intro": _("Choose the kind of data and a CSV or XLSX file that follows its template. civmon checks every row "
               "first and writes nothing until you confirm; a file is loaded completely or not at all."),
    "kind": _("Kind of data"), "choose": _("Choose…"), "file": _("File (.csv or .xlsx)"),
    "limit": _("At most {mb} MB. Row 1 is the header; load regions and authorities before the data that "
               "refers to them."),
    "check": _("Check the file"), "row": _("Row"), "column": _("Column"), "reason": _("Problem"),
    "problems_caption": _("Problems found in the file"), "whole_file": _("whole file"),
    "to_add": _("Rows to add"), "to_replace": _("Rows to replace"), "kind_label": _("Kind"),
    "confirm": _("Confirm and load"), "cancel": _("Cancel"), "see_history": _("See the import history"),
    "checked_title": _("Ready to load"), "rejected_title": _("The file was not loaded"),
    "mapping": _("Mapping"), "mapping_help": _("For a file with its own headers and words."),
    "mappings_link": _("Build or export mappings"), "decimal": _("Decimal separator"),
    "warnings": _("Loaded, but worth a look:"), "quality": _("See them all on the data-quality page"),
}

IMPORTS_TEXTS = {
    "title": _("Import history"), "intro": _("Every file loaded into civmon, latest first (times in UTC)."),
    "when": _("When (UTC)"), "who": _("Who"), "how": _("How"), "kind": _("Kind"), "file": _("File"),
    "rows": _("Rows"), "added": _("Added"), "replaced": _("Replaced"), "none": _("Nothing has been imported yet."),
}
