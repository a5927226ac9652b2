"""Command line: ``flask --app wsgi engage risk-reminders`` (daily, from cron or a timer)."""
from __future__ import annotations

import click

from ..cli import engage_cli

_DONE: list[bool] = []


def register_cli() -> None:
    if _DONE:
        return
    _DONE.append(True)

    @engage_cli.command("risk-reminders")
    def risk_reminders_command():
        """Remind risk owners of reviews due within a week or overdue (each reminder once)."""
        from ..extensions import db
        from .services import send_review_reminders

        count = send_review_reminders()
        db.session.commit()
        click.echo(f"Queued {count} risk review reminder{'s' if count != 1 else ''}.")
