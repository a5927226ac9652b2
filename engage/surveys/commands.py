"""``flask --app wsgi engage purge-expired``: delete personal data past its retention period."""
from __future__ import annotations

import click

from ..cli import engage_cli
from ..extensions import db


@engage_cli.command("purge-expired")
def purge_expired_command():
    """Delete survey contacts and personal free text past each survey's retention period,
    and unfinished answers older than 60 days."""
    from .lifecycle import purge_expired

    counts = purge_expired(echo=click.echo)
    db.session.commit()
    click.echo(f"Deleted {counts['contacts']:,} email addresses, {counts['texts']:,} personal comments and "
               f"{counts['drafts']:,} unfinished or preview responses ({counts['surveys']:,} surveys reached the end of their retention period).")
