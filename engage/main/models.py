"""The site's own statements that the partnership fills in: the accessibility statement."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.concurrency import Versioned
from ..extensions import db

# What the Public Sector Bodies Accessibility Regulations 2018 ask a statement to say about
# compliance with WCAG 2.2 AA, in the words of the GOV.UK model statement.
COMPLIANCE = {
    "full": "fully compliant",
    "partial": "partially compliant",
    "not": "not compliant",
}


class AccessibilityStatement(Versioned, db.Model):
    """The one accessibility statement of this site (one row; an officer keeps it up to date)."""

    __tablename__ = "accessibility_statement"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    compliance: Mapped[str] = mapped_column(String(10), default="partial")
    # Markdown: each problem, which WCAG 2.2 success criterion it fails, and when it is fixed.
    non_compliant: Mapped[str] = mapped_column(Text, default="")
    disproportionate_burden: Mapped[str] = mapped_column(Text, default="")
    outside_scope: Mapped[str] = mapped_column(Text, default="")
    format_contact: Mapped[str] = mapped_column(Text, default="")
    format_days: Mapped[int] = mapped_column(Integer, default=5)
    problem_contact: Mapped[str] = mapped_column(Text, default="")
    improvements: Mapped[str] = mapped_column(Text, default="")
    tested_on: Mapped[date | None] = mapped_column(Date)
    tested_by: Mapped[str] = mapped_column(String(300), default="")
    prepared_on: Mapped[date | None] = mapped_column(Date)
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __str__(self) -> str:
        return "Accessibility statement"

    @property
    def compliance_words(self) -> str:
        return COMPLIANCE.get(self.compliance, self.compliance)
