"""The consultation database: consultations, their documents, and attitudinal results
(questions, answer options, segments, figures) with key findings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import numbers
from ..core.i18n import N_
from ..core.models import link_table, utcnow
from ..core.concurrency import Versioned
from ..extensions import db
from ..core.vocabulary import AUDIENCES  # noqa: F401 (part of this module's vocabulary)
from ..core import clock

VISIBILITY = {
    "public": N_("Public: anyone can see it"),
    "partners": N_("Partners only: anyone signed in"),
    "organisation": N_("Own organisation only"),
}
CHANNELS = {
    "online": N_("Online"),
    "paper": N_("Paper"),
    "phone": N_("Phone"),
    "face-to-face": N_("Face to face"),
    "event": N_("Event or meeting"),
}
STATUSES = {
    "planned": N_("Planned"),
    "open": N_("Open"),
    "closed": N_("Closed"),
    "results-published": N_("Results published"),
}
QUESTION_TYPES = {
    "single": "Choose one answer",
    "multiple": "Choose any answers",
    "scale": "Rating scale",
    "number": "Number",
    "open": "Open comment",
}
SEGMENT_DIMENSIONS = {
    "all": "Everyone who answered",
    "ward": "Ward",
    "area-group": "Priority wards and the rest of the borough",
    "age": "Age band",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "other": "Other",
}


consultation_partner = link_table("consultation_partner", ("consultation_id", "consultation"), ("organisation_id", "organisation"))
consultation_partnership = link_table("consultation_partnership", ("consultation_id", "consultation"), ("partnership_id", "partnership"))
consultation_priority = link_table("consultation_priority", ("consultation_id", "consultation"), ("priority_id", "priority"))
consultation_theme = link_table("consultation_theme", ("consultation_id", "consultation"), ("theme_id", "theme"))
consultation_outcome = link_table("consultation_outcome", ("consultation_id", "consultation"), ("outcome_id", "outcome"))
consultation_area = link_table("consultation_area", ("consultation_id", "consultation"), ("area_id", "area"))


class Consultation(Versioned, db.Model):
    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    lead_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_close: Mapped[date | None] = mapped_column(Date)
    actual_start: Mapped[date | None] = mapped_column(Date)
    actual_close: Mapped[date | None] = mapped_column(Date)
    results_published_on: Mapped[date | None] = mapped_column(Date)
    people_reached: Mapped[int | None] = mapped_column(Integer)
    responses: Mapped[int | None] = mapped_column(Integer)
    cost: Mapped[float | None] = mapped_column(Float)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    how_to_take_part: Mapped[str] = mapped_column(Text, default="")
    take_part_url: Mapped[str] = mapped_column(String(500), default="")
    equality_monitoring: Mapped[bool] = mapped_column(Boolean, default=False)
    visibility: Mapped[str] = mapped_column(String(20), default="public", index=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    lead_organisation = relationship("Organisation")
    created_by = relationship("User")
    partners = relationship("Organisation", secondary=consultation_partner, order_by="Organisation.name")
    partnerships = relationship("Partnership", secondary=consultation_partnership, order_by="Partnership.name")
    priorities = relationship("Priority", secondary=consultation_priority)
    themes = relationship("Theme", secondary=consultation_theme)
    outcomes = relationship("Outcome", secondary=consultation_outcome)
    areas = relationship("Area", secondary=consultation_area, order_by="Area.name")
    tags = relationship("ConsultationTag", back_populates="consultation", cascade="all, delete-orphan")
    documents = relationship("ConsultationDocument", back_populates="consultation", cascade="all, delete-orphan", order_by="ConsultationDocument.id")
    questions = relationship("Question", back_populates="consultation", cascade="all, delete-orphan", order_by="Question.position")
    segments = relationship("Segment", back_populates="consultation", cascade="all, delete-orphan", order_by="Segment.id")
    findings = relationship("Finding", back_populates="consultation", cascade="all, delete-orphan", order_by="Finding.position")

    def tag_values(self, kind: str) -> list[str]:
        return sorted(t.value for t in self.tags if t.kind == kind)

    @property
    def audiences(self) -> list[str]:
        return self.tag_values("audience")

    @property
    def methods(self) -> list[str]:
        return self.tag_values("method")

    @property
    def channels(self) -> list[str]:
        return self.tag_values("channel")

    @property
    def starts_on(self) -> date | None:
        return self.actual_start or self.planned_start

    @property
    def closes_on(self) -> date | None:
        return self.actual_close or self.planned_close

    def status_on(self, today: date) -> str:
        """Computed from the dates, never typed in."""
        if self.results_published_on and self.results_published_on <= today:
            return "results-published"
        start, close = self.starts_on, self.closes_on
        if start is None or today < start:
            return "planned"
        if self.actual_close is not None and self.actual_close <= today:
            # An actual closing date is set once it has closed ("Leave blank until it has
            # closed"): a survey closed early this afternoon closes its consultation today,
            # not at midnight. A planned closing day stays open to its end.
            return "closed"
        if close is None or today <= close:
            return "open"
        return "closed"

    @property
    def status(self) -> str:
        return self.status_on(clock.today())

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    def __str__(self) -> str:
        return self.title


class ConsultationTag(db.Model):
    """Audiences, methods (toolkit slugs) and channels of a consultation."""

    __tablename__ = "consultation_tag"
    __table_args__ = (UniqueConstraint("consultation_id", "kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # audience | method | channel
    value: Mapped[str] = mapped_column(String(120), index=True)

    consultation = relationship("Consultation", back_populates="tags")


class ConsultationDocument(db.Model):
    __tablename__ = "consultation_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    extracted_text: Mapped[str] = mapped_column(Text, default="")
    # Whether its words have been read for search: "reading" (background work, in a child
    # process with limits: engage/core/uploads.read_text), "read", or "failed" with the
    # reason in plain words in ``text_problem``.
    text_state: Mapped[str] = mapped_column(String(10), default="read", server_default="read")
    text_problem: Mapped[str] = mapped_column(String(300), default="", server_default="")
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    consultation = relationship("Consultation", back_populates="documents")

    def __str__(self) -> str:
        return self.title


class Segment(db.Model):
    """A group of respondents results are broken down by: everyone, a ward, priority wards,
    an age band, and so on."""

    __tablename__ = "consultation_segment"
    __table_args__ = (UniqueConstraint("consultation_id", "dimension", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"), index=True)

    consultation = relationship("Consultation", back_populates="segments")
    area = relationship("Area")


class Question(db.Model):
    __tablename__ = "consultation_question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text)
    qtype: Mapped[str] = mapped_column(String(20), default="single")
    themes: Mapped[str] = mapped_column(String(300), default="")

    consultation = relationship("Consultation", back_populates="questions")
    options = relationship("AnswerOption", back_populates="question", cascade="all, delete-orphan", order_by="AnswerOption.position")
    figures = relationship("ResultFigure", back_populates="question", cascade="all, delete-orphan")


class AnswerOption(db.Model):
    __tablename__ = "consultation_option"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("consultation_question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(300))

    question = relationship("Question", back_populates="options")


# What the public sees of a figure whose source decided (ResultFigure.disclosure): its count and
# its group's base, the count only (the base hidden), the base only (the count hidden), neither
# (a hidden group, shown as hidden), or nothing at all (a column the source does not publish).
DISCLOSURES = ("shown", "count-only", "base-only", "hidden", "omitted")


class ResultFigure(db.Model):
    """How many people in a segment chose an option, out of how many who answered (base)."""

    __tablename__ = "consultation_figure"
    __table_args__ = (UniqueConstraint("option_id", "segment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("consultation_question.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("consultation_option.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("consultation_segment.id", ondelete="CASCADE"), index=True)
    count: Mapped[int] = mapped_column(Integer)
    base: Mapped[int] = mapped_column(Integer)
    # An invented figure (demo data), as opposed to one a source document gives.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the public may see, when the source that wrote the figure decided it (a survey's own
    # publication, engage/surveys/publishing.py): one of DISCLOSURES. Empty (results typed in or
    # imported by staff): the consultation database decides (engage/consultations/results.py).
    disclosure: Mapped[str | None] = mapped_column(String(12), nullable=True, default=None)

    question = relationship("Question", back_populates="figures")
    option = relationship("AnswerOption")
    segment = relationship("Segment")

    @property
    def percent(self) -> float | None:
        return numbers.percent(self.count, self.base, 1)


class Finding(Versioned, db.Model):
    """A key finding: a short statement backed by figures or quotes."""

    __tablename__ = "consultation_finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    statement: Mapped[str] = mapped_column(String(500))
    evidence: Mapped[str] = mapped_column(Text, default="")
    question_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_question.id", ondelete="SET NULL"))

    consultation = relationship("Consultation", back_populates="findings")
    question = relationship("Question")

    def __str__(self) -> str:
        return self.statement


# ---- how deletes describe these records (engage/core/deletion.py) -----------------------

def _describe_for_deletes() -> None:
    from ..core import deletion

    deletion.describe("consultation", "consultation", "consultations", "title")
    deletion.describe("consultation_tag", "tag", "audience, method and channel tags", "value")
    deletion.describe("consultation_document", "document", "documents", "title")
    deletion.describe("consultation_segment", "group of respondents", "groups of respondents results are broken down by", "label")
    deletion.describe("consultation_question", "question", "questions", "text")
    deletion.describe("consultation_option", "answer option", "answer options", "label")
    deletion.describe("consultation_figure", "result figure", "result figures", None)
    deletion.describe("consultation_finding", "finding", "findings", "statement")
    deletion.describe_link("consultation", "lead_organisation_id", "consultations it leads")
    deletion.describe_link("consultation", "created_by_id", "consultations this person logged (they stay)")
    deletion.describe_link("consultation_segment", "area_id", "groups of respondents for this area (they stay, without the link)")
    deletion.describe_link("consultation_finding", "question_id", "findings about this question (they stay, without the link)")
    for name, words in (("partner", "partner organisations"), ("partnership", "partnerships"), ("priority", "priorities"),
                        ("theme", "cross-cutting themes"), ("outcome", "outcomes"), ("area", "areas")):
        deletion.describe_link(f"consultation_{name}", "consultation_id", f"links to {words} (they stay)")
        target = "organisation" if name == "partner" else name
        verb = "it is a partner in" if name == "partner" else "tagged with it"
        deletion.describe_link(f"consultation_{name}", f"{target}_id", f"consultations {verb} (the link is removed)")


_describe_for_deletes()
