"""Telling partners that a strategy version is out for comment: the Network Group's members
and each partnership's coordinators, once each, after the commit (``core.mail.queue_mail``:
nothing is sent if the move is rolled back)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

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
