"""The model of a partnership: organisations, partnerships, versioned priorities,
cross-cutting themes, outcomes with indicators, and the tree of places.

Everything here is data a partnership officer edits; nothing is specific to one partnership.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..core.concurrency import Versioned
from ..core.i18n import N_, gettext
from ..core.models import link_table
from ..extensions import db

ORGANISATION_KINDS = {
    "council": N_("Council"),
    "police": N_("Police"),
    "health": N_("Health"),
    "fire": N_("Fire and rescue"),
    "education": N_("Education"),
    "housing": N_("Housing"),
    "business": N_("Business"),
    "vcs": N_("Voluntary or community group"),
    "other": N_("Other"),
}

AREA_LEVELS = {  # marked for the catalogue; translated where shown
    "borough": N_("Borough"),
    "town": N_("Town"),
    "ward": N_("Ward"),
    "neighbourhood": N_("Neighbourhood"),
    "lsoa": N_("Lower super output area"),
}
# Who may approve a findings report that names a partnership (besides a partnership officer
# who did not write it): set by an officer on the partnership, read by engage/sharing/workflow.py.
REPORT_APPROVERS = {
    "officers": N_("A partnership officer who did not write the report"),
    "coordinators": N_("A partnership officer, or one of this partnership's coordinators, who did not write the report"),
}

# Which level may sit under which: a child is always one of the levels after its parent.
AREA_ORDER = list(AREA_LEVELS)

partnership_member = link_table("partnership_member", ("partnership_id", "partnership"), ("organisation_id", "organisation"))
partnership_coordinator = link_table("partnership_coordinator", ("partnership_id", "partnership"), ("user_id", "user"))

# "The 2005 priority X became the 2006 priority Y": many to many, between frameworks.
priority_succession = link_table("priority_succession", ("predecessor_id", "priority"), ("successor_id", "priority"))


class Organisation(Versioned, db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KINDS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return self.name


class Partnership(Versioned, db.Model):
    """The strategic partnership itself, or one of its priority (specialist) partnerships."""

    __tablename__ = "partnership"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(20), default="priority")  # strategic | priority
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    report_approvers: Mapped[str] = mapped_column(String(20), default="officers", server_default="officers")

    parent = relationship("Partnership", remote_side=[id], backref="children")
    members = relationship("Organisation", secondary=partnership_member, order_by="Organisation.name")
    coordinators = relationship("User", secondary=partnership_coordinator, order_by="User.name")

    def __str__(self) -> str:
        return self.name


class Framework(Versioned, db.Model):
    """A version of the partnership's priorities, e.g. "Community Strategy and LAA 2006–09"."""

    __tablename__ = "framework"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")

    priorities = relationship("Priority", back_populates="framework", order_by="Priority.position", cascade="all, delete-orphan")
    themes = relationship("Theme", back_populates="framework", order_by="Theme.position", cascade="all, delete-orphan")

    @property
    def period(self) -> str:
        if self.ends_on:
            return gettext("%(start)s to %(end)s", start=self.starts_on.year, end=self.ends_on.year)
        return gettext("%(start)s to now", start=self.starts_on.year)

    def __str__(self) -> str:
        return self.name


class Priority(Versioned, db.Model):
    __tablename__ = "priority"
    __table_args__ = (UniqueConstraint("framework_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id", ondelete="SET NULL"), index=True)

    framework = relationship("Framework", back_populates="priorities")
    partnership = relationship("Partnership")
    outcomes = relationship("Outcome", back_populates="priority", order_by="Outcome.code", cascade="all, delete-orphan")
    successors = relationship(
        "Priority",
        secondary=priority_succession,
        primaryjoin=lambda: Priority.id == priority_succession.c.predecessor_id,
        secondaryjoin=lambda: Priority.id == priority_succession.c.successor_id,
        backref="predecessors",
        order_by="Priority.position",
    )

    @property
    def label(self) -> str:
        return f"{self.name} ({self.framework.name})"

    def __str__(self) -> str:
        return self.name


class Theme(Versioned, db.Model):
    """A cross-cutting theme beside the priorities (the LAA's "transformational issues")."""

    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("framework_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    framework = relationship("Framework", back_populates="themes")

    def __str__(self) -> str:
        return self.name


class Outcome(Versioned, db.Model):
    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")

    priority = relationship("Priority", back_populates="outcomes")
    indicators = relationship("Indicator", back_populates="outcome", order_by="Indicator.id", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class Indicator(Versioned, db.Model):
    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(60), default="")
    direction: Mapped[str] = mapped_column(String(10), default="higher")  # higher | lower is better
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[date | None] = mapped_column(Date)
    target_value: Mapped[float | None] = mapped_column(Float)
    target_date: Mapped[date | None] = mapped_column(Date)
    monitoring_level: Mapped[float | None] = mapped_column(Float)
    lead_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(300), default="")

    outcome = relationship("Outcome", back_populates="indicators")
    lead_organisation = relationship("Organisation")
    readings = relationship("IndicatorReading", back_populates="indicator", order_by="IndicatorReading.taken_on", cascade="all, delete-orphan")

    @property
    def latest(self):
        return self.readings[-1] if self.readings else None

    @property
    def status(self) -> str:
        from .services import indicator_status

        return indicator_status(self)

    def __str__(self) -> str:
        return self.name


class IndicatorReading(db.Model):
    __tablename__ = "indicator_reading"
    __table_args__ = (UniqueConstraint("indicator_id", "taken_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    taken_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(300), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    indicator = relationship("Indicator", back_populates="readings")


class Area(Versioned, db.Model):
    """A place in the tree borough → town → ward → neighbourhood → LSOA."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(20), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    population: Mapped[int | None] = mapped_column(Integer)
    priority_ward: Mapped[bool] = mapped_column(Boolean, default=False)
    population_is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    # The database refuses to delete an area with areas inside it (RESTRICT); "all" stops the
    # ORM from quietly emptying their parent_id instead (engage/core/deletion.py).
    parent = relationship("Area", remote_side=[id], backref=backref("children", passive_deletes="all"))

    @property
    def level_label(self) -> str:
        return AREA_LEVELS.get(self.level, self.level)

    @property
    def ancestors(self) -> list["Area"]:
        out, node = [], self.parent
        while node is not None and len(out) < 10:
            out.append(node)
            node = node.parent
        return out

    def __str__(self) -> str:
        return self.name


class Postcode(db.Model):
    """One line of the postcode-to-ward lookup an officer loads (from the ONS postcode
    directory's postcode and ward columns). ``postcode`` is kept without spaces, in capitals."""

    __tablename__ = "postcode"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    postcode: Mapped[str] = mapped_column(String(8), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    ward_code: Mapped[str] = mapped_column(String(20), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    area = relationship("Area")

    @property
    def display(self) -> str:
        return f"{self.postcode[:-3]} {self.postcode[-3:]}"

    def __str__(self) -> str:
        return self.display


# ---- how deletes describe these records (engage/core/deletion.py) -----------------------

def _describe_for_deletes() -> None:
    from ..core import deletion

    deletion.describe("organisation", "organisation", "organisations", "name")
    deletion.describe("partnership", "partnership", "partnerships", "name")
    deletion.describe("framework", "priority framework", "priority frameworks", "name")
    deletion.describe("priority", "priority", "priorities", "name")
    deletion.describe("theme", "cross-cutting theme", "cross-cutting themes", "name")
    deletion.describe("outcome", "outcome", "outcomes", "title")
    deletion.describe("indicator", "indicator", "indicators", "name")
    deletion.describe("indicator_reading", "reading", "readings", "taken_on")
    deletion.describe("area", "area", "areas", "name")
    deletion.describe("postcode", "postcode", "postcodes", "postcode")
    deletion.describe_link("postcode", "area_id", "its postcodes in the postcode lookup")
    deletion.describe_link("area", "parent_id", "areas inside it")
    deletion.describe_link("partnership", "parent_id", "partnerships that stay but are no longer part of it")
    deletion.describe_link("priority", "partnership_id", "priorities it owns (they stay, with no owner)")
    deletion.describe_link("indicator", "lead_organisation_id", "indicators it leads (they stay, with no lead)")
    deletion.describe_link("partnership_member", "organisation_id", "partnerships it is a member of (it leaves them)")
    deletion.describe_link("partnership_member", "partnership_id", "member organisations (they stay, outside it)")
    deletion.describe_link("partnership_coordinator", "partnership_id", "coordinators (their accounts stay)")
    deletion.describe_link("partnership_coordinator", "user_id", "partnerships this person coordinates")
    deletion.describe_link("priority_succession", "predecessor_id", "later priorities it became (the mapping is removed)")
    deletion.describe_link("priority_succession", "successor_id", "earlier priorities that became it (the mapping is removed)")


_describe_for_deletes()
