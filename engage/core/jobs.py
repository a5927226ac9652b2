"""Uploads that are worked on once: an import (in the request or in the background) claims its
upload before it touches the database, so a double click, a second tab or a second web
worker can never run it twice.

An upload is kept outside the web root in ``ENGAGE_UPLOAD_DIR/<kind>/`` as the bytes
(``<token>.upload``) and a small JSON record (``<token>.json``: who, for what, state, progress).
``claim`` is one atomic file creation (``<token>.claim``, engage/core/files.py), so of any
number of submissions exactly one gets it. The others are told what happened: ``outcome``
says whether the work is running, done or failed, and the view sends them to the page that
shows it ("This import has already run: here is what it imported").

How a new capability uses it::

    uploads = jobs.UploadStore("survey-imports")
    token = uploads.store({"survey_id": s.id, "user_id": u.id, ...}, data)   # on upload
    ...
    if not uploads.claim(token):                     # on "Import" (request or thread)
        return redirect(<progress or done page>)     # uploads.load(token)["state"] says which
    try:
        ... do the work, commit ...
        uploads.finish(token, summary={...})          # state "done"; the bytes are removed
    except ...:
        uploads.fail(token, ["what went wrong"])      # state "failed"; the claim is released
                                                      # so the person can fix and try again

Work that fails saves nothing (one transaction), so releasing the claim is safe; work that
succeeds keeps its claim for ever (until the record is pruned after a day).

Long work runs in a background thread::

    def _work(base, token, record, *args):           # in an app context of its own
        progress = uploads.progress(token, base)      # phase, done, total -> the record
        ...

    uploads.start(app, token, _work, *args, name="survey-import", phase="checking")
    # None when already claimed; ``uploads.wait(token)`` waits for it (tests, benchmarks)
"""
from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from pathlib import Path
from typing import Callable, Collection

from flask import Flask, current_app

from ..extensions import db

from .files import claim as _claim_file

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
KEEP_SECONDS = 24 * 60 * 60
RUNNING, DONE, FAILED, UPLOADED = "running", "done", "failed", "uploaded"
# What a person is told when an upload is gone (pruned after a day) or is someone else's.
NOT_YOURS = "That upload has expired or is not yours. Upload the file again."
# What a person is told when background work broke in a way nobody foresaw (it is logged).
FAILED_MESSAGE = ("Something went wrong while importing, so nothing was saved. Try again; "
                  "if it happens again, contact a partnership officer.")


class Background:
    """Work in background threads, each with an app context of its own, known by a key so
    that tests and benchmarks can wait for it (``wait(key)``)."""

    def __init__(self):
        self._threads: dict[str, threading.Thread] = {}

    def in_background(self, app: Flask, token: str, work: Callable[..., None], *args, name: str) -> threading.Thread:
        """Run ``work(*args)`` in a background thread with its own app context; its database
        session is removed when it ends, whatever happened."""
        thread = threading.Thread(target=self._thread, args=(app, token, work, args),
                                  name=f"{name}-{token[:8]}", daemon=True)
        self._threads[token] = thread
        thread.start()
        return thread

    def _thread(self, app: Flask, token: str, work: Callable[..., None], args: tuple) -> None:
        with app.app_context():
            try:
                work(*args)
            finally:
                db.session.remove()
                self._threads.pop(token, None)

    def running(self, token: str) -> bool:
        """Whether work known as ``token`` runs in this process now."""
        thread = self._threads.get(token)
        return thread is not None and thread.is_alive()

    def wait(self, token: str, timeout: float = 60.0) -> None:
        """Wait for the work known as ``token`` to finish (tests and benchmarks use this)."""
        thread = self._threads.get(token)
        if thread is not None:
            thread.join(timeout)


# Background work that is not an upload's import (reading a document's words, ...).
BACKGROUND = Background()


class UploadStore(Background):
    """Uploads of one kind, with their JSON records and their one-time claims."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def folder(self, base: Path | None = None) -> Path:
        path = base or Path(current_app.config["ENGAGE_UPLOAD_DIR"]) / self.kind
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _paths(self, token: str, base: Path | None = None) -> tuple[Path, Path, Path]:
        folder = self.folder(base)
        return folder / f"{token}.upload", folder / f"{token}.json", folder / f"{token}.claim"

    @staticmethod
    def valid(token: str | None) -> bool:
        return bool(token) and bool(_TOKEN.match(token))

    def store(self, record: dict, data: bytes) -> str:
        self.prune()
        token = secrets.token_urlsafe(24)
        upload, path, _ = self._paths(token)
        fd = os.open(upload, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        self._write(path, {**record, "state": UPLOADED, "created": time.time()})
        return token

    @staticmethod
    def _write(path: Path, data: dict) -> None:
        tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, path)

    def load(self, token: str, base: Path | None = None) -> dict | None:
        if not self.valid(token):
            return None
        _, path, _ = self._paths(token, base)
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def load_for(self, token: str, **owner) -> dict | None:
        """The record only when each ``owner`` field matches it (``survey_id=s.id, user_id=u.id``):
        an upload is seen only by the person who made it, for what they made it for."""
        record = self.load(token)
        if record is None or any(record.get(key) != value for key, value in owner.items()):
            return None
        return record

    def update(self, token: str, base: Path | None = None, **fields) -> dict:
        _, path, _ = self._paths(token, base)
        data = self.load(token, base) or {}
        data.update(fields)
        self._write(path, data)
        return data

    def data(self, token: str, base: Path | None = None) -> bytes | None:
        upload, _, _ = self._paths(token, base)
        try:
            return upload.read_bytes()
        except OSError:
            return None

    def discard_upload(self, token: str, base: Path | None = None) -> None:
        upload, _, _ = self._paths(token, base)
        upload.unlink(missing_ok=True)

    # ---- the one-time claim ---------------------------------------------------------------

    def claim(self, token: str, base: Path | None = None, **fields) -> bool:
        """True for exactly one caller per upload (until a failure releases it); the record
        then says "running" (with ``fields``)."""
        if not self.valid(token):
            return False
        _, _, marker = self._paths(token, base)
        if not _claim_file(marker):
            return False
        self.update(token, base, state=RUNNING, started=time.time(), **fields)
        return True

    def claimed(self, token: str, base: Path | None = None) -> bool:
        _, _, marker = self._paths(token, base)
        return marker.exists()

    def finish(self, token: str, base: Path | None = None, **fields) -> dict:
        record = self.update(token, base, state=DONE, phase=DONE, finished=time.time(), **fields)
        self.discard_upload(token, base)
        return record

    def fail(self, token: str, problems: list[str], base: Path | None = None, **fields) -> dict:
        """Record the problems and release the claim: nothing was saved, so the person may
        change what they chose and try again."""
        record = self.update(token, base, state=FAILED, phase=FAILED, problems=problems, **fields)
        self.release(token, base)
        return record

    def release(self, token: str, base: Path | None = None) -> None:
        """Give the claim back (the work saved nothing), so the upload can be tried again."""
        _, _, marker = self._paths(token, base)
        marker.unlink(missing_ok=True)

    def prune(self, max_age: float = KEEP_SECONDS) -> None:
        cutoff = time.time() - max_age
        for path in self.folder().glob("*"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue

    # ---- background work ------------------------------------------------------------------

    def start(self, app: Flask, token: str, work: Callable[..., None], *args, name: str,
              **fields) -> threading.Thread | None:
        """Claim the upload (the record gets ``fields``) and run ``work(base, token, record,
        *args)`` in a background thread. None when it was already claimed (a second click, a
        second tab): the caller says it already ran."""
        base = self.folder()
        if not self.claim(token, base, **fields):
            return None
        return self.in_background(app, token, work, base, token, self.load(token, base) or {}, *args, name=name)

    def progress(self, token: str, base: Path | None = None, *, throttled: Collection[str] | None = None,
                 every: float = 0.2) -> Callable[[str, int, int], None]:
        """A progress callback ``(phase, done, total)`` that writes to the record at most once
        every ``every`` seconds, and always at the end of a phase. ``throttled`` names the
        phases held back that way (None: all); other phases are written every time."""
        last = [float("-inf")]  # the first report is always written (monotonic may start near 0)

        def report(phase: str, done: int, total: int) -> None:
            now = time.monotonic()
            if (throttled is not None and phase not in throttled) or now - last[0] > every or done >= total:
                last[0] = now
                self.update(token, base, phase=phase, done=done, total=total)

        return report
