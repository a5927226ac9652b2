"""The annual planning cycle (seed 004's table): a template of steps the partnership edits
(data, not code), each year's calendar generated from it, and the thematic partnerships'
draft action plans with the Performance and Standards Group's challenge on each action.

A cycle year runs from June to May: a step in June to December falls in the cycle's first
calendar year, one in January to May in the next (the 2006/07 cycle: annual review July to
September 2006, year-end update May 2007). A draft plan's moves are in ``workflow.py``; when
it is adopted its actions become the implementation plan's actions (engage/strategy), and each
draft action keeps the id of the plan action it became.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.concurrency import Versioned
from ..core.i18n import N_
from ..core.models import utcnow
from ..extensions import db

AUTOINC = {"sqlite_autoincrement": True}

# Labels below are marked for the catalogue; translated where shown.
SUBMITTERS = {
    "partnerships": N_("Each thematic partnership"),
    "team": N_("The Partnership Team"),
}
# Which move in Engage marks a step done for its partnership ("" for none: marked by hand).
EVENTS = {
    "": N_("Marked done by a partnership officer"),
    "draft_plan": N_("Done when the partnership sends its draft action plan"),
    "final_plan": N_("Done when the partnership sends its final action plan"),
}
MONTHS = [N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"), N_("August"),
          N_("September"), N_("October"), N_("November"), N_("December")]


class CycleTemplateStep(Versioned, db.Model):
    """One row of the cycle's table: what happens, when (month and day), who sends it, and
    what goes to the Board."""

    __tablename__ = "cycle_template_step"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str] = mapped_column(Text, default="")
    opens_month: Mapped[int] = mapped_column(Integer)
    opens_day: Mapped[int] = mapped_column(Integer, default=1)
    due_month: Mapped[int] = mapped_column(Integer)
    due_day: Mapped[int] = mapped_column(Integer)
    submitter: Mapped[str] = mapped_column(String(20), default="partnerships")
    board_output: Mapped[str] = mapped_column(Text, default="")
    event: Mapped[str] = mapped_column(String(20), default="")

    @property
    def submitter_label(self) -> str:
        return SUBMITTERS.get(self.submitter, self.submitter)

    @property
    def timing(self) -> str:
        start, end = MONTHS[self.opens_month - 1], MONTHS[self.due_month - 1]
        return start if start == end else f"{start} to {end}"

    def __str__(self) -> str:
        return self.title


class CycleYear(db.Model):
    __tablename__ = "cycle_year"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)  # 2006 means the 2006/07 cycle
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    steps = relationship("CycleStep", back_populates="cycle", order_by="(CycleStep.due_on, CycleStep.position, CycleStep.id)",
                         cascade="all, delete-orphan")
    plans = relationship("DraftPlan", back_populates="cycle", order_by="DraftPlan.id", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    def __str__(self) -> str:
        return f"Annual cycle {self.label}"


class CycleStep(db.Model):
    """A step of one year's calendar, for one partnership (or the Partnership Team)."""

    __tablename__ = "cycle_step"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle_year.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("cycle_template_step.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str] = mapped_column(Text, default="")
    board_output: Mapped[str] = mapped_column(Text, default="")
    event: Mapped[str] = mapped_column(String(20), default="")
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id", ondelete="SET NULL"), index=True)
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    done_note: Mapped[str] = mapped_column(Text, default="")

    cycle = relationship("CycleYear", back_populates="steps")
    partnership = relationship("Partnership")
    done_by = relationship("User")

    @property
    def who(self) -> str:
        return self.partnership.name if self.partnership else "The Partnership Team"

    def __str__(self) -> str:
        return f"{self.title}: {self.who}"


PLAN_STATES = {
    "draft": N_("Draft"),
    "submitted": N_("Sent to the PSG"),
    "returned": N_("Challenged: back with the partnership"),
    "final": N_("Final plan sent"),
    "adopted": N_("Adopted into the plan"),
}
DECISIONS = {"pending": N_("Not reviewed yet"), "accepted": N_("Accepted"), "challenged": N_("Challenged")}


class DraftPlan(Versioned, db.Model):
    """A thematic partnership's action plan for a cycle year, from draft to adopted."""

    __tablename__ = "cycle_plan"
    __table_args__ = (UniqueConstraint("cycle_id", "partnership_id"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle_year.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    funding: Mapped[str] = mapped_column(Text, default="")
    # The implementation plan theme its actions went into when it was adopted.
    plan_theme_id: Mapped[int | None] = mapped_column(ForeignKey("plan_theme.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    cycle = relationship("CycleYear", back_populates="plans")
    partnership = relationship("Partnership")
    actions = relationship("DraftAction", back_populates="plan", order_by="(DraftAction.position, DraftAction.id)",
                           cascade="all, delete-orphan")
    moves = relationship("DraftPlanMove", back_populates="plan", order_by="DraftPlanMove.id", cascade="all, delete-orphan")

    @property
    def state_label(self) -> str:
        return PLAN_STATES.get(self.state, self.state)

    def __str__(self) -> str:
        return f"{self.partnership.name if self.partnership else 'Action plan'} {self.cycle.label if self.cycle else ''}".strip()


class DraftAction(db.Model):
    """What will be done, who leads it, when, for which outcome; the PSG's decision on it,
    its reason for a challenge and the partnership's reply."""

    __tablename__ = "cycle_plan_action"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("cycle_plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    activity: Mapped[str] = mapped_column(Text)
    lead_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcome.id", ondelete="SET NULL"), index=True)
    funding: Mapped[str] = mapped_column(String(300), default="")
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    challenge: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    plan_action_id: Mapped[int | None] = mapped_column(ForeignKey("plan_action.id", ondelete="SET NULL"), index=True)

    plan = relationship("DraftPlan", back_populates="actions")
    lead_organisation = relationship("Organisation")
    outcome = relationship("Outcome")
    decided_by = relationship("User")

    @property
    def decision_label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)

    def __str__(self) -> str:
        return self.activity


class DraftPlanMove(db.Model):
    """Who moved a draft plan from one state to another, when, and why."""

    __tablename__ = "cycle_plan_move"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("cycle_plan.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    plan = relationship("DraftPlan", back_populates="moves")
    actor = relationship("User")


def _describe_for_deletes() -> None:
    from ..core import deletion

    deletion.describe("cycle_template_step", "step of the cycle template", "steps of the cycle template", "title")
    deletion.describe("cycle_year", "annual cycle", "annual cycles", "year")
    deletion.describe("cycle_step", "step of the annual cycle", "steps of the annual cycle", "title")
    deletion.describe("cycle_plan", "draft action plan", "draft action plans", None)
    deletion.describe("cycle_plan_action", "draft action", "draft actions", "activity")
    deletion.describe_link("cycle_step", "template_id", "steps of yearly calendars made from it (they stay)")
    deletion.describe_link("cycle_step", "partnership_id", "steps of the annual cycle it sends (they pass to the Partnership Team)")
    deletion.describe_link("cycle_plan_action", "lead_organisation_id", "draft actions it leads (they stay, without a lead)")
    deletion.describe_link("cycle_plan_action", "outcome_id", "draft actions that serve it (they stay, without the link)")
    deletion.describe_link("cycle_plan_action", "plan_action_id", "draft actions that became it (they stay)")
    deletion.describe_link("cycle_plan", "plan_theme_id", "adopted action plans whose actions went into it (they stay)")
    for table in ("cycle_plan_move",):
        deletion.quiet(table)
    for col in ("created_by_id",):
        deletion.describe_link("cycle_year", col, "annual cycles this person set up (they stay)")
    deletion.describe_link("cycle_step", "done_by_id", "steps this person marked done (they stay)")
    deletion.describe_link("cycle_plan_action", "decided_by_id", "challenges this person recorded (they stay)")


_describe_for_deletes()
