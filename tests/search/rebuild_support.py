"""What the rebuild tests share (test_rebuild.py for Whoosh's folders and swap,
test_rebuild_any_backend.py for whichever backend runs): three logged consultations, the
titles a member of the public finds, and a rebuild in another process stopped half way and
then killed with kill -9."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from engage.consultations import search as csearch
from engage.consultations import services
from tests.consultations.records_support import log

ROOT = Path(__file__).resolve().parents[2]
TITLES = {"Parks survey", "Libraries survey", "Buses survey"}

CHILD = r"""
import json, sys, threading
from pathlib import Path
sys.path.insert(0, sys.argv[1])
config = json.loads(sys.argv[2])
from engage import create_app
from engage.search import reindex
app = create_app(config)
with app.app_context():
    def echo(name, done, total):
        if name == "consultations" and done == 2:
            Path(config["HALF_WAY"]).write_text("half way")
            threading.Event().wait()   # stay half way until killed
    reindex(["consultations"], echo=echo)
"""


def public_titles(text="") -> set[str]:
    results = csearch.run_search(services.audience(None), text, {"kind": ["consultation"]}, pagelen=100)
    return {h.fields["title"] for h in results.hits}


@pytest.fixture
def three(users, ref):
    return [log(users["practitioner"], title=f"{word} survey", summary=f"About {word.lower()}.")
            for word in ("Parks", "Libraries", "Buses")]


@contextmanager
def rebuild_killed_half_way(app, tmp_path):
    """Rebuild the consultations index in a child process using this app's database, index
    and search backend; the block runs while the child is stopped after its second document
    (waiting for a file it writes there, not for a time), then the child is killed with
    kill -9 and the test goes on after the block."""
    half_way = tmp_path / "half-way"
    config = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "ENGAGE_INDEX_DIR", "ENGAGE_UPLOAD_DIR", "SECRET_KEY",
                                               "ENGAGE_SEARCH_BACKEND")}
    config.update({"TESTING": True, "HALF_WAY": str(half_way)})
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), json.dumps(config)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ends = time.monotonic() + 120
        while not half_way.exists():  # waits for the child to get there; no race on timing
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < ends, "the rebuild never got half way"
            time.sleep(0.05)
        yield child
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
