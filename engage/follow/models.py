"""Residents who follow things by email, with no account.

``FollowAddress`` is the only place a follower's email address is kept (nothing else in
Engage points at it). Each thing they follow is a ``Follow`` (a consultation, a place, a
priority or "you said, we did") with its own random token, used in the confirm link and the
unsubscribe link; nothing is sent until it is confirmed. ``FollowNews`` is what is new for a
follow: mailed at once, or kept for the weekly digest. ``FollowOpened`` remembers which
consultations have been announced as open, so the daily look for consultations whose start
date has come announces each one once.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.i18n import N_
from ..core.models import utcnow
from ..extensions import db

KINDS = {
    "consultation": N_("a consultation"),
    "place": N_("a place"),
    "priority": N_("a priority"),
    "you-said-we-did": N_("you said, we did"),
}
CADENCES = {
    "immediate": N_("Each time there is news"),
    "weekly": N_("Once a week, in one email"),
}


class FollowAddress(db.Model):
    __tablename__ = "follow_address"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # The secret in the weekly digest's "stop every email" link (one digest covers every follow).
    token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # When a follow of this address was last confirmed (the purge counts a year from here).
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)

    follows = relationship("Follow", back_populates="address", cascade="all, delete-orphan", passive_deletes=True)


class Follow(db.Model):
    __tablename__ = "follow"
    __table_args__ = (UniqueConstraint("address_id", "kind", "target_id", name="uq_follow_target"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("follow_address.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer, default=0)        # 0 for "you said, we did"
    cadence: Mapped[str] = mapped_column(String(12), default="immediate")
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The language the follow was asked for in (engage/core/i18n.py): its emails are written in it.
    language: Mapped[str] = mapped_column(String(20), default="en", server_default="en")

    address = relationship("FollowAddress", back_populates="follows")
    news = relationship("FollowNews", back_populates="follow", cascade="all, delete-orphan", passive_deletes=True,
                        order_by="FollowNews.id")


class FollowNews(db.Model):
    __tablename__ = "follow_news"
    __table_args__ = (UniqueConstraint("follow_id", "key", name="uq_follow_news_key"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    follow_id: Mapped[int] = mapped_column(ForeignKey("follow.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))                       # "findings:7", "progress:12"
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    follow = relationship("Follow", back_populates="news")


class FollowOpened(db.Model):
    __tablename__ = "follow_opened"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True)
    announced_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
