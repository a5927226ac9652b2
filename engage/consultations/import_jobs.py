"""Uploaded results files waiting for their column mapping, and imports running in the
background.

An upload is kept outside the web root, in ``ENGAGE_UPLOAD_DIR/imports/``, as two files named
by a random token: the bytes (``<token>.upload``) and a small JSON record (``<token>.json``)
holding who uploaded it, for which consultation, and how far its import has got. The JSON is
written atomically, so that the progress page (in any worker process on the same machine) can
read it while a background thread updates it. Uploads are removed after a successful import,
and anything older than a day is cleared out when the next file arrives.

Large files are imported in a background thread with its own app context and session; the
thread commits once, or rolls back and records the problems.
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
import time
from pathlib import Path

from flask import Flask, current_app

from ..core.files import claim
from ..extensions import db

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
_THREADS: dict[str, threading.Thread] = {}
KEEP_SECONDS = 24 * 60 * 60


def folder() -> Path:
    path = Path(current_app.config["ENGAGE_UPLOAD_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _paths(token: str, base: Path | None = None) -> tuple[Path, Path]:
    base = base or folder()
    return base / f"{token}.upload", base / f"{token}.json"


def background_rows() -> int:
    """Files with more data rows than this are imported in the background."""
    return int(current_app.config.get("ENGAGE_IMPORT_BACKGROUND_ROWS", 1000))


def store(consultation_id: int, user_id: int, filename: str, fmt: str, data: bytes, rows: int) -> str:
    prune()
    token = secrets.token_urlsafe(24)
    upload, record = _paths(token)
    fd = os.open(upload, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    _write(record, {
        "consultation_id": consultation_id, "user_id": user_id, "filename": filename, "format": fmt,
        "rows": rows, "state": "uploaded", "created": time.time(), "phase": "", "done": 0, "total": rows,
    })
    return token


def _write(path: Path, data: dict) -> None:
    tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def load(token: str, base: Path | None = None) -> dict | None:
    if not token or not _TOKEN.match(token):
        return None
    _, record = _paths(token, base)
    try:
        return json.loads(record.read_text())
    except (OSError, ValueError):
        return None


def update(token: str, base: Path | None = None, **fields) -> dict:
    _, record = _paths(token, base)
    data = load(token, base) or {}
    data.update(fields)
    _write(record, data)
    return data


def data_of(token: str) -> bytes | None:
    upload, _ = _paths(token)
    try:
        return upload.read_bytes()
    except OSError:
        return None


def discard_upload(token: str, base: Path | None = None) -> None:
    upload, _ = _paths(token, base)
    upload.unlink(missing_ok=True)


def prune(max_age: float = KEEP_SECONDS) -> None:
    cutoff = time.time() - max_age
    for path in folder().glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


# ---- background imports ------------------------------------------------------------------

def start(app: Flask, token: str, mapping: dict[int, str], replace: bool) -> threading.Thread | None:
    """Import the stored file in a background thread; progress goes to the JSON record.
    Returns None when the upload's import has already been started (a second click, or two
    tabs): claiming the upload is one atomic file creation, so only one import ever runs."""
    base = folder()
    if not claim(base / f"{token}.claim"):
        return None
    record = update(token, state="running", phase="reading", done=0, problems=[], started=time.time())
    thread = threading.Thread(target=_run, args=(app, base, token, record, mapping, replace), name=f"import-{token[:8]}", daemon=True)
    _THREADS[token] = thread
    thread.start()
    return thread


def wait(token: str, timeout: float = 60.0) -> None:
    """Wait for a background import to finish (the tests and the benchmark use this)."""
    thread = _THREADS.get(token)
    if thread is not None:
        thread.join(timeout)


def _run(app: Flask, base: Path, token: str, record: dict, mapping: dict[int, str], replace: bool) -> None:
    from ..accounts.models import User
    from .importing import ImportProblems, import_results
    from .models import Consultation

    last = [0.0]

    def progress(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase != "checking" or now - last[0] > 0.2 or done >= total:
            last[0] = now
            update(token, base, phase=phase, done=done, total=total)

    with app.app_context():
        try:
            data = (base / f"{token}.upload").read_bytes()
            consultation = db.session.get(Consultation, record["consultation_id"])
            actor = db.session.get(User, record["user_id"])
            if consultation is None:
                raise ImportProblems([])
            summary = import_results(actor, consultation, record["filename"], data, fmt=record["format"],
                                     mapping=mapping, replace=replace, progress=progress)
            db.session.commit()
            update(token, base, state="done", phase="done", done=record.get("rows", 0), summary=summary.as_dict())
            discard_upload(token, base)
        except ImportProblems as error:
            db.session.rollback()
            messages = error.messages or ["The consultation no longer exists, so nothing was imported."]
            update(token, base, state="failed", phase="failed", problems=messages)
        except Exception:  # record it for the person; never leave the page waiting for ever
            db.session.rollback()
            log.exception("Background import %s failed", token[:8])
            update(token, base, state="failed", phase="failed",
                   problems=["Something went wrong while importing, so nothing was saved. Try again; if it happens again, contact a partnership officer."])
        finally:
            db.session.remove()
            _THREADS.pop(token, None)
            if (load(token, base) or {}).get("state") == "failed":
                # Nothing was saved: free the upload, so the person can change the columns and try again.
                (base / f"{token}.claim").unlink(missing_ok=True)


# ---- background checks ---------------------------------------------------------------------

def start_check(app: Flask, token: str, mapping: dict[int, str], replace: bool) -> threading.Thread | None:
    """Check the whole stored file against these columns in a background thread (large
    files), with progress in the JSON record; the result goes to ``record["check"]`` and the
    upload returns to "uploaded". None when a check or an import of it is already running."""
    base = folder()
    if (base / f"{token}.claim").exists() or not claim(base / f"{token}.checking"):
        return None
    record = update(token, state="checking", phase="reading", done=0, check=None)
    thread = threading.Thread(target=_run_check, args=(app, base, token, record, mapping, replace),
                              name=f"check-{token[:8]}", daemon=True)
    _THREADS[token] = thread
    thread.start()
    return thread


def _run_check(app: Flask, base: Path, token: str, record: dict, mapping: dict[int, str], replace: bool) -> None:
    from .import_check import check_file
    from .importing import ImportProblems, read_file
    from .models import Consultation

    last = [0.0]

    def progress(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 0.2 or done >= total:
            last[0] = now
            update(token, base, phase=phase, done=done, total=total)

    with app.app_context():
        try:
            data = (base / f"{token}.upload").read_bytes()
            consultation = db.session.get(Consultation, record["consultation_id"])
            sheet = read_file(record["filename"], data, progress=progress)
            check = check_file(consultation, sheet, record["format"], mapping, replace=replace, progress=progress)
            update(token, base, state="uploaded", phase="", check=check.as_dict())
        except ImportProblems as error:
            update(token, base, state="uploaded", phase="", check={
                "fmt": record["format"], "mapping": {str(k): v for k, v in mapping.items()}, "replace": replace,
                "problems": error.messages})
        except Exception:  # never leave the page waiting for ever
            log.exception("Background check %s failed", token[:8])
            update(token, base, state="uploaded", phase="", check={
                "fmt": record["format"], "mapping": {str(k): v for k, v in mapping.items()}, "replace": replace,
                "problems": ["Something went wrong while checking the file. Try again; if it happens again, contact a partnership officer."]})
        finally:
            db.session.remove()
            _THREADS.pop(token, None)
            (base / f"{token}.checking").unlink(missing_ok=True)
