"""The annual cycle on the signed-in person's dashboard (``engage.core.registry.panels``)."""
from __future__ import annotations

from flask import Flask, url_for
from markupsafe import Markup

from ..core.registry import panels


def dashboard(user, _viewer=None):
    if not (user is not None and user.is_authenticated and user.has_role("practitioner", "coordinator")):
        return None
    from ..core.i18n import gettext

    return Markup('<li><a class="govuk-link" href="%s">') % url_for("cycle.index") + gettext("Annual cycle and action plans") + Markup("</a></li>")


def register(app: Flask) -> None:
    panels.register("account.dashboard", dashboard, app)
