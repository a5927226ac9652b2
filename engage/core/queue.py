"""Background work as jobs on a queue: imports, the search rebuild, mail, reading documents'
words. A job survives a killed worker, is retried with backoff, and ends, after its last
try, on a dead-letter list officers can see (``/admin/background-work``) and try again.

Why huey (3.5, https://huey.readthedocs.io), and what this module adds to it
---------------------------------------------------------------------------
The same job code must run (a) on one machine with SQLite and nothing else to install, in the
web process itself, and (b) on several nodes with PostgreSQL and Redis, in separate worker
processes. Of the well-kept queues on offer:

* huey has one API over several storages: in memory, SQLite, Redis (and PostgreSQL), a
  consumer that runs in worker threads or processes, delayed tasks, locks. Its consumer is
  small enough to drive from a thread of our own (``dequeue`` + ``execute``).
* Dramatiq and RQ run on Redis (or RabbitMQ) only: the one-machine case would need Redis,
  or a broker written by us. Procrastinate runs on PostgreSQL only: no SQLite.

So huey carries the work: ``ENGAGE_QUEUE_URL`` chooses its storage (``memory://`` by default:
the in-process runner; ``sqlite:////path/queue.sqlite`` for a worker process beside the web
server on one machine; ``redis://host:6379/0`` for several nodes). But every huey storage
takes a task off the queue *before* running it: a worker killed with kill -9 loses it. What
makes a job survive that is a row per job in the application's own database
(``QueueJob``, table ``queue_job``), which huey's task only names by id:

* ``enqueue(func, *args)`` stores the row in the caller's transaction (work that is rolled
  back queues nothing) and hands the id to huey after the commit; ``now=True`` stores it in a
  transaction of its own (work about files, not rows).
* A worker claims the row with a compare-and-set (queued -> running, ``claimed_by``,
  ``lease_until``) before it runs anything, so a job handed out twice runs once; a heartbeat
  renews the lease while the worker lives (``ENGAGE_JOB_LEASE_SECONDS``, every quarter).
* ``sweep()`` (every runner and worker, at start and every ``ENGAGE_QUEUE_SWEEP_SECONDS``)
  puts back on the queue a running job whose lease ran out (its worker died), and hands to
  huey any queued job that is due and was never handed out (a retry whose time has come, a
  queue that lost it: the in-memory one after a restart, a Redis that was down).
* A job that raises is tried again after ``ENGAGE_QUEUE_RETRY_SECONDS`` x 2^(tries-1) (at most
  an hour), up to ``max_attempts`` (5) tries; then it is "dead": on the dead-letter list with
  what, when and why. ``Permanent`` goes there at once. ``retry(actor, job_id)`` (the "Try
  again" button) is a compare-and-set dead -> queued, recorded in the audit trail.

Exactly once, in effect: a job can run again after its worker was killed, so the work itself
claims what it changes once (``jobs.UploadStore.claim`` for imports, the outbox row's claim
for mail), as it always did; the queue adds that it *is* run again.

Running the jobs
----------------
* One machine (the default, ``ENGAGE_QUEUE_RUNNER=thread``): each web process (``make run``,
  every gunicorn worker) starts a runner thread at its first request or first job; it sweeps
  at start, so work left unfinished by a restart is picked up.
* Several nodes: set ``ENGAGE_QUEUE_URL=redis://...`` and ``ENGAGE_QUEUE_RUNNER=none`` on
  the web nodes, and run ``flask --app wsgi engage worker`` (huey's consumer, threads) on
  as many machines as you like (a systemd unit: docs/scheduled-work.md).

Tests and benchmarks wait with ``wait_for(key)`` (``jobs.UploadStore.wait``,
``mail.wait_idle`` and ``search.services.wait`` use it); it polls the rows, so it also waits
for work done by another process.
"""
from __future__ import annotations

import importlib
import logging
import os
import secrets
import socket
import threading
import weakref
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from flask import Flask, current_app, has_app_context
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, DEAD = "queued", "running", "done", "dead"
OPEN = (QUEUED, RUNNING)
_EXT = "engage_queue"
_TO_DISPATCH = "engage_queue_dispatch"
_local = threading.local()


class Permanent(Exception):
    """A failure that trying again cannot mend: the job goes straight to the dead-letter list."""


def _now():
    """The real time in UTC (naive, as stored), never the clock tests may set
    (engage/core/clock.py): leases and retries are about how long a worker has been silent."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _table():
    from .models import QueueJob

    return QueueJob.__table__


def _seconds(app: Flask, name: str, default: float) -> float:
    try:
        return float(app.config.get(name, default))
    except (TypeError, ValueError):
        return default


def name_of(work: Callable | str) -> str:
    if isinstance(work, str):
        return work
    return f"{work.__module__}:{work.__qualname__}"


def resolve(app: Flask, name: str) -> Callable:
    module_name, _, qualname = name.partition(":")
    allowed = ("engage.",) + tuple(app.config.get("ENGAGE_QUEUE_EXTRA_MODULES", ()))
    if not module_name.startswith(allowed) or not qualname:
        raise Permanent(f"No such job: {name}")
    target = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def _make_huey(app: Flask):
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    url = (app.config.get("ENGAGE_QUEUE_URL") or "memory://").strip()
    name = app.config.get("ENGAGE_QUEUE_NAME", "engage")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False, blocking=True, read_timeout=1)
    if url.startswith("sqlite:///"):
        return SqliteHuey(name, filename=url[len("sqlite:///"):], results=False)
    if url.startswith("memory:"):
        return MemoryHuey(name, results=False)
    raise ValueError(f"ENGAGE_QUEUE_URL must start with memory://, sqlite:/// or redis://, not {url!r}")


class Queue:
    """The app's queue: its huey instance, the task that runs a job by id, its runner."""

    def __init__(self, app: Flask):
        self.app = app
        self.huey = _make_huey(app)
        self.task = self.huey.task(name="engage.job")(self._task)
        self.me = f"{socket.gethostname()[:30]}:{os.getpid()}"
        self.runner: Runner | None = None
        self.finished = threading.Condition()   # told whenever a job of this process ends

    def _task(self, job_id: int) -> None:
        with self.app.app_context():
            try:
                execute(job_id)
            finally:
                db.session.remove()

    def dispatch(self, ids: list[int]) -> None:
        """Hand job ids to huey (after the commit that stored them); a failure here is mended
        by the next sweep."""
        try:
            for job_id in ids:
                self.huey.enqueue(self.task.s(job_id))
        except Exception:  # noqa: BLE001  (Redis down: the sweep hands them out again)
            log.exception("Could not hand jobs %s to the queue; the next sweep will", ids)
        if self.in_process():
            self.start_runner().wake()

    def in_process(self) -> bool:
        mode = self.app.config.get("ENGAGE_QUEUE_RUNNER")
        if mode is None:
            url = self.app.config.get("ENGAGE_QUEUE_URL") or "memory://"
            mode = "thread" if url.startswith(("memory:", "sqlite:")) else "none"
        return mode == "thread"

    def start_runner(self) -> "Runner":
        if self.runner is None or self.runner.stopped:   # a stopped runner is replaced, never revived
            self.runner = Runner(self)
        self.runner.start()
        return self.runner


def queue(app: Flask | None = None) -> Queue:
    app = app or current_app._get_current_object()
    found = app.extensions.get(_EXT)
    if found is None:
        found = app.extensions[_EXT] = Queue(app)
    return found


# ---- putting work on the queue ------------------------------------------------------------

def enqueue(work: Callable | str, *args, key: str | None = None, label: str = "", delay: float = 0.0,
            max_attempts: int = 5, now: bool = False) -> int | None:
    """Queue ``work(*args)`` (a function of a module of ``engage``; the args plain JSON) to run
    in background work; returns the job's id. In the current transaction (handed out after
    the commit), or with ``now`` in a transaction of its own and handed out at once.
    ``key``: a name to wait for (``wait_for``); of the jobs of one key at most one waits at a
    time (queuing another moves the waiting one's time forward, and returns its id)."""
    table = _table()
    start = _now() + timedelta(seconds=max(0.0, delay))
    values = {"name": name_of(work), "label": label[:200], "key": key, "args": list(args), "state": QUEUED,
              "attempts": 0, "max_attempts": max_attempts, "next_try_at": start, "created_at": _now(),
              "dispatched_at": _now() if delay <= 0 else None}
    if now:
        with db.engine.begin() as connection:
            job_id = _insert(connection, table, values)
        if job_id is not None:
            queue().dispatch([job_id] if delay <= 0 else [])
        return job_id
    job_id = _insert(db.session, table, values)
    if job_id is not None:
        # Due now: handed out after the commit; due later: the runner is woken to sleep until then.
        db.session.info.setdefault(_TO_DISPATCH, []).append(job_id if delay <= 0 else None)
    return job_id


def _insert(connection, table, values: dict) -> int | None:
    dialect = (connection.get_bind() if hasattr(connection, "get_bind") else connection).dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(**values)
    if values.get("key"):
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=["key"], index_where=table.c.state == QUEUED,
            set_={"next_try_at": case((excluded.next_try_at < table.c.next_try_at, excluded.next_try_at),
                                      else_=table.c.next_try_at)})
    return connection.execute(statement.returning(table.c.id)).scalar()


def _after_commit(session) -> None:
    ids = session.info.pop(_TO_DISPATCH, None)
    if ids and has_app_context():
        queue().dispatch([job_id for job_id in ids if job_id is not None])


def _after_rollback(session) -> None:
    session.info.pop(_TO_DISPATCH, None)


# ---- running one job ---------------------------------------------------------------------

class JobContext:
    def __init__(self, job_id: int, owner: str, attempt: int):
        self.job_id, self.owner, self.attempt = job_id, owner, attempt
        self.lost = False


def current() -> JobContext | None:
    """The job this thread is running (None outside a job)."""
    return getattr(_local, "job", None)


def _backoff(app: Flask, attempts: int) -> float:
    base = _seconds(app, "ENGAGE_QUEUE_RETRY_SECONDS", 10.0)
    return min(base * 2 ** max(0, attempts - 1), 3600.0)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def execute(job_id: int) -> str | None:
    """Claim the job and run it (in an app context); returns the state it ended in, or None
    when it was not this caller's to run (already taken, finished, or not yet due)."""
    app = current_app._get_current_object()
    table = _table()
    owner = f"{queue(app).me}:{secrets.token_hex(4)}"
    lease = timedelta(seconds=_seconds(app, "ENGAGE_JOB_LEASE_SECONDS", 60.0))
    now = _now()
    claimed = db.session.execute(
        update(table).where(table.c.id == job_id, table.c.state == QUEUED, table.c.next_try_at <= now)
        .values(state=RUNNING, claimed_by=owner, lease_until=now + lease, attempts=table.c.attempts + 1,
                started_at=now)).rowcount
    db.session.commit()
    if not claimed:
        return None
    row = db.session.execute(select(table.c.name, table.c.args, table.c.attempts, table.c.max_attempts)
                             .where(table.c.id == job_id)).one()
    db.session.commit()
    context = JobContext(job_id, owner, row.attempts)
    beat = _Heartbeat(app, context, lease)
    error: BaseException | None = None
    _local.job = context
    from . import logs

    try:
        with logs.job("job", job_id):   # every line it logs names the job
            resolve(app, row.name)(*(row.args or []))
    except Exception as caught:  # noqa: BLE001  (any failure: tried again or dead-lettered)
        error = caught
        log.exception("Background job %s (%s) failed, try %d of %d", job_id, row.name, row.attempts, row.max_attempts)
    finally:
        _local.job = None
        beat.stop()
        try:
            db.session.rollback()   # whatever the work left uncommitted is not kept
        except Exception:  # noqa: BLE001
            db.session.remove()
    mine = (table.c.id == job_id) & (table.c.state == RUNNING) & (table.c.claimed_by == owner)
    now = _now()
    if error is None:
        state = DONE
        values = {"state": DONE, "finished_at": now, "lease_until": None, "last_error": None}
    elif isinstance(error, Permanent) or row.attempts >= row.max_attempts:
        state = DEAD
        values = {"state": DEAD, "finished_at": now, "lease_until": None, "last_error": _describe(error)}
    else:
        state = QUEUED
        values = {"state": QUEUED, "claimed_by": None, "lease_until": None, "dispatched_at": None,
                  "last_error": _describe(error), "next_try_at": now + timedelta(seconds=_backoff(app, row.attempts))}
    try:
        changed = db.session.execute(update(table).where(mine).values(**values)).rowcount
        db.session.commit()
    except IntegrityError:  # another job of the same key waits already: it does this work
        db.session.rollback()
        changed = db.session.execute(update(table).where(mine).values(
            state=DONE, finished_at=now, lease_until=None, last_error="Replaced by a newer job of the same kind")).rowcount
        db.session.commit()
        state = DONE
    if not changed:  # taken over after this worker froze past its lease: the row is not ours
        state = None
    with queue(app).finished:
        queue(app).finished.notify_all()
    return state


def _on_one_machine(app: Flask) -> bool:
    """SQLite: every process runs on this machine, and a write waits for any other writer
    (a long import holds the database's one write lock until it commits)."""
    return db.engine.dialect.name == "sqlite"


def pulse_folder(app: Flask) -> Path | None:
    """Where heartbeats go on SQLite (None on PostgreSQL, where the rows are renewed): a folder
    beside the database file (``engage.db`` -> ``engage.db-pulse/``). Every process that uses an
    SQLite database runs on its machine and reaches that file, so they all see the same pulses,
    whatever each one's ``ENGAGE_UPLOAD_DIR``. An in-memory database (one process) uses the
    uploads folder."""
    if not _on_one_machine(app):
        return None
    database = db.engine.url.database
    if database and database != ":memory:" and not database.startswith("file::memory:"):
        path = Path(database)
        folder = path.with_name(f"{path.name}-pulse")
    else:
        folder = Path(app.config["ENGAGE_UPLOAD_DIR"]) / "_jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _pulse_file(app: Flask, job_id: int) -> Path:
    return pulse_folder(app) / f"{job_id}.pulse"


def _alive_by_pulse(app: Flask, job_id: int, owner: str | None) -> bool:
    """On SQLite the heartbeat renews a file (no write lock needed): the job's worker lives
    when the file names it and was touched within a lease."""
    path = _pulse_file(app, job_id)
    try:
        return path.read_text() == owner and time.time() - path.stat().st_mtime <= _seconds(
            app, "ENGAGE_JOB_LEASE_SECONDS", 60.0)
    except OSError:
        return False


class _Heartbeat:
    """Renews a running job's lease every quarter of its length, in a thread, while it runs:
    the row's ``lease_until`` (PostgreSQL: other nodes read it), or on SQLite a pulse file
    (a write to the row would wait behind the job's own open transaction)."""

    def __init__(self, app: Flask, context: JobContext, lease: timedelta):
        self.app, self.context, self.lease = app, context, lease
        self.stopped = threading.Event()
        self.pulse = _pulse_file(app, context.job_id) if _on_one_machine(app) else None
        if self.pulse is not None:
            self.pulse.write_text(context.owner)
        self.thread = threading.Thread(target=self._beat, name=f"job-{context.job_id}-lease", daemon=True)
        self.thread.start()

    def _beat(self) -> None:
        table = _table()
        every = max(0.05, self.lease.total_seconds() / 4)
        with self.app.app_context():
            while not self.stopped.wait(every):
                if self.pulse is not None:
                    try:
                        if self.pulse.read_text() != self.context.owner:
                            self.context.lost = True
                            return
                        os.utime(self.pulse)
                    except OSError:
                        pass
                    continue
                try:
                    with db.engine.begin() as connection:
                        renewed = connection.execute(
                            update(table).where(table.c.id == self.context.job_id, table.c.state == RUNNING,
                                                table.c.claimed_by == self.context.owner)
                            .values(lease_until=_now() + self.lease)).rowcount
                    if not renewed:
                        self.context.lost = True
                        return
                except Exception:  # noqa: BLE001  (a busy database: try at the next beat)
                    log.warning("Could not renew the lease of job %s", self.context.job_id, exc_info=True)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)
        if self.pulse is not None:
            self.pulse.unlink(missing_ok=True)


def holds() -> bool:
    """Whether the job this thread runs still holds its claim (work checks before it commits)."""
    context = current()
    if context is None or context.lost:
        return context is None
    table = _table()
    with db.engine.connect() as connection:
        owner = connection.execute(select(table.c.claimed_by).where(table.c.id == context.job_id,
                                                                    table.c.state == RUNNING)).scalar()
    return owner == context.owner


# ---- the sweep: dead workers' jobs, retries that are due ------------------------------------

def sweep(everything: bool = False) -> float | None:
    """Put back on the queue the running jobs whose lease ran out (their worker died), and hand
    to huey the queued jobs that are due and not handed out lately (``everything``: also those
    handed out lately: a runner that has just started and whose queue may have lost them).
    Returns the seconds until the next job falls due or lease runs out (None: nothing open)."""
    app = current_app._get_current_object()
    table = _table()
    now = _now()
    stalled = db.session.execute(select(table.c.id, table.c.attempts, table.c.max_attempts, table.c.claimed_by)
                                 .where(table.c.state == RUNNING, table.c.lease_until < now)).all()
    db.session.commit()
    one_machine = _on_one_machine(app)
    for job_id, attempts, most, owner in stalled:
        if one_machine and _alive_by_pulse(app, job_id, owner):
            continue   # its worker lives (its pulse file is fresh); the row just was not written
        why = "Its worker stopped (killed or restarted) before it finished"
        expired = (table.c.id == job_id) & (table.c.state == RUNNING) & (table.c.lease_until < now)
        values = ({"state": DEAD, "finished_at": now} if attempts >= most else
                  {"state": QUEUED, "next_try_at": now, "dispatched_at": None})
        try:
            db.session.execute(update(table).where(expired).values(claimed_by=None, lease_until=None, last_error=why,
                                                                   **values))
            db.session.commit()
            log.warning("Background job %s: %s; %s", job_id, why, "dead" if attempts >= most else "queued again")
        except IntegrityError:  # a job of the same key already waits: it does this work
            db.session.rollback()
            db.session.execute(update(table).where(expired).values(state=DONE, finished_at=now, claimed_by=None,
                                                                   lease_until=None, last_error=why))
            db.session.commit()
    again = timedelta(seconds=_seconds(app, "ENGAGE_QUEUE_REDISPATCH_SECONDS", 120.0))
    due = (table.c.state == QUEUED) & (table.c.next_try_at <= now)
    if not everything:
        due = due & or_(table.c.dispatched_at.is_(None), table.c.dispatched_at < now - again)
    ids = db.session.scalars(select(table.c.id).where(due).order_by(table.c.id).limit(500)).all()
    if ids:
        db.session.execute(update(table).where(table.c.id.in_(ids)).values(dispatched_at=now))
    db.session.commit()
    if ids:
        queue(app).dispatch(list(ids))
    soonest = db.session.execute(select(
        func.min(case((table.c.state == QUEUED, table.c.next_try_at), else_=None)),
        func.min(case((table.c.state == RUNNING, table.c.lease_until), else_=None)))
        .where(table.c.state.in_(OPEN))).one()
    db.session.commit()
    queued_at, lease_ends = soonest
    times = [] if queued_at is None else [queued_at]
    if lease_ends is not None:
        # A running job's row is not renewed on SQLite (its pulse file is): look again in a
        # quarter of a lease, not in a busy loop over a time already past.
        lease = _seconds(app, "ENGAGE_JOB_LEASE_SECONDS", 60.0)
        times.append(max(lease_ends, _now() + timedelta(seconds=lease / 4)) if one_machine else lease_ends)
    if not times:
        return None
    return max(0.0, (min(times) - _now()).total_seconds())


# ---- the in-process runner ------------------------------------------------------------------

_RUNNERS: "weakref.WeakSet[Runner]" = weakref.WeakSet()


class Runner:
    """One thread per web process that runs the jobs (``ENGAGE_QUEUE_RUNNER=thread``): woken
    by each job queued here, it takes tasks from huey until none is left, then sleeps until
    the next job falls due or ``ENGAGE_QUEUE_SWEEP_SECONDS`` pass (when it sweeps for the
    jobs of workers that died, in this process or another)."""

    def __init__(self, q: Queue):
        self.queue = q
        self.lock = threading.Condition()
        self.thread: threading.Thread | None = None
        self.woken = False
        self.stopped = False
        _RUNNERS.add(self)

    def start(self) -> "Runner":
        with self.lock:
            if self.thread is None and not self.stopped:
                self.thread = threading.Thread(target=self._run, name="engage-jobs", daemon=True)
                self.thread.start()
        return self

    def wake(self) -> None:
        with self.lock:
            self.woken = True
            self.lock.notify_all()

    def _run(self) -> None:
        app, huey = self.queue.app, self.queue.huey
        first = True
        while True:
            wait = _seconds(app, "ENGAGE_QUEUE_SWEEP_SECONDS", 10.0)
            with app.app_context():
                try:
                    due = sweep(everything=first)
                    first = False
                    if due is not None:
                        wait = min(wait, due)
                    while not self.stopped:
                        task = huey.dequeue()
                        if task is None:
                            break
                        huey.execute(task)
                except Exception:  # noqa: BLE001  (logged; the next sweep tries again)
                    log.exception("The background job runner failed")
                finally:
                    db.session.remove()
            with self.lock:
                if self.stopped:
                    break
                if not self.woken:
                    self.lock.wait(timeout=max(0.05, wait))
                self.woken = False
                if self.stopped:
                    break
        with self.lock:
            self.thread = None
            self.lock.notify_all()

    def stop(self, timeout: float = 30.0) -> None:
        with self.lock:
            self.stopped = True
            self.lock.notify_all()
            thread = self.thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)


def stop_all() -> None:
    """Stop every runner in this process (tests, after each test): a runner left going by an
    app a test made for itself would otherwise sweep the next test's jobs into its own app,
    with that app's settings and folders."""
    for runner in list(_RUNNERS):
        runner.stop()


def stop(app: Flask) -> None:
    """Stop this app's runner (tests, before their tables are emptied)."""
    found = app.extensions.get(_EXT)
    if found is not None and found.runner is not None:
        found.runner.stop()


# ---- the worker process -----------------------------------------------------------------

def work(app: Flask, threads: int = 2, echo: Callable[[str], None] = print) -> None:
    """Run huey's consumer (``threads`` worker threads) in this process until it is stopped
    (SIGINT/SIGTERM), sweeping every ``ENGAGE_QUEUE_SWEEP_SECONDS``: ``flask --app wsgi
    engage worker``."""
    from huey.consumer import ConsumerStopped

    q = queue(app)
    every = _seconds(app, "ENGAGE_QUEUE_SWEEP_SECONDS", 10.0)
    consumer = q.huey.create_consumer(workers=threads, worker_type="thread", periodic=False, max_delay=1.0,
                                      check_worker_health=True)
    with app.app_context():
        sweep(everything=True)
        db.session.remove()
    consumer.start()
    echo(f"Running background jobs from {app.config.get('ENGAGE_QUEUE_URL') or 'memory://'} "
         f"with {threads} thread{'' if threads == 1 else 's'} (stop with Ctrl+C).")
    checked, swept = time.monotonic(), time.monotonic()
    while True:
        try:
            checked = consumer.loop(checked)
        except ConsumerStopped:
            break
        if time.monotonic() - swept >= every:
            swept = time.monotonic()
            with app.app_context():
                try:
                    sweep()
                except Exception:  # noqa: BLE001
                    log.exception("Sweeping the job queue failed")
                finally:
                    db.session.remove()
    q.huey.notify_interrupted_tasks()


# ---- waiting, reading, trying again --------------------------------------------------------

def open_jobs(key: str, before=None) -> int:
    """How many jobs of ``key`` are queued (due by ``before``) or running, read on a
    connection of its own (the caller's session and its snapshot are left alone)."""
    table = _table()
    before = before or _now()
    waiting = (table.c.state == RUNNING) | ((table.c.state == QUEUED) & (table.c.next_try_at <= before))
    with db.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)
                                  .where(table.c.key == key, waiting)).scalar() or 0


def pending(key: str) -> bool:
    """Whether a job of ``key`` is queued (now or later) or running (or was, until its worker
    died: the sweep queues it again)."""
    table = _table()
    with db.engine.connect() as connection:
        return connection.execute(select(table.c.id).where(table.c.key == key, table.c.state.in_(OPEN))
                                  .limit(1)).first() is not None


def wait_for(key: str, timeout: float = 60.0, app: Flask | None = None) -> bool:
    """Wait until no job of ``key`` that is due now is queued or running (tests, benchmarks):
    True when that happened within ``timeout``. Jobs put off to later (a retry) are not
    waited for."""
    app = app or current_app._get_current_object()
    q = queue(app)
    before = _now()
    ends = time.monotonic() + timeout
    with app.app_context():
        while open_jobs(key, before):
            left = ends - time.monotonic()
            if left <= 0:
                return False
            with q.finished:
                q.finished.wait(min(0.05, left))   # told when a job here ends; polls for other processes
    return True


def counts() -> dict:
    """How many jobs are queued, running, done and dead (officers' page, metrics)."""
    table = _table()
    out = {QUEUED: 0, RUNNING: 0, DONE: 0, DEAD: 0}
    for state, count in db.session.execute(select(table.c.state, func.count()).group_by(table.c.state)):
        out[state] = count
    return out


def dead_jobs(limit: int = 100) -> list:
    from .models import QueueJob

    return db.session.scalars(select(QueueJob).where(QueueJob.state == DEAD)
                              .order_by(QueueJob.finished_at.desc(), QueueJob.id.desc()).limit(limit)).all()


def retry(actor, job) -> None:
    """Put a dead job back on the queue ("Try again"): a compare-and-set on "dead" (of two
    officers pressing at once, one moves it; the other is told), recorded; handed out after
    the commit. The view commits."""
    from . import audit
    from .transitions import compare_and_set

    now = _now()
    compare_and_set(job, {"state": DEAD}, {"state": QUEUED, "attempts": 0, "next_try_at": now, "dispatched_at": now,
                                           "claimed_by": None, "lease_until": None, "finished_at": None},
                    done="tried this job again")
    audit.record(actor, "job.retried", job, f"Background job tried again: {job.label or job.name}",
                 changes={"state": [DEAD, QUEUED]})
    db.session.info.setdefault(_TO_DISPATCH, []).append(job.id)


def prune(days: float = 30.0) -> int:
    """Delete finished jobs older than ``days`` (dead ones stay until tried again or pruned
    after three times as long)."""
    table = _table()
    now = _now()
    gone = db.session.execute(table.delete().where(
        or_((table.c.state == DONE) & (table.c.finished_at < now - timedelta(days=days)),
            (table.c.state == DEAD) & (table.c.finished_at < now - timedelta(days=3 * days))))).rowcount
    return gone or 0


def init_app(app: Flask) -> None:
    from sqlalchemy import event

    app.config.setdefault("ENGAGE_QUEUE_URL", os.environ.get("ENGAGE_QUEUE_URL", "memory://"))
    if os.environ.get("ENGAGE_QUEUE_RUNNER") and "ENGAGE_QUEUE_RUNNER" not in app.config:
        app.config["ENGAGE_QUEUE_RUNNER"] = os.environ["ENGAGE_QUEUE_RUNNER"]
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_rollback", _after_rollback)

    @app.before_request
    def _start_runner():
        # The in-process runner starts with the first request (and picks up the work a
        # restart left unfinished); a command-line process starts it only if it queues work.
        q = app.extensions.get(_EXT)
        if q is None or q.runner is None:
            q = queue(app)
            if q.in_process():
                q.start_runner()
