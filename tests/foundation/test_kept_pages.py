"""Kept public pages (engage/core/pagecache.py): drawn once and shown again to first-time
visitors within the same second, and drawn anew as soon as any table the page read changes,
however it changed (the ORM, Core, raw SQL, another connection, another app on the same
database, a restore), or when the visitor has anything of their own."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from engage.core import pagecache
from engage.extensions import db
from tests.consultations.records_support import ref  # noqa: F401  (fixture)
from tests.surveys.survey_support import consultation, places  # noqa: F401  (fixtures)
from tests.consultations.test_page_queries import add_consultations, places as ward_ids
from tests.query_support import counting

NOON = datetime(2027, 7, 1, 12, 0, 0, tzinfo=timezone.utc)


def _visit(app, path: str) -> tuple[int, str]:
    """(statements run, page) of a first-time visitor's GET (no cookie at all)."""
    visitor = app.test_client(use_cookies=False)
    db.session.remove()   # as a new request on a server: nothing already loaded
    with counting() as seen:
        reply = visitor.get(path)
    assert reply.status_code == 200, (path, reply.status_code)
    return len(seen), reply.get_data(as_text=True)


def _consultations(app, org, clock):
    clock.set(NOON)
    add_consultations(org.id, ward_ids(), 3)
    drawn, page = _visit(app, "/consultations")
    assert drawn > 2 and "Consultation number 2" in page
    return page


def test_a_kept_page_is_shown_again_with_one_statement(app, org, clock):
    first = _consultations(app, org, clock)
    shown, again = _visit(app, "/consultations")
    assert shown == 1
    assert again == first


def test_a_change_to_a_table_it_read_draws_it_again_however_made(app, org, clock):
    from engage.consultations.models import Consultation

    _consultations(app, org, clock)
    # Through the ORM.
    consultation = db.session.scalar(db.select(Consultation).where(Consultation.title == "Consultation number 1"))
    consultation.title = "Renamed through the ORM"
    db.session.commit()
    drawn, page = _visit(app, "/consultations")
    assert drawn > 1 and "Renamed through the ORM" in page
    # Through raw SQL in the session.
    db.session.execute(text("UPDATE consultation SET title = 'Renamed in raw SQL' WHERE title = 'Consultation number 2'"))
    db.session.commit()
    drawn, page = _visit(app, "/consultations")
    assert drawn > 1 and "Renamed in raw SQL" in page
    # On a connection of its own, outside the session.
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE consultation SET title = 'Renamed on a connection' WHERE title = 'Consultation number 0'"))
    drawn, page = _visit(app, "/consultations")
    assert drawn > 1 and "Renamed on a connection" in page
    assert _visit(app, "/consultations")[0] == 1


def test_a_table_it_did_not_read_leaves_it_kept(app, org, clock):
    from engage.core.models import AuditEvent

    _consultations(app, org, clock)
    db.session.add(AuditEvent(action="noted", object_type="test", object_id=1, summary="Nothing the list shows"))
    db.session.commit()
    assert _visit(app, "/consultations")[0] == 1


def test_a_write_rolled_back_moves_no_number(app, org, clock):
    _consultations(app, org, clock)
    db.session.execute(text("UPDATE consultation SET title = 'Never saved'"))
    db.session.rollback()
    shown, page = _visit(app, "/consultations")
    assert shown == 1 and "Never saved" not in page


def test_another_app_on_the_same_database_is_seen(app, org, clock, tmp_path):
    from tests.conftest import make_app

    _consultations(app, org, clock)
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "other")
    db.session.remove()
    with other.app_context():
        db.session.execute(text("UPDATE consultation SET title = 'Renamed on another node' WHERE title = 'Consultation number 1'"))
        db.session.commit()
        db.session.remove()
    drawn, page = _visit(app, "/consultations")
    assert drawn > 1 and "Renamed on another node" in page


def test_a_restore_draws_every_page_again(app, org, clock):
    _consultations(app, org, clock)
    # What ``engage restore`` does to the generation, without a number moving.
    dbapi = db.engine.raw_connection()
    try:
        cursor = dbapi.cursor()
        cursor.execute("DELETE FROM site_generation")
        cursor.execute("INSERT INTO site_generation (token, changed_at) VALUES ('restored', '2027-07-01 12:00:00')")
        dbapi.commit()
    finally:
        dbapi.close()
    assert _visit(app, "/consultations")[0] > 1


def test_kept_for_the_second_it_was_drawn_in(app, org, clock):
    from datetime import timedelta

    _consultations(app, org, clock)
    clock.advance(timedelta(milliseconds=900))
    assert _visit(app, "/consultations")[0] == 1
    clock.advance(timedelta(milliseconds=200))
    assert _visit(app, "/consultations")[0] > 1


def test_nothing_of_a_visitors_own_is_kept_or_shown(app, org, clock, users):
    from tests.conftest import sign_in

    _consultations(app, org, clock)
    staff = app.test_client()
    sign_in(staff, "officer@test.example")
    db.session.remove()
    with counting() as seen:
        signed_in = staff.get("/consultations").get_data(as_text=True)
    assert len(seen) > 1 and "Sign out" in signed_in
    shown, page = _visit(app, "/consultations")
    assert shown == 1 and "Sign out" not in page


def test_a_page_that_starts_a_session_is_never_kept(app, clock):
    from flask import g, render_template_string

    @pagecache.kept_page
    def with_a_token():
        return render_template_string("<p>{{ csrf_token() }}</p>")

    app.add_url_rule("/kept-with-a-token", "kept_with_a_token", with_a_token)
    clock.set(NOON)
    replies = []
    for _ in range(2):
        g.pop("csrf_token", None)   # Flask-WTF keeps it in ``g``, which this test's requests share
        replies.append(app.test_client(use_cookies=False).get("/kept-with-a-token"))
    assert all("Set-Cookie" in r.headers for r in replies)
    assert replies[0].get_data() != replies[1].get_data()


def test_search_sees_a_change_to_the_index(app, org, clock, ref):  # noqa: F811
    """The Whoosh index is not in the database: a change to it alone draws the page again."""
    from engage.accounts.models import User
    from engage.search import backend
    from tests.consultations.records_support import log

    author = ref["other_user"].id
    clock.set(NOON)
    consultation = log(db.session.get(User, author), title="Allotment waiting lists", summary="Allotments in the borough.")
    owner = f"Consultation:{consultation.id}"
    drawn, page = _visit(app, "/consultations/search?q=allotments")
    assert "waiting lists" in page   # the search marks the word it found
    assert _visit(app, "/consultations/search?q=allotments")[0] == 1
    backend().apply("consultations", {owner: None})   # out of the index, nothing written to the database
    drawn, page = _visit(app, "/consultations/search?q=allotments")
    assert "waiting lists" not in page


def test_pages_changed_draws_everything_again(app, org, clock, runner):
    _consultations(app, org, clock)
    result = runner.invoke(args=["engage", "pages-changed"])
    assert result.exit_code == 0, result.output
    assert _visit(app, "/consultations")[0] > 1


def test_what_a_statement_writes():
    written = pagecache.written_table
    assert written("SELECT consultation.id FROM consultation") is None
    assert written("INSERT INTO consultation (title) VALUES (?)") == "consultation"
    assert written('UPDATE "user" SET name = %(name)s') == "user"
    assert written("DELETE FROM public.consultation_area WHERE id = 1") == "consultation_area"
    assert written("  insert or replace into search_pending values (1)") == "search_pending"
    assert written("ALTER TABLE consultation ADD COLUMN x INTEGER") == "*"
    assert written("WITH gone AS (DELETE FROM audit_event RETURNING id) SELECT count(*) FROM gone") == "*"
    assert written("WITH recent AS (SELECT id FROM audit_event) SELECT count(*) FROM recent") is None
    assert written("SAVEPOINT sa_savepoint_1") is None


def test_a_survey_start_page_is_kept_with_each_visitors_own_form_token(app, consultation):  # noqa: F811
    """The start page is kept with a hole where the form's token goes: each first-time visitor
    gets a token of their own (and the session cookie it belongs to), and it starts the survey."""
    import re

    from flask import g

    from engage.core import clock
    from tests.surveys.test_page_queries import make_survey

    survey_id = make_survey(consultation, 2)
    clock.set(clock.now())
    tokens = []
    for visit in range(3):
        g.pop("csrf_token", None)   # Flask-WTF keeps it in ``g``, which this test's requests share
        visitor = app.test_client()
        db.session.remove()
        with counting() as seen:
            reply = visitor.get(f"/surveys/{survey_id}")
        assert reply.status_code == 200 and "Set-Cookie" in reply.headers
        if visit:
            assert len(seen) == 1   # kept: only the numbers were read
        page = reply.get_data(as_text=True)
        assert "engage-form-token-" not in page and "<strong>parks</strong>" in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        tokens.append(token)
        g.pop("csrf_token", None)
        started = visitor.post(f"/surveys/{survey_id}", data={"csrf_token": token})
        assert started.status_code == 302 and "/page/" in started.headers["Location"], (visit, started.status_code)
    assert len(set(tokens)) == 3


def test_a_kept_page_has_the_headers_of_a_drawn_one(app, org, clock):
    """Security headers, Vary: Cookie (a shared cache must not give it to a signed-in reader)
    and the rest: only the request's own id differs."""
    _consultations(app, org, clock)
    clock.advance(timedelta(seconds=5))
    drawn, kept = (app.test_client(use_cookies=False).get("/consultations") for _ in range(2))
    assert drawn.get_data() == kept.get_data()

    def headers(reply):
        return sorted((k, v) for k, v in reply.headers.items() if k != "X-Request-ID")

    assert headers(drawn) == headers(kept) and "Cookie" in kept.headers.get("Vary", "")
    assert drawn.headers["X-Request-ID"] != kept.headers["X-Request-ID"]
