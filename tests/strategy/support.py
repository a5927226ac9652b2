"""Helpers for the strategy tests: strategies, plans and budgets made through the services."""
from __future__ import annotations

from datetime import date, timedelta

from engage.extensions import db

SECTIONS = [
    ("Our principles", "We will be clear about what can change.\n\nWe will feed back to everyone who took part."),
    ("The Network Group", "Practitioners help each other run engagement well."),
]


def strategy(officer, state="draft", title="Engagement Strategy", sections=SECTIONS, public_comments=False, close_in_days=14):
    """A strategy version in ``state`` (draft, consultation or adopted), committed."""
    from engage.strategy import documents

    version = documents.create_document(officer, title)
    for heading, body in sections:
        documents.save_section(officer, version, None, {"heading": heading, "body": body})
    version.comments_close_on = date.today() + timedelta(days=close_in_days)
    version.public_comments = public_comments
    db.session.flush()
    if state in ("consultation", "adopted"):
        documents.transition(officer, version, "open_comment")
    if state == "adopted":
        documents.transition(officer, version, "adopt")
    db.session.commit()
    return version


def plan(officer, org=None):
    """Two themes and three actions: {'theme', 'other_theme', 'due_past', 'due_future', 'undated'}."""
    from engage.strategy import plan as plan_services

    theme = plan_services.save_theme(officer, None, {"name": "Branding", "purpose": "Build recognition of the partnership."})
    other = plan_services.save_theme(officer, None, {"name": "Communication", "purpose": "Share what we learn."})
    today = date.today()
    past = plan_services.save_action(officer, None, {"theme_id": theme.id, "activity": "Agree a logo", "timescale": "Last month",
                                                     "due_on": today - timedelta(days=30), "lead_organisation_id": org.id if org else None})
    future = plan_services.save_action(officer, None, {"theme_id": theme.id, "activity": "Write brand guidance", "timescale": "Next year",
                                                       "due_on": today + timedelta(days=300)})
    undated = plan_services.save_action(officer, None, {"theme_id": other.id, "activity": "Monthly policy bulletin", "timescale": "Monthly"})
    db.session.commit()
    return {"theme": theme, "other_theme": other, "due_past": past, "due_future": future, "undated": undated}
