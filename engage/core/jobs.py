"""Uploads that are worked on once: an import (in the request or in the background) claims its
upload before it touches the database, so a double click, a second tab or a second web
worker can never run it twice.

An upload is kept outside the web root: its bytes in the app's upload storage
(engage/core/storage.py: ``<kind>/<token>.upload``, files in ``ENGAGE_UPLOAD_DIR`` unless
another storage is set) and, in ``ENGAGE_UPLOAD_DIR/<kind>/``, a small JSON record (``<token>.json``: who, for what, state, progress).
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

A claim is a lease (``Lease``): while the work runs, a heartbeat thread in its process renews
it every quarter of ``ENGAGE_JOB_LEASE_SECONDS`` (60 by default). If the process dies (kill -9,
a crash, a restart) the lease runs out: ``stalled(token)`` is then true, the progress page
offers to start again, and ``claim(token, takeover=True)`` (or ``start(..., takeover=True)``)
takes the claim over, once, even when several people press at the same moment. The dead
work's transaction was never committed, so nothing of it is left and the new run imports
once. Work whose lease was taken over (a process that froze for longer than the lease) is
fenced: ``holds(token)`` is false, it must not commit, and its ``finish``/``fail`` change
nothing.

Long work runs as a job on the queue (engage/core/queue.py), in whichever process runs jobs
(the web process's runner thread, or ``flask --app wsgi engage worker``)::

    def _work(base, token, record, *args):           # a function of a module (found by name),
        progress = uploads.progress(token, base)      # args plain JSON; phase, done, total -> the record
        ...

    uploads.start(app, token, _work, *args, name="survey-import", phase="checking")
    # None when already claimed; ``uploads.wait(token)`` waits for it (tests, benchmarks)

The claim is taken in the request (so a second click is told at once) and handed to the job,
which takes it over when it starts (``_run_upload``); the job's worker renews it. When that
worker is killed, the queue runs the job again after the lease (the takeover of a claim whose
lease ran out, once); its first run committed nothing, so the upload is imported once.
``stalled`` is true only when no job of the upload is left on the queue (it died for good):
then the page offers to start it again.
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


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
KEEP_SECONDS = 24 * 60 * 60
RUNNING, DONE, FAILED, UPLOADED = "running", "done", "failed", "uploaded"
# What a person is told when an upload is gone (pruned after a day) or is someone else's.
NOT_YOURS = "That upload has expired or is not yours. Upload the file again."
# What a person is told when background work broke in a way nobody foresaw (it is logged).
FAILED_MESSAGE = ("Something went wrong while importing, so nothing was saved. Try again; "
                  "if it happens again, contact a partnership officer.")


DEFAULT_LEASE_SECONDS = 60.0


def lease_seconds() -> float:
    try:
        return float(current_app.config.get("ENGAGE_JOB_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))
    except RuntimeError:  # outside an app
        return DEFAULT_LEASE_SECONDS


class Lease:
    """A claim on one piece of work that lasts while its holder renews it: the file ``path``
    names the holder, and its modification time is the last renewal. Taking a claim is one
    atomic file creation; taking over an expired one, renewing, and checking who holds it
    are done under an exclusive lock (``<path>.lock``), so two processes never both hold it.
    A lease ``kept`` for good (finished work) never expires. Generic: anything that must run
    once and survive its worker's death can use it (``take``, ``keep_alive``, ``held``,
    ``end``)."""

    DONE = "done"

    def __init__(self, path: Path, seconds: float | None = None):
        self.path = path
        self.seconds = seconds if seconds is not None else lease_seconds()
        self.owner = secrets.token_hex(12)
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self.lost = False

    # ---- reading the file -----------------------------------------------------------------

    @staticmethod
    def holder(path: Path) -> str | None:
        try:
            return path.read_text()
        except OSError:
            return None

    @classmethod
    def expired(cls, path: Path, seconds: float | None = None) -> bool:
        """True when ``path`` is a lease nobody has renewed within its length (and not one
        kept for good)."""
        seconds = seconds if seconds is not None else lease_seconds()
        try:
            renewed = path.stat().st_mtime
        except OSError:
            return False
        return cls.holder(path) != cls.DONE and time.time() - renewed > seconds

    def _locked(self):
        import fcntl
        from contextlib import contextmanager

        @contextmanager
        def lock():
            fd = os.open(f"{self.path}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

        return lock()

    def _write(self, text: str) -> None:
        tmp = self.path.with_name(f"{self.path.name}.{secrets.token_hex(4)}.tmp")
        tmp.write_text(text)
        os.replace(tmp, self.path)  # a new file: its time is now

    # ---- holding it -----------------------------------------------------------------------

    def take(self, takeover: bool = False) -> bool:
        """Claim it: True when nobody held it, or (``takeover``) when its lease had run out."""
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            if not takeover:
                return False
            with self._locked():
                if not self.expired(self.path, self.seconds):
                    return False
                self._write(self.owner)
            return True
        with os.fdopen(fd, "w") as handle:
            handle.write(self.owner)
        return True

    def held(self) -> bool:
        return not self.lost and self.holder(self.path) == self.owner

    def renew(self) -> bool:
        """Push the lease on (one heartbeat); False when someone else holds it now."""
        with self._locked():
            if self.holder(self.path) != self.owner:
                self.lost = True
                return False
            os.utime(self.path)
        return True

    def keep_alive(self) -> "Lease":
        """Renew the lease every quarter of its length in a thread of this process, until
        ``end`` (or the process dies, which is the point)."""
        def beat():
            while not self._stop.wait(self.seconds / 4):
                try:
                    if not self.renew():
                        return
                except OSError:  # its folder is gone: nothing left to keep
                    return
        self._beat = threading.Thread(target=beat, name=f"lease-{self.path.name[:12]}", daemon=True)
        self._beat.start()
        return self

    def stop(self) -> None:
        """Stop renewing and leave the claim as it is: it runs out, and can be taken over."""
        self._stop.set()

    def end(self, keep: bool = False) -> bool:
        """Stop renewing; ``keep``: hold it for good (the work is done), else let it go.
        False (and nothing changed) when the lease had been taken over meanwhile."""
        self._stop.set()
        with self._locked():
            if self.holder(self.path) != self.owner:
                self.lost = True
                return False
            if keep:
                self._write(self.DONE)
            else:
                self.path.unlink(missing_ok=True)
        return True


class Throttle:
    """Lets something through at most once every ``every`` seconds, and always the first time.

    ``time.monotonic()`` counts from an arbitrary point, on Linux the machine's boot: on a
    machine up for less than a minute it reads under 60. A throttle that started its clock at
    0.0 and compared it with ``monotonic()`` dropped the first progress report there, so the
    first report is let through because it is the first, never because of what the clock reads.
    """

    def __init__(self, every: float, clock: Callable[[], float] = time.monotonic):
        self.every, self.clock = every, clock
        self.last: float | None = None

    def due(self, force: bool = False) -> bool:
        now = self.clock()
        if force or self.last is None or now - self.last > self.every:
            self.last = now
            return True
        return False


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
        from . import logs

        # Every line it logs carries the job's id: the thread's name (kind and token's start).
        with app.app_context(), logs.job(threading.current_thread().name):
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

# Every kind of upload work (imports), for the operators' figures (engage/core/metrics.py).
STORES: dict[str, "UploadStore"] = {}


def counts() -> dict[tuple[str, str], int]:
    """{(kind, state): how many} for the uploads kept (a day): running (a live claim),
    stalled (running, but its worker died), failed, done, uploaded."""
    out: dict[tuple[str, str], int] = {}
    for kind, store in sorted(STORES.items()):
        for state in (RUNNING, "stalled", FAILED):
            out[(kind, state)] = 0
        folder = Path(current_app.config["ENGAGE_UPLOAD_DIR"]) / kind
        if not folder.is_dir():
            continue
        for path in folder.glob("*.json"):
            try:
                state = json.loads(path.read_text()).get("state")
            except (OSError, ValueError):
                continue
            if state == RUNNING and store.stalled(path.stem, folder):
                state = "stalled"
            out[(kind, state)] = out.get((kind, state), 0) + 1
    return out


class UploadStore(Background):
    """Uploads of one kind, with their JSON records and their one-time claims."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind
        self._leases: dict[str, Lease] = {}
        STORES[kind] = self

    def job_key(self, token: str) -> str:
        """The queue's name for the work on this upload (``queue.wait_for``)."""
        return f"upload:{self.kind}:{token}"

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

    def _key(self, token: str) -> str:
        """The upload's bytes in the app's upload storage (engage/core/storage.py)."""
        return f"{self.kind}/{token}.upload"

    def store(self, record: dict, data: bytes) -> str:
        from .storage import upload_storage

        self.prune()
        token = secrets.token_urlsafe(24)
        _, path, _ = self._paths(token)
        upload_storage().put(self._key(token), data)
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
        from .storage import upload_storage

        return upload_storage().get(self._key(token)) if self.valid(token) else None

    def discard_upload(self, token: str, base: Path | None = None) -> None:
        from .storage import upload_storage

        if self.valid(token):
            upload_storage().delete(self._key(token))

    # ---- the one-time claim ---------------------------------------------------------------

    def claim(self, token: str, base: Path | None = None, takeover: bool = False, **fields) -> Lease | None:
        """A lease for exactly one caller per upload (until a failure releases it), kept alive
        by a heartbeat in this process; the record then says "running" (with ``fields``).
        ``takeover``: also when the claim's lease ran out (its worker died). None otherwise."""
        if not self.valid(token):
            return None
        _, _, marker = self._paths(token, base)
        lease = Lease(marker)
        if not lease.take(takeover=takeover):
            return None
        self._leases[token] = lease.keep_alive()
        self.update(token, base, state=RUNNING, started=time.time(), **fields)
        return lease

    def claimed(self, token: str, base: Path | None = None) -> bool:
        _, _, marker = self._paths(token, base)
        return marker.exists()

    def _thread(self, app: Flask, token: str, work: Callable[..., None], args: tuple) -> None:
        try:
            super()._thread(app, token, work, args)
        finally:
            lease = self._leases.pop(token, None)
            if lease is not None:  # the work ended without finish or fail (it broke): stop
                lease.stop()       # renewing, so the claim runs out and can be started again

    def stalled(self, token: str, base: Path | None = None) -> bool:
        """True when the upload's work says "running" but nobody has renewed its claim within
        the lease (its process died): it may be started again (``takeover=True``)."""
        record = self.load(token, base) or {}
        _, _, marker = self._paths(token, base)
        return record.get("state") == RUNNING and Lease.expired(marker) and not self.queued(token)

    def queued(self, token: str) -> bool:
        """Whether a job of this upload is still on the queue (waiting, running, or to be run
        again after its worker died): then it is not for a person to start it again."""
        from . import queue

        return queue.pending(self.job_key(token))

    def holds(self, token: str) -> bool:
        """Whether this process still holds the upload's claim (work checks it before it
        commits: a claim taken over after its lease ran out is not this work's any more)."""
        lease = self._leases.get(token)
        return lease is not None and lease.held()

    def _end(self, token: str, base: Path | None, keep: bool) -> bool:
        """End this process's lease on the upload; False when it was taken over meanwhile
        (then the record is the new holder's: leave it alone)."""
        lease = self._leases.pop(token, None)
        if lease is None:
            _, _, marker = self._paths(token, base)
            if keep and marker.exists():
                Lease(marker).path.write_text(Lease.DONE)
            elif not keep:
                marker.unlink(missing_ok=True)
            return True
        return lease.end(keep=keep)

    def finish(self, token: str, base: Path | None = None, **fields) -> dict:
        if not self._end(token, base, keep=True):
            return self.load(token, base) or {}
        record = self.update(token, base, state=DONE, phase=DONE, finished=time.time(), **fields)
        self.discard_upload(token, base)
        return record

    def fail(self, token: str, problems: list[str], base: Path | None = None, **fields) -> dict:
        """Record the problems and release the claim: nothing was saved, so the person may
        change what they chose and try again."""
        lease = self._leases.get(token)
        if lease is not None and not lease.held():
            self._leases.pop(token, None)
            return self.load(token, base) or {}
        record = self.update(token, base, state=FAILED, phase=FAILED, problems=problems, **fields)
        self.release(token, base)
        return record

    def release(self, token: str, base: Path | None = None) -> None:
        """Give the claim back (the work saved nothing), so the upload can be tried again."""
        self._end(token, base, keep=False)

    def prune(self, max_age: float = KEEP_SECONDS) -> None:
        from .storage import upload_storage

        upload_storage().prune(f"{self.kind}/", max_age)
        cutoff = time.time() - max_age
        for path in self.folder().glob("*"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue

    # ---- background work ------------------------------------------------------------------

    def start(self, app: Flask, token: str, work: Callable[..., None], *args, name: str, takeover: bool = False,
              **fields) -> int | None:
        """Claim the upload (the record gets ``fields``) and queue ``work(base, token, record,
        *args)`` as a job (``work`` a function of a module, ``args`` plain JSON); returns the
        job's id. None when it was already claimed (a second click, a second tab): the caller
        says it already ran. ``takeover``: start again the work of a claim whose lease ran out
        and that no job will run again (``stalled``)."""
        from . import queue

        base = self.folder()
        if takeover and self.queued(token):
            return None
        lease = self.claim(token, base, takeover=takeover, **fields)
        if lease is None:
            return None
        # The job's worker takes the claim over: this process stops renewing it.
        self._leases.pop(token, None)
        lease.stop()
        return queue.enqueue(_run_upload, self.kind, token, lease.owner, queue.name_of(work), *args,
                             key=self.job_key(token), label=f"{name.replace('-', ' ').capitalize()} ({self.kind})",
                             now=True)

    def wait(self, token: str, timeout: float = 60.0) -> None:
        """Wait for the work on ``token`` (a check in a thread, an import on the queue) to end."""
        from . import queue

        super().wait(token, timeout)
        queue.wait_for(self.job_key(token), timeout)

    def progress(self, token: str, base: Path | None = None, *, throttled: Collection[str] | None = None,
                 every: float = 0.2, clock: Callable[[], float] = time.monotonic) -> Callable[[str, int, int], None]:
        """A progress callback ``(phase, done, total)`` that writes to the record at most once
        every ``every`` seconds (``Throttle``: the first report always), and always at the end
        of a phase. ``throttled`` names the phases held back that way (None: all); other phases
        are written every time."""
        throttle = Throttle(every, clock)

        def report(phase: str, done: int, total: int) -> None:
            if throttle.due(force=(throttled is not None and phase not in throttled) or done >= total):
                self.update(token, base, phase=phase, done=done, total=total)

        return report


def _adopt(store: UploadStore, token: str, owner: str, base: Path) -> Lease | None:
    """Take over the claim made for this job (``owner``) or by an earlier run of it whose
    worker died (its lease ran out: waited for, up to a lease's length). None when the claim
    is no longer this job's: the work finished or failed, or someone else holds it."""
    _, _, marker = store._paths(token, base)
    lease = Lease(marker)
    lease.owner = f"{owner}.{secrets.token_hex(4)}"
    ends = time.monotonic() + lease.seconds * 1.5
    while True:
        with lease._locked():
            holder = Lease.holder(marker)
            if holder is None or holder == Lease.DONE or not holder.startswith(owner):
                return None
            if holder == owner or Lease.expired(marker, lease.seconds):
                lease._write(lease.owner)
                return lease
        if time.monotonic() > ends:  # a run of it still renews the claim: not ours
            raise RuntimeError("An earlier run of this upload's work still holds its claim")
        time.sleep(min(0.25, lease.seconds / 4))


def _run_upload(kind: str, token: str, owner: str, work_name: str, *args) -> None:
    """The job of an upload's work (``UploadStore.start``): take the claim over, then run the
    work with the upload's record, in this worker; stop renewing the claim when it ends."""
    from . import queue

    work = queue.resolve(current_app._get_current_object(), work_name)  # imports the module: its store exists
    store = STORES[kind]
    base = store.folder()
    lease = _adopt(store, token, owner, base)
    if lease is None:
        return
    store._leases[token] = lease.keep_alive()
    try:
        if queue.current() is not None and queue.current().attempt > 1:
            store.update(token, base, restarted=True)
        work(base, token, store.load(token, base) or {}, *args)
    finally:
        left = store._leases.pop(token, None)
        if left is not None:  # the work ended without finish or fail (it broke): stop renewing,
            left.stop()       # so the claim runs out and the queue's next run takes it over
