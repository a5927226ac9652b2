"""The background half of engage/core/jobs.py that both imports (consultation results, survey
answers) use: work runs once per claimed upload, in an app context of its own with the stored
record; a failure inside it still lets ``wait`` return; progress is written to the record, held
back within a phase but never at a phase's end."""
from __future__ import annotations

import pytest
from flask import current_app, has_app_context

from engage.core.jobs import RUNNING, UploadStore


SEEN: list = []


def _work(base, token_, record, extra):
    """An upload's work, run as a job on the queue (found by its module and name)."""
    store = UploadStore("test-jobs")
    SEEN.append((has_app_context() and current_app.name, base == store.folder(), token_, record["what"],
                 record["state"], record["phase"], extra, store.data(token_, base)))


def test_work_runs_once_with_its_record_in_an_app_context(app):
    app.config["ENGAGE_QUEUE_EXTRA_MODULES"] = ("tests.",)
    SEEN.clear()
    store = UploadStore("test-jobs")
    token = store.store({"what": "answers"}, b"a,b\n1,2\n")
    assert store.start(app, token, _work, "more", name="test", phase="checking") is not None
    assert store.start(app, token, _work, "more", name="test", phase="checking") is None  # already claimed
    store.wait(token, 30)
    assert SEEN == [(app.name, True, token, "answers", RUNNING, "checking", "more", b"a,b\n1,2\n")]


def _nothing(*args):
    pass


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_thread_whose_work_raised_is_not_left_registered(app):
    store = UploadStore("test-jobs")
    token = store.store({}, b"x")
    thread = store.in_background(app, token, lambda: 1 / 0, name="broken")
    store.wait(token, 30)
    thread.join(30)  # the thread may have left the registry before ``wait`` looked
    assert store._threads == {}  # it left the registry although the work raised
    app.config["ENGAGE_QUEUE_EXTRA_MODULES"] = ("tests.",)
    assert store.start(app, token, _nothing, name="again") is not None  # nothing else holds it
    store.wait(token, 30)


class _Clock:
    """A monotonic clock read as on a machine booted ``at`` seconds ago (time.monotonic() counts
    from boot on Linux), moved on by the test."""

    def __init__(self, at: float):
        self.now = at

    def __call__(self) -> float:
        return self.now


def test_the_first_progress_report_is_written_on_a_machine_just_booted(app):
    store = UploadStore("test-jobs")
    for uptime in (0.5, 30.0, 3599.0, 86_400.0):  # half a second up, ..., a day up
        token = store.store({}, b"x")
        clock = _Clock(uptime)
        report = store.progress(token, every=3600, clock=clock)
        report("checking", 1, 10)
        assert store.load(token)["done"] == 1, f"first report dropped {uptime} s after boot"
        clock.now += 10
        report("checking", 2, 10)  # within the hour: held back
        assert store.load(token)["done"] == 1
        clock.now += 3601
        report("checking", 3, 10)  # an hour on: written
        assert store.load(token)["done"] == 3


def test_a_throttle_lets_the_first_through_whatever_the_clock_reads():
    from engage.core.jobs import Throttle

    for start in (0.0, 0.1, 5.0, 1e9):
        clock = _Clock(start)
        throttle = Throttle(60, clock)
        assert throttle.due() and not throttle.due()
        assert throttle.due(force=True)
        clock.now += 61
        assert throttle.due() and not throttle.due()


def test_progress_is_held_back_within_a_phase_but_not_at_its_end(app):
    store = UploadStore("test-jobs")
    token = store.store({}, b"x")
    report = store.progress(token, every=3600)
    report("checking", 1, 10)  # the first is always written
    report("checking", 5, 10)  # held back: within the hour
    assert store.load(token)["done"] == 1
    report("checking", 10, 10)  # the end of the phase
    assert (store.load(token)["phase"], store.load(token)["done"]) == ("checking", 10)

    only_checking = store.progress(token, every=3600, throttled={"checking"})
    only_checking("checking", 1, 10)
    only_checking("checking", 2, 10)
    assert store.load(token)["done"] == 1
    only_checking("saving", 3, 10)  # not a held-back phase: written every time
    only_checking("saving", 4, 10)
    assert (store.load(token)["phase"], store.load(token)["done"]) == ("saving", 4)


def test_uploads_an_older_engage_left_in_the_folder_carry_on_from_the_database(app):
    """Before issue 21 an upload's record and claim were files in ENGAGE_UPLOAD_DIR/<kind>/;
    the first time such an upload is asked for, they move into the database."""
    import json
    import secrets
    from pathlib import Path

    from engage.core.jobs import DONE, UPLOADED
    from engage.core.storage import upload_storage

    store = UploadStore("test-jobs")
    folder = Path(app.config["ENGAGE_UPLOAD_DIR"]) / "test-jobs"
    folder.mkdir(parents=True, exist_ok=True)

    def left(state, claim=None):
        token = secrets.token_urlsafe(24)
        upload_storage().put(f"test-jobs/{token}.upload", b"a,b\n1,2\n")
        (folder / f"{token}.json").write_text(json.dumps({"what": "answers", "state": state}))
        if claim is not None:
            (folder / f"{token}.claim").write_text(claim)
        return token

    waiting, finished, running = left(UPLOADED), left(DONE, "done"), left(RUNNING, "0123abcd")
    assert store.load(waiting) == {"what": "answers", "state": UPLOADED}
    assert [p.name for p in folder.glob(f"{waiting}.*")] == [f"{waiting}.upload"]   # record moved; bytes stay
    assert store.load(waiting)["what"] == "answers"              # now read from the database
    assert store.data(waiting) == b"a,b\n1,2\n" and not store.claimed(waiting)
    lease = store.claim(waiting)
    assert lease is not None and store.load(waiting)["state"] == RUNNING
    store.release(waiting)
    assert store.load(finished)["state"] == DONE and store.claimed(finished) and store.claim(finished) is None
    assert store.stalled(running)   # its worker was stopped by the upgrade: offered again
    assert store.claim(running, takeover=True) is not None
    store.release(running)
    assert store.load(secrets.token_urlsafe(24)) is None


def test_pruning_removes_old_uploads_with_their_records_and_claims(app):
    from engage.core.jobs import Lease
    from engage.core.storage import upload_storage

    store = UploadStore("test-jobs")
    old, finished = store.store({"what": "old"}, b"x"), store.store({"what": "finished"}, b"y")
    assert store.claim(finished) is not None
    store.finish(finished)
    assert store.claimed(finished) and Lease.holder(store.lease_name(finished)) == Lease.DONE
    store.prune(max_age=3600)   # nothing is an hour old: all stays
    assert store.load(old) is not None and store.data(old) == b"x" and store.claimed(finished)
    store.prune(max_age=-1)     # everything is older than that
    assert store.load(old) is None and store.load(finished) is None and store.data(old) is None
    assert not store.claimed(finished) and list(upload_storage().keys("test-jobs/")) == []
