"""The partnership's kind of link for other capabilities (``engage.core.registry.links``): an
outcome of the outcomes framework. A risk names the outcomes it threatens; a plan action the
outcome it serves."""
from __future__ import annotations

from flask import Flask, url_for
from sqlalchemy import select

from ..core.registry import LinkKind, links
from ..extensions import db
from .models import Framework, Outcome, Priority

OUTCOME_LINK_KIND = "outcome"


def _choices(user):
    rows = db.session.scalars(select(Outcome).join(Priority).join(Framework)
                              .order_by(Framework.starts_on.desc(), Priority.position, Outcome.code, Outcome.id))
    return [(o.id, f"{o.code} {o.title}".strip()) for o in rows]


def _resolve(target_id, user):
    outcome = db.session.get(Outcome, target_id)
    if outcome is None:
        return None
    return str(outcome), url_for("partnership.outcomes", _anchor=f"priority-{outcome.priority_id}")


def register(app: Flask) -> None:
    links.register(LinkKind(OUTCOME_LINK_KIND, "Outcome", _choices, _resolve), app)
