"""Recording changes: services call ``record`` before they flush.

History belongs to the record itself. An event names its record by type and id; ids are never
reused (SQLite AUTOINCREMENT, PostgreSQL sequences: engage/core/database.py), and when a
record is deleted through ``engage.core.deletion`` the events of that record and of every row
deleted with it are closed (``record_deleted``), so ``history`` can never show them for
another record, even one that somehow got the same id (a restore, a reset sequence, rows
written with explicit ids). The delete itself stays in the trail for officers.

How a new capability uses it: ``audit.record(actor, "create"|"update"|..., obj, summary)``
before the flush; ``audit.history(obj)`` for the "Changes" list (``templates/macros/history.html``).
The summary is kept in the site's own language (the trail reads the same for everyone); give
``said=(N_("%(step)s: %(before)s → %(after)s"), {...values}, ("step", ...))`` as well and the
"Changes" list shows it in the reader's language (``AuditEvent.shown_summary``: the values
named in the third item, such as a workflow's state names, are translated too).
For records with an edit version (engage/core/concurrency.py) ``record`` moves the version on
once per transaction and keeps it on the event, which is how an edit conflict can say what
changed since the person opened the form.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect

from ..extensions import db
from .models import AuditEvent

VERSIONED_ACTIONS = {"update", "import"}
SAID = "_said"  # the key of ``changes`` that keeps a summary's text for the catalogue


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def changes_of(obj) -> dict:
    """The column changes pending on ``obj``: {column: [old, new]}."""
    state = inspect(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        if attr.key == "version":
            continue
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            out[attr.key] = [_plain(old), _plain(new)]
    return out


def record(actor, action: str, obj, summary: str = "", changes: dict | None = None, said: tuple | None = None) -> AuditEvent:
    """Add an audit event for ``obj``; call before the flush that writes the change. ``said``:
    the summary as a text of the catalogue with its values (see the module's docstring)."""
    from . import concurrency

    if changes is None and action in {"create", "update"}:
        changes = changes_of(obj)
    if said:
        text, values, *rest = said
        changes = {**(changes or {}), SAID: [text, {k: _plain(v) for k, v in values.items()}, list(rest[0]) if rest else []]}
    version = None
    if concurrency.is_versioned(obj):
        version = concurrency.bump(obj) if action in VERSIONED_ACTIONS else (getattr(obj, "version", None) or 1)
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        summary=summary[:300],
        changes=changes or None,
        record_version=version,
        record_deleted=False,
    )
    db.session.add(event)
    if event.object_id is None:
        # Objects created in this transaction get their id at flush; fill it in then.
        db.session.flush()
        event.object_id = getattr(obj, "id", None)
    return event


def _of(obj):
    return db.select(AuditEvent).where(
        AuditEvent.object_type == type(obj).__name__,
        AuditEvent.object_id == obj.id,
        AuditEvent.record_deleted.is_(False),
    )


def history(obj, limit: int = 50) -> list[AuditEvent]:
    """The changes of this record, newest first (never those of a deleted record)."""
    if getattr(obj, "id", None) is None:
        return []
    return db.session.scalars(
        _of(obj).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)
    ).all()


def events_since(obj, version: int) -> list[AuditEvent]:
    """Changes made to a versioned record after ``version``, oldest first."""
    return db.session.scalars(
        _of(obj).where(AuditEvent.record_version > version).order_by(AuditEvent.id)
    ).all()
