"""Jobs for the queue's tests, found by module and name like any job (the tests allow
``tests.`` modules with ENGAGE_QUEUE_EXTRA_MODULES), and a real Redis server for them."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from engage.core import queue


def note(path: str, text: str = "ran") -> None:
    """Add a line to ``path``: how many times a job really ran."""
    with open(path, "a") as handle:
        handle.write(f"{text} {queue.current().attempt if queue.current() else 0}\n")


def always_fails(why: str) -> None:
    raise ConnectionError(why)


def fails_before(path: str, tries: int) -> None:
    """Fails (as an SMTP server that is down) until its ``tries``-th try, which works."""
    note(path)
    if queue.current().attempt < tries:
        raise ConnectionRefusedError("The mail server is not answering")


def lines(path: str | Path) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except FileNotFoundError:
        return []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Redis:
    """A redis-server of the test's own on a free port, with nothing saved to disk."""

    def __init__(self, folder: Path):
        import redis

        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        ends = time.monotonic() + 30
        while True:
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                pass
            assert self.process.poll() is None, "redis-server stopped at once"
            assert time.monotonic() < ends, "redis-server did not answer within 30 s"
            time.sleep(0.02)
        client.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def redis_server(tmp_path):
    """A real redis-server (Debian's; CI installs it): skipped when missing, failed instead
    under ENGAGE_REQUIRE_ALL=1."""
    from tests.conftest import require

    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = Redis(tmp_path)
    try:
        yield server
    finally:
        server.stop()
