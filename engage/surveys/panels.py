"""Blocks this capability adds to the consultation pages (through engage.core.registry)."""
from __future__ import annotations

from flask import render_template, url_for
from markupsafe import Markup
from sqlalchemy import select

from ..extensions import db
from .builder import can_manage
from .models import Survey


def surveys_of(consultation) -> list[Survey]:
    return db.session.scalars(select(Survey).where(Survey.consultation_id == consultation.id).order_by(Survey.id)).all()


def consultation_page(consultation, user):
    surveys = surveys_of(consultation)
    manager = can_manage(user, consultation)
    shown = [s for s in surveys if s.state in ("open", "closed") or manager]
    if not shown:
        return None
    return Markup(render_template("surveys/_panel.html", surveys=shown, consultation=consultation, manager=manager))


def consultation_manage(consultation, user):
    if not can_manage(user, consultation):
        return None
    return Markup(render_template("surveys/_manage_links.html", surveys=surveys_of(consultation), consultation=consultation))


def take_part(consultation, external: bool = False) -> str | None:
    """The consultation's "Take part" link while one of its surveys is open (or about to
    open): the survey's start page, built for this request (a site-relative path, or the
    public address's when ``external``), never a stored address."""
    surveys = surveys_of(consultation)
    for state in ("open", "scheduled"):
        chosen = [s for s in surveys if s.state == state]
        if chosen:
            return url_for("surveys.start", survey_id=chosen[-1].id, _external=external)
    return None
