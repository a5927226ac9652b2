"""Shared models: the audit trail."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class AuditEvent(db.Model):
    """Who changed what, and when. Written by services, never edited.

    An event belongs to one record: ``object_type`` and ``object_id`` (ids are never reused,
    engage/core/database.py) while ``record_deleted`` is false. When the record is deleted
    (``engage.core.deletion``) its events are closed, so even an id given out again could
    never show them. ``record_version`` is the record's version after the change (for
    records with an edit version, engage/core/concurrency.py): an edit conflict shows the
    changes made since the version the person loaded."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_record", "object_type", "object_id", "record_deleted"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(60), index=True)
    object_id: Mapped[int | None] = mapped_column(Integer, index=True)
    summary: Mapped[str] = mapped_column(String(300), default="")
    changes: Mapped[dict | None] = mapped_column(JSON)
    record_version: Mapped[int | None] = mapped_column(Integer)
    record_deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
