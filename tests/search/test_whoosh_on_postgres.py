"""The Whoosh backend on a PostgreSQL database.

The suite otherwise runs Whoosh on SQLite and the postgres backend on PostgreSQL
(``tests/conftest.py`` ``search_backend_for``), yet Whoosh on PostgreSQL is a setting people
may choose (``ENGAGE_SEARCH_BACKEND=whoosh`` with a PostgreSQL ``DATABASE_URL``, one web
node). Here, in the PostgreSQL pass only, the app runs Whoosh (a real index in ``tmp_path``)
on the test PostgreSQL database, and we check: a saved consultation reaches the index only
after its commit and is then found; a rebuild from the database finds the same; and the
visibility filter holds (own-organisation-only records are not found by the public).

In the SQLite pass this module skips: Whoosh on SQLite is what the rest of the suite runs.
That skip is allowed under ENGAGE_REQUIRE_ALL=1 because its reason is true of that run (the
database is SQLite), unlike ``require``, which fails there when a component is missing.
"""
from __future__ import annotations

import pytest
from sqlalchemy import update

from engage.consultations import search as csearch
from engage.consultations.models import Consultation
from engage.consultations import services
from engage.extensions import db
from engage.search import backend, reindex
from tests.conftest import make_app, running
from tests.consultations.records_support import add_question, data, log, publish, ref  # noqa: F401  (fixture)


@pytest.fixture
def app(_schema, tmp_path):
    """This module's app: the Whoosh backend on the suite's PostgreSQL database."""
    if not str(_schema).startswith("postgresql"):
        pytest.skip("Whoosh on PostgreSQL runs in the PostgreSQL pass (TEST_DATABASE_URL); this pass uses SQLite, "
                    "where Whoosh is the backend every other search test already runs")
    with running(make_app(_schema, tmp_path, ENGAGE_SEARCH_BACKEND="whoosh")) as app:
        yield app


def titles(who, text, kind="consultation") -> set[str]:
    results = csearch.run_search(services.audience(who), text, {"kind": [kind]}, pagelen=100)
    return {h.fields["title"] for h in results.hits}


def test_the_app_really_is_whoosh_on_postgresql(app, tmp_path):
    from engage.search.whoosh_backend import WhooshBackend

    assert db.engine.dialect.name == "postgresql"
    assert isinstance(backend(), WhooshBackend)
    assert backend().health() is None
    assert backend().store("consultations").folder.is_relative_to(tmp_path)


def test_a_saved_consultation_is_indexed_after_commit_and_found(app, users, ref):
    practitioner = users["practitioner"]
    services.save_consultation(practitioner, None, data(title="Allotment waiting lists", summary="Who is waiting for a plot.",
                                                        lead_organisation_id=practitioner.organisation_id))
    db.session.flush()
    assert titles(None, "allotment") == set()  # flushed, not committed: not in the index
    db.session.rollback()
    assert titles(None, "allotment") == set()  # rolled back: never reaches the index

    saved = log(practitioner, title="Allotment waiting lists", summary="Who is waiting for a plot.")
    assert titles(None, "allotment") == {"Allotment waiting lists"}
    add_question(saved, "How long have you waited for an allotment?", ["Under a year", "Longer"], {"all": (120, [70, 50])})
    publish(saved)
    assert titles(None, "waited", kind="question") == {"How long have you waited for an allotment?"}
    assert backend().doc_count("consultations") == 2  # the consultation and its question

    saved.title = "Allotment plots: waiting lists"
    db.session.commit()
    assert titles(None, "allotment") == {"Allotment plots: waiting lists"}


def test_a_rebuild_from_postgresql_finds_the_same(app, users, ref):
    made = [log(users["practitioner"], title=f"{word} survey", summary=f"About {word.lower()}.") for word in ("Parks", "Libraries", "Buses")]
    add_question(made[0], "Which park do you visit most?", ["North", "South"], {"all": (90, [40, 50])})
    publish(made[0])
    before = (titles(None, "survey"), titles(None, "park", kind="question"), backend().doc_count("consultations"))
    assert before == ({"Parks survey", "Libraries survey", "Buses survey"}, {"Which park do you visit most?"}, 4)

    backend().apply("consultations", {f"Consultation:{made[2].id}": []})  # as if its write had been lost
    assert titles(None, "survey") == {"Parks survey", "Libraries survey"}
    assert reindex(["consultations"])["consultations"] == 4  # documents written: three consultations, one question
    after = (titles(None, "survey"), titles(None, "park", kind="question"), backend().doc_count("consultations"))
    assert after == before

    # A change the index never heard of (SQL straight to PostgreSQL) is what a rebuild reads.
    db.session.execute(update(Consultation).where(Consultation.id == made[1].id).values(title="Library hours survey"))
    db.session.commit()
    assert titles(None, "survey") == before[0]
    reindex(["consultations"])
    assert titles(None, "survey") == {"Parks survey", "Library hours survey", "Buses survey"}


def test_own_organisation_records_are_not_found_by_the_public(app, users, ref):
    practitioner = users["practitioner"]
    log(practitioner, title="Staff travel survey", summary="How staff travel to work.", visibility="organisation")
    log(practitioner, title="Partners travel survey", summary="How partners travel.", visibility="partners")
    log(practitioner, title="Public travel survey", summary="How residents travel.")
    everything = {"Staff travel survey", "Partners travel survey", "Public travel survey"}

    def check():
        assert titles(None, "travel") == {"Public travel survey"}
        assert titles(ref["other_user"], "travel") == {"Partners travel survey", "Public travel survey"}
        assert titles(practitioner, "travel") == everything  # the lead organisation's own people
        assert titles(users["officer"], "travel") == everything

    check()
    reindex(["consultations"])  # the rule holds on documents a rebuild wrote, too
    check()
