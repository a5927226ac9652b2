"""Following by email, with no account: the rules.

- ``start`` stores the address (in ``follow_address`` only) and a follow with a random token,
  and queues the confirm email. Nothing else is sent until ``confirm``.
- The event handlers (``engage/core/events.py``) turn what happened into ``FollowNews`` for
  each confirmed follow it concerns (the place rule of engage/partnership/places.py for
  places): mailed at once for "each time", or kept for the weekly digest
  (``send_digests``). Each email has a send-once key, so nothing is sent twice.
- Each follow keeps the language it was asked for in; every email about it is written in that
  language (``i18n.writing_in``), news included (kept per follow, in its language).
- ``unsubscribe`` deletes the follow, the address once nothing else uses it, and any email
  to it still waiting in the outbox. ``purge`` deletes addresses with no confirmed follow
  for a year.
Addresses never reach the log: every email is ``personal``. Services flush; callers commit.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from ..consultations.models import Consultation
from ..core import transitions
from ..core import content, i18n
from ..core.errors import RuleError
from ..core.i18n import gettext, ngettext
from ..core.mail import external_url, queue_mail
from ..core.models import OutboxMessage, utcnow
from ..core.templating import format_date
from ..extensions import db
from ..partnership.models import Area, Priority
from ..partnership.places import places_scope
from .models import CADENCES, KINDS, Follow, FollowAddress, FollowNews, FollowOpened
from ..core import clock

YEAR = timedelta(days=365)
WEEK = timedelta(days=7)
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


# ---- what can be followed ----------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    kind: str
    target_id: int
    name: str          # "the consultation “Parks survey”", "Castlefields", "you said, we did"
    url: str           # its public page (a path)


def target(kind: str, target_id: int | None) -> Target | None:
    """What a follow is about, or None when there is no such public thing."""
    from flask import url_for

    if kind == "you-said-we-did":
        return Target(kind, 0, gettext("“You said, we did”"), url_for("sharing.you_said_we_did"))
    if not isinstance(target_id, int) or not 0 < target_id < 2**31:
        return None
    if kind == "consultation":
        found = db.session.get(Consultation, target_id)
        if found is None or found.visibility != "public":
            return None
        return Target(kind, found.id, f"“{content.text_for(found, 'title', i18n.current_language())}”",
                      url_for("consultations.page", consultation_id=found.id))
    if kind == "place":
        found = db.session.get(Area, target_id)
        if found is None:
            return None
        return Target(kind, found.id, gettext("%(place)s and the places around it", place=found.name),
                      url_for("partnership.places"))
    if kind == "priority":
        found = db.session.get(Priority, target_id)
        if found is None:
            return None
        return Target(kind, found.id, gettext("the priority “%(name)s”", name=found.name), url_for("partnership.priorities"))
    return None


def target_of(follow: Follow) -> Target:
    return target(follow.kind, follow.target_id or None) or Target(follow.kind, follow.target_id, gettext(KINDS[follow.kind]), "/")


# ---- following, confirming and stopping --------------------------------------------------

def clean_email(text) -> str:
    email = (text or "").strip()
    if not email:
        raise RuleError(gettext("Enter your email address"), "email")
    if len(email) > 254 or not _EMAIL.match(email):
        raise RuleError(gettext("Enter an email address in the correct format, like name@example.org"), "email")
    return email


def start(email, kind: str, target_id: int | None, cadence: str, now: datetime | None = None,
          language: str | None = None) -> Follow | None:
    """Someone asked to follow something: store it unconfirmed, in the language they asked in
    (``language``, else the page's), and queue the confirm email (at most one a day for the
    same follow). A follow already confirmed is left as it was
    and nothing is sent (the page says the same either way, so it tells no one who follows
    what). Returns the follow."""
    now = now or utcnow()
    email = clean_email(email)
    if cadence not in CADENCES:
        raise RuleError(gettext("Select how often you want emails"), "cadence")
    about = target(kind, target_id)
    if about is None:
        raise RuleError(gettext("Select what you want to follow"), "area" if kind == "place" else "kind")
    address = db.session.scalar(select(FollowAddress).where(func.lower(FollowAddress.email) == email.lower()))
    if address is None:
        address = FollowAddress(email=email, created_at=now)
        db.session.add(address)
        db.session.flush()
    follow = db.session.scalar(select(Follow).where(Follow.address_id == address.id, Follow.kind == kind,
                                                    Follow.target_id == about.target_id))
    if follow is not None and follow.confirmed_at is not None:
        return follow
    if follow is None:
        follow = Follow(address=address, kind=kind, target_id=about.target_id, cadence=cadence,
                        token=secrets.token_urlsafe(32), created_at=now)
        db.session.add(follow)
    else:
        follow.cadence = cadence
    # Asked again in another language: the emails follow the latest choice.
    follow.language = language if language in i18n.languages() else i18n.current_language()
    db.session.flush()
    site = current_app.config["ENGAGE_SITE_NAME"]
    with i18n.writing_in(follow.language):
        name = target_of(follow).name
        _mail(follow, gettext("Confirm you want emails about %(name)s", name=name),
              gettext("Hello,") + "\n\n"
              + gettext("Someone, we hope you, asked %(site)s to email this address about %(name)s.", site=site, name=name)
              + "\n\n" + gettext("To start the emails, open this link and press the button:") + "\n"
              + external_url("follow.confirm", token=follow.token) + "\n\n"
              + gettext("If it was not you, do nothing. We will not email you again, and we delete this address "
                        "within a year."), key=f"follow-confirm:{follow.id}:{now:%Y-%m-%d}")
    return follow


def by_token(token) -> Follow | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    return db.session.scalar(select(Follow).where(Follow.token == token))


def address_by_token(token) -> FollowAddress | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    return db.session.scalar(select(FollowAddress).where(FollowAddress.token == token))


def confirmed_follows(address: FollowAddress) -> list[Follow]:
    return [f for f in address.follows if f.confirmed_at is not None]


def confirm(follow: Follow, now: datetime | None = None) -> bool:
    """Start the emails. True the first time; False when it was confirmed already."""
    now = now or utcnow()
    if not transitions.try_compare_and_set(follow, {"confirmed_at": None}, {"confirmed_at": now}):
        return False
    follow.address.confirmed_at = now
    db.session.flush()
    return True


def unsubscribe(follow: Follow) -> None:
    """Stop this follow: it goes, with its news and any email to it not yet sent, and the
    address goes too once nothing else uses it. A weekly digest still waiting that also
    carries news of the address's other follows is taken back too, and that news waits for
    the next digest (without this follow's)."""
    address_id, follow_id = follow.address_id, follow.id
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.topic == _topic(follow_id),
                                                   OutboxMessage.state == "waiting"))
    _take_back_digests(address_id)
    db.session.execute(delete(FollowNews).where(FollowNews.follow_id == follow_id))
    db.session.execute(delete(Follow).where(Follow.id == follow_id))
    left = db.session.scalar(select(func.count()).select_from(Follow).where(Follow.address_id == address_id))
    if not left:
        db.session.execute(delete(FollowAddress).where(FollowAddress.id == address_id))
    db.session.expire_all()
    db.session.flush()


def stop_all(address: FollowAddress) -> list[str]:
    """Stop every follow of this address (the weekly digest's "stop every email" link): the
    address goes with them. Returns the names of what was followed."""
    names = [target_of(f).name for f in address.follows]
    _take_back_digests(address.id)
    for follow in list(address.follows):
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.topic == _topic(follow.id),
                                                       OutboxMessage.state == "waiting"))
    db.session.execute(delete(FollowNews).where(FollowNews.follow_id.in_(select(Follow.id).where(Follow.address_id == address.id))))
    db.session.execute(delete(Follow).where(Follow.address_id == address.id))
    db.session.execute(delete(FollowAddress).where(FollowAddress.id == address.id))
    db.session.expire_all()
    db.session.flush()
    return names


def _take_back_digests(address_id: int) -> None:
    """Delete the address's weekly digests not yet sent, and put their news back to wait."""
    waiting = db.session.execute(select(OutboxMessage.id, OutboxMessage.data).where(
        OutboxMessage.topic == _digest_topic(address_id), OutboxMessage.state == "waiting")).all()
    for message_id, data in waiting:
        news_ids = list((data or {}).get("news", []))
        follow_ids = list((data or {}).get("follows", []))
        if news_ids:
            db.session.execute(FollowNews.__table__.update().where(FollowNews.id.in_(news_ids)).values(sent_at=None))
        if follow_ids:
            db.session.execute(Follow.__table__.update().where(Follow.id.in_(follow_ids)).values(last_digest_at=None))
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id))


def purge(now: datetime | None = None, echo=lambda m: None) -> int:
    """Delete every address with no confirmed follow for a year (counted from its last
    confirmation, or from when it was given). Returns how many. Flushes."""
    now = now or utcnow()
    confirmed = select(Follow.address_id).where(Follow.confirmed_at.is_not(None))
    stale = select(FollowAddress.id).where(FollowAddress.id.not_in(confirmed),
                                           func.coalesce(FollowAddress.confirmed_at, FollowAddress.created_at) <= now - YEAR)
    ids = list(db.session.scalars(stale))
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        follows = select(Follow.id).where(Follow.address_id.in_(part))
        topics = [_topic(follow_id) for follow_id in db.session.scalars(follows)]
        if topics:
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.topic.in_(topics), OutboxMessage.state == "waiting"))
        db.session.execute(delete(FollowNews).where(FollowNews.follow_id.in_(follows)))
        db.session.execute(delete(Follow).where(Follow.address_id.in_(part)))
        db.session.execute(delete(FollowAddress).where(FollowAddress.id.in_(part)))
    db.session.flush()
    if ids:
        echo(f"Deleted {len(ids):,} follow email address{'es' if len(ids) != 1 else ''} with no confirmed follow for a year")
    return len(ids)


# ---- email -------------------------------------------------------------------------------

def _topic(follow_id: int) -> str:
    return f"follow:{follow_id}"


def _digest_topic(address_id: int) -> str:
    return f"follow-digest:{address_id}"


def _mail(follow: Follow, subject: str, body: str, key: str, topic: str | None = None, data: dict | None = None) -> bool:
    """Queue one email to a follower, with the unsubscribe link in the text and in the
    List-Unsubscribe headers (RFC 8058: a POST to the link stops the emails at once). Called
    inside ``i18n.writing_in(follow.language)``: the footer is in the follower's language."""
    site = current_app.config["ENGAGE_SITE_NAME"]
    stop = external_url("follow.unsubscribe", token=follow.token)
    footer = ("\n\n---\n" + gettext("You get this email because this address asked to follow %(name)s on %(site)s.",
                                     name=target_of(follow).name, site=site)
              + "\n" + gettext("To stop these emails, open this link:") + f"\n{stop}\n")
    return queue_mail(follow.address.email, subject, body + footer, personal=True, key=key, topic=topic or _topic(follow.id),
                      data=data, headers={"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


# ---- news: who it concerns, and telling them ---------------------------------------------

@dataclass(frozen=True)
class News:
    key: str
    title: str
    text: str
    link: str


def _matching(consultation_ids=(), area_ids=(), priority_ids=(), you_said_we_did=False) -> list[Follow]:
    """Confirmed follows that this news concerns. A place follow matches work in the place,
    in the places inside it and in the places around it (the place rule)."""
    clauses = []
    if consultation_ids:
        clauses.append((Follow.kind == "consultation") & Follow.target_id.in_(list(consultation_ids)))
    places = places_scope(list(area_ids))
    if places:
        clauses.append((Follow.kind == "place") & Follow.target_id.in_(list(places)))
    if priority_ids:
        ids = set(priority_ids)
        for priority in db.session.scalars(select(Priority).where(Priority.id.in_(list(ids)))):
            ids.update(p.id for p in priority.successors)
        clauses.append((Follow.kind == "priority") & Follow.target_id.in_(list(ids)))
    if you_said_we_did:
        clauses.append(Follow.kind == "you-said-we-did")
    if not clauses:
        return []
    return list(db.session.scalars(select(Follow).where(Follow.confirmed_at.is_not(None), or_(*clauses))
                                   .order_by(Follow.id)))


def _tell(follows, build, now: datetime | None = None) -> int:
    """Record the news once per follow, written by ``build()`` in the follow's language (once
    per language); mail it at once to those who asked for each one."""
    now = now or utcnow()
    written: dict[str, News] = {}
    table = FollowNews.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    told = 0
    for follow in follows:
        immediate = follow.cadence == "immediate"
        with i18n.writing_in(follow.language) as language:
            if language not in written:
                written[language] = build()
        news = written[language]
        stored = db.session.execute(
            insert(table).values(follow_id=follow.id, key=news.key[:100], title=news.title[:300], text=news.text,
                                 link=news.link[:500], created_at=now, sent_at=now if immediate else None)
            .on_conflict_do_nothing(index_elements=["follow_id", "key"]).returning(table.c.id)).first()
        if stored is None:
            continue
        told += 1
        if immediate:
            with i18n.writing_in(follow.language):
                _mail(follow, news.title, gettext("Hello,") + "\n\n"
                      + gettext("There is news about %(name)s, which you follow.", name=target_of(follow).name)
                      + f"\n\n{news.title}\n\n{news.text}\n\n" + gettext("Read more:") + f"\n{news.link}",
                      key=f"follow-news:{follow.id}:{news.key}")
    db.session.flush()
    return told


def _public_report(report_id):
    from ..sharing.models import FindingsReport

    report = db.session.get(FindingsReport, report_id)
    if report is None or report.visibility != "public" or not report.is_out(utcnow()):
        return None
    return report


def _report_follows(report) -> list[Follow]:
    area_ids = {a.id for a in report.areas} | {a.id for c in report.consultations for a in c.areas}
    return _matching(consultation_ids={c.id for c in report.consultations}, area_ids=area_ids,
                     priority_ids={p.id for p in report.priorities}, you_said_we_did=True)


def _short(text: str, limit: int = 600) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def consultation_opened(consultation_id: int) -> int:
    """A public consultation is open: tell those who follow it, its places or its priorities.
    Safe to run twice (each follow hears once)."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or consultation.visibility != "public":
        return 0
    if db.session.get(FollowOpened, consultation.id) is None:
        db.session.add(FollowOpened(consultation_id=consultation.id))
        db.session.flush()
    close = consultation.closes_on

    def news():
        language = i18n.current_language()
        text = _short(content.text_for(consultation, "summary", language))
        if close:
            text += "\n\n" + gettext("Have your say by %(date)s.", date=format_date(close))
        return News(f"opened:{consultation.id}",
                    gettext("Have your say: %(title)s", title=content.text_for(consultation, "title", language)), text,
                    external_url("consultations.page", consultation_id=consultation.id))
    return _tell(_matching(consultation_ids={consultation.id}, area_ids={a.id for a in consultation.areas},
                           priority_ids={p.id for p in consultation.priorities}), news)


def findings_published(report_id: int) -> int:
    report = _public_report(report_id)
    if report is None:
        return 0

    def news():
        language = i18n.current_language()
        text = _short(content.text_for(report, "summary", language)) + "\n\n" + gettext(
            "Each partnership named in it will now say what it will do.")
        return News(f"findings:{report.id}", gettext("Results published: %(title)s",
                                                     title=content.text_for(report, "title", language)),
                    text, external_url("sharing.report", report_id=report.id))
    return _tell(_report_follows(report), news)


def _response_text(response) -> str:
    lines = [f"{gettext(response.status_label)}: {_short(response.recommendation.text, 300)}"]
    if response.action:
        lines.append(gettext("What they will do: %(action)s", action=_short(response.action, 400)))
    if response.reason:
        lines.append(gettext("Why: %(reason)s", reason=_short(response.reason, 400)))
    if response.due_on:
        lines.append(gettext("Due by %(date)s.", date=format_date(response.due_on)))
    return "\n".join(lines)


def response_published(report_id: int, response_id: int, partnership_id: int | None = None) -> int:
    from ..sharing.models import Response

    report = _public_report(report_id)
    response = db.session.get(Response, response_id)
    if report is None or response is None or response.report_id != report.id:
        return 0

    def news():
        title = content.text_for(report, "title", i18n.current_language())
        return News(f"response:{response.id}",
                    gettext("%(partnership)s has responded: %(title)s", partnership=response.partnership.name, title=title),
                    _response_text(response),
                    external_url("sharing.report", report_id=report.id, _anchor=f"partnership-{response.partnership_id}"))
    return _tell(_report_follows(report), news)


def response_progress(report_id: int, response_id: int, update_id: int) -> int:
    from ..sharing.models import Response, ResponseUpdate

    report = _public_report(report_id)
    response = db.session.get(Response, response_id)
    update = db.session.get(ResponseUpdate, update_id)
    if report is None or response is None or update is None or update.response_id != response.id:
        return 0

    def news():
        title = content.text_for(report, "title", i18n.current_language())
        text = _response_text(response) + "\n\n" + gettext("Progress: %(note)s", note=_short(update.note, 800))
        return News(f"progress:{update.id}",
                    gettext("Progress from %(partnership)s: %(title)s", partnership=response.partnership.name, title=title),
                    text,
                    external_url("sharing.report", report_id=report.id, _anchor=f"partnership-{response.partnership_id}"))
    return _tell(_report_follows(report), news)


# ---- the scheduled sender ----------------------------------------------------------------

def announce_opened(today: date | None = None) -> list[int]:
    """Consultations whose start date has come in the last week (public, open today) and
    that were never announced: tell everyone (through the ``consultation.opened`` event).
    One open for longer is not news. Returns their ids."""
    from ..consultations.services import status_expression
    from ..core import events

    today = today or clock.today()
    start = func.coalesce(Consultation.actual_start, Consultation.planned_start)
    opened = db.session.scalars(select(Consultation.id).where(
        Consultation.visibility == "public", status_expression(today) == "open", start >= today - WEEK,
        Consultation.id.not_in(select(FollowOpened.consultation_id))).order_by(Consultation.id)).all()
    for consultation_id in opened:
        events.publish(events.CONSULTATION_OPENED, consultation_id=consultation_id)
    return list(opened)


def send_digests(now: datetime | None = None) -> int:
    """One weekly email per person (address and language) with the news not yet sent of
    all their weekly follows, at most one a week: a part per follow, each piece of news told
    once (a report about a ward and a priority they both follow). Keyed by the
    address, language and week, so two senders running at once store it once. Returns how
    many emails were stored."""
    now = now or utcnow()
    year, week, _ = now.isocalendar()
    due = db.session.scalars(select(Follow).where(
        Follow.cadence == "weekly", Follow.confirmed_at.is_not(None),
        or_(Follow.last_digest_at.is_(None), Follow.last_digest_at <= now - WEEK),
        Follow.id.in_(select(FollowNews.follow_id).where(FollowNews.sent_at.is_(None))))
        .order_by(Follow.address_id, Follow.language, Follow.id)).all()
    people: dict[tuple[int, str], list[Follow]] = {}
    for follow in due:
        people.setdefault((follow.address_id, follow.language), []).append(follow)
    sent = 0
    for (address_id, language), follows in people.items():
        news = db.session.scalars(select(FollowNews).where(FollowNews.follow_id.in_([f.id for f in follows]),
                                                           FollowNews.sent_at.is_(None)).order_by(FollowNews.id)).all()
        sections = [(follow, [item for item in news if item.follow_id == follow.id]) for follow in follows]
        sections = [(follow, items) for follow, items in sections if items]
        if not sections:
            continue
        with i18n.writing_in(language):
            stored = _digest(follows[0].address, sections, len({item.key for item in news}),
                             key=f"follow-digest:{address_id}:{language}:{year}-W{week:02d}",
                             data={"news": [item.id for item in news], "follows": [f.id for f in follows]})
        if not stored:
            continue      # another sender stored this week's digest first
        for item in news:
            item.sent_at = now
        for follow in follows:
            follow.last_digest_at = now
        sent += 1
    db.session.flush()
    return sent


def _digest(address: FollowAddress, sections: list, count: int, key: str, data: dict) -> bool:
    """Queue one person's weekly digest. One follow: its news, and the link that stops it.
    Several: a part for each, with the link that stops that one; news already told in an
    earlier part is named again with "see above". At the foot (and in the List-Unsubscribe
    headers), the link that stops every email to the address."""
    if len(sections) == 1:
        follow, items = sections[0]
        name = target_of(follow).name
        body = [gettext("Hello,") + "\n\n"
                + gettext("Here is what is new this week about %(name)s, which you follow.", name=name) + "\n"]
        body += [f"* {item.title}\n{item.text}\n{item.link}\n" for item in items]
        subject = ngettext("This week: %(num)s new thing about %(name)s", "This week: %(num)s new things about %(name)s",
                           count, name=name)
        return _mail(follow, subject, "\n".join(body), key=key, topic=_digest_topic(address.id), data=data)
    site = current_app.config["ENGAGE_SITE_NAME"]
    body = [gettext("Hello,") + "\n\n" + gettext("Here is what is new this week about what you follow.") + "\n"]
    told: set[str] = set()
    for follow, items in sections:
        name = target_of(follow).name
        body.append(f"== {name} ==\n")
        for item in items:
            if item.key in told:
                body.append("* " + gettext("%(title)s (see above)", title=item.title) + "\n")
            else:
                body.append(f"* {item.title}\n{item.text}\n{item.link}\n")
                told.add(item.key)
        body.append(gettext("To stop the emails about %(name)s, open this link:", name=name) + "\n"
                    + external_url("follow.unsubscribe", token=follow.token) + "\n")
    stop = external_url("follow.stop_all", token=address.token)
    footer = ("\n\n---\n" + gettext("You get this email because this address asked to follow these on %(site)s, "
                                     "with the news once a week.", site=site)
              + "\n" + gettext("To stop every email from us to this address, open this link:") + f"\n{stop}\n")
    subject = ngettext("This week: %(num)s new thing about what you follow", "This week: %(num)s new things about what you follow",
                       count)
    return queue_mail(address.email, subject, "\n".join(body) + footer, personal=True, key=key, topic=_digest_topic(address.id),
                      data=data, headers={"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


def counts() -> dict:
    return {"addresses": db.session.scalar(select(func.count()).select_from(FollowAddress)) or 0,
            "follows": db.session.scalar(select(func.count()).select_from(Follow)) or 0}
