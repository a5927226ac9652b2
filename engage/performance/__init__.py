"""Performance management (seed 004, issue 22): six-monthly monitoring against monitoring
levels, the three-stage ladder of intervention worked out from the readings, each stage's
owner, plan, report-back date, reminders and moves, residents' evidence on a stage's page,
and exception reports for the board (a page and a Word document).

- ``models.py``: periods, target settings (figures once a year, lead officer), PSG members,
  stages and their moves.
- ``ladder.py``: the ladder worked out from a target's positions, period by period (pure).
- ``services.py``: bringing stored stages in line with the ladder, the PSG's stages by hand,
  moves, reminders, managing periods and the PSG.
- ``report.py``: the exception report (page and Word).
- ``workflow.py``: the stage's table, registered with engage/core/workflows.py.

``flask --app wsgi engage ladder-review`` works out the ladder and sends reminders (hourly).
"""
from __future__ import annotations

import click
from flask import Blueprint, Flask

bp = Blueprint("performance", __name__)


def init_app(app: Flask) -> None:
    from ..cli import engage_cli
    from ..core.registry import panels
    from . import demo, models, views, workflow  # noqa: F401  (routes, tables, seeder, workflow)

    app.register_blueprint(bp)
    panels.register("account.dashboard", views.account_links, app)
    if ladder_review_command.name not in engage_cli.commands:
        engage_cli.add_command(ladder_review_command)


@click.command("ladder-review")
def ladder_review_command():
    """Work out the ladder of intervention from the readings (start, close and move up
    stages) and remind owners of report-back dates: safe to run every hour."""
    from ..extensions import db
    from .services import review, send_reminders

    counts = review()
    sent = send_reminders()
    db.session.commit()
    click.echo(f"Stages started: {counts['started']}, moved up: {counts['escalated']}, closed: {counts['closed']}.")
    click.echo(f"{sent} reminder{'' if sent == 1 else 's'} queued.")
