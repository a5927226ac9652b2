"""What the register adds to other pages (``engage.core.registry.panels``): the risks that
threaten a plan action, on its page, for signed-in staff only; the register on the dashboard."""
from __future__ import annotations

from flask import Flask, render_template, url_for
from markupsafe import Markup

from ..core.registry import panels


def plan_action_panel(action, user):
    from .services import can_read, risks_linked_to

    if not can_read(user):
        return None
    rows = risks_linked_to("plan-action", action.id)
    if not rows:
        return None
    return Markup(render_template("risks/_panel_action.html", risks=rows))


def dashboard(user, _current=None):
    from .services import can_read

    if not can_read(user):
        return None
    from ..core.i18n import gettext

    return Markup('<li><a class="govuk-link" href="%s">') % url_for("risks.index") + gettext("Strategic risk register") + Markup("</a></li>")


def register(app: Flask) -> None:
    panels.register("plan.action", plan_action_panel, app)
    panels.register("account.dashboard", dashboard, app)
