"""Findings reports and the partnerships' responses to them ("you said, we did").

A report comes from one or more consultations; it moves through the workflow in
``workflow.py`` (every move is a ``ReportTransition``). Once public, each partnership named
on it answers each recommendation with a ``Response``; progress on an action is added as
``ResponseUpdate`` rows. ``ResponseReminder`` remembers which due dates were reminded, so
``send-reminders`` never sends twice for the same one.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.concurrency import Versioned
from ..core.i18n import N_
from ..core.models import link_table, utcnow
from ..extensions import db

STATES = {
    "draft": N_("Draft"),
    "in-review": N_("In review"),
    "changes-requested": N_("Changes requested"),
    "approved": N_("Approved"),
    "published": N_("Published"),
    "withdrawn": N_("Withdrawn"),
}
VISIBILITY = {
    "public": "Public: anyone can see it once published",
    "partners": "Partners only: anyone signed in, once published",
}
RESPONSE_STATUSES = {
    "accepted": N_("Accepted"),
    "planned": N_("Action planned"),
    "taken": N_("Action taken"),
    "not-taken": N_("Not taken"),
}
RESPONSE_STATES = {"draft": N_("Draft"), "published": N_("Published")}
# How far the promised action has got (a progress note sets it; until then it follows the
# decision: taken is done, not taken is not taken, anything else is planned).
PROGRESS_STAGES = {
    "planned": N_("Planned"),
    "in-progress": N_("In progress"),
    "done": N_("Done"),
    "not-taken": N_("Not taken"),
}
FINISHED_STAGES = ("done", "not-taken")


report_consultation = link_table("findings_report_consultation", ("report_id", "findings_report"), ("consultation_id", "consultation"))
report_priority = link_table("findings_report_priority", ("report_id", "findings_report"), ("priority_id", "priority"))
report_outcome = link_table("findings_report_outcome", ("report_id", "findings_report"), ("outcome_id", "outcome"))
report_indicator = link_table("findings_report_indicator", ("report_id", "findings_report"), ("indicator_id", "indicator"))
report_area = link_table("findings_report_area", ("report_id", "findings_report"), ("area_id", "area"))
report_partnership = link_table("findings_report_partnership", ("report_id", "findings_report"), ("partnership_id", "partnership"))


class FindingsReport(Versioned, db.Model):
    __tablename__ = "findings_report"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    meaning: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(Text, default="")
    sample_size: Mapped[int | None] = mapped_column(Integer)
    representativeness: Mapped[str] = mapped_column(Text, default="")
    gaps: Mapped[str] = mapped_column(Text, default="")
    audiences: Mapped[list] = mapped_column(JSON, default=list)
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    embargo_until: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    released_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When residents who asked to hear back were sent their second message (every
    # partnership has published its response, or the responses are late).
    responses_told_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    residents_told: Mapped[int] = mapped_column(Integer, default=0)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    organisation = relationship("Organisation")
    created_by = relationship("User")
    consultations = relationship("Consultation", secondary=report_consultation, order_by="Consultation.title")
    priorities = relationship("Priority", secondary=report_priority)
    outcomes = relationship("Outcome", secondary=report_outcome, order_by="Outcome.code")
    indicators = relationship("Indicator", secondary=report_indicator, order_by="Indicator.name")
    areas = relationship("Area", secondary=report_area, order_by="Area.name")
    partnerships = relationship("Partnership", secondary=report_partnership, order_by="Partnership.name")
    findings = relationship("ReportFinding", back_populates="report", cascade="all, delete-orphan", order_by="ReportFinding.position, ReportFinding.id")
    recommendations = relationship("Recommendation", back_populates="report", cascade="all, delete-orphan", order_by="Recommendation.position, Recommendation.id")
    attachments = relationship("ReportAttachment", back_populates="report", cascade="all, delete-orphan", order_by="ReportAttachment.id")
    transitions = relationship("ReportTransition", back_populates="report", cascade="all, delete-orphan", order_by="ReportTransition.id")
    # Every response, drafts too: only for the partnership's own coordinators and officers.
    all_responses = relationship("Response", back_populates="report", cascade="all, delete-orphan", order_by="Response.id")
    # What the public record shows: published responses only (a draft is nowhere public).
    responses = relationship("Response", primaryjoin="and_(FindingsReport.id == Response.report_id, Response.state == 'published')",
                             viewonly=True, order_by="Response.id")

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def public_from(self) -> datetime | None:
        """When it is (or becomes) public: the embargo time, or when it was published."""
        if self.state != "published":
            return None
        return self.embargo_until or self.published_at

    def is_out(self, now: datetime) -> bool:
        """Published and past any embargo: computed on every page load."""
        start = self.public_from
        return start is not None and start <= now

    def __str__(self) -> str:
        return self.title


class ReportFinding(db.Model):
    """A key finding: a statement and its evidence (a question's results, or quotes)."""

    __tablename__ = "findings_report_finding"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("findings_report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    statement: Mapped[str] = mapped_column(String(500))
    evidence: Mapped[str] = mapped_column(Text, default="")
    question_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_question.id", ondelete="SET NULL"), index=True)
    # Evidence from another capability (engage.core.registry.evidence), such as a survey's
    # comment theme: its figures are read when the report is shown, so they follow later work.
    evidence_kind: Mapped[str] = mapped_column(String(30), default="", server_default="")
    evidence_id: Mapped[int | None] = mapped_column(Integer)

    report = relationship("FindingsReport", back_populates="findings")
    question = relationship("Question")


class Recommendation(db.Model):
    __tablename__ = "findings_recommendation"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("findings_report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)

    report = relationship("FindingsReport", back_populates="recommendations")
    all_responses = relationship("Response", back_populates="recommendation", order_by="Response.id",
                                 cascade="save-update, merge, delete", passive_deletes=True)  # NOT NULL key, ON DELETE CASCADE
    responses = relationship("Response", primaryjoin="and_(Recommendation.id == Response.recommendation_id, Response.state == 'published')",
                             viewonly=True, order_by="Response.id")


class ReportAttachment(db.Model):
    __tablename__ = "findings_attachment"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("findings_report.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    report = relationship("FindingsReport", back_populates="attachments")


class ReportTransition(db.Model):
    """One move through the workflow: who, when, from, to and why."""

    __tablename__ = "findings_transition"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("findings_report.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    report = relationship("FindingsReport", back_populates="transitions")
    actor = relationship("User")


class ReportContribution(db.Model):
    """One change to a report's content (its text and links, a key finding, a recommendation,
    an attachment): who made it and when. Nobody who changed the content since it was last
    approved may approve it (``workflow.check``)."""

    __tablename__ = "findings_contribution"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("findings_report.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    part: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user = relationship("User")


class Response(Versioned, db.Model):
    """One partnership's answer to one recommendation ("we did")."""

    __tablename__ = "findings_response"
    __table_args__ = (UniqueConstraint("recommendation_id", "partnership_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("findings_report.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("findings_recommendation.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    link_kind: Mapped[str] = mapped_column(String(40), default="")
    link_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # A draft until a coordinator of the partnership (or an officer) publishes it: a
    # compare-and-set move (responses.publish_response), who and when recorded here.
    state: Mapped[str] = mapped_column(String(20), default="draft", server_default="published", index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    report = relationship("FindingsReport", back_populates="all_responses")
    recommendation = relationship("Recommendation", back_populates="all_responses")
    partnership = relationship("Partnership")
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])
    updates = relationship("ResponseUpdate", back_populates="response", cascade="all, delete-orphan", order_by="ResponseUpdate.id")

    @property
    def status_label(self) -> str:
        return RESPONSE_STATUSES.get(self.status, self.status)

    @property
    def is_published(self) -> bool:
        return self.state == "published"

    @property
    def stage(self) -> str:
        """How far the action has got: the latest progress note that says, else the decision."""
        for update in reversed(self.updates):
            if update.stage:
                return update.stage
        return {"taken": "done", "not-taken": "not-taken"}.get(self.status, "planned")

    @property
    def stage_label(self) -> str:
        return PROGRESS_STAGES.get(self.stage, self.stage)

    @property
    def stage_reason(self) -> str:
        """Why it was not taken: the note that said so, else the response's own reason."""
        if self.stage != "not-taken":
            return ""
        for update in reversed(self.updates):
            if update.stage == "not-taken":
                return update.note
        return self.reason

    def overdue_on(self, today: date) -> bool:
        """A published promise past its due date with no progress note saying it is done (or
        not taken): computed on every page load, never stored."""
        return (self.state == "published" and self.due_on is not None and today > self.due_on
                and self.stage not in FINISHED_STAGES)


class ResponseUpdate(db.Model):
    """Later progress on a response's action."""

    __tablename__ = "findings_response_update"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("findings_response.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(20), default="", server_default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    response = relationship("Response", back_populates="updates")
    author = relationship("User")

    @property
    def stage_label(self) -> str:
        return PROGRESS_STAGES.get(self.stage, "")


class ResponseReminder(db.Model):
    """A reminder sent for one partnership's response to one report, for one due date."""

    __tablename__ = "findings_reminder"
    __table_args__ = (UniqueConstraint("report_id", "partnership_id", "due_on"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("findings_report.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class StageReminder(db.Model):
    """A reminder sent for one stage of one promise: a partnership's response to a report
    ("report:<id>:<partnership id>") or one action's due date ("response:<id>"), at the stage
    "due-soon" or "overdue". Unique, so each stage is reminded once for each due date."""

    __tablename__ = "findings_stage_reminder"
    __table_args__ = (UniqueConstraint("target", "stage", "due_on"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("findings_report.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("findings_response.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(60))
    stage: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


# ---- how deletes describe these records (engage/core/deletion.py) -----------------------

def _describe_for_deletes() -> None:
    from ..core import deletion

    deletion.describe("findings_report", "findings report", "findings reports", "title")
    deletion.describe("findings_report_finding", "key finding", "key findings", "statement")
    deletion.describe("findings_recommendation", "recommendation", "recommendations", "text")
    deletion.describe("findings_attachment", "attachment", "attachments", "title")
    deletion.describe("findings_transition", "step in its timeline", "steps in its timeline", "action")
    deletion.describe("findings_contribution", "record of who changed it", "records of who changed it", "part")
    deletion.describe("findings_response", "partnership response", "partnership responses", "action")
    deletion.describe("findings_response_update", "progress note", "progress notes", "note")
    deletion.describe("findings_reminder", "reminder sent", "reminders sent", None)
    deletion.describe("findings_stage_reminder", "reminder sent", "reminders sent", None)
    for name, words in (("consultation", "consultations it comes from"), ("priority", "priorities"), ("outcome", "outcomes"),
                        ("indicator", "indicators"), ("area", "areas"), ("partnership", "partnerships that must respond")):
        deletion.describe(f"findings_report_{name}", f"link to {words}", f"links to {words}", None)
    # A consultation, partnership or priority that a published report names must not vanish from it.
    deletion.refuse("findings_report_consultation", "consultation_id", "findings reports made from it",
                    advice="Those reports are part of the record. Take the consultation out of any draft report first.")
    deletion.refuse("findings_response", "partnership_id", "responses it recorded to findings reports",
                    advice="Responses are part of the public record, so the partnership stays.")


_describe_for_deletes()
