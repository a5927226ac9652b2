"""The practitioner toolkit: entries (methods and guides), their full revision history,
practitioners' suggested edits, and "was this page useful?" feedback.

Where content comes from: the Markdown files in ``toolkit/`` are the starting content and
``flask --app wsgi engage toolkit-load`` copies them in. An entry's ``source`` says who is
in charge of it now: ``file`` (the file updates it on every load) or ``site`` (an officer
has changed it in the site, so loads leave it alone until an officer goes back to the file).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.i18n import N_
from ..core.models import utcnow
from ..core.concurrency import Versioned
from ..extensions import db
from ..core.vocabulary import AUDIENCES  # noqa: F401 (part of this module's vocabulary)

# ---- vocabularies (the same words as toolkit/FORMAT.md) ---------------------------------
# Labels are marked for the catalogue (N_) and translated where shown; keys stay English.

KINDS = {"method": N_("Method"), "guide": N_("Guide")}
KIND_PLURALS = {"method": N_("Methods"), "guide": N_("Guides")}

# The spectrum of participation, from telling people to letting them decide.
PURPOSES = {
    "inform": N_("Inform"),
    "consult": N_("Consult"),
    "involve": N_("Involve"),
    "collaborate": N_("Collaborate"),
    "empower": N_("Empower"),
}
PURPOSE_HINTS = {
    "inform": "tell people about a plan or decision",
    "consult": "find out what people think",
    "involve": "work with people to shape ideas",
    "collaborate": "plan and decide things together",
    "empower": "let people decide for themselves",
}
# The chooser's first question's answers, and how its results page says them back.
PURPOSE_ANSWERS = {
    "inform": N_("Tell people about a plan or decision"),
    "consult": N_("Find out what people think"),
    "involve": N_("Work with people to shape ideas"),
    "collaborate": N_("Plan and decide things together"),
    "empower": N_("Let people decide for themselves"),
}
GROUP_SIZES = {"small": N_("Up to 15 people"), "medium": N_("15 to 100 people"), "large": N_("More than 100 people")}
TIMES = {"days": N_("Days"), "weeks": N_("Weeks"), "months": N_("Months")}
COSTS = {"low": N_("Under £500"), "medium": N_("£500 to £5,000"), "high": N_("Over £5,000")}

# The front-matter fields of an entry besides title and summary, in FORMAT.md order.
META_FIELDS = ("purpose", "audiences", "group_size", "time_needed", "cost", "skills", "accessibility", "related", "keywords")
LIST_FIELDS = ("purpose", "audiences", "skills", "related", "keywords")
METHOD_ONLY = ("group_size", "time_needed", "cost", "skills", "accessibility")

SOURCES = {"file": N_("From the file"), "site": N_("Edited in the site")}
SUGGESTION_STATUSES = {"pending": N_("Waiting for a decision"), "accepted": N_("Accepted"), "declined": N_("Declined")}


class ToolkitEntry(Versioned, db.Model):
    """One method or guide, as the site shows it now."""

    __tablename__ = "toolkit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[list] = mapped_column(JSON, default=list)
    audiences: Mapped[list] = mapped_column(JSON, default=list)
    group_size: Mapped[str | None] = mapped_column(String(10))
    time_needed: Mapped[str | None] = mapped_column(String(10))
    cost: Mapped[str | None] = mapped_column(String(10))
    skills: Mapped[list] = mapped_column(JSON, default=list)
    accessibility: Mapped[str] = mapped_column(Text, default="")
    related: Mapped[list] = mapped_column(JSON, default=list)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text, default="")

    # Who is in charge of the content: "file" (toolkit-load updates it) or "site".
    source: Mapped[str] = mapped_column(String(10), default="file")
    file_path: Mapped[str | None] = mapped_column(String(300))  # e.g. methods/focus-group.md
    file_hash: Mapped[str | None] = mapped_column(String(64))  # of the file version last taken in
    file_changed: Mapped[bool] = mapped_column(Boolean, default=False)  # the file moved on since a site edit
    revision_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    updated_by = relationship("User")
    revisions = relationship("ToolkitRevision", back_populates="entry", cascade="all, delete-orphan",
                             order_by="ToolkitRevision.number.desc()")
    suggestions = relationship("ToolkitSuggestion", back_populates="entry", cascade="all, delete-orphan",
                               order_by="ToolkitSuggestion.created_at.desc()")
    feedback = relationship("ToolkitFeedback", back_populates="entry", cascade="all, delete-orphan",
                            order_by="ToolkitFeedback.created_at.desc()")

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def source_label(self) -> str:
        return SOURCES.get(self.source, self.source)

    @property
    def is_method(self) -> bool:
        return self.kind == "method"

    def __str__(self) -> str:
        return self.title


class ToolkitRevision(db.Model):
    """A full copy of an entry after each change: loaded from a file, edited, restored or a
    suggestion accepted. History is never rewritten; a restore adds a new revision."""

    __tablename__ = "toolkit_revision"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("toolkit_entry.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # file | edit | restore | suggestion
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(300), default="")
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("toolkit_suggestion.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(200))
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    body: Mapped[str] = mapped_column(Text, default="")

    entry = relationship("ToolkitEntry", back_populates="revisions")
    author = relationship("User")
    suggestion = relationship("ToolkitSuggestion", foreign_keys=[suggestion_id])

    @property
    def action_label(self) -> str:
        return {
            "file": N_("Loaded from the file"),
            "edit": N_("Edited in the site"),
            "restore": N_("Restored an earlier revision"),
            "suggestion": N_("Accepted a suggestion"),
        }.get(self.action, self.action)


class ToolkitSuggestion(db.Model):
    """An edit a practitioner proposes; an officer accepts (it becomes a revision) or declines."""

    __tablename__ = "toolkit_suggestion"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("toolkit_entry.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    base_revision: Mapped[int] = mapped_column(Integer)  # the entry's revision when suggested
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str] = mapped_column(String(1000), default="")

    entry = relationship("ToolkitEntry", back_populates="suggestions")
    author = relationship("User", foreign_keys=[author_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        return SUGGESTION_STATUSES.get(self.status, self.status)


class ToolkitFeedback(db.Model):
    """An answer to "was this page useful?": anonymous, with an optional comment."""

    __tablename__ = "toolkit_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("toolkit_entry.id", ondelete="CASCADE"), index=True)
    useful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    entry = relationship("ToolkitEntry", back_populates="feedback")
