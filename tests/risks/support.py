"""Shared pieces of the risk register tests: a thematic partnership the test coordinator
coordinates, another they do not, and risks made through the service."""
from __future__ import annotations

from datetime import date, timedelta

from engage.extensions import db


def partnerships(users):
    from engage.partnership.models import Partnership

    ours = Partnership(name="Safer Test Partnership", short_name="STP", kind="priority")
    theirs = Partnership(name="Healthy Test Partnership", short_name="HTP", kind="priority")
    ours.coordinators.append(users["coordinator"])
    db.session.add_all([ours, theirs])
    db.session.commit()
    return ours, theirs


def make_risk(actor, owner=None, likelihood=3, impact=3, title=None, review_on=None, category="strategic"):
    from engage.risks import services

    risk = services.add_risk(actor, {
        "title": title or f"Risk {likelihood}x{impact}", "category": category, "owner": owner.id if owner else 0,
        "likelihood": likelihood, "impact": impact, "controls": "Some controls", "actions": "Some actions",
        "review_on": review_on or date.today() + timedelta(days=60)})
    db.session.commit()
    return risk
