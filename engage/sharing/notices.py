"""Telling people: emails when a report moves (reviewers, the author), and when it becomes
public (each responding partnership's coordinators, and residents who asked to hear back).
Mail is queued and sent after the commit.

Residents who asked to hear back get two messages, as the survey page promises:
1. when the findings are published (``release``), and
2. when every partnership named on the report has published its response
   (``tell_residents_responded``, called when a response is published), or, when the
   responses are late, a message saying so (``tell_residents_late``, run by
   ``send-reminders``). ``FindingsReport.responses_told_at`` is set by a compare-and-set, so
   the second message goes once.
An address is deleted only once the mail server has accepted its second message
(``hear_back_finished``), and only when no other report from the consultation still owes
them a message. A report that names no partnership has nothing to wait for: its first
message is the last."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from ..accounts.models import User
from ..accounts.roles import OFFICER
from ..consultations.models import Consultation
from ..core import audit, content, events, i18n, transitions
from ..core.i18n import gettext, ngettext
from ..core.mail import SENT, external_url, queue_mail
from ..core.templating import format_date
from ..core.registry import contacts
from ..extensions import db
from .models import FindingsReport
from .services import PENDING_STATES, now, out_clause
from ..core import clock


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
        with i18n.writing_in(None):  # the email is in the site's own language, whoever sent the report
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
        waits = bool(report.partnerships)
        for consultation in report.consultations:
            entries = contacts.addresses(consultation.id)
            languages = contacts.languages(consultation.id)
            # The address is kept for the second message (the partnerships' responses); with no
            # partnership to answer this first message is the last, and the address goes once
            # the server has accepted it (or given up after ENGAGE_MAIL_GIVE_UP_DAYS):
            # hear_back_finished, run by the sender.
            forget = bool(entries) and not waits and not _still_pending(consultation, report)

            def first(consultation=consultation):
                """The first message, in the language being written."""
                language = i18n.current_language()
                about = content.text_for(consultation, "title", language)
                if waits:
                    later = gettext("Each partnership named in it must now say what it will do about it, by %(date)s. "
                                    "We will email you once more: when they have all said, or if they are late.",
                                    date=format_date(due))
                else:
                    later = _LAST_EMAIL()
                return (gettext("What happened after “%(consultation)s”", consultation=about),
                        gettext("Hello,") + "\n\n" + _YOU_ASKED(about) + "\n\n"
                        + gettext("The partnership has published what it found:")
                        + f"\n\n{content.text_for(report, 'title', language)}\n{link}\n\n{later}\n\n{site}")

            written: dict[tuple[str, ...], tuple[str, str]] = {}
            for source, key, email in entries:
                wanted = tuple(languages.get((source, key), ()))
                if wanted not in written:
                    written[wanted] = in_languages(wanted, first)
                subject, body = written[wanted]
                queue_mail(email, subject, body,
                           personal=True, key=f"hear-back:{report.id}:{source}:{key}", topic=mail_topic(report),
                           after=HEAR_BACK, data={"report_id": report.id, "consultation_id": consultation.id,
                                                  "source": source, "contact": key, "forget": forget, "count": True})
                told += 1
    audit.record(None, "release", report, f"Findings report made public: {report.title}",
                 changes={"coordinators_told": [None, sent], "residents_to_tell": [None, told]})
    db.session.flush()
    if report.visibility == "public":
        events.publish(events.FINDINGS_PUBLISHED, report_id=report.id)
    return sent + told


HEAR_BACK = "sharing.hear-back"


# ---- the residents' emails, in the languages their survey was offered in ------------------
# Written once per language with ``i18n.writing_in``: the site's own always (and last); before
# it each other language the address's survey was offered in (Welsh first), when the
# catalogue has the email's words in it. Which language a resident answered in is not kept
# with their address (it must never be matched to their answers), so everyone who answered a
# survey offered in Welsh gets the email in Welsh and English.

def _YOU_ASKED(consultation_title: str) -> str:
    return gettext("You asked us to tell you what happened after you took part in “%(consultation)s”.",
                   consultation=consultation_title)


def _LAST_EMAIL() -> str:
    return gettext("This is the last email you will get about this. We delete your email address once it is sent, "
                   "unless another report from this consultation is still on its way.")


BETWEEN_LANGUAGES = "\n\n" + "-" * 40 + "\n\n"


def in_languages(languages, write) -> tuple[str, str]:
    """``write()`` gives a (subject, body) in the language being written. Returns it in each of
    ``languages`` whose catalogue has it, one after another, then in the site's own language;
    only the site's own when no other language has it."""
    site = i18n.default_language()
    with i18n.writing_in(site):
        own = write()
    others = []
    for code in languages:
        if code == site or code not in i18n.languages():
            continue
        with i18n.writing_in(code):
            version = write()
            below = gettext("This email is also in English, below.")
        if version != own:   # a language whose catalogue lacks the words is left out, not half-written
            others.append((version, below))
    if not others:
        return own
    subject = " / ".join([version[0] for version, _ in others] + [own[0]])
    body = BETWEEN_LANGUAGES.join([f"{below}\n\n{version[1]}" for version, below in others] + [own[1]])
    return subject, body


def _answers_in_words(report) -> str:
    """Each recommendation and each partnership's answer, in the language being written
    (staff texts through their translation where there is one)."""
    language = i18n.current_language()
    lines = []
    for number, rec in enumerate(report.recommendations, start=1):
        lines.append(f"{number}. {content.text_for(rec, 'text', language)[:300]}")
        for response in rec.responses:
            said = response.action or response.reason
            due = " " + gettext("(due %(date)s)", date=format_date(response.due_on)) if response.due_on else ""
            lines.append(f"   {response.partnership.name}: {gettext(response.status_label)}{due}. {said[:300]}".rstrip())
    return "\n".join(lines)


def _tell_residents_again(report, at: datetime, late: bool) -> int:
    """The second message to everyone who asked to hear back about the report's
    consultations: once (a compare-and-set on ``responses_told_at``); each address goes once
    the server has accepted it, unless another report from the consultation still owes them."""
    if not transitions.try_compare_and_set(report, {"state": "published", "responses_told_at": None},
                                           {"responses_told_at": at}):
        return 0
    site = current_app.config["ENGAGE_SITE_NAME"]
    link = _report_url(report)
    from .responses import due_on, progress

    items = progress(report)
    due = due_on(report) if late else None
    missing = [i.partnership.name for i in items if not i.done]

    def second(consultation):
        """The second message, in the language being written."""
        language = i18n.current_language()
        title = content.text_for(report, "title", language)
        if late:
            opening = ngettext(
                "The partnerships named in “%(report)s” should have said what they will do by %(date)s. They are late: "
                "%(missing)s has not answered every point yet. The report's page shows what each has said so far, "
                "and marks what is late.",
                "The partnerships named in “%(report)s” should have said what they will do by %(date)s. They are late: "
                "%(missing)s have not answered every point yet. The report's page shows what each has said so far, "
                "and marks what is late.",
                len(missing), report=title, date=format_date(due), missing=", ".join(missing))
            subject = gettext("The responses are late: %(report)s", report=title)
        else:
            opening = gettext("Every partnership named in “%(report)s” has now said what it will do about it.", report=title)
            subject = gettext("What the partnerships will do: %(report)s", report=title)
        return (subject,
                gettext("Hello,") + "\n\n" + _YOU_ASKED(content.text_for(consultation, "title", language)) + "\n\n"
                + f"{opening}\n\n{_answers_in_words(report)}\n\n" + gettext("Read it all, and see how each action is going:")
                + f"\n{link}\n\n" + _LAST_EMAIL() + f"\n\n{site}")

    told = 0
    if report.visibility == "public":
        for consultation in report.consultations:
            entries = contacts.addresses(consultation.id)
            languages = contacts.languages(consultation.id)
            forget = bool(entries) and not _still_pending(consultation, report)
            written: dict[tuple[str, ...], tuple[str, str]] = {}
            for source, key, email in entries:
                wanted = tuple(languages.get((source, key), ()))
                if wanted not in written:
                    written[wanted] = in_languages(wanted, lambda consultation=consultation: second(consultation))
                subject, body = written[wanted]
                queue_mail(email, subject, body,
                           personal=True, key=f"hear-back-2:{report.id}:{source}:{key}", topic=mail_topic(report),
                           after=HEAR_BACK, data={"report_id": report.id, "consultation_id": consultation.id,
                                                  "source": source, "contact": key, "forget": forget, "count": False})
                told += 1
    audit.record(None, "tell-residents", report,
                 f"Residents told the responses are {'late' if late else 'in'}: {report.title}",
                 changes={"residents_to_tell": [None, told]})
    db.session.flush()
    return told


def tell_residents_responded(report, at: datetime | None = None) -> int:
    """Once every partnership named on the released report has published a response to every
    recommendation, the residents who asked to hear back get their second message."""
    from .responses import progress

    if report.released_at is None or report.responses_told_at is not None or not report.partnerships:
        return 0
    items = progress(report)
    if not all(i.done for i in items):
        return 0
    return _tell_residents_again(report, at or now(), late=False)


def tell_residents_late(today=None, at: datetime | None = None) -> int:
    """Reports whose responses are late (past the due date, not every partnership has
    answered): the residents who asked to hear back get their second message, saying so."""
    from datetime import date

    from .responses import progress

    today = today or clock.today()
    told = 0
    reports = db.session.scalars(select(FindingsReport).where(
        out_clause(at), FindingsReport.released_at.is_not(None), FindingsReport.responses_told_at.is_(None))
        .order_by(FindingsReport.id)).all()
    for report in reports:
        items = progress(report)
        if items and all(i.done for i in items):
            # Two last responses published at the same moment each saw the other missing.
            told += _tell_residents_again(report, at or now(), late=False)
        elif items and any(i.state_on(today) == "late" for i in items):
            told += _tell_residents_again(report, at or now(), late=True)
    return told


def mail_topic(report) -> str:
    return f"findings-report:{report.id}"


def hear_back_finished(outcome: str, data: dict) -> None:
    """A resident's "what happened" email was accepted by the mail server (or given up after
    ENGAGE_MAIL_GIVE_UP_DAYS): only now is their address deleted, and only an accepted one
    counts in ``residents_told``. Runs in the sender's transaction (engage/core/mail.py)."""
    if data.get("forget"):
        contacts.forget(int(data["consultation_id"]), [(data["source"], data["contact"], "")])
    if outcome == SENT and data.get("count", True):   # residents_told counts the first messages
        table = FindingsReport.__table__
        db.session.execute(update(table).where(table.c.id == int(data["report_id"]))
                           .values(residents_told=func.coalesce(table.c.residents_told, 0) + 1))


def _still_pending(consultation, report) -> bool:
    """Does another report from this consultation still owe residents a message (it is being
    written, or published but not out, or out but its second message is not sent)?"""
    from ..partnership.models import Partnership

    return db.session.scalar(
        select(FindingsReport.id).where(FindingsReport.id != report.id,
                                        FindingsReport.consultations.any(Consultation.id == consultation.id),
                                        or_(FindingsReport.state.in_(PENDING_STATES),
                                            and_(FindingsReport.state == "published", FindingsReport.released_at.is_(None)),
                                            and_(FindingsReport.state == "published", FindingsReport.visibility == "public",
                                                 FindingsReport.responses_told_at.is_(None),
                                                 FindingsReport.partnerships.any(Partnership.id.is_not(None)))))
        .limit(1)) is not None


def release_due(at: datetime | None = None) -> list[FindingsReport]:
    """Release every published report whose embargo has passed but that nobody has been told
    about; returns the ones this call released (another request may have got there first)."""
    at = at or now()
    due = db.session.scalars(select(FindingsReport).where(out_clause(at), FindingsReport.released_at.is_(None))
                             .order_by(FindingsReport.id)).all()
    return [report for report in due if release(report, at)]


