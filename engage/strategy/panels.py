"""What this capability adds to other capabilities' pages (``engage.core.registry.panels``):
the network members who used a toolkit method, and those who helped with a consultation."""
from __future__ import annotations

from flask import Flask, render_template, url_for
from markupsafe import Markup

from ..core.registry import panels


def toolkit_entry_panel(entry, user):
    from .network import can_see_contact, members_using

    rows = members_using(entry.slug)
    return Markup(render_template("strategy/_panel_toolkit.html", entry=entry, members=rows,
                                  show_contact=can_see_contact(user)))


def consultation_panel(consultation, user):
    from .network import can_name_helpers, helpers_of

    rows = helpers_of(consultation.id)
    if not rows:
        return None
    return Markup(render_template("strategy/_panel_consultation.html", helpers=rows, consultation=consultation,
                                  can_edit=can_name_helpers(user, consultation)))


def consultation_manage(consultation, user):
    return Markup('<li><a class="govuk-link" href="%s">Name network members who helped</a></li>') % url_for(
        "strategy.helpers", consultation_id=consultation.id)


def register(app: Flask) -> None:
    panels.register("toolkit.entry", toolkit_entry_panel, app)
    panels.register("consultation.page", consultation_panel, app)
    panels.register("consultation.manage", consultation_manage, app)
