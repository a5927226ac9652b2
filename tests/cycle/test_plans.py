"""A thematic partnership's action plan, from draft to the implementation plan: the PSG's
challenge on each action, the partnership's reply, the moves' rules and their compare-and-set
(two clicks move it once), and adoption turning each action into an implementation plan action
linked to its outcome, once."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from engage.core import workflows
from engage.core.errors import RuleError
from engage.core.models import OutboxMessage
from engage.core.transitions import AlreadyMoved
from engage.cycle import plans
from engage.cycle.models import CycleStep, DraftPlanMove
from engage.extensions import db
from engage.strategy.models import ActionLink, PlanAction, PlanTheme
from tests.cycle.support import cycle_2006, plan_with_actions


def _refused(fn, *args, words=None, **kw):
    with pytest.raises(RuleError) as refused:
        fn(*args, **kw)
    db.session.rollback()
    if words:
        assert words in str(refused.value), str(refused.value)
    return refused.value


def test_the_whole_challenge_flow_ends_in_the_implementation_plan(app, users):
    cycle, made = cycle_2006(users)
    coordinator, officer = users["coordinator"], users["officer"]
    empty = plans.start_plan(officer, cycle, made["theirs"].id)
    db.session.commit()
    _refused(plans.move, officer, empty, "submit", words="at least one action")
    plan = plan_with_actions(users, cycle, made, n=2)
    first, second = plan.actions
    _refused(plans.decide, officer, plan, first.id, "accepted", words="while the plan is with it")   # still a draft
    plans.move(coordinator, plan, "submit", today=date(2006, 10, 20))
    db.session.commit()
    draft_step = next(s for s in cycle.steps if s.title == "Draft action plans" and s.partnership_id == made["ours"].id)
    assert draft_step.done_on == date(2006, 10, 20)       # sending the draft marked its step done
    _refused(plans.add_action, coordinator, plan, {"activity": "Late addition"}, words="draft or back with it")
    _refused(plans.decide, coordinator, plan, first.id, "accepted", words="member of the PSG")
    err = _refused(plans.decide, officer, plan, second.id, "challenged", "")
    assert err.field == "reason"
    plans.decide(officer, plan, first.id, "accepted")
    db.session.commit()
    _refused(plans.move, officer, plan, "return", words="every action")     # one still pending
    plans.decide(officer, plan, second.id, "challenged", "Is it plausible with the staff you have?")
    db.session.commit()
    _refused(plans.move, officer, plan, "adopt", words="must be accepted")
    plans.move(officer, plan, "return")
    db.session.commit()
    assert plan.state == "returned"
    _refused(plans.reply, coordinator, plan, first.id, "Nothing to say", words="Only a challenged action")
    _refused(plans.move, coordinator, plan, "submit_final", words="Reply to every challenge")
    plans.reply(coordinator, plan, second.id, "Two new posts start in January.")
    plans.move(coordinator, plan, "submit_final", today=date(2006, 12, 14))
    db.session.commit()
    final_step = next(s for s in cycle.steps if s.title == "Final action plans" and s.partnership_id == made["ours"].id)
    assert final_step.done_on == date(2006, 12, 14)
    plans.decide(officer, plan, second.id, "accepted")
    plans.move(officer, plan, "adopt")
    db.session.commit()
    assert plan.state == "adopted"
    theme = db.session.get(PlanTheme, plan.plan_theme_id)
    assert theme.name == "STP action plan 2006/07"
    made_actions = db.session.scalars(select(PlanAction).where(PlanAction.theme_id == theme.id).order_by(PlanAction.position)).all()
    assert [a.activity for a in made_actions] == ["Action 1", "Action 2"]
    assert all(a.partnership_id == made["ours"].id and a.due_on == date(2007, 3, 31) and a.priority_id == made["outcome"].priority_id
               for a in made_actions)
    assert [d.plan_action_id for d in plan.actions] == [a.id for a in made_actions]
    links = db.session.scalars(select(ActionLink).where(ActionLink.action_id.in_([a.id for a in made_actions]))).all()
    assert {(link.kind, link.target_id) for link in links} == {("outcome", made["outcome"].id)} and len(links) == 2
    moves = [(m.action, m.from_state, m.to_state, m.actor_id) for m in plan.moves]
    assert moves == [("submit", "draft", "submitted", coordinator.id), ("return", "submitted", "returned", officer.id),
                     ("submit_final", "returned", "final", coordinator.id), ("adopt", "final", "adopted", officer.id)]
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "cycle-plan")).all()
    assert {m.to_address for m in mail} == {"officer@test.example", "coordinator@test.example"}
    assert any("challenged 1 action " in m.subject for m in mail)


def test_a_new_challenge_needs_a_new_reply(app, users):
    cycle, made = cycle_2006(users)
    plan = plan_with_actions(users, cycle, made, n=1)
    officer, coordinator = users["officer"], users["coordinator"]
    (action,) = plan.actions
    plans.move(coordinator, plan, "submit")
    plans.decide(officer, plan, action.id, "challenged", "Which wards?")
    plans.move(officer, plan, "return")
    plans.reply(coordinator, plan, action.id, "Castlefields and Riverside.")
    plans.move(coordinator, plan, "submit_final")
    plans.decide(officer, plan, action.id, "challenged", "And how many people?")
    assert action.reply == ""
    plans.move(officer, plan, "return")
    db.session.commit()
    _refused(plans.move, coordinator, plan, "submit_final", words="Reply to every challenge")


def test_two_clicks_move_the_plan_once_and_adopt_once(app, users):
    cycle, made = cycle_2006(users)
    plan = plan_with_actions(users, cycle, made, n=1)
    officer, coordinator = users["officer"], users["coordinator"]
    plans.move(coordinator, plan, "submit")
    db.session.commit()
    set_committed_value(plan, "state", "draft")        # a second "send" read the page before the first landed
    with pytest.raises(AlreadyMoved):
        plans.move(coordinator, plan, "submit")
    db.session.rollback()
    plans.decide(officer, plan, plan.actions[0].id, "accepted")
    plans.move(officer, plan, "adopt")
    db.session.commit()
    set_committed_value(plan, "state", "submitted")    # a second "adopt" from the same page
    with pytest.raises(AlreadyMoved):
        plans.move(officer, plan, "adopt")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PlanAction)) == 1
    assert db.session.scalar(select(func.count()).select_from(DraftPlanMove).where(DraftPlanMove.action == "submit")) == 1


def test_who_may_start_write_and_see_a_plan(app, users):
    cycle, made = cycle_2006(users)
    _refused(plans.start_plan, users["coordinator"], cycle, made["theirs"].id, words="Only the partnership's coordinator")
    _refused(plans.start_plan, users["officer"], cycle, made["strategic"].id, words="thematic partnership")
    plan = plan_with_actions(users, cycle, made, n=1)
    _refused(plans.start_plan, users["officer"], cycle, made["ours"].id, words="already has an action plan")
    assert plans.can_write(users["coordinator"], plan) and not plans.can_write(users["practitioner"], plan)
    assert plans.can_see(users["practitioner"], plan) and not plans.can_see(users["vcs"], plan)
    _refused(plans.add_action, users["practitioner"], plan, {"activity": "x"})
    err = _refused(plans.add_action, users["coordinator"], plan, {"activity": "No outcome", "due_on": date(2007, 1, 1)})
    assert err.field == "outcome_id"


def test_the_plan_workflow_is_registered_and_says_who_acts_next(app, users):
    cycle, made = cycle_2006(users)
    plan = plan_with_actions(users, cycle, made, n=1)
    status = workflows.status("cycle.plan", plan, users["coordinator"])
    assert status.state_label == "Draft"
    assert [(s.label, s.yours) for s in status.steps] == [("Send the draft plan to the PSG", True)]
    assert "a coordinator of Safer Test Partnership" in status.waiting_for
    plans.move(users["coordinator"], plan, "submit")
    status = workflows.status("cycle.plan", plan, users["coordinator"])
    assert {s.label for s in status.steps} == {"Send the challenges back", "Adopt into the implementation plan"}
    assert not any(s.yours for s in status.steps)
    assert all(s.yours for s in workflows.status("cycle.plan", plan, users["officer"]).steps)


def test_a_member_of_the_psg_records_its_decisions_too(app, users):
    """The PSG's members are the one list engage/performance keeps; a practitioner on it may
    challenge, one not on it may not."""
    from engage.performance.models import PsgMember

    cycle, made = cycle_2006(users)
    plan = plan_with_actions(users, cycle, made, n=1)
    plans.move(users["coordinator"], plan, "submit")
    db.session.commit()
    practitioner = users["practitioner"]
    _refused(plans.decide, practitioner, plan, plan.actions[0].id, "challenged", "Why?", words="member of the PSG")
    db.session.add(PsgMember(user_id=practitioner.id))
    db.session.commit()
    plans.decide(practitioner, plan, plan.actions[0].id, "challenged", "Why here?")
    plans.move(practitioner, plan, "return")
    db.session.commit()
    assert plan.state == "returned" and plan.moves[-1].actor_id == practitioner.id
