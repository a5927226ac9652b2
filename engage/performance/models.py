"""Performance management (seed 004): monitoring periods, per-target settings, the members of
the Performance and Standards Group (PSG), and the stages of the ladder of intervention.

Readings, monitoring levels and targets are the partnership's own (``Indicator`` and
``IndicatorReading`` in engage/partnership); nothing here stores a reading or a status. A
period only says which months it covers; the ladder is worked out from the readings
(``ladder.py``) and a ``LadderStage`` records what people do about it: owner, plan,
report-back date, report, and every move (``LadderMove``: who, when, from, to, why).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.concurrency import Versioned
from ..core.i18n import N_
from ..core.models import utcnow
from ..extensions import db

AUTOINC = {"sqlite_autoincrement": True}

# Marked for the catalogue; translated where shown.
PERIOD_KINDS = {
    "six-monthly": N_("Six-monthly review"),
    "quarterly": N_("Quarterly money check"),
}

STAGE_STATES = {
    "nominating": N_("Waiting for a PSG member to be named"),
    "planning": N_("Waiting for a plan"),
    "acting": N_("Plan agreed, report due"),
    "reported": N_("Report received"),
    "closed": N_("Closed: back above the monitoring level"),
    "escalated": N_("Moved up the ladder"),
    "withdrawn": N_("Withdrawn by the PSG"),
}
OPEN_STATES = ("nominating", "planning", "acting", "reported")
FINAL_STATES = ("closed", "escalated", "withdrawn")

# What each stage asks, in seed 004's words, made plain.
STAGE_WORDS = {
    1: N_("The lead partner acts, working with other agencies, and reports to its thematic partnership within three months."),
    2: N_("The thematic partnership agrees a plan with the agencies and reports to the Performance and Standards Group within three months."),
    3: N_("A member of the Performance and Standards Group agrees a revised plan and reports to the group within three months."),
}


class MonitoringPeriod(Versioned, db.Model):
    """Six months (April to September, October to March) the PSG reviews, or a quarter whose
    money is checked more lightly; ``reports_on`` is when it goes to the board."""

    __tablename__ = "performance_period"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="six-monthly")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    reports_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def kind_label(self) -> str:
        return PERIOD_KINDS.get(self.kind, self.kind)

    @property
    def six_monthly(self) -> bool:
        return self.kind == "six-monthly"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def __str__(self) -> str:
        return self.name


class TargetSetting(db.Model):
    """What performance management needs to know about a target beyond the partnership's
    indicator: whether its figures come only once a year (exam results), and its named lead
    officer (who gets the reminders at stage 1)."""

    __tablename__ = "performance_target"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), unique=True)
    annual_only: Mapped[bool] = mapped_column(Boolean, default=False)
    lead_officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    indicator = relationship("Indicator")
    lead_officer = relationship("User")


class PsgMember(db.Model):
    """A member of the Performance and Standards Group."""

    __tablename__ = "psg_member"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user = relationship("User")


class LadderStage(Versioned, db.Model):
    """One stage of the ladder for one target: started when a review found the target below
    its monitoring level (or by the PSG, by hand, with its reason); closed when the target is
    back above it; escalated when the next stage starts."""

    __tablename__ = "ladder_stage"
    __table_args__ = (UniqueConstraint("indicator_id", "stage", "started_period_id"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    stage: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="planning", index=True)
    started_period_id: Mapped[int] = mapped_column(ForeignKey("performance_period.id", ondelete="CASCADE"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    reports_to: Mapped[str] = mapped_column(String(200), default="")
    plan: Mapped[str] = mapped_column(Text, default="")
    report_back_on: Mapped[date] = mapped_column(Date, index=True)
    report: Mapped[str] = mapped_column(Text, default="")
    reported_on: Mapped[date | None] = mapped_column(Date)
    ended_period_id: Mapped[int | None] = mapped_column(ForeignKey("performance_period.id", ondelete="SET NULL"), index=True)
    ended_on: Mapped[date | None] = mapped_column(Date)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("ladder_stage.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    indicator = relationship("Indicator")
    started_period = relationship("MonitoringPeriod", foreign_keys=[started_period_id])
    ended_period = relationship("MonitoringPeriod", foreign_keys=[ended_period_id])
    started_by = relationship("User", foreign_keys=[started_by_id])
    owner = relationship("User", foreign_keys=[owner_id])
    previous = relationship("LadderStage", remote_side=[id])
    moves = relationship("LadderMove", back_populates="ladder_stage", order_by="LadderMove.id", cascade="all, delete-orphan")

    @property
    def state_label(self) -> str:
        return STAGE_STATES.get(self.state, self.state)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def asks(self) -> str:
        return STAGE_WORDS.get(self.stage, "")

    def __str__(self) -> str:
        return f"Stage {self.stage}: {self.indicator.name if self.indicator else ''}"


class LadderMove(db.Model):
    """Who moved a stage from one state to another, when, and why (``actor_id`` empty: it
    was worked out from the readings)."""

    __tablename__ = "ladder_move"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("ladder_stage.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    ladder_stage = relationship("LadderStage", back_populates="moves")
    actor = relationship("User")


def _describe_for_deletes() -> None:
    from ..core import deletion

    deletion.describe("performance_period", "monitoring period", "monitoring periods", "name")
    deletion.describe("performance_target", "target setting", "target settings", None)
    deletion.describe("psg_member", "PSG membership", "PSG memberships", None)
    deletion.describe("ladder_stage", "ladder stage", "ladder stages", "stage")
    deletion.describe_link("ladder_stage", "previous_id", "later stages (they stay, without the link back)")
    deletion.describe_link("ladder_stage", "ended_period_id", "stages that ended in it (they stay)")
    deletion.describe_link("ladder_stage", "owner_id", "ladder stages this person owns (they stay, without an owner)")
    deletion.describe_link("ladder_stage", "started_by_id", "ladder stages this person started (they stay)")
    deletion.describe_link("performance_target", "lead_officer_id", "targets this person leads (they stay, without a lead officer)")
    deletion.quiet("ladder_move")


_describe_for_deletes()
