"""Command line: ``flask --app wsgi engage cycle-reminders`` (daily, from cron or a timer)."""
from __future__ import annotations

import click

from ..cli import engage_cli

_DONE: list[bool] = []


def register_cli() -> None:
    if _DONE:
        return
    _DONE.append(True)

    @engage_cli.command("cycle-reminders")
    def cycle_reminders_command():
        """Remind partnerships of annual cycle steps due within two weeks or late (each once)."""
        from ..extensions import db
        from .services import send_reminders

        count = send_reminders()
        db.session.commit()
        click.echo(f"Queued {count} annual cycle reminder{'s' if count != 1 else ''}.")
