"""Backups of a site whose files are in a bucket (``ENGAGE_STORAGE_URL``, issue 21): the
archive holds the bucket's objects under ``storage/``, a restore puts them into the restoring
site's storage (here another prefix of a bucket on a real S3 server on loopback, moto's), the
restored site serves the document, a restore over a bucket that holds files refuses without
--force, and --force empties the prefix first."""
from __future__ import annotations

import io
import os
import shutil
import tarfile

from sqlalchemy import select

from engage.backup import archive
from engage.consultations.models import ConsultationDocument
from engage.core.storage import _EXTENSION
from engage.extensions import db
from tests.conftest import _postgres_url, make_app, require
from tests.consultations.results_support import consultation, csv_bytes, places  # noqa: F401 (fixtures)
from tests.integrity.test_upload_storage_s3 import BUCKET, _keys, bucket, s3_endpoint  # noqa: F401 (fixtures)


def _fresh_database(database_url: str, tmp_path) -> str:
    """A new database of the suite's engine, of this test's own (test_backup.py's "restore"
    database may be in use by another worker at the same time)."""
    if database_url.startswith("postgresql"):
        return _postgres_url(os.environ["TEST_DATABASE_URL"], "restore_bucket")
    (tmp_path / "restored").mkdir(exist_ok=True)
    return f"sqlite:///{tmp_path / 'restored' / 'engage.db'}"


def _signed_in(node, user_id: str):
    client = node.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user_id, True
    return client


def test_a_site_whose_files_are_in_a_bucket_backs_them_up_and_restores_them(app, users, consultation, bucket, s3_endpoint,
                                                                            database_url, tmp_path):
    if database_url.startswith("postgresql"):
        require(shutil.which("pg_dump") and shutil.which("pg_restore"), "pg_dump and pg_restore are not installed")
    s3 = {"ENGAGE_S3_ENDPOINT_URL": s3_endpoint, "ENGAGE_S3_REGION": "eu-west-2"}
    app.config.update(ENGAGE_STORAGE_URL=f"s3://{BUCKET}/site", **s3)
    app.extensions.pop(_EXTENSION, None)
    content = csv_bytes([["Street", "Litter"], ["Mill Lane", "Backedup"]])
    practitioner = users["practitioner"].get_id()
    client = _signed_in(app, practitioner)
    assert client.post(f"/consultations/{consultation.id}/documents", data={"file": (io.BytesIO(content), "said.csv")},
                       content_type="multipart/form-data").status_code == 302
    document = db.session.scalar(select(ConsultationDocument))
    url = f"/consultations/{consultation.id}/documents/{document.id}/download"
    assert _keys(bucket) == [f"site/documents/{document.stored_name}"]

    made = app.test_cli_runner().invoke(args=["engage", "backup", "--to", str(tmp_path / "site.tar.gz")])
    assert made.exit_code == 0, made.output
    with tarfile.open(tmp_path / "site.tar.gz", "r:gz") as tar:
        assert tar.extractfile(f"storage/documents/{document.stored_name}").read() == content
        assert not [n for n in tar.getnames() if n.startswith("uploads/")]   # nothing in the node's folder
    assert archive.read_manifest(tmp_path / "site.tar.gz").uploads == 1

    restored = make_app(_fresh_database(database_url, tmp_path), tmp_path / "restored",
                        ENGAGE_STORAGE_URL=f"s3://{BUCKET}/restored", **s3)
    with restored.app_context():
        try:
            from flask_migrate import upgrade

            upgrade()
            done = restored.test_cli_runner().invoke(args=["engage", "restore", str(tmp_path / "site.tar.gz")])
            assert done.exit_code == 0, done.output
            assert f"restored/documents/{document.stored_name}" in _keys(bucket)
            download = _signed_in(restored, practitioner).get(url)
            assert download.status_code == 200 and download.data == content
            # The bucket now holds the site's files: a second restore refuses without --force.
            again = restored.test_cli_runner().invoke(args=["engage", "restore", str(tmp_path / "site.tar.gz")])
            assert again.exit_code != 0 and "already has data" in again.output
            assert "1 files in the upload storage" in archive.live_data()
            # --force empties the prefix first: a file the archive does not hold is gone.
            bucket.put_object(Bucket=BUCKET, Key="restored/documents/" + "0" * 40, Body=b"stray")
            forced = restored.test_cli_runner().invoke(args=["engage", "restore", str(tmp_path / "site.tar.gz"), "--force"])
            assert forced.exit_code == 0, forced.output
            assert [k for k in _keys(bucket) if k.startswith("restored/")] == [f"restored/documents/{document.stored_name}"]
            assert f"site/documents/{document.stored_name}" in _keys(bucket)   # the other site's prefix untouched
        finally:
            db.session.remove()
            db.engine.dispose()
            app.extensions.pop(_EXTENSION, None)
