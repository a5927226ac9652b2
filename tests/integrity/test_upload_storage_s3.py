"""Uploads in an S3-compatible bucket (engage/core/storage.py ``S3Storage``, through boto3),
against a real S3 HTTP server on loopback (moto's standalone server): the storage's four
methods, and an import whose file goes to the bucket named by ``ENGAGE_STORAGE_URL`` and
nowhere else, is read back from it by the preview and is removed once imported."""
from __future__ import annotations

import io
import socket
import time
from pathlib import Path

import pytest
from flask import g

from engage.core.storage import _EXTENSION, S3Storage, upload_storage
from tests.consultations.results_support import consultation, csv_bytes, places, tidy_rows  # noqa: F401  (fixtures)

BUCKET = "engage-uploads"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch):
    """A new, empty bucket on the server; the keys as an operator sets them (boto3 reads them)."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "engage-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "engage-test-secret")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-2")
    for old in client.list_objects_v2(Bucket=BUCKET).get("Contents", ()) if _exists(client) else ():
        client.delete_object(Bucket=BUCKET, Key=old["Key"])
    if not _exists(client):
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    return client


def _exists(client) -> bool:
    return any(b["Name"] == BUCKET for b in client.list_buckets().get("Buckets", ()))


def _keys(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", ()))


def test_the_bucket_storage_keeps_gets_deletes_and_prunes(bucket, s3_endpoint):
    storage = S3Storage.from_url(f"s3://{BUCKET}/site-a", endpoint_url=s3_endpoint, region="eu-west-2")
    storage.put("imports/abc.upload", b"figures")
    assert _keys(bucket) == ["site-a/imports/abc.upload"]
    assert storage.get("imports/abc.upload") == b"figures"
    assert storage.get("imports/missing.upload") is None
    storage.put("imports/old.upload", b"old")
    time.sleep(2.2)
    storage.put("imports/new.upload", b"new")
    storage.put("other/old.upload", b"another kind")
    storage.prune("imports/", 1.5)
    assert _keys(bucket) == ["site-a/imports/new.upload", "site-a/other/old.upload"]
    storage.put("documents/d1", b"a document")
    stream = storage.open("documents/d1")   # boto3's body: read in pieces
    assert stream.read(2) == b"a " and stream.read() == b"document"
    stream.close()
    assert storage.open("documents/missing") is None
    assert sorted(storage.keys()) == ["documents/d1", "imports/new.upload", "other/old.upload"]
    assert list(storage.keys("documents/")) == ["documents/d1"]
    storage.delete("documents/d1")
    storage.delete("imports/new.upload")
    storage.delete("imports/new.upload")   # twice: nothing happens
    assert storage.get("imports/new.upload") is None
    for key in ("../secret", "/etc/passwd", "imports/../../x", ""):
        with pytest.raises(ValueError):
            storage.put(key, b"x")
    with pytest.raises(ValueError):
        S3Storage.from_url("s3:///no-bucket")


def test_an_import_goes_through_the_bucket_the_settings_name(app, login, consultation, bucket, s3_endpoint):
    app.config.update(ENGAGE_STORAGE_URL=f"s3://{BUCKET}/engage", ENGAGE_S3_ENDPOINT_URL=s3_endpoint,
                      ENGAGE_S3_REGION="eu-west-2")
    app.extensions.pop(_EXTENSION, None)
    try:
        assert isinstance(upload_storage(app), S3Storage)
        client = login("practitioner")
        g.pop("_login_user", None)
        response = client.post(f"/consultations/{consultation.id}/results/import",
                               data={"file": (io.BytesIO(csv_bytes(tidy_rows())), "results.csv"), "format": "tidy"},
                               content_type="multipart/form-data")
        assert response.status_code == 302
        preview = response.headers["Location"]
        token = preview.rsplit("/", 1)[-1]
        key = f"engage/imports/{token}.upload"
        assert _keys(bucket) == [key]
        assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == csv_bytes(tidy_rows())
        assert list(Path(app.config["ENGAGE_UPLOAD_DIR"]).glob("**/*.upload")) == []   # nothing in the folder
        assert "Check the columns" in client.get(preview).get_data(as_text=True)       # read back from the bucket
        form = {f"col_{i}": role for i, role in enumerate(["question", "option", "segment", "count", "base"])}
        response = client.post(preview, data=form)
        assert response.status_code == 302 and response.headers["Location"].endswith("/done")
        assert _keys(bucket) == []   # removed once imported
    finally:
        app.extensions.pop(_EXTENSION, None)
