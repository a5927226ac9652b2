"""Telling people: emails when a report moves (reviewers, the author), and when it becomes
public (each responding partnership's coordinators, and residents who asked to hear back,
whose addresses are forgotten once the last report from their consultation is out). Mail
is queued and sent after the commit."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from ..accounts.models import User
from ..accounts.roles import OFFICER
from ..consultations.models import Consultation
from ..core import audit, events, transitions
from ..core.mail import SENT, external_url, queue_mail
from ..core.registry import contacts
from ..extensions import db
from .models import FindingsReport
from .services import PENDING_STATES, now, out_clause


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


def after_move(actor, report, action: str, comment: str, step) -> None:
    """Email the people a workflow move (``step``) concerns, each email keyed by the move and
    the person so that it is stored once."""
    site = current_app.config["ENGAGE_SITE_NAME"]
    link = _report_url(report)
    if action == "submit":
        from .workflow import approver_words, approvers, stuck

        can_approve = {u.id for u in approvers(report)}
        waiting = f"It is waiting for {approver_words(report)} to approve it."
        blocked = stuck(report)
        for user in reviewers(report):
            if user.id == actor.id or user.id == report.created_by_id:
                continue
            if user.id in can_approve:
                yours = "You can approve it, or ask for changes"
            else:
                yours = "You can ask for changes, but you cannot approve it yourself. Read it"
            queue_mail(user.email, f"Findings report to review: {report.title}",
                       f"Hello {user.name},\n\n{actor.name} has sent a findings report for review:\n\n"
                       f"{report.title}\n\n{waiting}\n{blocked + chr(10) if blocked else ''}\n"
                       f"{yours}, here:\n{link}\n\n{site}",
                       key=f"report-move:{step.id}:{user.id}")
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
        queue_mail(author.email, subject, f"Hello {author.name},\n\n{body}\n\n{report.title}\n{link}\n\n{site}",
                   key=f"report-move:{step.id}:{author.id}")


def release(report: FindingsReport, at: datetime | None = None) -> int:
    """The report has become public: tell each responding partnership's coordinators and the
    residents who asked to hear back; forget those addresses once the last pending report
    from their consultation is out. Returns how many emails were queued. Runs once."""
    at = at or now()
    if report.released_at is not None or not report.is_out(at):
        return 0
    # Once, however many visitors arrive together when the embargo ends: only the request
    # whose conditional update finds it unreleased goes on to tell anyone.
    if not transitions.try_compare_and_set(report, {"state": "published", "released_at": None}, {"released_at": at}):
        db.session.expire(report)
        return 0
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
                       f"{link}\n\n{site}", key=f"released:{report.id}:{partnership.id}:{user.id}", topic=mail_topic(report))
            sent += 1
    told = 0
    if report.visibility == "public":
        for consultation in report.consultations:
            entries = contacts.addresses(consultation.id)
            # Each address is deleted only once the server has accepted its email (or given
            # up on it after ENGAGE_MAIL_GIVE_UP_DAYS): hear_back_finished, run by the sender.
            forget = bool(entries) and not _still_pending(consultation, report)
            for source, key, email in entries:
                queue_mail(email, f"What happened after “{consultation.title}”",
                           f"Hello,\n\nYou asked us to tell you what happened after you took part in “{consultation.title}”.\n\n"
                           f"The partnership has published what it found, and each partnership named in it will say what "
                           f"it is doing about it:\n\n{report.title}\n{link}\n\n"
                           f"This is the only email you will get about this. We delete your email address once this "
                           f"email is sent, unless another report from this consultation is still being written.\n\n{site}",
                           personal=True, key=f"hear-back:{report.id}:{source}:{key}", topic=mail_topic(report),
                           after=HEAR_BACK, data={"report_id": report.id, "consultation_id": consultation.id,
                                                  "source": source, "contact": key, "forget": forget})
                told += 1
    audit.record(None, "release", report, f"Findings report made public: {report.title}",
                 changes={"coordinators_told": [None, sent], "residents_to_tell": [None, told]})
    db.session.flush()
    if report.visibility == "public":
        events.publish(events.FINDINGS_PUBLISHED, report_id=report.id)
    return sent + told


HEAR_BACK = "sharing.hear-back"


def mail_topic(report) -> str:
    return f"findings-report:{report.id}"


def hear_back_finished(outcome: str, data: dict) -> None:
    """A resident's "what happened" email was accepted by the mail server (or given up after
    ENGAGE_MAIL_GIVE_UP_DAYS): only now is their address deleted, and only an accepted one
    counts in ``residents_told``. Runs in the sender's transaction (engage/core/mail.py)."""
    if data.get("forget"):
        contacts.forget(int(data["consultation_id"]), [(data["source"], data["contact"], "")])
    if outcome == SENT:
        table = FindingsReport.__table__
        db.session.execute(update(table).where(table.c.id == int(data["report_id"]))
                           .values(residents_told=func.coalesce(table.c.residents_told, 0) + 1))


def _still_pending(consultation, report) -> bool:
    """Is another report from this consultation still on its way (so residents wait for it)?"""
    return db.session.scalar(
        select(FindingsReport.id).where(FindingsReport.id != report.id,
                                        FindingsReport.consultations.any(Consultation.id == consultation.id),
                                        or_(FindingsReport.state.in_(PENDING_STATES),
                                            and_(FindingsReport.state == "published", FindingsReport.released_at.is_(None))))
        .limit(1)) is not None


def release_due(at: datetime | None = None) -> list[FindingsReport]:
    """Release every published report whose embargo has passed but that nobody has been told
    about; returns the ones this call released (another request may have got there first)."""
    at = at or now()
    due = db.session.scalars(select(FindingsReport).where(out_clause(at), FindingsReport.released_at.is_(None))
                             .order_by(FindingsReport.id)).all()
    return [report for report in due if release(report, at)]


