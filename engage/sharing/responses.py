"""The partnerships' responses ("we did"): one answer per recommendation per partnership
named on a published report, progress on the actions, when they are due, which are late,
and the reminders ``send-reminders`` sends (one per partnership, report and due date)."""
from __future__ import annotations

import hashlib

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.roles import COORDINATOR, OFFICER
from ..core import audit, concurrency, events
from ..core.errors import not_found
from ..core.mail import external_url, path_for, queue_mail
from ..core.models import utcnow
from ..core.params import to_id
from ..core.registry import LinkKind, links
from ..core.sanitise import clean_text
from ..extensions import db
from ..partnership.models import Partnership
from . import services
from .models import RESPONSE_STATUSES, FindingsReport, Recommendation, Response, ResponseReminder, ResponseUpdate
from .services import RuleError

DEFAULT_WEEKS = 8
LINK_KIND = "findings-response"


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


STATE_LABELS = {"done": "Responded", "due": "Response due", "late": "Response late"}


def progress(report: FindingsReport) -> list[Progress]:
    total = len(report.recommendations)
    due = due_on(report)
    out = []
    for partnership in report.partnerships:
        mine = [r for r in report.responses if r.partnership_id == partnership.id]
        last = max((r.created_at for r in mine), default=None)
        out.append(Progress(partnership, len(mine), total, due, last))
    return out


def responses_of(report: FindingsReport, partnership_id: int) -> dict[int, Response]:
    return {r.recommendation_id: r for r in report.responses if r.partnership_id == partnership_id}


def can_respond(user, report: FindingsReport, partnership: Partnership) -> bool:
    if not (user is not None and getattr(user, "is_authenticated", False)):
        return False
    if report.state != "published" or not report.is_out(utcnow()) or partnership not in report.partnerships:
        return False
    return user.role == OFFICER or (user.role == COORDINATOR and user in partnership.coordinators)


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
                  version=concurrency.UNCHECKED) -> Response:
    """Record or change one partnership's answer to one recommendation. ``version`` is what
    the form was loaded from (someone else's save in between is an ``EditConflict``)."""
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
    if creating:
        response = Response(report=report, recommendation=recommendation, partnership=partnership)
        db.session.add(response)
    response.status, response.due_on = status, data.get("due_on")
    response.reason, response.action, response.owner = fields["reason"], fields["action"], fields["owner"]
    response.link_kind, response.link_id = link_kind, link_id
    response.updated_by_id = actor.id
    changes = audit.changes_of(response)
    db.session.flush()
    audit.record(actor, "create" if creating else "update", response,
                 f"{partnership.name} {'responded' if creating else 'changed its response'} to a recommendation in {report.title}",
                 changes=changes)
    concurrency.flush(response)
    # The one place a response becomes public (the draft/publish step moves this call there).
    events.publish(events.RESPONSE_PUBLISHED, report_id=report.id, response_id=response.id,
                   partnership_id=partnership.id)
    return response


def get_response(report, response_id) -> Response:
    rid = to_id(response_id)
    response = db.session.get(Response, rid) if rid else None
    if response is None or response.report_id != report.id:
        not_found("There is no response with that number in this report.")
    return response


def add_update(actor, report, response: Response, note: str) -> ResponseUpdate:
    if not can_respond(actor, report, response.partnership):
        raise RuleError("Only a coordinator of this partnership or a partnership officer can add progress.")
    note = clean_text(note)
    if not note:
        raise RuleError("Enter the progress made", "note")
    if len(note) > 3000:
        raise RuleError("Progress must be 3,000 characters or fewer", "note")
    update = ResponseUpdate(response=response, note=note, author_id=actor.id)
    db.session.add(update)
    response.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "create", update, f"Progress added to {response.partnership.name}'s response in {report.title}",
                 changes={"note": [None, note]})
    db.session.flush()
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
               services.visible_clause(user))
        .options(selectinload(Response.report), selectinload(Response.partnership), selectinload(Response.recommendation),
                 selectinload(Response.updates))
        .order_by(Response.updated_at.desc(), Response.id.desc())).all()
    return [r for r in rows if services.can_view(user, r.report)]


# ---- reminders -----------------------------------------------------------------------------

def late_responses(today: date | None = None) -> list[tuple[FindingsReport, Progress]]:
    today = today or date.today()
    reports = db.session.scalars(services.with_everything(select(FindingsReport).where(services.out_clause()))
                                 .order_by(FindingsReport.id)).all()
    return [(r, p) for r in reports for p in progress(r) if p.state_on(today) == "late"]


def send_reminders(today: date | None = None) -> list[tuple[FindingsReport, Partnership, int]]:
    """Remind late partnerships' coordinators once per report and due date. Each coordinator
    gets one email per run listing everything newly late, so it is safe to run hourly."""
    today = today or date.today()
    site = current_app.config["ENGAGE_SITE_NAME"]
    done = set(db.session.execute(select(ResponseReminder.report_id, ResponseReminder.partnership_id, ResponseReminder.due_on)))
    sent, letters = [], {}
    for report, item in late_responses(today):
        if (report.id, item.partnership.id, item.due_on) in done:
            continue
        people = [u for u in item.partnership.coordinators if u.active]
        line = (f"- {report.title}\n  {item.partnership.name}: due {item.due_on.day} {item.due_on:%B %Y}, "
                f"{item.answered} of {item.total} recommendations answered\n  {external_url('sharing.report', report_id=report.id)}")
        for user in people:
            letters.setdefault(user.id, (user, [], []))[1].append(line)
            letters[user.id][2].append(report.title)
        db.session.add(ResponseReminder(report_id=report.id, partnership_id=item.partnership.id, due_on=item.due_on,
                                        recipients=len(people)))
        sent.append((report, item.partnership, len(people)))
    for user, lines, titles in letters.values():
        subject = f"Response overdue: {titles[0]}" if len(lines) == 1 else f"Responses overdue: {len(lines)} findings reports"
        queue_mail(user.email, subject,
                   f"Hello {user.name},\n\nThe response of a partnership you coordinate is overdue:\n\n" + "\n\n".join(lines)
                   + f"\n\nResidents and the board can see that a response is late.\n\n{site}",
                   key=f"response-reminder:{user.id}:{today.isoformat()}:{hashlib.sha256(chr(10).join(lines).encode()).hexdigest()[:32]}")
    db.session.flush()
    return sent


# ---- the link kind others use (the implementation plan links its actions to responses) -----

def _choices(user):
    rows = db.session.scalars(select(Response).join(FindingsReport).where(services.visible_clause(user))
                              .order_by(FindingsReport.title, Response.id)).all()
    return [(r.id, f"{r.report.title}: {r.partnership.short_name or r.partnership.name} on “{r.recommendation.text[:60]}”")
            for r in rows if services.can_view(user, r.report)]


def _resolve(response_id, user):
    rid = to_id(response_id)
    response = db.session.get(Response, rid) if rid else None
    if response is None or not services.can_view(user, response.report):
        return None
    title = f"{response.partnership.name}'s response: {response.recommendation.text[:80]}"
    return title, path_for("sharing.report", report_id=response.report_id, _anchor=f"response-{response.id}")


RESPONSE_LINK = LinkKind(kind=LINK_KIND, label="Response to a findings report", choices=_choices, resolve=_resolve)
