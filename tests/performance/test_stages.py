"""A stage's life through the pages: who may act (role checks in the views and the
services), bad input answered in words, moves recorded who/when/from/to/why, moves made
once, reminders through the outbox sent once, and residents' evidence on the stage page."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from engage.core.transitions import AlreadyMoved
from engage.extensions import db
from engage.performance import services
from engage.performance.models import LadderMove, LadderStage, PsgMember

from .support import target, world

LATER = date(2008, 1, 1)


@pytest.fixture
def stage_two(app, users):
    """A target two periods below its level: stage 1 escalated, stage 2 waiting for a plan;
    the test coordinator coordinates its partnership."""
    w = world(coordinator=users["coordinator"])
    indicator = target(w, [44, 43, None, None])
    services.sync(indicator, LATER, tell=False)
    db.session.commit()
    return services.open_stage(indicator)


def test_the_coordinator_records_the_plan_and_reports_back(stage_two, login, client, users):
    c = login("coordinator")
    page = client.get(f"/performance/stages/{stage_two.id}").get_data(as_text=True)
    assert 'id="do-record-plan"' in page and "Waiting for a plan" in page
    assert client.post(f"/performance/stages/{stage_two.id}/move", data={"action": "record-plan", "plan": ""}).status_code == 400
    response = c.post(f"/performance/stages/{stage_two.id}/move", data={"action": "record-plan", "plan": "Extra street cleaning"})
    assert response.status_code == 302
    response = c.post(f"/performance/stages/{stage_two.id}/move", data={"action": "report-back", "report": "Two new rounds a week"})
    assert response.status_code == 302
    db.session.expire_all()
    stage = db.session.get(LadderStage, stage_two.id)
    assert (stage.state, stage.plan, stage.report) == ("reported", "Extra street cleaning", "Two new rounds a week")
    moves = db.session.query(LadderMove).filter_by(stage_id=stage.id).order_by(LadderMove.id).all()
    assert [(m.action, m.from_state, m.to_state, m.actor_id) for m in moves][-2:] == [
        ("record-plan", "planning", "acting", users["coordinator"].id), ("report-back", "acting", "reported", users["coordinator"].id)]


def test_an_empty_plan_is_refused_next_to_the_box(stage_two, login, client):
    login("coordinator")
    response = client.post(f"/performance/stages/{stage_two.id}/move", data={"action": "record-plan", "plan": "  "})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Enter the plan" in page and 'href="#plan"' in page
    assert db.session.get(LadderStage, stage_two.id).state == "planning"


def test_people_who_are_not_the_owner_or_the_psg_cannot_move_it(stage_two, login, client):
    """Planted fault caught: the view's role check taken out (and the service's with it),
    a practitioner's plan was saved."""
    for role in ("practitioner", "vcs"):
        login(role)
        page = client.get(f"/performance/stages/{stage_two.id}").get_data(as_text=True)
        assert 'id="do-record-plan"' not in page
        assert client.post(f"/performance/stages/{stage_two.id}/move", data={"action": "record-plan", "plan": "x"}).status_code == 403
    login(None)
    assert client.post(f"/performance/stages/{stage_two.id}/move", data={"action": "record-plan", "plan": "x"}).status_code == 302
    assert db.session.get(LadderStage, stage_two.id).plan == ""


def test_the_service_checks_roles_too(stage_two, users):
    with pytest.raises(services.RuleError):
        services.move(users["practitioner"], stage_two, "record-plan", {"plan": "x"})
    with pytest.raises(services.RuleError):
        services.start_by_hand(users["coordinator"], stage_two.indicator, 3, "Other evidence")


def test_a_move_happens_once(stage_two, users):
    """Two people record a plan at the same moment: the second finds the stage moved on."""
    db.session.execute(update(LadderStage).where(LadderStage.id == stage_two.id).values(state="acting")
                       .execution_options(synchronize_session=False))
    assert stage_two.state == "planning"  # as the first person loaded it
    with pytest.raises(AlreadyMoved):
        services.move(users["officer"], stage_two, "record-plan", {"plan": "Late plan"})
    db.session.rollback()
    assert db.session.query(LadderMove).filter_by(stage_id=stage_two.id, action="record-plan").count() == 0


def test_the_psg_starts_a_stage_by_hand_with_its_reason(stage_two, login, client, users):
    db.session.add(PsgMember(user_id=users["practitioner"].id))
    db.session.commit()
    indicator_id = stage_two.indicator_id
    login("vcs")
    assert client.post(f"/performance/targets/{indicator_id}/start", data={"stage": "3", "reason": "x"}).status_code == 403
    login("practitioner")  # a PSG member
    response = client.post(f"/performance/targets/{indicator_id}/start", data={"stage": "3", "reason": ""})
    assert response.status_code == 400 and "Say why the PSG is starting this stage" in response.get_data(as_text=True)
    response = client.post(f"/performance/targets/{indicator_id}/start", data={"stage": "2", "reason": "Residents' survey"})
    assert response.status_code == 400 and "already at stage 2" in response.get_data(as_text=True)
    response = client.post(f"/performance/targets/{indicator_id}/start", data={"stage": "3", "reason": "Complaints doubled"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(LadderStage, stage_two.id).state == "escalated"
    top = services.open_stage(stage_two.indicator)
    assert (top.stage, top.by_hand, top.reason, top.state, top.started_by_id) == (3, True, "Complaints doubled", "nominating",
                                                                                  users["practitioner"].id)
    # The ladder, worked out again, keeps the stage the PSG started and adds nothing.
    assert services.sync(top.indicator, LATER, tell=False) == {"started": 0, "closed": 0, "escalated": 0}


def test_a_stage_started_by_hand_closes_when_the_figure_is_back_above(app, users):
    w = world()
    indicator = target(w, [50, 50, None, None])
    services.start_by_hand(users["officer"], indicator, 1, "Other evidence", today=date(2006, 5, 1))
    db.session.commit()
    assert services.open_stage(indicator).stage == 1
    # a figure at or above the level in a later review closes it
    from engage.partnership.models import IndicatorReading

    db.session.add(IndicatorReading(indicator_id=indicator.id, taken_on=date(2006, 9, 1), value=47))
    db.session.commit()
    db.session.expire_all()
    assert services.sync(indicator, LATER, tell=False)["closed"] == 1
    assert services.open_stage(indicator) is None


def test_reminders_go_to_the_owner_once(stage_two, users, smtp_server):
    """Due soon two weeks before, overdue after: each once (the outbox key). Planted fault
    caught: a key without the report-back date's kind sent the overdue reminder as a repeat
    of the due-soon one (nothing sent)."""
    due = stage_two.report_back_on
    assert services.send_reminders(date.fromordinal(due.toordinal() - 20)) == 0
    assert services.send_reminders(date.fromordinal(due.toordinal() - 10)) == 1
    db.session.commit()
    assert services.send_reminders(date.fromordinal(due.toordinal() - 9)) == 0
    assert services.send_reminders(date.fromordinal(due.toordinal() + 1)) == 1
    db.session.commit()
    assert [m["To"] for m in smtp_server] == ["coordinator@test.example", "coordinator@test.example"]
    assert "is due soon" in smtp_server[0]["Subject"] and "is overdue" in smtp_server[1]["Subject"]
    assert f"/performance/stages/{stage_two.id}" in smtp_server[1].get_content()


def test_residents_evidence_on_the_stage_page(stage_two, client, users):
    """Consultations linked to the outcome show (the public ones only, to the public)."""
    from engage.consultations.models import Consultation, Finding

    outcome = stage_two.indicator.outcome
    open_one = Consultation(title="Street cleaning survey", summary="What residents think of their streets",
                            lead_organisation_id=users["officer"].organisation_id, visibility="public", outcomes=[outcome])
    hidden = Consultation(title="Staff-only walkabout notes", lead_organisation_id=users["officer"].organisation_id,
                          visibility="organisation", outcomes=[outcome])
    db.session.add_all([open_one, hidden])
    db.session.flush()
    db.session.add(Finding(consultation_id=open_one.id, statement="Litter near the shops is the top worry"))
    db.session.commit()
    page = client.get(f"/performance/stages/{stage_two.id}").get_data(as_text=True)
    assert "Street cleaning survey" in page and "Litter near the shops is the top worry" in page
    assert "Staff-only walkabout notes" not in page
