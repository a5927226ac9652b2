"""The strategic risk register's rules, at the service level: scores and bands, the register
highest first, the heat map counts (worked by hand), history of every change, who may change
what, closing once (compare-and-set), links to outcomes and plan actions, and review reminders
sent once through the outbox."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from engage.core.audit import history
from engage.core.errors import RuleError
from engage.core.models import OutboxMessage
from engage.core.transitions import AlreadyMoved
from engage.extensions import db
from engage.risks import services
from engage.risks.scale import band, score
from tests.risks.support import make_risk, partnerships


def test_scores_and_bands_follow_the_stated_scale():
    assert score(4, 5) == 20 and band(20).label == "Very high"
    assert [band(n).label for n in (1, 4, 5, 9, 10, 14, 15, 25)] == [
        "Low", "Low", "Medium", "Medium", "High", "High", "Very high", "Very high"]
    with pytest.raises(ValueError):
        band(26)


def test_heat_map_counts_worked_by_hand(app, users):
    """Four open risks and one closed: (L4, I5) twice, (L3, I4), (L1, I1); the closed
    (L5, I5) is not counted. By hand: cell L4/I5 = 2, L3/I4 = 1, L1/I1 = 1, L5/I5 = 0; bands:
    very high 2 (score 20), high 1 (12), low 1 (1), medium 0; total 4."""
    officer = users["officer"]
    for lk, im in ((4, 5), (4, 5), (3, 4), (1, 1)):
        make_risk(officer, likelihood=lk, impact=im)
    closed = make_risk(officer, likelihood=5, impact=5, title="Closed one")
    services.close_risk(officer, closed, "It went away")
    db.session.commit()
    rows = services.register_rows()
    heat = services.heat_map(rows)
    cells = {(c.likelihood, c.impact): c.count for _, _, cs in heat.rows for c in cs}
    assert cells[(4, 5)] == 2 and cells[(3, 4)] == 1 and cells[(1, 1)] == 1 and cells[(5, 5)] == 0
    assert sum(cells.values()) == 4 == heat.total
    assert heat.by_band == {"low": 1, "medium": 0, "high": 1, "very-high": 2}
    assert [r for r, _, _ in heat.rows] == [5, 4, 3, 2, 1]          # likelihood from the top
    assert [n for n, _ in heat.columns] == [1, 2, 3, 4, 5]           # impact left to right


def test_the_register_shows_the_highest_risks_first(app, users):
    officer = users["officer"]
    make_risk(officer, likelihood=2, impact=2, title="Small")
    make_risk(officer, likelihood=3, impact=4, title="Twelve, impact 4")
    make_risk(officer, likelihood=4, impact=3, title="Twelve, impact 3")
    make_risk(officer, likelihood=5, impact=4, title="Twenty")
    assert [r.title for r in services.register_rows()] == ["Twenty", "Twelve, impact 4", "Twelve, impact 3", "Small"]


def test_every_change_is_in_the_history_with_old_and_new_values(app, users):
    officer = users["officer"]
    risk = make_risk(officer, likelihood=2, impact=3, title="Funding ends")
    data = {"title": risk.title, "category": "strategic", "owner": 0, "likelihood": 4, "impact": 5, "controls": "Exit plans",
            "actions": "", "review_on": date.today() + timedelta(days=90), "reviewed": True, "note": "The fund tapers"}
    services.update_risk(officer, risk, data, risk.version)
    db.session.commit()
    events = history(risk)
    assert len(events) == 2
    latest = events[0]
    assert latest.changes["likelihood"] == [2, 4] and latest.changes["impact"] == [3, 5]
    assert "score 6 → 20" in latest.summary and "The fund tapers" in latest.summary
    assert risk.reviewed_on == date.today()


def test_a_stale_form_is_an_edit_conflict(app, users):
    from engage.core.concurrency import EditConflict

    officer = users["officer"]
    risk = make_risk(officer)
    data = {"title": "Changed", "category": "strategic", "owner": 0, "likelihood": 1, "impact": 1, "review_on": date.today()}
    with pytest.raises(EditConflict):
        services.update_risk(officer, risk, data, risk.version - 1 if risk.version > 1 else 0)


def test_who_may_add_and_change_risks(app, users):
    ours, theirs = partnerships(users)
    coordinator = users["coordinator"]
    mine = make_risk(coordinator, owner=ours, title="Ours")
    board = make_risk(users["officer"], title="Board's")
    assert services.can_edit(coordinator, mine) and not services.can_edit(coordinator, board)
    with pytest.raises(RuleError) as refused:
        make_risk(coordinator, owner=theirs, title="Not theirs")
    assert refused.value.field == "owner"
    db.session.rollback()
    with pytest.raises(RuleError):
        make_risk(coordinator, owner=None, title="The Board's, from a coordinator")
    db.session.rollback()
    for role in ("practitioner", "vcs"):
        with pytest.raises(RuleError):
            make_risk(users[role], title=f"From {role}")
        db.session.rollback()
    assert not services.can_read(users["vcs"]) and services.can_read(users["practitioner"])


def test_bad_scores_are_refused_next_to_their_field(app, users):
    for value in (0, 6, "three", None):
        with pytest.raises(RuleError) as refused:
            make_risk(users["officer"], likelihood=value)
        assert refused.value.field == "likelihood"
        db.session.rollback()


def test_closing_twice_is_refused_and_records_once(app, users):
    officer = users["officer"]
    risk = make_risk(officer)
    services.close_risk(officer, risk, "Done with")
    db.session.commit()
    set_committed_value(risk, "state", "open")  # a second click read the page before the first landed
    with pytest.raises(AlreadyMoved):
        services.close_risk(officer, risk, "Done with")
    db.session.rollback()
    assert [e.action for e in history(risk)].count("close") == 1


def test_links_to_outcomes_and_plan_actions_only(app, users, seeded):
    from engage.partnership.models import Outcome
    from engage.strategy.models import PlanAction

    officer = db.session.scalar(select(users["officer"].__class__).where(users["officer"].__class__.id == users["officer"].id))
    risk = make_risk(officer, title="Linked")
    outcome = db.session.scalars(select(Outcome)).first()
    action = db.session.scalars(select(PlanAction)).first()
    services.add_link(officer, risk, f"outcome:{outcome.id}")
    services.add_link(officer, risk, f"plan-action:{action.id}")
    db.session.commit()
    shown = services.resolved_links(risk)
    assert {s.kind for s in shown} == {"outcome", "plan-action"}
    assert any(s.title == str(outcome) and "/strategy/outcomes#priority-" in s.url for s in shown)
    assert risk in services.risks_linked_to("plan-action", action.id)
    with pytest.raises(RuleError):
        services.add_link(officer, risk, f"outcome:{outcome.id}")  # twice
    db.session.rollback()
    with pytest.raises(RuleError):
        services.add_link(officer, risk, "toolkit-entry:1")  # not a kind a risk threatens
    db.session.rollback()
    with pytest.raises(RuleError):
        services.add_link(officer, risk, "outcome:99999999")
    db.session.rollback()


def _reminders():
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "risk-review").order_by(OutboxMessage.id)).all()


def test_review_reminders_go_once_to_the_owner_then_once_when_overdue(app, users):
    ours, _ = partnerships(users)
    today = date(2006, 11, 20)
    owned = make_risk(users["officer"], owner=ours, title="Owned", review_on=date(2006, 11, 25))
    make_risk(users["officer"], title="Later", review_on=date(2007, 1, 31))
    board = make_risk(users["officer"], title="Board's", review_on=date(2006, 11, 21))
    assert services.send_review_reminders(today) == 2
    db.session.commit()
    sent = _reminders()
    assert {(m.to_address, m.subject.split(":")[0]) for m in sent} == {
        ("coordinator@test.example", "Risk review due 25 November 2006"), ("officer@test.example", "Risk review due 21 November 2006")}
    assert "http://localhost/risks/%d" % owned.id in sent[0].body or "http://localhost/risks/%d" % owned.id in sent[1].body
    assert services.send_review_reminders(today) == 0                   # run again: nothing new
    assert services.send_review_reminders(date(2006, 11, 26)) == 2      # both overdue now: once each
    assert services.send_review_reminders(date(2006, 11, 27)) == 0
    db.session.commit()
    # Reviewed with a new date: a new reminder in time for that one.
    board.review_on = date(2007, 2, 1)
    db.session.commit()
    assert services.send_review_reminders(date(2007, 1, 29)) == 2       # "Later" and the Board's new date
    services.close_risk(users["officer"], owned, "Gone")
    assert services.send_review_reminders(date(2007, 6, 1)) == 2        # closed risks are never reminded


def test_the_scheduled_command_delivers_each_reminder_once_over_real_smtp(app, users, runner, smtp_server):
    ours, _ = partnerships(users)
    make_risk(users["officer"], owner=ours, title="Due in two days", review_on=date.today() + timedelta(days=2))
    for _ in range(2):
        result = runner.invoke(args=["engage", "risk-reminders"])
        assert result.exit_code == 0, result.output
    assert "Queued 0 risk review reminders." in result.output
    assert [(m["To"], m["Subject"].startswith("Risk review due")) for m in smtp_server] == [("coordinator@test.example", True)]
