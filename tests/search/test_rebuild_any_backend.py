"""Rebuilding, as searches see it, on whichever backend the suite runs with (Whoosh on SQLite,
postgres on PostgreSQL): searches find everything while a rebuild runs, a rebuild that fails
leaves search as it was, and one killed with kill -9 half way leaves search serving and a later
rebuild succeeds. (How Whoosh does it, with folders and a swap, is in test_rebuild.py.)"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engage.consultations import search as csearch
from engage.consultations import services
from engage.search import backend, reindex
from tests.consultations.records_support import log, ref  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
TITLES = {"Parks survey", "Libraries survey", "Buses survey"}


def public_titles(text="") -> set[str]:
    results = csearch.run_search(services.audience(None), text, {"kind": ["consultation"]}, pagelen=100)
    return {h.fields["title"] for h in results.hits}


@pytest.fixture
def three(users, ref):
    return [log(users["practitioner"], title=f"{word} survey", summary=f"About {word.lower()}.")
            for word in ("Parks", "Libraries", "Buses")]


def test_searches_find_everything_while_a_rebuild_runs(app, three):
    seen = []
    assert reindex(["consultations"], echo=lambda name, done, total: seen.append(public_titles("survey")))["consultations"] == 3
    assert len(seen) == 3 and all(titles == TITLES for titles in seen)
    assert public_titles("survey") == TITLES


def test_a_rebuild_finds_what_the_index_had_lost(app, three):
    backend().apply("consultations", {f"Consultation:{three[2].id}": []})  # as if its write had been lost
    assert public_titles("survey") == TITLES - {"Buses survey"}
    reindex(["consultations"])
    assert public_titles("survey") == TITLES


def test_a_failed_rebuild_leaves_search_as_it_was(app, three, monkeypatch):
    spec = backend().specs["consultations"]
    calls = []

    def broken(consultation):
        calls.append(consultation.id)
        if len(calls) == 2:
            raise RuntimeError("a record that cannot be indexed")
        return original(consultation)

    original = spec.documents
    monkeypatch.setattr(spec, "documents", broken)
    with pytest.raises(RuntimeError):
        reindex(["consultations"])
    monkeypatch.undo()
    assert public_titles("survey") == TITLES
    assert reindex(["consultations"])["consultations"] == 3
    assert public_titles("survey") == TITLES


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


def test_a_rebuild_killed_half_way_leaves_search_serving(app, users, three, tmp_path):
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
        assert public_titles("survey") == TITLES  # while it is stopped half way
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    assert public_titles("survey") == TITLES
    # A change saved now is found, and a later rebuild succeeds with it.
    log(users["practitioner"], title="Allotments survey")
    assert public_titles("survey") == TITLES | {"Allotments survey"}
    assert reindex(["consultations"])["consultations"] == 4
    assert public_titles("survey") == TITLES | {"Allotments survey"}
