"""The partnerships' responses ("we did"): one answer per recommendation per partnership
named on a published report, progress on the actions, when they are due, which are late,
and the reminders ``send-reminders`` sends.

Promises kept, or seen to be late (issue 18):
- A response is a draft until a coordinator of the partnership (or an officer) publishes it
  (``publish_response``: a compare-and-set from "draft", who and when recorded). Drafts are in
  ``report.all_responses`` only; ``report.responses`` (what every page, the API, the feed and
  search read) holds published ones.
- A due date already past asks for confirmation (``PastDueDate``); nothing is saved until then.
- Progress notes carry a stage (planned, in progress, done, not taken with the reason). A
  published action past its due date whose latest stage is not done (or not taken) is
  overdue (``Response.overdue_on``), computed on every page load.
- Reminders go to the partnership's coordinators once per stage (due soon, overdue) for each
  due date: ``StageReminder`` rows are unique, and the mail keys are send-once.
- Publishing fires ``response.published``; progress on a published response fires
  ``response.progress`` (engage/core/events.py)."""
from __future__ import annotations

import hashlib

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.roles import COORDINATOR, OFFICER
from ..core import audit, concurrency, events, transitions, workflows
from ..core.errors import not_found
from ..core.i18n import N_
from ..core.mail import external_url, path_for, queue_mail
from ..core.models import utcnow
from ..core.params import to_id
from ..core.registry import LinkKind, links
from ..core.sanitise import clean_text
from ..extensions import db
from ..partnership.models import Partnership
from . import services
from .models import (PROGRESS_STAGES, RESPONSE_STATUSES, FindingsReport, Recommendation, Response, ResponseReminder,
                     ResponseUpdate, StageReminder)
from .services import RuleError
from ..core import clock

DEFAULT_WEEKS = 8
DUE_SOON_DAYS = 7
LINK_KIND = "findings-response"
PROMISE_STATUSES = ("accepted", "planned")   # decisions whose due date is a promise


class PastDueDate(RuleError):
    """The due date given is already past: the form asks to confirm before anything is saved."""

    def __init__(self, due: date):
        super().__init__(f"The due date, {due.day} {due:%B %Y}, has already passed. Check the date, or confirm below "
                         "that you want to save it: the action will show as overdue straight away.", "due_on")
        self.due = due


def weeks() -> int:
    try:
        return max(1, int(current_app.config.get("ENGAGE_RESPONSE_WEEKS", DEFAULT_WEEKS)))
    except (TypeError, ValueError):
        return DEFAULT_WEEKS


def due_on(report: FindingsReport) -> date | None:
    """Responses are due a set time (a setting, eight weeks by default) after it became public."""
    start = report.public_from
    return (start + timedelta(weeks=weeks())).date() if start else None


@dataclass
class Progress:
    partnership: Partnership
    answered: int
    total: int
    due_on: date | None
    last_answer: datetime | None
    actions: list = None          # the partnership's published responses

    def overdue(self, today: date) -> list[Response]:
        """Its published promises past their due date and not done: broken promises."""
        return [r for r in (self.actions or []) if r.overdue_on(today)]

    @property
    def done(self) -> bool:
        return self.total > 0 and self.answered >= self.total

    def state_on(self, today: date) -> str:
        """done, due or late: computed, never stored."""
        if self.done:
            return "done"
        if self.due_on is not None and today > self.due_on:
            return "late"
        return "due"

    @property
    def done_late(self) -> bool:
        return self.done and self.due_on is not None and self.last_answer is not None and self.last_answer.date() > self.due_on


STATE_LABELS = {"done": N_("Responded"), "due": N_("Response due"), "late": N_("Response late")}


def progress(report: FindingsReport) -> list[Progress]:
    total = len(report.recommendations)
    due = due_on(report)
    out = []
    for partnership in report.partnerships:
        mine = [r for r in report.responses if r.partnership_id == partnership.id]
        last = max((r.published_at or r.created_at for r in mine), default=None)
        out.append(Progress(partnership, len(mine), total, due, last, mine))
    return out


def responses_of(report: FindingsReport, partnership_id: int) -> dict[int, Response]:
    """Every response of the partnership to the report, drafts too (for those who answer)."""
    return {r.recommendation_id: r for r in report.all_responses if r.partnership_id == partnership_id}


def drafts_of(report: FindingsReport, partnership_ids) -> dict[tuple[int, int], Response]:
    """Draft responses of these partnerships, by (partnership id, recommendation id)."""
    ids = set(partnership_ids)
    return {(r.partnership_id, r.recommendation_id): r for r in report.all_responses
            if r.partnership_id in ids and r.state == "draft"}


def overdue_actions(report: FindingsReport, today: date) -> list[Response]:
    """Published promises on this report past their due date and not done."""
    return [r for r in report.responses if r.overdue_on(today)]


def can_respond(user, report: FindingsReport, partnership: Partnership) -> bool:
    if not (user is not None and getattr(user, "is_authenticated", False)):
        return False
    if report.state != "published" or not report.is_out(utcnow()) or partnership not in report.partnerships:
        return False
    return user.role == OFFICER or (user.role == COORDINATOR and user in partnership.coordinators)


# A partnership's response is a draft until its coordinator (or an officer) publishes it
# (engage/core/workflows.py: the report page and the dead-end walk read this table).
RESPONSE_WORKFLOW = workflows.register(workflows.Workflow(
    name="sharing.response", title=N_("Partnership response"), states={"draft": N_("Draft"), "published": N_("Published")},
    start="draft", final={"published"},
    roles={COORDINATOR: N_("a coordinator of the partnership"), OFFICER: N_("a partnership officer")},
    steps=lambda: [
        workflows.step("publish", N_("Publish this response"), "draft", "published", {COORDINATOR, OFFICER},
                       does=N_("Shows the response on the report and on 'you said, we did', and tells the people "
                            "who follow the report. Later changes stay public and are kept in its history.")),
    ],
    state_of=lambda response: response.state,
    may=lambda step, response, user: can_respond(user, response.report, response.partnership)))


def partnerships_to_answer(user, report) -> list[Partnership]:
    return [p for p in report.partnerships if can_respond(user, report, p)]


def get_partnership(report, partnership_id) -> Partnership:
    pid = to_id(partnership_id)
    for partnership in report.partnerships:
        if partnership.id == pid:
            return partnership
    not_found("That partnership is not asked to respond to this report.")


PLAN_ACTION = "plan-action"
PLAN_KINDS = (PLAN_ACTION,)


def link_choices(user) -> list[tuple[str, str]]:
    """Implementation-plan actions a response's action can be linked to, when a capability
    registers the "plan-action" link kind, as ("kind:id", label). (The plan also links its
    actions to responses itself, through the "findings-response" kind registered here.)"""
    out = []
    for kind in links.kinds().values():
        if kind.kind not in PLAN_KINDS:
            continue
        for target_id, title in kind.choices(user):
            out.append((f"{kind.kind}:{target_id}", f"{kind.label}: {title}"))
    return out


def save_response(actor, report: FindingsReport, partnership: Partnership, recommendation: Recommendation, data: dict,
                  version=concurrency.UNCHECKED, today: date | None = None) -> Response:
    """Record or change one partnership's answer to one recommendation: a new one is a draft
    until ``publish_response``; a published one changed stays published (the change is in its
    history). ``version`` is what the form was loaded from (someone else's save in between is
    an ``EditConflict``). A promise with a due date already past (and not the date it already
    had) is ``PastDueDate`` unless ``data["confirm_past_due"]``."""
    if not can_respond(actor, report, partnership):
        raise RuleError("Only a coordinator of this partnership or a partnership officer can record its response, once the report is published.")
    if recommendation.report_id != report.id:
        raise RuleError("That recommendation is not part of this report.")
    status = data.get("status") or ""
    if status not in RESPONSE_STATUSES:
        raise RuleError("Select what the partnership decided", "status")
    fields = {name: clean_text(data.get(name)) for name in ("reason", "action", "owner")}
    for name, limit in (("reason", 3000), ("action", 3000), ("owner", 200)):
        if len(fields[name]) > limit:
            raise RuleError(f"The {name} must be {limit:,} characters or fewer", name)
    if status == "not-taken" and not fields["reason"]:
        raise RuleError("Say why the partnership will not act on this", "reason")
    if status in ("planned", "taken") and not fields["action"]:
        raise RuleError("Describe the action", "action")
    if status == "planned" and not fields["owner"]:
        raise RuleError("Say who owns the action", "owner")
    link_kind, link_id = "", None
    link = data.get("link") or ""
    if link:
        if link not in {value for value, _ in link_choices(actor)}:
            raise RuleError("Select something from the list to link to", "link")
        link_kind, _, raw = link.partition(":")
        link_id = to_id(raw)
    response = responses_of(report, partnership.id).get(recommendation.id)
    creating = response is None
    if not creating:
        concurrency.check(response, version)
    due = data.get("due_on")
    today = today or clock.today()
    if (due is not None and due < today and status in PROMISE_STATUSES and not data.get("confirm_past_due")
            and (creating or response.due_on != due)):
        raise PastDueDate(due)
    if creating:
        response = Response(report=report, recommendation=recommendation, partnership=partnership)
        db.session.add(response)
    response.status, response.due_on = status, due
    response.reason, response.action, response.owner = fields["reason"], fields["action"], fields["owner"]
    response.link_kind, response.link_id = link_kind, link_id
    response.updated_by_id = actor.id
    changes = audit.changes_of(response)
    db.session.flush()
    audit.record(actor, "create" if creating else "update", response,
                 f"{partnership.name} {'drafted a response' if creating else 'changed its response'} to a recommendation in {report.title}",
                 changes=changes)
    concurrency.flush(response)
    return response


def publish_response(actor, report: FindingsReport, response: Response, at: datetime | None = None) -> Response:
    """Make a draft response public: a compare-and-set from "draft" (of two clicks, one
    publishes and the other is told it already happened), recording who and when. Fires
    ``response.published``; once every partnership has answered every recommendation, the
    residents who asked to hear back get their second message."""
    if not can_respond(actor, report, response.partnership):
        raise RuleError("Only a coordinator of this partnership or a partnership officer can publish its response.")
    if response.report_id != report.id:
        raise RuleError("That response is not part of this report.")
    at = at or utcnow()
    transitions.compare_and_set(response, {"state": "draft"},
                                {"state": "published", "published_at": at, "published_by_id": actor.id},
                                done="published this response")
    # An ORM change too, so that search (which watches flushed records) indexes its words now.
    response.updated_at = at
    audit.record(actor, "publish", response, f"{response.partnership.name} published its response to a recommendation in {report.title}",
                 changes={"state": ["draft", "published"]})
    db.session.flush()
    # The published-only lists were loaded before this move.
    db.session.expire(report, ["responses"])
    db.session.expire(response.recommendation, ["responses"])
    # The one place a response becomes public: followers hear of it (engage/core/events.py).
    events.publish(events.RESPONSE_PUBLISHED, report_id=report.id, response_id=response.id,
                   partnership_id=response.partnership_id)
    from .notices import tell_residents_responded

    tell_residents_responded(report)
    return response


def get_response(report, response_id) -> Response:
    rid = to_id(response_id)
    response = db.session.get(Response, rid) if rid else None
    if response is None or response.report_id != report.id:
        not_found("There is no response with that number in this report.")
    return response


def add_update(actor, report, response: Response, note: str, stage: str = "") -> ResponseUpdate:
    """Progress on a response's action: a note and where the action has got to (planned, in
    progress, done, or not taken, when the note says why). Progress on a published response
    fires ``response.progress``."""
    if not can_respond(actor, report, response.partnership):
        raise RuleError("Only a coordinator of this partnership or a partnership officer can add progress.")
    stage = stage or ""
    if stage not in PROGRESS_STAGES:
        raise RuleError("Select how far the action has got", "stage")
    note = clean_text(note)
    if not note:
        raise RuleError("Say why the action will not be taken" if stage == "not-taken" else "Enter the progress made", "note")
    if len(note) > 3000:
        raise RuleError("Progress must be 3,000 characters or fewer", "note")
    update = ResponseUpdate(response=response, note=note, stage=stage, author_id=actor.id)
    db.session.add(update)
    response.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "create", update, f"Progress added to {response.partnership.name}'s response in {report.title}",
                 changes={"note": [None, note], "stage": [None, stage]})
    db.session.flush()
    if response.state == "published":   # progress on a draft is nobody's news yet
        events.publish(events.RESPONSE_PROGRESS, report_id=report.id, response_id=response.id, update_id=update.id)
    return update


def linked(response: Response):
    """(title, url) of the plan action this response is linked to, or None."""
    if not response.link_kind or not response.link_id:
        return None
    return links.resolve(response.link_kind, response.link_id)


def linking_to(kind: str, target_id: int, user) -> list[Response]:
    """The responses whose action is linked to ``(kind, target_id)`` (a plan action) that
    ``user`` may read, newest change first. Only responses on published reports the person
    can see, as on the report page: a resident sees those on public reports past their
    embargo, never those on drafts, withdrawn or embargoed reports, or partners-only ones."""
    rows = db.session.scalars(
        select(Response).join(FindingsReport)
        .where(Response.link_kind == kind, Response.link_id == target_id, FindingsReport.state == "published",
               Response.state == "published",
               services.visible_clause(user))
        .options(selectinload(Response.report), selectinload(Response.partnership), selectinload(Response.recommendation),
                 selectinload(Response.updates))
        .order_by(Response.updated_at.desc(), Response.id.desc())).all()
    return [r for r in rows if services.can_view(user, r.report)]


# ---- reminders -----------------------------------------------------------------------------

def late_responses(today: date | None = None) -> list[tuple[FindingsReport, Progress]]:
    today = today or clock.today()
    reports = db.session.scalars(services.with_everything(select(FindingsReport).where(services.out_clause()))
                                 .order_by(FindingsReport.id)).all()
    return [(r, p) for r in reports for p in progress(r) if p.state_on(today) == "late"]


def _stage(due: date | None, today: date) -> str | None:
    """The reminder stage of a due date today: "overdue", "due-soon" (within DUE_SOON_DAYS) or None."""
    if due is None:
        return None
    if today > due:
        return "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due-soon"
    return None


def stage_items(today: date) -> list[tuple[FindingsReport, Partnership, Response | None, str, date]]:
    """Everything due soon or overdue today, not yet done: (report, partnership, response or
    None for the partnership's whole response, stage, due date). A late response to the
    report (every recommendation not yet answered) is reminded by ``ResponseReminder``."""
    reports = db.session.scalars(services.with_everything(select(FindingsReport).where(services.out_clause()))
                                 .order_by(FindingsReport.id)).all()
    out = []
    for report in reports:
        for item in progress(report):
            if not item.done and _stage(item.due_on, today) == "due-soon":
                out.append((report, item.partnership, None, "due-soon", item.due_on))
        for response in report.responses:
            stage = _stage(response.due_on, today)
            if stage and response.stage not in ("done", "not-taken") and response.status in PROMISE_STATUSES:
                out.append((report, response.partnership, response, stage, response.due_on))
    return out


STAGE_WORDS = {"due-soon": "due soon", "overdue": "overdue"}


def send_reminders(today: date | None = None) -> list[tuple[FindingsReport, Partnership, int]]:
    """Remind the partnership's coordinators of what is due soon or overdue: a late response
    once per report and due date (``ResponseReminder``); a response due soon, and each
    promised action due soon and then overdue, once per stage and due date (``StageReminder``,
    unique). Each coordinator gets one email per run listing everything new, so it is safe to
    run hourly; the mail keys make each email send-once even if two runs overlap."""
    today = today or clock.today()
    site = current_app.config["ENGAGE_SITE_NAME"]
    done = set(db.session.execute(select(ResponseReminder.report_id, ResponseReminder.partnership_id, ResponseReminder.due_on)))
    staged = set(db.session.execute(select(StageReminder.target, StageReminder.stage, StageReminder.due_on)))
    sent, letters = [], {}

    def tell(people, line, kind):
        for user in people:
            letter = letters.setdefault(user.id, (user, [], []))
            letter[1].append(line)
            letter[2].append(kind)

    for report, item in late_responses(today):
        if (report.id, item.partnership.id, item.due_on) in done:
            continue
        people = [u for u in item.partnership.coordinators if u.active]
        line = (f"- {report.title}\n  {item.partnership.name}: response overdue, due {item.due_on.day} {item.due_on:%B %Y}, "
                f"{item.answered} of {item.total} recommendations answered\n  {external_url('sharing.report', report_id=report.id)}")
        tell(people, line, ("late", report.title))
        db.session.add(ResponseReminder(report_id=report.id, partnership_id=item.partnership.id, due_on=item.due_on,
                                        recipients=len(people)))
        sent.append((report, item.partnership, len(people)))
    for report, partnership, response, stage, due in stage_items(today):
        target = f"response:{response.id}" if response is not None else f"report:{report.id}:{partnership.id}"
        if (target, stage, due) in staged:
            continue
        staged.add((target, stage, due))
        people = [u for u in partnership.coordinators if u.active]
        when = f"{due.day} {due:%B %Y}"
        if response is None:
            item = next(i for i in progress(report) if i.partnership.id == partnership.id)
            line = (f"- {report.title}\n  {partnership.name}: response due soon, by {when}, {item.answered} of {item.total} "
                    f"recommendations answered\n  {external_url('sharing.report', report_id=report.id)}")
        else:
            line = (f"- {report.title}\n  {partnership.name}: action {STAGE_WORDS[stage]}, due {when}: {response.action[:200]}\n"
                    f"  Add progress (or mark it done) here: "
                    f"{external_url('sharing.progress', report_id=report.id, response_id=response.id)}")
        tell(people, line, (stage, report.title))
        db.session.add(StageReminder(report_id=report.id, partnership_id=partnership.id,
                                     response_id=response.id if response is not None else None,
                                     target=target, stage=stage, due_on=due, recipients=len(people)))
        sent.append((report, partnership, len(people)))
    for user, lines, kinds in letters.values():
        if all(kind == "late" for kind, _ in kinds):
            subject = f"Response overdue: {kinds[0][1]}" if len(lines) == 1 else f"Responses overdue: {len(lines)} findings reports"
        elif len(lines) == 1:
            subject = f"{'Overdue' if kinds[0][0] in ('late', 'overdue') else 'Due soon'}: {kinds[0][1]}"
        else:
            subject = f"Reminder: {len(lines)} promises due soon or overdue"
        queue_mail(user.email, subject,
                   f"Hello {user.name},\n\nA partnership you coordinate has promises due soon or overdue:\n\n" + "\n\n".join(lines)
                   + f"\n\nResidents and the board can see when a promise is late.\n\n{site}",
                   key=f"response-reminder:{user.id}:{today.isoformat()}:{hashlib.sha256(chr(10).join(lines).encode()).hexdigest()[:32]}")
    db.session.flush()
    return sent


# ---- the link kind others use (the implementation plan links its actions to responses) -----

def _choices(user):
    rows = db.session.scalars(select(Response).join(FindingsReport).where(services.visible_clause(user), Response.state == "published")
                              .order_by(FindingsReport.title, Response.id)).all()
    return [(r.id, f"{r.report.title}: {r.partnership.short_name or r.partnership.name} on “{r.recommendation.text[:60]}”")
            for r in rows if services.can_view(user, r.report)]


def _resolve(response_id, user):
    rid = to_id(response_id)
    response = db.session.get(Response, rid) if rid else None
    if response is None or response.state != "published" or not services.can_view(user, response.report):
        return None
    title = f"{response.partnership.name}'s response: {response.recommendation.text[:80]}"
    return title, path_for("sharing.report", report_id=response.report_id, _anchor=f"response-{response.id}")


RESPONSE_LINK = LinkKind(kind=LINK_KIND, label=N_("Response to a findings report"), choices=_choices, resolve=_resolve)
