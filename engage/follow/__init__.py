"""Following by email with no account (issue 18): a resident follows a consultation, a place,
a priority or "you said, we did"; confirms by a link; gets each piece of news at once or a
weekly digest; stops with one click.

Connections to the rest: it listens to ``engage/core/events.py`` (``consultation.opened``,
``findings.published``, ``response.published``, ``response.progress``), adds a "Get emails"
link to the consultation page through the ``consultation.page`` panel, and a purge step to
``purge-expired`` through ``engage.core.registry.purges``. The scheduled command
``flask --app wsgi engage send-follow-updates`` announces consultations whose start date has
come and builds the weekly digests; the outbox's background sender sends the mail.
"""
from __future__ import annotations

import click
from flask import Blueprint, Flask

bp = Blueprint("follow", __name__)


def init_app(app: Flask) -> None:
    from ..cli import engage_cli
    from ..core import events
    from ..core.registry import panels, purges
    from . import models, services, views  # noqa: F401  (routes, tables)

    app.register_blueprint(bp)
    events.subscribe(events.CONSULTATION_OPENED, services.consultation_opened, app)
    events.subscribe(events.FINDINGS_PUBLISHED, services.findings_published, app)
    events.subscribe(events.RESPONSE_PUBLISHED, services.response_published, app)
    events.subscribe(events.RESPONSE_PROGRESS, services.response_progress, app)
    panels.register("consultation.page", views.consultation_panel, app)
    purges.register("follow", services.purge, app)
    if send_follow_updates_command.name not in engage_cli.commands:
        engage_cli.add_command(send_follow_updates_command)


@click.command("send-follow-updates")
def send_follow_updates_command():
    """Tell followers about consultations whose start date has come, and queue the weekly
    digests that are due. Safe to run often, and twice at once (each email is stored once)."""
    from ..extensions import db
    from .services import announce_opened, send_digests

    opened = announce_opened()
    db.session.commit()
    digests = send_digests()
    db.session.commit()
    click.echo(f"{len(opened)} consultation{'' if len(opened) == 1 else 's'} newly open; "
               f"{digests} weekly email{'' if digests == 1 else 's'} queued.")
