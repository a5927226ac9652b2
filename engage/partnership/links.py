"""Outcomes of the outcomes framework as a kind of link for other capabilities
(``engage.core.registry.links``): a funding bid names the outcomes it would move. The
framework is public."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from ..core.params import to_id
from ..core.registry import LinkKind, links
from ..core.urls import path_for
from ..extensions import db
from ..core.i18n import N_
from .models import Outcome


def _choices(user):
    return [(o.id, str(o)) for o in db.session.scalars(select(Outcome).order_by(Outcome.code, Outcome.title))]


def _resolve(target_id, user):
    oid = to_id(target_id)
    found = db.session.get(Outcome, oid) if oid else None
    if found is None:
        return None
    return str(found), path_for("partnership.outcomes", _anchor=f"priority-{found.priority_id}")


def register(app: Flask) -> None:
    links.register(LinkKind("outcome", N_("Outcome"), _choices, _resolve), app)
