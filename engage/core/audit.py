"""Recording changes: services call ``record`` before they flush."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect

from ..extensions import db
from .models import AuditEvent


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def changes_of(obj) -> dict:
    """The column changes pending on ``obj``: {column: [old, new]}."""
    state = inspect(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            out[attr.key] = [_plain(old), _plain(new)]
    return out


def record(actor, action: str, obj, summary: str = "", changes: dict | None = None) -> AuditEvent:
    """Add an audit event for ``obj``; call before the flush that writes the change."""
    if changes is None and action in {"create", "update"}:
        changes = changes_of(obj)
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        summary=summary[:300],
        changes=changes or None,
    )
    db.session.add(event)
    if event.object_id is None:
        # Objects created in this transaction get their id at flush; fill it in then.
        db.session.flush()
        event.object_id = getattr(obj, "id", None)
    return event


def history(obj, limit: int = 50) -> list[AuditEvent]:
    return db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.object_type == type(obj).__name__, AuditEvent.object_id == obj.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
