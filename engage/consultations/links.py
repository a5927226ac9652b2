"""The consultation database's kind of link for other capabilities
(``engage.core.registry.links``): a funding bid, for example, cites the consultation that
shows the need. Only consultations the reader may see are offered or shown."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from ..core.params import to_id
from ..core.registry import LinkKind, links
from ..core.urls import path_for
from ..extensions import db
from ..core.i18n import N_
from .models import Consultation
from .services import can_view, visible_clause


def _choices(user):
    rows = db.session.scalars(select(Consultation).where(visible_clause(user)).order_by(Consultation.title)).all()
    return [(c.id, c.title) for c in rows]


def _resolve(target_id, user):
    cid = to_id(target_id)
    found = db.session.get(Consultation, cid) if cid else None
    if found is None or not can_view(user, found):
        return None
    return found.title, path_for("consultations.page", consultation_id=found.id)


def register(app: Flask) -> None:
    links.register(LinkKind("consultation", N_("Consultation"), _choices, _resolve), app)
