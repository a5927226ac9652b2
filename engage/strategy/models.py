"""The engagement strategy (versions, sections, comments and their responses), the
implementation plan (themes, actions, progress notes, links, budget lines and their quarterly
figures) and the Network Group (members, the methods they used, events, helpers named on
consultations).

Money is kept in whole pence (integers), so sums are exact; every percentage and variance is
worked out in ``budget.py`` and never stored.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.concurrency import Versioned
from ..core.i18n import N_
from ..core.models import link_table, utcnow
from ..extensions import db

AUTOINC = {"sqlite_autoincrement": True}


# ---- the strategy ------------------------------------------------------------------------

VERSION_STATES = {
    "draft": N_("Draft"),
    "consultation": N_("Out for comment"),
    "adopted": N_("Adopted"),
    "superseded": N_("Superseded"),
}


class StrategyDocument(db.Model):
    """A strategy with a life of its own, e.g. "Halton Community Engagement Strategy"."""

    __tablename__ = "strategy_document"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    versions = relationship("StrategyVersion", back_populates="document", order_by="StrategyVersion.number",
                            cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title


class StrategyVersion(Versioned, db.Model):
    __tablename__ = "strategy_version"
    __table_args__ = (UniqueConstraint("document_id", "number"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("strategy_document.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    comments_close_on: Mapped[date | None] = mapped_column(Date)
    public_comments: Mapped[bool] = mapped_column(Boolean, default=False)
    adopted_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    document = relationship("StrategyDocument", back_populates="versions")
    sections = relationship("StrategySection", back_populates="strategy_version", order_by="StrategySection.position",
                            cascade="all, delete-orphan")
    transitions = relationship("StrategyTransition", back_populates="strategy_version",
                               order_by="StrategyTransition.id", cascade="all, delete-orphan")

    @property
    def state_label(self) -> str:
        return VERSION_STATES.get(self.state, self.state)

    @property
    def label(self) -> str:
        return f"Version {self.number}: {self.title} ({self.state_label.lower()})"

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class StrategySection(Versioned, db.Model):
    __tablename__ = "strategy_section"
    __table_args__ = (UniqueConstraint("version_id", "key"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("strategy_version.id", ondelete="CASCADE"), index=True)
    # The same section in every version has the same key, so versions can be compared.
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")

    strategy_version = relationship("StrategyVersion", back_populates="sections")
    comments = relationship("StrategyComment", back_populates="section", order_by="StrategyComment.id",
                            cascade="all, delete-orphan")

    @property
    def anchor(self) -> str:
        return f"section-{self.key}"

    def __str__(self) -> str:
        return self.heading


RESPONSE_KINDS = {"changed": N_("Changed"), "not_changed": N_("Not changed")}


class StrategyComment(Versioned, db.Model):
    """A comment on a section (optionally on a passage of it), and what was done with it."""

    __tablename__ = "strategy_comment"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("strategy_section.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Shown with the published record: the partner's organisation, or "a member of the public".
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    passage: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    response_kind: Mapped[str | None] = mapped_column(String(20))
    response_text: Mapped[str] = mapped_column(Text, default="")
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Marked as spam by an officer (who, when): kept, never published, not waiting for a response.
    spam_at: Mapped[datetime | None] = mapped_column(DateTime)
    spam_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    section = relationship("StrategySection", back_populates="comments")
    author = relationship("User", foreign_keys=[author_id])
    responded_by = relationship("User", foreign_keys=[responded_by_id])
    spam_by = relationship("User", foreign_keys=[spam_by_id])
    contact = relationship("StrategyCommentContact", uselist=False, back_populates="comment", cascade="all, delete-orphan")

    @property
    def is_spam(self) -> bool:
        return self.spam_at is not None

    @property
    def response_label(self) -> str:
        if self.spam_at is not None:
            return N_("Marked as spam")
        return RESPONSE_KINDS.get(self.response_kind or "", N_("Waiting for a response"))

    @property
    def from_label(self) -> str:
        if self.author_id is None and not self.organisation_name:
            return N_("A member of the public")
        return self.organisation_name or N_("A partner")


class StrategyCommentContact(db.Model):
    """A member of the public's name and email, kept apart from what they said, and deleted
    on schedule (``flask engage strategy-forget-contacts``)."""

    __tablename__ = "strategy_comment_contact"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("strategy_comment.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))

    comment = relationship("StrategyComment", back_populates="contact")


class StrategyTransition(db.Model):
    """Who moved a version from one state to another, when, and why."""

    __tablename__ = "strategy_transition"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("strategy_version.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    strategy_version = relationship("StrategyVersion", back_populates="transitions")
    actor = relationship("User")


# ---- the implementation plan ----------------------------------------------------------------

ACTION_STATUSES = {
    "not_started": N_("Not started"),
    "on_track": N_("On track"),
    "at_risk": N_("At risk"),
    "late": N_("Late"),
    "complete": N_("Complete"),
}
# What a person may set; "late" is worked out from the date.
SETTABLE_STATUSES = {k: v for k, v in ACTION_STATUSES.items() if k != "late"}


class PlanTheme(Versioned, db.Model):
    __tablename__ = "plan_theme"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    # The database refuses to delete a theme that still has actions (RESTRICT).
    actions = relationship("PlanAction", back_populates="theme", order_by="PlanAction.position", passive_deletes="all")

    def __str__(self) -> str:
        return self.name


class PlanAction(Versioned, db.Model):
    __tablename__ = "plan_action"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("plan_theme.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    purpose: Mapped[str] = mapped_column(Text, default="")  # blank: the theme's purpose
    activity: Mapped[str] = mapped_column(Text)
    lead_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    lead_officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id", ondelete="SET NULL"), index=True)
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priority.id", ondelete="SET NULL"), index=True)
    timescale: Mapped[str] = mapped_column(String(100), default="")  # as people say it: "Spring 2005"
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    theme = relationship("PlanTheme", back_populates="actions")
    lead_organisation = relationship("Organisation")
    lead_officer = relationship("User")
    partnership = relationship("Partnership")
    priority = relationship("Priority")
    progress = relationship("ActionProgress", back_populates="action", order_by="(ActionProgress.noted_on, ActionProgress.id)",
                            cascade="all, delete-orphan")
    links = relationship("ActionLink", back_populates="action", order_by="ActionLink.id", cascade="all, delete-orphan")

    @property
    def purpose_text(self) -> str:
        return self.purpose or (self.theme.purpose if self.theme else "")

    def __str__(self) -> str:
        return self.activity


class ActionProgress(db.Model):
    """A dated progress note; it also sets the action's status from that date."""

    __tablename__ = "action_progress"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_action.id", ondelete="CASCADE"), index=True)
    noted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    action = relationship("PlanAction", back_populates="progress")
    author = relationship("User")


class ActionLink(db.Model):
    """A link from an action to something another capability owns: (kind, target id), see
    ``engage.core.registry.links``."""

    __tablename__ = "action_link"
    __table_args__ = (UniqueConstraint("action_id", "kind", "target_id"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_action.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    action = relationship("PlanAction", back_populates="links")


class BudgetLine(Versioned, db.Model):
    """One line of a financial year's budget (April to March), e.g. "Staffing" in 2005/06."""

    __tablename__ = "budget_line"
    __table_args__ = (UniqueConstraint("year", "item"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)  # 2005 means 2005/06
    position: Mapped[int] = mapped_column(Integer, default=0)
    item: Mapped[str] = mapped_column(String(200))
    annual_budget: Mapped[int] = mapped_column(BigInteger, default=0)  # pence
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id", ondelete="SET NULL"), index=True)
    # Which book of the one budget the line is in: "" is the partnership's own activity budget
    # (the budget page and the board report); "funding" is a funded project's money for the
    # year (engage/funding), kept off the activity budget's pages.
    book: Mapped[str] = mapped_column(String(20), default="", server_default="", index=True)

    partnership = relationship("Partnership")
    figures = relationship("BudgetFigures", back_populates="line", order_by="BudgetFigures.quarter", cascade="all, delete-orphan")

    def figures_for(self, quarter: int):
        return next((f for f in self.figures if f.quarter == quarter), None)

    def __str__(self) -> str:
        return self.item


class BudgetFigures(db.Model):
    """What the line stood at the end of a quarter: spend and profiled budget to date, and
    the year-end estimate."""

    __tablename__ = "budget_figures"
    __table_args__ = (UniqueConstraint("line_id", "quarter"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("budget_line.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[int] = mapped_column(Integer)
    spend_to_date: Mapped[int] = mapped_column(BigInteger, default=0)
    budget_to_date: Mapped[int] = mapped_column(BigInteger, default=0)
    year_end_estimate: Mapped[int] = mapped_column(BigInteger, default=0)

    line = relationship("BudgetLine", back_populates="figures")


# ---- the Network Group ----------------------------------------------------------------------

network_member_area = link_table("network_member_area", ("member_id", "network_member"), ("area_id", "area"))


class NetworkMember(Versioned, db.Model):
    """A practitioner who opted in to the Network Group directory."""

    __tablename__ = "network_member"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    job_title: Mapped[str] = mapped_column(String(120), default="")
    about: Mapped[str] = mapped_column(Text, default="")
    audiences: Mapped[list] = mapped_column(JSON, default=list)
    # Toolkit methods they have used, by slug (as consultations tag their methods).
    methods: Mapped[list] = mapped_column(JSON, default=list)
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user = relationship("User")
    organisation = relationship("Organisation")
    areas = relationship("Area", secondary=network_member_area, order_by="Area.name")

    @property
    def name(self) -> str:
        return self.user.name if self.user else ""

    def __str__(self) -> str:
        return self.name


class ConsultationHelper(db.Model):
    """A network member named on a consultation as someone who helped."""

    __tablename__ = "consultation_helper"
    __table_args__ = (UniqueConstraint("consultation_id", "member_id"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("network_member.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(200), default="")

    member = relationship("NetworkMember")


EVENT_KINDS = {"meeting": N_("Network meeting"), "training": N_("Training"), "forum": N_("Area forum")}


class NetworkEvent(Versioned, db.Model):
    __tablename__ = "network_event"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(300))
    accessibility: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)  # open to the public, or network only
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


    @property
    def kind_label(self) -> str:
        return EVENT_KINDS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return self.title


# ---- how deletes describe these records (engage/core/deletion.py) -----------------------

def _describe_for_deletes() -> None:
    from ..core import deletion

    deletion.describe("strategy_version", "strategy version", "strategy versions", "title")
    deletion.describe("strategy_section", "section", "sections", "heading")
    deletion.describe("strategy_comment", "comment", "comments", "body")
    deletion.describe("plan_theme", "plan theme", "plan themes", "name")
    deletion.describe("plan_action", "action", "actions", "activity")
    deletion.describe("action_progress", "progress update", "progress updates", "note")
    deletion.describe("action_link", "link", "links", "kind")
    deletion.describe("budget_line", "budget line", "budget lines", "item")
    deletion.describe("budget_figures", "quarter of figures", "quarters of figures", None)
    deletion.describe("network_member", "Network Group entry", "Network Group entries", "job_title")
    deletion.describe("consultation_helper", "mention as a helper", "mentions as a helper on consultations", "role")
    deletion.describe("network_event", "network event", "network events", "title")
    deletion.describe_link("plan_action", "lead_organisation_id", "plan actions it leads (they stay, without a lead)")
    deletion.describe_link("plan_action", "lead_officer_id", "plan actions this person leads (they stay, without a lead officer)")
    deletion.describe_link("plan_action", "partnership_id", "plan actions that serve it (they stay, without the link)")
    deletion.describe_link("plan_action", "priority_id", "plan actions that serve it (they stay, without the link)")
    deletion.describe_link("budget_line", "partnership_id", "budget lines (they stay, without the link)")
    for table in ("strategy_transition", "strategy_comment_contact"):
        deletion.quiet(table)


_describe_for_deletes()
