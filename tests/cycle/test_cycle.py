"""The annual cycle's rules at the service level: a year generated from the template (data,
not code) with the seed's dates, what is due, done and late, marking done once, and reminders
sent once through the outbox."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from engage.core.errors import RuleError
from engage.core.models import OutboxMessage
from engage.core.transitions import AlreadyMoved
from engage.cycle import services
from engage.cycle.models import CycleStep, CycleTemplateStep
from engage.extensions import db
from tests.cycle.support import cycle_2006, template, world


def _step(cycle, title, partnership=None):
    return next(s for s in cycle.steps if s.title == title and s.partnership_id == (partnership.id if partnership else None))


def test_a_year_is_made_from_the_template_with_the_seeds_dates(app, users):
    cycle, made = cycle_2006(users)
    assert cycle.label == "2006/07"
    # One Partnership Team step, and five for each of the two thematic partnerships (never the strategic one).
    assert len(cycle.steps) == 1 + 5 * 2
    assert not any(s.partnership_id == made["strategic"].id for s in cycle.steps)
    review = _step(cycle, "Annual review")
    assert (review.opens_on, review.due_on, review.who) == (date(2006, 7, 1), date(2006, 9, 30), "The Partnership Team")
    ours = made["ours"]
    assert (_step(cycle, "Draft action plans", ours).opens_on, _step(cycle, "Draft action plans", ours).due_on) == (date(2006, 8, 1), date(2006, 10, 31))
    assert _step(cycle, "Mid-year update", ours).due_on == date(2006, 11, 30)
    assert _step(cycle, "Final action plans", ours).due_on == date(2006, 12, 31)
    assert (_step(cycle, "Quarter 3 update", ours).opens_on, _step(cycle, "Quarter 3 update", ours).due_on) == (date(2007, 2, 1), date(2007, 3, 31))
    assert _step(cycle, "Year-end update", ours).due_on == date(2007, 5, 31)
    assert "Exception or summary report" in _step(cycle, "Mid-year update", ours).board_output
    with pytest.raises(RuleError) as again:
        services.generate_year(users["officer"], 2006)
    assert "already set up" in str(again.value)


def test_the_template_is_data_the_partnership_edits_and_shapes_later_years_only(app, users):
    cycle, made = cycle_2006(users)
    row = db.session.scalar(select(CycleTemplateStep).where(CycleTemplateStep.title == "Mid-year update"))
    services.save_template_step(users["officer"], row, {"title": "Mid-year update", "opens_month": 11, "opens_day": 1,
                                                        "due_month": 12, "due_day": 8, "submitter": "partnerships",
                                                        "board_output": "Summary report"}, row.version)
    services.save_template_step(users["officer"], None, {"title": "Board away day", "opens_month": 6, "opens_day": 1,
                                                         "due_month": 6, "due_day": 30, "submitter": "team"})
    db.session.commit()
    later = services.generate_year(users["officer"], 2007)
    assert _step(later, "Mid-year update", made["ours"]).due_on == date(2007, 12, 8)
    assert _step(later, "Board away day").due_on == date(2007, 6, 30)
    assert _step(cycle, "Mid-year update", made["ours"]).due_on == date(2006, 11, 30)   # the year made before keeps its dates
    with pytest.raises(RuleError) as backwards:
        services.save_template_step(users["officer"], None, {"title": "Backwards", "opens_month": 3, "opens_day": 1,
                                                             "due_month": 8, "due_day": 1, "submitter": "team"})
    assert backwards.value.field == "due_month"
    with pytest.raises(RuleError):
        services.save_template_step(users["coordinator"], None, {"title": "Not an officer", "opens_month": 6, "opens_day": 1,
                                                                 "due_month": 6, "due_day": 2, "submitter": "team"})


def test_a_year_needs_a_template_and_an_officer(app, users):
    world(users)
    with pytest.raises(RuleError):
        services.generate_year(users["officer"], 2006)
    template()
    with pytest.raises(RuleError):
        services.generate_year(users["coordinator"], 2006)
    with pytest.raises(RuleError):
        services.generate_year(users["officer"], "20O6")


def test_due_done_late_and_coming_up(app, users):
    cycle, made = cycle_2006(users)
    step = _step(cycle, "Mid-year update", made["ours"])      # 1 to 30 November 2006
    assert services.status_of(step, date(2006, 10, 31)) == "upcoming"
    assert services.status_of(step, date(2006, 11, 1)) == "due"
    assert services.status_of(step, date(2006, 11, 30)) == "due"
    assert services.status_of(step, date(2006, 12, 1)) == "late"
    services.mark_done(users["coordinator"], step, "Sent to the PSG", today=date(2006, 12, 3))
    db.session.commit()
    assert services.status_of(step, date(2006, 12, 5)) == "done" and step.done_on == date(2006, 12, 3)
    counts = services.counts(cycle, date(2006, 12, 5))
    assert counts["done"] == 1 and sum(counts.values()) == len(cycle.steps)


def test_marking_done_happens_once_and_only_by_those_allowed(app, users):
    cycle, made = cycle_2006(users)
    theirs = _step(cycle, "Mid-year update", made["theirs"])
    with pytest.raises(RuleError):
        services.mark_done(users["coordinator"], theirs)                 # not their partnership
    with pytest.raises(RuleError):
        services.mark_done(users["coordinator"], _step(cycle, "Draft action plans", made["ours"]))  # done by sending the plan
    ours = _step(cycle, "Mid-year update", made["ours"])
    services.mark_done(users["coordinator"], ours)
    db.session.commit()
    set_committed_value(ours, "done_on", None)   # a second click, read before the first landed
    with pytest.raises(AlreadyMoved):
        services.mark_done(users["officer"], ours)
    db.session.rollback()
    assert db.session.get(CycleStep, ours.id).done_by_id == users["coordinator"].id


def _queued():
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "cycle-reminder").order_by(OutboxMessage.id)).all()


def test_reminders_go_once_when_due_soon_and_once_when_late(app, users):
    cycle, made = cycle_2006(users)
    # 20 November 2006: the mid-year updates (due 30 November) are within two weeks; the annual
    # review and the draft plans (due September and October) are late; nothing else yet.
    assert services.send_reminders(date(2006, 11, 20)) == 5
    db.session.commit()
    sent = [(m.to_address, m.subject) for m in _queued()]
    assert ("coordinator@test.example", "Due 30 November 2006: Mid-year update") in sent
    assert ("coordinator@test.example", "Late: Draft action plans was due 31 October 2006") in sent
    assert ("officer@test.example", "Late: Annual review was due 30 September 2006") in sent
    # The partnership with no coordinator: its steps go to the officers.
    assert ("officer@test.example", "Due 30 November 2006: Mid-year update") in sent
    assert services.send_reminders(date(2006, 11, 21)) == 0            # nothing twice
    services.mark_done(users["coordinator"], _step(cycle, "Mid-year update", made["ours"]), today=date(2006, 11, 29))
    db.session.commit()
    # 1 December: the other partnership's mid-year update is late now (one new reminder); ours is done.
    assert services.send_reminders(date(2006, 12, 1)) == 1
    assert _queued()[-1].subject == "Late: Mid-year update was due 30 November 2006"
    assert "http://localhost/cycle/2006#step-" in _queued()[-1].body


def test_the_scheduled_command_runs_and_is_idempotent(app, users, runner):
    cycle_2006(users)
    first = runner.invoke(args=["engage", "cycle-reminders"])
    second = runner.invoke(args=["engage", "cycle-reminders"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "Queued 11 annual cycle reminders." in first.output      # every step of 2006/07 is long past
    assert "Queued 0 annual cycle reminders." in second.output
