"""civmon's settings: one table of (name, default, help), read from the environment.

Precedence: an explicit argument > the environment variable > the default below.
The README documents every setting; tests/test_docs.py fails when one is missing.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "", "SQLAlchemy URL of the database; empty means the SQLite file data/civmon.db. "
            "PostgreSQL: postgresql+psycopg://user@host/dbname"),
    Setting("REDIS_URL", "", "Redis URL of the cache shared by all workers and hosts (production); empty: a memory "
            "cache in each worker. When Redis does not answer, pages are served uncached"),
    Setting("CIVMON_GEOJSON_DIR", "", "Folder of an operator's own <COUNTRY>.geojson files (features with "
            "properties.code = ISO 3166-2 code) used for the maps instead of data/geo/"),
    Setting("CIVMON_CACHE_TIMEOUT", "86400", "Seconds a cached chart or query result is kept (every import "
            "changes the cache keys, so new data shows at once whatever this is); 0 turns the cache off"),
    Setting("CIVMON_CACHE_MEMORY_MB", "256", "Megabytes each worker's memory cache may hold when REDIS_URL is not set "
            "(the least recently used entries go first)"),
    Setting("CIVMON_WARM", "1", "1: at start-up and after every import, the main pages are drawn into the cache for "
            "the whole dataset and each country, so their first readers get them at once (dashboard/warm.py); "
            "0: each view is drawn when first asked for"),
    Setting("CIVMON_STATEMENT_TIMEOUT", "30", "Seconds one SQL statement of the web app, the API or civmon report may "
            "run before it is stopped (the request then answers 503); imports and civmon demo have no limit. 0: no limit"),
    Setting("CIVMON_CONNECT_TIMEOUT", "5", "Seconds to wait for the database to accept a connection; after an attempt "
            "that timed out the next ones fail at once for 3 s, so a request waits for one timeout, not one per query"),
    Setting("CIVMON_IMPORT_CHUNK_ROWS", "50000", "Rows read and validated at a time when importing a file"),
    Setting("CIVMON_IMPORT_MEMORY_MB", "256", "Memory an XLSX file's table of shared texts may take when it is read "
            "(openpyxl holds it whole); a workbook that needs more is refused before it is read. CSV files are "
            "read a part at a time and need no such limit"),
    Setting("CIVMON_MAX_REPORTED_PROBLEMS", "10000", "Problems listed one by one for a rejected file; the rest are counted"),
    Setting("CIVMON_EMBED_ANCESTORS", "*", "Sites that may show /embed/ pages in a frame: CSP frame-ancestors sources "
            "separated by spaces (e.g. 'self' https://portal.example.gov); every other page may not be framed"),
    Setting("CIVMON_ENV", "development", "production: the app refuses to start without SECRET_KEY and sends the "
            "stewards' session cookie over HTTPS only (Secure); development: a key of its own and cookies over http"),
    Setting("SECRET_KEY", "", "Key that signs the stewards' session cookies and form tokens; required when "
            "CIVMON_ENV=production (e.g. python -c 'import secrets; print(secrets.token_hex(32))'). Empty in "
            "development: a random key kept in data/secret_key"),
    Setting("CIVMON_RECIPIENT_URL", "", "Address of a recipient in a national registry of organisations, with {id} "
            "where its registry id goes (e.g. https://registry.example/ngo/{id}); the recipient page links to it when "
            "the id is known. Empty: no link"),
    Setting("CIVMON_MAX_UPLOAD_MB", "200", "Largest file, in megabytes, a steward may upload at /admin/import"),
    Setting("CIVMON_MAX_REQUEST_KB", "256", "Largest request body, in kilobytes, the server reads (a page's callback "
            "sends a few); a larger one is refused with 413 before it is read. Uploads have CIVMON_MAX_UPLOAD_MB"),
    Setting("CIVMON_MAX_PENDING_MB", "1024", "Megabytes the checked files waiting for their confirmation may take "
            "together in CIVMON_UPLOAD_DIR (each steward has one at most; they are deleted when loaded, cancelled or "
            "a day old); an upload that would need more is refused"),
    Setting("CIVMON_UPLOAD_DIR", "", "Folder that keeps an uploaded file between its check and its confirmation; "
            "empty means a civmon-uploads folder in the system's temporary folder (shared by a host's workers)"),
    Setting("BROWSER_PATH", "", "Chromium or Chrome that draws the PNG and SVG images (kaleido); empty means "
            "/usr/bin/chromium or one on the PATH"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str, override: str | None = None) -> str:
    """The value of a setting: override, else environment, else default."""
    if override not in (None, ""):
        return override
    return os.environ.get(name) or _BY_NAME[name].default


def get_int(name: str) -> int:
    return int(get(name))


def default_sqlite_url() -> str:
    return f"sqlite:///{DATA_DIR / 'civmon.db'}"


def database_url(override: str | None = None) -> str:
    return get("DATABASE_URL", override) or default_sqlite_url()
