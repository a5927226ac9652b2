"""Uploads wait for their work in one small storage interface (engage/core/storage.py), so
that several web nodes can share them: the folder by default, any other storage when set."""
from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from flask import g

from engage.core.storage import FolderStorage, set_upload_storage, upload_storage
from tests.consultations.results_support import consultation, csv_bytes, places, tidy_rows  # noqa: F401  (fixtures)


def test_the_folder_storage_keeps_whole_private_files_and_prunes_old_ones(tmp_path):
    storage = FolderStorage(tmp_path)
    storage.put("imports/abc.upload", b"figures")
    path = tmp_path / "imports" / "abc.upload"
    assert storage.get("imports/abc.upload") == b"figures" and path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["abc.upload"]  # no temporary file left
    storage.put("imports/old.upload", b"old")
    stale = time.time() - 3 * 24 * 3600
    os.utime(tmp_path / "imports" / "old.upload", (stale, stale))
    storage.prune("imports/", 24 * 3600)
    assert storage.get("imports/old.upload") is None and storage.get("imports/abc.upload") == b"figures"
    storage.put("documents/d1", b"a document")
    with storage.open("documents/d1") as stream:   # a stream, for downloads
        assert stream.read(2) == b"a " and stream.read() == b"document"
    assert storage.open("documents/missing") is None
    assert list(storage.keys()) == ["documents/d1", "imports/abc.upload"] and list(storage.keys("documents/")) == ["documents/d1"]
    storage.delete("imports/abc.upload")
    storage.delete("imports/abc.upload")  # twice: nothing happens
    assert storage.get("imports/abc.upload") is None
    for key in ("../secret", "/etc/passwd", "imports/../../x", ""):
        with pytest.raises(ValueError):
            storage.put(key, b"x")


class DictStorage:
    """Another storage (as an S3 bucket would be): a dictionary, so the test sees every call."""

    def __init__(self):
        self.objects: dict[str, bytes] = {}
        self.puts: list[str] = []

    def put(self, key, data):
        self.puts.append(key)
        self.objects[key] = data

    def get(self, key):
        return self.objects.get(key)

    def open(self, key):
        return io.BytesIO(self.objects[key]) if key in self.objects else None

    def keys(self, prefix=""):
        return iter(sorted(k for k in self.objects if k.startswith(prefix)))

    def delete(self, key):
        self.objects.pop(key, None)

    def prune(self, prefix, max_age):
        pass


def test_an_import_keeps_its_file_in_the_storage_set_for_the_app(app, login, consultation):
    assert isinstance(upload_storage(), FolderStorage)   # the default
    storage = DictStorage()
    set_upload_storage(app, storage)
    client = login("practitioner")
    g.pop("_login_user", None)
    response = client.post(f"/consultations/{consultation.id}/results/import",
                           data={"file": (io.BytesIO(csv_bytes(tidy_rows())), "results.csv"), "format": "tidy"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    preview = response.headers["Location"]
    token = preview.rsplit("/", 1)[-1]
    assert storage.puts == [f"imports/{token}.upload"] and storage.objects[f"imports/{token}.upload"] == csv_bytes(tidy_rows())
    assert list(Path(app.config["ENGAGE_UPLOAD_DIR"]).glob("**/*.upload")) == []   # nothing beside it in the folder
    assert "Check the columns" in client.get(preview).get_data(as_text=True)       # read back from the storage
    form = {f"col_{i}": role for i, role in enumerate(["question", "option", "segment", "count", "base"])}
    response = client.post(preview, data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/done")
    assert storage.objects == {}   # the file is removed once imported
