"""Search: question-level hits with the headline figure, facets (priority lineage, area
subtree), highlighting, "did you mean", robustness against any input, status freshness, and
reliability when the index cannot be written."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage.consultations import search as csearch
from engage.consultations import services
from engage.consultations.models import Consultation
from engage.extensions import db
from engage.search import backend, catch_up, pending_count, reindex
from engage.search.models import SearchPending
from tests.conftest import search_backend_for
from tests.consultations.records_support import add_question, log, publish, ref  # noqa: F401


def _backend_is(name):
    return search_backend_for(db.engine.url.render_as_string()) == name


def whoosh_only(app):
    """Tests of Whoosh's own failure modes (its writer lock, its folder): the postgres backend
    writes in the record's transaction and has its own tests of these below."""
    if not _backend_is("whoosh"):
        pytest.skip("Whoosh's writer lock and index folder; the postgres backend has its own test")


def postgres_only(app):
    if not _backend_is("postgres"):
        pytest.skip("the postgres search backend runs when the tests run on PostgreSQL")


def hits(text="", **selected):
    results = csearch.run_search(services.audience(None), text, {k: [str(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in selected.items()})
    return results


def titles(results):
    return {h.fields["ctitle"] for h in results.hits}


@pytest.fixture
def environment(app, users, ref):
    c = log(users["practitioner"], title="Environment survey", summary="What would improve your area?",
            planned_start=date(2005, 5, 3), planned_close=date(2005, 6, 30), area_ids=[ref["borough"].id])
    add_question(c, "Which one environmental improvement would make the biggest difference to your area?",
                 ["Removing rubbish and cleaning streets", "Improving local parks", "Tackling graffiti"],
                 {"all": (2500, [1025, 900, 575]), "Priority wards": (4, [2, 1, 1])})
    publish(c)
    return c


def test_question_hit_carries_the_headline_figure(client, environment):
    html = client.get("/consultations/search", query_string={"q": "what have residents said about clean streets"}).get_data(as_text=True)
    assert "Removing rubbish and cleaning streets came first: 41%, base 2,500, 2005" in html
    assert f'href="/consultations/{environment.id}#question-{environment.questions[0].id}"' in html
    body = client.get("/api/v1/search", query_string={"q": "clean streets", "kind": "question"}).get_json()
    assert body["hits"][0]["kind"] == "question"
    assert body["hits"][0]["headline"] == "Removing rubbish and cleaning streets came first: 41%, base 2,500, 2005"
    assert body["hits"][0]["url"].endswith(f"/consultations/{environment.id}#question-{environment.questions[0].id}")


def test_no_headline_names_an_answer_its_table_hides(app, client, users, ref):
    """Results typed in by staff: 40 answered, "Yes" 37, "No" 3. "No" is under the threshold,
    and with the base shown "Yes" would give it away (40 - 37 = 3), so the consultation's table
    hides "Yes" too (secondary hiding). No headline may then say "Yes came first: 92.5%, base
    40": not on the page, in search (a rebuild too), nor in a findings report."""
    from engage.consultations import results
    from engage.sharing.services import question_headlines

    c = log(users["practitioner"], title="Bench survey")
    add_question(c, "Do you want a bench by the pond?", ["Yes", "No"], {"all": (40, [37, 3])})
    add_question(c, "Do you want a bin by the pond?", ["Yes", "No"], {"all": (400, [300, 100])})
    publish(c)
    bench, bin_ = c.questions
    table = next(r.headline for r in results.question_results(c) if r.question.id == bench.id)
    assert table is None or [cells[0].count for _label, cells in table.rows] == [None, None]   # the premise: both hidden
    heads = results.headlines(c)
    assert heads[bench.id] is None
    assert heads[bin_.id].text.startswith("Yes came first: 75%, base 400")
    assert question_headlines()(bench) is None and question_headlines()(bin_).text == heads[bin_.id].text
    page = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "92.5" not in page and "Yes came first: 75%" in page
    for _ in range(2):   # as saved, then as a rebuild writes it (in bulk)
        found = {h.fields["title"]: h.fields["headline"] for h in hits("pond").hits if h.fields["kind"] == "question"}
        assert found["Do you want a bench by the pond?"] == ""
        assert found["Do you want a bin by the pond?"].startswith("Yes came first: 75%")
        reindex()


def test_headline_hidden_when_base_is_small_or_results_unpublished(app, users, ref):
    small = log(users["practitioner"], title="Tiny survey")
    add_question(small, "Tiny question about benches", ["Yes", "No"], {"all": (4, [3, 1])})
    publish(small)
    pending = log(users["practitioner"], title="Pending survey")
    add_question(pending, "Pending question about benches", ["Yes", "No"], {"all": (400, [300, 100])})
    found = {h.fields["title"]: h.fields["headline"] for h in hits("benches").hits if h.fields["kind"] == "question"}
    assert found == {"Tiny question about benches": "", "Pending question about benches": ""}
    # With a threshold of 1 nothing is small (at 3, "No" 1 would be hidden, and "Yes" with it:
    # test_no_headline_names_an_answer_its_table_hides).
    app.config["ENGAGE_SUPPRESSION_THRESHOLD"] = 1
    small.title = "Tiny survey again"
    db.session.commit()
    found = {h.fields["title"]: h.fields["headline"] for h in hits("benches").hits if h.fields["kind"] == "question"}
    year = (date.today() - timedelta(days=40)).year  # the survey's start date
    assert found["Tiny question about benches"] == f"Yes came first: 75%, base 4, {year}"
    assert found["Pending question about benches"] == ""


def test_priority_facet_includes_work_tagged_with_the_priority_it_replaced(app, users, ref):
    old = log(users["practitioner"], title="Tagged with the 2005 priority", priority_ids=[ref["old"].id])
    log(users["practitioner"], title="Tagged with another priority", priority_ids=[ref["other_new"].id])
    assert titles(hits(priority=ref["new"].id)) == {"Tagged with the 2005 priority"}
    assert titles(hits(priority=ref["old"].id)) == {"Tagged with the 2005 priority"}
    assert titles(hits(priority=ref["other_new"].id)) == {"Tagged with another priority"}
    counts = hits(kind="consultation").facets["priority"]
    assert counts[str(ref["new"].id)] == 1 and counts[str(ref["old"].id)] == 1 and counts[str(ref["other_new"].id)] == 1
    assert old.id


def test_area_facet_includes_the_places_inside(app, client, users, ref):
    log(users["practitioner"], title="Castle ward walkabout", area_ids=[ref["castle"].id])
    log(users["practitioner"], title="Bridge ward drop-in", area_ids=[ref["bridge"].id])
    assert titles(hits(area=ref["north"].id)) == {"Castle ward walkabout"}
    assert titles(hits(area=ref["south"].id)) == {"Bridge ward drop-in"}
    assert titles(hits(area=ref["borough"].id)) == {"Castle ward walkabout", "Bridge ward drop-in"}
    counts = hits(kind="consultation").facets["area"]
    assert counts[str(ref["borough"].id)] == 2 and counts[str(ref["north"].id)] == 1
    html = client.get("/consultations/search", query_string={"area": ref["north"].id}).get_data(as_text=True)
    assert "Castle ward walkabout" in html and "Bridge ward drop-in" not in html
    assert "Northtown (1)" in html and "Testborough (" in html


def test_changing_the_priority_map_or_the_area_tree_updates_the_facets(app, users, ref):
    log(users["practitioner"], title="Tagged with the 2005 priority", priority_ids=[ref["old"].id])
    log(users["practitioner"], title="Castle ward walkabout", area_ids=[ref["castle"].id])
    assert titles(hits(priority=ref["other_new"].id)) == set()
    assert titles(hits(area=ref["south"].id)) == set()
    # An officer maps the 2005 priority to a second 2006 one, and moves Castle ward to Southtown.
    ref["old"].successors.append(ref["other_new"])
    ref["castle"].parent = ref["south"]
    db.session.commit()
    assert titles(hits(priority=ref["other_new"].id)) == {"Tagged with the 2005 priority"}
    assert titles(hits(area=ref["south"].id)) == {"Castle ward walkabout"}
    assert titles(hits(area=ref["north"].id)) == set()


def test_facets_have_counts_and_combine(app, client, users, ref):
    log(users["practitioner"], title="Online parks survey", channels=["online"], audiences=["young-people"], methods=["online-survey"])
    log(users["practitioner"], title="Paper parks survey", channels=["paper"], audiences=["young-people"])
    log(ref["other_user"], title="Online library survey", channels=["online"], audiences=["residents"])
    results = hits(kind="consultation")
    assert results.facets["channel"] == {"online": 2, "paper": 1}
    assert results.facets["audience"] == {"young-people": 2, "residents": 1}
    assert results.facets["organisation"] == {str(ref["org"].id): 2, str(ref["other_org"].id): 1}
    assert titles(hits(channel="online", audience="young-people")) == {"Online parks survey"}
    assert titles(hits(channel=["online", "paper"], audience="young-people")) == {"Online parks survey", "Paper parks survey"}
    assert titles(hits(method="online-survey")) == {"Online parks survey"}
    html = client.get("/consultations/search?channel=online").get_data(as_text=True)
    assert "Online (2)" in html and "Young people (1)" in html and "Online survey (1)" in html


def test_highlights_and_markup_is_escaped(client, users, ref):
    log(users["practitioner"], title="<b>Bold</b> playground survey", summary="Tell us about the playground <script>x()</script>")
    html = client.get("/consultations/search?q=playground").get_data(as_text=True)
    assert '<mark class="engage-highlight' in html
    assert "<b>Bold</b>" not in html and "<script>x()</script>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html


def test_did_you_mean(client, users, ref):
    log(users["practitioner"], title="Zebracrossing consultation")
    html = client.get("/consultations/search?q=zebracrosing").get_data(as_text=True)
    assert "Did you mean" in html and "zebracrossing</a>" in html
    assert client.get("/api/v1/search?q=zebracrosing").get_json()["suggestion"] == "zebracrossing"


NASTY = ["", " ", "*", "?", "AND", "OR NOT AND", '"', '"unclosed', "(((", ")", "title:secret", "visibility:organisation",
         "a" * 5000, "\x00", "naïve café 😀", "%", "[a TO z]", "^2", "~", "clean~2", "-", "' OR 1=1 --", "<script>", "streets^10",
         "*:*", "NOT", "\\", "{}", "a/b", "🙂" * 300]


@pytest.mark.parametrize("q", NASTY)
def test_any_input_gives_a_page_never_a_500(client, users, ref, q):
    log(users["practitioner"], title="Clean streets survey")
    for url in ("/consultations/search", "/api/v1/search", "/consultations", "/api/v1/consultations"):
        response = client.get(url, query_string={"q": q})
        assert response.status_code in (200, 400), (url, q, response.status_code)
        assert response.status_code == 200 or url.startswith("/api")


@pytest.mark.parametrize("args", [
    {"page": "abc"}, {"page": "-5"}, {"page": "99999999999999"}, {"area": "abc"}, {"area": "9" * 30},
    {"priority": "1.5"}, {"kind": "x" * 300}, {"status": "<script>"}, {"q": "parks", "organisation": ["1", "2", "x"]},
    {"year": "2005' OR '1'='1"}, {"topic": "p99999"}, {"topic": "pabc"},
    {"area": "²"}, {"organisation": "²"}, {"topic": "p²"}, {"topic": "p9999999999"}, {"priority": "99999999999"},
])
def test_bad_parameters_never_500(client, users, ref, args):
    log(users["practitioner"], title="Clean streets survey")
    assert client.get("/consultations/search", query_string=args).status_code == 200
    assert client.get("/consultations", query_string=args).status_code == 200


def _broken_backend(tmp_path):
    """A backend that cannot read its index: a Whoosh folder that is a file, or (postgres) a
    database that does not exist."""
    if _backend_is("postgres"):
        from sqlalchemy import create_engine

        from engage.search.postgres_backend import PostgresBackend

        return PostgresBackend(create_engine(db.engine.url.set(database="engage_no_such_database")))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index should be")
    from engage.search.whoosh_backend import WhooshBackend

    return WhooshBackend(str(blocker / "index"))


def test_search_page_says_so_when_the_index_is_broken(app, client, users, ref, tmp_path):
    log(users["practitioner"], title="Clean streets survey")
    broken = _broken_backend(tmp_path)
    for spec in backend().specs.values():
        broken.register(spec)
    app.extensions["engage_search"] = broken
    response = client.get("/consultations/search?q=clean")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Search is not working properly just now" in html and "Clean streets survey" in html
    assert client.get("/api/v1/search?q=clean").status_code == 503


def test_status_in_the_index_catches_up_with_the_date(app, users, ref, monkeypatch):
    today = date.today()
    log(users["practitioner"], title="Starts next week", planned_start=today + timedelta(days=7), planned_close=today + timedelta(days=30))
    assert titles(hits(status="planned")) == {"Starts next week"}
    monkeypatch.setattr(csearch, "_today", lambda: today + timedelta(days=8))
    assert csearch.refresh_statuses(force=True) == 1
    assert titles(hits(status="open")) == {"Starts next week"}
    assert titles(hits(status="planned")) == set()
    assert csearch.refresh_statuses() == 0  # once a day is enough


# ---- reliability ---------------------------------------------------------------------------

def indexed_titles() -> set[str]:
    """Titles in the index as it is (no status refresh, which would also apply the queue)."""
    return {f["title"] for f in backend().documents("consultations", kind="consultation")}


def _edit(client, c, title):
    from tests.consultations.records_support import form_data

    return client.post(f"/consultations/{c.id}/edit", data=form_data(title=title, version=str(c.version)))


def test_save_succeeds_when_the_index_is_locked_and_catches_up(app, client, login, users, ref):
    whoosh_only(app)
    c = log(users["practitioner"], title="Before the lock")
    login("practitioner")
    holder = backend().index("consultations").writer()  # another writer holds the lock
    try:
        response = _edit(client, c, "Saved while locked")
        assert response.status_code == 302
        page = client.get(response.headers["Location"])
        assert page.status_code == 200 and "Changes saved." in page.get_data(as_text=True)
        assert "index" not in page.get_data(as_text=True).lower().split("changes saved.")[1][:200]
    finally:
        holder.cancel()
    db.session.expire_all()
    assert db.session.get(Consultation, c.id).title == "Saved while locked"
    assert pending_count() == 1
    assert indexed_titles() == {"Before the lock"}
    assert catch_up() == 1
    assert pending_count() == 0
    assert titles(hits("locked")) == {"Saved while locked"}


def test_save_succeeds_when_the_index_folder_cannot_be_written(app, client, login, users, ref, tmp_path):
    whoosh_only(app)
    c = log(users["practitioner"], title="Before the break")
    login("practitioner")
    good = backend()
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    from engage.search.whoosh_backend import WhooshBackend

    broken = WhooshBackend(str(blocker / "index"), lock_wait=0.2)
    for spec in good.specs.values():
        broken.register(spec)
    app.extensions["engage_search"] = broken
    try:
        assert _edit(client, c, "Saved while broken").status_code == 302
    finally:
        app.extensions["engage_search"] = good
    assert db.session.scalar(select(func.count()).select_from(SearchPending)) == 1
    # The next successful write applies the queue too.
    log(users["practitioner"], title="Another one")
    assert pending_count() == 0
    assert titles(hits("broken")) == {"Saved while broken"}


def test_reindex_rebuilds_from_the_database(app, runner, users, ref):
    log(users["practitioner"], title="Rebuilt survey")
    backend().apply("consultations", {f"Consultation:{db.session.scalar(select(Consultation.id))}": []})
    assert titles(hits("rebuilt")) == set()
    assert reindex(["consultations"])["consultations"] == 1
    assert titles(hits("rebuilt")) == {"Rebuilt survey"}
    result = runner.invoke(args=["engage", "reindex", "--index", "consultations"])
    assert result.exit_code == 0 and "consultations: 1 documents indexed" in result.output


def test_two_saves_at_once_never_500(app, users, ref):
    from tests.conftest import sign_in
    from tests.consultations.records_support import form_data

    whoosh_only(app)
    logged = [log(users["practitioner"], title="First"), log(users["practitioner"], title="Second")]
    ids, versions = [c.id for c in logged], {c.id: str(c.version) for c in logged}
    email = users["practitioner"].email
    holder = backend().index("consultations").writer()  # both saves meet a locked index
    statuses = []

    def save(consultation_id, title):
        client = app.test_client()
        sign_in(client, email)
        statuses.append(client.post(f"/consultations/{consultation_id}/edit",
                                    data=form_data(title=title, version=versions[consultation_id])).status_code)

    threads = [threading.Thread(target=save, args=(ids[0], "First saved")), threading.Thread(target=save, args=(ids[1], "Second saved"))]
    for t in threads:
        t.start()
    threading.Timer(0.5, holder.cancel).start()
    for t in threads:
        t.join(30)
    assert statuses == [302, 302]
    db.session.expire_all()
    assert {c.title for c in db.session.scalars(select(Consultation))} == {"First saved", "Second saved"}
    catch_up()
    assert indexed_titles() == {"First saved", "Second saved"}


def test_a_rolled_back_save_leaves_no_trace_in_the_index(app, users, ref):
    c = log(users["practitioner"], title="Kept survey")
    c.title = "Vanishing survey"
    db.session.flush()
    db.session.rollback()
    assert titles(hits("vanishing")) == set()
    assert titles(hits("kept")) == {"Kept survey"}


# ---- the postgres backend's own failure modes ----------------------------------------------

def test_postgres_save_and_its_documents_commit_together(app, users, ref):
    postgres_only(app)
    from sqlalchemy import text

    c = log(users["practitioner"], title="Before survey")
    c.title = "Together survey"
    db.session.commit()
    # No queue and no after-commit step: the documents were written by the save's transaction.
    assert pending_count() == 0
    with db.engine.connect() as other:
        owners = other.execute(text("SELECT fields->>'title' FROM search_document WHERE owner = :o AND fields->>'kind' = 'consultation'"),
                               {"o": f"Consultation:{c.id}"}).scalars().all()
    assert owners == ["Together survey"]


def test_postgres_save_succeeds_when_the_search_table_cannot_be_written_and_catches_up(app, client, login, users, ref):
    postgres_only(app)
    from sqlalchemy import text

    c = log(users["practitioner"], title="Before the break")
    login("practitioner")
    db.session.commit()  # nothing of this session may hold the table while it is renamed
    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE search_document RENAME TO search_document_away"))
    try:
        response = _edit(client, c, "Saved while broken")
        assert response.status_code == 302
    finally:
        db.session.commit()
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE search_document_away RENAME TO search_document"))
    db.session.expire_all()
    assert db.session.get(Consultation, c.id).title == "Saved while broken"
    assert pending_count() == 1  # kept in the save's own transaction
    assert indexed_titles() == {"Before the break"}
    log(users["practitioner"], title="Another one")  # the next save applies the queue too
    assert pending_count() == 0
    assert titles(hits("broken")) == {"Saved while broken"}


def test_postgres_two_saves_at_once_are_both_found(app, users, ref):
    postgres_only(app)
    from tests.conftest import sign_in
    from tests.consultations.records_support import form_data

    logged = [log(users["practitioner"], title="First"), log(users["practitioner"], title="Second")]
    ids, versions = [c.id for c in logged], {c.id: str(c.version) for c in logged}
    email = users["practitioner"].email
    statuses = []

    def save(consultation_id, title):
        with app.app_context():
            client = app.test_client()
            sign_in(client, email)
            statuses.append(client.post(f"/consultations/{consultation_id}/edit",
                                        data=form_data(title=title, version=versions[consultation_id])).status_code)
            db.session.remove()

    threads = [threading.Thread(target=save, args=(ids[0], "First shared saved")),
               threading.Thread(target=save, args=(ids[1], "Second shared saved"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert statuses == [302, 302]
    assert indexed_titles() == {"First shared saved", "Second shared saved"}  # no catch-up needed
    assert titles(hits("shared")) == {"First shared saved", "Second shared saved"}


def test_postgres_rebuild_never_overwrites_a_save_made_while_it_ran(app, users, ref):
    postgres_only(app)
    c = log(users["practitioner"], title="Read by the rebuild")
    gone = log(users["practitioner"], title="Deleted behind the index")
    stale = csearch.documents(c)  # what the rebuild read, before the save below

    def documents():
        assert titles(hits("rebuild")) == {"Read by the rebuild"}  # the old documents serve meanwhile
        c.title = "Saved during the rebuild"
        db.session.commit()
        yield stale

    from sqlalchemy import text

    with db.engine.begin() as conn:  # a record removed without its documents: the rebuild drops them
        conn.execute(text("UPDATE search_owner SET writer = 1 WHERE owner = :o"), {"o": f"Consultation:{gone.id}"})
    assert backend().rebuild("consultations", documents()) == len(stale)
    assert indexed_titles() == {"Saved during the rebuild"}
    assert titles(hits("saved")) == {"Saved during the rebuild"}


def test_postgres_did_you_mean_forgets_a_word_once_its_record_is_private(app, client, users, ref):
    postgres_only(app)
    c = log(users["practitioner"], title="Quixotically planned survey")
    assert client.get("/api/v1/search?q=quixoticaly").get_json()["suggestion"] == "quixotically"
    c.visibility = "organisation"
    db.session.commit()
    assert client.get("/api/v1/search?q=quixoticaly").get_json()["suggestion"] is None
