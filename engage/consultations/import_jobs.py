"""Uploaded results files waiting for their column mapping, and imports running in the
background.

An upload is kept outside the web root (engage/core/jobs.py), named by a random token: the
bytes in the upload storage (``imports/<token>.upload``) and a small record in the database
holding who uploaded it, for which consultation, and how far its import has got, so that the
progress page (in any worker process, on any web node) can read it while the work updates it.
Uploads are removed after a successful import, and anything older than a day is cleared out
when the next file arrives.

Large files are imported in a background thread with its own app context and session; the
thread commits once, or rolls back and records the problems.

Every import, in the request or in the background, first claims its upload
(``engage.core.jobs.UploadStore.claim``): a second submission of the same upload is told the
import already ran (or is running) and is sent to the page that shows it. If the consultation
is deleted while its import runs, the import's rows have nothing to point at: the database
refuses them (foreign keys are enforced on SQLite too), the import rolls back and says so,
and no orphan questions or figures are left.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask, current_app

from ..core.i18n import N_
from ..core.jobs import FAILED_MESSAGE, Lease, UploadStore
from ..extensions import db

log = logging.getLogger(__name__)
KEEP_SECONDS = 24 * 60 * 60
UPLOADS = UploadStore("imports")
GONE = N_("The consultation was deleted while its results were being imported, so nothing was imported.")
# Stored with the upload in English and shown in the reader's language (importing.Problem.from_stored).
N_("Something went wrong while importing, so nothing was saved. Try again; if it happens again, contact a partnership officer.")


def background_rows() -> int:
    """Files with more data rows than this are imported in the background."""
    return int(current_app.config.get("ENGAGE_IMPORT_BACKGROUND_ROWS", 1000))


def store(consultation_id: int, user_id: int, filename: str, fmt: str, data: bytes, rows: int) -> str:
    return UPLOADS.store({
        "consultation_id": consultation_id, "user_id": user_id, "filename": filename, "format": fmt,
        "rows": rows, "phase": "", "done": 0, "total": rows,
    }, data)


def load(token: str, base: Path | None = None) -> dict | None:
    return UPLOADS.load(token, base)


def update(token: str, base: Path | None = None, **fields) -> dict:
    return UPLOADS.update(token, base, **fields)


def data_of(token: str) -> bytes | None:
    return UPLOADS.data(token)


def discard_upload(token: str, base: Path | None = None) -> None:
    UPLOADS.discard_upload(token, base)


def prune(max_age: float = KEEP_SECONDS) -> None:
    UPLOADS.prune(max_age)


def _chosen(mapping: dict[int, str], replace: bool) -> dict:
    """What the import was started with, kept in the record so it can be started again."""
    return {"mapping": {str(k): v for k, v in mapping.items()}, "replace": replace}


def claim(token: str, mapping: dict[int, str] | None = None, replace: bool = False) -> bool:
    """Claim the upload for one import (in the request); False when it is already claimed."""
    return UPLOADS.claim(token, phase="reading", done=0, problems=[], **_chosen(mapping or {}, replace)) is not None


def stalled(token: str) -> bool:
    """The import says "running" but its worker stopped renewing its claim (it died)."""
    return UPLOADS.stalled(token)


def finish(token: str, summary: dict, rows: int) -> None:
    UPLOADS.finish(token, done=rows, summary=summary)


def fail(token: str, problems: list[str], base: Path | None = None) -> None:
    UPLOADS.fail(token, problems, base)


# ---- background imports ------------------------------------------------------------------

def start(app: Flask, token: str, mapping: dict[int, str], replace: bool) -> int | None:
    """Import the stored file in background work (a job on the queue, engage/core/queue.py);
    progress goes to the upload's record (in the database). Returns the job's id.
    Returns None when the upload's import has already been started (a second click, or two
    tabs): claiming the upload is one insert of a unique row, so only one import ever runs."""
    return UPLOADS.start(app, token, _run, mapping, replace, name="import", phase="reading", done=0, problems=[],
                         **_chosen(mapping, replace))


def restart(app: Flask, token: str) -> int | None:
    """Start again, in the background and with the same column choices, an import whose worker
    died (kill -9, a restart) part way: its transaction was never committed, so nothing of it
    is left. None unless the import had stalled (a live one is never started twice), or when
    someone else restarted it first."""
    record = load(token) or {}
    mapping = {int(k): v for k, v in (record.get("mapping") or {}).items()}
    if not mapping:
        return None
    return UPLOADS.start(app, token, _run, mapping, bool(record.get("replace")), name="import", takeover=True,
                         phase="reading", done=0, problems=[], restarted=True)


def wait(token: str, timeout: float = 60.0) -> None:
    """Wait for a background import (or check) to finish (the tests and the benchmark use this)."""
    UPLOADS.wait(token, timeout)


def consultation_gone(consultation_id: int) -> bool:
    """True when the consultation no longer exists (asked after a failed import, in a new
    transaction, so a delete committed while the import ran is seen)."""
    from .models import Consultation

    db.session.rollback()
    return db.session.get(Consultation, consultation_id) is None


def _run(base: Path, token: str, record: dict, mapping: dict[int, str], replace: bool) -> None:
    from ..accounts.models import User
    from .importing import ImportProblems, import_results
    from .models import Consultation

    mapping = {int(column): role for column, role in mapping.items()}  # JSON keys are words
    try:
        data = UPLOADS.data(token, base)
        consultation = db.session.get(Consultation, record["consultation_id"])
        actor = db.session.get(User, record["user_id"])
        if consultation is None:
            raise ImportProblems([])
        summary = import_results(actor, consultation, record["filename"], data, fmt=record["format"],
                                 mapping=mapping, replace=replace, progress=UPLOADS.progress(token, base, throttled={"checking"}))
        if not UPLOADS.holds(token):  # taken over after this worker froze past its lease: not ours
            db.session.rollback()
            return
        db.session.commit()
        UPLOADS.finish(token, base, done=record.get("rows", 0), summary=summary.as_dict())
    except ImportProblems as error:
        db.session.rollback()
        messages = error.stored or [GONE]
        UPLOADS.fail(token, messages, base)
    except Exception:  # record it for the person; never leave the page waiting for ever
        db.session.rollback()
        if consultation_gone(record["consultation_id"]):
            UPLOADS.fail(token, [GONE], base)
        else:
            log.exception("Background import %s failed", token[:8])
            UPLOADS.fail(token, [FAILED_MESSAGE], base)


# ---- background checks ---------------------------------------------------------------------

def start_check(app: Flask, token: str, mapping: dict[int, str], replace: bool) -> threading.Thread | None:
    """Check the whole stored file against these columns in a background thread (large
    files), with progress in the upload's record; the result goes to ``record["check"]`` and the
    upload returns to "uploaded". None when a check or an import of it is already running."""
    base = None
    lease = Lease(UPLOADS.lease_name(token, "checking"))
    # A check whose worker died (its lease ran out) is taken over: a check saves nothing.
    if UPLOADS.claimed(token) or not lease.take(takeover=True):
        return None
    lease.keep_alive()
    record = update(token, state="checking", phase="reading", done=0, check=None)
    return UPLOADS.in_background(app, token, _run_check, base, token, record, mapping, replace, lease, name="check")


def check_stalled(token: str) -> bool:
    """The upload says "checking" but the check's worker stopped renewing its lease (it died):
    the file can be checked again."""
    record = load(token) or {}
    return record.get("state") == "checking" and Lease.expired(UPLOADS.lease_name(token, "checking"))


def _run_check(base: Path, token: str, record: dict, mapping: dict[int, str], replace: bool, lease: Lease) -> None:
    from .import_check import check_file
    from .importing import ImportProblems, read_file
    from .models import Consultation

    progress = UPLOADS.progress(token, base)

    def checked(check: dict) -> None:
        update(token, base, state="uploaded", phase="", check=check)

    def refused(problems: list) -> None:
        checked({"fmt": record["format"], "mapping": {str(k): v for k, v in mapping.items()}, "replace": replace,
                 "problems": problems})

    try:
        data = UPLOADS.data(token, base)
        consultation = db.session.get(Consultation, record["consultation_id"])
        sheet = read_file(record["filename"], data, progress=progress)
        checked(check_file(consultation, sheet, record["format"], mapping, replace=replace, progress=progress).as_dict())
    except ImportProblems as error:
        refused(error.stored)
    except Exception:  # never leave the page waiting for ever
        log.exception("Background check %s failed", token[:8])
        refused([N_("Something went wrong while checking the file. Try again; if it happens again, contact a partnership "
                    "officer.")])
    finally:
        lease.end()
