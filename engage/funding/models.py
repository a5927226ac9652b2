"""Funding programmes (the Neighbourhood Renewal Fund), their yearly allocations, the projects
they fund, and bid rounds scored against a partnership's weighted criteria.

Money is whole pence (``BigInteger``), never a float. A project's money for a year is a line
of the partnership's one budget (``strategy.BudgetLine`` in the book ``"funding"``, with its
quarterly spend figures): ``ProjectYear`` joins the project to that line.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.concurrency import Versioned
from ..core.i18n import N_
from ..core.models import utcnow
from ..extensions import db

AUTOINC = {"sqlite_autoincrement": True}

# Marked for the catalogue; translated where shown.
ALLOCATION_STATUSES = {"confirmed": N_("Confirmed"), "indicative": N_("Indicative")}
ROUND_STATES = {"open": N_("Open for bids"), "scoring": N_("Being scored"), "ranked": N_("Ranked"), "decided": N_("Decided")}


class FundingProgramme(db.Model):
    __tablename__ = "funding_programme"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    # The last financial year the programme is assumed to pay for (2007 means 2007/08); None
    # when no end is known.
    last_year: Mapped[int | None] = mapped_column(Integer)
    end_note: Mapped[str] = mapped_column(Text, default="")

    allocations = relationship("FundingAllocation", back_populates="programme", order_by="FundingAllocation.year",
                               cascade="all, delete-orphan")
    # The database refuses to delete a programme that has projects (RESTRICT): the ORM must not
    # empty their key first (engage/core/deletion.orm_problems).
    projects = relationship("FundedProject", back_populates="programme", order_by="FundedProject.name", passive_deletes="all")

    def allocation_for(self, year: int):
        return next((a for a in self.allocations if a.year == year), None)

    def __str__(self) -> str:
        return self.name


class FundingAllocation(db.Model):
    """What the programme gives the partnership for one financial year."""

    __tablename__ = "funding_allocation"
    __table_args__ = (UniqueConstraint("programme_id", "year"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("funding_programme.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # 2005 means 2005/06
    amount: Mapped[int] = mapped_column(BigInteger)  # pence
    status: Mapped[str] = mapped_column(String(20), default="confirmed")

    programme = relationship("FundingProgramme", back_populates="allocations")

    @property
    def status_label(self) -> str:
        return ALLOCATION_STATUSES.get(self.status, self.status)


class FundedProject(Versioned, db.Model):
    __tablename__ = "funded_project"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("funding_programme.id", ondelete="RESTRICT"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # How the work carries on (or ends well) when the money tapers: blank is flagged.
    exit_strategy: Mapped[str] = mapped_column(Text, default="")

    programme = relationship("FundingProgramme", back_populates="projects")
    partnership = relationship("Partnership")
    organisation = relationship("Organisation")
    years = relationship("ProjectYear", back_populates="project", order_by="ProjectYear.year", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name


class ProjectYear(db.Model):
    """A project's money for one year: a line of the budget, with its quarterly figures."""

    __tablename__ = "funded_project_year"
    __table_args__ = (UniqueConstraint("project_id", "year"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("funded_project.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    line_id: Mapped[int] = mapped_column(ForeignKey("budget_line.id", ondelete="CASCADE"), unique=True)

    project = relationship("FundedProject", back_populates="years")
    line = relationship("BudgetLine", cascade="all, delete", single_parent=True)


class BidRound(db.Model):
    """One round of bids for a programme's money in a year: open → scoring → ranked → decided."""

    __tablename__ = "bid_round"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("funding_programme.id", ondelete="RESTRICT"), index=True)
    # The partnership that sets the criteria and runs the round (the board, or a thematic one).
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    pot: Mapped[int] = mapped_column(BigInteger)  # pence to give out
    scale_max: Mapped[int] = mapped_column(Integer, default=5)  # each criterion scored 0 to scale_max
    state: Mapped[str] = mapped_column(String(20), default="open")

    programme = relationship("FundingProgramme")
    partnership = relationship("Partnership")
    criteria = relationship("BidCriterion", back_populates="round", order_by="(BidCriterion.position, BidCriterion.id)",
                            cascade="all, delete-orphan")
    bids = relationship("Bid", back_populates="round", order_by="Bid.id", cascade="all, delete-orphan")
    assessors = relationship("User", secondary="bid_round_assessor", order_by="User.name")
    moves = relationship("BidRoundMove", back_populates="round", order_by="BidRoundMove.id", cascade="all, delete-orphan")

    @property
    def state_label(self) -> str:
        return ROUND_STATES.get(self.state, self.state)

    def __str__(self) -> str:
        return self.title


bid_round_assessor = db.Table(
    "bid_round_assessor", db.metadata,
    db.Column("round_id", ForeignKey("bid_round.id", ondelete="CASCADE"), primary_key=True),
    db.Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class BidCriterion(db.Model):
    """A principle bids are judged on, with the weight the partnership gives it."""

    __tablename__ = "bid_criterion"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("bid_round.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer, default=1)

    round = relationship("BidRound", back_populates="criteria")


class Bid(db.Model):
    __tablename__ = "bid"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("bid_round.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    requested: Mapped[int] = mapped_column(BigInteger)  # pence
    awarded: Mapped[int | None] = mapped_column(BigInteger)  # pence, set when the round is decided
    # The funded project the bid became when its round was decided (bids awarded money only).
    project_id: Mapped[int | None] = mapped_column(ForeignKey("funded_project.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    round = relationship("BidRound", back_populates="bids")
    partnership = relationship("Partnership")
    organisation = relationship("Organisation")
    project = relationship("FundedProject")
    scores = relationship("BidScore", back_populates="bid", cascade="all, delete-orphan")
    evidence = relationship("BidEvidence", back_populates="bid", order_by="BidEvidence.id", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title


class BidEvidence(db.Model):
    """Something elsewhere in Engage the bid rests on (a consultation, a findings report, an
    outcome): a kind from ``engage.core.registry.links`` and the target's id."""

    __tablename__ = "bid_evidence"
    __table_args__ = (UniqueConstraint("bid_id", "kind", "target_id"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)

    bid = relationship("Bid", back_populates="evidence")


class BidScore(db.Model):
    """One assessor's score of one bid on one criterion, with their reason."""

    __tablename__ = "bid_score"
    __table_args__ = (UniqueConstraint("bid_id", "criterion_id", "assessor_id"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("bid.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("bid_criterion.id", ondelete="CASCADE"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    bid = relationship("Bid", back_populates="scores")
    criterion = relationship("BidCriterion")
    assessor = relationship("User")


class BidRoundMove(db.Model):
    """Who moved a round from one state to another, when, and why."""

    __tablename__ = "bid_round_move"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("bid_round.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    round = relationship("BidRound", back_populates="moves")
    actor = relationship("User")
