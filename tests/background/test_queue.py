"""Background work on a queue (issue 21, engage/core/queue.py): retries that wait longer each
time, the dead-letter list officers see and try again (once, recorded), a job handed out
twice that runs once, and a restarted app that picks up the work left unfinished."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engage.core import queue
from engage.core.models import AuditEvent, QueueJob
from engage.core.queue import _now as utcnow   # the real time, as the queue reads it
from engage.extensions import db
from tests.background.jobs_support import always_fails, fails_before, lines, note
from tests.roles_support import OFFICER_ONLY, expect, route_problems


@pytest.fixture
def by_hand(app):
    """No runner: the test runs each job itself with ``queue.execute`` (no waiting on time)."""
    app.config.update(ENGAGE_QUEUE_RUNNER="none", ENGAGE_QUEUE_EXTRA_MODULES=("tests.",), ENGAGE_QUEUE_RETRY_SECONDS=30)
    return app


def _job(job_id) -> QueueJob:
    return db.session.get(QueueJob, job_id, populate_existing=True)


def _due_now(job_id) -> None:
    db.session.execute(update(QueueJob).where(QueueJob.id == job_id).values(next_try_at=utcnow()))
    db.session.commit()


def test_a_failing_job_waits_longer_each_time_then_is_listed_and_tried_again_once(by_hand, client, login):
    job_id = queue.enqueue(always_fails, "The mail server is not answering", label="Send the weekly emails",
                           max_attempts=3)
    db.session.commit()
    waits = []
    for attempt in (1, 2):
        before = utcnow()
        assert queue.execute(job_id) == queue.QUEUED
        job = _job(job_id)
        assert job.attempts == attempt and job.claimed_by is None and "not answering" in job.last_error
        waits.append((job.next_try_at - before).total_seconds())
        assert queue.execute(job_id) is None   # not due yet: nobody runs it early
        _due_now(job_id)
    assert 29 <= waits[0] <= 35 and 59 <= waits[1] <= 65   # 30 s, then twice that
    assert queue.execute(job_id) == queue.DEAD             # the last try: on the dead-letter list
    job = _job(job_id)
    assert job.state == queue.DEAD and job.attempts == 3 and job.finished_at is not None

    login("officer")
    page = client.get("/admin/background-work").get_data(as_text=True)
    assert "Send the weekly emails" in page and "ConnectionError: The mail server is not answering" in page
    assert f'id="job-{job_id}"' in page and "Try again" in page
    assert 'id="background-work"' in client.get("/account").get_data(as_text=True)  # linked from "What you can do"

    # Two officers press "Try again" at once: one moves it, the other is told; one record.
    first = client.post(f"/admin/background-work/{job_id}/retry")
    second = client.post(f"/admin/background-work/{job_id}/retry", follow_redirects=True)
    assert first.status_code == 302
    assert "Someone else has just tried this job again" in second.get_data(as_text=True)
    job = _job(job_id)
    assert job.state == queue.QUEUED and job.attempts == 0 and job.finished_at is None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job.retried")).all()
    assert len(events) == 1 and events[0].object_id == job_id
    assert f'id="job-{job_id}"' not in client.get("/admin/background-work").get_data(as_text=True)
    assert queue.execute(job_id) == queue.QUEUED            # tried again: its tries start afresh


def test_a_job_that_fails_while_a_server_is_down_works_once_it_is_back(by_hand, tmp_path):
    ran = tmp_path / "ran"
    job_id = queue.enqueue(fails_before, str(ran), 3, label="Send an email")
    db.session.commit()
    assert queue.execute(job_id) == queue.QUEUED
    _due_now(job_id)
    assert queue.execute(job_id) == queue.QUEUED
    _due_now(job_id)
    assert queue.execute(job_id) == queue.DONE
    assert lines(ran) == ["ran 1", "ran 2", "ran 3"] and _job(job_id).last_error is None
    assert queue.execute(job_id) is None                    # done is done


def test_a_job_handed_out_twice_at_once_runs_once(by_hand, app, tmp_path):
    ran = tmp_path / "ran"
    job_id = queue.enqueue(note, str(ran), label="Note once")
    db.session.commit()
    start = threading.Barrier(4)
    outcomes = []

    def run():
        with app.app_context():
            start.wait()
            outcomes.append(queue.execute(job_id))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes, key=str) == [None, None, None, queue.DONE]
    assert lines(ran) == ["ran 1"]


def test_a_restarted_app_picks_up_the_work_left_unfinished(_schema, app, tmp_path):
    """A web process killed mid-job left one job "running" (its lease ran out) and one queued
    in its in-memory queue (lost with it): the next process's runner, started by its first
    request, runs each once."""
    from tests.conftest import make_app

    ran = tmp_path / "ran"
    long_ago = utcnow() - timedelta(minutes=5)
    left = QueueJob(name="tests.background.jobs_support:note", label="Half done", key="left", args=[str(ran), "left"],
                    state=queue.RUNNING, attempts=1, max_attempts=5, next_try_at=long_ago, created_at=long_ago,
                    claimed_by="old-host:123:abcd", lease_until=long_ago + timedelta(seconds=60), started_at=long_ago)
    lost = QueueJob(name="tests.background.jobs_support:note", label="Never started", key="lost",
                    args=[str(ran), "lost"], state=queue.QUEUED, attempts=0, max_attempts=5, next_try_at=utcnow(),
                    created_at=utcnow(), dispatched_at=utcnow())
    db.session.add_all([left, lost])
    db.session.commit()
    again = make_app(_schema, tmp_path / "again", ENGAGE_QUEUE_EXTRA_MODULES=("tests.",))
    try:
        assert again.test_client().get("/").status_code == 200   # its first request starts the runner
        with again.app_context():
            assert queue.wait_for("left", 60) and queue.wait_for("lost", 60)
    finally:
        queue.stop(again)
        with again.app_context():
            db.engine.dispose()
    assert sorted(lines(ran)) == ["left 2", "lost 1"]
    assert _job(left.id).state == queue.DONE and _job(lost.id).state == queue.DONE


ROUTES = [
    ("GET", "/admin/background-work", OFFICER_ONLY),
    ("POST", "/admin/background-work/2147483647/retry", expect(302, 403, 403, 403, 404)),
    ("POST", "/admin/background-work/0/retry", expect(302, 403, 403, 403, 404)),
]


@pytest.mark.parametrize("method,path,expected", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_by_role(login, client, users, method, path, expected):
    assert route_problems(login, client, method, path, expected) == []
