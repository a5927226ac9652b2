"""The accessibility statement's rules (Public Sector Bodies Accessibility Regulations 2018)."""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from ..core import audit, clock, concurrency
from ..core.errors import RuleError
from ..core.i18n import gettext as _
from ..extensions import db
from .models import COMPLIANCE, AccessibilityStatement

# How long a statement may go without a review before its page says it is out of date: the
# regulations ask for a review at least once a year.
REVIEW_DAYS = 365


def statement() -> AccessibilityStatement | None:
    return db.session.scalar(select(AccessibilityStatement).order_by(AccessibilityStatement.id).limit(1))


def draft() -> AccessibilityStatement:
    """What a new site's statement starts from (not saved): the site's name and contact address."""
    contact = current_app.config["ENGAGE_CONTACT_EMAIL"]
    return AccessibilityStatement(
        organisation=current_app.config["ENGAGE_SITE_NAME"], compliance="partial", format_days=5,
        format_contact=f"Email {contact}", problem_contact=f"Email {contact}", version=0,
    )


def missing(st: AccessibilityStatement | None) -> list[str]:
    """What the regulations ask for that the statement does not say yet, in words."""
    if st is None or st.id is None:
        return [_("The partnership has not yet filled in this statement.")]
    gaps = []
    if st.compliance != "full" and not (st.non_compliant or "").strip():
        gaps.append(_("the content that is not accessible, and why"))
    if not (st.format_contact or "").strip():
        gaps.append(_("how to ask for information in another format"))
    if not (st.problem_contact or "").strip():
        gaps.append(_("how to report a problem"))
    if st.prepared_on is None:
        gaps.append(_("the date it was prepared"))
    return gaps


def review_overdue(st: AccessibilityStatement | None, today: date | None = None) -> bool:
    if st is None or st.id is None:
        return False
    last = st.reviewed_on or st.prepared_on
    today = today or clock.today()
    return last is None or (today - last).days > REVIEW_DAYS


FIELDS = ("organisation", "compliance", "non_compliant", "disproportionate_burden", "outside_scope",
          "format_contact", "format_days", "problem_contact", "improvements", "tested_on", "tested_by",
          "prepared_on", "reviewed_on")


def save(actor, data: dict, version=concurrency.UNCHECKED, today: date | None = None) -> AccessibilityStatement:
    """Save the statement after its rules; recorded (who, what changed) and flushed."""
    today = today or clock.today()
    data = {key: data.get(key) for key in FIELDS}
    _check(data, today)
    st = statement()
    creating = st is None
    if creating:
        st = AccessibilityStatement()
        db.session.add(st)
    else:
        concurrency.check(st, version)
    for key, value in data.items():
        setattr(st, key, value.strip() if isinstance(value, str) else value)
    st.updated_by_id = getattr(actor, "id", None)
    st.updated_at = clock.utcnow()
    audit.record(actor, "create" if creating else "update", st, "Accessibility statement saved")
    concurrency.flush(st)
    return st


def _check(data: dict, today: date) -> None:
    if data["compliance"] not in COMPLIANCE:
        raise RuleError("Select how far the site meets the accessibility standard", "compliance")
    listed = (data.get("non_compliant") or "").strip()
    if data["compliance"] != "full" and not listed:
        raise RuleError("List the content that is not accessible and why, or select fully compliant", "non_compliant")
    if data["compliance"] == "full" and listed:
        raise RuleError("A fully compliant site has no content that is not accessible: select partially "
                        "compliant, or remove the list", "non_compliant")
    days = data.get("format_days")
    if days is None or not 1 <= days <= 60:
        raise RuleError("Enter how many working days a reply takes, from 1 to 60", "format_days")
    for name, label in (("tested_on", "The date the site was last tested"), ("prepared_on", "The date the statement was prepared"),
                        ("reviewed_on", "The date the statement was last reviewed")):
        if data.get(name) and data[name] > today:
            raise RuleError(f"{label} must be today or in the past", name)
    if data.get("reviewed_on") and data.get("prepared_on") and data["reviewed_on"] < data["prepared_on"]:
        raise RuleError("The date it was last reviewed must be the same as or after the date it was prepared", "reviewed_on")
