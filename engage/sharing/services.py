"""Rules for findings reports: who may see and change them, saving them with their links,
key findings, recommendations and attachments, moving them through the workflow (the table
is in ``workflow.py``) and telling people. Services flush; views commit once; mail is queued
and sent after the commit (``engage.core.mail.queue_mail``).

Visibility, in one place (``can_view`` and ``visible_clause`` say the same thing):
- a published report past its embargo: everyone if public, anyone signed in if partners-only;
- anything else (drafts, reports in review, embargoed or withdrawn ones): the author's
  organisation, the person who started it, its reviewers (coordinators of a partnership
  named on it) and partnership officers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import and_, false, or_, select, true

from ..accounts.models import User
from ..accounts.roles import COORDINATOR, OFFICER
from ..consultations import documents as docs
from ..consultations.models import Consultation, Question
from ..consultations.services import visible_clause as consultation_visible_clause
from ..core import audit
from ..core.errors import not_found
from ..core.mail import queue_mail
from ..core.models import utcnow
from ..core.params import to_id
from ..core.registry import contacts
from ..core.sanitise import clean_text
from ..core.vocabulary import AUDIENCES
from ..extensions import db
from ..partnership.models import Area, Indicator, Outcome, Partnership, Priority
from ..partnership.services import RuleError, area_ancestor_ids, area_subtree_ids, current_framework, priority_lineage_ids
from . import workflow
from .models import VISIBILITY, FindingsReport, Recommendation, ReportAttachment, ReportFinding, ReportTransition

__all__ = ["RuleError", "ConflictError"]

TEXT_LIMITS = {"title": 200, "summary": 5000, "meaning": 10000, "method": 3000, "representativeness": 3000, "gaps": 3000}
EDITABLE_STATES = ("draft",)
PENDING_STATES = ("draft", "in-review", "changes-requested", "approved")


class ConflictError(RuleError):
    """Someone else saved the record since this person loaded it."""

    def __init__(self, message: str, changed: dict):
        super().__init__(message)
        self.changed = changed


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


def public_clause(user=None, at: datetime | None = None):
    """The reports anyone may read on the public pages, feed, embed and API."""
    levels = ["public", "partners"] if _signed_in(user) else ["public"]
    return and_(out_clause(at), FindingsReport.visibility.in_(levels))


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

    @classmethod
    def from_args(cls, args) -> "Filters":
        year = args.get("year", "")
        year = int(year) if year.isdigit() and 1900 <= int(year) <= 2200 else None
        return cls(priority_id=to_id(args.get("priority")), area_id=to_id(args.get("area")),
                   partnership_id=to_id(args.get("partnership")), year=year)

    def as_args(self) -> dict:
        out = {"priority": self.priority_id, "area": self.area_id, "partnership": self.partnership_id, "year": self.year}
        return {k: v for k, v in out.items() if v}


def public_query(user=None, filters: Filters | None = None, at: datetime | None = None):
    filters = filters or Filters()
    query = select(FindingsReport).where(public_clause(user, at))
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
    return query.order_by(moment.desc(), FindingsReport.id.desc())


def year_choices(user=None) -> list[int]:
    moments = db.session.scalars(select(db.func.coalesce(FindingsReport.embargo_until, FindingsReport.published_at))
                                 .where(public_clause(user))).all()
    return sorted({m.year for m in moments if m}, reverse=True)


def current_priority_choices() -> list[tuple[int, str]]:
    framework = current_framework()
    if framework is None:
        return []
    return [(p.id, p.name) for p in framework.priorities]


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


def _check_version(report, data: dict, fields) -> None:
    expected = data.get("version")
    if report is None or expected in (None, ""):
        return
    if to_id(expected) != report.version:
        changed = {}
        for name in fields:
            current = getattr(report, name)
            if current != data.get(name) and name in data:
                changed[name] = current
        raise ConflictError("Someone else changed this report while you were editing it. Your changes are kept below: "
                            "check what they changed, then save again.", changed)


def save_report(actor, report: FindingsReport | None, data: dict, seed_findings: bool = False) -> FindingsReport:
    if report is None and not can_start(actor):
        raise RuleError("You cannot start a findings report.")
    if report is not None and not can_edit(actor, report):
        raise RuleError("Only its authors can change a report, and only while it is a draft.")
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
    _check_version(report, {**data, **values}, list(TEXT_LIMITS) + ["sample_size", "visibility"])
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
    db.session.flush()
    return report


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
    audit.record(actor, "delete", report, f"Findings report deleted: {report.title}",
                 changes={"title": [report.title, None], "findings": [len(report.findings), None],
                          "recommendations": [len(report.recommendations), None], "attachments": [len(stored), None]})
    db.session.delete(report)
    db.session.flush()
    return stored


def what_goes_with(report: FindingsReport) -> list[str]:
    out = []
    for label, items in (("key finding", report.findings), ("recommendation", report.recommendations),
                         ("attachment", report.attachments)):
        if items:
            out.append(f"{len(items)} {label}{'' if len(items) == 1 else 's'}")
    return out


# ---- key findings and recommendations ------------------------------------------------------

def _child(model, report, child_id, label):
    child_id = to_id(child_id)
    obj = db.session.get(model, child_id) if child_id else None
    if obj is None or obj.report_id != report.id:
        not_found(f"There is no {label} with that number in this report.")
    return obj


def get_finding(report, finding_id) -> ReportFinding:
    return _child(ReportFinding, report, finding_id, "key finding")


def get_recommendation(report, recommendation_id) -> Recommendation:
    return _child(Recommendation, report, recommendation_id, "recommendation")


def _editable(actor, report):
    if not can_edit(actor, report):
        raise RuleError("Only its authors can change a report, and only while it is a draft.")


def save_finding(actor, report, finding: ReportFinding | None, data: dict) -> ReportFinding:
    _editable(actor, report)
    statement = clean_text(data.get("statement"))
    evidence = clean_text(data.get("evidence"))
    if not statement:
        raise RuleError("Enter the finding", "statement")
    if len(statement) > 500:
        raise RuleError("The finding must be 500 characters or fewer", "statement")
    if len(evidence) > 10000:
        raise RuleError("The evidence must be 10,000 characters or fewer", "evidence")
    question_id = data.get("question_id")
    if question_id is not None and question_id not in {q for q, _ in question_choices(report)}:
        raise RuleError("Select a question from the report's consultations", "question_id")
    creating = finding is None
    if creating:
        finding = ReportFinding(report=report, position=len(report.findings) + 1)
    position = data.get("position")
    finding.statement, finding.evidence, finding.question_id = statement, evidence, question_id
    if position is not None:
        finding.position = position
    db.session.add(finding)
    db.session.flush()
    audit.record(actor, "create" if creating else "update", finding, f"Key finding {'added to' if creating else 'changed in'} {report.title}")
    _touch(report)
    return finding


def delete_finding(actor, report, finding) -> None:
    _editable(actor, report)
    audit.record(actor, "delete", finding, f"Key finding removed from {report.title}",
                 changes={"statement": [finding.statement, None]})
    report.findings.remove(finding)
    _touch(report)


def save_recommendation(actor, report, recommendation: Recommendation | None, data: dict) -> Recommendation:
    _editable(actor, report)
    text = clean_text(data.get("text"))
    if not text:
        raise RuleError("Enter the recommendation", "text")
    if len(text) > 3000:
        raise RuleError("The recommendation must be 3,000 characters or fewer", "text")
    creating = recommendation is None
    if creating:
        recommendation = Recommendation(report=report, position=len(report.recommendations) + 1)
    recommendation.text = text
    if data.get("position") is not None:
        recommendation.position = data["position"]
    db.session.add(recommendation)
    db.session.flush()
    audit.record(actor, "create" if creating else "update", recommendation,
                 f"Recommendation {'added to' if creating else 'changed in'} {report.title}")
    _touch(report)
    return recommendation


def delete_recommendation(actor, report, recommendation) -> None:
    _editable(actor, report)
    audit.record(actor, "delete", recommendation, f"Recommendation removed from {report.title}",
                 changes={"text": [recommendation.text, None]})
    report.recommendations.remove(recommendation)
    _touch(report)


def _touch(report) -> None:
    report.updated_at = utcnow()
    db.session.flush()


# ---- attachments: checked and stored as the consultation database's documents are ---------

def add_attachment(actor, report, title: str, filename: str, data: bytes) -> ReportAttachment:
    _editable(actor, report)
    title = clean_text(title)
    if len(title) > 200:
        raise RuleError("The title must be 200 characters or fewer", "title")
    checked = docs.check_file(filename, data)
    name = docs.safe_filename(filename, checked.kind)
    title = title or name.rsplit(".", 1)[0].replace("_", " ")[:200] or "Attachment"
    import os
    import secrets

    stored_name = secrets.token_hex(20)
    fd = os.open(docs.upload_dir() / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    try:
        attachment = ReportAttachment(report=report, title=title, filename=name, stored_name=stored_name,
                                      content_type=checked.content_type, size=len(data), uploaded_by_id=actor.id)
        db.session.add(attachment)
        db.session.flush()
        audit.record(actor, "create", attachment, f"Attachment added to {report.title}: {title}",
                     changes={"title": [None, title], "filename": [None, name]})
        _touch(report)
    except Exception:
        docs.discard([stored_name])
        raise
    return attachment


def get_attachment(report, attachment_id) -> ReportAttachment:
    return _child(ReportAttachment, report, attachment_id, "attachment")


def delete_attachment(actor, report, attachment) -> str:
    _editable(actor, report)
    audit.record(actor, "delete", attachment, f"Attachment removed from {report.title}: {attachment.title}",
                 changes={"title": [attachment.title, None]})
    stored = attachment.stored_name
    report.attachments.remove(attachment)
    _touch(report)
    return stored


def attachment_path(attachment):
    import re

    if not re.fullmatch(r"[0-9a-f]{20,100}", attachment.stored_name or ""):
        return None
    path = docs.upload_dir() / attachment.stored_name
    return path if path.is_file() else None


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
    if action == "publish":
        problems = publish_problems(report)
        if problems:
            raise RuleError("This report cannot be published yet: " + "; ".join(m for _, m in problems) + ".")
        if embargo_until is not None and embargo_until <= at:
            raise RuleError("The embargo time must be in the future, or leave it blank to publish now", "embargo")
        report.published_at, report.embargo_until = at, embargo_until
    if action == "withdraw":
        report.withdrawn_reason = comment
    if action == "submit":
        report.withdrawn_reason = ""
    source = report.state
    report.state = move.target
    step = ReportTransition(report=report, actor_id=actor.id, action=action, from_state=source, to_state=move.target,
                            comment=comment, created_at=at)
    db.session.add(step)
    audit.record(actor, "transition", report, f"Findings report {workflow.PAST[action]}: {report.title}",
                 changes={"state": [source, move.target], **({"comment": [None, comment]} if comment else {})})
    db.session.flush()
    _notify(actor, report, action, comment)
    if action == "publish" and report.is_out(at):
        release(report, at)
    return step


def external_url(endpoint: str, **values) -> str:
    """A full web address for an email, in a request or from the command line (where the
    site's address comes from ENGAGE_BASE_URL)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("ENGAGE_BASE_URL") or "http://localhost:5000"
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def path_for(endpoint: str, **values) -> str:
    """A site-relative address, in a request or not."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def _report_url(report) -> str:
    return external_url("sharing.report", report_id=report.id)


def reviewers(report) -> list[User]:
    officers = db.session.scalars(select(User).where(User.role == OFFICER, User.active.is_(True)).order_by(User.id)).all()
    people = {u.id: u for u in officers}
    for partnership in report.partnerships:
        for user in partnership.coordinators:
            if user.active:
                people.setdefault(user.id, user)
    return list(people.values())


def _notify(actor, report, action: str, comment: str) -> None:
    site = current_app.config["ENGAGE_SITE_NAME"]
    link = _report_url(report)
    if action == "submit":
        for user in reviewers(report):
            if user.id == actor.id or user.id == report.created_by_id:
                continue
            queue_mail(user.email, f"Findings report to review: {report.title}",
                       f"Hello {user.name},\n\n{actor.name} has sent a findings report for review:\n\n"
                       f"{report.title}\n\nRead it and approve it or ask for changes here:\n{link}\n\n{site}")
    elif action in ("request-changes", "approve"):
        author = db.session.get(User, report.created_by_id) if report.created_by_id else None
        if author is None or not author.active or author.id == actor.id:
            return
        if action == "approve":
            body = f"{actor.name} has approved your findings report. A partnership officer can now publish it."
            subject = f"Findings report approved: {report.title}"
        else:
            body = f"{actor.name} has asked for changes to your findings report:\n\n{comment}"
            subject = f"Changes asked for: {report.title}"
        queue_mail(author.email, subject, f"Hello {author.name},\n\n{body}\n\n{report.title}\n{link}\n\n{site}")


def release(report: FindingsReport, at: datetime | None = None) -> int:
    """The report has become public: tell each responding partnership's coordinators and the
    residents who asked to hear back; forget those addresses once the last pending report
    from their consultation is out. Returns how many emails were queued. Runs once."""
    at = at or now()
    if report.released_at is not None or not report.is_out(at):
        return 0
    report.released_at = at
    from .responses import due_on

    site = current_app.config["ENGAGE_SITE_NAME"]
    link = _report_url(report)
    due = due_on(report)
    sent = 0
    for partnership in report.partnerships:
        for user in partnership.coordinators:
            if not user.active:
                continue
            queue_mail(user.email, f"Your partnership must respond: {report.title}",
                       f"Hello {user.name},\n\nA findings report has been published that {partnership.name} must respond to:\n\n"
                       f"{report.title}\n\nRecord the partnership's response to each recommendation by {due.day} {due:%B %Y}:\n"
                       f"{link}\n\n{site}")
            sent += 1
    told = 0
    if report.visibility == "public":
        for consultation in report.consultations:
            entries = contacts.addresses(consultation.id)
            for _source, _key, email in entries:
                queue_mail(email, f"What happened after “{consultation.title}”",
                           f"Hello,\n\nYou asked us to tell you what happened after you took part in “{consultation.title}”.\n\n"
                           f"The partnership has published what it found, and each partnership named in it will say what "
                           f"it is doing about it:\n\n{report.title}\n{link}\n\n"
                           f"This is the only email you will get about this. We have now deleted your email address "
                           f"unless another report from this consultation is still being written.\n\n{site}", personal=True)
                told += 1
            if entries and not _still_pending(consultation, report):
                contacts.forget(consultation.id, entries)
    report.residents_told = (report.residents_told or 0) + told
    audit.record(None, "release", report, f"Findings report made public: {report.title}",
                 changes={"coordinators_told": [None, sent], "residents_told": [None, told]})
    db.session.flush()
    return sent + told


def _still_pending(consultation, report) -> bool:
    """Is another report from this consultation still on its way (so residents wait for it)?"""
    return db.session.scalar(
        select(FindingsReport.id).where(FindingsReport.id != report.id,
                                        FindingsReport.consultations.any(Consultation.id == consultation.id),
                                        or_(FindingsReport.state.in_(PENDING_STATES),
                                            and_(FindingsReport.state == "published", FindingsReport.released_at.is_(None))))
        .limit(1)) is not None


def release_due(at: datetime | None = None) -> list[FindingsReport]:
    """Every published report whose embargo has passed but that nobody has been told about."""
    at = at or now()
    due = db.session.scalars(select(FindingsReport).where(out_clause(at), FindingsReport.released_at.is_(None))
                             .order_by(FindingsReport.id)).all()
    for report in due:
        release(report, at)
    return due


def timeline(report) -> list[ReportTransition]:
    return list(report.transitions)


def consultation_reports(consultation_id: int, user) -> list[FindingsReport]:
    return db.session.scalars(public_query(user, Filters(consultation_id=consultation_id))).all()


def question_headline(question: Question):
    from ..consultations.services import headline_figure

    return headline_figure(question)
