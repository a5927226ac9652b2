"""The toolkit's kind of link for other capabilities (``engage.core.registry.links``): an
implementation-plan action, for example, can link to the methods it uses."""
from __future__ import annotations

from flask import Flask, url_for
from sqlalchemy import select

from ..core.registry import LinkKind, links
from ..extensions import db
from ..core.i18n import N_
from .models import ToolkitEntry


def _choices(user):
    return [(e.id, e.title) for e in db.session.scalars(select(ToolkitEntry).order_by(ToolkitEntry.title))]


def _resolve(target_id, user):
    entry = db.session.get(ToolkitEntry, target_id)
    return (entry.title, url_for("toolkit.entry", slug=entry.slug)) if entry else None


def register(app: Flask) -> None:
    links.register(LinkKind("toolkit-entry", N_("Toolkit entry"), _choices, _resolve), app)
