"""The annual cycle on the signed-in person's dashboard (``engage.core.registry.panels``)."""
from __future__ import annotations

from flask import Flask, url_for
from markupsafe import Markup

from ..core.registry import panels


def dashboard(user, _viewer=None):
    if not (user is not None and user.is_authenticated and user.has_role("practitioner", "coordinator")):
        return None
    return Markup('<li><a class="govuk-link" href="%s">Annual cycle and action plans</a></li>') % url_for("cycle.index")


def register(app: Flask) -> None:
    panels.register("account.dashboard", dashboard, app)
