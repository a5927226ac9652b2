"""Two web nodes that share only the database and the upload storage (issue 21, "Engage for a
county: several web nodes"): two Engage apps (``create_app`` twice) on the suite's database
(SQLite or PostgreSQL), each with an ``ENGAGE_UPLOAD_DIR`` of its own, and one S3 bucket
(``ENGAGE_STORAGE_URL``) on a real S3 HTTP server on loopback (moto's standalone server).

- a consultation document uploaded on A downloads on B, byte for byte, and B's delete removes
  it from the bucket;
- a results import uploaded on A is checked on B, started on A (which runs no jobs), shows its
  progress on A while it waits, runs on B (whose runner takes it from the shared queue), once:
  one job, one try, the figures once; a second "Import" on either node is told it already ran;
- a postcode file uploaded and checked on A is loaded on B, once;
- neither node's uploads folder holds a single file afterwards: everything is in the database
  and the bucket.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engage.consultations import import_jobs
from engage.consultations.models import ConsultationDocument, Question
from engage.core import queue
from engage.core.models import QueueJob
from engage.core.storage import _EXTENSION, S3Storage, upload_storage
from engage.extensions import db
from engage.partnership.models import Postcode
from tests.conftest import make_app
from tests.consultations.results_support import consultation, csv_bytes, places, raw_rows  # noqa: F401 (fixtures)
from tests.integrity.test_import_claims import RAW_MAPPING
from tests.integrity.test_upload_storage_s3 import BUCKET, _keys, bucket, s3_endpoint  # noqa: F401 (fixtures)
from tests.partnership.test_postcodes import _file, onspd_row, wards  # noqa: F401 (fixtures)


def _files(folder: str) -> list[Path]:
    return sorted(p for p in Path(folder).rglob("*") if p.is_file())


@pytest.fixture
def two_nodes(app, tmp_path, bucket, s3_endpoint):
    """(A, B): the suite's app as node A and a second app as node B, on the same database and
    bucket, each with its own uploads folder. Jobs go through one shared queue (huey on an
    SQLite file, as a worker beside the web servers would use); A runs none of them, B does
    once its runner is started (``_run_jobs_on(B)``)."""
    shared = {"ENGAGE_STORAGE_URL": f"s3://{BUCKET}/county", "ENGAGE_S3_ENDPOINT_URL": s3_endpoint,
              "ENGAGE_S3_REGION": "eu-west-2", "ENGAGE_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite'}",
              "ENGAGE_QUEUE_SWEEP_SECONDS": 0.2, "ENGAGE_IMPORT_BACKGROUND_ROWS": 10}
    queue.stop(app)
    app.extensions.pop("engage_queue", None)
    app.extensions.pop(_EXTENSION, None)
    app.config.update(shared, ENGAGE_QUEUE_RUNNER="none")
    # B runs jobs once the test says so (``_run_jobs_on``): until then no runner, not even at
    # its first request.
    node_b = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "node-b", **shared, ENGAGE_QUEUE_RUNNER="none")
    assert app.config["ENGAGE_UPLOAD_DIR"] != node_b.config["ENGAGE_UPLOAD_DIR"]
    queue.queue(app).me, queue.queue(node_b).me = "node-a", "node-b"   # as two machines' host names
    try:
        yield app, node_b
    finally:
        queue.stop(node_b)
        with node_b.app_context():
            db.session.remove()
            db.engine.dispose()
        queue.stop(app)
        app.extensions.pop("engage_queue", None)
        app.extensions.pop(_EXTENSION, None)


def _run_jobs_on(node) -> None:
    node.config["ENGAGE_QUEUE_RUNNER"] = "thread"
    with node.app_context():
        queue.queue(node).start_runner()


def _client(node, user):
    client = node.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def test_a_document_uploaded_on_one_node_downloads_on_the_other(two_nodes, users, consultation, bucket):
    node_a, node_b = two_nodes
    assert isinstance(upload_storage(node_a), S3Storage) and isinstance(upload_storage(node_b), S3Storage)
    content = csv_bytes([["Street", "Litter"], ["Mill Lane", "Zebracrossing"]])
    on_a, on_b = _client(node_a, users["practitioner"]), _client(node_b, users["practitioner"])
    response = on_a.post(f"/consultations/{consultation.id}/documents",
                         data={"title": "What people said", "file": (io.BytesIO(content), "said.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    document = db.session.scalar(select(ConsultationDocument).where(ConsultationDocument.consultation_id == consultation.id))
    download = on_b.get(f"/consultations/{consultation.id}/documents/{document.id}/download")
    assert download.status_code == 200 and download.data == content
    assert _keys(bucket) == [f"county/documents/{document.stored_name}"]
    assert download.headers["Content-Length"] == str(len(content))
    assert 'filename=said.csv' in download.headers["Content-Disposition"]
    # Asked again with the ETag it gave: nothing has changed, so nothing is sent.
    again = on_a.get(f"/consultations/{consultation.id}/documents/{document.id}/download",
                     headers={"If-None-Match": download.headers["ETag"]})
    assert again.status_code == 304
    assert _files(node_a.config["ENGAGE_UPLOAD_DIR"]) == [] and _files(node_b.config["ENGAGE_UPLOAD_DIR"]) == []
    # Deleted on B: its file goes from the bucket, and A answers 404 in words.
    on_b = _client(node_b, users["officer"])
    assert on_b.post(f"/consultations/{consultation.id}/documents/{document.id}/delete").status_code == 302
    assert _keys(bucket) == []
    assert on_a.get(f"/consultations/{consultation.id}/documents/{document.id}/download").status_code == 404


def test_a_results_import_started_on_one_node_runs_once_on_the_other(two_nodes, users, consultation, bucket):
    node_a, node_b = two_nodes
    on_a, on_b = _client(node_a, users["practitioner"]), _client(node_b, users["practitioner"])
    response = on_a.post(f"/consultations/{consultation.id}/results/import",
                         data={"file": (io.BytesIO(csv_bytes(raw_rows(40))), "responses.csv"), "format": "raw"},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    preview = response.headers["Location"]
    token = preview.rsplit("/", 1)[-1]
    assert _keys(bucket) == [f"county/imports/{token}.upload"]

    # B reads A's upload (40 rows: its whole-file check runs in the background, on B).
    checking = on_b.get(preview)
    assert checking.status_code == 302 and checking.headers["Location"].endswith("/progress")
    import_jobs.wait(token, 60)
    page = on_a.get(preview)   # A shows the check B made
    assert page.status_code == 200 and "Check the columns" in page.get_data(as_text=True)

    # "Import" on A: claimed and queued; A runs no jobs, so it waits on the shared queue.
    started = on_a.post(preview, data=RAW_MAPPING)
    assert started.status_code == 302 and "/progress" in started.headers["Location"]
    key = import_jobs.UPLOADS.job_key(token)
    job = db.session.scalar(select(QueueJob).where(QueueJob.key == key))
    assert job.state == "queued" and job.attempts == 0
    waiting = on_b.get(started.headers["Location"])   # B sees the progress A's claim set
    assert waiting.status_code == 200 and "Importing results" in waiting.get_data(as_text=True)
    assert "Reading the file" in waiting.get_data(as_text=True)
    # A second click, on B, while it waits: told it is running; nothing more is queued.
    twice = on_b.post(preview, data=RAW_MAPPING)
    assert twice.status_code == 302 and "/progress" in twice.headers["Location"]

    _run_jobs_on(node_b)
    assert queue.wait_for(key, 60, app=node_b)
    done = on_a.get(started.headers["Location"])
    assert done.status_code == 302 and done.headers["Location"].endswith("/done")
    summary = on_a.get(done.headers["Location"])
    assert summary.status_code == 200 and "Do you feel safe after dark?" in summary.get_data(as_text=True)

    db.session.expire_all()
    jobs = db.session.scalars(select(QueueJob).where(QueueJob.key == key)).all()
    assert [(j.state, j.attempts) for j in jobs] == [("done", 1)]
    assert jobs[0].claimed_by.startswith("node-b:")   # B's runner ran it
    record = import_jobs.load(token)
    assert record["state"] == "done"
    imported = set(record["summary"]["question_ids"])
    questions = db.session.scalars(select(Question.id).where(Question.consultation_id == consultation.id)).all()
    assert len(imported) == 2 and sorted(questions) == sorted(imported)   # the two questions, once
    # "Import" again on either node: told it already ran; nothing imported twice.
    for client in (on_a, on_b):
        again = client.post(preview, data=RAW_MAPPING)
        assert again.status_code == 302 and again.headers["Location"].endswith("/done")
    assert db.session.scalar(select(func.count()).select_from(QueueJob).where(QueueJob.key == key)) == 1
    assert db.session.scalar(select(func.count()).select_from(Question).where(Question.consultation_id == consultation.id)) == 2
    assert _keys(bucket) == []   # the upload's bytes went once imported
    assert _files(node_a.config["ENGAGE_UPLOAD_DIR"]) == [] and _files(node_b.config["ENGAGE_UPLOAD_DIR"]) == []


def test_a_postcode_file_checked_on_one_node_is_loaded_on_the_other_once(two_nodes, users, wards, bucket):
    node_a, node_b = two_nodes
    on_a, on_b = _client(node_a, users["officer"]), _client(node_b, users["officer"])
    data = _file(onspd_row("WA7 2HA", "E05001234"), onspd_row("WA7 4EB", "E05001235"))
    upload = on_a.post("/admin/reference/postcodes", data={"mode": "replace", "file": (io.BytesIO(data), "ONSPD_WA.csv")},
                       content_type="multipart/form-data")
    assert upload.status_code == 302
    check_url = upload.headers["Location"]
    token = check_url.rsplit("/", 1)[-1]
    assert _keys(bucket) == [f"county/postcodes/{token}.upload"]
    checked = on_a.get(check_url)
    assert checked.status_code == 200 and "2 in 2 places" in checked.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Postcode)) == 0
    loaded = on_b.post(check_url)
    assert loaded.status_code == 302
    db.session.expire_all()
    assert {p.display: p.area.name for p in db.session.scalars(select(Postcode))} == {
        "WA7 2HA": "Castlefields", "WA7 4EB": "Grange"}
    again = on_a.post(check_url, follow_redirects=True)
    assert "has already been loaded" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Postcode)) == 2
    assert _keys(bucket) == []
    assert _files(node_a.config["ENGAGE_UPLOAD_DIR"]) == [] and _files(node_b.config["ENGAGE_UPLOAD_DIR"]) == []


def test_of_claims_made_at_the_same_moment_on_both_nodes_exactly_one_wins(two_nodes, users, consultation):
    """Six "Import" clicks at once, three on each node, on one upload: the claim is one row in
    the shared database, so one click gets it and the other five are told it is taken."""
    import threading

    node_a, node_b = two_nodes
    with node_a.app_context():
        token = import_jobs.store(consultation.id, users["practitioner"].id, "responses.csv", "raw",
                                  csv_bytes(raw_rows(4)), 4)
    start = threading.Barrier(6)
    won: list[str] = []

    def click(node):
        with node.app_context():
            start.wait()
            if import_jobs.claim(token):
                won.append(node.config["ENGAGE_UPLOAD_DIR"])
            db.session.remove()

    threads = [threading.Thread(target=click, args=(node,)) for node in (node_a, node_b) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(won) == 1
    assert import_jobs.load(token)["state"] == "running" and import_jobs.UPLOADS.claimed(token)
    import_jobs.fail(token, ["Stopped by the test"])   # released: the upload may be tried again
    with node_b.app_context():
        assert not import_jobs.UPLOADS.claimed(token) and import_jobs.claim(token)
        import_jobs.fail(token, ["Stopped by the test"])
