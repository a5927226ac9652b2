"""Demo: the annual cycle of seed 004's table as the template, the 2006/07 year made from it,
and the thematic partnerships' action plans at different places in their workflow (one
adopted into the implementation plan, one challenged and waiting for its reply, one sent).

The steps of a year long past are marked done on their due dates, except the few the demo
keeps late (so the calendar shows done and late side by side). Idempotent: looks rows up
by their natural keys first."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..accounts.models import User
from ..demo import register_seeder
from ..extensions import db
from ..partnership.models import Organisation, Outcome, Partnership
from .models import CycleStep, CycleTemplateStep

# Seed 004, "Performance management arrangements": Timing | Activity | Outputs.
TEMPLATE = [
    ("Annual review", "Review of progress against the LAA outcome targets and of last year's action plan.",
     (7, 1), (9, 30), "team", "", "Report to the Board. Annual report. Financial report."),
    ("Draft action plans", "Each thematic partnership sends its draft action plan: what it will do, the outcomes and the "
     "funding. The PSG challenges how it sets priorities and whether it is plausible.",
     (8, 1), (10, 31), "partnerships", "draft_plan",
     "Feedback to the partnerships. Report to the Board on the draft plans, with the changes it should ask for. Financial report."),
    ("Mid-year update", "Update on spending and activities from April to September, against the action plan.",
     (11, 1), (11, 30), "partnerships", "",
     "Exception or summary report to the Board. Performance report. Government Office monitoring meeting."),
    ("Final action plans", "Each thematic partnership sends its final action plan. The PSG challenges it where it needs to.",
     (12, 1), (12, 31), "partnerships", "final_plan", "Final proposed operational plan to the Board. Financial report."),
    ("Quarter 3 update", "Update on spending and activities from October to December, against the action plan.",
     (2, 1), (3, 31), "partnerships", "", "Exception or summary report to the Board. Financial report."),
    ("Year-end update", "Update on spending and activities for the whole year, against the action plan.",
     (5, 1), (5, 31), "partnerships", "", "Exception or summary report to the Board. Performance report."),
]
YEAR = 2006
# (step title, partnership) left not done in the demo: they show as late.
LATE = {("Quarter 3 update", "Urban Renewal Partnership"), ("Year-end update", "Urban Renewal Partnership"),
        ("Year-end update", "Children and Young People's Partnership")}

PLANS = {
    "Safer Halton Partnership": {
        "state": "adopted",
        "summary": "Cleaner, safer streets in the priority wards, and fewer young people drinking in public.",
        "funding": "Safer and Stronger Communities Fund and Neighbourhood Renewal Fund.",
        "actions": [
            ("Joint clean-up days after each police drugs raid, in the neighbourhood management pilot areas",
             "Halton Borough Council", date(2007, 3, 31), "SH1", "£25,000 SSCF", None, None),
            ("Test purchase operations at off-licences near schools, with trading standards",
             "Cheshire Police", date(2007, 1, 31), "CYP1", "",
             "How many premises, and how will the PSG know it worked?",
             "Twelve premises a quarter; results reported with the quarter 3 update."),
            ("Grow the Community Empowerment Network's forums for each block",
             "HVA Together", date(2007, 3, 31), "SH2", "£10,000 NRF", None, None),
        ],
    },
    "Healthy Halton Partnership": {
        "state": "returned",
        "summary": "Reduce the harm caused by alcohol, starting with young people.",
        "funding": "Primary Care Trust budgets and Neighbourhood Renewal Fund.",
        "actions": [
            ("Appoint the Alcohol Intervention officer and agree the Alcohol Harm Reduction action plan",
             "Halton Primary Care Trust", date(2006, 12, 31), "HH1", "", None, None),
            ("Alcohol awareness sessions in every secondary school for years 10 and 11",
             "Halton Primary Care Trust", date(2007, 3, 31), "HH1", "£18,000 NRF",
             "Is this plausible in one year with the staff you have? Which schools first?", None),
        ],
    },
    "Employment, Learning and Skills Partnership": {
        "state": "submitted",
        "summary": "Step change in employment in the six wards where economic inactivity is 25% or more.",
        "funding": "Neighbourhood Renewal Fund and Jobcentre Plus programmes.",
        "actions": [
            ("Outreach advisers in Castlefields, Windmill Hill, Halton Lea, Kingsway, Riverside and Grange",
             "Halton Borough Council", date(2007, 3, 31), "ELS1", "£60,000 NRF", None, None),
        ],
    },
}


def seed_cycle(echo=lambda m: None) -> None:
    from . import plans as plan_service
    from . import services
    from .models import DraftAction

    officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
    if officer is None:
        return
    if not services.template():
        for position, (title, activity, opens, due, submitter, event, board) in enumerate(TEMPLATE, start=1):
            db.session.add(CycleTemplateStep(position=position, title=title, activity=activity, opens_month=opens[0],
                                             opens_day=opens[1], due_month=due[0], due_day=due[1], submitter=submitter,
                                             event=event, board_output=board))
        db.session.flush()
    cycle = services.year(YEAR)
    if cycle is not None:
        return
    cycle = services.generate_year(officer, YEAR)
    for step in cycle.steps:
        if step.event:
            continue  # done by the plan's own moves below
        if (step.title, step.partnership.name if step.partnership else "") not in LATE:
            step.done_on, step.done_by_id = step.due_on, officer.id
    orgs = {o.name: o.id for o in db.session.scalars(select(Organisation))}
    outcomes = {o.code: o.id for o in db.session.scalars(select(Outcome))}
    for pname, spec in PLANS.items():
        partnership = db.session.scalar(select(Partnership).where(Partnership.name == pname))
        if partnership is None:
            continue
        plan = plan_service.start_plan(officer, cycle, partnership.id)
        plan_service.save_summary(officer, plan, {"summary": spec["summary"], "funding": spec["funding"]})
        for activity, lead, due, code, funding, _challenge, _reply in spec["actions"]:
            plan_service.add_action(officer, plan, {"activity": activity, "lead_organisation_id": orgs.get(lead),
                                                    "due_on": due, "outcome_id": outcomes.get(code), "funding": funding})
        if spec["state"] == "draft":
            continue
        plan_service.move(officer, plan, "submit", today=date(YEAR, 10, 27))
        if spec["state"] == "submitted":
            continue
        db.session.refresh(plan)
        actions = list(plan.actions)
        for a, (_act, _lead, _due, _code, _funding, challenge, reply) in zip(actions, spec["actions"]):
            plan_service.decide(officer, plan, a.id, "challenged" if challenge else "accepted", challenge or "")
        plan_service.move(officer, plan, "return")
        if spec["state"] == "returned":
            continue
        for a, (_act, _lead, _due, _code, _funding, challenge, reply) in zip(actions, spec["actions"]):
            if challenge:
                plan_service.reply(officer, plan, a.id, reply)
        plan_service.move(officer, plan, "submit_final", today=date(YEAR, 12, 15))
        for a in actions:
            if a.decision != "accepted":
                plan_service.decide(officer, plan, a.id, "accepted")
        plan_service.move(officer, plan, "adopt")
    # The moves above queued their emails; a demo of 2006 tells nobody.
    from ..core.models import OutboxMessage

    db.session.execute(OutboxMessage.__table__.delete().where(OutboxMessage.topic == "cycle-plan"))
    _ = DraftAction, CycleStep
    db.session.flush()
    echo(f"Annual cycle {cycle.label}: {len(cycle.steps)} steps; {len(cycle.plans)} action plans.")


register_seeder(60, seed_cycle)
