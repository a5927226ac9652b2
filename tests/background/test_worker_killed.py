"""The several-nodes path (issue 21): jobs on a real Redis, run by separate worker processes
(``engage.core.queue.work``, what ``flask --app wsgi engage worker`` runs). A worker killed
with kill -9 in the middle of a survey import (its rows written, not committed) loses
nothing: once its lease runs out another worker's sweep runs the job again, and the answers
are imported once.

It runs in the PostgreSQL pass only (several workers on one database is a PostgreSQL setup).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from engage.core import queue
from engage.core.models import QueueJob
from engage.extensions import db
from tests.background.jobs_support import redis_server  # noqa: F401 (fixture)
from tests.conftest import in_the_postgresql_pass
from tests.surveys.survey_support import consultation, places, survey  # noqa: F401 (fixtures)

pytestmark = in_the_postgresql_pass("separate worker processes on Redis are the several-nodes setup, which runs on PostgreSQL")

ROOT = Path(__file__).resolve().parents[2]

WORKER = r"""
import json, sys, threading
from pathlib import Path
sys.path.insert(0, sys.argv[1])
config = json.loads(sys.argv[2])
from engage import create_app
from engage.core import queue
from engage.extensions import db
from engage.surveys import entry
app = create_app(config)
real_import_rows = entry.import_rows

def import_rows_and_stop_before_the_commit(*args, **kwargs):
    count = real_import_rows(*args, **kwargs)
    db.session.flush()                          # the rows are written, not committed
    if config.get("HALF_WAY") and queue.current().attempt == 1:
        Path(config["HALF_WAY"]).write_text("saving")
        threading.Event().wait()                # until killed
    return count

entry.import_rows = import_rows_and_stop_before_the_commit
queue.work(app, threads=1, echo=lambda text: None)
"""


def _until(condition, timeout=90.0, what="the condition", child=None):
    ends = time.monotonic() + timeout
    while not condition():
        if child is not None:
            assert child.poll() is None, child.stderr.read().decode()[-3000:]
        assert time.monotonic() < ends, f"timed out waiting for {what}"
        time.sleep(0.05)


def _worker(config: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WORKER, str(ROOT), json.dumps(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_a_worker_killed_mid_import_is_replaced_and_the_answers_are_imported_once(app, client, login, survey, places,
                                                                                   redis_server, tmp_path):
    from engage.surveys import import_jobs
    from engage.surveys.models import SurveyResponse
    from tests.surveys.test_entry import _token, _upload

    settings = {"ENGAGE_QUEUE_URL": redis_server.url, "ENGAGE_QUEUE_RUNNER": "none", "ENGAGE_JOB_LEASE_SECONDS": 2.0,
                "ENGAGE_QUEUE_SWEEP_SECONDS": 0.2}
    app.config.update(settings)
    app.extensions.pop("engage_queue", None)   # this web process only queues, on Redis
    login("practitioner")
    token = _token(_upload(client, survey, "Q1,Q2\nCastle,Often\nMill,Never\nBridge,Often\n"))
    assert client.post(f"/surveys/{survey.id}/import/{token}").status_code == 302   # queued on Redis
    assert queue.queue(app).huey.pending_count() == 1 and queue.queue(app).runner is None

    half_way = tmp_path / "half-way"
    config = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "ENGAGE_INDEX_DIR", "ENGAGE_UPLOAD_DIR",
                                               "SECRET_KEY", "ENGAGE_SEARCH_BACKEND")}
    config.update(settings, TESTING=True)
    first = _worker({**config, "HALF_WAY": str(half_way)})
    second = None
    try:
        _until(half_way.exists, what="the first worker to be saving", child=first)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
        assert first.returncode == -signal.SIGKILL
        job = db.session.scalar(select(QueueJob).where(QueueJob.key == import_jobs.UPLOADS.job_key(token)))
        assert job.state == queue.RUNNING and job.attempts == 1     # as the dead worker left it
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
        second = _worker(config)

        def imported_and_finished():
            # The import says "done" a moment before its worker marks the job itself done:
            # stopping the worker in between would leave the job running for nobody to finish.
            db.session.rollback()
            state = db.session.scalar(select(QueueJob.state).where(QueueJob.key == import_jobs.UPLOADS.job_key(token)))
            return (import_jobs.load(token) or {}).get("state") == "done" and state == queue.DONE

        _until(imported_and_finished, what="the second worker to import and finish its job", child=second)
    finally:
        for child in (first, second):
            if child is not None and child.poll() is None:
                child.terminate()
                child.wait(30)
    assert queue.wait_for(import_jobs.UPLOADS.job_key(token), 30)
    db.session.expire_all()
    job = db.session.get(QueueJob, job.id)
    assert job.state == queue.DONE and job.attempts == 2
    record = import_jobs.load(token)
    assert record["restarted"] is True and record["summary"] == {"responses": 3}
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.survey_id == survey.id)) == 3     # once, not six
