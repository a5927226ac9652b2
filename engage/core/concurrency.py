"""Edit versions: no save silently overwrites someone else's.

Every record people edit in a form has a ``version`` column (``Versioned`` below), used by
SQLAlchemy as the mapper's ``version_id_col``: each UPDATE says ``WHERE version = <the
version read>``, so of two saves racing each other only one can succeed. The form carries the
version it was loaded from in a hidden field; the service compares it with the record's
version before changing anything, and raises ``EditConflict`` when someone else saved in
between. The page then says "someone else changed this", lists what they changed since the
person opened the form (from the audit trail: who, when, before, after) next to the person's
own values, keeps the person's values in the form and moves the hidden version on, so they
can merge and save again on purpose.

How a new capability uses it:

1. Model: ``class Survey(Versioned, db.Model)``. The migration adds
   ``sa.Column("version", sa.Integer(), server_default="1", nullable=False)``.
2. Form: ``version = VersionField()`` (``engage.core.forms``); a form built with
   ``Form(obj=record)`` fills it in; render ``{{ form.version }}`` inside the ``<form>``.
3. Service: ``concurrency.check(record, version)`` first (``version`` is what the form sent;
   ``None``, a missing or tampered field, counts as a conflict), change the record, call
   ``audit.record(actor, "update", record, ...)`` (which moves the version on once per
   transaction and remembers it on the event), then ``concurrency.flush(record)`` instead of
   ``db.session.flush()`` so a save that lost a race is an ``EditConflict`` too.
   Changes that only touch links (many-to-many) still move the version on: ``audit.record``
   or ``concurrency.bump(record)`` does it.
4. View: ``except (EditConflict, *concurrency.CONFLICTS) as error: db.session.rollback();
   conflict = concurrency.as_conflict(error, Model, record_id, form.version.data);
   conflict.apply(form)`` and render the form with ``view=conflict.describe(form)``
   (``conflict.describe(form).gone``: it was deleted meanwhile); the template calls
   ``{{ conflict_panel(conflict) }}`` from ``templates/macros/conflict.html`` above the form.
   Answer 409.

Changes made outside a form (an import filling in a blank, the demo seeder) go through
``audit.record`` or ``bump`` as well, so a form opened before them conflicts too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Integer, event, inspect, select
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from .params import to_id

UNCHECKED = object()
_BUMPED = "engage_versions_bumped"
# Keys of audit changes that are bookkeeping, never shown as "what changed".
HIDDEN_KEYS = {"version", "updated_at", "updated_by_id", "revision_number", "created_at", "revision", "_said"}


class Versioned:
    """Mixin: a ``version`` column that SQLAlchemy checks on every UPDATE and DELETE."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        # The application moves the version on (``bump``), once per transaction, so one
        # save that flushes twice is still one new version.
        return {"version_id_col": cls.__table__.c.version, "version_id_generator": False}


def is_versioned(obj) -> bool:
    return isinstance(obj, Versioned)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_bumps(session, *args) -> None:
    session.info.pop(_BUMPED, None)


def bump(obj) -> int | None:
    """Move ``obj``'s version on by one, once per transaction; returns the new version."""
    if not is_versioned(obj):
        return None
    state = inspect(obj)
    if state.transient or state.pending or obj.id is None:
        return obj.version or 1
    bumped = db.session.info.setdefault(_BUMPED, {})
    key = (type(obj).__name__, obj.id)
    if key not in bumped:
        obj.version = (obj.version or 0) + 1
        bumped[key] = obj.version
    return bumped[key]


def submitted_version(value) -> int | None:
    """The version a form sent, or None when it is missing or not a plain number."""
    return to_id(value)


def check(obj, version) -> None:
    """Raise ``EditConflict`` unless ``version`` (from the form) is the record's version as
    saved now (read from the database, not from a copy loaded earlier in the request).
    ``UNCHECKED`` skips the check (callers that are not forms: seeders, the command line)."""
    if version is UNCHECKED or not is_versioned(obj) or obj.id is None:
        return
    number = version if isinstance(version, int) and not isinstance(version, bool) else submitted_version(version)
    table = inspect(obj).mapper.local_table
    with db.session.no_autoflush:
        saved = db.session.execute(select(table.c.version).where(table.c.id == obj.id)).scalar()
    if number is None or saved is None or number != saved:
        raise EditConflict(obj, number)


def flush(obj=None) -> None:
    """Flush; a save that lost a race with another (the row's version moved on between our
    check and our write) raises ``EditConflict`` instead of a 500."""
    try:
        db.session.flush()
    except StaleDataError:
        if obj is None:
            raise
        raise EditConflict(obj, None) from None


# A save that lost the race can also fail at a flush SQLAlchemy makes by itself (autoflush
# before a query): views catch these, and turn them into an EditConflict with ``as_conflict``.
CONFLICTS = (StaleDataError,)


def as_conflict(error, model, object_id: int, submitted) -> "EditConflict":
    """``error`` (an EditConflict, or a StaleDataError from a flush) as an EditConflict about
    ``model`` ``object_id``; call after rolling back."""
    if isinstance(error, EditConflict):
        return error
    return EditConflict.about(model, object_id, submitted_version(submitted) if not isinstance(submitted, int) else submitted)


# ---- telling the person what changed -----------------------------------------------------

@dataclass
class Change:
    key: str
    label: str
    before: str
    now: str
    yours: str | None
    who: str
    when: datetime | None


@dataclass
class ConflictView:
    changes: list[Change] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    current_version: int | None = None
    gone: bool = False


class EditConflict(Exception):
    """Someone else saved this record after the person opened the form."""

    field = None

    def __init__(self, obj, submitted: int | None):
        super().__init__("Someone else changed this while you were editing it. Your changes have not been saved yet.")
        self.model = type(obj)
        self.object_id = inspect(obj).identity[0] if inspect(obj).identity else None
        self.submitted = submitted

    @classmethod
    def about(cls, model, object_id: int, submitted: int | None) -> "EditConflict":
        conflict = cls.__new__(cls)
        Exception.__init__(conflict, "Someone else changed this while you were editing it.")
        conflict.model, conflict.object_id, conflict.submitted = model, object_id, submitted
        return conflict

    def current(self):
        """The record as saved now (call after the view has rolled back)."""
        return db.session.get(self.model, self.object_id)

    def apply(self, form) -> None:
        """Keep the person's values in ``form`` and move its hidden version on to the saved
        one, so saving again (after merging) is a deliberate choice."""
        record = self.current()
        if record is not None and hasattr(form, "version"):
            form.version.data = record.version
            form.version.raw_data = [str(record.version)]
        form.form_errors.append(
            "Someone else changed this while you were editing it, so your changes have not been saved yet. "
            "Check what they changed below, change the form if you need to, then save again.")

    def describe(self, form=None) -> ConflictView:
        from ..accounts.models import User
        from .audit import events_since

        record = self.current()
        view = ConflictView(current_version=getattr(record, "version", None), gone=record is None)
        if record is None:
            return view
        # Without the version the form was loaded from we cannot say what changed since.
        events = events_since(record, self.submitted) if self.submitted else []
        merged: dict[str, list] = {}
        names = {}
        actor_ids = {e.actor_id for e in events if e.actor_id}
        if actor_ids:
            names = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
        for e in events:
            who = names.get(e.actor_id, "Someone")
            if who not in view.people:
                view.people.append(who)
            for key, pair in (e.changes or {}).items():
                if key in HIDDEN_KEYS or not isinstance(pair, (list, tuple)) or len(pair) != 2:
                    continue
                if key in merged:
                    merged[key][1] = pair[1]
                    merged[key][2], merged[key][3] = who, e.created_at
                else:
                    merged[key] = [pair[0], pair[1], who, e.created_at]
        for key, (before, _after, who, when) in merged.items():
            fld = _form_field(form, key) if form is not None else None
            now = _current_value(record, key)
            if now is _MISSING:
                now = _after
            label = fld.label.text if fld is not None else key.replace("_", " ").capitalize()
            yours = _shown(fld, fld.data) if fld is not None else None
            view.changes.append(Change(key, label, _shown(fld, before), _shown(fld, now), yours, who, when))
        return view


_MISSING = object()


def _current_value(record, key):
    if key in {c.key for c in inspect(record).mapper.column_attrs}:
        return getattr(record, key)
    value = getattr(record, key, _MISSING)
    if isinstance(value, list):
        return sorted(getattr(v, "id", v) for v in value)
    if value is _MISSING and hasattr(record, "tag_values"):
        return _MISSING
    return value if value is _MISSING or isinstance(value, (str, int, float, bool, date, type(None))) else _MISSING


def _form_field(form, key: str):
    """The form field an audit change key belongs to: ``title``, ``lead_organisation_id``,
    ``priorities`` -> ``priority_ids``, ``partners`` -> ``partner_ids``."""
    candidates = [key, f"{key}_id", f"{key}_ids"]
    if key.endswith("ies"):
        candidates.append(key[:-3] + "y_ids")
    if key.endswith("s"):
        candidates.append(key[:-1] + "_ids")
    for name in candidates:
        fld = getattr(form, name, None)
        if fld is not None and hasattr(fld, "label") and name not in {"csrf_token", "submit", "version"}:
            return fld
    return None


def _shown(fld, value) -> str:
    """A value as a person reads it: choices by their labels, dates as dates, blanks as blanks."""
    if isinstance(value, (list, tuple, set)):
        parts = [_shown(fld, v) for v in value]
        return ", ".join(p for p in parts if p) or "(none)"
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = getattr(fld, "choices", None) if fld is not None else None
    if choices:
        flat = {}
        for choice in choices:
            if isinstance(choice, (list, tuple)) and len(choice) >= 2:
                flat[str(choice[0])] = str(choice[1])
        if str(value) in flat:
            return flat[str(value)]
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            day = date.fromisoformat(value[:10])
            return f"{day.day} {day:%B %Y}"
        except ValueError:
            pass
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    text = str(value)
    return text if len(text) <= 300 else text[:297] + "…"
