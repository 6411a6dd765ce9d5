"""Files a steward uploaded and checked, waiting for their confirmation (dashboard/admin.py): where they wait, how
long, how much room they may take, and the private copy that is loaded.

A checked file waits in CIVMON_UPLOAD_DIR under a random token that only its session knows, with a note of who
uploaded it; each steward has one at most, together they take at most CIVMON_MAX_PENDING_MB, and each is deleted
when loaded, cancelled, at sign-out, or a day old.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import flask

from queries import settings

TOKEN = re.compile(r"^[A-Za-z0-9_-]{24,64}$")
KEEP_SECONDS = 24 * 3600  # an unconfirmed upload older than this is deleted
_BLOCK = 1 << 20


def upload_dir() -> Path:
    path = Path(settings.get("CIVMON_UPLOAD_DIR") or Path(tempfile.gettempdir()) / "civmon-uploads")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def pending_dir(token: str) -> Path | None:
    return upload_dir() / token if TOKEN.match(token or "") else None


def discard_pending() -> None:
    """Forget this session's unconfirmed upload and delete its file."""
    pending = flask.session.pop("pending", None)
    if pending and (folder := pending_dir(pending.get("token", ""))):
        shutil.rmtree(folder, ignore_errors=True)


def sweep(user: str) -> int:
    """Delete unconfirmed uploads older than KEEP_SECONDS (any session's) and the user's own earlier one (a steward
    has at most one file waiting); the bytes the others still take."""
    limit, kept = time.time() - KEEP_SECONDS, 0
    for folder in upload_dir().iterdir():
        try:
            if not (folder.is_dir() and TOKEN.match(folder.name)):
                continue
            if folder.stat().st_mtime < limit or upload_meta(folder).get("user") == user:
                shutil.rmtree(folder, ignore_errors=True)
            else:
                kept += sum(f.stat().st_size for f in folder.iterdir())
        except OSError:
            continue
    return kept


def pending_limit_bytes() -> int:
    """How much checked files waiting for their confirmation may take together (CIVMON_MAX_PENDING_MB)."""
    return max(1, settings.get_int("CIVMON_MAX_PENDING_MB")) << 20


def snapshot(path: Path, folder: Path) -> tuple[Path, str]:
    """A copy of the checked file in a folder only this process knows, and its SHA-256: what is loaded is this copy,
    so bytes written to the upload folder after the comparison cannot slip into the load."""
    copy, digest = folder / path.name, hashlib.sha256()
    with path.open("rb") as source, open(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        while block := source.read(_BLOCK):
            digest.update(block)
            out.write(block)
    return copy, digest.hexdigest()


def upload_meta(folder: Path) -> dict:
    """Who uploaded the file kept in `folder`, its kind, name and SHA-256 (written at its check)."""
    try:
        return json.loads((folder / "upload.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
