"""Rules for findings reports: who may see and change them, saving them with their links,
and moving them through the workflow (the table is in ``workflow.py``). Key findings,
recommendations and attachments are in ``contents.py``; emails in ``notices.py``. Services
flush; views commit once.

Visibility, in one place (``can_view`` and ``visible_clause`` say the same thing):
- a published report past its embargo: everyone if public, anyone signed in if partners-only;
- anything else (drafts, reports in review, embargoed or withdrawn ones): the author's
  organisation, the person who started it, its reviewers (coordinators of a partnership
  named on it) and partnership officers.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, false, or_, select, true
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..accounts.roles import COORDINATOR, OFFICER
from ..consultations.models import Consultation, Question
from ..consultations.services import visible_clause as consultation_visible_clause
from ..core import audit, concurrency, deletion, transitions
from ..core.errors import not_found
from ..core.models import utcnow
from ..core.params import to_id
from ..core.params import Query
from ..core.sanitise import clean_text
from ..core.statements import built
from ..core.vocabulary import AUDIENCES
from ..extensions import db
from ..partnership.models import Area, Framework, Indicator, Outcome, Partnership, Priority
from ..partnership.services import RuleError, area_ancestor_ids, area_subtree_ids, current_framework, priority_lineage_ids
from . import workflow
from .models import STATES, VISIBILITY, FindingsReport, ReportContribution, ReportFinding, ReportTransition, Response

__all__ = ["RuleError"]

TEXT_LIMITS = {"title": 200, "summary": 5000, "meaning": 10000, "method": 3000, "representativeness": 3000, "gaps": 3000}
EDITABLE_STATES = ("draft",)
PENDING_STATES = ("draft", "in-review", "changes-requested", "approved")


def now() -> datetime:
    return utcnow()


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


# ---- who may see what ----------------------------------------------------------------------

def out_clause(at: datetime | None = None):
    """Published and past any embargo, as SQL."""
    at = at or now()
    return and_(FindingsReport.state == "published",
                or_(FindingsReport.embargo_until.is_(None), FindingsReport.embargo_until <= at))


def public_levels(user=None) -> list[str]:
    """The visibilities of the published reports ``user`` may read."""
    return ["public", "partners"] if _signed_in(user) else ["public"]


def public_clause(user=None, at: datetime | None = None):
    """The reports anyone may read on the public pages, feed, embed and API."""
    return and_(out_clause(at), FindingsReport.visibility.in_(public_levels(user)))


def visible_clause(user, at: datetime | None = None):
    if _signed_in(user) and user.role == OFFICER:
        return true()
    return or_(public_clause(user, at), working_clause(user))


def is_public(report: FindingsReport, user=None, at: datetime | None = None) -> bool:
    if not report.is_out(at or now()):
        return False
    return report.visibility == "public" or _signed_in(user)


def can_view(user, report: FindingsReport, at: datetime | None = None) -> bool:
    if is_public(report, user, at):
        return True
    return bool(workflow.roles_for(user, report)) or (
        _signed_in(user) and user.organisation_id is not None and user.organisation_id == report.organisation_id)


def can_start(user) -> bool:
    return _signed_in(user) and user.role in workflow.WRITER_ROLES and (user.role == OFFICER or user.organisation_id is not None)


def can_edit(user, report: FindingsReport) -> bool:
    return report.state in EDITABLE_STATES and workflow.AUTHOR in workflow.roles_for(user, report)


def can_delete(user, report: FindingsReport) -> bool:
    return report.state == "draft" and (workflow.AUTHOR in workflow.roles_for(user, report)
                                        or (_signed_in(user) and user.role == OFFICER))


def _get(report_id) -> FindingsReport:
    report_id = to_id(report_id)
    report = db.session.get(FindingsReport, report_id) if report_id else None
    if report is None:
        not_found("There is no findings report with that number.")
    return report


def get_for_view(user, report_id) -> FindingsReport:
    report = _get(report_id)
    if not can_view(user, report):
        not_found("There is no findings report with that number.")
    return report


_PAGE_LOADS: list = []   # loader options are immutable: built once (on first use, when every model is mapped)


def _page_loads() -> list:
    """Loader options for what the report's page shows, a fixed number of queries whatever
    the number of findings and recommendations: the author organisation and attachments with
    the report; each key finding's question with its consultation (its headline is worked
    out per consultation, ``question_headlines``); the recommendations; the published
    responses with their updates and partnerships (the page finds each recommendation's
    responses among them, so ``Recommendation.responses`` is not loaded a second time)."""
    if _PAGE_LOADS:
        return _PAGE_LOADS
    from sqlalchemy.orm import joinedload

    from .models import Recommendation, ReportFinding, Response

    _PAGE_LOADS[:] = [
        # The attachments joined to the report itself: the only list joined (two would
        # multiply each other's rows).
        joinedload(FindingsReport.organisation), joinedload(FindingsReport.attachments),
        # Each key finding with its question and the question's consultation: one statement.
        selectinload(FindingsReport.findings).joinedload(ReportFinding.question).joinedload(Question.consultation),
        selectinload(FindingsReport.recommendations),
        # Each response with its few progress notes and its partnership: one statement.
        selectinload(FindingsReport.responses).options(joinedload(Response.updates), joinedload(Response.partnership)),
    ]
    return _PAGE_LOADS


def get_for_page(report_id) -> FindingsReport:
    """The report (404 if there is none) with what its page shows, in one pass
    (``_page_loads``): who may see it is checked after (``withdrawn_notice``, ``check_view``)."""
    report_id = to_id(report_id)
    report = db.session.get(FindingsReport, report_id, options=_page_loads()) if report_id else None
    if report is None:
        not_found("There is no findings report with that number.")
    return report


def check_view(user, report: FindingsReport) -> FindingsReport:
    if not can_view(user, report):
        not_found("There is no findings report with that number.")
    return report


@dataclass(frozen=True)
class WithdrawnNotice:
    """What the public still sees of a report that was published and then withdrawn: its
    title, when it was withdrawn and why, never its content."""
    title: str
    withdrawn_at: datetime | None
    reason: str


def withdrawn_notice(user, report_id) -> WithdrawnNotice | None:
    """A notice in place of a published report that has been withdrawn, for the people who
    could read it while it was out (so a link in a newsletter or feed reader does not just
    break). None when the person may see the report itself, or it was never out.
    ``report_id`` may be the report itself, already loaded."""
    report = report_id if isinstance(report_id, FindingsReport) else _get(report_id)
    if report.state != "withdrawn" or report.published_at is None or can_view(user, report):
        return None
    if not (report.visibility == "public" or (report.visibility == "partners" and _signed_in(user))):
        return None
    withdrawn_at = db.session.scalar(
        select(ReportTransition.created_at).where(ReportTransition.report_id == report.id,
                                                  ReportTransition.action == "withdraw")
        .order_by(ReportTransition.created_at.desc(), ReportTransition.id.desc()).limit(1))
    if report.embargo_until is not None and (withdrawn_at is None or report.embargo_until > withdrawn_at):
        return None  # withdrawn while still under embargo: it was never out
    return WithdrawnNotice(title=report.title, withdrawn_at=withdrawn_at, reason=report.withdrawn_reason)


def get_for_edit(user, report_id) -> FindingsReport:
    report = get_for_view(user, report_id)
    if not can_edit(user, report):
        from flask import abort

        abort(403)
    return report


def working_clause(user):
    """Reports this person works on (any state): officers all; others their organisation's,
    their own and, for coordinators, those naming a partnership they coordinate."""
    if not _signed_in(user):
        return false()
    if user.role == OFFICER:
        return true()
    conditions = [FindingsReport.created_by_id == user.id]
    if user.organisation_id is not None:
        conditions.append(FindingsReport.organisation_id == user.organisation_id)
    if user.role == COORDINATOR:
        conditions.append(FindingsReport.partnerships.any(Partnership.coordinators.any(User.id == user.id)))
    return or_(*conditions)


def manage_query(user, state: str | None = None):
    query = select(FindingsReport).where(working_clause(user))
    if state:
        query = query.where(FindingsReport.state == state)
    return query.order_by(FindingsReport.updated_at.desc(), FindingsReport.id.desc())


def waiting_for(user) -> list[FindingsReport]:
    """Reports in a state where this person has a move to make."""
    rows = db.session.scalars(select(FindingsReport).where(visible_clause(user))
                              .where(FindingsReport.state.in_(["in-review", "approved", "changes-requested"]))
                              .order_by(FindingsReport.updated_at)).all()
    return [r for r in rows if workflow.allowed(user, r)]


# ---- public lists and filters --------------------------------------------------------------

@dataclass
class Filters:
    priority_id: int | None = None
    area_id: int | None = None
    partnership_id: int | None = None
    year: int | None = None
    consultation_id: int | None = None
    text: str = ""

    @classmethod
    def from_args(cls, args: Query) -> "Filters":
        """The filters from a query string read by ``engage.core.params``; a value that is not
        valid is left out (and noted in ``args.problems`` for the API to refuse)."""
        return cls(priority_id=args.id("priority"), area_id=args.id("area"), partnership_id=args.id("partnership"),
                   year=args.year("year"), text=clean_text(args.text("q", 200), 200))

    def as_args(self) -> dict:
        out = {"q": self.text, "priority": self.priority_id, "area": self.area_id, "partnership": self.partnership_id,
               "year": self.year}
        return {k: v for k, v in out.items() if v}


def with_everything(query):
    """Load what the lists, feed and API show in a few queries instead of one per report."""
    return query.options(
        selectinload(FindingsReport.partnerships),
        selectinload(FindingsReport.priorities).selectinload(Priority.framework),
        selectinload(FindingsReport.outcomes), selectinload(FindingsReport.areas),
        selectinload(FindingsReport.consultations), selectinload(FindingsReport.recommendations),
        selectinload(FindingsReport.responses).selectinload(Response.updates),
        selectinload(FindingsReport.responses).selectinload(Response.recommendation),
    )


def with_card_parts(query):
    """Load what a report's card on "You said, we did" shows (its consultations' titles, its
    partnerships, recommendations, and responses with their progress notes), and not what
    only the report's own page, the feed or the API show (priorities, outcomes, areas): those
    were five more queries on every load of the list (bench/pages.py, issue 21)."""
    return query.options(
        selectinload(FindingsReport.partnerships), selectinload(FindingsReport.consultations),
        selectinload(FindingsReport.recommendations),
        # Each response's few progress notes joined to it: one statement for both.
        selectinload(FindingsReport.responses).joinedload(Response.updates),
    )


def public_query(user=None, filters: Filters | None = None, at: datetime | None = None, *, load=with_everything):
    """The reports ``user`` may see that match ``filters``, with what ``load`` loads with them
    (everything by default; ``with_card_parts`` for the list)."""
    filters = filters or Filters()
    query = load(select(FindingsReport).where(public_clause(user, at)))
    if filters.priority_id:
        lineage = priority_lineage_ids([filters.priority_id]) or {-1}
        query = query.where(FindingsReport.priorities.any(Priority.id.in_(lineage)))
    if filters.area_id:
        places = (area_subtree_ids([filters.area_id]) | set(area_ancestor_ids(filters.area_id))) or {-1}
        query = query.where(FindingsReport.areas.any(Area.id.in_(places)))
    if filters.partnership_id:
        query = query.where(FindingsReport.partnerships.any(Partnership.id == filters.partnership_id))
    if filters.consultation_id:
        query = query.where(FindingsReport.consultations.any(Consultation.id == filters.consultation_id))
    if filters.year:
        start, end = datetime(filters.year, 1, 1), datetime(filters.year + 1, 1, 1)
        moment = db.func.coalesce(FindingsReport.embargo_until, FindingsReport.published_at)
        query = query.where(moment >= start, moment < end)
    moment = db.func.coalesce(FindingsReport.embargo_until, FindingsReport.published_at)
    if filters.text:
        from .search import matching_ids

        ids = matching_ids(filters.text) or [-1]
        order = case({rid: rank for rank, rid in enumerate(ids)}, value=FindingsReport.id, else_=len(ids))
        return query.where(FindingsReport.id.in_(ids)).order_by(order, FindingsReport.id.desc())
    return query.order_by(moment.desc(), FindingsReport.id.desc())


def partnerships_for_embed() -> list[Partnership]:
    return db.session.scalars(select(Partnership).order_by(Partnership.name)).all()


def current_priority_choices() -> list[tuple[int, str]]:
    """The current framework's priorities (id, name) in their order, in one query of two
    columns (the public filter draws it on every load of "You said, we did")."""
    def build():
        latest = select(Framework.id).order_by(Framework.starts_on.desc()).limit(1).scalar_subquery()
        return select(Priority.id, Priority.name).where(Priority.framework_id == latest).order_by(Priority.position, Priority.id)

    return [(i, name) for i, name in db.session.execute(built("current priority choices", build))]


def priority_view(report: FindingsReport) -> list[dict]:
    """The report's priorities under the current framework: a priority tagged under an older
    framework is shown as the current priority (or priorities) it became."""
    framework = current_framework()
    out: dict[int, dict] = {}
    for priority in report.priorities:
        if framework is None or priority.framework_id == framework.id:
            out.setdefault(priority.id, {"name": priority.name, "was": []})
            continue
        seen, frontier, found = set(), [priority], []
        while frontier and len(seen) < 100:
            node = frontier.pop()
            for successor in node.successors:
                if successor.id in seen:
                    continue
                seen.add(successor.id)
                (found if successor.framework_id == framework.id else frontier).append(successor)
        if not found:
            out.setdefault(priority.id, {"name": f"{priority.name} ({priority.framework.name})", "was": []})
        for successor in found:
            out.setdefault(successor.id, {"name": successor.name, "was": []})["was"].append(f"{priority.name} ({priority.framework.name})")
    return list(out.values())


# ---- choices for forms ---------------------------------------------------------------------

def consultation_choices(user) -> list[tuple[int, str]]:
    rows = db.session.execute(select(Consultation.id, Consultation.title).where(consultation_visible_clause(user))
                              .order_by(Consultation.title))
    return [(cid, title) for cid, title in rows]


def indicator_choices() -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Indicator).order_by(Indicator.name))
    return [(i.id, f"{i.name} ({i.outcome.code})" if i.outcome.code else i.name) for i in rows]


def question_choices(report: FindingsReport) -> list[tuple[int, str]]:
    out = []
    for c in report.consultations:
        for q in c.questions:
            out.append((q.id, f"{c.title[:50]}: {(q.code + ' ') if q.code else ''}{q.text[:90]}"))
    return out


# ---- saving a report -----------------------------------------------------------------------

def _ids(values, field_name: str) -> list[int]:
    out = []
    for value in values or []:
        number = to_id(value)
        if number is None:
            raise RuleError("Select options from the list only", field_name)
        out.append(number)
    return sorted(set(out))


def _load(model, ids, field_name, where=None) -> list:
    if not ids:
        return []
    query = select(model).where(model.id.in_(ids))
    if where is not None:
        query = query.where(where)
    rows = db.session.scalars(query).all()
    if len(rows) != len(set(ids)):
        raise RuleError("Select options from the list only", field_name)
    return rows


def save_report(actor, report: FindingsReport | None, data: dict, seed_findings: bool = False,
                version=concurrency.UNCHECKED) -> FindingsReport:
    """Start or change a report. ``version`` is what the edit form was loaded from: someone
    else's save in between is an ``EditConflict`` (engage/core/concurrency.py)."""
    if report is None and not can_start(actor):
        raise RuleError("You cannot start a findings report.")
    if report is not None and not can_edit(actor, report):
        raise RuleError("Only its authors can change a report, and only while it is a draft.")
    if report is not None:
        concurrency.check(report, version)
    values = {}
    for name, limit in TEXT_LIMITS.items():
        values[name] = clean_text(data.get(name), None)
        if len(values[name]) > limit:
            raise RuleError(f"{name.replace('_', ' ').capitalize()} must be {limit:,} characters or fewer", name)
    if not values["title"]:
        raise RuleError("Enter a title", "title")
    sample = data.get("sample_size")
    if sample is not None and (not isinstance(sample, int) or not 0 <= sample <= 10_000_000):
        raise RuleError("Sample size must be a whole number between 0 and 10,000,000", "sample_size")
    visibility = data.get("visibility") or "public"
    if visibility not in VISIBILITY:
        raise RuleError("Select who can see the report", "visibility")
    audiences = [a for a in (data.get("audiences") or [])]
    if any(a not in AUDIENCES for a in audiences):
        raise RuleError("Select groups from the list only", "audiences")
    consultations = _load(Consultation, _ids(data.get("consultation_ids"), "consultation_ids"), "consultation_ids",
                          consultation_visible_clause(actor))
    if not consultations:
        raise RuleError("Select at least one consultation the report comes from", "consultation_ids")
    links = {
        "priorities": _load(Priority, _ids(data.get("priority_ids"), "priority_ids"), "priority_ids"),
        "outcomes": _load(Outcome, _ids(data.get("outcome_ids"), "outcome_ids"), "outcome_ids"),
        "indicators": _load(Indicator, _ids(data.get("indicator_ids"), "indicator_ids"), "indicator_ids"),
        "areas": _load(Area, _ids(data.get("area_ids"), "area_ids"), "area_ids"),
        "partnerships": _load(Partnership, _ids(data.get("partnership_ids"), "partnership_ids"), "partnership_ids"),
    }
    creating = report is None
    if creating:
        report = FindingsReport(created_by_id=actor.id, organisation_id=actor.organisation_id, state="draft")
        db.session.add(report)
    before = _link_summary(report) if not creating else {}
    for name, value in values.items():
        setattr(report, name, value)
    report.sample_size, report.visibility, report.audiences = sample, visibility, sorted(set(audiences))
    report.consultations = consultations
    for name, rows in links.items():
        setattr(report, name, rows)
    changes = audit.changes_of(report)
    after = _link_summary(report)
    changes.update({k: [before.get(k), v] for k, v in after.items() if before.get(k) != v})
    db.session.flush()
    if creating:
        db.session.add(ReportTransition(report_id=report.id, actor_id=actor.id, action="create", from_state="", to_state="draft"))
        if seed_findings:
            seed_from_consultations(report)
    audit.record(actor, "create" if creating else "update", report,
                 f"Findings report {'started' if creating else 'changed'}: {report.title}", changes=changes)
    record_contribution(actor, report, "details")
    concurrency.flush(report)
    return report


def record_contribution(actor, report: FindingsReport, part: str) -> None:
    """Remember that ``actor`` changed the report's content (``part``: details, key finding,
    recommendation, attachment): they may not approve it until it has been approved since."""
    if actor is None or getattr(actor, "id", None) is None or report.id is None:
        return
    db.session.add(ReportContribution(report_id=report.id, user_id=actor.id, part=part, created_at=now()))


def _link_summary(report) -> dict:
    return {
        "consultations": sorted(c.id for c in report.consultations),
        "priorities": sorted(p.id for p in report.priorities),
        "outcomes": sorted(o.id for o in report.outcomes),
        "indicators": sorted(i.id for i in report.indicators),
        "areas": sorted(a.id for a in report.areas),
        "partnerships": sorted(p.id for p in report.partnerships),
    }


def seed_from_consultations(report: FindingsReport) -> int:
    """Copy the consultations' key findings into the report (once per statement)."""
    have = {f.statement for f in report.findings}
    added = 0
    for consultation in report.consultations:
        for finding in consultation.findings:
            if finding.statement in have:
                continue
            report.findings.append(ReportFinding(position=len(report.findings) + 1, statement=finding.statement,
                                                 evidence=finding.evidence, question_id=finding.question_id))
            have.add(finding.statement)
            added += 1
    db.session.flush()
    return added


def delete_report(actor, report: FindingsReport) -> list[str]:
    """Delete a draft and everything that belongs to it, in one go; returns stored file
    names to discard after the commit. Anything past draft is withdrawn instead."""
    if not can_delete(actor, report):
        raise RuleError("Only a draft can be deleted, by its authors or a partnership officer. Withdraw it instead.")
    stored = [a.stored_name for a in report.attachments]
    deletion.delete(actor, report, f"Findings report deleted: {report.title}", changes={"title": [report.title, None]})
    return stored


def delete_plan(report: FindingsReport) -> deletion.DeletePlan:
    """What deleting a draft takes with it (the confirm page), by the one delete rule."""
    return deletion.plan(report)


# ---- the workflow --------------------------------------------------------------------------

def publish_problems(report: FindingsReport) -> list[tuple[str, str]]:
    """What stops a report being published: [(field, message)]; empty when it can be."""
    problems = []
    if not (report.summary or "").strip():
        problems.append(("summary", "Write a plain-English summary"))
    if not report.priorities:
        problems.append(("priority_ids", "Link at least one priority"))
    if not report.outcomes:
        problems.append(("outcome_ids", "Link at least one outcome"))
    if not report.partnerships:
        problems.append(("partnership_ids", "Name at least one partnership that must respond"))
    if not report.recommendations:
        problems.append(("recommendations", "Add at least one recommendation for the partnerships to respond to"))
    return problems


def transition(actor, report: FindingsReport, action: str, comment: str = "", embargo_until: datetime | None = None,
               at: datetime | None = None) -> ReportTransition:
    """Make one move of the workflow table, record it and tell the people it concerns."""
    at = at or now()
    move = workflow.check(actor, report, action)
    comment = clean_text(comment)
    if len(comment) > 3000:
        raise RuleError("The comment must be 3,000 characters or fewer", "comment")
    if move.needs_comment and not comment:
        raise RuleError(f"Enter {move.comment_label.lower()}", "comment")
    extra = {}
    if action == "publish":
        problems = publish_problems(report)
        if problems:
            raise RuleError("This report cannot be published yet: " + "; ".join(m for _, m in problems) + ".")
        if embargo_until is not None and embargo_until <= at:
            raise RuleError("The embargo time must be in the future, or leave it blank to publish now", "embargo")
        extra = {"published_at": at, "embargo_until": embargo_until}
    source = report.state
    # The move happens once: only the request that finds the report still in ``source``
    # changes it (engage/core/transitions.py); a second click records and sends nothing.
    try:
        transitions.compare_and_set(report, {"state": source}, {"state": move.target, **extra})
    except transitions.AlreadyMoved as error:
        now_in = error.current.get("state")
        if now_in is None:
            raise
        if now_in == move.target:
            raise transitions.AlreadyMoved(f"Someone else has just {workflow.PAST[action]} this report, so there was "
                                           "nothing left to do. Nothing was changed.", error.current) from None
        label = STATES.get(now_in, now_in)
        raise transitions.AlreadyMoved(f"Someone else has just moved this report on: it is now {label.lower()}. "
                                       "Nothing was changed.", error.current) from None
    if action == "withdraw":
        report.withdrawn_reason = comment
    if action == "submit":
        report.withdrawn_reason = ""
    step = ReportTransition(report=report, actor_id=actor.id, action=action, from_state=source, to_state=move.target,
                            comment=comment, created_at=at)
    db.session.add(step)
    audit.record(actor, "transition", report, f"Findings report {workflow.PAST[action]}: {report.title}",
                 changes={"state": [source, move.target], **({"comment": [None, comment]} if comment else {})})
    db.session.flush()
    from . import notices

    notices.after_move(actor, report, action, comment, step)
    if action == "publish" and report.is_out(at):
        notices.release(report, at)
    return step


def timeline(report) -> list[ReportTransition]:
    return list(report.transitions)


def consultation_reports(consultation_id: int, user) -> list[FindingsReport]:
    return db.session.scalars(public_query(user, Filters(consultation_id=consultation_id))).all()


def question_headlines():
    """A function giving a question's headline (``consultations.results.headlines``: as the
    public may see it), working each consultation's out once for the page it is made for."""
    from ..consultations.results import headlines

    worked_out: dict[int, dict] = {}

    def headline(question: Question):
        if question.consultation_id not in worked_out:
            worked_out[question.consultation_id] = headlines(question.consultation)
        return worked_out[question.consultation_id].get(question.id)

    return headline


# ---- what residents said about an outcome (engage.core.registry.outcome_evidence) ---------

def outcome_evidence(outcome_ids, user) -> list[dict]:
    """Findings reports linked to these outcomes that ``user`` may read on the public pages,
    and the partnerships' published responses to them, for a ladder stage's page."""
    from flask import url_for
    from .models import Response, report_outcome

    linked = select(report_outcome.c.report_id).where(report_outcome.c.outcome_id.in_(list(outcome_ids)))
    reports = db.session.scalars(select(FindingsReport).where(FindingsReport.id.in_(linked), public_clause(user))
                                 .order_by(FindingsReport.id)).all()
    out = []
    for report in reports:
        url = url_for("sharing.report", report_id=report.id)
        when = (report.released_at or report.published_at)
        out.append({"kind": "Findings report", "title": report.title, "url": url, "on": when.date() if when else None,
                    "summary": report.summary, "points": []})
        responses = db.session.scalars(select(Response).where(Response.report_id == report.id, Response.state == "published")
                                       .order_by(Response.id)).all()
        by_partnership: dict[str, list[str]] = {}
        for response in responses:
            by_partnership.setdefault(response.partnership.name, []).append(
                f"{response.status_label}: {response.action or response.reason}"[:300])
        for name, lines in by_partnership.items():
            out.append({"kind": "Partnership response", "title": f"{name} on “{report.title}”", "url": url,
                        "on": when.date() if when else None, "summary": "", "points": lines[:3]})
    return out
