"""Importing answers collected by another tool (CSV), through engage.core.jobs: the upload is
checked whole when it arrives (problems listed by row and column, nothing stored), kept
outside the web root (its bytes in the upload storage, ``survey-imports/<token>.upload``, its
record in the database), and imported in a background job on the queue once someone presses
"Import". Progress goes to the upload's record, which the progress page reads (in any worker
process, on any web node) and the command line prints.

All or nothing: the import checks every row again, stores every response in one transaction
and commits once; any problem rolls everything back and the record says what went wrong.
Claimed once: pressing "Import" twice, in two tabs, two web workers or on two nodes, imports the file
once (``UploadStore.claim``); the second is told it already ran and where to see it. A
file whose answers are already in the survey is refused as well (submission keys).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from flask import Flask

from ..core.jobs import DONE, FAILED, FAILED_MESSAGE, RUNNING, UploadStore
from ..extensions import db
from . import entry

log = logging.getLogger(__name__)
UPLOADS = UploadStore("survey-imports")
GONE = "The survey was deleted while its answers were being imported, so nothing was imported."

Progress = Callable[[str, int, int], None]


def store(survey, user, check: entry.ImportCheck, data: bytes) -> str:
    """Keep a checked upload until someone presses "Import"; returns its token."""
    channels: dict[str, int] = {}
    for _n, channel, _answers in check.rows:
        channels[channel] = channels.get(channel, 0) + 1
    return UPLOADS.store({"survey_id": survey.id, "user_id": getattr(user, "id", None), "filename": check.filename,
                          "rows": len(check.rows), "channels": channels, "phase": "", "done": 0, "total": len(check.rows)}, data)


def load(token: str, base: Path | None = None) -> dict | None:
    return UPLOADS.load(token, base)


def run(actor, survey, filename: str, data: bytes, progress: Progress | None = None) -> int:
    """Check the file again and store every response (flush, no commit): the caller commits
    once, or rolls back on any exception so nothing is half imported."""
    check = entry.check_file(survey, filename, data, progress=progress)
    return entry.import_rows(actor, survey, check, progress=progress)


def start(app: Flask, token: str, takeover: bool = False) -> int | None:
    """Claim the upload and import it in background work (a job on the queue); returns the
    job's id. None when it has already been
    claimed (a second click, a second tab): the caller says it already ran. ``takeover``:
    start again an import whose worker died (``UPLOADS.stalled``); nothing of it was saved."""
    return UPLOADS.start(app, token, _run, name="survey-import", takeover=takeover, phase="checking", done=0, problems=[])


def wait(token: str, timeout: float = 60.0) -> None:
    """Wait for a background import to finish (tests use this)."""
    UPLOADS.wait(token, timeout)


def _run(base: Path, token: str, record: dict) -> None:
    from ..accounts.models import User
    from .models import Survey

    try:
        data = UPLOADS.data(token, base)
        survey = db.session.get(Survey, record.get("survey_id"))
        actor = db.session.get(User, record.get("user_id")) if record.get("user_id") else None
        if survey is None or data is None:
            raise entry.EntryProblems([GONE])
        count = run(actor, survey, record.get("filename") or "answers.csv", data, UPLOADS.progress(token, base))
        if not UPLOADS.holds(token):  # taken over after this worker froze past its lease: not ours
            db.session.rollback()
            return
        db.session.commit()
        UPLOADS.finish(token, base, done=count, total=count, summary={"responses": count})
    except entry.EntryProblems as error:
        db.session.rollback()
        UPLOADS.fail(token, error.problems, base, cells=[list(c) for c in error.cells])
    except Exception:  # never leave the page waiting for ever; nothing was committed
        db.session.rollback()
        log.exception("Survey import %s failed", token[:8])
        UPLOADS.fail(token, [FAILED_MESSAGE], base)


__all__ = ["UPLOADS", "store", "load", "run", "start", "wait", "DONE", "FAILED", "RUNNING"]
