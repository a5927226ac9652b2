"""Rebuilding the search index from the site: a job on the queue (engage/core/queue.py) with
progress that any web worker can read (its state is a small JSON file in the index folder, or
the database with the postgres backend), and the index's state for officers.

One rebuild at a time: starting one claims a file with an atomic create, so a second click, a
second tab or a second worker sees the running job instead of starting another. A job whose
state has not moved for ``STALE_SECONDS`` (its process was stopped) no longer holds the claim.
"""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from ..core.jobs import Throttle
from ..core.files import claim
from ..extensions import db

log = logging.getLogger(__name__)
STALE_SECONDS = 600
JOB_KEY = "search.rebuild"
_JOB = "_rebuild.json"
_CLAIM = "_rebuild.claim"


@dataclass
class IndexState:
    name: str
    label: str
    documents: int | None   # in the index (None when it cannot be read)
    records: int            # in the database: what a rebuild works through
    waiting: int            # changes saved but not yet in the index


def _store(app: Flask | None = None):
    """The backend's own place for the rebuild's state, if it has one (the postgres backend:
    the database, shared by every web server); otherwise files in the index folder."""
    return getattr((app or current_app).extensions.get("engage_search"), "jobs", None)


def _folder(app: Flask | None = None) -> Path:
    folder = Path((app or current_app).config["ENGAGE_INDEX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def index_states() -> list[IndexState]:
    from . import _SPECS, backend
    from .models import SearchPending

    search = backend()
    out = []
    for spec in _SPECS:
        try:
            documents = search.doc_count(spec.name)
        except Exception:  # a broken or missing index: the page says so
            documents = None
        waiting = db.session.scalar(db.select(db.func.count()).select_from(SearchPending)
                                    .where(SearchPending.index_name == spec.name)) or 0
        out.append(IndexState(spec.name, spec.label or spec.name.title(), documents, spec.count_roots(), waiting))
    return out


def job(app: Flask | None = None) -> dict:
    """The latest rebuild's state: {} if there has been none. A running job that has not moved
    for a long time is reported as stopped."""
    store = _store(app)
    try:
        data = store.read() if store is not None else json.loads((_folder(app) / _JOB).read_text())
    except (OSError, ValueError):
        return {}
    if not data:
        return {}
    if data.get("state") == "running" and time.time() - data.get("updated", 0) > STALE_SECONDS:
        data["state"] = "stopped"
    return data


def _write(folder: Path | None, data: dict) -> None:
    data["updated"] = time.time()
    store = _store()
    if store is not None:
        store.write(data)
        return
    temporary = folder / (_JOB + ".tmp")
    temporary.write_text(json.dumps(data))
    os.replace(temporary, folder / _JOB)  # readers never see half a file


def _claim(folder: Path | None) -> bool:
    store = _store()
    if store is not None:
        if job().get("state") in {"stopped", "done", "failed"}:
            store.release()  # the claim of a finished or dead job
        return store.claim()
    path = folder / _CLAIM
    if path.exists() and job().get("state") in {"stopped", "done", "failed"}:
        path.unlink(missing_ok=True)  # the claim of a finished or dead job
    return claim(path)


def start_rebuild(actor) -> bool:
    """Start rebuilding every index in the background. False when one is already running."""
    from ..accounts.roles import OFFICER

    if actor is None or not actor.has_role(OFFICER):
        raise PermissionError("Only partnership officers can rebuild the search index.")
    app = current_app._get_current_object()
    folder = None if _store(app) is not None else _folder(app)
    if not _claim(folder):
        return False
    from . import _SPECS

    totals = {spec.name: spec.count_roots() for spec in _SPECS}
    _write(folder, {"state": "running", "started": time.time(), "started_by": actor.name or actor.email,
                    "totals": totals, "done": {name: 0 for name in totals}, "counts": {}})
    from ..core import queue

    queue.enqueue(rebuild_job, str(folder) if folder is not None else None, key=JOB_KEY,
                  label="Rebuild the search index", now=True)
    return True


def rebuild_job(folder: str | None) -> None:
    """The queue's job (engage/core/queue.py): rebuild every index. When its worker is killed,
    the queue runs it again: a rebuild started afresh gives the same index."""
    _run(current_app._get_current_object(), Path(folder) if folder else None)


def _run(app: Flask, folder: Path | None) -> None:
    from . import reindex

    with app.app_context():
        data = job(app)
        throttle = Throttle(0.3)  # the first report is always written, whatever the clock reads

        def echo(name, done, total):
            data["done"][name] = done
            data["totals"][name] = total
            if throttle.due(force=done >= total):
                _write(folder, data)

        try:
            data["counts"] = reindex(echo=echo)
            data["state"] = "done"
        except Exception:  # shown on the page; the old index is rebuilt by trying again
            log.exception("Rebuilding the search index failed")
            db.session.rollback()
            data["state"] = "failed"
        finally:
            data["finished"] = time.time()
            _write(folder, data)
            if _store(app) is not None:
                _store(app).release()
            else:
                (folder / _CLAIM).unlink(missing_ok=True)
            db.session.remove()


def wait(timeout: float = 60.0, app: Flask | None = None) -> dict:
    """Wait for a running rebuild to end (tests use this)."""
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        state = job(app)
        if state.get("state") != "running":
            return state
        time.sleep(0.05)
    return job(app)
