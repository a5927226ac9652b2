"""The strategic risk register: risks (strategic or operational), each owned by the Board or a
thematic partnership, scored for likelihood and impact on the stated 1-5 scales
(``scale.py``), with its controls, actions, next review date and links to the outcomes and plan
actions it threatens (``engage.core.registry.links``: stored as kind + target id). Every change
is an audit event (``engage.core.audit``), so a risk's history is its audit trail."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.concurrency import Versioned
from ..core.models import utcnow
from ..extensions import db
from .scale import CATEGORIES, band, score

AUTOINC = {"sqlite_autoincrement": True}


class Risk(Versioned, db.Model):
    __tablename__ = "risk"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20), default="strategic")  # strategic | operational
    # The thematic partnership that owns it; none: the Board owns it.
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id", ondelete="SET NULL"), index=True)
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    controls: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    review_on: Mapped[date] = mapped_column(Date, index=True)
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | closed
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    partnership = relationship("Partnership")
    links = relationship("RiskLink", back_populates="risk", order_by="RiskLink.id", cascade="all, delete-orphan")

    @property
    def score(self) -> int:
        return score(self.likelihood, self.impact)

    @property
    def band(self):
        return band(self.score)

    @property
    def owner_label(self) -> str:
        return self.partnership.name if self.partnership else "The Board"

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    def __str__(self) -> str:
        return self.title


class RiskLink(db.Model):
    """A risk threatens an outcome or a plan action: (kind, target id) of a registered link kind."""

    __tablename__ = "risk_link"
    __table_args__ = (UniqueConstraint("risk_id", "kind", "target_id"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    risk = relationship("Risk", back_populates="links")


def _describe_for_deletes() -> None:
    from ..core import deletion

    deletion.describe("risk", "risk", "risks", "title")
    deletion.describe("risk_link", "link", "links", "kind")
    deletion.describe_link("risk", "partnership_id", "risks it owns (they stay, owned by the Board)")
    deletion.describe_link("risk", "created_by_id", "risks this person added (they stay)")


_describe_for_deletes()
