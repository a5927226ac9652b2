"""Shared models: the audit trail, ``link_table`` for the plain many-to-many tables, and
``get_or_404`` (a record by an id someone sent, or a 404)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from . import clock


# Stored times are naive UTC; "now" comes from the one clock (engage/core/clock.py), which
# tests can set. Kept here under its old name for the column defaults and older callers.
utcnow = clock.utcnow


def get_or_404(model, object_id, message: str | None = None):
    """The ``model`` record whose id someone sent (an address, a form), or a 404 in plain
    words: an id that is not 1 to 2**31 - 1 in plain digits (``params.to_id``) finds nothing."""
    from .errors import not_found
    from .params import to_id

    number = to_id(object_id)
    obj = db.session.get(model, number) if number else None
    if obj is None:
        not_found(message or "There is nothing at this address. It may have been deleted.")
    return obj


def link_table(name: str, *columns: tuple[str, str]) -> Table:
    """A many-to-many table: one ``(column, target table)`` pair per side, each column a
    foreign key to ``<target table>.id`` deleted with its row, together the primary key.

    ``link_table("partnership_member", ("partnership_id", "partnership"),
    ("organisation_id", "organisation"))``"""
    return Table(
        name,
        db.metadata,
        *(Column(column, ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True) for column, target in columns),
    )


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

    @property
    def shown_summary(self) -> str:
        """The summary in the reader's language when it was recorded with ``said``
        (engage/core/audit.py); otherwise, and in the site's own language, as stored."""
        said = (self.changes or {}).get("_said") if isinstance(self.changes, dict) else None
        if not said:
            return self.summary
        from .i18n import current_language, default_language, gettext

        if current_language() == default_language():
            return self.summary
        try:
            text, values, translated = said[0], dict(said[1] or {}), said[2] if len(said) > 2 else []
            for key in translated:
                if isinstance(values.get(key), str):
                    values[key] = gettext(values[key])
            return gettext(text, **values)
        except (KeyError, ValueError, TypeError, IndexError):
            return self.summary


class OutboxMessage(db.Model):
    """An email waiting to be sent, or sent (engage/core/mail.py). Stored in the same
    transaction as the change it is about; ``key`` says which email for which event, so the
    same email is stored once however many processes make the same move."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "state", "next_try_at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    to_address: Mapped[str] = mapped_column(String(254), default="")      # blanked once sent (personal)
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")                    # blanked once sent
    headers: Mapped[dict | None] = mapped_column(JSON)
    personal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    topic: Mapped[str | None] = mapped_column(String(100), index=True)      # "findings-report:7"
    after: Mapped[str | None] = mapped_column(String(60))                   # handler run once it is sent or given up
    data: Mapped[dict | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default="waiting")     # waiting, sent, given-up
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    first_failed_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))


class QueueJob(db.Model):
    """One piece of background work (engage/core/queue.py): what to run (``name``, ``args``),
    where it is (``state``: queued, running, done, dead), who runs it and until when
    (``claimed_by``, ``lease_until``: renewed while its worker lives), its tries and the last
    error. The queue library carries the job's id to a worker; this row is what makes the job
    survive a killed worker, be retried with backoff, and land on the dead-letter list."""

    __tablename__ = "queue_job"
    __table_args__ = (
        Index("ix_queue_job_due", "state", "next_try_at"),
        # At most one job of a key waits at a time ("send the mail that is due").
        Index("ux_queue_job_queued_key", "key", unique=True,
              sqlite_where=text("state = 'queued'"), postgresql_where=text("state = 'queued'")),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))                        # "engage.search.services:_rebuild"
    label: Mapped[str] = mapped_column(String(200), default="")           # what people read: "Rebuild the search index"
    key: Mapped[str | None] = mapped_column(String(200), index=True)       # waited for by this name
    args: Mapped[list | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default="queued")      # queued, running, done, dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    next_try_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)      # last handed to the queue library
    claimed_by: Mapped[str | None] = mapped_column(String(60))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class UploadJob(db.Model):
    """An upload waiting for its work, and how that work goes (engage/core/jobs.py): its kind
    ("imports", "postcodes", ...), its random token, its state, and the small record (who, for
    what, phase, progress, summary or problems) every web node reads. The bytes are in the
    upload storage (engage/core/storage.py). Pruned a day after its last change."""

    __tablename__ = "upload_job"
    __table_args__ = (
        Index("ux_upload_job_kind_token", "kind", "token", unique=True),
        Index("ix_upload_job_changed", "kind", "updated_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    token: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default="uploaded")
    record: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class WorkLease(db.Model):
    """A claim on one piece of work that lasts while its holder renews it (``jobs.Lease``):
    taken by inserting the row (its ``name`` is unique), taken over from a dead holder by a
    compare-and-set on ``holder``, renewed by moving ``lease_until`` on (on SQLite, a pulse
    file beside the database, as the queue's jobs do), kept for good as holder ``done``."""

    __tablename__ = "work_lease"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    holder: Mapped[str] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    taken_at: Mapped[datetime] = mapped_column(DateTime)


class ContentTranslation(db.Model):
    """A text written by staff (a survey question, a consultation's summary), in another
    language or an easy-read version (engage/core/content.py). ``source_hash`` is the hash of
    the English it was translated from: when the English changes, the translation is out of
    date and is not shown until someone updates it."""

    __tablename__ = "content_translation"
    __table_args__ = (
        Index("ux_content_translation_text", "record_type", "record_id", "field", "language", unique=True),
        Index("ix_content_translation_owner", "owner_kind", "owner_id", "language"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(40))      # the unit translated together: "survey"
    owner_id: Mapped[int] = mapped_column(Integer)
    record_type: Mapped[str] = mapped_column(String(60))     # the table of the record the text is in
    record_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    source_hash: Mapped[str] = mapped_column(String(64))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ContentLanguage(db.Model):
    """A language (or easy read) that a translated unit is offered in to residents, once every
    one of its texts is translated; who offered it and when."""

    __tablename__ = "content_language"
    __table_args__ = (Index("ux_content_language", "owner_kind", "owner_id", "language", unique=True),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(20))
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    offered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SiteGeneration(db.Model):
    """The database's generation (engage/core/generation.py): one row whose ``token`` a
    restore replaces, so that every process drops what it remembers of the data before."""

    __tablename__ = "site_generation"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DataVersion(db.Model):
    """A number for each table, moved on by every transaction that writes to it (before its
    commit, by engage/core/pagecache.py's engine listener); ``*`` moves on with a change to
    the schema. A kept page is shown again only while the numbers of the tables it read stay
    the same."""

    __tablename__ = "data_version"

    table_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
