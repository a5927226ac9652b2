"""Telling partners that a strategy version is out for comment: the Network Group's members
and each partnership's coordinators, once each, after the commit (``core.mail.queue_mail``:
nothing is sent if the move is rolled back)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..core.params import to_id
from ..accounts.models import User
from ..core.mail import external_url, queue_mail
from ..core.templating import format_date
from ..extensions import db
from ..partnership.models import partnership_coordinator
from .models import NetworkMember, StrategyVersion


def partners_to_tell(actor) -> list[User]:
    """Active accounts of Network Group members and partnership coordinators, by name,
    each once, without the officer who sent the version out."""
    ids = set(db.session.scalars(select(NetworkMember.user_id)))
    ids.update(db.session.scalars(select(partnership_coordinator.c.user_id)))
    ids.discard(getattr(actor, "id", None))
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.name, User.id)))


def out_for_comment(actor, version: StrategyVersion, step) -> int:
    """Queue one email to each partner saying the version is open for comment, where, and
    until when; each keyed by the move (``step``) and the person, so it is stored once.
    Returns how many were queued."""
    site = current_app.config["ENGAGE_SITE_NAME"]
    link = external_url("strategy.version", version_id=version.id)
    closes = f" until {format_date(version.comments_close_on)}" if version.comments_close_on else ""
    people = partners_to_tell(actor)
    for user in people:
        queue_mail(user.email, f"Have your say on the draft: {version.title}",
                   f"Hello {user.name},\n\n{getattr(actor, 'name', 'A partnership officer')} has sent version {version.number} "
                   f"of “{version.title}” out for comment. Partners can comment on any section{closes}:\n\n{link}\n\n"
                   f"Every comment gets a recorded response, published with the adopted strategy.\n\n{site}",
                   key=f"strategy-move:{step.id}:{user.id}")
    return len(people)


# ---- closing early, answers and adoption: the people who were told, told again -----------

def _commenters(version: StrategyVersion) -> list[tuple[str, str, str, bool, int]]:
    """Everyone who commented on the version and left an address, once per address:
    [(email, name, key, personal, first comment id)]. A partner's is their account's address;
    a member of the public's is the one they gave (personal: blanked once sent)."""
    out, seen = [], set()
    for section in version.sections:
        for comment in section.comments:
            if comment.is_spam:
                continue
            entry = _address_of(comment)
            if entry is None or entry[0].lower() in seen:
                continue
            seen.add(entry[0].lower())
            out.append((*entry, comment.id))
    return out


def _address_of(comment) -> tuple[str, str, str, bool] | None:
    if comment.author is not None and comment.author.active and comment.author.email:
        return comment.author.email, comment.author.name, f"user:{comment.author.id}", False
    if comment.contact is not None and comment.contact.email:
        return comment.contact.email, comment.contact.name, f"comment:{comment.id}", True
    return None


def promised(version: StrategyVersion) -> list[tuple[str, str, str, bool]]:
    """The people who were told comments stay open until the closing date: the partners
    emailed when it was sent out for comment (read from the outbox by that move's key), and
    everyone who has commented and left an address. [(email, name, key, personal)], once each."""
    from ..core.models import OutboxMessage
    from .models import StrategyTransition

    out, seen = [], set()
    steps = db.session.scalars(select(StrategyTransition.id).where(StrategyTransition.version_id == version.id,
                                                                   StrategyTransition.action == "open_comment")).all()
    ids = set()
    for step_id in steps:
        for key in db.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.like(f"strategy-move:{step_id}:%"))):
            user_id = to_id(key.rsplit(":", 1)[-1])
            if user_id is not None:
                ids.add(user_id)
    if ids:
        for user in db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.name, User.id)):
            seen.add(user.email.lower())
            out.append((user.email, user.name, f"user:{user.id}", False))
    for email, name, key, personal, _ in _commenters(version):
        if email.lower() not in seen:
            seen.add(email.lower())
            out.append((email, name, key, personal))
    return out


def days_left(version: StrategyVersion, today) -> int:
    """Days of the comment period still to run: until the closing date, or 1 on the closing
    day itself (comments are open all that day); 0 once closed or not out for comment."""
    if version.state != "consultation" or version.comments_close_on is None or today > version.comments_close_on:
        return 0
    return max(1, (version.comments_close_on - today).days)


def closed_early(actor, version: StrategyVersion, step, left: int) -> int:
    """The version was adopted with ``left`` days of its comment period to run: tell each
    person who was promised the closing date, once (keyed by the move and the person)."""
    site = current_app.config["ENGAGE_SITE_NAME"]
    link = external_url("strategy.version", version_id=version.id)
    closes = format_date(version.comments_close_on)
    people = promised(version)
    for email, name, key, personal in people:
        queue_mail(email, f"Comments closed early: {version.title}",
                   f"Hello {name},\n\nYou were told that comments on version {version.number} of “{version.title}” "
                   f"were open until {closes}. {getattr(actor, 'name', 'A partnership officer')} adopted it today, "
                   f"with {left} day{'s' if left != 1 else ''} of comments still to go, so comments have now closed.\n\n"
                   f"{('Why: ' + step.reason + chr(10) + chr(10)) if step.reason else ''}"
                   f"What was done with each comment is published with the strategy:\n{link}\n\n{site}",
                   personal=personal, key=f"strategy-closed-early:{step.id}:{key}")
    return len(people)


def adopted(version: StrategyVersion, step) -> int:
    """Tell everyone who commented and left an address that the strategy was adopted, and
    where to read what was done with their comment (once each, keyed by the move)."""
    site = current_app.config["ENGAGE_SITE_NAME"]
    link = external_url("strategy.responses", version_id=version.id)
    people = _commenters(version)
    for email, name, key, personal, _ in people:
        queue_mail(email, f"The strategy you commented on is adopted: {version.title}",
                   f"Hello {name},\n\nThank you for commenting on “{version.title}”. Version {version.number} "
                   f"was adopted on {format_date(version.adopted_on)}.\n\n"
                   f"See what was done with every comment, including yours:\n{link}\n\n{site}",
                   personal=personal, key=f"strategy-adopted:{step.id}:{key}")
    return len(people)


def answered(comment) -> bool:
    """Tell the person who made a comment (if they left an address) that it has an answer,
    and what it says: once per comment, however often the answer is edited afterwards."""
    entry = _address_of(comment)
    if entry is None:
        return False
    email, name, _key, personal = entry
    version = comment.section.strategy_version
    site = current_app.config["ENGAGE_SITE_NAME"]
    link = external_url("strategy.version", version_id=version.id, _anchor=comment.section.anchor)
    return queue_mail(email, f"Your comment has an answer: {version.title}",
                      f"Hello {name},\n\nYou commented on the section “{comment.section.heading}” of "
                      f"“{version.title}”. The partnership has recorded what it did with your comment:\n\n"
                      f"{comment.response_label}: {comment.response_text}\n\n"
                      f"All the answers are published when the strategy is adopted. The draft is here:\n{link}\n\n{site}",
                      personal=personal, key=f"strategy-answered:{comment.id}")
