"""The ``flask --app wsgi engage ...`` command group; capabilities add their commands here."""
import click
from flask.cli import AppGroup

engage_cli = AppGroup("engage", help="Engage's own commands (demo data, toolkit, search index).")


def _command_job_id(ctx: click.Context) -> None:
    """Every line a command logs carries ``job_id`` ``command:<name>`` (engage/core/logs.py)."""
    from .core import logs

    name = ctx.invoked_subcommand or "engage"
    ctx.with_resource(logs.job("command", name))


engage_cli.callback = click.pass_context(_command_job_id)


def progress(iterable, length: int, label: str):
    """A progress bar on the command line for long work (imports, reindexing)."""
    return click.progressbar(iterable, length=length, label=label, file=None)


@engage_cli.command("send-mail")
def send_mail_command():
    """Send the emails waiting in the outbox, retrying failed ones when due (run every few
    minutes from cron or a systemd timer; safe beside the web servers' own sender)."""
    from .core import mail

    counts = mail.send_due()
    left = mail.summary()
    click.echo(f"Sent {counts['sent']:,}; failed {counts['failed']:,} (tried again later); gave up on {counts['given_up']:,}. "
               f"Waiting: {left['waiting']:,} ({left['failing']:,} failing); given up in all: {left['given_up']:,}.")
