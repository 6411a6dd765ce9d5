"""Data stewards' sign-in: /login and /logout, the session, form tokens (CSRF) and the pages' HTML shell.

Everything public (the pages, /embed/, /api/) needs no account; only the stewards' pages under /admin/
do (dashboard/admin.py). The session is Flask's signed cookie `civmon_session`: HttpOnly, SameSite=Lax,
Secure when CIVMON_ENV=production, signed with SECRET_KEY. It holds the token of a session kept on the server
(queries.users: signing out, a changed password or a removed account ends it there, so a copied cookie stops
working; it lasts SESSION_HOURS) and the form token. Every form carries that token; a POST without it is refused
(400) before anything else is done. Sign-in attempts are limited per username and client address and for all
together (queries.users) and logged without the password. In production every answer asks browsers to use
HTTPS only (Strict-Transport-Security).
"""
from __future__ import annotations

import functools
import hmac
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import flask
from markupsafe import Markup

from queries import db, settings, users
from queries.contract import KINDS, LOAD_ORDER

from . import i18n, uploads
from .i18n import _

log = logging.getLogger(__name__)

SESSION_HOURS = users.SESSION_HOURS
HSTS = "max-age=31536000; includeSubDomains"
SESSION_COOKIE = "civmon_session"
CSRF_FIELD = "csrf_token"
DEV_KEY_FILE = settings.DATA_DIR / "secret_key"
TEMPLATES = Path(__file__).resolve().parent / "templates"

bp = flask.Blueprint("civmon_auth", __name__)



class ConfigError(RuntimeError):
    """The app cannot start with these settings."""


def is_production() -> bool:
    return settings.get("CIVMON_ENV").strip().lower() == "production"


def _development_key(path: Path = DEV_KEY_FILE) -> str:
    """A random key kept in data/secret_key (made once, readable by its owner only), so that a development
    server's sessions survive restarts and are shared by its workers; else one for this process only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        log.warning("%s is empty; using a random key for this process", path)
        return secrets.token_hex(32)
    except OSError as exc:
        log.warning("SECRET_KEY is not set and %s cannot be written (%s): stewards' sessions end when this "
                    "process stops and are not shared with other workers", path, exc)
        return secrets.token_hex(32)
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    log.warning("SECRET_KEY is not set: created a development key in %s (set SECRET_KEY and "
                "CIVMON_ENV=production in production)", path)
    return key


def configure(server: flask.Flask) -> None:
    """The secret key, the session cookie's flags and the upload limit; refuses production without SECRET_KEY."""
    key = settings.get("SECRET_KEY")
    production = is_production()
    if production and not key:
        raise ConfigError("CIVMON_ENV=production needs SECRET_KEY: a long random value shared by every worker and "
                          "host, e.g. python -c 'import secrets; print(secrets.token_hex(32))'.")
    max_upload_bytes()  # a CIVMON_MAX_UPLOAD_MB that is not a size stops the start, not the first upload
    if production and len(key) < 32:
        log.warning("SECRET_KEY is shorter than 32 characters; use a long random value")
    server.config.update(
        SECRET_KEY=key or _development_key(),
        SESSION_COOKIE_NAME=SESSION_COOKIE, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        # every request body is small (a callback's is a few kB), but for the upload of a file to /admin/import,
        # which raises the limit for itself (dashboard/admin.py): a 1.5 MB callback is refused before it is read
        MAX_CONTENT_LENGTH=max_request_bytes(),
    )


def max_upload_bytes() -> int:
    raw = settings.get("CIVMON_MAX_UPLOAD_MB")
    try:
        mb = float(raw)
    except ValueError:
        mb = -1
    if not 0 < mb < 1 << 20:
        raise ConfigError(f"CIVMON_MAX_UPLOAD_MB must be a positive number of megabytes, not {raw!r}.")
    return int(mb * (1 << 20))


def allow_upload() -> None:
    """Let this request carry a file as large as CIVMON_MAX_UPLOAD_MB (and the form's other fields and the multipart
    framing): the upload form's check and the mappings' sample; every other request keeps max_request_bytes."""
    flask.request.max_content_length = max_upload_bytes() + (1 << 16)


def kind_choices() -> list[tuple[str, str]]:
    """The kinds of data, in load order, each with its title in the view's language: the stewards' forms' choice."""
    tr = i18n.translator(lang())
    return [(name, tr(KINDS[name].title)) for name in LOAD_ORDER]


def max_request_bytes() -> int:
    """The largest request body but for an upload (CIVMON_MAX_REQUEST_KB)."""
    return max(16, settings.get_int("CIVMON_MAX_REQUEST_KB")) << 10


def register(server: flask.Flask) -> None:
    configure(server)
    server.register_blueprint(bp)
    if is_production():
        server.after_request(_strict_transport)


def _strict_transport(response: flask.Response) -> flask.Response:
    response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


# --- who is signed in --------------------------------------------------------------------------------

def current_user() -> users.User | None:
    """The signed-in steward of this request, or None (a session that was ended, has expired, or whose account was
    removed counts as none)."""
    if "civmon_user" in flask.g:
        return flask.g.civmon_user
    user = None
    token = flask.session.get("sid")
    if token:
        user = users.session_user(db.database(), str(token))
        if user is None:
            for k in ("sid", "pending"):
                flask.session.pop(k, None)
    flask.g.civmon_user = user
    return user


def lang() -> str:
    """The page's language, from the address (forms post to an address that keeps it)."""
    return i18n.normalise(flask.request.args.get("lang"))


def with_lang(path: str, **params) -> str:
    """A local address with the request's language (when not English) and `params`."""
    query = {k: v for k, v in params.items() if v}
    if lang() != i18n.DEFAULT:
        query["lang"] = lang()
    return path + ("?" + urlencode(query) if query else "")


def steward_required(view):
    """Sends a visitor who is not signed in to /login, and back here afterwards."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            target = flask.request.path if flask.request.method != "GET" else flask.request.full_path.rstrip("?")
            return flask.redirect(with_lang("/login", next=target))
        return view(*args, **kwargs)
    return wrapped


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return with_lang("/admin/import")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return with_lang("/admin/import")
    return target


def client_address() -> str:
    return flask.request.remote_addr or "?"


# --- form tokens (CSRF) ----------------------------------------------------------------------------

def csrf_token() -> str:
    """This session's form token (made on first use)."""
    token = flask.session.get("csrf")
    if not token:
        token = flask.session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_field() -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, csrf_token())


def check_csrf() -> None:
    """Refuses (400) a POST whose form token is missing or is not this session's."""
    sent = flask.request.form.get(CSRF_FIELD, "")
    expected = flask.session.get("csrf", "")
    if not (sent and expected and hmac.compare_digest(sent, expected)):
        log.warning("form refused: missing or wrong CSRF token on %s from %s", flask.request.path, client_address())
        flask.abort(flask.make_response(render(
            _("Form expired"), "error.html", status=400,
            message=_("This form has expired or did not come from this site. Nothing was changed. Open the "
                      "page again and repeat what you did.")), 400))


# --- the HTML shell ---------------------------------------------------------------------------------

SHELL_TEXTS = {
    "tagline": _("Public authorities and civil society"), "load": _("Load data"), "history": _("Import history"),
    "signed_in_as": _("Signed in as"), "sign_out": _("Sign out"), "public_pages": _("Back to the public pages"),
    "about": _("About the data"), "mappings": _("Mappings"),
}

LOGIN_TEXTS = {
    "title": _("Sign in"), "intro": _("For data stewards, who load data into civmon. Everything else is public."),
    "username": _("Username"), "password": _("Password"), "submit": _("Sign in"),
    "accounts": _("Accounts are created by the operator with the command civmon user add."),
}

def translated(texts: dict[str, str]) -> dict[str, str]:
    tr = i18n.translator(lang())
    return {k: tr(v) for k, v in texts.items()}


def render(title: str, template: str, status: int = 200, texts: dict[str, str] | None = None, **context):
    """A stewards' page (a template of dashboard/templates/) in the shell (Bootstrap and civmon's CSS, the stewards'
    menu), as a response."""
    env = _jinja()
    tr = i18n.translator(lang())
    message = context.pop("message", None)
    page = env.get_template(template).render(
        lang=lang(), title=tr(title), t={**translated(SHELL_TEXTS), **translated(texts or {})},
        user=current_user(), csrf=csrf_field(), home=with_lang("/"), about=with_lang("/about"),
        links={"import": with_lang("/admin/import"), "history": with_lang("/admin/imports"),
               "mappings": with_lang("/admin/mappings"),
               "logout": with_lang("/logout")},
        message=tr(message) if isinstance(message, str) else message, **context)
    response = flask.make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@functools.cache
def _jinja():
    """The stewards' pages' templates (dashboard/templates/, each extending shell.html), HTML-escaped."""
    import jinja2
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)


# --- /login and /logout ------------------------------------------------------------------------------

def _login_page(status: int = 200, message: str | None = None, level: str = "danger", username: str = "",
                retry_after: int = 0):
    response = render(_("Sign in"), "login.html", status=status, texts=LOGIN_TEXTS, message=message, level=level,
                      username=username,
                      next=safe_next(flask.request.form.get("next") or flask.request.args.get("next")),
                      action=with_lang("/login"))
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if flask.request.method != "POST":
        if current_user() is not None:
            return flask.redirect(safe_next(flask.request.args.get("next")))
        return _login_page()
    check_csrf()
    engine = db.database()
    username = flask.request.form.get("username", "").strip()[:64]
    password = flask.request.form.get("password", "")
    client = client_address()
    tr = i18n.translator(lang())
    wait = users.begin_attempt(engine, username, client)
    if wait:
        log.warning("sign-in refused for user %r from %s: too many attempts, %d s to wait", username, client, wait)
        return _login_page(429, tr(_("Too many failed attempts. Wait {seconds} seconds, then try again.")).format(
            seconds=wait), username=username, retry_after=wait)
    user = users.authenticate(engine, username, password)
    if user is None:
        log.warning("failed sign-in for user %r from %s (%d in a row)", username, client,
                    users.failures_in_a_row(engine, username, client))
        return _login_page(401, _("Wrong username or password."), username=username)
    users.clear_failures(engine, username, client)
    flask.session.clear()  # a new session: nothing from before the sign-in is kept
    flask.session.update(sid=users.start_session(engine, user.username), csrf=secrets.token_urlsafe(32))
    flask.g.pop("civmon_user", None)
    log.info("user %s signed in from %s", user.username, client)
    return flask.redirect(safe_next(flask.request.form.get("next")))


@bp.post("/logout")
def logout():
    check_csrf()
    user = current_user()
    uploads.discard_pending()
    users.end_session(db.database(), str(flask.session.get("sid", "")))
    flask.session.clear()
    if user:
        log.info("user %s signed out", user.username)
    return flask.redirect(with_lang("/"))
