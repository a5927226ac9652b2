"""Uploads that are worked on once: an import (in the request or in the background) claims its
upload before it touches the database, so a double click, a second tab, a second web worker or
a second web node can never run it twice.

An upload is kept outside the web root: its bytes in the app's upload storage
(engage/core/storage.py: ``<kind>/<token>.upload``; a bucket that every node shares, or the
``ENGAGE_UPLOAD_DIR`` folder) and its small record (who, for what, state, progress) in the
database (``upload_job``), so the node that shows the progress page need not be the one that
took the upload or the one that runs its work. ``claim`` is a ``work_lease`` row (``Lease``):
one INSERT of a unique name, so of any number of submissions on any nodes exactly one gets it.
The others are told what happened: ``outcome``
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
it (as the queue renews its jobs' claims: the row on PostgreSQL, a pulse file beside the
database on SQLite) every quarter of ``ENGAGE_JOB_LEASE_SECONDS`` (60 by default). If the process dies (kill -9,
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
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

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


def _now():
    """The real time in UTC (naive, as stored), never the clock tests may set: leases are about
    how long a worker has been silent (as engage/core/queue.py's)."""
    from .queue import _now as now

    return now()


def _leases():
    from .models import WorkLease

    return WorkLease.__table__


def _pulse_folder() -> Path | None:
    from .queue import pulse_folder

    return pulse_folder(current_app._get_current_object())


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class Lease:
    """A claim on one piece of work that lasts while its holder renews it: a ``work_lease``
    row named ``name`` (one per piece of work) naming its holder, in the database every web
    node shares. Taking a claim is one INSERT (the name is unique, so of any number of
    takers, on any nodes, exactly one gets it); taking over a lease nobody renewed within its
    length is a compare-and-set on the holder it was read with (``UPDATE ... WHERE holder =
    <the dead one>``), so of several takers one wins; releasing it deletes the row. The
    holder renews it as the queue's jobs are renewed (engage/core/queue.py): on PostgreSQL by
    moving ``lease_until`` on; on SQLite (one machine, and a write there would wait behind the
    work's own open transaction) by touching a pulse file beside the database
    (``queue.pulse_folder``). A lease ``kept`` for good (finished work) never expires.
    Generic: anything that must run once and survive its worker's death can use it (``take``,
    ``keep_alive``, ``held``, ``end``). The rows are read and written on connections of
    their own, never in the caller's session (a claim is not undone by the work's rollback)."""

    DONE = "done"

    def __init__(self, name: str, seconds: float | None = None):
        self.name = str(name)
        self.seconds = seconds if seconds is not None else lease_seconds()
        self.owner = secrets.token_hex(12)
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self.lost = False
        self._app = current_app._get_current_object()

    # ---- reading it -----------------------------------------------------------------------

    @staticmethod
    def _pulse(name: str) -> Path | None:
        folder = _pulse_folder()
        if folder is None:
            return None
        import hashlib

        return folder / f"lease-{hashlib.sha256(name.encode()).hexdigest()[:40]}"

    @staticmethod
    def row(name: str):
        """(holder, lease_until) of the lease, or None when nobody holds it."""
        table = _leases()
        with db.engine.connect() as connection:
            return connection.execute(select(table.c.holder, table.c.lease_until).where(table.c.name == name)).first()

    @classmethod
    def holder(cls, name: str) -> str | None:
        row = cls.row(name)
        return None if row is None else row.holder

    @classmethod
    def _alive(cls, name: str, holder: str, until, seconds: float) -> bool:
        if holder == cls.DONE or (until is not None and until >= _now()):
            return True
        pulse = cls._pulse(name)
        try:
            return pulse is not None and pulse.read_text() == holder and time.time() - pulse.stat().st_mtime <= seconds
        except OSError:
            return False

    @classmethod
    def expired(cls, name: str, seconds: float | None = None) -> bool:
        """True when ``name`` is a lease nobody has renewed within its length (and not one
        kept for good)."""
        seconds = seconds if seconds is not None else lease_seconds()
        row = cls.row(name)
        return row is not None and not cls._alive(name, row.holder, row.lease_until, seconds)

    def _until(self):
        from datetime import timedelta

        return _now() + timedelta(seconds=self.seconds)

    def _pulse_now(self) -> None:
        pulse = self._pulse(self.name)
        if pulse is not None:
            _atomic_write(pulse, self.owner)

    # ---- holding it -----------------------------------------------------------------------

    def take(self, takeover: bool = False) -> bool:
        """Claim it: True when nobody held it, or (``takeover``) when its lease had run out."""
        table = _leases()
        try:
            with db.engine.begin() as connection:
                connection.execute(insert(table).values(name=self.name, holder=self.owner, lease_until=self._until(),
                                                        taken_at=_now()))
        except IntegrityError:
            if not takeover:
                return False
            row = self.row(self.name)
            if row is None or self._alive(self.name, row.holder, row.lease_until, self.seconds):
                return False
            return self.take_from(row.holder)
        self._pulse_now()
        return True

    def take_from(self, holder: str) -> bool:
        """Take the lease from ``holder`` (read just before): a compare-and-set, so when
        several try at once exactly one gets it."""
        table = _leases()
        with db.engine.begin() as connection:
            taken = connection.execute(update(table).where(table.c.name == self.name, table.c.holder == holder)
                                       .values(holder=self.owner, lease_until=self._until(), taken_at=_now())).rowcount
        if taken:
            self._pulse_now()
        return bool(taken)

    def held(self) -> bool:
        return not self.lost and self.holder(self.name) == self.owner

    def renew(self) -> bool:
        """Push the lease on (one heartbeat); False when someone else holds it now."""
        pulse = self._pulse(self.name)
        if pulse is not None:   # SQLite: the pulse file (a write would wait behind the work's)
            if self.holder(self.name) != self.owner:
                self.lost = True
                return False
            try:
                os.utime(pulse)
            except FileNotFoundError:
                _atomic_write(pulse, self.owner)
            return True
        table = _leases()
        with db.engine.begin() as connection:
            renewed = connection.execute(update(table).where(table.c.name == self.name, table.c.holder == self.owner)
                                         .values(lease_until=self._until())).rowcount
        if not renewed:
            self.lost = True
        return bool(renewed)

    def keep_alive(self) -> "Lease":
        """Renew the lease every quarter of its length in a thread of this process, until
        ``end`` (or the process dies, which is the point)."""
        def beat():
            with self._app.app_context():
                while not self._stop.wait(self.seconds / 4):
                    try:
                        if not self.renew():
                            return
                    except OSError:  # its pulse folder is gone: nothing left to keep
                        return
                    except SQLAlchemyError:  # a busy database: try at the next beat
                        continue
                    finally:
                        db.session.remove()
        self._beat = threading.Thread(target=beat, name=f"lease-{self.owner[:12]}", daemon=True)
        self._beat.start()
        return self

    def stop(self) -> None:
        """Stop renewing and leave the claim as it is: it runs out, and can be taken over."""
        self._stop.set()

    def end(self, keep: bool = False) -> bool:
        """Stop renewing; ``keep``: hold it for good (the work is done), else let it go.
        False (and nothing changed) when the lease had been taken over meanwhile."""
        self._stop.set()
        if not self.settle(self.name, keep, holder=self.owner):
            self.lost = True
            return False
        return True

    @classmethod
    def settle(cls, name: str, keep: bool, holder: str | None = None) -> bool:
        """Keep the lease for good, or let it go, whoever holds it (``holder``: only if it is
        that one's); False when nothing changed."""
        table = _leases()
        mine = table.c.name == name
        if holder is not None:
            mine = mine & (table.c.holder == holder)
        with db.engine.begin() as connection:
            if keep:
                changed = connection.execute(update(table).where(mine).values(holder=cls.DONE, lease_until=None)).rowcount
            else:
                changed = connection.execute(delete(table).where(mine)).rowcount
        pulse = cls._pulse(name)
        if changed and pulse is not None:
            pulse.unlink(missing_ok=True)
        return bool(changed)


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


def _records():
    from .models import UploadJob

    return UploadJob.__table__


def counts() -> dict[tuple[str, str], int]:
    """{(kind, state): how many} for the uploads kept (a day): running (a live claim),
    stalled (running, but its worker died), failed, done, uploaded."""
    out: dict[tuple[str, str], int] = {}
    for kind in sorted(STORES):
        for state in (RUNNING, "stalled", FAILED):
            out[(kind, state)] = 0
    if not STORES:
        return out
    table = _records()
    with db.engine.connect() as connection:
        rows = connection.execute(select(table.c.kind, table.c.token, table.c.state)
                                  .where(table.c.kind.in_(sorted(STORES)))).all()
    for kind, token, state in rows:
        if state == RUNNING and STORES[kind].stalled(token):
            state = "stalled"
        out[(kind, state)] = out.get((kind, state), 0) + 1
    return out


class UploadStore(Background):
    """Uploads of one kind, with their records and their one-time claims, in the database
    (``upload_job``, ``work_lease``) and the upload storage (the bytes): every web node
    sees the same. ``base`` arguments are kept for the work functions' signature and mean
    nothing any more (they named the node's folder the records once lived in)."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind
        self._leases: dict[str, Lease] = {}
        STORES[kind] = self

    def job_key(self, token: str) -> str:
        """The queue's name for the work on this upload (``queue.wait_for``)."""
        return f"upload:{self.kind}:{token}"

    def lease_name(self, token: str, what: str = "claim") -> str:
        """The ``work_lease`` of the upload's claim (or of another step of its, ``what``)."""
        return f"upload:{self.kind}:{token}" + ("" if what == "claim" else f":{what}")

    def folder(self, base: Path | None = None) -> None:
        """Nothing: the records are in the database (kept so that older callers still run)."""
        return None

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
        upload_storage().put(self._key(token), data)
        now = _now()
        record = {**record, "state": UPLOADED, "created": time.time()}
        with db.engine.begin() as connection:
            connection.execute(insert(_records()).values(kind=self.kind, token=token, state=UPLOADED, record=record,
                                                         created_at=now, updated_at=now))
        return token

    # ---- live progress on SQLite ----------------------------------------------------------
    # On SQLite a write waits for any other writer, and work that saves holds the database's
    # one write lock until it commits: its progress goes to a file beside the database
    # (every process of an SQLite site is on that machine) and is read over the record.

    def _live(self, token: str) -> Path | None:
        folder = _pulse_folder()
        return None if folder is None else folder / f"progress-{self.kind}-{token}.json"

    def _mine(self, token: str):
        table = _records()
        return (table.c.kind == self.kind) & (table.c.token == token)

    def load(self, token: str, base: Path | None = None) -> dict | None:
        if not self.valid(token):
            return None
        table = _records()
        with db.engine.connect() as connection:
            record = connection.execute(select(table.c.record).where(self._mine(token))).scalar()
        if record is None:
            record = self._from_older_engage(token)
            if record is None:
                return None
        record = dict(record)
        live = self._live(token)   # progress reported since the record's state last changed
        try:
            record.update(json.loads(live.read_text()) if live is not None else {})
        except (OSError, ValueError):
            pass
        return record

    def _from_older_engage(self, token: str) -> dict | None:
        """An upload an older Engage left in this node's ``ENGAGE_UPLOAD_DIR/<kind>/`` (its
        ``<token>.json`` record and ``<token>.claim`` file; the bytes were already in the
        storage's ``<kind>/<token>.upload``): its record and claim are moved into the database
        the first time it is asked for, so an upload waiting during the upgrade carries on.
        A claim that was not finished belonged to a worker the upgrade stopped: it is taken
        as run out (the page offers to start again)."""
        folder = Path(current_app.config["ENGAGE_UPLOAD_DIR"]) / self.kind
        try:
            record = json.loads((folder / f"{token}.json").read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict):
            return None
        try:
            claim = (folder / f"{token}.claim").read_text()
        except OSError:
            claim = None
        now = _now()
        try:
            with db.engine.begin() as connection:
                connection.execute(insert(_records()).values(kind=self.kind, token=token, state=str(record.get("state") or ""),
                                                             record=record, created_at=now, updated_at=now))
                if claim is not None:
                    connection.execute(insert(_leases()).values(
                        name=self.lease_name(token), holder=Lease.DONE if claim == Lease.DONE else "older-engage",
                        lease_until=None, taken_at=now))
        except IntegrityError:  # another process moved it first
            pass
        for name in (f"{token}.json", f"{token}.claim", f"{token}.claim.lock"):
            (folder / name).unlink(missing_ok=True)
        return record

    def load_for(self, token: str, **owner) -> dict | None:
        """The record only when each ``owner`` field matches it (``survey_id=s.id, user_id=u.id``):
        an upload is seen only by the person who made it, for what they made it for."""
        record = self.load(token)
        if record is None or any(record.get(key) != value for key, value in owner.items()):
            return None
        return record

    def update(self, token: str, base: Path | None = None, **fields) -> dict:
        """Change the record's ``fields`` (read, changed and written in one transaction that
        first locks the row, so two writers never lose each other's change)."""
        if not self.valid(token):
            return {}
        table = _records()
        with db.engine.begin() as connection:
            # Take the row's lock first (a write: on SQLite the database's write lock), then read.
            found = connection.execute(update(table).where(self._mine(token)).values(updated_at=_now())).rowcount
            if not found:
                return {}
            data = dict(connection.execute(select(table.c.record).where(self._mine(token))).scalar() or {})
            data.update(fields)
            connection.execute(update(table).where(self._mine(token)).values(record=data, state=str(data.get("state") or "")))
        if "state" in fields:
            live = self._live(token)
            if live is not None:
                live.unlink(missing_ok=True)
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
        if not self.valid(token) or self.load(token) is None:
            return None
        lease = Lease(self.lease_name(token))
        if not lease.take(takeover=takeover):
            return None
        self._leases[token] = lease.keep_alive()
        self.update(token, base, state=RUNNING, started=time.time(), **fields)
        return lease

    def claimed(self, token: str, base: Path | None = None) -> bool:
        return self.valid(token) and Lease.row(self.lease_name(token)) is not None

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
        return record.get("state") == RUNNING and Lease.expired(self.lease_name(token)) and not self.queued(token)

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
            Lease.settle(self.lease_name(token), keep)
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
        """Remove the uploads (bytes, records, claims) of this kind last changed more than
        ``max_age`` seconds ago."""
        from datetime import timedelta

        from .storage import upload_storage

        upload_storage().prune(f"{self.kind}/", max_age)
        table, leases = _records(), _leases()
        old = (table.c.kind == self.kind) & (table.c.updated_at < _now() - timedelta(seconds=max_age))
        with db.engine.begin() as connection:
            tokens = connection.execute(select(table.c.token).where(old)).scalars().all()
            for start in range(0, len(tokens), 200):
                some = tokens[start:start + 200]
                names = [self.lease_name(t, what) for t in some for what in ("claim", "checking")]
                connection.execute(delete(leases).where(leases.c.name.in_(names)))
                connection.execute(delete(table).where(table.c.kind == self.kind, table.c.token.in_(some)))
        for token in tokens:
            for path in (self._live(token), Lease._pulse(self.lease_name(token)),
                         Lease._pulse(self.lease_name(token, "checking"))):
                if path is not None:
                    path.unlink(missing_ok=True)

    # ---- background work ------------------------------------------------------------------

    def start(self, app: Flask, token: str, work: Callable[..., None], *args, name: str, takeover: bool = False,
              **fields) -> int | None:
        """Claim the upload (the record gets ``fields``) and queue ``work(base, token, record,
        *args)`` as a job (``work`` a function of a module, ``args`` plain JSON); returns the
        job's id. None when it was already claimed (a second click, a second tab): the caller
        says it already ran. ``takeover``: start again the work of a claim whose lease ran out
        and that no job will run again (``stalled``)."""
        from . import queue

        if takeover and self.queued(token):
            return None
        lease = self.claim(token, takeover=takeover, **fields)
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
        are written every time. On SQLite it writes the file read over the record (see
        ``_live``), never the database, which the work's own transaction may hold."""
        throttle = Throttle(every, clock)
        live = self._live(token)

        def report(phase: str, done: int, total: int) -> None:
            if throttle.due(force=(throttled is not None and phase not in throttled) or done >= total):
                if live is not None:
                    _atomic_write(live, json.dumps({"phase": phase, "done": done, "total": total}))
                else:
                    self.update(token, base, phase=phase, done=done, total=total)

        return report


def _adopt(store: UploadStore, token: str, owner: str) -> Lease | None:
    """Take over the claim made for this job (``owner``) or by an earlier run of it whose
    worker died (its lease ran out: waited for, up to a lease's length). None when the claim
    is no longer this job's: the work finished or failed, or someone else holds it."""
    name = store.lease_name(token)
    lease = Lease(name)
    lease.owner = f"{owner}.{secrets.token_hex(4)}"
    ends = time.monotonic() + lease.seconds * 1.5
    while True:
        row = Lease.row(name)
        if row is None or row.holder == Lease.DONE or not row.holder.startswith(owner):
            return None
        if row.holder == owner or not Lease._alive(name, row.holder, row.lease_until, lease.seconds):
            if lease.take_from(row.holder):
                return lease
            continue  # it changed under us: look again
        if time.monotonic() > ends:  # a run of it still renews the claim: not ours
            raise RuntimeError("An earlier run of this upload's work still holds its claim")
        time.sleep(min(0.25, lease.seconds / 4))


def _run_upload(kind: str, token: str, owner: str, work_name: str, *args) -> None:
    """The job of an upload's work (``UploadStore.start``): take the claim over, then run the
    work with the upload's record, in this worker (on any node); stop renewing the claim when
    it ends."""
    from . import queue

    work = queue.resolve(current_app._get_current_object(), work_name)  # imports the module: its store exists
    store = STORES[kind]
    lease = _adopt(store, token, owner)
    if lease is None:
        return
    store._leases[token] = lease.keep_alive()
    try:
        if queue.current() is not None and queue.current().attempt > 1:
            store.update(token, restarted=True)
        work(None, token, store.load(token) or {}, *args)
    finally:
        left = store._leases.pop(token, None)
        if left is not None:  # the work ended without finish or fail (it broke): stop renewing,
            left.stop()       # so the claim runs out and the queue's next run takes it over
