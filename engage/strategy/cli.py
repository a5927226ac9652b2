"""Command line: ``flask --app wsgi engage strategy-forget-contacts``."""
from __future__ import annotations

import click

from ..cli import engage_cli

_DONE: list[bool] = []


def register_cli() -> None:
    if _DONE:
        return
    _DONE.append(True)

    @engage_cli.command("strategy-forget-contacts")
    @click.option("--days", default=90, show_default=True, help="Days after adoption to keep the names and emails of members of the public.")
    def forget_contacts_command(days):
        """Delete the names and emails of members of the public who commented on a strategy."""
        from ..extensions import db
        from .documents import forget_contacts

        count = forget_contacts(days)
        db.session.commit()
        click.echo(f"Deleted the contact details of {count} commenter{'s' if count != 1 else ''}.")
