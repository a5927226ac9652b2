"""Where a Whoosh index lives on disk, and how a rebuild swaps a new one in without a gap.

Each index has a folder ``<ENGAGE_INDEX_DIR>/<name>/`` holding generations, one Whoosh index
each (``gen-<time>``), and a small file ``CURRENT`` naming the live one. A rebuild writes a
new generation beside the live one and then replaces ``CURRENT`` in one atomic step
(``os.replace``): searches and writes use the old generation until that moment, and the next
search in any process sees the new one (every search reads ``CURRENT``, a few microseconds).

While a rebuild runs, ``BUILDING`` names the generation it writes, and the rebuild holds an
exclusive ``flock`` on ``REBUILD.lock``. The operating system drops the lock when the process
ends, however it ends (kill -9 too): a ``BUILDING`` file without a holder of the lock is a dead
rebuild, and its half-written folder is removed by the next rebuild.

A folder from before generations (the index files directly in ``<name>/``) is used as it is
until the first rebuild.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from pathlib import Path

CURRENT = "CURRENT"
BUILDING = "BUILDING"
LOCK = "REBUILD.lock"
LEGACY = "."


class RebuildRunning(Exception):
    """Another rebuild of this index is running (in this process or another)."""


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except (FileNotFoundError, NotADirectoryError):
        return None


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    with open(temporary, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)  # readers see the old name or the new one, never half


class IndexStore:
    """The generations of one index."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    # ---- which generation is live ------------------------------------------------------
    def current(self) -> str | None:
        """The live generation's folder name; LEGACY for an index from before generations;
        None when there is no index yet."""
        name = _read(self.folder / CURRENT)
        if name and (self.folder / name).is_dir():
            return name
        if any(self.folder.glob("*.toc")):
            return LEGACY
        return None

    def path(self, generation: str) -> Path:
        return self.folder if generation == LEGACY else self.folder / generation

    def new_generation(self) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.time_ns():x}-{uuid.uuid4().hex[:6]}"
        (self.folder / name).mkdir()
        return name

    def make_current(self, generation: str) -> None:
        _write_atomically(self.folder / CURRENT, generation)

    # ---- rebuilding ----------------------------------------------------------------------
    def building(self) -> str | None:
        """The generation a live rebuild is writing, or None (no rebuild, or a dead one)."""
        name = _read(self.folder / BUILDING)
        if not name:
            return None
        try:
            handle = os.open(self.folder / LOCK, os.O_RDWR)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return name  # the rebuild holds the lock: it is alive
        else:
            fcntl.flock(handle, fcntl.LOCK_UN)
            return None  # nobody holds it: that rebuild died
        finally:
            os.close(handle)

    def start_rebuild(self) -> tuple[int, str]:
        """Take the rebuild lock and a new generation folder. Returns (lock handle, generation)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise RebuildRunning(f"a rebuild of the {self.folder.name} index is already running") from None
        try:
            self.remove_unused()  # what dead rebuilds left behind
            generation = self.new_generation()
            _write_atomically(self.folder / BUILDING, generation)
        except BaseException:
            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)
            raise
        return handle, generation

    def end_rebuild(self, handle: int, generation: str, swapped: bool) -> None:
        """Drop the BUILDING mark and the lock; a rebuild that did not swap leaves no folder."""
        try:
            if _read(self.folder / BUILDING) == generation:
                (self.folder / BUILDING).unlink(missing_ok=True)
            if not swapped:
                shutil.rmtree(self.folder / generation, ignore_errors=True)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)

    def remove_unused(self, keep: set[str] = frozenset(), previous: str | None = None) -> None:
        """Remove generations that are neither live, nor ``previous`` (other processes may
        still be reading it for a moment), nor in ``keep``."""
        live = self.current()
        keep = set(keep) | {live, previous}
        for child in self.folder.glob("gen-*"):
            if child.is_dir() and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)
        if LEGACY not in keep:  # index files of the layout before generations
            for child in self.folder.iterdir():
                if child.is_file() and child.name.startswith(("_MAIN_", "MAIN_")):
                    child.unlink(missing_ok=True)
