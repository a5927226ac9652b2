"""Findings reports as a kind of link for other capabilities (``engage.core.registry.links``):
a funding bid cites the findings that show residents asked for it. Only reports the reader
may see are offered or shown."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from ..core.params import to_id
from ..core.registry import LinkKind, links
from ..core.urls import path_for
from ..extensions import db
from ..core.i18n import N_
from . import services
from .models import FindingsReport


def _choices(user):
    rows = db.session.scalars(select(FindingsReport).where(services.visible_clause(user)).order_by(FindingsReport.title)).all()
    return [(r.id, r.title) for r in rows if services.can_view(user, r)]


def _resolve(target_id, user):
    rid = to_id(target_id)
    found = db.session.get(FindingsReport, rid) if rid else None
    if found is None or not services.can_view(user, found):
        return None
    return found.title, path_for("sharing.report", report_id=found.id)


def register(app: Flask) -> None:
    links.register(LinkKind("findings-report", N_("Findings report"), _choices, _resolve), app)
