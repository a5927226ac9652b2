"""Rebuilding, as searches see it, on whichever backend the suite runs with (Whoosh on SQLite,
postgres on PostgreSQL): searches find everything while a rebuild runs, a rebuild that fails
leaves search as it was, and one killed with kill -9 half way leaves search serving and a later
rebuild succeeds. (How Whoosh does it, with folders and a swap, is in test_rebuild.py.)"""
from __future__ import annotations

import pytest

from engage.search import backend, reindex
from tests.consultations.records_support import log, ref  # noqa: F401  (fixture)
from tests.search.rebuild_support import TITLES, public_titles, rebuild_killed_half_way, three  # noqa: F401  (fixture)


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


def test_a_rebuild_killed_half_way_leaves_search_serving(app, users, three, tmp_path):
    with rebuild_killed_half_way(app, tmp_path):
        assert public_titles("survey") == TITLES  # while it is stopped half way
    assert public_titles("survey") == TITLES
    # A change saved now is found, and a later rebuild succeeds with it.
    log(users["practitioner"], title="Allotments survey")
    assert public_titles("survey") == TITLES | {"Allotments survey"}
    assert reindex(["consultations"])["consultations"] == 4
    assert public_titles("survey") == TITLES | {"Allotments survey"}
