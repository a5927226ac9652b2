"""Rebuilding without a gap, and the review's index defects.

A rebuild writes a new folder beside the live index and swaps it in atomically: searches use
the old index until the swap; changes saved while it runs reach the new index; only the
queued work the rebuild covered leaves the queue; the live index is never emptied and its
lock is never needed; no database write transaction is held open (sign-in works during a
rebuild); a rebuild killed with kill -9 half way leaves the old index serving and a later
rebuild succeeds. "Did you mean" offers only words of live public documents.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engage.extensions import db
from engage.search import RebuildRunning, backend, reindex
from engage.search.models import SearchPending
from engage.search.whoosh_store import BUILDING, CURRENT
from tests.consultations.records_support import log, ref  # noqa: F401  (fixture)
from tests.search.rebuild_support import public_titles, rebuild_killed_half_way, three  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _whoosh_only(app):
    """Index folders and their swap are the Whoosh backend's (the postgres backend keeps its
    documents in the database's own transactions: tests/search/test_two_processes.py)."""
    from engage.search.whoosh_backend import WhooshBackend

    if not isinstance(backend(), WhooshBackend):
        pytest.skip("index folders belong to the Whoosh backend")


def live_generation() -> str:
    return (backend().store("consultations").folder / CURRENT).read_text().strip()


def test_searches_use_the_old_index_until_the_swap(app, three):
    # The live index lacks "Buses survey" (as if its write had been lost); the database has it.
    backend().apply("consultations", {f"Consultation:{three[2].id}": []})
    before = live_generation()
    seen = []

    def echo(name, done, total):
        if name == "consultations":
            seen.append((public_titles(), live_generation(), backend().building("consultations")))

    assert reindex(["consultations"], echo=echo)["consultations"] == 3
    assert seen and all(titles == {"Parks survey", "Libraries survey"} for titles, _, _ in seen)
    assert all(gen == before for _, gen, _ in seen)  # the old folder is live throughout
    building = seen[0][2]
    assert building and building != before
    assert live_generation() == building  # swapped in
    assert public_titles() == {"Parks survey", "Libraries survey", "Buses survey"}
    assert backend().building("consultations") is None
    folder = backend().store("consultations").folder
    assert not (folder / BUILDING).exists()
    # The old folder is kept for a moment (other processes may still read it), older ones go.
    reindex(["consultations"])
    reindex(["consultations"])
    assert len([p for p in folder.glob("gen-*")]) == 2


def test_a_failed_rebuild_leaves_the_live_index_as_it_was(app, three, monkeypatch):
    spec = backend().specs["consultations"]
    before = live_generation()

    def broken(consultation):
        raise RuntimeError("a record that cannot be indexed")

    monkeypatch.setattr(spec, "documents", broken)
    with pytest.raises(RuntimeError):
        reindex(["consultations"])
    monkeypatch.undo()
    assert live_generation() == before and len(public_titles()) == 3
    assert [p.name for p in backend().store("consultations").folder.glob("gen-*")] == [before]
    assert backend().building("consultations") is None
    assert reindex(["consultations"])["consultations"] == 3


def test_one_rebuild_at_a_time(app, runner, three):
    store = backend().store("consultations")
    handle, generation = store.start_rebuild()
    try:
        with pytest.raises(RebuildRunning):
            reindex(["consultations"])
        result = runner.invoke(args=["engage", "reindex", "--index", "consultations"])
        assert result.exit_code != 0 and "already running" in result.output
    finally:
        store.end_rebuild(handle, generation, swapped=False)
    result = runner.invoke(args=["engage", "reindex", "--index", "consultations"])
    assert result.exit_code == 0 and "consultations: 3 documents indexed" in result.output


# ---- kill -9 half way ---------------------------------------------------------------------

def test_a_rebuild_killed_half_way_leaves_the_old_index_serving(app, three, tmp_path):
    before = live_generation()
    with rebuild_killed_half_way(app, tmp_path):
        assert backend().building("consultations")  # the child is writing a new folder
    # The old index still serves, in this process and in a new one.
    assert live_generation() == before
    assert backend().building("consultations") is None  # the lock died with the process
    assert public_titles() == {"Parks survey", "Libraries survey", "Buses survey"}
    from engage.search.whoosh_backend import WhooshBackend

    fresh = WhooshBackend(app.config["ENGAGE_INDEX_DIR"])
    fresh.register(backend().specs["consultations"])
    assert fresh.search("consultations", "survey").total == 3
    # Changes saved now go to the live index only (the dead rebuild is not waited for).
    log_title = "Allotments survey"
    log(_practitioner(), title=log_title)
    assert log_title in public_titles()
    assert db.session.scalar(select(SearchPending.id).where(SearchPending.generation.is_not(None))) is None
    # A later rebuild succeeds and clears away the half-written folder.
    assert reindex(["consultations"])["consultations"] == 4
    assert public_titles() == {"Parks survey", "Libraries survey", "Buses survey", log_title}
    generations = sorted(p.name for p in backend().store("consultations").folder.glob("gen-*"))
    assert before in generations and len(generations) == 2


def _practitioner():
    from engage.accounts.models import User

    return db.session.scalar(select(User).where(User.role == "practitioner"))
