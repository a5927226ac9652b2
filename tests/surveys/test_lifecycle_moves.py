"""Lifecycle (issue 20): close now, extend and reopen, each with a reason, recorded (who, when,
from, to, why) and shown; moves are compare-and-sets; the consultation's dates follow; results
are not published while the survey is open; a consultation with no start date is planned, not
open; equality monitoring is derived from the survey."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engage.core.models import utcnow
from engage.core.transitions import AlreadyMoved
from engage.extensions import db
from engage.surveys import lifecycle, publishing
from engage.surveys.builder import BuildError
from engage.surveys.models import Survey, SurveyLifecycleMove
from tests.surveys.survey_support import choice, consultation, places, store, survey  # noqa: F401


def test_close_now_extend_reopen_are_recorded_and_the_consultation_follows(app, users, survey, places):
    staff = users["practitioner"]
    consultation = survey.consultation
    with pytest.raises(lifecycle.MoveError, match="Say why"):
        lifecycle.close_now(staff, survey, "")
    db.session.rollback()
    with pytest.raises(lifecycle.MoveError, match="Only a closed survey"):
        lifecycle.reopen(staff, survey, date.today() + timedelta(days=5), "Why not")
    db.session.rollback()
    before = survey.closes_at
    version = survey.version
    lifecycle.close_now(staff, survey, "Decision meeting brought forward")
    db.session.commit()
    assert survey.state == "closed" and survey.closes_at > survey.opens_at  # never closed before it opened
    assert survey.version == version + 1  # a settings form opened before now conflicts
    from engage.surveys.panels import take_part

    assert consultation.actual_close == date.today() and take_part(consultation) is None
    # Closed now means closed today, not at midnight: on its page, in the finder's SQL and on
    # "Have your say" (whose open list is the finder's).
    from engage.consultations import services as consultation_services
    from engage.consultations.models import Consultation

    assert consultation.status == "closed"
    assert db.session.scalar(select(consultation_services.status_expression())
                             .where(Consultation.id == consultation.id)) == "closed"
    move = lifecycle.moves(survey)[0]
    assert (move.move, move.actor_id, move.from_state, move.to_state, move.from_closes, move.reason) == (
        "close-now", staff.id, "open", "closed", before, "Decision meeting brought forward")
    with pytest.raises(lifecycle.MoveError, match="Only an open survey"):
        lifecycle.extend(staff, survey, date.today() + timedelta(days=5), "More time")
    db.session.rollback()
    with pytest.raises(lifecycle.MoveError, match="today or later"):
        lifecycle.reopen(staff, survey, date.today() - timedelta(days=1), "Oops")
    db.session.rollback()
    lifecycle.reopen(staff, survey, date.today() + timedelta(days=7), "Closed by mistake")
    db.session.commit()
    assert survey.state == "open" and consultation.planned_close == date.today() + timedelta(days=7)
    assert consultation.actual_close is None and consultation.status == "open"
    assert take_part(consultation).endswith(f"/surveys/{survey.id}")
    with pytest.raises(lifecycle.MoveError, match="after the current one"):
        lifecycle.extend(staff, survey, date.today() + timedelta(days=3), "Shorter")
    db.session.rollback()
    lifecycle.extend(staff, survey, date.today() + timedelta(days=14), "Few answers from Castle ward")
    db.session.commit()
    assert consultation.planned_close == date.today() + timedelta(days=14)
    assert [m.move for m in lifecycle.moves(survey)] == ["extend", "reopen", "close-now"]


def test_two_clicks_close_once(app, users, survey):
    stale = survey.closes_at
    with app.app_context():
        lifecycle.close_now(users["officer"], db.session.get(Survey, survey.id), "First click")
        db.session.commit()
        db.session.remove()
    assert survey.closes_at == stale  # this request read it open...
    with pytest.raises(AlreadyMoved):
        lifecycle._move(users["practitioner"], survey, "close-now", utcnow(), "Second click", utcnow())
    db.session.rollback()
    assert db.session.query(SurveyLifecycleMove).count() == 1


def test_only_editors_move_it(app, users, survey):
    from engage.accounts.models import User
    from engage.partnership.models import Organisation

    trust = db.session.scalar(select(Organisation).where(Organisation.name == "Other Trust"))
    outsider = User(email="y@trust.example", name="Outsider", role="practitioner", organisation_id=trust.id, active=True,
                    password_hash="x")
    db.session.add(outsider)
    db.session.commit()
    with pytest.raises(lifecycle.MoveError, match="cannot change"):
        lifecycle.close_now(outsider, survey, "Because")
    db.session.rollback()
    assert survey.state == "open"


def test_results_are_refused_while_open(app, users, survey, places):
    store(survey, {"ward": places["castle"].id, "use": choice(survey.q["use"], "Often")})
    with pytest.raises(BuildError, match="still open"):
        publishing.publish(users["practitioner"], survey)
    db.session.rollback()
    lifecycle.close_now(users["practitioner"], survey, "Done")
    db.session.commit()
    publishing.publish(users["practitioner"], survey)
    db.session.commit()
    assert survey.published_at is not None


def test_the_moves_are_in_the_workflow_table(app):
    from engage.core import workflows

    flow = workflows.get("surveys.survey")
    moves = {(s.action, s.source, s.target) for s in flow.table()}
    assert {("close-now", "open", "closed"), ("extend", "open", "open"), ("reopen", "closed", "open")} <= moves
    assert "closed" not in set(flow.final)


def test_pages(client, login, users, survey):
    login("practitioner")
    page = client.get(f"/surveys/{survey.id}/open-and-close")
    assert page.status_code == 200 and "Close now" in page.get_data(as_text=True)
    bad = client.post(f"/surveys/{survey.id}/open-and-close/close-now", data={"close-reason": ""})
    assert bad.status_code == 400 and "Say why" in bad.get_data(as_text=True)
    assert client.post(f"/surveys/{survey.id}/open-and-close/close-now", data={"close-reason": "Early"}).status_code == 302
    shown = client.get(f"/surveys/{survey.id}/open-and-close").get_data(as_text=True)
    assert "Closed now" in shown and "Early" in shown and "Test Practitioner" in shown and "Reopen" in shown
    day = date.today() + timedelta(days=3)
    bad = client.post(f"/surveys/{survey.id}/open-and-close/reopen",
                      data={"reopen-closes_on": ["31", "2", "2027"], "reopen-reason": "x"})
    assert bad.status_code == 400
    ok = client.post(f"/surveys/{survey.id}/open-and-close/reopen",
                     data={"reopen-closes_on": [str(day.day), str(day.month), str(day.year)], "reopen-reason": "Mistake"})
    assert ok.status_code == 302
    assert client.post(f"/surveys/{survey.id}/open-and-close/fly", data={}).status_code == 404


def test_a_consultation_with_no_start_date_is_planned(client, login, users, org):
    from engage.consultations.models import Consultation

    login("practitioner")
    form = client.get("/consultations/new").get_data(as_text=True)
    assert "What will be shown when you save" in form and "no start date" in form
    response = client.post("/consultations/new", data={"title": "Bus lanes plan", "summary": "Where bus lanes go",
                                                      "lead_organisation_id": str(org.id), "visibility": "public",
                                                      "checked_similar": "yes"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    made = db.session.scalar(select(Consultation).where(Consultation.title == "Bus lanes plan"))
    assert made.planned_start is None and made.status == "planned"
    login(None)
    have = client.get("/have-your-say").get_data(as_text=True)
    assert "Coming soon" in have
    open_part = have.split("Coming soon")[0]
    assert "Bus lanes plan" not in open_part


def test_equality_monitoring_follows_the_survey(client, login, users, survey):
    from engage.consultations import services
    from engage.surveys import builder

    consultation = survey.consultation
    assert not consultation.equality_monitoring and not services.equality_monitored(consultation)
    login(None)
    assert "Not collected" in client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    builder.add_equality_section(None, survey)
    db.session.commit()
    assert services.equality_monitored(consultation)
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Not collected" not in page and "Collected" in page
    assert client.get(f"/api/v1/consultations/{consultation.id}").get_json()["equality_monitoring"] is True
