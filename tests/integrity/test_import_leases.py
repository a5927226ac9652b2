"""Claims carry a lease (issue 16, Low): a live worker renews it; an import killed with kill -9
part way is run again by the queue once its lease runs out (issue 21), and the takeover
imports once: no doubled rows. Work with no job left on the queue says it stopped (not
"Importing" for ever) and offers to start again. Lease length: ENGAGE_JOB_LEASE_SECONDS."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from engage.consultations import import_jobs
from engage.consultations.models import Question, ResultFigure
from engage.core.jobs import Lease
from engage.extensions import db
from tests.consultations.results_support import consultation, places, raw_rows  # noqa: F401 (fixtures)
from tests.surveys.survey_support import choice, opt, store, survey  # noqa: F401 (fixtures)
from tests.integrity.test_import_claims import RAW_MAPPING, _as, _upload

ROOT = Path(__file__).resolve().parents[2]


def _until(condition, timeout=60.0, what="the condition"):
    ends = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < ends, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_lease_is_taken_once_renewed_while_alive_and_taken_over_once_when_dead(app):
    path = "test:work"   # a work_lease row, in the database every node shares
    first = Lease(path, seconds=0.4)
    assert first.take()
    assert not Lease(path, seconds=0.4).take()
    assert not Lease(path, seconds=0.4).take(takeover=True)  # fresh: not taken over
    first.keep_alive()
    watched_until = time.monotonic() + 1.6  # four lease lengths: only the heartbeat keeps it
    while time.monotonic() < watched_until:
        assert not Lease.expired(path, 0.4)
        time.sleep(0.05)
    first.stop()  # as if its process died: nobody renews it
    _until(lambda: Lease.expired(path, 0.4), what="the lease to run out")
    takers = [Lease(path, seconds=0.4) for _ in range(6)]
    won = []
    start = threading.Barrier(len(takers))

    def take(lease):
        with app.app_context():
            start.wait()
            if lease.take(takeover=True):
                won.append(lease)

    threads = [threading.Thread(target=take, args=(lease,)) for lease in takers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(won) == 1 and won[0].held()
    # The old holder is fenced: it no longer holds it, and ending it changes nothing.
    assert not first.held() and first.end(keep=True) is False and won[0].held()
    assert won[0].end(keep=True) and Lease.holder(path) == Lease.DONE
    time.sleep(0.5)  # a finished lease is kept for good: never expired, never taken over
    assert not Lease.expired(path, 0.4) and not Lease(path, 0.4).take(takeover=True)


CHILD = r"""
import json, sys, threading
from pathlib import Path
sys.path.insert(0, sys.argv[1])
config = json.loads(sys.argv[2])
from engage import create_app
from engage.consultations import import_jobs, importing
from engage.extensions import db
app = create_app(config)
real_save = importing.save

def save_and_stop_before_the_commit(*args, **kwargs):
    result = real_save(*args, **kwargs)
    db.session.flush()                        # the rows are written, not committed
    Path(config["HALF_WAY"]).write_text("saving")
    threading.Event().wait()                  # until killed

importing.save = save_and_stop_before_the_commit
with app.app_context():
    mapping = {int(k): v for k, v in json.loads(sys.argv[3]).items()}
    assert import_jobs.start(app, sys.argv[4], mapping, False) is not None   # a job, run by this process's runner
    import_jobs.wait(sys.argv[4], 600)
"""


def _counts(consultation_id):
    questions = db.session.scalars(select(Question.text).where(Question.consultation_id == consultation_id)).all()
    figures = db.session.scalar(select(func.count()).select_from(ResultFigure))
    return questions, figures


def test_an_import_killed_mid_save_is_run_again_by_the_queue_and_imports_once(app, login, consultation, tmp_path):
    # Two seconds: long enough for a heartbeat on a busy machine, short enough for a quick test.
    # This process runs no jobs until the child is dead (the child runs the import).
    app.config.update(ENGAGE_IMPORT_BACKGROUND_ROWS=10, ENGAGE_JOB_LEASE_SECONDS=2.0, ENGAGE_QUEUE_RUNNER="none")
    client = _as(login, "practitioner")
    preview_url = _upload(client, consultation, raw_rows(40))
    token = preview_url.rsplit("/", 1)[-1]
    progress_url = f"{preview_url}/progress"
    half_way = tmp_path / "half-way"
    config = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "ENGAGE_INDEX_DIR", "ENGAGE_UPLOAD_DIR", "SECRET_KEY",
                                               "ENGAGE_SEARCH_BACKEND", "ENGAGE_JOB_LEASE_SECONDS")}
    config.update({"TESTING": True, "HALF_WAY": str(half_way)})
    mapping = {k[4:]: v for k, v in RAW_MAPPING.items()}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), json.dumps(config), json.dumps(mapping), token],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ends = time.monotonic() + 120
        while not half_way.exists():  # the child has written its rows and waits before its commit
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < ends, "the import never got to saving"
            time.sleep(0.05)
        # Alive: its heartbeat renews the claim, so it is never offered to anyone else.
        watched_until = time.monotonic() + 2.5
        while time.monotonic() < watched_until:
            assert not import_jobs.stalled(token)
            time.sleep(0.1)
        assert import_jobs.restart(app, token) is None
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    db.session.expire_all()
    assert _counts(consultation.id) == ([], 0)  # its uncommitted rows died with it
    assert import_jobs.load(token)["state"] == "running"
    # Nobody has to press anything: once the dead worker's lease has run out, the queue's sweep
    # (this process's runner, sweeping often here) runs the job again, and it imports once.
    from engage.core import queue

    app.config.update(ENGAGE_QUEUE_SWEEP_SECONDS=0.2, ENGAGE_QUEUE_RUNNER="thread")
    queue.queue(app).start_runner().wake()
    _until(lambda: (import_jobs.load(token) or {}).get("state") == "done", what="the queue to run the import again")
    import_jobs.wait(token, 60)
    record = import_jobs.load(token)
    assert record["state"] == "done" and record.get("restarted") is True
    db.session.expire_all()
    questions, figures = _counts(consultation.id)
    assert sorted(questions) == sorted(set(questions)) and len(questions) == 2  # once, not twice
    assert figures > 0
    assert client.get(progress_url).headers["Location"].endswith("/done")
    # Once done, its claim is kept for good: never offered again.
    assert not import_jobs.stalled(token) and import_jobs.restart(app, token) is None


def test_a_survey_import_whose_worker_died_is_offered_again_and_imports_once(app, client, login, survey, places):
    """The survey answers import uses the same claim: its worker's death (here: its heartbeat
    stops, as when its process is killed) shows "stopped" and "Import" starts it again, once."""
    from engage.surveys import import_jobs as survey_imports
    from engage.surveys.models import SurveyResponse
    from tests.surveys.test_entry import _token, _upload

    app.config["ENGAGE_JOB_LEASE_SECONDS"] = 0.5
    login("practitioner")
    token = _token(_upload(client, survey, "Q1,Q2\nCastle,Often\nMill,Never\nBridge,Often\n"))
    assert survey_imports.UPLOADS.claim(token, phase="saving", done=1, total=3)
    survey_imports.UPLOADS._leases.pop(token).stop()  # the worker is gone; nobody renews its claim
    progress = f"/surveys/{survey.id}/import/{token}/progress"
    _until(lambda: survey_imports.UPLOADS.stalled(token), what="the lease to run out")
    page = client.get(progress).get_data(as_text=True)
    assert "The import stopped before it finished" in page and "Start the import again" in page
    client.post(f"/surveys/{survey.id}/import/{token}")
    survey_imports.wait(token)
    client.post(f"/surveys/{survey.id}/import/{token}")  # pressed again: imported already
    survey_imports.wait(token)
    assert survey_imports.load(token)["state"] == "done"
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey.id)) == 3


def test_a_file_check_whose_worker_died_is_run_again(app, login, consultation):
    """The whole-file check of a large upload runs in the background under a lease too: when
    its worker dies, the upload does not say "Checking the file" for ever; the next visit
    checks it again."""
    app.config.update(ENGAGE_IMPORT_BACKGROUND_ROWS=10, ENGAGE_JOB_LEASE_SECONDS=0.5)
    client = _as(login, "practitioner")
    preview_url = _upload(client, consultation, raw_rows(40))
    token = preview_url.rsplit("/", 1)[-1]
    assert Lease(import_jobs.UPLOADS.lease_name(token, "checking")).take()  # a check that then died
    import_jobs.update(token, state="checking", phase="reading", check=None)
    assert client.get(f"{preview_url}/progress").status_code == 200  # still checking, for now
    _until(lambda: import_jobs.check_stalled(token), what="the check's lease to run out")
    response = client.get(f"{preview_url}/progress")
    assert response.status_code == 302 and response.headers["Location"].endswith(token)
    client.get(preview_url)  # checks the file again, in the background
    import_jobs.wait(token, 60)
    record = import_jobs.load(token)
    assert record["state"] == "uploaded" and record["check"] is not None and record["check"]["problems"] == []
