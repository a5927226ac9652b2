"""Where uploaded files are kept: one small interface, so that several web nodes can share them.

``upload_storage()`` gives the app's storage. Everything Engage keeps as files goes through it:

- published consultation documents and findings reports' attachments
  (engage/core/uploads.py: ``documents/<random name>``), served only through views that check
  who may see them;
- the bytes of every upload waiting for its work (engage/core/jobs.py ``UploadStore``:
  ``imports/<token>.upload``, ``survey-imports/...``, ``postcodes/...``).

The small records, states and one-time claims that go with the uploads are in the database
(``upload_job``, ``work_lease``: engage/core/jobs.py), as the queue's jobs are, because a
claim is a compare-and-set that an object store cannot do safely. So two web nodes need to
share only the database and the storage: never a folder.

``FolderStorage`` (the default): files in ``ENGAGE_UPLOAD_DIR``, written whole (a private
temporary file renamed into place, owner only), so another process never reads half a file.
That is right for one machine (SQLite, or one PostgreSQL web node); several nodes using it
would each have a folder of their own, so they use a bucket.

``S3Storage`` keeps them in an S3-compatible bucket (AWS S3, MinIO, Ceph, a cloud's object
store; through boto3): ``ENGAGE_STORAGE_URL=s3://bucket/prefix``, with
``ENGAGE_S3_ENDPOINT_URL`` for a service other than AWS and ``ENGAGE_S3_REGION``; the keys
come the way boto3 finds them (``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY``, a shared
credentials file, an instance role).

The interface (``UploadStorage``): ``put``, ``get``, ``open`` (a stream, for downloads of
large documents), ``delete``, ``prune`` and ``keys`` (what is kept under a prefix, for
backups). Any other storage is an object with the same methods, set for an app with
``set_upload_storage(app, storage)`` (in ``create_app`` or a test). Tests use it to prove that
uploads go through the interface and nowhere else.

Documents stored by an older Engage lie directly in ``ENGAGE_UPLOAD_DIR`` (``<random name>``,
no ``documents/``): engage/core/uploads.py reads them there when the storage has no copy, so
they are still served (on the node that has them) and backed up; ``flask --app wsgi engage
move-documents`` copies them into the storage once, for a site that moves to a bucket.
"""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import BinaryIO, Iterator, Protocol

from flask import Flask, current_app

_EXTENSION = "engage_upload_storage"


class UploadStorage(Protocol):
    def put(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` (a new key each time: uploads are never changed)."""

    def get(self, key: str) -> bytes | None:
        """The bytes kept under ``key``, or None when there are none (removed, pruned)."""

    def open(self, key: str) -> BinaryIO | None:
        """A binary stream of what is kept under ``key`` (read it in pieces, then close it),
        or None when there is nothing."""

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every key kept under ``prefix`` (``""``: all), at any depth."""

    def delete(self, key: str) -> None:
        """Remove what is kept under ``key``; nothing happens when there is nothing."""

    def prune(self, prefix: str, max_age: float) -> None:
        """Remove what was kept under keys starting with ``prefix`` more than ``max_age``
        seconds ago."""


def _checked(key: str) -> str:
    """A storage key (``imports/<token>.upload``): relative, no empty, ``.`` or ``..`` parts."""
    parts = Path(key).parts
    if not key or not parts or any(p in ("", ".", "..") for p in parts) or Path(key).is_absolute() or "\\" in key:
        raise ValueError(f"not a storage key: {key!r}")
    return "/".join(parts)


class FolderStorage:
    """Uploads as files under one folder (``ENGAGE_UPLOAD_DIR``), readable by the owner only."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*Path(_checked(key)).parts)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def open(self, key: str) -> BinaryIO | None:
        try:
            return open(self._path(key), "rb")
        except OSError:
            return None

    def keys(self, prefix: str = "") -> Iterator[str]:
        folder = self._path(prefix.rstrip("/")) if prefix.strip("/") else self.root
        if not folder.is_dir():
            return
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.endswith(".tmp"):
                yield path.relative_to(self.root).as_posix()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def prune(self, prefix: str, max_age: float) -> None:
        folder = self._path(prefix.rstrip("/")) if prefix.strip("/") else self.root
        cutoff = time.time() - max_age
        for path in folder.glob("*"):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue


class S3Storage:
    """Uploads as objects in an S3-compatible bucket, under ``prefix/`` (boto3's client, which
    is safe to share between threads). Objects are written whole by one request each, so
    another node never reads half of one."""

    def __init__(self, bucket: str, prefix: str = "", client=None, **client_options):
        if client is None:
            import boto3

            client = boto3.client("s3", **{k: v for k, v in client_options.items() if v})
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")

    @classmethod
    def from_url(cls, url: str, endpoint_url: str = "", region: str = "") -> "S3Storage":
        """``s3://bucket/prefix`` (the prefix may be left out)."""
        rest = url[len("s3://"):] if url.startswith("s3://") else ""
        bucket, _, prefix = rest.partition("/")
        if not bucket:
            raise ValueError(f"ENGAGE_STORAGE_URL must be s3://bucket/prefix, not {url!r}")
        return cls(bucket, prefix, endpoint_url=endpoint_url, region_name=region)

    def _key(self, key: str) -> str:
        key = _checked(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType="application/octet-stream")

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise
        return answer["Body"].read()

    def open(self, key: str) -> BinaryIO | None:
        """The object's body as boto3 streams it (read in pieces; nothing held in memory)."""
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise

    def keys(self, prefix: str = "") -> Iterator[str]:
        folder = self._key(prefix.rstrip("/")) + "/" if prefix.strip("/") else (f"{self.prefix}/" if self.prefix else "")
        cut = len(self.prefix) + 1 if self.prefix else 0
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=folder):
            for item in page.get("Contents", ()):
                yield item["Key"][cut:]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))   # nothing there: no error

    def prune(self, prefix: str, max_age: float) -> None:
        """As the folder's: what is directly under ``prefix`` and older than ``max_age`` seconds."""
        from datetime import datetime, timedelta, timezone

        folder = self._key(prefix.rstrip("/")) + "/" if prefix.strip("/") else (f"{self.prefix}/" if self.prefix else "")
        cutoff = datetime.now(timezone.utc) - timedelta(seconds=max_age)
        old = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=folder, Delimiter="/"):
            old += [{"Key": item["Key"]} for item in page.get("Contents", ()) if item["LastModified"] < cutoff]
        for start in range(0, len(old), 1000):   # at most 1,000 keys a request
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": old[start:start + 1000], "Quiet": True})


def set_upload_storage(app: Flask, storage: UploadStorage) -> None:
    app.extensions[_EXTENSION] = storage


def upload_storage(app: Flask | None = None) -> UploadStorage:
    """The app's upload storage: the one set with ``set_upload_storage``, else the bucket
    ``ENGAGE_STORAGE_URL`` names (made once per app), else the folder."""
    app = app or current_app
    storage = app.extensions.get(_EXTENSION)
    if storage is not None:
        return storage
    url = app.config.get("ENGAGE_STORAGE_URL") or ""
    if url:
        if not url.startswith("s3://"):
            raise ValueError(f"ENGAGE_STORAGE_URL must be empty (the uploads folder) or s3://bucket/prefix, not {url!r}")
        storage = S3Storage.from_url(url, app.config.get("ENGAGE_S3_ENDPOINT_URL") or "", app.config.get("ENGAGE_S3_REGION") or "")
        app.extensions[_EXTENSION] = storage
        return storage
    return FolderStorage(app.config["ENGAGE_UPLOAD_DIR"])
