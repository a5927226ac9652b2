"""Where uploaded files wait for their work (an import's file between "Upload" and "Import"):
one small interface, so that several web nodes can share them.

``upload_storage()`` gives the app's storage; ``engage.core.jobs.UploadStore`` keeps the
bytes of every upload there (``put``, ``get``, ``delete``, ``prune``), by a key such as
``imports/<token>.upload``. The storage on offer is ``FolderStorage``: files in
``ENGAGE_UPLOAD_DIR``, written whole (a private temporary file renamed into place, owner
only), so another process never reads half a file. With several web nodes that folder is one
shared folder (NFS or similar) mounted at the same path on every node: the upload's record and
its one-time claim (engage/core/jobs.py) live beside it and need it too.

Another storage (an S3-compatible bucket, say) is any object with the same four methods, set
for an app with ``set_upload_storage(app, storage)`` (in ``create_app`` or a test). Tests use
it to prove that uploads go through the interface and nowhere else.
"""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

_EXTENSION = "engage_upload_storage"


class UploadStorage(Protocol):
    def put(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` (a new key each time: uploads are never changed)."""

    def get(self, key: str) -> bytes | None:
        """The bytes kept under ``key``, or None when there are none (removed, pruned)."""

    def delete(self, key: str) -> None:
        """Remove what is kept under ``key``; nothing happens when there is nothing."""

    def prune(self, prefix: str, max_age: float) -> None:
        """Remove what was kept under keys starting with ``prefix`` more than ``max_age``
        seconds ago."""


class FolderStorage:
    """Uploads as files under one folder (``ENGAGE_UPLOAD_DIR``), readable by the owner only."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        parts = Path(key).parts
        if not parts or any(p in ("", ".", "..") for p in parts) or Path(key).is_absolute():
            raise ValueError(f"not a storage key: {key!r}")
        return self.root.joinpath(*parts)

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


def set_upload_storage(app: Flask, storage: UploadStorage) -> None:
    app.extensions[_EXTENSION] = storage


def upload_storage(app: Flask | None = None) -> UploadStorage:
    """The app's upload storage: the one set with ``set_upload_storage``, else the folder."""
    app = app or current_app
    storage = app.extensions.get(_EXTENSION)
    return storage if storage is not None else FolderStorage(app.config["ENGAGE_UPLOAD_DIR"])
