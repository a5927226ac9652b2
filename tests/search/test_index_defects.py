"""The four defects a review of the running site found in the search index, each with a
test that failed before the fix:

1. a rebuild deleted the whole queue of pending updates when it finished, including updates
   queued while it ran (a consultation made own-organisation-only during a rebuild was still
   returned by the public API afterwards);
2. a rebuild emptied the index before it took the writer lock (a held lock left it empty, and
   searches found nothing while it ran);
3. the rebuild from /admin/search held a database write transaction open until every index
   was rebuilt, so signing in failed with "database is locked" (a 500) meanwhile;
4. "did you mean" read the whole word list, including words of documents already deleted
   from the index, so a word of a consultation made private was still suggested.

Only the search package's long-standing interface is used here (``reindex``, ``backend``),
so these run unchanged against the code before the fix.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from engage.consultations import search as csearch
from engage.consultations import services
from engage.consultations.models import Consultation
from engage.extensions import db
from engage.search import backend, pending_count, reindex
from engage.search.models import SearchPending
from tests.conftest import sign_in
from tests.consultations.records_support import log, ref  # noqa: F401  (fixture)


def public_titles(text="") -> set[str]:
    results = csearch.run_search(services.audience(None), text, {"kind": ["consultation"]}, pagelen=100)
    return {h.fields["title"] for h in results.hits}


def api_titles(client, text) -> set[str]:
    return {h["title"] for h in client.get("/api/v1/search", query_string={"q": text}).get_json()["hits"]}


@pytest.fixture
def three(users, ref):
    return [log(users["practitioner"], title=f"{word} survey", summary=f"About {word.lower()}.")
            for word in ("Parks", "Libraries", "Buses")]


def _in_other_request(app, change):
    """Run ``change(session)`` and commit, as another web request would (its own session)."""
    with app.app_context():
        change(db.session)
        db.session.commit()


def test_changes_saved_during_a_rebuild_reach_the_new_index(app, client, three):
    """The review's first defect: a consultation made own-organisation-only while a rebuild
    ran was still given to the public afterwards."""
    parks, libraries, buses = three
    done = []

    def echo(name, count, total):
        if name == "consultations" and count == total and not done:  # every record has been read
            def change(session):
                session.get(Consultation, parks.id).visibility = "organisation"
                session.get(Consultation, libraries.id).title = "Libraries opening hours survey"
            _in_other_request(app, change)
            done.append(True)
            # Searches still use the old index, which the change reached as well.
            assert "Parks survey" not in public_titles()

    reindex(["consultations"], echo=echo)
    assert done
    assert public_titles() == {"Libraries opening hours survey", "Buses survey"}
    assert "Parks survey" not in api_titles(client, "parks")
    assert pending_count() == 0


def test_a_rebuild_removes_only_the_queued_work_it_covered(app, three):
    parks, libraries, _ = three
    # Queued before the rebuild (a write that failed): covered by the rebuild.
    db.session.add(SearchPending(index_name="consultations", model="Consultation", object_id=parks.id))
    db.session.commit()
    added = []

    def echo(name, count, total):
        if name == "consultations" and not added:
            # Queued while it runs, for the live index: not covered, so it must stay.
            _in_other_request(app, lambda s: s.add(SearchPending(index_name="consultations", model="Consultation",
                                                                 object_id=libraries.id)))
            added.append(True)

    reindex(["consultations"], echo=echo)
    left = db.session.scalars(select(SearchPending.object_id)).all()
    assert left == [libraries.id]


def test_a_rebuild_never_empties_the_index_and_needs_no_lock_on_it(app, three):
    """(Whoosh: an index folder and its writer lock.) The review's second defect: the index was emptied before the writer lock was taken,
    so a held lock left it empty (33 documents to 0), and searches found nothing meanwhile."""
    from engage.search.whoosh_backend import WhooshBackend

    if not isinstance(backend(), WhooshBackend):
        pytest.skip("a writer lock on an index folder is the Whoosh backend's")
    assert len(public_titles()) == 3
    holder = backend().index("consultations").writer()  # another write holds the live index's lock
    seen = []
    try:
        reindex(["consultations"], echo=lambda name, done, total: seen.append(len(public_titles())))
    finally:
        holder.cancel()
    assert seen and set(seen) == {3}
    assert len(public_titles()) == 3


def test_sign_in_works_while_the_site_rebuilds_the_index(app, client, users, three, monkeypatch):
    """The review's third defect: the rebuild from /admin/search held a database write
    transaction open until every index was rebuilt, so signing in failed ("database is
    locked", a 500) while it ran. The rebuild is held at a later index until signing in
    has been tried."""
    from engage.search import _SPECS
    from engage.search import services as search_services

    # Hold a rebuild at an index after the first one (the old code had begun its write
    # transaction by then): consultations, or the toolkit if consultations come first.
    names = [spec.name for spec in _SPECS]
    last = backend().specs["consultations" if names.index("consultations") > 0 else "toolkit"]
    reached, proceed = threading.Event(), threading.Event()
    original = last.documents

    def held(root):
        if not reached.is_set():
            reached.set()
            proceed.wait(60)
        return original(root)

    if last.name == "toolkit":  # it needs records to index
        from engage.toolkit.loader import load_toolkit

        load_toolkit()
        db.session.commit()
    monkeypatch.setattr(last, "documents", held)
    assert search_services.start_rebuild(users["officer"])
    try:
        assert reached.wait(60), "the rebuild never reached that index"
        other = app.test_client()
        response = sign_in(other, users["practitioner"].email)
        assert response.status_code == 302
    finally:
        proceed.set()
    assert search_services.wait(60)["state"] == "done"


def test_did_you_mean_only_offers_words_of_live_public_records(app, client, users, ref):
    """The review's fourth defect: a word of a consultation made private was still
    suggested to the public until the next full rebuild."""
    zebra = log(users["practitioner"], title="Zebracrossing consultation")
    log(users["practitioner"], title="Parks survey")
    assert client.get("/api/v1/search?q=zebracrosing").get_json()["suggestion"] == "zebracrossing"
    zebra.visibility = "organisation"
    db.session.commit()
    assert client.get("/api/v1/search?q=zebracrosing").get_json()["suggestion"] is None
    html = client.get("/consultations/search?q=zebracrosing").get_data(as_text=True)
    assert "Did you mean" not in html and "zebracrossing" not in html
    # A deleted record's words go too, and a word still in live public records stays.
    parks = db.session.scalar(select(Consultation).where(Consultation.title == "Parks survey"))
    assert csearch.run_search(services.audience(None), "prks", {}).suggestion == "parks"
    backend().apply("consultations", {f"Consultation:{parks.id}": []})
    assert csearch.run_search(services.audience(None), "prks", {}).suggestion is None
