"""The annual cycle: the template (data the partnership edits), each year's calendar made
from it, what is due, done and late, and reminders through the outbox. Functions flush; views
commit once.

A year is generated once from the template as it stands (later changes to the template shape
the next year, never a year already made). A step "for each thematic partnership" becomes one
step per thematic partnership; a step for the Partnership Team becomes one step.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import OFFICER
from ..core.audit import record
from ..core.errors import RuleError
from ..core.i18n import N_
from ..core.mail import external_url, queue_mail
from ..core.sanitise import clean_text
from ..core.transitions import compare_and_set
from ..extensions import db
from ..partnership.models import Partnership
from .models import EVENTS, SUBMITTERS, CycleStep, CycleTemplateStep, CycleYear

REMIND_DAYS = 14
STATUSES = {"done": N_("Done"), "late": N_("Late"), "due": N_("Due now"), "upcoming": N_("Coming up")}  # translated where shown


def _today() -> date:
    from ..core import clock

    return clock.today()  # Europe/London's date, settable in tests (engage/core/clock.py)


def is_officer(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_role(OFFICER))


def _require_officer(actor) -> None:
    if not is_officer(actor):
        raise RuleError("Only a partnership officer can do that.")


# ---- the template -----------------------------------------------------------------------

def template() -> list[CycleTemplateStep]:
    return db.session.scalars(select(CycleTemplateStep).order_by(CycleTemplateStep.position, CycleTemplateStep.id)).all()


def calendar_year(cycle_year: int, month: int) -> int:
    """A cycle runs June to May: June to December fall in its first year, January to May in the next."""
    return cycle_year if month >= 6 else cycle_year + 1


def _on(cycle_year: int, month: int, day: int) -> date:
    year = calendar_year(cycle_year, month)
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _month_day(data: dict, prefix: str, label: str) -> tuple[int, int]:
    from ..core.params import to_int

    month = to_int(data.get(f"{prefix}_month"), 1, 12)
    if month is None:
        raise RuleError(f"Select the month the step {label}", f"{prefix}_month")
    day = to_int(data.get(f"{prefix}_day"), 1, 31)
    if day is None:
        raise RuleError("Enter a day from 1 to 31", f"{prefix}_day")
    return month, day


def save_template_step(actor, step: CycleTemplateStep | None, data: dict, loaded_version=None) -> CycleTemplateStep:
    from ..core import concurrency

    _require_officer(actor)
    title = clean_text(data.get("title"), 200)
    if not title:
        raise RuleError("Enter what the step is", "title")
    opens = _month_day(data, "opens", "opens")
    due = _month_day(data, "due", "is due")
    # Compare in cycle order (June first), so "February to March" and "August to October" work.
    def order(m, d):
        return ((m - 6) % 12, d)
    if order(*due) < order(*opens):
        raise RuleError("The step must be due on or after the day it opens (a cycle runs June to May)", "due_month")
    submitter = data.get("submitter")
    if submitter not in SUBMITTERS:
        raise RuleError("Select who sends it", "submitter")
    event = data.get("event") or ""
    if event not in EVENTS:
        raise RuleError("Select what marks it done", "event")
    if event and submitter != "partnerships":
        raise RuleError("Only a step each thematic partnership sends can be marked done by its action plan", "event")
    if step is None:
        step = CycleTemplateStep(position=max((s.position for s in template()), default=0) + 1)
        db.session.add(step)
        verb = "create"
    else:
        if loaded_version is not None:
            concurrency.check(step, loaded_version)
        verb = "update"
    step.title, step.activity = title, clean_text(data.get("activity"), 3000)
    (step.opens_month, step.opens_day), (step.due_month, step.due_day) = opens, due
    step.submitter, step.event, step.board_output = submitter, event, clean_text(data.get("board_output"), 3000)
    if data.get("position") is not None:
        step.position = data["position"]
    record(actor, verb, step, f"{'Added' if verb == 'create' else 'Changed'} the cycle step “{title[:80]}”")
    if verb == "update":
        concurrency.flush(step)
    else:
        db.session.flush()
    return step


# ---- years ------------------------------------------------------------------------------

def years() -> list[CycleYear]:
    return db.session.scalars(select(CycleYear).order_by(CycleYear.year.desc())).all()


def year(number: int) -> CycleYear | None:
    return db.session.scalar(select(CycleYear).where(CycleYear.year == number))


def thematic_partnerships() -> list[Partnership]:
    return db.session.scalars(select(Partnership).where(Partnership.kind != "strategic").order_by(Partnership.name)).all()


def generate_year(actor, number, today: date | None = None) -> CycleYear:
    """The calendar for cycle year ``number`` (2006 is 2006/07), from the template as it
    stands. Refused when the year is already made or the template is empty."""
    from ..core.params import to_int

    _require_officer(actor)
    number = to_int(number, 1990, 2200)
    if number is None:
        raise RuleError("Enter a year from 1990 to 2200, like 2006 for 2006/07", "year")
    if year(number) is not None:
        raise RuleError(f"The {number}/{(number + 1) % 100:02d} cycle is already set up", "year")
    rows = template()
    if not rows:
        raise RuleError("Add the steps of the cycle to the template first", "year")
    cycle = CycleYear(year=number, created_by_id=actor.id)
    db.session.add(cycle)
    db.session.flush()
    partnerships = thematic_partnerships()
    for t in rows:
        opens, due = _on(number, t.opens_month, t.opens_day), _on(number, t.due_month, t.due_day)
        owners = partnerships if t.submitter == "partnerships" else [None]
        for p in owners:
            db.session.add(CycleStep(cycle=cycle, template_id=t.id, position=t.position, title=t.title, activity=t.activity,
                                     board_output=t.board_output, event=t.event, partnership_id=p.id if p else None,
                                     opens_on=opens, due_on=due))
    db.session.flush()
    record(actor, "create", cycle, f"Set up the annual cycle {cycle.label}: {len(cycle.steps)} steps", {})
    db.session.flush()
    return cycle


# ---- what is due, done and late ------------------------------------------------------------

def status_of(step: CycleStep, today: date | None = None) -> str:
    today = today or _today()
    if step.done_on is not None:
        return "done"
    if step.due_on < today:
        return "late"
    if step.opens_on <= today:
        return "due"
    return "upcoming"


@dataclass
class Row:
    """One line of the calendar: a template step with its steps for each partnership."""

    title: str
    activity: str
    board_output: str
    opens_on: date
    due_on: date
    steps: list[CycleStep]


def rows_of(cycle: CycleYear) -> list[Row]:
    out: dict[tuple, Row] = {}
    for s in cycle.steps:
        key = (s.template_id or -s.id, s.opens_on, s.due_on, s.title)
        if key not in out:
            out[key] = Row(s.title, s.activity, s.board_output, s.opens_on, s.due_on, [])
        out[key].steps.append(s)
    for row in out.values():
        row.steps.sort(key=lambda s: s.who)
    return sorted(out.values(), key=lambda r: (r.opens_on, r.due_on, r.title))


def counts(cycle: CycleYear, today: date | None = None) -> dict[str, int]:
    found = {k: 0 for k in STATUSES}
    for s in cycle.steps:
        found[status_of(s, today)] += 1
    return found


def can_mark_done(user, step: CycleStep) -> bool:
    if is_officer(user):
        return True
    return bool(user is not None and getattr(user, "is_authenticated", False) and step.partnership
                and any(c.id == user.id for c in step.partnership.coordinators) and not step.event)


def mark_done(actor, step: CycleStep, note: str = "", today: date | None = None) -> None:
    """Mark a step done (once: of two clicks one is told someone else has just done it)."""
    if not can_mark_done(actor, step):
        raise RuleError("Only a partnership officer or the partnership's coordinator can mark this step done.")
    if step.event and not is_officer(actor):
        raise RuleError("This step is done when the partnership sends its action plan.")
    today = today or _today()
    compare_and_set(step, {"done_on": None}, {"done_on": today, "done_by_id": actor.id,
                                              "done_note": clean_text(note, 1000)}, done="marked this step done")
    record(actor, "done", step, f"Marked done: {step.title} ({step.who})", {"done_on": [None, today.isoformat()]})
    db.session.flush()


def mark_done_by_event(actor, cycle_id: int, partnership_id: int, event: str, today: date | None = None) -> int:
    """The plan's move that completes a step (sending the draft or final plan) marks it done."""
    today = today or _today()
    n = 0
    steps = db.session.scalars(select(CycleStep).where(CycleStep.cycle_id == cycle_id, CycleStep.partnership_id == partnership_id,
                                                       CycleStep.event == event, CycleStep.done_on.is_(None))).all()
    from ..core.transitions import try_compare_and_set

    for step in steps:
        if try_compare_and_set(step, {"done_on": None}, {"done_on": today, "done_by_id": getattr(actor, "id", None)}):
            record(actor, "done", step, f"Done: {step.title} ({step.who})", {"done_on": [None, today.isoformat()]})
            n += 1
    db.session.flush()
    return n


# ---- reminders (outbox) -----------------------------------------------------------------

def recipients(step: CycleStep) -> list[User]:
    """The partnership's coordinators; for the Partnership Team's steps (or a partnership with
    no coordinator) every active partnership officer."""
    people = [u for u in (step.partnership.coordinators if step.partnership else []) if u.active]
    if not people:
        people = db.session.scalars(select(User).where(User.role == OFFICER, User.active.is_(True)).order_by(User.id)).all()
    return people


def send_reminders(today: date | None = None) -> int:
    """Queue a reminder for each step not done that is due within two weeks ("soon"), and one
    when it is late. Keyed on the step, the stage and the person: however often this runs,
    each person gets each reminder once."""
    today = today or _today()
    queued = 0
    steps = db.session.scalars(select(CycleStep).where(CycleStep.done_on.is_(None),
                                                       CycleStep.due_on <= today + timedelta(days=REMIND_DAYS))
                               .order_by(CycleStep.due_on, CycleStep.id)).all()
    for step in steps:
        stage = "late" if step.due_on < today else "soon"
        link = external_url("cycle.year_page", number=step.cycle.year, _anchor=f"step-{step.id}")
        if stage == "late":
            subject = f"Late: {step.title} was due {step.due_on:%-d %B %Y}"
            lead = f"This step of the {step.cycle.label} annual cycle was due on {step.due_on:%-d %B %Y} and is not marked done."
        else:
            subject = f"Due {step.due_on:%-d %B %Y}: {step.title}"
            lead = f"This step of the {step.cycle.label} annual cycle is due on {step.due_on:%-d %B %Y}."
        for person in recipients(step):
            body = (f"Hello {person.name},\n\n{lead}\n\nStep: {step.title}\nWho sends it: {step.who}\n"
                    f"What goes to the Board: {step.board_output or 'nothing'}\n\nSee the calendar:\n{link}\n")
            if queue_mail(person.email, subject, body, key=f"cycle-step:{step.id}:{stage}:{person.id}", topic="cycle-reminder"):
                queued += 1
    db.session.flush()
    return queued
