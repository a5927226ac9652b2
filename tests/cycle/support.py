"""Shared pieces of the annual cycle tests: the seed's template (from the demo module, the
same rows the demo loads), two thematic partnerships (the test coordinator coordinates the
first), an outcome, and a cycle year made through the service."""
from __future__ import annotations

from datetime import date

from engage.extensions import db


def template():
    from engage.cycle.demo import TEMPLATE
    from engage.cycle.models import CycleTemplateStep

    for position, (title, activity, opens, due, submitter, event, board) in enumerate(TEMPLATE, start=1):
        db.session.add(CycleTemplateStep(position=position, title=title, activity=activity, opens_month=opens[0], opens_day=opens[1],
                                         due_month=due[0], due_day=due[1], submitter=submitter, event=event, board_output=board))
    db.session.commit()


def world(users):
    """{"ours", "theirs", "outcome", "strategic"}: partnerships, an outcome to serve."""
    from engage.partnership.models import Framework, Outcome, Partnership, Priority

    strategic = Partnership(name="Test Strategic Partnership", kind="strategic")
    ours = Partnership(name="Safer Test Partnership", short_name="STP", kind="priority")
    theirs = Partnership(name="Healthy Test Partnership", short_name="HTP", kind="priority")
    ours.coordinators.append(users["coordinator"])
    framework = Framework(name="Test LAA", starts_on=date(2006, 4, 1))
    priority = Priority(framework=framework, name="A Safer Test", position=1, partnership=ours)
    outcome = Outcome(priority=priority, code="ST1", title="Cleaner streets")
    db.session.add_all([strategic, ours, theirs, framework, priority, outcome])
    db.session.commit()
    return {"ours": ours, "theirs": theirs, "outcome": outcome, "strategic": strategic}


def cycle_2006(users):
    from engage.cycle import services

    template()
    made = world(users)
    cycle = services.generate_year(users["officer"], 2006)
    db.session.commit()
    return cycle, made


def plan_with_actions(users, cycle, made, n=2):
    from engage.cycle import plans

    coordinator = users["coordinator"]
    plan = plans.start_plan(coordinator, cycle, made["ours"].id)
    for i in range(n):
        plans.add_action(coordinator, plan, {"activity": f"Action {i + 1}", "lead_organisation_id": users["officer"].organisation_id,
                                             "due_on": date(2007, 3, 31), "outcome_id": made["outcome"].id, "funding": "£1,000"})
    db.session.commit()
    return plan
